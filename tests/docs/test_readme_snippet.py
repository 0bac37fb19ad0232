"""The README's Python snippet runs as written against a stub with the demo seed.

A reader starts `familycard stub serve --port 0 --seed demo`, exports
`FAMILYCARD_PORTAL` as the README says, and runs the snippet: it must print the
balances, not fail (it once logged in to an account the demo seed never had).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import familycard

ROOT = Path(__file__).resolve().parents[2]


def readme_python() -> str:
    """The README's one ```python block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, f"expected one python block in README.md, got {len(blocks)}"
    return str(blocks[0])


def run(code: str, portal: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The snippet as a reader runs it: saved to a file, `python it.py`, the portal exported."""
    script = tmp_path / "readme_snippet.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "FAMILYCARD_PORTAL": portal}
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_the_readme_snippet_prints_the_balances_on_the_demo_stub(
    familycard_stub: Any, tmp_path: Path
) -> None:
    familycard_stub.control.reset(seed="demo")
    portal = familycard_stub.portal_url("tortona")
    code = readme_python()
    result = run(code, portal, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    # What it printed is what the portal holds for the child it logged in for.
    mail = familycard_stub.control.last_email("anna.rossi@example.it", kind="pin")
    [password] = re.findall(r'password="([^"]+)"', code)
    with familycard.Client(portal) as client:
        client.auth.login(str(mail.data["username"]), password, pin=str(mail.data["pin"]))
        balances = client.tokens.balances()
    assert [b.member_name for b in balances] == ["Maria Rossi"]
    assert result.stdout.splitlines() == [
        f"{b.member_name} {b.service} {b.balance}" for b in balances
    ]


def test_the_readme_says_what_a_second_run_meets(familycard_stub: Any, tmp_path: Path) -> None:
    familycard_stub.control.reset(seed="demo")
    portal = familycard_stub.portal_url("tortona")
    assert run(readme_python(), portal, tmp_path).returncode == 0
    again = run(readme_python(), portal, tmp_path)
    assert again.returncode != 0
    assert "already_registered" in again.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(`already_registered`)" in readme
    assert "familycard stub reset --seed demo" in readme
