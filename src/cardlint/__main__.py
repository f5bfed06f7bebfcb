"""``python -m cardlint``."""

from cardlint.cli import entry

entry()
