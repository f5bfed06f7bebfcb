"""The text of one file with its byte-level habits (BOM, newline style) and a line/column map."""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterator, Sequence
from itertools import accumulate
from operator import add

from cardlint.errors import UsageError
from cardlint.record import Record

BOM = "\ufeff"
_UTF8_BOM = b"\xef\xbb\xbf"
_LINE_END = re.compile(r"\r\n|\r|\n")
_OUR_NAME = "cardlint"
_NEAR = 5_000  # lines: past this, counting from a known start costs more than computing all starts


class Lines(Sequence[str]):
    """The lines of an LF-only UTF-8 file, decoded and split region by region when first read.

    A warm run knows where the file's segments start (see cardlint.layout) and reads the lines of
    only a few of them: the rest of a 16 MB file is never decoded, nor split into a quarter of a
    million strings. Reads near a region's start decode that line alone.
    """

    __slots__ = ("data", "firsts", "offsets", "count", "parts", "split")

    def __init__(self, data: bytes, regions: list[tuple[int, int]], count: int, known: dict[int, list[str]]) -> None:
        """``data``: the file's bytes (valid UTF-8, no BOM); ``regions``: (first line, byte offset)
        of each region, in order, from (1, 0); ``known``: the lines of some regions (by first
        line), split already."""
        self.data = data
        self.firsts = [first for first, _ in regions]
        self.offsets = [offset for _, offset in regions] + [len(data)]
        self.count = count
        self.parts: list[list[str] | None] = [known.get(first) for first in self.firsts]
        self.split = sum(part is not None for part in self.parts)

    @property
    def worn(self) -> bool:
        """Whether many regions are split already (a sixteenth): the run is reading much of the
        file after all (many cards not in the cache), and a plain list is the faster to read."""
        return self.split * 16 > len(self.parts)

    def __len__(self) -> int:
        return self.count

    def _part(self, region: int) -> list[str]:
        part = self.parts[region]
        if part is None:
            part = self.data[self.offsets[region] : self.offsets[region + 1]].decode("utf-8").split("\n")
            if part[-1] == "" and (len(part) > 1 or region + 1 < len(self.firsts)):
                part.pop()  # the region ends with its last line's newline
            self.parts[region] = part
            self.split += 1
        return part

    def _line(self, index: int) -> str:
        region = bisect.bisect_right(self.firsts, index + 1) - 1
        within = index + 1 - self.firsts[region]
        if self.parts[region] is None and within < 8:
            data, start, end = self.data, self.offsets[region], self.offsets[region + 1]
            for _ in range(within):
                start = data.index(b"\n", start, end) + 1
            stop = data.find(b"\n", start, end)
            return data[start : end if stop < 0 else stop].decode("utf-8")
        return self._part(region)[within]

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            start, stop, step = index.indices(self.count)
            if step != 1 or stop - start <= 4:  # a few lines: read each, near its region's start
                return [self._line(i) for i in range(start, stop, step)]
            out: list[str] = []
            region = bisect.bisect_right(self.firsts, start + 1) - 1 if start < stop else len(self.firsts)
            while start < stop and region < len(self.firsts):
                part = self._part(region)
                first = self.firsts[region] - 1
                out.extend(part[start - first : stop - first])
                start = first + len(part)
                region += 1
            return out
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError("line index out of range")
        return self._line(index)

    def __iter__(self) -> Iterator[str]:
        for region in range(len(self.firsts)):
            yield from self._part(region)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, Lines)) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


class Source(Record):
    """Decoded text without its BOM; positions are 1-based lines and columns in characters.

    ``text`` is decoded when first read: a warm run that serves most cards from the cache reads
    only the lines it needs, each region decoded when first read (see ``Lines``), and never
    decodes the whole file. ``lines`` are split when first read.
    ``line_starts`` (the offset of each line) is computed when first read. ``line_start`` answers
    for one line from a nearby known start when there is one (see ``anchor``): a warm run that
    serves most cards from the cache never computes them all.
    """

    __slots__ = (
        "path", "_text", "bom", "newline", "_lines", "_line_starts", "_utf8", "_anchors", "_anchor_lines",
        "_count", "lf_only", "_mentioned", "_length",
    )

    def __init__(
        self,
        path: str,
        _text: str | None,
        bom: bool = False,
        newline: str = "\n",
        _lines: list[str] | Lines | None = None,
        _line_starts: list[int] | None = None,
        _utf8: bytes | None = None,
        _anchors: dict[int, int] | None = None,
        _anchor_lines: list[int] | None = None,
        _count: int | None = None,
        lf_only: bool = True,
        _mentioned: dict[str, bool] | None = None,
        _length: int | None = None,
    ) -> None:
        self.path = path
        self._text = _text  # None until first read (the bytes are then at hand, valid UTF-8 or not)
        self.bom = bom
        self.newline = newline
        self._lines = _lines
        self._line_starts = _line_starts
        self._utf8 = _utf8  # the text as UTF-8, when the file's bytes are at hand
        self._anchors = {} if _anchors is None else _anchors  # line -> its start, known without line_starts
        self._anchor_lines = [] if _anchor_lines is None else _anchor_lines
        self._count = _count
        self.lf_only = lf_only  # no CR anywhere: lines end with LF (the one newline str.split knows)
        self._mentioned = {} if _mentioned is None else _mentioned  # word -> whether the text holds it
        self._length = _length  # len(text), when known without decoding it (see cardlint.layout)

    @classmethod
    def from_text(cls, text: str, path: str = "<string>", utf8: bytes | None = None) -> Source:
        bom = text.startswith(BOM)
        if bom:
            text = text[1:]
        if "\r" not in text:
            # The common case, LF only: the lines are split when first asked for.
            return cls(path=path, _text=text, bom=bom, newline="\n", _utf8=utf8)
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
        return cls(
            path=path, _text=text, bom=bom, newline=newline, _lines=lines, _line_starts=starts, _utf8=utf8, lf_only=False
        )

    @property
    def text(self) -> str:
        text = self._text
        if text is None:
            assert self._utf8 is not None
            self._text = text = decode(self._utf8, self.path, 3 if self.bom else 0)
        return text

    @property
    def length(self) -> int:
        """len(text), without decoding it when a warm run learnt it from the cache."""
        if self._text is None and self._length is not None:
            return self._length
        return len(self.text)

    @property
    def final_newline(self) -> bool:
        """Whether the text ends with a line break."""
        if self._text is None and self._utf8 is not None:
            return self._utf8.endswith((b"\n", b"\r"))
        return self.text.endswith(("\n", "\r"))

    @property
    def lines(self) -> list[str] | Lines:
        lines = self._lines
        if lines is None:
            # str.split is an order of magnitude faster than the regex.
            lines = self.text.split("\n")
            if len(lines) > 1 and lines[-1] == "":
                lines.pop()
            self._lines = lines
        elif type(lines) is Lines and lines.worn:
            # Much of the file is being read after all (many cards not in the cache): a list.
            self._lines = lines = list(lines)
        return lines

    @property
    def line_count(self) -> int:
        """The number of lines, without splitting them."""
        if self._lines is not None:
            return len(self._lines)
        if self._count is None:
            if self._text is None and self._utf8 is not None:
                self._count = _lf_line_count(self._utf8, b"\n")
            else:
                self._count = _lf_line_count(self.text, "\n")
        return self._count

    def learn(self, line_count: int, length: int, names_cardlint: bool) -> None:
        """Learn the text's line count, length and whether it names cardlint anywhere (a directive
        or an annotation may), from the cache, without decoding or searching it."""
        self._count, self._length = line_count, length
        self._mentioned[_OUR_NAME] = names_cardlint

    def split_lazily(self, regions: list[tuple[int, int]], known: dict[int, list[str]]) -> None:
        """Decode and split the lines region by region, when read (LF-only text whose lines are not
        split yet); ``regions``: (first line, byte offset); ``known``: the lines of some regions,
        by first line."""
        if self._lines is None and self.lf_only and self._utf8 is not None:
            self._lines = Lines(self._utf8, regions, self.line_count, known)

    def segment(self, first: int, last: int) -> str:
        """The text of lines ``first`` to ``last``, their line breaks included."""
        if self._text is not None or not self.lf_only:
            return self.text[self.line_start(first) : self.next_line_offset(last)]
        # LF only, not decoded: join the lines (a warm run decodes only the regions it reads).
        end = "\n" if last < self.line_count or self.final_newline else ""
        return "\n".join(self.lines[first - 1 : last]) + end

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            # LF only (CR texts get theirs while splitting): start of line i = lengths of the
            # lines before it + one newline each, all in C.
            prefix = accumulate(map(len, self.lines), initial=0)
            self._line_starts = list(map(add, prefix, range(len(self.lines))))
        return self._line_starts

    def anchor(self, starts: dict[int, int]) -> None:
        """Learn where some lines start (from the cache), to count other lines' starts from."""
        self._anchors.update(starts)
        self._anchor_lines = sorted(self._anchors)

    def line_start(self, line: int) -> int:
        """Character offset of the start of a 1-based line."""
        known = self._anchors.get(line)
        if known is not None:
            return known
        if self._line_starts is None and self._anchor_lines and self.lf_only:
            # LF only (a text with CR has its line starts from the split): count from the nearest
            # known start above, when it is near enough to beat computing them all.
            index = bisect.bisect_right(self._anchor_lines, line) - 1
            if index >= 0:
                base = self._anchor_lines[index]
                if line - base <= _NEAR:
                    return self._anchors[base] + sum(map(len, self.lines[base - 1 : line - 1])) + line - base
        return self.line_starts[line - 1]

    def mentions(self, word: str) -> bool:
        """Whether the text contains ``word`` (ASCII), searched in the file's bytes when at hand:
        a one-byte search is faster than one in a text that holds any character past U+00FF.

        The directives and annotations all start with "cardlint": a file that never names it
        (the common case) is searched once for all of them.
        """
        found = self._mentioned.get(word)
        if found is None:
            if word.startswith(_OUR_NAME) and word != _OUR_NAME and not self.mentions(_OUR_NAME):
                found = False
            elif self._utf8 is not None:
                found = word.encode("ascii") in self._utf8
            else:
                found = word in self.text
            self._mentioned[word] = found
        return found

    @property
    def utf8(self) -> bytes:
        """The text (without BOM) as UTF-8 bytes: the bytes read when there were any."""
        if self._utf8 is None:
            self._utf8 = self.text.encode("utf-8", "surrogatepass")
        return self._utf8

    @classmethod
    def read(cls, path: str, max_bytes: int | None = None, lazy: bool = False) -> Source:
        """The file's source. ``lazy``: an LF-only file is decoded only when its text is read
        (a refused file then raises there, with the same message)."""
        return cls.from_bytes(read_bytes(path, max_bytes), path, lazy)

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<string>", lazy: bool = False) -> Source:
        bom = data.startswith(_UTF8_BOM)
        body = data[3:] if bom else data
        if lazy and b"\r" not in data:
            if b"\x00" in data:
                raise UsageError(f"binary file, not Markdown ({path})")
            return cls(path=path, _text=None, bom=bom, newline="\n", _utf8=body)
        return cls.from_text(decode(data, path), path, body)

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
        return self.line_start(line) + column - 1

    def line_end_offset(self, line: int) -> int:
        """Offset just past the line's content (before its line ending)."""
        return self.line_start(line) + len(self.lines[line - 1])

    def next_line_offset(self, line: int) -> int:
        """Offset of the start of the following line (or the end of text)."""
        if line < self.line_count:
            return self.line_start(line + 1)
        return self.length


def _lf_line_count(text, newline):
    """len(text.split("\n")) without its last "" (as Source splits an LF-only text), for a str or
    for UTF-8 bytes."""
    count = text.count(newline) + 1
    return count - 1 if count > 1 and text.endswith(newline) else count


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


def replace_file(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it: a reader meanwhile sees the
    old file or the new one, never part of one. Raises OSError, the temporary file removed."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def decode(data: bytes, path: str, skipped: int = 0) -> str:
    """Decode UTF-8 Markdown; binary or other encodings are refused, never guessed. ``skipped``:
    the bytes before ``data`` in the file (a BOM), for the position in the message."""
    if b"\x00" in data:
        raise UsageError(f"binary file, not Markdown ({path})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"not valid UTF-8 at byte {skipped + exc.start} ({path})") from None
