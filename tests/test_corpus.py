"""Real lists (read from $CARDLINT_CORPUS, never copied here): files without a template are left alone,
and lists with their own template are checked against it, in its shape."""

from __future__ import annotations

import shutil
from collections import Counter

from cardlint.config import Config
from cardlint.fix import fix_source
from cardlint.linter import lint_source
from cardlint.locate import load
from cardlint.rules import BUILTIN_RULES
from cardlint.source import Source
from conftest import corpus

OFFLINE = [rule for rule in BUILTIN_RULES if not rule.code.startswith("CL8")]
G0V = "g0v-data__g0v-hackmd-archive__notes_HPuoJpVrRVGb-kNmbVLzFQ.md"
CNCF = "cncf__mentoring__programs_lfx-mentorship_2022_01-Spring_project_ideas.md"
BUGS = "acrossai-co__acrossai-mcp-manager__docs_memory_BUGS.md"
DECISIONS = "digibilityai__MappedSkills__docs_00-project_DECISION_LOG.md"
NFDI = "NFDI4Energy__metadata-requirements__non-functional-requirements"
PARAGRAPH_LISTS = [  # templates in a ## Contributing fence: paragraph and bullet entries (not headings)
    "Lemonnn7__Awesome-Summarization-LLM__README.md",
    "NeuSpeech__awesome-brain-decoding__readme.md",
    "Westlake-AI__Awesome-Mixup__README.md",
    "ytaek-oh__awesome-vl-compositionality__README.md",
]


def lint(path, config: Config | None = None):
    source = Source.read(str(path))
    return lint_source(source, config or Config(), OFFLINE).diagnostics


def test_real_lists_without_a_template_get_nothing_and_lose_no_byte():
    folder = corpus("realworld")
    files = sorted(path for path in folder.glob("*.md") if path.name not in (G0V, "SOURCES.md"))
    assert len(files) == 10
    for path in files:
        source = Source.read(str(path))
        assert load(source, Config()).template is None, path.name
        assert lint_source(source, Config(), OFFLINE).diagnostics == [], path.name
        assert fix_source(source, Config(), OFFLINE, unsafe=True).encoded() == path.read_bytes(), path.name


def test_the_list_with_a_bullet_template_is_checked_against_its_bullets():
    path = corpus("realworld") / G0V
    template = load(Source.read(str(path)), Config()).template
    assert template is not None and template.shape == "bullet"
    assert template.row_keys == ("Category", "Introduction", "Advantages", "Disadvantages", "Link")
    found = lint(path)
    assert {d.code for d in found} == {"CL104", "CL107", "CL203"}
    # Nearly every card lacks Advantages and Disadvantages: said once each, on the template (line 2).
    assert [d.message for d in found if d.code == "CL107"] == [
        "9 of 10 cards lack the template's 'Advantages' bullet; update the template or the cards",
        "9 of 10 cards lack the template's 'Disadvantages' bullet; update the template or the cards",
    ]
    assert {d.line for d in found if d.code == "CL107"} == {2}
    # Dreamfusion (line 16) has Category and Introduction; of the rest, it lacks only Link.
    assert [(d.line, d.message) for d in found if d.line == 18] == [(18, "Card has no 'Link' bullet")]


def test_the_project_ideas_list_finds_the_misspellings_and_the_stale_level():
    found = lint(corpus("templates") / CNCF)
    messages = Counter(d.message for d in found)
    assert messages["Bullet key 'Mentor(-s)' is misspelled; the template has 'Mentor(s)'"] == 1
    assert messages["Unknown bullet 'Issue'; did you mean 'Upstream Issue (URL)'?"] == 6
    stale = [d for d in found if d.code == "CL107"]
    assert [(d.line, d.message) for d in stale] == [
        (75, "Cards are level-5 headings (#####), the template's card is level 4 (####); update the template")
    ]
    assert not [d for d in found if d.code == "CL103"]  # the outline is not flattened


def test_the_bug_log_finds_cards_lacking_evidence_and_invented_sections():
    found = lint(corpus("templates") / BUGS)
    assert Counter(d.message for d in found if d.code == "CL203")["Card has no 'Evidence' label"] >= 5
    assert any(d.code == "CL204" for d in found)
    assert all(d.line > 26 for d in found)  # the template (lines 3-26) is not checked as a card


def test_the_decision_log_finds_fields_the_template_lacks_and_values_outside_its_list():
    found = lint(corpus("templates") / DECISIONS)
    codes = Counter(d.code for d in found)
    assert codes["CL204"] >= 2 and codes["CL211"] >= 1
    assert "CL103" not in codes and all(d.line > 16 for d in found)


def test_a_template_in_another_file_and_a_stale_title_row_is_one_finding(tmp_path):
    folder = corpus("templates")
    for name in (f"{NFDI}.md", f"{NFDI}__TEMPLATE.md"):
        shutil.copy(folder / name, tmp_path / name)
    (tmp_path / ".cardlint.toml").write_text(f'template = "{NFDI}__TEMPLATE.md"\n')
    from cardlint.config import config_for

    path = tmp_path / f"{NFDI}.md"
    found = lint(path, config_for(str(path)))
    assert [(d.code, d.message) for d in found] == [
        ("CL107", "34 of 34 cards lack the template's '**Title**' row; update the template or the cards")
    ]


def test_paragraph_lists_stay_silent_until_they_mark_a_template():
    for name in PARAGRAPH_LISTS:
        assert lint(corpus("templates") / name) == [], name


def marked(tmp_path, name: str):
    """The list with the opt-in mark on the line right before the snippet of its contributing section."""
    lines = (corpus("templates") / name).read_text(encoding="utf-8").split("\n")
    section = next(index for index, line in enumerate(lines) if line.startswith("## Contribut"))
    fence = next(index for index in range(section, len(lines)) if lines[index].startswith("```"))
    lines.insert(fence, "<!-- cardlint: template -->")
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_marked_paragraph_and_bullet_lists_report_their_real_defects(tmp_path):
    found = {name: [(d.line, d.column, d.code) for d in lint(marked(tmp_path, name))] for name in PARAGRAPH_LISTS}
    assert found["Lemonnn7__Awesome-Summarization-LLM__README.md"] == [
        (28, 82, "CL951"), (32, 130, "CL951"), (40, 107, "CL951"),  # [[paper][https://…]]
        (43, 162, "CL952"), (45, 138, "CL952"), (46, 133, "CL952"),  # [[code]()]
        (47, 1, "CL954"),  # a stray "- "
        (91, 1, "CL955"),  # all but one entry write [[paper]] where the snippet says [[pdf]]: once
    ]  # fmt: skip
    assert found["NeuSpeech__awesome-brain-decoding__readme.md"] == [
        (136, 1, "CL952"),  # a link to "edward.chang@ucsf.edu": a relative link on GitHub
        (198, 1, "CL952"), (199, 1, "CL952"), (200, 1, "CL952"), (201, 1, "CL952"),  # [[Data- …]()]
        (251, 1, "CL953"),  # "*… Robert T. Knight *<br>"
        (295, 1, "CL952"),  # [[PDF](CVPR2023)]
        (368, 1, "CL956"),  # a blank line between an entry's title and its [[PDF]] link
    ]  # fmt: skip
    assert found["Westlake-AI__Awesome-Mixup__README.md"] == [(659, 1, "CL953")]  # "*Xiaofeng Liu, … Jane You<br>"
    assert found["ytaek-oh__awesome-vl-compositionality__README.md"] == []


def test_fixes_of_marked_lists_are_lossless_idempotent_and_render_only_what_they_mean(tmp_path):
    from rendering import rendering_problems

    for name in PARAGRAPH_LISTS:
        path = marked(tmp_path, name)
        source = Source.read(str(path))
        outcome = fix_source(source, Config(), OFFLINE)
        again = fix_source(Source.from_text(outcome.text, str(path)), Config(), OFFLINE)
        assert again.text == outcome.text, name
        assert rendering_problems(source.text, outcome.text) == [], name
