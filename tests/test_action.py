"""The GitHub Action (action.yml) run as a runner would: its steps in order, inputs and GITHUB_* set."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import SEED_DIR, commit

ROOT = Path(__file__).parent.parent



def expand(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace("${{ " + name + " }}", value)
    assert "${{" not in text, text
    return text


EDITED_CARD = [
    "::error file=README.md,line=215,col=42,endLine=215,endColumn=42,title=cardlint CL208 (row-pipes)::"
    "Table row has no trailing pipe (fix: Add a trailing pipe)",
    "::error file=README.md,line=216,col=75,endLine=216,endColumn=75,title=cardlint CL208 (row-pipes)::"
    "Table row has no trailing pipe (fix: Add a trailing pipe)",
]


def pull_request(tmp_path: Path) -> tuple[str, dict[str, str], Path, str]:
    """The action's check step, its environment, a list repository whose last commit edits one card,
    and the base commit (cardlint installed from this checkout as the install step does)."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    install, check = action["runs"]["steps"]

    work = tmp_path / "list"
    shutil.copytree(SEED_DIR, work)
    base = commit(work, "base", init=True)
    readme = work / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("|Institute | Meta AI, Sorbonne Université|", "|Institute | Meta AI, Sorbonne Université", 1))
    commit(work, "the pull request")

    # The install step, into a folder of its own (the test's environment already has the dependencies).
    target = tmp_path / "installed"
    command = expand(install["run"], {"github.action_path": str(ROOT)})
    command = command.replace("python -m pip install", f'"{sys.executable}" -m pip install --no-deps --target "{target}"')
    subprocess.run(["bash", "-c", command], check=True, capture_output=True)

    values = {
        "github.action_path": str(ROOT),
        "inputs.paths": "README.md",
        "inputs.args": "--select CL2",
        "inputs.changed-only": "true",
        "github.event.pull_request.base.sha": base,
    }
    env = {name: expand(value, values) for name, value in check["env"].items()}
    env = {
        **os.environ,
        **env,
        "PATH": f"{target / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(target),
        "GITHUB_WORKSPACE": str(work),
        "GITHUB_ACTIONS": "true",
    }
    env.pop("GITHUB_STEP_SUMMARY", None)
    return check["run"], env, work, base


def test_the_action_annotates_only_what_the_pull_request_changed(tmp_path):
    script, env, work, _ = pull_request(tmp_path)
    run = subprocess.run(["bash", "-e", "-c", script], cwd=work, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stderr
    # The edited card's problems only (its new one and its own older one), none of the other cards'.
    assert run.stdout.splitlines() == EDITED_CARD
    everything = subprocess.run(
        ["bash", "-e", "-c", script], cwd=work, env={**env, "INPUT_CHANGED_ONLY": "false"},
        capture_output=True, text=True, check=False,
    )
    assert everything.stdout.count("::error") == 6  # the whole list's CL2 errors, the old ones too


def test_the_action_fetches_the_base_that_a_shallow_checkout_lacks(tmp_path):
    """actions/checkout fetches one commit unless told otherwise; the action fetches the base itself."""
    script, env, work, base = pull_request(tmp_path)
    clone = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", "--depth", "1", work.as_uri(), str(clone)], check=True, capture_output=True)
    assert subprocess.run(["git", "cat-file", "-e", f"{base}^{{commit}}"], cwd=clone, capture_output=True).returncode != 0
    run = subprocess.run(
        ["bash", "-e", "-c", script], cwd=clone, env={**env, "GITHUB_WORKSPACE": str(clone)},
        capture_output=True, text=True, check=False,
    )
    assert (run.returncode, run.stdout.splitlines()) == (1, EDITED_CARD), run.stderr
