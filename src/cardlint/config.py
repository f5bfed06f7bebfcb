"""Configuration: found from the linted file's folder upward, validated by pydantic."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from cardlint.errors import UsageError

if TYPE_CHECKING:
    from pydantic import TypeAdapter

CONFIG_FILES = (".cardlint.toml", "cardlint.toml", "pyproject.toml")
DEFAULT_TIERS = ("Notable Top 5%", "Notable Top 25%", "Poster")
BUILTINS = ("builtin:iclr2023",)  # the built-in templates a config may name


@dataclass(frozen=True)
class LinkConfig:
    """``[links]``: how ``--check-links`` behaves."""

    concurrency: int = 16
    per_host: int = 4
    timeout: float = 10.0
    retries: int = 2
    max_retry_wait: float = 10.0
    accept: list[int] = field(default_factory=lambda: list(range(200, 300)))
    exclude: list[str] = field(default_factory=list)
    remap: list[str] = field(default_factory=list)
    allow_private: bool = False
    cache_max_age: float = 24 * 3600.0

    __pydantic_config__ = {"extra": "forbid"}


# ICLR 2023's accept decisions and the tier headings the seed gives them.
DEFAULT_DECISION_TIERS = {
    "Accept: notable-top-5%": "Notable Top 5%",
    "Accept: notable-top-25%": "Notable Top 25%",
    "Accept: poster": "Poster",
}


@dataclass(frozen=True)
class SourcesConfig:
    """``[sources]``: where ``cardlint sync`` asks arXiv and OpenReview, and how politely."""

    arxiv_api: str = "https://export.arxiv.org/api/query"
    openreview_api: str = "https://api.openreview.net"
    openreview_api2: str = "https://api2.openreview.net"
    arxiv_interval: float = 3.0  # seconds between arXiv requests (arXiv's API terms ask for 3)
    concurrency: int = 4  # OpenReview requests at a time
    timeout: float = 20.0
    retries: int = 2
    decision_tiers: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_DECISION_TIERS))

    __pydantic_config__ = {"extra": "forbid"}


@dataclass(frozen=True)
class Config:
    """Every key a config file may hold (files may spell them kebab-case); unknown keys are errors.

    A plain dataclass, so a run without a config file never imports pydantic; files are validated
    by pydantic against these annotations (see :func:`config_from_mapping`).
    """

    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    severity: dict[str, Literal["error", "warning"]] = field(default_factory=dict)
    template_heading: str = "Template"
    # Where the schema is when the README does not hold it: a file (relative to the config file's
    # folder) or "builtin:iclr2023". Without it, a README without a template card is not checked.
    template: str | None = None
    # The section names allowed, in order; None: any name (with the built-in template: the ICLR tiers).
    tiers: list[str] | None = None
    scores: str | None = None
    required_rows: list[str] = field(default_factory=lambda: ["Title", "Paper Link"])
    paper_link_any_https: bool = True
    github_not_found: list[str] = field(
        default_factory=lambda: ["Not found", "Not open source", "Not available", "N/A", "None"]
    )
    link_rows: dict[Literal["paper", "openreview", "github", "title"], str] = field(
        default_factory=lambda: {
            "title": "Title",
            "paper": "Paper Link",
            "openreview": "OpenReview",
            "github": "Github",
        }
    )
    check_links: bool = False
    links: LinkConfig = field(default_factory=LinkConfig)
    sources: SourcesConfig = field(default_factory=SourcesConfig)
    # Larger files are refused with an error instead of being read (bytes; default 64 MiB).
    max_file_size: int = 64 * 1024 * 1024
    # gitignore-style patterns (relative to the config's folder) of files a folder's walk skips.
    exclude: list[str] = field(default_factory=list)
    # The folder the config file was found in; relative paths in the config resolve against it.
    # Set by the loader, never by a file.
    root: str | None = None

    # Read by pydantic when it validates a file (a plain dict: defining it imports nothing).
    __pydantic_config__ = {"extra": "forbid"}


def find_config_file(start: str) -> str | None:
    """The first config file from ``start`` (a folder) upward; pyproject counts only with [tool.cardlint]."""
    directory = os.path.realpath(start)
    while True:
        for name in CONFIG_FILES:
            candidate = os.path.join(directory, name)
            if not os.path.isfile(candidate):
                continue
            if name == "pyproject.toml" and b"[tool.cardlint" not in _read(candidate):
                continue
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read config: {exc.strerror or exc} ({path})") from None


def load_config(path: str) -> Config:
    """Read and validate one config file; any problem is one line naming the file and key."""
    data = _read(path)
    # Imported here: a run without a config file never needs it.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]  # only on 3.10, where tomllib is missing
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"config is not valid UTF-8 ({path})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"invalid TOML: {exc} ({path})") from None
    # pyproject.toml keeps its settings under [tool.cardlint]; so may a file named by --config.
    tool = table.get("tool")
    if os.path.basename(path) == "pyproject.toml" or (isinstance(tool, dict) and "cardlint" in tool):
        table = tool.get("cardlint", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise UsageError(f"[tool.cardlint] must be a table ({path})")
    return config_from_mapping(table, path)


@lru_cache(maxsize=1)
def _adapter() -> TypeAdapter[Config]:
    from pydantic import TypeAdapter

    return TypeAdapter(Config)


def config_from_mapping(table: dict[str, Any], path: str) -> Config:
    """Validate a config table with pydantic; the first problem names its key as the file spells it."""
    from pydantic import ValidationError

    spelled = {key.replace("-", "_"): key for key in table}
    normalized = {key.replace("-", "_"): value for key, value in table.items()}
    for table_key in ("links", "sources"):
        if isinstance(normalized.get(table_key), dict):
            inner = normalized[table_key]
            # decision-tiers maps decisions (free text) to tiers: its keys stay as written
            normalized[table_key] = {key.replace("-", "_"): value for key, value in inner.items()}
    if "root" in normalized:
        raise UsageError(f"config key '{spelled['root']}': unknown key ({path})")
    try:
        config = _adapter().validate_python(normalized)
    except ValidationError as exc:
        error = exc.errors()[0]
        location = [str(part) for part in error["loc"]]
        if location:
            location[0] = spelled.get(location[0], location[0])
        key = ".".join(location) or "<root>"
        if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
            problem = "unknown key" + _did_you_mean(location)
        else:
            problem = error["msg"][0].lower() + error["msg"][1:]
        raise UsageError(f"config key '{key}': {problem} ({path})") from None
    bad_value = _value_problem(config)
    if bad_value is not None:
        name, why = bad_value
        if "." not in name:
            name = spelled.get(name.replace("-", "_"), name)
        raise UsageError(f"config key '{name}': {why} ({path})")
    return replace(config, root=os.path.dirname(path) or ".")


def _did_you_mean(location: list[str]) -> str:
    """"; did you mean 'ignore'?" for a misspelt key (kebab-case, as the README writes them), or ""."""
    from dataclasses import fields

    from cardlint.template import suggest

    tables = {"links": LinkConfig, "sources": SourcesConfig}
    owner = tables.get(location[0]) if len(location) == 2 else Config if len(location) == 1 else None
    if owner is None:
        return ""
    names = tuple(field.name.replace("_", "-") for field in fields(owner) if field.name != "root")
    guess = suggest(location[-1].replace("_", "-"), names)
    return f"; did you mean '{guess}'?" if guess else ""


def _value_problem(config: Config) -> tuple[str, str] | None:
    """The first value that has the right type but cannot be meant: (its key, why)."""
    import re

    for key, selectors in (("select", config.select or []), ("ignore", config.ignore), ("extend-select", config.extend_select)):
        if any(not selector.strip() for selector in selectors):
            return key, "an empty selector would match every rule"
    if any(not selector.strip() for selector in config.severity):
        return "severity", "an empty selector would match every rule"
    if not config.template_heading.strip():
        return "template-heading", "must not be empty"
    # An empty list is a list without tiers (CL101, CL102 and CL701 are then silent); an empty or
    # repeated name is a mistake.
    tiers = config.tiers or []
    if any(not tier.strip() for tier in tiers):
        return "tiers", "a tier name must not be empty"
    if len(set(tiers)) != len(tiers):
        return "tiers", "a tier is named twice"
    if config.template is not None and not config.template.strip():
        return "template", "must not be empty"
    if config.template is not None and config.template.startswith("builtin:") and config.template not in BUILTINS:
        return "template", f"unknown built-in template '{config.template}'; there is: {', '.join(BUILTINS)}"
    if config.max_file_size <= 0:
        return "max-file-size", "must be a positive number of bytes"
    links = config.links
    counts = {"concurrency": links.concurrency, "per-host": links.per_host, "retries": links.retries}
    for key, value in counts.items():
        least = 0 if key == "retries" else 1
        if value < least:
            return f"links.{key}", f"must be at least {least}"
    if not 0 < links.timeout < float("inf"):
        return "links.timeout", "must be a positive number of seconds"
    for key, seconds in (("max-retry-wait", links.max_retry_wait), ("cache-max-age", links.cache_max_age)):
        if not 0 <= seconds < float("inf"):
            return f"links.{key}", "must be a number of seconds, 0 or more"
    sources = config.sources
    if sources.arxiv_interval < 0 or sources.timeout <= 0 or sources.concurrency < 1 or sources.retries < 0:
        return "sources", "intervals and timeouts must be positive, concurrency at least 1"
    for pattern in links.exclude:
        try:
            re.compile(pattern)
        except re.error as exc:
            return "links.exclude", f"'{pattern}' is not a valid regex: {exc}"
    for remap in links.remap:
        problem = remap_problem(remap)
        if problem is not None:
            return "links.remap", problem
    return None


def remap_problem(remap: str) -> str | None:
    """Why a ``PATTERN REPLACEMENT`` remap cannot be used, or None."""
    import re

    parts = remap.split(None, 1)
    if len(parts) != 2:
        return f"'{remap}' is not 'PATTERN REPLACEMENT'"
    try:
        re.compile(parts[0]).sub(parts[1], "")  # the replacement's group references are checked too
    except re.error as exc:
        return f"'{remap}' is not a valid regex and replacement: {exc}"
    return None


def config_for(file_path: str, explicit: str | None = None) -> Config:
    """The config that governs ``file_path``: an explicit ``--config`` file, else the nearest one."""
    if explicit is not None:
        if not os.path.isfile(explicit):
            raise UsageError(f"config file not found ({explicit})")
        return load_config(explicit)
    found = find_config_file(os.path.dirname(os.path.abspath(file_path)))
    if found is None:
        return Config(root=os.path.dirname(os.path.abspath(file_path)))
    return load_config(found)
