"""Reuse the previous run's block scan for the parts of a file that did not change.

A run with the cache keeps, per file, the file's *segments*: the file is cut before every title,
tier and card heading that follows a blank line or another heading. There the block scan is always
outside any block and any paragraph, so a segment scans the same wherever it sits. A segment
records its length (bytes, characters, lines), a hash of its bytes, what the scan found in it
(headings, and whether each starts a card; fenced and HTML lines; relative to its first line) and
whether it names cardlint (a directive or an annotation may sit there): one JSON line per segment in
``.cardlint_cache/scan-<hash of the file's path>.json``.

The next run keeps the segments that still match, byte for byte, from the start of the file and
from its end, and decodes and scans only the lines between. That is a full scan's result whenever
the lines between end outside any block; otherwise the file is scanned in full. A card that is a
kept segment also gets its hash (its cache key) and its offset without reading its text again,
and the file's length in characters and lines comes from the counts the records keep: the rest
of the file is never decoded. The hash in the header covers every record, so a record damaged or
edited by hand is never trusted: the whole file is scanned afresh then.
"""

from __future__ import annotations

import bisect
import json

from xxhash import xxh3_128_hexdigest

from cardlint import __version__
from cardlint.model import Document, Heading, Span
from cardlint.parser import BlockScan
from cardlint.source import Source, replace_file

_FORMAT = 5
_NEWLINE = 0x0A
_OUR_NAME = b"cardlint"
_HEADING_START = b"# "  # a heading line starts with one or the other (ATX, or indented up to 3)


def digest(data: bytes | memoryview) -> str:
    """A 128-bit hash of a segment's bytes (xxh3: the warm run hashes the whole file, 16 MB for
    5,000 cards, three times faster than with SHA-256; the cache needs no defence against a
    crafted collision, only against chance, see cardlint.cache)."""
    return xxh3_128_hexdigest(data)


def _lines_in(data: bytes, start: int, end: int, lf_only: bool) -> int:
    """Lines in ``data[start:end]`` as Source splits them (CRLF, CR and LF end a line), counted in C;
    a part that ends mid-line counts that line."""
    if start == end:
        return 0
    count = data.count(b"\n", start, end)
    returns = 0 if lf_only else data.count(b"\r", start, end)
    if returns:
        count += returns - data.count(b"\r\n", start, end)
    return count + (0 if data[end - 1] in (0x0A, 0x0D) else 1)


def _runs(numbers: list[int], first: int, last: int, base: int) -> list[list[int]]:
    """The sorted ``numbers`` between ``first`` and ``last`` as [start, end] runs, minus ``base``."""
    runs: list[list[int]] = []
    for number in numbers[bisect.bisect_left(numbers, first) : bisect.bisect_right(numbers, last)]:
        if runs and runs[-1][1] == number - base - 1:
            runs[-1][1] += 1
        else:
            runs.append([number - base, number - base])
    return runs


class Layout:
    """The segments of one source: those kept from the previous run, and the lines scanned afresh."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.kept: dict[int, list] = {}  # first line -> the kept segment's record
        self.middle: tuple[int, int] | None = None  # first and last line scanned afresh
        self.previous: list | None = None  # the records read, when they served
        self.body = b""  # the records read, as read: one JSON line each

    # -- reading the previous run's segments ------------------------------------------------------

    def load(self, name: str) -> list | None:
        """The previous run's records from ``name``: a header line, then one JSON line per segment."""
        try:
            with open(name, "rb") as handle:
                header_line, _, body = handle.read().partition(b"\n")
            header = json.loads(header_line)
            if header != {"format": _FORMAT, "version": __version__, "hash": digest(body)}:
                return None
            if not body.endswith(b"\n"):
                return None
            # One line per record, none empty: the lines joined by commas are one JSON array.
            records = json.loads(b"[" + body[:-1].replace(b"\n", b",") + b"]")
        except (OSError, ValueError):
            return None
        if not isinstance(records, list) or len(records) != body.count(b"\n"):
            return None
        self.body = body  # kept records are written back as the text read (see save)
        return records

    def reuse(self, records: list) -> BlockScan | None:
        """The block scan of the source from kept segments and a scan of the rest; None when the
        rest would not end outside a block (or the records are damaged): scan it all then."""
        try:
            scan = self._reuse(records)
        except (ValueError, TypeError, KeyError, IndexError):
            scan = None
        if scan is None:
            self.kept, self.middle = {}, None
        else:
            self.previous = records
        return scan

    def _reuse(self, records: list) -> BlockScan | None:
        source = self.source
        data = source.utf8
        view = memoryview(data)
        size, count = len(data), len(records)
        # Per segment: byte, character and line counts, and hash.
        hashed = xxh3_128_hexdigest
        kept: list[tuple[int, int, int, list]] = []  # (first line, character offset, byte offset, record)
        # From the start: each segment must match where the one before it ended and end at a line
        # break. The last segment is kept only when the file ends with it (the state after it, with
        # more lines following, was never recorded).
        index = byte = char = line = 0
        while index < count:
            record = records[index]
            end = byte + record[0]
            if end > size or (end < size and (data[end - 1] != _NEWLINE or index == count - 1)):
                break
            if hashed(view[byte:end]) != record[3]:
                break
            if byte and data[byte] not in _HEADING_START:
                return None  # each segment after the first starts with its heading line
            kept.append((line + 1, char, byte, record))
            byte, char, line, index = end, char + record[1], line + record[2], index + 1
        # From the end: back to where the kept start ends. The first segment (which starts at line
        # 1, not at a heading) is kept only at the start of the file.
        back = count
        end_byte = size
        suffix: list[list] = []
        while back > index:
            record = records[back - 1]
            start = end_byte - record[0]
            if start < byte or (start > 0 and (data[start - 1] != _NEWLINE or back == 1)):
                break
            if hashed(view[start:end_byte]) != record[3]:
                break
            if data[start] not in _HEADING_START:
                return None
            end_byte, back = start, back - 1
            suffix.append(record)
        # The lines between, decoded and split here (the rest of the file is decoded only where
        # read). Their counts and the records' give the file's length in characters and lines.
        middle = data[byte:end_byte].decode("utf-8")
        lazy = source._lines is None and source.lf_only
        fresh_count = _lines_in(data, byte, end_byte, source.lf_only)
        end_line = line + fresh_count
        char_at, line_at, byte_at = char + len(middle), end_line, end_byte
        for record in reversed(suffix):
            kept.append((line_at + 1, char_at, byte_at, record))
            char_at, line_at, byte_at = char_at + record[1], line_at + record[2], byte_at + record[0]
        if source._text is not None and (line_at != source.line_count or char_at != len(source._text)):
            return None  # the counts disagree with the text: never trust them
        if lazy:
            fresh = middle.split("\n")[:fresh_count]
        else:
            fresh = source.lines[line:end_line]
        scan = BlockScan(fresh, None, offset=line)
        if scan.unclosed:
            return None
        source.learn(line_at, char_at, data.find(_OUR_NAME, byte, end_byte) >= 0 or any(r[7] for _, _, _, r in kept))
        if lazy:
            # LF only, not split yet: decode and split the other lines segment by segment, when read.
            regions = [(first, offset) for first, _, offset, _ in kept]  # the kept start, then the kept end
            regions.insert(index, (line + 1, byte))
            source.split_lazily(
                [region for region, after in zip(regions, regions[1:] + [(line_at + 1, 0)]) if region[0] < after[0]],
                {line + 1: fresh} if fresh else {},
            )
        headings, code, html, starts_card = scan.headings, scan.code, scan.html, scan.starts_card
        for first, _, _, record in kept:
            self.kept[first] = record
            for rel, level, text, end_column, text_column, card in record[4]:
                number = first + rel
                headings[number] = Heading(level, text, number, Span(number, 1, number, end_column), text_column)
                if level != 2:
                    starts_card[number] = card == 1
            for start, stop in record[5]:
                code.update(range(first + start, first + stop + 1))
            for start, stop in record[6]:
                html.update(range(first + start, first + stop + 1))
        self.middle = (line + 1, end_line)
        # Where the kept segments and the fresh lines start: the source counts other lines from there.
        source.anchor({**{first: offset for first, offset, _, _ in kept}, line + 1: char})
        return BlockScan.assembled(headings, code, html, starts_card)

    # -- positions and hashes -----------------------------------------------------------------------

    def keys(self, cards: list) -> list[str]:
        """The hashes of the cards' lines (see ``hashed``), for all of them at once."""
        kept, hashed = self.kept, self.hashed
        keys = []
        for card in cards:
            first, last = card.heading.line, card.end_line
            record = kept.get(first)
            keys.append(record[3] if record is not None and record[2] == last - first + 1 else hashed(first, last)[0])
        return keys

    def hashed(self, first: int, last: int) -> tuple[str, int]:
        """The hash of lines ``first`` to ``last`` with their line breaks, and their offset."""
        source = self.source
        record = self.kept.get(first)
        if record is not None and record[2] == last - first + 1:
            return record[3], source.line_start(first)
        return digest(self._bytes(first, last)[0]), source.line_start(first)

    def _bytes(self, first: int, last: int) -> tuple[bytes | memoryview, int]:
        """Lines ``first`` to ``last`` with their line breaks: as UTF-8, and their length in characters."""
        source = self.source
        if source.length == len(source.utf8):  # ASCII: characters are bytes
            start, end = source.line_start(first), source.next_line_offset(last)
            return memoryview(source.utf8)[start:end], end - start
        text = source.segment(first, last)
        return text.encode("utf-8", "surrogatepass"), len(text)

    def _blank(self, line: int) -> bool:
        """Whether ``line`` (not a heading) is blank. The last line of a kept segment before another
        is known to be: the previous run cut there because it was (or was a heading)."""
        middle = self.middle
        if line + 1 in self.kept and not (middle is not None and middle[0] <= line <= middle[1]):
            return True
        text = self.source.lines[line - 1]
        return not text or text.isspace()

    # -- writing this run's segments ----------------------------------------------------------------

    def records(self, document: Document) -> list[list]:
        """This source's segments, cut before each title, tier and card heading after a blank line or
        a heading."""
        source = self.source
        total = source.line_count
        card_lines = {card.heading.line for card in document.cards}
        starts = card_lines | {tier.heading.line for tier in document.tiers}
        if document.title is not None:
            starts.add(document.title.line)
        headings = document.headings  # in order
        heading_lines = [heading.line for heading in headings]
        after_heading = set(heading_lines)
        # Before a kept segment the line is blank (or a heading) unless it ends the fresh lines.
        kept = self.kept
        fresh_first, fresh_last = self.middle or (0, -1)
        cuts = [1] + [
            n
            for n in sorted(starts)
            if n > 1
            and (
                n - 1 in after_heading
                or (n in kept and not fresh_first <= n - 1 <= fresh_last)
                or self._blank(n - 1)
            )
        ]
        code: list[int] | None = None
        html: list[int] = []
        records = []
        for index, first in enumerate(cuts):
            last = cuts[index + 1] - 1 if index + 1 < len(cuts) else total
            record = self.kept.get(first)
            if record is None or record[2] != last - first + 1:
                data, characters = self._bytes(first, last)
                low, high = bisect.bisect_left(heading_lines, first), bisect.bisect_right(heading_lines, last)
                if code is None:  # sorted once, when a segment is new
                    code, html = sorted(document.code_lines), sorted(document.html_lines)
                record = [
                    len(data),
                    characters,
                    last - first + 1,
                    digest(data),
                    [
                        [h.line - first, h.level, h.text, h.span.end_column, h.text_column, int(h.line in card_lines)]
                        for h in headings[low:high]
                    ],
                    _runs(code, first, last, first),
                    _runs(html, first, last, first),
                    int(_OUR_NAME in data),
                ]
            records.append(record)
        return records

    def save(self, name: str, document: Document) -> None:
        """Write this run's segments (atomically) unless they are the ones read; never fail the run over it.

        The records kept from the start and the end of the file are written back as the lines read
        (a warm run after one card changed writes one new line and copies the rest)."""
        records = self.records(document)
        previous = self.previous or []
        count, old = len(records), len(previous)
        head = 0
        while head < min(count, old) and records[head] is previous[head]:
            head += 1
        tail = 0
        while tail < min(count, old) - head and records[count - 1 - tail] is previous[old - 1 - tail]:
            tail += 1
        if head == count == old:
            return
        lines = self.body.split(b"\n")[:-1] if head or tail else []
        middle = [json.dumps(record, separators=(",", ":")).encode("utf-8") for record in records[head : count - tail]]
        body = b"".join([line + b"\n" for line in lines[:head] + middle + lines[old - tail :]])
        header = json.dumps({"format": _FORMAT, "version": __version__, "hash": digest(body)})
        try:
            replace_file(name, header.encode("utf-8") + b"\n" + body)
        except OSError:
            pass
