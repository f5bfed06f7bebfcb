"""``python -m cardlint`` and the ``cardlint`` console script."""

import gc


def entry() -> None:
    # A run makes a few objects per line and keeps them all until it exits: the cyclic collector
    # would walk them again and again and free nothing (a fifth of a run on a 16 MB README). Off
    # from here, before the imports, which make thousands of objects too.
    gc.disable()
    from cardlint.cli import main

    raise SystemExit(main())


if __name__ == "__main__":
    entry()
