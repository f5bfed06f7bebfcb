"""Entry cards: the paragraph and bullet entries of awesome-style paper lists.

A maintainer opts in by marking the snippet the list's contributing section shows with
``<!-- cardlint: template -->`` on the line right before its fenced block. The snippet's first line
says what an entry is (a bullet, ``- `` or ``* ``, or a paragraph). Its links of the form
``[[Label](link)]`` name the entry's links: the first is required, the others may be missing.

An entry is a block of that kind, below the list's first heading, that holds a link of the
snippet's double-bracket form (``[[Paper](…)]``, also when broken as ``[[paper][…]]``) and, when
the snippet's first line has a bold title, a bold title somewhere. Other blocks are prose about the
list (intros, tables of contents with their ``[Section](#anchor)`` links, glossaries, badges).
"""

from __future__ import annotations

import re

from cardlint.model import Block, Card, Heading, Span
from cardlint.parser import BlockScan
from cardlint.source import Source
from cardlint.template import Template, link_label

MARK = re.compile(r"^\s*<!--\s*cardlint:\s*template\s*-->\s*$")
_BULLET = re.compile(r"^[-*+](?:[ \t]|$)")
# [[Label](target)] or the broken [[Label][target]]: the label, whatever the brackets after it.
ENTRY_LINK = re.compile(r"\[\[([^\[\]]+)\][(\[]")


def find_mark(source: Source, scan: BlockScan) -> tuple[int, int, int] | None:
    """(mark line, first and last line of the fence's text) of a marked snippet, or None."""
    if "cardlint:" not in source.text:  # the mark's own words; most lists have no mark
        return None
    lines = source.lines
    for number, text in enumerate(lines, start=1):
        if number in scan.code or not MARK.match(text):
            continue
        fence = number + 1
        if fence not in scan.code:
            return None
        last = fence
        while last + 1 <= len(lines) and last + 1 in scan.code:
            last += 1
        closing = lines[last - 1].strip().startswith(("```", "~~~")) and last > fence
        return number, fence + 1, last - 1 if closing else last
    return None


def entry_template(source: Source, mark: tuple[int, int, int]) -> Template:
    """The schema a marked snippet declares: the kind of its entries and its links' labels."""
    line, first, last = mark
    text = [source.lines[n - 1] for n in range(first, last + 1)]
    head = next((t for t in text if t.strip()), "")
    kind = "bullet" if _BULLET.match(head.lstrip()) else "paragraph"
    labels = tuple(dict.fromkeys(link_label(m.group(1)) for t in text for m in ENTRY_LINK.finditer(t)))
    return Template(
        (), (), None, has_details=False, shape=None, origin=f"{source.path}:{first}", line=line, level=0,
        entry_kind=kind, entry_links=labels, lead_bold="**" in head,
    )  # fmt: skip


def find_entries(source: Source, scan: BlockScan, template: Template, region: tuple[int, int]) -> list[Card]:
    """The entries of the list, each as a card whose heading is its first line."""
    lines = source.lines
    first_heading = min(scan.headings, default=len(lines) + 1)
    cards: list[Card] = []
    titled: tuple[int, int] | None = None  # the last block: a title, its links maybe split off below it
    number = first_heading + 1
    while number <= len(lines):
        text = lines[number - 1]
        hidden = number in scan.code or number in scan.headings or (region[0] <= number <= region[1])
        if hidden or not text.strip():
            number += 1
            continue
        bullet = template.entry_kind == "bullet"
        if bullet and not _BULLET.match(text):
            number += 1
            continue
        end = number
        while end + 1 <= len(lines) and lines[end].strip() and end + 1 not in scan.headings and end + 1 not in scan.code:
            if bullet and _BULLET.match(lines[end]):
                break  # the next entry
            end += 1
        block = lines[number - 1 : end]
        linked = any(ENTRY_LINK.search(t) for t in block)
        empty_bullet = bullet and not text[1:].strip()
        leads = not template.lead_bold or "**" in text  # "**Title.**" when the snippet starts so
        titled_somewhere = not template.lead_bold or any("**" in t for t in block)
        only_links = linked and all(_ONLY_LINKS.fullmatch(ENTRY_LINK_FULL.sub("", t)) for t in block)
        if only_links and not leads and titled is not None and titled[1] + 2 == number and cards and cards[-1].line == titled[0]:
            # The entry's links, one blank line below its title: one entry split in two.
            card = cards[-1]
            card.end_line = end
            card.other.append(Block(Span(number - 1, 1, number - 1, 1), "split"))
        elif (linked and template.entry_links and titled_somewhere) or empty_bullet:
            cards.append(_entry(lines, number, end))
        elif leads and not linked and template.lead_bold:
            cards.append(_entry(lines, number, end, "title"))  # an entry only if its links follow
        titled = (number, end) if leads and not linked else None
        number = end + 1
    # A title without links that nothing joined is prose (an intro, a TL;DR).
    return [card for card in cards if not (card.other[0].kind == "title" and len(card.other) == 1)]


_ONLY_LINKS = re.compile(r"[\s|,·]*")
ENTRY_LINK_FULL = re.compile(r"\[\[[^\[\]]+\][(\[][^()\[\]]*[)\]]\]")


def _entry(lines: list[str], number: int, end: int, kind: str = "entry") -> Card:
    text = lines[number - 1]
    # Its name: the first line up to its links, without spaces and stars (what a fix never changes).
    name = re.sub(r"[\s*]", "", text.split("[[", 1)[0])[:80] or text.strip()[:80]
    heading = Heading(0, name, number, Span(number, 1, number, len(text) + 1), 1)
    card = Card(heading, end)
    card.other.append(Block(Span(number, 1, end, len(lines[end - 1]) + 1), kind))
    return card
