"""CL5xx: images, checked against the files on disk."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from cardlint.diagnostic import Diagnostic, Edit, FixSafety, Severity
from cardlint.model import Card, Image, Span
from cardlint.parser import find_images
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
        if ctx.template.has_images and not card.images and not card.is_empty and not broken_images(card, ctx):
            yield self.report(ctx, card.heading.span, f"Card '{card.title}' has no image; the template shows one")


# `![alt]` with a `(` after it: what a contributor writes as an image.
_IMAGE_ATTEMPT = re.compile(r"!\[([^\[\]]*)\]([ \t]*)\(")


@dataclass(frozen=True, slots=True)
class BrokenImage:
    """An image as written that GitHub shows as text: where, why, and the edit that mends it (None
    when no edit is sure to)."""

    span: Span
    reason: str
    edit: Edit | None


def broken_images(card: Card, ctx: Context) -> list[BrokenImage]:
    """The card's images GitHub shows as text (kept for the run: CL505 and CL506 both ask)."""
    return ctx.of_card("broken-images", card, _broken_images)


def _broken_images(card: Card, ctx: Context) -> list[BrokenImage]:
    lines, code, html = ctx.source.lines, ctx.document.code_lines, ctx.document.html_lines
    details = card.details.span if card.details is not None else None
    found = []
    for number in range(card.heading.body_line, card.end_line + 1):
        text = lines[number - 1]
        if "![" not in text or number in code or number in html:
            continue
        if details is not None and details.line <= number <= details.end_line:
            continue
        shown = [image.span for image in card.images if image.span.line == number]
        for match in _IMAGE_ATTEMPT.finditer(text):
            at = match.start()
            if any(span.column <= at + 1 < span.end_column for span in shown):
                continue
            if text[:at].endswith("\\") or text[:at].count("`") % 2:
                continue  # an escaped `!`, or inside a code span: text on purpose
            found.append(_diagnose(ctx, text, number, match))
    return found


def _diagnose(ctx: Context, text: str, number: int, match: re.Match[str]) -> BrokenImage:
    at, span = match.start(), Span(number, match.start() + 1, number, match.end() + 1)
    close = text.find(")", match.end())
    if match.group(2):
        reason, start, end, content = "a space stands between its ']' and '('", match.start(2), match.end(2), ""
    elif close < 0:
        return BrokenImage(span, "its '(' is never closed", None)
    elif (path := text[match.end() : close].strip()) and any(c in path for c in " \t") and "<" not in path:
        # GitHub reads a path with spaces only inside `<…>`; mended so only where that file is there.
        reason = "its path has a space: GitHub reads such a path only inside '<…>'"
        image = local_image(ctx, path)
        if image is None or not image.exact:
            return BrokenImage(span, reason, None)
        start = text.index(path, match.end())
        end = start + len(path)
        content = f"<{path}>"
    else:
        return BrokenImage(span, "it does not parse as one", None)
    mended = text[:start] + content + text[end:]
    if not any(image.span.column == at + 1 for image in find_images(mended, number)):
        return BrokenImage(span, reason, None)
    return BrokenImage(span, reason, ctx.replace(Span(number, start + 1, number, end + 1), content))


class ImageSyntax(Rule):
    """## What it does
    Checks that what a card writes as an image is one on GitHub: `![alt](path)` with no space
    between `]` and `(`, a path without spaces (or inside `<…>`), and its `)`.

    ## Why is this bad?
    GitHub shows the Markdown as text, `![](img/dreamfusion samples.png)`, where the image should be.

    ## Example
    ```markdown
    ![DreamFusion samples] (img/dreamfusion.png)
    ```

    ## Use instead
    ```markdown
    ![DreamFusion samples](img/dreamfusion.png)
    ```

    ## Fix safety
    The fix removes the space between `]` and `(`, or puts a path with a space inside `<…>` when that
    file is there; it is safe, and made only when the image then parses. An unclosed `(` is reported
    without a fix.
    """

    code = "CL506"
    name = "image-syntax"
    summary = "An image as written is text on GitHub"
    fix = FixSafety.SAFE

    def check_card(self, card: Card, ctx: Context) -> Iterable[Diagnostic]:
        for broken in broken_images(card, ctx):
            message = f"GitHub shows this image as text: {broken.reason}"
            fix = self.make_fix("Mend the image", broken.edit) if broken.edit is not None else None
            yield self.report(ctx, broken.span, message, fix)
