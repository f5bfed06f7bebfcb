"""Apply fixes: non-overlapping edits in passes, verified to lose nothing, written atomically."""

from __future__ import annotations

import bisect
import os
import signal
import stat
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from cardlint.config import Config
from cardlint.diagnostic import Diagnostic, Edit, Fix, FixSafety, words
from cardlint.errors import UsageError
from cardlint.linter import LintResult, OnlineCheck, lint_source
from cardlint.model import Card, Document
from cardlint.rules import Rule
from cardlint.scores import ScoreTable
from cardlint.source import Source

MAX_PASSES = 10


class FixRefused(Exception):
    """A fix that would lose content or break a card: nothing is written."""


@dataclass(slots=True)
class FixOutcome:
    """What ``--fix`` made of one source: the fixed text, what it fixed, and the lint of the result."""

    original: Source
    text: str  # the fixed text, without BOM
    fixed: Counter[str] = field(default_factory=Counter)  # code -> diagnostics fixed
    rewritten: Counter[str] = field(default_factory=Counter)  # words that rewriting fixes replaced
    result: LintResult | None = None  # the lint of the fixed text

    @property
    def changed(self) -> bool:
        return self.text != self.original.text

    def encoded(self) -> bytes:
        return self.original.encode(self.text)


class _TakenEdits:
    """The edits chosen so far, by start offset: whether a new one overlaps any is two look-ups."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, edit: Edit) -> bool:
        at = bisect.bisect_left(self.starts, edit.start)
        if at < len(self.starts) and self.starts[at] == edit.start:
            return True  # two edits at one offset: their order would be a guess
        if at > 0 and self.ends[at - 1] > edit.start:
            return True  # the one before reaches into it (or around an insertion)
        return at < len(self.starts) and self.starts[at] < edit.end  # it reaches into the one after

    def add(self, edit: Edit) -> None:
        at = bisect.bisect_left(self.starts, edit.start)
        self.starts.insert(at, edit.start)
        self.ends.insert(at, edit.end)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    out = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[cursor : edit.start])
        out.append(edit.content)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def _overlap_each_other(edits: Sequence[Edit]) -> bool:
    """Whether a fix's own edits overlap (a broken rule's fix: applying it would garble the text)."""
    own = _TakenEdits()
    for edit in edits:
        if own.overlaps(edit):
            return True
        own.add(edit)
    return False


def choose_fixes(diagnostics: Sequence[Diagnostic], unsafe: bool) -> tuple[list[Fix], Counter[str]]:
    """Take fixes in source order, skipping any that overlaps one already taken (the next pass gets it)."""
    taken = _TakenEdits()
    chosen: list[Fix] = []
    chosen_edits: set[tuple[Edit, ...]] = set()
    counts: Counter[str] = Counter()
    wanted = [d for d in diagnostics if d.fix is not None and (d.fix.safety is FixSafety.SAFE or unsafe)]
    if any(d.fix is not None and d.fix.makes_heading for d in wanted):  # a pass of their own: the cards change
        wanted = [d for d in wanted if d.fix is not None and d.fix.makes_heading]
    for diagnostic in wanted:
        fix = diagnostic.fix
        assert fix is not None
        if fix.edits in chosen_edits:  # one fix shared by several diagnostics
            counts[diagnostic.code] += 1
            continue
        if any(taken.overlaps(edit) for edit in fix.edits) or _overlap_each_other(fix.edits):
            continue
        for edit in fix.edits:
            taken.add(edit)
        chosen.append(fix)
        chosen_edits.add(fix.edits)
        counts[diagnostic.code] += 1
    return chosen, counts


def _verify(before: str, after: str, fixes: Sequence[Fix], old_doc: Document, new_doc: Document) -> Counter[str]:
    """Refuse a pass that drops a word no fix meant to change, or that breaks a card.

    Returns the words the pass's rewriting fixes replaced.
    """
    allowed: Counter[str] = Counter()
    for fix in fixes:
        for edit in fix.edits:
            dropped = words(before[edit.start : edit.end]) - words(edit.content)
            if dropped and not fix.rewrites:
                raise FixRefused(f"the fix '{fix.title}' would lose the word '{next(iter(dropped))}'")
            allowed += dropped
    lost = words(before) - words(after) - allowed
    if lost:
        raise FixRefused(f"the fixes would lose the word '{next(iter(lost))}'")
    # Cards may move (ordering fixes) and titles repeat, so compare per title as multisets.
    def shapes(cards: Sequence[Card]) -> dict[str, list[tuple[bool, int]]]:
        found: dict[str, list[tuple[bool, int]]] = {}
        for card in cards:
            found.setdefault(card.title, []).append((card.table is not None, len(card.fields)))
        return {title: sorted(items, reverse=True) for title, items in found.items()}

    old_shapes, new_shapes = shapes(old_doc.cards), shapes(new_doc.cards)
    if any(fix.makes_heading for fix in fixes):  # cards appear, with parts the cards above had
        # A heading above a freed one may have been a card only by the parts under the freed heading
        # (a section heading, say): those parts are the new card's now, so it may stop being one.
        freed = {old_doc.source.position(edit.start)[0] for fix in fixes if fix.makes_heading for edit in fix.edits}
        others = [card for card in old_doc.cards if not any(card.line < line <= card.end_line for line in freed)]
        for title, olds in shapes(others).items():
            if len(new_shapes.get(title, ())) < len(olds):
                raise FixRefused(f"the fixes would remove the card '{title}'")
        return allowed
    for title in [*old_shapes, *(title for title in new_shapes if title not in old_shapes)]:
        had, has = len(old_shapes.get(title, ())), len(new_shapes.get(title, ()))
        if had != has:
            raise FixRefused(f"the fixes would {'remove the' if had > has else 'add a'} card '{title}'")
    for title, olds in old_shapes.items():
        for (had_table, old_fields), (has_table, new_fields) in zip(olds, new_shapes[title]):
            if had_table and not has_table:
                raise FixRefused(f"the fixes would break the table of card '{title}'")
            if new_fields < old_fields:
                raise FixRefused(f"the fixes would drop a field of card '{title}'")
    return allowed


def fix_source(
    source: Source,
    config: Config,
    rules: Sequence[type[Rule]],
    unsafe: bool = False,
    scores: ScoreTable | None = None,
    online: OnlineCheck | None = None,
    known: Sequence[type[Rule]] = (),
    only: Callable[[LintResult], Sequence[Diagnostic]] | None = None,
) -> FixOutcome:
    """Fix what ``rules`` find, in passes; ``only``, when given, picks the diagnostics that may be
    fixed (and are reported) from each pass's result (``--changed-since``: the change's own)."""
    outcome = FixOutcome(source, source.text)
    current = source
    result = lint_source(current, config, rules, scores, online, known)
    for attempt in range(MAX_PASSES + 1):
        fixes, counts = choose_fixes(result.diagnostics if only is None else only(result), unsafe)
        if not fixes:
            break
        if attempt == MAX_PASSES:
            # Fixes that keep finding work are fighting each other: write nothing rather than guess.
            raise FixRefused(f"the fixes did not settle after {MAX_PASSES} passes")
        text = apply_edits(current.text, [edit for fix in fixes for edit in fix.edits])
        following = replace(Source.from_text(text, source.path), bom=source.bom, newline=source.newline)
        # The next pass's lint parses the new text once; the check reads that same document.
        following_result = lint_source(following, config, rules, scores, online, known)
        outcome.rewritten += _verify(current.text, text, fixes, result.document, following_result.document)
        outcome.fixed += counts
        current, result = following, following_result
    outcome.text = current.text
    outcome.result = result
    return outcome


def write_atomically(path: str, data: bytes, expected: bytes) -> None:
    """Replace the file's content with ``data``; refuse if it is not ``expected`` any more.

    The new content goes to a temporary file beside it (created exclusively, removed on failure,
    SIGINT or SIGTERM), which replaces the file once the file is checked again, right before the
    rename; mode and owner are kept. A file with other hard links, or whose owner cannot be given to
    the new file, is written in place instead (after the same check), so that every link and the
    owner stay. A symlink is followed: the target is rewritten and the link kept.
    """
    target = os.path.realpath(path)
    try:
        status = os.stat(target)
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror or exc} ({path})") from None
    if not stat.S_ISREG(status.st_mode):
        raise UsageError(f"not a regular file; nothing written ({path})")
    if not status.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise UsageError(f"file is read-only; nothing written ({path})")
    _check_unchanged(target, expected, path)
    with _cleanup_on_signal():
        if status.st_nlink > 1 or not _replace(target, data, expected, status, path):
            _write_in_place(target, data, expected, path)


def _check_unchanged(target: str, expected: bytes, path: str) -> None:
    try:
        with open(target, "rb") as handle:
            current = handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read file: {exc.strerror or exc}; nothing written ({path})") from None
    if current != expected:
        raise UsageError(f"file changed on disk while cardlint ran; nothing written ({path})")


def _replace(target: str, data: bytes, expected: bytes, status: os.stat_result, path: str) -> bool:
    """Write through a temporary file and rename it over the target; False when the new file could
    not be given the target's owner (nothing is changed then)."""
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".cardlint-", suffix=".tmp", dir=os.path.dirname(target))
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror or exc} ({path})") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        made = os.stat(temporary)
        if (made.st_uid, made.st_gid) != (status.st_uid, status.st_gid):
            try:
                os.chown(temporary, status.st_uid, status.st_gid)
            except OSError:
                os.unlink(temporary)
                return False
        _check_unchanged(target, expected, path)  # an editor may have saved it meanwhile
        os.replace(temporary, target)
        return True
    except BaseException as exc:
        if os.path.exists(temporary):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write: {exc.strerror or exc} ({path})") from None
        raise


def _write_in_place(target: str, data: bytes, expected: bytes, path: str) -> None:
    # Not atomic, so not to be cut short: SIGINT and SIGTERM wait until the file is whole.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        with open(target, "r+b") as handle:
            if handle.read() != expected:
                raise UsageError(f"file changed on disk while cardlint ran; nothing written ({path})")
            handle.seek(0)
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror or exc} ({path})") from None
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


@contextmanager
def _cleanup_on_signal() -> Iterator[None]:
    """While writing, SIGTERM ends the run as an exception does (so the temporary file is removed),
    and SIGINT as KeyboardInterrupt (Python's own default, restored in case a caller changed it)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = [
        (signal.SIGTERM, signal.signal(signal.SIGTERM, terminate)),
        (signal.SIGINT, signal.signal(signal.SIGINT, signal.default_int_handler)),
    ]
    try:
        yield
    finally:
        for signum, handler in previous:
            signal.signal(signum, handler)
