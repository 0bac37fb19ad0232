"""The cron example of docs/meter-readings.md: one reading a window, confirmed (R5.11-R5.14).

`docs/examples/send_gas_reading.py` runs as cron runs it (a script, the settings in
the environment) against the stub, its clock moved through a month's window.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from utility_support import ANNA, PDR, enrol_and_register, run

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "send_gas_reading.py"


@pytest.fixture
def anna(cli, stub, tmp_path):
    stub.control.set_clock("2026-03-20T09:00:00+01:00")
    return enrol_and_register(cli, stub, tmp_path)[ANNA.code]


def cron(stub, anna, meter: int, corrector: int) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FAMILYCARD_PORTAL": stub.portal_url("energia"),
        **anna,
        "GAS_PDR": PDR,
        "GAS_METER": str(meter),
        "GAS_CORRECTOR": str(corrector),
    }
    return subprocess.run(
        [sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=120
    )


def readings(cli, anna):
    return run(cli, "readings", "list", "--supply", PDR, env=anna).json()


def test_r5_11_the_cron_example_sends_once_a_window_and_confirms_the_acquisition(cli, stub, anna):
    closed = cron(stub, anna, 1532, 1490)
    assert closed.returncode == 0, closed.stderr
    assert closed.stdout == "the window is closed; the next one opens 2026-04-01 00:00\n"
    assert readings(cli, anna) == []

    stub.control.set_clock("2026-04-01T09:07:00+02:00")
    sent = cron(stub, anna, 1532, 1490)
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout == "sent meter 1532 for 2026-04-01; to be acquired at 09:30\n"

    stub.control.advance_clock("10m")
    waiting = cron(stub, anna, 1532, 1490)
    assert waiting.stdout == "the reading of 2026-04-01 (meter 1532) is to be acquired at 09:30\n"

    stub.control.advance_clock("1d")  # the next day, still in the window: nothing new is sent
    done = cron(stub, anna, 1540, 1497)
    assert done.stdout == "the reading of 2026-04-01 (meter 1532) was acquired\n"
    assert [(r["meter"], r["status"]) for r in readings(cli, anna)] == [(1532, "acquired")]

    stub.control.set_clock("2026-05-02T08:00:00+02:00")  # the next month's window
    lower = cron(stub, anna, 1500, 1497)
    assert lower.returncode == 1
    assert "[reading_decreasing]" in lower.stderr
    may = cron(stub, anna, 1610, 1566)
    assert may.returncode == 0, may.stderr
    assert may.stdout.startswith("sent meter 1610 for 2026-05-02")
    assert [r["meter"] for r in readings(cli, anna)] == [1610, 1532]


def test_r5_12_the_cron_example_in_process(cli, stub, anna):
    spec = importlib.util.spec_from_file_location("send_gas_reading", EXAMPLE)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    stub.control.set_clock("2026-04-03T20:00:00+02:00")
    args = (stub.portal_url("energia"), anna["FAMILYCARD_USERNAME"], anna["FAMILYCARD_PASSWORD"])
    with pytest.raises(example.FamilycardError) as missing:
        example.main(*args, supply_point=PDR, meter=1532)
    assert missing.value.code == "corrector_reading_required"
    assert example.main(*args, supply_point=PDR, meter=1532, corrector=1490).startswith(
        "sent meter 1532 for 2026-04-03"
    )
