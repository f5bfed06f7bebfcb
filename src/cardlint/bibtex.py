"""Read a card's BibTeX entry with bibtexparser: its fields, or why it does not parse."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import bibtexparser


class _Collector(logging.Handler):
    """Keeps what bibtexparser logs while one entry is parsed: the reason a block failed."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_LOGGER = logging.getLogger("bibtexparser")
_COLLECTOR = _Collector()


# A line that starts a field: `  title = {…`.
_FIELD_START = re.compile(r"^\s*([A-Za-z][\w:.+-]*)\s*=")


@dataclass(frozen=True, slots=True)
class Entry:
    """A card's first BibTeX entry: its fields (names lower-cased, plus ``ENTRYTYPE`` and ``ID``),
    or why it does not parse, the line (0-based, in the BibTeX text) and field where parsing
    stopped, and the fields before that one."""

    fields: dict[str, str] | None
    problem: str | None = None
    line: int = 0
    field: str | None = None


def read_entry(text: str | None) -> Entry:
    if not text:
        return Entry(None)
    fields, problem = _parse(text)
    if problem is None:
        return Entry(fields)
    # Where it stopped: the first field whose entry, cut after it and closed, no longer parses.
    # What the fields before it say is still read (a title, an arXiv id), so other checks can run.
    lines = text.split("\n")
    starts = [index for index, line in enumerate(lines) if index and _FIELD_START.match(line)]
    parsed: dict[str, str] | None = None
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        head = "\n".join(lines[:end]).rstrip().rstrip(",")
        head = head if head.endswith("}") and position + 1 == len(starts) else head + "\n}"
        prefix, failed = _parse(head)
        if failed is not None:
            name = _FIELD_START.match(lines[start])
            assert name is not None
            where = f"BibTeX does not parse at the field '{name.group(1)}':"
            return Entry(parsed, problem.replace("BibTeX does not parse:", where, 1), start, name.group(1))
        parsed = prefix
    return Entry(None, problem)


def _parse(text: str) -> tuple[dict[str, str] | None, str | None]:
    """bibtexparser's reading of ``text``: the first entry's fields, or the problem."""
    # bibtexparser logs why a block failed; collect it for the message instead of printing it.
    messages = _COLLECTOR.messages
    messages.clear()
    propagate = _LOGGER.propagate
    _LOGGER.addHandler(_COLLECTOR)
    _LOGGER.propagate = False
    try:
        library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]  # untyped re-export
    except Exception as exc:  # the library raises assorted errors on hostile input
        return None, f"BibTeX does not parse: {exc}"
    finally:
        _LOGGER.removeHandler(_COLLECTOR)
        _LOGGER.propagate = propagate
    if library.failed_blocks:
        for failed in library.failed_blocks:
            # The library keeps the exception, and through its traceback the frames of this lint
            # (the rule's, the card's): a reference cycle only the cyclic collector would free.
            error = getattr(failed, "error", None)
            if isinstance(error, BaseException):
                error.__traceback__ = None
        block = library.failed_blocks[0]
        detail = str(getattr(block, "error", "")).split(". Note")[0].strip()
        if not detail and messages:
            detail = messages[0].strip().splitlines()[-1].strip()
        return None, f"BibTeX does not parse: {detail or 'syntax error'}"
    if not library.entries:
        return None, "BibTeX does not parse: no entry found"
    entry = library.entries[0]
    fields = {f.key.lower(): str(f.value) for f in entry.fields}
    fields["ENTRYTYPE"] = entry.entry_type
    fields["ID"] = entry.key
    return fields, None
