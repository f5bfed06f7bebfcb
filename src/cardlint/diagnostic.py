"""One reported problem, and the fix that mends it as data.

The three classes are values: hashable and compared by value, and never changed once made (use
``replace``). They are not frozen only because a frozen ``__init__`` costs three times as much, and
a warm run on a 5,000-card README rebuilds 12,000 of them from the cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from operator import attrgetter

from cardlint.record import Record


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class Applicability(str, Enum):
    """Safe fixes run with ``--fix``; unsafe ones also need ``--unsafe-fixes``."""

    SAFE = "safe"
    UNSAFE = "unsafe"


# Diagnostics are reported in this order: the key as one C-level call per diagnostic.
SORT_KEY = attrgetter("path", "line", "column", "code", "message")


class Edit(Record):
    """Replace ``text[start:end]`` (character offsets into the source without BOM) with ``content``."""

    __slots__ = ("start", "end", "content")
    __hash__ = Record.value_hash

    def __init__(self, start: int, end: int, content: str) -> None:
        self.start = start
        self.end = end
        self.content = content


class Fix(Record):
    __slots__ = ("title", "edits", "applicability", "rewrites")
    __hash__ = Record.value_hash

    def __init__(
        self, title: str, edits: tuple[Edit, ...], applicability: Applicability = Applicability.SAFE, rewrites: bool = False
    ) -> None:
        self.title = title
        self.edits = edits
        self.applicability = applicability
        # True when the fix exists to change the words it replaces (a misspelled key, a wrong URL);
        # any other fix must keep every word of the text it replaces.
        self.rewrites = rewrites


class Diagnostic(Record):
    __slots__ = ("path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message", "fix")
    __hash__ = Record.value_hash

    def __init__(
        self,
        path: str,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        code: str,
        name: str,
        severity: Severity,
        message: str,
        fix: Fix | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.code = code
        self.name = name
        self.severity = severity
        self.message = message
        self.fix = fix

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def with_severity(self, severity: Severity) -> Diagnostic:
        return self.replace(severity=severity)

    def sort_key(self) -> tuple:
        return SORT_KEY(self)

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "fixable": self.fixable,
            "fix": None
            if self.fix is None
            else {
                "title": self.fix.title,
                "applicability": self.fix.applicability.value,
                "edits": [
                    {"start": e.start, "end": e.end, "content": e.content} for e in self.fix.edits
                ],
            },
        }


_SEVERITIES = {severity.value: severity for severity in Severity}
_APPLICABILITIES = {applicability.value: applicability for applicability in Applicability}


class Run:
    """One card's diagnostics as its cache entry keeps them: rows with lines and offsets relative
    to the card, in report order, read where the card now starts.

    A warm run on a 5,000-card README restores 12,000 diagnostics, and the JSON report writes
    them straight from the rows (see cardlint.report); anything else reads them as Diagnostic
    objects (``diagnostics``). A row is ``[code, name, severity, line, column, end_line,
    end_column, message, fix]``: name and severity are null when they are the rule's (``kinds``
    holds those), and a fix is ``[title, applicability, rewrites, [[start, end, content], ...]]``.
    """

    __slots__ = ("path", "line", "offset", "rows", "kinds")

    def __init__(self, path: str, line: int, offset: int, rows: list[list], kinds: dict[str, tuple[str, Severity]]) -> None:
        self.path = path
        self.line = line  # the card's first line: rows count from it
        self.offset = offset  # the card's first character: edits count from it
        self.rows = rows  # never empty
        self.kinds = kinds  # rule code -> its name and severity

    @staticmethod
    def row(diagnostic: Diagnostic, line: int, offset: int, kinds: dict[str, tuple[str, Severity]]) -> list:
        """The row that keeps ``diagnostic`` for a card starting at ``line`` and ``offset``."""
        d = diagnostic
        named = kinds.get(d.code) == (d.name, d.severity)
        return [
            d.code,
            *((None, None) if named else (d.name, d.severity.value)),
            d.line - line,
            d.column,
            d.end_line - line,
            d.end_column,
            d.message,
            None
            if d.fix is None
            else [
                d.fix.title,
                d.fix.applicability.value,
                d.fix.rewrites,
                [[e.start - offset, e.end - offset, e.content] for e in d.fix.edits],
            ],
        ]

    def has_error(self) -> bool:
        kinds = self.kinds
        for code, name, severity, *_ in self.rows:
            if (kinds[code][1] if name is None else _SEVERITIES[severity]) is Severity.ERROR:
                return True
        return False

    def diagnostics(self) -> list[Diagnostic]:
        path, base_line, base_offset, kinds = self.path, self.line, self.offset, self.kinds
        made = []
        for code, name, severity, rel, column, rel_end, end_column, message, fix in self.rows:
            if name is None:
                name, severity = kinds[code]
            else:
                severity = _SEVERITIES[severity]
            if fix is not None:
                title, applicability, rewrites, edits = fix
                fix = Fix(
                    title,
                    tuple([Edit(start + base_offset, end + base_offset, content) for start, end, content in edits]),
                    _APPLICABILITIES[applicability],
                    rewrites,
                )
            made.append(
                Diagnostic(
                    path, base_line + rel, column, base_line + rel_end, end_column, code, name, severity, message, fix
                )
            )
        return made


def expand(reported: Iterable[Diagnostic | Run]) -> list[Diagnostic]:
    """Diagnostics and runs of them, as Diagnostic objects, in the same order."""
    out: list[Diagnostic] = []
    for item in reported:
        if type(item) is Run:
            out += item.diagnostics()
        else:
            out.append(item)  # type: ignore[arg-type]
    return out


def has_error(reported: Iterable[Diagnostic | Run]) -> bool:
    for item in reported:
        if type(item) is Run:
            if item.has_error():
                return True
        elif item.severity is Severity.ERROR:  # type: ignore[union-attr]
            return True
    return False
