"""CL3xx: the six numbered fields."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from cardlint.diagnostic import Diagnostic, Fix, FixSafety
from cardlint.model import Card, Field, Span
from cardlint.parser import (
    FIELD,
    atx_heading,
    ends_table,
    hidden_in_item,
    html_block_to_blank,
    indented_code,
    is_blank,
    is_delimiter,
    lasting_block_in,
    opens_fence,
    opens_list_item,
    parse_field_label,
    starts_definition,
)
from cardlint.planner import out_of_template_order
from cardlint.rules.base import Context, Rule
from cardlint.template import CASE, FUZZY, Match


def _field_block_lines(label: str, number: int) -> list[str]:
    return [f"{number}. **{label}**", "\t"]


class MissingField(Rule):
    """## What it does
    Checks that a card has every numbered field of the template.

    ## Why is this bad?
    The fields (Task, Problem, Method, Performance, Dataset, Model's information) are what make cards
    comparable; a card without them is a link, not a review.

    ## Example
    ```markdown
    1. **Task**
    	Text-to-3D synthesis
    2. **Problem**
    	No 3D data
    ```

    ## Use instead
    All six fields, numbered 1 to 6, each with its text indented under it.

    ## Fix safety
    The fix inserts the missing fields with empty bodies, at their template places. It is unsafe: a
    person still has to write them, and CL306 then reports the empty bodies.
    """

    code = "CL301"
    name = "missing-field"
    summary = "Card lacks a numbered field of the template"
    fix = FixSafety.UNSAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if card.is_empty:
            return
        fields = ctx.fields(card)
        labels = ctx.template.field_labels
        present = {match.canonical for _, match in fields if match.canonical}
        present |= {marker[-1] for marker in broken_markers(card, ctx)}  # there, with a broken number: CL308
        present |= {label for block in fields_in_html(card, ctx) for _, label in block.fields}  # raw HTML: CL309
        missing = [(index, label) for index, label in enumerate(labels) if label not in present]
        if not missing:
            return
        # Missing fields that share an insertion point are inserted together, in template order.
        groups: dict[tuple[str, int], list[str]] = {}
        anchor_line: int | None = None
        for index, label in missing:
            following = next(
                (f for f, m in fields if m.canonical and labels.index(m.canonical) > index), None
            )
            if following is not None:
                where, line = ("before", following.line), following.line
            elif fields:
                where = ("after", fields[-1][0].end_line)
                line = min(fields[-1][0].end_line + 1, len(ctx.source.lines))
            elif card.details is not None:
                where, line = ("details", card.details.span.line), card.details.span.line
            else:
                where, line = ("after", card.end_line), card.end_line
            groups.setdefault(where, []).extend(_field_block_lines(label, index + 1))
            anchor_line = line if anchor_line is None else anchor_line
        edits = []
        for (kind, line), block in groups.items():
            if kind == "after":
                edits.append(ctx.insert_after_line(line, block))
            else:
                edits.append(ctx.insert_before_line(line, block + ([""] if kind == "details" else [])))
        # Fields inserted into a fenced code block would be code, not fields: leave it to a person.
        inside_code = any(ctx.hidden(line + 1 if kind == "after" else line) for kind, line in groups)
        names = ", ".join(f"{index + 1}. {label}" for index, label in missing)
        if not fields:
            span = card.heading.span
            message = f"Card '{card.title}' has none of the template's fields: {names}"
        else:
            assert anchor_line is not None
            span = Span(anchor_line, 1, anchor_line, 1)
            noun = "field" if len(missing) == 1 else "fields"
            message = f"Card '{card.title}' lacks {noun}: {names}"
        fix = None if inside_code else self.make_fix("Insert the missing fields with empty bodies", *edits)
        yield self.report(ctx, span, message, fix)


class FieldNumber(Rule):
    """## What it does
    Checks that each field carries its template number (Task is 1, Problem 2, …).

    ## Why is this bad?
    The numbers are how readers refer to a field across cards ("see 5 of DiffEdit").

    ## Example
    ```markdown
    1. **Task**
    3. **Problem**
    ```

    ## Use instead
    ```markdown
    1. **Task**
    2. **Problem**
    ```

    ## Fix safety
    The fix rewrites the number; it is safe. A list that does not start at 1 cannot interrupt a
    paragraph (CommonMark): GitHub would show `1. **Problem**` renumbered `2.` right under an image
    line (or rows without their delimiter row, no table on GitHub) as more of that paragraph, so
    there the fix also puts a blank line before the field. The other way round, `10. **Task**`
    there is that paragraph's text, and a `1.` would start a list in it: that is CL310's to mend
    (with a blank line, where that is safe), and this fix follows it.
    """

    code = "CL302"
    name = "field-number"
    summary = "Field number differs from the template's"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        labels = ctx.template.field_labels
        for field, match in ctx.fields(card):
            if match.canonical is None:
                continue
            expected = labels.index(match.canonical) + 1
            if field.number != expected:
                text = ctx.source.lines[field.line - 1]
                span = field.number_span
                number = f"{expected}{text[span.end_column - 2]}"
                if field.number == 1 and expected != 1 and _continues_paragraph(card, field.line, ctx):
                    before = text[: span.column - 1]
                    edit = ctx.replace(Span(field.line, 1, field.line, span.end_column), ctx.source.newline + before + number)
                    fix = self.make_fix(f"Renumber it {expected}, after a blank line", edit, rewrites=True)
                elif expected == 1 and _continues_paragraph(card, field.line, ctx):
                    fix = None  # a `1.` there would start the list in the paragraph: CL310's blank line first
                else:
                    fix = self.make_fix(f"Renumber it {expected}", ctx.replace(span, number), rewrites=True)
                message = f"Field '{match.canonical}' is numbered {field.number}; the template numbers it {expected}"
                yield self.report(ctx, span, message, fix)


def _continues_paragraph(card: Card, line: int, ctx: Context) -> bool:
    """Whether the line above ``line`` is paragraph text (an image line, a sentence) rather than a
    field's body, a bullet's text, a heading, a table (with the lines GitHub runs into it, see
    CL213), code or HTML: a list starting there with a number other than 1 would be more of that
    paragraph."""
    lines = ctx.source.lines
    above = line - 1
    if above <= card.heading.line or is_blank(lines[above - 1]):
        return False
    if above in ctx.document.code_lines or above in ctx.document.html_lines:
        return False
    table = card.table
    # A table without its header or delimiter row is a paragraph of pipes on GitHub.
    if (
        table is not None
        and table.span.line <= above <= table.span.end_line
        and (table.shape != "table" or None not in (table.header, table.delimiter))
    ):
        return False
    if any(field.line <= above <= field.end_line for field in card.fields):
        return False
    # Up to the blank line above: a list item's opening line, or a table's delimiter row, makes the
    # lines below it that item's text or that table's rows.
    for number in range(above, card.line, -1):
        text = lines[number - 1]
        if is_blank(text):
            return True
        if is_delimiter(text) or opens_list_item(text):
            return False
    return True


class FieldOrder(Rule):
    """## What it does
    Checks that fields follow the template's order.

    ## Why is this bad?
    Readers compare cards field by field; a card whose Method comes before its Problem is read wrongly.

    ## Example
    ```markdown
    1. **Task**
    3. **Method**
    2. **Problem**
    ```

    ## Use instead
    ```markdown
    1. **Task**
    2. **Problem**
    3. **Method**
    ```

    ## Fix safety
    The fix moves whole field blocks (label and body), renumbering nothing; it is safe. It is offered only
    when nothing but blank lines separates the fields, and not when the fields stand right under a
    paragraph line and the move would bring a `1.` there or take it away: only a `1.` starts a list
    there, so the move would turn the fields from that paragraph's text into a list or back (see CL310).
    """

    code = "CL303"
    name = "field-order"
    summary = "Fields are out of template order"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        misplaced = out_of_template_order(ctx.fields(card), ctx.template.field_labels)
        fix = self._fix(card, ctx) if misplaced else None
        for field, label, relation, other in misplaced:
            yield self.report(ctx, field.label_span, f"Field '{label}' should come {relation} field '{other}'", fix)

    def _fix(self, card: Card, ctx: Context) -> Fix | None:
        fields = ctx.fields(card)
        if any(match.canonical is None for _, match in fields):
            return None
        lines = ctx.source.lines
        first, last = fields[0][0].line, fields[-1][0].end_line
        covered: set[int] = set()
        for field, _ in fields:
            covered.update(range(field.line, field.end_line + 1))
        if any(n not in covered and lines[n - 1].strip() for n in range(first, last + 1)):
            return None  # something other than blank lines sits between fields: a person decides
        labels = ctx.template.field_labels
        blocks = [range(f.line, f.end_line + 1) for f, _ in fields]
        gaps = [range(a.end_line + 1, b.line) for (a, _), (b, _) in pairwise(fields)]
        order = sorted(range(len(fields)), key=lambda i: (labels.index(fields[i][1].canonical), i))
        if _continues_paragraph(card, first, ctx) and (fields[0][0].number == 1) != (fields[order[0]][0].number == 1):
            return None  # under a paragraph line only a `1.` starts the list: the move would make or unmake it (CL310)
        out: list[int] = []
        for position, index in enumerate(order):
            out.extend(blocks[index])
            if position < len(gaps):
                out.extend(gaps[position])
        return self.make_fix("Move the fields into template order", ctx.move_lines(first, last, out))


class FieldLabelNotBold(Rule):
    """## What it does
    Checks that each field label is bold, as in the template (`1. **Task**`).

    ## Why is this bad?
    The bold label is what separates a field from its text when the list is read on GitHub.

    ## Example
    ```markdown
    1. Task
    ```

    ## Use instead
    ```markdown
    1. **Task**
    ```

    ## Fix safety
    The fix wraps the label in `**`, in place of the stray markers of a broken bold (`**Task*`); it is
    safe. A label holding raw HTML, an unpaired backtick or `~~~` is reported without a fix (as
    CL207), and so is one whose bolding would join two words (`**Task**1.` is bold `Task`, then `1.`).
    """

    code = "CL304"
    name = "field-label-not-bold"
    summary = "Field label is not bold"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for field, match in ctx.fields(card):
            if field.bold or not field.label or match.canonical is None:
                continue
            # Stray markers of a broken bold (`**Task*`) are dropped, not wrapped again: one pass mends it.
            core = field.label.strip("*_ \t")
            # Underscores are word characters to the loss check: `__Task_` becoming `**Task**` is a rewrite.
            rewrites = "_" in field.label
            fix = self.rename_fix(ctx, field.label_span, f"**{core}**", "Make the label bold", rewrites) if core else None
            yield self.report(ctx, field.label_span, f"Field label '{field.label}' is not bold", fix)


class FieldLabelSpelling(Rule):
    """## What it does
    Checks that each field label is written exactly as the template writes it.

    ## Why is this bad?
    `Perfomance` or `dataset` breaks searches across cards and every tool that reads fields by label.

    ## Example
    ```markdown
    4. **Perfomance**
    ```

    ## Use instead
    ```markdown
    4. **Performance**
    ```

    ## Fix safety
    The fix replaces the label with the template's; it is safe. Where the label or the template's
    holds raw HTML, an unpaired backtick or `~~~`, or the new label would drop more words than it
    writes in their place (`**Performance task**` would lose its `task`), it is reported without a
    fix (as CL207).
    """

    code = "CL305"
    name = "field-label-spelling"
    summary = "Field label is misspelled or wrongly cased"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for field, match in ctx.fields(card):
            if match.kind not in (CASE, FUZZY):
                continue
            assert match.canonical is not None
            written = f"**{match.canonical}**" if field.bold else match.canonical
            what = "wrongly cased" if match.kind == CASE else "misspelled"
            yield self.report(
                ctx,
                field.label_span,
                f"Field label '{field.label}' is {what}; the template has '{match.canonical}'",
                self.rename_fix(ctx, field.label_span, written, f"Replace with '{match.canonical}'"),
            )


class EmptyFieldBody(Rule):
    """## What it does
    Checks that every field has text under its label.

    ## Why is this bad?
    An empty field is a template copied and never filled in.

    ## Example
    ```markdown
    5. **Dataset**

    6. **Model's information**
    ```

    ## Use instead
    ```markdown
    5. **Dataset**
    	ImageNet, COCO
    6. **Model's information**
    ```
    """

    code = "CL306"
    name = "empty-field"
    summary = "Field has no text"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for field, match in ctx.fields(card):
            if match.canonical is not None and not field.body:
                yield self.report(ctx, field.label_span, f"Field '{match.canonical}' has no text")


class UnknownField(Rule):
    """## What it does
    Checks that every numbered item at the top level of a card is one of the template's fields.

    ## Why is this bad?
    A field the template does not have is invisible to the other checks; often it is a field whose
    label was mangled beyond recognition.

    ## Example
    ```markdown
    7. **Notes**
    ```

    ## Use instead
    Add the field to the `## Template` card so every card follows, or move the text into an existing
    field's body (indented).
    """

    code = "CL307"
    name = "unknown-field"
    summary = "Numbered item is not a field of the template"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for field, match in ctx.fields(card):
            if match.canonical is None:
                yield self.report(
                    ctx,
                    field.label_span if field.label else field.number_span,
                    f"Unknown field '{field.label}'; the template's fields are: "
                    f"{', '.join(ctx.template.field_labels)}",
                )


# `1.**Task**` (no space after the number's '.') and `2 **Problem**` (no '.'): no list item on GitHub.
_BROKEN_MARKER = re.compile(r"^ {0,3}\d{1,9}(?:[.)](?=[^\s\d])|(?=[ \t]+\S)|[.)](\u00a0+))")  # or a no-break space


def broken_markers(card: Card, ctx: Context) -> list[tuple[int, int, int, str, str]]:
    """The card's lines that are fields of the template but for their number: each line, the columns
    where the number lacks its space or its '.' (the no-break spaces written instead, or none), what
    to write there, and the field's label (those the card lacks, one line each). Kept for the run:
    CL301 and CL308 both ask."""
    return ctx.of_card("broken-markers", card, _broken_markers)


def _broken_markers(card: Card, ctx: Context) -> list[tuple[int, int, int, str, str]]:
    present = {match.canonical for _, match in ctx.fields(card)}
    if present.issuperset(ctx.template.field_labels):
        return []
    code, html = ctx.document.code_lines, ctx.document.html_lines
    found = []
    for number in range(card.heading.body_line, card.end_line + 1):
        text = ctx.source.lines[number - 1]
        match = _BROKEN_MARKER.match(text) if text.lstrip(" ")[:1].isdigit() else None
        if match is None or number in code or number in html:
            continue
        label = ctx.template.match_label(parse_field_label(text[match.end() :])[0]).canonical
        if label is None or label in present:
            continue
        present.add(label)
        if match.group(1):  # `1.` and a no-break space: the space it stands for
            found.append((number, match.start(1) + 1, match.end(1) + 1, " ", label))
        else:
            found.append((number, match.end() + 1, match.end() + 1, " " if text[match.end() - 1] in ".)" else ".", label))
    return found


class FieldMarker(Rule):
    """## What it does
    Checks that a field's number is a list marker on GitHub: a `.` (or `)`) and a space after it.
    `1.**Task**`, `2 **Problem**` and a no-break space after `3.` show as text, and the card lacks
    the field (CL301 does not report it missing, this rule says why).

    ## Why is this bad?
    The field's label and its text run into the paragraph above or below it, and the list of fields
    restarts at the next one.

    ## Example
    ```markdown
    1.**Task**
    	Text-to-3D synthesis
    ```

    ## Use instead
    ```markdown
    1. **Task**
    	Text-to-3D synthesis
    ```

    ## Fix safety
    The fix inserts the missing space or `.`; it is safe. The fields below then become a list again,
    and so would an indented line below them that GitHub shows as code until then (after a blank
    line, or under a table, which takes the text lines below it in as rows), and an indented fence,
    or one right after a field's number (`3. ```bibtex`), text until then, would open a code block
    in the list; so would an HTML tag or comment right after the number (`6.<!--`) open an HTML
    block, and a link definition there (`3. [ref]: https://…`) show nowhere: there, the field is
    reported without a fix.
    So it is when a blank line stands among the fields: the list would join the one across it.
    """

    code = "CL308"
    name = "field-marker"
    summary = "A field's number is no list marker on GitHub"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        lines = ctx.source.lines
        for line, column, end, missing, label in broken_markers(card, ctx):
            what = "lacks a space after its number" if missing == " " else "lacks a '.' after its number"
            if end > column:
                what = "has a no-break space after its number, not a space"
            at = Span(line, column, line, end)
            title = "Replace it with a space" if end > column else "Insert the space" if missing == " " else "Insert the '.'"
            fix: Fix | None = self.make_fix(title, ctx.replace(at, missing))
            # An indented line below it that is code now would be the list's then.
            if _code_below(lines, card, line) or _blank_among_fields(lines, ctx.fields(card), line):
                fix = None
            if hidden_in_item(lines[line - 1][end - 1 :].lstrip(" \t")):
                fix = None  # `6.<!-- **Model's information**`: the item would open an HTML block
            yield self.report(ctx, at, f"Field '{label}' {what}: GitHub shows it as text, not as a field", fix)


def _blank_among_fields(lines: list[str], fields: list[tuple[Field, Match]], line: int) -> bool:
    """Whether a blank line stands among the card's fields and ``line``: the list a fix starts at
    ``line`` runs on through the fields, and would take a list beyond that blank line in (and make
    it loose) or join the one above it."""
    first = min([line, *(field.line for field, _ in fields)])
    last = max([line, *(field.end_line for field, _ in fields)])
    return any(is_blank(lines[number - 1]) for number in range(first, last + 1))


def _code_below(lines: list[str], card: Card, line: int) -> bool:
    """Whether a line of the card below ``line`` is indented code on GitHub: indented four columns
    after a blank line, or under a table's rows (GitHub takes each text line under a table into it as
    a row, up to a blank line or a line that starts another block, and an indented line is such a
    line). Or whether it would be code in the list a fix makes: an indented fence, or a fence right
    after a field's number, text in a paragraph, opens a code block in a list item (its info string
    hidden, the lines below it code). Or whether a delimiter row stands below ``line`` with no blank
    line between: the paragraph above it is a table's header, which the list would break up."""
    blank_above = table = False  # table: the lines since the last blank one hold a table's delimiter row
    run = True  # no blank line yet from ``line`` on
    for number in range(card.heading.body_line, card.end_line + 1):
        text = lines[number - 1]
        if is_blank(text):
            blank_above, table = True, False
            run = run and number < line
            continue
        if number > line and run and is_delimiter(text):
            return True  # `:--:` under the fields: the paragraph they are in is a table's header now
        if indented_code(text) and (blank_above or table):
            if number > line:
                return True
            table = False
        elif number > line and indented_code(text) and opens_fence(text.lstrip(" \t")):
            return True
        elif number >= line and (item := FIELD.match(text)) and item.group(4) and hidden_in_item(item.group(4)):
            return True  # `3. ```bibtex**Method**`: text now, in the list an item that opens a fence
        elif is_delimiter(text):
            table = True
        elif ends_table(text):
            table = False
        blank_above = False
    return False


@dataclass(frozen=True, slots=True)
class HtmlBlock:
    """An HTML block in a card that runs on over template fields: the line it opens on, the line a
    blank line before which would end it (its first line that is no tag), and the fields (line, label)."""

    line: int
    ends_before: int
    fields: list[tuple[int, str]]


def fields_in_html(card: Card, ctx: Context) -> list[HtmlBlock]:
    """The card's HTML blocks that take in fields it lacks, which GitHub then shows as raw text. Kept
    for the run: CL301 and CL309 both ask."""
    return ctx.of_card("fields-in-html", card, _fields_in_html)


def _fields_in_html(card: Card, ctx: Context) -> list[HtmlBlock]:
    present = {match.canonical for _, match in ctx.fields(card)}
    if present.issuperset(ctx.template.field_labels):
        return []
    lines, code, html = ctx.source.lines, ctx.document.code_lines, ctx.document.html_lines
    details = card.details.span if card.details is not None else None
    blocks: dict[int, HtmlBlock] = {}
    for number in range(card.heading.body_line, card.end_line + 1):
        match = FIELD.match(lines[number - 1]) if number in html else None
        if match is None or number in code or (details is not None and details.line <= number <= details.end_line):
            continue
        label = ctx.template.match_label(parse_field_label(match.group(4) or "")[0]).canonical
        if label is None or label in present:
            continue
        top = html_block_to_blank(lines, html, number, card.line)
        if top is None:
            continue
        present.add(label)
        if top not in blocks:
            first_text = next(n for n in range(top + 1, number + 1) if not lines[n - 1].lstrip().startswith("<"))
            blocks[top] = HtmlBlock(top, first_text, [])
        blocks[top].fields.append((number, label))
    return list(blocks.values())


class FieldInHtml(Rule):
    """## What it does
    Checks that no field stands in an HTML block. A line that begins with a block tag (`<p>`,
    `<div>`) or holds nothing but one tag (`<img …>`) opens a block that runs on to the next blank
    line, and GitHub shows the Markdown in it as raw text: `1. **Task** Text-to-3D synthesis 2.
    **Problem** …` in one run. The card lacks those fields (CL301 does not report them missing, this
    rule says why).

    ## Why is this bad?
    An image resized with `<img src="…" width="400">` in place of `![](…)`, right above the fields as
    the template writes its image, turns every field of the card into one paragraph of text.

    ## Example
    ```markdown
    <img src="img/dreamfusion.png" width="400">
    1. **Task**
    	Text-to-3D synthesis
    ```

    ## Use instead
    ```markdown
    <img src="img/dreamfusion.png" width="400">

    1. **Task**
    	Text-to-3D synthesis
    ```

    ## Fix safety
    The fix inserts a blank line before the block's first line that is not a tag, which ends the
    block there; it is safe. The fields below then become a list again, and so would an indented line
    below them that GitHub shows as code until then (see CL308), and so would the card's fields below
    the block; a code fence or a `<!--` comment opened in the block below the fields would open there
    and run on past the block's end, a link definition (`[ref]: …`) first under the blank line
    would show nowhere, and a card heading in the block above the fields would be a heading again
    (CL110 reports it), the fields its card's: there, they are reported without a fix.
    """

    code = "CL309"
    name = "field-in-html"
    summary = "A field stands in an HTML block: GitHub shows it as raw text"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        lines = ctx.source.lines
        for block in fields_in_html(card, ctx):
            line, _ = block.fields[0]
            names = ", ".join(f"'{label}'" for _, label in block.fields)
            what = f"Field {names} is" if len(block.fields) == 1 else f"Fields {names} are"
            message = f"{what} raw text on GitHub: the HTML block that line {block.line} opens runs on to the next blank line"
            blank = ctx.insert_before_line(block.ends_before, [""])
            fix: Fix | None = self.make_fix("Insert a blank line to end the HTML block", blank)
            if _code_below(lines, card, line) or lasting_block_in(lines, ctx.document.html_lines, block.ends_before):
                fix = None
            if starts_definition(lines[block.ends_before - 1]):
                fix = None  # `[^1]: note`, raw text now: under the blank line it would show nowhere
            if any(field.line > block.fields[-1][0] for field, _ in ctx.fields(card)):
                fix = None  # fields below a blank line under the block: their list would take these in
            if any(atx_heading(lines[n - 1], n) for n in range(block.line + 1, line)):
                fix = None  # a heading in the block above them would be one too (CL110 says so): a card more
            indent = len(lines[line - 1]) - len(lines[line - 1].lstrip(" "))
            yield self.report(ctx, Span(line, indent + 1, line, len(lines[line - 1].rstrip()) + 1), message, fix)


class FieldInParagraph(Rule):
    """## What it does
    Checks that a field numbered 2 or more does not stand right under a paragraph line (an image
    line, a sentence) outside the fields. A list that does not start at 1 cannot break into a
    paragraph on GitHub: the field, and the fields after it up to a blank line, show as that
    paragraph's text.

    ## Why is this bad?
    One blank line between `1. **Task**` and its text, written unindented (or indented less than
    the item's text: two spaces under `1. `), turns the card's other five fields into one paragraph.

    ## Example
    ```markdown
    1. **Task**

    Text-to-3D synthesis
    2. **Problem**
    	No large 3D datasets
    ```

    ## Use instead
    ```markdown
    1. **Task**
    	Text-to-3D synthesis
    2. **Problem**
    	No large 3D datasets
    ```

    ## Fix safety
    The fix inserts a blank line above the field, which starts the list there; it is safe. The text
    above stays where it is (CL306 reports a field left without it). An indented line below that
    GitHub shows as code would join the list (see CL308), and so would the fields below a blank line
    under them; a delimiter row (`:--:`) right under the fields makes their paragraph a table's
    header: there, no fix is made.
    """

    code = "CL310"
    name = "field-in-paragraph"
    summary = "A field under a paragraph line is that paragraph's text on GitHub"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if broken_markers(card, ctx) or fields_in_html(card, ctx):
            return  # CL308 or CL309 says why, and its fix mends these fields too
        lines, fields = ctx.source.lines, ctx.fields(card)
        index = 0
        while index < len(fields):
            field, _ = fields[index]
            if field.number == 1 or not _continues_paragraph(card, field.line, ctx):
                index += 1
                continue
            run = index + 1  # the fields after it are more of it, up to a blank line or a `1.` (a list)
            while run < len(fields) and not _ends_paragraph(lines, fields[run - 1][0], fields[run][0]):
                run += 1
            names = ", ".join(f"'{match.canonical or f.label}'" for f, match in fields[index:run])
            what = f"Field {names} is" if run == index + 1 else f"Fields {names} are"
            message = f"{what} text of the paragraph above on GitHub: a list numbered from {field.number} cannot break into it"
            fix: Fix | None = self.make_fix("Insert a blank line above the field", ctx.insert_before_line(field.line, [""]))
            if _code_below(lines, card, field.line) or run < len(fields):
                fix = None  # code below, or fields below that are a list already: the list would take them in
            yield self.report(ctx, field.number_span, message, fix)
            index = run


def _ends_paragraph(lines: list[str], previous: Field, field: Field) -> bool:
    """Whether ``field`` is no more of the paragraph ``previous`` is in: a blank line between, or its `1.`."""
    return field.number == 1 or any(is_blank(lines[number - 1]) for number in range(previous.line, field.line))
