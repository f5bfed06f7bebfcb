"""Output formats for CI (github, sarif) and for people (source excerpts, statistics)."""

from __future__ import annotations

import json

import jsonschema
from hypothesis import example, given
from hypothesis import strategies as st

from cardlint.diagnostic import SORT_KEY, Applicability, Diagnostic, Edit, Fix, Run, Severity, expand
from cardlint.report import render_json
from cardlint.rules import BUILTIN_RULES
from conftest import DATA

SEED = DATA / "seed" / "README.md"


def test_github_annotations_exact(cli):
    run = cli("--output-format", "github", "--select", "CL207,CL404,CL504", SEED)
    assert run.code == 1
    assert run.out.splitlines() == [
        f"::warning file={SEED},line=18,col=1,endLine=18,endColumn=18,title=CL504::Image has no alt text",
        f"::warning file={SEED},line=19,col=1,endLine=19,endColumn=18,title=CL504::Image has no alt text",
        f"::warning file={SEED},line=114,col=1,endLine=114,endColumn=18,title=CL504::Image has no alt text",
        f"::error file={SEED},line=159,col=2,endLine=159,endColumn=12,title=CL207::"
        "Row key 'OpenReivew' is misspelled; the template has 'OpenReview'",
        f"::error file={SEED},line=159,col=14,endLine=159,endColumn=55,title=CL404::"
        "OpenReview link opens the PDF; link the forum page (forum?id=)",
        f"::warning file={SEED},line=164,col=1,endLine=164,endColumn=18,title=CL504::Image has no alt text",
    ]


def test_github_escapes_properties_and_data(cli, tmp_path):
    path = tmp_path / "a,b:c.md"
    path.write_text("# Notable Top 5%\n## 100% card\n")
    run = cli("--output-format", "github", "--select", "CL104", path)
    escaped = str(path).replace(",", "%2C").replace(":", "%3A")
    assert run.out == f"::error file={escaped},line=2,col=1,endLine=2,endColumn=13,title=CL104::Card '100%25 card' is empty\n"


def test_sarif_validates_against_the_schema(cli):
    run = cli("--output-format", "sarif", SEED)
    assert run.code == 1
    document = json.loads(run.out)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    driver = document["runs"][0]["tool"]["driver"]
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in BUILTIN_RULES]
    assert driver["rules"][0]["help"]["markdown"].startswith("# CL101: unknown-tier")
    results = document["runs"][0]["results"]
    first = results[0]
    assert first["ruleId"] == "CL208"
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 16, "startColumn": 83, "endLine": 16, "endColumn": 83,
    }
    assert driver["rules"][first["ruleIndex"]]["id"] == "CL208"
    assert first["fixes"] == [{"description": {"text": "Add a trailing pipe"}}]
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
        "    1  CL301  missing-field  [*]",
        "    1  CL404  openreview-link  [*]",
        "    1  CL405  arxiv-link  [*]",
    ]


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_edit = st.builds(Edit, st.integers(0, 10**6), st.integers(0, 10**6), _text)
_fix = st.builds(Fix, _text, st.lists(_edit, max_size=3).map(tuple), st.sampled_from(Applicability))
_diagnostic = st.builds(
    Diagnostic, _text, st.integers(1, 10**6), st.integers(1, 500), st.integers(1, 10**6), st.integers(1, 500),
    _text, _text, st.sampled_from(Severity), _text, st.none() | _fix,
)


# Few distinct texts: diagnostics that share a path, kind, message or fix but differ elsewhere
# (the writer reuses what it wrote for the shared parts).
_few = st.sampled_from(["a", 'q"\\', "é\n"])
_shared = st.builds(
    Diagnostic, _few, st.integers(1, 9), st.integers(1, 9), st.integers(1, 9), st.integers(1, 9),
    _few, _few, st.sampled_from(Severity), _few,
    st.none() | st.builds(Fix, _few, st.lists(st.builds(Edit, st.integers(0, 9), st.integers(0, 9), _few), max_size=2).map(tuple),
                          st.sampled_from(Applicability)),
)


def _alike(**changes: object) -> list[Diagnostic]:
    first = Diagnostic("p", 1, 1, 1, 2, "c", "n", Severity.ERROR, "m", None)
    return [first, first.replace(line=2, end_line=2, **changes)]


@given(st.lists(_diagnostic, max_size=5) | st.lists(_shared, max_size=12))
@example(_alike(severity=Severity.WARNING))
@example(_alike(name="other"))
@example(_alike(path="q"))
@example(_alike(fix=Fix("t", (Edit(0, 1, "x"),), Applicability.SAFE)))
@example([d.replace(fix=Fix("t", (Edit(0, 1, c),), a)) for d, c, a in zip(_alike(), "xy", Applicability)])
@example([d.replace(fix=Fix(t, (Edit(0, 1, "x"),), Applicability.SAFE)) for d, t in zip(_alike(), "tu")])
def test_json_output_is_json_dumps_one_object_per_line(diagnostics):
    """The hand-written JSON writer gives exactly json.dumps' text, quotes, escapes and non-ASCII included."""
    rendered = render_json(diagnostics)
    objects = [d.to_json() for d in diagnostics]
    assert json.loads(rendered) == objects
    expected = [json.dumps(o, ensure_ascii=False, separators=(", ", ": ")) for o in objects]
    if not expected:
        assert rendered == "[]\n"
        return
    expected = [line + "," for line in expected[:-1]] + expected[-1:]
    # split("\n"): JSON escapes a newline inside a string, but not U+2028, which splitlines() breaks at.
    assert rendered.split("\n") == ["[", *expected, "]", ""]


@given(st.lists(_shared, min_size=1, max_size=12), st.integers(1, 5), st.integers(0, 50), st.booleans())
def test_a_run_from_the_cache_reads_and_renders_as_the_diagnostics_it_keeps(diagnostics, line, offset, named):
    """A card's diagnostics kept as rows (Run.row, through JSON as the cache file holds them) read
    back as the same Diagnostic objects, and the JSON writer's path for rows writes what it writes
    for the objects, alone or among other diagnostics."""
    diagnostics = sorted((d.replace(path="p", line=d.line + line, end_line=d.end_line + line) for d in diagnostics), key=SORT_KEY)
    kinds = {d.code: (d.name, d.severity) for d in diagnostics} if named else {}
    rows = json.loads(json.dumps([Run.row(d, line, offset, kinds) for d in diagnostics]))
    run = Run("p", line, offset, rows, kinds)
    assert run.diagnostics() == diagnostics
    assert render_json([run]) == render_json(diagnostics)
    assert run.has_error() == any(d.severity is Severity.ERROR for d in diagnostics)
    other = Diagnostic("p", 1, 1, 1, 2, "CL999", "other", Severity.WARNING, "m", None)
    assert render_json([other, run, other]) == render_json([other, *diagnostics, other])


_rows_of_a_card = st.lists(
    st.tuples(st.integers(0, 2), st.integers(1, 3), st.sampled_from(["CL1", "CL2"])), min_size=1, max_size=3
)


@given(
    st.lists(st.tuples(st.integers(1, 3), _rows_of_a_card), max_size=4),
    st.lists(st.tuples(st.integers(1, 20), st.integers(1, 3), st.sampled_from(["CL1", "CL3"])), max_size=6),
)
def test_runs_take_their_place_in_report_order(cards, loose):
    """decide places the cache's runs among the other diagnostics as a full sort would, reading
    a run one by one only where others fall among its lines."""
    from cardlint.decide import _apart, _bounds, _merged

    def diagnostic(line: int, column: int, code: str) -> Diagnostic:
        return Diagnostic("p", line, column, line, column + 1, code, code.lower(), Severity.ERROR, f"m{code}", None)

    runs, start = [], 1
    for gap, rows in cards:
        start += gap
        made = sorted((diagnostic(start + rel, column, code) for rel, column, code in rows), key=SORT_KEY)
        runs.append(Run("p", start, 0, [Run.row(d, start, 0, {}) for d in made], {}))
        start += 3
    kept = sorted((diagnostic(*item) for item in loose), key=SORT_KEY)
    assert _apart(_bounds(runs))
    merged = _merged(kept, runs, _bounds(runs))
    assert expand(merged) == sorted([*expand(runs), *kept], key=SORT_KEY)
    # A run stays whole unless some other diagnostic falls among its lines.
    whole = [run for run in merged if type(run) is Run]
    assert whole == [
        run for run in runs if not any(run.line + run.rows[0][3] <= d.line <= run.line + run.rows[-1][3] for d in kept)
    ]
    if len(runs) > 1:  # runs that share a line are not apart
        overlapping = [runs[0], Run("p", runs[0].line, 0, runs[0].rows, {})]
        assert not _apart(_bounds(overlapping))
