"""Which files a run checks: the files named, and the Markdown files in the folders named.

A folder is walked the way git sees it: every ``.gitignore`` from the top of its git work tree down
applies to the paths below it, the deepest deciding (pathspec reads each as git does), ``.git``
itself is skipped, and so are the config's ``exclude`` patterns (gitignore-style, relative to the
config's folder).
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
    # (folder, its .gitignore), outer folders first: those above ``folder`` in its git work tree, too.
    ignores: list[tuple[str, GitIgnoreSpec]] = []
    below, top = [os.path.abspath(folder)], repository_root(folder)
    while below[-1] != top and below[-1] != os.path.dirname(below[-1]):
        below.append(os.path.dirname(below[-1]))
    for upper, lower in zip(below[:0:-1], below[-2::-1]):  # from the top of the work tree down to ``folder``
        ignores.extend(_gitignore(upper))
        if _ignored(None, ignores, lower, True):
            return []  # git ignores the folder (or one above it) and all that is in it
    found: list[str] = []
    for current, folders, names in os.walk(folder):
        ignores.extend(_gitignore(os.path.abspath(current)))
        folders[:] = sorted(
            name for name in folders if name != ".git" and not _ignored(excluded, ignores, os.path.join(current, name), True)
        )
        found.extend(
            os.path.join(current, name)
            for name in sorted(names)
            if name.lower().endswith(MARKDOWN) and not _ignored(excluded, ignores, os.path.join(current, name), False)
        )
    return found


def _gitignore(folder: str) -> list[tuple[str, GitIgnoreSpec]]:
    """The folder's .gitignore, if it has one, read as git reads it."""
    from pathspec import GitIgnoreSpec

    path = os.path.join(folder, ".gitignore")
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as handle:
        return [(folder, GitIgnoreSpec.from_lines(handle.read().splitlines()))]


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
