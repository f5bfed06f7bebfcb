"""A plain check imports only what it uses: no httpx, rich, SARIF, pydantic (without a config file)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from conftest import DATA

PROBE = (
    "import json, sys\n"
    "from cardlint.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "heavy = ('httpx', 'rich', 'pydantic', 'cardlint.sarif', 'cardlint.online', 'difflib', 'importlib.metadata')\n"
    "print(json.dumps(sorted(m for m in sys.modules if m in heavy)), file=sys.stderr)\n"
)


def imported(*args: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False)
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_plain_check_stays_light():
    assert imported("--no-cache", str(DATA / "seed" / "README.md")) == []


def test_heavy_parts_load_when_asked_for():
    assert "cardlint.sarif" in imported("--output-format", "sarif", str(DATA / "seed" / "README.md"))
    assert "difflib" in imported("--diff", str(DATA / "seed" / "README.md"))


def test_config_file_brings_pydantic(tmp_path):
    (tmp_path / "README.md").write_text("# x\n")
    (tmp_path / ".cardlint.toml").write_text("ignore = []\n")
    assert "pydantic" in imported(str(tmp_path / "README.md"))


def test_warm_run_parses_nothing_it_has_cached(tmp_path):
    """With every card in the cache, no Markdown, BibTeX, fuzzy-matching, logging or TOML code loads."""
    shutil.copytree(DATA / "seed", tmp_path / "review")
    readme = str(tmp_path / "review" / "README.md")
    imported(readme)  # fills the cache
    probe = PROBE.replace(
        "heavy = (", "heavy = ('mistune', 'bibtexparser', 'rapidfuzz', 'logging', 'tomllib', 'tomli', "
    )
    result = subprocess.run([sys.executable, "-c", probe, readme], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []


def test_card_changed_outside_its_bibtex_needs_no_bibtex_parser(tmp_path):
    """The BibTeX block of a card changed elsewhere parsed to what it parsed to before: that is
    kept by a hash of its text, and the parser does not load."""
    shutil.copytree(DATA / "seed", tmp_path / "review")
    path = tmp_path / "review" / "README.md"
    imported(str(path))  # fills the cache
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("|Institute |", "|Institute | Elsewhere,", 1), encoding="utf-8")
    probe = PROBE.replace("heavy = (", "heavy = ('bibtexparser', ")
    result = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=False)
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []
