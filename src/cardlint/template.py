"""The card schema, read from the README's own ``## Template`` card or the built-in one."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from cardlint.model import Card, Document
from cardlint.source import Source

# The seed review's template card: the schema when a README carries none.
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
    """The card schema: the template card's row keys, field labels and details summary."""

    row_keys: tuple[str, ...]
    field_labels: tuple[str, ...]
    summary: str | None
    header_line: str = "| | |"
    delimiter_line: str = "|--|--|"
    has_details: bool = True
    row_lines: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_card(cls, card: Card, source: Source) -> Template:
        table = card.table
        # A row without a key (a doubled header line, a stray delimiter) is no part of the schema.
        rows = [row for row in (table.rows if table else []) if row.key and set(row.key) - set("-: ")]
        return cls(
            row_keys=tuple(dict.fromkeys(row.key for row in rows)),
            field_labels=tuple(dict.fromkeys(f.label for f in card.fields if f.label)),
            summary=card.details.summary if card.details else None,
            header_line=source.lines[table.header.line - 1].strip() if table and table.header else "| | |",
            delimiter_line=source.lines[table.delimiter.line - 1].strip()
            if table and table.delimiter
            else "|--|--|",
            has_details=card.details is not None,
            row_lines={row.key: source.lines[row.line - 1].strip() for row in rows},
        )

    @classmethod
    def for_document(cls, document: Document) -> Template:
        source, card = template_card(document)
        return cls.from_card(card, source)

    def match_key(self, key: str) -> Match:
        match = _match(key, self.row_keys)
        if match.kind in (None, FUZZY):
            # "Github N/A" is the Github row without its middle pipe, not a misspelt "Github".
            joined = joined_key(key, self.row_keys)
            if joined is not None:
                return Match(joined, JOINED)
        return match

    def match_label(self, label: str) -> Match:
        return _match(label, self.field_labels)

    def key_index(self, key: str) -> int:
        return self.row_keys.index(key)

    def label_index(self, label: str) -> int:
        return self.field_labels.index(label)


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


def template_card(document: Document) -> tuple[Source, Card]:
    """The card that is the schema: the README's own template card, else the built-in one."""
    card = document.template_card
    if card is not None and (card.table or card.fields):
        return document.source, card
    return _builtin_card()


@lru_cache(maxsize=1)
def _builtin_card() -> tuple[Source, Card]:
    from cardlint.parser import parse

    source = Source.from_text(BUILTIN_TEMPLATE)
    return source, parse(source).cards[0]
