"""CL6xx: the ``<details>`` block with the abstract and the BibTeX."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from cardlint.diagnostic import Diagnostic
from cardlint.model import Card, Span
from cardlint.rules.base import Context, Rule
from cardlint.urls import normalize_title

_TITLE_FIELD = re.compile(r"^\s*title\s*=", re.IGNORECASE)


class MissingDetails(Rule):
    """## What it does
    Checks that a card ends with the template's `<details>` block (abstract and BibTeX).

    ## Why is this bad?
    The abstract and the citation are what a reader copies; without the block they go to find them
    elsewhere.

    ## Example
    A card whose last field is followed directly by the next card.

    ## Use instead
    ```markdown
    <details>
    	<summary>Abstract and Bibtex</summary>
    	<p> The abstract. </p>

    @misc{key, title = {The title}}
    </details>
    ```
    """

    code = "CL601"
    name = "missing-details"
    summary = "Card has no <details> block"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if card.details is None and ctx.template.has_details and not card.is_empty:
            yield self.report(ctx, card.heading.span, f"Card '{card.title}' has no <details> block")


class DetailsSummary(Rule):
    """## What it does
    Checks that the `<details>` block has the template's `<summary>`.

    ## Why is this bad?
    Without a summary GitHub shows a bare "Details" toggle, and readers do not know what it hides.

    ## Example
    ```markdown
    <details>
    	<p> The abstract. </p>
    </details>
    ```

    ## Use instead
    ```markdown
    <details>
    	<summary>Abstract and Bibtex</summary>
    	<p> The abstract. </p>
    </details>
    ```

    Summaries are compared by the text GitHub shows: `<summary><b>Abstract</b></summary>` is
    `<summary>Abstract</summary>`, and the `<details>` tag's attributes (`open`) do not matter.
    """

    code = "CL602"
    name = "details-summary"
    summary = "<details> block lacks the template's <summary>"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        details = card.details
        if details is None or ctx.template.summary is None:
            return
        if details.summary is None:
            yield self.report(
                ctx,
                Span.of_line(ctx.source, details.span.line),
                f"<details> has no <summary>{ctx.template.summary}</summary>",
            )
        elif shown(details.summary) != shown(ctx.template.summary) and details.summary_span is not None:
            yield self.report(
                ctx,
                details.summary_span,
                f"Summary '{details.summary}' differs from the template's '{ctx.template.summary}'",
            )


_TAGS = re.compile(r"<[^>]*>")


def shown(summary: str) -> str:
    """A summary as GitHub shows it: without tags, whitespace collapsed (``<b>Abstract</b>`` is ``Abstract``)."""
    return " ".join(html.unescape(_TAGS.sub("", summary)).split())


class DetailsUnbalanced(Rule):
    """## What it does
    Checks that `<details>` is closed by `</details>` and every `<p>` inside it by `</p>`.

    ## Why is this bad?
    An unclosed `<details>` swallows the rest of the README into one collapsed block on GitHub.

    ## Example
    ```markdown
    <details>
    	<summary>Abstract and Bibtex</summary>
    	<p> The abstract.
    ```

    ## Use instead
    ```markdown
    <details>
    	<summary>Abstract and Bibtex</summary>
    	<p> The abstract. </p>
    </details>
    ```
    """

    code = "CL603"
    name = "details-unbalanced"
    summary = "<details> or <p> is not closed"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        details = card.details
        if details is None:
            return
        start = Span.of_line(ctx.source, details.span.line)
        if not details.closed:
            yield self.report(ctx, start, "<details> is never closed by </details> in this card")
        balance = details.open_tags.get("p", 0)
        if balance:
            what = "an unclosed <p>" if balance > 0 else "a </p> without its <p>"
            yield self.report(ctx, start, f"<details> block has {what}")


class BibtexSyntax(Rule):
    """## What it does
    Checks that the BibTeX entry in the `<details>` block parses.

    ## Why is this bad?
    A citation with a missing brace or comma fails in every reference manager it is pasted into.

    ## Example
    ```bibtex
    @misc{poole2022,
      title = {DreamFusion: Text-to-3D using 2D Diffusion,
      year = {2022}
    }
    ```

    ## Use instead
    ```bibtex
    @misc{poole2022,
      title = {DreamFusion: Text-to-3D using 2D Diffusion},
      year = {2022}
    }
    ```
    """

    code = "CL604"
    name = "bibtex-syntax"
    summary = "BibTeX entry does not parse"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        details = card.details
        if details is None or details.bibtex is None or details.bibtex_line is None:
            return
        entry = ctx.bibtex_entry(card)
        if entry.problem:
            yield self.report(ctx, Span.of_line(ctx.source, details.bibtex_line + entry.line), entry.problem)


class BibtexTitle(Rule):
    """## What it does
    Checks that the BibTeX title matches the card's Title row, ignoring case, braces and punctuation.

    ## Why is this bad?
    A title that differs means one of them belongs to another paper, or to an old version of this one.

    ## Example
    ```markdown
    |Title|DiffEdit: Diffusion-based semantic image editing with mask guidance|
    ...
    title = {DreamFusion: Text-to-3D using 2D Diffusion},
    ```

    ## Use instead
    Make both name the same paper.
    """

    code = "CL605"
    name = "bibtex-title"
    summary = "BibTeX title does not match the Title row"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        details = card.details
        row = ctx.role_row(card, "title")
        if details is None or details.bibtex_line is None or row is None or not row.value:
            return
        fields, _ = ctx.bibtex(card)
        if not fields or "title" not in fields:
            return
        cited = fields["title"]
        if normalize_title(cited) == normalize_title(row.value):
            return
        line = details.bibtex_line
        for number in range(details.bibtex_line, details.span.end_line + 1):
            if _TITLE_FIELD.match(ctx.source.lines[number - 1]):
                line = number
                break
        yield self.report(
            ctx,
            Span.of_line(ctx.source, line),
            f"BibTeX title '{cited.strip('{}')}' does not match the Title row '{row.value}'",
        )
