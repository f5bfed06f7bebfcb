"""One reported problem, and the fix that mends it as data.

The three classes are values: hashable and compared by value, and never changed once made (use
``dataclasses.replace``). They are not frozen dataclasses only because a frozen ``__init__`` costs
three times as much, and a warm run on a 5,000-card README rebuilds 12,000 of them from the cache.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from operator import attrgetter


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class Applicability(str, Enum):
    """Safe fixes run with ``--fix``; unsafe ones also need ``--unsafe-fixes``."""

    SAFE = "safe"
    UNSAFE = "unsafe"


# Diagnostics are reported in this order: the key as one C-level call per diagnostic.
SORT_KEY = attrgetter("path", "line", "column", "code", "message")

@dataclass(slots=True, unsafe_hash=True)
class Edit:
    """Replace ``text[start:end]`` (character offsets into the source without BOM) with ``content``."""

    start: int
    end: int
    content: str


@dataclass(slots=True, unsafe_hash=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    # True when the fix exists to change the words it replaces (a misspelled key, a wrong URL);
    # any other fix must keep every word of the text it replaces.
    rewrites: bool = False


@dataclass(slots=True, unsafe_hash=True)
class Diagnostic:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    severity: Severity
    message: str
    fix: Fix | None = None

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def with_severity(self, severity: Severity) -> Diagnostic:
        return replace(self, severity=severity)

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
