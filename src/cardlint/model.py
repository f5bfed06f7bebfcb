"""The document model: tiers, cards and card parts, each with its exact span in the source."""

from __future__ import annotations

from dataclasses import dataclass, field

from cardlint.source import Source


@dataclass(frozen=True, slots=True)
class Span:
    """1-based inclusive start, exclusive end column; ``end_line`` is the line the span ends on."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def of_line(cls, source: Source, line: int, start: int = 0, end: int | None = None) -> Span:
        """Span of characters ``start:end`` (0-based) of one line; whole line by default."""
        text = source.lines[line - 1]
        stop = len(text) if end is None else end
        return cls(line, start + 1, line, stop + 1)


@dataclass(slots=True)
class Heading:
    """A heading outside code and HTML blocks: an ATX heading (``## Title``), or a setext one (a
    paragraph underlined with ``===`` or ``---``; ``line`` and ``span`` are its first line's)."""

    level: int
    text: str
    line: int
    span: Span
    text_column: int  # 1-based column where the heading text starts
    underline: int | None = None  # a setext heading's underline

    @property
    def body_line(self) -> int:
        """The first line under the heading."""
        return (self.underline or self.line) + 1

    @property
    def text_span(self) -> Span:
        """Where the text is: on one line (a setext heading's first line, when it has several)."""
        return Span(self.line, self.text_column, self.line, min(self.text_column + len(self.text), self.span.end_column))


@dataclass(slots=True)
class TableCell:
    """The text between two pipes of a table line."""

    text: str  # raw text between pipes, unstripped
    start: int  # 0-based column of the first character of ``text`` in the line
    end: int


@dataclass(slots=True)
class TableLine:
    """One line of a table, split into cells, with whether it has its outer pipes."""

    line: int
    span: Span
    cells: list[TableCell]
    leading_pipe: bool
    trailing_pipe: bool


@dataclass(slots=True)
class TableRow:
    """A ``|Key|Value|`` line; ``key``/``value`` are stripped, spans point at the stripped text."""

    table_line: TableLine
    key: str
    key_span: Span
    value: str
    value_span: Span
    last_line: int = 0  # the last line of a value that runs on (a bullet's or a label's); 0: one line

    @property
    def line(self) -> int:
        return self.table_line.line

    @property
    def end_line(self) -> int:
        return max(self.last_line, self.table_line.line)

    @property
    def span(self) -> Span:
        return self.table_line.span


@dataclass(slots=True)
class Table:
    """A card's key/value part: its rows, and for a table its header and delimiter lines.

    ``shape`` is how the template writes its keys: ``table`` (``|Key|Value|``), ``bullet``
    (``- **Key**: value``) or ``label`` (``**Key**: value``, or ``**Key**`` above its text).
    """

    span: Span
    header: TableLine | None
    delimiter: TableLine | None
    rows: list[TableRow]
    comment_lines: list[int] = field(default_factory=list)  # HTML comment lines that end it on GitHub
    shape: str = "table"


@dataclass(slots=True)
class Image:
    """A Markdown or HTML image, with the span of its URL."""

    alt: str
    url: str
    span: Span
    url_span: Span
    html: bool = False


@dataclass(slots=True)
class Field:
    """A numbered field ``N. **Label**`` with its tab-indented body lines."""

    number: int
    number_span: Span
    label: str
    label_span: Span  # the label as written, markup included
    bold: bool
    line: int  # the field's first line
    end_line: int  # last line of its body (trailing blank lines excluded)
    body: str

    @property
    def span(self) -> Span:
        return Span(self.line, 1, self.line, self.label_span.end_column)


@dataclass(slots=True)
class Details:
    """A card's ``<details>`` block: summary, abstract and BibTeX, and whether its tags close."""

    span: Span
    closed: bool
    summary: str | None
    summary_span: Span | None
    abstract: str
    bibtex: str | None
    bibtex_line: int | None
    open_tags: dict[str, int] = field(default_factory=dict)  # tag -> (opened - closed)


@dataclass(slots=True)
class Block:
    """Card content that is none of the typed parts (a paragraph, a comment, code)."""

    span: Span
    kind: str


@dataclass(slots=True, eq=False)
class Card:
    """One paper card, from its heading to the line before the next heading that ends it.

    Compared by identity: two cards with the same text are still two cards.
    """

    heading: Heading
    end_line: int
    tier: Tier | None = None  # the section it is under (the document lists a tier's cards: cards_in)
    is_template: bool = False
    table: Table | None = None
    images: list[Image] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    details: Details | None = None
    other: list[Block] = field(default_factory=list)

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


@dataclass(frozen=True, slots=True)
class Tier:
    """A section heading one level above the cards (a tier such as ``# Notable Top 5%``, a topic, a
    year). It names no cards, so that no card and tier refer to each other: a dropped document is
    freed at once, without the cyclic collector. Its cards: ``Document.cards_in``."""

    heading: Heading

    @property
    def name(self) -> str:
        return self.heading.text


@dataclass(slots=True)
class Document:
    """A parsed README: title, tiers, cards, and the lines hidden in code or HTML blocks."""

    source: Source
    title: Heading | None
    tiers: list[Tier]
    cards: list[Card]  # every card in order, the template card included
    headings: list[Heading]  # every heading outside code and HTML, in order
    code_lines: set[int]  # lines inside fenced code (directives there are not read)
    html_lines: set[int] = field(default_factory=set)  # lines inside HTML blocks
    card_level: int = 2  # the heading level of the cards
    notes: list[Heading] = field(default_factory=list)  # card-level headings that hold no part of the template
    unclosed: int | None = None  # the line of a block never closed (read as closed there if it hides headings; CL109)

    @property
    def template_card(self) -> Card | None:
        for card in self.cards:
            if card.is_template:
                return card
        return None

    @property
    def paper_cards(self) -> list[Card]:
        return [card for card in self.cards if not card.is_template]

    def cards_in(self, tier: Tier) -> list[Card]:
        """The paper cards under ``tier``, in order."""
        return [card for card in self.cards if card.tier is tier and not card.is_template]
