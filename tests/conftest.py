"""Shared helpers: paths to the bundled data and the corpus, and running the CLI as a user would."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from cardlint.cli import main

TESTS = Path(__file__).parent
ROOT = TESTS.parent
DATA = TESTS / "data"
FIXTURES = TESTS / "fixtures"
RULE_FIXTURES = FIXTURES / "rules"
# The seed review README, bundled as the example, with its images.
SEED_DIR = ROOT / "examples" / "review"
SEED = SEED_DIR / "README.md"
# Other people's lists (history versions of the seed, real lists): read at run time, never copied here.
CORPUS = Path(os.environ["CARDLINT_CORPUS"]) if os.environ.get("CARDLINT_CORPUS") else None


def corpus(folder: str) -> Path:
    """A folder of the corpus, or a skip that says why there is none."""
    if CORPUS is None:
        pytest.skip("CARDLINT_CORPUS is not set: the real lists (../shared/data) are not here")
    path = CORPUS / folder
    if not path.is_dir():
        pytest.skip(f"the corpus has no {folder}/ ({CORPUS})")
    return path

# A fixture marks an expected diagnostic at the end of its line: `{CL208:66}` or `{CL207:2,CL404:13}`.
MARKER = re.compile(r" \{(CL\d{3}(?::\d+)?(?:,CL\d{3}(?::\d+)?)*)\}$")


@pytest.fixture(autouse=True)
def cache_outside_the_tree(tmp_path_factory, monkeypatch):
    """Each test's link cache goes to its own temporary folder, never next to the bundled data; and
    a test run inside a GitHub Actions job does not write that job's summary or read its workspace."""
    monkeypatch.setenv("CARDLINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Run ``cardlint ARGS`` in-process; returns exit code and captured output."""

    def run(*args: str) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def strip_markers(text: str) -> tuple[str, set[tuple[int, int | None, str]]]:
    """The fixture as a user would write it, and the (line, column, code) it expects."""
    expected: set[tuple[int, int | None, str]] = set()
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        match = MARKER.search(line)
        if not match:
            continue
        for item in match.group(1).split(","):
            code, _, column = item.partition(":")
            expected.add((number, int(column) if column else None, code))
        lines[number - 1] = line[: match.start()]
    return "\n".join(lines), expected


def git(*args: str, cwd: Path | str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def commit(folder: Path, message: str, init: bool = False) -> str:
    """Commit everything in ``folder`` (first making it a repository, with ``init``); the commit's id."""
    if init:
        git("init", "-q", cwd=folder)
    git("add", "-A", cwd=folder)
    git("-c", "user.email=ci@example.invalid", "-c", "user.name=ci", "commit", "-qm", message, cwd=folder)
    return git("rev-parse", "HEAD", cwd=folder).strip()


def clean_list() -> str:
    """The clean fixture card followed by the built-in template card: a one-card review list."""
    from cardlint.template import BUILTIN_TEMPLATE

    return (RULE_FIXTURES / "clean.md").read_text(encoding="utf-8") + "\n" + BUILTIN_TEMPLATE


def builtin_config():
    """Config that names the built-in template: for fixtures that hold cards and no template card."""
    from cardlint.config import Config

    return Config(template="builtin:iclr2023")


# The rule and shape fixtures (their fixed-text snapshots left out).
FIXTURE_FILES = sorted(
    path
    for folder in (FIXTURES / "rules", FIXTURES / "shapes")
    for path in folder.glob("*.md")
    if not path.name.endswith(".fixed.md")
)


def fixture_config(text: str, path: str):
    """The fixture's own template, else the built-in card (as the rule fixtures are checked)."""
    from cardlint.config import Config
    from cardlint.locate import load
    from cardlint.source import Source

    return Config() if load(Source.from_text(text, path), Config()).template is not None else builtin_config()
