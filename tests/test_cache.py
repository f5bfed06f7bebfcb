"""The per-card cache: results with and without it are identical, and it never hides a change."""

from __future__ import annotations

import json
import shutil

import pytest

from cardlint.rules import Rule
from conftest import DATA, RULE_FIXTURES

HISTORY = sorted((DATA / "history").glob("*.md"))


@pytest.fixture(autouse=True)
def cache_by_the_file(monkeypatch):
    """These tests look at the default cache folder, next to the README."""
    monkeypatch.delenv("CARDLINT_CACHE_DIR")


@pytest.fixture
def seed(tmp_path):
    shutil.copytree(DATA / "seed", tmp_path / "review")
    return tmp_path / "review" / "README.md"


def lint(cli, path, *args):
    run = cli("--output-format", "json", *args, path)
    return run.code, json.loads(run.out)


@pytest.mark.parametrize("name", ["seed", "seed-clean"] + [f"history/{p.name}" for p in HISTORY])
def test_same_results_cold_warm_and_without(cli, tmp_path, name):
    shutil.copytree(DATA / "seed" / "img", tmp_path / "img")
    path = tmp_path / "README.md"
    shutil.copy(DATA / name if name.startswith("history") else DATA / name / "README.md", path)
    without = lint(cli, path, "--no-cache")
    assert not (tmp_path / ".cardlint_cache").exists()
    cold = lint(cli, path)
    assert list((tmp_path / ".cardlint_cache").glob("cards-*.jsonl"))
    warm = lint(cli, path)
    assert without == cold == warm


def test_edit_that_shifts_every_later_card(cli, seed):
    lint(cli, seed)
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("|Title|Dreamfusion", "|Title|Dreamfusion\n|Venue|ICLR", 1), encoding="utf-8")
    assert lint(cli, seed) == lint(cli, seed, "--no-cache")
    codes = {(d["line"], d["code"]) for d in lint(cli, seed)[1]}
    assert (12, "CL204") in codes and (160, "CL207") in codes  # the OpenReivew row moved down one line


def test_fix_positions_from_the_cache_are_exact(cli, seed):
    lint(cli, seed)
    seed.write_text("<!-- a new first line -->\n" + seed.read_text(encoding="utf-8"), encoding="utf-8")
    warm = lint(cli, seed)[1]
    fresh = lint(cli, seed, "--no-cache")[1]
    assert warm == fresh
    assert all(d["fix"] is None or d["fix"]["edits"] for d in warm)


def test_images_are_checked_on_disk_every_time(cli, seed):
    assert lint(cli, seed)[1] == lint(cli, seed)[1]
    (seed.parent / "img" / "0004.png").unlink()
    found = {(d["line"], d["code"]) for d in lint(cli, seed)[1]}
    assert (114, "CL501") in found


def test_config_change_is_not_served_from_the_cache(cli, seed):
    lint(cli, seed)
    (seed.parent / ".cardlint.toml").write_text('required-rows = ["Title", "Paper Link", "Github"]\n')
    seed.write_text(seed.read_text(encoding="utf-8").replace("|Github| Not Found|", "|Github| |"), encoding="utf-8")
    lint(cli, seed)
    assert lint(cli, seed) == lint(cli, seed, "--no-cache")
    assert "CL209" in {d["code"] for d in lint(cli, seed)[1]}


def _entry_lines(text: str) -> list[str]:
    """The lines of a cards file that hold entries (not the hash that ends each chunk of them)."""
    return [line for line in text.splitlines() if not line.startswith(',"')]


def _entries_replaced(text: str, *rest: object) -> str:
    """Every entry of a cards file replaced by ``[key, *rest]``."""
    keys = [json.loads(line.lstrip(","))[0] for line in _entry_lines(text)]
    return ",".join(json.dumps([key, *rest]) + "\n" for key in keys)


def _edited_by_hand(text: str) -> str:
    """A row moved one line down: the JSON and the entry's shape stay valid; only the hash of the
    chunk tells the change."""
    edited = text.replace('"CL208",null,null,8,83,8,83,', '"CL208",null,null,9,83,9,83,', 1)
    assert edited != text
    return edited


def _line_cut(text: str) -> str:
    lines = text.splitlines()
    lines[1] = lines[1][: len(lines[1]) // 2]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: "{not json",
        lambda text: text[: len(text) // 2],  # a write cut short
        _line_cut,  # one line cut short, the others intact
        lambda text: _entries_replaced(text, 1, 2, 3),
        lambda text: _entries_replaced(text, [["CL201"]], [], {}),
        lambda text: text + ',[1]\n,["k", 2]\n',  # rows of the wrong shape among good ones
        lambda text: _entries_replaced(text, [], [[1]], {}),
        lambda text: _entries_replaced(text, [], [["alt", "img/0001.png", "2", 1, 2, 3, 4, False]], {}),
        lambda text: _entries_replaced(text, [], [], []),
        _edited_by_hand,
        lambda text: text.rsplit(',"', 1)[0],  # the last chunk's hash cut off
    ],
    ids=[
        "not-json", "truncated", "one-line-cut", "wrong-shape", "short-diagnostic", "stray-rows",
        "short-image", "image-line-not-a-number", "facts-not-a-dict", "edited-by-hand", "hash-cut",
    ],
)
def test_damaged_cache_is_ignored(cli, seed, damage):
    expected = lint(cli, seed)
    entries = list((seed.parent / ".cardlint_cache").glob("cards-*.jsonl"))
    assert entries
    for entry in entries:
        entry.write_text(damage(entry.read_text()))
    assert lint(cli, seed) == expected
    assert lint(cli, seed) == expected  # and the rewritten cache serves the same
    assert (seed.parent / ".cardlint_cache" / ".gitignore").read_text().endswith("*\n")


def test_entries_are_appended_and_stale_ones_compacted(cli, seed, monkeypatch):
    import cardlint.cache

    lint(cli, seed)
    (entries,) = (seed.parent / ".cardlint_cache").glob("cards-*.jsonl")
    first = entries.read_text().splitlines()
    assert len(_entry_lines("\n".join(first))) == 5 and len(first) == 6  # one line per card, then the hash
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("|Institute |", "|Institute | Elsewhere,", 1), encoding="utf-8")
    expected = lint(cli, seed, "--no-cache")
    assert lint(cli, seed) == expected
    second = entries.read_text().splitlines()
    assert second[:6] == first and len(second) == 8  # the changed card's entry and its hash, appended
    monkeypatch.setattr(cardlint.cache, "_SLACK", 0)
    counts = []
    for round in range(8):
        seed.write_text(text.replace("|Institute |", f"|Institute | Place {round},", 1), encoding="utf-8")
        assert lint(cli, seed) == lint(cli, seed, "--no-cache")
        counts.append(len(_entry_lines(entries.read_text())))
    # Each edit appends one entry; once stale entries outnumber the 5 in use the file is rewritten.
    assert max(counts) <= 2 * 5 + 1
    assert 5 in counts
    assert all(b == a + 1 for a, b in zip(counts, counts[1:]) if b != 5)


def test_cache_dir_option_and_environment(cli, seed, tmp_path, monkeypatch):
    expected = lint(cli, seed, "--no-cache")
    assert lint(cli, seed, "--cache-dir", tmp_path / "elsewhere") == expected
    assert list((tmp_path / "elsewhere").glob("cards-*.jsonl"))
    monkeypatch.setenv("CARDLINT_CACHE_DIR", str(tmp_path / "from-env"))
    assert lint(cli, seed) == expected
    assert list((tmp_path / "from-env").glob("scan-*.json"))
    assert not (seed.parent / ".cardlint_cache").exists()


FIXTURES = sorted(p for p in RULE_FIXTURES.glob("*.md") if not p.name.endswith(".fixed.md"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_cached_rules_report_the_same_wherever_the_card_sits(fixture):
    """A cacheable rule's result is served from the cache after the card moves: its messages may
    not name absolute lines, and its positions and fixes must move with the card."""
    from cardlint.config import Config
    from cardlint.linter import lint_source
    from cardlint.rules import BUILTIN_RULES
    from cardlint.source import Source
    from conftest import strip_markers

    cacheable = [rule for rule in BUILTIN_RULES if rule.cacheable and rule.check_card is not Rule.check_card]
    text, _ = strip_markers(fixture.read_text(encoding="utf-8"))
    shift = "\n" * 7

    def found(body: str) -> list:
        return lint_source(Source.from_text(body, str(fixture)), Config(), cacheable).diagnostics

    here, moved = found(text), found(shift + text)
    assert [(d.code, d.line + 7, d.column, d.end_line + 7, d.message) for d in here] == [
        (d.code, d.line, d.column, d.end_line, d.message) for d in moved
    ]
    assert [[(e.start + 7, e.end + 7, e.content) for e in d.fix.edits] if d.fix else None for d in here] == [
        [(e.start, e.end, e.content) for e in d.fix.edits] if d.fix else None for d in moved
    ]


def test_unusable_cache_dir_only_costs_speed(cli, seed, tmp_path):
    """A cache folder that cannot be made (a file is in the way) never fails the run."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    expected = lint(cli, seed, "--no-cache")
    first = cli("--output-format", "json", "--cache-dir", blocker, seed)
    assert (first.code, json.loads(first.out)) == expected and first.err == ""
    assert lint(cli, seed, "--cache-dir", blocker) == expected


def test_warm_run_decodes_only_the_changed_card(seed):
    """After one card changed, a warm run decodes that card and the few lines rules read, never
    the whole file, and reports what a run without the cache reports."""
    from cardlint.cache import CardCache
    from cardlint.config import Config
    from cardlint.linter import lint_source
    from cardlint.rules import all_rules
    from cardlint.source import Source

    def lint(cache):
        source = Source.read(str(seed), lazy=cache is not None)
        return source, lint_source(source, Config(), all_rules(), cache=cache)

    folder = str(seed.parent / "cache")
    lint(CardCache(folder))
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("|Institute |", "|Institute | Elsewhere,", 1), encoding="utf-8")
    source, warm = lint(CardCache(folder))
    assert source._text is None
    assert warm.diagnostics == lint(None)[1].diagnostics
    # Only the changed card was parsed and checked: the others were served from the cache.
    assert [card.title for card in warm.document.paper_cards if card.parsed] == ["DreamFusion"]


def test_directive_in_an_unchanged_card_still_applies(cli, seed):
    """The warm run learns from the kept segments' records whether the file names cardlint: a
    directive in a card that did not change still suppresses what it covers."""
    text = seed.read_text(encoding="utf-8")
    last_card = text.rindex("\n## ")
    with_directive = text[:last_card] + "\n<!-- cardlint-disable-file -->\n" + text[last_card:]
    seed.write_text(with_directive, encoding="utf-8")
    assert lint(cli, seed)[1] == []  # cold: everything suppressed
    seed.write_text(with_directive.replace("|Institute |", "|Institute | Elsewhere,", 1), encoding="utf-8")
    assert lint(cli, seed) == lint(cli, seed, "--no-cache") == (0, [])


@pytest.mark.parametrize("damage", ["", "{not json\n", "garbage", "same-keys"])
def test_bibtex_parsed_afresh_when_it_changed_or_its_memo_is_damaged(cli, seed, damage):
    """A card whose BibTeX changed is parsed again; a damaged memo of parsed blocks is ignored.
    Either way the report is the one without the cache."""
    lint(cli, seed)
    (memo,) = (seed.parent / ".cardlint_cache").glob("bibtex-*.jsonl")
    if damage == "same-keys":  # every line's hash kept, what follows it broken
        memo.write_text("".join(line[:36] + '{"x": 1}, 3],\n' for line in memo.read_text().splitlines()))
    elif damage:
        memo.write_text(damage)
    text = seed.read_text(encoding="utf-8")
    table_edit = text.replace("|Institute |", "|Institute | Elsewhere,", 1)
    # The first card's BibTeX now names another arXiv paper than its Paper Link.
    bibtex_edit = table_edit.replace("url = {https://arxiv.org/abs/2209.14988}", "url = {https://arxiv.org/abs/2209.99999}")
    assert bibtex_edit != table_edit
    seed.write_text(bibtex_edit, encoding="utf-8")
    after_bibtex_edit = lint(cli, seed)
    assert after_bibtex_edit == lint(cli, seed, "--no-cache")
    seed.write_text(table_edit, encoding="utf-8")
    after_table_edit = lint(cli, seed)
    assert after_table_edit == lint(cli, seed, "--no-cache")
    assert after_bibtex_edit != after_table_edit  # the BibTeX edit is seen


def test_roles_the_cache_does_not_keep_are_read_from_the_card(seed):
    """A rule that reads a role the cache does not keep (a plugin's, say) gets the card's value:
    the card is parsed for it. Its report equals the one without the cache."""
    from cardlint.cache import KEPT_ROLES, CardCache
    from cardlint.config import Config
    from cardlint.linter import lint_source
    from cardlint.rules import Rule, all_rules
    from cardlint.source import Source

    class GithubRow(Rule):
        code = "XG100"
        name = "github-row"
        summary = "Reports each card's Github row"
        cacheable = False

        def check_card(self, card, ctx):
            yield self.report(ctx, card.heading.span, f"github: {ctx.role_value(card, 'github')}")

    assert "github" not in KEPT_ROLES
    rules = [*all_rules(), GithubRow]

    def lint(cache):
        source = Source.read(str(seed), lazy=cache is not None)
        return lint_source(source, Config(), rules, cache=cache).diagnostics

    folder = str(seed.parent / "cache")
    lint(CardCache(folder))
    warm = lint(CardCache(folder))
    assert warm == lint(None)
    messages = [d.message for d in warm if d.code == "XG100"]
    assert len(messages) == 5 and all(m != "github: None" for m in messages[:4])


def test_replacing_a_cache_file_leaves_no_temporary_behind(tmp_path):
    from cardlint.source import replace_file

    target = tmp_path / "scan.json"
    replace_file(str(target), b"first")
    replace_file(str(target), b"second")
    assert target.read_bytes() == b"second"
    (tmp_path / "folder").mkdir()
    with pytest.raises(OSError):
        replace_file(str(tmp_path / "folder"), b"x")  # a folder stands where the file would go
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "scan.json"]


@pytest.mark.parametrize("edit", [("|Institute |", "|Institute | Elsewhere,"), ("|Title|Dreamfusion", "|Title|Dreamfusion\n|Venue|ICLR")])
def test_scan_file_after_an_edit_is_the_one_a_cold_run_writes(cli, seed, edit):
    """A warm run writes the kept segments' records back as it read them and only the changed
    ones anew: the file is byte for byte the one a run without a cache would leave."""
    folder = seed.parent / ".cardlint_cache"
    lint(cli, seed)
    seed.write_text(seed.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
    lint(cli, seed)
    (scan,) = folder.glob("scan-*.json")
    warm = scan.read_bytes()
    shutil.rmtree(folder)
    lint(cli, seed)
    assert scan.read_bytes() == warm


@pytest.mark.parametrize("output", ["text", "github", "sarif", "json"])
def test_every_output_format_reads_the_cache_as_a_fresh_run(cli, seed, output):
    """The JSON report writes the cache's runs from their rows; the other formats read them as
    diagnostics. Each prints after an edit what a run without the cache prints."""
    cli("--output-format", output, seed)
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("|Institute |", "|Institute | Elsewhere,", 1), encoding="utf-8")
    warm = cli("--output-format", output, seed)
    fresh = cli("--output-format", output, "--no-cache", seed)
    assert (warm.code, warm.out) == (fresh.code, fresh.out)
    assert warm.out.count("Image has no alt text") >= 4  # the unchanged cards' four are there
    statistics = cli("--statistics", seed)
    assert statistics.out == cli("--statistics", "--no-cache", seed).out
