"""`familycard clerk enroll`: re-running a file adds nothing twice; an interrupted run resumes.

Ctrl-C (SIGINT) or a killed process (SIGKILL) leaves every committed row committed;
running the same file again finishes the job: the rows committed before are `exists`,
the others `created`, and the portal holds every row exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_support import CliFn, clerk_env
from enroll_support import (
    CLERK_KEY,
    enrolled_count,
    enrolments,
    families,
    report,
    statuses,
    write_table,
)

from familycard import Faults

FAMILYCARD = Path(sys.executable).parent / "familycard"


def test_running_the_same_file_again_adds_nothing_twice(cli, stub, tmp_path):
    path = write_table(tmp_path / "f.csv", families(1200), delimiter=";")
    first = cli("clerk", "enroll", str(path), env=clerk_env())
    assert first.exit_code == 0, first.stderr
    assert statuses(first.json()) == {"created": 1200}
    keys = sorted(e.key for e in enrolments(stub))
    again = cli("clerk", "enroll", str(path), env=clerk_env())
    assert again.exit_code == 0, again.stderr
    assert statuses(again.json()) == {"exists": 1200}
    assert sorted(e.key for e in enrolments(stub)) == keys
    assert len(set(keys)) == 1200


def test_r3_1_re_running_an_etelka_file_sends_no_invitation_twice(cli, stub, tmp_path):
    header = ("guardian_email", "child_name", "institution", "age_group")
    rows = [
        ["kovacs.eva@example.hu", "Kovács Bence", "Petőfi Általános Iskola", "primary"],
        ["kovacs.eva@example.hu", "Kovács Lili", "Kossuth Óvoda", "kindergarten"],
        ["szabo.anna@example.hu", "Szabó Ödön", "Lehel Vezér Gimnázium", "secondary"],
    ]
    path = write_table(tmp_path / "f.csv", rows, header=header)
    for expected in ({"created": 3}, {"exists": 3}):
        result = cli("clerk", "enroll", str(path), tenant="jaszbereny", env=clerk_env())
        assert result.exit_code == 0, result.stderr
        assert statuses(result.json()) == expected
        invitations = [
            m.to for m in stub.control.outbox(tenant="jaszbereny") if m.kind == "invitation"
        ]
        assert sorted(invitations) == ["kovacs.eva@example.hu", "szabo.anna@example.hu"]


def start_enrolment(stub, path: Path, report_path: Path) -> subprocess.Popen[str]:
    """`familycard clerk enroll` in its own process, as a clerk runs it."""
    env = {
        **os.environ,
        "FAMILYCARD_PORTAL": stub.portal_url("tortona"),
        "FAMILYCARD_CLERK_KEY": CLERK_KEY,
    }
    command = [str(FAMILYCARD), "clerk", "enroll", str(path), "--report", str(report_path)]
    command += ["--batch-size", "100", "--concurrency", "2"]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_until_enrolled(stub, process: subprocess.Popen[str], at_least: int) -> int:
    """Poll the portal until some batches are committed (the process still running)."""
    for _ in range(600):
        count = enrolled_count(stub)
        if count >= at_least:
            return count
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    raise AssertionError(f"fewer than {at_least} rows enrolled after polling")


@pytest.mark.parametrize(
    "sig",
    [pytest.param(signal.SIGINT, id="ctrl-c"), pytest.param(signal.SIGKILL, id="killed")],
)
def test_a_run_interrupted_halfway_resumes_with_nothing_lost_and_nothing_twice(
    cli: CliFn, stub, tmp_path, sig
):
    total = 4000
    path = write_table(tmp_path / "families.csv", families(total))
    # Each request waits 40 ms: 40 batches of 100 take well over a second, so the
    # signal lands halfway whatever the machine.
    stub.control.set_faults(Faults(latency_ms=40))
    process = start_enrolment(stub, path, tmp_path / "first.csv")
    wait_until_enrolled(stub, process, at_least=300)
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    stub.control.set_faults(Faults())
    committed = {e.key for e in enrolments(stub)}
    assert 300 <= len(committed) < total
    first = report(tmp_path / "first.csv")
    assert {r["outcome"] for r in first} <= {"created"}
    if sig == signal.SIGINT:
        assert process.returncode == 130, err
        assert "interrupted" in err
        assert "Run the same file again" in err
        # Every batch sent was waited for: the report says exactly what was committed.
        assert {r["key"] for r in first} == committed
    else:
        assert process.returncode == -signal.SIGKILL
        assert {r["key"] for r in first} <= committed

    again = cli(
        "clerk", "enroll", str(path), "--report", str(tmp_path / "again.csv"), env=clerk_env()
    )
    assert again.exit_code == 0, again.stderr
    second = report(tmp_path / "again.csv")
    assert [int(r["row"]) for r in second] == list(range(1, total + 1))
    assert {r["key"] for r in second if r["outcome"] == "exists"} == committed
    assert statuses(again.json()) == {"exists": len(committed), "created": total - len(committed)}
    keys = [e.key for e in enrolments(stub)]
    assert len(keys) == len(set(keys)) == total
