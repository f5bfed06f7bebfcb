"""The per-card cache: results with and without it are identical, and it never hides a change."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import DATA

HISTORY = sorted((DATA / "history").glob("*.md"))


@pytest.fixture
def seed(tmp_path):
    shutil.copytree(DATA / "seed", tmp_path / "review")
    return tmp_path / "review" / "README.md"


def lint(cli, path, *args):
    run = cli("--output-format", "json", *args, path)
    return run.code, json.loads(run.out)


@pytest.mark.parametrize("name", ["seed", "seed-clean"] + [f"history/{p.name}" for p in HISTORY])
def test_same_results_cold_warm_and_without(cli, tmp_path, name):
    shutil.copytree(DATA / "seed" / "img", tmp_path / "img")
    path = tmp_path / "README.md"
    shutil.copy(DATA / name if name.startswith("history") else DATA / name / "README.md", path)
    without = lint(cli, path, "--no-cache")
    assert not (tmp_path / ".cardlint_cache").exists()
    cold = lint(cli, path)
    assert list((tmp_path / ".cardlint_cache").glob("cards-*.jsonl"))
    warm = lint(cli, path)
    assert without == cold == warm


def test_edit_that_shifts_every_later_card(cli, seed):
    lint(cli, seed)
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("|Title|Dreamfusion", "|Title|Dreamfusion\n|Venue|ICLR", 1), encoding="utf-8")
    assert lint(cli, seed) == lint(cli, seed, "--no-cache")
    codes = {(d["line"], d["code"]) for d in lint(cli, seed)[1]}
    assert (12, "CL204") in codes and (160, "CL207") in codes  # the OpenReivew row moved down one line


def test_fix_positions_from_the_cache_are_exact(cli, seed):
    lint(cli, seed)
    seed.write_text("<!-- a new first line -->\n" + seed.read_text(encoding="utf-8"), encoding="utf-8")
    warm = lint(cli, seed)[1]
    fresh = lint(cli, seed, "--no-cache")[1]
    assert warm == fresh
    assert all(d["fix"] is None or d["fix"]["edits"] for d in warm)


def test_images_are_checked_on_disk_every_time(cli, seed):
    assert lint(cli, seed)[1] == lint(cli, seed)[1]
    (seed.parent / "img" / "0004.png").unlink()
    found = {(d["line"], d["code"]) for d in lint(cli, seed)[1]}
    assert (114, "CL501") in found


def test_config_change_is_not_served_from_the_cache(cli, seed):
    lint(cli, seed)
    (seed.parent / ".cardlint.toml").write_text('required-rows = ["Title", "Paper Link", "Github"]\n')
    seed.write_text(seed.read_text(encoding="utf-8").replace("|Github| Not Found|", "|Github| |"), encoding="utf-8")
    lint(cli, seed)
    assert lint(cli, seed) == lint(cli, seed, "--no-cache")
    assert "CL209" in {d["code"] for d in lint(cli, seed)[1]}


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: "{not json",
        lambda text: text[: len(text) // 2],  # a write cut short
        lambda text: "\n".join(line.split(" ")[0] + " [1, 2, 3]" for line in text.splitlines()),
        lambda text: "\n".join(line.split(" ")[0] + ' [[["CL201"]], [], {}]' for line in text.splitlines()),
        lambda text: "\n".join(line.split(" ")[0] + " [[], [[1]], {}]" for line in text.splitlines()),
        lambda text: "\n".join(line.split(" ")[0] + " [[], [], []]" for line in text.splitlines()),
    ],
    ids=["not-json", "truncated", "wrong-shape", "short-diagnostic", "short-image", "facts-not-a-dict"],
)
def test_damaged_cache_is_ignored(cli, seed, damage):
    expected = lint(cli, seed)
    entries = list((seed.parent / ".cardlint_cache").glob("cards-*.jsonl"))
    assert entries
    for entry in entries:
        entry.write_text(damage(entry.read_text()))
    assert lint(cli, seed) == expected
    assert lint(cli, seed) == expected  # and the rewritten cache serves the same
    assert (seed.parent / ".cardlint_cache" / ".gitignore").read_text().endswith("*\n")
