"""The document model: what GitHub shows, with exact positions."""

from __future__ import annotations

import mistune
import pytest

from cardlint.config import Config
from cardlint.locate import load
from cardlint.parser import BlockScan, parse, split_cells
from cardlint.source import Source
from conftest import CORPUS, FIXTURE_FILES, SEED
from rendering import fenced_lines, render, rendered_headings

TIERS = ["Notable Top 5%", "Notable Top 25%", "Poster"]


def doc(text: str):
    return parse(Source.from_text(text), TIERS)


def test_seed_structure():
    document = load(Source.read(str(SEED)), Config()).document
    assert document.title is not None and document.title.text == "ICLR 2023 Review on Diffusion Related Papers"
    assert [t.name for t in document.tiers] == ["Notable Top 5%", "Notable Top 25%"]
    assert [(c.title, c.line, c.end_line) for c in document.cards] == [
        ("DreamFusion", 8, 60),
        ("Sampling is as easy as learning the score", 61, 103),
        ("Decision Diffuser", 104, 152),
        ("DIFFormer", 154, 208),
        ("DiffEdit", 209, 260),
        ("Template", 261, 292),
    ]
    assert document.template_card is document.cards[-1]
    dreamfusion = document.cards[0]
    assert [(r.key, r.line) for r in dreamfusion.table.rows][-1] == ("Github", 16)
    assert [f.label for f in dreamfusion.fields] == ["Task", "Problem", "Method", "Performance", "Dataset", "Model's information"]
    assert [(f.line, f.end_line) for f in dreamfusion.fields][2] == (24, 26)
    assert dreamfusion.details.summary == "Abstract and Bibtex"
    assert dreamfusion.details.bibtex_line == 41
    assert dreamfusion.details.bibtex.startswith("@misc{https://doi.org/10.48550/arxiv.2209.14988,")


def test_model_keeps_rows_that_mistune_drops():
    """mistune ends the table at the first row without a trailing pipe; GitHub and cardlint keep it."""
    text = "## Card\n| | |\n|--|--|\n|Title|A|\n|Authors| B, C\n|Github| Not found|\n"
    tokens = mistune.create_markdown(renderer=None, plugins=["table"])(text)
    table = [t for t in tokens if t["type"] == "table"]
    mistune_rows = len(table[0]["children"][1]["children"]) if table else 0
    card = doc(text).cards[0]
    assert mistune_rows < 3
    assert [(r.key, r.value, r.table_line.trailing_pipe) for r in card.table.rows] == [
        ("Title", "A", True),
        ("Authors", "B, C", False),
        ("Github", "Not found", True),
    ]


def test_headings_in_code_and_html_are_not_cards():
    text = (
        "# Notable Top 5%\n"
        "## Real\n"
        "```markdown\n## In a fence\n```\n"
        "~~~~\n## In a tilde fence\n~~~\n## Still fenced\n~~~~\n"
        "<div>\n## In an HTML block\n</div>\n\n"
        "<!--\n## In a comment\n-->\n"
        "## Second\n"
    )
    assert [c.title for c in doc(text).cards] == ["Real", "Second"]


def test_positions_are_characters_and_one_based():
    text = "## Café\n| | |\n|--|--|\n|Title| Über die Diffusion |\n"
    card = doc(text).cards[0]
    row = card.table.rows[0]
    assert (row.key_span.line, row.key_span.column, row.key_span.end_column) == (4, 2, 7)
    assert (row.value_span.column, row.value_span.end_column) == (9, 27)
    assert row.value == "Über die Diffusion"


def test_crlf_and_bom_positions_match_lf():
    text = "## Card\n| | |\n|--|--|\n|Title|A\n"
    lf = doc(text).cards[0].table.rows[0]
    crlf = parse(Source.from_text("\ufeff" + text.replace("\n", "\r\n")), TIERS).cards[0].table.rows[0]
    assert (lf.line, lf.value_span) == (crlf.line, crlf.value_span)


def test_split_cells_escapes_and_missing_pipes():
    line = split_cells(r"Key \| with pipe | value")
    assert [c.text for c in line.cells] == [r"Key \| with pipe ", " value"]
    assert (line.leading_pipe, line.trailing_pipe) == (False, False)
    line = split_cells("  |a|b|  ")
    assert [c.text for c in line.cells] == ["a", "b"]
    assert (line.leading_pipe, line.trailing_pipe) == (True, True)
    assert split_cells("no pipes") is None


def test_field_labels_bold_and_plain():
    text = "## Card\n1. **Task**\n\tx\n2) Problem:\n\ty\n3. __Method__\n\tz\n"
    fields = doc(text).cards[0].fields
    assert [(f.number, f.label, f.bold) for f in fields] == [(1, "Task", True), (2, "Problem", False), (3, "Method", True)]


def test_field_body_stops_at_details_and_keeps_indented_lists():
    text = "## Card\n1. **Task**\n\t- a\n\t- b\n\n\tmore\n<details>\n</details>\n"
    card = doc(text).cards[0]
    assert card.fields[0].end_line == 6
    assert card.fields[0].body.split() == ["-", "a", "-", "b", "more"]
    assert card.details is not None and card.details.closed


def test_card_at_wrong_level_is_still_a_card():
    text = "# Notable Top 5%\n### Deep\n| | |\n|--|--|\n|Title|A|\n### Just a subheading\ntext\n"
    cards = doc(text).cards
    assert [(c.title, c.heading.level) for c in cards] == [("Deep", 3)]
    assert cards[0].other[0].span.line == 6


def test_images_markdown_and_html():
    text = '## Card\n![alt text](img/a.png) and <img src="img/b.png" alt="B">\n'
    images = doc(text).cards[0].images
    assert [(i.alt, i.url, i.url_span.column, i.html) for i in images] == [
        ("alt text", "img/a.png", 13, False),
        ("B", "img/b.png", 38, True),
    ]


def test_unclosed_details_runs_to_card_end():
    text = "## A\n<details>\n\t<summary>S</summary>\n\t<p> x\n\n## B\n"
    card = doc(text).cards[0]
    assert card.details.closed is False
    assert card.details.open_tags["p"] == 1
    assert card.end_line == 5


def test_source_newline_style_and_bom():
    source = Source.from_text("\ufeffa\r\nb\r\nc")
    assert (source.bom, source.newline, source.lines) == (True, "\r\n", ["a", "b", "c"])
    assert source.encode() == b"\xef\xbb\xbfa\r\nb\r\nc"
    assert source.position(source.offset(2, 2)) == (2, 2)




def test_html_blocks_end_as_commonmark_says():
    """A <pre> block runs to its closing tag, not to the first blank or any line; a tab-indented
    line does not open a paragraph, so a type-7 tag after it still opens an HTML block."""
    pre = doc("<pre>\nx\n\n# Hidden\n</pre>\n# Notable Top 5%\n")
    assert [h.text for h in pre.headings] == ["Notable Top 5%"]
    assert pre.html_lines == {1, 2, 3, 4, 5}
    tabbed = doc("\t# H\n</pre>\n")
    assert (tabbed.headings, tabbed.html_lines) == ([], {2})


@pytest.mark.parametrize("marker", ["1. ", "1.  ", "1) ", "10. ", "1.\t", "1.      "])
@pytest.mark.parametrize("indent", ["", " ", "  ", "   ", "    ", " \t", "\t", "\t\t"])
def test_a_line_under_a_blank_one_is_the_fields_body_where_github_shows_it_in_the_item(marker, indent):
    """Under a blank line, a line is more of the list item only when indented to the item's text
    (CommonMark's list-item width: the marker and the spaces after it, or one space when five or
    more follow); less indented, it is a paragraph of its own, and the field has no body."""
    text = f"## Card\n{marker}**Task**\n\n{indent}Text-to-3D synthesis\n"
    rendered = render(text)
    in_item = rendered.index("synthesis") < rendered.index("</li>") if "</li>" in rendered else False
    field = doc(text).cards[0].fields[0]
    assert ("synthesis" in field.body) == in_item, rendered


@pytest.mark.parametrize(("lead", "trail"), [("", ""), (" ", "\t"), ("   ", "  "), ("\u00a0", ""), ("", "\u00a0"), (" \u00a0", "\u00a0 ")])
@pytest.mark.parametrize("row", ["| a | b |", "| a | b", "a | b |"])
def test_cells_of_a_padded_row_are_those_github_shows(lead, trail, row):
    """Only spaces and tabs pad a row: a no-break space before its first pipe (or after its last) is
    a cell's text on GitHub, one cell more, which a table of three columns shows."""
    line = lead + row + trail
    body = render(f"| x | y | z |\n|--|--|--|\n{line}\n").split("<tbody>")[1]
    github = body.count("<td") - body.count('<td data-sourcepos="3:0-3:0">')  # less the cells it pads with
    cells = split_cells(line, 3)
    assert cells is not None and min(len(cells.cells), 3) == github, (line, body)


# Headings as GitHub reads them, setext ones among them: (source, what cmark-gfm renders as headings).
SETEXT_CASES = [
    "Foo\n---", "Foo\n- ", "Foo\nbar\n===", "Foo\n   ---  ", "|a|\n---", "a | b\n---", "**Task**\n---",
    "- item\n---", "> q\n---", "    code\n---", "Foo\n    ---", "1. x\n===", "Foo\n= =", "<div>\n---",
    "Foo\n***\n---", "|a|\n|-|\n---", "| | |\n|--|--|\n|a|b|\n---", "- a\nFoo\n---", "- a\n\nFoo\n---",
    "- a\n\n  Foo\n---", "1. a\n\n  Foo\n---", "1. **Task**\n\tText\n---", "Foo\n2. x\n---", "Foo\n1. x\n---",
    "Foo\n<span>\n---", "Foo\n<!-- x -->\n---", "# Foo\n---", "Foo\n```\n---", "- a\n# H\n\n  Foo\n---",
    ">\nFoo\n---", "-\nFoo\n---", "1.\nFoo\n---", "Bar\n>\nFoo\n---", "> a\n>\nFoo\n---", "-\n  Foo\n---",
    # A lone pipe under a table's rows is no row: it ends the table and opens a paragraph.
    "|a|b|\n|-|-|\n|x|y|\n|\n---", "|a|b|\n|-|-|\n  |  \n===", "|a|b|\n|-|-|\n||\n---", "|a|b|\n|-|-|\n| |\n---",
    "- a\n\n  |a|b|\n  |-|-|\n  |\n---",
]  # fmt: skip
# HTML blocks GitHub opens where a paragraph would not let them, and the lines below to a blank one
# raw HTML (no heading there): a lone tag under a table's rows, or as a lazy line under a quote or a
# list item's text. And cmark-gfm's table rule: a paragraph whose delimiter row made no table makes none.
HTML_CASES = [
    '| | |\n|--|--|\n|a|b|\n<img src="x.png">\n## Next', "|a|\n|-|\n<br>\n# H", "|a|b|\n|-|-|\n<b>bold</b> text\n## H",
    '|a|b|\n|-|-|\n2. x\n<img src="x">\n## H', '|a|b|\n|-|-|\n    code\n<img src="x">\n## H', '- x\n<img src="x">\n## H',
    '- x\n  <img src="x">\n## H', '1. **Task**\n\tText\n<img src="x">\n## H', '- x\n\npara\n<img src="x">\n## H',
    'Foo\n<img src="x">\n## H', "|a|b|\n|-|-|\n</div>\n## H", "Foo\n|--|--|\n|--|--|\n---", "|-|-|\n|-|-|\n---",
    "|a|b|c|\n|-|-|\n|x|y|\n|-|-|\n---", '> q\n<img src="x">\n## H', '> q\n> <img src="x">\n## H',
    '> q\n- item\n<img src="x">\n## H',
]  # fmt: skip


def read_headings(text: str) -> set[tuple[int, int]]:
    return {(line, heading.level) for line, heading in BlockScan(text.split("\n")).headings.items()}


@pytest.mark.parametrize("text", SETEXT_CASES + HTML_CASES)
def test_headings_are_those_github_renders(text):
    assert read_headings(text) == rendered_headings(text)


def test_headings_and_code_fences_of_every_fixture_and_real_list_are_those_github_renders():
    files = [SEED, *FIXTURE_FILES]
    if CORPUS is not None:
        files += sorted(CORPUS.glob("*/*.md"))
    for path in files:
        text = Source.read(str(path)).text
        assert read_headings(text) == rendered_headings(text), path
        assert BlockScan(text.split("\n")).code == fenced_lines(text), path


# A fence in a list item ends with the item: at a line left of the item's text (not at a blank line).
FENCE_CASES = [
    "3. **Method**\n   ```python\n   x = 1\n4. **Performance**\n## Next", "- a\n  ```\n  code\n\n  more\nend\n## H",
    "- a\n  ```\n  code\n\n## H", "- a\n  ```\n\n  code\n  ```\n## H", "1. a\n\n   ```\n   x\n\n## H",
    "- a\n   ```\n  x\n# H", "1. **Task**\n   ```\n\tx\n## H", "- a\n  ```\n \n## H", "- a\n\n  ```\nx\n## H",
    "  ```\n## H", "<!-- t -->\n\t```Markdown\n**x**\n## H", "```\n```\n\t```\n## H", "```py\n```py\n## H",
]  # fmt: skip


@pytest.mark.parametrize("text", FENCE_CASES)
def test_code_fences_in_list_items_are_those_github_renders(text):
    assert BlockScan(text.split("\n")).code == fenced_lines(text)
    assert read_headings(text) == rendered_headings(text)


def test_a_card_with_an_underlined_heading_is_checked():
    text = SEED.read_text(encoding="utf-8").replace("## DreamFusion\n", "DreamFusion\n-----------\n", 1)
    document = load(Source.from_text(text, str(SEED)), Config()).document
    card = document.cards[0]
    assert (card.title, card.line, card.heading.underline, card.heading.body_line) == ("DreamFusion", 8, 9, 10)
    assert card.table is not None and card.table.rows[0].key == "Title"
    assert card.fields[0].label == "Task"


def test_an_underlined_card_at_the_wrong_level_is_reported_without_a_fix():
    from cardlint.linter import lint_source
    from cardlint.rules import BUILTIN_RULES

    text = "# Notable Top 5%\n\nDreamFusion\n-----------\n\n| | |\n|--|--|\n|Title|x|\n\n### Deeper\n| | |\n|--|--|\n|Title|y|\n"
    text += "\n## Template\n| | |\n|--|--|\n|Title|\n"
    result = lint_source(Source.from_text(text, "README.md"), Config(tiers=["Notable Top 5%"]), list(BUILTIN_RULES))
    levels = [(d.line, d.column, d.fix is not None) for d in result.diagnostics if d.code == "CL103"]
    assert levels == [(10, 1, True)]  # the underlined card is at the cards' level; the ATX one is fixable
    underlined = text.replace("### Deeper\n", "Deeper\n======\n")
    result = lint_source(Source.from_text(underlined, "README.md"), Config(tiers=["Notable Top 5%"]), list(BUILTIN_RULES))
    assert [d.code for d in result.diagnostics if d.line == 10 and d.code in ("CL101", "CL103")] == ["CL101"]


def test_an_underlined_card_heading_deeper_than_the_cards_has_no_markers_to_fix():
    from cardlint.linter import lint_source
    from cardlint.rules import BUILTIN_RULES

    text = "# A\n| | |\n|--|--|\n|Title|x|\n\nB\n---\n| | |\n|--|--|\n|Title|y|\n\n# Template\n| | |\n|--|--|\n|Title|\n"
    result = lint_source(Source.from_text(text, "README.md"), Config(), list(BUILTIN_RULES))
    assert [(d.code, d.line, d.column, d.end_column, d.fix) for d in result.diagnostics] == [("CL103", 6, 1, 2, None)]


def test_a_misspelled_underlined_tier_is_renamed_only_when_its_text_is_one_line():
    from cardlint.linter import lint_source
    from cardlint.rules import BUILTIN_RULES

    cards = "\n## A\n| | |\n|--|--|\n|Title|x|\n\n# Notable Top 5%\n## Template\n| | |\n|--|--|\n|Title|\n"
    for tier, fixable in (("Notabel Top 5%\n===", True), ("Notabel Top\n5%\n===", False)):
        text = "# A list\n\n" + tier + "\n" + cards
        result = lint_source(Source.from_text(text, "README.md"), Config(tiers=["Notable Top 5%"]), list(BUILTIN_RULES))
        assert [(d.code, d.line, d.column, d.fix is not None) for d in result.diagnostics] == [("CL101", 3, 1, fixable)], tier
