"""The one place that decides what is reported: select/ignore, severities, inline comments."""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Iterable, Sequence

from cardlint.config import Config
from cardlint.diagnostic import SORT_KEY, Diagnostic, Run, Severity, expand
from cardlint.errors import UsageError
from cardlint.model import Document
from cardlint.record import Record
from cardlint.rules import Rule

_DIRECTIVE = re.compile(
    r"<!--\s*cardlint-(disable-next-line|disable-line|disable-file|disable|enable)\b(.*?)-->", re.IGNORECASE
)


def _matches(selector: str, rule: type[Rule]) -> bool:
    return selector == "ALL" or rule.code.startswith(selector) or selector == rule.name


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


class _Directive(Record):
    __slots__ = ("kind", "line", "selectors")

    def __init__(self, kind: str, line: int, selectors: tuple[str, ...]) -> None:
        self.kind = kind
        self.line = line
        self.selectors = selectors  # empty: every rule

    def covers(self, code: str, name: str) -> bool:
        return not self.selectors or any(
            s == "ALL" or code.startswith(s) or s == name for s in self.selectors
        )


def directives(document: Document) -> list[_Directive]:
    found: list[_Directive] = []
    if not document.source.mentions("cardlint-"):
        return found  # the common case, answered by one C-level search
    for number, text in enumerate(document.source.lines, start=1):
        if "cardlint-" not in text or number in document.code_lines:
            continue
        for match in _DIRECTIVE.finditer(text):
            selectors = tuple(s for s in re.split(r"[\s,]+", match.group(2).strip()) if s)
            found.append(_Directive(match.group(1).lower(), number, selectors))
    return found


def suppressed(diagnostic: Diagnostic, found: list[_Directive]) -> bool:
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


def decide(
    diagnostics: Iterable[Diagnostic], document: Document, config: Config, runs: Sequence[Run] = ()
) -> list[Diagnostic | Run]:
    """Drop what inline comments suppress, apply configured severities, and sort by position.

    ``runs`` are cards' diagnostics from the cache, in card order, each in report order. They are
    placed among the others as they stand, unless a comment or a severity setting applies (or
    they overlap): then they are read one by one with the rest.
    """
    found = directives(document)
    overrides = config.severity
    bounds = _bounds(runs)
    if runs and (found or overrides or not _apart(bounds)):
        diagnostics = [*diagnostics, *expand(runs)]
        runs = ()
    kept = []
    for diagnostic in diagnostics:
        if found and suppressed(diagnostic, found):
            continue
        if overrides:
            for selector, severity in overrides.items():
                if diagnostic.code.startswith(selector) or selector in (diagnostic.name, "ALL"):
                    diagnostic = diagnostic.with_severity(Severity(severity))
        kept.append(diagnostic)
    kept.sort(key=SORT_KEY)
    return _merged(kept, runs, bounds) if runs else kept  # type: ignore[return-value]


def _apart(bounds: tuple[list[int], list[int]]) -> bool:
    """Whether each run ends on a line before the next one starts (cards do not share lines)."""
    firsts, lasts = bounds
    return all(map(operator.lt, lasts[:-1], firsts[1:]))


def _bounds(runs: Sequence[Run]) -> tuple[list[int], list[int]]:
    """The first and last line of each run."""
    return [run.line + run.rows[0][3] for run in runs], [run.line + run.rows[-1][3] for run in runs]


def _merged(kept: list[Diagnostic], runs: Sequence[Run], bounds: tuple[list[int], list[int]]) -> list[Diagnostic | Run]:
    """``kept`` (sorted) and the runs (apart, in order) as one list in report order: a run whose
    lines some of ``kept`` fall among is read one by one and sorted with those. The runs between
    are placed by bisection, so the few kept diagnostics cost little however many runs there are."""
    firsts, lasts = bounds
    out: list[Diagnostic | Run] = []
    placed, index, count = 0, 0, len(kept)
    while index < count:
        line = kept[index].line
        before = bisect.bisect_left(lasts, line, placed)  # the runs that end above this line
        out += runs[placed:before]
        placed = before
        if placed < len(runs) and firsts[placed] <= line:
            end = index
            while end < count and kept[end].line <= lasts[placed]:
                end += 1
            mixed = runs[placed].diagnostics() + kept[index:end]
            mixed.sort(key=SORT_KEY)
            out += mixed
            placed, index = placed + 1, end
        else:
            out.append(kept[index])
            index += 1
    out += runs[placed:]
    return out
