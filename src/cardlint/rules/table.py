"""CL2xx: the card's metadata table."""

from __future__ import annotations

import re
from collections.abc import Iterable

from cardlint.diagnostic import Diagnostic, Edit, Fix, FixSafety
from cardlint.model import Card, Span, TableLine
from cardlint.parser import (
    ends_table,
    ends_table_only,
    freed_otherwise,
    html_block_to_blank,
    indented_code,
    is_blank,
    is_delimiter,
    split_cells,
    starts_definition,
)
from cardlint.planner import out_of_template_order
from cardlint.rules.base import Context, Rule
from cardlint.template import CASE, FUZZY, JOINED


class MissingTable(Rule):
    """## What it does
    Checks that a card starts with the template's metadata table.

    ## Why is this bad?
    The table carries the title, links and authors: without it the card cannot be checked or found.

    ## Example
    ```markdown
    ## DreamFusion
    1. **Task**
    ```

    ## Use instead
    ```markdown
    ## DreamFusion
    | | |
    |--|--|
    |Title|Dreamfusion: Text-to-3d using 2d diffusion|
    ```
    """

    code = "CL201"
    name = "missing-table"
    summary = "Card has no metadata table"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if card.table is None and not card.is_empty and ctx.template.row_keys:
            what = "metadata table" if ctx.template.shape == "table" else f"{ctx.template.noun}s of the template"
            yield self.report(ctx, card.heading.span, f"Card '{card.title}' has no {what}")


class MissingDelimiterRow(Rule):
    """## What it does
    Checks that the table opens with the template's empty header row and its delimiter row.

    ## Why is this bad?
    Without the delimiter row (`|--|--|`) GitHub does not render a table at all: the rows show as one
    run-on paragraph of pipes.

    ## Example
    ```markdown
    | | |
    |Title|Dreamfusion|
    ```

    ## Use instead
    ```markdown
    | | |
    |--|--|
    |Title|Dreamfusion|
    ```

    ## Fix safety
    The fix inserts the template's header and delimiter lines; it adds no words and is safe. It is
    offered only where GitHub's table would end where the card's does, at a blank line or the card's
    end: a table takes a text line right below it as one more row.
    """

    code = "CL202"
    name = "missing-delimiter-row"
    summary = "Table lacks its header or delimiter row"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        table = card.table
        if table is None or table.shape != "table" or (table.header is not None and table.delimiter is not None):
            return
        template = ctx.template
        # A fix never changes what GitHub renders beyond making the table a table: the template's
        # lines go in only where the table has as many cells per line as the template's, no row has
        # more cells than the header (GitHub would drop them), and no delimiter row further down
        # starts another table (the lines above it are then no header of it), and the table ends where
        # GitHub's would: at a blank line or the card's end (a table takes the text line below it as a
        # row, and a lone `*` there would become a list).
        first = table.header or table.delimiter or (table.rows[0].table_line if table.rows else None)
        width = len(table.header.cells) if table.header else template.columns
        rows_fit = all(len(row.table_line.cells) <= width for row in table.rows)
        whole = rows_fit and not _stray_delimiter(card, ctx) and _ends_cleanly(card, ctx)
        fits = first is not None and len(first.cells) == template.columns and whole
        if table.header is None and table.delimiter is None:
            line = table.span.line
            fix = self.make_fix(
                "Insert the template's header and delimiter rows",
                ctx.insert_before_line(line, [template.header_line, template.delimiter_line]),
            )
            yield self.report(
                ctx,
                Span.of_line(ctx.source, line),
                "Table has no header and delimiter rows; GitHub will not render it as a table",
                fix if fits else None,
            )
        elif table.delimiter is None:
            assert table.header is not None
            line = table.header.line
            cells = len(table.header.cells)
            delimiter = template.delimiter_line if fits else "|" + "|".join(["--"] * cells) + "|"
            # A header of the card's own width (| Field | Value | Notes |) gets a delimiter of that width.
            own_width = cells >= 2 and whole
            yield self.report(
                ctx,
                Span.of_line(ctx.source, line + 1) if line + 1 <= table.span.end_line else table.header.span,
                f"Table has no delimiter row ({delimiter}) after its header",
                self.make_fix("Insert the delimiter row", ctx.insert_after_line(line, [delimiter]))
                if fits or own_width
                else None,
            )
        else:
            assert table.delimiter is not None
            line = table.delimiter.line
            yield self.report(
                ctx,
                table.delimiter.span,
                f"Table has no header row ({template.header_line}) before its delimiter row",
                self.make_fix("Insert the template's header row", ctx.insert_before_line(line, [template.header_line]))
                if fits
                else None,
            )


def _stray_delimiter(card: Card, ctx: Context) -> bool:
    """Whether a delimiter row stands among the table's rows: GitHub's header is the line above it."""
    assert card.table is not None
    return any(is_delimiter(ctx.source.lines[row.line - 1]) for row in card.table.rows)


def _ends_cleanly(card: Card, ctx: Context) -> bool:
    """Whether the line after the card's table is blank, or the heading that ends the card, or
    past the end of the file."""
    assert card.table is not None
    after = card.table.span.end_line + 1
    return after > card.end_line or not ctx.source.lines[after - 1].strip()


class MissingRow(Rule):
    """## What it does
    Checks that the table has every row of the template.

    ## Why is this bad?
    When the template grows (the seed added `OpenReview` and `Authors` rows), older cards silently lack
    the new rows; readers then cannot rely on any row being there.

    ## Example
    ```markdown
    |Title|DiffEdit|
    |Paper Link|https://arxiv.org/abs/2210.11427|
    |Institute|Meta AI|
    ```

    ## Use instead
    ```markdown
    |Title|DiffEdit|
    |Paper Link|https://arxiv.org/abs/2210.11427|
    |OpenReview|https://openreview.net/forum?id=3lge0p5o-M-|
    |Institute|Meta AI|
    ```

    A bullet template (`- **Date:**`, `- **Status:**`, `- **Decision:**`):
    ```markdown
    ### DEC-004
    - **Date:** 2026-08-31
    - **Decision:** Publish the log.
    ```
    is reported as "Card has no 'Status' bullet", and a section template (`#### Summary`,
    `#### Strengths`) as "Card has no 'Strengths' section".

    ## Template shapes
    "Row" is whatever the template writes its keys with, and this rule covers each of them:
    table rows (`|Key|value|`), bullets (`- **Key**: value`, `* Key: value`), bold labels
    (`**Key**: value`, or `**Key**` with its text below) and sections (`#### Key`). Its messages name
    the shape: "Card has no 'Evidence' label".

    ## Fix safety
    The fix inserts the template's empty row (bullet, label, section heading) at its place. It is
    unsafe: the value still has to be filled in by a person, and an empty required row is then
    reported by CL209. When nearly every card lacks the same row, CL107 reports it once instead.
    A card that writes the row by a part of its key (`- Issue:` for `- Upstream Issue (URL):`, see
    CL204) gets no fix: an empty row beside it would say the same thing twice. Nor does a row that
    goes after a last bullet or label whose text runs on in lines it does not hold (a fence in its
    list item): inserted there, it would cut them off.
    """

    code = "CL203"
    name = "missing-row"
    summary = "Table lacks a row of the template"
    fix = FixSafety.UNSAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        table = card.table
        if table is None:
            return
        rows = ctx.rows(card)
        present = {match.canonical for _, match in rows if match.canonical}
        # A key the card writes short ("Issue" for "Upstream Issue (URL)"): an empty row beside it
        # would be a second one, so CL204's hint is the way to mend it, and there is no fix here.
        written_short = {short_name_of(row.key, present, ctx) for row, match in rows if match.kind is None}
        present |= {key for _, key in cut_off_rows(card, ctx)[1]}  # there, below a blank line: CL212 says so
        keys = ctx.template.row_keys
        stale = ctx.drift.missing
        for key in keys:
            if key in present or key in stale:  # nearly every card lacks it: CL107 says so once
                continue
            line, edit = insert_row(card, key, ctx)
            noun = ctx.template.noun
            fix = None if key in written_short or edit is None else self.make_fix(f"Insert an empty '{key}' {noun}", edit)
            yield self.report(ctx, Span(line, 1, line, 1), f"{ctx.template.holder} has no '{key}' {noun}", fix)


def short_name_of(key: str, present: set[str], ctx: Context) -> str | None:
    """The one template key that a card lacking it writes as ``key``, a part of it (``- Issue:``
    where the template has ``- Upstream Issue (URL):``); None when there is no such key, or several."""
    folded = key.casefold()
    meant = [k for k in ctx.template.row_keys if k not in present and folded and folded in k.casefold()]
    return meant[0] if len(meant) == 1 else None


def insert_row(card: Card, key: str, ctx: Context) -> tuple[int, Edit | None]:
    """Where the template's empty ``key`` row goes in ``card`` (before the next template row it has,
    else after its last), as the line to report and the edit that inserts it. No edit where the last
    bullet or label runs on in lines it does not hold (a fence in its list item): a row there would
    split them."""
    table = card.table
    assert table is not None
    rows = ctx.rows(card)
    keys = ctx.template.row_keys
    index = keys.index(key)
    following = next((row for row, match in rows if match.canonical and keys.index(match.canonical) > index), None)
    new_line = ctx.template.row_lines.get(key, f"|{key}| |")
    if ctx.template.shape == "heading":  # a section heading, at the depth the template has it below the card's
        new_line = "#" * (card.heading.level + ctx.template.depth) + " " + key
    label = ctx.template.shape in ("label", "heading")  # stands apart from its neighbours by a blank line
    if following is not None:
        return following.line, ctx.insert_before_line(following.line, [new_line, ""] if label else [new_line])
    last = table.rows[-1].end_line if table.rows else table.span.end_line
    lines = ctx.source.lines
    if ctx.template.shape != "table" and last < card.end_line and lines[last][:1] in (" ", "\t") and not is_blank(lines[last]):
        return last, None  # an indented line the row does not hold: a fence in its list item, say
    return last, ctx.insert_after_line(last, ["", new_line] if label else [new_line])


class UnknownRow(Rule):
    """## What it does
    Checks that every row key is one of the template's (or a near spelling of one, see CL207).

    ## Why is this bad?
    A row the template does not have is invisible to every other check and to readers scanning the
    list for a field.

    ## Example
    ```markdown
    |Venue|ICLR 2023|
    ```

    ## Use instead
    Add the row to the `## Template` card first, so every card follows, or drop it.

    A key followed by its value without the pipe between them (`|Institute NVIDIA|`) is reported as
    that: the pipe is missing after the key. A short key that is part of a key the card lacks
    (`- Issue:` where the template has `- Upstream Issue (URL):`) gets that key as a suggestion.

    ## Template shapes
    "Row" is whatever the template writes its keys with, and this rule covers each of them:
    table rows (`|Key|value|`), bullets (`- **Key**: value`, `* Key: value`), bold labels
    (`**Key**: value`, or `**Key**` with its text below) and sections (`#### Key`). Its messages name
    the shape: "Card has no 'Evidence' label".

    ## Fix safety
    For a missing pipe, the fix inserts it right after the key (`|Institute| NVIDIA|`); nothing else
    changes. It is safe. An unknown row has no fix.
    """

    code = "CL204"
    name = "unknown-row"
    summary = "Table row is not in the template"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for row, match in ctx.rows(card):
            if match.kind is None and row.key in ctx.drift.extra:
                continue  # nearly every card has it: CL107 says so once
            if match.kind is None:
                present = {m.canonical for _, m in ctx.rows(card) if m.canonical}
                meant = short_name_of(row.key, present, ctx)
                if meant is not None:
                    hint = f"did you mean '{meant}'?"
                else:
                    hint = f"the template's {ctx.template.noun}s are: {', '.join(ctx.template.row_keys)}"
                yield self.report(
                    ctx,
                    row.key_span if row.key else Span.of_line(ctx.source, row.line),
                    f"Unknown {ctx.template.noun} '{row.key}'; {hint}",
                )
            elif match.kind == JOINED and match.canonical is not None:
                end = row.key_span.column + len(match.canonical)
                at = Span(row.line, end, row.line, end)
                yield self.report(
                    ctx,
                    row.key_span,
                    f"A '|' is missing after '{row.key[: len(match.canonical)]}': "
                    f"'{row.key[len(match.canonical) :].strip()}' is its value",
                    self.make_fix("Insert the pipe after the key", ctx.replace(at, "|")),
                )


class DuplicateRow(Rule):
    """## What it does
    Checks that no template row appears twice in one table.

    ## Why is this bad?
    Two `Title` rows disagree sooner or later, and nobody knows which one is right.

    ## Example
    ```markdown
    |Title|DiffEdit|
    |Title|DiffEdit: Diffusion-based semantic image editing|
    ```

    ## Use instead
    Keep one row.
    """

    code = "CL205"
    name = "duplicate-row"
    summary = "Table row appears twice"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        # The first one is named by its place in the table (the message reads the same wherever
        # the card sits).
        first_row: dict[str, int] = {}
        for number, (row, match) in enumerate(ctx.rows(card), start=1):
            if match.canonical is None:
                continue
            if match.canonical in first_row:
                yield self.report(
                    ctx,
                    row.key_span,
                    f"Duplicate {ctx.template.noun} '{match.canonical}' "
                    f"(first as {ctx.template.noun} {first_row[match.canonical]} of the {ctx.template.holder.lower()})",
                )
            else:
                first_row[match.canonical] = number


class RowOrder(Rule):
    """## What it does
    Checks that the rows follow the template's order.

    ## Why is this bad?
    Readers scan cards by position; a list whose rows wander is slower to read and to review.

    ## Example
    ```markdown
    |Paper Link|https://arxiv.org/abs/2210.11427|
    |Title|DiffEdit|
    ```

    ## Use instead
    ```markdown
    |Title|DiffEdit|
    |Paper Link|https://arxiv.org/abs/2210.11427|
    ```

    With bullets:
    ```markdown
    - **Status:** Approved
    - **Date:** 2026-08-31
    ```
    "Bullet 'Date' should come before bullet 'Status'".

    ## Template shapes
    "Row" is whatever the template writes its keys with, and this rule covers each of them:
    table rows (`|Key|value|`), bullets (`- **Key**: value`, `* Key: value`), bold labels
    (`**Key**: value`, or `**Key**` with its text below) and sections (`#### Key`). Its messages name
    the shape: "Card has no 'Evidence' label".

    ## Fix safety
    The fix reorders whole row lines (unknown rows stay after the row they followed); it is safe. It
    is offered only where every row is one line and the rows are consecutive: bullets with text on
    several lines, labels and sections are reported without a fix, and so is a table with a
    delimiter row among its rows (GitHub's header is then the line above that one).
    """

    code = "CL206"
    name = "row-order"
    summary = "Table rows are out of template order"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        misplaced = out_of_template_order(ctx.rows(card), ctx.template.row_keys)
        fix = self._fix(card, ctx) if misplaced else None
        for row, key, relation, other in misplaced:
            noun = ctx.template.noun
            yield self.report(ctx, row.key_span, f"{noun.title()} '{key}' should come {relation} {noun} '{other}'", fix)

    def _fix(self, card: Card, ctx: Context) -> Fix | None:
        rows = ctx.rows(card)
        keys = ctx.template.row_keys
        if card.table is None or _stray_delimiter(card, ctx):
            return None
        order: list[tuple[float, int, int]] = []
        last_index = -1.0
        for position, (row, match) in enumerate(rows):
            if match.canonical is not None:
                last_index = float(keys.index(match.canonical))
                sort_key = last_index
            else:
                sort_key = last_index + 0.5
            order.append((sort_key, position, row.line))
        first, last = rows[0][0].line, rows[-1][0].line
        if last - first + 1 != len(rows):
            return None
        ordered = [line for _, _, line in sorted(order)]
        return self.make_fix("Put the rows in template order", ctx.move_lines(first, last, ordered))


class RowKeySpelling(Rule):
    """## What it does
    Checks that each row key is written exactly as the template writes it.

    ## Why is this bad?
    `OpenReivew` or `github` reads fine to a person but breaks every tool that looks a row up by its key,
    cardlint's own link checks included.

    ## Example
    ```markdown
    |OpenReivew| https://openreview.net/forum?id=j6zUzrapY3L |
    ```

    ## Use instead
    ```markdown
    |OpenReview| https://openreview.net/forum?id=j6zUzrapY3L |
    ```

    With bullets, `- Mentor(-s): Krasi` for the template's `- Mentor(s):`; with labels,
    `**Symtoms**` for `**Symptoms**`; with sections, `#### summary` for `#### Summary`. A near
    spelling of a key the card already has (`Superseded by` beside `Supersedes`) is another key,
    reported by CL204, not a misspelling.

    ## Template shapes
    "Row" is whatever the template writes its keys with, and this rule covers each of them:
    table rows (`|Key|value|`), bullets (`- **Key**: value`, `* Key: value`), bold labels
    (`**Key**: value`, or `**Key**` with its text below) and sections (`#### Key`). Its messages name
    the shape: "Card has no 'Evidence' label".

    ## Fix safety
    The fix replaces the key with the template's; the value is untouched. It is safe. Where the key
    or the template's holds raw HTML, an unpaired backtick or `~~~` (which would open a comment, a
    code span or a fence running into the lines below), or where the rename would drop more words
    than it writes in their place (`Github\\|x`, one cell on GitHub, would lose its `x`), it is
    reported without a fix.
    """

    code = "CL207"
    name = "row-key-spelling"
    summary = "Row key is misspelled or wrongly cased"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for row, match in ctx.rows(card):
            if match.kind not in (CASE, FUZZY) or match.canonical is None:
                continue
            what = "wrongly cased" if match.kind == CASE else "misspelled"
            yield self.report(
                ctx,
                row.key_span,
                f"{ctx.template.noun.title()} key '{row.key}' is {what}; the template has '{match.canonical}'",
                self.rename_fix(ctx, row.key_span, match.canonical, f"Replace with '{match.canonical}'"),
            )


class RowPipes(Rule):
    """## What it does
    Checks that every table line starts and ends with a pipe, as the template's do.

    ## Why is this bad?
    GitHub renders a row without its trailing pipe, but many Markdown parsers (mistune among them) end the
    table there and turn the rest into a paragraph, and the next contributor copies the broken row.

    ## Example
    ```markdown
    |Authors| Qitian Wu, Chenxiao Yang
    ```

    ## Use instead
    ```markdown
    |Authors| Qitian Wu, Chenxiao Yang|
    ```

    ## Fix safety
    The fix adds the missing pipe; it is safe.
    """

    code = "CL208"
    name = "row-pipes"
    summary = "Table line lacks its leading or trailing pipe"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        table = card.table
        if table is None or table.shape != "table":
            return
        lines: list[TableLine] = [line for line in (table.header, table.delimiter) if line is not None]
        lines += [row.table_line for row in table.rows]
        for table_line in sorted(lines, key=lambda t: t.line):
            text = ctx.source.lines[table_line.line - 1]
            if not table_line.leading_pipe:
                column = len(text) - len(text.lstrip(" \t")) + 1
                span = Span(table_line.line, column, table_line.line, column)
                yield self.report(
                    ctx, span, "Table row has no leading pipe", self.make_fix("Add a leading pipe", ctx.replace(span, "|"))
                )
            if not table_line.trailing_pipe:
                column = len(text.rstrip(" \t")) + 1  # as a row is read: a no-break space is text
                span = Span(table_line.line, column, table_line.line, column)
                yield self.report(
                    ctx,
                    span,
                    "Table row has no trailing pipe",
                    self.make_fix("Add a trailing pipe", ctx.replace(span, "|")),
                )


class TableCutByComment(Rule):
    """## What it does
    Checks that no HTML comment line stands between the rows of a table.

    ## Why is this bad?
    GitHub ends a table at a line that is not a row: the rows below a `<!-- … -->` line show as a
    paragraph of pipes, and the card loses them. cardlint still reads them as rows, so that each is
    not reported missing as well.

    ## Example
    ```markdown
    |Institute|Google Research|
    <!-- cardlint-disable-next-line CL208 -->
    |Github|Not found
    ```

    ## Use instead
    ```markdown
    |Institute|Google Research|
    |Github|Not found <!-- cardlint-disable-line CL208 -->
    ```
    (GitHub hides a comment inside a cell), or put the comment above the table.
    """

    code = "CL210"
    name = "table-cut-by-comment"
    summary = "An HTML comment line ends the table on GitHub"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if card.table is None:
            return
        for line in card.table.comment_lines:
            yield self.report(
                ctx,
                Span.of_line(ctx.source, line),
                "GitHub ends the table at this comment line; the rows below it are not part of the table",
            )


def cut_off_rows(card: Card, ctx: Context) -> tuple[int, list[tuple[int, str]]]:
    """Rows of the template's keys that stand below the card's table after blank lines, which end the
    table on GitHub: the first of those blank lines, and each row's line and key (the rows the table
    lacks, up to the first line that is not one)."""
    table = card.table
    if table is None or table.shape != "table" or (table.header is None and table.delimiter is None):
        return 0, []
    lines, code, html = ctx.source.lines, ctx.document.code_lines, ctx.document.html_lines
    blank = number = table.span.end_line + 1
    while number <= card.end_line and is_blank(lines[number - 1]):
        number += 1
    present = {match.canonical for _, match in ctx.rows(card)}
    found: list[tuple[int, str]] = []
    while blank < number <= card.end_line and number not in code and number not in html:
        cells = split_cells(lines[number - 1], number)
        key = ctx.template.match_key(cells.cells[0].text.strip()).canonical if cells and len(cells.cells) > 1 else None
        if key is None or key in present:
            break
        found.append((number, key))
        present.add(key)
        number += 1
    return blank, found


class RowCutOff(Rule):
    """## What it does
    Checks that no row of the template stands below the table after a blank line. GitHub ends a
    table at a blank line: the rows below it show as a paragraph of pipes, and the card loses them.

    ## Why is this bad?
    The card looks complete in the source, but its rendered table lacks the rows, and readers do
    not find them where every other card has them.

    ## Example
    ```markdown
    |Institute|Google Research|

    |Authors|Ben Poole, Ajay Jain|
    ```

    ## Use instead
    ```markdown
    |Institute|Google Research|
    |Authors|Ben Poole, Ajay Jain|
    ```

    ## Fix safety
    The fix removes the blank lines between the table and the rows, and the rows join the table; it is
    safe. It is offered only when a blank line or the card's end follows the rows (a table takes a
    text line right below it as one more row), when no row has more cells than the table has
    columns (GitHub drops the cells beyond them, and their text), and when no row is indented by
    four columns (under a table's rows, that is code).
    """

    code = "CL212"
    name = "row-cut-off"
    summary = "A row stands below its table after a blank line"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        blank, rows = cut_off_rows(card, ctx)
        if not rows:
            return
        first, last = rows[0][0], rows[-1][0]
        keys = ", ".join(f"'{key}'" for _, key in rows)
        fix = None
        # An indented row, more of the rows' paragraph now, would be code under the table's rows.
        indented = any(indented_code(ctx.source.lines[number - 1]) for number, _ in rows)
        if (last == card.end_line or is_blank(ctx.source.lines[last])) and not _wider(card, rows, ctx) and not indented:
            start, end = ctx.source.line_start(blank), ctx.source.line_start(first)
            fix = self.make_fix("Remove the blank lines between the table and its rows", Edit(start, end, ""))
        which = f"Row {keys} is" if len(rows) == 1 else f"Rows {keys} are"
        shown = "it" if len(rows) == 1 else "them"
        message = f"{which} cut off from the table by the blank line above: GitHub shows {shown} as text"
        yield self.report(ctx, Span.of_line(ctx.source, first), message, fix)


def _wider(card: Card, rows: list[tuple[int, str]], ctx: Context) -> bool:
    """Whether one of the rows has more cells than the card's table has columns: in the table,
    GitHub drops the cells beyond them, and their text with them."""
    assert card.table is not None
    head = card.table.header or card.table.delimiter
    assert head is not None  # cut_off_rows finds rows only under a table with one of them
    for number, _ in rows:
        cells = split_cells(ctx.source.lines[number - 1], number)
        if cells is not None and len(cells.cells) > len(head.cells):
            return True
    return False


_EQUALS_UNDERLINE = re.compile(r" {0,3}=+[ \t]*$")  # under a paragraph line, it makes that a heading


def _run_on_lines(card: Card, ctx: Context) -> list[int]:
    """The lines right under the card's table, without a blank line between, that GitHub takes into
    it as rows (up to a blank line or a line that starts another block)."""
    table = card.table
    if table is None or table.delimiter is None:
        return []
    lines, code, html = ctx.source.lines, ctx.document.code_lines, ctx.document.html_lines
    found = []
    for number in range(table.span.end_line + 1, card.end_line + 1):
        text = lines[number - 1]
        if is_blank(text) or number in code or number in html or ends_table(text):
            break
        found.append(number)
    return found


class TableRunOn(Rule):
    """## What it does
    Checks that the line under a table, an image or a field most often, has a blank line between.
    GitHub takes every line right under a table into it as one more row, up to a blank line or a
    line that starts another block (a list item, a heading, HTML).

    ## Why is this bad?
    The image shows squeezed into the first cell of a row at the foot of the table, and the text
    lines with it.

    ## Example
    ```markdown
    |Github|Not found|
    ![DreamFusion samples](img/dreamfusion.png)
    ```

    ## Use instead
    ```markdown
    |Github|Not found|

    ![DreamFusion samples](img/dreamfusion.png)
    ```

    ## Fix safety
    The fix inserts the blank line; it is safe. It is not offered when the line that ends the rows
    starts a block under a table but would not under a paragraph, the one the rows become: an
    indented line (code), an empty list item, a numbered one not from 1, a lone HTML tag or `|`, or
    `---` (which would underline the paragraph as a heading). That line would run on as its text. Nor is
    it offered when the first line is a link reference or footnote definition (`[ref]: https://…`,
    `[^1]: note`): it would show nowhere, and turn `[ref]` elsewhere in the file into a link; nor
    when a later one is `===`, which would make the lines above it a heading.
    """

    code = "CL213"
    name = "table-run-on"
    summary = "A line right under the table is a row of it on GitHub"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        found = _run_on_lines(card, ctx)
        if not found:
            return
        what = "this line" if len(found) == 1 else f"this line and the {len(found) - 1} below it"
        message = f"GitHub shows {what} as a row of the table above: put a blank line between them"
        fix: Fix | None = self.make_fix("Insert a blank line under the table", ctx.insert_before_line(found[0], [""]))
        below = ctx.source.lines[found[-1]] if found[-1] < card.end_line else ""
        if ends_table_only(below):
            fix = None  # a block under the rows now (code, `2.`), it would be the text of the paragraph they become
        if starts_definition(ctx.source.lines[found[0] - 1]):
            fix = None  # `[ref]: https://…`: shown as a row now, it would define a link and show nowhere
        if any(_EQUALS_UNDERLINE.match(ctx.source.lines[number - 1]) for number in found[1:]):
            fix = None  # `===` among them: the paragraph above it would be a heading
        yield self.report(ctx, Span.of_line(ctx.source, found[0]), message, fix)


class TableInHtml(Rule):
    """## What it does
    Checks that the table does not stand in an HTML block. A line that holds nothing but one tag
    (`<img …>`) or begins with a block tag (`<div>`, `<p>`) opens a block that runs on to the next
    blank line, and GitHub shows the Markdown in it as raw text: the table's rows, pipes and all,
    in one run.

    ## Why is this bad?
    An image written as `<img src="…" width="400">` right under the card's heading, where another
    list puts it, leaves the card with no table on GitHub, and nothing in the source looks wrong.

    ## Example
    ```markdown
    ## DreamFusion
    <img src="img/dreamfusion.png" width="400">
    | | |
    |--|--|
    |Title|DreamFusion: Text-to-3D using 2D Diffusion|
    ```

    ## Use instead
    ```markdown
    ## DreamFusion
    <img src="img/dreamfusion.png" width="400">

    | | |
    |--|--|
    |Title|DreamFusion: Text-to-3D using 2D Diffusion|
    ```

    ## Fix safety
    The fix inserts a blank line above the table, which ends the block there; it is safe. It is not
    offered where the rest of the block would then show as more than its Markdown: a code fence, a
    `<!--` or a `<pre>` in it would open and run on past the block's end, an indented line would be
    code, or a list in it would join the one right after the block.
    """

    code = "CL214"
    name = "table-in-html"
    summary = "The table stands in an HTML block: GitHub shows it as raw text"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if card.table is None or card.table.shape != "table":
            return
        lines, html, line = ctx.source.lines, ctx.document.html_lines, card.table.span.line
        top = html_block_to_blank(lines, html, line, card.line)
        if top is None:
            return
        message = f"The table is raw text on GitHub: the HTML block that line {top} opens runs on to the next blank line"
        fix: Fix | None = self.make_fix("Insert a blank line to end the HTML block", ctx.insert_before_line(line, [""]))
        if freed_otherwise(lines, html, line):
            fix = None  # a `<!--` in the rest of the block would open, an indented line be code
        yield self.report(ctx, Span.of_line(ctx.source, line), message, fix)


class EmptyValue(Rule):
    """## What it does
    Checks that the rows a card cannot do without have a value.

    ## Why is this bad?
    A card without a title or a paper link is a card nobody can follow up.

    ## Example
    ```markdown
    |Paper Link| |
    ```

    ## Use instead
    ```markdown
    |Paper Link| https://arxiv.org/abs/2210.11427 |
    ```

    ## Options
    `required-rows`: the rows that may not be empty (default: Title, Paper Link).
    """

    code = "CL209"
    name = "empty-value"
    summary = "Required row has no value"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        required = set(ctx.config.required_rows)
        for row, match in ctx.rows(card):
            if match.canonical in required and not row.value and match.kind != JOINED:
                yield self.report(ctx, row.value_span, f"{ctx.template.noun.title()} '{match.canonical}' has no value")


def _starts_with_word(value: str, choice: str) -> bool:
    """Whether ``value`` is ``choice`` (any case), or starts with it followed by a non-word character."""
    head = value[: len(choice)]
    return head.casefold() == choice.casefold() and not value[len(choice) : len(choice) + 1].isalnum()


class ValueNotAllowed(Rule):
    """## What it does
    Checks a value against the alternatives the template lists for it.

    A template value that lists two or more short capitalised choices (at most three words each)
    separated by one spaced separator, ` / ` or ` | `, is the list of allowed values; any other template
    value (`YYYY-MM-DD`, `What was observed?`, `REQ-`) is a placeholder and is not compared.

    ## Why is this bad?
    A status outside the list (`Done` where the template allows `Proposed / Approved / Rejected`)
    cannot be counted or filtered, and it usually means the entry skipped a step.

    ## Example
    ```markdown
    - **Status:** Proposed / Approved / Rejected
    ...
    - **Status:** Done
    ```

    ## Use instead
    ```markdown
    - **Status:** Approved
    ```

    Emphasis around the value is ignored, and so is a note after it (`**Approved** (by the board)`
    is `Approved`); a value written in another case (`APPROVED`) is reported as such.
    """

    code = "CL211"
    name = "value-not-allowed"
    summary = "Value is not one of the template's alternatives"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        allowed = ctx.template.allowed
        if not allowed:
            return
        for row, match in ctx.rows(card):
            choices = allowed.get(match.canonical or "")
            if not choices or not row.value:
                continue
            value = row.value.split("\n")[0].strip().strip("*_").strip()
            chosen = next((choice for choice in choices if _starts_with_word(value, choice)), None)
            if chosen is not None and value.startswith(chosen):
                continue  # "Active", or "Active — a note on it"
            span = row.value_span if row.value_span.end_column > row.value_span.column else row.key_span
            if chosen is not None:
                written = value[: len(chosen)]
                message = f"{match.canonical} '{written}' is cased differently from the template's '{chosen}'"
            else:
                message = f"{match.canonical} '{value}' is not one of the template's: {', '.join(choices)}"
            yield self.report(ctx, span, message)
