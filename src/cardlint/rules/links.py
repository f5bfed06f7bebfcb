"""CL4xx: the link rows (Paper Link, OpenReview, Github), checked offline for form."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import SplitResult

from cardlint.diagnostic import Diagnostic, FixSafety
from cardlint.model import Card, Span, TableRow
from cardlint.rules.base import Context, Rule
from cardlint.template import link_labels
from cardlint.urls import (
    ARXIV_HOSTS,
    ARXIV_PATH,
    GITHUB_HOSTS,
    OPENREVIEW_HOSTS,
    arxiv_id,
    base_id,
    bibtex_arxiv_id,
    openreview_id,
    parse_url,
)


class _LinkRule(Rule):
    roles: tuple[str, ...] = ()

    def rows(self, card: Card, ctx: Context) -> Iterable[tuple[str, TableRow]]:
        for role in self.roles:
            row = ctx.role_row(card, role)
            if row is not None and row.value:
                yield role, row


def path_span(row: TableRow, parts: SplitResult, start: int, end: int) -> Span:
    """The span of ``parts.path[start:end]`` in the row's value (a URL that ``parts`` splits)."""
    offset = row.value_span.column + len(parts.scheme) + len("://") + len(parts.netloc)
    return Span(row.line, offset + start, row.line, offset + end)


class LinkNotUrl(_LinkRule):
    """## What it does
    Checks that the Paper Link and OpenReview rows hold one absolute URL.

    ## Why is this bad?
    A row that reads `arxiv 2210.11427` or `see paper` cannot be clicked or checked.

    ## Example
    ```markdown
    |Paper Link| arXiv 2210.11427 |
    ```

    ## Use instead
    ```markdown
    |Paper Link| https://arxiv.org/abs/2210.11427 |
    ```

    ## Options
    `link-rows`: which row keys play the paper, openreview and github roles.
    """

    code = "CL401"
    name = "link-not-url"
    summary = "Link row value is not a URL"
    roles = ("paper", "openreview")

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for _, row in self.rows(card, ctx):
            if parse_url(row.value) is None:
                yield self.report(ctx, row.value_span, f"{row.key} value is not a URL: '{row.value}'")


class LinkScheme(_LinkRule):
    """## What it does
    Checks that link rows use `https`.

    ## Why is this bad?
    arXiv, OpenReview and GitHub all serve https; `http:` links are redirected or blocked, and other
    schemes (`ftp:`, `javascript:`, `file:`) do not belong in a review list.

    ## Example
    ```markdown
    |Paper Link| http://arxiv.org/abs/2210.11427 |
    ```

    ## Use instead
    ```markdown
    |Paper Link| https://arxiv.org/abs/2210.11427 |
    ```
    """

    code = "CL402"
    name = "link-scheme"
    summary = "Link does not use https"
    roles = ("paper", "openreview", "github")

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for _, row in self.rows(card, ctx):
            parts = parse_url(row.value)
            if parts is not None and parts.scheme.lower() != "https":
                span = Span(row.line, row.value_span.column, row.line, row.value_span.column + len(parts.scheme))
                yield self.report(ctx, span, f"{row.key} uses the '{parts.scheme}' scheme; use https")


class PaperLink(_LinkRule):
    """## What it does
    Checks that the Paper Link is a recognised paper URL: an arXiv abs/pdf page, an OpenReview page,
    or (by default) any https URL.

    ## Why is this bad?
    A Paper Link that points at a listing page, a search or a blog post does not identify the paper.

    ## Example
    ```markdown
    |Paper Link| https://arxiv.org/list/cs.CV/recent |
    ```

    ## Use instead
    ```markdown
    |Paper Link| https://arxiv.org/abs/2210.11427 |
    ```

    ## Options
    `paper-link-any-https` (default true): accept any https URL besides arXiv and OpenReview ones.
    """

    code = "CL403"
    name = "paper-link"
    summary = "Paper Link is not a recognised paper URL"
    roles = ("paper",)

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for _, row in self.rows(card, ctx):
            parts = parse_url(row.value)
            if parts is None or parts.scheme.lower() not in ("http", "https"):
                continue
            host = parts.hostname or ""
            if host in ARXIV_HOSTS:
                if not re.match(r"^/(abs|pdf)/", parts.path):
                    yield self.report(ctx, row.value_span, "Paper Link is an arXiv URL but not an abs/ or pdf/ page")
            elif host in OPENREVIEW_HOSTS:
                if openreview_id(row.value) is None:
                    yield self.report(ctx, row.value_span, "Paper Link is an OpenReview URL without a paper id")
            elif not ctx.config.paper_link_any_https:
                yield self.report(ctx, row.value_span, "Paper Link is neither an arXiv nor an OpenReview URL")


class OpenReviewLink(_LinkRule):
    """## What it does
    Checks that the OpenReview row links the paper's forum page, `https://openreview.net/forum?id=<id>`.

    ## Why is this bad?
    The forum page holds the reviews and scores this list is about; a `pdf?id=` link opens the PDF only.

    ## Example
    ```markdown
    |OpenReview| https://openreview.net/pdf?id=j6zUzrapY3L |
    ```

    ## Use instead
    ```markdown
    |OpenReview| https://openreview.net/forum?id=j6zUzrapY3L |
    ```

    ## Fix safety
    `pdf?id=X` becomes `forum?id=X`, the same paper's forum page; nothing else of the value changes (the
    rest of the query, a fragment, a cell after the URL). The fix is safe.
    """

    code = "CL404"
    name = "openreview-link"
    summary = "OpenReview link is not a forum page"
    fix = FixSafety.SAFE
    roles = ("openreview",)

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for _, row in self.rows(card, ctx):
            parts = parse_url(row.value)
            if parts is None:
                continue
            identifier = openreview_id(row.value)
            if parts.hostname in OPENREVIEW_HOSTS and parts.path == "/forum" and identifier:
                continue
            if parts.hostname in OPENREVIEW_HOSTS and parts.path == "/pdf" and identifier:
                # Only "pdf" becomes "forum": the id, the rest of the query and any cell after stay.
                page = path_span(row, parts, 1, len("/pdf"))
                yield self.report(
                    ctx,
                    row.value_span,
                    "OpenReview link opens the PDF; link the forum page (forum?id=)",
                    self.make_fix("Link the forum page", ctx.replace(page, "forum"), rewrites=True),
                )
            else:
                yield self.report(
                    ctx, row.value_span, "OpenReview link is not https://openreview.net/forum?id=<id>"
                )


class ArxivLink(_LinkRule):
    """## What it does
    Checks that arXiv links are well formed: `https://arxiv.org/abs/<id>` or `https://arxiv.org/pdf/<id>`,
    with a valid arXiv identifier.

    ## Why is this bad?
    `abs/2210.11427.pdf` mixes the two forms; arXiv answers it with an error page.

    ## Example
    ```markdown
    |Paper Link| https://arxiv.org/abs/2210.11427.pdf |
    ```

    ## Use instead
    ```markdown
    |Paper Link| https://arxiv.org/abs/2210.11427 |
    ```

    ## Fix safety
    `abs/<id>.pdf` becomes `abs/<id>`, the same paper's page: only `.pdf` is removed (a version, query,
    fragment or a cell after the URL stay). The fix is safe.
    """

    code = "CL405"
    name = "arxiv-link"
    summary = "arXiv link is malformed"
    fix = FixSafety.SAFE
    roles = ("paper",)

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for _, row in self.rows(card, ctx):
            parts = parse_url(row.value)
            if parts is None or parts.hostname not in ARXIV_HOSTS:
                continue
            kind = re.match(r"^/(abs|pdf)/(.*?)/?$", parts.path)
            if kind is None:
                continue  # not a paper page at all: CL403 says so
            match = ARXIV_PATH.match(parts.path)
            if match is None:
                yield self.report(ctx, row.value_span, f"arXiv link has no valid arXiv id: '{kind.group(2)}'")
            elif match.group(1) == "abs" and match.group(3):
                # Only ".pdf" goes: a version, query, fragment or a cell after the URL stays.
                suffix = path_span(row, parts, match.start(3), match.end(3))
                yield self.report(
                    ctx,
                    row.value_span,
                    f"arXiv link mixes abs/ and .pdf; use abs/{match.group(2)}",
                    self.make_fix(f"Link abs/{match.group(2)}", ctx.replace(suffix, ""), rewrites=True),
                )


class GithubLink(_LinkRule):
    """## What it does
    Checks that the Github row is a github.com repository URL, or starts with an allowed phrase saying
    there is no code (such as `Not found`).

    ## Why is this bad?
    A link to a profile, a gist or a personal site leaves readers hunting for the code.

    ## Example
    ```markdown
    |Github| https://github.com/Xiang-cd |
    ```

    ## Use instead
    ```markdown
    |Github| https://github.com/Xiang-cd/DiffEdit-stable-diffusion |
    ```

    ## Options
    `github-not-found`: phrases that may start the value instead of a URL (case-insensitive).
    """

    code = "CL406"
    name = "github-link"
    summary = "Github row is neither a repository URL nor a 'not found' phrase"
    roles = ("github",)

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        phrases = [p.casefold() for p in ctx.config.github_not_found]
        for _, row in self.rows(card, ctx):
            if row.value.casefold().startswith(tuple(phrases)):
                continue
            parts = parse_url(row.value)
            if parts is not None and parts.hostname in GITHUB_HOSTS:
                segments = [s for s in parts.path.split("/") if s]
                if len(segments) >= 2:
                    continue
            yield self.report(
                ctx,
                row.value_span,
                f"Github is not a github.com repository URL nor one of: {', '.join(ctx.config.github_not_found)}",
            )


class ArxivBibtexMismatch(_LinkRule):
    """## What it does
    Checks that the arXiv id in the Paper Link is the one the card's BibTeX names (its eprint, url, or
    arXiv DOI).

    ## Why is this bad?
    A card copied from another card keeps the old BibTeX: the link and the citation then name two papers.

    ## Example
    ```markdown
    |Paper Link| https://arxiv.org/abs/2210.11427 |
    ...
    @misc{x, url = {https://arxiv.org/abs/2209.14988}, ...}
    ```

    ## Use instead
    Make both name the same paper.
    """

    code = "CL407"
    name = "arxiv-bibtex-mismatch"
    summary = "arXiv id in Paper Link disagrees with the BibTeX"
    roles = ("paper",)

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for _, row in self.rows(card, ctx):
            linked = arxiv_id(row.value)
            if linked is None:
                continue
            fields, _ = ctx.bibtex(card)
            cited = bibtex_arxiv_id(fields) if fields else None
            if cited is not None and base_id(cited) != base_id(linked):
                yield self.report(
                    ctx,
                    row.value_span,
                    f"Paper Link names arXiv {linked} but the BibTeX names arXiv {cited}",
                )


class MissingLink(Rule):
    """## What it does
    Checks that a card has every link of the template's link line (`[Paper](link) | [Code](link)`): a
    line of the template card made of Markdown links and separators only. Labels are compared without
    emoji, brackets and case (`[📄 Paper](…)` is `Paper`); the links may stand anywhere in the card.

    ## Why is this bad?
    Readers look for the code or the project page in the same place on every card; a card without it
    says nothing about whether there is one.

    ## Example
    ```markdown
    [📄 Paper](https://arxiv.org/abs/2308.07391)
    ```
    where the template's link line is `[📄 Paper](link) | [💻 Code](link)`.

    ## Use instead
    ```markdown
    [📄 Paper](https://arxiv.org/abs/2308.07391) | [💻 Code](https://github.com/3dlg-hcvc/paris)
    ```
    """

    code = "CL408"
    name = "missing-link"
    summary = "Card lacks a link of the template's link line"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        wanted = ctx.template.link_labels
        if not wanted or card.is_empty:
            return
        code = ctx.document.code_lines
        found: set[str] = set()
        for number in range(card.heading.body_line, card.end_line + 1):
            if number not in code and "](" in ctx.source.lines[number - 1]:
                found.update(label.casefold() for label in link_labels(ctx.source.lines[number - 1]))
        for label in wanted:
            if label.casefold() not in found:
                message = f"Card '{card.title}' has no '{label}' link; the template's link line has one"
                yield self.report(ctx, card.heading.span, message)
