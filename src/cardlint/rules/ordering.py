"""CL7xx: tiers in their configured order, cards by descending average review score."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from typing import Any

from cardlint.diagnostic import Diagnostic, Edit, Fix, FixSafety, Severity
from cardlint.model import Card, Span, Tier
from cardlint.planner import plan
from cardlint.rules.base import Context, Rule


def _move_blocks(ctx: Context, blocks: list[tuple[int, int]], order: list[int]) -> Edit | None:
    """Rewrite contiguous line blocks in a new order, or None when they are not contiguous or the
    move would change more than their order (see ``Context.moves_more``).

    Blank lines between blocks stay where they are, so moving cards back restores the file exactly.
    """
    for (_, end), (start, _) in pairwise(blocks):
        if start != end + 1:
            return None
    if ctx.moves_more([start for start, _ in blocks], blocks[-1][1]):
        return None
    lines = ctx.source.lines
    contents: list[range] = []
    gaps: list[range] = []
    for start, end in blocks:
        last = end
        while last > start and not lines[last - 1].strip():
            last -= 1
        contents.append(range(start, last + 1))
        gaps.append(range(last + 1, end + 1))
    out: list[int | str] = []
    followed = blocks[-1][1] < len(lines)  # more lines after the last block: a heading, say
    for position, index in enumerate(order):
        out.extend(contents[index])
        gap: Sequence[int | str] = gaps[position]
        next_line = position + 1 < len(order) or followed
        if not gap and next_line and lines[contents[index][-1] - 1].lstrip().startswith("<"):
            gap = [""]  # an HTML block runs on to the next blank line: keep the next heading out of it
        out.extend(gap)
    return ctx.move_lines(blocks[0][0], blocks[-1][1], out)


class TierOrder(Rule):
    """## What it does
    Checks that tier sections follow the configured order (by default Notable Top 5%, Notable Top 25%,
    Poster).

    ## Why is this bad?
    The list promises the strongest papers first; a tier pasted in the wrong place breaks that promise for
    every card in it.

    ## Example
    ```markdown
    # Notable Top 25%
    ## DIFFormer
    # Notable Top 5%
    ## DreamFusion
    ```

    ## Use instead
    ```markdown
    # Notable Top 5%
    ## DreamFusion
    # Notable Top 25%
    ## DIFFormer
    ```

    ## Fix safety
    The fix moves whole tier sections (heading and cards); the template card stays last. It is safe.
    Where a code fence or an HTML block opens among them or above and is never closed, it is
    reported without a fix: the sections moved below it would be hidden in it. So it is when a tier
    heading is indented: moved under a list, it would be the text of its last item.

    ## Options
    `tiers`: the tier headings, in order. Tiers not in the list keep their place.
    """

    code = "CL701"
    name = "tier-order"
    summary = "Tier is out of the configured order"
    fix = FixSafety.SAFE

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        if not ctx.document.paper_cards or ctx.config.tiers is None:
            return  # no cards, or section names are free (and so is their order)
        tiers = ctx.document.tiers
        order = {name: index for index, name in enumerate(ctx.config.tiers)}
        misplaced, new_order = plan(tiers, lambda tier: order.get(tier.name))
        if not misplaced:
            return
        fix = self._fix(ctx, tiers, new_order)
        for item in misplaced:
            tier = item.item
            if item.before is not None:
                where = f"before '{item.before.name}' (line {item.before.heading.line})"
            else:
                assert item.after is not None
                where = f"after '{item.after.name}' (line {item.after.heading.line})"
            yield self.report(ctx, tier.heading.span, f"Tier '{tier.name}' belongs {where}", fix)

    def _fix(self, ctx: Context, tiers: list[Tier], order: list[Tier]) -> Fix | None:
        template = ctx.document.template_card
        blocks = []
        for index, tier in enumerate(tiers):
            if index + 1 < len(tiers):
                end = tiers[index + 1].heading.line - 1
            else:
                cards = ctx.document.cards_in(tier)
                end = cards[-1].end_line if cards else len(ctx.source.lines)
                if template is not None and template.line > tier.heading.line:
                    end = min(end, template.line - 1)
            if template is not None and tier.heading.line < template.line <= end:
                return None  # the template would travel with the tier: a person decides
            blocks.append((tier.heading.line, end))
        positions = {id(tier): index for index, tier in enumerate(tiers)}
        moved = _move_blocks(ctx, blocks, [positions[id(tier)] for tier in order])
        return None if moved is None else self.make_fix("Put the tiers in configured order", moved)


class CardOrder(Rule):
    """## What it does
    Checks that cards within a tier are in descending order of average review score, from the scores file
    (config `scores`) or a card's own `<!-- cardlint: score=8.25 -->` annotation.

    ## Why is this bad?
    The list says "Papers are listed by descending order of averaging score"; a card appended at the end of
    its tier makes that untrue, and nobody can tell without looking every score up.

    ## Example
    Cards with scores 6.5, 8.0, 7.0 in that order: the 8.0 card belongs first.

    ## Use instead
    Cards with scores 8.0, 7.0, 6.5. Cards with equal scores keep their order.

    ## Fix safety
    The fix moves whole cards (heading to the next heading, trailing blank lines included), stably; cards
    without a score keep their slots. It is safe. Where a code fence or an HTML block opens among them or
    above and is never closed, or a card's heading is indented (under a list, its last item's text),
    it is reported without a fix.

    ## Options
    `scores`: a CSV with a `score` column and an `openreview_id` and/or `title` column, relative to the
    config file. Without any score source the rule is silent.
    """

    code = "CL702"
    name = "card-order"
    summary = "Card is out of descending score order in its tier"
    fix = FixSafety.SAFE

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        if not ctx.has_score_source:
            return
        for tier in ctx.document.tiers:
            cards = ctx.document.cards_in(tier)
            scores = {id(card): ctx.score(card) for card in cards}
            misplaced, order = plan(cards, _descending(scores))
            if not misplaced:
                continue
            fix = self._fix(ctx, cards, order)
            for item in misplaced:
                card = item.item
                score = scores[id(card)]
                if item.before is not None:
                    other, relation = item.before, "before"
                else:
                    assert item.after is not None
                    other, relation = item.after, "after"
                yield self.report(
                    ctx,
                    card.heading.span,
                    f"Card '{card.title}' (score {score:g}) belongs {relation} '{other.title}' "
                    f"(score {scores[id(other)]:g}, line {other.line})",
                    fix,
                )

    def _fix(self, ctx: Context, cards: list[Card], order: list[Card]) -> Fix | None:
        blocks = [(card.line, card.end_line) for card in cards]
        positions = {id(card): index for index, card in enumerate(cards)}
        moved = _move_blocks(ctx, blocks, [positions[id(card)] for card in order])
        return None if moved is None else self.make_fix("Put the cards in descending score order", moved)


def _descending(scores: dict[int, float | None]) -> Callable[[Card], float | None]:
    """The rank that puts cards in descending score order (None: no score, the card stays)."""

    def rank(card: Card) -> float | None:
        score = scores[id(card)]
        return None if score is None else -score

    return rank


class MissingScore(Rule):
    """## What it does
    Reports a card that has no score while the list has a score source, or whose score annotation is not
    a number.

    ## Why is this bad?
    A card without a score cannot be placed; it is never moved by the ordering fix, so it stays wherever
    it was pasted.

    A card without a score is reported only when a scores file is configured (an annotation on some
    cards promises nothing about the others).

    ## Example
    A card whose OpenReview id and title are both missing from `scores.csv`.

    ## Use instead
    Add the paper to the scores file, or annotate the card: `<!-- cardlint: score=7.5 -->`.
    """

    code = "CL703"
    name = "missing-score"
    summary = "Card has no score"
    severity = Severity.WARNING

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if card.tier is None or ctx.score(card) is not None:
            return
        annotation = ctx.annotations.get(id(card))
        if annotation is not None:
            yield self.report(
                ctx,
                Span.of_line(ctx.source, annotation[1]),
                f"Score annotation '{annotation[0]}' is not a number",
            )
        elif ctx.scores is not None:
            # Only a scores file promises a score for every card: one card's annotation does not.
            yield self.report(ctx, card.heading.span, f"Card '{card.title}' has no score; it is not ordered")


def card_placements(ctx: Context) -> list[dict[str, Any]]:
    """Each paper card's tier, score and whether it is in place: the view behind ``--list-cards``."""
    rows = []
    for tier in [None, *ctx.document.tiers]:
        cards = [c for c in ctx.document.paper_cards if c.tier is tier]
        scores = {id(card): ctx.score(card) for card in cards}
        misplaced, _ = plan(cards, _descending(scores))
        out = {id(m.item) for m in misplaced}
        for card in cards:
            score = scores[id(card)]
            rows.append(
                {
                    "line": card.line,
                    "tier": tier.name if tier else None,
                    "title": card.title,
                    "score": score,
                    "in_place": None if score is None or tier is None else id(card) not in out,
                }
            )
    return sorted(rows, key=lambda row: row["line"])
