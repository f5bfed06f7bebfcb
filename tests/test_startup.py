"""A plain check starts fast: it loads no network, rich-output or SARIF code (what a pre-commit user waits for)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import SEED

PROBE = (
    "import json, sys\n"
    "from cardlint.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "heavy = ('httpx', 'rich', 'cardlint.sarif', 'cardlint.online')\n"
    "print(json.dumps(sorted(m for m in sys.modules if m in heavy)), file=sys.stderr)\n"
)


def imported(*args: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False)
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_plain_check_stays_light():
    assert imported(str(SEED)) == []


def test_heavy_parts_load_when_asked_for():
    """The probe sees them when they are used (so the test above can fail)."""
    assert imported("--output-format", "sarif", str(SEED)) == ["cardlint.sarif"]
