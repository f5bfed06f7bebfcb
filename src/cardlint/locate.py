"""Where a README's template is, and the document read with it: cards at its level, sections above.

The template is, in this order of search:

1. named by config ``template``: a file (found in it by the same rules, or the file as a whole
   is the card), or ``builtin:iclr2023``;
2. a heading that names it (``## Template``, ``### template``, ``## Paper Template:``; config
   ``template-heading`` names it exactly), whose card is, in this order:
   - a fenced block directly under the heading (its text is the template's);
   - the heading's own content, when it holds card parts (the seed);
   - the first heading below it, a placeholder card (``## Template`` then ``### DEC-000``).

A README with none of these has no template: it is not a review list and nothing is checked.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from cardlint.config import DEFAULT_TIERS, Config
from cardlint.entries import entry_template, find_entries, find_mark
from cardlint.errors import UsageError
from cardlint.model import Card, Document, Heading, Span
from cardlint.parser import ANY, BlockScan, Parser, Shapes
from cardlint.source import Source
from cardlint.template import BUILTIN_TEMPLATE, Template

BUILTIN = "builtin:iclr2023"
# At most this many words, the last "template": "Paper Template", not "Gaussian Template Models".
_NAME_WORDS = 3


@dataclass(slots=True)
class Loaded:
    """A source read as a review list: its document, its template (None: not a review list) and the
    config in effect (with the built-in template, the ICLR tiers unless config names its own)."""

    document: Document
    template: Template | None
    config: Config
    card: Card | None = None  # the template card, with its parts
    card_source: Source | None = None  # the text the template card was read from


@dataclass(slots=True)
class _Spot:
    card: Card  # the template card, its parts read
    source: Source  # the text it was read from (the README, a fence's text, another file)
    region: tuple[int, int] | None  # its lines in the README, when it is there
    origin: str
    heading_line: int | None  # the heading that names it, in the README
    placed: bool  # whether it stands among the cards (unfenced, in this README): its level is theirs


def names_template(text: str, setting: str) -> bool:
    """Whether a heading's text names the template. ``setting`` is config's ``template-heading``: its
    default, "Template", takes any short heading whose last word is "template"; another, that heading."""
    plain = text.strip().strip("*_`").strip().rstrip(":").strip().strip("*_`").strip().casefold()
    if setting != "Template":
        return plain == setting.strip().casefold()
    words = plain.split()
    return 0 < len(words) <= _NAME_WORDS and words[-1] == "template"


def load(source: Source, config: Config) -> Loaded:
    """Read ``source`` with its template; without one, a document with no cards."""
    scan = BlockScan(source.lines)
    if scan.unclosed is not None:  # a block never closed hides the headings below it: read it as closed there
        closed = BlockScan(source.lines, ended=scan.unclosed)
        if any(line > scan.unclosed for line in closed.headings):
            scan = closed
    mark = find_mark(source, scan)
    if mark is not None:  # an awesome-style list's marked snippet: its entries are the cards
        template = entry_template(source, mark)
        region = (mark[0], mark[2] + 1)
        headings = [scan.headings[n] for n in sorted(scan.headings)]
        cards = find_entries(source, scan, template, region)
        document = Document(source, None, [], cards, headings, scan.code, scan.html, 0)
        return Loaded(document, template, config)
    spot = _find_in(source, scan, config.template_heading, source.path)
    if config.template is not None:
        configured = _configured(config)
        spot = configured if spot is None else replace(configured, region=spot.region, heading_line=spot.heading_line)
        if config.template == BUILTIN and config.tiers is None:
            config = replace(config, tiers=list(DEFAULT_TIERS))
    elif config.template_heading != "Template" and spot is None:
        raise UsageError(f"config key 'template-heading': no card is headed '{config.template_heading}' ({source.path})")
    if spot is None:  # not a review list: no cards, no sections
        headings = [scan.headings[n] for n in sorted(scan.headings)]
        return Loaded(Document(source, None, [], [], headings, scan.code, scan.html), None, config)
    template = Template.from_card(spot.card, spot.source, spot.origin, spot.heading_line)
    level = _card_level(source, scan, template, spot)
    parser = Parser(config.tiers or (), template.shapes(), level, spot.region)
    return Loaded(parser.parse(source, scan), template, config, spot.card, spot.source)


def _find_in(source: Source, scan: BlockScan, setting: str, label: str) -> _Spot | None:
    """The template a heading of ``source`` names, or None."""
    headings = [scan.headings[n] for n in sorted(scan.headings)]
    for index, heading in enumerate(headings):
        if not names_template(heading.text, setting):
            continue
        following = headings[index + 1] if index + 1 < len(headings) else None
        section_end = (following.line - 1) if following else len(source.lines)
        fenced = _fence_under(source, scan, heading.line, section_end)
        if fenced is not None:
            spot = _from_text(fenced[0], heading, f"{label}:{fenced[1]}")
            if spot is not None:
                return _Spot(spot.card, spot.source, (heading.line, section_end), spot.origin, heading.line, False)
            continue
        own = _card(source, scan, heading, section_end)
        if _has_parts(own):
            return _Spot(own, source, (heading.line, section_end), f"{label}:{heading.line}", heading.line, True)
        if following is not None and following.level > heading.level:
            after = headings[index + 2] if index + 2 < len(headings) else None
            end = (after.line - 1) if after else len(source.lines)
            placeholder = _card(source, scan, following, end)
            if _has_parts(placeholder):
                origin = f"{label}:{following.line}"
                return _Spot(placeholder, source, (heading.line, end), origin, heading.line, True)
            # A placeholder card made of sections (### Paper, then #### Summary, #### Strengths), or
            # the named heading's own sections (## Template, then ### Summary, ### Strengths).
            for card_heading in (following, heading):
                at = headings.index(card_heading)
                end = _section_end(headings, at, len(source.lines))
                card = _sections_card(source, scan, card_heading, end)
                if card is not None:
                    origin = f"{label}:{card_heading.line}"
                    return _Spot(card, source, (heading.line, end), origin, heading.line, True)
    return None


def _section_end(headings: list[Heading], index: int, total: int) -> int:
    """The last line of heading ``index``'s section: before the next heading at its level or above."""
    level = headings[index].level
    return next((h.line - 1 for h in headings[index + 1 :] if h.level <= level), total)


def _sections_card(source: Source, scan: BlockScan, heading: Heading, end: int) -> Card | None:
    """``heading``'s card read as sections: its sub-headings at the shallowest level below it, when
    there are two or more (a template of ``#### Summary``, ``#### Strengths``)."""
    levels = [scan.headings[n].level for n in range(heading.line + 1, end + 1) if n in scan.headings]
    if not levels or levels.count(min(levels)) < 2:
        return None
    card = Card(heading, end, None, True)
    Parser(shapes=Shapes("heading", True, depth=min(levels) - heading.level)).fill(source, card, scan)
    return card


def _fence_under(source: Source, scan: BlockScan, line: int, end: int) -> tuple[str, int] | None:
    """The text of a fenced block that is the first thing under heading ``line``, and its first line."""
    for number in range(line + 1, end + 1):
        if not source.lines[number - 1].strip():
            continue
        if number not in scan.code:
            return None
        last = number
        while last + 1 <= end and last + 1 in scan.code:
            last += 1
        inner = source.lines[number : last]  # from the line after the opening fence
        if inner and inner[-1].strip().startswith(("```", "~~~")):
            inner = inner[:-1]
        return "\n".join(inner) + "\n", number + 1
    return None


def _from_text(text: str, heading: Heading, origin: str) -> _Spot | None:
    """The template card in a fence's text or a template file: the first heading in it that holds
    card parts, or the text as a whole under ``heading``."""
    source = Source.from_text(text)
    scan = BlockScan(source.lines)
    headings = [scan.headings[n] for n in sorted(scan.headings)]
    path, _, first = origin.rpartition(":")
    for index, inner in enumerate(headings):
        end = headings[index + 1].line - 1 if index + 1 < len(headings) else len(source.lines)
        card = _card(source, scan, inner, end)
        if not _has_parts(card):
            card = _sections_card(source, scan, inner, _section_end(headings, index, len(source.lines))) or card
        if _has_parts(card):
            return _Spot(card, source, None, f"{path}:{int(first) + inner.line - 1}", None, False)
    whole = Source.from_text("#" * heading.level + " " + heading.text + "\n" + text)
    card = _card(whole, BlockScan(whole.lines), Heading(heading.level, heading.text, 1, heading.span, 1), len(whole.lines))
    return _Spot(card, whole, None, origin, None, False) if _has_parts(card) else None


def _card(source: Source, scan: BlockScan, heading: Heading, end: int) -> Card:
    card = Card(heading, end, None, True)
    Parser(shapes=ANY).fill(source, card, scan)
    return card


def _has_parts(card: Card) -> bool:
    return bool(card.table and card.table.rows) or bool(card.fields) or card.details is not None


def _configured(config: Config) -> _Spot:
    """The template config names: the built-in card, or a file (relative to the config's folder)."""
    assert config.template is not None
    if config.template == BUILTIN:
        return _builtin()
    path = os.path.join(config.root or ".", config.template)
    try:  # read as the README is: a FIFO, a binary or an oversized file is refused, not read
        text = Source.read(path, config.max_file_size).text
    except UsageError as exc:
        raise UsageError(f"config key 'template': cannot read {config.template}: {exc}") from None
    source = Source.from_text(text, config.template)
    scan = BlockScan(source.lines)
    spot = _find_in(source, scan, "Template", config.template)
    if spot is None:
        headings = sorted(scan.headings)
        if headings:
            first = scan.headings[headings[0]]
            end = headings[1] - 1 if len(headings) > 1 else len(source.lines)
            card = _card(source, scan, first, end)
            spot = _Spot(card, source, None, f"{config.template}:{first.line}", None, False)
        else:
            spot = _from_text(text, Heading(2, "Template", 1, Span(1, 1, 1, 1), 1), f"{config.template}:1")
    if spot is None or not _has_parts(spot.card):
        raise UsageError(f"config key 'template': {config.template} holds no template card ({path})")
    return replace(spot, region=None, heading_line=None, placed=False)


@lru_cache(maxsize=1)
def _builtin() -> _Spot:
    source = Source.from_text(BUILTIN_TEMPLATE)
    scan = BlockScan(source.lines)
    card = _card(source, scan, scan.headings[1], len(source.lines))
    return _Spot(card, source, None, BUILTIN, None, False)


def _card_level(source: Source, scan: BlockScan, template: Template, spot: _Spot) -> int:
    """The heading level of the cards: the template's when it stands among cards that hold its parts
    (or is the built-in card, whose cards are ``##``), else the level at which most headings hold
    them (the template's on a tie, or when none do)."""
    if spot.origin == BUILTIN:
        return template.level
    counts: Counter[int] = Counter()
    parser = Parser(shapes=template.shapes())
    headings = [scan.headings[n] for n in sorted(scan.headings)]
    region = spot.region
    for index, heading in enumerate(headings):
        if region is not None and region[0] <= heading.line <= region[1]:
            continue
        if spot.placed and heading.level != template.level:
            continue
        end = headings[index + 1].line - 1 if index + 1 < len(headings) else len(source.lines)
        card = Card(heading, end)
        parser.fill(source, card, scan)
        if template.is_part(card):
            if spot.placed:
                return template.level  # one card at the template's level holds its parts: it is theirs
            counts[heading.level] += 1
    if spot.placed and counts[template.level]:
        return template.level
    if spot.placed:
        return _card_level(source, scan, template, replace(spot, placed=False))
    if not counts:
        return template.level
    best = max(counts.values())
    return template.level if counts[template.level] == best else min(level for level, n in counts.items() if n == best)
