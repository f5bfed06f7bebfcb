"""``cardlint server``: a Language Server (pygls, over stdio) with cardlint's diagnostics as you type,
its fixes as quick fixes, "fix all safe problems" and the rule page on hover.

The document's unsaved text is linted with the config found for its path, as the command line
would; the link checks (CL8xx) stay off: an editor does not wait on the network. A quick fix is
made as ``--fix`` makes it, with the same passes and loss check: when it is chosen, for a client that
resolves code actions; else before it is offered, and one ``--fix`` would refuse is not offered.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from cardlint import __version__
from cardlint.config import Config, config_for
from cardlint.decide import enabled_rules
from cardlint.diagnostic import Diagnostic, FixSafety, Severity
from cardlint.errors import UsageError
from cardlint.fix import FixRefused, fix_source
from cardlint.linter import LintResult, lint_source
from cardlint.report import fixable_now
from cardlint.rules import Rule, all_rules
from cardlint.source import Source

DEBOUNCE = 0.05  # seconds of quiet typing before a change is linted
FIX_ALL = "source.fixAll.cardlint"
# The rule pages (rules/CLxxx.md) of a source checkout or editable install; plugins' rules have none.
RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


@dataclass(slots=True)
class Linted:
    """The last lint of one open document: what its diagnostics were computed from."""

    version: int | None
    source: Source
    config: Config
    rules: list[type[Rule]]
    result: LintResult


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for one lint (its diagnostics sent) or fix, and back on after
    it. A lint makes thousands of objects that live until it ends and no reference cycles
    (tests/test_pipeline.py): the collector would walk them again and again and free nothing (a
    third of a lint of 1,000 cards). Between lints it runs, for what a plugin rule or a library leaves."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class CardlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("cardlint", __version__)
        self.linted: dict[str, Linted] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.shown: dict[str, str] = {}  # uri -> the config error last shown for it

    # Linting -----------------------------------------------------------------------------

    @collector_paused()
    def lint(self, uri: str) -> None:
        """Lint the document's current text and publish its diagnostics."""
        document = self.workspace.get_text_document(uri)
        path = to_fs_path(uri) or uri
        try:
            config = config_for(path)
            rules = [rule for rule in enabled_rules(config, all_rules()) if not rule.code.startswith("CL8")]
            source = Source.from_text(document.source, path)
            result = lint_source(source, config, rules, known=all_rules())
        except UsageError as exc:
            message = f"cardlint: {exc}"
            if self.shown.get(uri) != message:
                self.shown[uri] = message
                self.window_show_message(types.ShowMessageParams(types.MessageType.Error, message))
            self.linted.pop(uri, None)
            self.publish(uri, [], document.version)
            return
        self.shown.pop(uri, None)  # fixed: the next breakage is news again
        self.linted[uri] = Linted(document.version, source, config, rules, result)
        self.publish(uri, [lsp_diagnostic(source, d) for d in result.diagnostics], document.version)

    def current(self, uri: str) -> Linted | None:
        """The lint of the text the editor has now: made now when a change still waits for it (the
        editor asks for code actions, and runs them on save, right after typing)."""
        linted = self.linted.get(uri)
        if linted is None or linted.version != self.workspace.get_text_document(uri).version:
            waiting = self.pending.pop(uri, None)
            if waiting is not None:
                waiting.cancel()
            self.lint(uri)
            linted = self.linted.get(uri)
        return linted

    def publish(self, uri: str, diagnostics: list[types.Diagnostic], version: int | None) -> None:
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, diagnostics, version))

    def lint_soon(self, uri: str) -> None:
        """Lint after DEBOUNCE seconds without another change."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(DEBOUNCE, self._lint_pending, uri)

    def _lint_pending(self, uri: str) -> None:
        self.pending.pop(uri, None)
        self.lint(uri)

    # Fixes --------------------------------------------------------------------------------

    @collector_paused()
    def fixed_text(self, linted: Linted, chosen: Diagnostic | None) -> str | None:
        """The text after ``--fix`` of one diagnostic (or of all safe ones); None when it changes
        nothing. Raises FixRefused where ``--fix`` would refuse it."""
        where = (chosen.code, chosen.line, chosen.column) if chosen is not None else None

        def only(result: LintResult) -> Sequence[Diagnostic]:
            return [d for d in result.diagnostics if (d.code, d.line, d.column) == where]

        unsafe = chosen is not None and chosen.fix is not None and chosen.fix.safety is FixSafety.UNSAFE
        outcome = fix_source(linted.source, linted.config, linted.rules, unsafe, only=only if chosen else None)
        return outcome.text if outcome.changed else None


def lsp_position(source: Source, line: int, column: int) -> types.Position:
    """A 1-based line and code-point column as LSP's 0-based line and UTF-16 character."""
    if line > len(source.lines):
        return types.Position(len(source.lines), 0)
    text = source.lines[line - 1]
    return types.Position(line - 1, len(text[: column - 1].encode("utf-16-le")) // 2)


def lsp_range(source: Source, d: Diagnostic) -> types.Range:
    return types.Range(lsp_position(source, d.line, d.column), lsp_position(source, d.end_line, d.end_column))


def lsp_diagnostic(source: Source, d: Diagnostic) -> types.Diagnostic:
    return types.Diagnostic(
        range=lsp_range(source, d),
        message=d.message,
        severity=types.DiagnosticSeverity.Error if d.severity is Severity.ERROR else types.DiagnosticSeverity.Warning,
        code=d.code,
        code_description=_rule_page(d.code),
        source="cardlint",
    )


@cache  # the pages do not change while the server runs; a stat per diagnostic was half the publish
def _rule_page(code: str) -> types.CodeDescription | None:
    page = RULES_DIR / f"{code}.md"
    return types.CodeDescription(href=page.as_uri()) if page.is_file() else None


def workspace_edit(uri: str, before: Source, after: str) -> types.WorkspaceEdit:
    """The document's change from ``before`` to ``after``, as one edit."""
    return types.WorkspaceEdit(changes={uri: [whole_text_edit(before, after)]})


def whole_text_edit(before: Source, after: str) -> types.TextEdit:
    """The smallest single edit that turns ``before`` into ``after`` (common head and tail kept)."""
    old = before.text
    head = 0
    while head < min(len(old), len(after)) and old[head] == after[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(after)) - head and old[-1 - tail] == after[-1 - tail]:
        tail += 1
    # LSP has no position between the CR and the LF of a line break: the edit takes the pair whole.
    if old[head - 1 : head + 1] == "\r\n":
        head -= 1
    if tail and old[len(old) - tail - 1 : len(old) - tail + 1] == "\r\n":
        tail -= 1
    start = before.position(head)
    end = before.position(len(old) - tail)
    return types.TextEdit(types.Range(lsp_position(before, *start), lsp_position(before, *end)), after[head : len(after) - tail])


server = CardlintServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: CardlintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.lint(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: CardlintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.lint_soon(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: CardlintServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.lint(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: CardlintServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.linted.pop(params.text_document.uri, None)
    ls.publish(params.text_document.uri, [], None)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True),
)
def code_action(ls: CardlintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    linted = ls.current(uri)
    if linted is None:
        return []
    source = linted.source
    wanted = params.context.only
    # Making a fix lints the whole file more than once, and an editor asks for the actions at the
    # cursor each time it moves (a quick fix and the fix-all took 4 s on a 1,000-card list). A client
    # that resolves edits gets the actions without them, and the edit of the one chosen (below).
    lazy = resolves_edits(ls.client_capabilities)
    actions: list[types.CodeAction] = []

    def offer(action: types.CodeAction, chosen: Diagnostic | None, made: Linted) -> None:
        """List ``action`` with what resolves its edit, or with its edit: none where ``--fix``
        would refuse it (a word would be lost) or change nothing."""
        if lazy:
            at = [chosen.code, chosen.line, chosen.column] if chosen is not None else None
            action.data = {"uri": uri, "version": made.version, "at": at}
        else:
            try:
                text = ls.fixed_text(made, chosen)
            except FixRefused:
                return
            if text is None:
                return
            action.edit = workspace_edit(uri, made.source, text)
        actions.append(action)

    if not wanted or types.CodeActionKind.QuickFix in wanted:
        for d in linted.result.diagnostics:
            if d.fix is None or not _overlaps(lsp_range(source, d), params.range):
                continue
            safe = d.fix.safety is FixSafety.SAFE
            action = types.CodeAction(
                title=f"{d.code}: {d.fix.title}" + ("" if safe else " (unsafe)"),
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp_diagnostic(source, d)],
                is_preferred=safe,
            )
            offer(action, d, linted)
    # Listed unresolved, the fix-all stands where --fix has something to do (what `[*]` marks).
    fixable = not lazy or any(fixable_now(d, unsafe_fixes=False) for d in linted.result.diagnostics)
    if fixable and (not wanted or FIX_ALL in wanted or types.CodeActionKind.Source in wanted):
        offer(types.CodeAction(title="Fix all safe problems in this file", kind=FIX_ALL), None, linted)
    return actions


@server.feature(types.CODE_ACTION_RESOLVE)
def resolve_code_action(ls: CardlintServer, action: types.CodeAction) -> types.CodeAction:
    """The edit of an action listed without one: made as ``--fix`` makes it, when it is chosen. An
    action from an older text of the document gets none (the editor asks for the actions again)."""
    data = action.data if isinstance(action.data, dict) else {}
    uri = data.get("uri")
    if not isinstance(uri, str):
        return action
    linted = ls.current(uri)
    if linted is None or linted.version != data.get("version"):
        return action
    chosen: Diagnostic | None = None
    if data.get("at") is not None:
        chosen = next((d for d in linted.result.diagnostics if [d.code, d.line, d.column] == data["at"]), None)
        if chosen is None:
            return action
    try:
        text = ls.fixed_text(linted, chosen)
    except FixRefused as exc:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"cardlint: no fix made: {exc}"))
        return action
    if text is None:
        return action
    action.edit = workspace_edit(uri, linted.source, text)
    return action


def resolves_edits(capabilities: types.ClientCapabilities) -> bool:
    """Whether the client keeps an action's ``data`` and asks for its ``edit`` when it is chosen."""
    code_action = capabilities.text_document.code_action if capabilities.text_document else None
    if code_action is None or not code_action.data_support or code_action.resolve_support is None:
        return False
    return "edit" in code_action.resolve_support.properties


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: CardlintServer, params: types.HoverParams) -> types.Hover | None:
    linted = ls.linted.get(params.text_document.uri)
    if linted is None:
        return None
    from cardlint.docs import rule_page

    at = types.Range(params.position, params.position)
    rules = {rule.code: rule for rule in linted.rules}
    for d in linted.result.diagnostics:
        if d.code in rules and _overlaps(lsp_range(linted.source, d), at):
            content = types.MarkupContent(kind=types.MarkupKind.Markdown, value=rule_page(rules[d.code]))
            return types.Hover(contents=content, range=lsp_range(linted.source, d))
    return None


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return position.line, position.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def main() -> None:
    # The console script turns the cyclic garbage collector off for a one-shot run. A server runs
    # for hours: a lint makes no reference cycles (tests/test_pipeline.py), but a plugin rule or a
    # library may, and without the collector what they leave would stay for good.
    gc.enable()
    server.start_io()
