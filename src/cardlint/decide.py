"""The one place that decides what is reported: select/ignore, severities, inline comments."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from cardlint.config import Config
from cardlint.diagnostic import Diagnostic, Severity
from cardlint.errors import UsageError
from cardlint.model import Document
from cardlint.rules import Rule

_DIRECTIVE = re.compile(
    r"<!--\s*cardlint-(disable-next-line|disable-line|disable-file|disable|enable)\b(.*?)-->", re.IGNORECASE
)


def selects(selector: str, code: str, name: str) -> bool:
    """Whether ``selector`` (ALL, a code, a code prefix or a rule name, in any case) names a rule."""
    upper = selector.upper()
    return upper == "ALL" or code.upper().startswith(upper) or selector.lower() == name


def _matches(selector: str, rule: type[Rule]) -> bool:
    return selects(selector, rule.code, rule.name)


def check_selectors(selectors: Iterable[str], rules: Sequence[type[Rule]], where: str) -> None:
    for selector in selectors:
        if not any(_matches(selector, rule) for rule in rules):
            raise UsageError(f"unknown rule selector '{selector}' ({where})")


def enabled_rules(
    config: Config,
    rules: Sequence[type[Rule]],
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
) -> list[type[Rule]]:
    """Rules to run: the command line's --select replaces the config's, --ignore adds to it."""
    chosen = list(select) if select is not None else config.select
    chosen = ["ALL"] if chosen is None else chosen
    chosen = [*chosen, *config.extend_select, *extend_select]
    ignored = [*config.ignore, *ignore]
    check_selectors(chosen, rules, "select")
    check_selectors(ignored, rules, "ignore")
    check_selectors(config.severity, rules, "severity")
    return [
        rule
        for rule in rules
        if any(_matches(s, rule) for s in chosen) and not any(_matches(s, rule) for s in ignored)
    ]


@dataclass(frozen=True, slots=True)
class Directive:
    """A ``<!-- cardlint-disable … -->`` comment: its kind, line and the rules it names."""

    kind: str
    line: int
    selectors: tuple[str, ...]  # empty: every rule

    def covers(self, code: str, name: str) -> bool:
        return not self.selectors or any(selects(s, code, name) for s in self.selectors)


def directives(document: Document) -> list[Directive]:
    found: list[Directive] = []
    for number, text in enumerate(document.source.lines, start=1):
        if "cardlint-" not in text or number in document.code_lines:
            continue
        for match in _DIRECTIVE.finditer(text):
            selectors = tuple(s for s in re.split(r"[\s,]+", match.group(2).strip()) if s)
            found.append(Directive(match.group(1).lower(), number, selectors))
    return found


def suppressed(diagnostic: Diagnostic, found: list[Directive]) -> bool:
    code, name, line = diagnostic.code, diagnostic.name, diagnostic.line
    disabled = False
    for directive in found:
        if not directive.covers(code, name):
            continue
        if directive.kind == "disable-file":
            return True
        if directive.kind == "disable-next-line" and directive.line == line - 1:
            return True
        if directive.kind == "disable-line" and directive.line == line:
            return True
        if directive.line <= line:
            if directive.kind == "disable":
                disabled = True
            elif directive.kind == "enable":
                disabled = False
    return disabled


def decide(diagnostics: Iterable[Diagnostic], document: Document, config: Config) -> list[Diagnostic]:
    """Drop what inline comments suppress, apply configured severities, and sort by position."""
    found = directives(document)
    overrides = config.severity
    kept = []
    for diagnostic in diagnostics:
        if found and suppressed(diagnostic, found):
            continue
        for selector, severity in overrides.items():
            if selects(selector, diagnostic.code, diagnostic.name):
                diagnostic = replace(diagnostic, severity=Severity(severity))
        kept.append(diagnostic)
    kept.sort(key=Diagnostic.sort_key)
    return kept
