"""CL1xx: document and tier structure."""

from __future__ import annotations

from collections.abc import Iterable

from cardlint.diagnostic import Diagnostic, FixSafety, Severity
from cardlint.model import Card, Span
from cardlint.rules.base import Context, Rule
from cardlint.template import suggest


class UnknownTier(Rule):
    """## What it does
    Checks that every tier heading (an H1 after the title) is one of the configured tiers.

    ## Why is this bad?
    Tiers mirror the venue's decision tiers. A misspelled tier splits the list and breaks the ordering
    check, which compares tiers by their configured order.

    ## Example
    ```markdown
    # Notable top 5 %
    ```

    ## Use instead
    ```markdown
    # Notable Top 5%
    ```

    ## Fix safety
    When a near match exists the fix renames the heading to it. It is unsafe: a new tier may be intended.

    ## Options
    `tiers`: the list of tier headings, in order (default: Notable Top 5%, Notable Top 25%, Poster).

    ## Known problems
    A Markdown file without any card is not a review list, and its headings are not checked, so the
    pre-commit hook can run on every Markdown file of a repository.
    """

    code = "CL101"
    name = "unknown-tier"
    summary = "Tier heading is not one of the configured tiers"
    fix = FixSafety.UNSAFE

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        if not ctx.document.paper_cards or ctx.config.tiers is None:
            return  # no cards, or section names are free
        tiers = tuple(ctx.config.tiers)
        for tier in ctx.document.tiers:
            heading = tier.heading
            if heading.text in tiers:
                continue
            span = Span(heading.line, heading.text_column, heading.line, heading.text_column + len(heading.text))
            guess = suggest(heading.text, tiers)
            if guess is None:
                yield self.report(
                    ctx, span, f"Unknown tier '{heading.text}'; expected one of: {', '.join(tiers)}"
                )
            else:
                yield self.report(
                    ctx,
                    span,
                    f"Unknown tier '{heading.text}'; did you mean '{guess}'?",
                    self.make_fix(f"Rename the tier to '{guess}'", ctx.replace(span, guess), rewrites=True),
                )


class CardOutsideTier(Rule):
    """## What it does
    Checks that every card sits under a tier heading.

    ## Why is this bad?
    A card above the first tier has no decision tier, so readers and the ordering check cannot place it.

    ## Example
    ```markdown
    # ICLR 2023 Review
    ## DreamFusion
    ```

    ## Use instead
    ```markdown
    # ICLR 2023 Review
    # Notable Top 5%
    ## DreamFusion
    ```

    ## Options
    `tiers`: when empty, the list has no tiers and this rule is silent.
    """

    code = "CL102"
    name = "card-outside-tier"
    summary = "Card is not under any tier heading"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        # Only a list with sections has cards outside them; ``tiers = []`` is a list without tiers.
        if ctx.config.tiers != [] and ctx.document.tiers and card.tier is None:
            yield self.report(ctx, card.heading.span, f"Card '{card.title}' is not under any tier heading")


class CardHeadingLevel(Rule):
    """## What it does
    Checks that a card heading (a heading followed by the card's table) is a level-2 heading.

    ## Why is this bad?
    Cards are `##` headings inside `#` tiers. A `###` card nests under the previous card in the
    outline, and a `#` card reads as a tier.

    ## Example
    ```markdown
    ### DreamFusion
    | | |
    ```

    ## Use instead
    ```markdown
    ## DreamFusion
    | | |
    ```

    ## Fix safety
    The fix rewrites the heading markers only; it is safe.
    """

    code = "CL103"
    name = "card-heading-level"
    summary = "Card heading is not a level-2 heading"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        heading = card.heading
        if heading.level == 2:
            return
        text = ctx.source.lines[heading.line - 1]
        start = text.index("#")
        span = Span(heading.line, start + 1, heading.line, start + heading.level + 1)
        yield self.report(
            ctx,
            span,
            f"Card heading '{card.title}' is level {heading.level}; cards are level 2 (##)",
            self.make_fix("Make it a level-2 heading", ctx.replace(span, "##")),
        )


class EmptyCard(Rule):
    """## What it does
    Checks that a card has content under its heading.

    ## Why is this bad?
    An empty card is a placeholder someone forgot: it lists a paper with nothing about it.

    ## Example
    ```markdown
    ## DreamFusion

    ## DiffEdit
    ```

    ## Use instead
    Copy the template card under the heading and fill it in, or remove the heading.
    """

    code = "CL104"
    name = "empty-card"
    summary = "Card has no content"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if card.is_empty:
            yield self.report(ctx, card.heading.span, f"Card '{card.title}' is empty")


class UnusedDirective(Rule):
    """## What it does
    Reports a `<!-- cardlint-disable … -->` comment that names a rule cardlint does not know (with the
    nearest one it does), or that silences nothing.

    ## Why is this bad?
    A misspelt code silences nothing while it looks as if it did; a directive left behind after its
    problem was fixed will silence the next, real one without anybody deciding so.

    ## Example
    ```markdown
    <!-- cardlint-disable-next-line CL2080 -->
    |Github| Not found
    ```

    ## Use instead
    ```markdown
    <!-- cardlint-disable-next-line CL208 -->
    |Github| Not found
    ```
    or fix the row and remove the comment.

    ## Known problems
    A directive naming only rules that are not selected in this run is not judged.
    """

    code = "CL106"
    name = "unused-directive"
    summary = "Directive names an unknown rule or silences nothing"
    severity = Severity.WARNING

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        return ()  # reported by cardlint.decide, the only place that knows what each directive silenced


class DuplicateCard(Rule):
    """## What it does
    Checks that no two cards describe the same paper: the same OpenReview id, arXiv id or title.

    ## Why is this bad?
    Two contributors add the same paper under different headings; the list then disagrees with itself.

    ## Example
    Two cards whose `OpenReview` rows both link `forum?id=FjNys5c7VyY`.

    ## Use instead
    Keep one card and merge what the other adds.
    """

    code = "CL105"
    name = "duplicate-card"
    summary = "Two cards describe the same paper"

    _KEYS = (("OpenReview id", "openreview_id"), ("arXiv id", "arxiv_id"), ("title", "title_key"))

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: dict[str, dict[str, Card]] = {kind: {} for kind, _ in self._KEYS}  # kind -> value -> first card
        for card in ctx.document.paper_cards:
            identity = ctx.identity(card)
            reported = False
            for kind, key in self._KEYS:
                value = identity.get(key)
                if not value:
                    continue
                first = seen[kind].setdefault(value, card)
                if first is not card and not reported:
                    reported = True
                    yield self.report(
                        ctx,
                        card.heading.span,
                        f"Card '{card.title}' duplicates '{first.title}' on line {first.line} "
                        f"(same {kind})",
                    )
