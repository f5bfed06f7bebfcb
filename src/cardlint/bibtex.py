"""Read a card's BibTeX entry with bibtexparser: its fields, or why it does not parse."""

from __future__ import annotations

import logging

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


def parse_entry(text: str | None) -> tuple[dict[str, str] | None, str | None]:
    """The first entry's fields (names lower-cased, plus ``ENTRYTYPE`` and ``ID``), or the problem."""
    if not text:
        return None, None
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
