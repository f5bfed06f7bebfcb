"""GitHub's own renderer (cmark-gfm) as the oracle for fixes: what a fix did not mean to touch renders
the same, no rendered word is lost, and no table changes its column count."""

from __future__ import annotations

import difflib
import html
import re
from collections import Counter

import cmarkgfm
from cmarkgfm.cmark import Options

# A block's tag may carry attributes before its position (``<ol start="2" data-sourcepos=…>``).
_BLOCK = re.compile(r'^<(\w+)\b[^>]*? data-sourcepos="(\d+):\d+-(\d+):\d+"', re.MULTILINE)
_SOURCEPOS = re.compile(r' data-sourcepos="[^"]*"')
_TAG = re.compile(r"<[^>]*>")
_IMAGE = re.compile(r'<img src="([^"]*)" alt="([^"]*)"')  # as cmark-gfm writes a Markdown image
_EMPHASIS = re.compile(r"</?(?:strong|em)>")
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"(?<![^\s|*_])\d{1,9}[.)](?![^\s|])")
_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL)
_ROW = re.compile(r"<tr\b.*?</tr>", re.DOTALL)
_CELL = re.compile(r"<t[hd]\b")


def render(text: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_SOURCEPOS | Options.CMARK_OPT_UNSAFE)


_HEADING = re.compile(r'<h([1-6]) data-sourcepos="(\d+):')
_CODE = re.compile(r'<pre data-sourcepos="(\d+):(\d+)-')


def rendered_headings(text: str) -> set[tuple[int, int]]:
    """The headings GitHub renders: (line, level)."""
    return {(int(m.group(2)), int(m.group(1))) for m in _HEADING.finditer(render(text))}


def fenced_lines(text: str) -> set[int]:
    """The lines of the fenced code blocks GitHub renders, their fences included. (Counted from the
    code itself: cmark-gfm ends the position of a block that its list item's end closes on the line
    that closed it.)"""
    lines, found, rendered = text.split("\n"), set(), render(text)
    for match in _CODE.finditer(rendered):
        first, column = int(match.group(1)), int(match.group(2))
        if not first or not lines[first - 1][column - 1 :].startswith(("```", "~~~")):
            continue
        tag = rendered.index("<code", match.end())
        start = rendered.index(">", tag) + 1
        code = rendered[start : rendered.index("</code>", start)]
        # Indented code whose text starts as a fence does (`\t```py`) holds that line as its first;
        # a fenced block's first line is its fence's only with an info string (`lang=` then).
        if html.unescape(code).split("\n", 1)[0] == lines[first - 1][column - 1 :] and " lang=" not in rendered[match.start() : tag]:
            continue
        last = first + code.count("\n")
        closing = lines[last].strip(" \t") if last < len(lines) else ""
        if closing[:3] in ("```", "~~~") and not closing.strip(closing[0]):
            last += 1
        found.update(range(first, last + 1))
    return found


def blocks(text: str) -> list[tuple[int, int, str]]:
    """The top-level blocks GitHub renders: (first source line, last source line, HTML without positions).
    Raw HTML, which carries no position, belongs to the block before it."""
    rendered = render(text)
    starts: list[tuple[int, int]] = []  # (offset in the HTML, first source line)
    end = 0
    # cmark-gfm gives a paragraph just above a table (the text before its header line) the position
    # 0:0: it goes with the table, as one block from the line after the block before it.
    pending: int | None = None
    for match in _BLOCK.finditer(rendered):
        first, last = int(match.group(2)), int(match.group(3))
        if first == 0:
            pending = match.start() if pending is None else pending
            continue
        if first > end:
            starts.append((match.start(), first) if pending is None else (pending, end + 1))
        pending = None
        end = max(end, last)
    if not starts or starts[0][0] > 0:
        starts.insert(0, (0, 1))
    total = len(text.splitlines())
    out = []
    for index, (offset, first) in enumerate(starts):
        following = starts[index + 1] if index + 1 < len(starts) else (len(rendered), total + 1)
        out.append((first, following[1] - 1, _SOURCEPOS.sub("", rendered[offset : following[0]])))
    return out


def _touched(before: str, after: str) -> tuple[set[int], Counter[str]]:
    """The lines of ``before`` (1-based) an edit changed or an insertion sits next to, and the words
    of the lines the edits replaced (a fix that renames a key means to lose the old name)."""
    touched: set[int] = set()
    removed: Counter[str] = Counter()
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        touched.update(range(i1 + 1, i2 + 1))
        # Lines inserted or deleted, or a blank line replaced or written (a row where it stood, say):
        # the blocks around join or split.
        if i2 - i1 != j2 - j1 or any(not line.strip(" \t") for line in old[i1:i2] + new[j1:j2]):
            touched.update((i1, i2 + 1))
        # The words of lines only inserted around are still owed.
        removed += Counter(_WORD.findall(" ".join(old[i1:i2])))
    return touched, removed


def _words(rendered: str) -> Counter[str]:
    # Words are runs of letters and digits: markup shown as text (the asterisks of "**Key\**", a
    # backtick whose code span never closed, a delimiter row as a paragraph) is no word, and a fix
    # that mends it shows the same words.
    # So is a list item's number shown as text ("2. **Problem**" under a paragraph line): a fix that
    # makes the fields the list the template means shows the same words.
    # An image shows its alt text and its file, as the Markdown of an image shown as raw text does: a
    # fix that makes an image of it (an HTML block ended before it) shows the same words.
    # And neither an asterisk shown as text nor the bold it makes parts words: "**M**Task**ethod**"
    # shows "MTaskethod" as raw text and once its bold renders.
    rendered = _IMAGE.sub(lambda image: f" {image.group(1) or ''} {image.group(2) or ''} ", rendered)
    text = html.unescape(_TAG.sub(" ", _EMPHASIS.sub("", rendered))).replace("*", "")
    return Counter(_WORD.findall(_NUMBER.sub(" ", text)))


def _columns(rendered: str) -> Counter[int]:
    counts: Counter[int] = Counter()
    for table in _TABLE.findall(rendered):
        rows = _ROW.findall(table)
        counts[len(_CELL.findall(rows[0])) if rows else 0] += 1
    return counts


def rendering_problems(before: str, after: str) -> list[str]:
    """Why ``after`` renders differently from ``before`` beyond what its edits meant to change."""
    touched, removed = _touched(before, after)
    problems = []
    remaining = [block for _, _, block in blocks(after)]
    at = 0
    for first, last, block in blocks(before):
        if touched & set(range(first, last + 1)):
            continue
        try:
            at = remaining.index(block, at) + 1
        except ValueError:
            problems.append(f"lines {first}-{last} render differently: {block[:120]!r}")
    lost = _words(render(before)) - _words(render(after)) - removed
    if lost:
        problems.append(f"rendered words lost: {sorted(lost)[:10]}")
    columns = _columns(render(before)) - _columns(render(after))
    if columns:
        problems.append(f"tables lost or changed their column count: {dict(columns)}")
    return problems
