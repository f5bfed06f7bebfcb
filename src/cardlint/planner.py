"""Which items are out of order, with the fewest moves: shared by rows, fields, cards and tiers."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Generic, TypeVar

from cardlint.template import Match

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Misplaced(Generic[T]):
    """An item out of order, and the in-place neighbour it belongs next to."""

    item: T
    before: T | None  # the in-place item it belongs right before, or
    after: T | None  # the in-place item it belongs right after


def plan(items: Sequence[T], rank: Callable[[T], float | None]) -> tuple[list[Misplaced[T]], list[T]]:
    """Which items are out of order (fewest moves), and the stable order that fixes them.

    Items ranked None keep their slots and never move. Lower ranks come first; ties keep their order.
    """
    ranked = [(index, rank(item)) for index, item in enumerate(items)]
    movable = [(index, r) for index, r in ranked if r is not None]
    values = [r for _, r in movable]
    if all(a <= b for a, b in pairwise(values)):
        return [], list(items)  # in order already: the common case
    # Longest non-decreasing subsequence, preferring earlier items: the items that stay put.
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
    anchor_values = [value for value, _ in anchors]
    misplaced: list[Misplaced[T]] = []
    for position, (index, value) in enumerate(movable):
        if position in kept:
            continue
        slot = bisect.bisect_right(anchor_values, value)
        before = items[anchors[slot][1]] if slot < len(anchors) else None
        after = items[anchors[slot - 1][1]] if slot > 0 and before is None else None
        misplaced.append(Misplaced(items[index], before, after))
    ordered_movable = iter([items[index] for index, _ in sorted(movable, key=lambda pair: pair[1])])
    order = [next(ordered_movable) if r is not None else item for item, (_, r) in zip(items, ranked)]
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
