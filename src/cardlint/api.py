"""The public surface for rule plugins: import from here, not from cardlint's private modules.

A plugin rule is a :class:`Rule` subclass published in the ``cardlint.rules`` entry-point group::

    from cardlint.api import Card, Context, Diagnostic, Rule

    class VenueRow(Rule):
        code = "XV100"
        name = "venue-row"
        summary = "Card has no Venue row"

        def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
            if ctx.row(card, "Venue") is None:
                yield self.report(ctx, card.heading.span, f"Card '{card.title}' has no Venue row")
"""

from cardlint.diagnostic import Diagnostic, Edit, Fix, FixSafety, Severity
from cardlint.model import (
    Block,
    Card,
    Details,
    Document,
    Field,
    Heading,
    Image,
    Span,
    Table,
    TableCell,
    TableLine,
    TableRow,
    Tier,
)
from cardlint.rules.base import Context, Rule
from cardlint.source import Source
from cardlint.template import Match, Template

__all__ = [
    "Block",
    "Card",
    "Context",
    "Details",
    "Diagnostic",
    "Document",
    "Edit",
    "Field",
    "Fix",
    "FixSafety",
    "Heading",
    "Image",
    "Match",
    "Rule",
    "Severity",
    "Source",
    "Span",
    "Table",
    "TableCell",
    "TableLine",
    "TableRow",
    "Template",
    "Tier",
]
