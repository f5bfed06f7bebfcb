"""Safe fixes change nothing GitHub renders beyond their intent, checked with cmark-gfm (GitHub's parser)
on every fixture, the seed and its history, and the real-world corpora."""

from __future__ import annotations

import pytest

from cardlint.config import Config
from cardlint.fix import FixRefused, fix_source
from cardlint.locate import load
from cardlint.rules import BUILTIN_RULES
from cardlint.source import Source
from conftest import DATA, FIXTURES, RULE_FIXTURES, SEED, corpus, strip_markers
from rendering import blocks, rendering_problems

OFFLINE = [rule for rule in BUILTIN_RULES if not rule.code.startswith("CL8")]


def own_files() -> list:
    fixtures = sorted(path for path in RULE_FIXTURES.glob("*.md") if not path.name.endswith(".fixed.md"))
    return [*fixtures, *sorted((FIXTURES / "shapes").glob("*.md")), SEED, DATA / "seed-clean" / "README.md"]


def safe_fix(text: str, path: str) -> str:
    source = Source.from_text(text, path)
    config = Config()
    if load(source, config).template is None and "/fixtures/rules/" in path:
        config = Config(template="builtin:iclr2023")
    try:
        return fix_source(source, config, OFFLINE).text
    except FixRefused:
        return text


@pytest.mark.parametrize("path", own_files(), ids=lambda path: path.name)
def test_safe_fixes_render_only_what_they_mean_to(path):
    text, _ = strip_markers(path.read_text(encoding="utf-8"))
    assert rendering_problems(text, safe_fix(text, str(path))) == []


@pytest.mark.parametrize("folder", ["history", "realworld", "templates"])
def test_safe_fixes_on_the_corpus_render_only_what_they_mean_to(folder):
    found = {}
    for path in sorted(corpus(folder).glob("*.md")):
        text = path.read_text(encoding="utf-8")
        problems = rendering_problems(text, safe_fix(text, str(path)))
        if problems:
            found[path.name] = problems
    assert found == {}


TABLE = "# List\n\n## Card\n| **Paper** | **Links** | **Year** | **Venue** |\n|--|--|--|--|\n| A | [x](https://a.test) | 2023 | ICLR |\n"


def test_the_check_finds_a_table_given_a_second_header():
    """The fix CL202 once made: `| | |` and `|--|--|` above a table that has a header."""
    broken = TABLE.replace("## Card\n", "## Card\n| | |\n|--|--|\n")
    problems = rendering_problems(TABLE, broken)
    assert any("column count" in problem for problem in problems) and any("words lost" in problem for problem in problems)


def test_the_check_finds_a_block_changed_away_from_the_edit():
    """An unclosed fence inserted under one heading turns every block below it into code."""
    text = "# List\n\n## Card\n\ntext\n\n## Next\n"
    changed = text.replace("## Card\n", "## Card\n~~~\n")
    assert rendering_problems(text, changed) == [
        "lines 5-6 render differently: '<p>text</p>\\n'",
        "lines 7-7 render differently: '<h2>Next</h2>\\n'",
    ]


def test_blocks_follow_the_source():
    assert [(first, last) for first, last, _ in blocks(TABLE)] == [(1, 2), (3, 3), (4, 6)]
