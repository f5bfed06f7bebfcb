"""The README's pre-commit recipe, as written, installed by pre-commit itself from this repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import SEED_DIR, commit, git

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")



def snapshot(target: Path) -> str:
    """This working tree (committed or not) as a one-commit repository: its URL for pre-commit."""
    files = git("ls-files", "-co", "--exclude-standard", cwd=ROOT).splitlines()
    for name in files:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return commit(target, "snapshot", init=True)


def test_the_readme_recipe_reports_the_commits_own_card_only(tmp_path):
    """An untouched list with old defects lets a commit through; editing one card with a defect
    fails it with that card's problems only."""
    (recipe,) = [block for block in re.findall(r"```yaml\n(.*?)```", README, re.DOTALL) if "pre-commit-config" in block]
    hooks = tmp_path / "cardlint"
    hooks.mkdir()
    rev = snapshot(hooks)
    config = recipe.replace("https://github.com/OWNER/cardlint", str(hooks)).replace("0123abc", rev)
    assert "github.com/OWNER" not in config and "--changed-since" in config

    work = tmp_path / "review"
    shutil.copytree(SEED_DIR, work)
    (work / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    commit(work, "the list", init=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PRE_COMMIT_COLOR": "never"}
    command = [sys.executable, "-m", "pre_commit", "run", "--all-files"]

    untouched = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)
    assert untouched.returncode == 0, untouched.stdout + untouched.stderr  # 8 old errors, none of them new

    readme = work / "README.md"
    text = readme.read_text(encoding="utf-8")
    readme.write_text(text.replace("|Institute |Google Research, UC Berkeley|", "|Institute |Google Research, UC Berkeley", 1))
    git("add", "README.md", cwd=work)
    edited = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)
    assert edited.returncode == 1, edited.stdout + edited.stderr
    reported = [line for line in edited.stdout.splitlines() if ": CL" in line]
    # The edited card's problems (the new one and its own older ones), nothing from the other cards.
    assert "README.md:14:41: CL208 [*] Table row has no trailing pipe" in reported
    assert all(8 <= int(line.split(":")[1]) <= 60 for line in reported), reported
