"""One reported problem, and the fix that mends it, as immutable values."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from typing import Any

_WORD = re.compile(r"\w+")


def words(text: str) -> Counter[str]:
    """The words of ``text``, counted: what a fix that does not rewrite must keep (see ``Fix.rewrites``)."""
    return Counter(_WORD.findall(text))


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class FixSafety(str, Enum):
    """Safe fixes run with ``--fix``; unsafe ones also need ``--unsafe-fixes``."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` (character offsets into the source without BOM) with ``content``."""

    start: int
    end: int
    content: str


@dataclass(frozen=True, slots=True)
class Fix:
    """What mends a diagnostic: edits to apply together, and how safe they are."""

    title: str  # what the fix does, as a command: "Add a trailing pipe"
    edits: tuple[Edit, ...]
    safety: FixSafety = FixSafety.SAFE
    # True when the fix exists to change the words it replaces (a misspelled key, a wrong URL);
    # any other fix must keep every word of the text it replaces.
    rewrites: bool = False
    # True when the fix makes a heading of a line GitHub shows as text (`##DreamFusion`): a card
    # then appears, with parts that were the card above's. Such fixes get a pass of their own.
    makes_heading: bool = False


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Where the problem is (1-based, end column exclusive), which rule found it, and what is wrong."""

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

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """The report order: by file, position, code, then message."""
        return (self.path, self.line, self.column, self.code, self.message)

    def to_json(self) -> dict[str, Any]:
        fix = self.fix
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
            "fixable": fix is not None,
            "fix": None
            if fix is None
            else {
                "title": fix.title,
                "applicability": fix.safety.value,
                "edits": [{"start": e.start, "end": e.end, "content": e.content} for e in fix.edits],
            },
        }
