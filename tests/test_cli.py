"""The command as a user runs it: exact output lines and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from cardlint.rules import BUILTIN_RULES
from conftest import DATA, RULE_FIXTURES, SEED, SEED_DIR


@pytest.fixture
def review(tmp_path):
    """A writable copy of a fixture card with its image."""
    shutil.copytree(RULE_FIXTURES / "img", tmp_path / "img")

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


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p / "missing.md", "Error: file not found ({})"),
        (lambda p: p, "Error: is a directory, not a file ({})"),
    ],
)
def test_missing_file_and_directory(cli, tmp_path, make, message):
    path = make(tmp_path)
    run = cli(path)
    assert (run.code, run.out, run.err) == (2, "", message.format(path) + "\n")


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
        [sys.executable, "-m", "cardlint", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr == f"Error: is a directory, not a file ({tmp_path})\n"
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
