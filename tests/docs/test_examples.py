"""The examples the docs include (docs/examples/*.py) run, and do what the pages say.

Each example's `main()` runs in-process against the `familycard_stub` fixture; each
script also runs as the docs show it (`python docs/examples/x.py URL`), and the
example test file runs under pytest as a user would run it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"


def load(name: str) -> ModuleType:
    """Import docs/examples/<name>.py (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"docs_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(name: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run an example as `python docs/examples/<name>.py ARGS`; return its stdout."""
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_every_example_is_included_in_a_page():
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    for example in sorted(EXAMPLES.glob("*.py")):
        assert f'--8<-- "docs/examples/{example.name}"' in pages, example.name


# register_and_login.py (sdk.md) -------------------------------------------------------


def test_register_and_login_ends_logged_in_as_the_parent(familycard_stub):
    example = load("register_and_login")
    account = example.main(familycard_stub.portal_url("tortona"), familycard_stub.url)
    assert account.username == "marco.giulia"
    assert account.members == ["BRNGLI16A41L304P"]
    mails = familycard_stub.control.outbox(to="marco.bruno@example.it")
    assert [m.kind for m in mails] == ["pin"]  # R1.3: the PIN, once


def test_register_and_login_runs_as_a_script(familycard_stub):
    out = run_script("register_and_login", familycard_stub.portal_url("tortona"))
    assert "row 1: created" in out
    assert "logged in as marco.giulia; children: BRNGLI16A41L304P" in out


# handle_errors.py (sdk.md) ------------------------------------------------------------


def test_handle_errors_meets_each_error_class(familycard_stub):
    example = load("handle_errors")
    seen = example.main(familycard_stub.portal_url("tortona"))
    assert seen == {
        "bad tax code": "invalid_tax_code sent=False",
        "not enrolled": "not_enrolled sent=True",
        "wrong login": "authentication_failed sent=True",
        "unknown link": "RuleViolation invalid_link sent=True",
    }


def test_handle_errors_runs_as_a_script(familycard_stub):
    out = run_script("handle_errors", familycard_stub.portal_url("tortona"))
    assert "not enrolled: not_enrolled sent=True" in out


# retry_safely.py (sdk.md) -------------------------------------------------------------


def test_retry_safely_registers_once_despite_the_lost_answer(familycard_stub):
    example = load("retry_safely")
    report = example.main(familycard_stub.portal_url("tortona"), familycard_stub.url)
    assert report == {
        "kind": "citycard",
        "status": "active",
        "pin e-mails": 1,
        "gave up after": 6,  # RetryPolicy(max_retries=5): 1 + 5 attempts
    }
    assert familycard_stub.control.faults().model_dump() == example.Faults().model_dump()


def test_retry_safely_runs_as_a_script(familycard_stub):
    out = run_script("retry_safely", familycard_stub.portal_url("tortona"))
    assert "'pin e-mails': 1" in out


# enrol_from_csv.py (clerk.md) ---------------------------------------------------------

CSV_ROWS = [
    ["child_tax_code", "child_name", "guardian_email", "service"],
    ["BRNGLI16A41L304P", "Giulia Bruno", "marco.bruno@example.it", "mensa"],
    ["BRNTMS18H12L304U", "Tommaso Bruno", "marco.bruno@example.it", "piscina"],
]


@pytest.mark.parametrize(
    ("delimiter", "bom"),
    [
        pytest.param(",", "", id="comma"),
        pytest.param(";", "", id="semicolon"),
        pytest.param(";", "\ufeff", id="semicolon-with-bom"),
    ],
)
def test_enrol_from_csv_reports_each_row_and_adds_nothing_twice(
    familycard_stub, tmp_path, delimiter, bom
):
    path = tmp_path / "families.csv"
    text = "\n".join(delimiter.join(row) for row in CSV_ROWS) + "\n"
    path.write_text(bom + text, encoding="utf-8")
    example = load("enrol_from_csv")
    portal = familycard_stub.portal_url("tortona")
    assert example.main(portal, path) == Counter({"created": 1, "invalid": 1})
    assert example.main(portal, path) == Counter({"exists": 1, "invalid": 1})


def test_enrol_from_csv_runs_as_a_script(familycard_stub, tmp_path):
    path = tmp_path / "families.csv"
    path.write_text("\n".join(",".join(row) for row in CSV_ROWS) + "\n", encoding="utf-8")
    env = {**os.environ, "FAMILYCARD_CLERK_KEY": "stub-clerk-key"}
    out = run_script("enrol_from_csv", familycard_stub.portal_url("tortona"), str(path), env=env)
    assert "row 2: invalid unknown_service" in out
    assert "{'created': 1, 'invalid': 1}" in out


# offline_checks.py (sdk.md) -----------------------------------------------------------


def test_offline_checks_normalise_and_refuse():
    assert load("offline_checks").main() == {
        "tax code": "RSSMRA15C45L304I",
        "VAT number": "01234560041",
        "IBAN": "IT51N0760112700000016338436",
        "notice check digits": "86",
        "bad tax code": "invalid_tax_code",
    }


def test_offline_checks_run_as_a_script():
    assert "notice check digits: 86" in run_script("offline_checks")


# test_with_stub.py (stub.md) ----------------------------------------------------------


def test_the_example_test_file_passes_under_pytest_with_no_conftest():
    example = EXAMPLES / "test_with_stub.py"
    count = example.read_text(encoding="utf-8").count("\ndef test_")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(example.relative_to(ROOT)), "-v"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{count} passed" in result.stdout
