"""`cardlint new`: a card from the README's own template, placed in its tier and score order."""

from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest

from conftest import DATA

MAGIC3D = ["--title", "Magic3D: High-Resolution Text-to-3D Content Creation", "--name", "Magic3D"]


@pytest.fixture
def seed(tmp_path):
    shutil.copytree(DATA / "seed-clean", tmp_path / "review")
    (tmp_path / "review" / ".cardlint.toml").write_text('tiers = ["Notable Top 5%", "Notable Top 25%", "Poster"]\n')
    return tmp_path / "review" / "README.md"


def test_without_configured_tiers_a_new_section_goes_last_and_a_near_miss_is_refused(cli, seed):
    (seed.parent / ".cardlint.toml").unlink()
    run = cli("new", seed, *MAGIC3D, "--tier", "Notable top 25")
    assert run.code == 2 and run.err.startswith("Error: unknown tier 'Notable top 25'; did you mean 'Notable Top 25%'?")
    assert cli("new", seed, *MAGIC3D, "--tier", "Text-to-3D").code == 0
    assert headings(seed)[-3:] == ["# Text-to-3D", "## Magic3D", "## Template"]


def headings(path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]


def test_new_card_lints_clean_but_for_its_empty_values(cli, seed):
    run = cli("new", seed, *MAGIC3D, "--tier", "Notable Top 25%", "--openreview", "abc123XYZ")
    assert run.code == 0
    fields = ["Task", "Problem", "Method", "Performance", "Dataset", "Model's information"]
    assert run.out.splitlines() == [
        f"Added card 'Magic3D' under 'Notable Top 25%' at {seed}:275.",
        "Still to write:",
        f"  {seed}:279:13: Row 'Paper Link' has no value",
        *(f"  {seed}:{285 + 2 * index}:4: Field '{name}' has no text" for index, name in enumerate(fields)),
    ]
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
    assert run.code == 2 and run.err.startswith("Error: --title is needed (or --arxiv)")


def test_new_without_template_card_needs_one_named(cli, tmp_path):
    path = tmp_path / "README.md"
    path.write_text("# My review\n\n# Notable Top 5%\n")
    run = cli("new", path, *MAGIC3D, "--tier", "Notable Top 5%")
    assert run.code == 2 and run.err.startswith(f"Error: {path} has no template card")
    (tmp_path / ".cardlint.toml").write_text('template = "builtin:iclr2023"\n')
    assert cli("new", path, *MAGIC3D, "--tier", "Notable Top 5%", "--paper-link", "https://arxiv.org/abs/2211.10440").code == 0
    text = path.read_text()
    assert text.startswith("# My review\n\n# Notable Top 5%\n\n## Magic3D\n| | |\n|--|--|\n|Title|Magic3D")
    assert "6. **Model's information**" in text


def test_new_writes_only_what_cardlint_accepts(cli, seed):
    """A link the rules reject is refused with the rule's message; one a safe fix mends is written
    mended; a duplicate arXiv id is refused; a near-miss tier gets a suggestion."""
    before = seed.read_bytes()
    run = cli("new", seed, *MAGIC3D, "--tier", "Poster", "--paper-link", "http://arxiv.org/abs/2211.10440")
    assert run.code == 2
    assert run.err.startswith("Error: the new card would not pass: CL402 Paper Link uses the 'http' scheme; use https (")
    run = cli("new", seed, *MAGIC3D, "--tier", "Poster", "--paper-link", "https://arxiv.org/abs/2210.11427v2")
    assert (run.code, run.err) == (2, f"Error: a card with arXiv id 2210.11427 exists: 'DiffEdit' ({seed}:223)\n")
    run = cli("new", seed, *MAGIC3D, "--tier", "Notable top 25")
    assert (run.code, run.err) == (2, "Error: unknown tier 'Notable top 25'; did you mean 'Notable Top 25%'? (--tier)\n")
    assert seed.read_bytes() == before
    run = cli("new", seed, *MAGIC3D, "--tier", "Poster", "--paper-link", "https://arxiv.org/abs/2211.10440.pdf")
    assert run.code == 0
    assert "|Paper Link|https://arxiv.org/abs/2211.10440|\n" in seed.read_text(encoding="utf-8")


def test_new_on_the_bundled_example_adds_only_what_it_announces(cli, tmp_path):
    """After `cardlint new`, `cardlint` reports what it reported before plus exactly the empty
    values the command said are still to write."""
    from conftest import SEED_DIR

    shutil.copytree(SEED_DIR, tmp_path / "example")
    path = tmp_path / "example" / "README.md"

    def problems() -> Counter:
        return Counter((d["code"], d["message"]) for d in json.loads(cli("--output-format", "json", path).out))

    before = problems()
    run = cli("new", path, *MAGIC3D, "--tier", "Notable Top 25%", "--paper-link", "https://arxiv.org/abs/2211.10440")
    assert run.code == 0
    announced = [line.split(": ", 1)[1] for line in run.out.splitlines()[2:]]
    assert len(announced) == 6
    assert sorted(problems() - before) == sorted((message_code(m), m) for m in announced)


def message_code(message: str) -> str:
    return "CL306" if message.startswith("Field") else "CL209"


def test_a_score_annotation_does_not_make_other_cards_warn(cli, seed):
    """CL703 reports cards without a score only when a scores file promises one for every card."""
    assert cli("new", seed, *MAGIC3D, "--tier", "Notable Top 5%", "--score", "7.75").code == 0
    assert "CL703" not in cli(seed).out


def test_a_title_with_a_line_break_a_pipe_or_a_closing_backslash_makes_one_row(cli, seed):
    """A pasted or fetched title wraps; its line break would end the row (the command once failed with
    a traceback). A pipe would end the cell and a closing backslash would escape the row's last pipe."""
    title = "Magic3D:\n  High-Resolution | Text-to-3D\\"
    run = cli("new", seed, "--title", title, "--name", "Magic3D\r\n", "--tier", "Notable Top 25%")
    assert run.code == 0, run.err
    text = seed.read_text(encoding="utf-8")
    assert "\n## Magic3D\n| | |\n|--|--|\n|Title|Magic3D: High-Resolution \\| Text-to-3D\\ |\n" in text
    lint = cli("--output-format", "json", seed)
    found = {(d["code"], d["line"]) for d in json.loads(lint.out)}
    assert {code for code, _ in found} == {"CL209", "CL306"}  # only what is left to fill in
    assert cli("new", seed, "--title", "Bad\x07title", "--tier", "Poster").err == "Error: the new card's title holds a control character\n"


def test_a_list_without_tiers_takes_a_new_card_without_tier(cli, tmp_path):
    """The bundled example as it began (cards, no tiers): the card goes after the last one, above the
    template; a list with tiers still needs --tier, and says which."""
    path = tmp_path / "README.md"
    shutil.copy(DATA.parent / "fixtures" / "history" / "early.md", path)
    run = cli("new", path, *MAGIC3D)
    assert run.code == 0 and run.out.startswith(f"Added card 'Magic3D' at {path}:54.\n")
    headings = [line for line in path.read_text(encoding="utf-8").split("\n") if line.startswith("#")]
    assert headings == ["# ICLR 2023 Review on Diffusion Related Papers", "## DreamFusion", "## Magic3D", "## Template"]
    seed = tmp_path / "seed.md"
    shutil.copy(DATA / "seed-clean" / "README.md", seed)
    run = cli("new", seed, *MAGIC3D)
    assert (run.code, run.err) == (2, "Error: --tier is needed: the list's tiers are Notable Top 5%, Notable Top 25% (new)\n")


def shape_fixture(tmp_path, name: str, config: str = ""):
    from conftest import FIXTURES, strip_markers

    text, _ = strip_markers((FIXTURES / "shapes" / f"{name}.md").read_text(encoding="utf-8"))
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    if config:
        (tmp_path / ".cardlint.toml").write_text(config)
    return path


def added_lines(before: str, after: str) -> list[str]:
    import difflib

    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return [line[2:] for line in diff if line.startswith("+ ")]


def test_a_bullet_template_gives_its_keys_without_the_placeholders(cli, tmp_path):
    """The template's `Names`, `Conference Year` are left out, so the card shows what is to write;
    a row named in link-rows takes its option's value; the new card then lints clean."""
    path = shape_fixture(tmp_path, "bullets", '[link-rows]\ngithub = "Code"\n')
    before = path.read_text(encoding="utf-8")
    run = cli("new", path, "--tier", "Image editing", "--title", "Imagen Editor", "--github", "https://github.com/x/y", "--authors", "Su Wang")
    assert (run.code, run.out) == (0, f"Added card 'Imagen Editor' under 'Image editing' at {path}:56.\n")
    assert added_lines(before, path.read_text(encoding="utf-8")) == [
        "### Imagen Editor",
        "- **Authors**: Su Wang",
        "- **Venue**:",
        "- **Code**: https://github.com/x/y",
        "",
        "<details><summary>Abstract</summary>",
        "The abstract.",
        "</details>",
        "",
    ]
    found = json.loads(cli("--output-format", "json", path).out)
    assert [d["code"] for d in found if 56 <= d["line"] <= 64] == []


def test_a_label_template_leaves_out_its_allowed_values_and_takes_a_value_below_its_label(cli, tmp_path):
    path = shape_fixture(tmp_path, "labels")
    before = path.read_text(encoding="utf-8")
    assert cli("new", path, "--title", "2026-07-01 - Lost write").code == 0
    assert added_lines(before, path.read_text(encoding="utf-8")) == [
        "", "### 2026-07-01 - Lost write", "**Status**", "", "**Symptoms**", "", "**Evidence**", "", "---",
    ]
    path = shape_fixture(tmp_path, "labels", '[link-rows]\npaper = "Evidence"\n')
    before = path.read_text(encoding="utf-8")
    run = cli("new", path, "--title", "2026-07-01 - Lost write", "--paper-link", "https://arxiv.org/abs/2303.11328")
    assert run.code == 0, run.err
    assert added_lines(before, path.read_text(encoding="utf-8"))[6:8] == ["**Evidence**", "https://arxiv.org/abs/2303.11328"]


def test_a_sub_heading_template_keeps_its_headings_and_takes_no_placeholder_text(cli, tmp_path):
    path = shape_fixture(tmp_path, "sections")
    before = path.read_text(encoding="utf-8")
    assert cli("new", path, "--tier", "Agents", "--title", "Voyager").code == 0
    assert added_lines(before, path.read_text(encoding="utf-8")) == [
        "### Voyager", "#### Summary", "", "#### Strengths", "", "#### Weaknesses", "",
    ]


REFUSED = [
    (
        "real-header", ["--tier", "2023", "--github", "https://github.com/cvlab-columbia/zero123"],
        "no row for the Github link (--github): its rows are Title, Venue; name the one for it in the config's"
        " link-rows.github",
    ),
    (
        "real-header", ["--tier", "2023", "--authors", "Ruoshi Liu"],
        "no row for the authors (--authors): its rows are Title, Venue; it goes in an 'Authors' row",
    ),
    (
        "bullets", ["--tier", "Text-to-3D", "--name", "Zero-1-to-3"],
        "no bullet for the title (--title): its bullets are Authors, Venue, Code; leave out --name, and the"
        " heading is the title",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "options", "error"), REFUSED)
def test_a_value_the_template_has_no_row_for_is_refused_and_nothing_is_written(cli, tmp_path, name, options, error):
    path = shape_fixture(tmp_path, name)
    before = path.read_bytes()
    run = cli("new", path, "--title", "Zero-1-to-3: Zero-shot One Image to 3D Object", *options)
    assert (run.code, run.err) == (2, f"Error: the template card has {error}; nothing written\n")
    assert path.read_bytes() == before


def test_a_table_row_is_written_padded_as_the_template_pads_it(cli, tmp_path):
    path = shape_fixture(tmp_path, "real-header")
    before = path.read_text(encoding="utf-8")
    assert cli("new", path, "--tier", "2023", "--title", "Zero-1-to-3").code == 0
    assert added_lines(before, path.read_text(encoding="utf-8"))[:5] == [
        "### Zero-1-to-3", "| Field | Value |", "|--|--|", "| Title | Zero-1-to-3 |", "| Venue | |",
    ]


def test_a_card_for_a_tier_without_cards_stays_above_the_next_part_of_the_list(cli, tmp_path):
    """`# Proposed` after an empty tier is no tier and holds no card, but ends the tier all the same:
    the card goes above it, not under the next tier (CL102 refused it there)."""
    path = tmp_path / "README.md"
    path.write_text(
        "# Review\n\n## Samples\n\nNone yet.\n\n# Proposed\n\n## Agents\n\n### ReAct\n| | |\n|--|--|\n|Title|ReAct|\n\n"
        "## Template\n\n### Template\n| | |\n|--|--|\n|Title| |\n"
    )
    run = cli("new", path, "--tier", "Samples", "--title", "Voyager")
    assert (run.code, run.out) == (0, f"Added card 'Voyager' under 'Samples' at {path}:7.\n")
    assert headings(path)[:4] == ["# Review", "## Samples", "### Voyager", "# Proposed"]
