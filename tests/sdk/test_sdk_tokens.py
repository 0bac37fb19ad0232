"""`client.tokens`: token balances and attendance (R1.6-R1.7)."""

from __future__ import annotations

from datetime import date

import pytest
from sdk_support import error_body, stub_portal_info

import familycard
from familycard import _constants as C
from familycard.models.tokens import Attendance, TokenBalance

CHILD = "GLLFNC16H15F205N"
SISTER = "BNCLNE16D52H223T"


def balance(**changes) -> dict:
    fields = {"member": CHILD, "member_name": "Francesco Gallo", "service": "mensa", "balance": 7}
    return TokenBalance(**{**fields, **changes}).model_dump(mode="json")


def attendance(**changes) -> dict:
    fields = {
        "member": CHILD,
        "service": "mensa",
        "month": "2026-02",
        "days": [date(2026, 2, 2), date(2026, 2, 3), date(2026, 2, 5)],
        "tokens_consumed": 3,
    }
    return Attendance(**{**fields, **changes}).model_dump(mode="json")


@pytest.fixture
def citycard(portal):
    return stub_portal_info(portal, "citycard")


# balances ------------------------------------------------------------------------------


def test_r1_6_balances_get_the_balance_per_child_and_service_negative_in_debit(
    portal, client, citycard
):
    route = portal.get("/tokens").respond(
        json=[balance(), balance(member=SISTER, member_name="Elena Bianchi", balance=-4)]
    )

    result = client.tokens.balances()

    request = route.calls.last.request
    assert request.method == "GET"
    assert request.url.query == b""
    assert C.IDEMPOTENCY_HEADER not in request.headers
    assert all(isinstance(b, familycard.TokenBalance) for b in result)
    assert [(b.member, b.balance) for b in result] == [(CHILD, 7), (SISTER, -4)]


def test_balances_send_the_normalised_member_and_service(portal, client, citycard):
    route = portal.get("/tokens").respond(json=[balance(service="casa_dei_bambini")])

    result = client.tokens.balances(member="gllfnc16h15f205n", service=" casa_dei_bambini ")

    assert dict(route.calls.last.request.url.params) == {
        "member": CHILD,
        "service": "casa_dei_bambini",
    }
    assert result[0].service == "casa_dei_bambini"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        pytest.param({"service": "piscina"}, "unknown_service", id="unknown-service"),
        pytest.param({"member": "GLLFNC16H15F205"}, "invalid_tax_code", id="short-tax-code"),
    ],
)
def test_balances_refuse_bad_filters_without_sending(portal, client, citycard, kwargs, code):
    route = portal.get("/tokens").respond(json=[])

    with pytest.raises(familycard.InvalidInput) as caught:
        client.tokens.balances(**kwargs)

    assert caught.value.code == code
    assert not route.called


def test_balances_map_an_unknown_child_to_not_found(portal, client, citycard):
    portal.get("/tokens").respond(404, json=error_body("member_not_found", member=SISTER))

    with pytest.raises(familycard.NotFound) as caught:
        client.tokens.balances(member=SISTER)

    assert caught.value.code == "member_not_found"
    assert caught.value.details == {"member": SISTER}


# attendance ----------------------------------------------------------------------------


def test_r1_7_attendance_gets_the_days_of_a_month(portal, client, citycard):
    route = portal.get("/attendance").respond(json=[attendance()])

    result = client.tokens.attendance(" 2026-02 ")

    assert dict(route.calls.last.request.url.params) == {"month": "2026-02"}
    (month,) = result
    assert isinstance(month, familycard.Attendance)
    assert month.days == [date(2026, 2, 2), date(2026, 2, 3), date(2026, 2, 5)]
    assert month.tokens_consumed == 3


def test_r1_7_attendance_sends_service_and_member(portal, client, citycard):
    route = portal.get("/attendance").respond(json=[attendance(service="casa_dei_bambini")])

    client.tokens.attendance("2026-02", service="casa_dei_bambini", member=CHILD.lower())

    assert dict(route.calls.last.request.url.params) == {
        "month": "2026-02",
        "service": "casa_dei_bambini",
        "member": CHILD,
    }


@pytest.mark.parametrize(
    ("month", "kwargs", "code"),
    [
        pytest.param("2026-13", {}, "invalid_month", id="month-13"),
        pytest.param("02/2026", {}, "invalid_month", id="wrong-format"),
        pytest.param("2026-00", {}, "invalid_month", id="month-0"),
        pytest.param("2026-02", {"service": "bus"}, "unknown_service", id="unknown-service"),
        pytest.param("2026-02", {"member": "123"}, "invalid_tax_code", id="bad-member"),
    ],
)
def test_attendance_refuses_bad_input_without_sending(
    portal, client, citycard, month, kwargs, code
):
    route = portal.get("/attendance").respond(json=[])

    with pytest.raises(familycard.InvalidInput) as caught:
        client.tokens.attendance(month, **kwargs)

    assert caught.value.code == code
    assert not route.called


def test_attendance_maps_a_service_not_enrolled_to_rule_violation(portal, client, citycard):
    portal.get("/attendance").respond(422, json=error_body("not_enrolled"))

    with pytest.raises(familycard.RuleViolation) as caught:
        client.tokens.attendance("2026-02", service="casa_dei_bambini")

    assert caught.value.code == "not_enrolled"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.tokens.balances(), id="balances"),
        pytest.param(lambda c: c.tokens.attendance("2026-02"), id="attendance"),
    ],
)
def test_tokens_need_the_tokens_feature_and_send_nothing_without_it(portal, client, call):
    stub_portal_info(portal, "pagoinrete")
    routes = [portal.get("/tokens").respond(json=[]), portal.get("/attendance").respond(json=[])]

    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)

    assert caught.value.code == "feature_not_supported"
    assert not any(r.called for r in routes)


def test_a_portal_without_a_services_list_accepts_any_service_code(portal, client):
    stub_portal_info(portal, "citycard", policy={"services": None})
    route = portal.get("/tokens").respond(json=[balance(service="piscina")])

    client.tokens.balances(service="piscina")

    assert dict(route.calls.last.request.url.params) == {"service": "piscina"}
