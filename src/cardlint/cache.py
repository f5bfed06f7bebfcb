"""Per-card results, kept under ``.cardlint_cache/`` so an unchanged card is not parsed or checked again.

An entry is keyed by a hash of the card's text; the file holding the entries is named by a hash of
everything else the results depend on: cardlint's version, the template, the config, the newline
style and the cacheable rules selected (plugins included). It stores what the cacheable card rules
reported, with lines and offsets relative to the card, plus the facts other rules read from a card
(its images and role values), so a hit needs no parse.

The file is JSON, not pickle (the folder sits in a repository that pull requests can write to):
one ``["<key>", diagnostics, images, facts]`` line per card, each after the first led by a comma,
so that the whole file is one JSON array once bracketed, decoded in one call of the C decoder
(a 5,000-card file holds 3 MB). A run appends the entries it made, as one *chunk*: its lines,
then a ``,"<hash>"`` line holding a hash of the chunk's bytes. After one card changed, two lines
are written. A chunk whose hash does not match (a write cut short, a hand edit, a damaged disk)
is dropped whole, its cards checked afresh; so every entry served is byte for byte what cardlint
wrote, and the diagnostics it holds are served without checking each of them (the JSON report
writes them straight from the rows: see ``cardlint.diagnostic.Run``). The file is rewritten with
only the entries in use when stale ones outnumber them (keys are hashes of the card text, so a
stale entry is never wrong, only dead weight). A diagnostic's rule name and severity are stored
only when they are not its rule's, and a card's diagnostics are stored in report order.

Next to it, ``scan-<hash of the file's path>.json`` keeps the file's segments for the next run's
block scan (see cardlint.layout), which also gives the cards' hashes, and ``bibtex-….jsonl`` keeps
what each BibTeX block parsed to, by a hash of its text (see ``BibtexMemo``): a card that changed
elsewhere than in its BibTeX is checked again without loading the BibTeX parser.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from functools import partial

from cardlint import __version__
from cardlint.config import Config
from cardlint.diagnostic import SORT_KEY, Diagnostic, Run, Severity
from cardlint.layout import Layout, digest
from cardlint.model import Card, Document, Image, Span
from cardlint.parser import BlockScan
from cardlint.rules import Rule
from cardlint.source import Source, replace_file
from cardlint.template import Template

# The role values a cache entry keeps besides the card's identity: the built-in rules read no
# other from a card they do not check (the identity stands for the links); a plugin that does
# asks for a parse (see Context.role_value).
KEPT_ROLES = ("title",)


def _digest(text: str) -> str:
    return digest(text.encode("utf-8", "surrogatepass"))


_CHECK = b'\n,"'  # starts the line that ends a chunk (an entry line starts with "[" or ",[")
_CHECK_LINE = 35  # ,"<32 hex digits>"


def _rows(data: bytes) -> tuple[list, bool]:
    """The entries of the chunks whose hash matches, decoded in one call; and whether some bytes
    did not belong to such a chunk (the file is rewritten then)."""
    view = memoryview(data)
    size = len(data)
    good: list[tuple[int, int]] = []  # byte ranges of the good chunks, their hash lines included
    damaged = False
    start = 0
    while start < size:
        at = data.find(_CHECK, start)
        if at < 0:
            damaged = True  # a last chunk without its hash: a write cut short
            break
        end = at + 1 + _CHECK_LINE
        line = data[at + 1 : end + 1]
        if len(line) == _CHECK_LINE + 1 and line.endswith(b'"\n') and digest(view[start : at + 1]) == line[2:-2].decode("ascii", "replace"):
            good.append((start, end + 1))
        else:
            damaged = True
        start = end + 1
    if not good:
        return [], damaged
    if len(good) == 1 and good[0] == (0, size):
        body = data  # the common case: the whole file as read
    else:
        body = b"".join([data[a:b] for a, b in good]).lstrip(b",")
    try:
        return json.loads(b"[" + body + b"]"), damaged
    except ValueError:
        return [], True  # not JSON although its hash matches: only by a crafted file


def _images(rows: list[list], base_line: int) -> list[Image]:
    """A card's images from its entry's rows (positions relative to the card)."""
    images = []
    for alt, url, rel, col, end, ucol, uend, html in rows:
        line = base_line + rel
        images.append(Image(alt, url, Span(line, col, line, end), Span(line, ucol, line, uend), html))
    return images


def _chunk(entries: list[str], first: bool) -> bytes:
    """Entries as a chunk of the cards file: a line each, led by a comma unless it is the file's
    first, then the line with the hash of those lines."""
    text = "".join([f",{entry}\n" for entry in entries])
    data = (text[1:] if first else text).encode("utf-8")
    return data + f',"{digest(data)}"\n'.encode("ascii")


# Stale entries tolerated beyond the number in use before the file is rewritten.
_SLACK = 1_000
_FORMAT = 5


class BibtexMemo:
    """What BibTeX blocks parsed to, by a hash of their text: one ``["<hash>", fields, problem],``
    line each. Read only when a card is checked afresh, and searched, not decoded whole: the
    line holding the hash is the only one decoded."""

    def __init__(self, folder: str) -> None:
        self.name = os.path.join(folder, f"bibtex-{_digest(repr((__version__, _FORMAT)))}.jsonl")
        self.text: str | None = None
        self.added: dict[str, str] = {}

    def _read(self) -> str:
        if self.text is None:
            try:
                with open(self.name, encoding="utf-8") as handle:
                    self.text = handle.read()
            except (OSError, ValueError):
                self.text = ""
        return self.text

    def get(self, bibtex: str) -> tuple[dict[str, str] | None, str | None] | None:
        key = _digest(bibtex)
        text = self._read()
        at = text.find(f'["{key}",')
        if at < 0 or (at and text[at - 1] != "\n"):
            return None
        end = text.find("\n", at)
        try:
            row = json.loads(text[at : len(text) if end < 0 else end].rstrip(","))
        except ValueError:
            return None
        if not (isinstance(row, list) and len(row) == 3):
            return None
        fields, problem = row[1], row[2]
        if fields is not None and not (
            isinstance(fields, dict) and all(isinstance(v, str) for v in fields.values())
        ):
            return None
        if problem is not None and not isinstance(problem, str):
            return None
        return fields, problem

    def put(self, bibtex: str, parsed: tuple[dict[str, str] | None, str | None]) -> None:
        key = _digest(bibtex)
        self.added[key] = json.dumps([key, *parsed], separators=(",", ":"))

    def save(self, limit: int) -> None:
        """Append what this run parsed; past ``limit`` lines, keep only the newest ``limit``."""
        if not self.added:
            return
        lines = [f"{text},\n" for text in self.added.values()]
        try:
            old = self._read().splitlines(keepends=True)
            if len(old) + len(lines) > limit:
                replace_file(self.name, "".join((old + lines)[-limit:]).encode("utf-8"))
            else:
                with open(self.name, "a", encoding="utf-8") as handle:
                    handle.write("".join(lines))
        except OSError:
            pass


class CardCache:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.stored: dict[str, list] = {}  # key -> the entry as read: [key, diagnostics, images, facts]
        self.used: dict[str, list] = {}  # the stored entries this run served
        self.added: dict[str, str] = {}  # the entries this run made, as JSON
        self.kinds: dict[str, tuple[str, Severity]] = {}  # rule code -> its name and severity
        self.damaged = False  # some chunk's hash did not match: the file is rewritten
        self.empty = True  # no entry read: the next one written is the file's first
        self.bibtex = BibtexMemo(folder)
        self.name: str | None = None
        self.layout: Layout | None = None
        self.scan_name: str | None = None

    def begin(self, source: Source) -> BlockScan | None:
        """Start on a source: its block scan from the previous run's segments, when they serve."""
        self.layout = Layout(source)
        self.scan_name = os.path.join(self.folder, f"scan-{_digest(os.path.abspath(source.path))}.json")
        records = self.layout.load(self.scan_name)
        return None if records is None else self.layout.reuse(records)

    def open(self, source: Source, template: Template, config: Config, rules: Sequence[type[Rule]]) -> None:
        context = repr(
            (
                __version__,
                _FORMAT,
                template,
                {key: value for key, value in vars(config).items() if key != "root"},
                source.newline,
                sorted(f"{rule.__module__}.{rule.__qualname__}:{rule.code}" for rule in rules),
            )
        )
        self.name = os.path.join(self.folder, f"cards-{_digest(context)}.jsonl")
        self.kinds = {rule.code: (rule.name, rule.severity) for rule in rules}
        try:
            with open(self.name, "rb") as handle:
                data = handle.read()
        except OSError:
            data = b""  # missing or unreadable: only a slower run
        stored = self.stored
        rows, self.damaged = _rows(data)
        self.empty = not data
        for row in rows:
            if isinstance(row, list) and len(row) == 4 and isinstance(row[0], str):
                stored[row[0]] = row
        if self.layout is None or self.layout.source is not source:
            self.layout = Layout(source)

    def keys(self, source: Source, cards: list[Card]) -> list[str]:
        """Each card's key: a hash of its text, its line endings included (so a last line without
        one differs)."""
        assert self.layout is not None and self.layout.source is source
        return self.layout.keys(cards)

    def offset(self, card: Card) -> int:
        """The character offset where the card starts."""
        assert self.layout is not None
        return self.layout.source.line_start(card.line)

    def get(self, keys: list[str]) -> list[list | None]:
        """The entries for the cards' keys, in order; a missing one is None."""
        stored, used = self.stored, self.used
        entries = [stored.get(key) for key in keys]
        for key, entry in zip(keys, entries):
            if entry is not None:
                used[key] = entry
        return entries

    def put(self, key: str, card: Card, found: list[Diagnostic], roles: dict) -> None:
        """Keep a freshly checked card: [key, diagnostics, images, facts], positions relative to the
        card, diagnostics in report order (see ``Run``)."""
        base_line = card.line
        base_offset = self.offset(card)
        kinds = self.kinds
        entry = [
            key,
            [Run.row(d, base_line, base_offset, kinds) for d in sorted(found, key=SORT_KEY)],
            [
                [i.alt, i.url, i.span.line - base_line, i.span.column, i.span.end_column,
                 i.url_span.column, i.url_span.end_column, i.html]
                for i in card.images
            ],
            roles,
        ]
        # ensure_ascii (the default) keeps U+2028 and friends escaped: a line is one entry.
        self.added[key] = json.dumps(entry, separators=(",", ":"))

    def restore(self, cards: list[Card], entries: list[list | None], path: str) -> tuple[list[Run], list[int]]:
        """The diagnostics of the cards whose entries serve, as runs at the cards' current places
        (those cards learn their facts), and the indexes of the cards to check afresh: those
        without an entry, or with one of the wrong shape (found out before its card learns anything).

        One loop for all the cards: this runs for every card of every warm run. The entries are
        what cardlint wrote (see ``_rows``): their diagnostics stay rows until read, and a card's
        images are made when first read (the image rules read only their URLs).
        """
        assert self.layout is not None
        line_start = self.layout.source.line_start
        kinds = self.kinds
        runs: list[Run] = []
        misses: list[int] = []
        for index, card in enumerate(cards):
            entry = entries[index]
            if entry is None:
                misses.append(index)
                continue
            try:
                _, rows, image_rows, roles = entry
                if not isinstance(roles, dict) or not isinstance(rows, list):
                    raise TypeError("damaged entry")
                urls = [url for _, url, _, _, _, _, _, _ in image_rows]
            except (ValueError, TypeError):
                misses.append(index)
                continue
            base_line = card.heading.line
            if rows:
                runs.append(Run(path, base_line, line_start(base_line), rows, kinds))
            card.know(partial(_images, image_rows, base_line), urls, roles)
        return runs, misses

    def save(self, document: Document) -> None:
        """Keep the entries this run used or made (stale ones drop out) and the file's segments;
        never fail the run over it."""
        try:
            os.makedirs(self.folder, exist_ok=True)
            ignore = os.path.join(self.folder, ".gitignore")
            if not os.path.exists(ignore):
                with open(ignore, "w", encoding="utf-8") as handle:
                    handle.write("# Created by cardlint: the cache is never committed.\n*\n")
        except OSError:
            return
        if self.layout is not None and self.scan_name is not None:
            self.layout.save(self.scan_name, document)
        self.bibtex.save(2 * len(document.cards) + _SLACK)
        if self.name is None:
            return
        stale = len(self.stored) - len(self.used)
        compact = self.damaged or stale > len(self.used) + len(self.added) + _SLACK
        if not (self.added or compact):
            return
        try:
            if compact:
                kept = [json.dumps(row, separators=(",", ":")) for key, row in self.used.items() if key not in self.added]
                replace_file(self.name, _chunk([*kept, *self.added.values()], first=True))
            else:
                # One write in append mode: a reader meanwhile sees at worst a chunk cut short,
                # which is dropped, its cards checked afresh.
                with open(self.name, "ab") as handle:
                    handle.write(_chunk(list(self.added.values()), first=self.empty))
        except OSError:
            pass
