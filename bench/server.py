"""`cardlint server` latency: from a didChange to its publishDiagnostics, over stdio.

    python bench/server.py [--runs 10]

On the bundled example (target: at most 100 ms) and on a 1,000-card list (target: at most 1 s);
each change removes or restores one trailing pipe, so every run lints a changed text. The time
includes the server's debounce (cardlint.server.DEBOUNCE).

Then the code actions an editor asks for when the cursor stands on a fixable problem (no `only`,
as for a lightbulb), on the 1,000-card list: for a client that resolves their edits (listed
without them) and for one that does not (each edit made before it is listed).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "review" / "README.md"


def big_list(cards: int) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    start, end = text.index("## DreamFusion"), text.index("## Sampling is as easy")
    card = text[start:end]
    head, template = text[:start], text[text.index("## Template") :]
    body = "".join(
        card.replace("## DreamFusion", f"## DreamFusion {i}").replace("FjNys5c7VyY", f"id{i:09d}") for i in range(cards)
    )
    return head + body + template


# What VS Code's language client declares: it keeps an action's data and resolves its edit.
RESOLVING = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        code_action=types.CodeActionClientCapabilities(
            data_support=True, resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
        )
    )
)


@asynccontextmanager
async def session(
    path: Path, text: str, capabilities: types.ClientCapabilities
) -> AsyncIterator[tuple[LanguageClient, str, asyncio.Event, list[types.Diagnostic]]]:
    """A server started and given the document, its first diagnostics in: the client, the document's
    URI, the event each publishDiagnostics sets, and the diagnostics last published."""
    client = LanguageClient("bench", "1")
    published = asyncio.Event()
    found: list[types.Diagnostic] = []

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        found[:] = params.diagnostics
        published.set()

    await client.start_io(sys.executable, "-m", "cardlint", "server")
    await client.initialize_async(types.InitializeParams(capabilities=capabilities))
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text)))
    await published.wait()
    try:
        yield client, uri, published, found
    finally:
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()


async def measure_actions(path: Path, text: str, runs: int, capabilities: types.ClientCapabilities) -> list[float]:
    """The time of a code action request at the first CL208 (a row without its trailing pipe)."""
    async with session(path, text, capabilities) as (client, uri, _, found):
        target = next(d for d in found if d.code == "CL208")
        context = types.CodeActionContext(diagnostics=[target])
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            await client.text_document_code_action_async(
                types.CodeActionParams(types.TextDocumentIdentifier(uri), target.range, context)
            )
            times.append(time.perf_counter() - started)
    return times


async def measure(path: Path, text: str, runs: int) -> list[float]:
    async with session(path, text, types.ClientCapabilities()) as (client, uri, published, _):
        row = "|Github|Not found official. Others: https://github.com/ashawkey/stable-dreamfusion"
        times = []
        for run in range(runs):
            changed = text.replace(row + "\n", row + "|\n", 1) if run % 2 == 0 else text
            published.clear()
            started = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(version=run + 2, uri=uri),
                    [types.TextDocumentContentChangeWholeDocument(changed)],
                )
            )
            await published.wait()
            times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(f"{'document':<28}{'median (ms)':>12}{'max (ms)':>10}  target")
    with tempfile.TemporaryDirectory() as folder:
        documents = (("bundled example", EXAMPLE.read_text(encoding="utf-8"), 100), ("1,000-card list", big_list(1000), 1000))
        for name, text, target in documents:
            path = Path(folder) / name.replace(" ", "-") / "README.md"
            path.parent.mkdir()
            (path.parent / "img").symlink_to(EXAMPLE.parent / "img")
            path.write_text(text, encoding="utf-8")
            times = asyncio.run(measure(path, text, args.runs))
            median = statistics.median(times) * 1000
            verdict = "ok" if median <= target else "MISSED"
            print(f"{name:<28}{median:>12.0f}{max(times) * 1000:>10.0f}  <= {target} {verdict}")
        big, text = path, documents[-1][1]  # the 1,000-card list, as written above
        print(f"\n{'code actions, 1,000 cards':<28}{'median (ms)':>12}{'max (ms)':>10}")
        for name, capabilities in (("resolving client", RESOLVING), ("client that does not", types.ClientCapabilities())):
            times = asyncio.run(measure_actions(big, text, max(3, args.runs // 3), capabilities))
            print(f"{name:<28}{statistics.median(times) * 1000:>12.0f}{max(times) * 1000:>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
