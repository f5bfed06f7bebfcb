"""Lint one source: parse, read the template, run the rules, decide what is reported."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cardlint.config import Config
from cardlint.decide import decide
from cardlint.diagnostic import Diagnostic
from cardlint.errors import UsageError
from cardlint.locate import load
from cardlint.model import Card, Document
from cardlint.rules import Rule
from cardlint.rules.base import Context
from cardlint.source import Source
from cardlint.template import Template

if TYPE_CHECKING:
    from cardlint.online import Link, Verdict
    from cardlint.scores import ScoreTable

# The ``online`` step: the links of a document and the checker's verdict per URL.
OnlineCheck = Callable[[Document], "tuple[list[Link], dict[str, Verdict]]"]


@dataclass(slots=True)
class LintResult:
    """One source checked: its document, template, reported diagnostics and the rules' context."""

    document: Document
    template: Template | None  # None: the source declares no template; it is not a review list
    diagnostics: list[Diagnostic]  # what is reported, in report order
    context: Context


def lint_source(
    source: Source,
    config: Config,
    rules: Sequence[type[Rule]],
    scores: ScoreTable | None = None,
    online: OnlineCheck | None = None,
    known: Sequence[type[Rule]] = (),
) -> LintResult:
    """Check one source with ``rules``. ``online``, when given, checks the document's links (the only
    network use); ``known`` are all the rules there are (default: ``rules``), for directives to name."""
    loaded = load(source, config)
    document, template, config = loaded.document, loaded.template, loaded.config
    if template is None:  # not a review list: nothing to check, nothing to fix
        return LintResult(document, None, [], Context(source.path, source, document, _NO_TEMPLATE, config, scores))
    _check_settings(config, template, source.path)
    ctx = Context(source.path, source, document, template, config, scores)
    if os.path.isfile(source.path):
        from cardlint.lock import read_lock

        ctx.lock = read_lock(source.path)
    if online is not None:
        ctx.links = online(document)
    instances = [rule() for rule in rules]
    card_rules = [rule for rule in instances if type(rule).check_card is not Rule.check_card]
    found: list[Diagnostic] = []
    rule: Rule | None = None
    card: Card | None = None
    try:
        for card in document.paper_cards:
            for rule in card_rules:
                found.extend(rule.check_card(card, ctx))
        card = None
        for rule in instances:
            found.extend(rule.check_document(ctx))
    except Exception as exc:  # a rule (a plugin's, most likely) can fail in any way
        assert rule is not None
        where = f"{source.path}:{card.line}" if card is not None else source.path
        kind = type(rule)
        raise UsageError(
            f"rule {kind.code} ({kind.__module__}.{kind.__qualname__}) failed: {type(exc).__name__}: {exc} ({where})"
        ) from None
    return LintResult(document, template, decide(found, document, config, rules, known or rules), ctx)


_DEFAULTS = Config()
_NO_TEMPLATE = Template((), (), None, has_details=False, shape=None, origin="")


def _check_settings(config: Config, template: Template, path: str) -> None:
    """Settings the user chose that this README cannot honour are an error, not a silent fallback:
    a link row the template has no row for. (A template heading no card has: see cardlint.locate.)"""
    for role, key in config.link_rows.items():
        if _DEFAULTS.link_rows.get(role) != key and key not in template.row_keys:
            rows = ", ".join(template.row_keys)
            raise UsageError(f"config key 'link-rows.{role}': the template has no row '{key}' (its rows: {rows}) ({path})")
