"""`client.services`: a child's active services, each with its detail (R1.5-R1.6, R1.8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sdk_support import error_body, stub_portal_info

import familycard
from familycard import _constants as C
from familycard.models.tokens import Service

CHILD = "GLLFNC16H15F205N"


def service(**changes) -> dict:
    fields = {
        "member": CHILD,
        "member_name": "Francesco Gallo",
        "service": "mensa",
        "name": "School canteen",
        "enrolled_since": date(2025, 9, 8),
        "balance": -3,
        "pending_tokens": 10,
        "token_price": {"value": "4.50", "currency": "EUR"},
        "token_multiple": 5,
        "last_attendance": date(2026, 2, 27),
    }
    return Service(**{**fields, **changes}).model_dump(mode="json")


@pytest.fixture
def citycard(portal):
    return stub_portal_info(portal, "citycard")


# list ----------------------------------------------------------------------------------


def test_r1_5_list_gets_the_active_services_typed(portal, client, citycard):
    route = portal.get("/services").respond(
        json=[service(), service(service="casa_dei_bambini", name="Casa dei bambini", balance=12)]
    )

    result = client.services.list()

    request = route.calls.last.request
    assert request.method == "GET"
    assert C.IDEMPOTENCY_HEADER not in request.headers
    assert request.url.query == b""
    assert [s.service for s in result] == ["mensa", "casa_dei_bambini"]
    mensa = result[0]
    assert isinstance(mensa, familycard.Service)
    assert mensa.balance == -3
    assert mensa.pending_tokens == 10
    assert mensa.token_price == familycard.Money(value=Decimal("4.50"), currency="EUR")
    assert mensa.token_multiple == 5
    assert mensa.enrolled_since == date(2025, 9, 8)
    assert mensa.last_attendance == date(2026, 2, 27)
    assert mensa.active is True


def test_list_for_one_child_sends_the_normalised_tax_code(portal, client, citycard):
    route = portal.get("/services").respond(json=[service()])

    client.services.list(member=" gllfnc16h15f205n ")

    assert dict(route.calls.last.request.url.params) == {"member": CHILD}


def test_list_refuses_a_malformed_tax_code_without_sending(portal, client, citycard):
    route = portal.get("/services").respond(json=[])

    with pytest.raises(familycard.InvalidInput) as caught:
        client.services.list(member="GLLFNC16H15F205X")

    assert caught.value.code == "invalid_tax_code"
    assert not route.called


def test_list_maps_a_child_not_enrolled_to_rule_violation(portal, client, citycard):
    portal.get("/services").respond(422, json=error_body("not_enrolled", member=CHILD))

    with pytest.raises(familycard.RuleViolation) as caught:
        client.services.list(member=CHILD)

    assert caught.value.code == "not_enrolled"
    assert caught.value.details == {"member": CHILD}


# get -----------------------------------------------------------------------------------


def test_r1_5_get_gets_one_services_detail(portal, client, citycard):
    route = portal.get("/services/casa_dei_bambini").respond(
        json=service(service="casa_dei_bambini", name="Casa dei bambini", last_attendance=None)
    )

    result = client.services.get(" casa_dei_bambini ", member=CHILD)

    assert route.calls.last.request.url.path == "/tortona/v1/services/casa_dei_bambini"
    assert dict(route.calls.last.request.url.params) == {"member": CHILD}
    assert result.name == "Casa dei bambini"
    assert result.last_attendance is None


def test_get_without_a_member_sends_no_query(portal, client, citycard):
    route = portal.get("/services/mensa").respond(json=service())

    client.services.get("mensa")

    assert route.calls.last.request.url.query == b""


def test_get_refuses_a_service_the_portal_does_not_know_without_sending(portal, client, citycard):
    route = portal.get("/services/piscina").respond(json=service())

    with pytest.raises(familycard.InvalidInput) as caught:
        client.services.get("piscina")

    assert caught.value.code == "unknown_service"
    assert caught.value.details == {"services": ["mensa", "casa_dei_bambini"]}
    assert not route.called


def test_get_maps_a_service_the_child_lacks_to_not_found(portal, client, citycard):
    portal.get("/services/mensa").respond(404, json=error_body("service_not_found"))

    with pytest.raises(familycard.NotFound) as caught:
        client.services.get("mensa")

    assert caught.value.code == "service_not_found"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.services.list(), id="list"),
        pytest.param(lambda c: c.services.get("mensa"), id="get"),
    ],
)
def test_services_need_the_tokens_feature_and_send_nothing_without_it(portal, client, call):
    stub_portal_info(portal, "etelka")
    routes = [
        portal.get("/services").respond(json=[]),
        portal.get("/services/mensa").respond(json=service()),
    ]

    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)

    assert caught.value.code == "feature_not_supported"
    assert caught.value.details == {"feature": "tokens", "kind": "etelka"}
    assert not any(r.called for r in routes)
