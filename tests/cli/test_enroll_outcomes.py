"""`familycard clerk enroll`: an outcome per row, a report, the exit codes.

created · exists · invalid (checked before sending: nothing of it is sent) · failed (the
portal refused the row, or stayed unavailable).  Exit 0 when every row is created or
exists, 4 when some were invalid or refused, 75 when the portal was unavailable, 2 when
the file itself is wrong, 3 for a wrong clerk key.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cli_support import CliFn, clerk_env
from enroll_support import (
    CLERK_KEY,
    enrolled_count,
    enrolments,
    families,
    family,
    report,
    statuses,
    write_table,
)

import server_stub
from familycard import Faults
from familycard.identifiers import sample_vat_number

SAMPLES = Path(server_stub.__file__).parent / "samples"
UTILITY = (
    "customer_code",
    "tax_code_or_vat",
    "customer_name",
    "address",
    "email",
    "supply_point",
    "supply_kind",
)


def enrol(cli: CliFn, path: Path, *args: str, tenant: str = "tortona", **kwargs):
    return cli("clerk", "enroll", str(path), *args, tenant=tenant, env=clerk_env(), **kwargs)


def test_each_row_gets_its_own_outcome_and_the_report_has_one_line_per_row(cli, stub, tmp_path):
    enrolled = family(0)
    first = enrol(cli, write_table(tmp_path / "before.csv", [enrolled]))
    assert first.exit_code == 0, first.stderr
    rows = [
        enrolled,  # 1: exists
        family(1),  # 2: created
        {**family(2), "child_tax_code": "RSSMRA15C45L304X"},  # 3: check letter
        {**family(3), "guardian_email": "anna@example"},  # 4: no dot in the domain
        None,  # 5: a blank line, skipped but counted
        {**family(4), "service": "piscina"},  # 6: a service the portal lacks
        {**family(1), "child_name": "Bambino Uno"},  # 7: row 2 again (same child, service)
        family(5),  # 8: created
    ]
    path = tmp_path / "families.csv"
    lines = ["child_tax_code;child_name;guardian_email;service"]
    lines += [";".join(r.values()) if r else "" for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = enrol(cli, path, "--report", str(tmp_path / "report.csv"))
    assert result.exit_code == 4, result.stderr
    outcome = {r["row"]: (r["status"], (r["error"] or {}).get("code")) for r in result.json()}
    assert outcome == {
        1: ("exists", None),
        2: ("created", None),
        3: ("invalid", "invalid_tax_code"),
        4: ("invalid", "invalid_email"),
        6: ("invalid", "unknown_service"),
        7: ("invalid", "duplicate_in_file"),
        8: ("created", None),
    }
    duplicate = next(r for r in result.json() if r["row"] == 7)
    assert duplicate["error"]["details"] == {"first_row": 2}
    lines_of_report = report(tmp_path / "report.csv")
    assert [(int(r["row"]), r["outcome"], r["code"]) for r in lines_of_report] == [
        (row, status, code or "") for row, (status, code) in outcome.items()
    ]
    assert lines_of_report[2]["message"].startswith("tax code check character should be")
    assert lines_of_report[0]["key"] == f"{enrolled['child_tax_code'].lower()}|mensa"
    assert len(enrolments(stub)) == 3


def test_json_output_is_one_array_of_every_row(cli, stub, tmp_path):
    path = write_table(tmp_path / "f.csv", [*families(3), {**family(9), "service": "x"}])
    result = enrol(cli, path)
    assert result.exit_code == 4
    document = json.loads(result.stdout)
    assert [r["row"] for r in document] == [1, 2, 3, 4]
    assert set(document[0]) == {"row", "status", "key", "error"}
    empty = enrol(cli, write_table(tmp_path / "empty.csv", []))
    assert empty.exit_code == 0
    assert empty.json() == []


def test_the_terminal_shows_the_counts_and_the_first_problems(cli, stub, tmp_path):
    bad = [{**family(i), "guardian_email": f"p{i}@nowhere"} for i in range(25)]
    path = write_table(tmp_path / "f.csv", [*families(2, start=100), *bad])
    on_a_terminal = {**clerk_env(), "TTY_COMPATIBLE": "1"}  # piped, tables are TSV
    args = ("clerk", "enroll", str(path), "--report", str(tmp_path / "r.csv"))
    result = cli(*args, env=on_a_terminal, json=False)
    assert result.exit_code == 4
    out = result.stdout
    assert "created │ 2" in out
    assert "invalid │ 25" in out
    assert "First 20 problems" in out
    assert out.count("invalid_email") == 20
    assert f"report: {tmp_path / 'r.csv'}" in out
    assert len(report(tmp_path / "r.csv")) == 27


@pytest.mark.parametrize(
    ("tenant", "column", "value", "code"),
    [
        pytest.param(
            "tortona", "child_tax_code", "RSSMRA15C45L304", "invalid_tax_code", id="tax-code"
        ),
        pytest.param(
            "sala-baganza",
            "guardian_tax_code",
            "BNCGPP80A01H223X",
            "invalid_tax_code",
            id="guardian",
        ),
        pytest.param("sala-baganza", "service", "piscina", "unknown_service", id="service"),
        pytest.param(
            "pagoinrete", "institution", "IC Marte", "unknown_institution", id="institution"
        ),
        pytest.param("jaszbereny", "age_group", "university", "unknown_age_group", id="age-group"),
        pytest.param(
            "jaszbereny", "guardian_email", "eva@@example.hu", "invalid_email", id="email"
        ),
        pytest.param("energia", "tax_code_or_vat", "01234560042", "invalid_vat_number", id="vat"),
        pytest.param("energia", "supply_point", "IT001X12345678", "invalid_supply_point", id="pod"),
    ],
)
def test_every_kind_checks_its_values_before_sending(
    cli, stub, tmp_path, tenant, column, value, code
):
    sample = (SAMPLES / f"{tenant}.csv").read_text(encoding="utf-8")
    delimiter = ";" if sample.split("\n", 1)[0].count(";") else ","
    header, good, *_ = sample.splitlines()
    broken = dict(zip(header.split(delimiter), good.split(delimiter), strict=True))
    broken[column] = value
    path = tmp_path / f"{tenant}.csv"
    path.write_text(f"{sample}{delimiter.join(broken.values())}\n", encoding="utf-8")
    result = enrol(cli, path, tenant=tenant)
    assert result.exit_code == 4, result.stderr
    *kept, refused = result.json()
    assert {r["status"] for r in kept} == {"created"}
    assert refused["status"] == "invalid"
    assert refused["error"]["code"] == code
    assert len(enrolments(stub, tenant)) == len(kept)


def utility_row(i: int, *, point: str | None = None) -> list[str]:
    return [
        f"{100000 + i:06d}",
        sample_vat_number(i),
        f"CLIENTE {i}",
        f"VIA ROMA {i}",
        f"cliente.{i}@example.it",
        point or f"IT001E{i:08d}",
        "electricity",
    ]


def test_a_row_the_portal_refuses_in_the_middle_of_a_batch_loses_no_other_row(cli, stub, tmp_path):
    # Row 300 names the supply point of row 100 for another customer: the portal refuses
    # it (a supply point has one customer); the 599 other rows of the batch are enrolled.
    rows = [utility_row(i) for i in range(600)]
    rows[299] = utility_row(299, point=rows[99][5])
    path = write_table(tmp_path / "clienti.csv", rows, header=UTILITY)
    result = enrol(cli, path, "--batch-size", "600", tenant="energia")
    assert result.exit_code == 4, result.stderr
    results = result.json()
    assert statuses(results) == {"created": 599, "failed": 1}
    refused = results[299]
    assert refused["row"] == 300
    assert refused["error"]["code"] == "supply_point_taken"
    assert rows[99][0] in refused["error"]["message"]
    assert len(enrolments(stub, "energia")) == 599


def test_invalid_rows_in_the_middle_of_a_batch_lose_no_other_row(cli, stub, tmp_path):
    rows = families(1000)
    rows[249]["child_tax_code"] = rows[249]["child_tax_code"][:15] + "0"
    rows[259]["service"] = "piscina"
    path = write_table(tmp_path / "f.csv", rows)
    result = enrol(cli, path, "--report", str(tmp_path / "r.csv"))
    assert result.exit_code == 4
    lines = report(tmp_path / "r.csv")
    assert [int(r["row"]) for r in lines] == list(range(1, 1001))
    assert [(r["row"], r["outcome"]) for r in lines if r["outcome"] != "created"] == [
        ("250", "invalid"),
        ("260", "invalid"),
    ]
    assert enrolled_count(stub) == 998


def test_dry_run_checks_every_row_and_enrols_nothing(cli, stub, tmp_path):
    rows = [*families(3), {**family(3), "guardian_email": "x"}, family(0)]
    path = write_table(tmp_path / "f.csv", rows)
    # A dry run needs no clerk key: it only reads the portal's rules.
    result = cli("clerk", "enroll", str(path), "--dry-run")
    assert result.exit_code == 4, result.stderr
    assert [(r["status"], (r["error"] or {}).get("code")) for r in result.json()] == [
        ("valid", None),
        ("valid", None),
        ("valid", None),
        ("invalid", "invalid_email"),
        ("invalid", "duplicate_in_file"),
    ]
    assert enrolled_count(stub) == 0
    clean = cli("clerk", "enroll", str(write_table(tmp_path / "ok.csv", families(2))), "--dry-run")
    assert clean.exit_code == 0
    assert enrolled_count(stub) == 0


def test_a_wrong_clerk_key_stops_before_anything_is_sent(cli, stub, tmp_path):
    path = write_table(tmp_path / "f.csv", families(2))
    result = cli(
        "clerk",
        "enroll",
        str(path),
        "--report",
        str(tmp_path / "r.csv"),
        env={"FAMILYCARD_CLERK_KEY": "not-the-key"},
    )
    assert result.exit_code == 3
    assert result.error()["code"] == "invalid_clerk_key"
    assert result.stdout == ""
    assert not (tmp_path / "r.csv").exists()
    assert enrolled_count(stub) == 0


def test_a_report_that_cannot_be_written_is_refused_before_anything_is_sent(cli, stub, tmp_path):
    path = write_table(tmp_path / "f.csv", families(2))
    result = enrol(cli, path, "--report", str(tmp_path / "no" / "such" / "r.csv"))
    assert result.exit_code == 2
    assert result.error()["code"] == "report_unwritable"
    same = enrol(cli, path, "--report", str(path))
    assert same.exit_code == 2
    assert same.error()["code"] == "report_is_input"
    assert path.read_text(encoding="utf-8").startswith("child_tax_code")
    assert enrolled_count(stub) == 0


def test_a_portal_unavailable_from_the_start_exits_75_and_sends_nothing(cli, stub, tmp_path):
    stub.control.set_faults(Faults(error_rate=1.0, retry_after=0))
    result = enrol(cli, write_table(tmp_path / "f.csv", families(2)))
    stub.control.set_faults(Faults())
    assert result.exit_code == 75
    assert result.error()["code"] == "fault_injected"
    assert enrolled_count(stub) == 0


def test_a_portal_unavailable_while_enrolling_fails_the_rows_and_exits_75(cli, stub, tmp_path):
    # The stub draws injected errors from random.Random(0), reset when faults are set.
    # The command's first two requests (the portal's info, the clerk key's check) must
    # pass and the enrolment's four attempts (1 + 3 retries) fail: pick such a rate.
    generator = random.Random(0)
    draws = [generator.random() for _ in range(6)]
    rate = (max(draws[2:]) + min(draws[:2])) / 2
    assert max(draws[2:]) < rate <= min(draws[:2])
    path = write_table(tmp_path / "f.csv", [*families(3), {**family(3), "service": "x"}])
    stub.control.set_faults(Faults(error_rate=rate, retry_after=0))
    result = enrol(cli, path, "--report", str(tmp_path / "r.csv"), json=False)
    stub.control.set_faults(Faults())
    assert result.exit_code == 75, result.stdout + result.stderr
    assert "the portal was unavailable" in result.stderr
    lines = report(tmp_path / "r.csv")
    assert [(r["outcome"], r["code"]) for r in lines] == [
        ("failed", "portal_unavailable"),
        ("failed", "portal_unavailable"),
        ("failed", "portal_unavailable"),
        ("invalid", "unknown_service"),
    ]
    assert enrolled_count(stub) == 0
    again = enrol(cli, path)
    assert again.exit_code == 4
    assert statuses(again.json()) == {"created": 3, "invalid": 1}


def test_a_progress_bar_with_rows_per_second_shows_on_a_terminal_only(cli, stub, tmp_path):
    path = write_table(tmp_path / "f.csv", families(1500))
    env = {
        **os.environ,
        "FAMILYCARD_PORTAL": stub.portal_url("tortona"),
        "FAMILYCARD_CLERK_KEY": CLERK_KEY,
        "TERM": "xterm",
        "COLUMNS": "120",
    }
    controller, terminal = os.openpty()
    seen: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal's other end closed
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    command = [str(Path(sys.executable).parent / "familycard"), "clerk", "enroll", str(path)]
    finished = subprocess.run(
        command, env=env, stdout=subprocess.PIPE, stderr=terminal, timeout=120
    )
    os.close(terminal)
    reader.join(timeout=30)
    os.close(controller)
    assert finished.returncode == 0
    shown = b"".join(seen).decode("utf-8", "replace")
    assert "enrolling" in shown
    assert "1500/1500" in shown
    assert "rows/s" in shown
    assert "rows/s" not in finished.stdout.decode()
    # Off a terminal (and with --json) no bar: stderr stays empty.
    again = enrol(cli, path, json=False)
    assert again.exit_code == 0
    assert again.stderr == ""
    assert "rows/s" not in again.stdout
