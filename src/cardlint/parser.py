"""Turn a source into the document model, line by line, the way GitHub shows the README.

mistune has no source positions and drops table rows that GitHub renders (rows without a trailing pipe),
so the block structure is scanned here with CommonMark's rules for what hides a heading (fenced code and
HTML blocks). mistune's inline parser is used where inline syntax matters: field labels and images.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

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
from cardlint.source import Source

if TYPE_CHECKING:
    from mistune import Markdown

# mistune's inline tokens: {"type": ..., "raw": ..., "children": [...], "attrs": {...}}.
Token = dict[str, Any]

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_HTML_1 = re.compile(r"^ {0,3}<(script|pre|style|textarea)(?:\s|>|$)", re.IGNORECASE)
_HTML_1_END = re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE)
_HTML_6_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|"
    "dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|head|header|hr|"
    "html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|"
    "summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul"
)
_HTML_6 = re.compile(rf"^ {{0,3}}</?(?:{_HTML_6_TAGS})(?:\s|/?>|$)", re.IGNORECASE)
_HTML_7 = re.compile(
    r"^ {0,3}(?:<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*"
    r"\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$"
)
_HTML_OTHER = (
    (re.compile(r"^ {0,3}<!--"), "-->"),
    (re.compile(r"^ {0,3}<\?"), "?>"),
    (re.compile(r"^ {0,3}<![A-Za-z]"), ">"),
    (re.compile(r"^ {0,3}<!\[CDATA\["), "]]>"),
)
FIELD = re.compile(r"^( {0,3})(\d{1,9})([.)])(?:[ \t]+(.*?))?[ \t]*$")  # a numbered field's line
_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_DETAILS_OPEN = re.compile(r"<details\b[^>]*>", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
_SUMMARY_OPEN = re.compile(r"<summary\b[^>]*>", re.IGNORECASE)
_SUMMARY_CLOSE = re.compile(r"</summary\s*>", re.IGNORECASE)
_P_OPEN = re.compile(r"<p\b[^>]*>", re.IGNORECASE)
_P_CLOSE = re.compile(r"</p\s*>", re.IGNORECASE)
_COMMENT_LINE = re.compile(r"^ {0,3}<!--.*-->\s*$")
_CODE_TAGS = re.compile(r"</?(?:pre|code)\b[^>]*>", re.IGNORECASE)
_IMG_START = re.compile(r"<img\b", re.IGNORECASE)
_HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*([\"'])([^\"'>]*)\1[^>]*>", re.IGNORECASE)
_HTML_ALT = re.compile(r"\balt\s*=\s*([\"'])(.*?)\1", re.IGNORECASE)

# Lines longer than this are read without mistune's inline parser (see find_images).
LONG_LINE = 10_000
# First characters that can open a heading, a fence or an HTML block; other lines skip the regexes.
_BLOCK_STARTS = frozenset("#`~<")
# First characters of a list item, a quote or a thematic break: what else can end a paragraph.
_ITEM_STARTS = frozenset("-+*_>0123456789")


@lru_cache(maxsize=1)
def _inline_markdown() -> Markdown:
    import mistune

    return mistune.create_markdown(renderer=None)


def inline_tokens(text: str) -> list[Token]:
    """mistune's inline tokens for one line of text (no block parse: cheap and enough).

    mistune is imported on first use: plain ``**Task**`` labels and ``![alt](path)`` lines, the
    common case, are read by the fast paths below without it.
    """
    from mistune.core import InlineState

    state = InlineState({})
    state.src = text
    tokens: list[Token] = _inline_markdown().inline.parse(state)
    return tokens


def _plain(tokens: Iterable[Token]) -> str:
    out = []
    for token in tokens:
        if "children" in token:
            out.append(_plain(token["children"]))
        else:
            out.append(token.get("raw", ""))
    return "".join(out)


def is_blank(text: str) -> bool:
    """CommonMark's blank line: spaces and tabs only (a no-break space is text, and keeps a block open)."""
    return not text.strip(" \t")


class BlockScan:
    """Line classes for the whole document: headings, and lines hidden in code or HTML blocks.

    One pass over every line with CommonMark's rules for what opens and closes a fenced code block
    or an HTML block (the seven kinds), so that a heading or a row inside one is not read as such.
    """

    def __init__(self, lines: list[str], ended: int | None = None) -> None:
        """``ended``: the line of a block that is never closed (see ``unclosed``), read as ending there."""
        self.ended = ended
        self.headings: dict[int, Heading] = {}
        self.code: set[int] = set()
        self.html: set[int] = set()
        fence: tuple[str, int] | None = None  # the open fence's character and length
        fenced_in: int | None = None  # the content column of the list item the open fence is in
        block_line = 0  # the line the last fence or HTML block opened on
        # How the open HTML block ends: a marker, a tag pattern, or "" (at a blank line); None: none open.
        html_end: str | re.Pattern[str] | None = None
        in_paragraph = False
        # The open paragraph's first line when a setext underline would make it a heading (it is
        # not in a list item, a quote or a table), and the content column of the open list's items.
        plain: int | None = None
        items: int | None = None
        # The open block of text is a table's rows (no paragraph: any block may start under them),
        # or a quote's paragraph (a line without the `>` is a lazy line: a lone tag there opens a block).
        table = quoted = False
        tried = False  # a delimiter row under the open paragraph made no table: cmark-gfm tries no other
        for number, text in enumerate(lines, start=1):
            if fence is not None and fenced_in is not None and text.strip() and indent_width(text) < fenced_in:
                fence = None  # a line left of the list item's text ends the item, and the code in it
            if fence is not None:
                self.code.add(number)
                stripped = text.lstrip(" ")
                closing = len(text) - len(stripped) <= 3 and stripped.startswith(fence[0] * fence[1])
                if closing and not stripped.lstrip(fence[0]).strip():
                    fence = None
                continue
            blank = is_blank(text)
            if html_end is not None:
                if html_end == "" and blank:
                    html_end = None
                    in_paragraph = False
                    continue
                self.html.add(number)
                if isinstance(html_end, re.Pattern):
                    if html_end.search(text):
                        html_end = None
                elif html_end and html_end in text:
                    html_end = None
                continue
            if blank:
                in_paragraph, plain = False, None
                continue
            first = text[0]
            if first == " ":
                unindented = text.lstrip(" ")
                first = unindented[0] if len(text) - len(unindented) <= 3 else ""
            if first not in _BLOCK_STARTS:
                if plain is not None and first in "=-" and _SETEXT.match(text):
                    self.headings[plain] = _setext_heading(lines, plain, number)
                    in_paragraph, plain = False, None
                elif in_paragraph:
                    marked = first in _ITEM_STARTS
                    if table and text.strip(" \t") == "|":  # a lone pipe is no row: it opens a paragraph
                        plain, items = _paragraph_start(text, number, items)
                        table = tried = False
                    elif marked and _THEMATIC_BREAK.match(text):
                        in_paragraph, plain = False, None
                    elif marked and (plain or table or items is None) and _item_interrupts(text, table):
                        plain, table, quoted = None, False, first == ">"
                        items = list_column(text, items)
                        in_paragraph = not _OPENS_NOTHING.match(text)
                    elif plain and not tried and "|" in text and _DELIMITER.match(text):
                        if _header_fits(text, lines[number - 2]):
                            plain, table = None, True
                        tried = True
                    elif table and text.startswith(("\t", "    ")):
                        in_paragraph = False  # indented code under a table's rows ends it
                elif not text.startswith(("\t", "    ")):  # indented code cannot open a paragraph
                    in_paragraph = not _THEMATIC_BREAK.match(text)
                    plain, items = _paragraph_start(text, number, items) if in_paragraph else (None, items)
                    table, quoted, tried = False, first == ">", False
                    if in_paragraph and first in _ITEM_STARTS and _OPENS_NOTHING.match(text):
                        in_paragraph = False  # an empty quote or list item: the line below opens a paragraph
                continue
            match = _FENCE_OPEN.match(text)
            if match and not (match.group(2)[0] == "`" and "`" in match.group(3)):
                fence = (match.group(2)[0], len(match.group(2))) if number != ended else None
                fenced_in = items if items is not None and len(text) - len(text.lstrip(" ")) >= items else None
                self.code.add(number)
                block_line = number
                in_paragraph, plain, items = False, None, _outside(text, items)
                continue
            heading = atx_heading(text, number)
            if heading is not None:
                self.headings[number] = heading
                in_paragraph, plain, items = False, None, _outside(text, items)
                continue
            # A lone tag (`<img …>`) cannot interrupt a paragraph that the line continues; under a
            # table, or as a lazy line under a quote or a list item's text (indented less), it opens a block.
            lazy = quoted or (items is not None and len(text) - len(text.lstrip(" ")) < items)
            continues = in_paragraph and not table and not lazy
            opened = _html_start(text, continues)
            if opened is not None:
                self.html.add(number)
                html_end = _still_open(text, opened)
                if html_end and number == ended:
                    html_end = None
                block_line = number
                in_paragraph, plain, items = False, None, _outside(text, items)
                continue
            if not in_paragraph:  # a line starting with a block marker is never indented code
                plain, items = _paragraph_start(text, number, items)
                table = quoted = tried = False
            in_paragraph = True
        # A code fence or an HTML block (a comment, say) still open at the end: GitHub hides the rest
        # of the file in it (a blank line ends the other kinds). The line it opens on, or None.
        self.unclosed = block_line if fence is not None or html_end else None


def atx_heading(text: str, line: int) -> Heading | None:
    """The ATX heading that ``text`` (line ``line``) is, if it is one (outside a code or HTML block)."""
    match = _HEADING.match(text)
    if not match:
        return None
    column = text.index(match.group(2)) + 1 if match.group(2) else len(text) + 1
    return Heading(len(match.group(1)), match.group(2).strip(), line, Span(line, 1, line, len(text) + 1), column)


def _setext_heading(lines: list[str], first: int, underline: int) -> Heading:
    """The paragraph of lines ``first`` to ``underline - 1`` made a heading by the underline below it."""
    text = lines[first - 1]
    words = " ".join(lines[n - 1].strip() for n in range(first, underline))
    level = 1 if lines[underline - 1].lstrip(" ").startswith("=") else 2
    column = len(text) - len(text.lstrip(" ")) + 1
    return Heading(level, words, first, Span(first, 1, first, len(text) + 1), column, underline)


def _paragraph_start(text: str, number: int, items: int | None) -> tuple[int | None, int | None]:
    """For a line that opens a block of text: the paragraph's first line if an underline could make
    it a heading (None in a list item, a quote or link definitions), and the list's items' column."""
    first = text.lstrip(" ")[:1]
    if first in _ITEM_STARTS and _LIST_OR_QUOTE.match(text):
        return None, list_column(text, items)
    if items is not None and len(text) - len(text.lstrip(" ")) >= items:
        return None, items  # more of a list item's text
    return (None if first == "[" and starts_definition(text) else number), None


def _outside(text: str, items: int | None) -> int | None:
    """The list's items' column after a block that ``text`` opens: None once it stands left of it."""
    return None if items is not None and len(text) - len(text.lstrip(" ")) < items else items


def _item_interrupts(text: str, table: bool) -> bool:
    """Whether a line ends the paragraph or the table above it to open a quote or a list item (under
    a paragraph, an empty item or a numbered one not from 1 does not: it is more of the paragraph)."""
    if not _LIST_OR_QUOTE.match(text):
        return False
    if table:
        return True
    item = _ORDERED_ITEM.match(text)
    return not _NO_BREAK_IN.match(text) and (item is None or int(item.group(1)) == 1)


def list_column(text: str, items: int | None) -> int | None:
    """The column of a list's items' text, with ``text`` read as one more line of the list."""
    item = _ITEM_MARKER.match(text)
    if item is None:  # a quote
        return items
    column = len(item.group(0)) if len(item.group(2)) <= 4 else len(item.group(1)) + 1
    return column if items is None or column < items else items


def _header_fits(text: str, above: str) -> bool:
    """Whether the delimiter row ``text`` makes a table of the header row ``above`` (GFM: the two
    have as many cells)."""
    cells, header = split_cells(text), split_cells(above)
    return cells is not None and header is not None and len(cells.cells) == len(header.cells)


def opens_html_to_blank(text: str) -> bool:
    """Whether ``text`` opens an HTML block that runs on to the next blank line (CommonMark's kinds 6
    and 7: ``<div>``, ``<p>``, ``<img …>``): what follows it without a blank line is raw HTML too."""
    return _html_start(text, False) == ("", None)


def hidden_in_item(text: str) -> bool:
    """Whether ``text``, as a list item's first line, would not show as Markdown text: it opens a
    code fence or an HTML block, or is a link reference definition (``3. [ref]: https://…``), and
    what follows on the line (a field's label) shows as code, raw HTML or not at all."""
    return opens_fence(text) or _html_start(text, False) is not None or starts_definition(text)


def html_block_to_blank(lines: list[str], html: set[int], number: int, floor: int = 0) -> int | None:
    """The line that opens the HTML block holding line ``number`` (not above line ``floor``), when it
    is one a blank line ends (kinds 6 and 7) and ``number`` is below it; else None. (Only a block
    with no other block above it in the run of HTML lines is found: a comment, say.)"""
    top = number
    while top - 1 > floor and top - 1 in html:
        top -= 1
    if top == number or not opens_html_to_blank(lines[top - 1]) or any(is_blank(lines[n - 1]) for n in range(top, number)):
        return None
    return top


def lasting_block_in(lines: list[str], html: set[int], start: int) -> bool:
    """Whether a line of the HTML block from ``start`` on opens a code fence, or a comment or
    ``<pre>`` left open: raw text in the block now, it would open one once the block ends above it,
    and run on past the blank line that ends the block now (a fence's info string hidden)."""
    number = start
    while number in html:
        if opens_lasting_block(lines[number - 1]):
            return True
        number += 1
    return False


def freed_otherwise(lines: list[str], html: set[int], number: int) -> bool:
    """Whether the rest of the HTML block below line ``number`` would show as more than its Markdown
    once the block ends above ``number``: a fence, a `<!--` or a `<pre>` in it would open and run on
    past the block's end, an indented line would be code (under the heading, or under a table's
    rows), or a list item in it and one right after the block would be one loose list."""
    end = number
    while end + 1 in html:
        end += 1
    below = range(number + 1, end + 1)
    if any(indented_code(lines[n - 1]) or opens_lasting_block(lines[n - 1]) for n in below):
        return True
    after = next((n for n in range(end + 1, len(lines) + 1) if not is_blank(lines[n - 1])), None)
    return after is not None and opens_list_item(lines[after - 1]) and any(opens_list_item(lines[n - 1]) for n in below)


def opens_lasting_block(text: str) -> bool:
    """Whether ``text`` opens a block that a blank line does not end: a code fence, or an HTML block
    of CommonMark's kinds 1 to 5 (a ``<!--`` comment, ``<pre>``, ``<script>``) not closed on its line."""
    opened = _html_start(text, False)
    return opens_fence(text) or (opened is not None and bool(_still_open(text, opened)))


def _still_open(text: str, opened: tuple[str, re.Pattern[str] | None]) -> str | re.Pattern[str] | None:
    """How the HTML block that ``text`` opens ends: its end marker or pattern when not on this line
    already, "" when at the next blank line (kinds 6 and 7), or None (closed on this line)."""
    end_marker, end_re = opened
    after = text[text.index("<") + 1 :]
    if end_re is not None:
        return None if end_re.search(after) else end_re
    if end_marker:
        return None if end_marker in after[1:] else end_marker
    return ""


def _html_start(text: str, in_paragraph: bool) -> tuple[str, re.Pattern[str] | None] | None:
    """How the HTML block that ``text`` opens ends (a marker, or a regex), or None."""
    if _HTML_1.match(text):
        return "", _HTML_1_END
    for pattern, end in _HTML_OTHER:
        if pattern.match(text):
            return end, None
    if _HTML_6.match(text):
        return "", None
    if not in_paragraph and _HTML_7.match(text):
        return "", None
    return None


CELL_PIPE = re.compile(r"(?<!\\)\|")  # a pipe that ends a table cell (an escaped `\|` does not)


def split_cells(text: str, line: int = 0) -> TableLine | None:
    """Cells of a GFM table line (number ``line``), honouring ``\\|`` escapes; None when it has no pipe,
    or is a lone ``|`` (GitHub shows that as text, not as a row)."""
    if "|" not in text or text.strip() == "|":
        return None
    if "\\" in text:
        pipes = [m.start() for m in CELL_PIPE.finditer(text)]
        if not pipes:
            return None
    else:
        pipes = []
        at = text.find("|")
        while at >= 0:
            pipes.append(at)
            at = text.find("|", at + 1)
    # Only spaces and tabs pad a row: GitHub reads a no-break space before the first pipe as a cell.
    content_start = len(text) - len(text.lstrip(" \t"))
    content_end = len(text.rstrip(" \t\r\n"))
    leading = pipes[0] == content_start
    trailing = pipes[-1] == content_end - 1 and (len(pipes) > 1 or not leading)
    bounds = pipes if leading else [content_start - 1, *pipes]
    if trailing:
        bounds, last = bounds[:-1], pipes[-1]
    else:
        last = content_end
    cells = [TableCell(text[left + 1 : right], left + 1, right) for left, right in pairwise([*bounds, last])]
    return TableLine(line, Span(line, 1, line, len(text) + 1), cells, leading, trailing)


def is_delimiter(text: str) -> bool:
    """Whether a line is a GFM table delimiter row (``|--|:-:|``)."""
    return _DELIMITER.match(text) is not None


def _stripped(text: str, start: int, end: int) -> tuple[str, int, int]:
    """``text[start:end]`` stripped, with the 0-based columns where what is left begins and ends."""
    raw = text[start:end]
    stripped = raw.strip()
    if not stripped:
        return "", start, start
    start += len(raw) - len(raw.lstrip())
    return stripped, start, start + len(stripped)


def _row(table_line: TableLine, text: str) -> TableRow:
    """A table line as a row: its first cell is the key, the rest of the line up to the last pipe
    its value (a value's unescaped ``|`` is text that GitHub splits into another cell)."""
    number = table_line.line
    first, last = table_line.cells[0], table_line.cells[-1]
    key, key_start, key_end = _stripped(text, first.start, first.end)
    if len(table_line.cells) > 1:
        value, value_start, value_end = _stripped(text, table_line.cells[1].start, last.end)
    else:
        value, value_start, value_end = "", first.end, first.end
    return TableRow(
        table_line,
        key,
        Span(number, key_start + 1, number, key_end + 1),
        value,
        Span(number, value_start + 1, number, value_end + 1),
    )


_SIMPLE_IMAGE = re.compile(r"!\[([^\[\]\\`*_<&]*)\]\(([^()\s\\<>&]+)\)")


def find_images(text: str, number: int) -> list[Image]:
    """Markdown and HTML images on one line, located by column."""
    images: list[Image] = []
    stripped = text.strip()
    simple = _SIMPLE_IMAGE.fullmatch(stripped) if stripped.count("![") == 1 else None
    if simple is not None and not _has_img_tag(text):
        # One plain image alone on its line: what mistune would return, without asking it.
        offset = text.index(stripped)
        return [
            Image(
                simple.group(1).strip(),
                simple.group(2),
                Span(number, offset + 1, number, offset + len(stripped) + 1),
                Span(number, offset + simple.start(2) + 1, number, offset + simple.end(2) + 1),
            )
        ]
    if "![" in text and len(text) > LONG_LINE:
        # mistune's inline parser is superlinear on some hostile lines: long lines get the regex only.
        for match in _SIMPLE_IMAGE.finditer(text):
            images.append(
                Image(
                    match.group(1).strip(),
                    match.group(2),
                    Span(number, match.start() + 1, number, match.end() + 1),
                    Span(number, match.start(2) + 1, number, match.end(2) + 1),
                )
            )
    elif "![" in text:
        cursor = 0
        for token in _walk_images(inline_tokens(text)):
            bang = text.find("![", cursor)
            if bang < 0:
                break
            url = token["attrs"].get("url", "")
            at = text.find(url, bang) if url else -1
            url_start, url_end = (at, at + len(url)) if at >= 0 else (bang, bang)
            close = text.find(")", max(url_end, bang))
            end = close + 1 if close >= 0 else len(text)
            images.append(
                Image(
                    _plain(token.get("children", [])),
                    url,
                    Span(number, bang + 1, number, end + 1),
                    Span(number, url_start + 1, number, url_end + 1),
                )
            )
            cursor = end
    if _has_img_tag(text):
        for match in _html_images(text):
            alt = _HTML_ALT.search(match.group(0))
            images.append(
                Image(
                    alt.group(2) if alt else "",
                    match.group(2),
                    Span(number, match.start() + 1, number, match.end() + 1),
                    Span(number, match.start(2) + 1, number, match.end(2) + 1),
                    html=True,
                )
            )
    return images


def _html_images(text: str) -> Iterable[re.Match[str]]:
    """``_HTML_IMG``'s matches, each tried only between an ``<img`` and the next ``>``.

    A tag cannot hold a ``>``, so a start that fails there fails for every ``<img`` before that
    ``>`` too; skipping past it keeps a line full of unclosed tags linear (``finditer`` would try
    each of them against the rest of the line).
    """
    at = 0
    while True:
        start = _IMG_START.search(text, at)
        if start is None:
            return
        close = text.find(">", start.end())
        if close < 0:
            return
        match = _HTML_IMG.match(text, start.start(), close + 1)
        if match is not None:
            yield match
            at = match.end()
        else:
            at = close + 1


def _has_img_tag(text: str) -> bool:
    return "<" in text and "<img" in text.lower()


def _opens_details(text: str) -> bool:
    """Whether the line starts an HTML block holding a ``<details>`` tag."""
    return text.lstrip().startswith("<") and _DETAILS_OPEN.search(text) is not None


def _walk_images(tokens: list[Token]) -> Iterable[Token]:
    for token in tokens:
        if token["type"] == "image":
            yield token
        elif "children" in token:
            yield from _walk_images(token["children"])


_SIMPLE_BOLD = re.compile(r"^\*\*([^*\\`<\[]+?)\*\*$")


@lru_cache(maxsize=1024)
def parse_field_label(text: str) -> tuple[str, bool]:
    """The label of a field line's text and whether it is bold (``**Task**``, ``__Task__``)."""
    stripped = text.strip().rstrip(":").rstrip()
    simple = _SIMPLE_BOLD.match(stripped)
    if simple and simple.group(1).strip() == simple.group(1):
        return simple.group(1).rstrip(":").strip(), True
    if not stripped:
        return "", False
    if ("*" not in stripped and "_" not in stripped) or len(stripped) > LONG_LINE:
        return stripped, False
    tokens = [t for t in inline_tokens(stripped) if not (t["type"] == "text" and not t["raw"].strip())]
    if len(tokens) == 1 and tokens[0]["type"] == "strong":
        return _plain(tokens[0]["children"]).strip().rstrip(":").strip(), True
    return _plain(tokens).strip(), False


@dataclass(frozen=True, slots=True)
class Shapes:
    """The parts cards are read for: those the template has. ``keyed`` is how its keys are written
    (``table``, ``bullet``, ``label``, None for none, or ``any`` to read a template card itself);
    ``is_part`` tells a card from a note (a heading at card level holding no part of the template)."""

    keyed: str | None = "table"
    fields: bool = True
    is_part: Callable[[Card], bool] | None = None
    header_line: str = ""  # the template table's header line, when it has words (``| Field | Value |``)
    depth: int = 1  # with ``keyed == "heading"``: how many levels below the card heading its sections are


TABLE = Shapes()  # the seed's: a table, numbered fields
ANY = Shapes("any")


class Parser:
    """Builds a :class:`Document` with cards at ``level`` and sections one level up.

    ``region`` is the template's first and last line: one card, never a paper card, wherever it sits.
    ``tiers`` decide whether a first H1 is the title or a tier.
    """

    def __init__(
        self,
        tiers: Iterable[str] = (),
        shapes: Shapes = TABLE,
        level: int = 2,
        region: tuple[int, int] | None = None,
    ) -> None:
        self.tiers = {name.strip().casefold() for name in tiers}
        self.shapes = shapes
        self.level = level
        self.region = region

    def parse(self, source: Source, scan: BlockScan | None = None) -> Document:
        scan = scan or BlockScan(source.lines)
        lines = source.lines
        headings = [scan.headings[n] for n in sorted(scan.headings)]
        level, region = self.level, self.region
        starts: list[tuple[Heading, str]] = []  # (heading, "title" | "tier" | "upper" | "card" | "template")
        for index, heading in enumerate(headings):
            if region is not None and region[0] <= heading.line <= region[1]:
                if heading.line == region[0]:
                    starts.append((heading, "template"))
                continue
            if heading.level == level or (heading.level > level and self._looks_like_card(source, heading, scan)):
                starts.append((heading, "card"))
            elif heading.level < level:
                first = index == 0 and heading.level == 1 and heading.text.casefold() not in self.tiers
                if first:
                    starts.append((heading, "title"))
                else:
                    starts.append((heading, "tier" if heading.level == level - 1 else "upper"))
        title: Heading | None = None
        tiers: list[Tier] = []
        cards: list[Card] = []
        notes: list[Heading] = []
        current_tier: Tier | None = None
        for index, (heading, kind) in enumerate(starts):
            next_line = starts[index + 1][0].line if index + 1 < len(starts) else len(lines) + 1
            if kind == "title":
                title = heading
            elif kind == "tier":
                current_tier = Tier(heading)
                tiers.append(current_tier)
            elif kind == "upper":
                current_tier = None
            elif kind == "template":
                assert region is not None
                cards.append(Card(heading, min(next_line - 1, region[1]), current_tier, True))
            else:
                card = Card(heading, next_line - 1, current_tier)
                self.fill(source, card, scan)
                is_part = self.shapes.is_part
                if is_part is not None and not card.is_empty and not is_part(card):
                    notes.append(heading)  # "Table of Contents", "Credits": no part of the template
                    continue
                cards.append(card)
        unclosed = scan.ended if scan.ended is not None else scan.unclosed
        return Document(source, title, tiers, cards, headings, scan.code, scan.html, level, notes, unclosed)

    def _looks_like_card(self, source: Source, heading: Heading, scan: BlockScan) -> bool:
        """With a table template, a heading directly followed by a table is a card whatever its level."""
        if self.shapes.keyed != "table":
            return False
        for number in range(heading.body_line, min(heading.body_line + 3, len(source.lines) + 1)):
            text = source.lines[number - 1]
            if is_blank(text):
                continue
            return number not in scan.code and text.lstrip().startswith("|")
        return False

    def fill(self, source: Source, card: Card, scan: BlockScan) -> None:
        """Read the parts of ``card`` (its heading and line range set) with this parser's shapes."""
        lines = source.lines
        keyed, fields = self.shapes.keyed, self.shapes.fields
        number = card.heading.body_line
        end = card.end_line
        while number <= end:
            text = lines[number - 1]
            if is_blank(text):
                number += 1
                continue
            if number in scan.code:
                start = number
                while number + 1 <= end and number + 1 in scan.code:
                    number += 1
                card.other.append(Block(Span(start, 1, number, len(lines[number - 1]) + 1), "code"))
                number += 1
                continue
            if card.details is None and _opens_details(text):
                number = self._details(source, card, number, end)
                continue
            if keyed == "heading" and number in scan.headings:
                if scan.headings[number].level == card.heading.level + self.shapes.depth:
                    self._section(source, card, number, end, scan)
                number += 1  # the section's text is read as the card's other parts
                continue
            if (
                keyed in ("table", "any")
                and card.table is None
                and not card.fields
                and text.lstrip(" ").startswith("|")
            ):
                if indented_code(text):  # GitHub shows this line as code, not as a row: the table starts below
                    card.other.append(Block(Span(number, 1, number, len(text) + 1), "code"))
                    number += 1
                    continue
                number = self._table(source, card, number, end, scan)
                continue
            shape = keyed if keyed in ("bullet", "label") else None
            if keyed == "any":  # a template card: its first key/value line says how it writes them
                shape = card.table.shape if card.table else "bullet" if keyed_item(text, "bullet") else "label"
            if shape and (card.table is None or card.table.shape == shape) and number not in scan.html:
                item = keyed_item(text, shape)
                if item is not None:
                    number = self._keyed(source, card, number, end, shape, item, scan)
                    continue
            match = FIELD.match(text) if fields else None
            if match and number not in scan.html:
                number = self._field(source, card, number, end, match, scan)
                continue
            images = find_images(text, number)
            if images:
                card.images.extend(images)
                number += 1
                continue
            start = number
            if number in scan.html:
                while number + 1 <= end and number + 1 in scan.html:
                    number += 1
                card.other.append(Block(Span(start, 1, number, len(lines[number - 1]) + 1), "html"))
                number += 1
                continue
            kind = "paragraph"
            while number + 1 <= end and not is_blank(lines[number]) and not (fields and FIELD.match(lines[number])):
                if _opens_details(lines[number]) or _interrupts(number + 1, scan):
                    break
                if shape and keyed_item(lines[number], shape) is not None:
                    break
                if keyed == "any" and card.table is None and keyed_item(lines[number], "bullet") is not None:
                    break  # a list interrupts a paragraph
                number += 1
                card.images.extend(find_images(lines[number - 1], number))
            card.other.append(Block(Span(start, 1, number, len(lines[number - 1]) + 1), kind))
            number += 1

    @staticmethod
    def _section(source: Source, card: Card, number: int, end: int, scan: BlockScan) -> None:
        """A sub-heading of the card (``#### Summary``) as a key, its text up to the next one as the value."""
        lines = source.lines
        heading = scan.headings[number]
        deeper = (n for n in range(number + 1, end + 1) if n in scan.headings and scan.headings[n].level <= heading.level)
        stop = next(deeper, end + 1)
        last = _last_content_line(lines, number, stop - 1)
        body = "\n".join(lines[n - 1].strip() for n in range(heading.body_line, last + 1)).strip()
        key_span = heading.text_span
        value_span = Span(number, len(lines[number - 1]) + 1, number, len(lines[number - 1]) + 1)
        first_text = next((n for n in range(heading.body_line, last + 1) if lines[n - 1].strip()), None)
        if first_text is not None:
            text = lines[first_text - 1]
            indent = len(text) - len(text.lstrip())
            value_span = Span(first_text, indent + 1, first_text, len(text.rstrip()) + 1)
        row = TableRow(TableLine(number, heading.span, [], True, True), heading.text, key_span, body, value_span, last)
        if card.table is None:
            card.table = Table(Span(number, 1, last, len(lines[last - 1]) + 1), None, None, [], [], "heading")
        card.table.rows.append(row)
        card.table.span = Span(card.table.span.line, 1, last, len(lines[last - 1]) + 1)

    @staticmethod
    def _keyed(
        source: Source, card: Card, number: int, end: int, shape: str, item: tuple[str, int, int, int], scan: BlockScan
    ) -> int:
        """One ``- **Key**: value`` bullet or ``**Key**`` label (with its text on the lines below)."""
        lines = source.lines
        text = lines[number - 1]
        key, key_start, key_end, value_start = item
        value = text[value_start:].rstrip()
        first = last = number
        following = number + 1
        # A label alone on its line holds the paragraph below it; a bullet holds its continuation lines.
        while following <= end and not is_blank(lines[following - 1]) and following not in scan.headings:
            line = lines[following - 1]
            if keyed_item(line, shape) is not None or _opens_details(line) or following in scan.code:
                break
            if shape == "bullet" and not line.startswith((" ", "\t")) and _starts_block(line, following, scan):
                break
            if shape == "label" and value and not line.startswith((" ", "\t")):
                break
            last = following
            following += 1
        body = "\n".join([value, *(lines[n - 1].strip() for n in range(first + 1, last + 1))]).strip()
        value_span = Span(number, value_start + 1, number, value_start + len(value) + 1)
        if not value and last > first:  # the text is below the label: point at its first line
            below = lines[first]
            indent = len(below) - len(below.lstrip())
            value_span = Span(first + 1, indent + 1, first + 1, len(below.rstrip()) + 1)
        row = TableRow(
            TableLine(number, Span(number, 1, number, len(text) + 1), [], True, True),
            key,
            Span(number, key_start + 1, number, key_end + 1),
            body,
            value_span,
            last,
        )
        if card.table is None:
            card.table = Table(Span(number, 1, last, len(lines[last - 1]) + 1), None, None, [], [], shape)
        card.table.rows.append(row)
        table = card.table
        table.span = Span(table.span.line, 1, last, len(lines[last - 1]) + 1)
        return last + 1

    def _table(self, source: Source, card: Card, number: int, end: int, scan: BlockScan) -> int:
        lines = source.lines
        start = number
        header: TableLine | None = None
        delimiter: TableLine | None = None
        rows: list[TableRow] = []
        comments: list[int] = []
        while number <= end and not is_blank(lines[number - 1]):
            text = lines[number - 1]
            table_line = split_cells(text, number)
            if table_line is None:
                # GitHub ends the table at an HTML comment line; when table rows follow it, they are
                # kept here as rows (so that each is not reported missing) and the line is noted.
                following = lines[number] if number < end else ""
                if _COMMENT_LINE.match(text) and rows and following.lstrip(" ").startswith("|"):
                    comments.append(number)
                    number += 1
                    continue
                break
            # A line with pipes that begins another block: GitHub's table ends above it. (A table whose
            # first line is raw text of an HTML block is read on through the block: CL214 says why.)
            opens = _interrupts(number, scan) and not (start in scan.html and number in scan.html)
            if number > start and (opens or _LIST_OR_QUOTE.match(text) or indented_code(text)):
                break
            if delimiter is None and not rows and _DELIMITER.match(text):
                delimiter = table_line
            elif header is None and delimiter is None and not rows and self._is_header(text, table_line, lines, number, end):
                header = table_line
            else:
                rows.append(_row(table_line, text))
            number += 1
        last = number - 1
        card.table = Table(Span(start, 1, last, len(lines[last - 1]) + 1), header, delimiter, rows, comments)
        return number

    def _is_header(self, text: str, table_line: TableLine, lines: list[str], number: int, end: int) -> bool:
        """A table's first line is its header when a delimiter row follows it (GFM's rule), when its
        cells are empty (the seed's ``| | |``), or when it starts as the template's header does
        (``| Field | Value |``, whatever its other cells)."""
        if number < end and _DELIMITER.match(lines[number]):
            return True
        if all(not cell.text.strip() for cell in table_line.cells):
            return True
        header = split_cells(self.shapes.header_line) if self.shapes.header_line else None
        if header is None or not header.cells or not table_line.cells:
            return False
        return table_line.cells[0].text.strip().casefold() == header.cells[0].text.strip().casefold()

    @staticmethod
    def _field(source: Source, card: Card, number: int, end: int, match: re.Match[str], scan: BlockScan) -> int:
        lines = source.lines
        text = lines[number - 1]
        raw_label = match.group(4) or ""
        label, bold = parse_field_label(raw_label)
        label_start = match.start(4) if match.group(4) is not None else len(text)
        label_end = match.end(4) if match.group(4) is not None else len(text)
        first = number
        body_lines: list[str] = []
        last_content = number
        previous_blank = False
        inside = _content_column(text, match)
        number += 1
        while number <= end:
            line = lines[number - 1]
            if is_blank(line):
                previous_blank = True
                body_lines.append(line)
                number += 1
                continue
            indented = line.startswith(("\t", " "))
            if previous_blank and indent_width(line) < inside:
                break  # under a blank line, only a line indented to the item's text is more of the item
            lazy = not previous_blank and not indented and not _starts_block(line, number, scan)
            if not (indented or lazy) or FIELD.match(line):
                break
            if _opens_details(line):
                break
            body_lines.append(line)
            last_content = number
            previous_blank = False
            card.images.extend(find_images(line, number))
            number += 1
        body = "\n".join(body_lines[: last_content - first]).strip()
        card.fields.append(
            Field(
                int(match.group(2)),
                Span(first, match.start(2) + 1, first, match.end(3) + 1),
                label,
                Span(first, label_start + 1, first, label_end + 1),
                bold,
                first,
                last_content,
                body,
            )
        )
        return last_content + 1

    @staticmethod
    def _details(source: Source, card: Card, number: int, end: int) -> int:
        lines = source.lines
        start = number
        depth = 0
        close_line: int | None = None
        for current in range(number, end + 1):
            text = lines[current - 1]
            if "<" not in text:
                continue  # no tag: the depth stays (and it is not 0 past the opening line)
            depth += len(_DETAILS_OPEN.findall(text)) - len(_DETAILS_CLOSE.findall(text))
            if depth <= 0:
                close_line = current
                break
        last = close_line if close_line is not None else _last_content_line(lines, number, end)
        body = lines[start - 1 : last]
        joined = "\n".join(body)
        summary = summary_span = None
        summary_end = 0
        opened = _SUMMARY_OPEN.search(joined)
        # One open tag, then one close after it: a regex with .*? would be quadratic on hostile input.
        closed = _SUMMARY_CLOSE.search(joined, opened.end()) if opened else None
        if opened and closed:
            summary = joined[opened.end() : closed.start()].strip()
            summary_end = closed.end()
            line_no = start + joined.count("\n", 0, opened.start())
            line_start = joined.rfind("\n", 0, opened.start()) + 1
            col = opened.start() - line_start
            end_line = start + joined.count("\n", 0, closed.end())
            end_col = closed.end() - (joined.rfind("\n", 0, closed.end()) + 1)
            summary_span = Span(line_no, col + 1, end_line, end_col + 1)
        p_open = list(_P_OPEN.finditer(joined))
        p_close = list(_P_CLOSE.finditer(joined))
        abstract = ""
        after_abstract = summary_end
        if p_open and p_close and p_close[0].start() > p_open[0].end():
            abstract = joined[p_open[0].end() : p_close[0].start()].strip()
            after_abstract = p_close[0].end()
        tail = joined[after_abstract:]
        bibtex = bibtex_line = None
        at = re.search(r"^[ \t]*@", tail, re.MULTILINE) or re.search(r"@\w+\s*\{", tail)
        if at:
            bibtex_text = tail[at.start() :]
            close = _DETAILS_CLOSE.search(bibtex_text)
            if close:
                bibtex_text = bibtex_text[: close.start()]
            bibtex = _CODE_TAGS.sub("", bibtex_text).strip()
            indent = len(at.group()) - len(at.group().lstrip())
            bibtex_line = start + joined.count("\n", 0, after_abstract + at.start() + indent)
            if tail[at.start()] == "\n":
                bibtex_line += 1
        card.details = Details(
            Span(start, 1, last, len(lines[last - 1]) + 1),
            close_line is not None,
            summary,
            summary_span,
            abstract,
            bibtex,
            bibtex_line,
            {
                "details": 1 - (1 if close_line is not None else 0),
                "p": len(p_open) - len(p_close),
            },
        )
        return last + 1


def _starts_block(text: str, number: int, scan: BlockScan) -> bool:
    stripped = text.lstrip()
    return (
        _interrupts(number, scan)
        or stripped.startswith(("|", "<", "![", "- ", "* ", "+ ", ">"))
        or bool(FIELD.match(text))
    )


# A list item or a block quote: it ends a table or a paragraph above it.
_LIST_OR_QUOTE = re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)| {0,3}>")


_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")  # under a paragraph: a level-1 or level-2 heading
_ITEM_MARKER = re.compile(r"( {0,3}(?:[-+*]|\d{1,9}[.)]))([ \t]*)")


def opens_list_item(text: str) -> bool:
    """Whether a line opens a list item (a bullet, a numbered item) or a block quote."""
    return _LIST_OR_QUOTE.match(text) is not None


def ends_table(text: str) -> bool:
    """Whether a line right under a table starts a block of its own on GitHub (a list item, a quote,
    a heading, a fence, HTML, a thematic break, indented code) or is a lone ``|`` (no row: text).
    Any other line, with pipes or without, is one more row: a table runs on to a blank line."""
    return bool(
        _LONE_PIPE.match(text)
        or opens_list_item(text)
        or _HEADING.match(text)
        or _FENCE_OPEN.match(text)
        or _THEMATIC_BREAK.match(text)
        or indented_code(text)
        or _html_start(text, False) is not None
    )


# Under a paragraph, an empty list item is no block, and `-` or `---` underline it as a heading.
_NO_BREAK_IN = re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)])[ \t]*$| {0,3}-+[ \t]*$")
# A quote marker or a list item with nothing after it: it holds no paragraph for a line to continue.
_OPENS_NOTHING = re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)]|>[ \t>]*)[ \t]*$")
_LONE_PIPE = re.compile(r" {0,3}\|[ \t]*$")
_DEFINITION = re.compile(r" {0,3}\[(?:[^\\\[\]]|\\.)+\]:")
_ORDERED_ITEM = re.compile(r" {0,3}(\d{1,9})[.)](?:[ \t]|$)")


def ends_table_only(text: str) -> bool:
    """Whether a line starts a block under a table (see ``ends_table``) but is more of the text
    under a paragraph: indented code, an empty list item, a numbered one not from 1, a line that
    would underline the paragraph as a heading, a lone HTML tag, or a lone ``|``."""
    if not ends_table(text):
        return False
    if indented_code(text) or _NO_BREAK_IN.match(text) or _LONE_PIPE.match(text):
        return True
    if (item := _ORDERED_ITEM.match(text)) is not None and int(item.group(1)) != 1:
        return True
    return _html_start(text, True) is None and _html_start(text, False) is not None


def starts_definition(text: str) -> bool:
    """Whether ``text``, first in a paragraph, would be a link reference definition or a footnote's
    (``[ref]: https://…``, ``[^1]: note``): GitHub shows neither where it stands."""
    return _DEFINITION.match(text) is not None


def opens_fence(text: str) -> bool:
    """Whether a line opens a fenced code block (three backticks or tildes, indented three spaces at most)."""
    return _FENCE_OPEN.match(text) is not None


def indent_width(text: str) -> int:
    """How many columns a line's indent takes, a tab counting to the next multiple of 4."""
    return len(text[: len(text) - len(text.lstrip(" \t"))].expandtabs(4))


def indented_code(text: str) -> bool:
    """Whether a line is indented as code (four columns)."""
    return indent_width(text) >= 4


def _content_column(text: str, match: re.Match[str]) -> int:
    """Where a numbered line's item text starts, in columns (CommonMark's list-item width): after
    the marker and the spaces that follow it, or one space after the marker when there is no text
    or five columns or more follow it (they are code inside the item)."""
    marker = match.end(3)
    if not match.group(4):
        return marker + 1
    gap = len(text[: match.start(4)].expandtabs(4)) - marker
    return marker + gap if gap <= 4 else marker + 1


def _interrupts(number: int, scan: BlockScan) -> bool:
    """Whether line ``number`` ends the paragraph above it: a heading, a fence or an HTML block
    (the scan marks only the kinds that may interrupt a paragraph)."""
    return number in scan.headings or number in scan.code or number in scan.html


def _last_content_line(lines: list[str], start: int, end: int) -> int:
    last = start
    for number in range(start, end + 1):
        if not is_blank(lines[number - 1]):
            last = number
    return last


_BULLET_ITEM = re.compile(r"^ ?[-*+][ \t]+(?=\S)")
_BOLD_KEY = re.compile(r"\*\*([^*]+?)\*\*|__([^_]+?)__")
_PLAIN_KEY = re.compile(r"([^\s:*_\[\]<>`|!#][^:*\[\]<>`|]*?)[ \t]*:(?!/)")


def keyed_item(text: str, shape: str) -> tuple[str, int, int, int] | None:
    """``(key, key_start, key_end, value_start)`` (0-based columns) of a key/value line in ``shape``.

    A bullet's key is bold (``- **Key**: value``, ``- **Key:** value``) or plain and short
    (``* Key: value``); a label is bold at the start of its line, with a colon or alone on its line.
    Bold text followed by more text and no colon (``- **DreamFusion** is …``) is emphasis, not a key.
    """
    if shape == "bullet":
        bullet = _BULLET_ITEM.match(text)
        if bullet is None:
            return None
        at = bullet.end()
    elif text.startswith(("**", "__")):
        at = 0
    else:
        return None
    bold = _BOLD_KEY.match(text, at)
    if bold is not None:
        inner = bold.group(1) or bold.group(2)
        key = inner.strip().rstrip(":").rstrip()
        if not key:
            return None
        key_start = at + 2 + len(inner) - len(inner.lstrip())
        after = bold.end()
        if not inner.rstrip().endswith(":"):
            rest = text[after:].lstrip()
            if rest.startswith(":"):
                after = len(text) - len(rest) + 1
            elif rest:
                return None
        value_start = len(text) - len(text[after:].lstrip()) if text[after:].strip() else len(text.rstrip())
        return key, key_start, key_start + len(key), max(value_start, after)
    if shape != "bullet":
        return None
    plain = _PLAIN_KEY.match(text, at)
    if plain is None or len(plain.group(1).split()) > 6:
        return None
    key = plain.group(1).strip()
    after = plain.end()
    value_start = len(text) - len(text[after:].lstrip()) if text[after:].strip() else len(text.rstrip())
    return key, at, at + len(key), max(value_start, after)


def parse(source: Source, tiers: Iterable[str] = (), shapes: Shapes = TABLE) -> Document:
    return Parser(tiers, shapes).parse(source)
