"""The clerk's API refuses on its own: enrolment rows of every kind, credentials (R1.4),
elevation codes (R2.2), over raw HTTP with the clerk key.

The SDK checks an enrolment file row by row before sending it; here the rows go
straight to the stub, which must give each bad row its own outcome and store none of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support_accounts import (
    ANNA,
    CUSTOMER,
    EVA,
    GUARDIAN,
    GUARDIAN_EMAIL,
    LUCA,
    MARIA,
    OTHER_CUSTOMER,
    OTHER_VAT,
    PASSWORD,
    PETER,
    POD,
    Raw,
    citycard_row,
    citycard_user,
    entranext_row,
    etelka_row,
    ok,
    refused,
    utility_row,
)

from familycard.identifiers import sample_tax_code
from familycard.models.clerk import MAX_ENROLMENT_BATCH

STRANGER = "idegen@example.hu"
PAGOINRETE_ROW = {
    "guardian_tax_code": "VRDPLA82M41L219E",
    "child_tax_code": "VRDGLI15T03L219M",
    "child_name": "Giulio Verdi",
    "institution": "IC Parma Centro",
}


@pytest.fixture
def clerk(familycard_stub: Any) -> Iterator[Any]:
    """Raw clients per tenant, opened on demand, closed at the end."""
    opened: dict[str, Raw] = {}

    def open_(tenant: str) -> Raw:
        if tenant not in opened:
            opened[tenant] = Raw(familycard_stub, tenant)
        return opened[tenant]

    yield open_
    for raw in opened.values():
        raw.__exit__()


def batch(*rows: dict[str, str]) -> dict[str, Any]:
    return {"rows": [{"row": n, "data": row} for n, row in enumerate(rows, start=1)]}


def without(row: dict[str, str], column: str) -> dict[str, str]:
    return {k: v for k, v in row.items() if k != column}


# Enrolment rows ------------------------------------------------------------------------


BAD_ROWS = [
    pytest.param(
        "tortona",
        citycard_row(),
        citycard_row(LUCA, service="piscina"),
        "unknown_service",
        id="citycard-service",
    ),
    pytest.param(
        "tortona",
        citycard_row(),
        without(citycard_row(LUCA), "service"),
        "missing_field",
        id="citycard-no-service",
    ),
    pytest.param(
        "tortona",
        citycard_row(),
        citycard_row(LUCA[:-1] + "A"),
        "invalid_tax_code",
        id="citycard-tax-code",
    ),
    pytest.param(
        "tortona",
        citycard_row(),
        citycard_row(LUCA, email="anna@@example.it"),
        "invalid_email",
        id="citycard-email",
    ),
    pytest.param(
        "sala-baganza",
        entranext_row(),
        {**entranext_row("VRDPLA82M41L219E", "p@example.it"), "guardian_tax_code": "VRDPLA"},
        "invalid_tax_code",
        id="entranext-guardian",
    ),
    pytest.param(
        "jaszbereny",
        etelka_row(EVA),
        etelka_row(STRANGER, institution="Nemlétező Iskola"),
        "unknown_institution",
        id="etelka-institution",
    ),
    pytest.param(
        "jaszbereny",
        etelka_row(EVA),
        {**etelka_row(STRANGER), "age_group": "university"},
        "unknown_age_group",
        id="etelka-age-group",
    ),
    pytest.param(
        "pagoinrete",
        PAGOINRETE_ROW,
        {**PAGOINRETE_ROW, "child_tax_code": LUCA, "institution": "Liceo Inesistente"},
        "unknown_institution",
        id="pagoinrete-institution",
    ),
    pytest.param(
        "energia",
        utility_row(),
        utility_row(OTHER_CUSTOMER, OTHER_VAT, "IT001E20000002", supply_kind="water"),
        "invalid_supply_kind",
        id="utility-kind",
    ),
    pytest.param(
        "energia",
        utility_row(),
        utility_row(OTHER_CUSTOMER, OTHER_VAT, "IT001E20000002", has_corrector="yes"),
        "invalid_has_corrector",
        id="utility-electric-corrector",
    ),
    pytest.param(
        "energia",
        utility_row(),
        utility_row(OTHER_CUSTOMER, OTHER_VAT, "20881000000001"),
        "invalid_supply_point",
        id="utility-pdr-as-pod",
    ),
    pytest.param(
        "energia",
        utility_row(),
        utility_row("20000", OTHER_VAT, "IT001E20000002"),
        "invalid_customer_code",
        id="utility-customer-code",
    ),
]


@pytest.mark.parametrize(("tenant", "good", "bad", "code"), BAD_ROWS)
def test_a_bad_enrolment_row_is_refused_on_its_own_and_not_stored(clerk, tenant, good, bad, code):
    portal = clerk(tenant)
    results = ok(portal.post("/clerk/enrolments", clerk=True, json=batch(bad, good)))
    assert [r["status"] for r in results] == ["invalid", "created"]
    assert results[0]["error"]["code"] == code
    assert results[0]["key"] is None
    assert len(portal.enrolments()) == 1
    # No invitation for a bad row (etelka, R3.1), and none to anyone else either.
    assert [m.to for m in portal.stub.control.outbox()] == ([EVA] if tenant == "jaszbereny" else [])


def test_r3_1_an_enrolment_again_exists_and_invites_no_one_twice(clerk):
    portal = clerk("jaszbereny")
    portal.enrol(etelka_row(EVA))
    again = ok(portal.post("/clerk/enrolments", clerk=True, json=batch(etelka_row(EVA))))
    assert [r["status"] for r in again] == ["exists"]
    assert len(portal.enrolments()) == 1
    assert [m.kind for m in portal.emails(EVA)] == ["invitation"]


def test_a_row_twice_in_one_batch_is_enrolled_once(clerk):
    portal = clerk("tortona")
    results = ok(
        portal.post("/clerk/enrolments", clerk=True, json=batch(citycard_row(), citycard_row()))
    )
    assert [r["status"] for r in results] == ["created", "exists"]
    assert len(portal.enrolments()) == 1


def test_a_supply_point_of_another_customer_is_refused(clerk):
    portal = clerk("energia")
    portal.enrol(utility_row())
    other = utility_row(OTHER_CUSTOMER, OTHER_VAT, POD)
    results = ok(portal.post("/clerk/enrolments", clerk=True, json=batch(other)))
    assert results[0]["status"] == "failed"
    assert results[0]["error"]["code"] == "supply_point_taken"
    assert results[0]["error"]["details"] == {"supply_point": POD, "customer_code": CUSTOMER}
    assert [e["customer_code"] for e in portal.enrolments()] == [CUSTOMER]


def test_a_supply_point_twice_in_one_batch_goes_to_the_first_customer(clerk):
    portal = clerk("energia")
    rows = batch(utility_row(), utility_row(OTHER_CUSTOMER, OTHER_VAT, POD))
    results = ok(portal.post("/clerk/enrolments", clerk=True, json=rows))
    assert [r["status"] for r in results] == ["created", "failed"]
    assert results[1]["error"]["code"] == "supply_point_taken"
    assert [e["customer_code"] for e in portal.enrolments()] == [CUSTOMER]


def test_a_batch_over_the_limit_is_refused_whole(clerk):
    portal = clerk("tortona")
    rows = [citycard_row(sample_tax_code(n)) for n in range(MAX_ENROLMENT_BATCH + 1)]
    response = portal.post("/clerk/enrolments", clerk=True, json=batch(*rows))
    error = refused(response, 400, "invalid_request")
    assert error["details"]["problems"][0]["field"] == "rows"
    assert portal.enrolments() == []


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"limit": 0}, id="limit-0"),
        pytest.param({"limit": 5001}, id="limit-5001"),
        pytest.param({"after": -1}, id="after-negative"),
        pytest.param({"after": "first"}, id="after-text"),
    ],
)
def test_an_enrolment_page_out_of_bounds_is_refused(clerk, params):
    portal = clerk("tortona")
    refused(portal.get("/clerk/enrolments", clerk=True, params=params), 400, "invalid_request")


# R1.4 Regenerating credentials -----------------------------------------------------------


def test_r1_4_credentials_of_a_child_not_registered_are_not_found(clerk):
    portal = clerk("tortona")
    user = citycard_user(portal)
    portal.enrol(citycard_row(LUCA))
    response = portal.post("/clerk/reset-credentials", clerk=True, json={"tax_code": LUCA})
    refused(response, 404, "account_not_found")
    assert [m.kind for m in portal.emails(ANNA)] == ["pin"]
    # Maria's registration was not touched: her session and credentials still work.
    assert portal.whoami(user.token)["username"] == user.username
    assert portal.token(user.username, PASSWORD, pin=user.pin)


def test_x3_regenerated_credentials_reach_only_the_family_s_email(clerk):
    portal = clerk("tortona")
    user = citycard_user(portal)
    response = portal.post("/clerk/reset-credentials", clerk=True, json={"tax_code": MARIA})
    new = portal.last(ANNA, "credentials").data
    # The office is told that they were sent, never what they are.
    assert new["password"] not in response.text and new["pin"] not in response.text
    refused(portal.get("/auth/whoami", token=user.token), 401, "not_authenticated")
    refused(portal.login(user.username, PASSWORD, pin=user.pin), 401, "authentication_failed")
    assert portal.token(user.username, new["password"], pin=new["pin"])


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param({"tax_code": MARIA[:-1] + "A"}, "invalid_tax_code", id="check-letter"),
        pytest.param({}, "invalid_request", id="no-tax-code"),
    ],
)
def test_r1_4_credentials_need_a_valid_tax_code(clerk, body, code):
    portal = clerk("tortona")
    user = citycard_user(portal)
    refused(portal.post("/clerk/reset-credentials", clerk=True, json=body), 400, code)
    assert [m.kind for m in portal.emails(ANNA)] == ["pin"]
    assert portal.whoami(user.token)["username"] == user.username


def test_r1_4_only_a_portal_with_pins_regenerates_credentials(clerk):
    portal = clerk("jaszbereny")
    portal.enrol(etelka_row(EVA))
    response = portal.post("/clerk/reset-credentials", clerk=True, json={"tax_code": MARIA})
    error = refused(response, 400, "feature_not_supported")
    assert error["details"] == {"feature": "pin", "kind": "etelka"}
    assert [m.kind for m in portal.emails(EVA)] == ["invitation"]


# R2.2 Elevation codes --------------------------------------------------------------------


def test_r2_2_no_elevation_code_for_a_family_not_enrolled(clerk):
    portal = clerk("sala-baganza")
    portal.enrol(entranext_row())
    response = portal.post(
        "/clerk/elevation-codes", clerk=True, json={"tax_code": "VRDPLA82M41L219E"}
    )
    refused(response, 422, "not_enrolled")
    # A child's tax code is not the family's: only the guardian's counts.
    child = entranext_row()["child_tax_code"]
    refused(
        portal.post("/clerk/elevation-codes", clerk=True, json={"tax_code": child}),
        422,
        "not_enrolled",
    )
    assert portal.stub.control.outbox() == []


def test_r2_2_an_elevation_code_needs_a_valid_tax_code(clerk):
    portal = clerk("sala-baganza")
    portal.enrol(entranext_row())
    response = portal.post(
        "/clerk/elevation-codes", clerk=True, json={"tax_code": GUARDIAN[:-1] + "A"}
    )
    refused(response, 400, "invalid_tax_code")
    assert portal.emails(GUARDIAN_EMAIL) == []


@pytest.mark.parametrize("tenant", ["tortona", "jaszbereny", "pagoinrete", "energia"])
def test_r2_2_only_an_entranext_issues_elevation_codes(clerk, tenant):
    portal = clerk(tenant)
    response = portal.post("/clerk/elevation-codes", clerk=True, json={"tax_code": GUARDIAN})
    error = refused(response, 400, "feature_not_supported")
    assert error["details"]["feature"] == "elevation"
    assert portal.stub.control.outbox() == []


def test_each_tenant_lists_only_its_own_enrolments(clerk):
    tortona, jaszbereny = clerk("tortona"), clerk("jaszbereny")
    tortona.enrol(citycard_row())
    jaszbereny.enrol(etelka_row(PETER))
    assert [e["child_tax_code"] for e in tortona.enrolments()] == [MARIA]
    assert [e["guardian_email"] for e in jaszbereny.enrolments()] == [PETER]
