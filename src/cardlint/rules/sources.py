"""CL9xx: the card against what its sources say, as `cardlint sync` recorded it in cardlint.lock.json.

Offline: the rules read the lock file only, and are silent without one (or for a paper not in it)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from cardlint.diagnostic import Diagnostic, FixSafety, Severity
from cardlint.model import Card, Span, TableRow
from cardlint.rules.base import Context, Rule
from cardlint.urls import normalize_title


def _part(ctx: Context, card: Card, name: str) -> dict[str, Any] | None:
    entry = ctx.sourced(card)
    part = entry.get(name) if entry else None
    return part if isinstance(part, dict) else None


def _value_span(row: TableRow) -> Span:
    return row.value_span if row.value_span.end_column > row.value_span.column else row.key_span


class UnknownSourceId(Rule):
    """## What it does
    Checks that the card's OpenReview id and arXiv id are papers at their source, as `cardlint sync`
    found them.

    ## Why is this bad?
    OpenReview's forum page is a JavaScript application: a link checker sees a page for any id, so a
    link that has been broken since it was written (`forum?id=zyLVMgsZ0U` for `zyLVMgsZ0U_`) passes
    every other check. OpenReview's API knows better.

    ## Example
    ```markdown
    |OpenReview| https://openreview.net/forum?id=zyLVMgsZ0U|
    ```

    ## Use instead
    ```markdown
    |OpenReview| https://openreview.net/forum?id=zyLVMgsZ0U_|
    ```
    then `cardlint sync` again.
    """

    code = "CL901"
    name = "unknown-source-id"
    summary = "The OpenReview or arXiv id is no paper at its source"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for name, role, what in (("openreview", "openreview", "OpenReview"), ("arxiv", "paper", "arXiv")):
            part = _part(ctx, card, name)
            row = ctx.role_row(card, role)
            if part is None or not part.get("missing") or row is None:
                continue
            ident = part.get("forum") or part.get("id")
            yield self.report(ctx, _value_span(row), f"{what} has no paper '{ident}' (as of the last `cardlint sync`)")


_SPACE = re.compile(r"\s+")


def _differs(written: str, truth: str) -> str | None:
    """None when equal; "case" when only case, spacing or punctuation differ; "words" otherwise."""
    if _SPACE.sub(" ", written.strip()) == _SPACE.sub(" ", truth.strip()):
        return None
    return "case" if normalize_title(written) == normalize_title(truth) else "words"


_BIBTEX_FIELD = re.compile(r"^\s*(title|author)\s*=\s*[{\"]+(.*?)[}\"]*,?\s*$", re.IGNORECASE)


def bibtex_field(ctx: Context, card: Card, name: str) -> tuple[str, Span] | None:
    """The card's BibTeX ``title`` or ``author`` value (one line) and where it is written."""
    details = card.details
    if details is None or details.bibtex_line is None:
        return None
    for number in range(details.bibtex_line, details.span.end_line + 1):
        text = ctx.source.lines[number - 1]
        match = _BIBTEX_FIELD.match(text)
        if match and match.group(1).lower() == name and match.group(2).strip():
            value = match.group(2).strip()
            start = text.index(value, match.start(2))
            return value.replace("{", "").replace("}", ""), Span(number, start + 1, number, start + len(value) + 1)
    return None


def _person(name: str) -> tuple[str, str]:
    """A name as compared: its first and last words, normalized (a middle initial may be left out)."""
    words = normalize_title(name).split()
    return (words[0], words[-1]) if words else ("", "")


def bibtex_names(value: str) -> list[str]:
    """BibTeX's ``Last, First and Other, Name`` as ``First Last`` names."""
    names = []
    for name in re.split(r"\s+and\s+", value):
        last, comma, first = name.partition(",")
        names.append(f"{first.strip()} {last.strip()}".strip() if comma else name.strip())
    return [name for name in names if name]


class TitleDiffers(Rule):
    """## What it does
    Checks the Title row against the paper's title at its source (arXiv first, else OpenReview).

    ## Why is this bad?
    A title typed by hand drifts ("Dreamfusion: Text-to-3d using 2d diffusion" for "DreamFusion:
    Text-to-3D using 2D Diffusion"); searches and duplicate checks then miss the paper.

    ## Example
    ```markdown
    |Title|Dreamfusion: Text-to-3d using 2d diffusion|
    ```

    ## Use instead
    ```markdown
    |Title|DreamFusion: Text-to-3D using 2D Diffusion|
    ```

    The BibTeX entry's `title` is checked the same way (reported at its line, without a fix).

    ## Fix safety
    When only case, spacing or punctuation differ, it is a warning and the fix writes the source's
    title; it is safe. Different words are an error without a fix: the card may name another paper.
    """

    code = "CL902"
    name = "title-differs"
    summary = "Title row differs from the paper's title at its source"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        source = _part(ctx, card, "arxiv") or _part(ctx, card, "openreview")
        truth = str(source.get("title") or "") if source and not source.get("missing") else ""
        if not truth:
            return
        row = ctx.role_row(card, "title")
        if row is not None and row.value:
            kind = _differs(row.value, truth)
            if kind == "case":
                fix = self.make_fix("Write the source's title", ctx.replace(row.value_span, truth), rewrites=True)
                message = f"Title differs from the source's in case or punctuation: '{truth}'"
                yield replace(self.report(ctx, row.value_span, message, fix), severity=Severity.WARNING)
            elif kind == "words":
                yield self.report(ctx, row.value_span, f"Title differs from the source's: '{truth}'")
        bibtex = bibtex_field(ctx, card, "title")
        if bibtex is not None:
            kind = _differs(bibtex[0], truth)
            if kind == "case":
                message = f"BibTeX title differs from the source's in case or punctuation: '{truth}'"
                yield replace(self.report(ctx, bibtex[1], message), severity=Severity.WARNING)
            elif kind == "words":
                yield self.report(ctx, bibtex[1], f"BibTeX title differs from the source's: '{truth}'")


class AuthorsDiffer(Rule):
    """## What it does
    Checks the Authors row against the paper's authors at its source (arXiv first, else OpenReview):
    the same people, in the same order, each compared by first and last name without case, spacing
    and punctuation (`Joshua B. Tenenbaum` is arXiv's `Joshua Tenenbaum`).

    ## Why is this bad?
    A missing or misspelt author is the error a paper's authors notice first.

    The BibTeX entry's `author` field (`Poole, Ben and Jain, Ajay`) is checked the same way.

    ## Example
    ```markdown
    |Authors|Ben Poole, Ajay Jain, Jonathan T. Barron|
    ```

    ## Use instead
    ```markdown
    |Authors|Ben Poole, Ajay Jain, Jonathan T. Barron, Ben Mildenhall|
    ```
    """

    code = "CL903"
    name = "authors-differ"
    summary = "Authors row differs from the paper's authors at its source"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        source = _part(ctx, card, "arxiv") or _part(ctx, card, "openreview")
        truth = [str(name) for name in source.get("authors") or []] if source and not source.get("missing") else []
        if not truth:
            return
        same = [_person(name) for name in truth]
        row = ctx.row(card, "Authors")
        if row is not None and row.value:
            written = [name for name in re.split(r",|;|\band\b", row.value) if name.strip()]
            if [_person(name) for name in written] != same:
                yield self.report(ctx, _value_span(row), f"Authors differ from the source's: {', '.join(truth)}")
        bibtex = bibtex_field(ctx, card, "author")
        if bibtex is not None and [_person(name) for name in bibtex_names(bibtex[0])] != same:
            yield self.report(ctx, bibtex[1], f"BibTeX authors differ from the source's: {', '.join(truth)}")


class TierDecision(Rule):
    """## What it does
    Checks that a card sits in the tier its OpenReview decision names.

    ## Why is this bad?
    The tiers are the venue's decisions; a poster under "Notable Top 5%" misinforms every reader.

    ## Example
    A card under `# Notable Top 25%` whose decision is `Accept: poster`.

    ## Use instead
    Move the card under `# Poster`.

    ## Options
    `[sources] decision-tiers`: the tier heading of each decision (default: ICLR 2023's
    `Accept: notable-top-5%`, `Accept: notable-top-25%`, `Accept: poster`). A decision it does not
    name is not checked.
    """

    code = "CL904"
    name = "tier-decision"
    summary = "Card is not in the tier its decision names"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        source = _part(ctx, card, "openreview")
        decision = source.get("decision") if source else None
        tier = ctx.config.sources.decision_tiers.get(str(decision)) if decision else None
        if tier is None or card.tier is None or card.tier.name == tier:
            return
        yield self.report(ctx, card.heading.span, f"The decision is '{decision}' ({tier}); the card is under '{card.tier.name}'")
