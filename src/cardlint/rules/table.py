"""CL2xx: the card's metadata table."""

from __future__ import annotations

from collections.abc import Iterable

from cardlint.diagnostic import Diagnostic, Fix, FixSafety
from cardlint.model import Card, Span, TableLine
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
        if card.table is None and not card.is_empty:
            yield self.report(ctx, card.heading.span, f"Card '{card.title}' has no metadata table")


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
    The fix inserts the template's header and delimiter lines; it adds no words and is safe.
    """

    code = "CL202"
    name = "missing-delimiter-row"
    summary = "Table lacks its header or delimiter row"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        table = card.table
        if table is None or (table.header is not None and table.delimiter is not None):
            return
        if table.header is None and table.delimiter is None:
            line = table.span.line
            yield self.report(
                ctx,
                Span.of_line(ctx.source, line),
                "Table has no header and delimiter rows; GitHub will not render it as a table",
                self.make_fix(
                    "Insert the template's header and delimiter rows",
                    ctx.insert_before_line(line, [ctx.template.header_line, ctx.template.delimiter_line]),
                ),
            )
        elif table.delimiter is None:
            assert table.header is not None
            line = table.header.line
            yield self.report(
                ctx,
                Span.of_line(ctx.source, line + 1) if line + 1 <= table.span.end_line else table.header.span,
                f"Table has no delimiter row ({ctx.template.delimiter_line}) after its header",
                self.make_fix(
                    "Insert the template's delimiter row",
                    ctx.insert_after_line(line, [ctx.template.delimiter_line]),
                ),
            )
        else:
            assert table.delimiter is not None
            line = table.delimiter.line
            yield self.report(
                ctx,
                table.delimiter.span,
                f"Table has no header row ({ctx.template.header_line}) before its delimiter row",
                self.make_fix(
                    "Insert the template's header row",
                    ctx.insert_before_line(line, [ctx.template.header_line]),
                ),
            )


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

    ## Fix safety
    The fix inserts the template's empty row at its place. It is unsafe: the value still has to be
    filled in by a person, and an empty required row is then reported by CL209.
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
        keys = ctx.template.row_keys
        for index, key in enumerate(keys):
            if key in present:
                continue
            following = next(
                (row for row, match in rows if match.canonical and keys.index(match.canonical) > index), None
            )
            new_line = ctx.template.row_lines.get(key, f"|{key}| |")
            if following is not None:
                span = Span.of_line(ctx.source, following.line)
                edit = ctx.insert_before_line(following.line, [new_line])
            else:
                last = table.span.end_line
                span = Span.of_line(ctx.source, last)
                edit = ctx.insert_after_line(last, [new_line])
            yield self.report(
                ctx,
                Span(span.line, 1, span.line, 1),
                f"Table has no '{key}' row",
                self.make_fix(f"Insert an empty '{key}' row", edit),
            )


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
    that: the pipe is missing after the key.

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
            if match.kind is None:
                yield self.report(
                    ctx,
                    row.key_span if row.key else Span.of_line(ctx.source, row.line),
                    f"Unknown row '{row.key}'; the template's rows are: {', '.join(ctx.template.row_keys)}",
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
                    f"Duplicate row '{match.canonical}' (first as row {first_row[match.canonical]} of the table)",
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

    ## Fix safety
    The fix reorders whole row lines (unknown rows stay after the row they followed); it is safe.
    """

    code = "CL206"
    name = "row-order"
    summary = "Table rows are out of template order"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        misplaced = out_of_template_order(ctx.rows(card), ctx.template.row_keys)
        fix = self._fix(card, ctx) if misplaced else None
        for row, key, relation, other in misplaced:
            yield self.report(ctx, row.key_span, f"Row '{key}' should come {relation} row '{other}'", fix)

    def _fix(self, card: Card, ctx: Context) -> Fix | None:
        rows = ctx.rows(card)
        keys = ctx.template.row_keys
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

    ## Fix safety
    The fix replaces the key with the template's; the value is untouched. It is safe.
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
                f"Row key '{row.key}' is {what}; the template has '{match.canonical}'",
                self.make_fix(
                    f"Replace with '{match.canonical}'", ctx.replace(row.key_span, match.canonical), rewrites=True
                ),
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
        if table is None:
            return
        lines: list[TableLine] = [line for line in (table.header, table.delimiter) if line is not None]
        lines += [row.table_line for row in table.rows]
        for table_line in sorted(lines, key=lambda t: t.line):
            text = ctx.source.lines[table_line.line - 1]
            if not table_line.leading_pipe:
                column = len(text) - len(text.lstrip()) + 1
                span = Span(table_line.line, column, table_line.line, column)
                yield self.report(
                    ctx, span, "Table row has no leading pipe", self.make_fix("Add a leading pipe", ctx.replace(span, "|"))
                )
            if not table_line.trailing_pipe:
                column = len(text.rstrip()) + 1
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
                yield self.report(ctx, row.value_span, f"Row '{match.canonical}' has no value")
