"""Lint one source: parse, read the template, run the rules, decide what is reported."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from cardlint.cache import KEPT_ROLES, CardCache
from cardlint.config import Config
from cardlint.decide import decide
from cardlint.diagnostic import Diagnostic, Run, expand
from cardlint.model import Document
from cardlint.parser import parse
from cardlint.record import Record
from cardlint.rules import Rule
from cardlint.rules.base import Context
from cardlint.source import Source
from cardlint.template import Template

if TYPE_CHECKING:
    from cardlint.scores import ScoreTable


class LintResult(Record):
    __slots__ = ("document", "template", "reported", "context")

    def __init__(self, document: Document, template: Template, reported: list[Diagnostic | Run], context: Context) -> None:
        self.document = document
        self.template = template
        self.reported = reported  # in report order; a card served from the cache as a run of them
        self.context = context

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return expand(self.reported)


def lint_source(
    source: Source,
    config: Config,
    rules: Sequence[type[Rule]],
    scores: ScoreTable | None = None,
    online: Callable[[Document], tuple[list, dict]] | None = None,
    cache: CardCache | None = None,
) -> LintResult:
    """Check one source.

    ``online``, when given, checks the document's links (the only network use). ``cache``, when
    given, answers for unchanged cards: their cacheable rules do not run and they are not parsed.
    """
    scan = cache.begin(source) if cache is not None else None
    document = parse(source, config.tiers, config.template_heading, lazy=cache is not None, scan=scan)
    template = Template.for_document(document)
    ctx = Context(source.path, source, document, template, config, scores)
    if cache is not None:
        ctx.bibtex_memo = cache.bibtex
    if online is not None:
        ctx.links = online(document)
    instances = [rule() for rule in rules]
    card_rules = [rule for rule in instances if type(rule).check_card is not Rule.check_card]
    cached = [rule for rule in card_rules if rule.cacheable]
    uncached = [rule for rule in card_rules if not rule.cacheable]
    found: list[Diagnostic] = []
    runs: list[Run] = []
    if cache is not None:
        cache.open(source, template, config, [type(rule) for rule in cached])
    cards = document.paper_cards
    if cache is None:
        for card in cards:
            for rule in cached:
                found.extend(rule.check_card(card, ctx))
    else:
        keys = cache.keys(source, cards)
        runs, misses = cache.restore(cards, cache.get(keys), ctx.path)
        for index in misses:
            card = cards[index]
            fresh = [d for rule in cached for d in rule.check_card(card, ctx)]
            found.extend(fresh)
            facts = {role: ctx.role_value(card, role) for role in KEPT_ROLES}
            cache.put(keys[index], card, fresh, {**facts, **ctx.identity(card)})
    for rule in uncached:
        found.extend(rule.check_cards(cards, ctx))
    # Document rules run last: cards restored from the cache know their facts by then.
    for rule in instances:
        found.extend(rule.check_document(ctx))
    if cache is not None:
        cache.save(document)
    return LintResult(document, template, decide(found, document, config, runs), ctx)
