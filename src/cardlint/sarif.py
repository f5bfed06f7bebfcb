"""SARIF 2.1.0 output, for code-scanning uploads. Imported only when that format is asked for."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from cardlint import __version__
from cardlint.diagnostic import Diagnostic, Edit, Severity
from cardlint.docs import rule_page
from cardlint.paths import repository_root
from cardlint.rules import Rule
from cardlint.source import Source

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/cardlint/"
ROOT = "%SRCROOT%"


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _location(path: str, root: str) -> dict[str, str]:
    """The file as a percent-encoded URI relative to the repository root (``%SRCROOT%``)."""
    relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    return {"uri": quote(relative, safe="/"), "uriBaseId": ROOT}


def _plain(page: str) -> str:
    """A rule page as plain text: no heading marks, fences, table rules or backticks."""
    lines = []
    for line in page.splitlines():
        if line.startswith("```") or re.fullmatch(r"\|[-| ]*\|", line):
            continue
        lines.append(line.lstrip("#").strip() if line.startswith("#") else line.replace("`", ""))
    return "\n".join(lines).strip() + "\n"


def _region(source: Source, start: int, end: int) -> dict[str, int]:
    line, column = source.position(start)
    end_line, end_column = source.position(end)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _replacement(source: Source, edit: Edit) -> dict[str, Any]:
    return {"deletedRegion": _region(source, edit.start, edit.end), "insertedContent": {"text": edit.content}}


def render_sarif(
    diagnostics: Sequence[Diagnostic],
    rules: Sequence[type[Rule]],
    sources: Mapping[str, Source] | None = None,
    with_statistics: bool = False,
) -> str:
    """One SARIF run. Fixes carry their edits as replacements when the file's source is given
    (``sources``, by path); otherwise they are left out, never half written."""
    root = repository_root(os.getcwd())
    index = {rule.code: position for position, rule in enumerate(rules)}
    descriptors = []
    for rule in rules:
        page = rule_page(rule)
        descriptors.append(
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.summary},
                "help": {"text": _plain(page), "markdown": page},
                "defaultConfiguration": {"level": _level(rule.severity)},
                "properties": {"fix": "none" if rule.fix is None else rule.fix.value},
            }
        )
    results = []
    for diagnostic in diagnostics:
        location = _location(diagnostic.path, root)
        result: dict[str, Any] = {
            "ruleId": diagnostic.code,
            "level": _level(diagnostic.severity),
            "message": {"text": diagnostic.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": location,
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
        source = (sources or {}).get(diagnostic.path)
        if diagnostic.fix is not None and source is not None:
            result["fixes"] = [
                {
                    "description": {"text": diagnostic.fix.title},
                    "artifactChanges": [
                        {
                            "artifactLocation": location,
                            "replacements": [_replacement(source, edit) for edit in diagnostic.fix.edits],
                        }
                    ],
                }
            ]
        results.append(result)
    document: dict[str, Any] = {
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
                "originalUriBaseIds": {ROOT: {"uri": "file://" + quote(root.replace(os.sep, "/").rstrip("/") + "/")}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    if with_statistics:
        from cardlint.report import statistics

        document["runs"][0]["properties"] = {"statistics": statistics(diagnostics)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
