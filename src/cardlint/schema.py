"""``cardlint template``: the schema in use, or a template card inferred from the cards themselves."""

from __future__ import annotations

from collections import Counter
from statistics import median

from cardlint.locate import Loaded
from cardlint.model import Card
from cardlint.parser import ANY, BlockScan, Parser
from cardlint.source import Source

# A part goes into an inferred template when at least this share of the cards have it.
INFER_SHARE = 0.5


def describe(loaded: Loaded, path: str) -> str:
    """What ``cardlint template PATH`` prints: where the schema comes from and its parts in order."""
    template, document = loaded.template, loaded.document
    assert template is not None
    level = document.card_level
    sections = f"under {len(document.tiers)} sections ({'#' * (level - 1)})" if document.tiers else "with no sections"
    lines = [
        f"Template: {template.origin}",
        f"Cards: {len(document.paper_cards)} at level {level} ({'#' * level}), {sections}",
    ]
    names = loaded.config.tiers
    lines.append(f"Sections: {', '.join(names)} (in this order)" if names else "Sections: any name")
    if template.row_keys:
        how = {"table": "table rows", "bullet": "bullets", "label": "bold labels"}[template.shape or "table"]
        lines.append(f"{how.capitalize()}:")
        for key in template.row_keys:
            allowed = template.allowed.get(key)
            lines.append(f"  {template.row_lines.get(key, key)}" + (f"    one of: {', '.join(allowed)}" if allowed else ""))
    if template.field_labels:
        lines.append("Numbered fields:")
        lines += [f"  {number}. {label}" for number, label in enumerate(template.field_labels, start=1)]
    if template.has_details:
        lines.append(f"Details: <summary>{template.summary or ''}</summary>")
    return "\n".join(lines) + "\n"


def infer(source: Source) -> str | None:
    """A template card built from the cards: the heading level where most headings hold key/value
    parts, the parts most cards share (at least half) in their usual order, each spelled as most
    cards spell it. None when no two headings hold such parts, or when they share none (tables whose
    rows are papers, say: a template of no part would check nothing)."""
    scan = BlockScan(source.lines)
    headings = [scan.headings[n] for n in sorted(scan.headings)]
    by_level: dict[int, list[Card]] = {}
    parser = Parser(shapes=ANY)
    for index, heading in enumerate(headings):
        end = headings[index + 1].line - 1 if index + 1 < len(headings) else len(source.lines)
        card = Card(heading, end)
        parser.fill(source, card, scan)
        if (card.table and card.table.rows) or card.fields:
            by_level.setdefault(heading.level, []).append(card)
    if not by_level:
        return None
    level, cards = max(by_level.items(), key=lambda item: (len(item[1]), -item[0]))
    if len(cards) < 2:
        return None
    lines = _card_text(source, level, cards)
    return "\n".join(lines) + "\n" if lines else None


def _common(names_per_card: list[list[str]], total: int) -> list[str]:
    """The names at least INFER_SHARE of the cards have (matched case-insensitively), in their median
    position, each in its most common spelling."""
    spellings: dict[str, Counter[str]] = {}
    positions: dict[str, list[int]] = {}
    for names in names_per_card:
        for position, name in enumerate(dict.fromkeys(names)):
            folded = name.casefold()
            spellings.setdefault(folded, Counter())[name] += 1
            positions.setdefault(folded, []).append(position)
    kept = [folded for folded, found in positions.items() if len(found) >= INFER_SHARE * total]
    kept.sort(key=lambda folded: (median(positions[folded]), -len(positions[folded])))
    return [spellings[folded].most_common(1)[0][0] for folded in kept]


def _card_text(source: Source, level: int, cards: list[Card]) -> list[str] | None:
    shapes = Counter(card.table.shape for card in cards if card.table)
    shape = shapes.most_common(1)[0][0] if shapes else None
    tables = [card.table for card in cards if card.table and card.table.shape == shape]
    keys = _common([[row.key for row in table.rows] for table in tables], len(cards))
    keys = [key for key in keys if not key.rstrip(".)").isdigit()]  # `| 1 | …`: the rows are records, numbered
    lines = ["#" * level + " Template"]
    if shape == "table":
        lines += ["| | |", "|--|--|", *(f"|{key}| |" for key in keys)]
    elif shape is not None:
        prefixes = Counter(_prefix(source, card) for card in cards if card.table and card.table.shape == shape)
        before, after = prefixes.most_common(1)[0][0]
        for key in keys:
            lines.append(f"{before}{key}{after}")
            if shape == "label":
                lines.append("")
    labels = _common([[f.label for f in card.fields] for card in cards], len(cards))
    if not keys and not labels:
        return None
    if labels:
        lines.append("")
        for number, label in enumerate(labels, start=1):
            lines += [f"{number}. **{label}**", "\t"]
    summaries = Counter(card.details.summary for card in cards if card.details and card.details.summary)
    if sum(summaries.values()) >= INFER_SHARE * len(cards):
        lines += ["", "<details>", f"<summary>{summaries.most_common(1)[0][0]}</summary>", "", "</details>"]
    return lines


def _prefix(source: Source, card: Card) -> tuple[str, str]:
    """How the card writes a key: the text before and after its first key (``- **``, ``**:``)."""
    assert card.table is not None
    row = card.table.rows[0]
    text = source.lines[row.line - 1]
    # The value may start on the next line (`**Planner**` above its text): the key's line ends the key.
    end = row.value_span.column - 1 if row.value_span.line == row.line else len(text)
    return text[: row.key_span.column - 1], text[row.key_span.end_column - 1 : end].rstrip()
