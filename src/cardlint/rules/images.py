"""CL5xx: images, checked against the files on disk."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from cardlint.diagnostic import Diagnostic, FixSafety, Severity
from cardlint.model import Card, Image
from cardlint.rules.base import Context, Rule


def local_path(url: str) -> str | None:
    """The repository-relative path an image URL names, or None for a remote or data URL."""
    if not url or url.startswith("//"):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # "https://[host": no URL, and no path either (the link checks report it)
        return None
    if parts.scheme or parts.netloc:
        return None
    return unquote(parts.path)


@dataclass(frozen=True, slots=True)
class LocalImage:
    """What the disk says of a local image path."""

    absolute: str
    inside: bool  # within the repository
    exact: bool  # exists exactly as written
    other_case: str | None  # the on-disk spelling when only the case differs


def local_image(ctx: Context, url: str) -> LocalImage | None:
    """What the disk says of an image URL (None for a remote one), asked once per URL and run."""
    verdicts = ctx.memo("local-image")
    if url not in verdicts:
        verdicts[url] = _inspect(ctx, url)
    found: LocalImage | None = verdicts[url]
    return found


def flagged(ctx: Context, card: Card, wanted: Callable[[LocalImage], bool]) -> list[tuple[Image, LocalImage]]:
    """The card's local images, in order, whose verdict from the disk ``wanted`` accepts."""
    return [
        (image, found)
        for image in card.images
        if (found := local_image(ctx, image.url)) is not None and wanted(found)
    ]


def _inspect(ctx: Context, url: str) -> LocalImage | None:
    path = local_path(url)
    if path is None:
        return None
    root = ctx.repo_root
    base = root if path.startswith("/") else ctx.folder
    absolute = os.path.normpath(os.path.join(base, path.lstrip("/")))
    if "\0" in path:  # `%00`: no file has that name (and the os functions refuse to look it up)
        return LocalImage(absolute, True, False, None)
    # Through symlinks too: a linked folder that points outside the repository is outside it.
    if not (_within(absolute, root) and _within(os.path.realpath(absolute), os.path.realpath(root))):
        return LocalImage(absolute, False, False, None)
    exact, other_case = _on_disk(ctx, absolute)
    return LocalImage(absolute, True, exact, other_case)


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _on_disk(ctx: Context, absolute: str) -> tuple[bool, str | None]:
    """(exists exactly as written, the on-disk spelling when only the case differs)."""
    root = ctx.repo_root
    relative = os.path.relpath(absolute, root)
    current = root
    actual: list[str] = []
    exact = True
    for part in relative.split(os.sep):
        names = ctx.listing(current)
        if names is None:
            return False, None
        if part in names:
            chosen = part
        else:
            folded = [n for n in names if n.casefold() == part.casefold()]
            if not folded:
                return False, None
            chosen = folded[0]
            exact = False
        actual.append(chosen)
        current = os.path.join(current, chosen)
    if not os.path.isfile(current):
        return False, None
    return exact, None if exact else posixpath.join(*actual)


def _missing(found: LocalImage) -> bool:
    return found.inside and not found.exact and found.other_case is None


def _outside(found: LocalImage) -> bool:
    return not found.inside


def _other_case(found: LocalImage) -> bool:
    return not found.exact and found.other_case is not None


class ImageMissing(Rule):
    """## What it does
    Checks that every local image a card shows exists in the repository.

    ## Why is this bad?
    A contributor forgets to commit `img/0005.png`; GitHub shows a broken image icon.

    ## Example
    ```markdown
    ![DreamFusion pipeline](img/0005.png)
    ```
    with no `img/0005.png` next to the README.

    ## Use instead
    Commit the image, or fix the path.
    """

    code = "CL501"
    name = "image-missing"
    summary = "Local image file does not exist"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        return [
            self.report(ctx, image.url_span, f"Image file not found: {image.url}")
            for image, _ in flagged(ctx, card, _missing)
        ]


class ImageOutsideRepo(Rule):
    """## What it does
    Checks that local image paths stay inside the repository.

    ## Why is this bad?
    `../../figures/fig.png` works on the contributor's disk and nowhere else: GitHub serves only files of
    the repository.

    ## Example
    ```markdown
    ![pipeline](../../figures/pipeline.png)
    ```

    ## Use instead
    Copy the image into the repository's `img/` folder and link it there.
    """

    code = "CL502"
    name = "image-outside-repo"
    summary = "Image path leaves the repository"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        return [
            self.report(ctx, image.url_span, f"Image path leaves the repository: {image.url}")
            for image, _ in flagged(ctx, card, _outside)
        ]


class ImageCase(Rule):
    """## What it does
    Checks that an image path has the same letter case as the file on disk.

    ## Why is this bad?
    macOS and Windows find `img/0001.PNG` when the file is `img/0001.png`; GitHub does not, and the image
    breaks only after the push.

    ## Example
    ```markdown
    ![pipeline](img/Pipeline.png)
    ```
    with the file committed as `img/pipeline.png`.

    ## Use instead
    ```markdown
    ![pipeline](img/pipeline.png)
    ```

    ## Fix safety
    The fix rewrites the path to the file's spelling on disk; it is safe.
    """

    code = "CL503"
    name = "image-case"
    summary = "Image path differs in case from the file on disk"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for image, found in flagged(ctx, card, _other_case):
            other_case = found.other_case
            assert other_case is not None
            written = local_path(image.url) or ""
            fix = None
            if image.url == written and not written.startswith("/"):
                folder = os.path.relpath(ctx.folder, ctx.repo_root)
                target = posixpath.relpath(other_case, "" if folder == "." else folder.replace(os.sep, "/"))
                fix = self.make_fix(f"Use '{target}'", ctx.replace(image.url_span, target), rewrites=True)
            yield self.report(
                ctx, image.url_span, f"Image path '{image.url}' differs in case from the file '{other_case}'", fix
            )


class ImageAlt(Rule):
    """## What it does
    Checks that every image has alt text.

    ## Why is this bad?
    Screen readers announce an image without alt text as nothing at all, and the text is what shows
    when the image fails to load.

    ## Example
    ```markdown
    ![](img/0001.png)
    ```

    ## Use instead
    ```markdown
    ![DreamFusion: text-to-3D samples](img/0001.png)
    ```
    """

    code = "CL504"
    name = "image-alt"
    summary = "Image has no alt text"
    severity = Severity.WARNING

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for image in card.images:
            if not image.alt.strip():
                yield self.report(ctx, image.span, "Image has no alt text")


class NoImage(Rule):
    """## What it does
    Checks that a card shows an image when its template does.

    ## Why is this bad?
    Where the template has a figure (a teaser, the method's diagram), a card without one is a card
    someone has not finished.

    ## Example
    A template with `![teaser](img/teaser.png)` under its heading, and a card with no image at all.

    ## Use instead
    Add the paper's figure to the card. Templates without an image do not ask for one.
    """

    code = "CL505"
    name = "no-image"
    summary = "Card has no image where the template has one"
    severity = Severity.WARNING

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        if ctx.template.has_images and not card.images and not card.is_empty:
            yield self.report(ctx, card.heading.span, f"Card '{card.title}' has no image; the template shows one")
