"""Cases a damage campaign turned up (lines deleted, moved, duplicated, indented, markup inserted, line
endings mixed, over the seed, its history, the rule and shape fixtures and the corpus lists with
templates): mostly where GitHub's block rules meet the parser and the fixes, each checked against
cmark-gfm as well."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from cardlint.config import Config
from cardlint.fix import fix_source
from cardlint.linter import lint_source
from cardlint.locate import load
from cardlint.rules import BUILTIN_RULES
from cardlint.source import Source
from conftest import FIXTURES, clean_list
from rendering import blocks, render, rendering_problems

OFFLINE = [rule for rule in BUILTIN_RULES if not rule.code.startswith("CL8")]


def check(text: str) -> list[tuple[int, int, str, bool]]:
    result = lint_source(Source.from_text(text, "README.md"), Config(), OFFLINE)
    return [(d.line, d.column, d.code, d.fixable) for d in result.diagnostics]


def fixed(text: str) -> str:
    return fix_source(Source.from_text(text, "README.md"), Config(), OFFLINE).text


def test_a_field_renumbered_away_from_1_under_an_image_gets_a_blank_line():
    """`2. **Problem**` right under an image line is more of the image's paragraph on GitHub (a list
    that does not start at 1 cannot interrupt a paragraph), so the fix separates it."""
    text = clean_list().replace("1. **Task**\n\tText-to-3D synthesis\n2. **Problem**", "1. **Problem**", 1)
    assert (13, 1, "CL302", True) in check(text)
    after = fixed(text)
    assert "![DreamFusion samples](img/ok.png)\n\n2. **Problem**\n\tNo large 3D datasets\n3. **Method**" in after
    assert rendering_problems(text, after) == []
    # The number alone, as the fix once made it, turns the list into text of the image's paragraph.
    assert rendering_problems(text, text.replace("\n1. **Problem**", "\n2. **Problem**", 1)) != []


def test_a_field_under_another_field_is_renumbered_in_place():
    text = clean_list().replace("2. **Problem**", "7. **Problem**", 1)
    after = fixed(text)
    assert "\tText-to-3D synthesis\n2. **Problem**\n" in after
    assert rendering_problems(text, after) == []


def test_a_table_with_a_text_line_right_under_it_gets_no_delimiter_fix():
    """A GitHub table takes the text line below it as a row (a lone `*` there becomes a list): a
    delimiter inserted above would change more than the table."""
    text = clean_list().replace("| | |\n|--|--|\n", "", 1).replace("|Github|Not found|\n\n", "|Github|Not found|\n*\n", 1)
    assert (3, 1, "CL202", False) in check(text)
    blank = clean_list().replace("| | |\n|--|--|\n", "", 1)
    assert (3, 1, "CL202", True) in check(blank)
    assert rendering_problems(blank, fixed(blank)) == []


def test_a_paragraph_ends_at_a_heading_below_it():
    """`#### Weaknesses` right under a line of text is a section of its own, not more of the text."""
    text = (FIXTURES / "shapes" / "sections.md").read_text(encoding="utf-8")
    text = text.replace("Simple, and it works with any model.\n\n#### Weaknesses\nLong prompts.", "Simple.\nLong prompts.\n#### Weaknesses", 1)
    card = load(Source.from_text(text, "README.md"), Config()).document.cards[0]
    assert card.table is not None
    assert [row.key for row in card.table.rows] == ["Summary", "Strengths", "Weaknesses"]


def test_a_line_with_pipes_that_starts_a_list_ends_the_table():
    """`- |--|--|` under a table line is a list item on GitHub, not a row missing its leading pipe."""
    text = clean_list().replace("|Github|Not found|\n", "|Github|Not found|\n- a | b |\n", 1)
    assert not [d for d in check(text) if d[2] == "CL208"]
    card = load(Source.from_text(text, "README.md"), Config()).document.cards[0]
    assert card.table is not None and card.table.span.end_line == 10


def test_a_tab_indented_line_with_pipes_ends_the_table():
    """GitHub shows a tab-indented line under a table as code: the rows below it are no rows."""
    text = clean_list().replace("|Authors|", "\t|Authors|", 1)
    card = load(Source.from_text(text, "README.md"), Config()).document.cards[0]
    assert card.table is not None and card.table.span.end_line == 8
    assert rendering_problems(text, fixed(text)) == []


def test_rows_around_a_stray_delimiter_row_are_not_reordered():
    """With `|--|--|` among the rows, GitHub's header is the line above it: moving rows would move it."""
    text = clean_list().replace(
        "|Title|DreamFusion: Text-to-3D using 2D Diffusion|\n|Paper Link|https://arxiv.org/abs/2209.14988|\n",
        "|Paper Link|https://arxiv.org/abs/2209.14988|\n|--|--|\n|Title|DreamFusion: Text-to-3D using 2D Diffusion|\n",
        1,
    )
    order = [d for d in check(text) if d[2] == "CL206"]
    assert order and not any(fixable for *_, fixable in order)


def test_the_oracle_reads_an_ordered_list_that_starts_at_2():
    text = "# List\n\ntext\n\n2. two\n3. three\n"
    assert [(first, last) for first, last, _ in blocks(text)] == [(1, 2), (3, 4), (5, 6)]


def test_the_oracle_keeps_the_text_above_a_table_with_the_table():
    """cmark-gfm places that text at 0:0; the heading above is still a block of its own."""
    text = "# List\n\n## Card\n![](x.png)| | |\n| | |\n|--|--|\n|Title|T|\n"
    assert [(first, last) for first, last, _ in blocks(text)] == [(1, 2), (3, 3), (4, 7)]
    assert blocks(text)[1][2] == "<h2>Card</h2>\n"


def test_a_mended_bold_key_loses_no_rendered_word():
    """`**Venue\\**` shows its asterisks as text; the fix that mends it shows the same word in bold."""
    before = "# L\n\n- **Venue\\**: ICLR 2023\n"
    assert rendering_problems(before, before.replace("\\**", "**")) == []


def test_a_template_key_with_an_unpaired_backtick_is_not_copied_into_cards():
    """Copying `**Where `to look**` into a card would open a code span running into the lines below."""
    text = (
        "# Bugs\n\n## Template\n**Symptom**: what you saw\n**Where `to look**: files\n\n"
        "## Crash on save\n**Symptom**: it crashes\n**Where to look**: `a.php` and `b.php`\n"
    )
    assert (9, 3, "CL207", False) in check(text)
    assert (9, 3, "CL207", True) in check(text.replace("`to look", "to look", 1).replace("**Where to look**: `", "**Wher to look**: `"))


def test_a_label_holding_an_html_comment_opener_gets_no_fix():
    """`5. <!--**Dataset**` opens an HTML block on GitHub; neither mending the label (CL305) nor
    making it bold (CL304) may move or drop the `<!--`, which decides what the lines below are."""
    text = clean_list().replace("5. **Dataset**", "5. <!--**Dataset**", 1)
    found = [d for d in check(text) if d[0] == 21]
    assert found and not any(fixable for *_, fixable in found)
    assert rendering_problems(text, fixed(text)) == []


def test_the_oracle_sees_lines_inserted_next_to_a_replaced_line():
    """A heading re-levelled and a header line inserted under it (CL103 and CL202 in one run): the
    paragraph that becomes the table is touched by the edits, not changed behind their backs."""
    before = "# Tier\n### Card\n|--|--|\n|Title|T|\n"
    after = "# Tier\n## Card\n| | |\n|--|--|\n|Title|T|\n"
    assert rendering_problems(before, after) == []


def test_a_field_already_shown_as_text_is_renumbered_in_place():
    """`3. **Problem**` right under an image line is already text on GitHub: CL302 renumbers it in
    place, CL310 puts a blank line above it, which makes the fields a list again, and the oracle
    does not count the list numbers shown as text as words."""
    text = clean_list().replace("1. **Task**\n\tText-to-3D synthesis\n2. **Problem**", "3. **Problem**", 1)
    assert {(13, "CL302"), (13, "CL310")} <= {(line, code) for line, _, code, _ in check(text)}
    after = fixed(text)
    assert "![DreamFusion samples](img/ok.png)\n\n2. **Problem**\n" in after
    assert rendering_problems(text, after) == []


def test_an_image_url_that_does_not_split_is_no_crash():
    """`https://[host/…` is no URL to urllib (an unclosed IPv6 bracket): the image rules pass it by."""
    text = clean_list().replace("img/ok.png", "https://[images.test/page.png", 1)
    assert not [d for d in check(text) if d[2].startswith("CL50")]


def test_entry_links_indented_as_code_are_not_joined_to_their_entry():
    """Under a paragraph entry, `    [[PDF](…)]` after a blank line is a code block on GitHub."""
    text = (FIXTURES / "rules" / "CL956.md").read_text(encoding="utf-8").replace(" {CL956:1}", "")
    assert (8, 1, "CL956", True) in check(text)
    indented = text.replace("\n[[PDF]", "\n    [[PDF]", 1)
    assert (8, 1, "CL956", False) in check(indented)
    assert rendering_problems(indented, fixed(indented)) == []


def test_entry_links_under_an_html_line_are_not_joined_to_it():
    """A `<p>` line opens an HTML block that runs to the blank line: removing it would make the
    links raw HTML of that block."""
    text = (FIXTURES / "rules" / "CL956.md").read_text(encoding="utf-8").replace(" {CL956:1}", "")
    html = text.replace("Arxiv 2024.\n", "Arxiv 2024.\n<p>\n", 1)
    assert (9, 1, "CL956", False) in check(html)
    assert rendering_problems(html, fixed(html)) == []


# A second campaign: a contributor adds a card with `cardlint new`, then damages only that card.


def test_a_key_with_an_escaped_pipe_is_not_renamed_over_its_value():
    """`Github\\|x` is one cell on GitHub (`Github|x`); renamed to the template's key, the `x` would go."""
    text = clean_list().replace("|Github|Not found|", "|Github\\|x|Not found|", 1)
    assert (10, 2, "CL207", False) in check(text)
    assert "|Github\\|x|Not found|" in fixed(text)
    # A misspelling is still renamed: the fix writes a word in place of the one it drops.
    assert (10, 2, "CL207", True) in check(clean_list().replace("|Github|", "|Githbu|", 1))


def test_a_label_that_bolding_would_join_to_its_text_gets_no_fix():
    """`**Task**1.` is bold `Task` then `1.`: wrapped whole (`**Task1.**`), two words would become one.
    The other fixes still run (the bold fix used to make --fix refuse the whole file)."""
    text = clean_list().replace("1. **Task**", "1. **Task**1.", 1).replace("|Github|Not found|", "|Github|Not found", 1)
    assert (13, 4, "CL304", False) in check(text)
    after = fixed(text)
    assert "|Github|Not found|\n" in after and "1. **Task**1." in after


def test_a_label_with_a_tab_inside_its_markers_is_bolded_in_one_pass():
    """`*\t*Performance**`: the fix used to write `**\tPerformance**`, which is still not bold (a `**`
    followed by a tab opens nothing), so the fixes never settled and --fix wrote nothing."""
    text = clean_list().replace("4. **Performance**", "4. *\t*Performance**", 1)
    assert (19, 4, "CL304", True) in check(text)
    after = fixed(text)
    assert "4. **Performance**\n" in after
    assert rendering_problems(text, after) == []


def test_a_pipe_line_indented_as_code_does_not_start_the_table():
    """Right under the heading, `    |--|--|` is a code block on GitHub: the table is the lines below it,
    whose missing delimiter row is then what is reported (and mended)."""
    text = clean_list().replace("| | |\n|--|--|\n", "    |--|--|\n| | |\n", 1)
    found = check(text)
    assert (5, 1, "CL202", True) in found
    assert not [d for d in found if d[2] == "CL204"]  # `--` is no unknown row
    after = fixed(text)
    assert after.startswith("# Notable Top 5%\n## DreamFusion\n    |--|--|\n| | |\n|--|--|\n|Title|")


def test_an_image_path_holding_a_nul_is_reported_missing(tmp_path):
    """`img/0%002.png` unquotes to a name with a NUL, which the os functions refuse (ValueError):
    CL501 failed and the run exited 2. No file has such a name, so it is not found."""
    text = clean_list().replace("](img/ok.png)", "](img/0%002.png)", 1)
    readme = tmp_path / "README.md"
    result = lint_source(Source.from_text(text, str(readme)), Config(), OFFLINE)
    assert [(d.line, d.code, d.message) for d in result.diagnostics if d.code == "CL501"] == [
        (12, "CL501", "Image file not found: img/0%002.png")
    ]


def test_a_line_of_no_break_spaces_is_not_blank():
    """CommonMark's blank line holds spaces and tabs only: a no-break space is text, so the HTML block
    of `</details>` runs on over the heading below it, which GitHub shows as text. Read as a blank line,
    the heading was a card, and CL702 moved it with a card order fix."""
    from rendering import render

    with_blank = clean_list().replace("](img/ok.png)", "](img/missing.png)", 1)
    assert (12, 24, "CL501", False) in check(with_blank)
    text = with_blank.replace("</details>\n\n## Template", "</details>\n\u00a0\n## Template", 1)
    assert "<h2>Template</h2>" not in render(text)
    # So the README has no template card (the card above is no review list), as GitHub shows it.
    assert check(text) == []


@pytest.mark.parametrize(
    ("opener", "message"),
    [
        ("<!-- TODO: the venue of Paper B", "This HTML block is never closed: GitHub hides the 6 lines below it, 2 headings among them"),
        ("```python", "This code fence is never closed: GitHub shows the 6 lines below it as code, 2 headings among them"),
    ],
)
def test_a_block_never_closed_is_reported_and_the_cards_below_it_still_checked(cli, tmp_path, opener, message):
    """A contributor's unclosed `<!--` hides the rest of the list on GitHub, the template too: cardlint
    said "All checks passed!". It reads the block as ending where it opens, checks the cards below
    it, and reports the block (CL109)."""
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Reading list\n\n### Paper A\n- **Venue**: ICLR 2023\n" + opener + "\n\n"
        "### Paper B\n- **Venu**: CVPR 2023\n\n### Template\n- **Venue**: Conference Year\n",
        encoding="utf-8",
    )
    found = [(d["line"], d["column"], d["code"], d["message"]) for d in json.loads(cli("--output-format", "json", readme).out)]
    assert found == [
        (5, 1, "CL109", message),
        (8, 5, "CL207", "Bullet key 'Venu' is misspelled; the template has 'Venue'"),
    ]


def test_a_comment_left_open_at_the_end_with_no_heading_below_is_no_problem(cli, tmp_path):
    """A trailing `<!--` that hides no heading (notes at the end of the file) changes no reading."""
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Reading list\n\n### Paper A\n- **Venue**: ICLR 2023\n\n### Template\n- **Venue**: Conference Year\n\n<!-- notes\nmore\n",
        encoding="utf-8",
    )
    run = cli(readme)
    assert (run.code, run.out) == (0, "All checks passed!\n")


@pytest.mark.parametrize("broken", ["##Sampling", "    ## Sampling", "\t## Sampling"])
def test_a_card_heading_github_shows_as_text_or_code_is_reported_and_mended(cli, tmp_path, broken):
    """`##Sampling…` is text on GitHub, and an indented `## Sampling…` code: the card ran into the
    one above it, and cardlint, reading it as GitHub does, was silent about it (and about that card's
    own problems)."""
    seed = (FIXTURES.parent.parent / "examples" / "review" / "README.md").read_text(encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(seed.replace("\n## Sampling is as easy", f"\n{broken} is as easy", 1), encoding="utf-8")
    found = [(d["line"], d["column"], d["code"]) for d in json.loads(cli("--output-format", "json", readme).out)]
    assert (61, 1, "CL110") in found and (61, 1, "CL301") not in found
    assert cli("--fix", "--select", "CL110", readme).code == 0
    assert readme.read_text(encoding="utf-8") == seed
    found = [(d["line"], d["column"], d["code"]) for d in json.loads(cli("--output-format", "json", readme).out)]
    assert (61, 1, "CL301") in found  # the card is back, with its own problem


def test_a_hashtag_line_is_no_heading_to_mend(cli, tmp_path):
    """Text that starts with '#' is text: a `#hashtag` where cards are level 1, a '#' deeper or
    shallower than the cards' level (`#DreamFusion` in the seed is no tier)."""
    seed = (FIXTURES.parent.parent / "examples" / "review" / "README.md").read_text(encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(seed.replace("\n## Sampling is as easy", "\n#diffusion\n\n###Aside\n\n## Sampling is as easy", 1), encoding="utf-8")
    assert "CL110" not in {d["code"] for d in json.loads(cli("--output-format", "json", readme).out)}
    # A heading in a field's body is the field's (a list item's), indented or not.
    readme.write_text(seed.replace("1. **Task**\n", "1. **Task**\n\n\t## Aside\n", 1), encoding="utf-8")
    assert "CL110" not in {d["code"] for d in json.loads(cli("--output-format", "json", readme).out)}
    readme.write_text(seed.replace("\n# Notable Top 25%", "\n#Notable Top 25%", 1), encoding="utf-8")
    assert [d["line"] for d in json.loads(cli("--output-format", "json", readme).out) if d["code"] == "CL110"] == [
        seed.split("\n").index("# Notable Top 25% ") + 1
    ]


def test_rows_cut_off_from_their_table_by_a_blank_line_are_said_so_and_joined(cli, tmp_path):
    """A blank line in a table ends it on GitHub: cardlint said "Table has no 'Authors' row" (and
    'Github') about rows standing right below it. It now says where they are, and joins them back."""
    seed = (FIXTURES.parent.parent / "examples" / "review" / "README.md").read_text(encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(seed.replace("\n|Authors |Ben Poole", "\n\n|Authors |Ben Poole", 1), encoding="utf-8")
    found = [(d["line"], d["code"], d["message"]) for d in json.loads(cli("--output-format", "json", readme).out)]
    assert (16, "CL212", "Rows 'Authors', 'Github' are cut off from the table by the blank line above: GitHub shows them as text") in found
    assert "CL203" not in {code for line, code, _ in found if line < 30}
    assert cli("--fix", "--select", "CL212", readme).code == 0
    assert readme.read_text(encoding="utf-8") == seed


def test_rows_cut_off_with_text_right_below_them_are_reported_without_a_fix(cli, tmp_path):
    """Joined to the table, the rows would take the text line below them into it as one more row."""
    seed = (FIXTURES.parent.parent / "examples" / "review" / "README.md").read_text(encoding="utf-8")
    readme = tmp_path / "README.md"
    broken = seed.replace("\n|Github|Not found official.", "\n\n|Github|Not found official.", 1)
    broken = broken.replace("stable-dreamfusion\n\n![](img/0001.png)", "stable-dreamfusion\nSee the samples.\n\n![](img/0001.png)", 1)
    readme.write_text(broken, encoding="utf-8")
    found = {d["code"]: d for d in json.loads(cli("--output-format", "json", readme).out) if d["line"] == 17}
    assert found["CL212"]["message"].startswith("Row 'Github' is cut off") and found["CL212"]["fix"] is None


@pytest.mark.parametrize(("broken", "message"), [
    ("1.**Task**", "Field 'Task' lacks a space after its number: GitHub shows it as text, not as a field"),
    ("1 **Task**", "Field 'Task' lacks a '.' after its number: GitHub shows it as text, not as a field"),
])
def test_a_field_whose_number_is_no_list_marker_is_said_so_not_missing(cli, tmp_path, broken, message):
    """`1.**Task**` is text on GitHub: cardlint said "Card 'DreamFusion' lacks field: 1. Task" about a
    field standing right there. It now says what is wrong with it, and mends it."""
    seed = (FIXTURES.parent.parent / "examples" / "review" / "README.md").read_text(encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(seed.replace("1. **Task**", broken, 1), encoding="utf-8")
    found = [(d["line"], d["code"], d["message"]) for d in json.loads(cli("--output-format", "json", readme).out) if d["line"] < 30]
    assert [f for f in found if f[1].startswith("CL3")] == [(20, "CL308", message)]
    assert cli("--fix", "--select", "CL308", readme).code == 0
    assert readme.read_text(encoding="utf-8") == seed


@pytest.mark.parametrize("image", [
    '<img src="img/0001.png" width="400">',
    "<img src=img/0001.png>",
    '<p align="center"><img src="img/0001.png"></p>',
])
def test_fields_that_an_html_line_above_runs_into_are_said_so_not_missing(cli, tmp_path, image):
    """An `<img …>` alone on its line opens an HTML block that runs on to the next blank line: GitHub
    showed the seed's six fields as one run of raw text, and cardlint said "Card 'DreamFusion' has
    none of the template's fields" about fields standing right there."""
    seed = (FIXTURES.parent.parent / "examples" / "review" / "README.md").read_text(encoding="utf-8")
    broken = seed.replace("![](img/0001.png)", image, 1)
    card = slice(broken.index("## DreamFusion"), broken.index("<details>"))
    assert "<ol " not in render(broken[card])  # the oracle: no list of fields on GitHub
    shutil.copytree(FIXTURES.parent.parent / "examples" / "review" / "img", tmp_path / "img")
    readme = tmp_path / "README.md"
    readme.write_text(broken, encoding="utf-8")
    found = [(d["line"], d["column"], d["code"], d["message"]) for d in json.loads(cli("--output-format", "json", readme).out)]
    assert [f for f in found if f[2].startswith("CL3") and f[0] < 40] == [(20, 1, "CL309", (
        "Fields 'Task', 'Problem', 'Method', 'Performance', 'Dataset', 'Model's information' are raw text on "
        "GitHub: the HTML block that line 18 opens runs on to the next blank line"
    ))]
    assert cli("--fix", "--select", "CL309", readme).code == 0
    after = readme.read_text(encoding="utf-8")
    assert after == broken.replace(image + "\n", image + "\n\n", 1)
    rendered = render(after[after.index("## DreamFusion") : after.index("<details>")])
    assert "<ol " in rendered and '<img src="img/0002.png"' in rendered  # shown as raw text before the fix


def test_fields_in_an_html_comment_are_left_alone():
    """A comment hides what it holds on GitHub, on purpose: its fields are not raw text."""
    text = clean_list().replace("1. **Task**", "<!--\n<div>\n1. **Task**", 1).replace("2. **Problem**", "-->\n2. **Problem**", 1)
    assert [code for _, _, code, _ in check(text) if code == "CL309"] == []


def test_an_image_right_under_the_table_is_said_to_be_a_row_of_it(cli, tmp_path):
    """GitHub takes a text line right under a table into it as a row: an image there shows squeezed
    into the table's first cell (a real version of the seed has one, line 90), and cardlint said nothing."""
    seed = (FIXTURES.parent.parent / "examples" / "review" / "README.md").read_text(encoding="utf-8")
    broken = seed.replace("stable-dreamfusion\n\n![](img/0001.png)", "stable-dreamfusion\n![](img/0001.png)", 1)
    assert '<td data-sourcepos="17:1-17:17"><img src="img/0001.png"' in render(broken)  # the oracle: a row
    shutil.copytree(FIXTURES.parent.parent / "examples" / "review" / "img", tmp_path / "img")
    readme = tmp_path / "README.md"
    readme.write_text(broken, encoding="utf-8")
    found = [(d["line"], d["column"], d["code"], d["message"]) for d in json.loads(cli("--output-format", "json", readme).out)]
    assert (17, 1, "CL213", "GitHub shows this line and the 1 below it as a row of the table above: put a blank line between them") in found
    assert cli("--fix", "--select", "CL213", readme).code == 0
    assert readme.read_text(encoding="utf-8") == seed


@pytest.mark.parametrize("line", ["1. **Task**", "- **Task**", "<img src='a.png'>", "    code", "# Tier", "---", "```"])
def test_a_line_that_starts_a_block_ends_the_table_and_is_no_row(line):
    assert render(f"|a|b|\n|--|--|\n|c|d|\n{line}\n").count("<tr") == 2  # the oracle: no row of the table
    text = clean_list().replace("|Github|Not found|\n\n", f"|Github|Not found|\n{line}\n\n", 1)
    assert [code for _, _, code, _ in check(text) if code == "CL213"] == []


def test_rows_run_on_above_an_indented_line_get_no_fix():
    """The indented line is code under the rows; after a blank line above them it would be more of
    their paragraph's text (the damage test found it)."""
    text = clean_list().replace("|Github|Not found|\n\n![DreamFusion samples](img/ok.png)\n1. **Task**", "|Github|Not found|\n![DreamFusion samples](img/ok.png)\n1.**Task**", 1)
    assert (11, 1, "CL213", False) in check(text)


@pytest.mark.parametrize(("written", "reason", "mended"), [
    ("![] (img/0001.png)", "a space stands between its ']' and '('", "![](img/0001.png)"),
    ("![](img/00 01.png)", "its path has a space: GitHub reads such a path only inside '<…>'", "![](<img/00 01.png>)"),
    ("![](img/no such.png)", "its path has a space: GitHub reads such a path only inside '<…>'", None),
    ("![](img/0001.png", "its '(' is never closed", None),
])
def test_an_image_github_shows_as_text_is_said_so(cli, tmp_path, written, reason, mended):
    """Each of these is text on GitHub where the image should be; cardlint said nothing (the card
    still had its other image)."""
    seed = (FIXTURES.parent.parent / "examples" / "review" / "README.md").read_text(encoding="utf-8")
    broken = seed.replace("![](img/0001.png)", written, 1)
    assert "<img" not in render(written)  # the oracle: text, no image
    shutil.copytree(FIXTURES.parent.parent / "examples" / "review" / "img", tmp_path / "img")
    shutil.copy(tmp_path / "img" / "0001.png", tmp_path / "img" / "00 01.png")
    readme = tmp_path / "README.md"
    readme.write_text(broken, encoding="utf-8")
    found = [d for d in json.loads(cli("--output-format", "json", readme).out) if d["code"] == "CL506"]
    assert [(d["line"], d["column"], d["message"], d["fix"] is not None) for d in found] == [
        (18, 1, f"GitHub shows this image as text: {reason}", mended is not None)
    ]
    if mended is not None:
        assert cli("--fix", "--select", "CL506", readme).code == 0
        assert readme.read_text(encoding="utf-8") == broken.replace(written, mended, 1)
        assert "<img" in render(mended)


@pytest.mark.parametrize("text", ["`![] (img/ok.png)` in code", "\\![] (img/ok.png) escaped", "![ok](img/ok.png) and [link] (x)"])
def test_image_syntax_on_purpose_is_left_alone(text):
    listed = clean_list().replace("![DreamFusion samples](img/ok.png)", text, 1)
    assert [code for _, _, code, _ in check(listed) if code == "CL506"] == []


def test_a_card_whose_only_image_is_text_on_github_is_told_why_not_that_it_has_none():
    """CL505 said "has no image; the template shows one" of a card whose image stands right there."""
    listed = (FIXTURES / "rules" / "CL505.md").read_text(encoding="utf-8").replace(" {CL505:1}", "")
    assert [code for _, _, code, _ in check(listed) if code in ("CL505", "CL506")] == ["CL505"]
    broken = listed.replace("### Magic3D\n", "### Magic3D\n![Magic3D samples] (img/ok.png)\n", 1)
    assert [(line, code) for line, _, code, _ in check(broken) if code in ("CL505", "CL506")] == [(9, "CL506")]


@pytest.mark.parametrize("indent", ["", "  "])
def test_fields_under_a_paragraph_line_are_said_to_be_its_text(indent):
    """A blank line between `1. **Task**` and its text, unindented or indented less than the item's
    text (three columns): GitHub shows the other five fields as one paragraph (a list numbered from 2
    cannot break into it), and cardlint said only that Task has no text (indented two spaces, not
    even that)."""
    seed = (FIXTURES.parent.parent / "examples" / "review" / "README.md").read_text(encoding="utf-8")
    broken = seed.replace("1. **Task**\n\tText-to-3D synthesis", f"1. **Task**\n\n{indent}Text-to-3D synthesis", 1)
    card = slice(broken.index("## DreamFusion"), broken.index("<details>"))
    assert render(broken[card]).count("<li") == 1  # the oracle: one field
    found = [(line, column, code, fixable) for line, column, code, fixable in check(broken) if 20 <= line <= 40]
    assert found == [(20, 4, "CL306", False), (23, 1, "CL310", True)]
    after = fixed(broken)
    assert f"1. **Task**\n\n{indent}Text-to-3D synthesis\n\n2. **Problem**" in after
    assert render(after[card.start : after.index("<details>")]).count("<li") == 6


@pytest.mark.parametrize("above", ["* **Task**\n\tText-to-3D synthesis", "|Github|Not found|\n![DreamFusion samples](img/ok.png)"])
def test_a_field_under_a_list_item_or_table_rows_starts_a_list(above):
    """Under a bullet's text or rows a table takes in, `2.` starts a list on GitHub: no paragraph."""
    text = clean_list().replace("|Github|Not found|\n\n![DreamFusion samples](img/ok.png)\n1. **Task**\n\tText-to-3D synthesis", above, 1)
    assert "<ol" in render(text[text.index("## DreamFusion") : text.index("<details>")])
    assert [code for _, _, code, _ in check(text) if code == "CL310"] == []


def test_a_field_under_a_paragraph_above_a_list_already_shown_gets_no_fix():
    """`1. **Task**` below it breaks into the paragraph and starts a list GitHub shows; a list started
    above would take it in (a campaign of damaged fixtures found it)."""
    text = clean_list().replace("1. **Task**\n\tText-to-3D synthesis\n2. **Problem**\n\tNo large 3D datasets\n", "2. **Problem**\n\tNo large 3D datasets\n1. **Task**\n\tText-to-3D synthesis\n", 1)
    assert (13, 1, "CL310", False) in check(text)
    assert [d.message for d in lint_source(Source.from_text(text, "README.md"), Config(), OFFLINE).diagnostics if d.code == "CL310"] == [
        "Field 'Problem' is text of the paragraph above on GitHub: a list numbered from 2 cannot break into it"
    ]


def test_a_no_break_space_after_a_fields_number_is_said_so_and_mended():
    """Pasted from a web page, `1.` and a no-break space is text on GitHub; CL301 said the field was missing."""
    text = clean_list().replace("1. **Task**", "1.\u00a0**Task**", 1)
    assert "<ol" not in render(text[text.index("1.\u00a0") :].split("\n\n")[0])
    diagnostics = [d for d in lint_source(Source.from_text(text, "README.md"), Config(), OFFLINE).diagnostics if d.code.startswith("CL3")]
    assert [(d.line, d.column, d.end_column, d.code, d.message) for d in diagnostics] == [
        (13, 3, 4, "CL308", "Field 'Task' has a no-break space after its number, not a space: GitHub shows it as text, not as a field")
    ]
    assert "\n1. **Task**\n" in fixed(text)


def test_fields_under_a_paragraph_line_are_not_moved_into_a_list_by_the_order_fix():
    """Fields from `2.` under an image line are its paragraph's text on GitHub; moving `1. **Task**`
    up there makes them a list, and an indented line under a blank one below them, code until then,
    that list's text (a campaign of damaged fixtures found it: a deleted `<details>` line)."""
    task = "1. **Task**\n\tText-to-3D synthesis\n"
    text = clean_list().replace(task, "", 1).replace("<details>\n\t<summary>Abstract and Bibtex</summary>\n", "\t<summary>Abstract and Bibtex</summary>\n" + task, 1)
    card = text[text.index("## DreamFusion") : text.index("@misc")]
    assert "<code>&lt;summary&gt;" in render(card) and render(card).count("<li") == 1  # the oracle: code, one field
    assert (25, 4, "CL303", False) in check(text)
    assert task in fixed(text)[fixed(text).index("<summary>") :]  # Task stays where it is
    # In a list already (a blank line under the image), the fields are moved.
    listed = clean_list().replace(task, "", 1).replace("\n<details>", task + "\n<details>", 1).replace("(img/ok.png)\n", "(img/ok.png)\n\n", 1)
    assert (24, 4, "CL303", True) in check(listed)
    assert rendering_problems(listed, fixed(listed)) == []


def test_the_oracle_counts_a_number_in_bold_text_once_markup_or_not():
    """`2. **1. Problem**` as an HTML block's raw text and as a list item show the same words."""
    text = '<img src="x.png">\n1. **Task**\n2. **1. Problem**\n'
    assert rendering_problems(text, text.replace(">\n", ">\n\n", 1)) == []


BROKEN_FIELDS = {
    "CL308": ("1. **Task**", "1.**Task**"),
    "CL310": ("1. **Task**\n\tText-to-3D synthesis", "1. **Task**\n\nText-to-3D synthesis"),
}


@pytest.mark.parametrize("code", sorted(BROKEN_FIELDS))
def test_a_field_fix_that_would_open_a_fence_in_a_list_item_is_withheld(code):
    """Indented under a field that is paragraph text, `~~~` is text; in the list a fix makes of the
    fields, it opens a code block (its info string hidden, the item's lines below it code)."""
    old, new = BROKEN_FIELDS[code]
    broken = clean_list().replace(old, new, 1)
    assert (code, True) in [(c, fixable) for _, _, c, fixable in check(broken)]
    fenced = broken.replace("\t1.5 hours on a TPUv4", "\t~~~1.5 hours on a TPUv4", 1)
    card = fenced[fenced.index("## DreamFusion") : fenced.index("<details>")]
    assert "<code" not in render(card) and "1.5 hours" in render(card)  # the oracle: text
    assert (code, False) in [(c, fixable) for _, _, c, fixable in check(fenced)]


@pytest.mark.parametrize("below", ["4. **Performance**", "1. ", "<span>"])
def test_a_heading_with_no_space_above_a_numbered_line_gets_no_fix(below):
    """`4. **Performance**` under `##DreamFusion` is that paragraph's text; under the heading the fix
    makes, it starts a list, which takes the table's rows below it in as its text (a lone tag, an
    HTML block that runs on through them)."""
    seed = (FIXTURES.parent.parent / "examples" / "review" / "README.md").read_text(encoding="utf-8")
    heading = "\n## Sampling is as easy as learning the score\n"
    text = seed.replace(heading, f"\n##Sampling is as easy as learning the score\n{below}\n", 1)
    card = text[text.index("##Sampling") : text.index("![", text.index("##Sampling"))]
    assert "<table" in render(card) and "<ol" not in render(card)  # the oracle: text, then the table
    assert (61, 1, "CL110", False) in check(text)
    assert (61, 1, "CL110", True) in check(seed.replace(heading, "\n##Sampling is as easy as learning the score\n1. **Performance**\n", 1))


@pytest.mark.parametrize(("below", "mended"), [
    ("    code", False), ("1. ", False), ("2. **Problem**", False), ("---", False), ("-", False), ("<span>", False), ("|", False),
    ("1. **Task**", True), ("- [ ] x", True), ("# Heading", True), ("```", True), ("***", True), ("<div>", True), ("> quote", True),
])  # fmt: skip
def test_rows_run_on_get_a_blank_line_only_when_the_line_below_them_still_starts_a_block(below, mended):
    """The line that ends the run-on rows starts a block under a table; under the paragraph the rows
    become, an empty item, a `2.`, `---` or a lone tag is more of its text (the damage test found it)."""
    text = clean_list().replace("|Github|Not found|\n\n![DreamFusion samples](img/ok.png)\n", f"|Github|Not found|\n![DreamFusion samples](img/ok.png)\n{below}\n", 1)
    assert (11, 1, "CL213", mended) in check(text)
    if mended:
        assert rendering_problems(text, fixed(text)) == []
    elif below != "<span>":  # the oracle: the blank line would change how that line renders
        blank = text.replace("|Github|Not found|\n", "|Github|Not found|\n\n", 1)
        assert rendering_problems(text, blank) != []
    else:  # a lone tag that starts HTML taking the field below in as raw text, inline in a paragraph
        assert "<span>\n1. **Task**" in render(text)


@pytest.mark.parametrize("broken", ["1.**Task**", "6.**Model's information**"])  # the list across the blank line below, above
def test_a_field_marker_fix_that_would_join_a_list_across_a_blank_line_is_withheld(broken):
    """The list the fix starts runs on through the fields and across a blank line joins the list
    there (a loose list then, each item a paragraph): more than the field it means to mend."""
    blank = "\tMS-COCO for evaluation\n\n6. **Model's information**"
    text = clean_list().replace("\tMS-COCO for evaluation\n6. **Model's information**", blank, 1)
    text = text.replace(broken.replace(".", ". ", 1), broken, 1)
    mended = text.replace(broken, broken.replace(".", ". ", 1), 1)
    assert rendering_problems(text, mended) != []  # the oracle
    assert [fixable for _, _, code, fixable in check(text) if code == "CL308"] == [False]


def test_the_oracle_reads_a_blank_line_that_a_fix_writes_over_as_joining_the_blocks_around_it():
    """CL202 writes the delimiter row where CL212 deletes the blank line: one line for another,
    and the rows below are the table again, as both fixes mean."""
    text = clean_list().replace("| | |\n|--|--|\n", "| | |\n\n", 1)
    assert {code for _, _, code, fixable in check(text) if fixable} == {"CL202", "CL212"}
    after = fixed(text)
    assert "| | |\n|--|--|\n|Title|" in after
    assert rendering_problems(text, after) == []


@pytest.mark.parametrize(
    ("label", "fixable"),
    [
        ("**Perfomance**", True),  # one word for one
        ("**performance**", True),  # the case only
        ("**Performance task**", False),  # would drop 'task'
        ("**Performanc1. **Task**e**", False),  # a field pasted into the label: would drop 'Task'
        ("~~~**Performance**", False),  # the item opens a fence: renamed, the code below would be text
    ],
)
def test_a_label_respelled_only_where_it_writes_a_word_for_each_it_drops(label, fixable):
    """CL305 rewrites a misspelt label; it may not take other words with it."""
    text = clean_list().replace("4. **Performance**", f"4. {label}", 1)
    found = [(line, column, is_fixable) for line, column, code, is_fixable in check(text) if code == "CL305"]
    assert found == [(19, 4, fixable)]
    if fixable:
        assert "4. **Performance**\n" in fixed(text)
    else:
        assert f"4. {label}\n" in fixed(text)


def _checked(text: str, config: Config) -> tuple[list[tuple[int, int, str, bool, str]], str]:
    result = lint_source(Source.from_text(text, "README.md"), config, OFFLINE)
    found = [(d.line, d.column, d.code, d.fixable, d.message) for d in result.diagnostics]
    return found, fix_source(Source.from_text(text, "README.md"), config, OFFLINE).text


def test_tiers_are_not_moved_across_a_code_fence_left_open():
    """A fence never closed in the last tier's card shows the rest of the file as code; moving that
    tier first would take the other tier's cards into the code (a table lost on GitHub)."""
    from conftest import builtin_config, strip_markers

    text = strip_markers((FIXTURES / "rules" / "CL701.md").read_text(encoding="utf-8"))[0]
    text = text.replace("\tMS-COCO for evaluation\n", "\tMS-COCO for evaluation\n```bibtex\n", 1)
    found, after = _checked(text, builtin_config())
    assert (37, 1, "CL701", False) in [entry[:4] for entry in found]
    assert after.index("# Notable Top 25%") < after.index("# Notable Top 5%")  # not moved


@pytest.mark.parametrize("opened", ["```", "<!-- note"])
def test_a_card_is_not_moved_above_the_template_across_a_block_left_open(opened):
    """A fence or comment left open in the card after the template hides the rest of the file:
    moving the card above the template would move the template into it."""
    text = "# Reading list\n\n### Paper A\n- **Venue**: ICLR 2023\n\n### Template\n- **Venue**: Conference Year\n\n"
    text += f"### Paper B\n- **Venue**: CVPR 2023\n{opened}\n- **Code**: none\n"
    found, after = _checked(text, Config())
    assert [entry[:4] for entry in found if entry[2] == "CL108"] == [(9, 1, "CL108", False)]
    assert after == text


def _image_as_html() -> str:
    """The one-card list with its image written as an `<img>` tag: an HTML block that runs on over
    the fields below it."""
    return clean_list().replace("![DreamFusion samples](img/ok.png)", '<img src="img/ok.png" alt="DreamFusion">', 1)


def _withheld(text: str, code: str, at: tuple[int, int], meant: str) -> None:
    """``code`` is reported at ``at`` without a fix, and the fix it would have made (``meant``)
    changes more on GitHub than the rule means to (the oracle)."""
    assert (*at, code, False) in check(text)
    assert rendering_problems(text, meant) != []


def test_no_blank_line_ends_an_html_block_with_a_code_fence_in_it_below_the_fields():
    """CL309: the fence, raw text in the `<img>` block now, would open once the block ends above
    it, and run on past the blank line that ends the block (its `bibtex` hidden)."""
    text = _image_as_html()
    text = text.replace("\tImagen and mip-NeRF 360\n", "\tImagen and mip-NeRF 360\n```bibtex\n", 1)
    _withheld(text, "CL309", (13, 1), text.replace("alt=\"DreamFusion\">\n", "alt=\"DreamFusion\">\n\n", 1))


def test_no_blank_line_makes_a_list_of_fields_where_one_would_open_a_fence():
    """CL310: `3. ```bibtex**Method**` is text of the paragraph now; in the list it opens a fence."""
    text = clean_list().replace("1. **Task**\n\tText-to-3D synthesis\n", "", 1).replace("3. **Method**", "3. ```bibtex**Method**", 1)
    _withheld(text, "CL310", (13, 1), text.replace("img/ok.png)\n", "img/ok.png)\n\n", 1))


def test_rows_cut_off_are_not_joined_to_a_table_narrower_than_they_are():
    """CL212: in a two-column table GitHub drops a row's third and fourth cells, and their words."""
    text = clean_list().replace("|Authors|Ben Poole, Ajay Jain, Jonathan T. Barron, Ben Mildenhall|", "|Authors|Ben Poole| Ajay | Jain|", 1)
    text = text.replace("|Institute|Google Research, UC Berkeley|\n", "|Institute|Google Research, UC Berkeley|\n\n", 1)
    _withheld(text, "CL212", (10, 1), text.replace("Berkeley|\n\n", "Berkeley|\n", 1))


@pytest.mark.parametrize("definition", ["[ref]: https://example.org", "[^1]: note"])
def test_a_definition_run_on_into_a_table_gets_no_blank_line(definition):
    """CL213: `[ref]: https://…` shows as a row now; under a blank line it would show nowhere."""
    text = clean_list().replace("|Github|Not found|\n", f"|Github|Not found|\n{definition}\n", 1)
    _withheld(text, "CL213", (11, 1), text.replace(f"\n{definition}\n", f"\n\n{definition}\n", 1))


def test_no_blank_line_breaks_up_a_paragraph_that_a_delimiter_row_below_makes_a_table_header():
    """CL310: with `:--:` right under the fields, GitHub shows their paragraph as a one-column table's
    header; the blank line that makes a list of the fields would leave a different table."""
    text = clean_list().replace("1. **Task**\n\tText-to-3D synthesis\n", "", 1)
    text = text.replace("\tImagen and mip-NeRF 360\n", "\tImagen and mip-NeRF 360\n:--:\n", 1)
    _withheld(text, "CL310", (13, 1), text.replace("img/ok.png)\n", "img/ok.png)\n\n", 1))


def test_a_field_marker_is_not_mended_where_the_item_would_open_an_html_block():
    """CL308: `6.<!-- **Model's information**` is text now; `6. <!--` would open a comment in the
    list item, and hide the field's text below it."""
    text = clean_list().replace("6. **Model's information**", "6.<!-- **Model's information**", 1)
    _withheld(text, "CL308", (23, 3), text.replace("6.<!--", "6. <!--", 1))


def test_a_field_numbered_10_under_an_image_is_renumbered_after_the_blank_line_that_makes_the_list():
    """CL302 does not write a `1.` that would start the list in the image's paragraph (taking the
    indented lines below the fields in); CL310's blank line comes first, and the number follows."""
    text = clean_list().replace("1. **Task**", "10. **Task**", 1)
    assert [entry for entry in check(text) if entry[2] in ("CL302", "CL310")] == [(13, 1, "CL302", False), (13, 1, "CL310", True)]
    assert fixed(text) == clean_list().replace("img/ok.png)\n", "img/ok.png)\n\n", 1)
    # Where CL310 withholds its blank line (a fence in the list-to-be), the number stays too.
    fenced = text.replace("3. **Method**", "3. ```bibtex**Method**", 1)
    assert [entry for entry in check(fenced) if entry[2] in ("CL302", "CL310")] == [(13, 1, "CL302", False), (13, 1, "CL310", False)]
    assert "\n10. **Task**\n" in fixed(fenced)


def test_fields_in_html_stay_there_where_one_would_be_a_link_definition_in_the_list():
    """CL309: `3. [ref]: https://example.org**Method**` is raw text in the `<img>` block now; in the
    list the fix makes, the item is a link reference definition, and shows nowhere."""
    text = _image_as_html()
    text = text.replace("3. **Method**", "3. [ref]: https://example.org**Method**", 1)
    _withheld(text, "CL309", (13, 1), text.replace("alt=\"DreamFusion\">\n", "alt=\"DreamFusion\">\n\n", 1))


def test_a_card_is_not_moved_above_an_indented_template_heading():
    """CL108: `  ## Template` under the moved card's list would be the text of its last item."""
    text = "### Paper A\n- **Venue**: ICLR 2023\n# Reading list\n\n  ### Template\n- **Venue**: Conference Year\n\n"
    paper_b = "### Paper B\n- **Venue**: CVPR 2023\n"
    text += paper_b
    found, after = _checked(text, Config())
    assert [entry[:4] for entry in found if entry[2] == "CL108"] == [(8, 1, "CL108", False)]
    assert after == text
    moved = text.replace("  ### Template", f"{paper_b}\n  ### Template", 1)[: -len(paper_b)]
    in_item = re.compile(r"<li[^>]*>(?:(?!</li>).)*<h3[^>]*>Template</h3>", re.S)  # the heading in a list item
    assert in_item.search(render(moved)) and not in_item.search(render(text))


def test_a_field_in_html_is_not_freed_where_a_definition_would_stand_first_under_the_blank_line():
    """CL309: `[^1]: note` first in the `<details>` block is raw text now; under the blank line the
    fix inserts it would be a definition, shown nowhere."""
    text = clean_list().replace("3. **Method**\n\tScore distillation from a 2D diffusion model\n", "", 1)
    text = text.replace("</summary>\n\t<p> Text-to-3D with a 2D prior. </p>\n\n", "</summary>\n[^1]: note\n", 1)
    text = text.replace("}\n</details>\n", "}\n</details>\n3. **Method**\n", 1)
    line = text.split("\n").index("3. **Method**") + 1
    _withheld(text, "CL309", (line, 1), text.replace("</summary>\n[^1]", "</summary>\n\n[^1]", 1))


@pytest.mark.parametrize(
    ("field", "label", "shown"),
    [
        # Raw, it shows the words Task and mation; nested in the outer bold, Task loses its own.
        ("6. **Model's information**", "6. **Model's infor1. **Task**mation**", "Taskmation"),
        # Raw, it shows MTaskethod; rendered, the same letters, some bold.
        ("3. **Method**", "3. **M**Task**ethod**", "<strong>M</strong>Task<strong>ethod</strong>"),
    ],
)
def test_the_oracle_reads_asterisks_shown_as_text_and_bold_inside_a_word_as_parting_no_words(field, label, shown):
    """Freed from an `<img>` block by CL309's blank line, the label's bold renders: the same letters
    GitHub showed as raw text, no word lost."""
    text = _image_as_html().replace(field, label, 1)
    after = fixed(text)
    assert after == text.replace('alt="DreamFusion">\n', 'alt="DreamFusion">\n\n', 1)
    assert shown in render(after)
    assert rendering_problems(text, after) == []


def test_run_on_rows_that_end_in_an_equals_line_get_no_blank_line():
    """CL213: `===` under the image line is one more row now; under a blank line the two would be a
    heading (the image its text)."""
    text = clean_list().replace("|Github|Not found|\n\n![DreamFusion samples](img/ok.png)\n", "|Github|Not found|\n![DreamFusion samples](img/ok.png)\n===\n", 1)
    _withheld(text, "CL213", (11, 1), text.replace("Not found|\n![", "Not found|\n\n![", 1))


def test_a_field_under_a_table_without_its_delimiter_row_is_renumbered_after_a_blank_line():
    """CL302: with no delimiter row the 'table' is a paragraph of pipes on GitHub; `1.` right under
    it starts a list, `2.` would be more of that paragraph: the renumbering puts a blank line first."""
    text = clean_list().replace("| | |\n|--|--|\n", "| | |\n", 1)
    text = text.replace("|Github|Not found|\n\n![DreamFusion samples](img/ok.png)\n1. **Task**\n\tText-to-3D synthesis\n2. **Problem**", "|Github|Not found|\n1. **Problem**", 1)
    found = [entry for entry in check(text) if entry[2] == "CL302"]
    assert found == [(10, 1, "CL302", True)]
    after = fixed(text)
    assert "|Github|Not found|\n\n2. **Problem**\n" in after
    assert rendering_problems(text, after) == []


def test_a_card_is_not_moved_away_from_above_an_indented_heading():
    """CL108: moving Paper B above the template leaves `  ### Paper C` under the template's list,
    whose last item would take it in as its text."""
    text = "### Paper A\n- **Venue**: ICLR 2023\n\n### Template\n- **Venue**: Conference Year\n\n"
    text += "### Paper B\n- **Venue**: CVPR 2023\n  ### Paper C\n- **Venue**: ECCV 2024\n"
    found, after = _checked(text, Config())
    assert [entry[:4] for entry in found if entry[2] == "CL108" and entry[0] == 7] == [(7, 1, "CL108", False)]
    assert after.index("### Template") < after.index("### Paper B")


def test_an_html_image_right_under_the_table_makes_the_fields_raw_text():
    """A lone tag cannot interrupt a paragraph, but a table is none: `<img …>` right under the rows
    opens an HTML block that takes the fields in, to the next blank line. CL309 says so (before, the
    card was clean), and its blank line makes them a list again."""
    text = clean_list().replace("|Github|Not found|\n\n![DreamFusion samples](img/ok.png)\n", '|Github|Not found|\n<img src="img/ok.png" alt="DreamFusion samples">\n', 1)
    assert "<li" not in render(text).split("</table>")[1].split("<details>")[0]
    assert [entry for entry in check(text) if entry[2] == "CL309"] == [(12, 1, "CL309", True)]
    after = fixed(text)
    assert '<img src="img/ok.png" alt="DreamFusion samples">\n\n1. **Task**\n' in after
    assert render(after).split("</table>")[1].count("<li") == 6
    assert [entry[2] for entry in check(after)] == ["CL501"]  # the image is not beside this README.md


def test_a_card_heading_right_under_details_is_raw_html_and_reported():
    """`</details>` opens an HTML block that runs on to the next blank line: a card heading right
    under it is raw text on GitHub, and the card is gone into the one above. CL110 says so (before,
    nothing did: the card's own diagnostics vanished with it), and its blank line brings it back."""
    from conftest import SEED

    seed = SEED.read_text(encoding="utf-8")
    text = seed.replace("</details>\n\n## Sampling is as easy", "</details>\n## Sampling is as easy", 1)
    assert "learning the score</h2>" not in render(text)
    found = [entry for entry in check(text) if entry[2] in ("CL110", "CL301")]
    assert found == [(60, 1, "CL110", True)]  # the card's missing fields (CL301) are not seen either
    message = next(d.message for d in lint_source(Source.from_text(text, "README.md"), Config(), OFFLINE).diagnostics if d.code == "CL110")
    assert message == (
        "GitHub shows '## Sampling is as easy as learning the score' as raw HTML (the HTML block that "
        "line 59 opens runs on to the next blank line), not as a card heading"
    )
    after = fixed(text)
    assert "</details>\n\n## Sampling is as easy" in after
    assert rendering_problems(text, after) == []
    assert [entry for entry in check(after) if entry[2] in ("CL110", "CL301")] == [(61, 1, "CL301", True)]


def test_a_heading_in_an_html_block_is_reported_without_a_fix_when_a_comment_opens_below_it():
    """The rest of the block is raw text now; under the blank line a `<!--` there would open a
    comment that hides the rest of the file. And a heading in a comment is the comment's."""
    text = clean_list().replace("|Github|Not found|\n\n", '|Github|Not found|\n<img src="img/ok.png">\n## Second\n<!-- a note\n\n', 1)
    assert [entry for entry in check(text) if entry[2] == "CL110"] == [(12, 1, "CL110", False)]
    commented = clean_list().replace("|Github|Not found|\n\n", "|Github|Not found|\n\n<!--\n## Old card\n-->\n\n", 1)
    assert [entry for entry in check(commented) if entry[2] == "CL110"] == []
    assert "Second</h2>" not in render(text)


def test_rows_cut_off_with_an_indented_one_get_no_fix():
    """An indented row under a cut-off one is more of their paragraph; joined to the table, it would
    be code under the table's rows (and the code block below it would take it in)."""
    text = clean_list().replace("|Institute|Google Research, UC Berkeley|\n", "|Institute|Google Research, UC Berkeley|\n\n", 1)
    assert (10, 1, "CL212", True) in check(text)
    indented = text.replace("\n|Github|Not found|\n", "\n    |Github|Not found|\n", 1)
    assert (10, 1, "CL212", False) in check(indented)
    joined = indented.replace("Berkeley|\n\n|Authors", "Berkeley|\n|Authors", 1)
    assert "<pre" not in render(indented) and "<code>|Github|Not found|" in render(joined)  # what the fix would do


def test_a_heading_in_an_html_block_is_not_freed_where_the_rest_of_the_block_would_change():
    """Under the blank line the fix inserts, the bullets in the rest of the block become a list, and
    the bullet after the block's own blank line joins it: a loose list, each item a paragraph. And
    an indented line in the rest of the block, raw text now, would be code under the heading."""
    template = "### Template\n- **Venue**: Conference Year\n- **Code**: a link\n"
    card = "### A\n- **Venue**: ICLR 2023\n- **Code**: x\n\n<details><summary>Abstract</summary>\nText.\n</details>\n### B\n- **Venue**: CVPR 2023\n"
    text = card + "\n- **Code**: y\n\n" + template
    assert [entry for entry in check(text) if entry[2] == "CL110"] == [(8, 1, "CL110", False)]
    freed = text.replace("</details>\n### B", "</details>\n\n### B", 1)
    loose = re.compile(r"<li[^>]*>\n<p")
    assert loose.search(render(freed)) and not loose.search(render(text))  # what the fix would do
    tight = card + "\n" + template  # nothing after the block to join
    assert [entry for entry in check(tight) if entry[2] == "CL110"] == [(8, 1, "CL110", True)]
    assert rendering_problems(tight, fixed(tight)) == []
    indented = card.replace("### B\n", "### B\n\t<p>An abstract.</p>\n", 1) + "\n" + template
    assert [entry for entry in check(indented) if entry[2] == "CL110"] == [(8, 1, "CL110", False)]
    assert "<pre" in render(indented.replace("</details>\n### B", "</details>\n\n### B", 1)) and "<pre" not in render(indented)


def test_a_fence_left_open_in_a_field_ends_with_the_field():
    """In a list item, a code fence ends where the item does: at the next field. Before, cardlint
    read the rest of the file as code and said so (CL109), and checked none of the cards below."""
    from conftest import SEED

    text = SEED.read_text(encoding="utf-8").replace("3. **Method**\n", "3. **Method**\n   ```python\n   x = 1\n", 1)
    assert "<h2" in render(text).split("x = 1")[1]  # the cards below are cards on GitHub
    found = check(text)
    assert [entry for entry in found if entry[2] == "CL109"] == []
    assert (161, 2, "CL207", True) in found  # DIFFormer's misspelled key, far below, is still seen


def test_an_indented_card_heading_is_freed_though_the_heading_above_stops_being_a_card():
    """Indented, `## Dreamfusion` is code in 'Overview', whose bullets it takes: de-indented, they are
    Dreamfusion's again and 'Overview' is a section heading, not a card lost."""
    text = (
        "# Papers\n\n### template\n* Category:\n* Link:\n\n## Overview\nNotes on the field.\n\n"
        "\t## Dreamfusion\n* Category: Text to 3D\n* Link: https://dreamfusion3d.github.io\n\n"
        "## Magic3D\n* Category: Text to 3D\n* Link: https://research.nvidia.com/labs/dir/magic3d/\n"
    )
    assert check(text) == [(10, 1, "CL110", True)]
    after = fixed(text)
    assert after == text.replace("\t## Dreamfusion", "## Dreamfusion")
    assert check(after) == []
    assert rendering_problems(text, after) == []


def test_a_card_after_the_template_still_headed_template_is_reported_without_a_move():
    """A filled copy of the template card pasted below it, its `## Template` heading kept: moved above
    the template it would be the template (the first heading naming one is), and the fixes would
    chase each other. It is reported, with what to do, and nothing is moved."""
    text = clean_list()
    card = text[text.index("## DreamFusion") : text.index("## Template")].replace("## DreamFusion", "## Template", 1)
    text = text.rstrip("\n") + "\n\n" + card
    found = lint_source(Source.from_text(text, "README.md"), Config(), OFFLINE).diagnostics
    [after] = [d for d in found if d.code == "CL108"]
    assert (after.line, after.column, after.fix) == (text.split("\n").index("## Template", 40) + 1, 1, None)
    assert after.message.endswith("; its heading names a template: give it the paper's title")
    assert fix_source(Source.from_text(text, "README.md"), Config(), OFFLINE, unsafe=True).text.endswith(card)


def test_a_table_under_an_html_image_line_is_raw_text_and_the_fix_frees_it():
    """`<img …>` alone on the line under the heading opens an HTML block down to the next blank line:
    GitHub shows the table as raw text. The table is still read (no 'missing rows', whose inserted
    rows would have stayed raw text on every pass), and the fix ends the block above it."""
    img = '<img src="img/ok.png" alt="DreamFusion samples" width="400">'
    text = clean_list().replace("## DreamFusion\n", f"## DreamFusion\n{img}\n", 1)
    assert render(text).count("<table") == 1  # the template's only
    assert [d for d in check(text) if d[2].startswith("CL2")] == [(4, 1, "CL214", True)]
    after = fixed(text)
    assert after == text.replace(f"{img}\n", f"{img}\n\n", 1)
    assert render(after).count("<table") == 2 and rendering_problems(text, after) == []
    # An indented line in the rest of the block would be code once the block ends: no fix.
    indented = text.replace("|Github|Not found|\n", "|Github|Not found|\n    see the project page\n", 1)
    assert (4, 1, "CL214", False) in check(indented)


def test_a_row_ending_in_a_no_break_space_gets_its_trailing_pipe_after_it():
    """GitHub pads a row with spaces and tabs only: a no-break space is the last cell's text, and the
    pipe goes after it (before it, the row still lacked one, and every pass added another)."""
    text = clean_list().replace("|Github|Not found|\n", "|Github|Not found\u00a0\n", 1)
    line = text.split("\n").index("|Github|Not found\u00a0") + 1
    assert (line, 19, "CL208", True) in check(text)
    assert fixed(text) == text.replace("|Github|Not found\u00a0\n", "|Github|Not found\u00a0|\n", 1)


LABELS = "# Bugs\n\n## Template\n### Date - Title\n**Status**\nActive\n\n**Prevention**\nWhat stops it.\n\n**Evidence**\nWhere it shows.\n\n"


def test_a_missing_last_label_gets_no_insertion_inside_the_list_item_above_it():
    """The last label's text is a list item with a fence in it (the fence is not the label's text as
    cardlint reads it): an `**Evidence**` inserted right under the item's line cut the fence out of
    the item, and it became the new label's text, the next item a list of its own. CL203 now reports
    the label without a fix. (In a damaged card, the fence cut off opened a block that hid the rest.)"""
    text = LABELS + (
        "### 2026-06-30 - Redirects\n**Status**\nActive\n\n**Prevention**\n- Use this pattern:\n"
        "  ```php\n  add_filter('wp_redirect', $f);\n  ```\n- Reset it between calls.\n"
    )
    found = [(line, code, fixable) for line, _, code, fixable in check(text)]
    assert found == [(19, "CL203", False)]
    result = fix_source(Source.from_text(text, "README.md"), Config(), OFFLINE, unsafe=True)
    assert result.text == text
    # Where the card has the label after the list, the row goes before it, as before.
    text = text.replace("**Status**\nActive\n\n**Prevention**\n- Use", "**Prevention**\n- Use", 1) + "\n**Evidence**\nA test.\n"
    after = fix_source(Source.from_text(text, "README.md"), Config(), OFFLINE, unsafe=True).text
    assert "### 2026-06-30 - Redirects\n**Status**\n\n**Prevention**\n- Use" in after
    assert not rendering_problems(text, after)


BULLET_CARDS = (
    "# Review\n\n## Agents\n\n### ReAct\n- **Venue**: ICLR 2023\n- **Code**: https://github.com/ysymyth/ReAct\n\n"
    "\t### Reflexion\n- **Venue**: NeurIPS 2023\n- **Code**: https://github.com/noahshinn/reflexion\n\n"
    "### Template\n- **Venue**: Conference Year\n- **Code**: a link, or Not found\n"
)


def test_a_card_heading_tab_indented_under_a_bullet_is_that_bullet_s_and_is_freed():
    """Under a blank line after `- **Code**: …`, a tab puts `### Reflexion` in that bullet's list
    item: GitHub shows a heading inside the list, whose next items are the card's bullets, and those
    are the card above's (CL205).
    CL110 said nothing (an indented heading in a list item was taken for a field's own); it now
    reports it, and the fix removes the tab where nothing more of the item follows."""
    from rendering import rendered_headings

    assert (9, 3) in rendered_headings(BULLET_CARDS) and '<h3 data-sourcepos="9:2-9:14">Reflexion</h3>\n</li>' in render(BULLET_CARDS)
    message = "GitHub shows '### Reflexion' as part of the bullet above it (it is indented), not as a card heading"
    result = lint_source(Source.from_text(BULLET_CARDS, "README.md"), Config(), OFFLINE)
    first = result.diagnostics[0]
    assert (first.line, first.column, first.code, first.fixable, first.message) == (9, 1, "CL110", True, message)
    after = fixed(BULLET_CARDS)
    assert after == BULLET_CARDS.replace("\t### Reflexion", "### Reflexion")
    assert check(after) == [] and not rendering_problems(BULLET_CARDS, after)
    # More of the item below it: unindented, the heading would end the item above that text.
    text = BULLET_CARDS.replace("\t### Reflexion\n", "\t### Reflexion\n\n\tIts notes.\n")
    assert check(text)[0] == (9, 1, "CL110", False)
    # Under a numbered item (a field's body), an indented heading is the item's own, as before.
    assert all(code != "CL110" for _, _, code, _ in check(BULLET_CARDS.replace("- **Code**: https://github.com/ysymyth", "1. **Code**: https://github.com/ysymyth")))
