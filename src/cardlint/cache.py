"""Per-card results, kept under ``.cardlint_cache/`` so an unchanged card is not parsed or checked again.

An entry is keyed by a hash of the card's text; the file holding the entries is named by a hash of
everything else the results depend on: cardlint's version, the template, the config, the newline
style and the cacheable rules selected (plugins included). It stores what the cacheable card rules
reported, with lines and offsets relative to the card, plus the facts other rules read from a card
(its images and role values), so a hit needs no parse.

The file is JSON, not pickle (the folder sits in a repository that pull requests can write to):
one ``["<key>", diagnostics, images, facts]`` line per card, each after the first led by a comma,
so that the whole file is one JSON array once bracketed, decoded in one call of the C decoder
(with one copy of the text: a 5,000-card file holds 4 MB). A run appends the entries it made:
after one card changed, one line is written. A damaged line costs only its own entry. The file is
rewritten with only the entries in use when stale ones outnumber them (keys are hashes of the card
text, so a stale entry is never wrong, only dead weight). A diagnostic's rule name and severity
are stored only when they are not its rule's.

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

from xxhash import xxh3_128_hexdigest

from cardlint import __version__
from cardlint.config import Config
from cardlint.diagnostic import Applicability, Diagnostic, Edit, Fix, Severity
from cardlint.layout import Layout
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
    return xxh3_128_hexdigest(text.encode("utf-8", "surrogatepass"))


def _rows(text: str) -> tuple[list, bool]:
    """The file's entries, all at once; line by line when some line is damaged (then True)."""
    try:
        return json.loads("".join(("[", text, "]"))), False
    except ValueError:
        rows = []
        for line in text.split("\n"):
            try:
                rows.append(json.loads(line.lstrip(",")))
            except ValueError:
                continue
        return rows, True


def _images(rows: list[list], base_line: int) -> list[Image]:
    """A card's images from its entry's rows (positions relative to the card)."""
    images = []
    for alt, url, rel, col, end, ucol, uend, html in rows:
        line = base_line + rel
        images.append(Image(alt, url, Span(line, col, line, end), Span(line, ucol, line, uend), html))
    return images


def _lines(entries: list[str], first: bool) -> str:
    """Entries as lines of the cards file: each led by a comma unless it is the file's first."""
    text = "".join([f",{entry}\n" for entry in entries])
    return text[1:] if first else text


# Stale entries tolerated beyond the number in use before the file is rewritten.
_SLACK = 1_000
_FORMAT = 4

_SEVERITIES = {severity.value: severity for severity in Severity}
_APPLICABILITIES = {applicability.value: applicability for applicability in Applicability}


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
        self.damaged = False  # some line did not decode: the file is rewritten
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
            with open(self.name, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, ValueError):
            text = ""  # missing or unreadable: only a slower run
        stored = self.stored
        rows, self.damaged = _rows(text)
        self.empty = not text.strip()
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
        card; a diagnostic's name and severity are null when they are its rule's."""
        base_line = card.line
        base_offset = self.offset(card)
        kinds = self.kinds
        entry = [
            key,
            [
                [
                    d.code,
                    *((None, None) if kinds.get(d.code) == (d.name, d.severity) else (d.name, d.severity.value)),
                    d.line - base_line,
                    d.column,
                    d.end_line - base_line,
                    d.end_column,
                    d.message,
                    None
                    if d.fix is None
                    else [
                        d.fix.title,
                        d.fix.applicability.value,
                        d.fix.rewrites,
                        [[e.start - base_offset, e.end - base_offset, e.content] for e in d.fix.edits],
                    ],
                ]
                for d in found
            ],
            [
                [i.alt, i.url, i.span.line - base_line, i.span.column, i.span.end_column,
                 i.url_span.column, i.url_span.end_column, i.html]
                for i in card.images
            ],
            roles,
        ]
        # ensure_ascii (the default) keeps U+2028 and friends escaped: a line is one entry.
        self.added[key] = json.dumps(entry, separators=(",", ":"))

    def restore(self, cards: list[Card], entries: list[list | None], path: str) -> tuple[list[Diagnostic], list[int]]:
        """The diagnostics of the cards whose entries serve, at the cards' current places (those
        cards learn their facts), and the indexes of the cards to check afresh: those without an
        entry, or with a damaged one (found out before its card learns anything).

        One loop for all the cards: this runs for every card of every warm run. A card's images
        are made when first read (the image rules read only their URLs).
        """
        assert self.layout is not None
        line_start = self.layout.source.line_start
        kinds = self.kinds
        found: list[Diagnostic] = []
        misses: list[int] = []
        for index, card in enumerate(cards):
            entry = entries[index]
            if entry is None:
                misses.append(index)
                continue
            try:
                _, rows, image_rows, roles = entry
                if not isinstance(roles, dict):
                    raise ValueError("damaged entry")
                base_line = card.heading.line
                base_offset = line_start(base_line)
                made = []
                for code, name, severity, rel, column, rel_end, end_column, message, fix in rows:
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
                            path, base_line + rel, column, base_line + rel_end, end_column, code, name,
                            severity, message, fix,
                        )
                    )
                urls = []
                for _, url, rel, _, _, _, _, _ in image_rows:
                    if type(rel) is not int:
                        raise TypeError("damaged image")
                    urls.append(url)
            except (ValueError, TypeError, KeyError):
                misses.append(index)  # a damaged entry: the card is checked afresh
                continue
            found += made
            card.know(partial(_images, image_rows, base_line), urls, roles)
        return found, misses

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
                replace_file(self.name, _lines([*kept, *self.added.values()], first=True).encode("utf-8"))
            else:
                # One write in append mode: a reader meanwhile sees at worst a cut last line, which
                # counts as a damaged entry and is checked afresh.
                with open(self.name, "a", encoding="utf-8") as handle:
                    handle.write(_lines(list(self.added.values()), first=self.empty))
        except OSError:
            pass
