"""The value classes behave as the dataclasses they replaced: equal and hashed by value, copied by replace."""

from __future__ import annotations

import pytest

from cardlint.diagnostic import Applicability, Diagnostic, Edit, Fix, Severity
from cardlint.model import Card, Heading, Span, Tier


def _diagnostic(**changes) -> Diagnostic:
    fix = Fix("Add a trailing pipe", (Edit(801, 801, "|"),), Applicability.SAFE)
    base = Diagnostic("r.md", 16, 83, 16, 83, "CL208", "row-pipes", Severity.ERROR, "Table row has no trailing pipe", fix)
    return base.replace(**changes)


def test_values_are_equal_and_hashed_by_their_fields():
    assert _diagnostic() == _diagnostic()
    assert len({_diagnostic(), _diagnostic()}) == 1
    assert _diagnostic() != _diagnostic(column=84)
    assert _diagnostic() != _diagnostic(fix=Fix("Add a trailing pipe", (Edit(801, 801, "||"),)))
    assert Span(1, 2, 1, 3) != (1, 2, 1, 3)  # another type is never equal


def test_replace_copies_and_refuses_an_unknown_field():
    first = _diagnostic()
    second = first.replace(severity=Severity.WARNING)
    assert (first.severity, second.severity) == (Severity.ERROR, Severity.WARNING)
    assert second.replace(severity=Severity.ERROR) == first
    with pytest.raises(TypeError, match="no field 'colour'"):
        first.replace(colour="red")


def test_repr_names_every_field():
    assert repr(Edit(1, 2, "x")) == "Edit(start=1, end=2, content='x')"


def test_mutable_records_are_unhashable_and_cards_are_compared_by_identity():
    heading = Heading(2, "DreamFusion", 3, Span(3, 1, 3, 15), 4)
    with pytest.raises(TypeError):
        hash(heading)
    one, other = Card(heading, 10), Card(heading, 10)
    assert one != other and one == one and len({one, other}) == 2
    tier = Tier(Heading(1, "Poster", 1, Span(1, 1, 1, 9), 3), [one])
    one.tier = tier
    assert "Poster" in repr(tier)  # a card's repr leaves out its tier: no endless recursion
