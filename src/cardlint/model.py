"""The document model: tiers, cards and card parts, each with its exact span in the source."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet

from cardlint.record import Record
from cardlint.source import Source


class Span(Record):
    """1-based inclusive start, exclusive end column; ``end_line`` is the line the span ends on.

    Treated as immutable (hashable by value) but not frozen: a frozen ``__init__`` costs four
    times as much, and a warm run builds spans for every card it restores from the cache.
    """

    __slots__ = ("line", "column", "end_line", "end_column")
    __hash__ = Record.value_hash

    def __init__(self, line: int, column: int, end_line: int, end_column: int) -> None:
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column

    @classmethod
    def of_line(cls, source: Source, line: int, start: int = 0, end: int | None = None) -> Span:
        """Span of characters ``start:end`` (0-based) of one line; whole line by default."""
        text = source.lines[line - 1]
        stop = len(text) if end is None else end
        return cls(line, start + 1, line, stop + 1)


class Heading(Record):
    __slots__ = ("level", "text", "line", "span", "text_column")

    def __init__(self, level: int, text: str, line: int, span: Span, text_column: int) -> None:
        self.level = level
        self.text = text
        self.line = line
        self.span = span
        self.text_column = text_column  # 1-based column where the heading text starts


class TableCell(Record):
    __slots__ = ("text", "start", "end")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text  # raw text between pipes, unstripped
        self.start = start  # 0-based column of the first character of ``text`` in the line
        self.end = end


class TableLine(Record):
    __slots__ = ("line", "span", "cells", "leading_pipe", "trailing_pipe")

    def __init__(self, line: int, span: Span, cells: list[TableCell], leading_pipe: bool, trailing_pipe: bool) -> None:
        self.line = line
        self.span = span
        self.cells = cells
        self.leading_pipe = leading_pipe
        self.trailing_pipe = trailing_pipe


class TableRow(Record):
    """A ``|Key|Value|`` line; ``key``/``value`` are stripped, spans point at the stripped text."""

    __slots__ = ("table_line", "key", "key_span", "value", "value_span")

    def __init__(self, table_line: TableLine, key: str, key_span: Span, value: str, value_span: Span) -> None:
        self.table_line = table_line
        self.key = key
        self.key_span = key_span
        self.value = value
        self.value_span = value_span

    @property
    def line(self) -> int:
        return self.table_line.line

    @property
    def span(self) -> Span:
        return self.table_line.span


class Table(Record):
    __slots__ = ("span", "header", "delimiter", "rows")

    def __init__(self, span: Span, header: TableLine | None, delimiter: TableLine | None, rows: list[TableRow]) -> None:
        self.span = span
        self.header = header
        self.delimiter = delimiter
        self.rows = rows


class Image(Record):
    __slots__ = ("alt", "url", "span", "url_span", "html")

    def __init__(self, alt: str, url: str, span: Span, url_span: Span, html: bool = False) -> None:
        self.alt = alt
        self.url = url
        self.span = span
        self.url_span = url_span
        self.html = html


class Field(Record):
    """A numbered field ``N. **Label**`` with its tab-indented body lines."""

    __slots__ = ("number", "number_span", "label", "label_span", "bold", "line", "end_line", "body")

    def __init__(
        self, number: int, number_span: Span, label: str, label_span: Span, bold: bool, line: int, end_line: int, body: str
    ) -> None:
        self.number = number
        self.number_span = number_span
        self.label = label
        self.label_span = label_span  # the label as written, markup included
        self.bold = bold
        self.line = line  # the field's first line
        self.end_line = end_line  # last line of its body (trailing blank lines excluded)
        self.body = body

    @property
    def span(self) -> Span:
        return Span(self.line, 1, self.line, self.label_span.end_column)


class Details(Record):
    __slots__ = ("span", "closed", "summary", "summary_span", "abstract", "bibtex", "bibtex_line", "open_tags")

    def __init__(
        self,
        span: Span,
        closed: bool,
        summary: str | None,
        summary_span: Span | None,
        abstract: str,
        bibtex: str | None,
        bibtex_line: int | None,
        open_tags: dict[str, int] | None = None,
    ) -> None:
        self.span = span
        self.closed = closed
        self.summary = summary
        self.summary_span = summary_span
        self.abstract = abstract
        self.bibtex = bibtex
        self.bibtex_line = bibtex_line
        self.open_tags = {} if open_tags is None else open_tags  # tag -> (opened - closed)


class Block(Record):
    """Card content that is none of the typed parts (a paragraph, a comment, code)."""

    __slots__ = ("span", "kind")

    def __init__(self, span: Span, kind: str) -> None:
        self.span = span
        self.kind = kind


class Card(Record):
    """One paper card. Its parts are parsed on first access when the parse was lazy (see Parser).

    Compared by identity: two cards with the same text are still two cards.
    """

    __slots__ = (
        "heading", "end_line", "tier", "is_template", "_table", "_images", "_fields", "_details", "_other",
        "_filler", "_known_images", "_known_urls", "known_roles",
    )
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __init__(
        self,
        heading: Heading,
        end_line: int,
        tier: Tier | None = None,
        is_template: bool = False,
        _table: Table | None = None,
        _images: list[Image] | None = None,
        _fields: list[Field] | None = None,
        _details: Details | None = None,
        _other: list[Block] | None = None,
        _filler: Callable[[Card], None] | None = None,
        _known_images: list[Image] | Callable[[], list[Image]] | None = None,
        _known_urls: list[str] | None = None,
        known_roles: dict[str, str | None] | None = None,
    ) -> None:
        self.heading = heading
        self.end_line = end_line  # last line of the card (before the next heading that ends it)
        self.tier = tier
        self.is_template = is_template
        self._table = _table
        self._details = _details
        # Set by a lazy parse: fills the parts above once, on first access (the lists are made then).
        self._filler = _filler
        if _filler is None:
            self._images = [] if _images is None else _images
            self._fields = [] if _fields is None else _fields
            self._other = [] if _other is None else _other
        else:
            self._images, self._fields, self._other = _images, _fields, _other  # type: ignore[assignment]
        # Set from the per-card cache: the images (or what makes them, when first read), their URLs
        # and the role values, so a cache hit needs no parse.
        self._known_images = _known_images
        self._known_urls = _known_urls
        self.known_roles = known_roles

    def __repr__(self) -> str:  # not its tier, whose repr shows its cards
        return f"Card(heading={self.heading!r}, end_line={self.end_line!r})"

    def _ensure(self) -> None:
        if self._filler is not None:
            filler, self._filler = self._filler, None
            if self._images is None:
                self._images, self._fields, self._other = [], [], []
            filler(self)

    @property
    def parsed(self) -> bool:
        return self._filler is None

    @property
    def table(self) -> Table | None:
        self._ensure()
        return self._table

    @table.setter
    def table(self, value: Table | None) -> None:
        self._table = value

    @property
    def images(self) -> list[Image]:
        known = self._known_images
        if self._filler is not None and known is not None:
            if not isinstance(known, list):
                known = self._known_images = known()
            return known
        self._ensure()
        return self._images

    @property
    def fields(self) -> list[Field]:
        self._ensure()
        return self._fields

    @property
    def details(self) -> Details | None:
        self._ensure()
        return self._details

    @details.setter
    def details(self, value: Details | None) -> None:
        self._details = value

    @property
    def other(self) -> list[Block]:
        self._ensure()
        return self._other

    @property
    def image_urls(self) -> list[str]:
        """The images' URLs, in order (from the cache without making the images, when it knows them)."""
        if self._filler is not None and self._known_urls is not None:
            return self._known_urls
        return [image.url for image in self.images]

    def know(
        self, images: list[Image] | Callable[[], list[Image]], urls: list[str], roles: dict[str, str | None]
    ) -> None:
        """Facts from the cache that stand in for a parse (until something needs the full card):
        the images, or a function that makes them when they are first read, and their URLs."""
        self._known_images = images
        self._known_urls = urls
        self.known_roles = roles

    @property
    def title(self) -> str:
        return self.heading.text

    @property
    def line(self) -> int:
        return self.heading.line

    @property
    def is_empty(self) -> bool:
        return not (self.table or self.images or self.fields or self.details or self.other)

    def row(self, key: str) -> TableRow | None:
        """The first row whose key equals ``key`` exactly."""
        if self.table is None:
            return None
        for row in self.table.rows:
            if row.key == key:
                return row
        return None


class Tier(Record):
    __slots__ = ("heading", "cards")

    def __init__(self, heading: Heading, cards: list[Card] | None = None) -> None:
        self.heading = heading
        self.cards = [] if cards is None else cards

    @property
    def name(self) -> str:
        return self.heading.text


class Document(Record):
    __slots__ = ("source", "title", "tiers", "cards", "headings", "code_lines", "html_lines")

    def __init__(
        self,
        source: Source,
        title: Heading | None,
        tiers: list[Tier],
        cards: list[Card],
        headings: list[Heading],
        code_lines: AbstractSet[int],
        html_lines: AbstractSet[int] = frozenset(),
    ) -> None:
        self.source = source
        self.title = title
        self.tiers = tiers
        self.cards = cards  # every card in order, the template card included
        self.headings = headings  # every heading outside code and HTML, in order
        self.code_lines = code_lines  # lines inside fenced code (directives there are not read)
        self.html_lines = html_lines  # lines inside HTML blocks

    @property
    def template_card(self) -> Card | None:
        for card in self.cards:
            if card.is_template:
                return card
        return None

    @property
    def paper_cards(self) -> list[Card]:
        return [card for card in self.cards if not card.is_template]
