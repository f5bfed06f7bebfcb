"""The text of one file with its byte-level habits (BOM, newline style) and a line/column map."""

from __future__ import annotations

import bisect
import errno
import os
import re
import stat
from dataclasses import dataclass
from itertools import accumulate

from cardlint.errors import UsageError

BOM = "\ufeff"
_UTF8_BOM = b"\xef\xbb\xbf"
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(slots=True)
class Source:
    """Decoded text without its BOM; positions are 1-based lines and columns in characters.

    ``lines`` are the lines without their endings (CRLF, CR and LF all end a line, as in
    CommonMark); ``line_starts`` the offset of each line in ``text``.
    """

    path: str
    text: str
    bom: bool
    newline: str  # the file's most frequent line ending: what inserted lines end with
    lines: list[str]
    line_starts: list[int]

    @classmethod
    def from_text(cls, text: str, path: str = "<string>") -> Source:
        bom = text.startswith(BOM)
        if bom:
            text = text[1:]
        if "\r" not in text:
            lines = text.split("\n")
            if len(lines) > 1 and lines[-1] == "":
                lines.pop()
            starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
            return cls(path, text, bom, "\n", lines, starts)
        lines, starts = [], []
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
        return cls(path, text, bom, newline, lines, starts)

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<string>") -> Source:
        return cls.from_text(decode(data, path), path)

    @classmethod
    def read(cls, path: str, max_bytes: int | None = None) -> Source:
        return cls.from_bytes(read_bytes(path, max_bytes), path)

    @property
    def final_newline(self) -> bool:
        """Whether the text ends with a line break."""
        return self.text.endswith(("\n", "\r"))

    def encode(self, text: str | None = None) -> bytes:
        """The bytes to write for ``text`` (default: this source), restoring the BOM."""
        body = self.text if text is None else text
        return ((BOM if self.bom else "") + body).encode("utf-8")

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        index = max(bisect.bisect_right(self.line_starts, offset) - 1, 0)
        return index + 1, offset - self.line_starts[index] + 1

    def line_start(self, line: int) -> int:
        """Character offset of the start of a 1-based line."""
        return self.line_starts[line - 1]

    def offset(self, line: int, column: int = 1) -> int:
        """Character offset of a 1-based (line, column)."""
        return self.line_starts[line - 1] + column - 1

    def line_end_offset(self, line: int) -> int:
        """Offset just past the line's content (before its line ending)."""
        return self.line_starts[line - 1] + len(self.lines[line - 1])

    def next_line_offset(self, line: int) -> int:
        """Offset of the start of the following line (or the end of text)."""
        if line < len(self.lines):
            return self.line_starts[line]
        return len(self.text)


def read_bytes(path: str, max_bytes: int | None = None) -> bytes:
    """Read a regular file, at most ``max_bytes`` of it; every OS failure is a one-line usage error.

    A FIFO, a device or a socket is refused before anything is read from it (it could block, or
    never end), and the size bound holds while reading, not only by what the file system says.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        problem = "broken symlink" if os.path.islink(path) else "file not found"
        raise UsageError(f"{problem} ({path})") from None
    except IsADirectoryError:
        raise UsageError(f"is a directory, not a file ({path})") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UsageError(f"symlink loop ({path})") from None
        raise UsageError(f"cannot read file: {exc.strerror or exc} ({path})") from None
    except ValueError:  # a NUL in the name (a config file can hold one; a shell cannot pass one)
        raise UsageError(f"file not found: its name holds a NUL character ({path})") from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise UsageError(f"is a directory, not a file ({path})")
        raise UsageError(f"not a regular file (a FIFO, device or socket) ({path})")
    with os.fdopen(descriptor, "rb") as handle:
        try:
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
        except OSError as exc:
            raise UsageError(f"cannot read file: {exc.strerror or exc} ({path})") from None
    if max_bytes is not None and len(data) > max_bytes:
        size = max(status.st_size, len(data))
        raise UsageError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (config max-file-size) ({path})")
    return data


def replace_file(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, created exclusively: a reader
    meanwhile sees the old file or the new one, never part of one, and a symlink at ``path`` is
    replaced, never written through. Raises OSError, the temporary file removed."""
    import tempfile

    folder, name = os.path.split(path)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder or ".")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 Markdown (a UTF-8 BOM is kept, for Source to note); binary or other encodings
    are refused, never guessed."""
    if b"\x00" in data:
        raise UsageError(f"binary file, not Markdown ({path})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"not valid UTF-8 at byte {exc.start} ({path})") from None
