"""The real review README and its history: real defects at their lines, nothing else.

The seed's public history versions are other people's files: they are read from the corpus
(``CARDLINT_CORPUS``), and these tests skip, saying why, where it is not set. The early-list
fixture is written from the bundled example, as the list looked before its template grew.
"""

from __future__ import annotations

import shutil

import pytest

from cardlint.config import Config
from cardlint.fix import fix_source
from cardlint.linter import lint_source
from cardlint.rules import BUILTIN_RULES
from cardlint.source import Source
from conftest import DATA, FIXTURES, SEED, SEED_DIR, corpus

CLEAN = DATA / "seed-clean" / "README.md"
EARLY = FIXTURES / "history" / "early.md"
# The seed's seven public versions, oldest first, by commit id (the newest is the seed itself).
HISTORY_VERSIONS = ["ea77cbf", "3d2fb93", "3fef028", "408f5dd", "d559984", "b4529d6", "c3a5c1c"]


def lint_path(path) -> list:
    return lint_source(Source.read(str(path)), Config(), list(BUILTIN_RULES)).diagnostics


def test_seed_real_defects_at_their_lines():
    found = {(d.line, d.column, d.code) for d in lint_path(SEED) if d.severity.value == "error"}
    assert found == {
        (16, 83, "CL208"),  # |Github|… without trailing pipe
        (61, 1, "CL301"),  # "Sampling is as easy…" skips the six fields
        (111, 100, "CL208"),
        (159, 2, "CL207"),  # OpenReivew
        (159, 14, "CL404"),  # openreview.net/pdf?id=
        (161, 83, "CL208"),
        (213, 14, "CL405"),  # abs/2210.11427.pdf
        (216, 75, "CL208"),
    }


def test_seed_warnings_are_the_images_without_alt_text():
    warnings = [(d.line, d.code) for d in lint_path(SEED) if d.severity.value == "warning"]
    assert warnings == [(18, "CL504"), (19, "CL504"), (114, "CL504"), (164, "CL504")]


def test_clean_copy_has_no_diagnostics(cli):
    assert lint_path(CLEAN) == []
    run = cli(CLEAN)
    assert (run.code, run.out) == (0, "All checks passed!\n")


@pytest.mark.parametrize("variant", ["crlf", "bom", "crlf+bom", "no-final-newline"])
def test_clean_copy_variants_are_clean(tmp_path, cli, variant):
    shutil.copytree(CLEAN.parent, tmp_path / "review")
    path = tmp_path / "review" / "README.md"
    text = CLEAN.read_text(encoding="utf-8")
    if "crlf" in variant:
        text = text.replace("\n", "\r\n")
    if variant == "no-final-newline":
        text = text.rstrip("\n")
    data = text.encode("utf-8")
    if "bom" in variant:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    run = cli(path)
    assert (run.code, run.out) == (0, "All checks passed!\n")
    run = cli("--fix", path)
    assert run.code == 0
    assert path.read_bytes() == data


@pytest.mark.parametrize("version", HISTORY_VERSIONS)
def test_history_versions_parse_check_and_fix_without_loss(version):
    path = corpus("history") / f"{version}.md"
    source = Source.read(str(path))
    diagnostics = lint_source(source, Config(), list(BUILTIN_RULES)).diagnostics
    assert diagnostics, "every version has a defect a contributor made"
    for d in diagnostics:
        assert 1 <= d.line <= len(source.lines)
        assert 1 <= d.column <= len(source.lines[d.line - 1]) + 1
    outcome = fix_source(source, Config(), list(BUILTIN_RULES), unsafe=True)
    again = fix_source(Source.from_text(outcome.text), Config(), list(BUILTIN_RULES), unsafe=True)
    assert again.text == outcome.text


def test_history_first_version_knows_no_authors_row():
    """ea77cbf's template has no OpenReview/Authors rows: its card's Authors row is unknown to it."""
    diagnostics = lint_path(corpus("history") / "ea77cbf.md")
    assert ("CL204", 8) in {(d.code, d.line) for d in diagnostics}


def test_history_newest_version_is_the_seed():
    assert (corpus("history") / "c3a5c1c.md").read_bytes() == SEED.read_bytes()


def test_early_list_template_growth_is_reported(tmp_path):
    """Before the template had OpenReview and Authors rows, a card's Authors row was unknown to it;
    once the template has them, the card lacks only the OpenReview row (reported where it goes)."""
    shutil.copytree(SEED_DIR / "img", tmp_path / "img")
    early = tmp_path / "README.md"
    shutil.copy(EARLY, early)
    found = [(d.line, d.column, d.code) for d in lint_path(early)]
    # The early list had no tier headings: no card is outside a tier (CL102), there are none.
    assert found == [(8, 2, "CL204"), (11, 1, "CL504"), (12, 1, "CL504")]
    text = early.read_text(encoding="utf-8")
    early.write_text(text.replace("|Institute ||\n", "|OpenReview| |\n|Institute ||\n|Authors ||\n"), encoding="utf-8")
    assert [(d.line, d.code) for d in lint_path(early) if d.code.startswith("CL2")] == [(7, "CL203")]


def test_changing_the_template_makes_every_card_follow(tmp_path, cli):
    """A row added to the template is one finding (every card lacks it), whose unsafe fix adds the
    empty row to every card; Venue is not a required row, so the list is then clean."""
    text = CLEAN.read_text(encoding="utf-8").replace("|Github||\n", "|Github||\n|Venue||\n")
    shutil.copytree(CLEAN.parent, tmp_path / "review")
    path = tmp_path / "review" / "README.md"
    path.write_text(text, encoding="utf-8")
    found = lint_path(path)
    template_line = text.split("\n").index("## Template") + 1
    assert [(d.line, d.code, d.message) for d in found] == [
        (template_line, "CL107", "5 of 5 cards lack the template's 'Venue' row; update the template or the cards")
    ]
    assert cli("--fix", "--unsafe-fixes", path).code == 0
    fixed = path.read_text(encoding="utf-8")
    assert fixed.count("|Venue||\n") == 6  # the template's row, now in each of the five cards
    assert fixed.replace("|Venue||\n", "") == text.replace("|Venue||\n", "")


def test_seed_fix_leaves_only_what_needs_a_person(tmp_path, cli):
    shutil.copytree(SEED.parent, tmp_path / "review")
    path = tmp_path / "review" / "README.md"
    before = path.read_text(encoding="utf-8")
    run = cli("--fix", path)
    after = path.read_text(encoding="utf-8")
    assert run.code == 1
    assert run.out.splitlines()[0] == "Fixed 7 problems (CL207 ×1, CL208 ×4, CL404 ×1, CL405 ×1)."
    errors = [d for d in lint_path(path) if d.severity.value == "error"]
    assert [(d.line, d.code) for d in errors] == [(61, "CL301")]
    changed = [
        (number, old, new)
        for number, (old, new) in enumerate(zip(before.split("\n"), after.split("\n")), start=1)
        if old != new
    ]
    assert [number for number, _, _ in changed] == [16, 111, 159, 161, 213, 216]
    assert len(before.split("\n")) == len(after.split("\n"))
