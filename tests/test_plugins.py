"""Third-party rules through the `cardlint.rules` entry-point group, validated on load."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint

import pytest

from cardlint import rules as registry
from cardlint.api import Card, Context, Diagnostic, Rule
from conftest import SEED


class VenueRow(Rule):
    """Report cards whose title mentions diffusion (a stand-in for a venue's own rule)."""

    code = "XV100"
    name = "title-mentions-diffusion"
    summary = "Title mentions Diffusion"

    def check_card(self, card: Card, ctx: Context) -> Iterator[Diagnostic]:
        row = ctx.role_row(card, "title")
        if row is not None and "Diffusion" in row.value:
            yield self.report(ctx, row.value_span, "Title mentions Diffusion")


class NoCode(Rule):
    name = "no-code"
    summary = "broken"


def install(monkeypatch, *entries):
    def fake_entry_points(group):
        assert group == "cardlint.rules"
        return list(entries)

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)


def test_plugin_rule_runs_and_selects(cli, monkeypatch):
    install(monkeypatch, EntryPoint(name="venue", value="test_plugins:VenueRow", group="cardlint.rules"))
    run = cli("--select", "XV", SEED)
    lines = run.out.splitlines()
    assert lines[0] == f"{SEED}:157:9: XV100 Title mentions Diffusion"
    assert run.code == 1


@pytest.mark.parametrize(
    "target, problem",
    [
        ("NoCode", "missing class attribute 'code'"),
        ("SEED", "not a subclass of cardlint.api.Rule"),
        ("Missing", "cannot load rule plugin"),
    ],
)
def test_broken_plugin_is_named(cli, monkeypatch, target, problem):
    install(monkeypatch, EntryPoint(name="broken", value=f"test_plugins:{target}", group="cardlint.rules"))
    run = cli(SEED)
    assert run.code == 2
    assert run.err.startswith("Error: ")
    assert problem in run.err
    assert "entry point 'broken'" in run.err
    assert run.err.count("\n") == 1


def test_plugin_code_clash_is_refused(cli, monkeypatch):
    class Clash(VenueRow):
        code = "CL208"

    import test_plugins

    monkeypatch.setattr(test_plugins, "Clash", Clash, raising=False)
    install(monkeypatch, EntryPoint(name="clash", value="test_plugins:Clash", group="cardlint.rules"))
    run = cli(SEED)
    assert run.code == 2
    assert "'CL208' is used by both" in run.err


def test_installed_plugin_is_found_through_its_distribution(cli, tmp_path, monkeypatch):
    """A real dist-info on sys.path declaring the group: the cheap scan finds it, importlib loads it."""
    import sys

    dist = tmp_path / "cardlint_venue-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: cardlint-venue\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[cardlint.rules]\nvenue = test_plugins:VenueRow\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    assert registry._declared("cardlint.rules")
    run = cli("--select", "XV", SEED)
    assert run.out.splitlines()[0] == f"{SEED}:157:9: XV100 Title mentions Diffusion"


def test_no_declared_plugins_skips_importlib_metadata():
    assert not registry._declared("cardlint.no-such-group")
    assert registry.entry_points("cardlint.no-such-group") == []


class Exits:
    """Stands for a plugin module that calls sys.exit(0) when imported."""


class Boom(Rule):
    code = "XB100"
    name = "boom"
    summary = "fails at lint time"

    def check_card(self, card: Card, ctx: Context) -> Iterator[Diagnostic]:
        raise ValueError("no venue table")


def test_plugin_that_exits_on_import_is_an_error_not_a_pass(cli, monkeypatch):
    class Exiting(EntryPoint):
        def load(self):
            raise SystemExit(0)

    install(monkeypatch, Exiting(name="quitter", value="test_plugins:Exits", group="cardlint.rules"))
    run = cli(SEED)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("Error: cannot load rule plugin: it exited (0) (entry point 'quitter'")


def test_plugin_that_fails_while_linting_is_one_line_naming_it(cli, monkeypatch):
    install(monkeypatch, EntryPoint(name="boom", value="test_plugins:Boom", group="cardlint.rules"))
    run = cli(SEED)
    assert (run.code, run.out) == (2, "")
    assert run.err == f"Error: rule XB100 (test_plugins.Boom) failed: ValueError: no venue table ({SEED}:8)\n"
