"""--changed-since: a contributor hears about their own card, not everybody's old defects."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import RULE_FIXTURES, SEED_DIR, commit, git


@pytest.fixture
def repo(tmp_path):
    """A git repository holding the bundled example (8 errors, 4 warnings) as committed."""
    work = tmp_path / "list"
    shutil.copytree(SEED_DIR, work)
    commit(work, "the list", init=True)
    return work


def new_card(missing_pipe: bool = True) -> str:
    """A complete card for a paper the list does not have, its Github row without its trailing pipe."""
    card = (RULE_FIXTURES / "clean.md").read_text(encoding="utf-8").split("\n", 1)[1]
    card = card.replace("DreamFusion: Text-to-3D using 2D Diffusion", "Magic3D: High-Resolution Text-to-3D Content Creation")
    card = card.replace("## DreamFusion", "## Magic3D").replace("2209.14988", "2211.10440").replace("FjNys5c7VyY", "magic3d0001")
    card = card.replace("img/ok.png", "img/0001.png")
    return card.replace("|Github|Not found|", "|Github|Not found") if missing_pipe else card


def add_card(repo, card: str) -> tuple[str, str]:
    path = repo / "README.md"
    text = path.read_text(encoding="utf-8")
    at = text.index("## DIFFormer")
    path.write_text(text[:at] + card + "\n" + text[at:], encoding="utf-8")
    return text, path.read_text(encoding="utf-8")


def lint(cli, repo, *args: str) -> tuple[int, list[dict]]:
    run = cli("--output-format", "json", *args, repo / "README.md")
    return run.code, json.loads(run.out)


def test_an_untouched_list_with_old_defects_passes(cli, repo):
    assert lint(cli, repo)[0] == 1  # 8 errors as committed
    assert lint(cli, repo, "--changed-since", "HEAD") == (0, [])


def test_only_the_new_cards_problem_is_reported_and_fixed(cli, repo):
    _, after = add_card(repo, new_card())
    code, found = lint(cli, repo, "--changed-since", "HEAD")
    github_line = after.split("\n").index("|Github|Not found") + 1
    assert code == 1
    assert [(d["line"], d["code"]) for d in found] == [(github_line, "CL208")]
    assert len(lint(cli, repo)[1]) == 13  # without the option: everybody's too
    cli("--fix", "--changed-since", "HEAD", repo / "README.md")
    fixed = (repo / "README.md").read_text(encoding="utf-8")
    changed = [n for n, (old, new) in enumerate(zip(after.split("\n"), fixed.split("\n")), start=1) if old != new]
    assert changed == [github_line]  # the old cards' defects are left to their authors


def test_a_card_that_only_moved_is_not_changed(cli, repo):
    path = repo / "README.md"
    text = path.read_text(encoding="utf-8")
    first, second = text.index("## Sampling is as easy"), text.index("## Decision Diffuser")
    end = text.index("# Notable Top 25%")
    path.write_text(text[:first] + text[second:end] + text[first:second] + text[end:], encoding="utf-8")
    assert lint(cli, repo, "--changed-since", "HEAD") == (0, [])


def test_a_new_duplicate_is_reported_though_on_an_old_line(cli, repo):
    """A problem the change brings counts even where it is reported on a line nobody touched: a new
    first card with DreamFusion's arXiv id makes DreamFusion, further down, the duplicate."""
    card = new_card(missing_pipe=False).replace("2211.10440", "2209.14988")
    path = repo / "README.md"
    text = path.read_text(encoding="utf-8")
    at = text.index("## DreamFusion")
    path.write_text(text[:at] + card + "\n" + text[at:], encoding="utf-8")
    dreamfusion = path.read_text(encoding="utf-8").split("\n").index("## DreamFusion") + 1
    found = [(d["line"], d["code"]) for d in lint(cli, repo, "--changed-since", "HEAD")[1]]
    assert (dreamfusion, "CL105") in found
    assert all(line < dreamfusion or code == "CL105" for line, code in found), found


def test_a_new_file_is_checked_whole(cli, repo):
    shutil.copy(repo / "README.md", repo / "OTHER.md")
    code, found = lint(cli, repo, "--changed-since", "HEAD")
    other = cli("--output-format", "json", "--changed-since", "HEAD", repo / "OTHER.md")
    assert len(json.loads(other.out)) == 12 and (code, found) == (0, [])


def test_outside_git_or_with_an_unknown_revision_is_an_error(cli, repo, tmp_path):
    run = cli("--changed-since", "no-such-ref", repo / "README.md")
    assert (run.code, run.err) == (2, "Error: unknown git revision 'no-such-ref' (--changed-since)\n")
    outside = tmp_path / "loose"
    shutil.copytree(SEED_DIR, outside)
    run = cli("--changed-since", "HEAD", outside / "README.md")
    assert run.code == 2
    assert run.err == f"Error: not in a git repository, so --changed-since has nothing to compare with ({outside / 'README.md'})\n"


def test_a_base_missing_from_a_shallow_clone_says_how_to_fetch_it(cli, repo, tmp_path):
    """actions/checkout fetches one commit unless told otherwise: the pull request's base is then
    unknown, and the error says what to change."""
    base = git("rev-parse", "HEAD", cwd=repo).strip()
    (repo / "README.md").write_text((repo / "README.md").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    commit(repo, "a change")
    clone = tmp_path / "clone"
    git("clone", "-q", "--depth", "1", repo.as_uri(), str(clone), cwd=tmp_path)
    run = cli("--changed-since", base, clone / "README.md")
    assert (run.code, run.err) == (
        2,
        f"Error: unknown git revision '{base}' (--changed-since); this clone is shallow: fetch the history"
        " (actions/checkout: fetch-depth: 0)\n",
    )
