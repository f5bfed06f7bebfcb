"""Render diagnostics for people (text) and for tools (json)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from json.encoder import encode_basestring as _string  # the C string escaper json.dumps uses

from cardlint.diagnostic import Diagnostic, Run, Severity


def text_line(diagnostic: Diagnostic, styled: bool = False) -> str:
    marker = " [*]" if diagnostic.fixable else ""
    level = " (warning)" if diagnostic.severity is Severity.WARNING else ""
    where = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}:"
    code = diagnostic.code
    if styled:
        import click

        where = click.style(where, bold=True)
        code = click.style(code, fg="red" if diagnostic.severity is Severity.ERROR else "yellow", bold=True)
    return f"{where} {code}{marker} {diagnostic.message}{level}"


def source_excerpt(diagnostic: Diagnostic, lines: Sequence[str], styled: bool = False) -> list[str]:
    """The offending line with a caret under the span, and the fix title (ruff's full format)."""
    if not 1 <= diagnostic.line <= len(lines):
        return []
    text = lines[diagnostic.line - 1]
    number = str(diagnostic.line)
    gutter = " " * len(number)
    start = diagnostic.column - 1
    if diagnostic.end_line == diagnostic.line:
        width = max(diagnostic.end_column - diagnostic.column, 1)
    else:
        width = max(len(text) - start, 1)
    # Keep tabs in the padding so the caret lines up under tab-indented text.
    padding = "".join("\t" if ch == "\t" else " " for ch in text[:start])
    caret = "^" * width + " " + diagnostic.code
    if styled:
        import click

        caret = click.style(caret, fg="red" if diagnostic.severity is Severity.ERROR else "yellow", bold=True)
    out = [f"{gutter} |", f"{number} | {text}", f"{gutter} | {padding}{caret}"]
    if diagnostic.fix is not None:
        safety = "" if diagnostic.fix.applicability.value == "safe" else " (unsafe)"
        out.append(f"{gutter} = help: {diagnostic.fix.title}{safety}")
    out.append("")
    return out


def summary(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False) -> str:
    if not diagnostics:
        return "All checks passed!"
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = len(diagnostics) - errors
    parts = [f"{errors} error{'s' if errors != 1 else ''}"]
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    text = f"Found {' and '.join(parts)}."
    safe = sum(1 for d in diagnostics if d.fix and d.fix.applicability.value == "safe")
    unsafe = sum(1 for d in diagnostics if d.fix and d.fix.applicability.value == "unsafe")
    if safe or (unsafe and unsafe_fixes):
        fixable = safe + (unsafe if unsafe_fixes else 0)
        flags = "--fix --unsafe-fixes" if unsafe_fixes and unsafe else "--fix"
        text += f"\n[*] {fixable} fixable with `cardlint {flags}`."
    if unsafe and not unsafe_fixes:
        text += f"\n{unsafe} more fixable with `cardlint --fix --unsafe-fixes`."
    return text


def render_text(
    diagnostics: Sequence[Diagnostic],
    unsafe_fixes: bool = False,
    sources: dict[str, Sequence[str]] | None = None,
    styled: bool = False,
) -> str:
    """One line per diagnostic (with ``sources``, an excerpt under each), then the summary."""
    lines = []
    for diagnostic in diagnostics:
        lines.append(text_line(diagnostic, styled))
        if sources is not None and diagnostic.path in sources:
            lines.extend(source_excerpt(diagnostic, sources[diagnostic.path], styled))
    lines.append(summary(diagnostics, unsafe_fixes))
    return "\n".join(lines) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request."""
    out = []
    for d in diagnostics:
        command = "error" if d.severity is Severity.ERROR else "warning"
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", d.path),
                ("line", d.line),
                ("col", d.column),
                ("endLine", d.end_line),
                ("endColumn", d.end_column),
                ("title", d.code),
            )
        )
        out.append(f"::{command} {properties}::{_escape_data(d.message)}\n")
    return "".join(out)


def _rest(code: str, name: str, severity: str, message: str, fix: tuple[str, str] | None) -> str:
    """A JSON object's end after the positions: all of it without a fix, up to the first edit with
    one (many diagnostics share it). ``fix`` is (title, applicability)."""
    rest = (
        f', "code": {_string(code)}, "name": {_string(name)}, "severity": {_string(severity)}, '
        f'"message": {_string(message)}, '
    )
    if fix is None:
        return rest + '"fixable": false, "fix": null}'
    return rest + f'"fixable": true, "fix": {{"title": {_string(fix[0])}, "applicability": {_string(fix[1])}, "edits": ['


def _with_edits(rest: str, edits: Sequence[Sequence], offset: int, texts: dict[str, str]) -> str:
    """``rest`` (see _rest) ended with the fix's edits, given as (start, end, content) counted
    from ``offset``; ``texts`` keeps each content escaped once."""
    written = []
    for start, end, content in edits:
        text = texts.get(content)
        if text is None:
            text = texts[content] = _string(content)
        written.append(f'{{"start": {start + offset}, "end": {end + offset}, "content": {text}}}')
    return f"{rest}{written[0] if len(written) == 1 else ', '.join(written)}]}}}}"


def render_json(diagnostics: Sequence[Diagnostic | Run]) -> str:
    """A JSON array, one diagnostic object per line (greppable), fields as in ``Diagnostic.to_json``.

    Written out directly: building 12,000 dicts for ``json.dumps`` took a third of a warm run on a
    5,000-card README, and the diagnostics the cache serves are written from its rows (see
    ``Run``) without being made into objects. Strings go through the json module's own C
    escaper, so the text is what ``json.dumps(..., ensure_ascii=False, separators=(", ", ": "))``
    would give.
    """
    if not diagnostics:
        return "[]\n"
    heads: dict[str, str] = {}  # path -> the object's start, up to the line number
    # (code, name, severity, message[, fix title, applicability]) -> the object's end (see _rest);
    # rows key on their own fields, where a null name and severity stand for the rule's.
    rests: dict[tuple, str] = {}
    row_rests: dict[tuple, str] = {}
    texts: dict[str, str] = {}  # edit contents, each escaped once

    out = []
    for d in diagnostics:
        head = heads.get(d.path)
        if head is None:
            head = heads[d.path] = f'{{"path": {_string(d.path)}, "line": '
        if type(d) is Run:
            base, offset, kinds = d.line, d.offset, d.kinds
            for code, name, severity, rel, column, rel_end, end_column, message, fix in d.rows:
                key = (code, name, severity, message) if fix is None else (code, name, severity, message, fix[0], fix[1])
                rest = row_rests.get(key)
                if rest is None:
                    if name is None:
                        name, kind = kinds[code]
                        severity = kind.value
                    rest = row_rests[key] = _rest(code, name, severity, message, None if fix is None else (fix[0], fix[1]))
                if fix is not None:
                    rest = _with_edits(rest, fix[3], offset, texts)
                out.append(
                    f'{head}{base + rel}, "column": {column}, "end_line": {base + rel_end}, "end_column": {end_column}{rest}'
                )
            continue
        fix = d.fix
        if fix is None:
            key = (d.code, d.name, d.severity, d.message)
        else:
            key = (d.code, d.name, d.severity, d.message, fix.title, fix.applicability)
        rest = rests.get(key)
        if rest is None:
            rest = rests[key] = _rest(
                d.code, d.name, d.severity.value, d.message, None if fix is None else (fix.title, fix.applicability.value)
            )
        if fix is not None:
            rest = _with_edits(rest, [(e.start, e.end, e.content) for e in fix.edits], 0, texts)
        out.append(f'{head}{d.line}, "column": {d.column}, "end_line": {d.end_line}, "end_column": {d.end_column}{rest}')
    # One join, no concatenation after it: each would copy megabytes again.
    out[0] = "[\n" + out[0]
    out[-1] += "\n]\n"
    return ",\n".join(out)


def render_statistics(diagnostics: Sequence[Diagnostic]) -> str:
    counts = Counter((d.code, d.name) for d in diagnostics)
    fixable = Counter(d.code for d in diagnostics if d.fixable)
    lines = [
        f"{count:>5}  {code}  {name}{'  [*]' if fixable[code] else ''}"
        for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "\n".join(lines) + ("\n" if lines else "")
