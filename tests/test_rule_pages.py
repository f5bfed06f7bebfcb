"""rules/CLxxx.md is the rendered doc of each rule: one page per rule, in sync with the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardlint.docs import rule_page
from cardlint.rules import BUILTIN_RULES

RULES_DIR = Path(__file__).parent.parent / "rules"


def test_one_page_per_rule():
    assert {p.stem for p in RULES_DIR.glob("CL*.md")} == {r.code for r in BUILTIN_RULES}


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=lambda r: r.code)
def test_page_matches_the_rule(rule):
    """Regenerate with `python -m cardlint.docs rules` after changing a rule's docstring."""
    assert (RULES_DIR / f"{rule.code}.md").read_text(encoding="utf-8") == rule_page(rule)


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=lambda r: r.code)
def test_page_has_ruff_sections(rule):
    page = rule_page(rule)
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in page
    if rule.fix is not None:
        assert "## Fix safety" in page
