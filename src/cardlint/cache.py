"""Per-card results, kept under ``.cardlint_cache/`` so an unchanged card is not parsed or checked again.

An entry is keyed by a hash of the card's text; the file holding the entries is named by a hash of
everything else the results depend on: cardlint's version, the template, the config, the newline
style and the cacheable rules selected (plugins included). It stores what the cacheable card rules
reported, with lines and offsets relative to the card, plus the facts other rules read from a card
(its images and role values), so a hit needs no parse. JSON, not pickle: the folder sits in a
repository that pull requests can write to.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence

from cardlint import __version__
from cardlint.config import Config
from cardlint.diagnostic import Applicability, Diagnostic, Edit, Fix, Severity
from cardlint.model import Card, Image, Span
from cardlint.rules import Rule
from cardlint.source import Source
from cardlint.template import Template

ROLES = ("title", "paper", "openreview", "github")


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class CardCache:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.entries: dict[str, dict] = {}
        self.fresh: dict[str, dict] = {}
        self.name: str | None = None

    def open(self, source: Source, template: Template, config: Config, rules: Sequence[type[Rule]]) -> None:
        context = repr(
            (
                __version__,
                template,
                {key: value for key, value in vars(config).items() if key != "root"},
                source.newline,
                sorted(f"{rule.__module__}.{rule.__qualname__}:{rule.code}" for rule in rules),
            )
        )
        self.name = os.path.join(self.folder, f"cards-{_digest(context)}.json")
        try:
            with open(self.name, encoding="utf-8") as handle:
                data = json.load(handle)
            self.entries = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            self.entries = {}  # missing or damaged: only a slower run

    @staticmethod
    def key(source: Source, card: Card) -> str:
        lines = source.lines[card.line - 1 : card.end_line]
        last = card.end_line == len(source.lines) and not source.text.endswith(("\n", "\r"))
        return _digest("\n".join(lines) + ("\x00eof" if last else ""))

    def get(self, key: str) -> dict | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.fresh[key] = entry
        return entry

    def put(self, key: str, card: Card, source: Source, found: list[Diagnostic], roles: dict) -> None:
        base_line = card.line
        base_offset = source.line_starts[card.line - 1]
        self.fresh[key] = {
            "d": [
                [
                    d.code,
                    d.name,
                    d.severity.value,
                    d.line - base_line,
                    d.column,
                    d.end_line - base_line,
                    d.end_column,
                    d.message,
                    None
                    if d.fix is None
                    else [
                        d.fix.title,
                        d.fix.applicability.value,
                        d.fix.rewrites,
                        [[e.start - base_offset, e.end - base_offset, e.content] for e in d.fix.edits],
                    ],
                ]
                for d in found
            ],
            "i": [
                [i.alt, i.url, i.span.line - base_line, i.span.column, i.span.end_column,
                 i.url_span.column, i.url_span.end_column, i.html]
                for i in card.images
            ],
            "r": roles,
        }

    @staticmethod
    def restore(entry: dict, card: Card, source: Source, path: str) -> list[Diagnostic]:
        """The entry's diagnostics at the card's current place; the card learns its facts."""
        base_line = card.line
        base_offset = source.line_starts[card.line - 1]
        images = [
            Image(alt, url, Span(base_line + rel, col, base_line + rel, end), Span(base_line + rel, ucol, base_line + rel, uend), html)
            for alt, url, rel, col, end, ucol, uend, html in entry["i"]
        ]
        card.know(images, entry["r"])
        found = []
        for code, name, severity, rel, column, rel_end, end_column, message, fix in entry["d"]:
            restored_fix = None
            if fix is not None:
                title, applicability, rewrites, edits = fix
                restored_fix = Fix(
                    title,
                    tuple(Edit(start + base_offset, end + base_offset, content) for start, end, content in edits),
                    Applicability(applicability),
                    rewrites,
                )
            found.append(
                Diagnostic(
                    path, base_line + rel, column, base_line + rel_end, end_column, code, name,
                    Severity(severity), message, restored_fix,
                )
            )
        return found

    def save(self) -> None:
        """Keep the entries this run used or made (stale ones drop out); never fail the run over it."""
        if self.name is None or self.fresh == self.entries:
            return
        try:
            os.makedirs(self.folder, exist_ok=True)
            ignore = os.path.join(self.folder, ".gitignore")
            if not os.path.exists(ignore):
                with open(ignore, "w", encoding="utf-8") as handle:
                    handle.write("# Created by cardlint: the cache is never committed.\n*\n")
            temporary = f"{self.name}.{os.getpid()}.tmp"
            # json.dumps then one write: json.dump writes chunk by chunk from Python, several times slower.
            payload = json.dumps(self.fresh, ensure_ascii=False, separators=(",", ":"))
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(temporary, self.name)
        except OSError:
            pass
