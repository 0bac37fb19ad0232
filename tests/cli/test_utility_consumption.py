"""Billed consumption and electricity measures: R5.7 and R5.9, through the CLI over HTTP."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import utility_support
from utility_support import PDR, POD, run

#: The fixtures `customers`, `anna` and `bruno` (utility_support.py).
customers, anna, bruno = utility_support.customers, utility_support.anna, utility_support.bruno


def consumption(cli, env, *args):
    result = run(cli, "consumption", "show", *args, env=env)
    assert result.exit_code == 0, result.stderr
    return result.json()


# R5.7 billed withdrawals --------------------------------------------------------------


def test_r5_7_energy_and_power_per_month_of_a_year(cli, anna):
    power = consumption(cli, anna, "--supply", POD, "--year", "2025")
    assert (power["kind"], power["unit"], power["year"]) == ("electricity", "kWh", 2025)
    assert [m["month"] for m in power["months"]] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert all(Decimal(m["peak_power_kw"]) > 0 for m in power["months"])
    assert Decimal(power["total"]) == sum(Decimal(m["energy"]) for m in power["months"])
    gas = consumption(cli, anna, "--supply", PDR, "--year", "2025")
    assert gas["unit"] == "Smc"
    assert all(m["peak_power_kw"] is None for m in gas["months"])
    by_month = {m["month"]: Decimal(m["energy"]) for m in gas["months"]}
    assert by_month["2025-01"] > by_month["2025-07"]  # gas heats in winter
    table = run(cli, "consumption", "show", "--supply", POD, "--year", "2025", env=anna, json=False)
    assert "peak power (kW)" in table.stdout
    assert "total" in table.stdout


def test_r5_7_billed_consumption_is_what_the_invoices_billed(cli, anna):
    months = consumption(cli, anna, "--supply", PDR, "--year", "2025")["months"]
    energy = {m["month"]: Decimal(m["energy"]) for m in months}
    invoices = run(cli, "invoices", "list", "--supply", PDR, "--year", "2025", env=anna).json()
    for invoice in invoices:
        if invoice["period_from"].startswith("2025"):
            first, second = invoice["period_from"][:7], invoice["period_to"][:7]
            assert Decimal(invoice["consumption"]) == energy[first] + energy[second]


def test_r5_7_only_billed_months_show(cli, stub, anna):
    assert consumption(cli, anna, "--supply", POD)["months"] == []  # 2026, nothing billed yet
    stub.control.set_clock("2026-03-10T09:00:00+01:00")  # January-February is invoiced
    months = consumption(cli, anna, "--supply", POD)["months"]
    assert [m["month"] for m in months] == ["2026-01", "2026-02"]


def test_r5_7_on_a_terminal_the_months_are_drawn_as_bars(cli, anna):
    args = ("consumption", "show", "--supply", PDR, "--year", "2025")
    terminal = run(cli, *args, env={**anna, "TTY_COMPATIBLE": "1"}, json=False)
    assert terminal.exit_code == 0, terminal.stderr
    bars = [line for line in terminal.stdout.splitlines() if "█" in line]
    assert len(bars) == 12
    assert "2025-01" in bars[0]
    piped = run(cli, *args, env={**anna, "TTY_COMPATIBLE": "0"}, json=False)
    assert "█" not in piped.stdout
    as_json = run(cli, *args, env={**anna, "TTY_COMPATIBLE": "1"})
    assert as_json.json()["year"] == 2025


# R5.9 electricity measures ------------------------------------------------------------


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_r5_9_hourly_measures_of_an_interval_as_csv(cli, anna, tmp_path):
    args = ("measures", "export", "--supply", POD, "--from", "2026-03-01", "--to", "2026-03-02")
    piped = run(cli, *args, env=anna, json=False)
    assert piped.exit_code == 0, piped.stderr
    hours = rows(piped.stdout)
    assert len(hours) == 48
    assert hours[0]["start"] == "2026-03-01T00:00:00+01:00"
    assert hours[-1]["start"] == "2026-03-02T23:00:00+01:00"
    assert {h["band"] for h in hours[:24]} == {"F3"}  # a Sunday
    assert {h["band"] for h in hours[24:]} == {"F1", "F2", "F3"}
    target = tmp_path / "measures.csv"
    saved = run(cli, *args, "-o", str(target), env=anna, json=False)
    assert saved.exit_code == 0, saved.stderr
    assert rows(target.read_text()) == hours
    as_json = run(cli, *args, env=anna).json()
    assert Decimal(as_json["total_kwh"]) == sum(Decimal(h["energy_kwh"]) for h in hours)


def test_r5_9_measures_follow_the_summer_time_change_and_stop_at_yesterday(cli, stub, anna):
    stub.control.set_clock("2026-03-30T12:00:00+02:00")
    args = ("measures", "export", "--supply", POD, "--from", "2026-03-29", "--to", "2026-04-05")
    result = run(cli, *args, env=anna)
    assert result.exit_code == 0, result.stderr
    starts = [m["start"] for m in result.json()["measures"]]
    assert len(starts) == 23  # 29 March has 23 hours; nothing measured from today on
    assert "2026-03-29T01:00:00+01:00" in starts
    assert "2026-03-29T03:00:00+02:00" in starts


def test_r5_9_measures_are_for_electricity_only(cli, anna, bruno):
    args = ("measures", "export", "--from", "2026-03-01", "--to", "2026-03-02")
    gas = run(cli, *args, "--supply", PDR, env=anna)
    assert gas.exit_code == 2
    assert gas.error()["code"] == "feature_not_supported"
    only_gas = run(cli, *args, env=bruno)
    assert only_gas.error()["code"] == "feature_not_supported"


@pytest.mark.parametrize(
    ("since", "until", "code"),
    [
        pytest.param("2026-03-02", "2026-03-01", "invalid_interval", id="reversed"),
        pytest.param("2024-01-01", "2026-03-01", "interval_too_long", id="over-366-days"),
        pytest.param("1/3/2026", "2026-03-01", "invalid_date", id="not-a-day"),
    ],
)
def test_r5_9_the_interval_is_checked_before_sending(cli, stub, anna, since, until, code):
    args = ("measures", "export", "--supply", POD, "--from", since, "--to", until)
    result = run(cli, *args, env=anna)
    assert result.exit_code == 2
    assert result.error()["code"] == code
