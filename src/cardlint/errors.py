"""Errors that end a run with exit code 2 and one line for a person."""


class UsageError(Exception):
    """Bad input, bad config or bad usage: printed as ``Error: <message>``, exit 2."""
