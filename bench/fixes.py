"""Fix-time benchmark: `cardlint --fix` on N cards that each need one safe fix, as a ratio in one run.

    python bench/fixes.py          # 2,000 and 8,000 cards, 3 rounds, medians compared

Target (issue 15): fixing 8,000 one-fix cards takes at most 5x the time of 2,000 (four times the
work; quadratic fix choice took 16x).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_readme import build  # noqa: E402
from run import cardlint, compile_bytecode, options, timed  # noqa: E402

ROOT = HERE.parent


def one_fix_each(n: int) -> str:
    """The benchmark README with every Github row's trailing pipe removed (one CL208 fix a card)."""
    text = build(n)
    lines = [line[:-1] if line.startswith("|Github|") and line.endswith("|") else line for line in text.split("\n")]
    return "\n".join(lines)


def main() -> int:
    chosen = options(__doc__, 3, (2000, 8000))
    small, large = chosen.sizes
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="cardlint-bench-fix-") as temp:
        work = Path(temp)
        shutil.copytree(ROOT / "examples" / "review" / "img", work / "img")
        texts = {n: one_fix_each(n) for n in (small, large)}
        times: dict[int, list[float]] = {small: [], large: []}
        for _ in range(chosen.repeats):
            for n in (small, large):
                path = work / f"r{n}.md"
                path.write_text(texts[n], encoding="utf-8")
                times[n].append(timed(cardlint("--fix", "--output-format", "json", path.name), work, 1))
                fixed = path.read_text(encoding="utf-8")
                assert fixed != texts[n] and "|Github|" in fixed, "the fixes were not applied"
    t_small, t_large = statistics.median(times[small]), statistics.median(times[large])
    ratio = t_large / t_small
    verdict = "ok" if ratio <= 5 else "MISSED"
    print(f"cardlint --fix, {large} one-fix cards / {small}: {t_large:.2f} s / {t_small:.2f} s = {ratio:.2f}  <= 5 {verdict}")
    return 0 if ratio <= 5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
