"""Config discovery and validation, selection, severities and inline suppression comments."""

from __future__ import annotations

import shutil

import pytest

from conftest import RULE_FIXTURES, clean_list

BROKEN_ROW = "|Authors|Ben Poole, Ajay Jain, Jonathan T. Barron, Ben Mildenhall"


@pytest.fixture
def folder(tmp_path):
    shutil.copytree(RULE_FIXTURES / "img", tmp_path / "review" / "img")
    return tmp_path


def write_card(folder, replace: dict[str, str] | None = None, template: bool = True):
    text = clean_list() if template else (RULE_FIXTURES / "clean.md").read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new, 1)
    path = folder / "review" / "README.md"
    path.write_text(text, encoding="utf-8")
    return path


def broken(folder, **extra):
    return write_card(folder, {BROKEN_ROW + "|": BROKEN_ROW, **extra})


def codes(run):
    return [line.split(": ", 1)[1].split()[0] for line in run.out.splitlines() if ": CL" in line]


@pytest.mark.parametrize(
    "name, body",
    [
        (".cardlint.toml", 'ignore = ["CL208"]\n'),
        ("cardlint.toml", 'ignore = ["row-pipes"]\n'),
        ("pyproject.toml", '[project]\nname = "x"\n\n[tool.cardlint]\nignore = ["CL2"]\n'),
    ],
)
def test_config_found_upward(cli, folder, name, body):
    path = broken(folder)
    assert cli(path).code == 1
    (folder / name).write_text(body)
    run = cli(path)
    assert (run.code, run.out) == (0, "All checks passed!\n")


def test_pyproject_without_section_is_skipped_for_the_next_config(cli, folder):
    path = broken(folder)
    (folder / "review" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (folder / ".cardlint.toml").write_text('ignore = ["CL208"]\n')
    assert cli(path).code == 0


def test_explicit_config(cli, folder):
    path = broken(folder)
    other = folder / "custom.toml"
    other.write_text('ignore = ["CL208"]\n')
    assert cli("--config", other, path).code == 0
    run = cli("--config", folder / "absent.toml", path)
    assert (run.code, run.err) == (2, f"Error: config file not found ({folder / 'absent.toml'})\n")


@pytest.mark.parametrize(
    "body, message",
    [
        ('selct = ["CL2"]\n', "config key 'selct': unknown key; did you mean 'select'?"),
        ('ignor = ["CL2"]\n', "config key 'ignor': unknown key; did you mean 'ignore'?"),
        ("[links]\ntimout = 3\n", "config key 'links.timout': unknown key; did you mean 'timeout'?"),
        ("colour = 1\n", "config key 'colour': unknown key"),
        ('tiers = "Poster"\n', "config key 'tiers': input should be a valid list"),
        ('severity = { CL208 = "fatal" }\n', "config key 'severity.CL208': input should be 'error' or 'warning'"),
        ('required-rows = [1]\n', "config key 'required-rows.0': input should be a valid string"),
        # Values of the right type that cannot be meant (each used to be accepted, or to crash later).
        ('ignore = [""]\n', "config key 'ignore': an empty selector would match every rule"),
        ('select = ["CL2", " "]\n', "config key 'select': an empty selector would match every rule"),
        ("max-file-size = -1\n", "config key 'max-file-size': must be a positive number of bytes"),
        ('tiers = ["Poster", ""]\n', "config key 'tiers': a tier name must not be empty"),
        ('tiers = ["Poster", "Poster"]\n', "config key 'tiers': a tier is named twice"),
        ("[links]\nconcurrency = 0\n", "config key 'links.concurrency': must be at least 1"),
        ("[links]\nper-host = -1\n", "config key 'links.per-host': must be at least 1"),
        ("[links]\ntimeout = 0\n", "config key 'links.timeout': must be a positive number of seconds"),
        ("[links]\nretries = -2\n", "config key 'links.retries': must be at least 0"),
        (
            '[links]\nexclude = ["("]\n',
            "config key 'links.exclude': '(' is not a valid regex: missing ), unterminated subpattern at position 0",
        ),
        (
            "[links]\nremap = ['^http \\g<9>']\n",
            "config key 'links.remap': '^http \\g<9>' is not a valid regex and replacement: invalid group reference 9 at position 3",
        ),
    ],
)
def test_bad_config_names_key(cli, folder, body, message):
    path = broken(folder)
    config = folder / ".cardlint.toml"
    config.write_text(body)
    run = cli(path)
    assert (run.code, run.out, run.err) == (2, "", f"Error: {message} ({config})\n")


def test_config_selector_must_exist(cli, folder):
    path = broken(folder)
    (folder / ".cardlint.toml").write_text('ignore = ["CL2O8"]\n')
    run = cli(path)
    assert (run.code, run.err) == (2, "Error: unknown rule selector 'CL2O8' (ignore)\n")


def test_severity_override(cli, folder):
    path = broken(folder)
    (folder / ".cardlint.toml").write_text('[severity]\nrow-pipes = "warning"\n')
    run = cli(path)
    assert run.code == 0
    assert run.out.splitlines()[0].endswith("Table row has no trailing pipe (warning)")
    assert '"severity": "warning"' in cli("--output-format", "json", path).out


def test_cli_select_replaces_config_select_and_ignore_adds(cli, folder):
    path = broken(folder, **{"![DreamFusion samples]": "![]"})
    (folder / ".cardlint.toml").write_text('select = ["CL5"]\n')
    assert codes(cli(path)) == ["CL504"]
    assert codes(cli("--select", "CL2", path)) == ["CL208"]
    assert codes(cli("--ignore", "CL504", path)) == []
    assert codes(cli("--extend-select", "CL208", path)) == ["CL208", "CL504"]


def test_required_rows_and_not_found_phrases_configurable(cli, folder):
    path = write_card(folder, {"|Institute|Google Research, UC Berkeley|": "|Institute| |", "|Github|Not found|": "|Github|Unreleased|"})
    assert codes(cli(path)) == ["CL406"]
    (folder / ".cardlint.toml").write_text('required-rows = ["Title", "Institute"]\ngithub-not-found = ["Unreleased"]\n')
    assert codes(cli(path)) == ["CL209"]


def test_tiers_configurable(cli, folder):
    path = write_card(folder, {"# Notable Top 5%": "# Review\n# Oral"})
    assert codes(cli(path)) == []  # without `tiers`, section names are free
    (folder / ".cardlint.toml").write_text('tiers = ["Notable Top 5%", "Poster"]\n')
    assert codes(cli(path)) == ["CL101"]
    (folder / ".cardlint.toml").write_text('tiers = ["Oral", "Spotlight"]\nscores = "scores.csv"\n')
    assert codes(cli(path)) == []


def test_template_heading_configurable(cli, folder):
    """A README whose template card is called `## Schema` and adds a Venue row."""
    schema = "\n## Schema\n| | |\n|--|--|\n|Title| |\n|Venue| |\n\n1. **Task**\n\t\n"
    path = write_card(folder, template=False)
    path.write_text(path.read_text() + schema)
    run = cli("--select", "CL2,CL3", path)
    assert run.out == "All checks passed!\n"  # without config, no card names the template: nothing to check
    (folder / ".cardlint.toml").write_text('template-heading = "Schema"\n')
    run = cli("--select", "CL2,CL3", path)
    found = [line.split(": ", 1)[0].split(":", 1)[1] + " " + line.split(": ", 1)[1].split()[0] for line in run.out.splitlines() if ": CL" in line]
    assert found == [
        "6:2 CL204", "7:2 CL204", "8:2 CL204", "9:2 CL204", "10:1 CL203", "10:2 CL204",
        "15:4 CL307", "17:4 CL307", "19:4 CL307", "21:4 CL307", "23:4 CL307",
    ]
    assert f"{path}:10:1: CL203 Table has no 'Venue' row" in run.out.splitlines()


def test_inline_disable(cli, folder):
    path = broken(folder, **{"## DreamFusion": "<!-- cardlint-disable CL208 -->\n## DreamFusion"})
    assert codes(cli(path)) == []
    path = broken(folder, **{"## DreamFusion": "<!-- cardlint-disable row-pipes -->\n## DreamFusion"})
    assert codes(cli(path)) == []
    path = broken(folder, **{"## DreamFusion": "<!-- cardlint-disable CL5 -->\n## DreamFusion"})
    assert codes(cli(path)) == ["CL106", "CL208"]  # the directive silences nothing, and says so


def test_inline_enable_ends_the_disabled_range(cli, folder):
    directives = "<!-- cardlint-disable -->\n<!-- cardlint-enable CL208 -->\n# Notable Top 5%"
    path = broken(folder, **{"# Notable Top 5%": directives})
    assert codes(cli(path)) == ["CL208"]


def test_inline_disable_file(cli, folder):
    path = broken(folder, **{"\n</details>": "\n</details>\n<!-- cardlint-disable-file CL208 -->"})
    assert codes(cli(path)) == []
    path = broken(folder, **{"\n</details>": "\n</details>\n<!-- cardlint-disable-file -->"})
    assert codes(cli(path)) == []
    path = broken(folder, **{"\n</details>": "\n</details>\n<!-- cardlint-disable-file CL1 -->"})
    assert codes(cli(path)) == ["CL208"]


def test_inline_disable_next_line_targets_one_line(cli, folder):
    text = clean_list()
    text = text.replace("![DreamFusion samples](img/ok.png)", "<!-- cardlint-disable-next-line CL504 -->\n![](img/ok.png)\n\n![](img/ok.png)")
    path = folder / "review" / "README.md"
    path.write_text(text)
    run = cli(path)
    assert codes(run) == ["CL504"]
    assert f"{path}:15:1: CL504" in run.out


def test_directives_inside_code_are_ignored(cli, folder):
    path = broken(folder, **{"# Notable Top 5%": "```\n<!-- cardlint-disable-file -->\n```\n# Notable Top 5%"})
    assert codes(cli(path)) == ["CL208"]


@pytest.mark.parametrize(
    "body, message",
    [
        ('template-heading = "Templat"\n', "config key 'template-heading': no card is headed 'Templat'"),
        (
            '[link-rows]\ngithub = "Code"\n',
            "config key 'link-rows.github': the template has no row 'Code' "
            "(its rows: Title, Paper Link, OpenReview, Institute, Authors, Github)",
        ),
    ],
)
def test_settings_this_readme_cannot_honour_are_errors(cli, folder, body, message):
    """A misspelt template heading used to fall back to the built-in template, and a link row the
    template lacks to check nothing, both silently."""
    path = broken(folder)
    (folder / ".cardlint.toml").write_text(body)
    run = cli(path)
    assert (run.code, run.out, run.err) == (2, "", f"Error: {message} ({path})\n")


def test_explicit_config_may_keep_its_settings_under_tool_cardlint(cli, folder):
    """`--config alt.toml` holding a [tool.cardlint] table (a copy of pyproject's) used to fail with
    "unknown key 'tool'"."""
    path = broken(folder)
    other = folder / "alt.toml"
    other.write_text('[tool.cardlint]\nignore = ["CL208"]\n')
    assert cli("--config", other, path).code == 0
    assert cli(path).code == 1


def test_a_directive_that_names_an_unknown_rule_or_silences_nothing_is_reported(cli, folder):
    """Like ruff's unused-noqa: a misspelt code silences nothing while it looks as if it did."""
    path = broken(folder, **{"## DreamFusion": "<!-- cardlint-disable cl2o8 -->\n## DreamFusion"})
    run = cli(path)
    assert f"{path}:2:1: CL106 Unknown rule 'cl2o8' in 'cardlint-disable cl2o8'; did you mean 'CL208'? (warning)" in run.out
    assert codes(run) == ["CL106", "CL208"]
    assert codes(cli("--ignore", "unused-directive", path)) == ["CL208"]
    path = broken(folder, **{"## DreamFusion": "<!-- cardlint-disable CL208 -->\n## DreamFusion"})
    assert codes(cli(path)) == []  # it silences the row's missing pipe: nothing to say


def test_a_directive_that_silences_only_some_of_the_rules_it_names_says_which_not(cli, folder):
    """Like ruff's unused-noqa naming the unused codes: a rule left in a directive after its problem
    was fixed silences the next one without anybody deciding so."""
    path = broken(folder, **{"## DreamFusion": "<!-- cardlint-disable CL208, CL504 -->\n## DreamFusion"})
    run = cli(path)
    assert codes(run) == ["CL106"]
    assert f"{path}:2:1: CL106 'cardlint-disable CL208 CL504' silences nothing for 'CL504' (warning)" in run.out
    assert codes(cli("--select", "CL2,CL106", path)) == []  # CL504 does not run: whether it would is unknown
    path = broken(folder, **{"## DreamFusion": "<!-- cardlint-disable CL2 CL208 -->\n## DreamFusion"})
    assert codes(cli(path)) == []  # both name the rule it silences


def test_a_trailing_disable_line_works_on_a_table_row(cli, folder):
    """GitHub hides an HTML comment in a table cell: the row stays a row and the comment silences it."""
    path = broken(folder)
    assert codes(cli(path)) == ["CL208"]
    path.write_text(path.read_text().replace(BROKEN_ROW, BROKEN_ROW + " <!-- cardlint-disable-line CL208 -->"))
    assert codes(cli(path)) == []
