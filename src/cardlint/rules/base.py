"""The rule contract and the context a rule reads: document, template, config, shared lookups."""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from cardlint.config import Config
from cardlint.diagnostic import Diagnostic, Edit, Fix, FixSafety, Severity, words
from cardlint.model import Card, Document, Field, Span, TableRow
from cardlint.paths import repository_root
from cardlint.source import Source
from cardlint.template import CASE, EXACT, FUZZY, Match, Template
from cardlint.urls import arxiv_id, normalize_title, openreview_id

if TYPE_CHECKING:
    from cardlint.bibtex import Entry
    from cardlint.online import Link, Verdict
    from cardlint.scores import ScoreTable

_T = TypeVar("_T")

_SCORE_ANNOTATION = re.compile(r"<!--\s*cardlint:\s*score\s*=\s*([^\s>]*?)\s*-->")


class Rule:
    """One check. Subclasses set the class attributes and override one or both ``check_*`` hooks.

    A rule only returns diagnostics: it never prints, reads config files or writes.
    """

    # Stable code such as ``CL201``; never reused once published.
    code: ClassVar[str]
    # kebab-case alias, usable wherever a code is.
    name: ClassVar[str]
    # One line for ``--list-rules`` and the rule page title.
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    # How safe this rule's fixes are; None for a rule that never fixes.
    fix: ClassVar[FixSafety | None] = None

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        """The problems of one paper card (called for every card but the template)."""
        return ()

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        """The problems of the document as a whole (called once, after every card's)."""
        return ()

    def report(self, ctx: Context, span: Span, message: str, fix: Fix | None = None) -> Diagnostic:
        return Diagnostic(
            ctx.path, span.line, span.column, span.end_line, span.end_column,
            self.code, self.name, self.severity, message, fix,
        )  # fmt: skip

    def make_fix(self, title: str, *edits: Edit, rewrites: bool = False, makes_heading: bool = False) -> Fix:
        """A fix with this rule's declared safety; ``rewrites``: it means to replace words;
        ``makes_heading``: it makes a heading of a text line (see ``Fix.makes_heading``)."""
        assert self.fix is not None, f"{self.code} declares no fix"
        return Fix(title, tuple(edits), self.fix, rewrites, makes_heading)

    def rename_fix(self, ctx: Context, span: Span, new: str, title: str, rewrites: bool = True) -> Fix | None:
        """A fix that writes ``new`` over the one-line ``span``, or None where it would change nothing,
        where the old text or the new holds raw HTML (``<!--`` opens a comment or an HTML block), an
        unpaired backtick or ``~~~`` (a code span or fence running into the lines below, as
        ``2. ~~~**Problem**`` opens one), or where it drops more words than it writes in their place
        (or, not ``rewrites``, drops any): such a rename changes more than the spelling
        (``**Priority**\\|5`` renamed ``**Priority**`` would lose the value, and
        ``**Performanc1. **Task**e**`` renamed ``**Performance**`` the word Task)."""
        old = ctx.text(span)
        if new == old or "<" in old + new or "~~~" in old + new or old.count("`") % 2 or new.count("`") % 2:
            return None
        dropped, written = words(old) - words(new), words(new) - words(old)
        if dropped and not (rewrites and dropped.total() <= written.total()):
            return None
        return self.make_fix(title, ctx.replace(span, new), rewrites=rewrites)


# A template is stale in a way when at least this share of the cards (and three of them) differ from it so.
STALE_SHARE = 0.9


def _most(count: int, total: int) -> bool:
    return count >= 3 and count >= STALE_SHARE * total


@dataclass(slots=True)
class Drift:
    """Where nearly every card differs from the template the same way: said once, not on each card."""

    cards: int  # the cards with key/value parts
    missing: dict[str, list[Card]]  # template keys nearly every card lacks, with the cards lacking them
    extra: dict[str, list[Card]]  # keys nearly every card has and the template lacks
    deeper: bool  # the cards sit deeper than the template card's heading


class Context:
    """What every rule may read. Lookups several rules make are computed once per card."""

    def __init__(
        self,
        path: str,
        source: Source,
        document: Document,
        template: Template,
        config: Config,
        scores: ScoreTable | None = None,
    ) -> None:
        self.path = path
        self.source = source
        self.document = document
        self.template = template
        self.config = config
        self.scores = scores
        # What `cardlint sync` recorded of each paper's sources (cardlint.lock.json); None without one.
        self.lock: dict[str, dict[str, Any]] | None = None
        # With --check-links: the links found and the checker's verdict per URL; None when offline.
        self.links: tuple[list[Link], dict[str, Verdict]] | None = None
        self._rows: dict[int, list[tuple[TableRow, Match]]] = {}
        self._row_by_key: dict[int, dict[str, TableRow]] = {}
        self._fields: dict[int, list[tuple[Field, Match]]] = {}
        self._bibtex: dict[int, Entry] = {}
        self._identity: dict[int, dict[str, str | None]] = {}
        self._memos: dict[str, dict[Any, Any]] = {}

    def memo(self, kind: str) -> dict[Any, Any]:
        """A dictionary kept for this run, for work several cards share (say, one disk look-up
        per image URL); ``kind`` names it, so that rules share it or not as they choose."""
        return self._memos.setdefault(kind, {})

    def of_card(self, kind: str, card: Card, work: Callable[[Card, Context], _T]) -> _T:
        """``work(card, self)``, done once per card and run: for what several rules ask of a card."""
        memo = self.memo(kind)
        if id(card) not in memo:
            memo[id(card)] = work(card, self)
        found: _T = memo[id(card)]
        return found

    # Card lookups ----------------------------------------------------------------------

    def rows(self, card: Card) -> list[tuple[TableRow, Match]]:
        """The card's rows, each with how its key matches the template's."""
        found = self._rows.get(id(card))
        if found is None:
            rows = card.table.rows if card.table else []
            found = [(row, self.template.match_key(row.key)) for row in rows]
            # A near spelling of a key the card already has is another key ("Superseded by" beside
            # "Supersedes"), not a misspelling: renaming it would make a duplicate.
            written = {match.canonical for _, match in found if match.kind in (EXACT, CASE)}
            found = [
                (row, Match(None, None) if match.kind == FUZZY and match.canonical in written else match)
                for row, match in found
            ]
            self._rows[id(card)] = found
        return found

    def row(self, card: Card, key: str) -> TableRow | None:
        """The first row that means the template's ``key`` (exact, re-cased or misspelled)."""
        by_key = self._row_by_key.get(id(card))
        if by_key is None:
            by_key = self._row_by_key[id(card)] = {}
            for row, match in self.rows(card):
                if match.canonical is not None:
                    by_key.setdefault(match.canonical, row)
        return by_key.get(key)

    def role_row(self, card: Card, role: str) -> TableRow | None:
        """The row playing ``role`` (title, paper, openreview, github; see config ``link-rows``)."""
        key = self.config.link_rows.get(role)  # type: ignore[call-overload]  # roles are Literal keys
        return self.row(card, key) if key else None

    def role_value(self, card: Card, role: str) -> str | None:
        row = self.role_row(card, role)
        return None if row is None else row.value

    def identity(self, card: Card) -> dict[str, str | None]:
        """What cards are matched on: OpenReview id, arXiv id (no version) and normalized title."""
        found = self._identity.get(id(card))
        if found is None:
            openreview = self.role_value(card, "openreview")
            paper = self.role_value(card, "paper")
            title = self.role_value(card, "title")
            arxiv = arxiv_id(paper) if paper else None
            found = self._identity[id(card)] = {
                "openreview_id": openreview_id(openreview) if openreview else None,
                "arxiv_id": arxiv.split("v")[0] if arxiv else None,
                "title_key": normalize_title(title) if title else None,
            }
        return found

    def fields(self, card: Card) -> list[tuple[Field, Match]]:
        """The card's numbered fields, each with how its label matches the template's."""
        found = self._fields.get(id(card))
        if found is None:
            found = self._fields[id(card)] = [(f, self.template.match_label(f.label)) for f in card.fields]
        return found

    def bibtex(self, card: Card) -> tuple[dict[str, str] | None, str | None]:
        """The card's first BibTeX entry as lower-cased field names, and the parse problem if any.

        When the entry does not parse, the fields are those before the one where parsing stopped
        (or None), so that checks of the title or the arXiv id still run on what did parse.
        """
        entry = self.bibtex_entry(card)
        return entry.fields, entry.problem

    def bibtex_entry(self, card: Card) -> Entry:
        """The card's first BibTeX entry with where its parsing stopped (see cardlint.bibtex)."""
        found = self._bibtex.get(id(card))
        if found is None:
            from cardlint.bibtex import read_entry  # bibtexparser loads only for a card with BibTeX

            found = self._bibtex[id(card)] = read_entry(card.details.bibtex if card.details else None)
        return found

    @cached_property
    def drift(self) -> Drift:
        """How the cards as a whole differ from the template (a stale template; see CL107)."""
        cards = [card for card in self.document.paper_cards if card.table is not None]
        missing: dict[str, list[Card]] = {key: [] for key in self.template.row_keys}
        extra: dict[str, list[Card]] = {}
        for card in cards:
            present = set()
            for row, match in self.rows(card):
                if match.canonical is not None:
                    present.add(match.canonical)
                elif row.key:
                    extra.setdefault(row.key, [])
                    if not extra[row.key] or extra[row.key][-1] is not card:
                        extra[row.key].append(card)
            for key in missing:
                if key not in present:
                    missing[key].append(card)
        level = self.document.card_level
        deeper = self.template.line is not None and level > self.template.level and bool(cards)
        return Drift(
            len(cards),
            {key: found for key, found in missing.items() if _most(len(found), len(cards))},
            {key: found for key, found in extra.items() if _most(len(found), len(cards))},
            deeper,
        )

    # Scores ----------------------------------------------------------------------------

    @cached_property
    def annotations(self) -> dict[int, tuple[str, int]]:
        """``<!-- cardlint: score=8.25 -->`` per card (by id): the written value and its line."""
        found: dict[int, tuple[str, int]] = {}
        cards = self.document.cards
        starts = [card.line for card in cards]
        for match in _SCORE_ANNOTATION.finditer(self.source.text):
            line, _ = self.source.position(match.start())
            index = bisect.bisect_right(starts, line) - 1
            if index >= 0 and line <= cards[index].end_line and line not in self.document.code_lines:
                found.setdefault(id(cards[index]), (match.group(1), line))
        return found

    @property
    def has_score_source(self) -> bool:
        return self.scores is not None or bool(self.annotations) or bool(self.lock)

    def sourced(self, card: Card) -> dict[str, Any] | None:
        """The lock file's entry for the card's paper (``arxiv``, ``openreview``, ``fetched``), if any."""
        if not self.lock:
            return None
        identity = self.identity(card)
        for key in (f"openreview:{identity['openreview_id']}", f"arxiv:{identity['arxiv_id']}"):
            if key in self.lock:
                return self.lock[key]
        return None

    def score(self, card: Card) -> float | None:
        """The card's average review score: its annotation wins over the scores file."""
        annotation = self.annotations.get(id(card))
        if annotation is not None:
            try:
                return float(annotation[0])
            except ValueError:
                return None
        if self.scores is not None:
            found = self.scores.lookup(self.identity(card)["openreview_id"], self.role_value(card, "title"))
            if found is not None or not self.lock:
                return found
        entry = self.sourced(card)  # the average rating `cardlint sync` recorded
        openreview = entry.get("openreview") if entry else None
        average = openreview.get("average") if isinstance(openreview, dict) else None
        return float(average) if isinstance(average, int | float) else None

    # Files -----------------------------------------------------------------------------

    @cached_property
    def folder(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))

    @cached_property
    def repo_root(self) -> str:
        """The enclosing git work tree, else the README's folder: images may not leave it."""
        return repository_root(self.folder)

    def listing(self, folder: str) -> list[str] | None:
        """The names in ``folder`` (None when it cannot be listed), read once per run."""
        listings = self.memo("listing")
        if folder not in listings:
            try:
                listings[folder] = os.listdir(folder)
            except OSError:
                listings[folder] = None
        result: list[str] | None = listings[folder]
        return result

    # Edits -----------------------------------------------------------------------------

    def text(self, span: Span) -> str:
        """The source text of a span on one line."""
        return self.source.lines[span.line - 1][span.column - 1 : span.end_column - 1]

    def replace(self, span: Span, content: str) -> Edit:
        return Edit(
            self.source.offset(span.line, span.column),
            self.source.offset(span.end_line, span.end_column),
            content,
        )

    def hidden(self, line: int) -> bool:
        """Would lines inserted before ``line`` land inside fenced code or an HTML block?

        An HTML block runs on to the next blank line, so anything right after one of its lines is
        swallowed; a fence swallows what lies between its lines (past the end: an unclosed fence).
        """
        code = self.document.code_lines
        inside_fence = (line - 1) in code and (line in code or line > len(self.source.lines))
        return inside_fence or (line - 1) in self.document.html_lines

    def insert_before_line(self, line: int, lines: list[str]) -> Edit:
        offset = self.source.line_start(line)
        nl = self.source.newline
        return Edit(offset, offset, "".join(text + nl for text in lines))

    def insert_after_line(self, line: int, lines: list[str]) -> Edit:
        nl = self.source.newline
        if line < len(self.source.lines):
            offset = self.source.line_start(line + 1)
            return Edit(offset, offset, "".join(text + nl for text in lines))
        # The last line may lack a newline: put one before the new lines instead of after.
        if self.source.final_newline:
            return Edit(len(self.source.text), len(self.source.text), "".join(t + nl for t in lines))
        offset = self.source.line_end_offset(line)
        return Edit(offset, offset, "".join(nl + t for t in lines))

    def moves_more(self, heads: Sequence[int], last: int) -> bool:
        """Whether moving the blocks that start on lines ``heads`` and end by line ``last`` would
        change more on GitHub than their order: a block never closed opens on ``last`` or above
        (GitHub hides the rest of the file in it, so what moves across it changes what it hides),
        or a block's first line or the line after ``last`` is indented (moved under a list, an
        indented heading is its last item's text)."""
        if self.document.unclosed is not None and self.document.unclosed <= last:
            return True
        lines = self.source.lines
        return any(lines[line - 1][:1] in (" ", "\t") for line in (*heads, last + 1) if line <= len(lines))

    def move_lines(self, first: int, last: int, pieces: Sequence[int | str]) -> Edit:
        """Lines ``first..last`` rewritten as ``pieces``: a number is that line of the source, moved
        with its own line ending (a file may mix them); a string is a new line, ending as the file's
        lines mostly do. When the region ends the file without a line break, so does the result."""
        source = self.source
        parts: list[list[str]] = []
        for piece in pieces:
            if isinstance(piece, int):
                ending = source.text[source.line_end_offset(piece) : source.next_line_offset(piece)]
                parts.append([source.lines[piece - 1], ending])
            else:
                parts.append([piece, source.newline])
        if parts and source.next_line_offset(last) == source.line_end_offset(last):
            for part in parts:
                part[1] = part[1] or source.newline
            parts[-1][1] = ""
        return Edit(source.line_start(first), source.next_line_offset(last), "".join(text + end for text, end in parts))
