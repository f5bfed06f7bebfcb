"""The block scanner cardlint used before its candidate-line scanner: one plain pass over every line.

Kept as an oracle: tests/test_fuzz.py checks on random Markdown that the fast scanner in
cardlint.parser classifies every line exactly as this straightforward one does. Which line is a
heading and which opens which kind of HTML block are decided by the shared BlockScan._heading and
BlockScan._html_start; what differs is the walk.
(One fix since: a ``<pre>`` block ended early at any line holding an "x", the old end marker.)
"""

from __future__ import annotations

import re

from cardlint.model import Heading
from cardlint.parser import _BLOCK_STARTS, _FENCE_OPEN, BlockScan


class LineByLineScan:
    """Line classes for the whole document: headings, and lines hidden in code or HTML blocks."""

    def __init__(self, lines: list[str]) -> None:
        self.headings: dict[int, Heading] = {}
        self.code: set[int] = set()
        self.html: set[int] = set()
        fence: tuple[str, int] | None = None
        html_end: str | None = None  # closing marker, or "" for "ends at a blank line"
        html_end_re: re.Pattern[str] | None = None
        in_paragraph = False
        # The hot loop of every run (one pass over all lines): locals and C string methods only.
        add_code, add_html = self.code.add, self.html.add
        starts = _BLOCK_STARTS
        for number, text in enumerate(lines, start=1):
            if fence is not None:
                add_code(number)
                stripped = text.lstrip(" ")
                if len(text) - len(stripped) <= 3 and stripped.startswith(fence[0] * fence[1]):
                    rest = stripped.lstrip(fence[0])
                    if not rest.strip():
                        fence = None
                continue
            blank = not text or text.isspace()
            if html_end is not None:
                if html_end == "" and blank:
                    html_end = None
                    in_paragraph = False
                    continue
                add_html(number)
                if html_end_re is not None and html_end_re.search(text):
                    html_end, html_end_re = None, None
                elif html_end_re is None and html_end and html_end in text:
                    html_end = None
                continue
            if blank:
                in_paragraph = False
                continue
            first = text[0]
            if first == " ":
                unindented = text.lstrip(" ")
                first = unindented[0] if len(text) - len(unindented) <= 3 else ""
            if first not in starts:
                in_paragraph = in_paragraph or not (text[0] == "\t" or text.startswith("    "))
                continue
            match = _FENCE_OPEN.match(text)
            if match and not (match.group(2)[0] == "`" and "`" in match.group(3)):
                fence = (match.group(2)[0], len(match.group(2)))
                self.code.add(number)
                in_paragraph = False
                continue
            heading = BlockScan._heading(text, number)
            if heading is not None:
                self.headings[number] = heading
                in_paragraph = False
                continue
            ended = BlockScan._html_start(text, in_paragraph)
            if ended is not None:
                self.html.add(number)
                end_marker, end_re = ended
                if end_re is not None:
                    if not end_re.search(text[text.index("<") + 1 :]):
                        html_end, html_end_re = "x", end_re
                elif end_marker and end_marker not in text[text.index("<") + 2 :]:
                    html_end = end_marker
                elif end_marker == "":
                    html_end = ""
                in_paragraph = False
                continue
            in_paragraph = not text.startswith(("    ", "\t")) or in_paragraph
