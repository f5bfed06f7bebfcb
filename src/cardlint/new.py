"""``cardlint new``: add a card to a README from its own template, in its tier and score order."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from cardlint.config import Config
from cardlint.diagnostic import Diagnostic
from cardlint.errors import UsageError
from cardlint.linter import LintResult
from cardlint.locate import Loaded, load
from cardlint.model import Card, Document, TableRow
from cardlint.parser import CELL_PIPE, keyed_item
from cardlint.rules import Rule
from cardlint.rules.base import Context
from cardlint.scores import ScoreTable
from cardlint.source import Source
from cardlint.template import suggest
from cardlint.urls import arxiv_id, base_id, normalize_title, openreview_id, parse_url


@dataclass(slots=True)
class NewCard:
    """What ``cardlint new`` is told about the paper to add."""

    title: str
    tier: str | None = None  # needed when the list has tiers
    name: str | None = None
    paper_link: str | None = None
    openreview: str | None = None
    github: str | None = None
    score: float | None = None
    annotate: bool = True  # write the score into the card (False: it is in the lock file)
    authors: str | None = None
    abstract: str | None = None  # goes in the <details> block's <p>, the BibTeX after it
    bibtex: str | None = None
    fetched: frozenset[str] = frozenset()  # what arXiv gave: left out, not refused, where the template has no place


_LINE_BREAKS = re.compile(r"[ \t\r\n\f\v]+")


def _one_line(new: NewCard) -> NewCard:
    """Each text but the BibTeX on one line (a pasted or fetched title wraps; a line break would end
    the row, the heading or the abstract's block); a control character is refused."""

    def line(value: str | None, what: str) -> str | None:
        if value is None:
            return None
        value = _LINE_BREAKS.sub(" ", value).strip()
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            raise UsageError(f"the new card's {what} holds a control character")
        return value

    return replace(
        new,
        title=line(new.title, "title") or "",
        tier=line(new.tier, "tier") or None,
        name=line(new.name, "name"),
        paper_link=line(new.paper_link, "paper link"),
        openreview=line(new.openreview, "OpenReview link"),
        github=line(new.github, "Github link"),
        authors=line(new.authors, "authors"),
        abstract=line(new.abstract, "abstract"),
    )


def _card_lines(loaded: Loaded, config: Config, new: NewCard, openreview: str | None) -> tuple[list[str], list[str]]:
    """The new card's lines, copied from the template card with the values given, and what was given
    that the template has no place for (as ``_one_line`` names it: "paper link", "abstract")."""
    source, card = loaded.card_source, loaded.card
    assert source is not None and card is not None
    roles = config.link_rows
    given = {  # row key -> (value, where the value came from)
        roles.get("title", "Title"): (new.title, "title"),
        roles.get("paper", "Paper Link"): (new.paper_link, "paper link"),
        roles.get("openreview", "OpenReview"): (openreview, "OpenReview link"),
        roles.get("github", "Github"): (new.github, "Github link"),
        "Authors": (new.authors, "authors"),
    }
    values = {key: value for key, (value, _) in given.items() if value}
    template_rows = card.table.rows if card.table else []
    rows = {row.line: row for row in template_rows}
    shape = card.table.shape if card.table else None
    last = card.end_line
    while last > card.line and not source.lines[last - 1].strip():
        last -= 1
    lines = [f"{'#' * loaded.document.card_level} {new.name or new.title}"]
    if new.score is not None and new.annotate:
        lines.append(f"<!-- cardlint: score={new.score:g} -->")
    placed = {row.key for row in template_rows if row.key in values}
    if new.name is None or new.name == new.title:
        placed.add(roles.get("title", "Title"))  # the heading says it
    in_paragraph = False
    text_below = _abstract_lines(source.lines, card) if new.abstract else None
    number = card.heading.body_line
    while number <= last:
        row = rows.get(number)
        text = source.lines[number - 1]
        if row is not None and shape != "table":
            lines += _keyed_lines(source.lines, row, shape, values.get(row.key))
            number = max(row.last_line, number) + 1
            continue
        if text_below is not None and number == text_below.start:  # the template's abstract text, replaced
            below = source.lines[number - 1] if len(text_below) else ""
            lines.append(f"{below[: len(below) - len(below.lstrip())]}{new.abstract}")
            placed.add("abstract")
            number, text_below = text_below.stop, None  # an empty range: the line is read below
            continue
        if row is not None and values.get(row.key):
            # A pipe in a value would end its cell: escaped, GitHub shows it as a pipe. A closing
            # backslash would escape the cell's last pipe: a space keeps them apart.
            value = CELL_PIPE.sub(r"\\|", values[row.key] or "")
            if value.endswith("\\"):
                value += " "
            pad = " " if row.table_line.cells and row.table_line.cells[0].text.startswith(" ") else ""
            lines.append(f"|{pad}{row.key}{pad}|{pad}{value}{pad}|")
        elif new.abstract and "<p" in text and card.details and card.details.span.line <= number:
            indent = text[: len(text) - len(text.lstrip())]
            lines += [f"{indent}<p>", f"{indent}{new.abstract}", f"{indent}</p>"]
            in_paragraph = "</p" not in text
            placed.add("abstract")
        elif in_paragraph:
            in_paragraph = "</p" not in text  # the template's own </p> is written above
        elif new.bibtex and "</details" in text:
            lines += ["", *new.bibtex.splitlines(), "", text]
            placed.add("BibTeX")
        else:
            lines.append(text)
        number += 1
    wanted = [(key, what) for key, (value, what) in given.items() if value]
    wanted += [(what, what) for what, value in (("abstract", new.abstract), ("BibTeX", new.bibtex)) if value]
    return lines, [what for key, what in wanted if key not in placed]


def _abstract_lines(lines: list[str], card: Card) -> range | None:
    """The lines of a template's ``<details>`` block that hold its abstract when it has no ``<p>``:
    plain text between the ``<summary>`` line and a closing ``</details>`` line. None: no such place."""
    details = card.details
    if details is None or details.summary_span is None or not details.closed:
        return None
    body = range(details.summary_span.end_line + 1, details.span.end_line)
    if not lines[details.span.end_line - 1].lstrip().startswith("</details"):
        return None
    if not lines[details.summary_span.end_line - 1].rstrip().endswith("</summary>"):
        return None
    block = "\n".join(lines[details.span.line - 1 : details.span.end_line])
    if any(mark in block for mark in ("<p", "```", "~~~", "@")):
        return None  # a <p> is its place (see _card_lines); a fence or an entry: the BibTeX is there
    return body


def _keyed_lines(lines: list[str], row: TableRow, shape: str | None, value: str | None) -> list[str]:
    """A template's ``- **Key**: text`` bullet, ``**Key**`` label or ``#### Key`` sub-heading with
    ``value`` for its text. Without a value, the template's text (a placeholder, or the allowed
    values) is left out, so that the card shows what is still to write."""
    first = row.line
    text = lines[first - 1]
    span = row.value_span
    prefix = text[: span.column - 1].rstrip() if span.line == first else text.rstrip()
    # On the key's line where the template writes it there, or where the line stays a key with it.
    if shape in ("bullet", "label") and (
        (span.line == first and row.value) or keyed_item(f"{prefix} value", shape) is not None
    ):
        return [f"{prefix} {value}" if value else prefix]
    if not value:
        return [text.rstrip() if span.line != first or not row.value else prefix]
    below = lines[span.line - 1] if span.line != first else ""
    indent = below[: len(below) - len(below.lstrip())]
    between = [lines[n - 1] for n in range(first + 1, span.line)]  # blank lines the template keeps there
    return [text, *between, f"{indent}{value}"]


def arxiv_bibtex(arxiv_id: str, title: str, authors: list[str], published: str) -> str:
    """An entry as arXiv's DataCite export writes it (the seed's cards carry these)."""

    def last_first(name: str) -> str:
        first, _, last = name.strip().rpartition(" ")
        return f"{last}, {first}" if first else last

    return "\n".join(
        [
            f"@misc{{https://doi.org/10.48550/arxiv.{arxiv_id},",
            f"  doi = {{10.48550/ARXIV.{arxiv_id}}},",
            f"  url = {{https://arxiv.org/abs/{arxiv_id}}},",
            f"  author = {{{' and '.join(last_first(name) for name in authors)}}},",
            f"  title = {{{title}}},",
            "  publisher = {arXiv},",
            f"  year = {{{published[:4]}}}",
            "}",
        ]
    )


# What ``cardlint new`` is given that goes in a row: the option it comes from and its config link-rows role.
_OPTIONS: dict[str, tuple[str, str | None]] = {
    "title": ("--title", "title"),
    "paper link": ("--paper-link", "paper"),
    "OpenReview link": ("--openreview", "openreview"),
    "Github link": ("--github", "github"),
    "authors": ("--authors", None),
}

# What a contributor still has to write: a new card may keep these, every other problem is refused.
TO_FILL = {"CL306": "a field's text", "CL209": "a required row's value"}


@dataclass(slots=True)
class Added:
    """The README text with the new card, where its heading landed, what is left to fill in, and what
    arXiv gave that the template has no place for."""

    text: str
    line: int
    to_fill: list[Diagnostic]
    left_out: list[str] = field(default_factory=list)


def add_card(
    source: Source, config: Config, new: NewCard, scores: ScoreTable | None = None, rules: Sequence[type[Rule]] = ()
) -> Added:
    """The README with the new card inserted and checked by ``rules`` (default: the built-in ones):
    what a safe fix mends is written mended, anything else that is wrong is refused."""
    new = _one_line(new)
    loaded = load(source, config)
    document, template_, config = loaded.document, loaded.template, loaded.config
    if template_ is None:
        raise UsageError(f"{source.path} has no template card; add one (see 'cardlint template --help')")
    ctx = Context(source.path, source, document, template_, config, scores)
    if os.path.isfile(source.path):
        from cardlint.lock import read_lock

        ctx.lock = read_lock(source.path)  # the averages `cardlint sync` recorded place the card too
    openreview = new.openreview
    if openreview and parse_url(openreview) is None:
        openreview = f"https://openreview.net/forum?id={openreview}"
    wanted_id = openreview_id(openreview) if openreview else None
    linked = arxiv_id(new.paper_link) if new.paper_link else None
    wanted_arxiv = base_id(linked) if linked else None
    for card in document.paper_cards:
        identity = ctx.identity(card)
        where = f"'{card.title}' ({source.path}:{card.line})"
        if wanted_id and identity["openreview_id"] == wanted_id:
            raise UsageError(f"a card with OpenReview id {wanted_id} exists: {where}")
        if wanted_arxiv and identity["arxiv_id"] and base_id(identity["arxiv_id"]) == wanted_arxiv:
            raise UsageError(f"a card with arXiv id {wanted_arxiv} exists: {where}")
        if identity["title_key"] == normalize_title(new.title):
            raise UsageError(f"a card with this title exists: {where}")
    lines, unplaced = _card_lines(loaded, config, new, openreview)
    refused = [what for what in unplaced if what in _OPTIONS and what not in new.fetched]
    if refused:
        what = refused[0]
        option, role = _OPTIONS[what]
        noun = template_.noun
        rows = f"its {noun}s are {', '.join(template_.row_keys)}" if template_.row_keys else f"it has no {noun}s"
        hint = "leave out --name, and the heading is the title"
        if role is None:
            hint = f"it goes in an 'Authors' {noun}"
        elif role != "title":
            hint = f"name the one for it in the config's link-rows.{role}"
        raise UsageError(f"the template card has no {noun} for the {what} ({option}): {rows}; {hint}; nothing written")
    tier = next((t for t in document.tiers if t.name == new.tier), None)
    template = document.template_card
    fallback = template.line if template is not None else len(source.lines) + 1
    names = config.tiers if config.tiers is not None else [t.name for t in document.tiers]
    score = new.score
    if score is None and scores is not None:
        score = scores.lookup(wanted_id, new.title)
    if new.tier is None:
        if document.tiers or config.tiers is not None:
            raise UsageError(f"--tier is needed: the list's tiers are {', '.join(names)} (new)")
        at = _place(ctx, document, document.paper_cards, 0, score)  # no tiers: among all the cards
    elif tier is None:
        if config.tiers is None and suggest(new.tier, tuple(names)) is None:
            names = [*names, new.tier]  # section names are free: a new one goes last
        if new.tier not in names:
            guess = suggest(new.tier, tuple(names))
            hint = f"did you mean '{guess}'?" if guess else f"configured tiers: {', '.join(names)}"
            raise UsageError(f"unknown tier '{new.tier}'; {hint} (--tier)")
        rank = names.index(new.tier)
        later = [t for t in document.tiers if t.name in names and names.index(t.name) > rank]
        at = later[0].heading.line if later else fallback
        lines = [f"{'#' * (document.card_level - 1)} {new.tier}", *lines]
    else:
        at = _place(ctx, document, document.cards_in(tier), tier.heading.line, score)
    text = _insert(source, at, lines)
    heading = lines[1] if new.tier is not None and tier is None else lines[0]  # after a new tier's heading
    written = Source.from_text(text).lines
    line = next(number for number in range(at, len(written) + 1) if written[number - 1] == heading)
    added = _checked(source, text, line, config, scores, rules)
    added.left_out = [what for what in unplaced if what not in refused]
    return added


def _checked(
    source: Source, text: str, line: int, config: Config, scores: ScoreTable | None, rules: Sequence[type[Rule]]
) -> Added:
    """Lint the README with the new card as ``cardlint`` would: apply the safe fixes of the new
    card's own problems (``--fix``'s passes and loss check), then refuse if any problem remains but
    what is to fill in."""
    from cardlint.fix import FixRefused, fix_source
    from cardlint.rules import BUILTIN_RULES

    def own(result: LintResult) -> list[Diagnostic]:
        card = next(card for card in result.document.cards if card.line == line)
        return [d for d in result.diagnostics if card.line <= d.line <= card.end_line]

    candidate = replace(Source.from_text(text, source.path), bom=source.bom, newline=source.newline)
    try:
        outcome = fix_source(candidate, config, list(rules) or list(BUILTIN_RULES), scores=scores, only=own)
    except FixRefused as exc:
        raise UsageError(f"the new card would not pass: {exc} ({source.path}:{line}); nothing written") from None
    assert outcome.result is not None
    remaining = own(outcome.result)
    wrong = [d for d in remaining if d.code not in TO_FILL]
    if wrong:
        first = wrong[0]
        where = f"{source.path}:{first.line}"
        raise UsageError(f"the new card would not pass: {first.code} {first.message} ({where}); nothing written")
    return Added(outcome.text, line, remaining)


def _place(ctx: Context, document: Document, cards: list[Card], after: int, score: float | None) -> int:
    """Before the first of a tier's ``cards`` with a lower score; otherwise after its last card, or
    after line ``after`` (the tier's heading) when it has none."""
    if score is not None:
        for card in cards:
            existing = ctx.score(card)
            if existing is not None and existing < score:
                return card.line
    anchor = cards[-1].line if cards else after
    # The tier ends at the next card (the template card included), or at any heading above the
    # cards' level: the next tier, or a part of the list that is not a tier (`# Proposed`).
    ends = [c.line for c in document.cards if c.line > anchor]
    if document.tiers:
        ends += [h.line for h in document.headings if h.line > anchor and h.level < document.card_level]
    return min(ends) if ends else len(document.source.lines) + 1


def _insert(source: Source, at: int, lines: list[str]) -> str:
    """Insert ``lines`` before line ``at``, separated from neighbours by blank lines."""
    nl = source.newline
    text = source.text
    if at > len(source.lines):
        prefix = "" if not text or text.endswith(("\n", "\r")) else nl
        blank = nl if source.lines and source.lines[-1].strip() else ""
        return text + prefix + blank + nl.join(lines) + nl
    offset = source.line_start(at)
    before_blank = at == 1 or not source.lines[at - 2].strip()
    block = ("" if before_blank else nl) + nl.join(lines) + nl + nl
    return text[:offset] + block + text[offset:]
