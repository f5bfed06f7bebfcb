"""Ordering by score: tiers in order, cards by average review score, a fix that reorders."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import RULE_FIXTURES, SEED

CLEAN = (RULE_FIXTURES / "clean.md").read_text(encoding="utf-8")
CARD = CLEAN.split("\n", 1)[1]  # from "## DreamFusion"


def card(name: str, openreview: str, arxiv: str) -> str:
    """A clean card for another paper (its title, ids and BibTeX agree)."""
    return (
        CARD.replace("## DreamFusion", f"## {name}")
        .replace("DreamFusion: Text-to-3D using 2D Diffusion", f"{name}: A Paper")
        .replace("FjNys5c7VyY", openreview)
        .replace("2209.14988", arxiv)
    )


A = card("Alpha", "aaaaaaaaaaa", "2301.00001")
B = card("Beta", "bbbbbbbbbbb", "2301.00002")
C = card("Gamma", "ccccccccccc", "2301.00003")
D = card("Delta", "ddddddddddd", "2301.00004")
TEMPLATE = (
    "## Template\n| | |\n|--|--|\n|Title| |\n|Paper Link| |\n|OpenReview| |\n|Institute ||\n|Authors ||\n|Github||\n\n"
    "1. **Task**\n\t\n2. **Problem**\n\t\n3. **Method**\n\t\n4. **Performance**\n\t\n5. **Dataset**\n\t\n"
    "6. **Model's information**\n\t\n\n<details>\n\t<summary>Abstract and Bibtex</summary>\n\t<p>\n\t</p>\n\n</details>\n"
)
INTRO = "# ICLR 2023 Review\n*Papers are listed by descending order of averaging score*\n\n"
SCORES = "openreview_id,title,score\naaaaaaaaaaa,,8.5\nbbbbbbbbbbb,,7.0\n,Gamma: A Paper,6.25\nddddddddddd,,9.0\n"


def document(*tiers: tuple[str, list[str]]) -> str:
    parts = [INTRO]
    for name, cards in tiers:
        parts.append(f"# {name}\n")
        parts.extend(c + "\n" for c in cards)
    parts.append(TEMPLATE)
    return "".join(parts)


ORIGINAL = document(("Notable Top 5%", [D, A]), ("Notable Top 25%", [B, C]))


@pytest.fixture
def review(tmp_path):
    shutil.copytree(RULE_FIXTURES / "img", tmp_path / "img")
    tiers = 'tiers = ["Notable Top 5%", "Notable Top 25%", "Poster"]\n'
    (tmp_path / ".cardlint.toml").write_text('scores = "scores.csv"\n' + tiers)
    (tmp_path / "scores.csv").write_text(SCORES)

    def write(text: str):
        path = tmp_path / "README.md"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def line_of(text: str, heading: str) -> int:
    return text.split("\n").index(heading) + 1


def test_in_order_is_clean(cli, review):
    run = cli(review(ORIGINAL))
    assert (run.code, run.out) == (0, "All checks passed!\n")


def test_swapped_cards_reported_and_restored(cli, review):
    swapped = document(("Notable Top 5%", [D, A]), ("Notable Top 25%", [C, B]))
    path = review(swapped)
    run = cli(path)
    assert run.code == 1
    assert run.out.splitlines()[0] == (
        f"{path}:{line_of(swapped, '## Beta')}:1: CL702 [*] Card 'Beta' (score 7) belongs before "
        f"'Gamma' (score 6.25, line {line_of(swapped, '## Gamma')})"
    )
    assert len(run.out.splitlines()) == 3
    run = cli("--fix", path)
    assert run.out.splitlines()[0] == "Fixed 1 problem (CL702 ×1)."
    assert path.read_text(encoding="utf-8") == ORIGINAL
    cli("--fix", path)
    assert path.read_text(encoding="utf-8") == ORIGINAL


def test_appended_card_is_the_one_reported(cli, review):
    appended = document(("Notable Top 5%", [A, D]), ("Notable Top 25%", [B, C]))
    run = cli("--output-format", "json", review(appended))
    [diagnostic] = json.loads(run.out)
    assert (diagnostic["code"], diagnostic["line"]) == ("CL702", line_of(appended, "## Delta"))
    assert "belongs before 'Alpha' (score 8.5" in diagnostic["message"]


def test_swapped_tiers_reported_and_restored(cli, review):
    swapped = document(("Notable Top 25%", [B, C]), ("Notable Top 5%", [D, A]))
    path = review(swapped)
    run = cli(path)
    assert run.out.splitlines()[0] == (
        f"{path}:{line_of(swapped, '# Notable Top 5%')}:1: CL701 [*] Tier 'Notable Top 5%' belongs before "
        f"'Notable Top 25%' (line {line_of(swapped, '# Notable Top 25%')})"
    )
    cli("--fix", path)
    assert path.read_text(encoding="utf-8") == ORIGINAL
    assert path.read_text(encoding="utf-8").rstrip().endswith("</details>")  # the template stays last
    assert cli("--fix", path).out == "All checks passed!\n"


def test_annotation_wins_over_file_and_ties_keep_order(cli, review):
    annotated = A.replace("## Alpha\n", "## Alpha\n<!-- cardlint: score=9.0 -->\n")
    ok = document(("Notable Top 5%", [D, annotated]), ("Notable Top 25%", [B, C]))
    assert cli(review(ok)).code == 0  # Delta 9.0 and Alpha 9.0 (annotated): a tie keeps its order
    raised = A.replace("## Alpha\n", "## Alpha\n<!-- cardlint: score=9.5 -->\n")
    run = cli(review(document(("Notable Top 5%", [D, raised]), ("Notable Top 25%", [B, C]))))
    assert "CL702 [*] Card 'Alpha' (score 9.5) belongs before 'Delta' (score 9," in run.out


def test_card_without_score_warns_and_never_moves(cli, review):
    unknown = card("Epsilon", "eeeeeeeeeee", "2301.00005")
    text = document(("Notable Top 5%", [D, unknown, A]), ("Notable Top 25%", [B, C]))
    path = review(text)
    run = cli(path)
    assert run.code == 0
    assert run.out.splitlines()[0] == (
        f"{path}:{line_of(text, '## Epsilon')}:1: CL703 Card 'Epsilon' has no score; it is not ordered (warning)"
    )
    text = document(("Notable Top 5%", [A, unknown, D]), ("Notable Top 25%", [B, C]))
    path = review(text)
    cli("--fix", path)
    fixed = path.read_text(encoding="utf-8")
    assert line_of(fixed, "## Epsilon") == line_of(text, "## Epsilon")
    assert line_of(fixed, "## Delta") < line_of(fixed, "## Alpha")


def test_no_score_source_no_ordering_diagnostics(cli):
    run = cli("--select", "CL7", SEED)
    assert (run.code, run.out) == (0, "All checks passed!\n")


def test_title_match_is_case_and_whitespace_insensitive(cli, review, tmp_path):
    (tmp_path / "scores.csv").write_text(
        "title,score\nalpha:  a PAPER,8.5\nbeta: a paper,7\ngamma: a paper,6.25\ndelta: a paper,9\n"
    )
    assert cli(review(ORIGINAL)).code == 0


@pytest.mark.parametrize(
    "csv, problem",
    [
        ("openreview_id,points\nx,1\n", "scores file has no 'score' column ({path}:1)"),
        ("id,score\nx,1\n", "scores file needs an 'openreview_id' or a 'title' column ({path}:1)"),
        ("openreview_id,score\nx,1\ny,high\n", "score 'high' is not a number ({path}:3)"),
        ("openreview_id,score\nx,1\ny,2\nx,3\n", "duplicate openreview_id 'x', first on line 2 ({path}:4)"),
        ("title,score\nA  Paper,1\na paper,2\n", "duplicate title 'a paper', first on line 2 ({path}:3)"),
        ("openreview_id,title,score\n,,1\n", "row has neither an openreview_id nor a title ({path}:2)"),
    ],
)
def test_bad_scores_file(cli, review, tmp_path, csv, problem):
    (tmp_path / "scores.csv").write_text(csv)
    run = cli(review(ORIGINAL))
    assert (run.code, run.out) == (2, "")
    assert run.err == "Error: " + problem.format(path=tmp_path / "scores.csv") + "\n"


def test_missing_scores_file(cli, review, tmp_path):
    (tmp_path / "scores.csv").unlink()
    run = cli(review(ORIGINAL))
    assert (run.code, run.err) == (2, f"Error: scores file not found ({tmp_path / 'scores.csv'})\n")


def test_list_cards(cli, review):
    swapped = document(("Notable Top 5%", [D, A]), ("Notable Top 25%", [C, B]))
    path = review(swapped)
    run = cli("--list-cards", path)
    assert run.code == 0
    assert run.out.splitlines() == [
        " line  tier              score  in place  title",
        f"{line_of(swapped, '## Delta'):>5}  Notable Top 5%     9.00  yes       Delta",
        f"{line_of(swapped, '## Alpha'):>5}  Notable Top 5%     8.50  yes       Alpha",
        f"{line_of(swapped, '## Gamma'):>5}  Notable Top 25%    6.25  yes       Gamma",
        f"{line_of(swapped, '## Beta'):>5}  Notable Top 25%    7.00  no        Beta",
    ]
    rows = json.loads(cli("--list-cards", "--output-format", "json", path).out)
    assert [(r["title"], r["score"], r["in_place"]) for r in rows][-1] == ("Beta", 7.0, False)


def test_scores_saved_as_csv_utf8_with_a_bom_are_read(cli, review, tmp_path):
    """Spreadsheets write "CSV UTF-8" with a byte order mark before the first column's name."""
    (tmp_path / "scores.csv").write_bytes(b"\xef\xbb\xbf" + SCORES.encode("utf-8"))
    swapped = document(("Notable Top 5%", [D, A]), ("Notable Top 25%", [C, B]))
    run = cli(review(swapped))
    assert run.code == 1 and [line.split(": ")[1].split()[0] for line in run.out.splitlines()[:1]] == ["CL702"]
