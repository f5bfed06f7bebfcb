"""Render diagnostics for people (text) and for tools (json)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from cardlint.diagnostic import Diagnostic, Severity


def text_line(diagnostic: Diagnostic) -> str:
    marker = " [*]" if diagnostic.fixable else ""
    level = " (warning)" if diagnostic.severity is Severity.WARNING else ""
    return f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.code}{marker} {diagnostic.message}{level}"


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


def render_text(diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False) -> str:
    lines = [text_line(d) for d in diagnostics]
    lines.append(summary(diagnostics, unsafe_fixes))
    return "\n".join(lines) + "\n"


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    # One diagnostic per line: greppable, and far cheaper than indenting 10,000 objects.
    items = [json.dumps(d.to_json(), ensure_ascii=False) for d in diagnostics]
    return "[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n"


def render_statistics(diagnostics: Sequence[Diagnostic]) -> str:
    counts = Counter((d.code, d.name) for d in diagnostics)
    fixable = Counter(d.code for d in diagnostics if d.fixable)
    lines = [
        f"{count:>5}  {code}  {name}{'  [*]' if fixable[code] else ''}"
        for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "\n".join(lines) + ("\n" if lines else "")
