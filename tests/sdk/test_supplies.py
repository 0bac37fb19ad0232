"""`client.supplies` (utility, R5.3 and R5.8) against respx."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sdk_builders import PDR, POD, dump, supply, trail, utility
from sdk_support import error_body, stub_portal_info

import familycard
from familycard.models.utility import ContractData, SupplyDetails, TechnicalData


def details() -> SupplyDetails:
    return SupplyDetails(
        supply_point=supply(),
        customer_code="000002",
        customer_name="PROVA S.P.A.",
        technical=TechnicalData(
            meter_serial="E-7731",
            distributor="e-distribuzione",
            remote_reading=True,
            contracted_power_kw=Decimal("3.0"),
            available_power_kw=Decimal("3.3"),
            voltage="230 V single-phase",
            annual_consumption=Decimal("2700"),
            unit="kWh",
        ),
        contract=ContractData(
            contract_code="C-000002-01",
            offer="Luce Casa",
            use="domestic resident",
            market="free",
            start_date=date(2019, 5, 1),
            billing="bimonthly",
            payment_method="direct debit",
        ),
    )


# resolve (R5.3) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(POD, (POD, "electricity"), id="pod"),
        pytest.param(" it001e 1234 5678 ", (POD, "electricity"), id="pod-normalised"),
        pytest.param(PDR, (PDR, "gas"), id="pdr"),
        pytest.param("0088 1234 5678 90", (PDR, "gas"), id="pdr-spaced"),
    ],
)
def test_r5_3_resolve_a_given_supply_point_checks_its_form_without_asking(
    portal, client, given, expected
):
    assert client.supplies.resolve(given) == expected
    assert trail(portal) == []


@pytest.mark.parametrize(
    "given",
    [
        pytest.param("IT001X12345678", id="pod-without-E"),
        pytest.param("FR001E12345678", id="not-italian"),
        pytest.param("0088123456789", id="pdr-13-digits"),
        pytest.param("", id="empty"),
    ],
)
def test_r5_3_a_malformed_supply_point_is_refused_before_anything_is_sent(portal, client, given):
    utility(portal)
    with pytest.raises(familycard.InvalidInput) as caught:
        client.supplies.resolve(given)
    assert caught.value.code == "invalid_supply_point"
    assert not caught.value.sent
    assert trail(portal) == []


def test_r5_3_resolve_without_one_picks_the_customers_only_supply_point(portal, client):
    utility(portal)
    portal.get("/supplies").respond(json=dump([supply("gas", has_corrector=True)]))
    assert client.supplies.resolve() == (PDR, "gas")
    assert trail(portal) == ["GET /portal", "GET /supplies"]


def test_r5_3_resolve_without_one_among_several_asks_to_choose(portal, client):
    utility(portal)
    portal.get("/supplies").respond(json=dump([supply(), supply("gas")]))
    with pytest.raises(familycard.InvalidInput) as caught:
        client.supplies.resolve()
    assert caught.value.code == "supply_point_required"
    assert caught.value.details == {"supply_points": [POD, PDR]}
    assert not caught.value.sent


def test_resolve_without_any_supply_point_is_not_found(portal, client):
    utility(portal)
    portal.get("/supplies").respond(json=[])
    with pytest.raises(familycard.NotFound) as caught:
        client.supplies.resolve()
    assert caught.value.code == "no_supply_points"


# list and get (R5.8) ----------------------------------------------------------------------


def test_list_returns_the_supply_points_typed(portal, client):
    utility(portal)
    body = [supply(), supply("gas", has_corrector=True)]
    portal.get("/supplies").respond(json=dump(body))
    points = client.supplies.list()
    assert points == body
    assert [(p.id, p.kind, p.has_corrector) for p in points] == [
        (POD, "electricity", False),
        (PDR, "gas", True),
    ]


def test_r5_8_get_returns_technical_and_contract_data_typed(portal, client):
    utility(portal)
    route = portal.get(f"/supplies/{POD}").respond(json=dump(details()))
    got = client.supplies.get(POD.lower())
    assert trail(portal) == ["GET /portal", f"GET /supplies/{POD}"]
    assert route.call_count == 1
    assert got == details()
    assert got.technical.contracted_power_kw == Decimal("3.0")
    assert isinstance(got.technical.annual_consumption, Decimal)
    assert got.contract.start_date == date(2019, 5, 1)


def test_get_without_a_supply_point_resolves_the_only_one_first(portal, client):
    utility(portal)
    portal.get("/supplies").respond(json=dump([supply()]))
    portal.get(f"/supplies/{POD}").respond(json=dump(details()))
    client.supplies.get()
    assert trail(portal) == ["GET /portal", "GET /supplies", f"GET /supplies/{POD}"]


def test_get_a_malformed_supply_point_sends_only_the_portal_info(portal, client):
    utility(portal)
    with pytest.raises(familycard.InvalidInput) as caught:
        client.supplies.get("IT001")
    assert caught.value.code == "invalid_supply_point"
    assert trail(portal) == ["GET /portal"]


def test_r5_3_get_someone_elses_supply_point_is_not_found(portal, client):
    utility(portal)
    body = error_body("supply_point_not_found", "not yours", supply_point=POD)
    portal.get(f"/supplies/{POD}").respond(404, json=body)
    with pytest.raises(familycard.NotFound) as caught:
        client.supplies.get(POD)
    assert caught.value.code == "supply_point_not_found"
    assert caught.value.details == {"supply_point": POD}
    assert caught.value.sent


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.supplies.list(), id="list"),
        pytest.param(lambda c: c.supplies.get(POD), id="get"),
        pytest.param(lambda c: c.supplies.resolve(), id="resolve"),
    ],
)
def test_a_portal_without_supplies_refuses_after_only_the_portal_info(portal, client, call):
    stub_portal_info(portal, "citycard")
    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)
    assert caught.value.code == "feature_not_supported"
    assert caught.value.details["feature"] == "supplies"
    assert trail(portal) == ["GET /portal"]


def test_list_with_an_expired_session_is_authentication_failed(portal, client):
    utility(portal)
    portal.get("/supplies").respond(401, json=error_body("session_expired", "log in again"))
    with pytest.raises(familycard.AuthenticationFailed) as caught:
        client.supplies.list()
    assert caught.value.code == "session_expired"
    assert caught.value.sent
