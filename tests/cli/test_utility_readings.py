"""Meter self-readings on the utility portal: R5.11-R5.14, through the CLI over HTTP.

The stub clock is set inside or outside the monthly window (day 1 00:00 to day 7
23:59, Europe/Rome) and advanced to let the acquisition job (every 30 minutes) run.
"""

from __future__ import annotations

import utility_support
from utility_support import BRUNO_PDR, PDR, POD, run

#: The fixtures `customers`, `anna` and `bruno` (utility_support.py).
customers, anna, bruno = utility_support.customers, utility_support.anna, utility_support.bruno


def submit(cli, env, *args):
    return run(cli, "readings", "submit", *args, env=env)


def readings(cli, env, point=PDR):
    result = run(cli, "readings", "list", "--supply", point, env=env)
    assert result.exit_code == 0, result.stderr
    return result.json()


# R5.11 windows ---------------------------------------------------------------------


def test_r5_11_windows_show_the_open_and_the_next_window_as_iso_datetimes(cli, anna):
    result = run(cli, "readings", "windows", "--supply", PDR, env=anna)
    assert result.exit_code == 0, result.stderr
    windows = result.json()
    assert windows["supply_point"] == PDR
    assert windows["open"] == {
        "opens_at": "2026-03-01T00:00:00+01:00",
        "closes_at": "2026-03-07T23:59:00+01:00",
    }
    assert windows["next"] == {
        "opens_at": "2026-04-01T00:00:00+02:00",
        "closes_at": "2026-04-07T23:59:00+02:00",
    }
    human = run(cli, "readings", "windows", "--supply", PDR, env=anna, json=False)
    assert "open now" in human.stdout
    assert "from 2026-03-01T00:00+01:00 to 2026-03-07T23:59+01:00" in human.stdout


def test_r5_11_a_reading_inside_the_window_is_accepted_as_to_be_acquired(cli, anna):
    result = submit(cli, anna, "--supply", PDR, "--meter", "1500", "--corrector", "1450")
    assert result.exit_code == 0, result.stderr
    reading = result.json()
    assert reading["status"] == "pending"
    assert reading["reading_date"] == "2026-03-03"
    assert reading["acquired_at"] == "2026-03-03T10:30:00+01:00"
    assert reading["deletable"] is True
    assert [(r["meter"], r["corrector"], r["status"]) for r in readings(cli, anna)] == [
        (1500, 1450, "pending")
    ]
    human = run(cli, "readings", "list", "--supply", PDR, env=anna, json=False)
    assert "to be acquired" in human.stdout


def test_r5_11_a_reading_outside_the_window_is_refused_and_nothing_is_stored(cli, stub, anna):
    stub.control.set_clock("2026-03-08T00:00:00+01:00")
    result = submit(cli, anna, "--supply", PDR, "--meter", "1500", "--corrector", "1450")
    assert result.exit_code == 4
    error = result.error()
    assert error["code"] == "reading_outside_window"
    assert error["details"]["next_opens_at"] == "2026-04-01T00:00:00+02:00"
    assert readings(cli, anna) == []
    windows = run(cli, "readings", "windows", "--supply", PDR, env=anna).json()
    assert windows["open"] is None
    assert windows["next"]["opens_at"] == "2026-04-01T00:00:00+02:00"


def test_r5_11_the_last_minute_of_the_window_still_counts(cli, stub, anna):
    stub.control.set_clock("2026-03-07T23:59:30+01:00")
    result = submit(cli, anna, "--supply", POD, "--meter", "20417")
    assert result.exit_code == 0, result.stderr
    assert result.json()["reading_date"] == "2026-03-07"


def test_r5_11_a_reading_dated_before_the_window_or_in_the_future_is_refused(cli, anna):
    before = submit(cli, anna, "--supply", POD, "--meter", "7", "--date", "2026-02-28")
    assert before.exit_code == 4
    assert before.error()["code"] == "reading_outside_window"
    future = submit(cli, anna, "--supply", POD, "--meter", "7", "--date", "2026-03-04")
    assert future.exit_code == 2
    assert future.error()["code"] == "invalid_reading_date"
    earlier = submit(cli, anna, "--supply", POD, "--meter", "7", "--date", "2026-03-01")
    assert earlier.exit_code == 0, earlier.stderr
    assert earlier.json()["reading_date"] == "2026-03-01"
    malformed = submit(cli, anna, "--supply", POD, "--meter", "7", "--date", "3 March")
    assert malformed.exit_code == 2
    assert malformed.error()["code"] == "invalid_date"


# R5.12 meter and corrector ---------------------------------------------------------


def test_r5_12_a_gas_meter_with_a_corrector_needs_the_corrector_reading(cli, anna):
    result = submit(cli, anna, "--supply", PDR, "--meter", "1500")
    assert result.exit_code == 4
    assert result.error()["code"] == "corrector_reading_required"
    assert readings(cli, anna) == []
    ok = submit(cli, anna, "--supply", PDR, "--meter", "1500", "--corrector", "1450")
    assert ok.exit_code == 0, ok.stderr


def test_r5_12_a_meter_without_a_corrector_refuses_a_corrector_reading(cli, anna, bruno):
    gas = submit(cli, bruno, "--meter", "812", "--corrector", "800")
    assert gas.exit_code == 4
    assert gas.error()["code"] == "corrector_reading_not_allowed"
    power = submit(cli, anna, "--supply", POD, "--meter", "20417", "--corrector", "1")
    assert power.error()["code"] == "corrector_reading_not_allowed"
    ok = submit(cli, bruno, "--meter", "812")
    assert ok.exit_code == 0, ok.stderr
    assert ok.json()["supply_point"] == BRUNO_PDR
    assert ok.json()["corrector"] is None


# R5.13 one a day --------------------------------------------------------------------


def test_r5_13_the_second_reading_of_a_day_is_refused(cli, stub, anna):
    first = submit(cli, anna, "--supply", PDR, "--meter", "1500", "--corrector", "1450")
    assert first.exit_code == 0, first.stderr
    second = submit(cli, anna, "--supply", PDR, "--meter", "1501", "--corrector", "1451")
    assert second.exit_code == 4
    assert second.error()["code"] == "reading_already_submitted_today"
    assert [r["meter"] for r in readings(cli, anna)] == [1500]
    other_point = submit(cli, anna, "--supply", POD, "--meter", "20417")
    assert other_point.exit_code == 0, other_point.stderr
    stub.control.advance_clock("1d")
    next_day = submit(cli, anna, "--supply", PDR, "--meter", "1510", "--corrector", "1460")
    assert next_day.exit_code == 0, next_day.stderr
    assert [r["meter"] for r in readings(cli, anna)] == [1510, 1500]


def test_r5_13_the_day_is_the_portal_s_local_day(cli, stub, anna):
    stub.control.set_clock("2026-03-03T23:50:00+01:00")
    assert submit(cli, anna, "--supply", POD, "--meter", "20417").exit_code == 0
    stub.control.set_clock("2026-03-04T00:10:00+01:00")  # still 3 March in UTC
    after_midnight = submit(cli, anna, "--supply", POD, "--meter", "20418")
    assert after_midnight.exit_code == 0, after_midnight.stderr
    assert after_midnight.json()["reading_date"] == "2026-03-04"


# R5.14 deletion until acquired ------------------------------------------------------


def test_r5_14_a_reading_to_be_acquired_can_be_deleted_with_confirmation(cli, anna):
    assert (
        submit(cli, anna, "--supply", PDR, "--meter", "1500", "--corrector", "1450").exit_code == 0
    )
    unconfirmed = run(cli, "readings", "delete", "--supply", PDR, "--date", "2026-03-03", env=anna)
    assert unconfirmed.exit_code == 2
    assert unconfirmed.error()["code"] == "confirmation_required"
    assert len(readings(cli, anna)) == 1
    deleted = run(
        cli, "readings", "delete", "--supply", PDR, "--date", "2026-03-03", "--yes", env=anna
    )
    assert deleted.exit_code == 0, deleted.stderr
    assert deleted.json()["status"] == "deleted"
    assert readings(cli, anna) == []
    # Deleting it again: it is gone already, which is what was asked (exit 0).
    twice = run(
        cli, "readings", "delete", "--supply", PDR, "--date", "2026-03-03", "--yes", env=anna
    )
    assert twice.exit_code == 0, twice.stderr
    assert twice.json()["status"] == "already_deleted"
    human = run(
        cli,
        "readings",
        "delete",
        "--supply",
        PDR,
        "--date",
        "2026-03-03",
        "--yes",
        env=anna,
        json=False,
    )
    assert "deleted already" in human.stdout
    again = submit(cli, anna, "--supply", PDR, "--meter", "1502", "--corrector", "1452")
    assert again.exit_code == 0, again.stderr
    missing = run(
        cli, "readings", "delete", "--supply", PDR, "--date", "2026-03-02", "--yes", env=anna
    )
    assert missing.exit_code == 5
    assert missing.error()["code"] == "reading_not_found"


def test_r5_14_after_30_stub_minutes_a_reading_is_acquired_and_no_longer_deletable(cli, stub, anna):
    sent = submit(cli, anna, "--supply", PDR, "--meter", "1500", "--corrector", "1450")
    assert sent.exit_code == 0, sent.stderr  # sent at 10:07, the job runs at 10:30
    stub.control.advance_clock("22m")
    assert readings(cli, anna)[0]["status"] == "pending"
    stub.control.advance_clock("1m")
    acquired = readings(cli, anna)[0]
    assert acquired["status"] == "acquired"
    assert acquired["deletable"] is False
    refused = run(
        cli, "readings", "delete", "--supply", PDR, "--date", "2026-03-03", "--yes", env=anna
    )
    assert refused.exit_code == 4
    assert refused.error()["code"] == "reading_already_acquired"
    assert [r["status"] for r in readings(cli, anna)] == ["acquired"]


# Never backwards ---------------------------------------------------------------------


def test_a_reading_lower_than_the_last_acquired_is_refused_unless_the_meter_was_replaced(
    cli, stub, anna
):
    assert (
        submit(cli, anna, "--supply", PDR, "--meter", "1500", "--corrector", "1450").exit_code == 0
    )
    stub.control.advance_clock("1d")  # acquired long since
    lower = submit(cli, anna, "--supply", PDR, "--meter", "1400", "--corrector", "1460")
    assert lower.exit_code == 4
    error = lower.error()
    assert error["code"] == "reading_decreasing"
    assert error["details"]["last_acquired"] == 1500
    replaced = submit(
        cli, anna, "--supply", PDR, "--meter", "3", "--corrector", "2", "--meter-replaced"
    )
    assert replaced.exit_code == 0, replaced.stderr
    assert replaced.json()["meter_replaced"] is True
    assert [r["meter"] for r in readings(cli, anna)] == [3, 1500]
