"""`cardlint template`: the schema in use, and a template card inferred from the cards."""

from __future__ import annotations

import shutil

from conftest import FIXTURES, SEED, SEED_DIR

SHAPES = FIXTURES / "shapes"


def test_the_schema_in_use_is_printed_in_order(cli):
    run = cli("template", SEED)
    assert run.code == 0
    assert run.out.splitlines()[:5] == [
        f"Template: {SEED}:261",
        "Cards: 5 at level 2 (##), under 2 sections (#)",
        "Sections: any name",
        "Table rows:",
        "  |Title| |",
    ]
    assert "Numbered fields:\n  1. Task\n" in run.out and run.out.endswith("Details: <summary>Abstract and Bibtex</summary>\n")


def test_alternatives_are_shown_as_the_allowed_values(cli):
    run = cli("template", SHAPES / "labels.md")
    assert "Bold labels:\n  **Status**    one of: Active, Monitored, Retired\n" in run.out


def test_a_file_without_template_is_an_error_that_says_how_to_get_one(cli, tmp_path):
    text = (SHAPES / "bullets.md").read_text(encoding="utf-8")
    path = tmp_path / "README.md"
    path.write_text(text[: text.index("### Template")], encoding="utf-8")
    run = cli("template", path)
    assert run.code == 2
    assert run.err == f"Error: no template card: not a review list; 'cardlint template --infer' proposes one ({path})\n"
    # A contributing guide's headings share no part: no template to propose.
    assert cli("template", SHAPES / "contributing.md").err.startswith("Error: no template card: not a review list (")


def test_infer_proposes_the_parts_most_cards_share_and_write_appends_it(cli, tmp_path):
    text = (SHAPES / "bullets.md").read_text(encoding="utf-8")
    text = text[: text.index("### Template")].rstrip("\n") + "\n"
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    assert cli(path).err.startswith(f"note: {path} has no template card")
    run = cli("template", "--infer", path)
    assert run.code == 0
    # Venue is on 4 of 5 cards, "Author" is one card's spelling of Authors; the details summary most use.
    assert run.out == (
        "### Template\n- **Authors**:\n- **Venue**:\n- **Code**:\n\n<details>\n<summary>Abstract</summary>\n\n</details>\n"
    )
    assert path.read_text(encoding="utf-8") == text  # printing changes nothing
    assert cli("template", "--infer", "--write", path).code == 0
    written = path.read_text(encoding="utf-8")
    assert written == text + "\n" + run.out  # the cards are untouched: the card is appended
    found = cli("--output-format", "json", "--select", "CL2,CL6", path)
    assert '"code": "CL203"' in found.out and '"code": "CL207"' in found.out


def test_cards_that_share_no_part_infer_no_template_and_the_note_offers_none(cli, tmp_path):
    """Weekly tables whose rows are papers share no row key: a template of no part would check
    nothing, so none is proposed, and the note on the file does not point to --infer."""
    week = "| **Paper** | **Links** |\n|--|--|\n| 1) **{0}** - a model | [Paper](https://arxiv.org/abs/{1}) |\n"
    text = "# Papers of the Week\n\n" + "\n".join(
        f"## Week {n}\n\n" + week.format(title, arxiv)
        for n, title, arxiv in [(1, "Sparks of AGI", "2303.12712"), (2, "Reflexion", "2303.11366"), (3, "Text2Room", "2303.11989")]
    )
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    run = cli("template", "--infer", path)
    assert run.code == 2
    assert run.err == f"Error: no two headings share key/value parts or numbered fields to infer a template from ({path})\n"
    assert cli(path).err == f"note: {path} has no template card, so it is not checked as a review list\n"
    assert cli("template", path).err == f"Error: no template card: not a review list ({path})\n"
    # Nor do tables whose rows are numbered records (`| 1 | … |` under `| # | file |`).
    numbered = "## {0}\n\n| # | file |\n|---|---|\n| 1 | `a.md` |\n| 2 | `b.md` |\n"
    path.write_text("# Sources\n\n" + "\n".join(numbered.format(name) for name in ("Lists", "Shapes")), encoding="utf-8")
    assert cli("template", "--infer", path).code == 2


def test_a_label_whose_text_starts_below_it_is_inferred_with_its_closing_bold(cli, tmp_path):
    card = "## {0}\n\n**Summary**\nA model of {0}.\n\n**Code**\nhttps://github.com/example/{0}\n"
    path = tmp_path / "README.md"
    path.write_text("# Papers\n\n" + "\n".join(card.format(name) for name in ("Alpha", "Beta")), encoding="utf-8")
    run = cli("template", "--infer", path)
    assert run.out == "## Template\n**Summary**\n\n**Code**\n\n"
    assert cli(path).err.endswith(f"'cardlint template --infer {path}' proposes one\n")


def test_write_adds_no_second_template(cli, tmp_path):
    path = tmp_path / "README.md"
    shutil.copy(SHAPES / "bullets.md", path)
    before = path.read_bytes()
    run = cli("template", "--infer", "--write", path)
    assert run.code == 2
    line = before.decode().split("\n").index("### Template") + 1
    assert run.err == f"Error: the list is checked against the template at {path}:{line} already; nothing written ({path})\n"
    assert path.read_bytes() == before


def test_write_needs_infer(cli):
    run = cli("template", "--write", SEED)
    assert run.code == 2 and run.err.startswith("Error: --write needs --infer")


def test_the_seed_cards_infer_the_seeds_template(cli, tmp_path):
    shutil.copytree(SEED_DIR, tmp_path / "review")
    run = cli("template", "--infer", tmp_path / "review" / "README.md")
    lines = run.out.splitlines()
    assert lines[:4] == ["## Template", "| | |", "|--|--|", "|Title| |"]
    assert "1. **Task**" in lines and "6. **Model's information**" in lines
