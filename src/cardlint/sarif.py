"""SARIF 2.1.0 output, for code-scanning uploads. Imported only when that format is asked for."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cardlint import __version__
from cardlint.diagnostic import Diagnostic, Severity
from cardlint.docs import rule_page
from cardlint.rules import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/cardlint/"


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _uri(path: str) -> str:
    candidate = Path(path)
    return candidate.as_posix() if not candidate.is_absolute() else candidate.as_uri()


def render_sarif(diagnostics: Sequence[Diagnostic], rules: Sequence[type[Rule]]) -> str:
    index = {rule.code: position for position, rule in enumerate(rules)}
    descriptors = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.summary},
            "help": {"text": rule_page(rule), "markdown": rule_page(rule)},
            "defaultConfiguration": {"level": _level(rule.severity)},
            "properties": {"fix": "none" if rule.fix is None else rule.fix.value},
        }
        for rule in rules
    ]
    results = []
    for diagnostic in diagnostics:
        result: dict[str, Any] = {
            "ruleId": diagnostic.code,
            "level": _level(diagnostic.severity),
            "message": {"text": diagnostic.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(diagnostic.path)},
                        "region": {
                            "startLine": diagnostic.line,
                            "startColumn": diagnostic.column,
                            "endLine": diagnostic.end_line,
                            "endColumn": max(diagnostic.end_column, diagnostic.column),
                        },
                    }
                }
            ],
        }
        if diagnostic.code in index:
            result["ruleIndex"] = index[diagnostic.code]
        if diagnostic.fix is not None:
            result["fixes"] = [{"description": {"text": diagnostic.fix.title}}]
        results.append(result)
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cardlint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
