"""Hostile input and hostile file situations: bounded time and memory, nothing lost.

Each case runs cardlint in a child process that reports its peak memory (ru_maxrss); the child is
killed at the time bound stated in the test, so a hang fails the test instead of stalling CI.
These are bounds against runaway behaviour (quadratic scans, unbounded recursion), not benchmarks.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cardlint.template import BUILTIN_TEMPLATE
from conftest import RULE_FIXTURES, SEED_DIR

# The console script's entry, as a user runs it, reporting its peak memory on the way out. Linux's
# VmHWM is the process's own high-water mark; ru_maxrss also counts what the forking parent (this
# test run, large by now) held before exec, and is only the fallback.
CHILD = (
    "import resource, sys\n"
    "from cardlint.__main__ import entry\n"
    "def peak():\n"
    "    try:\n"
    "        with open('/proc/self/status') as status:\n"
    "            return next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))\n"
    "    except (OSError, StopIteration):\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "try:\n"
    "    entry()\n"
    "finally:\n"
    "    print('maxrss-kb', peak(), file=sys.stderr)\n"
)
CARD = (RULE_FIXTURES / "clean.md").read_text(encoding="utf-8").split("\n", 1)[1]
M = 1_000_000


def run_bounded(path: Path, seconds: int, *args: str) -> tuple[int, int, str]:
    """(exit code, peak memory in MB, stderr) of `cardlint --output-format json ARGS PATH`."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD, "--output-format", "json", *args, str(path)],
        capture_output=True,
        text=True,
        timeout=seconds,
        check=False,
    )
    *err, last = result.stderr.strip().splitlines()
    assert last.startswith("maxrss-kb "), result.stderr[-2000:]
    return result.returncode, int(last.split()[1]) // 1024, "\n".join(err)


def many_cards(size: int) -> str:
    parts = ["# Review\n\n# Notable Top 5%\n"]
    total = 0
    index = 0
    while total < size:
        card = CARD.replace("DreamFusion", f"DreamFusion {index}").replace("FjNys5c7VyY", f"id{index:09d}")
        parts.append(card + "\n")
        total += len(card) + 1
        index += 1
    parts.append(BUILTIN_TEMPLATE)
    return "".join(parts)


def test_fifty_megabyte_readme(tmp_path):
    """A 50 MB README (about 46,000 cards): at most 90 s and 1.5 GB."""
    shutil.copytree(RULE_FIXTURES / "img", tmp_path / "img")
    path = tmp_path / "README.md"
    path.write_text(many_cards(50 * M), encoding="utf-8")
    code, peak, err = run_bounded(path, 90)
    assert code in (0, 1), err
    assert peak < 1536


LONG_LINES = [
    ("plain", "x" * M),
    ("table-of-pipes", "| | |\n|--|--|\n" + "|" * M),
    ("one-row-many-cells", "| | |\n|--|--|\n|Title|" + "a|" * (M // 2)),
    ("images", "![a](b) " * (M // 8)),
    ("unclosed-images", "![" * (M // 2)),
    ("brackets", "![" + "[" * M),
    ("bold-label", "1. " + "**" * (M // 2)),
    ("emphasis-label", "1. " + "*a " * (M // 3)),
    ("angle-brackets", "<" * M),
    ("unclosed-img-tags", "<img " * (M // 5)),
    ("unbalanced-html", "<div><p><details><summary>" * (M // 26)),
    ("heading", "#" * 2 + " " + "x" * M),
]


# Each case is named by its name alone: an id of the 1 MB body would go into the environment of
# every process the test starts (PYTEST_CURRENT_TEST), and past the system's limit.
@pytest.mark.parametrize("name, body", LONG_LINES, ids=[name for name, _ in LONG_LINES])
def test_one_megabyte_line(tmp_path, name, body):
    """A single line of about 1 MB under a card: a few seconds (at most 10 s) and 1 GB."""
    path = tmp_path / f"{name}.md"
    path.write_text("# Notable Top 5%\n## Card\n" + body + "\n", encoding="utf-8")
    code, peak, err = run_bounded(path, 10)
    assert code in (0, 1), err
    assert peak < 1024


DEEP_AND_MANY = [
    ("nested-lists", "".join("  " * i + "- x\n" for i in range(5000))),
    ("nested-quotes", "> " * 20000 + "x\n"),
    ("thousands-of-details", "<details>\n<summary>S</summary>\n<p>\n" * 5000),
    ("closed-details", "<details>\n<summary>S</summary>\n\n@misc{a, title={T}}\n</details>\n\n" * 5000),
    ("ten-thousand-rows", "| | |\n|--|--|\n" + "".join(f"|Row{i}|v|\n" for i in range(10000))),
    ("unclosed-fences", "```\n## Hidden\n" * 20000),
    ("many-headings", "".join(f"## Card {i}\n" for i in range(20000))),
]


@pytest.mark.parametrize("name, body", DEEP_AND_MANY, ids=[name for name, _ in DEEP_AND_MANY])
def test_deep_and_many(tmp_path, name, body):
    """Deep nesting and thousands of blocks: a few seconds (at most 10 s) and 1 GB, no recursion error."""
    path = tmp_path / f"{name}.md"
    path.write_text("# Notable Top 5%\n## Card\n" + body, encoding="utf-8")
    code, peak, err = run_bounded(path, 10)
    assert code in (0, 1), err
    assert "Traceback" not in err
    assert peak < 1024


def test_over_the_size_limit_is_an_error(cli, tmp_path):
    path = tmp_path / "README.md"
    path.write_text("x" * 5000)
    (tmp_path / ".cardlint.toml").write_text("max-file-size = 4096\n")
    run = cli(path)
    assert (run.code, run.out) == (2, "")
    assert run.err == f"Error: file is 5,000 bytes, over the 4,096-byte limit (config max-file-size) ({path})\n"


def test_two_processes_fixing_one_file(tmp_path):
    """Both run at once: the file ends as the fixed text, never a mix; a loser says why; no temp files."""
    shutil.copytree(SEED_DIR, tmp_path / "review")
    path = tmp_path / "review" / "README.md"
    reference = tmp_path / "reference.md"
    shutil.copy(path, reference)
    subprocess.run([sys.executable, "-m", "cardlint", "--fix", str(reference)], capture_output=True, check=False)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "cardlint", "--fix", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    errors = [p.communicate(timeout=60)[1] for p in processes]  # each read to its end, its pipes closed
    results = [(p.returncode, err) for p, err in zip(processes, errors)]
    assert path.read_bytes() == reference.read_bytes()
    for code, err in results:
        assert code in (1, 2), err
        if code == 2:
            assert err == f"Error: file changed on disk while cardlint ran; nothing written ({path})\n"
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".cardlint-")] == []
