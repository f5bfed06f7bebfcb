"""One fixture per rule: the expected diagnostics sit on their lines; fixes are snapshotted and re-checked."""

from __future__ import annotations

import os

import pytest

from cardlint.config import Config
from cardlint.diagnostic import FixSafety
from cardlint.fix import fix_source
from cardlint.linter import lint_source
from cardlint.rules import BUILTIN_RULES
from cardlint.source import Source
from conftest import RULE_FIXTURES, strip_markers

RULES = {rule.code: rule for rule in BUILTIN_RULES}
# Fixes that insert template parts with empty values cannot restore the clean card by themselves.
INSERTING = {"CL107", "CL203", "CL301"}
# Reordering fixes restore an original order, tested in test_ordering.py.
REORDERING = {"CL108", "CL701", "CL702"}
# Fixes that mend part of what their fixture shows: CL204 inserts a missing pipe, the unknown row stays;
# CL214 and CL309 end the HTML block, its `<img>` stays; CL310 starts the list, the paragraph above stays.
PARTIAL = {"CL204", "CL214", "CL309", "CL310", "CL951", "CL953", "CL956"}  # the entry rules: their fixtures are lists of their own
# Most fixtures hold cards and no template card: they are checked against the built-in one.
BUILTIN = Config(template="builtin:iclr2023")


def config_for(source: Source) -> Config:
    """The fixture's own template when it has one, else the built-in one."""
    from cardlint.locate import load

    return Config() if load(source, Config()).template is not None else BUILTIN
UPDATE = os.environ.get("CARDLINT_UPDATE_SNAPSHOTS") == "1"


def load(code: str) -> tuple[Source, set]:
    path = RULE_FIXTURES / f"{code}.md"
    text, expected = strip_markers(path.read_text(encoding="utf-8"))
    lock = RULE_FIXTURES / f"{code}.lock.json"
    if lock.is_file():  # the CL9xx fixtures: the README and its cardlint.lock.json in a folder of their own
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix=f"cardlint-{code}-")
        shutil.copytree(RULE_FIXTURES / "img", os.path.join(folder, "img"))
        shutil.copy(lock, os.path.join(folder, "cardlint.lock.json"))
        path = type(path)(folder) / f"{code}.md"
        path.write_text(text, encoding="utf-8")
    return Source.from_text(text, str(path)), expected


@pytest.fixture(scope="module")
def link_server():
    """A local server for the CL8xx fixtures: every https URL is remapped to it, host in the path."""
    import re

    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1")
    server.expect_request("/github.com/gone/repo").respond_with_data("gone", status=404)
    server.expect_request("/github.com/moved/repo").respond_with_data(
        "", status=301, headers={"Location": "/github.com/org/repo"}
    )
    server.expect_request("/images.test/page.png").respond_with_data("<html></html>", content_type="text/html")
    server.expect_request(re.compile(".*")).respond_with_data("alive")
    server.start()
    yield server
    server.stop()


ONLINE: dict[str, object] = {}


def online_for(code: str):
    """The link-checking step for CL8xx fixtures; None (offline) for every other rule."""
    if not code.startswith("CL8"):
        return None
    from cardlint.config import LinkConfig
    from cardlint.online import LinkChecker, collect_links

    port = ONLINE["port"]
    remap = rf"^https://([a-z.]+)/ http://127.0.0.1:{port}/\1/"
    checker = LinkChecker(LinkConfig(remap=[remap], retries=0))

    def online(document):
        links = collect_links(document)
        return links, checker.check(links)

    return online


@pytest.fixture(autouse=True)
def _online_port(request, link_server):
    ONLINE["port"] = link_server.port


def lint(source: Source, rules=BUILTIN_RULES, code: str = ""):
    return lint_source(source, config_for(source), list(rules), online=online_for(code)).diagnostics


def test_every_rule_has_a_fixture():
    fixtures = {p.stem for p in RULE_FIXTURES.glob("CL*.md") if ".fixed" not in p.name}
    assert fixtures == set(RULES)


def test_clean_card_is_clean():
    source = Source.read(str(RULE_FIXTURES / "clean.md"))
    assert lint(source) == []


@pytest.mark.parametrize("code", sorted(RULES))
def test_fixture_diagnostics_exact(code):
    source, expected = load(code)
    assert expected, "fixture marks no diagnostic"
    assert all(c == code for _, _, c in expected)
    found = {(d.line, d.column, d.code) for d in lint(source, code=code)}
    assert found == {(line, column, c) for line, column, c in expected}


@pytest.mark.parametrize("code", sorted(RULES))
def test_fixes_are_declared(code):
    """A rule that emits a fix must say it fixes, with the safety it declares; its fixture shows one."""
    source, _ = load(code)
    rule = RULES[code]
    fixes = [d.fix for d in lint(source, code=code) if d.code == code and d.fix is not None]
    assert all(fix.safety is rule.fix for fix in fixes)
    assert bool(fixes) == (rule.fix is not None)


FIXABLE = sorted(code for code, rule in RULES.items() if rule.fix is not None)


@pytest.mark.parametrize("code", FIXABLE)
def test_fix_snapshot_relint_and_idempotence(code):
    source, _ = load(code)
    unsafe = RULES[code].fix is FixSafety.UNSAFE
    outcome = fix_source(source, config_for(source), list(BUILTIN_RULES), unsafe=unsafe)
    snapshot = RULE_FIXTURES / f"{code}.fixed.md"
    if UPDATE:
        snapshot.write_text(outcome.text, encoding="utf-8")
    assert outcome.text == snapshot.read_text(encoding="utf-8")
    assert outcome.fixed[code] >= 1
    remaining = lint(Source.from_text(outcome.text, source.path))
    assert not [d for d in remaining if d.fix is not None and (unsafe or d.fix.safety is FixSafety.SAFE)]
    again = fix_source(Source.from_text(outcome.text, source.path), config_for(source), list(BUILTIN_RULES), unsafe=unsafe)
    assert again.text == outcome.text
    assert not again.fixed


@pytest.mark.parametrize("code", sorted(set(FIXABLE) - INSERTING - REORDERING - PARTIAL))
def test_fix_restores_the_clean_card(code):
    source, _ = load(code)
    outcome = fix_source(source, config_for(source), list(BUILTIN_RULES), unsafe=True)
    assert outcome.text == (RULE_FIXTURES / "clean.md").read_text(encoding="utf-8")
