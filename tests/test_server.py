"""`cardlint server` end to end: a real LSP client (pytest-lsp) talking to the server over stdio."""

from __future__ import annotations

import shutil
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import SEED_DIR

pytestmark = pytest.mark.asyncio


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "cardlint", "server"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
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


def apply(text: str, edit: types.TextEdit) -> str:
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        head = "\n".join(lines[: position.line])
        return len(head) + (1 if position.line else 0) + position.character

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
    assert cli("--fix", example).code == 1  # what remains needs a person
    assert apply(text, edit) == example.read_text(encoding="utf-8")


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
