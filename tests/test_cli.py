"""The command as a user runs it: exact output lines and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from cardlint.rules import BUILTIN_RULES
from conftest import DATA, FIXTURES, ROOT, RULE_FIXTURES, SEED, SEED_DIR, git


@pytest.fixture
def review(tmp_path):
    """A writable copy of a fixture card with its image."""
    shutil.copytree(RULE_FIXTURES / "img", tmp_path / "img")
    (tmp_path / ".cardlint.toml").write_text('template = "builtin:iclr2023"\n')  # the cards hold no template

    def make(text: str, name: str = "README.md"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


def clean_text() -> str:
    return (RULE_FIXTURES / "clean.md").read_text(encoding="utf-8")


def test_text_output_lines_and_summary(cli, review):
    path = review(clean_text().replace("|Authors|Ben Poole, Ajay Jain, Jonathan T. Barron, Ben Mildenhall|",
                                       "|Authors|Ben Poole, Ajay Jain, Jonathan T. Barron, Ben Mildenhall"))
    run = cli(path)
    assert run.code == 1
    assert run.out.splitlines() == [
        f"{path}:9:66: CL208 [*] Table row has no trailing pipe",
        "Found 1 error.",
        "[*] 1 fixable with `cardlint --fix`.",
    ]
    assert run.err == ""


def test_warnings_alone_exit_zero(cli, review):
    path = review(clean_text().replace("![DreamFusion samples]", "![]"))
    run = cli(path)
    assert run.code == 0
    assert run.out.splitlines() == [f"{path}:12:1: CL504 Image has no alt text (warning)", "Found 0 errors and 1 warning."]


def test_json_output(cli, review):
    path = review(clean_text().replace("|OpenReview|", "|OpenReivew|"))
    run = cli("--output-format", "json", path)
    assert run.code == 1
    data = json.loads(run.out)
    assert len(data) == 1
    item = data[0]
    assert {k: item[k] for k in ("path", "line", "column", "end_line", "end_column", "code", "name", "severity", "fixable")} == {
        "path": str(path), "line": 7, "column": 2, "end_line": 7, "end_column": 12,
        "code": "CL207", "name": "row-key-spelling", "severity": "error", "fixable": True,
    }
    assert item["message"] == "Row key 'OpenReivew' is misspelled; the template has 'OpenReview'"


def test_select_ignore_and_names(cli):
    run = cli("--select", "CL2", SEED)
    assert {line.split(": ")[1].split()[0] for line in run.out.splitlines()[:-2]} == {"CL207", "CL208"}
    run = cli("--select", "row-pipes", "--output-format", "json", SEED)
    assert {d["code"] for d in json.loads(run.out)} == {"CL208"}
    run = cli("--ignore", "CL2,CL3,CL4", SEED)
    assert run.code == 0
    assert run.out.splitlines()[-1] == "Found 0 errors and 4 warnings."


def test_unknown_selector_is_bad_usage(cli):
    run = cli("--select", "CL999", SEED)
    assert (run.code, run.out, run.err) == (2, "", "Error: unknown rule selector 'CL999' (select)\n")


def test_missing_file(cli, tmp_path):
    path = tmp_path / "missing.md"
    run = cli(path)
    assert (run.code, run.out, run.err) == (2, "", f"Error: file not found ({path})\n")


def test_a_folder_without_markdown_says_so(cli, tmp_path):
    run = cli(tmp_path)
    assert (run.code, run.err) == (0, f"warning: no Markdown file in {tmp_path}\n")


def test_a_folder_is_walked_for_markdown_as_git_sees_it(cli, tmp_path):
    """`cardlint .` checks the Markdown files git would track: .gitignore'd folders, `.git` and
    the config's `exclude` patterns are skipped."""
    shutil.copytree(SEED_DIR, tmp_path / "list")
    (tmp_path / "CONTRIBUTING.md").write_text("# Contributing\n\nOpen a pull request.\n")
    for folder, text in (("build", "# Notes\n## Card\n"), (".git", "## Card\n"), ("drafts", "## Card\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.md").write_text(text)
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / ".cardlint.toml").write_text('exclude = ["drafts/"]\n')
    from cardlint.paths import expand

    assert expand([str(tmp_path)], ["drafts/"], str(tmp_path)) == [str(tmp_path / "CONTRIBUTING.md"), str(tmp_path / "list" / "README.md")]
    run = cli("--output-format", "json", tmp_path)
    assert {d["path"] for d in json.loads(run.out)} == {str(tmp_path / "list" / "README.md")}
    assert run.code == 1


@pytest.mark.parametrize(
    "ignores",
    [
        {".gitignore": "*.md\n", "docs/.gitignore": "!README.md\n"},  # a folder keeps what the root ignores
        {".gitignore": "*.md\n!docs/README.md\n"},
        {".gitignore": "docs/other.md\n", "docs/.gitignore": "!other.md\n"},
        {".gitignore": "docs/*\n!docs/keep/\n", "notes/.gitignore": "a.md\n"},
        {".gitignore": "/README.md\nnotes/\n", "docs/.gitignore": "other.md\n"},
        {".gitignore": "docs/\n", "docs/.gitignore": "!README.md\n"},  # nothing in an ignored folder comes back
    ],
)
def test_a_folder_walk_skips_what_git_ignores(tmp_path, ignores):
    """The Markdown files of a folder are those git does not ignore, by git's own verdict: a deeper
    .gitignore decides over the ones above it."""
    for name in ("README.md", "docs/README.md", "docs/other.md", "docs/keep/x.md", "notes/a.md", "notes/b.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# Notes\n")
    for name, text in ignores.items():
        (tmp_path / name).write_text(text)
    git("init", "-q", cwd=tmp_path)
    listed = git("ls-files", "--others", "--exclude-standard", cwd=tmp_path).split()
    from cardlint.paths import expand

    walked = sorted(os.path.relpath(path, tmp_path).replace(os.sep, "/") for path in expand([str(tmp_path)]))
    assert walked == sorted(name for name in listed if name.endswith(".md"))
    # A folder below the top of the work tree is walked with the .gitignore files above it, too.
    listed = git("ls-files", "--others", "--exclude-standard", "docs", cwd=tmp_path).split()
    walked = sorted(os.path.relpath(path, tmp_path).replace(os.sep, "/") for path in expand([str(tmp_path / "docs")]))
    assert walked == sorted(name for name in listed if name.endswith(".md"))


def test_a_folder_reports_only_the_review_list(cli, tmp_path):
    """The example, cardlint's own README and a CONTRIBUTING file that shows a card in a fence: only the
    example is a review list, and its diagnostics are those it gets alone."""
    shutil.copytree(SEED_DIR, tmp_path / "examples" / "review")
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    shutil.copy(FIXTURES / "shapes" / "contributing.md", tmp_path / "CONTRIBUTING.md")
    example = tmp_path / "examples" / "review" / "README.md"
    alone = json.loads(cli("--output-format", "json", example).out)
    run = cli("--output-format", "json", tmp_path)
    assert json.loads(run.out) == alone and len(alone) == 12
    assert run.code == 1


def test_binary_and_non_utf8(cli, tmp_path):
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    run = cli(binary)
    assert (run.code, run.err) == (2, f"Error: binary file, not Markdown ({binary})\n")
    latin = tmp_path / "latin.md"
    latin.write_bytes("# Café\n".encode("latin-1"))
    run = cli(latin)
    assert (run.code, run.err) == (2, f"Error: not valid UTF-8 at byte 5 ({latin})\n")
    assert latin.read_bytes() == "# Café\n".encode("latin-1")


def test_unreadable_file(cli, tmp_path, monkeypatch):
    """Permission denied (simulated: the tests run as root, who reads any mode) is one line, exit 2."""
    path = tmp_path / "secret.md"
    path.write_text("# x\n")
    real_open = os.open

    def deny(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("os.open", deny)
    run = cli(path)
    assert (run.code, run.err) == (2, f"Error: cannot read file: Permission denied ({path})\n")


def test_unreadable_special_file(cli, tmp_path):
    """A path that exists but cannot be read as a file (a broken symlink) is one line, exit 2."""
    link = tmp_path / "README.md"
    link.symlink_to(tmp_path / "gone.md")
    run = cli(link)
    assert (run.code, run.err) == (2, f"Error: broken symlink ({link})\n")


def test_symlink_loop_fifo_and_device_are_refused_without_reading(cli, tmp_path):
    """Each is one line and exit 2, at once: a FIFO used to block forever and /dev/zero to fill memory."""
    loop = tmp_path / "loop.md"
    loop.symlink_to(loop)
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    for path, problem in [
        (loop, "symlink loop"),
        (fifo, "not a regular file (a FIFO, device or socket)"),
        ("/dev/zero", "not a regular file (a FIFO, device or socket)"),
    ]:
        run = cli(path)
        assert (run.code, run.err) == (2, f"Error: {problem} ({path})\n")


def test_scores_file_that_is_a_device_is_refused(cli, review, tmp_path):
    path = review(clean_text())
    (tmp_path / ".cardlint.toml").write_text('scores = "/dev/zero"\n')
    run = cli(path)
    assert (run.code, run.err) == (2, "Error: not a regular file (a FIFO, device or socket) (/dev/zero)\n")


def test_broken_config(cli, review, tmp_path):
    path = review(clean_text())
    (tmp_path / ".cardlint.toml").write_text("select = [CL2\n")
    run = cli(path)
    assert run.code == 2
    assert run.err.startswith("Error: invalid TOML: ")
    assert run.err.endswith(f"({tmp_path / '.cardlint.toml'})\n")
    assert run.err.count("\n") == 1


@pytest.mark.parametrize("key", ["scores", "template"])
def test_a_config_path_with_a_nul_or_a_newline_is_one_line(cli, review, tmp_path, key):
    """TOML can spell a NUL (which the os functions refuse with ValueError, once a traceback) or a
    newline in a file name: the error names the file on one line, its control characters escaped."""
    path = review(clean_text())
    for name, shown in (("x\\u0000y", "x\\x00y"), ("a\\nb", "a\\nb")):
        (tmp_path / ".cardlint.toml").write_text(f'{key} = "{name}"\n')
        run = cli(path)
        assert run.code == 2 and run.err.startswith("Error: ") and run.err.count("\n") == 1, run.err
        assert run.err.endswith(f"({tmp_path / shown})\n")


def test_a_template_file_that_is_a_fifo_is_refused_not_waited_on(review, tmp_path):
    """The template a config names is read as a README is: a FIFO is refused (it was opened and read,
    which waits for a writer that never comes)."""
    path = review(clean_text())
    os.mkfifo(tmp_path / "card.md")
    (tmp_path / ".cardlint.toml").write_text('template = "card.md"\n')
    run = subprocess.run([sys.executable, "-m", "cardlint", str(path)], capture_output=True, text=True, timeout=30)
    assert (run.returncode, run.stderr) == (
        2,
        f"Error: config key 'template': cannot read card.md: not a regular file (a FIFO, device or socket) ({tmp_path / 'card.md'})\n",
    )


def test_unknown_option_is_one_line(cli):
    run = cli("--no-such-option", SEED)
    assert run.code == 2
    assert run.err.startswith("Error: No such option")
    assert "--no-such-option" in run.err and run.err.count("\n") == 1


def test_no_path(cli):
    run = cli()
    assert (run.code, run.err) == (2, "Error: no file given (usage: cardlint [OPTIONS] PATH...)\n")


def test_several_files_and_one_missing_reports_error(cli, tmp_path):
    """The missing file is one error line; the other is still checked; the run exits 2."""
    run = cli(tmp_path / "nope.md", SEED)
    assert run.code == 2
    assert run.err == f"Error: file not found ({tmp_path / 'nope.md'})\n"
    assert run.out == cli(SEED).out


def test_fix_with_a_missing_file_writes_nothing(cli, tmp_path):
    shutil.copytree(SEED_DIR, tmp_path / "review")
    readme = tmp_path / "review" / "README.md"
    before = readme.read_bytes()
    run = cli("--fix", readme, tmp_path / "nope.md")
    assert run.code == 2
    assert run.err.splitlines() == [
        f"Error: file not found ({tmp_path / 'nope.md'})",
        "Error: nothing written: 1 file could not be read; the others are only checked",
    ]
    assert readme.read_bytes() == before
    assert "CL208" in run.out


def test_list_rules_and_explain(cli):
    run = cli("--list-rules")
    assert run.code == 0
    lines = run.out.splitlines()
    assert len(lines) == len(BUILTIN_RULES)
    assert lines[0].startswith("CL101  unknown-tier")
    run = cli("--explain", "CL208")
    assert run.code == 0
    assert run.out.startswith("# CL208: row-pipes\n")
    assert cli("--explain", "row-pipes").out == run.out
    assert cli("--explain", "CL000").code == 2


def test_console_script_runs_without_traceback(tmp_path):
    """The installed entry point, in a real process: bad input gives one line and exit 2."""
    result = subprocess.run(
        [sys.executable, "-m", "cardlint", str(tmp_path / "nope.md")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr == f"Error: file not found ({tmp_path / 'nope.md'})\n"
    assert "Traceback" not in result.stderr


def test_several_files_report_as_each_alone_in_order(cli, tmp_path):
    """Several files: the output equals linting each alone, in the order given."""
    paths = []
    for index, folder in enumerate([SEED_DIR, DATA / "seed-clean", SEED_DIR]):
        target = tmp_path / f"r{index}"
        shutil.copytree(folder, target)
        paths.append(target / "README.md")
    together = cli("--output-format", "json", *paths)
    alone = [json.loads(cli("--output-format", "json", path).out) for path in paths]
    assert json.loads(together.out) == [item for items in alone for item in items]
    assert together.code == 1


def test_missing_file_among_several_is_one_line(cli, tmp_path):
    run = cli(SEED, tmp_path / "missing.md")
    assert (run.code, run.err) == (2, f"Error: file not found ({tmp_path / 'missing.md'})\n")
    assert run.out.startswith(f"{SEED}:16:83: CL208")


def test_markdown_without_cards_is_not_a_review(cli, tmp_path):
    """The pre-commit hook sees every Markdown file: a CONTRIBUTING.md's H1s are not tiers."""
    path = tmp_path / "CONTRIBUTING.md"
    path.write_text("# Contributing\n\nText.\n\n# Code of conduct\n\n# Poster\n\nMore.\n")
    run = cli(path)
    assert (run.code, run.out) == (0, "All checks passed!\n")


# The conventions a ruff or markdownlint user expects (issue 18, item 3).


def test_exit_zero_and_quiet(cli):
    run = cli("--exit-zero", "-q", SEED)
    assert run.code == 0
    lines = run.out.splitlines()
    assert len(lines) == 12 and all(": CL" in line for line in lines)  # no summary
    assert cli("--exit-zero", SEED).out.splitlines()[-3] == "Found 8 errors and 4 warnings."
    assert cli("--exit-zero", "missing.md").code == 2  # bad input still fails


def test_fix_star_marks_safe_fixes_only(cli):
    lines = cli(SEED).out.splitlines()
    assert f"{SEED}:61:1: CL301 Card 'Sampling is as easy as learning the score' has none of the template's fields: " in lines[3]
    assert sum("[*]" in line for line in lines[:-3]) == 7
    assert lines[-2] == "[*] 7 fixable with `cardlint --fix`."
    unsafe = cli("--unsafe-fixes", SEED).out.splitlines()
    assert sum("[*]" in line for line in unsafe[:-2]) == 8 and unsafe[-1] == "[*] 8 fixable with `cardlint --fix --unsafe-fixes`."


@pytest.mark.parametrize(
    "args, env, coloured",
    [
        (("--color", "always"), {}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ((), {}, False),  # not a terminal
    ],
)
def test_colour_follows_the_flag_then_no_color_and_force_color(cli, monkeypatch, args, env, coloured):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    run = cli(*args, "--select", "CL405", SEED)
    assert ("\x1b[" in run.out) is coloured


def test_version_short_flag(cli):
    assert cli("-V").out == cli("--version").out == "cardlint, version 0.1.0\n"


def test_statistics_as_json(cli):
    run = cli("--statistics", "--output-format", "json", SEED)
    assert run.code == 1
    assert json.loads(run.out) == [
        {"code": "CL208", "name": "row-pipes", "count": 4, "fixable": 4},
        {"code": "CL504", "name": "image-alt", "count": 4, "fixable": 0},
        {"code": "CL207", "name": "row-key-spelling", "count": 1, "fixable": 1},
        {"code": "CL301", "name": "missing-field", "count": 1, "fixable": 0},
        {"code": "CL404", "name": "openreview-link", "count": 1, "fixable": 1},
        {"code": "CL405", "name": "arxiv-link", "count": 1, "fixable": 1},
    ]
    run = cli("--statistics", "--output-format", "github", SEED)
    assert run.out.splitlines()[0] == "::notice title=cardlint CL208 (row-pipes)::4 found, 4 fixable with --fix"
    assert len(run.out.splitlines()) == 6 and run.code == 1
    run = cli("--statistics", "--output-format", "sarif", SEED)
    the_run = json.loads(run.out)["runs"][0]
    assert the_run["properties"]["statistics"][0] == {"code": "CL208", "name": "row-pipes", "count": 4, "fixable": 4}
    assert len(the_run["results"]) == 12  # the results stay: a code-scanning upload needs them


def test_codes_and_names_in_any_case(cli):
    upper = cli("--select", "CL208", SEED).out
    assert cli("--select", "cl208", SEED).out == upper == cli("--select", "ROW-PIPES", SEED).out
    assert cli("--explain", "cl208").out == cli("--explain", "CL208").out
    assert cli("--explain", "Row-Pipes").code == 0


def test_diff_headers_name_the_path_as_given(cli, tmp_path):
    shutil.copytree(SEED_DIR, tmp_path / "review")
    path = tmp_path / "review" / "README.md"
    lines = cli("--diff", path).out.splitlines()
    assert lines[:2] == [f"--- {path}", f"+++ {path}"]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("final", ["", "newline"])
def test_the_diff_applies_to_what_fix_writes(cli, tmp_path, monkeypatch, newline, final):
    """`cardlint --diff README.md | git apply -p0` gives what --fix writes. The BOM and a last line
    without a line break are in the diff (without them a hunk on the first line did not apply, and
    one on the last line added a newline), and lines end at LF only, as patch reads them."""
    lines = [
        "## DreamFusion",
        "| | |",
        "|--|--|",
        "|Title|DreamFusion: Text-to-3D using 2D Diffusion",
        "|Paper Link|https://arxiv.org/abs/2209.14988|",
        "|Github|Not found",
    ]
    text = "\ufeff" + newline.join(lines) + (newline if final else "")
    for folder in ("fixed", "patched"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / ".cardlint.toml").write_text('template = "builtin:iclr2023"\n')
        (tmp_path / folder / "README.md").write_bytes(text.encode("utf-8"))
    monkeypatch.chdir(tmp_path / "fixed")
    diff = cli("--diff", "README.md").out
    assert diff.startswith("--- README.md\n+++ README.md\n")
    assert cli("--fix", "README.md").code == 1
    fixed = (tmp_path / "fixed" / "README.md").read_bytes()
    assert fixed != text.encode("utf-8") and fixed.startswith(b"\xef\xbb\xbf#")
    applied = subprocess.run(
        ["git", "apply", "-p0", "--whitespace=nowarn", "-"], cwd=tmp_path / "patched", input=diff.encode(), capture_output=True
    )
    assert applied.returncode == 0, applied.stderr
    assert (tmp_path / "patched" / "README.md").read_bytes() == fixed


def test_options_without_effect_are_said(cli, tmp_path):
    run = cli("--remap", "^a b", "--select", "CL801", SEED)
    assert run.err.splitlines() == [
        "warning: --remap has no effect without --check-links (or check-links = true)",
        "warning: 'CL801' selects rules that only report with --check-links",
    ]
    assert run.out == "All checks passed!\n"


def test_shell_completion_as_documented(tmp_path):
    """The README's recipe: `_CARDLINT_COMPLETE=bash_source cardlint` prints a bash completion script."""
    env = {**os.environ, "_CARDLINT_COMPLETE": "bash_source"}
    result = subprocess.run([sys.executable, "-m", "cardlint"], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert "_cardlint_completion" in result.stdout


def test_commands_are_listed_and_check_is_the_default(cli):
    """`cardlint --help` names every command; `cardlint check` is `cardlint`; `cardlint rule` is --explain."""
    help_text = cli("--help").out
    for command in ("cardlint [check] PATH...", "cardlint new PATH", "cardlint rule CODE"):
        assert command in help_text
    assert cli("check", SEED).out == cli(SEED).out
    assert cli("rule", "cl208").out == cli("--explain", "CL208").out
    run = cli("rule", "row-pipe")
    assert (run.code, run.err) == (2, "Error: unknown rule 'row-pipe'; did you mean CL208 (row-pipes)? (rule)\n")
    assert cli("new", "--help").out.startswith("Usage: cardlint new [OPTIONS] PATH")


def test_standard_input_is_checked_as_the_file_it_is_named(tmp_path):
    """`printf '%s' "$card" | cardlint --stdin-filename README.md -` reports what the file would;
    with --fix the fixed text is the output and the report goes to stderr."""
    shutil.copytree(SEED_DIR, tmp_path / "review")
    folder = tmp_path / "review"
    text = (folder / "README.md").read_bytes()

    def cardlint(*args: str, data: bytes = text) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "cardlint", *args], input=data, capture_output=True, cwd=folder, check=False)

    from_file, from_stdin = cardlint("README.md"), cardlint("--stdin-filename", "README.md", "-")
    assert (from_stdin.returncode, from_stdin.stdout) == (from_file.returncode, from_file.stdout) == (1, from_file.stdout)
    assert from_stdin.stdout.startswith(b"README.md:16:83: CL208")
    unnamed = cardlint("-")
    assert unnamed.stdout.startswith(b"-:16:83: CL208")
    fixed = cardlint("--fix", "--stdin-filename", "README.md", "-")
    assert fixed.returncode == 1
    assert cardlint("--fix", "README.md").returncode == 1  # now fix the file itself
    assert fixed.stdout == (folder / "README.md").read_bytes()
    assert fixed.stderr.startswith(b"Fixed 7 problems (CL207 \xc3\x971, CL208 \xc3\x974, CL404 \xc3\x971, CL405 \xc3\x971).\nREADME.md:18:1: CL504")


def test_a_broken_bibtex_entry_names_its_field_and_the_rest_is_still_checked(cli, tmp_path):
    """A missing brace in `year` is reported at that field's line; the url before it still parsed,
    so the card's Paper Link is still compared with it (CL407)."""
    shutil.copytree(RULE_FIXTURES, tmp_path / "fx")
    (tmp_path / "fx" / ".cardlint.toml").write_text('template = "builtin:iclr2023"\n')
    path = tmp_path / "fx" / "clean.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("@misc")
    entry = text[start : text.index("}\n</details>", start) + 1]
    lines = entry.split("\n")
    broken = [line.replace("2209.14988", "2301.00001") if "url" in line else line for line in lines]
    broken = [line.replace("{2022}", "{2022") if "year" in line else line for line in broken]
    path.write_text(text.replace(entry, "\n".join(broken)), encoding="utf-8")
    year_line = text[:start].count("\n") + 1 + next(i for i, line in enumerate(lines) if "year" in line)
    run = cli("--select", "CL4,CL6", path)
    assert f"{path}:{year_line}:1: CL604 BibTeX does not parse at the field 'year': Unexpectedly reached end of file." in run.out
    assert "CL407 Paper Link names arXiv 2209.14988 but the BibTeX names arXiv 2301.00001" in run.out
