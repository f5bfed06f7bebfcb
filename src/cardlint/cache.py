"""Per-card results, kept under ``.cardlint_cache/`` so an unchanged card is not parsed or checked again.

An entry is keyed by a hash of the card's text; the file holding the entries is named by a hash of
everything else the results depend on: cardlint's version, the template, the config, the newline
style and the cacheable rules selected (plugins included). It stores what the cacheable card rules
reported, with lines and offsets relative to the card, plus the facts other rules read from a card
(its images and role values), so a hit needs no parse.

The file is JSON Lines, not pickle (the folder sits in a repository that pull requests can write
to): one ``<key> <entry as JSON>`` line per card. A run decodes the entries its cards ask for, in
one call, and appends the entries it made: after one card changed, one line is written. The file
is rewritten with only the entries in use when stale ones outnumber them (keys are hashes of the
card text, so a stale entry is never wrong, only dead weight).

Next to it, ``scan-<hash of the file's path>.json`` keeps the file's segments for the next run's
block scan (see cardlint.layout), which also gives the cards' hashes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence

from cardlint import __version__
from cardlint.config import Config
from cardlint.diagnostic import Applicability, Diagnostic, Edit, Fix, Severity
from cardlint.layout import Layout
from cardlint.model import Card, Document, Image, Span
from cardlint.parser import BlockScan
from cardlint.rules import Rule
from cardlint.source import Source
from cardlint.template import Template

ROLES = ("title", "paper", "openreview", "github")


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _decode(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


# Stale entries tolerated beyond the number in use before the file is rewritten.
_SLACK = 1_000

_SEVERITIES = {severity.value: severity for severity in Severity}
_APPLICABILITIES = {applicability.value: applicability for applicability in Applicability}


class CardCache:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.stored: dict[str, str] = {}  # key -> the entry's JSON text, as read
        self.used: dict[str, str] = {}  # the stored entries this run served
        self.added: dict[str, str] = {}  # the entries this run made
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
                template,
                {key: value for key, value in vars(config).items() if key != "root"},
                source.newline,
                sorted(f"{rule.__module__}.{rule.__qualname__}:{rule.code}" for rule in rules),
            )
        )
        self.name = os.path.join(self.folder, f"cards-{_digest(context)}.jsonl")
        try:
            with open(self.name, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, ValueError):
            text = ""  # missing or unreadable: only a slower run
        stored = self.stored
        for line in text.split("\n"):
            key, _, entry = line.partition(" ")
            if entry:
                stored[key] = entry
        if self.layout is None or self.layout.source is not source:
            self.layout = Layout(source)

    def key(self, source: Source, card: Card) -> str:
        """A hash of the card's text, its line endings included (so a last line without one differs)."""
        assert self.layout is not None and self.layout.source is source
        return self.layout.hashed(card.line, card.end_line)[0]

    def keys(self, source: Source, cards: list[Card]) -> list[str]:
        """``key`` for each card, at once."""
        assert self.layout is not None and self.layout.source is source
        return self.layout.keys(cards)

    def offset(self, card: Card) -> int:
        """The character offset where the card starts."""
        assert self.layout is not None
        return self.layout.source.line_start(card.line)

    def get(self, keys: list[str]) -> list[list | None]:
        """The entries for the cards' keys, in order; a missing or damaged one is None.

        The entries found are decoded together, in one call of the C decoder.
        """
        texts = [self.stored.get(key) for key in keys]
        found = [text for text in texts if text is not None]
        try:
            decoded = iter(json.loads("[" + ",".join(found) + "]"))
            entries = [None if text is None else next(decoded) for text in texts]
        except ValueError:  # one damaged line: decode them one by one
            entries = [None if text is None else _decode(text) for text in texts]
        for index, (key, entry) in enumerate(zip(keys, entries)):
            if isinstance(entry, list) and len(entry) == 3:
                self.used[key] = texts[index]  # type: ignore[assignment]
            else:
                entries[index] = None
        return entries

    def put(self, key: str, card: Card, found: list[Diagnostic], roles: dict) -> None:
        """Keep a freshly checked card: [diagnostics, images, facts], positions relative to the card."""
        base_line = card.line
        base_offset = self.offset(card)
        entry = [
            [
                [
                    d.code,
                    d.name,
                    d.severity.value,
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

    def restore(self, entry: list, card: Card, path: str) -> list[Diagnostic]:
        """The entry's diagnostics at the card's current place; the card learns its facts.

        A damaged entry raises ValueError, TypeError or KeyError before the card learns anything.
        """
        found_entries, image_entries, roles = entry
        if not isinstance(roles, dict):
            raise ValueError("damaged entry")
        base_line = card.line
        base_offset = self.offset(card)
        images = []
        for alt, url, rel, col, end, ucol, uend, html in image_entries:
            line = base_line + rel
            images.append(Image(alt, url, Span(line, col, line, end), Span(line, ucol, line, uend), html))
        found = []
        for code, name, severity, rel, column, rel_end, end_column, message, fix in found_entries:
            if fix is not None:
                title, applicability, rewrites, edits = fix
                fix = Fix(
                    title,
                    tuple([Edit(start + base_offset, end + base_offset, content) for start, end, content in edits]),
                    _APPLICABILITIES[applicability],
                    rewrites,
                )
            found.append(
                Diagnostic(
                    path, base_line + rel, column, base_line + rel_end, end_column, code, name,
                    _SEVERITIES[severity], message, fix,
                )
            )
        card.know(images, roles)
        return found

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
        if self.name is None:
            return
        stale = len(self.stored) - len(self.used)
        compact = stale > len(self.used) + len(self.added) + _SLACK
        if not (self.added or compact):
            return
        try:
            if compact:
                temporary = f"{self.name}.{os.getpid()}.tmp"
                lines = {**self.used, **self.added}
                with open(temporary, "w", encoding="utf-8") as handle:
                    handle.write("".join([f"{key} {text}\n" for key, text in lines.items()]))
                os.replace(temporary, self.name)
            else:
                # One write in append mode: a reader meanwhile sees at worst a cut last line, which
                # counts as a damaged entry and is checked afresh.
                with open(self.name, "a", encoding="utf-8") as handle:
                    handle.write("".join([f"{key} {text}\n" for key, text in self.added.items()]))
        except OSError:
            pass
