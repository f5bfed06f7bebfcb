"""``cardlint new``: add a card to a README from its own template, in its tier and score order."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from cardlint.config import Config
from cardlint.diagnostic import Diagnostic
from cardlint.errors import UsageError
from cardlint.linter import LintResult
from cardlint.locate import Loaded, load
from cardlint.model import Card, Document
from cardlint.parser import CELL_PIPE
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


def _card_lines(loaded: Loaded, config: Config, new: NewCard, openreview: str | None) -> list[str]:
    source, card = loaded.card_source, loaded.card
    assert source is not None and card is not None
    values = {
        config.link_rows.get("title", "Title"): new.title,
        config.link_rows.get("paper", "Paper Link"): new.paper_link,
        config.link_rows.get("openreview", "OpenReview"): openreview,
        config.link_rows.get("github", "Github"): new.github,
        "Authors": new.authors,
    }
    rows = {row.line: row for row in (card.table.rows if card.table else [])}
    last = card.end_line
    while last > card.line and not source.lines[last - 1].strip():
        last -= 1
    lines = [f"{'#' * loaded.document.card_level} {new.name or new.title}"]
    if new.score is not None and new.annotate:
        lines.append(f"<!-- cardlint: score={new.score:g} -->")
    in_paragraph = False
    for number in range(card.heading.body_line, last + 1):
        row = rows.get(number)
        text = source.lines[number - 1]
        if row is not None and values.get(row.key):
            # A pipe in a value would end its cell: escaped, GitHub shows it as a pipe. A closing
            # backslash would escape the cell's last pipe: a space keeps them apart.
            value = CELL_PIPE.sub(r"\\|", values[row.key] or "")
            if value.endswith("\\"):
                value += " "
            lines.append(f"|{row.key}|{value}|")
        elif new.abstract and "<p" in text and card.details and card.details.span.line <= number:
            indent = text[: len(text) - len(text.lstrip())]
            lines += [f"{indent}<p>", f"{indent}{new.abstract}", f"{indent}</p>"]
            in_paragraph = "</p" not in text
        elif in_paragraph:
            in_paragraph = "</p" not in text  # the template's own </p> is written above
        elif new.bibtex and "</details" in text:
            lines += ["", *new.bibtex.splitlines(), "", text]
        else:
            lines.append(text)
    return lines


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


# What a contributor still has to write: a new card may keep these, every other problem is refused.
TO_FILL = {"CL306": "a field's text", "CL209": "a required row's value"}


@dataclass(slots=True)
class Added:
    """The README text with the new card, where its heading landed, and what is left to fill in."""

    text: str
    line: int
    to_fill: list[Diagnostic]


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
    if template_.shape != "table":
        raise UsageError(f"cardlint new fills table templates; this one writes its keys as {template_.shape}s ({source.path})")
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
    lines = _card_lines(loaded, config, new, openreview)
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
    return _checked(source, text, line, config, scores, rules)


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
    # The tier ends at the next heading that starts a card or a tier (the template card included).
    ends = [c.line for c in document.cards if c.line > anchor]
    ends += [t.heading.line for t in document.tiers if t.heading.line > anchor]
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
