"""What identifies a paper: arXiv ids, OpenReview ids, GitHub hosts in URLs, and normalized titles."""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import SplitResult, parse_qs, urlsplit

# New-style (2007+) and old-style arXiv identifiers, with an optional version.
ARXIV_ID = r"(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_ARXIV_ID_RE = re.compile(rf"^{ARXIV_ID}$")
ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}
ARXIV_PATH = re.compile(rf"^/(abs|pdf)/({ARXIV_ID})(\.pdf)?/?$")
_ARXIV_IN_TEXT = re.compile(rf"arxiv(?:\.org/(?:abs|pdf)/|[.:/]\s*)({ARXIV_ID})", re.IGNORECASE)
_SPACE = re.compile(r"\s")
OPENREVIEW_HOSTS = {"openreview.net", "www.openreview.net"}
GITHUB_HOSTS = {"github.com", "www.github.com"}


# Unbounded: several rules ask about the same few URLs of each card, and a bounded cache evicted
# them on large READMEs.
@cache
def parse_url(value: str) -> SplitResult | None:
    """The split URL when ``value`` is one absolute URL, else None."""
    if not value or _SPACE.search(value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return parts


def arxiv_id(value: str) -> str | None:
    """The arXiv id of an arXiv abs/pdf URL (``.pdf`` suffix dropped), or None."""
    parts = parse_url(value)
    if parts is None or parts.hostname not in ARXIV_HOSTS:
        return None
    match = ARXIV_PATH.match(parts.path)
    return match.group(2) if match else None


def openreview_id(value: str) -> str | None:
    parts = parse_url(value)
    if parts is None or parts.hostname not in OPENREVIEW_HOSTS:
        return None
    ids = parse_qs(parts.query).get("id")
    return ids[0] if ids else None


def bibtex_arxiv_id(fields: dict[str, str]) -> str | None:
    """The arXiv id a BibTeX entry names: eprint, an arXiv URL, the arXiv DOI, or the journal note."""
    eprint = fields.get("eprint", "").strip()
    if eprint and _ARXIV_ID_RE.match(eprint) and "arxiv" in fields.get("archiveprefix", "arxiv").lower():
        return eprint
    for key in ("url", "doi", "journal", "note", "howpublished"):
        match = _ARXIV_IN_TEXT.search(fields.get(key, ""))
        if match:
            return match.group(1)
    return None


_VERSION = re.compile(r"v\d+$")
_PUNCTUATION = re.compile(r"[\W_]+")


def base_id(identifier: str) -> str:
    return _VERSION.sub("", identifier).lower()


def normalize_title(text: str) -> str:
    """Case-, brace- and punctuation-insensitive form of a title, for comparisons."""
    return " ".join(_PUNCTUATION.sub(" ", text.replace("{", "").replace("}", "").casefold()).split())
