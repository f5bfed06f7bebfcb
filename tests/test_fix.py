"""--fix, --diff and --unsafe-fixes: lossless, idempotent, atomic, refusing what is unsafe."""

from __future__ import annotations

import json
import os
import shutil
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardlint.api import FixSafety, Rule
from cardlint.diagnostic import Diagnostic, Edit, Fix, Severity
from cardlint.errors import UsageError
from cardlint.fix import FixRefused, apply_edits, choose_fixes, fix_source, write_atomically
from cardlint.rules import BUILTIN_RULES
from cardlint.source import Source
from conftest import DATA, RULE_FIXTURES, SEED_DIR, builtin_config, clean_list, strip_markers


@pytest.fixture
def seed(tmp_path):
    shutil.copytree(SEED_DIR, tmp_path / "review")
    return tmp_path / "review" / "README.md"


def test_diff_prints_intended_lines_and_writes_nothing(cli, seed):
    before = seed.read_bytes()
    run = cli("--diff", seed)
    assert run.code == 1
    assert seed.read_bytes() == before
    removed = [line for line in run.out.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in run.out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == [
        "-|Github|Not found official. Others: https://github.com/ashawkey/stable-dreamfusion",
        "-|Authors| Anurag Ajay, Yilun Du, Abhi Gupta, Joshua B. Tenenbaum, Tommi S. Jaakkola, Pulkit Agrawal",
        "-|OpenReivew| https://openreview.net/pdf?id=j6zUzrapY3L |",
        "-|Authors| Qitian Wu, Chenxiao Yang, Wentao Zhao, Yixuan He, David Wipf, Junchi Yan",
        "-|Paper Link| https://arxiv.org/abs/2210.11427.pdf |",
        "-|Authors| Guillaume Couairon, Jakob Verbeek, Holger Schwenk, Matthieu Cord",
    ]
    assert added == [
        "+|Github|Not found official. Others: https://github.com/ashawkey/stable-dreamfusion|",
        "+|Authors| Anurag Ajay, Yilun Du, Abhi Gupta, Joshua B. Tenenbaum, Tommi S. Jaakkola, Pulkit Agrawal|",
        "+|OpenReview| https://openreview.net/forum?id=j6zUzrapY3L |",
        "+|Authors| Qitian Wu, Chenxiao Yang, Wentao Zhao, Yixuan He, David Wipf, Junchi Yan|",
        "+|Paper Link| https://arxiv.org/abs/2210.11427 |",
        "+|Authors| Guillaume Couairon, Jakob Verbeek, Holger Schwenk, Matthieu Cord|",
    ]


def test_diff_on_clean_file_exits_zero(cli):
    run = cli("--diff", DATA / "seed-clean" / "README.md")
    assert (run.code, run.out) == (0, "")


def test_fix_then_fix_again_changes_nothing(cli, seed):
    assert cli("--fix", seed).code == 1
    once = seed.read_bytes()
    run = cli("--fix", seed)
    assert seed.read_bytes() == once
    assert not run.out.startswith("Fixed")


def test_fix_keeps_crlf_and_bom(cli, seed):
    lf = seed.read_bytes()
    crlf = b"\xef\xbb\xbf" + lf.replace(b"\n", b"\r\n")
    seed.write_bytes(crlf)
    cli("--fix", "--unsafe-fixes", seed)
    fixed_crlf = seed.read_bytes()
    seed.write_bytes(lf)
    cli("--fix", "--unsafe-fixes", seed)
    fixed_lf = seed.read_bytes()
    assert fixed_crlf.startswith(b"\xef\xbb\xbf")
    assert fixed_crlf == b"\xef\xbb\xbf" + fixed_lf.replace(b"\n", b"\r\n")
    assert b"\n" not in fixed_crlf.replace(b"\r\n", b"")


def test_unsafe_fixes_fill_the_card_without_fields(cli, seed):
    run = cli("--fix", seed)
    assert "1 more fixable with `cardlint --fix --unsafe-fixes`." in run.out
    run = cli("--fix", "--unsafe-fixes", seed)
    assert run.out.splitlines()[0] == "Fixed 1 problem (CL301 ×1)."
    text = seed.read_text(encoding="utf-8")
    start = text.index("## Sampling is as easy")
    card = text[start : text.index("## Decision Diffuser")]
    assert "1. **Task**\n\t\n2. **Problem**\n\t\n3. **Method**\n\t\n4. **Performance**\n\t\n5. **Dataset**\n\t\n6. **Model's information**\n\t\n\n<details>" in card
    # What remains needs a person: the six empty bodies.
    codes = [line.split(": ")[1].split()[0] for line in run.out.splitlines() if ": CL" in line]
    assert codes.count("CL306") == 6


def test_fix_keeps_mode_and_follows_symlink(cli, seed, tmp_path):
    seed.chmod(0o640)
    link = tmp_path / "link.md"
    link.symlink_to(seed)
    assert cli("--fix", link).code == 1
    assert link.is_symlink()
    assert stat.S_IMODE(seed.stat().st_mode) == 0o640
    assert b"forum?id=j6zUzrapY3L" in seed.read_bytes()
    assert not [p for p in seed.parent.iterdir() if p.name.startswith(".cardlint-")]


def test_read_only_file_is_untouched(cli, seed):
    before = seed.read_bytes()
    seed.chmod(0o444)
    run = cli("--fix", seed)
    assert (run.code, run.err) == (2, f"Error: file is read-only; nothing written ({seed})\n")
    assert seed.read_bytes() == before


def test_file_changed_on_disk_is_not_overwritten(seed):
    source = Source.read(str(seed))
    seed.write_text("someone else's edit\n")
    with pytest.raises(UsageError, match="changed on disk"):
        write_atomically(str(seed), b"fixed", source.encode())
    assert seed.read_text() == "someone else's edit\n"


def test_interrupted_write_cleans_temp_file(seed, monkeypatch):
    before = seed.read_bytes()

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(UsageError, match="No space left on device"):
        write_atomically(str(seed), b"new", before)
    assert seed.read_bytes() == before
    assert [p.name for p in seed.parent.iterdir() if p.name.startswith(".cardlint-")] == []


class DropsAWord(Rule):
    """A broken rule: its 'fix' deletes the Institute row's value."""

    code = "XD100"
    name = "drops-a-word"
    summary = "broken fixer"
    fix = FixSafety.SAFE

    def check_card(self, card, ctx):
        row = ctx.row(card, "Institute")
        if row is not None and row.value:
            span = row.value_span
            start, end = ctx.source.offset(span.line, span.column) - 1, ctx.source.offset(span.line, span.end_column)
            yield self.report(ctx, span, "x", self.make_fix("drop", Edit(start, end, "|")))


def test_fix_that_loses_a_word_is_refused():
    source = Source.read(str(RULE_FIXTURES / "clean.md"))
    with pytest.raises(FixRefused, match="the fix 'drop' would lose the word 'Google'"):
        fix_source(source, builtin_config(), [*BUILTIN_RULES, DropsAWord])


class UnmakesACard(Rule):
    """A broken rule: its 'fix' turns each card's heading into a line of text."""

    code = "XD101"
    name = "unmakes-a-card"
    summary = "broken fixer"
    fix = FixSafety.SAFE

    def check_card(self, card, ctx):
        start = ctx.source.offset(card.line, 1) - 1
        yield self.report(ctx, card.heading.span, "x", self.make_fix("unmake", Edit(start, start + 3, "")))


def test_fix_that_removes_a_card_is_refused_naming_it():
    source = Source.read(str(RULE_FIXTURES / "clean.md"))
    with pytest.raises(FixRefused, match=r"^the fixes would remove the card 'DreamFusion'$"):
        fix_source(source, builtin_config(), [*BUILTIN_RULES, UnmakesACard])


def test_refused_fix_via_cli_writes_nothing(cli, tmp_path, monkeypatch):
    from importlib.metadata import EntryPoint

    from cardlint import rules as registry

    shutil.copytree(RULE_FIXTURES, tmp_path / "fx")
    (tmp_path / "fx" / ".cardlint.toml").write_text('template = "builtin:iclr2023"\n')
    path = tmp_path / "fx" / "clean.md"
    before = path.read_bytes()
    monkeypatch.setattr(
        registry, "entry_points", lambda group: [EntryPoint("drop", "test_fix:DropsAWord", "cardlint.rules")]
    )
    run = cli("--fix", path)
    assert run.code == 1
    assert run.err == f"Error: refusing to fix: the fix 'drop' would lose the word 'Google'; nothing written ({path})\n"
    assert path.read_bytes() == before


def test_apply_edits_in_offset_order():
    assert apply_edits("abcdef", [Edit(4, 5, "E"), Edit(0, 0, ">"), Edit(1, 3, "")]) == ">adEf"


def test_json_output_after_fix_stays_json(cli, seed):
    run = cli("--fix", "--output-format", "json", seed)
    assert [d["code"] for d in json.loads(run.out) if d["severity"] == "error"] == ["CL301"]
    assert run.err.startswith("Fixed 7 problems")


@pytest.mark.parametrize(
    "row, fixed",
    [
        (
            "|OpenReview| https://openreview.net/pdf?id=FjNys5c7VyY&noteId=Rev42|Spotlight|",
            "|OpenReview| https://openreview.net/forum?id=FjNys5c7VyY&noteId=Rev42|Spotlight|",
        ),
        (
            "|Paper Link| https://arxiv.org/abs/2209.14988.pdf?v=2#page=4|Preprint|",
            "|Paper Link| https://arxiv.org/abs/2209.14988?v=2#page=4|Preprint|",
        ),
    ],
    ids=["openreview-query-and-cell", "arxiv-query-fragment-and-cell"],
)
def test_link_fixes_change_only_what_they_mean_to(row, fixed):
    """CL404 turns pdf into forum and CL405 drops .pdf: the query, fragment and a cell after stay."""
    key = row.split("|")[1]
    clean = clean_list()
    line = next(line for line in clean.split("\n") if line.startswith(f"|{key}|"))
    text = clean.replace(line, row)
    outcome = fix_source(Source.from_text(text), builtin_config(), list(BUILTIN_RULES))
    assert outcome.text == clean.replace(line, fixed)
    assert sum(outcome.fixed.values()) == 1


@pytest.mark.parametrize("broken", ["**Task*", "*Task**", "__Task_", "**Task"])
def test_a_broken_bold_label_is_mended_once(broken):
    """CL304 used to wrap `**Task*` again on every pass until the fixes were refused as unsettled."""
    clean = clean_list()
    text = clean.replace("1. **Task**", f"1. {broken}", 1).replace("|Github|Not found|", "|Github|Not found", 1)
    assert "|Github|Not found\n" in text
    outcome = fix_source(Source.from_text(text), builtin_config(), list(BUILTIN_RULES))
    assert outcome.text == clean
    assert outcome.fixed["CL304"] == 1 and outcome.fixed["CL208"] == 1


def _overlaps_any(edit: Edit, taken: list[Edit]) -> bool:
    """The overlap rule stated plainly, edit against edit: the reference for choose_fixes."""
    for other in taken:
        if edit.start < other.end and other.start < edit.end:
            return True
        if edit.start == other.start:
            return True
        if edit.start == edit.end and other.start < edit.start < other.end:
            return True
    return False


_edits = st.tuples(st.integers(0, 40), st.integers(0, 6)).map(lambda pair: Edit(pair[0], pair[0] + pair[1], "x"))


@given(st.lists(st.lists(_edits, min_size=1, max_size=2), max_size=30))
@settings(max_examples=1000, deadline=None)  # a few hundred microseconds an example
def test_choose_fixes_takes_what_the_plain_overlap_rule_takes(fix_edits):
    diagnostics = [
        Diagnostic("p", 1, 1, 1, 1, "CL208", "row-pipes", Severity.ERROR, "m", Fix("t", tuple(edits)))
        for edits in fix_edits
    ]
    expected, taken = [], []
    for diagnostic in diagnostics:
        fix = diagnostic.fix
        if any(fix.edits == other.edits for other in expected):
            continue
        if any(_overlaps_any(edit, taken) for edit in fix.edits):
            continue
        if any(_overlaps_any(edit, list(fix.edits[:index])) for index, edit in enumerate(fix.edits)):
            continue  # a fix whose own edits overlap is never applied
        taken.extend(fix.edits)
        expected.append(fix)
    chosen, _ = choose_fixes(diagnostics, unsafe=False)
    assert chosen == expected


def _lines_with_endings(text: str) -> list[tuple[str, str]]:
    import re

    return [(match.group(1), match.group(2)) for match in re.finditer(r"([^\r\n]*)(\r\n|\r|\n|$)", text) if match.group(0)]


@pytest.mark.parametrize("code", ["CL206", "CL303", "CL701", "CL702"])
@pytest.mark.parametrize("pattern", ["crlf-odd", "crlf-even", "cr-thirds"])
def test_moves_keep_each_lines_own_ending(code, pattern):
    """In a file mixing CRLF and LF, the row, field, card and tier moves carry each line's ending
    with it: every line of the result, ending included, is a line of the input."""
    text, _ = strip_markers((RULE_FIXTURES / f"{code}.md").read_text(encoding="utf-8"))
    lines = text.split("\n")
    def ending(index: int) -> str:
        if pattern == "crlf-odd":
            return "\r\n" if index % 2 else "\n"
        if pattern == "crlf-even":
            return "\n" if index % 2 else "\r\n"
        # A CR before an empty line that ends with LF would make one CRLF of the two.
        return ["\n", "\r\n", "\r"][index % 3] if lines[index + 1] else "\n"

    mixed = "".join(line + ending(index) for index, line in enumerate(lines[:-1])) + lines[-1]
    rule = [r for r in BUILTIN_RULES if r.code == code]
    outcome = fix_source(Source.from_text(mixed), builtin_config(), rule)
    assert outcome.fixed[code] >= 1
    before, after = _lines_with_endings(mixed), _lines_with_endings(outcome.text)
    assert sorted(after) == sorted(before)
    assert after != before


def test_an_edit_saved_during_the_write_is_not_lost(seed, monkeypatch):
    """An editor saves the file after cardlint's first check, while it writes the new text: the
    check right before the rename sees it, nothing is written, and the editor's text stays."""
    source = Source.read(str(seed))
    real_fsync = os.fsync

    def editor_saves(descriptor):
        real_fsync(descriptor)
        seed.write_text("the editor's text\n")

    monkeypatch.setattr(os, "fsync", editor_saves)
    with pytest.raises(UsageError, match="changed on disk"):
        write_atomically(str(seed), b"fixed", source.encode())
    assert seed.read_text() == "the editor's text\n"
    assert [p.name for p in seed.parent.iterdir() if p.name.startswith(".cardlint-")] == []


def test_hard_links_and_owner_survive_a_fix(cli, seed):
    other = seed.parent / "linked.md"
    os.link(seed, other)
    if os.geteuid() == 0:
        os.chown(seed, 1234, 2345)
    assert cli("--fix", seed).code == 1
    assert os.stat(seed).st_ino == os.stat(other).st_ino
    assert b"forum?id=j6zUzrapY3L" in other.read_bytes()
    if os.geteuid() == 0:
        assert (os.stat(seed).st_uid, os.stat(seed).st_gid) == (1234, 2345)


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another owner needs root")
def test_owner_survives_the_rename(cli, seed):
    os.chown(seed, 1234, 2345)
    inode = os.stat(seed).st_ino
    assert cli("--fix", seed).code == 1
    status = os.stat(seed)
    assert (status.st_uid, status.st_gid) == (1234, 2345)
    assert status.st_ino != inode  # replaced through a temporary file, not written in place


def test_sigterm_during_the_write_leaves_no_temporary_and_the_file_whole(seed):
    """The run is told to stop while the new text is written: the README is untouched, and the
    temporary file is gone."""
    import signal
    import subprocess
    import sys

    before = seed.read_bytes()
    child = (
        "import os, signal, sys\n"
        "real = os.fsync\n"
        "def stopped(fd):\n"
        "    real(fd)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "os.fsync = stopped\n"
        "from cardlint.cli import main\n"
        "sys.exit(main(['--fix', sys.argv[1]]))\n"
    )
    result = subprocess.run([sys.executable, "-c", child, str(seed)], capture_output=True, text=True, check=False)
    assert result.returncode == 128 + signal.SIGTERM, result.stderr
    assert "Traceback" not in result.stderr
    assert seed.read_bytes() == before
    assert [p.name for p in seed.parent.iterdir() if p.name.startswith(".cardlint-")] == []


def test_unwritable_folder_is_one_error_line(cli, seed, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    before = seed.read_bytes()
    run = cli("--fix", seed)
    assert (run.code, run.err) == (2, f"Error: cannot write: Permission denied ({seed})\n")
    assert seed.read_bytes() == before


def test_a_symlinked_image_folder_pointing_outside_the_repository_is_outside(cli, tmp_path):
    """CL502 follows symlinks: `img/` linked to a folder elsewhere on the disk is not the repository's."""
    repo = tmp_path / "repo"
    shutil.copytree(SEED_DIR, repo)
    (repo / ".git").mkdir()
    elsewhere = tmp_path / "elsewhere"
    shutil.move(repo / "img", elsewhere)
    (repo / "img").symlink_to(elsewhere)
    run = cli("--select", "CL502", "--output-format", "json", repo / "README.md")
    assert [(d["line"], d["code"]) for d in json.loads(run.out)] == [(18, "CL502"), (19, "CL502"), (114, "CL502"), (164, "CL502")]
