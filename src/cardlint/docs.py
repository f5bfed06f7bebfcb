"""Rule pages: ``rules/CLxxx.md`` is rendered from the rule's class; ``python -m cardlint.docs DIR`` writes them."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

from cardlint.diagnostic import FixSafety
from cardlint.rules import Rule


def rule_page(rule: type[Rule]) -> str:
    if rule.fix is None:
        fix = "none"
    elif rule.fix is FixSafety.SAFE:
        fix = "safe (`--fix`)"
    else:
        fix = "unsafe (`--fix --unsafe-fixes`)"
    body = inspect.cleandoc(rule.__doc__ or "")
    return (
        f"# {rule.code}: {rule.name}\n\n"
        f"{rule.summary}.\n\n"
        f"| | |\n|--|--|\n|Severity|{rule.severity.value}|\n|Fix|{fix}|\n\n"
        f"{body}\n"
    )


def write_pages(folder: Path) -> list[Path]:
    from cardlint.rules import BUILTIN_RULES

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for rule in BUILTIN_RULES:
        path = folder / f"{rule.code}.md"
        path.write_text(rule_page(rule), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for page in write_pages(Path(sys.argv[1] if len(sys.argv) > 1 else "rules")):
        print(page)
