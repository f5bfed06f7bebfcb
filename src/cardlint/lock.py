"""``cardlint.lock.json``: what ``cardlint sync`` recorded of each paper's sources, beside the README.

Meant to be committed: one entry per paper (keyed ``openreview:ID``, else ``arxiv:ID``), keys sorted,
two-space indent, so a pull request's diff shows exactly what changed. Reading it needs no network."""

from __future__ import annotations

import json
import os
from typing import Any

from cardlint.errors import UsageError

LOCK_NAME = "cardlint.lock.json"
LOCK_VERSION = 1

Lock = dict[str, dict[str, Any]]  # key -> {"arxiv": …, "openreview": …, "fetched": …}


def lock_path(readme: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(readme)), LOCK_NAME)


def read_lock(readme: str) -> Lock | None:
    """The papers of the lock file beside ``readme``; None when there is none."""
    path = lock_path(readme)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the lock file: {exc} ({path})") from None
    if not isinstance(data, dict) or data.get("cardlint-lock") != LOCK_VERSION or not isinstance(data.get("papers"), dict):
        raise UsageError(f"not a cardlint lock file (version {LOCK_VERSION}) ({path})")
    papers: Lock = data["papers"]
    return papers


def render_lock(papers: Lock) -> str:
    return json.dumps({"cardlint-lock": LOCK_VERSION, "papers": papers}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_lock(readme: str, papers: Lock) -> None:
    """Write the lock file atomically (a temporary file beside it, then a rename)."""
    import tempfile  # only `cardlint sync` and `new --arxiv` write: a check does not pay for it

    path = lock_path(readme)
    folder = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(prefix=".cardlint.lock.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(render_lock(papers))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def paper_key(identity: dict[str, str | None]) -> str | None:
    if identity["openreview_id"]:
        return f"openreview:{identity['openreview_id']}"
    if identity["arxiv_id"]:
        return f"arxiv:{identity['arxiv_id']}"
    return None
