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


def test_plugin_example_imports_only_the_api_and_runs():
    """The README's plugin works as written: it imports from cardlint.api alone and reports."""
    (block,) = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
    imports = re.findall(r"^(?:from|import) (\S+)", block, re.MULTILINE)
    assert [name for name in imports if name.startswith("cardlint")] == ["cardlint.api"]
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)

    from cardlint.config import Config
    from cardlint.linter import lint_source
    from cardlint.rules import validate_rule
    from cardlint.source import Source
    from conftest import SEED

    rule = validate_rule(namespace["VenueRow"], "README example")
    found = lint_source(Source.read(str(SEED)), Config(), [rule]).diagnostics
    assert [(d.line, d.code, d.severity.value) for d in found][:2] == [(8, "XV100", "warning"), (61, "XV100", "warning")]
    assert found[0].message == "Card 'DreamFusion' has no Venue row"
