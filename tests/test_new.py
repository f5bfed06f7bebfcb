"""`cardlint new`: a card from the README's own template, placed in its tier and score order."""

from __future__ import annotations

import shutil

import pytest

from conftest import DATA

MAGIC3D = ["--title", "Magic3D: High-Resolution Text-to-3D Content Creation", "--name", "Magic3D"]


@pytest.fixture
def seed(tmp_path):
    shutil.copytree(DATA / "seed-clean", tmp_path / "review")
    return tmp_path / "review" / "README.md"


def headings(path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]


def test_new_card_lints_clean_but_for_its_empty_values(cli, seed):
    run = cli("new", seed, *MAGIC3D, "--tier", "Notable Top 25%", "--openreview", "abc123XYZ")
    assert run.code == 0
    assert run.out == f"Added card 'Magic3D' under 'Notable Top 25%' at {seed}:275.\n"
    assert headings(seed)[-3:] == ["## DiffEdit", "## Magic3D", "## Template"]
    lint = cli("--output-format", "json", seed)
    import json

    found = {(d["code"], d["line"]) for d in json.loads(lint.out)}
    assert found == {("CL209", 279)} | {("CL306", line) for line in range(285, 296, 2)}
    text = seed.read_text(encoding="utf-8")
    assert "|OpenReview|https://openreview.net/forum?id=abc123XYZ|\n" in text


def test_new_card_placed_by_score(cli, seed, tmp_path):
    (seed.parent / "scores.csv").write_text(
        "openreview_id,score\nFjNys5c7VyY,8.67\nzyLVMgsZ0U,8.0\nsP1fo2K9DFG,7.5\nj6zUzrapY3L,6.5\n3lge0p5o-M-,6.0\n"
    )
    (seed.parent / ".cardlint.toml").write_text('scores = "scores.csv"\n')
    assert cli(seed).code == 0
    run = cli("new", seed, *MAGIC3D, "--tier", "Notable Top 5%", "--score", "7.75")
    assert run.code == 0
    assert headings(seed)[1:6] == [
        "# Notable Top 5%", "## DreamFusion", "## Sampling is as easy as learning the score", "## Magic3D",
        "## Decision Diffuser",
    ]
    assert "<!-- cardlint: score=7.75 -->" in seed.read_text(encoding="utf-8")
    assert "CL702" not in cli(seed).out


def test_new_tier_is_created_in_configured_order(cli, seed):
    cli("new", seed, *MAGIC3D, "--tier", "Poster")
    assert headings(seed)[-3:] == ["# Poster", "## Magic3D", "## Template"]
    assert "CL7" not in cli(seed).out


def test_duplicate_refused(cli, seed):
    before = seed.read_bytes()
    run = cli("new", seed, "--title", "DiffEdit: diffusion-based semantic image editing with mask guidance", "--tier", "Poster")
    assert (run.code, run.err) == (2, f"Error: a card with this title exists: 'DiffEdit' ({seed}:223)\n")
    run = cli("new", seed, *MAGIC3D, "--tier", "Poster", "--openreview", "https://openreview.net/forum?id=3lge0p5o-M-")
    assert (run.code, run.err) == (2, f"Error: a card with OpenReview id 3lge0p5o-M- exists: 'DiffEdit' ({seed}:223)\n")
    assert seed.read_bytes() == before


def test_unknown_tier_and_missing_options(cli, seed):
    run = cli("new", seed, *MAGIC3D, "--tier", "Oral")
    assert run.code == 2
    assert run.err.startswith("Error: unknown tier 'Oral'; configured tiers: Notable Top 5%, Notable Top 25%, Poster")
    run = cli("new", seed, "--tier", "Poster")
    assert run.code == 2 and run.err.startswith("Error: Missing option '--title'")


def test_new_without_template_card_uses_builtin(cli, tmp_path):
    path = tmp_path / "README.md"
    path.write_text("# My review\n\n# Notable Top 5%\n")
    assert cli("new", path, *MAGIC3D, "--tier", "Notable Top 5%", "--paper-link", "https://arxiv.org/abs/2211.10440").code == 0
    text = path.read_text()
    assert text.startswith("# My review\n\n# Notable Top 5%\n\n## Magic3D\n| | |\n|--|--|\n|Title|Magic3D")
    assert "6. **Model's information**" in text
