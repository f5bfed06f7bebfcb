"""Benchmark cardlint against its targets, as ratios measured in one run on this machine.

    python bench/run.py            # N = 1,000 and 5,000; 5 repeats each, median kept

Targets (issue 7): cardlint on 5,000 cards <= 1.0x a bare mistune parse of the same file; the
5,000-card time <= 5.5x the 1,000-card time; a re-lint after one card changed <= 0.1x the cold
time (per-card cache); the seed README <= 0.33x markdownlint-cli2's time with the cache warm, as a pre-commit hook runs
it (the no-cache figure is printed too), when node and markdownlint-cli2 are installed
(`npm install --prefix bench markdownlint-cli2`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from make_readme import build  # noqa: E402

MISTUNE = "import sys, mistune; mistune.create_markdown(renderer=None)(open(sys.argv[1], encoding='utf-8').read())"


def timed(command: list[str], cwd: Path, repeats: int, before=None) -> float:
    """Median wall time of a command; ``before`` runs untimed ahead of each repeat."""
    times = []
    for _ in range(repeats):
        if before is not None:
            before()
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{command} failed: {result.stderr.decode()[-500:]}")
    return statistics.median(times)


def cardlint(*args: str) -> list[str]:
    return [sys.executable, "-m", "cardlint", *args]


def markdownlint() -> list[str] | None:
    for candidate in (HERE / "node_modules" / ".bin" / "markdownlint-cli2", shutil.which("markdownlint-cli2")):
        if candidate and Path(candidate).exists() and shutil.which("node"):
            return [str(candidate)]
    return None


def verdict(ratio: float, target: float) -> str:
    return "ok" if ratio <= target else "MISSED"


def compile_bytecode() -> None:
    """Measure cardlint as an installed package runs: from bytecode. (An editable install under
    PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every module on every start.)"""
    import compileall

    import cardlint

    compileall.compile_dir(str(Path(cardlint.__file__).parent), quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs=2, default=(1000, 5000), metavar=("SMALL", "LARGE"))
    options = parser.parse_args()
    small, large = options.sizes
    compile_bytecode()
    rows: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="cardlint-bench-") as temp:
        work = Path(temp)
        shutil.copytree(ROOT / "examples" / "review" / "img", work / "img")
        for n in (small, large):
            (work / f"r{n}.md").write_text(build(n), encoding="utf-8")
        seed = work / "seed" / "README.md"
        shutil.copytree(ROOT / "examples" / "review", seed.parent)
        repeats = options.repeats

        big = work / f"r{large}.md"
        original = big.read_text(encoding="utf-8")
        edited = original.replace("|Institute |Google Research, UC Berkeley|", "|Institute |Google Research|", 1)
        assert edited != original

        def cold() -> None:
            shutil.rmtree(work / ".cardlint_cache", ignore_errors=True)
            big.write_text(original, encoding="utf-8")

        # Rounds: each runs every large-file measure once, so that this machine's slow and fast
        # spells fall on the runs compared alike. The cold run fills the cache that the warm run,
        # after one card is edited, reads.
        runs: dict[str, list[float]] = {"small": [], "large": [], "mistune": [], "cold": [], "warm": []}
        lint_big = cardlint("--output-format", "json", big.name)
        for _ in range(repeats):
            runs["small"].append(timed(cardlint("--no-cache", "--output-format", "json", f"r{small}.md"), work, 1))
            runs["large"].append(timed(cardlint("--no-cache", "--output-format", "json", big.name), work, 1, before=cold))
            runs["mistune"].append(timed([sys.executable, "-c", MISTUNE, big.name], work, 1))
            runs["cold"].append(timed(lint_big, work, 1, before=cold))
            big.write_text(edited, encoding="utf-8")
            runs["warm"].append(timed(lint_big, work, 1))
        t_small, t_large, t_mistune, t_cold, t_warm = (statistics.median(runs[k]) for k in runs)
        rows.append((f"cardlint {large} cards / bare mistune parse", t_large, t_mistune, "<= 1.0"))
        rows.append((f"cardlint {large} cards / {small} cards", t_large, t_small, "<= 5.5"))
        rows.append((f"re-lint after one card changed / cold ({large} cards)", t_warm, t_cold, "<= 0.1"))

        t_seed = timed(cardlint("--no-cache", "README.md"), seed.parent, repeats)
        t_import = timed([sys.executable, "-c", "import cardlint"], seed.parent, repeats)
        rows.append(("cardlint on the seed / python -c 'import cardlint'", t_seed, t_import, "(info)"))
        subprocess.run(cardlint("README.md"), cwd=seed.parent, stdout=subprocess.DEVNULL, check=False)
        t_seed_warm = timed(cardlint("README.md"), seed.parent, repeats)
        mdl = markdownlint()
        if mdl is not None:
            t_mdl = timed([*mdl, "README.md"], seed.parent, repeats)
            rows.append(("cardlint on the seed, no cache / markdownlint-cli2", t_seed, t_mdl, "(info)"))
            rows.append(("cardlint on the seed, cache warm (pre-commit) / markdownlint-cli2", t_seed_warm, t_mdl, "<= 0.33"))
        else:
            rows.append(("markdownlint-cli2 not installed: seed comparison skipped", t_seed, t_seed, "(info)"))

    print(f"{'measure':<66} {'a (s)':>8} {'b (s)':>8} {'a/b':>7}  target")
    failed = False
    for name, a, b, target in rows:
        ratio = a / b
        mark = ""
        if target.startswith("<="):
            mark = verdict(ratio, float(target[2:]))
            failed |= mark != "ok"
        print(f"{name:<66} {a:8.3f} {b:8.3f} {ratio:7.3f}  {target} {mark}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
