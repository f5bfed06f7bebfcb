"""Average review scores: a CSV named by the config's ``scores`` key, matched to cards by id or title."""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, field

from cardlint.errors import UsageError
from cardlint.source import decode, read_bytes


def title_key(title: str) -> str:
    """Case- and whitespace-insensitive form of a title, the key for matching."""
    return " ".join(title.split()).casefold()


@dataclass(frozen=True, slots=True)
class ScoreTable:
    """Average review scores by OpenReview id and by title, from the scores file."""

    path: str
    by_openreview: dict[str, float] = field(default_factory=dict)
    by_title: dict[str, float] = field(default_factory=dict)

    def lookup(self, openreview_id: str | None, title: str | None) -> float | None:
        if openreview_id and openreview_id in self.by_openreview:
            return self.by_openreview[openreview_id]
        if title and title_key(title) in self.by_title:
            return self.by_title[title_key(title)]
        return None


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"score '{text}' is not a number ({where})") from None
    if not math.isfinite(value):
        raise UsageError(f"score '{text}' is not a finite number ({where})")
    return value


def load_scores(path: str) -> ScoreTable:
    """Read and validate a scores CSV; every problem names the file and line."""
    # Spreadsheets save "CSV UTF-8" with a byte order mark: it is no part of the first column's name.
    text = decode(read_bytes(path), path).removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    if "score" not in columns:
        raise UsageError(f"scores file has no 'score' column ({path}:1)")
    if "openreview_id" not in columns and "title" not in columns:
        raise UsageError(f"scores file needs an 'openreview_id' or a 'title' column ({path}:1)")
    by_openreview: dict[str, float] = {}
    by_title: dict[str, float] = {}
    seen: dict[tuple[str, str], int] = {}
    try:
        for row in reader:
            line = reader.line_num
            where = f"{path}:{line}"
            if None in row:
                raise UsageError(f"row has more cells than the header ({where})")
            score = _number((row.get("score") or "").strip(), where)
            keyed = False
            for column, table, normalize in (
                ("openreview_id", by_openreview, str.strip),
                ("title", by_title, title_key),
            ):
                raw = (row.get(column) or "").strip()
                if not raw:
                    continue
                key = normalize(raw)
                if (column, key) in seen:
                    raise UsageError(
                        f"duplicate {column} '{raw}', first on line {seen[(column, key)]} ({where})"
                    )
                seen[(column, key)] = line
                table[key] = score
                keyed = True
            if not keyed:
                raise UsageError(f"row has neither an openreview_id nor a title ({where})")
    except csv.Error as exc:
        raise UsageError(f"invalid CSV: {exc} ({path}:{reader.line_num})") from None
    return ScoreTable(path, by_openreview, by_title)


def scores_for(config_scores: str | None, root: str | None) -> ScoreTable | None:
    if not config_scores:
        return None
    path = config_scores if os.path.isabs(config_scores) else os.path.join(root or ".", config_scores)
    try:
        return load_scores(path)
    except UsageError as exc:
        message = str(exc)
        if message.startswith("file not found"):
            raise UsageError(f"scores file not found ({path})") from None
        raise
