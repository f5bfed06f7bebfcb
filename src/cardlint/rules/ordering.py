"""CL7xx: tiers in their configured order, cards by descending average review score."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

from cardlint.diagnostic import Applicability, Diagnostic, Edit, Fix, Severity
from cardlint.model import Card, Span, Tier
from cardlint.record import Record
from cardlint.rules.base import Context, FixAvailability, Rule
from cardlint.template import Match

T = TypeVar("T")


class Misplaced(Record, Generic[T]):
    __slots__ = ("item", "before", "after")

    def __init__(self, item: T, before: T | None, after: T | None) -> None:
        self.item = item
        self.before = before  # the in-place item it belongs right before, or
        self.after = after  # the in-place item it belongs right after


def plan(items: Sequence[T], rank: Callable[[T], float | None]) -> tuple[list[Misplaced[T]], list[T]]:
    """Which items are out of order (fewest moves), and the stable order that fixes them.

    Items ranked None keep their slots and never move. Lower ranks come first; ties keep their order.
    """
    ranked = [(index, rank(item)) for index, item in enumerate(items)]
    movable = [(index, r) for index, r in ranked if r is not None]
    values = [r for _, r in movable]
    # Longest non-decreasing subsequence, preferring earlier items: the cards that stay put.
    longest_from = [0] * len(values)
    tails: list[float] = []
    for position in range(len(values) - 1, -1, -1):
        negated = -values[position]
        slot = bisect.bisect_right(tails, negated)
        if slot == len(tails):
            tails.append(negated)
        else:
            tails[slot] = negated
        longest_from[position] = slot + 1
    kept: set[int] = set()
    need = len(tails)
    current: float | None = None
    for position, value in enumerate(values):
        if need and longest_from[position] == need and (current is None or value >= current):
            kept.add(position)
            current = value
            need -= 1
    anchors = [(values[p], movable[p][0]) for p in sorted(kept)]
    misplaced: list[Misplaced[T]] = []
    for position, (index, value) in enumerate(movable):
        if position in kept:
            continue
        slot = bisect.bisect_right([a for a, _ in anchors], value)
        before = items[anchors[slot][1]] if slot < len(anchors) else None
        after = items[anchors[slot - 1][1]] if slot > 0 and before is None else None
        misplaced.append(Misplaced(items[index], before, after))
    ordered_movable = [items[index] for index, _ in sorted(movable, key=lambda pair: pair[1])]
    order: list[T] = []
    feed = iter(ordered_movable)
    for item, (_, r) in zip(items, ranked):
        order.append(next(feed) if r is not None else item)
    return misplaced, order


def out_of_template_order(pairs: Iterable[tuple[T, Match]], order: Sequence[str]) -> list[tuple[T, str, str, str]]:
    """(item, its name, "before" | "after", the in-place neighbour's name) for each item to move.

    Only the first item of each known name takes part: duplicates and unknown names are other
    rules' business and are never moved by an ordering fix.
    """
    ranked = first_occurrences(pairs, lambda name: float(order.index(name)))
    misplaced, _ = plan(ranked, lambda entry: entry[2])
    out = []
    for entry in misplaced:
        item, name, _ = entry.item
        relation, other = ("before", entry.before) if entry.before is not None else ("after", entry.after)
        assert other is not None
        out.append((item, name, relation, other[1]))
    return out


def first_occurrences(pairs: Iterable[tuple[T, Match]], rank: Callable[[str], float]) -> list[tuple[T, str, float]]:
    """(item, canonical name, rank) for the first item of each known name, in written order."""
    seen: set[str] = set()
    out = []
    for item, match in pairs:
        if match.canonical is not None and match.canonical not in seen:
            seen.add(match.canonical)
            out.append((item, match.canonical, rank(match.canonical)))
    return out


def _move_blocks(ctx: Context, blocks: list[tuple[int, int]], order: list[int]) -> Edit | None:
    """Rewrite contiguous line blocks in a new order, or None when they are not contiguous.

    Blank lines between blocks stay where they are, so moving cards back restores the file exactly.
    """
    for (_, end), (start, _) in zip(blocks, blocks[1:]):
        if start != end + 1:
            return None
    lines = ctx.source.lines
    contents: list[list[str]] = []
    gaps: list[list[str]] = []
    for start, end in blocks:
        last = end
        while last > start and not lines[last - 1].strip():
            last -= 1
        contents.append(lines[start - 1 : last])
        gaps.append(lines[last:end])
    out: list[str] = []
    for position, index in enumerate(order):
        out.extend(contents[index])
        gap = gaps[position]
        if not gap and position + 1 < len(order) and contents[index][-1].lstrip().startswith("<"):
            gap = [""]  # an HTML block runs on to the next blank line: keep the next heading out of it
        out.extend(gap)
    return ctx.replace_lines(blocks[0][0], blocks[-1][1], out)


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

    ## Options
    `tiers`: the tier headings, in order. Tiers not in the list keep their place.
    """

    code = "CL701"
    name = "tier-order"
    summary = "Tier is out of the configured order"
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = Applicability.SAFE

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        if not ctx.document.paper_cards:
            return  # not a review list
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
                end = tier.cards[-1].end_line if tier.cards else len(ctx.source.lines)
                if template is not None and template.line > tier.heading.line:
                    end = min(end, template.line - 1)
            if template is not None and tier.heading.line < template.line <= end:
                return None  # the template would travel with the tier: a person decides
            blocks.append((tier.heading.line, end))
        positions = {id(tier): index for index, tier in enumerate(tiers)}
        moved = _move_blocks(ctx, blocks, [positions[id(tier)] for tier in order])
        return None if moved is None else self.fix("Put the tiers in configured order", moved)


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
    without a score keep their slots. It is safe.

    ## Options
    `scores`: a CSV with a `score` column and an `openreview_id` and/or `title` column, relative to the
    config file. Without any score source the rule is silent.
    """

    code = "CL702"
    name = "card-order"
    summary = "Card is out of descending score order in its tier"
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = Applicability.SAFE

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        if not ctx.has_score_source:
            return
        for tier in ctx.document.tiers:
            scores = {id(card): ctx.score(card) for card in tier.cards}
            misplaced, order = plan(tier.cards, lambda card: _negated(scores[id(card)]))
            if not misplaced:
                continue
            fix = self._fix(ctx, tier.cards, order)
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
        return None if moved is None else self.fix("Put the cards in descending score order", moved)


def _negated(score: float | None) -> float | None:
    return None if score is None else -score


class MissingScore(Rule):
    """## What it does
    Reports a card that has no score while the list has a score source, or whose score annotation is not
    a number.

    ## Why is this bad?
    A card without a score cannot be placed; it is never moved by the ordering fix, so it stays wherever
    it was pasted.

    ## Example
    A card whose OpenReview id and title are both missing from `scores.csv`.

    ## Use instead
    Add the paper to the scores file, or annotate the card: `<!-- cardlint: score=7.5 -->`.
    """

    code = "CL703"
    cacheable = False  # depends on the score source
    name = "missing-score"
    summary = "Card has no score"
    severity = Severity.WARNING

    def check_cards(self, cards: Sequence[Card], ctx: Context) -> Iterable[Diagnostic]:
        # Without a scores file or annotation, no card has a score to miss: no card is visited.
        return super().check_cards(cards, ctx) if ctx.has_score_source else []

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if not ctx.has_score_source or card.tier is None:
            return
        if ctx.score(card) is not None:
            return
        annotation = ctx.annotations().get(id(card))
        if annotation is not None:
            yield self.report(
                ctx,
                Span.of_line(ctx.source, annotation[1]),
                f"Score annotation '{annotation[0]}' is not a number",
            )
        else:
            yield self.report(ctx, card.heading.span, f"Card '{card.title}' has no score; it is not ordered")


def card_placements(ctx: Context) -> list[dict]:
    """Each paper card's tier, score and whether it is in place: the view behind ``--list-cards``."""
    rows = []
    for tier in [None, *ctx.document.tiers]:
        cards = [c for c in ctx.document.paper_cards if c.tier is tier]
        scores = {id(card): ctx.score(card) for card in cards}
        misplaced, _ = plan(cards, lambda card: _negated(scores[id(card)]))
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
