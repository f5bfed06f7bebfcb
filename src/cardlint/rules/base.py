"""The rule contract and the context a rule reads: document, template, config, shared lookups."""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Sequence
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from cardlint.config import Config
from cardlint.diagnostic import Applicability, Diagnostic, Edit, Fix, Severity
from cardlint.model import Card, Document, Field, Span, TableRow
from cardlint.source import Source
from cardlint.template import Match, Template
from cardlint.urls import arxiv_id, normalize_title, openreview_id

if TYPE_CHECKING:
    from cardlint.cache import BibtexMemo
    from cardlint.scores import ScoreTable

_SCORE_ANNOTATION = re.compile(r"<!--\s*cardlint:\s*score\s*=\s*([^\s>]*?)\s*-->")
CODE_PATTERN = re.compile(r"^[A-Z]{1,4}[0-9]{3,4}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class FixAvailability(str, Enum):
    NEVER = "never"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


class Rule:
    """One check. Subclasses set the class attributes and override one or both ``check_*`` hooks.

    A rule only returns diagnostics: it never prints, reads config files or writes.
    """

    # True when check_card depends on nothing but the card's text, the template and the config, so
    # its results may be kept in the per-card cache. Rules that read the disk or the card's place in
    # the document say False.
    cacheable: ClassVar[bool] = True

    # Stable code such as ``CL201``; never reused once published.
    code: ClassVar[str]
    # kebab-case alias, usable wherever a code is.
    name: ClassVar[str]
    # One line for ``--list-rules`` and the rule page title.
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    fix_availability: ClassVar[FixAvailability] = FixAvailability.NEVER
    # Safety of the fixes this rule emits, when it emits any.
    fix_applicability: ClassVar[Applicability | None] = None

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        return ()

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        return ()

    def check_cards(self, cards: Sequence[Card], ctx: Context) -> Iterable[Diagnostic]:
        """``check_card`` for each of ``cards``, in order. A rule whose results are not cached runs on
        every card of every run: it may override this to answer for all the cards at once (say,
        nothing, when a setting or the disk rules its problem out) instead of visiting each."""
        check = self.check_card
        return [diagnostic for card in cards for diagnostic in check(card, ctx)]

    def report(self, ctx: Context, span: Span, message: str, fix: Fix | None = None) -> Diagnostic:
        return Diagnostic(
            ctx.path,
            span.line,
            span.column,
            span.end_line,
            span.end_column,
            self.code,
            self.name,
            self.severity,
            message,
            fix,
        )

    def fix(self, title: str, *edits: Edit, rewrites: bool = False) -> Fix:
        return Fix(title, tuple(edits), self.fix_applicability or Applicability.SAFE, rewrites)


class Context:
    """What every rule may read. Lookups shared by several rules are computed once per card."""

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
        # With --check-links: the links found and the checker's verdict per URL; None when offline.
        self.links: tuple[list, dict] | None = None
        self._rows: dict[int, list[tuple[TableRow, Match]]] = {}
        self._fields: dict[int, list[tuple[Field, Match]]] = {}
        self._bibtex: dict[int, tuple[dict[str, str] | None, str | None]] = {}
        self._listings: dict[str, list[str] | None] = {}
        self._annotations: dict[int, tuple[str, int]] | None = None
        # Per-run memo for rule helpers that several rules share (keyed by helper name).
        self.memo: dict[str, dict] = {}
        # What BibTeX blocks parsed to in earlier runs (see cardlint.cache.BibtexMemo), with the cache.
        self.bibtex_memo: BibtexMemo | None = None

    def rows(self, card: Card) -> list[tuple[TableRow, Match]]:
        cached = self._rows.get(id(card))
        if cached is None:
            rows = card.table.rows if card.table else []
            cached = [(row, self.template.match_key(row.key)) for row in rows]
            self._rows[id(card)] = cached
        return cached

    def row(self, card: Card, key: str) -> TableRow | None:
        """The first row that means the template's ``key`` (exact, re-cased or misspelled)."""
        for row, match in self.rows(card):
            if match.canonical == key:
                return row
        return None

    def role_value(self, card: Card, role: str) -> str | None:
        """The value of the row playing ``role`` (title, paper, openreview, github), or None.

        A card restored from the cache answers from its known facts without being parsed, for the
        roles the cache keeps (see cardlint.cache.KEPT_ROLES); asked for another, it is parsed.
        """
        known = card.known_roles
        if known is not None and not card.parsed and role in known:
            return known[role]
        row = self.role_row(card, role)
        return None if row is None else row.value

    def identity(self, card: Card) -> dict[str, str | None]:
        """What cards are matched on: OpenReview id, arXiv id (no version) and normalized title.

        Kept in the per-card cache with the role values, so duplicate and ordering checks need no parse.
        """
        known = card.known_roles
        if not card.parsed and known is not None and "openreview_id" in known:
            return known
        memo = self.memo.setdefault("identity", {})
        if id(card) not in memo:
            openreview = self.role_value(card, "openreview")
            paper = self.role_value(card, "paper")
            title = self.role_value(card, "title")
            arxiv = arxiv_id(paper) if paper else None
            memo[id(card)] = {
                "openreview_id": openreview_id(openreview) if openreview else None,
                "arxiv_id": arxiv.split("v")[0] if arxiv else None,
                "title_key": normalize_title(title) if title else None,
            }
        return memo[id(card)]

    def role_row(self, card: Card, role: str) -> TableRow | None:
        key = self.config.link_rows.get(role)  # type: ignore[call-overload]
        return self.row(card, key) if key else None

    def fields(self, card: Card) -> list[tuple[Field, Match]]:
        cached = self._fields.get(id(card))
        if cached is None:
            cached = [(f, self.template.match_label(f.label)) for f in card.fields]
            self._fields[id(card)] = cached
        return cached

    def bibtex(self, card: Card) -> tuple[dict[str, str] | None, str | None]:
        """The card's first BibTeX entry as lower-cased field names, or the parse problem."""
        cached = self._bibtex.get(id(card))
        if cached is None:
            text = card.details.bibtex if card.details else None
            memo = self.bibtex_memo if text else None
            cached = memo.get(text) if memo is not None else None
            if cached is None:
                cached = _parse_bibtex(text)
                if memo is not None:
                    memo.put(text, cached)
            self._bibtex[id(card)] = cached
        return cached

    def annotations(self) -> dict[int, tuple[str, int]]:
        """``<!-- cardlint: score=8.25 -->`` per card (by id): the written value and its line."""
        if self._annotations is None:
            found: dict[int, tuple[str, int]] = {}
            cards = self.document.cards
            starts = [card.line for card in cards]
            # A plain search finds no "cardlint:" in a 16 MB file several times faster than the regex.
            for match in _SCORE_ANNOTATION.finditer(self.source.text) if self.source.mentions("cardlint:") else ():
                line, _ = self.source.position(match.start())
                index = bisect.bisect_right(starts, line) - 1
                if index >= 0 and line <= cards[index].end_line and line not in self.document.code_lines:
                    found.setdefault(id(cards[index]), (match.group(1), line))
            self._annotations = found
        return self._annotations

    @property
    def has_score_source(self) -> bool:
        return self.scores is not None or bool(self.annotations())

    def score(self, card: Card) -> float | None:
        """The card's average review score: its annotation wins over the scores file."""
        annotation = self.annotations().get(id(card))
        if annotation is not None:
            try:
                return float(annotation[0])
            except ValueError:
                return None
        if self.scores is None:
            return None
        return self.scores.lookup(self.identity(card)["openreview_id"], self.role_value(card, "title"))

    @cached_property
    def folder(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))

    @cached_property
    def repo_root(self) -> str:
        """The enclosing git work tree, else the README's folder: images may not leave it."""
        probe = self.folder
        while True:
            if os.path.exists(os.path.join(probe, ".git")):
                return probe
            parent = os.path.dirname(probe)
            if parent == probe:
                return self.folder
            probe = parent

    def listing(self, folder: str) -> list[str] | None:
        if folder not in self._listings:
            try:
                self._listings[folder] = os.listdir(folder)
            except OSError:
                self._listings[folder] = None
        return self._listings[folder]

    # Edits -------------------------------------------------------------------------------

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
        offset = self.source.line_end_offset(line)
        text = "".join(nl + t for t in lines)
        if self.source.final_newline:
            offset = self.source.length
            text = "".join(t + nl for t in lines)
        return Edit(offset, offset, text)

    def lines_text(self, first: int, last: int) -> list[str]:
        return self.source.lines[first - 1 : last]

    def replace_lines(self, first: int, last: int, lines: list[str]) -> Edit:
        """Replace the content of lines ``first..last`` (their final line ending kept)."""
        start = self.source.line_start(first)
        end = self.source.line_end_offset(last)
        if self.source.lf_only:
            nl = "\n"
        else:
            nl = _line_ending_between(self.source.text[start:end]) or self.source.newline
        return Edit(start, end, nl.join(lines))


def _line_ending_between(text: str) -> str | None:
    match = re.search(r"\r\n|\r|\n", text)
    return match.group() if match else None


def _parse_bibtex(text: str | None) -> tuple[dict[str, str] | None, str | None]:
    if not text:
        return None, None
    import logging  # here, with bibtexparser: a run whose cards all come from the cache needs neither

    import bibtexparser

    # bibtexparser logs why a block failed; collect it for the message instead of printing it.
    logger = logging.getLogger("bibtexparser")
    messages: list[str] = []
    collector = logging.Handler(logging.DEBUG)
    collector.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
    propagate = logger.propagate
    logger.addHandler(collector)
    logger.propagate = False
    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # the library raises assorted errors on hostile input
        return None, f"BibTeX does not parse: {exc}"
    finally:
        logger.removeHandler(collector)
        logger.propagate = propagate
    if library.failed_blocks:
        block = library.failed_blocks[0]
        detail = str(block.error).split(". Note")[0].strip()
        if not detail and messages:
            detail = messages[0].strip().splitlines()[-1].strip()
        return None, f"BibTeX does not parse: {detail or 'syntax error'}"
    if not library.entries:
        return None, "BibTeX does not parse: no entry found"
    entry = library.entries[0]
    fields = {f.key.lower(): str(f.value) for f in entry.fields}
    fields["ENTRYTYPE"] = entry.entry_type
    fields["ID"] = entry.key
    return fields, None
