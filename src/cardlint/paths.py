"""Which files a run checks: the files named, and the Markdown files in the folders named.

A folder is walked the way git sees it: every ``.gitignore`` on the way applies to the paths below
it (pathspec reads them as git does), ``.git`` itself is skipped, and so are the config's
``exclude`` patterns (gitignore-style, relative to the config's folder).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

MARKDOWN = (".md", ".markdown")


def expand(paths: Sequence[str], exclude: Iterable[str] = (), root: str | None = None) -> list[str]:
    """``paths`` with each folder replaced by the Markdown files in it, in a stable order."""
    files: list[str] = []
    for path in paths:
        if path != "-" and os.path.isdir(path):
            files.extend(_walk(path, list(exclude), root or path))
        else:
            files.append(path)
    return files


def _walk(folder: str, exclude: list[str], root: str) -> list[str]:
    from pathspec import GitIgnoreSpec

    rules: list[tuple[str, GitIgnoreSpec]] = []
    if exclude:
        rules.append((os.path.abspath(root), GitIgnoreSpec.from_lines(exclude)))
    found: list[str] = []
    for current, folders, names in os.walk(folder):
        ignore_file = os.path.join(current, ".gitignore")
        if os.path.isfile(ignore_file):
            with open(ignore_file, encoding="utf-8", errors="replace") as handle:
                rules.append((os.path.abspath(current), GitIgnoreSpec.from_lines(handle.read().splitlines())))
        folders[:] = sorted(name for name in folders if name != ".git" and not _ignored(rules, os.path.join(current, name), True))
        found.extend(
            os.path.join(current, name)
            for name in sorted(names)
            if name.lower().endswith(MARKDOWN) and not _ignored(rules, os.path.join(current, name), False)
        )
    return found


def _ignored(rules: list[tuple[str, GitIgnoreSpec]], path: str, is_folder: bool) -> bool:
    absolute = os.path.abspath(path)
    for base, spec in rules:
        if absolute.startswith(base + os.sep):
            relative = os.path.relpath(absolute, base).replace(os.sep, "/") + ("/" if is_folder else "")
            if spec.match_file(relative):
                return True
    return False


def repository_root(start: str) -> str:
    """The git work tree holding ``start`` (a folder), else ``start`` itself."""
    probe = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(probe, ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return os.path.abspath(start)
        probe = parent
