"""One reported problem, and the fix that mends it as data.

The three classes are values: hashable and compared by value, and never changed once made (use
``replace``). They are not frozen only because a frozen ``__init__`` costs three times as much, and
a warm run on a 5,000-card README rebuilds 12,000 of them from the cache.
"""

from __future__ import annotations

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
