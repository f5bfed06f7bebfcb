"""The README tells users the truth: its commands are the ones CI runs, its rule table is complete."""

from __future__ import annotations

import re
from pathlib import Path

from cardlint.rules import BUILTIN_RULES

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def sh_blocks() -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", README, re.DOTALL)]


def test_run_and_test_commands():
    run, test = sh_blocks()[:2]
    assert run == "python -m pip install . && cardlint examples/review/README.md"
    assert (ROOT / "examples" / "review" / "README.md").is_file()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci


def test_rule_table_lists_every_rule():
    rows = dict(re.findall(r"^\| (CL\d{3}) \| ([a-z-]+) \|", README, re.MULTILINE))
    assert rows == {rule.code: rule.name for rule in BUILTIN_RULES}
