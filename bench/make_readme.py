"""Build an N-card review README from the bundled example: unique titles, ids and BibTeX per card."""

from __future__ import annotations

import re
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "review" / "README.md"


def split_example(text: str) -> tuple[str, list[str], str]:
    """(intro up to the first tier, the cards of the first tier, the template card)."""
    first_tier = text.index("# Notable Top 5%")
    template = text.index("## Template")
    tiers = text[first_tier:template]
    cards = re.split(r"(?m)^(?=## )", tiers)
    return text[:first_tier], [c for c in cards if c.startswith("## ")], text[template:]


def build(n: int) -> str:
    intro, cards, template = split_example(EXAMPLE.read_text(encoding="utf-8"))
    out = [intro, "# Notable Top 5%\n"]
    for i in range(n):
        card = cards[i % len(cards)]
        suffix = f" {i:05d}"
        card = re.sub(r"(?m)^(## .*?)\s*$", rf"\g<1>{suffix}", card, count=1)
        card = re.sub(r"(?m)^(\|Title\|)\s*(.*?)\s*\|?\s*$", rf"\g<1>\g<2>{suffix}|", card, count=1)
        card = re.sub(r"(?m)^(\s*title = \{)(.*?)(\},?)$", rf"\g<1>\g<2>{suffix}\g<3>", card)
        card = re.sub(r"forum\?id=[\w-]+", f"forum?id=bench{i:07d}", card)
        card = re.sub(r"pdf\?id=[\w-]+", f"pdf?id=bench{i:07d}", card)
        card = re.sub(r"\d{4}\.\d{5}", f"{2300 + i // 100000:04d}.{i % 100000:05d}", card)
        out.append(card)
    out.append(template)
    return "".join(out)


if __name__ == "__main__":
    sys.stdout.write(build(int(sys.argv[1])))
