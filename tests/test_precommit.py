"""The hooks in .pre-commit-hooks.yaml, installed by pre-commit itself from this repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import DATA, SEED_DIR

ROOT = Path(__file__).parent.parent


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_pre_commit_try_repo(tmp_path):
    """One hook environment is built (pip installs cardlint from this repo); then it fails, then passes."""
    work = tmp_path / "review"
    shutil.copytree(SEED_DIR, work)
    git("init", "-q", cwd=work)
    git("add", ".", cwd=work)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PRE_COMMIT_COLOR": "never"}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "cardlint", "--all-files"]
    failing = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "README.md:159:2: CL207 [*] Row key 'OpenReivew' is misspelled" in failing.stdout
    shutil.copy(DATA / "seed-clean" / "README.md", work / "README.md")
    git("add", ".", cwd=work)
    passing = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout
