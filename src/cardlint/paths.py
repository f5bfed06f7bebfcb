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

    excluded = (os.path.abspath(root), GitIgnoreSpec.from_lines(exclude)) if exclude else None
    ignores: list[tuple[str, GitIgnoreSpec]] = []  # (folder, its .gitignore), outer folders first
    found: list[str] = []
    for current, folders, names in os.walk(folder):
        ignore_file = os.path.join(current, ".gitignore")
        if os.path.isfile(ignore_file):
            with open(ignore_file, encoding="utf-8", errors="replace") as handle:
                ignores.append((os.path.abspath(current), GitIgnoreSpec.from_lines(handle.read().splitlines())))
        folders[:] = sorted(
            name for name in folders if name != ".git" and not _ignored(excluded, ignores, os.path.join(current, name), True)
        )
        found.extend(
            os.path.join(current, name)
            for name in sorted(names)
            if name.lower().endswith(MARKDOWN) and not _ignored(excluded, ignores, os.path.join(current, name), False)
        )
    return found


def _ignored(
    excluded: tuple[str, GitIgnoreSpec] | None, ignores: list[tuple[str, GitIgnoreSpec]], path: str, is_folder: bool
) -> bool:
    """Whether the walk skips ``path``: the config excludes it, or git ignores it. As in git, the
    deepest .gitignore with a pattern for the path decides, so a ``!README.md`` in a folder keeps
    what a ``*.md`` above it ignores."""
    absolute = os.path.abspath(path)
    if excluded is not None and _verdict(*excluded, absolute, is_folder):
        return True
    for base, spec in reversed(ignores):  # a folder's .gitignore comes after those of the folders above it
        verdict = _verdict(base, spec, absolute, is_folder)
        if verdict is not None:
            return verdict
    return False


def _verdict(base: str, spec: GitIgnoreSpec, absolute: str, is_folder: bool) -> bool | None:
    """Whether ``spec``, read in folder ``base``, ignores a path below it; None when no pattern of it
    names the path."""
    if not absolute.startswith(base + os.sep):
        return None
    relative = os.path.relpath(absolute, base).replace(os.sep, "/") + ("/" if is_folder else "")
    return spec.check_file(relative).include


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
