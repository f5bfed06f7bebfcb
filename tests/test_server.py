"""`cardlint server` end to end: a real LSP client (pytest-lsp) talking to the server over stdio."""

from __future__ import annotations

import re
import shutil
import sys
from itertools import accumulate

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import SEED_DIR, clean_list

pytestmark = pytest.mark.asyncio


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "cardlint", "server"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


# A client that keeps an action's data and asks for its edit once the action is chosen (as VS Code does).
RESOLVING = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        code_action=types.CodeActionClientCapabilities(
            data_support=True, resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
        )
    )
)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "cardlint", "server"]))
async def resolving(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=RESOLVING))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def example(tmp_path):
    shutil.copytree(SEED_DIR, tmp_path / "review")
    return tmp_path / "review" / "README.md"


async def open_document(client: LanguageClient, path, text: str | None = None) -> str:
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text))
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def fix_all_edit(client: LanguageClient, uri: str) -> types.TextEdit:
    """The one edit of the document's "Fix all safe problems" action."""
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[], only=["source.fixAll.cardlint"]),
        )
    )
    assert actions is not None
    (fix_all,) = [a for a in actions if isinstance(a, types.CodeAction)]
    assert fix_all.title == "Fix all safe problems in this file"
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    (edit,) = fix_all.edit.changes[uri]
    return edit


def apply(text: str, edit: types.TextEdit) -> str:
    """``edit`` applied as an editor applies it: lines end at CRLF, CR or LF, and a character is a
    UTF-16 code unit (an astral character counts two); a position past a line's end is its end."""
    parts = re.split(r"(\r\n|\r|\n)", text)
    starts = list(accumulate((len(parts[i]) + len(parts[i + 1]) for i in range(0, len(parts) - 1, 2)), initial=0))

    def offset(position: types.Position) -> int:
        if position.line >= len(starts):
            return len(text)
        units, line = 0, parts[2 * position.line]
        for index, char in enumerate(line):
            if units >= position.character:
                return starts[position.line] + index
            units += 2 if ord(char) > 0xFFFF else 1
        return starts[position.line] + len(line)

    start, end = offset(edit.range.start), offset(edit.range.end)
    return text[:start] + edit.new_text + text[end:]


async def test_diagnostics_on_open_match_the_command_line(client: LanguageClient, example):
    uri = await open_document(client, example)
    found = client.diagnostics[uri]
    assert len(found) == 12
    first = found[0]
    assert (first.code, first.range.start.line, first.range.start.character) == ("CL208", 15, 82)
    assert first.severity == types.DiagnosticSeverity.Error and first.source == "cardlint"
    assert first.code_description is not None and first.code_description.href.endswith("/rules/CL208.md")


async def test_an_edit_that_removes_a_pipe_is_reported_and_the_quick_fix_restores_it(client: LanguageClient, tmp_path):
    shutil.copytree(SEED_DIR.parent.parent / "tests" / "data" / "seed-clean", tmp_path / "clean")
    path = tmp_path / "clean" / "README.md"
    text = path.read_text(encoding="utf-8")
    uri = await open_document(client, path)
    assert list(client.diagnostics[uri]) == []
    row = next(line for line in text.split("\n") if line.startswith("|Github|"))
    line = text.split("\n").index(row)
    broken = text.replace(row, row.rstrip("|"), 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [types.TextDocumentContentChangeWholeDocument(text=broken)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    found = client.diagnostics[uri]
    pipes = [d for d in found if d.code == "CL208"]
    assert [(d.range.start.line, d.message) for d in pipes] == [(line, "Table row has no trailing pipe")]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), pipes[0].range, types.CodeActionContext(diagnostics=pipes, only=[types.CodeActionKind.QuickFix])
        )
    )
    assert actions is not None
    fix = next(action for action in actions if isinstance(action, types.CodeAction) and action.title.startswith("CL208"))
    assert fix.is_preferred and fix.kind == types.CodeActionKind.QuickFix
    assert fix.edit is not None and fix.edit.changes is not None
    (edit,) = fix.edit.changes[uri]
    assert edit.new_text == "|" and edit.range.start == edit.range.end
    assert apply(broken, edit) == text


async def test_fix_all_equals_the_command_lines_fix(client: LanguageClient, example, cli):
    text = example.read_text(encoding="utf-8")
    uri = await open_document(client, example)
    edit = await fix_all_edit(client, uri)
    assert cli("--fix", example).code == 1  # what remains needs a person
    assert apply(text, edit) == example.read_text(encoding="utf-8")


async def test_a_code_action_right_after_a_change_is_made_for_the_changed_text(client: LanguageClient, tmp_path, cli):
    """The editor asks for the fix-all as it saves, right after the last keystroke, before that
    change's lint: the server lints it then. (Made from the lint before, its edit would be the old
    text's, and applied to the new one.)"""
    shutil.copytree(SEED_DIR.parent.parent / "tests" / "data" / "seed-clean", tmp_path / "clean")
    path = tmp_path / "clean" / "README.md"
    text = path.read_text(encoding="utf-8")
    uri = await open_document(client, path)
    row = next(line for line in text.split("\n") if line.startswith("|Github|"))
    broken = text.replace(row, row.rstrip("|"), 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [types.TextDocumentContentChangeWholeDocument(text=broken)],
        )
    )
    edit = await fix_all_edit(client, uri)  # no wait for the change's diagnostics
    assert apply(broken, edit) == text


async def test_a_fix_across_mixed_line_breaks_and_astral_characters_applies_as_the_command_line(
    client: LanguageClient, tmp_path, cli
):
    """Two rows swapped, the upper ending in LF and the lower in CRLF, under an emoji: the fix's edit
    once ended between the CR and the LF, a position LSP cannot say, and the editor kept the wrong break."""
    paper = "|Paper Link|https://arxiv.org/abs/2209.14988|\n"
    openreview = "|OpenReview|https://openreview.net/forum?id=FjNys5c7VyY|\n"
    text = clean_list().replace("## DreamFusion", "## DreamFusion 😀", 1)
    text = text.replace(paper + openreview, openreview + paper.replace("\n", "\r\n"), 1)
    readme = tmp_path / "README.md"
    readme.write_bytes(text.encode("utf-8"))
    uri = await open_document(client, readme, text)
    edit = await fix_all_edit(client, uri)
    cli("--fix", readme)
    fixed = readme.read_bytes().decode("utf-8")
    assert paper.replace("\n", "\r\n") + openreview in fixed  # the rows moved, each with its own break
    assert apply(text, edit) == fixed


async def test_unsafe_fixes_say_so_and_hover_shows_the_rule_page(client: LanguageClient, example):
    uri = await open_document(client, example)
    missing = next(d for d in client.diagnostics[uri] if d.code == "CL301")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(types.TextDocumentIdentifier(uri), missing.range, types.CodeActionContext(diagnostics=[missing]))
    )
    assert actions is not None
    titles = {a.title: a.is_preferred for a in actions if isinstance(a, types.CodeAction)}
    assert any(title.startswith("CL301") and title.endswith("(unsafe)") and not preferred for title, preferred in titles.items())
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), missing.range.start))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.startswith("# CL301: missing-field")


async def test_a_file_without_template_gets_nothing_and_a_broken_config_is_one_message(client: LanguageClient, tmp_path):
    notes = tmp_path / "NOTES.md"
    notes.write_text("# Notes\n\n## Card\n| a |\n")
    uri = await open_document(client, notes)
    assert list(client.diagnostics[uri]) == []
    (tmp_path / ".cardlint.toml").write_text("select = [CL2\n")
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
    await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    (message,) = client.messages
    assert message.type == types.MessageType.Error and message.message.startswith("cardlint: invalid TOML")
    (tmp_path / ".cardlint.toml").unlink()
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # the server is still up
    assert list(client.diagnostics[uri]) == []


async def test_a_client_that_resolves_edits_gets_each_when_it_chooses_the_action(resolving: LanguageClient, tmp_path, cli):
    """Actions are listed without their edits (an editor asks at each move of the cursor, and a fix
    lints the whole file more than once); the one chosen gets the edit --fix would make."""
    shutil.copytree(SEED_DIR.parent.parent / "tests" / "data" / "seed-clean", tmp_path / "clean")
    path = tmp_path / "clean" / "README.md"
    text = path.read_text(encoding="utf-8")
    row = next(line for line in text.split("\n") if line.startswith("|Github|"))
    broken = text.replace(row, row.rstrip("|"), 1)
    path.write_text(broken, encoding="utf-8")
    uri = await open_document(resolving, path)
    (pipe,) = [d for d in resolving.diagnostics[uri] if d.code == "CL208"]
    context = types.CodeActionContext(diagnostics=[pipe])  # no `only`: what a lightbulb asks for
    actions = await resolving.text_document_code_action_async(
        types.CodeActionParams(types.TextDocumentIdentifier(uri), pipe.range, context)
    )
    assert actions is not None
    listed = {a.title: a for a in actions if isinstance(a, types.CodeAction)}
    assert sorted(listed) == ["CL208: Add a trailing pipe", "Fix all safe problems in this file"]
    assert all(a.edit is None for a in listed.values())
    quick = await resolving.code_action_resolve_async(listed["CL208: Add a trailing pipe"])
    assert quick.edit is not None and quick.edit.changes is not None
    (edit,) = quick.edit.changes[uri]
    assert edit.new_text == "|" and apply(broken, edit) == text
    every = await resolving.code_action_resolve_async(listed["Fix all safe problems in this file"])
    assert every.edit is not None and every.edit.changes is not None
    (edit,) = every.edit.changes[uri]
    cli("--fix", path)
    assert apply(broken, edit) == path.read_text(encoding="utf-8")
    # An action listed for an older text gets no edit: the editor asks for the actions again.
    resolving.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [types.TextDocumentContentChangeWholeDocument(text=broken + "\n")],
        )
    )
    await resolving.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    stale = await resolving.code_action_resolve_async(listed["CL208: Add a trailing pipe"])
    assert stale.edit is None


async def test_resolving_a_fix_that_fix_refuses_gives_no_edit_and_says_why(monkeypatch):
    """Listed without its edit, a fix --fix would refuse is found out when it is chosen: the editor
    gets no edit and a message with --fix's reason."""
    from cardlint.linter import lint_source
    from cardlint.rules import all_rules
    from cardlint.server import CardlintServer, Linted, resolve_code_action
    from cardlint.source import Source
    from conftest import RULE_FIXTURES, builtin_config
    from test_fix import DropsAWord

    ls = CardlintServer()
    for _ in ls.protocol.lsp_initialize(types.InitializeParams(capabilities=RESOLVING)):
        pass  # the protocol's own handler of `initialize`: it sets up the workspace
    shown: list[str] = []
    monkeypatch.setattr(ls, "window_show_message", lambda params: shown.append(params.message))
    source = Source.read(str(RULE_FIXTURES / "clean.md"))
    rules = [*all_rules(), DropsAWord]
    result = lint_source(source, builtin_config(), rules)
    uri = "file:///clean.md"
    ls.workspace.put_text_document(types.TextDocumentItem(uri, "markdown", 1, source.text))
    ls.linted[uri] = Linted(1, source, builtin_config(), rules, result)
    (drop,) = [d for d in result.diagnostics if d.code == "XD100"]
    action = types.CodeAction("XD100: drop", data={"uri": uri, "version": 1, "at": [drop.code, drop.line, drop.column]})
    assert resolve_code_action(ls, action).edit is None
    assert shown == ["cardlint: no fix made: the fix 'drop' would lose the word 'Google'"]


def _resident_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmRSS:"))
    return int(kb) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the server's memory from /proc (Linux only)")
async def test_memory_stays_bounded_while_typing_in_a_long_list(client: LanguageClient, tmp_path):
    # Lints once left their cards in reference cycles, freed only by the cyclic collector: with it
    # off (as the console script runs), a server grew ~1.4 MB per change of this list without end,
    # and with it on, Python 3.13 held ~20 MB of old lints before collecting them.
    text = (SEED_DIR / "README.md").read_text(encoding="utf-8")
    start, end = text.index("## DreamFusion"), text.index("## Sampling is as easy")
    cards = "".join(text[start:end].replace("## DreamFusion", f"## DreamFusion {i}") for i in range(100))
    path = tmp_path / "README.md"
    path.write_text(text[:start] + cards + text[end:], encoding="utf-8")
    uri = await open_document(client, path)
    server = client._server  # pygls keeps the server's process here; its memory is the point
    assert server is not None
    sizes = []
    for version in range(2, 26):
        changed = path.read_text(encoding="utf-8") + ("\n" if version % 2 else "")
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangeWholeDocument(text=changed)],
            )
        )
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        sizes.append(_resident_mb(server.pid))
    assert sizes[-1] - sizes[4] < 10, f"resident memory after each change (MB): {[round(s) for s in sizes]}"
