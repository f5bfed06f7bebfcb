"""Render diagnostics for people (text) and for tools (json)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from cardlint.diagnostic import Diagnostic, FixSafety, Severity

# Control characters (C0 but the tab, DEL, C1) from the document: shown escaped, so that a title
# holding an escape sequence cannot drive the reader's terminal.
_CONTROL = {code: f"\\x{code:02x}" for code in [*range(0x00, 0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0)]}


def printable(text: str) -> str:
    """``text`` with its control characters written as ``\\xNN``."""
    return text.translate(_CONTROL)


def fixable_now(diagnostic: Diagnostic, unsafe_fixes: bool) -> bool:
    """Whether ``--fix`` (with ``--unsafe-fixes`` when given) would mend it: what ``[*]`` marks."""
    fix = diagnostic.fix
    return fix is not None and (fix.safety is FixSafety.SAFE or unsafe_fixes)


def text_line(diagnostic: Diagnostic, styled: bool = False, unsafe_fixes: bool = False) -> str:
    marker = " [*]" if fixable_now(diagnostic, unsafe_fixes) else ""
    level = " (warning)" if diagnostic.severity is Severity.WARNING else ""
    where = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}:"
    code = diagnostic.code
    if styled:
        import click

        where = click.style(where, bold=True)
        code = click.style(code, fg="red" if diagnostic.severity is Severity.ERROR else "yellow", bold=True)
    return f"{printable(where)} {code}{marker} {printable(diagnostic.message)}{level}"


def source_excerpt(diagnostic: Diagnostic, lines: Sequence[str], styled: bool = False) -> list[str]:
    """The offending line with a caret under the span, and the fix title (ruff's full format)."""
    if not 1 <= diagnostic.line <= len(lines):
        return []
    text = lines[diagnostic.line - 1]
    number = str(diagnostic.line)
    gutter = " " * len(number)
    start = diagnostic.column - 1
    end = diagnostic.end_column - 1 if diagnostic.end_line == diagnostic.line else len(text)
    width = max(len(printable(text[start:end])), 1)
    # Keep tabs in the padding so the caret lines up under tab-indented text (and escapes under theirs).
    padding = "".join("\t" if ch == "\t" else " " * len(printable(ch)) for ch in text[:start])
    text = printable(text)
    caret = "^" * width + " " + diagnostic.code
    if styled:
        import click

        caret = click.style(caret, fg="red" if diagnostic.severity is Severity.ERROR else "yellow", bold=True)
    out = [f"{gutter} |", f"{number} | {text}", f"{gutter} | {padding}{caret}"]
    if diagnostic.fix is not None:
        safety = "" if diagnostic.fix.safety is FixSafety.SAFE else " (unsafe)"
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
    safe = sum(1 for d in diagnostics if d.fix and d.fix.safety is FixSafety.SAFE)
    unsafe = sum(1 for d in diagnostics if d.fix and d.fix.safety is FixSafety.UNSAFE)
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
    sources: Mapping[str, Sequence[str]] | None = None,
    styled: bool = False,
    quiet: bool = False,
) -> str:
    """One line per diagnostic (with ``sources``, an excerpt under each), then the summary (unless ``quiet``)."""
    lines = []
    for diagnostic in diagnostics:
        lines.append(text_line(diagnostic, styled, unsafe_fixes))
        if sources is not None and diagnostic.path in sources:
            lines.extend(source_excerpt(diagnostic, sources[diagnostic.path], styled))
    if not quiet:
        lines.append(summary(diagnostics, unsafe_fixes))
    return "".join(line + "\n" for line in lines)


def _escape_data(text: str) -> str:
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_path(path: str) -> str:
    """A path as GitHub wants it in an annotation: relative to the workspace (``GITHUB_WORKSPACE``),
    else to the repository root; unchanged when the file lies outside both."""
    import os

    base = os.environ.get("GITHUB_WORKSPACE")
    if not base:
        from cardlint.paths import repository_root

        base = repository_root(os.getcwd())
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request."""
    out = []
    paths: dict[str, str] = {}
    for d in diagnostics:
        command = "error" if d.severity is Severity.ERROR else "warning"
        if d.path not in paths:
            paths[d.path] = github_path(d.path)
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", paths[d.path]),
                ("line", d.line),
                ("col", d.column),
                ("endLine", d.end_line),
                ("endColumn", d.end_column),
                ("title", f"cardlint {d.code} ({d.name})"),
            )
        )
        message = d.message if d.fix is None else f"{d.message} (fix: {d.fix.title})"
        out.append(f"::{command} {properties}::{_escape_data(message)}\n")
    return "".join(out)


def job_summary(diagnostics: Sequence[Diagnostic]) -> str:
    """A short Markdown summary for the Actions job page: a count per rule, and the cards with errors."""
    if not diagnostics:
        return "### cardlint\n\nAll checks passed.\n"
    lines = ["### cardlint", "", "| rule | count | fixable |", "|--|--|--|"]
    for row in statistics(diagnostics):
        lines.append(f"| {row['code']} {row['name']} | {row['count']} | {row['fixable']} |")
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors:
        lines += ["", "Errors:", ""]
        lines += [f"- `{github_path(d.path)}:{d.line}` {d.code}: {printable(d.message)}" for d in errors[:50]]
        if len(errors) > 50:
            lines.append(f"- … and {len(errors) - 50} more")
    return "\n".join(lines) + "\n"


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """A JSON array, one diagnostic object per line (greppable), fields as in ``Diagnostic.to_json``."""
    if not diagnostics:
        return "[]\n"
    import json  # here: a plain text run never needs it

    encode = json.JSONEncoder(ensure_ascii=False).encode
    objects = ",\n".join(encode(d.to_json()) for d in diagnostics)
    return f"[\n{objects}\n]\n"


def statistics(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False) -> list[dict[str, object]]:
    """A count per rule, most frequent first: ``{code, name, count, fixable}`` (fixable: how many
    ``--fix`` would mend)."""
    counts = Counter((d.code, d.name) for d in diagnostics)
    fixable = Counter(d.code for d in diagnostics if fixable_now(d, unsafe_fixes))
    return [
        {"code": code, "name": name, "count": count, "fixable": fixable[code]}
        for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def render_statistics(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False, output_format: str = "text") -> str:
    """The count per rule as a table (text), a list (json) or one notice per rule (github)."""
    rows = statistics(diagnostics, unsafe_fixes)
    if output_format == "json":
        import json

        return json.dumps(rows, indent=2) + "\n"
    if output_format == "github":
        notices = []
        for row in rows:
            title = _escape_property(f"cardlint {row['code']} ({row['name']})")
            counts = _escape_data(f"{row['count']} found, {row['fixable']} fixable with --fix")
            notices.append(f"::notice title={title}::{counts}\n")
        return "".join(notices)
    lines = [f"{row['count']:>5}  {row['code']}  {row['name']}{'  [*]' if row['fixable'] else ''}" for row in rows]
    return "".join(line + "\n" for line in lines)
