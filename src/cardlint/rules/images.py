"""CL5xx: images, checked against the files on disk."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import unquote, urlsplit

from cardlint.diagnostic import Applicability, Diagnostic, Severity
from cardlint.model import Card, Image
from cardlint.record import Record
from cardlint.rules.base import Context, FixAvailability, Rule


def local_path(url: str) -> str | None:
    """The repository-relative path an image URL names, or None for a remote or data URL."""
    if not url or url.startswith("//"):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    return unquote(parts.path)


class LocalImage(Record):
    __slots__ = ("absolute", "inside", "exact", "other_case")
    __hash__ = Record.value_hash

    def __init__(self, absolute: str, inside: bool, exact: bool, other_case: str | None) -> None:
        self.absolute = absolute
        self.inside = inside  # within the repository
        self.exact = exact  # exists exactly as written
        self.other_case = other_case  # the on-disk spelling when only the case differs


def flagged(
    ctx: Context, cards: Sequence[Card], wanted: Callable[[LocalImage], bool]
) -> list[tuple[Image, LocalImage]]:
    """The cards' local images, in order, whose verdict from the disk ``wanted`` accepts.

    The disk is asked once per distinct URL, and the cards are gone through image by image only
    when some URL is accepted: on a list whose images are all in place, the rules below cost one
    pass over the cards between them, whatever its size.
    """
    verdicts = ctx.memo.setdefault("local_image", {})
    urls_of = ctx.memo.setdefault("image_urls", {})  # one entry: the cards last asked about
    known = urls_of.get(id(cards))
    if known is None or known[0] is not cards:
        urls_of.clear()
        known = urls_of[id(cards)] = (cards, {url for card in cards for url in card.image_urls})
    hit = False
    for url in known[1]:
        if url not in verdicts:
            verdicts[url] = _inspect(ctx, url)
        found = verdicts[url]
        hit = hit or (found is not None and wanted(found))
    if not hit:
        return []
    return [
        (image, found)
        for card in cards
        for image in card.images
        if (found := verdicts[image.url]) is not None and wanted(found)
    ]


def _inspect(ctx: Context, url: str) -> LocalImage | None:
    path = local_path(url)
    if path is None:
        return None
    root = ctx.repo_root
    base = root if path.startswith("/") else ctx.folder
    absolute = os.path.normpath(os.path.join(base, path.lstrip("/")))
    inside = absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep)
    if not inside:
        return LocalImage(absolute, False, False, None)
    exact, other_case = _on_disk(ctx, absolute)
    return LocalImage(absolute, True, exact, other_case)


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
    cacheable = False  # reads the disk
    name = "image-missing"
    summary = "Local image file does not exist"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        return self.check_cards((card,), ctx)

    def check_cards(self, cards: Sequence[Card], ctx: Context) -> Iterable[Diagnostic]:
        return [
            self.report(ctx, image.url_span, f"Image file not found: {image.url}")
            for image, _ in flagged(ctx, cards, _missing)
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
    cacheable = False  # reads the disk
    name = "image-outside-repo"
    summary = "Image path leaves the repository"

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        return self.check_cards((card,), ctx)

    def check_cards(self, cards: Sequence[Card], ctx: Context) -> Iterable[Diagnostic]:
        return [
            self.report(ctx, image.url_span, f"Image path leaves the repository: {image.url}")
            for image, _ in flagged(ctx, cards, _outside)
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
    cacheable = False  # reads the disk
    name = "image-case"
    summary = "Image path differs in case from the file on disk"
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = Applicability.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        return self.check_cards((card,), ctx)

    def check_cards(self, cards: Sequence[Card], ctx: Context) -> Iterable[Diagnostic]:
        for image, found in flagged(ctx, cards, _other_case):
            other_case = found.other_case
            assert other_case is not None
            written = local_path(image.url) or ""
            fix = None
            if image.url == written and not written.startswith("/"):
                folder = os.path.relpath(ctx.folder, ctx.repo_root)
                target = posixpath.relpath(other_case, "" if folder == "." else folder.replace(os.sep, "/"))
                fix = self.fix(f"Use '{target}'", ctx.replace(image.url_span, target), rewrites=True)
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
