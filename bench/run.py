"""Benchmark cardlint against its targets, as ratios measured in one run on this machine.

    python bench/run.py            # N = 1,000 and 5,000 cards; 5 rounds, medians compared

Targets (issue 14): cardlint on 5,000 cards (16 MB) <= 0.5x a bare mistune parse of the same file;
the 5,000-card time <= 5.5x the 1,000-card time; the seed README <= 0.2x markdownlint-cli2's time
on it, as a pre-commit hook runs both, when node and markdownlint-cli2 are installed
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

# What a check on the seed imports before cardlint's own code: the floor under the seed's ratio.
DEPENDENCIES = "import click, bibtexparser, rapidfuzz.fuzz, rapidfuzz.process"
MISTUNE = "import sys, mistune; mistune.create_markdown(renderer=None)(open(sys.argv[1], encoding='utf-8').read())"


def timed(command: list[str], cwd: Path, repeats: int) -> float:
    """Median wall time of a command."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{command} failed: {result.stderr.decode()[-500:]}")
    return statistics.median(times)


def cardlint(*args: str) -> list[str]:
    """The ``cardlint`` console script beside this Python, as pre-commit and CI run it."""
    script = Path(sys.executable).with_name("cardlint")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "cardlint", *args]


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


def options(description: str | None, repeats: int, sizes: tuple[int, int]) -> argparse.Namespace:
    """The benchmarks' command line: how many rounds, and the two sizes compared."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--sizes", type=int, nargs=2, default=sizes, metavar=("SMALL", "LARGE"))
    return parser.parse_args()


def main() -> int:
    chosen = options(__doc__, 5, (1000, 5000))
    small, large = chosen.sizes
    compile_bytecode()
    rows: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="cardlint-bench-") as temp:
        work = Path(temp)
        shutil.copytree(ROOT / "examples" / "review" / "img", work / "img")
        for n in (small, large):
            (work / f"r{n}.md").write_text(build(n), encoding="utf-8")
        seed = work / "seed" / "README.md"
        shutil.copytree(ROOT / "examples" / "review", seed.parent)
        repeats = chosen.repeats

        big = work / f"r{large}.md"
        # Rounds: each runs every measure once, so that this machine's slow and fast spells fall on
        # the runs compared alike.
        runs: dict[str, list[float]] = {k: [] for k in ("small", "large", "mistune", "seed", "floor", "markdownlint")}
        mdl = markdownlint()
        for _ in range(repeats):
            runs["small"].append(timed(cardlint("--output-format", "json", f"r{small}.md"), work, 1))
            runs["large"].append(timed(cardlint("--output-format", "json", big.name), work, 1))
            runs["mistune"].append(timed([sys.executable, "-c", MISTUNE, big.name], work, 1))
            runs["seed"].append(timed(cardlint("README.md"), seed.parent, 1))
            runs["floor"].append(timed([sys.executable, "-c", DEPENDENCIES], seed.parent, 1))
            if mdl is not None:
                runs["markdownlint"].append(timed([*mdl, "README.md"], seed.parent, 1))
        t_small, t_large, t_mistune, t_seed, t_floor = (
            statistics.median(runs[k]) for k in ("small", "large", "mistune", "seed", "floor")
        )
        rows.append((f"cardlint {large} cards / bare mistune parse", t_large, t_mistune, "<= 0.5"))
        rows.append((f"cardlint {large} cards / {small} cards", t_large, t_small, "<= 5.5"))
        if mdl is not None:
            t_mdl = statistics.median(runs["markdownlint"])
            rows.append(("cardlint on the seed / markdownlint-cli2 (pre-commit)", t_seed, t_mdl, "<= 0.2"))
            rows.append(("python importing click, bibtexparser, rapidfuzz / markdownlint-cli2", t_floor, t_mdl, "(info)"))
        else:
            rows.append(("markdownlint-cli2 not installed: seed comparison skipped", t_seed, t_seed, "(info)"))
        rows.append(("cardlint on the seed / python importing its dependencies", t_seed, t_floor, "(info)"))

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
