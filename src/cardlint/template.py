"""The card schema, read from the README's own template card (see cardlint.locate), and matching keys to it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from cardlint.model import Card, TableRow
from cardlint.parser import Shapes
from cardlint.source import Source

# The seed review's template card: the schema when config names it (template = "builtin:iclr2023").
BUILTIN_TEMPLATE = """## Template
| | |
|--|--|
|Title| |
|Paper Link| |
|OpenReview| |
|Institute ||
|Authors ||
|Github||

1. **Task**
\t
2. **Problem**
\t
3. **Method**
\t
4. **Performance**
\t
5. **Dataset**
\t
6. **Model's information**
\t

<details>
\t<summary>Abstract and Bibtex</summary>
\t<p>
\t</p>

</details>
"""

FUZZY_CUTOFF = 75.0

EXACT = "exact"
CASE = "case"
FUZZY = "fuzzy"
JOINED = "joined"  # a row key followed by its value, the pipe between them missing: "Institute NVIDIA"


@dataclass(frozen=True, slots=True)
class Match:
    """How a written key or label relates to the template's: exact, by case only, or a near spelling."""

    canonical: str | None
    kind: str | None  # EXACT, CASE, FUZZY or None (unknown)


@dataclass(frozen=True, slots=True)
class Template:
    """The card schema: the template card's keys (table rows, bullets or labels), numbered field
    labels and details summary, and where it came from."""

    row_keys: tuple[str, ...]
    field_labels: tuple[str, ...]
    summary: str | None
    header_line: str = "| | |"
    delimiter_line: str = "|--|--|"
    has_details: bool = True
    row_lines: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    shape: str | None = "table"  # how its keys are written: table, bullet, label, or None (it has none)
    origin: str = "builtin:iclr2023"  # "README.md:261", "TEMPLATE.md:58" or "builtin:iclr2023"
    line: int | None = None  # the template's heading line in the linted file, when it is there
    level: int = 2  # the template card's heading level
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)
    columns: int = 2  # the table's cells per line
    depth: int = 1  # a template of sections (``#### Summary``): how many levels below the card heading
    link_labels: tuple[str, ...] = ()  # the labels of the template's link line ([Paper](link) | [Code](link))
    has_images: bool = False  # whether the template card shows an image
    entry_kind: str | None = None  # a marked snippet's entries: "bullet" or "paragraph" (see cardlint.entries)
    entry_links: tuple[str, ...] = ()  # the labels of the snippet's [[Label](link)] links, the first required
    lead_bold: bool = False  # the snippet's first line holds a bold title: so must an entry's

    @classmethod
    def from_card(cls, card: Card, source: Source, origin: str = "", line: int | None = None) -> Template:
        table = card.table
        # A row without a key (a doubled header line, a stray delimiter) is no part of the schema.
        rows = [row for row in (table.rows if table else []) if row.key and set(row.key) - set("-: ")]
        shape = table.shape if table else None
        header = table.header if table else None

        def blank(row: TableRow) -> str:
            text = source.lines[row.line - 1]
            if shape == "table":
                return text.strip()
            if row.value_span.line != row.line:  # a label alone on its line, its text below
                return text.rstrip()
            return text[: row.value_span.column - 1].rstrip()  # the key without the template's placeholder

        return cls(
            row_keys=tuple(dict.fromkeys(row.key for row in rows)),
            field_labels=tuple(dict.fromkeys(f.label for f in card.fields if f.label)),
            summary=card.details.summary if card.details else None,
            header_line=source.lines[header.line - 1].strip() if header else "| | |",
            delimiter_line=source.lines[table.delimiter.line - 1].strip() if table and table.delimiter else "|--|--|",
            has_details=card.details is not None,
            row_lines={row.key: blank(row) for row in rows},
            shape=shape,
            origin=origin,
            line=line,
            level=card.heading.level,
            allowed={row.key: choices for row in rows if (choices := alternatives(row.value))},
            columns=len(header.cells) if header else 2,
            depth=(source_heading_level(source, rows[0].line) - card.heading.level) if shape == "heading" and rows else 1,
            link_labels=_link_line_labels(card, source),
            has_images=bool(card.images),
        )

    @property
    def noun(self) -> str:
        """What one key/value part is called in messages: a row, a bullet or a label."""
        return {"bullet": "bullet", "label": "label", "heading": "section"}.get(self.shape or "", "row")

    @property
    def holder(self) -> str:
        """What holds the key/value parts, in messages: the card's table, or the card."""
        return "Table" if self.shape == "table" else "Card"

    @property
    def real_header(self) -> bool:
        """Whether the template's table header has words (``| Field | Value |``), not ``| | |``."""
        return self.shape == "table" and bool(self.header_line.replace("|", "").strip())

    def shapes(self) -> Shapes:
        """What the parser reads cards for: the parts this template has."""
        header = self.header_line if self.real_header else ""
        return Shapes(self.shape, bool(self.field_labels), self.is_part, header, self.depth)

    def is_part(self, card: Card) -> bool:
        """Whether ``card`` holds any part of the template (else its heading is a note, not a card)."""
        if card.table is not None and any(self.match_key(row.key).kind is not None for row in card.table.rows):
            return True
        if any(self.match_label(f.label).kind is not None for f in card.fields):
            return True
        return card.details is not None and self.has_details

    def match_key(self, key: str) -> Match:
        match = _match(key, self.row_keys)
        if self.shape == "table" and match.kind in (None, FUZZY):
            # "Github N/A" is the Github row without its middle pipe, not a misspelt "Github".
            joined = joined_key(key, self.row_keys)
            if joined is not None:
                return Match(joined, JOINED)
        return match

    def match_label(self, label: str) -> Match:
        return _match(label, self.field_labels)



@lru_cache(maxsize=4096)
def _match(written: str, choices: tuple[str, ...]) -> Match:
    if written in choices:
        return Match(written, EXACT)
    folded = written.casefold()
    for choice in choices:
        if choice.casefold() == folded:
            return Match(choice, CASE)
    if not written:
        return Match(None, None)
    from rapidfuzz import fuzz, process  # only near-misses need it

    best = process.extractOne(
        folded, [c.casefold() for c in choices], scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
    )
    if best is None:
        return Match(None, None)
    return Match(choices[best[2]], FUZZY)


def joined_key(written: str, keys: tuple[str, ...]) -> str | None:
    """The longest template key that ``written`` starts with, then whitespace, then more text."""
    folded = written.casefold()
    starts = [
        key for key in keys if len(written) > len(key) and folded.startswith(key.casefold()) and written[len(key)].isspace()
    ]
    return max(starts, key=len) if starts else None


def suggest(written: str, choices: tuple[str, ...]) -> str | None:
    """The choice a near-miss most likely meant, or None."""
    match = _match(written, choices)
    return match.canonical if match.kind in (CASE, FUZZY) else None


_LINK = re.compile(r"\[([^\[\]]+)\]\([^()\s]*\)")
_LINK_LINE_REST = re.compile(r"[\s|,·•/\[\]]*")


def link_label(text: str) -> str:
    """A link's label as compared (in any case): without emoji, brackets and punctuation at its ends."""
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return text[start:end]


def link_labels(text: str) -> list[str]:
    """The labels of the Markdown links in ``text``."""
    return [label for match in _LINK.finditer(text) if (label := link_label(match.group(1)))]


def _link_line_labels(card: Card, source: Source) -> tuple[str, ...]:
    """The labels of the template card's link line: a line made of links and separators only."""
    for block in card.other:
        if block.kind != "paragraph":
            continue
        for number in range(block.span.line, block.span.end_line + 1):
            text = source.lines[number - 1]
            if _LINK.search(text) and _LINK_LINE_REST.fullmatch(_LINK.sub("", text)):
                return tuple(dict.fromkeys(link_labels(text)))
    return ()


def source_heading_level(source: Source, line: int) -> int:
    """The level of the ATX heading on ``line`` (its count of leading ``#``)."""
    text = source.lines[line - 1].lstrip()
    return len(text) - len(text.lstrip("#"))


_ALTERNATIVES = re.compile(r"\s+([/|])\s+")


def alternatives(value: str) -> tuple[str, ...]:
    """The allowed values a template value lists: ``Proposed / Approved / Rejected`` or
    ``Active | Monitored | Retired``: two or more short capitalised choices (at most three words
    each) separated by one kind of separator, `` / `` or `` | ``, spaced. Anything else is a
    placeholder (``YYYY-MM-DD``, ``What was observed?``), not a value to match."""
    value = value.strip()
    found = _ALTERNATIVES.findall(value)
    if not found or len(set(found)) != 1:
        return ()
    choices = tuple(part.strip() for part in re.split(rf"\s+{re.escape(found[0])}\s+", value))
    if all(choice[:1].isupper() and len(choice.split()) <= 3 and "?" not in choice for choice in choices):
        return choices
    return ()
