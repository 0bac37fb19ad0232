"""`client.consumption` (utility, R5.7 and R5.9) against respx: billed months, hourly measures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sdk_builders import PDR, POD, ROME, dump, query, supply, trail, utility
from sdk_support import error_body, stub_portal_info

import familycard
from familycard.models.utility import Consumption, Measure, MonthlyConsumption


def yearly(point: str = POD, kind: str = "electricity") -> Consumption:
    months = [
        MonthlyConsumption(month="2025-01", energy=Decimal("231"), peak_power_kw=Decimal("2.9")),
        MonthlyConsumption(month="2025-02", energy=Decimal("204.5"), peak_power_kw=Decimal("3.1")),
    ]
    return Consumption(
        supply_point=point,
        kind=kind,  # type: ignore[arg-type]
        year=2025,
        unit="kWh",
        months=months,
        total=Decimal("435.5"),
    )


def hourly(since: date, until: date) -> familycard.Measures:
    hours = [
        Measure(
            start=datetime(2026, 3, 2, 0, 0, tzinfo=ROME), energy_kwh=Decimal("0.182"), band="F3"
        ),
        Measure(
            start=datetime(2026, 3, 2, 9, 0, tzinfo=ROME), energy_kwh=Decimal("0.415"), band="F1"
        ),
    ]
    return familycard.Measures(
        supply_point=POD, since=since, until=until, measures=hours, total_kwh=Decimal("0.597")
    )


# show (R5.7) ------------------------------------------------------------------------------


def test_r5_7_show_gets_the_billed_months_of_a_year_typed(portal, client):
    utility(portal)
    route = portal.get(f"/supplies/{POD}/consumption").respond(json=dump(yearly()))
    got = client.consumption.show(year=2025, supply_point=POD)
    assert query(route) == {"year": "2025"}
    assert got == yearly()
    assert [m.energy for m in got.months] == [Decimal("231"), Decimal("204.5")]
    assert got.months[1].peak_power_kw == Decimal("3.1")
    assert got.total == Decimal("435.5")


def test_show_without_a_year_resolves_the_only_supply_point_and_leaves_the_year_out(portal, client):
    utility(portal)
    portal.get("/supplies").respond(json=dump([supply()]))
    portal.get(f"/supplies/{POD}/consumption").respond(json=dump(yearly()))
    client.consumption.show()
    assert trail(portal) == ["GET /portal", "GET /supplies", f"GET /supplies/{POD}/consumption"]


def test_r5_7_show_of_a_year_before_2014_is_refused_before_sending(portal, client):
    utility(portal)
    with pytest.raises(familycard.InvalidInput) as caught:
        client.consumption.show(year=2010, supply_point=POD)
    assert caught.value.code == "invalid_year"
    assert trail(portal) == ["GET /portal"]


def test_show_maps_the_portals_refusal(portal, client):
    utility(portal)
    body = error_body("supply_point_not_found", "not yours", supply_point=PDR)
    portal.get(f"/supplies/{PDR}/consumption").respond(404, json=body)
    with pytest.raises(familycard.NotFound) as caught:
        client.consumption.show(supply_point=PDR)
    assert caught.value.code == "supply_point_not_found"
    assert caught.value.sent


# measures (R5.9) ---------------------------------------------------------------------------


def test_r5_9_measures_sends_the_interval_and_returns_the_hours_typed(portal, client):
    utility(portal)
    since, until = date(2026, 3, 2), date(2026, 3, 3)
    route = portal.get(f"/supplies/{POD}/measures").respond(json=dump(hourly(since, until)))
    got = client.consumption.measures(since, until, supply_point=POD)
    assert query(route) == {"from": "2026-03-02", "to": "2026-03-03"}
    assert got == hourly(since, until)
    assert [(m.band, m.energy_kwh) for m in got.measures] == [
        ("F3", Decimal("0.182")),
        ("F1", Decimal("0.415")),
    ]
    assert got.measures[0].start == datetime(2026, 3, 2, 0, 0, tzinfo=ROME)
    assert got.total_kwh == Decimal("0.597")


def test_r5_9_one_day_of_measures_is_a_valid_interval(portal, client):
    utility(portal)
    day = date(2026, 3, 2)
    route = portal.get(f"/supplies/{POD}/measures").respond(json=dump(hourly(day, day)))
    client.consumption.measures(day, day, supply_point=POD)
    assert query(route) == {"from": "2026-03-02", "to": "2026-03-02"}


@pytest.mark.parametrize(
    ("since", "until", "policy", "code", "details"),
    [
        pytest.param(date(2026, 3, 3), date(2026, 3, 2), {}, "invalid_interval", {}, id="reversed"),
        pytest.param(
            date(2025, 1, 1),
            date(2026, 1, 2),
            {},
            "interval_too_long",
            {"max_days": 366},
            id="367-days",
        ),
        pytest.param(
            date(2026, 3, 1),
            date(2026, 3, 8),
            {"measures_max_days": 7},
            "interval_too_long",
            {"max_days": 7},
            id="policy-7-days",
        ),
    ],
)
def test_r5_9_an_interval_the_rules_refuse_is_never_sent(
    portal, client, since, until, policy, code, details
):
    utility(portal, **policy)
    with pytest.raises(familycard.InvalidInput) as caught:
        client.consumption.measures(since, until, supply_point=POD)
    assert caught.value.code == code
    assert caught.value.details == details
    assert not caught.value.sent
    assert trail(portal) == ["GET /portal"]


def test_r5_9_366_days_of_measures_is_the_longest_interval_sent(portal, client):
    utility(portal)
    since, until = date(2025, 1, 1), date(2026, 1, 1)
    route = portal.get(f"/supplies/{POD}/measures").respond(json=dump(hourly(since, until)))
    client.consumption.measures(since, until, supply_point=POD)
    assert route.call_count == 1


def test_r5_9_measures_of_a_gas_supply_point_are_refused_before_sending(portal, client):
    utility(portal)
    with pytest.raises(familycard.InvalidInput) as caught:
        client.consumption.measures(date(2026, 3, 2), date(2026, 3, 3), supply_point=PDR)
    assert caught.value.code == "feature_not_supported"
    assert caught.value.details == {"feature": "measures", "supply_kind": "gas"}
    assert trail(portal) == ["GET /portal"]


def test_r5_9_measures_of_the_only_supply_point_being_gas_are_refused_after_listing(portal, client):
    utility(portal)
    portal.get("/supplies").respond(json=dump([supply("gas")]))
    measures = portal.get(f"/supplies/{PDR}/measures").respond(json={})
    with pytest.raises(familycard.InvalidInput) as caught:
        client.consumption.measures(date(2026, 3, 2), date(2026, 3, 3))
    assert caught.value.code == "feature_not_supported"
    assert caught.value.details["supply_kind"] == "gas"
    assert trail(portal) == ["GET /portal", "GET /supplies"]
    assert not measures.called


@pytest.mark.parametrize(
    ("call", "feature"),
    [
        pytest.param(lambda c: c.consumption.show(supply_point=POD), "consumption", id="show"),
        pytest.param(
            lambda c: c.consumption.measures(date(2026, 3, 2), date(2026, 3, 3), supply_point=POD),
            "measures",
            id="measures",
        ),
    ],
)
def test_a_portal_without_the_feature_refuses_after_only_the_portal_info(
    portal, client, call, feature
):
    stub_portal_info(portal, "utility", features=["accounts", "supplies", "readings"])
    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)
    assert caught.value.code == "feature_not_supported"
    assert caught.value.details["feature"] == feature
    assert trail(portal) == ["GET /portal"]


def test_measures_map_the_portals_refusal(portal, client):
    utility(portal)
    body = error_body("measures_not_available", "no measures before the meter was installed")
    portal.get(f"/supplies/{POD}/measures").respond(422, json=body)
    with pytest.raises(familycard.RuleViolation) as caught:
        client.consumption.measures(date(2010, 1, 1), date(2010, 1, 31), supply_point=POD)
    assert caught.value.code == "measures_not_available"
    assert caught.value.sent
