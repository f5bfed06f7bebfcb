"""CL95x: the entries of an awesome-style list against its marked snippet (see cardlint.entries)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from cardlint.diagnostic import Diagnostic, Edit, FixSafety, Severity
from cardlint.entries import ENTRY_LINK
from cardlint.model import Card, Span
from cardlint.parser import indented_code
from cardlint.rules.base import STALE_SHARE, Context, Rule
from cardlint.template import link_label

_SQUARE = re.compile(r"\[\[([^\[\]]+)\]\[([^\[\]\s]+)\]\]")  # [[paper][https://…]]
_TARGET = re.compile(r"\[\[([^\[\]]+)\]\(([^()]*)\)\]")  # [[paper](target)]
# Emphasis whose closing star has a space before it, so that it never closes: "*Authors. *".
_NEVER_CLOSED = re.compile(r"\s*(\*)(?![*\s])[^*\n]*$")  # "*Xiaofeng Liu, Yang Zou<br>"
_OPEN_EMPHASIS = re.compile(r"(?<![*\w\\])\*(?![*\s])([^*\n]*?\S)([ \t]+)\*(?![*\w])")


def _lines(ctx: Context, card: Card) -> Iterable[tuple[int, str]]:
    for number in range(card.line, card.end_line + 1):
        yield number, ctx.source.lines[number - 1]


def _is_entry(ctx: Context) -> bool:
    return ctx.template.entry_kind is not None


class EntryLinkBrackets(Rule):
    """## What it does
    Checks that an entry's links are written `[[Label](url)]`, as the list's snippet writes them.

    ## Why is this bad?
    `[[paper][https://…]]` is not a link on GitHub: readers see the brackets and the bare address,
    and nothing to click.

    ## Example
    ```markdown
    - (*ACL'24*) MovieSum [[paper][https://aclanthology.org/2024.findings-acl.239/]]
    ```

    ## Use instead
    ```markdown
    - (*ACL'24*) MovieSum [[paper](https://aclanthology.org/2024.findings-acl.239/)]
    ```

    ## Fix safety
    The fix turns the inner square brackets round the address into parentheses; it is safe.
    """

    code = "CL951"
    name = "entry-link-brackets"
    summary = "Entry link uses square brackets where the address needs parentheses"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if not _is_entry(ctx):
            return
        for number, text in _lines(ctx, card):
            for match in _SQUARE.finditer(text):
                span = Span(number, match.start() + 1, number, match.end() + 1)
                fixed = f"[[{match.group(1)}]({match.group(2)})]"
                yield self.report(
                    ctx,
                    span,
                    f"Link '{match.group(1)}' is written [..][..]; GitHub shows it as text",
                    self.make_fix("Write the address in parentheses", ctx.replace(span, fixed)),
                )


class EntryLinkTarget(Rule):
    """## What it does
    Checks that an entry's links have a target, and that it is a web address (or a path or anchor).

    ## Why is this bad?
    `[[code]()]` and `[[PDF](CVPR2023)]` look like links and lead nowhere.

    ## Example
    ```markdown
    [[Paper](https://arxiv.org/abs/2406.14550)][[code]()]
    ```

    ## Use instead
    Link the code, or leave the `[[code](…)]` out until there is some.
    """

    code = "CL952"
    name = "entry-link-target"
    summary = "Entry link has no target, or one that is not an address"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if not _is_entry(ctx):
            return
        for number, text in _lines(ctx, card):
            for match in _TARGET.finditer(text):
                target = match.group(2).strip()
                span = Span(number, match.start() + 1, number, match.end() + 1)
                if not target:
                    yield self.report(ctx, span, f"Link '{match.group(1)}' has no target")
                elif not re.match(r"(?:https?://|mailto:|/|\.|#)", target):
                    yield self.report(ctx, span, f"Link '{match.group(1)}' leads to '{target}', not a web address")


class EntryOpenEmphasis(Rule):
    """## What it does
    Checks that emphasis in an entry closes: `*Authors.*`, not `*Authors. *`.

    ## Why is this bad?
    A space before the closing star keeps the emphasis open: GitHub shows both stars and no italics.

    ## Example
    ```markdown
    *Ben Poole, Ajay Jain. *<br>
    ```

    ## Use instead
    ```markdown
    *Ben Poole, Ajay Jain.*<br>
    ```

    ## Fix safety
    The fix removes the spaces before the closing star; it is safe.
    """

    code = "CL953"
    name = "entry-open-emphasis"
    summary = "Emphasis in an entry never closes"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if not _is_entry(ctx):
            return
        for number, text in _lines(ctx, card):
            start = 2 if number == card.line and ctx.template.entry_kind == "bullet" else 0  # the bullet's star
            unclosed = _NEVER_CLOSED.match(text, start)
            if unclosed is not None:
                span = Span(number, unclosed.start(1) + 1, number, unclosed.start(1) + 2)
                yield self.report(ctx, span, "Emphasis does not close: no '*' ends it on this line")
                continue
            for match in _OPEN_EMPHASIS.finditer(text, start):
                gap = Span(number, match.start(2) + 1, number, match.end(2) + 1)
                yield self.report(
                    ctx,
                    Span(number, match.start() + 1, number, match.end() + 1),
                    "Emphasis does not close: a space stands before its closing '*'",
                    self.make_fix("Remove the space before the closing '*'", ctx.replace(gap, "")),
                )


class EmptyEntry(Rule):
    """## What it does
    Checks that a bullet entry is not empty (a stray `- `).

    ## Why is this bad?
    GitHub shows an empty bullet: a gap in the list that looks like a missing paper.

    ## Example
    ```markdown
    - (*ACL'24*) MovieSum [[pdf](https://aclanthology.org/2024.findings-acl.239/)]
    -
    ```

    ## Use instead
    Remove the line, or write the entry.
    """

    code = "CL954"
    name = "empty-entry"
    summary = "Bullet entry is empty"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        text = ctx.source.lines[card.line - 1]
        if _is_entry(ctx) and ctx.template.entry_kind == "bullet" and not text.strip()[1:].strip():
            yield self.report(ctx, card.heading.span, "Bullet entry is empty")


class EntrySplit(Rule):
    """## What it does
    Checks that no blank line splits an entry in two: a title block with no links, then, one blank
    line below, a block of the entry's links alone.

    ## Why is this bad?
    GitHub shows two paragraphs: the links seem to belong to nothing, and the list's spacing breaks.

    ## Example
    ```markdown
    **The Brain's Bitter Lesson.**<br>
    *Richard J. Antonello, Nihita Sarma*<br>
    Arxiv 2024.

    [[PDF](https://arxiv.org/abs/2406.04328)]
    ```

    ## Use instead
    The same without the blank line.

    ## Fix safety
    The fix removes the blank line; it is safe. Links indented as code under a paragraph entry (a
    code block on GitHub), or below an HTML block line such as `<p>`, would change kind when joined:
    there is no fix.
    """

    code = "CL956"
    name = "entry-split"
    summary = "A blank line splits an entry in two"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for block in card.other:
            if block.kind != "split":
                continue
            line = block.span.line
            source = ctx.source
            edit = Edit(source.line_start(line), source.next_line_offset(line), "")
            # Indented as code under a paragraph entry, the links are a code block on GitHub: joined
            # to the entry they would be its text; under an HTML block (a `<p>` line) they would be
            # more of that block. Either is more than removing a blank line.
            below = source.lines[line] if line < len(source.lines) else ""
            as_code = ctx.template.entry_kind == "paragraph" and indented_code(below)
            in_html = line - 1 in ctx.document.html_lines
            yield self.report(
                ctx,
                Span(line, 1, line, 1),
                "A blank line splits this entry: its links below are a paragraph of their own",
                None if as_code or in_html else self.make_fix("Remove the blank line", edit),
            )


class EntryMissingLink(Rule):
    """## What it does
    Checks that an entry has the first link of the snippet (`[[Paper](link)]`, compared without case);
    the snippet's other links (Code, Project, Data) may be missing.

    When nearly every entry (90%, and at least three) lacks it, for instance because all write
    `[[paper]]` where the snippet says `[[pdf]]`, the snippet is what is stale: that is said once,
    on its mark, and the entries are not reported one by one.

    ## Why is this bad?
    An entry without the paper's link is the one thing a reader of a paper list cannot use.

    ## Example
    ```markdown
    - (*ACL'24*) MovieSum [[code](https://github.com/saxenarohit/MovieSum)]
    ```

    ## Use instead
    ```markdown
    - (*ACL'24*) MovieSum [[pdf](https://aclanthology.org/2024.findings-acl.239/)][[code](https://github.com/saxenarohit/MovieSum)]
    ```
    """

    code = "CL955"
    name = "entry-missing-link"
    summary = "Entry lacks the snippet's first link"
    severity = Severity.WARNING

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        if not _is_entry(ctx) or not ctx.template.entry_links:
            return
        wanted = ctx.template.entry_links[0]
        entries = ctx.document.paper_cards
        lacking = []
        for card in entries:
            labels = {link_label(m.group(1)).casefold() for _, t in _lines(ctx, card) for m in ENTRY_LINK.finditer(t)}
            if labels and wanted.casefold() not in labels:
                lacking.append(card)
        if len(lacking) >= 3 and len(lacking) >= STALE_SHARE * len(entries):
            assert ctx.template.line is not None
            yield self.report(
                ctx,
                Span.of_line(ctx.source, ctx.template.line),
                f"{len(lacking)} of {len(entries)} entries have no '{wanted}' link; update the snippet or the entries",
            )
            return
        for card in lacking:
            yield self.report(ctx, card.heading.span, f"Entry has no '{wanted}' link")


_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w\\])\*(?![*\s])([^*\n]+?)(?<=\S)\*(?![*\w])")
PART_NAMES = {"bold": "bold title (**…**)", "italic": "italic part (*…*)", "link": "[[…](…)] link"}


def entry_parts(lines: Iterable[str], bullet: bool) -> list[tuple[str, int, int]]:
    """The literal parts in reading order: (kind, line index, column), the first of each kind."""
    found: dict[str, tuple[int, int]] = {}
    for index, text in enumerate(lines):
        if index == 0 and bullet:
            text = "  " + text[2:]  # the bullet's own star is no emphasis
        without_bold = _BOLD.sub(lambda m: " " * len(m.group(0)), text)
        for kind, pattern, where in (("bold", _BOLD, text), ("italic", _ITALIC, without_bold), ("link", ENTRY_LINK, text)):
            match = pattern.search(where)
            if match and kind not in found:
                found[kind] = (index, match.start())
    return sorted(((kind, *at) for kind, at in found.items()), key=lambda part: (part[1], part[2]))


class EntryMissingPart(Rule):
    """## What it does
    Checks that an entry's literal parts (bold title `**…**`, italic part `*…*`, links) come in the
    snippet's order, and that it has the snippet's links. The text inside them is free: the
    snippet's placeholders (`Paper Title`, `Authors`, `link`, `Conference, Year`, `(Optional …)`)
    match anything. An italic part is not required (an entry may write its authors plainly); one left
    open is reported by CL953. (A block without a bold title, where the snippet starts with one, is
    prose, not an entry.)

    When nearly every entry (90%, and at least three) lacks the same part, it is said once, on the
    snippet's mark.

    ## Why is this bad?
    Readers scan a list by its shape: the title in bold, then the authors. An entry without its
    bold title, or with its authors first, reads as part of the one above.

    ## Example
    ```markdown
    *Richard J. Antonello, Nihita Sarma*<br>
    **The Brain's Bitter Lesson.**<br>
    Arxiv 2024. [[PDF](https://arxiv.org/abs/2406.04328)]
    ```

    ## Use instead
    The bold title first, then the authors in italics, as the snippet has them.
    """

    code = "CL957"
    name = "entry-missing-part"
    summary = "Entry has the snippet's literal parts out of order"

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        template = ctx.template
        if not _is_entry(ctx) or template.line is None:
            return
        bullet = template.entry_kind == "bullet"
        source = ctx.source
        # The snippet: the lines of the fence after the mark.
        snippet = []
        for number in range(template.line + 2, len(source.lines) + 1):
            if source.lines[number - 1].strip().startswith(("```", "~~~")):
                break
            snippet.append(source.lines[number - 1])
        wanted = [kind for kind, _, _ in entry_parts(snippet, bullet)]
        entries = [card for card in ctx.document.paper_cards if source.lines[card.line - 1].strip()[1:].strip() or not bullet]
        missing: dict[str, list[Card]] = {}
        misordered: list[tuple[Card, str, str]] = []
        for card in entries:
            parts = entry_parts(source.lines[card.line - 1 : card.end_line], bullet)
            kinds = [kind for kind, _, _ in parts]
            for kind in wanted:
                # An italic part left open is CL953's; one written some other way is no defect to report.
                if kind not in kinds and kind != "italic":
                    missing.setdefault(kind, []).append(card)
            present = [kind for kind in kinds if kind in wanted]
            expected = [kind for kind in wanted if kind in present]
            if present != expected:
                first = next(i for i, (a, b) in enumerate(zip(present, expected)) if a != b)
                misordered.append((card, present[first], expected[first]))
        for kind, cards in missing.items():
            if len(cards) >= 3 and len(cards) >= STALE_SHARE * len(entries):
                yield self.report(
                    ctx,
                    Span.of_line(source, template.line),
                    f"{len(cards)} of {len(entries)} entries have no {PART_NAMES[kind]}; update the snippet or the entries",
                )
                continue
            for card in cards:
                yield self.report(ctx, card.heading.span, f"Entry has no {PART_NAMES[kind]}, which the snippet has")
        for card, found, instead in misordered:
            message = f"Entry has its {PART_NAMES[found]} where the snippet has its {PART_NAMES[instead]}"
            yield self.report(ctx, card.heading.span, message)
