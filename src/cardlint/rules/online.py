"""CL8xx: what ``--check-links`` found. These rules only read verdicts; the network is the checker's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from cardlint.diagnostic import Diagnostic, Severity
from cardlint.rules.base import Context, Rule

if TYPE_CHECKING:
    from cardlint.online import Verdict


class _OnlineRule(Rule):
    status: str = ""

    def check_document(self, ctx: Context) -> Iterable[Diagnostic]:
        if ctx.links is None:
            return
        links, verdicts = ctx.links
        for link in links:
            verdict = verdicts.get(link.url)
            if verdict is not None and verdict.status == self.status:
                yield self.report(ctx, link.span, self.message(link.url, verdict))

    def message(self, url: str, verdict: Verdict) -> str:
        raise NotImplementedError


class DeadLink(_OnlineRule):
    """## What it does
    With `--check-links`, reports links that do not answer with an accepted status: 404 and 410, other
    error statuses, connection failures, timeouts and redirect loops (after retries).

    ## Why is this bad?
    A paper page or repository that moved leaves readers at an error page.

    ## Example
    ```markdown
    |Github| https://github.com/someone/deleted-repo |
    ```

    ## Use instead
    The current URL, or an allowed "not found" phrase for the Github row.

    ## Options
    `[links]`: `accept` (statuses that count as alive), `exclude` (URL regexes never checked), `timeout`,
    `retries`, `concurrency`, `per-host`.
    """

    code = "CL801"
    name = "dead-link"
    summary = "Link does not answer with an accepted status"
    status = "dead"

    def message(self, url: str, verdict: Verdict) -> str:
        return f"Link is dead: {url} ({verdict.detail})"


class RedirectedLink(_OnlineRule):
    """## What it does
    With `--check-links`, reports links that answer with a permanent redirect (301 or 308), with the URL
    they now lead to.

    ## Why is this bad?
    Permanent redirects rot: the old address works until the redirect is dropped.

    ## Example
    ```markdown
    |Paper Link| http://arxiv.org/abs/2210.11427 |
    ```

    ## Use instead
    The URL the redirect leads to.
    """

    code = "CL802"
    name = "redirected-link"
    summary = "Link is permanently redirected"
    severity = Severity.WARNING
    status = "redirect"

    def message(self, url: str, verdict: Verdict) -> str:
        return f"Link is permanently redirected: {url} -> {verdict.location}"


class SkippedLink(_OnlineRule):
    """## What it does
    With `--check-links`, reports links that were not fetched because their host resolves to a loopback,
    private, link-local or otherwise non-public address.

    ## Why is this bad?
    A review list links public papers. A link to an internal address is a mistake, or a pull request
    trying to make CI probe the internal network; cardlint never fetches it.

    ## Example
    ```markdown
    |Github| http://169.254.169.254/latest/meta-data |
    ```

    ## Use instead
    A public URL. To check a private mirror on purpose, set `allow-private = true` under `[links]`, or
    `remap` the URL.
    """

    code = "CL803"
    name = "link-not-checked"
    summary = "Link points to a non-public address and was not fetched"
    severity = Severity.WARNING
    status = "skipped"

    def message(self, url: str, verdict: Verdict) -> str:
        return f"Link not checked: {url} ({verdict.detail})"


class RemoteImageType(_OnlineRule):
    """## What it does
    With `--check-links`, reports remote images whose URL answers with something other than an image
    content type.

    ## Why is this bad?
    An image URL that returns an HTML page (a login wall, a GitHub blob page instead of the raw file)
    shows as a broken image.

    ## Example
    ```markdown
    ![pipeline](https://github.com/org/repo/blob/main/fig.png)
    ```

    ## Use instead
    ```markdown
    ![pipeline](https://raw.githubusercontent.com/org/repo/main/fig.png)
    ```
    """

    code = "CL804"
    name = "remote-image-type"
    summary = "Remote image does not answer with an image"
    status = "not-image"

    def message(self, url: str, verdict: Verdict) -> str:
        return f"Remote image {url} {verdict.detail}"
