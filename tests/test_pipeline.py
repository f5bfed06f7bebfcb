"""The code's shape holds: modules import each other one way, and nothing is served from a stale store."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURE_FILES, ROOT, SEED_DIR, fixture_config, strip_markers

PACKAGE = ROOT / "src" / "cardlint"


def module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path, package: Path) -> set[str]:
    """The cardlint modules a module imports when it runs (lazy imports included; imports under
    ``if TYPE_CHECKING:`` left out, since they never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
        for statement in block.body
        for node in ast.walk(statement)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("cardlint"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cardlint"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                # `from cardlint.rules import table` imports a module; `from cardlint.x import Name` the module x.
                found.add(candidate if (package.parent / candidate.replace(".", "/")).with_suffix(".py").exists() else node.module)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle a depth-first walk of ``graph`` meets, as the trail that closes it."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        for imported in sorted(graph.get(module, ())):
            if imported in trail:
                found.append([*trail[trail.index(imported) :], imported])
            elif imported not in done:
                visit(imported, [*trail, imported])
        done.add(module)

    for module in sorted(graph):
        visit(module, [module])
    return found


def package_graph(package: Path) -> dict[str, set[str]]:
    return {module_name(path, package): runtime_imports(path, package) for path in package.rglob("*.py")}


def test_no_import_cycle():
    graph = package_graph(PACKAGE)
    assert graph["cardlint.linter"] >= {"cardlint.locate", "cardlint.decide", "cardlint.rules"}
    assert cycles(graph) == []


def test_a_cycle_would_be_found(tmp_path):
    """The check above can fail: two modules that import each other (one lazily) are a cycle to it."""
    package = tmp_path / "cardlint"
    package.mkdir()
    (package / "a.py").write_text("from cardlint.b import x\n")
    (package / "b.py").write_text("def f():\n    from cardlint import a\n")
    graph = package_graph(package)
    assert graph == {"cardlint.a": {"cardlint.b"}, "cardlint.b": {"cardlint.a"}}
    assert cycles(graph) == [["cardlint.a", "cardlint.b", "cardlint.a"]]


PLUGIN = '''
from cardlint.api import Card, Context, Rule


class Hello(Rule):
    code = "XH100"
    name = "hello"
    summary = "Says hello to each card"

    def check_card(self, card: Card, ctx: Context):
        yield self.report(ctx, card.heading.span, {message!r})
'''


def test_editing_a_rules_message_changes_the_next_run(tmp_path):
    """Two runs of the command with a plugin rule between which its message changed: the second
    prints the new message (nothing keeps the old results between runs)."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    dist = plugins / "cardlint_hello-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: cardlint-hello\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[cardlint.rules]\nhello = cardlint_hello:Hello\n")
    module = plugins / "cardlint_hello.py"
    env = {**os.environ, "PYTHONPATH": str(plugins)}
    command = [sys.executable, "-m", "cardlint", "--select", "XH", str(SEED_DIR / "README.md")]

    def messages(text: str) -> set[str]:
        module.write_text(PLUGIN.format(message=text), encoding="utf-8")
        run = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
        assert run.returncode == 1, run.stderr
        return {line.split("XH100 ", 1)[1] for line in run.stdout.splitlines() if "XH100" in line}

    assert messages("Hello, card") == {"Hello, card"}
    assert messages("Good morning, card") == {"Good morning, card"}
    assert not (tmp_path / ".cardlint_cache").exists()


def test_a_lint_leaves_no_reference_cycles():
    """What a lint or a fix builds is freed as soon as it is dropped, by reference counting alone:
    nothing waits for the cyclic collector, whose pace differs by Python version and which the
    console script turns off. Two cycles were found this way: a card and its tier referred to each
    other (a language server on Python 3.13 held ~20 MB of old lints of a 100-card list), and a
    BibTeX entry that does not parse kept the lint's frames in bibtexparser's exception."""
    import gc

    from cardlint.fix import FixRefused, fix_source
    from cardlint.linter import lint_source
    from cardlint.rules import all_rules
    from cardlint.source import Source

    rules = all_rules()
    texts = {str(SEED_DIR / "README.md"): (SEED_DIR / "README.md").read_text(encoding="utf-8")}
    texts.update((str(path), strip_markers(path.read_text(encoding="utf-8"))[0]) for path in FIXTURE_FILES)

    def run(path: str, text: str) -> None:
        source = Source.from_text(text, path)
        config = fixture_config(text, path)
        lint_source(source, config, rules)
        try:
            fix_source(source, config, rules, unsafe=True)
        except FixRefused:
            pass

    for path, text in texts.items():
        run(path, text)  # first use: lazy imports and module-level caches
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    left: dict[str, list[str]] = {}
    try:
        for path, text in texts.items():
            run(path, text)
            gc.collect()
            kept = {type(thing).__qualname__ for thing in gc.garbage if type(thing).__module__.startswith("cardlint")}
            if kept:
                left[Path(path).name] = sorted(kept)[:5]
            gc.garbage.clear()
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert len(texts) > 60
    assert left == {}


def test_the_server_turns_the_collector_back_on_after_each_lint():
    """The language server pauses the cyclic collector for a lint (the test above says it frees
    nothing there) and runs it between lints, for what a plugin or a library leaves: a lint that
    fails must not leave it off for the rest of the session."""
    import gc

    import pytest

    from cardlint.server import collector_paused

    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError("a plugin rule failed")
    assert gc.isenabled()
    gc.disable()  # the console script's state: a pause inside it does not turn the collector on
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
