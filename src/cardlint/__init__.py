"""cardlint: keep a paper-review README's cards true to its template."""

__version__ = "0.1.0"
