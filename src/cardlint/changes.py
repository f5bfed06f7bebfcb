"""``--changed-since REF``: report (and fix) only what a change brought, against the file at a git revision.

A card counts as changed when its text is not the text of a card with the same heading at ``REF``,
so a card that only moved is not changed. Its problems are reported; elsewhere only the problems
that were not there at ``REF`` (a new duplicate, a card now out of order), compared without their
line numbers, since lines move. A file that did not exist at ``REF`` is checked whole.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cardlint.diagnostic import Diagnostic
from cardlint.errors import UsageError
from cardlint.model import Card, Document
from cardlint.source import Source

_NUMBER = re.compile(r"\d+")


def _git(args: list[str], folder: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"cannot run git: {exc} (--changed-since)") from None


def text_at(path: str, ref: str) -> str | None:
    """The file's text at ``ref``, or None when the file did not exist there."""
    folder = os.path.dirname(os.path.abspath(path))
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise UsageError(f"not in a git repository, so --changed-since has nothing to compare with ({path})")
    if _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], folder).returncode != 0:
        shallow = _git(["rev-parse", "--is-shallow-repository"], folder).stdout.strip() == b"true"
        hint = "; this clone is shallow: fetch the history (actions/checkout: fetch-depth: 0)" if shallow else ""
        raise UsageError(f"unknown git revision '{ref}' (--changed-since){hint}")
    root = os.path.realpath(top.stdout.decode().strip())
    relative = os.path.relpath(os.path.realpath(path), root).replace(os.sep, "/")
    shown = _git(["show", f"{ref}:{relative}"], folder)
    if shown.returncode != 0:
        return None  # new since ref: checked whole
    return shown.stdout.decode("utf-8", errors="replace")


def _card_text(document: Document, card: Card) -> str:
    lines = document.source.lines[card.line - 1 : card.end_line]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def changed_lines(before: Document, after: Document) -> set[int]:
    """The lines of the cards in ``after`` whose text no card with the same heading had in ``before``."""
    old = Counter((card.title, _card_text(before, card)) for card in before.cards)
    lines: set[int] = set()
    for card in after.cards:
        key = (card.title, _card_text(after, card))
        if old[key]:
            old[key] -= 1
        else:
            lines.update(range(card.line, card.end_line + 1))
    return lines


def _key(diagnostic: Diagnostic) -> tuple[str, str]:
    return diagnostic.code, _NUMBER.sub("#", diagnostic.message)


@dataclass(slots=True)
class Baseline:
    """What the file was at ``REF``: its document and its problems, to tell a change's own from them."""

    document: Document
    diagnostics: Sequence[Diagnostic]

    def new_problems(self, document: Document, diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
        lines = changed_lines(self.document, document)
        old = Counter(_key(d) for d in self.diagnostics)
        kept = []
        for diagnostic in diagnostics:
            key = _key(diagnostic)
            if diagnostic.line in lines:
                kept.append(diagnostic)
            elif old[key]:
                old[key] -= 1  # there before the change
            else:
                kept.append(diagnostic)
        return kept


def baseline(path: str, ref: str, lint: Callable[[Source], tuple[Document, Sequence[Diagnostic]]]) -> Baseline | None:
    """The file at ``ref`` linted as now (None: the file is new since ``ref``)."""
    text = text_at(path, ref)
    if text is None:
        return None
    document, diagnostics = lint(Source.from_text(text, path))
    return Baseline(document, diagnostics)
