"""What a paper's sources say: arXiv's export API (Atom, read by feedparser) and OpenReview's API
(v1 for venues up to 2023, v2 from 2024; JSON read into pydantic models). Only ``cardlint sync`` calls it."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from cardlint.config import SourcesConfig

ARXIV_BATCH = 100  # ids per arXiv request, as its API terms ask
RETRY_CAP = 60.0  # seconds: the longest wait a Retry-After is honoured with


class FetchError(Exception):
    """A source could not be asked (network, timeout, an answer that is not what it should be)."""


@dataclass(slots=True)
class Arxiv:
    id: str
    version: int
    title: str
    authors: list[str]
    abstract_sha256: str
    published: str
    updated: str
    doi: str | None = None
    abstract: str = ""  # kept for `cardlint new`; the lock file records its hash only


@dataclass(slots=True)
class OpenReview:
    forum: str
    title: str
    authors: list[str]
    venue: str | None
    decision: str | None
    ratings: list[float] = field(default_factory=list)

    @property
    def average(self) -> float | None:
        return round(sum(self.ratings) / len(self.ratings), 4) if self.ratings else None


Sleep = Callable[[float], None]


class Sources:
    """The two APIs behind one polite client: bounded concurrency, ``Retry-After`` honoured, arXiv asked
    at most once every ``arxiv_interval`` seconds. ``requests`` counts what was asked."""

    def __init__(self, config: SourcesConfig, sleep: Sleep = time.sleep) -> None:
        self.config = config
        self.sleep = sleep
        self.requests = 0
        self._count = threading.Lock()  # requests are counted from several threads
        self._public_hosts: set[str] = set()
        self._last_arxiv = 0.0
        self._client = httpx.Client(timeout=config.timeout, follow_redirects=True, headers={"User-Agent": "cardlint"})

    def close(self) -> None:
        self._client.close()

    def _guard(self, url: str) -> None:
        """A default base URL must lead to a public address (as --check-links asks of every link); a
        base URL set in config is the user's choice (a mirror, a test server) and is trusted."""
        defaults = SourcesConfig()
        bases = (defaults.arxiv_api, defaults.openreview_api, defaults.openreview_api2)
        if url not in {bases[0], *(base.rstrip("/") + "/notes" for base in bases[1:])}:
            return
        host = httpx.URL(url).host
        if host in self._public_hosts:
            return
        from cardlint.online import is_public_address

        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)}
        except OSError as exc:
            raise FetchError(f"cannot resolve {host}: {exc.strerror or exc}") from None
        if not addresses or not all(is_public_address(str(address)) for address in addresses):
            raise FetchError(f"{host} resolves to a non-public address; set the base URL in [sources] to use it")
        self._public_hosts.add(host)

    def _get(self, url: str, params: dict[str, str]) -> httpx.Response:
        self._guard(url)
        for attempt in range(self.config.retries + 1):
            with self._count:
                self.requests += 1
            try:
                response = self._client.get(url, params=params)
            except httpx.TimeoutException:
                raise FetchError(f"no answer within {self.config.timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}") from None
            if response.status_code in (429, 503) and attempt < self.config.retries:
                from cardlint.online import retry_after

                wait = retry_after(response.headers.get("Retry-After"), RETRY_CAP)
                self.sleep(1.0 if wait is None else wait)
                continue
            return response
        raise FetchError(f"HTTP {response.status_code}")  # pragma: no cover - the loop returns first

    # arXiv -----------------------------------------------------------------------------

    def arxiv(self, ids: Iterable[str]) -> dict[str, Arxiv | None]:
        """Each id's paper (None: arXiv has no such paper), asked in batches of 100."""
        import feedparser  # type: ignore[import-untyped]  # no stubs; only its parse() is used

        wanted = sorted(set(ids))
        found: dict[str, Arxiv | None] = {}
        for start in range(0, len(wanted), ARXIV_BATCH):
            batch = wanted[start : start + ARXIV_BATCH]
            wait = self._last_arxiv + self.config.arxiv_interval - time.monotonic()
            if self._last_arxiv and wait > 0:
                self.sleep(wait)
            response = self._get(self.config.arxiv_api, {"id_list": ",".join(batch), "max_results": str(len(batch))})
            self._last_arxiv = time.monotonic()
            if response.status_code == 400:  # arXiv answers a malformed id with an error feed
                found.update(dict.fromkeys(batch))
                continue
            if response.status_code != 200:
                raise FetchError(f"arXiv answered HTTP {response.status_code}")
            feed = feedparser.parse(response.text)
            if feed.bozo and not feed.entries:
                raise FetchError("arXiv's answer is not an Atom feed")
            papers = {paper.id: paper for paper in map(_arxiv_entry, feed.entries) if paper is not None}
            found.update({arxiv_id: papers.get(arxiv_id) for arxiv_id in batch})
        return found

    # OpenReview ------------------------------------------------------------------------

    def openreview(
        self, forums: Iterable[str], progress: Callable[[int], None] | None = None
    ) -> dict[str, OpenReview | FetchError | None]:
        """Each forum's submission with its reviews and decision (None: no such forum), or the error."""
        forums = sorted(set(forums))

        def one(forum: str) -> OpenReview | FetchError | None:
            try:
                return self._forum(forum)
            except FetchError as exc:
                return exc
            finally:
                if progress is not None:
                    progress(1)

        with ThreadPoolExecutor(max_workers=self.config.concurrency) as pool:
            return dict(zip(forums, pool.map(one, forums)))

    def _forum(self, forum: str) -> OpenReview | None:
        # API v1 holds the venues up to 2023; a forum it does not know may be a v2 one.
        for base in (self.config.openreview_api, self.config.openreview_api2):
            response = self._get(base.rstrip("/") + "/notes", {"forum": forum})
            if response.status_code in (400, 403, 404):
                continue  # an error answer: no such forum here
            if response.status_code != 200:
                raise FetchError(f"OpenReview answered HTTP {response.status_code}")
            try:
                notes = _Notes.model_validate_json(response.content).notes
            except ValueError as exc:
                raise FetchError(f"OpenReview's answer is not its notes: {str(exc).splitlines()[0]}") from None
            paper = _openreview_paper(forum, notes)
            if paper is not None:
                return paper
        return None


def _arxiv_entry(entry: Any) -> Arxiv | None:
    """An Atom entry as a paper; arXiv's error entries (``…/api/errors#…``) are None."""
    link = str(entry.get("id", ""))
    if "/abs/" not in link:
        return None
    name = link.rsplit("/abs/", 1)[1]
    base, _, version = name.rpartition("v")
    if not base or not version.isdigit():
        base, version = name, "1"
    summary = " ".join(str(entry.get("summary", "")).split())
    return Arxiv(
        id=base,
        version=int(version),
        title=" ".join(str(entry.get("title", "")).split()),
        authors=[str(author.get("name", "")).strip() for author in entry.get("authors", [])],
        abstract_sha256=hashlib.sha256(summary.encode("utf-8")).hexdigest(),
        published=str(entry.get("published", "")),
        updated=str(entry.get("updated", "")),
        doi=entry.get("arxiv_doi"),
        abstract=summary,
    )


# OpenReview's notes, as far as cardlint reads them. v2 wraps each content value as {"value": ...}.

class _Note(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    forum: str | None = None
    invitation: str | None = None  # v1
    invitations: list[str] = []  # v2
    content: dict[str, Any] = {}


class _Notes(BaseModel):
    model_config = ConfigDict(extra="ignore")

    notes: list[_Note]


def _value(content: dict[str, Any], key: str) -> Any:
    value = content.get(key)
    return value.get("value") if isinstance(value, dict) else value


def _rating(text: Any) -> float | None:
    """``"8: accept, good paper"`` or ``8`` as 8.0."""
    if isinstance(text, int | float):
        return float(text)
    head = str(text).split(":", 1)[0].strip()
    try:
        return float(head)
    except ValueError:
        return None


def _openreview_paper(forum: str, notes: list[_Note]) -> OpenReview | None:
    submission = next((note for note in notes if note.id == forum), None)
    if submission is None:
        return None
    ratings: list[float] = []
    decision: str | None = None
    for note in notes:
        kinds = [note.invitation or "", *note.invitations]
        if any(kind.endswith("/-/Official_Review") for kind in kinds):
            rating = _rating(_value(note.content, "recommendation") or _value(note.content, "rating"))
            if rating is not None:
                ratings.append(rating)
        elif any(kind.endswith("/-/Decision") for kind in kinds):
            found = _value(note.content, "decision")
            decision = str(found) if found is not None else None
    venue = _value(submission.content, "venue")
    authors = _value(submission.content, "authors") or []
    return OpenReview(
        forum=forum,
        title=" ".join(str(_value(submission.content, "title") or "").split()),
        authors=[str(author) for author in authors],
        venue=str(venue) if venue else None,
        decision=decision,
        ratings=ratings,
    )
