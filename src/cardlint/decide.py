"""The one place that decides what is reported: select/ignore, severities, inline comments."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
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
    """A ``<!-- cardlint-disable … -->`` comment: its kind, where it is, and the rules it names."""

    kind: str
    line: int
    selectors: tuple[str, ...]  # empty: every rule
    column: int = 1
    end_column: int = 1

    def covers(self, code: str, name: str) -> bool:
        return not self.selectors or any(selects(s, code, name) for s in self.selectors)

    @property
    def written(self) -> str:
        return " ".join([f"cardlint-{self.kind}", *self.selectors])


def directives(document: Document) -> list[Directive]:
    found: list[Directive] = []
    for number, text in enumerate(document.source.lines, start=1):
        if "cardlint-" not in text or number in document.code_lines:
            continue
        for match in _DIRECTIVE.finditer(text):
            selectors = tuple(s for s in re.split(r"[\s,]+", match.group(2).strip()) if s)
            found.append(Directive(match.group(1).lower(), number, selectors, match.start() + 1, match.end() + 1))
    return found


def suppressor(diagnostic: Diagnostic, found: list[Directive]) -> Directive | None:
    """The directive that silences ``diagnostic``, if one does."""
    code, name, line = diagnostic.code, diagnostic.name, diagnostic.line
    block: Directive | None = None  # the disable comment in force at the line
    for directive in found:
        if not directive.covers(code, name):
            continue
        if directive.kind == "disable-file":
            return directive
        if directive.kind == "disable-next-line" and directive.line == line - 1:
            return directive
        if directive.kind == "disable-line" and directive.line == line:
            return directive
        if directive.line <= line:
            if directive.kind == "disable":
                block = directive
            elif directive.kind == "enable":
                block = None
    return block


def decide(
    diagnostics: Iterable[Diagnostic],
    document: Document,
    config: Config,
    enabled: Sequence[type[Rule]] = (),
    known: Sequence[type[Rule]] = (),
) -> list[Diagnostic]:
    """Drop what inline comments suppress, apply configured severities, and sort by position.

    With CL106 among the ``enabled`` rules, a directive naming a rule none of the ``known`` ones
    is, or silencing nothing, is reported too: only here is it known what each directive silenced.
    """
    found = directives(document)
    used: dict[Directive, set[str]] = {}  # each directive that silenced something: its selectors that did
    kept = []
    for diagnostic in diagnostics:
        by = suppressor(diagnostic, found) if found else None
        if by is not None:
            used.setdefault(by, set()).update(s for s in by.selectors if selects(s, diagnostic.code, diagnostic.name))
            continue
        kept.append(diagnostic)
    directive_rule = next((rule for rule in enabled if rule.code == DIRECTIVE_CODE), None)
    if found and directive_rule is not None:
        for diagnostic in _directive_problems(found, used, enabled, known or enabled, directive_rule, document):
            if suppressor(diagnostic, found) is None:
                kept.append(diagnostic)
    graded = [_graded(diagnostic, config.severity) for diagnostic in kept]
    graded.sort(key=Diagnostic.sort_key)
    return graded


DIRECTIVE_CODE = "CL106"


def _runs(selector: str, enabled: Sequence[type[Rule]]) -> bool:
    return any(selects(selector, rule.code, rule.name) for rule in enabled)


def _graded(diagnostic: Diagnostic, overrides: Mapping[str, str]) -> Diagnostic:
    for selector, severity in overrides.items():
        if selects(selector, diagnostic.code, diagnostic.name):
            diagnostic = replace(diagnostic, severity=Severity(severity))
    return diagnostic


def _directive_problems(
    found: list[Directive],
    used: dict[Directive, set[str]],
    enabled: Sequence[type[Rule]],
    known: Sequence[type[Rule]],
    rule: type[Rule],
    document: Document,
) -> list[Diagnostic]:
    from cardlint.template import suggest

    names = tuple(name for r in known for name in (r.code, r.name))
    problems = []
    for directive in found:
        if directive.kind == "enable":
            continue
        unknown = [s for s in directive.selectors if not any(selects(s, r.code, r.name) for r in known)]
        if unknown:
            guess = suggest(unknown[0], names) or suggest(unknown[0].upper(), names)
            hint = f"; did you mean '{guess}'?" if guess else ""
            message = f"Unknown rule '{unknown[0]}' in '{directive.written}'{hint}"
        else:
            # Of the rules it names, those this run runs that it silenced nothing of (a rule this run
            # does not run: whether it would silence anything is unknown).
            idle = [s for s in directive.selectors if s not in used.get(directive, ()) and _runs(s, enabled)]
            if directive in used:
                if not idle:
                    continue
                message = f"'{directive.written}' silences nothing for '{idle[0]}'"
            elif len(idle) < len(directive.selectors):
                continue  # it names a rule this run does not run
            else:
                message = f"'{directive.written}' silences nothing"
        problems.append(
            Diagnostic(
                document.source.path, directive.line, directive.column, directive.line, directive.end_column,
                rule.code, rule.name, rule.severity, message,
            )
        )
    return problems
