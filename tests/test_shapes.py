"""Templates of other shapes than the seed's: bullets, labels, a real table header, a fenced template,
and files that declare no template at all. Each fixture marks its expected diagnostics on their lines."""

from __future__ import annotations

import difflib
import json
import os
import shutil

import pytest

from cardlint.config import Config
from cardlint.errors import UsageError
from cardlint.fix import fix_source
from cardlint.linter import lint_source
from cardlint.locate import load
from cardlint.rules import BUILTIN_RULES
from cardlint.source import Source
from conftest import DATA, FIXTURES, ROOT, strip_markers

SHAPES = FIXTURES / "shapes"
OFFLINE = [rule for rule in BUILTIN_RULES if not rule.code.startswith("CL8")]
UPDATE = os.environ.get("CARDLINT_UPDATE_SNAPSHOTS") == "1"
FIXTURES_WITH_FIXES = ["bullets", "real-header", "labels", "fenced", "sections"]


def load_fixture(name: str) -> tuple[Source, set]:
    path = SHAPES / f"{name}.md"
    text, expected = strip_markers(path.read_text(encoding="utf-8"))
    return Source.from_text(text, str(path)), expected


def found(source: Source, config: Config | None = None) -> set:
    return {(d.line, d.column, d.code) for d in lint_source(source, config or Config(), OFFLINE).diagnostics}


@pytest.mark.parametrize("name", sorted(path.stem for path in SHAPES.glob("*.md") if not path.stem.endswith(".fixed")))
def test_diagnostics_are_where_the_fixture_marks_them(name):
    source, expected = load_fixture(name)
    assert found(source) == expected


@pytest.mark.parametrize("name", FIXTURES_WITH_FIXES)
def test_safe_fixes_match_their_snapshot_and_are_idempotent(name):
    source, _ = load_fixture(name)
    outcome = fix_source(source, Config(), OFFLINE)
    snapshot = SHAPES / f"{name}.fixed.md"
    if UPDATE:
        snapshot.write_text(outcome.text, encoding="utf-8")
    assert outcome.text == snapshot.read_text(encoding="utf-8")
    again = fix_source(Source.from_text(outcome.text, source.path), Config(), OFFLINE)
    assert again.text == outcome.text
    assert outcome.result is not None
    assert [d for d in outcome.result.diagnostics if d.fix is not None and d.fix.safety.value == "safe"] == []


def test_messages_name_the_templates_own_shape():
    source, _ = load_fixture("bullets")
    messages = {d.code: d.message for d in lint_source(source, Config(), OFFLINE).diagnostics}
    assert messages["CL203"] == "Card has no 'Venue' bullet"
    assert messages["CL207"] == "Bullet key 'Author' is misspelled; the template has 'Authors'"
    assert messages["CL601"] == "Card 'Imagic' has no <details> block"
    source, _ = load_fixture("labels")
    messages = {d.code: d.message for d in lint_source(source, Config(), OFFLINE).diagnostics}
    assert messages["CL203"] == "Card has no 'Evidence' label"
    assert messages["CL211"] == "Status 'Fixed' is not one of the template's: Active, Monitored, Retired"


def test_a_template_of_sections_checks_each_cards_sub_headings():
    source, _ = load_fixture("sections")
    loaded = load(source, Config())
    assert loaded.template is not None and loaded.template.shape == "heading"
    assert loaded.template.row_keys == ("Summary", "Strengths", "Weaknesses")
    messages = [d.message for d in lint_source(source, Config(), OFFLINE).diagnostics]
    assert "Card has no 'Strengths' section" in messages
    fixed = fix_source(source, Config(), OFFLINE, unsafe=True).text
    assert "### Reflexion\n#### Summary\nVerbal reinforcement learning.\n\n#### Strengths\n\n#### Weaknesses\n" in fixed


def test_a_comparison_table_in_a_section_is_never_touched():
    source, _ = load_fixture("bullets")
    outcome = fix_source(source, Config(), OFFLINE, unsafe=True)
    table = source.lines[6:10]
    assert table[0] == "| Method | Steps | FID | Code |"
    assert outcome.text.split("\n")[6:10] == table


def test_a_real_header_gets_only_its_delimiter_with_its_own_column_count():
    source, _ = load_fixture("real-header")
    fixed = fix_source(source, Config(), OFFLINE, unsafe=True).text.split("\n")
    diff = difflib.ndiff(source.text.split("\n"), fixed)
    assert [line for line in diff if line[:1] in "+-"] == ["+ |--|--|", "+ |--|--|--|"]


def test_the_template_is_found_at_the_top_and_never_checked_as_a_card():
    source, _ = load_fixture("labels")
    loaded = load(source, Config())
    assert loaded.template is not None and loaded.template.origin.endswith("labels.md:4")
    assert loaded.template.row_keys == ("Status", "Symptoms", "Evidence")
    assert loaded.template.allowed == {"Status": ("Active", "Monitored", "Retired")}
    assert next(card.title for card in loaded.document.paper_cards) == "2026-05-29 - Double include"


def test_a_fenced_template_under_its_heading_is_the_template():
    source, _ = load_fixture("fenced")
    loaded = load(source, Config())
    assert loaded.template is not None and loaded.template.origin.endswith("fenced.md:7")
    assert loaded.template.row_keys == ("Description", "Mentor(s)", "Upstream Issue (URL)")
    assert loaded.document.card_level == 5


def test_a_fenced_example_elsewhere_is_no_template():
    source, _ = load_fixture("contributing")
    assert load(source, Config()).template is None
    assert fix_source(source, Config(), OFFLINE, unsafe=True).text == source.text


def test_cardlints_own_readme_is_not_a_review_list():
    source = Source.read(str(ROOT / "README.md"))
    assert lint_source(source, Config(), OFFLINE).diagnostics == []
    assert fix_source(source, Config(), OFFLINE, unsafe=True).text == source.text


def test_a_paper_whose_title_holds_the_word_is_no_template():
    text = "# Papers\n\n## Avatars\n\n### 5. GART: Gaussian Articulated Template Models\n- **Code**: yes\n"
    assert load(Source.from_text(text), Config()).template is None


@pytest.fixture
def seed_clean(tmp_path):
    shutil.copytree(DATA / "seed-clean", tmp_path / "review")
    return tmp_path / "review" / "README.md"


def test_the_seed_with_topics_for_tiers_and_a_paper_template_is_clean(seed_clean):
    text = seed_clean.read_text(encoding="utf-8")
    text = text.replace("# Notable Top 5%", "# Text-to-3D and Theory").replace("# Notable Top 25%", "# Editing")
    text = text.replace("## Template", "## Paper Template:")
    seed_clean.write_text(text, encoding="utf-8")
    source = Source.read(str(seed_clean))
    loaded = load(source, Config())
    assert loaded.template is not None and loaded.template.origin.endswith(f":{text.split(chr(10)).index('## Paper Template:') + 1}")
    assert [tier.name for tier in loaded.document.tiers] == ["Text-to-3D and Theory", "Editing"]
    assert lint_source(source, Config(), OFFLINE).diagnostics == []


def test_without_a_template_nothing_is_checked_unless_config_names_the_builtin():
    path = FIXTURES / "rules" / "CL207.md"
    text, expected = strip_markers(path.read_text(encoding="utf-8"))
    source = Source.from_text(text, str(path))
    assert found(source) == set()
    assert found(source, Config(template="builtin:iclr2023")) == expected


def test_a_heading_at_card_level_with_no_part_of_the_template_is_a_note():
    """"Table of Contents" holds no part of the template: a note, not an (empty or broken) card. A
    heading with nothing under it is still an empty card."""
    text = (
        "# Papers\n\n### Table of Contents\n- [Text-to-3D](#text-to-3d)\n\n### DreamFusion\n- **Venue**: ICLR\n\n"
        "### Magic3D\n\n### Template\n- **Venue**: Conference Year\n"
    )
    source = Source.from_text(text)
    document = load(source, Config()).document
    assert [heading.text for heading in document.notes] == ["Table of Contents"]
    assert [card.title for card in document.paper_cards] == ["DreamFusion", "Magic3D"]
    assert [(d.line, d.code) for d in lint_source(source, Config(), OFFLINE).diagnostics] == [(9, "CL104")]


def test_a_template_file_without_a_template_heading_is_the_card_as_a_whole(tmp_path):
    (tmp_path / "CARD.md").write_text("## Paper name\n- **Venue**: Conference Year\n- **Code**: link\n")
    (tmp_path / ".cardlint.toml").write_text('template = "CARD.md"\n')
    path = tmp_path / "README.md"
    path.write_text("# Papers\n\n## DreamFusion\n- **Venue**: ICLR\n- **Code**: none\n\n## Magic3D\n- **Venue**: CVPR\n")
    from cardlint.config import config_for

    config = config_for(str(path))
    loaded = load(Source.read(str(path)), config)
    assert loaded.template is not None and loaded.template.origin == "CARD.md:1"
    assert [(d.line, d.message) for d in lint_source(Source.read(str(path)), config, OFFLINE).diagnostics] == [
        (8, "Card has no 'Code' bullet")
    ]
    (tmp_path / ".cardlint.toml").write_text('template = "MISSING.md"\n')
    with pytest.raises(UsageError, match=r"config key 'template': cannot read MISSING.md"):
        load(Source.read(str(path)), config_for(str(path)))


def test_a_row_written_by_part_of_its_key_gets_no_empty_row_beside_it(cli, tmp_path):
    """`- Issue:` where the template has `- Upstream Issue (URL):`: CL204 suggests the key, and CL203's
    unsafe fix does not add an empty 'Upstream Issue (URL)' bullet next to the card's own."""
    readme = tmp_path / "README.md"
    readme.write_text(strip_markers((SHAPES / "fenced.md").read_text(encoding="utf-8"))[0], encoding="utf-8")
    found = {d["code"]: d for d in json.loads(cli("--output-format", "json", readme).out) if d["line"] == 36}
    assert found["CL204"]["message"] == "Unknown bullet 'Issue'; did you mean 'Upstream Issue (URL)'?"
    assert found["CL203"]["message"] == "Card has no 'Upstream Issue (URL)' bullet" and found["CL203"]["fix"] is None
    assert "+- Upstream Issue (URL):" not in cli("--diff", "--unsafe-fixes", readme).out
