"""`client.members`: the members an etelka account manages, and the clerk's billing data
(R3.10, R3.13-R3.14)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sdk_support import error_body, sent_json, stub_portal_info

import familycard
from familycard import _constants as C
from familycard.models.meals import BillingData, MealOffer, Member


def huf(value: str) -> dict:
    return {"value": value, "currency": "HUF"}


def member(**changes) -> dict:
    lunch = MealOffer(
        meal="lunch",
        places=["Lehel Vezér Gimnázium", "Kollégium"],
        menus=["A", "B"],
        price=huf("720"),
        subsidy=huf("100"),
    )
    breakfast = MealOffer(
        meal="breakfast", places=["Kollégium"], price=huf("290"), subsidy=huf("0")
    )
    fields = {
        "id": "kovacs-bence-1a2b",
        "name": "Kovács Bence",
        "institution": "Lehel Vezér Gimnázium",
        "age_group": "secondary",
        "age_group_name": "Középiskolás",
        "services": ["meals"],
        "offer": {"mon": [breakfast, lunch], "fri": [lunch]},
    }
    return Member(**{**fields, **changes}).model_dump(mode="json")


@pytest.fixture
def etelka(portal):
    return stub_portal_info(portal, "etelka")


# list, get -----------------------------------------------------------------------------


def test_r3_10_list_gets_the_members_with_their_offer(portal, client, etelka):
    route = portal.get("/members").respond(json=[member(), member(id="kovacs-anna-9f9f")])

    result = client.members.list()

    assert route.calls.last.request.method == "GET"
    assert [m.id for m in result] == ["kovacs-bence-1a2b", "kovacs-anna-9f9f"]
    first = result[0]
    assert isinstance(first, familycard.Member)
    assert first.age_group == "secondary"
    assert sorted(first.offer) == ["fri", "mon"]
    lunch = first.offer["mon"][1]
    assert lunch.meal == "lunch"
    assert lunch.places == ["Lehel Vezér Gimnázium", "Kollégium"]
    assert lunch.menus == ["A", "B"]
    assert lunch.price == familycard.Money(value=Decimal("720"), currency="HUF")
    assert lunch.subsidy.value == Decimal("100")
    assert first.billing is None


def test_list_of_no_members_is_empty(portal, client, etelka):
    portal.get("/members").respond(json=[])

    assert client.members.list() == []


@pytest.mark.parametrize(
    ("given", "raw_path"),
    [
        pytest.param("kovacs-bence-1a2b", b"/tortona/v1/members/kovacs-bence-1a2b", id="id"),
        pytest.param(
            " Kovács Bence ",
            b"/tortona/v1/members/Kov%C3%A1cs%20Bence",
            id="name-quoted-and-stripped",
        ),
        pytest.param("a/b?c", b"/tortona/v1/members/a%2Fb%3Fc", id="slash-and-question-mark"),
    ],
)
def test_get_quotes_the_member_into_one_path_segment(portal, client, etelka, given, raw_path):
    route = portal.route(method="GET", path__startswith="/members/").respond(json=member())

    result = client.members.get(given)

    assert route.calls.last.request.url.raw_path == raw_path
    assert result.name == "Kovács Bence"


def test_get_maps_an_unknown_member_to_not_found(portal, client, etelka):
    portal.get("/members/nobody").respond(404, json=error_body("member_not_found", "no such"))

    with pytest.raises(familycard.NotFound) as caught:
        client.members.get("nobody")

    assert caught.value.code == "member_not_found"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.members.list(), id="list"),
        pytest.param(lambda c: c.members.get("x"), id="get"),
        pytest.param(lambda c: c.members.set_billing("x", name="n", address="a"), id="billing"),
    ],
)
def test_members_need_the_meals_feature_and_send_nothing_without_it(portal, client, call):
    info = stub_portal_info(portal, "citycard")
    sent = [
        portal.get("/members").respond(json=[]),
        portal.get("/members/x").respond(json=member()),
        portal.put("/clerk/billing").respond(json=member()),
    ]

    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)

    assert caught.value.code == "feature_not_supported"
    assert caught.value.details["feature"] == "meals"
    assert info.call_count == 1
    assert not any(route.called for route in sent)


# set_billing ---------------------------------------------------------------------------


def test_r3_13_set_billing_puts_the_trimmed_data_with_a_key(portal, client, etelka):
    billing = BillingData(name="Kovács Éva", address="Jászberény, Fő tér 1", tax_number="8123")
    route = portal.put("/clerk/billing").respond(json=member(billing=billing))

    result = client.members.set_billing(
        "kovacs-bence-1a2b",
        name="  Kovács Éva ",
        address=" Jászberény, Fő tér 1 ",
        tax_number=" 8123 ",
        idempotency_key="bill-1",
    )

    assert route.calls.last.request.headers[C.IDEMPOTENCY_HEADER] == "bill-1"
    assert sent_json(route) == {
        "member": "kovacs-bence-1a2b",
        "name": "Kovács Éva",
        "address": "Jászberény, Fő tér 1",
        "tax_number": "8123",
    }
    assert result.billing == billing


def test_set_billing_leaves_out_a_blank_tax_number(portal, client, etelka):
    route = portal.put("/clerk/billing").respond(json=member())

    client.members.set_billing(
        "kovacs-bence-1a2b", name="Kovács Éva", address="Fő tér 1", tax_number="  "
    )

    assert "tax_number" not in sent_json(route)


@pytest.mark.parametrize(
    ("name", "address"),
    [pytest.param("  ", "Fő tér 1", id="blank-name"), pytest.param("Éva", "", id="no-address")],
)
def test_set_billing_without_name_or_address_is_refused_without_sending(
    portal, client, etelka, name, address
):
    route = portal.put("/clerk/billing").respond(json=member())

    with pytest.raises(familycard.InvalidInput) as caught:
        client.members.set_billing("kovacs-bence-1a2b", name=name, address=address)

    assert caught.value.code == "missing_field"
    assert not route.called


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        pytest.param(403, "permission_denied", familycard.PermissionDenied, id="no-clerk-key"),
        pytest.param(404, "member_not_found", familycard.NotFound, id="unknown-member"),
    ],
)
def test_set_billing_maps_the_portals_refusal(portal, client, etelka, status, code, error):
    portal.put("/clerk/billing").respond(status, json=error_body(code))

    with pytest.raises(error) as caught:
        client.members.set_billing("x", name="Éva", address="Fő tér 1")

    assert caught.value.code == code
