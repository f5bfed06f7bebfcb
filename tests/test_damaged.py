"""600 damaged copies of the bundled example, and 3,200 of the rule and shape fixtures: --fix
--unsafe-fixes loses no word, leaves every line it does not mean to change as it was (its ending
included) and settles in one run; the safe fixes change nothing GitHub renders beyond their lines.
And 240 cards a contributor adds with `cardlint new` and then damages: with --changed-since, what is
reported points into that card and what is fixed leaves the rest of the list as it was.

The damage is what contributors do by hand: lines deleted, duplicated and swapped, a stray pipe or tab,
and line endings that differ from line to line. The variants are drawn from a fixed seed, so a failure
names a variant that can be rebuilt.
"""

from __future__ import annotations

import difflib
import random
import re
from collections import Counter
from collections.abc import Sequence

import pytest

from cardlint.config import Config
from cardlint.fix import FixRefused, fix_source
from cardlint.linter import lint_source
from cardlint.rules import BUILTIN_RULES
from cardlint.source import Source
from conftest import DATA, FIXTURE_FILES, SEED, fixture_config, strip_markers
from rendering import rendering_problems

RULES = [rule for rule in BUILTIN_RULES if not rule.code.startswith("CL8")]
LINES = SEED.read_text(encoding="utf-8").split("\n")[:-1]
VARIANTS = 600
BATCHES = 12
_WORD = re.compile(r"\w+")
_LINE = re.compile(r"([^\r\n]*)(\r\n|\n|\r|$)")


def damage(lines: list[str], chance: random.Random, kinds: list[str], snippets: Sequence[str] = ()) -> list[str]:
    """One to six edits of the kinds given, as a contributor makes them by hand, to ``lines``."""
    for _ in range(chance.randint(1, 6)):
        index = chance.randrange(len(lines))
        kind = chance.choice(kinds)
        if kind == "delete" and len(lines) > 1:
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, lines[index])
        elif kind == "swap" and index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
        elif kind in ("pipe", "tab", "insert"):
            at = chance.randint(0, len(lines[index]))
            piece = {"pipe": "|", "tab": "\t"}.get(kind) or chance.choice(snippets)
            lines[index] = lines[index][:at] + piece + lines[index][at:]
        elif kind == "move":
            lines.insert(chance.randrange(len(lines)), lines.pop(index))
        elif kind == "indent":
            lines[index] = chance.choice(["  ", "    ", "\t"]) + lines[index]
    return lines


def damaged(seed: int) -> str:
    chance = random.Random(seed)
    lines = damage(list(LINES), chance, ["delete", "duplicate", "swap", "pipe", "tab"])
    mixed = chance.random() < 0.7
    endings = [chance.choice(["\n", "\r\n"]) if mixed else "\n" for _ in lines]
    return "".join(line + ending for line, ending in zip(lines, endings))


def lines_with_endings(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _LINE.finditer(text) if m.group(0)]


def endings_changed(before: str, after: str) -> list[str]:
    """Lines the fixes left as they were (same text, in the same order around them) whose ending
    changed. (A last line without an ending may gain one when a fix adds lines after it, and in a
    file without a final line break, the line a fix leaves last has none. Blank lines are left out:
    a diff cannot tell a kept blank line from one a fix inserted next to it.)"""
    old, new = lines_with_endings(before), lines_with_endings(after)
    matcher = difflib.SequenceMatcher(None, [text for text, _ in old], [text for text, _ in new], autojunk=False)
    changed = []
    for tag, first, last, other_first, other_last in matcher.get_opcodes():
        if tag != "equal":
            continue
        for index, ((text, ending), (_, now)) in enumerate(zip(old[first:last], new[other_first:other_last])):
            now_last = other_first + index == len(new) - 1
            if now_last and not now and old and not old[-1][1]:
                continue
            if ending and now != ending and text.strip():
                changed.append(text)
    return changed


@pytest.mark.parametrize("batch", range(BATCHES))
def test_damaged_variants_fix_without_loss(batch):
    for seed in range(batch, VARIANTS, BATCHES):
        text = damaged(seed)
        source = Source.from_text(text, str(SEED))
        try:
            outcome = fix_source(source, Config(), RULES, unsafe=True)
        except FixRefused:
            continue  # refusing is always allowed: nothing is written
        lost = Counter(_WORD.findall(text)) - Counter(_WORD.findall(outcome.text)) - outcome.rewritten
        assert not lost, (seed, lost)
        assert endings_changed(text, outcome.text) == [], seed
        again = fix_source(Source.from_text(outcome.text, str(SEED)), Config(), RULES, unsafe=True)
        assert again.text == outcome.text, seed


@pytest.mark.parametrize("batch", range(BATCHES))
def test_safe_fixes_of_damaged_variants_render_only_what_they_mean_to(batch):
    """GitHub's renderer (cmark-gfm) sees no change beyond the safe fixes' own lines."""
    for seed in range(batch, VARIANTS, BATCHES):
        text = damaged(seed)
        try:
            outcome = fix_source(Source.from_text(text, str(SEED)), Config(), RULES)
        except FixRefused:
            continue
        assert rendering_problems(text, outcome.text) == [], seed


# The same over the rule and shape fixtures, with more kinds of damage: markup inserted anywhere (a
# pipe, a backtick, an HTML tag or comment, a list marker, an unclosed URL bracket), lines moved and
# indented, CR-only endings, no final newline.
SNIPPETS = ["|", "\t", "*", "**", "## ", "`", "```", "<details>", "</details>", "<!--", "-->", "<p>", "![](x.png)",
            "- ", "1. ", "\\", "[", "](", ":", "@", "{", "}", "> ", "https://[", "&amp;", "<br>"]  # fmt: skip
FIXTURE_VARIANTS = 2000  # CL202 before its blank-line condition failed 2 of these, the image rules 1


def damaged_fixture(seed: int) -> tuple[str, str]:
    chance = random.Random(seed)
    path = FIXTURE_FILES[seed % len(FIXTURE_FILES)]
    lines = strip_markers(path.read_text(encoding="utf-8"))[0].split("\n")
    kinds = ["delete", "duplicate", "swap", "insert", "insert", "move", "indent"]
    lines = damage(lines, chance, kinds, SNIPPETS)
    ending = chance.choice(["\n", "\r\n", "\r"])
    text = ending.join(lines)
    return str(path), text if chance.random() < 0.2 else text + ending


@pytest.mark.parametrize("batch", range(BATCHES))
def test_damaged_fixtures_check_and_fix_without_loss(batch):
    for seed in range(batch, FIXTURE_VARIANTS, BATCHES):
        path, text = damaged_fixture(seed)
        config = fixture_config(text, path)
        lint_source(Source.from_text(text, path), config, RULES)  # no rule fails on it
        for unsafe in (False, True):
            try:
                outcome = fix_source(Source.from_text(text, path), config, RULES, unsafe=unsafe)
            except FixRefused:
                continue
            lost = Counter(_WORD.findall(text)) - Counter(_WORD.findall(outcome.text)) - outcome.rewritten
            assert not lost, (seed, unsafe, lost)
            again = fix_source(Source.from_text(outcome.text, path), config, RULES, unsafe=unsafe)
            assert again.text == outcome.text, (seed, unsafe)
            if not unsafe:
                assert endings_changed(text, outcome.text) == [], seed
                assert rendering_problems(text, outcome.text) == [], seed


# And with markup of other kinds that GitHub reads in ways a fix can upset: setext underlines, link
# and footnote definitions, no-break spaces, delimiter rows, fences of tildes, bold inside words.
MORE_SNIPPETS = ["---", "===", "[ref]: https://example.org", "[^1]: note", "  ", "+ ", "1) ", ":--:", "|--|--|",
                 "&nbsp;", "_", "~~", "~~~", "```bibtex", "\u00a0", "<!-- x -->", "<img src=\"x.png\">", "**Task**",
                 "1. **Task**", "| Title | x |", "| | |", "### ", "<div>", "7. ", "  1. "]  # fmt: skip
MORE_VARIANTS = 1200  # 5 of the 12 batches fail on the code before the guards these found


@pytest.mark.parametrize("batch", range(BATCHES))
def test_fixtures_damaged_with_other_markup_fix_without_loss_or_other_change(batch):
    for seed in range(batch, MORE_VARIANTS, BATCHES):
        chance = random.Random(seed)
        path = FIXTURE_FILES[seed % len(FIXTURE_FILES)]
        lines = damage(strip_markers(path.read_text(encoding="utf-8"))[0].split("\n"), chance, ["insert"] * 3 + ["move", "indent", "duplicate"], MORE_SNIPPETS)
        text = chance.choice(["\n", "\r\n"]).join(lines)
        config = fixture_config(text, str(path))
        for unsafe in (False, True):
            try:
                outcome = fix_source(Source.from_text(text, str(path)), config, RULES, unsafe=unsafe)
            except FixRefused:
                continue
            lost = Counter(_WORD.findall(text)) - Counter(_WORD.findall(outcome.text)) - outcome.rewritten
            assert not lost, (seed, unsafe, lost)
            again = fix_source(Source.from_text(outcome.text, str(path)), config, RULES, unsafe=unsafe)
            assert again.text == outcome.text, (seed, unsafe)
            if not unsafe:
                assert rendering_problems(text, outcome.text) == [], seed


# A contributor's card: added with `cardlint new`, then damaged by hand (only its own lines). With
# --changed-since, what is reported and fixed is that card's, and the fix settles and loses no word.
NEW_CARD_VARIANTS = 240
WORDS = ("diffusion", "score", "model", "latent", "text", "image", "video", "denoising", "guidance", "sampler", "prior")


def contributed(seed: int) -> tuple[Source, Source, int, int]:
    """The list before, the list with the damaged new card, and the card's first and last lines."""
    from cardlint.new import NewCard, add_card

    chance = random.Random(seed)
    # The seed as it is (its other cards have defects the contributor did not make), or cleaned.
    readme = SEED if seed % 2 else DATA / "seed-clean" / "README.md"
    before = Source.from_text(readme.read_text(encoding="utf-8"), str(SEED))
    title = " ".join(chance.choice(WORDS) for _ in range(chance.randint(2, 6))).capitalize()
    tier = chance.choice(["Notable Top 5%", "Notable Top 25%"])
    new = NewCard(title, tier, paper_link=f"https://arxiv.org/abs/2301.{chance.randint(10000, 99999)}", score=chance.uniform(3, 9))
    added = add_card(before, Config(), new, rules=RULES)
    lines = added.text.split("\n")
    start = end = added.line - 1
    while end + 1 < len(lines) and not lines[end + 1].startswith(("# ", "## ")):
        end += 1
    card = damage(lines[start : end + 1], chance, ["delete", "duplicate", "swap", "pipe", "tab", "insert", "indent"], SNIPPETS)
    text = "\n".join([*lines[:start], *card, *lines[end + 1 :]])
    return before, Source.from_text(text, str(SEED)), start + 1, start + len(card)


@pytest.mark.parametrize("batch", range(BATCHES))
def test_a_contributors_damaged_card_is_what_is_reported_and_fixed(batch):
    from cardlint.changes import Baseline

    for seed in range(batch, NEW_CARD_VARIANTS, BATCHES):
        before, after, first, last = contributed(seed)
        old = lint_source(before, Config(), RULES)
        baseline = Baseline(old.document, old.diagnostics)

        def own(result, baseline=baseline):
            return baseline.new_problems(result.document, result.diagnostics)

        result = lint_source(after, Config(), RULES)
        found = own(result)
        # Still one card, the contributor's: its heading kept, none made inside it, and it does not run
        # on into the next card (an HTML block left open would swallow that card's heading).
        card = next((card for card in result.document.cards if card.line == first), None)
        if card is None or card.end_line > last + 1 or any(first < h.line <= last for h in result.document.headings):
            last = -1
        if last > 0:  # order and tier rules may point elsewhere; every other rule points into the card
            outside = [d for d in found if not first - 1 <= d.line <= last + 1 and not d.code.startswith(("CL1", "CL7"))]
            assert outside == [], (seed, outside)
        try:
            outcome = fix_source(after, Config(), RULES, only=own)
        except FixRefused:
            continue
        lost = Counter(_WORD.findall(after.text)) - Counter(_WORD.findall(outcome.text)) - outcome.rewritten
        assert not lost, (seed, lost)
        if last > 0 and not any(d.code.startswith("CL7") for d in found):  # no card moved: the rest is as it was
            kept = after.lines[: first - 1], after.lines[last:]
            fixed = outcome.text.split("\n")
            assert fixed[: first - 1] == kept[0] and fixed[len(fixed) - len(kept[1]) - 1 : -1] == kept[1], seed
        again = fix_source(Source.from_text(outcome.text, str(SEED)), Config(), RULES, only=own)
        assert again.text == outcome.text, seed
