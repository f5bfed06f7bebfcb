"""``cardlint sync``: what each card's sources say, kept in the lock file (see cardlint.lock), which the
CL9xx rules read offline (see cardlint.rules.sources)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from cardlint.config import Config
from cardlint.errors import UsageError
from cardlint.locate import load
from cardlint.lock import Lock, paper_key, read_lock
from cardlint.model import Card
from cardlint.rules.base import Context
from cardlint.source import Source
from cardlint.sources import Arxiv, FetchError, OpenReview, Sources


def arxiv_entry(paper: Arxiv) -> dict[str, Any]:
    """The lock file's record of an arXiv paper: its abstract as a hash only."""
    entry = asdict(paper)
    del entry["abstract"]
    return entry


def openreview_entry(paper: OpenReview) -> dict[str, Any]:
    return {**asdict(paper), "average": paper.average}


@dataclass(slots=True)
class Failure:
    line: int
    title: str
    why: str


@dataclass(slots=True)
class Synced:
    papers: Lock
    fetched: int = 0  # papers asked this run
    failures: list[Failure] = field(default_factory=list)
    requests: int = 0


def sync(
    source: Source,
    config: Config,
    refresh: bool = False,
    sources: Sources | None = None,
    progress: Callable[[int, int], Callable[[int], None]] | None = None,
) -> Synced:
    """Ask the sources about every card not in the lock file yet (all of them with ``refresh``).
    ``progress(total, requests)`` may give a callable told of each paper asked of OpenReview."""
    loaded = load(source, config)
    if loaded.template is None:
        raise UsageError(f"no template card: not a review list ({source.path})")
    ctx = Context(source.path, source, loaded.document, loaded.template, loaded.config)
    old = read_lock(source.path) or {}
    papers: Lock = {}
    wanted: list[tuple[Card, str, str | None, str | None]] = []
    for card in loaded.document.paper_cards:
        identity = ctx.identity(card)
        key = paper_key(identity)
        if key is None or key in papers:
            continue
        entry = old.get(key)
        if entry is not None and not refresh:
            papers[key] = entry
            continue
        if entry is not None:
            papers[key] = entry  # kept if the refresh fails
        wanted.append((card, key, identity["arxiv_id"], identity["openreview_id"]))
    result = Synced(papers)
    if not wanted:
        return result
    own = sources is None
    sources = sources or Sources(loaded.config.sources)
    try:
        arxiv: dict[str, Any] = {}
        arxiv_error: str | None = None
        arxiv_ids = [arxiv_id for _, _, arxiv_id, _ in wanted if arxiv_id]
        # arXiv (one batch every few seconds) and OpenReview (a request per paper) are asked side by side.
        with ThreadPoolExecutor(max_workers=1) as background:
            pending = background.submit(sources.arxiv, arxiv_ids) if arxiv_ids else None
            asked = [forum for _, _, _, forum in wanted if forum]
            tick = progress(len(asked), 0) if progress is not None and asked else None
            forums = sources.openreview(asked, tick)
            if pending is not None:
                try:
                    arxiv = pending.result()
                except FetchError as exc:
                    arxiv_error = f"arXiv: {exc}"
    finally:
        result.requests = sources.requests
        if own:
            sources.close()
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for card, key, arxiv_id, forum in wanted:
        problems = []
        fresh: dict[str, Any] = {"arxiv": None, "openreview": None, "fetched": now}
        if arxiv_id:
            if arxiv_error:
                problems.append(arxiv_error)
            else:
                paper = arxiv.get(arxiv_id)
                fresh["arxiv"] = arxiv_entry(paper) if paper is not None else {"id": arxiv_id, "missing": True}
        if forum:
            answer = forums.get(forum)
            if isinstance(answer, FetchError):
                problems.append(f"OpenReview: {answer}")
            elif answer is None:
                fresh["openreview"] = {"forum": forum, "missing": True}
            else:
                fresh["openreview"] = openreview_entry(answer)
        if problems:
            result.failures.append(Failure(card.line, card.title, "; ".join(problems)))
            continue  # the paper keeps its old entry, if it had one
        papers[key] = fresh
        result.fetched += 1
    return result
