"""`GET /{tenant}/v1/portal/calendar`: the working days a portal applies, published.

The national calendar of the tenant's country plus its `[calendar]` overrides; the
tests declare the overrides they assert (a copied tenant file) and never assert the
`holidays` package's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from familycard import InvalidInput
from server_stub.config import DEFAULT_CONFIG_DIR, load_config
from server_stub.server import StubServer

OVERRIDES = (
    '[calendar]\ncountry = "HU"\n'
    'closed = ["2026-12-07", { day = "2026-12-08", reason = "the kitchen is painted" }]\n'
    'worked = ["2026-12-12"]\n'
)


def _copy(folder: Path, calendar: str) -> Path:
    """The shipped config, with jaszbereny's `[calendar]` table replaced."""
    for source in DEFAULT_CONFIG_DIR.glob("*.toml"):
        text = source.read_text(encoding="utf-8")
        if source.name == "jaszbereny.toml":
            default = '[calendar]\ncountry = "HU"\nclosed = []\nworked = []\n'
            assert default in text
            text = text.replace(default, calendar)
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def overridden(tmp_path_factory) -> Iterator[StubServer]:
    folder = _copy(tmp_path_factory.mktemp("calendar"), OVERRIDES)
    with StubServer(scrypt_n=2**4, config_dir=folder) as server:
        yield server


def get(url: str, **params: str) -> httpx.Response:
    return httpx.get(f"{url}/v1/portal/calendar", params=params, timeout=10)


def test_the_portal_publishes_its_own_closures_and_worked_days_with_reasons(overridden):
    response = get(
        overridden.portal_url("jaszbereny"), **{"from": "2026-12-07", "to": "2026-12-13"}
    )
    assert response.status_code == 200
    days = {d["date"]: d for d in response.json()}
    assert list(days) == [f"2026-12-{n:02d}" for n in range(7, 14)]
    assert days["2026-12-07"] == {
        "date": "2026-12-07",
        "working": False,
        "kind": "closure",
        "reason": "closed by the portal",
    }
    assert days["2026-12-08"]["reason"] == "the kitchen is painted"
    assert days["2026-12-12"] == {
        "date": "2026-12-12",
        "working": True,
        "kind": "moved_working_day",
        "reason": "moved working day",
    }
    assert days["2026-12-13"]["kind"] == "weekend"


def test_every_day_published_agrees_with_the_tenant_s_calendar(familycard_stub: Any):
    # What the package says is read from it (the tenant's calendar), never asserted.
    expected = load_config().tenants["tortona"].calendar
    days = get(familycard_stub.portal_url("tortona"), **{"from": "2026-12-01", "to": "2026-12-31"})
    assert [d["working"] for d in days.json()] == [
        expected.is_working_day(p.date)
        for p in expected.days(date(2026, 12, 1), date(2026, 12, 31))
    ]


def test_without_a_range_it_runs_from_the_portal_s_today_for_30_days(familycard_stub: Any):
    familycard_stub.control.set_clock("2026-12-02T23:30:00+00:00")  # 3 December in Budapest
    days = get(familycard_stub.portal_url("jaszbereny")).json()
    assert days[0]["date"] == "2026-12-03"
    assert days[-1]["date"] == "2027-01-02"
    only_from = get(familycard_stub.portal_url("jaszbereny"), **{"from": "2027-02-01"}).json()
    assert (only_from[0]["date"], len(only_from)) == ("2027-02-01", 31)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        pytest.param({"from": "2026-12-24", "to": "2026-12-01"}, "invalid_range", id="reversed"),
        pytest.param({"from": "2026-01-01", "to": "2027-12-31"}, "range_too_long", id="too-long"),
        pytest.param({"from": "1850-01-01"}, "date_out_of_range", id="too-early"),
        pytest.param({"from": "9999-12-31"}, "date_out_of_range", id="year-9999"),
        pytest.param({"from": "2026-02-30"}, "invalid_request", id="no-such-day"),
        pytest.param({"to": "tomorrow"}, "invalid_request", id="not-a-day"),
    ],
)
def test_a_bad_range_is_refused_with_its_code(familycard_stub: Any, params, code):
    response = get(familycard_stub.portal_url("jaszbereny"), **params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_an_unknown_setting_or_a_bad_day_in_the_calendar_table_stops_the_stub(tmp_path):
    for table in ('[calendar]\nholidays = ["2026-12-07"]\n', '[calendar]\nclosed = ["7/12"]\n'):
        folder = tmp_path / str(abs(hash(table)))
        folder.mkdir()
        _copy(folder, table)
        with pytest.raises(InvalidInput, match=r"jaszbereny.toml \[calendar\]") as caught:
            load_config(folder)
        assert caught.value.code == "invalid_config"
