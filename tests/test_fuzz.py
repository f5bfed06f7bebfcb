"""Property tests: the checker never raises, positions lie inside the file, fixes are idempotent and lossless.

CI runs the "ci" profile (a fixed example budget, derandomized); `HYPOTHESIS_PROFILE=long pytest
tests/test_fuzz.py` runs a longer search on demand.
"""

from __future__ import annotations

import os
import re
from collections import Counter

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cardlint.fix import fix_source
from cardlint.linter import lint_source
from cardlint.locate import load
from cardlint.parser import BlockScan
from cardlint.rules import BUILTIN_RULES
from cardlint.source import Source
from conftest import SEED, builtin_config, clean_list
from rendering import fenced_lines, rendered_headings

settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

RULES = list(BUILTIN_RULES)
CONFIG = builtin_config()
EXAMPLE = (SEED).read_text(encoding="utf-8").split("\n")
CARD = clean_list().split("\n")

FRAGMENTS = [
    "| | |", "|--|--|", "|Title|X|", "|Paper Link|https://arxiv.org/abs/2209.14988.pdf", "|OpenReivew|x",
    "|Github|", "| a | b | c |", "||", "|", "Title|x", "1. **Task**", "2. Problem", "7. **Extra**", "1.",
    "\tbody", "    indented", "<details>", "</details>", "<summary>S</summary>", "<p>", "</p>", "<!--", "-->",
    "<!-- cardlint-disable -->", "<!-- cardlint: score=x -->", "```", "~~~", "# Notable Top 5%", "## Card",
    "### Deep", "#", "##", "![](img/x.png)", "![a](../../../../x.png)", '<img src="img/0001.png">',
    "@misc{a, title = {T}}", "@misc{", "}", "- item", "> quote", "", " ", "\t", "日本語 ü ∼", "\u2028", "\r",
]
line = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40))


def check(text: str) -> None:
    source = Source.from_text(text, str(SEED))
    result = lint_source(source, CONFIG, RULES)
    for d in result.diagnostics:
        assert 1 <= d.line <= d.end_line <= len(source.lines), d
        assert 1 <= d.column <= len(source.lines[d.line - 1]) + 1, d
        assert 1 <= d.end_column <= len(source.lines[d.end_line - 1]) + 1, d
        if d.fix is not None:
            for edit in d.fix.edits:
                assert 0 <= edit.start <= edit.end <= len(source.text)
    outcome = fix_source(source, CONFIG, RULES, unsafe=True)
    words = Counter(re.findall(r"\w+", text))
    kept = Counter(re.findall(r"\w+", outcome.text))
    lost = words - kept
    # Across all passes, only words that rewriting fixes replaced may go (a misspelled key, ".pdf").
    assert not lost - outcome.rewritten, lost - outcome.rewritten
    again = fix_source(Source.from_text(outcome.text, source.path), CONFIG, RULES, unsafe=True)
    assert again.text == outcome.text
    load(Source.from_text(outcome.text), CONFIG)


@given(st.lists(line, max_size=40), st.sampled_from(["\n", "\r\n"]))
# What the search found, kept as regressions: cards sharing a title, fields inserted into an
# unclosed fence or HTML comment (they grew on every pass).
@example(["## Card", "1. **Task**", "## Card"], "\n")
@example(["## Card", "| | |", "## Card"], "\n")
@example(["##", "```"], "\n")
@example(["## Card", "<!--"], "\n")
def test_random_markdown(lines, newline):
    check(newline.join(lines))


@given(st.lists(st.tuples(st.integers(0, len(CARD) - 1), st.sampled_from(["delete", "duplicate", "swap", "truncate", "insert"]), line), max_size=6))
def test_random_edits_of_a_clean_card(edits):
    lines = list(CARD)
    for index, kind, fragment in edits:
        index %= max(len(lines), 1)
        if not lines:
            break
        if kind == "delete":
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, lines[index])
        elif kind == "swap" and index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
        elif kind == "truncate":
            lines[index] = lines[index][: len(lines[index]) // 2]
        else:
            lines.insert(index, fragment)
    check("\n".join(lines))


@given(st.lists(st.tuples(st.integers(0, len(EXAMPLE) - 1), st.sampled_from(["delete", "duplicate", "swap", "insert"]), line), max_size=5), st.booleans())
# Found by the search: a doubled header row or a bare "1." in the template made every card grow.
@example([(0, "duplicate", ""), (262, "duplicate", "")], False)
# Found by the long profile: an empty tier moved up left `</details>` right above `## Template`.
@example([(260, "insert", "# Notable Top 5%")], False)
@example([(261, "insert", "1.")], False)
# Found by the long profile: an `<img>` line right under a heading made the table raw HTML; the
# rows inserted as missing stayed raw text, and the fix grew on every pass.
@example([(154, "insert", '<img src="img/0001.png">')], False)
# And a row ending in a no-break space: the trailing pipe went in before it, on every pass.
@example([(155, "insert", "0|\xa0")], False)
# And a card heading right under `</details>`, its fields below it: CL309's blank line freed the
# heading too, a card more, and the whole fix was refused.
@example([(163, "insert", "## Card"), (163, "insert", "</details>")], False)
def test_random_edits_of_the_example(edits, crlf):
    check(("\r\n" if crlf else "\n").join(edited(EXAMPLE, edits)))


# Lines that open, close or continue blocks outside list items and quotes (cardlint reads headings
# there only), a quote's lazy lines among them (no link definition: a paragraph that opens with one
# is not read as a setext heading).
BLOCK_LINES = [
    "| | |", "|--|--|", "|-|-|", "|Title|X|", "Title|x", "| a | b |", "|", "\tbody", "    indented", "     Foo", "  Foo",
    "\t\tx", "Foo", "bar baz", "", " ", "\t", "---", "   ---", "===", "***", "- - -", "_ _ _", "# Notable", "## Card",
    "### Deep", "#", "##", "```", "````", "  ```", "```py", "~~~", "~~~ x", "<details>", "</details>", "<div>", "</div>",
    "<p>", "</p>", "<pre>", "</pre>", "<script>", "</script>", '<img src="x.png">', "<br>", "<!--", "-->",
    "<!-- x -->", "<?php", "?>", "<![CDATA[", "]]>", "<!X", ">", "> quote",
]  # fmt: skip


@settings(max_examples=max(1000, settings.default.max_examples))
@given(st.lists(st.sampled_from(BLOCK_LINES), min_size=1, max_size=8))
def test_headings_and_code_fences_are_those_github_reads(lines):
    text = "\n".join(lines).rstrip("\n")  # cmark-gfm counts an open fence down to the line past the last
    scan = BlockScan(text.split("\n"))
    assert {(line, heading.level) for line, heading in scan.headings.items()} == rendered_headings(text)
    assert scan.code == fenced_lines(text)


def edited(lines: list[str], edits: list[tuple[int, str, str]]) -> list[str]:
    lines = list(lines)
    for index, kind, fragment in edits:
        if not lines:
            lines.append(fragment)
        elif kind == "delete":
            del lines[index % len(lines)]
        elif kind == "duplicate":
            lines.insert(index % len(lines), lines[index % len(lines)])
        elif kind == "swap" and index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
        else:
            lines.insert(index % len(lines), fragment)
    return lines
