"""CL1xx: document and tier structure."""

from __future__ import annotations

import re
from collections.abc import Iterable

from cardlint.config import DEFAULT_TIERS
from cardlint.diagnostic import Diagnostic, Fix, FixSafety, Severity
from cardlint.locate import names_template
from cardlint.model import Card, Span
from cardlint.parser import (
    atx_heading,
    ends_table_only,
    freed_otherwise,
    html_block_to_blank,
    indent_width,
    indented_code,
    is_blank,
    list_column,
)
from cardlint.rules.base import Context, Rule
from cardlint.rules.table import insert_row
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
            span = heading.text_span
            guess = suggest(heading.text, tiers)
            if guess is None:
                yield self.report(ctx, span, f"Unknown tier '{heading.text}'; expected one of: {', '.join(tiers)}")
                continue
            # A setext heading of several lines has its text on all of them: renaming it is no one edit.
            one_line = heading.underline in (None, heading.line + 1)
            fix = self.make_fix(f"Rename the tier to '{guess}'", ctx.replace(span, guess), rewrites=True) if one_line else None
            yield self.report(ctx, span, f"Unknown tier '{heading.text}'; did you mean '{guess}'?", fix)


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
    Checks that a card heading is at the cards' level: the template's, or where most cards are.

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
    The fix rewrites the heading markers only; it is safe. A heading underlined with `===` or `---`
    has no markers to rewrite: it is reported without a fix.
    """

    code = "CL103"
    name = "card-heading-level"
    summary = "Card heading is not at the cards' level"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        heading = card.heading
        level = ctx.document.card_level
        if heading.level == level:
            return
        message = f"Card heading '{card.title}' is level {heading.level}; cards are level {level} ({'#' * level})"
        if heading.underline is not None:  # a setext heading: no markers to rewrite
            yield self.report(ctx, heading.span, message)
            return
        text = ctx.source.lines[heading.line - 1]
        start = text.index("#")
        span = Span(heading.line, start + 1, heading.line, start + heading.level + 1)
        yield self.report(ctx, span, message, self.make_fix(f"Make it a level-{level} heading", ctx.replace(span, "#" * level)))


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
    nearest one it does), or that silences nothing, or nothing for one of the rules it names
    (`cardlint-disable CL208 CL504` where only a CL208 problem follows).

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


class StaleTemplate(Rule):
    """## What it does
    Reports, once, a way in which nearly every card (90% of them, and at least three) differs from the
    template: a template key they all lack, a key they all have that the template lacks, or card
    headings one or more levels deeper than the template card's. Those cards are then not reported
    one by one for it (CL203, CL204).

    ## Why is this bad?
    When every card differs from the template the same way, the template is what is out of date: the
    next contributor copies it and gets it "wrong" too. A hundred identical findings hide that.

    ## Example
    Every card's table lacks the template's `|**Title**||` row, because the title moved into the
    card's heading.

    ## Use instead
    Update the template to what the cards are (drop the `Title` row), or the cards to the template.

    It is reported on the template's heading, or, when the template is in another file, on the first
    card that differs.

    ## Fix safety
    For a key the cards lack, the fix inserts the template's empty row (bullet, label) in each of them,
    as CL203 would one by one (and none where CL203 would give a card none). It is unsafe: the values
    are still to fill in, and the template may be what is wrong. The other findings have no fix.
    """

    code = "CL107"
    name = "stale-template"
    summary = "Nearly every card differs from the template the same way"
    severity = Severity.WARNING
    fix = FixSafety.UNSAFE

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        drift = ctx.drift
        template = ctx.template
        noun = template.noun
        for key, cards in drift.missing.items():
            message = f"{len(cards)} of {drift.cards} cards lack the template's '{key}' {noun}; update the template or the cards"
            edits = [edit for card in cards if (edit := insert_row(card, key, ctx)[1]) is not None]
            fix = None
            if len(edits) == len(cards):  # each card has a place for it
                fix = self.make_fix(f"Insert an empty '{key}' {noun} in each card", *edits)
            yield self._report(ctx, cards[0], message, fix)
        for key, cards in drift.extra.items():
            yield self._report(
                ctx,
                cards[0],
                f"{len(cards)} of {drift.cards} cards have a '{key}' {noun} the template lacks; add it to the template",
            )
        if drift.deeper:
            level = ctx.document.card_level
            yield self._report(
                ctx,
                ctx.document.paper_cards[0],
                f"Cards are level-{level} headings ({'#' * level}), the template's card is level {template.level} "
                f"({'#' * template.level}); update the template",
            )

    def _report(self, ctx: Context, card: Card, message: str, fix: Fix | None = None) -> Diagnostic:
        line = ctx.template.line
        if line is None:
            return self.report(ctx, card.heading.span, message, fix)
        return self.report(ctx, Span.of_line(ctx.source, line), message, fix)


class CardAfterTemplate(Rule):
    """## What it does
    Checks that no card follows the template where the template closes the list: when cards come
    before the template card (as in the seed, whose `## Template` is last), a card after it is out of
    place. A template at the top of the list, before every card, is not concerned.

    ## Why is this bad?
    A card pasted below the template is easy to miss, sits outside the list's sections, and the next
    contributor copies the wrong card as the template.

    ## Example
    ```markdown
    ## DiffEdit
    ...
    ## Template
    ...
    ## Magic3D
    ```

    ## Use instead
    Put `## Magic3D` above `## Template`.

    ## Fix safety
    The fix moves the card's lines, unchanged, to just above the template (with a blank line after
    them when the card does not end with one); it is safe. Where a code fence or an HTML block opens
    in the card or above it and is never closed, it is reported without a fix: the template
    would move into what that block hides. So it is when the card's heading, the template's or the
    line after the card is indented: under a list it would be the text of its last item. And so it
    is when the card's heading names a template (a copy of the template card whose `## Template`
    was left as it was): moved above the template, it would be the template.
    """

    code = "CL108"
    name = "card-after-template"
    summary = "Card follows the template that closes the list"
    fix = FixSafety.SAFE

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        template = ctx.document.template_card
        if template is None:
            return
        cards = ctx.document.paper_cards
        if not any(card.line < template.line for card in cards):
            return  # the template opens the list: the cards follow it
        source = ctx.source
        for card in cards:
            if card.line < template.line:
                continue
            # The card, then the template and what lay between them. A blank line keeps the card's last
            # block (a </details> line, say) from running into the template's heading.
            pieces: list[int | str] = list(range(card.line, card.end_line + 1))
            if source.lines[card.end_line - 1].strip():
                pieces.append("")
            pieces += range(template.line, card.line)
            fix = None
            message = f"Card '{card.title}' comes after the template (line {template.line})"
            if names_template(card.heading.text, ctx.config.template_heading):
                # Moved above the template, it would be the template (the first such heading is):
                # a copy of the template card whose heading was left as it was.
                message += "; its heading names a template: give it the paper's title"
            elif not ctx.moves_more((card.line, template.line), card.end_line):
                fix = self.make_fix("Move the card above the template", ctx.move_lines(template.line, card.end_line, pieces))
            yield self.report(ctx, card.heading.span, message, fix)


class UnclosedBlock(Rule):
    """## What it does
    Checks that a code fence or an HTML block that opens (a `<!--` comment, `<pre>`, `<script>`)
    is closed. One that is never closed runs to the end of the file on GitHub: every card below it,
    and the template, is then hidden in it or shown as code.

    ## Why is this bad?
    One unclosed `<!--` in a contributor's card hides every card after it on GitHub, while the
    Markdown source still looks whole. cardlint reads the file as if the block ended on the line it
    opens on, so that the cards below it are checked too, and reports the block.

    ## Example
    ```markdown
    ## DiffEdit
    <!-- TODO: add the images
    ...
    ## Template
    ```

    ## Use instead
    Close it where it was meant to end: `<!-- TODO: add the images -->`.

    ## Fix safety
    No fix: only the author knows where the block was meant to end.
    """

    code = "CL109"
    name = "unclosed-block"
    summary = "A code fence or HTML block is never closed and hides the rest of the file"

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        line = ctx.document.unclosed
        if line is None:
            return
        below = len(ctx.source.lines) - line
        headings = sum(1 for heading in ctx.document.headings if heading.line > line)
        if not headings:
            return  # it hides the end of the file only (notes after the list, say): no card is lost
        if line in ctx.document.code_lines:
            shown = f"This code fence is never closed: GitHub shows the {below} lines below it as code"
        else:
            shown = f"This HTML block is never closed: GitHub hides the {below} lines below it"
        yield self.report(ctx, Span.of_line(ctx.source, line), f"{shown}, {headings} headings among them")


# A heading GitHub shows as something else: `##DreamFusion` (text: no space after the markers),
# `    ## DreamFusion` after a blank line (code: indented by four columns or a tab), and a heading
# right under `</details>` (raw HTML: in the block that line opens).
_NO_SPACE = re.compile(r"^( {0,3})(#{1,6})(?=[^\s#])")
_INDENTED = re.compile(r"^([ \t]+)(#{1,6})[ \t]+(\S.*)$")
_NUMBERED_ITEM = re.compile(r"^\d{1,9}[.)](?:[ \t]|$)")
_BULLET = re.compile(r"^[-+*](?:[ \t]|$)")


class BrokenHeading(Rule):
    """## What it does
    Checks that a card or tier heading is one on GitHub: with a space after its `#` markers
    (`##DreamFusion` shows as text), not indented as code (four spaces or a tab after a blank line
    show it as code), and not in an HTML block (a `</details>` or an `<img …>` line right above it
    opens a block that runs on to the next blank line, and shows it as raw text). Either way the card
    runs into the one above it, its table and fields with it.

    Checked: lines at the cards' level and at the tiers' level; with a single `#`, only a line whose
    text is one of the `tiers` (a `#hashtag` line means to be text). An indented heading under a
    numbered item (a field's body, under `1. **Task**`) is the item's, and is not concerned; under a
    bullet (`- **Code**: …`, a blank line, then a tab) it stands in that bullet's list item, and
    GitHub shows it inside the list, with the card's bullets as more items of it.

    ## Why is this bad?
    The paper drops out of the list's outline, and out of every check of its card: cardlint, like
    GitHub, reads its parts as the previous card's.

    ## Example
    ```markdown
    ##DreamFusion
    ```

    ## Use instead
    ```markdown
    ## DreamFusion
    ```

    ## Fix safety
    The fix inserts the space, or removes the indentation, and the line becomes the heading it was
    meant to be. It is safe. For a heading with no space, it is withheld when the line below is
    more of its paragraph now but would start a block under a heading: an indented line (code), a
    numbered line not from 1 or an empty list item (a list, which would take the lines below it in,
    a table's rows say), a lone HTML tag, or `---`. For a heading in an HTML block, the fix inserts
    a blank line above it, which ends the block there; it is withheld when a code fence, a `<!--`
    comment or a `<pre>` opens in the rest of the block (raw text now, it would open then, and run
    on past the block's end), when a line in it is indented by four columns (code then), and when
    a list item stands in the rest of the block and another right after its end (the two lists
    would be one, and loose). For a heading in a bullet's item, it is withheld when an indented
    line below it is more of the item: the heading would end the item above it.
    """

    code = "CL110"
    name = "broken-heading"
    summary = "A card or tier heading that GitHub shows as text, code or raw HTML"
    fix = FixSafety.SAFE

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        document, lines = ctx.document, ctx.source.lines
        tiers = {tier.casefold() for tier in ctx.config.tiers or DEFAULT_TIERS}
        for number, text in enumerate(lines, start=1):
            if "#" not in text or not text.lstrip(" \t").startswith("#"):
                continue
            in_item = False
            if number in document.code_lines:
                continue
            if number in document.html_lines:
                top = html_block_to_blank(lines, document.html_lines, number)
                if top is None or (heading := atx_heading(text, number)) is None:
                    continue
                markers, words = "#" * heading.level, heading.text
                span = Span(number, len(text) - len(text.lstrip(" ")) + 1, number, len(text.rstrip()) + 1)
                edit, title = ctx.insert_before_line(number, [""]), "Insert a blank line to end the HTML block"
                shown = f"raw HTML (the HTML block that line {top} opens runs on to the next blank line)"
            elif (match := _NO_SPACE.match(text)) is not None:
                markers, words = match.group(2), text[match.end() :].strip()
                span = Span(number, len(match.group(1)) + 1, number, match.end() + 1)
                edit, title = ctx.replace(Span(number, match.end() + 1, number, match.end() + 1), " "), "Insert a space"
                shown = f"text (no space after '{markers}')"
            elif (match := _INDENTED.match(text)) is not None and indented_code(text):
                if number > 1 and not is_blank(lines[number - 2]):
                    continue  # a paragraph's continuation line, not code
                previous = next((lines[n - 1] for n in range(number - 1, 0, -1) if not is_blank(lines[n - 1])), "")
                bullet = _BULLET.match(previous) is not None
                if previous[:1] in (" ", "\t") or _NUMBERED_ITEM.match(previous):
                    continue  # in a numbered item (a field's body): the item's own heading
                markers, words = match.group(2), match.group(3).strip()
                span = Span(number, 1, number, len(match.group(1)) + 1)
                edit, title, shown = ctx.replace(span, ""), "Remove the indentation", "code (it is indented)"
                if bullet and indent_width(text) - (list_column(previous, None) or 0) < 4:
                    shown = "part of the bullet above it (it is indented)"
                below = next((line for line in lines[number:] if not is_blank(line)), "")
                in_item = bullet and below[:1] in (" ", "\t")  # more of the bullet's item follows
            else:
                continue
            kind = {document.card_level: "card", document.card_level - 1: "tier"}.get(len(markers))
            if kind is None or (len(markers) == 1 and words.casefold() not in tiers):
                continue  # a '#hashtag' is text that means to be text
            fix: Fix | None = self.make_fix(title, edit, makes_heading=True)
            following = lines[number] if number < len(lines) else ""
            if shown.startswith("text") and ends_table_only(following):
                fix = None  # more of the line's paragraph now, a block of its own under a heading
            if shown.startswith("raw") and freed_otherwise(lines, document.html_lines, number):
                fix = None  # a `<!--` in the rest of the block would open, an indented line be code
            if in_item:
                fix = None  # unindented, the heading would end the item above the lines that follow it
            yield self.report(ctx, span, f"GitHub shows '{text.strip()}' as {shown}, not as a {kind} heading", fix)


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
                        f"Card '{card.title}' duplicates '{first.title}' on line {first.line} (same {kind})",
                    )
