"""Configuration: found from the linted file's folder upward, validated by a pydantic model."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cardlint.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_FILES = (".cardlint.toml", "cardlint.toml", "pyproject.toml")
DEFAULT_TIERS = ["Notable Top 5%", "Notable Top 25%", "Poster"]


class Config(BaseModel):
    """Every key a config file may hold; unknown keys are errors so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    select: list[str] | None = None
    ignore: list[str] = Field(default_factory=list)
    extend_select: list[str] = Field(default_factory=list, alias="extend-select")
    severity: dict[str, Literal["error", "warning"]] = Field(default_factory=dict)
    template_heading: str = Field("Template", alias="template-heading")
    tiers: list[str] = Field(default_factory=lambda: list(DEFAULT_TIERS))
    scores: str | None = None
    required_rows: list[str] = Field(default_factory=lambda: ["Title", "Paper Link"], alias="required-rows")
    paper_link_any_https: bool = Field(True, alias="paper-link-any-https")
    github_not_found: list[str] = Field(
        default_factory=lambda: ["Not found", "Not open source", "Not available", "N/A", "None"],
        alias="github-not-found",
    )
    link_rows: dict[Literal["paper", "openreview", "github", "title"], str] = Field(
        default_factory=lambda: {
            "title": "Title",
            "paper": "Paper Link",
            "openreview": "OpenReview",
            "github": "Github",
        },
        alias="link-rows",
    )
    check_links: bool = Field(False, alias="check-links")

    # The folder the config file was found in; relative paths in the config resolve against it.
    root: str | None = Field(None, exclude=True)

    @field_validator("select", "ignore", "extend_select")
    @classmethod
    def _codes_upper(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [code.strip() for code in value if code.strip()]



def find_config_file(start: str) -> Path | None:
    """The first config file from ``start`` (a folder) upward; pyproject counts only with [tool.cardlint]."""
    folder = Path(start).resolve()
    for directory in (folder, *folder.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and b"[tool.cardlint" not in _read(candidate):
                continue
            return candidate
    return None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read config: {exc.strerror or exc} ({path})") from None


def load_config(path: Path) -> Config:
    """Read and validate one config file; any problem is one line naming the file and key."""
    data = _read(path)
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"config is not valid UTF-8 ({path})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"invalid TOML: {exc} ({path})") from None
    if path.name == "pyproject.toml":
        table = table.get("tool", {}).get("cardlint", {})
        if not isinstance(table, dict):
            raise UsageError(f"[tool.cardlint] must be a table ({path})")
    return config_from_mapping(table, path)


def config_from_mapping(table: dict, path: Path | str) -> Config:
    try:
        config = Config.model_validate({**table, "root": str(Path(path).parent)})
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"]) or "<root>"
        if error["type"] == "extra_forbidden":
            problem = "unknown key"
        else:
            problem = error["msg"].lower()
        raise UsageError(f"config key '{key}': {problem} ({path})") from None
    return config


def config_for(file_path: str, explicit: str | None = None) -> Config:
    """The config that governs ``file_path``: an explicit ``--config`` file, else the nearest one."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise UsageError(f"config file not found ({explicit})")
        return load_config(path)
    found = find_config_file(os.path.dirname(os.path.abspath(file_path)))
    if found is None:
        return Config(root=os.path.dirname(os.path.abspath(file_path)))
    return load_config(found)
