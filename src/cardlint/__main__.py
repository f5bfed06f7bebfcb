"""``python -m cardlint`` and the ``cardlint`` console script."""

import gc


def entry() -> None:
    # The collector is off for the whole run (see cardlint.cli.main): off from here, the imports
    # that build thousands of objects do not trigger it either.
    gc.disable()
    from cardlint.cli import entry as run

    run()


if __name__ == "__main__":
    entry()
