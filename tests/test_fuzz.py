"""Property tests: the checker never raises, positions lie inside the file, fixes are idempotent and lossless.

CI runs the "ci" profile (a fixed example budget, derandomized); `HYPOTHESIS_PROFILE=long pytest
tests/test_fuzz.py` runs a longer search on demand.
"""

from __future__ import annotations

import os
import re
from collections import Counter

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from cardlint.config import Config
from cardlint.fix import fix_source
from cardlint.linter import lint_source
from cardlint.parser import parse
from cardlint.report import render_json
from cardlint.rules import BUILTIN_RULES
from cardlint.source import Source
from conftest import DATA, RULE_FIXTURES

settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

RULES = list(BUILTIN_RULES)
CONFIG = Config()
EXAMPLE = (DATA / "seed" / "README.md").read_text(encoding="utf-8").split("\n")
CARD = (RULE_FIXTURES / "clean.md").read_text(encoding="utf-8").split("\n")

FRAGMENTS = [
    "| | |", "|--|--|", "|Title|X|", "|Paper Link|https://arxiv.org/abs/2209.14988.pdf", "|OpenReivew|x",
    "|Github|", "| a | b | c |", "||", "|", "Title|x", "1. **Task**", "2. Problem", "7. **Extra**", "1.",
    "\tbody", "    indented", "<details>", "</details>", "<summary>S</summary>", "<p>", "</p>", "<!--", "-->",
    "<!-- cardlint-disable -->", "<!-- cardlint: score=x -->", "```", "~~~", "# Notable Top 5%", "## Card",
    "### Deep", "#", "##", "![](img/x.png)", "![a](../../../../x.png)", '<img src="img/0001.png">',
    "@misc{a, title = {T}}", "@misc{", "}", "- item", "> quote", "", " ", "\t", "日本語 ü ∼", "\u2028", "\r",
]
line = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40))


def check(text: str) -> None:
    source = Source.from_text(text, str(DATA / "seed" / "README.md"))
    result = lint_source(source, CONFIG, RULES)
    for d in result.diagnostics:
        assert 1 <= d.line <= d.end_line <= len(source.lines), d
        assert 1 <= d.column <= len(source.lines[d.line - 1]) + 1, d
        assert 1 <= d.end_column <= len(source.lines[d.end_line - 1]) + 1, d
        if d.fix is not None:
            for edit in d.fix.edits:
                assert 0 <= edit.start <= edit.end <= len(source.text)
    outcome = fix_source(source, CONFIG, RULES, unsafe=True)
    words = Counter(re.findall(r"\w+", text))
    kept = Counter(re.findall(r"\w+", outcome.text))
    lost = words - kept
    # Across all passes, only words that rewriting fixes replaced may go (a misspelled key, ".pdf").
    assert not lost - outcome.rewritten, lost - outcome.rewritten
    again = fix_source(Source.from_text(outcome.text, source.path), CONFIG, RULES, unsafe=True)
    assert again.text == outcome.text
    parse(Source.from_text(outcome.text), CONFIG.tiers)


@given(st.lists(line, max_size=40), st.sampled_from(["\n", "\r\n"]))
# What the search found, kept as regressions: cards sharing a title, fields inserted into an
# unclosed fence or HTML comment (they grew on every pass).
@example(["## Card", "1. **Task**", "## Card"], "\n")
@example(["## Card", "| | |", "## Card"], "\n")
@example(["##", "```"], "\n")
@example(["## Card", "<!--"], "\n")
def test_random_markdown(lines, newline):
    check(newline.join(lines))


@given(st.lists(st.tuples(st.integers(0, len(CARD) - 1), st.sampled_from(["delete", "duplicate", "swap", "truncate", "insert"]), line), max_size=6))
def test_random_edits_of_a_clean_card(edits):
    lines = list(CARD)
    for index, kind, fragment in edits:
        index %= max(len(lines), 1)
        if not lines:
            break
        if kind == "delete":
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, lines[index])
        elif kind == "swap" and index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
        elif kind == "truncate":
            lines[index] = lines[index][: len(lines[index]) // 2]
        else:
            lines.insert(index, fragment)
    check("\n".join(lines))


@given(st.lists(st.tuples(st.integers(0, len(EXAMPLE) - 1), st.sampled_from(["delete", "duplicate", "swap", "insert"]), line), max_size=5), st.booleans())
# Found by the search: a doubled header row or a bare "1." in the template made every card grow.
@example([(0, "duplicate", ""), (262, "duplicate", "")], False)
@example([(261, "insert", "1.")], False)
def test_random_edits_of_the_example(edits, crlf):
    check(("\r\n" if crlf else "\n").join(edited(EXAMPLE, edits)))


def edited(lines: list[str], edits: list[tuple[int, str, str]]) -> list[str]:
    lines = list(lines)
    for index, kind, fragment in edits:
        if not lines:
            lines.append(fragment)
        elif kind == "delete":
            del lines[index % len(lines)]
        elif kind == "duplicate":
            lines.insert(index % len(lines), lines[index % len(lines)])
        elif kind == "swap" and index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
        else:
            lines.insert(index % len(lines), fragment)
    return lines


BLOCK_FRAGMENTS = [
    "```", "````", "``` py", "```a`b", "~~~", "~~~~ x", "   ```", "    ```", "# H", "   ## H", "    # H", "\t# H",
    "#", "#x", "<pre>", "</pre>", "x", "<script>", "a</script>", "<!--", "-->", "<?", "?>", "<!X", ">", "<![CDATA[",
    "]]>", "<details>", "<div>", "</div>", "<span>", "<a href='x'>", "</a>", "<img src=\"a.png\">", "text", "",
    " ", "\t", "    code", "\u2028", "\xa0", "| a | b |", "1. **Task**",
]


@given(
    st.lists(st.one_of(st.sampled_from(BLOCK_FRAGMENTS), st.text(alphabet="#`~<>-!? \tax/", max_size=12)), max_size=60),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
)
@example(["<pre>", "x", "# Hidden"], "\n", False)  # the old scanner ended a <pre> block at any "x"
@example(["\t# H", "</pre>"], "\n", False)  # a tab-indented line leaves a closed paragraph closed
# Cheap (a few ms an example): a larger budget than the CI profile's, so that CI finds what it would.
@settings(max_examples=max(500, settings.default.max_examples))
def test_fast_block_scan_agrees_with_the_line_by_line_scan(lines, newline, final_newline):
    """The scanner that jumps between candidate lines classifies every line as the plain one does."""
    from block_scan_oracle import LineByLineScan

    from cardlint.parser import BlockScan

    source = Source.from_text(newline.join(lines) + (newline if final_newline else ""))
    fast, plain = BlockScan(source.lines, source.text), LineByLineScan(source.lines)
    assert fast.code == plain.code
    assert fast.html == plain.html
    assert fast.headings == plain.headings


_block_edits = st.lists(
    st.tuples(
        st.integers(0, len(EXAMPLE) - 1),
        st.sampled_from(["delete", "duplicate", "swap", "insert"]),
        st.one_of(st.sampled_from(BLOCK_FRAGMENTS), line),
    ),
    max_size=4,
)


@given(_block_edits, _block_edits, st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans())
@example([], [(208, "delete", "")], "\n", False, False)  # the lazily split lines once lost the last segment
# A level-1 heading that starts a card (a table follows it) in a kept segment, and one that does not.
@example([(50, "insert", "| a | b |"), (50, "insert", "# H"), (50, "insert", ""), (9, "insert", "# H")], [(200, "insert", "x")], "\n", True, True)
@settings(max_examples=max(300, settings.default.max_examples))
def test_scan_reused_from_the_last_run_equals_a_full_scan(first, second, newline, final_newline, lazy):
    """Segments kept from the previous run plus a scan of the rest give exactly a full scan; the
    cards' hashes and offsets from kept segments are those of their text. ``lazy``: the edited
    file is decoded only where read, as a warm run reads it."""
    import json

    from cardlint.layout import Layout, digest
    from cardlint.parser import BlockScan

    end = newline if final_newline else ""
    before_lines = edited(EXAMPLE, first)
    before = Source.from_text(newline.join(before_lines) + end)
    records = json.loads(json.dumps(Layout(before).records(parse(before, CONFIG.tiers))))
    text = newline.join(edited(before_lines, second)) + end
    after = Source.from_bytes(text.encode("utf-8"), lazy=lazy)
    layout = Layout(after)
    scan = layout.reuse(records)
    plain = Source.from_text(text)  # split and measured in full, on a separate copy
    if scan is not None:
        full = BlockScan(plain.lines, plain.text)
        assert (scan.headings, scan.code, scan.html) == (full.headings, full.code, full.html)
        assert (after.line_count, after.length) == (len(plain.lines), len(text))
        # The kept records also say which headings start a card: the document is the one a full parse finds.
        reused, fresh = parse(after, CONFIG.tiers, scan=scan), parse(plain, CONFIG.tiers)
        assert [(c.line, c.end_line) for c in reused.cards] == [(c.line, c.end_line) for c in fresh.cards]
        assert [t.heading.line for t in reused.tiers] == [t.heading.line for t in fresh.tiers]
    starts = plain.line_starts
    for card in parse(after, CONFIG.tiers, scan=scan).cards:
        key, offset = layout.hashed(card.line, card.end_line)
        stop = starts[card.end_line] if card.end_line < len(starts) else len(text)
        assert offset == starts[card.line - 1]
        assert key == digest(text[offset:stop].encode("utf-8"))
    assert list(after.lines) == plain.lines


def test_one_changed_card_is_all_that_is_scanned_again():
    from cardlint.layout import Layout

    before = Source.from_text("\n".join(EXAMPLE) + "\n")
    records = Layout(before).records(parse(before, CONFIG.tiers))
    changed = "\n".join(EXAMPLE).replace("|Institute |", "|Institute | Somewhere else,", 1) + "\n"
    layout = Layout(Source.from_text(changed))
    assert layout.reuse(records) is not None
    first, last = layout.middle
    changed_line = next(n for n, text in enumerate(changed.split("\n"), 1) if "Somewhere else" in text)
    assert first <= changed_line <= last
    assert last - first < 60  # one card, not the file


@given(st.integers(0, 200), st.integers(0, 3), st.sampled_from([-7, -1, 1, 3]), st.booleans(), st.booleans())
def test_segments_that_do_not_match_the_text_are_refused(which, field, delta, edit, lazy):
    """A segment whose byte, character or line count or hash is off never yields a scan that
    differs from a full scan: a decoded text checks the counts, and a warm run (which decodes only
    the changed lines) trusts only records that the scan file's hash vouches for. (What a record
    says of its scan is trusted, as the cards' entries are: the cache folder is the user's own.)"""
    import json
    import tempfile

    from cardlint.layout import Layout
    from cardlint.parser import BlockScan

    before = Source.from_text("\n".join(EXAMPLE) + "\n")
    text = "\n".join(EXAMPLE).replace("|Institute |", "|Institute | Elsewhere,", 1) + "\n" if edit else before.text
    with tempfile.TemporaryDirectory() as folder:
        name = os.path.join(folder, "scan.json")
        Layout(before).save(name, parse(before, CONFIG.tiers))
        with open(name, encoding="utf-8") as handle:
            header, *lines = handle.read().splitlines()
        index = which % len(lines)
        record = json.loads(lines[index])
        if field < 3:
            record[field] += delta
        else:
            record[3] = record[3][::-1]
        lines[index] = json.dumps(record, separators=(",", ":"))
        with open(name, "w", encoding="utf-8") as handle:
            handle.write("\n".join([header, *lines]) + "\n")
        # Edited by hand, the file is refused whole: its hash no longer matches.
        assert Layout(Source.from_bytes(text.encode("utf-8"), lazy=lazy)).load(name) is None
    # The same records handed over directly: the bytes and hashes are checked against the file,
    # and a decoded text checks the counts.
    records = Layout(before).records(parse(before, CONFIG.tiers))
    record = records[which % len(records)]
    if field < 3:
        record[field] += delta
    else:
        record[3] = record[3][::-1]
    after = Source.from_bytes(text.encode("utf-8"), lazy=lazy)
    scan = Layout(after).reuse(records)
    plain = Source.from_text(text)
    full = BlockScan(plain.lines, plain.text)
    if scan is not None and (field in (0, 3) or not lazy):
        assert (scan.headings, scan.code, scan.html) == (full.headings, full.code, full.html)
        assert list(after.lines) == plain.lines


@given(
    st.lists(st.sampled_from(["", "a", "## H", " ", "x y", "é ⋅ 扩散", "🙂"]), min_size=1, max_size=30),
    st.booleans(),
    st.sets(st.integers(1, 30)),
    st.lists(st.tuples(st.integers(-35, 35), st.integers(-35, 35)), max_size=5),
)
def test_lines_split_region_by_region_read_as_the_whole_split(lines, final_newline, cuts, reads):
    """Lines (a warm run's lines, decoded and split region by region) answers every read as the
    plain split list does."""
    from cardlint.source import Lines

    text = "\n".join(lines) + ("\n" if final_newline else "")
    plain = Source.from_text(text).lines
    starts = [0]  # byte offsets
    for line in plain[:-1]:
        starts.append(starts[-1] + len(line.encode("utf-8")) + 1)
    regions = [(1, 0)] + [(cut, starts[cut - 1]) for cut in sorted(cuts) if 1 < cut <= len(plain)]
    known = {regions[-1][0]: plain[regions[-1][0] - 1 :]} if len(regions) > 1 and final_newline else {}
    lazy = Lines(text.encode("utf-8"), regions, len(plain), known)
    for start, stop in reads:
        assert lazy[start:stop] == plain[start:stop]
        for index in (start, stop):
            if -len(plain) <= index < len(plain):
                assert lazy[index] == plain[index]
    assert len(lazy) == len(plain) and list(lazy) == plain and lazy[::2] == plain[::2]
    assert lazy.worn  # every region read: a Source would now hand out a plain list


@given(_block_edits, _block_edits, st.sampled_from(["\n", "\r\n"]))
# Found by the search: CL205's message named the first row's line, served stale after a shift.
@example([(10, "duplicate", "")], [(0, "delete", "")], "\n")
@settings(max_examples=max(100, settings.default.max_examples))
def test_warm_run_after_random_edits_equals_a_run_without_cache(first, second, newline):
    """End to end: a run that reuses the previous run's segments and card entries reports exactly
    what a run without the cache reports, positions and fixes included."""
    import tempfile

    from cardlint.cache import CardCache

    def lint(text: str, cache: CardCache | None) -> tuple[list, str]:
        source = Source.read(path, lazy=True) if cache is not None else Source.from_text(text, path)
        result = lint_source(source, CONFIG, RULES, cache=cache)
        # The JSON report writes the cache's runs from their rows: it must read the same.
        return result.diagnostics, render_json(result.reported)

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "README.md")
        before = newline.join(edited(EXAMPLE, first)) + newline
        after = newline.join(edited(edited(EXAMPLE, first), second)) + newline
        assume("\x00" not in after)  # a binary file is refused before any linting
        for text in (before, after):
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            assert lint(text, CardCache(os.path.join(folder, "cache"))) == lint(text, None)
