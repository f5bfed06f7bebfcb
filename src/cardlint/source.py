"""The text of one file with its byte-level habits (BOM, newline style) and a line/column map."""

from __future__ import annotations

import bisect
import os
import re
from itertools import accumulate
from operator import add
from dataclasses import dataclass, field

from cardlint.errors import UsageError

BOM = "\ufeff"
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(slots=True)
class Source:
    """Decoded text without its BOM; positions are 1-based lines and columns in characters."""

    path: str
    text: str
    bom: bool = False
    newline: str = "\n"
    lines: list[str] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str, path: str = "<string>") -> Source:
        bom = text.startswith(BOM)
        if bom:
            text = text[1:]
        if "\r" not in text:
            # The common case, LF only: str.split is an order of magnitude faster than the regex.
            lines = text.split("\n")
            if len(lines) > 1 and lines[-1] == "":
                lines.pop()
            # Start of line i = lengths of the lines before it + one newline each (all in C).
            prefix = accumulate(map(len, lines), initial=0)
            starts = list(map(add, prefix, range(len(lines))))
            return cls(path=path, text=text, bom=bom, newline="\n", lines=lines, line_starts=starts)
        lines = []
        starts = []
        counts = {"\n": 0, "\r\n": 0, "\r": 0}
        pos = 0
        for match in _LINE_END.finditer(text):
            starts.append(pos)
            lines.append(text[pos : match.start()])
            counts[match.group()] += 1
            pos = match.end()
        if pos < len(text) or not lines:
            starts.append(pos)
            lines.append(text[pos:])
        # The most frequent line ending is the file's style; ties favour LF.
        newline = max(("\n", "\r\n", "\r"), key=lambda nl: counts[nl])
        if counts[newline] == 0:
            newline = "\n"
        return cls(path=path, text=text, bom=bom, newline=newline, lines=lines, line_starts=starts)

    @classmethod
    def read(cls, path: str, max_bytes: int | None = None) -> Source:
        data = read_bytes(path, max_bytes)
        return cls.from_text(decode(data, path), path)

    def encode(self, text: str | None = None) -> bytes:
        """The bytes to write for ``text`` (default: this source), restoring the BOM."""
        body = self.text if text is None else text
        return ((BOM if self.bom else "") + body).encode("utf-8")

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        index = max(index, 0)
        return index + 1, offset - self.line_starts[index] + 1

    def offset(self, line: int, column: int = 1) -> int:
        """Character offset of a 1-based (line, column)."""
        return self.line_starts[line - 1] + column - 1

    def line_end_offset(self, line: int) -> int:
        """Offset just past the line's content (before its line ending)."""
        return self.line_starts[line - 1] + len(self.lines[line - 1])

    def next_line_offset(self, line: int) -> int:
        """Offset of the start of the following line (or the end of text)."""
        if line < len(self.line_starts):
            return self.line_starts[line]
        return len(self.text)


def read_bytes(path: str, max_bytes: int | None = None) -> bytes:
    """Read a file, turning every OS failure into a one-line usage error."""
    if not os.path.exists(path):
        raise UsageError(f"file not found ({path})")
    if os.path.isdir(path):
        raise UsageError(f"is a directory, not a file ({path})")
    try:
        with open(path, "rb") as handle:
            if max_bytes is not None:
                size = os.fstat(handle.fileno()).st_size
                if size > max_bytes:
                    raise UsageError(
                        f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (config max-file-size) ({path})"
                    )
            return handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read file: {exc.strerror or exc} ({path})") from None


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 Markdown; binary or other encodings are refused, never guessed."""
    if b"\x00" in data:
        raise UsageError(f"binary file, not Markdown ({path})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"not valid UTF-8 at byte {exc.start} ({path})") from None
