"""Online link checking (``--check-links``): concurrent, polite to rate limits, never aimed inward.

Only this module talks to the network, and only when asked. URLs are collected from the intro and
the cards (table values, links, remote images; not BibTeX keys), remapped if the user says so,
and checked with httpx: HEAD first, GET where HEAD is refused, redirects followed by hand so a
permanent one can be reported, 429/503 retried after their Retry-After within a bound. A host that
resolves to a loopback, private, link-local or otherwise non-public address is not fetched unless
``allow-private`` is set or the URL came from a ``remap`` (the user's own choice).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import re
import socket
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from cardlint.config import LinkConfig, remap_problem
from cardlint.errors import UsageError
from cardlint.model import Document, Span
from cardlint.source import replace_file

if TYPE_CHECKING:
    import httpx

# A bracketed IPv6 host (`http://[::1]:8080/`) is part of the URL; other brackets end it.
_URL = re.compile(r"https?://(?:\[[0-9A-Fa-f:.]+\])?[^\s<>\"'`|\[\]{}]*", re.IGNORECASE)
_TRAILING = ".,;:!?*_~"
REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT = (301, 308)
MAX_REDIRECTS = 10
USER_AGENT = "cardlint (+https://pypi.org/project/cardlint/)"


@dataclass(frozen=True, slots=True)
class Link:
    """An http(s) URL found in the README, where it is written."""

    url: str  # as written in the README
    span: Span
    image: bool = False


@dataclass(slots=True)
class Verdict:
    """What checking one URL found. ``status`` is one of ok, redirect, dead, skipped, not-image."""

    status: str
    detail: str = ""
    location: str | None = None  # the new URL of a permanent redirect
    code: int | None = None


def _trim(url: str) -> str:
    while url and url[-1] in _TRAILING:
        url = url[:-1]
    # A closing parenthesis belongs to the URL only when it opened one (Wikipedia-style links).
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def collect_links(document: Document) -> list[Link]:
    """Every http(s) URL in the intro and the cards, remote images marked, BibTeX left out."""
    source = document.source
    skip: set[int] = set(document.code_lines)
    for card in document.cards:
        if card.is_template:
            skip.update(range(card.line, card.end_line + 1))
        details = card.details
        if details is not None and details.bibtex_line is not None:
            skip.update(range(details.bibtex_line, details.span.end_line + 1))
    from cardlint.parser import find_images

    image_at = {(i.url_span.line, i.url_span.column) for card in document.cards for i in card.images}
    in_cards = {n for card in document.cards for n in range(card.line, card.end_line + 1)}
    links: list[Link] = []
    for number, text in enumerate(source.lines, start=1):
        if number in skip or "http" not in text.lower():
            continue
        if number not in in_cards and ("![" in text or "<img" in text.lower()):
            image_at.update((i.url_span.line, i.url_span.column) for i in find_images(text, number))
        for match in _URL.finditer(text):
            url = _trim(match.group())
            if url.endswith("//"):
                continue  # a scheme and nothing after it
            start = match.start()
            image = (number, start + 1) in image_at
            links.append(Link(url, Span(number, start + 1, number, start + len(url) + 1), image))
    return links


def _remap(url: str, rules: Iterable[tuple[re.Pattern[str], str]]) -> tuple[str, bool]:
    """The URL after the first remap that matches it, and whether the remap chose its server: it
    matched from the URL's start through its host and port (a match further on, in the path or the
    query, or one that stops inside ``user@host``, rewrites the URL but earns it no trust)."""
    for pattern, replacement in rules:
        match = pattern.search(url)
        if match:
            split = urlsplit(url)
            origin_end = len(f"{split.scheme}://{split.netloc}")
            return pattern.sub(replacement, url, count=1), match.start() == 0 and match.end() >= origin_end
    return url, False


def parse_remaps(values: Iterable[str], where: str) -> list[tuple[re.Pattern[str], str]]:
    parsed = []
    for value in values:
        problem = remap_problem(value)
        if problem is not None:
            raise UsageError(f"remap {problem} ({where})")
        pattern, replacement = value.split(None, 1)
        parsed.append((re.compile(pattern), replacement))
    return parsed


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


# Looks like an IPv4 literal (digits, dots, hex): resolvers read "1.1.1.001" or "0177.1" in legacy
# ways, so such a host must be a plain address or it is refused.
_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]*))*$", re.IGNORECASE)


async def _resolve(host: str, port: int) -> list[str] | Verdict:
    """The addresses ``host`` stands for, or why it stands for none."""
    literal = host.strip("[]")
    try:
        return [str(ipaddress.ip_address(literal))]
    except ValueError:
        if _NUMERIC_HOST.match(literal):
            return Verdict("dead", f"not a valid IP address: {host}")
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return Verdict("dead", f"could not resolve {host}")
    addresses = [str(info[4][0]) for info in infos]
    return addresses or Verdict("dead", f"could not resolve {host}")


def _pinned(parts: SplitResult, address: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The request for ``parts`` sent to ``address``, the one that was checked: its URL, the Host
    header, and the TLS server name (so the certificate is still checked against the host)."""
    host = f"[{address}]" if ":" in address else address
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    assert parts.hostname is not None
    named = not _is_address(parts.hostname)
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" and named else {}
    return url, {"Host": parts.netloc}, extensions


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


_CACHE_LIMIT = 64 * 1024 * 1024  # bytes of link cache read at most


def _fresh_entry(entry: object, now: float, max_age: float) -> bool:
    """Whether a cached verdict has the shape cardlint writes and was checked in the last ``max_age`` s."""
    if not isinstance(entry, dict) or entry.get("status") not in ("ok", "redirect"):
        return False
    checked = entry.get("checked")
    if not isinstance(checked, (int, float)) or isinstance(checked, bool) or not now - max_age <= checked <= now + 60:
        return False
    code = entry.get("code")
    location = entry.get("location")
    return (
        isinstance(entry.get("detail", ""), str)
        and (location is None or isinstance(location, str))
        and (code is None or (isinstance(code, int) and not isinstance(code, bool)))
    )


def retry_after(value: str | None, cap: float) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) as seconds from now, within 0 and ``cap``;
    None when it says neither (a NaN included: a sleep refuses one)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    if seconds != seconds:  # NaN
        return None
    return max(0.0, min(seconds, cap))


class LinkChecker:
    def __init__(self, settings: LinkConfig, cache_path: str | None = None, remap: Sequence[str] = ()) -> None:
        self.settings = settings
        # Command-line remaps come first: they win over the config's.
        self.remaps = parse_remaps([*remap, *settings.remap], "remap")
        self.excludes = [re.compile(pattern) for pattern in settings.exclude]
        self.cache_path = cache_path
        self.cache: dict[str, dict[str, Any]] = self._load_cache()
        self._hosts: dict[str, asyncio.Semaphore] = {}

    def _load_cache(self) -> dict[str, dict[str, Any]]:
        """The verdicts of earlier runs still young enough; a file that is not a regular one (a
        symlink, a FIFO) or not what cardlint writes, and every entry of the wrong shape or checked
        in the future, is ignored: a damaged or forged cache is only a slower run."""
        if not self.cache_path:
            return {}
        try:
            descriptor = os.open(self.cache_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return {}
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return {}
            with os.fdopen(descriptor, "rb", closefd=False) as handle:
                raw = handle.read(_CACHE_LIMIT + 1)
            if len(raw) > _CACHE_LIMIT:
                return {}
            data = json.loads(raw)
        except (OSError, ValueError):
            return {}
        finally:
            os.close(descriptor)
        if not isinstance(data, dict):
            return {}
        now = time.time()
        return {url: entry for url, entry in data.items() if _fresh_entry(entry, now, self.settings.cache_max_age)}

    def _save_cache(self) -> None:
        if not self.cache_path:
            return
        try:
            os.makedirs(os.path.dirname(self.cache_path), exist_ok=True)
            replace_file(self.cache_path, json.dumps(self.cache).encode("utf-8"))
        except OSError:
            pass  # an unwritable cache folder only makes the next run slower

    def check(self, links: list[Link], progress: Callable[[int], None] | None = None) -> dict[str, Verdict]:
        """Verdicts keyed by the URL as written; each distinct URL is checked once."""
        urls = list(dict.fromkeys(link.url for link in links))
        images = {link.url for link in links if link.image}
        verdicts = asyncio.run(self._check_all(urls, images, progress))
        self._save_cache()
        return verdicts

    async def _check_all(
        self, urls: list[str], images: set[str], progress: Callable[[int], None] | None
    ) -> dict[str, Verdict]:
        import httpx

        limit = asyncio.Semaphore(self.settings.concurrency)
        timeout = httpx.Timeout(self.settings.timeout)
        limits = httpx.Limits(max_connections=self.settings.concurrency)
        headers = {"User-Agent": USER_AGENT}
        async with httpx.AsyncClient(timeout=timeout, limits=limits, headers=headers, follow_redirects=False) as client:

            async def one(url: str) -> tuple[str, Verdict]:
                async with limit:
                    try:
                        verdict = await self._check(client, url, url in images)
                    except Exception as exc:  # one strange URL must not end the check of the others
                        verdict = Verdict("dead", f"{type(exc).__name__}: {exc}")
                if progress is not None:
                    progress(1)
                return url, verdict

            results = await asyncio.gather(*(one(url) for url in urls))
        return dict(results)

    async def _check(self, client: httpx.AsyncClient, written: str, image: bool) -> Verdict:
        if any(pattern.search(written) for pattern in self.excludes):
            return Verdict("excluded")
        url, remapped = _remap(written, self.remaps)
        key = f"{'image ' if image else ''}{url}"
        cached = self.cache.get(key)
        if cached is not None:
            return Verdict(cached["status"], cached.get("detail", ""), cached.get("location"), cached.get("code"))
        verdict = await self._follow(client, url, image, remapped)
        if verdict.status in ("ok", "redirect"):
            self.cache[key] = {
                "status": verdict.status,
                "detail": verdict.detail,
                "location": verdict.location,
                "code": verdict.code,
                "checked": time.time(),
            }
        return verdict

    async def _follow(self, client: httpx.AsyncClient, url: str, image: bool, remapped: bool) -> Verdict:
        """Request ``url`` and the redirects it leads to. Only the server a remap points to (its
        scheme, host and port) is trusted to be private: the user wrote the remap; a redirect to
        any other server is checked like any other URL."""
        seen: set[str] = set()
        trusted_origin: tuple[str, str, int | None] | None = None
        moved = False  # the URL as written answered with a permanent redirect
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            try:
                parts = urlsplit(current)
                port = parts.port
            except ValueError as exc:
                return Verdict("dead", f"not a valid URL: {exc}")
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return Verdict("skipped", f"not an http(s) URL: {current}")
            if parts.username is not None or parts.password is not None:
                return Verdict("skipped", "the URL names a user (user@host): not fetched")
            addresses = await _resolve(parts.hostname, port or (443 if parts.scheme == "https" else 80))
            if isinstance(addresses, Verdict):
                return addresses
            origin = (parts.scheme, parts.hostname, port)
            if hop == 0 and remapped:
                trusted_origin = origin
            trusted = self.settings.allow_private or origin == trusted_origin
            if not trusted and not all(is_public_address(address) for address in addresses):
                return Verdict("skipped", f"{parts.hostname} is not a public address (set allow-private to check it)")
            if current in seen:
                return Verdict("dead", f"redirect loop at {current}")
            seen.add(current)
            response = await self._request(client, parts, addresses[0])
            if isinstance(response, Verdict):
                return response
            status, headers = response
            if status in REDIRECTS and headers.get("location"):
                moved = moved or (hop == 0 and status in PERMANENT)
                current = urljoin(current, headers["location"])
                continue
            if status not in self.settings.accept:
                return Verdict("dead", f"HTTP {status}", code=status)
            if image:
                kind = headers.get("content-type", "").split(";")[0].strip().lower()
                if not kind.startswith("image/"):
                    return Verdict("not-image", f"answers with {kind or 'no content type'}, not an image", code=status)
            if moved:
                return Verdict("redirect", f"HTTP {status} after a permanent redirect", current, status)
            return Verdict("ok", f"HTTP {status}", code=status)
        return Verdict("dead", f"more than {MAX_REDIRECTS} redirects")

    async def _request(
        self, client: httpx.AsyncClient, parts: SplitResult, address: str
    ) -> tuple[int, dict[str, str]] | Verdict:
        """Ask ``address`` (the address that was checked, not a second lookup) for the URL, within
        one deadline for the whole answer's head however slowly it trickles in."""
        import httpx

        url, host_header, extensions = _pinned(parts, address)
        per_host = self._hosts.setdefault(parts.hostname or "", asyncio.Semaphore(self.settings.per_host))
        attempt = 0
        method = "HEAD"

        async def ask() -> tuple[int, dict[str, str]]:
            async with per_host, client.stream(method, url, headers=host_header, extensions=extensions) as response:
                return response.status_code, {k.lower(): v for k, v in response.headers.items()}

        while True:
            try:
                status, headers = await asyncio.wait_for(ask(), self.settings.timeout)
            except (httpx.TimeoutException, asyncio.TimeoutError):
                problem = f"timed out after {self.settings.timeout:g} s"
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            else:
                if method == "HEAD" and status in (405, 501, 403, 400):
                    method = "GET"  # many servers refuse HEAD: ask again the expensive way
                    continue
                if status in (429, 503) and attempt < self.settings.retries:
                    wait = retry_after(headers.get("retry-after"), self.settings.max_retry_wait)
                    attempt += 1
                    await asyncio.sleep(wait if wait is not None else min(2.0**attempt * 0.25, self.settings.max_retry_wait))
                    continue
                return status, headers
            if attempt >= self.settings.retries:
                return Verdict("dead", problem)
            attempt += 1
            await asyncio.sleep(min(2.0**attempt * 0.25, self.settings.max_retry_wait))
