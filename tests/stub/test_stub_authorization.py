"""The authorization matrix (issue 12): each endpoint that takes an id, a member or a
supply point, called on family B's object with family A's session (404: B's object does
not exist for A, neither 403 nor B's data), with no session (401), and with a session
of another tenant (401).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from stub_support import CLERK_KEY, PASSWORD, enrol, login
from support_accounts import etelka_row, sample_vat_number

import familycard

MARIA, LUCA = "RSSMRA15C45L304I", "RSSLCU17P10L304J"
EMAIL = "anna.rossi@example.it"
OTHER_EMAIL = "bruno.bianchi@example.it"
#: One clock for every tenant, so that no session outlives another's clock: a school day,
#: inside the utility's reading window.
NOW = "2026-03-03T10:07:00+01:00"
CUSTOMER, OTHER_CUSTOMER = "200001", "200002"
POD, OTHER_POD = "IT001E20000001", "IT001E20000002"
PARENT_B, CHILD_B = "nagy.peter@example.hu", "Nagy Dóra"


@dataclass
class World:
    """Per tenant: A's token, B's token, the other tenant's token; B's objects by name."""

    url: dict[str, str]
    token_a: dict[str, str]
    foreign: dict[str, str]
    objects: dict[str, str]


def _citycard(stub: Any) -> tuple[str, str, dict[str, str]]:
    url = stub.portal_url("tortona")
    rows = [
        {"child_tax_code": c, "child_name": "R R", "guardian_email": e, "service": "mensa"}
        for c, e in ((MARIA, EMAIL), (LUCA, OTHER_EMAIL))
    ]
    enrol(url, rows)
    tokens = []
    for tax_code, email, username in ((MARIA, EMAIL, "anna"), (LUCA, OTHER_EMAIL, "bruno")):
        with familycard.Client(url) as sdk:
            sdk.auth.register(tax_code=tax_code, email=email, username=username, password=PASSWORD)
        pin = str(stub.control.last_email(email, kind="pin").data["pin"])
        tokens.append(login(url, username, PASSWORD, pin))
    with httpx.Client(base_url=url + "/v1", headers=_bearer(tokens[1])) as b:
        recharge = b.post("/recharges", json={"tokens": 5}).json()
    objects = {"recharge": recharge["id"], "payment": recharge["payment_id"], "member": LUCA}
    return tokens[0], url, objects


def _utility(stub: Any) -> tuple[str, str, dict[str, str]]:
    url = stub.portal_url("energia")
    rows = [
        {
            "customer_code": code,
            "tax_code_or_vat": sample_vat_number(n),
            "customer_name": "CARLA NERI",
            "address": "VIA PO 1 59100 PRATO (PO)",
            "email": f"c{n}@example.it",
            "supply_point": point,
            "supply_kind": "electricity",
        }
        for code, n, point in ((CUSTOMER, 201, POD), (OTHER_CUSTOMER, 202, OTHER_POD))
    ]
    with familycard.Client(url, clerk_key=CLERK_KEY) as sdk:
        sdk.clerk.enroll_many(rows)
        sdk.auth.register(
            customer_code=CUSTOMER, vat=sample_vat_number(201), email="c201@example.it"
        )
    password = str(stub.control.last_email("c201@example.it", kind="credentials").data["password"])
    return login(url, CUSTOMER, password), url, {"point": OTHER_POD}


def _etelka(stub: Any) -> tuple[str, str, dict[str, str]]:
    url = stub.portal_url("jaszbereny")
    parents = (("kovacs.eva@example.hu", "eva", "Kovács Bence"), (PARENT_B, "peter", CHILD_B))
    enrol(url, [etelka_row(email=email, child=child) for email, _, child in parents])
    tokens = []
    for email, username, _ in parents:
        with familycard.Client(url) as sdk:
            sdk.auth.register(
                email=email,
                full_name="K K",
                username=username,
                password=PASSWORD,
                captcha="stub",
                accept_terms=True,
            )
            sdk.auth.activate(stub.control.last_email(email, kind="activation").data["link"])
        tokens.append(login(url, username, PASSWORD))
    with httpx.Client(base_url=url + "/v1", headers=_bearer(tokens[1])) as b:
        [member] = b.get("/members").json()
    return tokens[0], url, {"member_id": member["id"]}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


SETUP = {"tortona": _citycard, "energia": _utility, "jaszbereny": _etelka}
#: Whose session is the other tenant's: a cheap one to set up.
FOREIGN = {"tortona": "energia", "jaszbereny": "energia", "energia": "tortona"}


def world_of(stub: Any, tenant: str) -> World:
    """B's objects on `tenant`, A's session there, and a session valid on another tenant."""
    other = FOREIGN[tenant]
    stub.control.set_clock(NOW)
    foreign_token, foreign_url, _ = SETUP[other](stub)
    token, url, objects = SETUP[tenant](stub)
    with httpx.Client(base_url=foreign_url + "/v1", headers=_bearer(foreign_token)) as http:
        assert http.get("/auth/whoami").status_code == 200  # valid where it belongs
    return World(
        url={tenant: url}, token_a={tenant: token}, foreign={tenant: foreign_token}, objects=objects
    )


#: (tenant, method, path template, the request's body or query); `{x}` is B's object x.
MATRIX: list[Any] = [
    pytest.param("tortona", "GET", "/recharges/{recharge}", None, id="recharge-show"),
    pytest.param("tortona", "GET", "/payments/{payment}", None, id="payment-show"),
    pytest.param("tortona", "GET", "/payments/{payment}/receipt", None, id="payment-receipt"),
    pytest.param("tortona", "GET", "/services?member={member}", None, id="services-member"),
    pytest.param("tortona", "GET", "/services/mensa?member={member}", None, id="service-member"),
    pytest.param("tortona", "GET", "/tokens?member={member}", None, id="tokens-member"),
    pytest.param("tortona", "GET", "/recharges?member={member}", None, id="recharges-member"),
    pytest.param(
        "tortona", "POST", "/recharges", {"tokens": 5, "member": "{member}"}, id="recharge-member"
    ),
    pytest.param("jaszbereny", "GET", "/members/{member_id}", None, id="member-show"),
    pytest.param("jaszbereny", "GET", f"/members/{CHILD_B}", None, id="member-by-name"),
    pytest.param("jaszbereny", "GET", "/meals/calendar?member={member_id}", None, id="calendar"),
    pytest.param("jaszbereny", "GET", "/meals/orders?member={member_id}", None, id="orders"),
    pytest.param(
        "jaszbereny", "GET", "/meals/cancellable?member={member_id}", None, id="cancellable"
    ),
    pytest.param(
        "jaszbereny",
        "GET",
        "/meals/finalization?member={member_id}&month=2026-03",
        None,
        id="finalization-preview",
    ),
    pytest.param("jaszbereny", "GET", "/balances?member={member_id}", None, id="balances"),
    pytest.param("energia", "GET", "/supplies/{point}", None, id="supply-show"),
    pytest.param("energia", "GET", "/supplies/{point}/readings", None, id="readings"),
    pytest.param("energia", "GET", "/supplies/{point}/readings/windows", None, id="windows"),
    pytest.param(
        "energia", "POST", "/supplies/{point}/readings", {"meter": 100}, id="reading-submit"
    ),
    pytest.param(
        "energia", "DELETE", "/supplies/{point}/readings/2026-03-03", None, id="reading-delete"
    ),
    pytest.param("energia", "GET", "/supplies/{point}/invoices", None, id="invoices"),
    pytest.param("energia", "GET", "/supplies/{point}/consumption?year=2025", None, id="usage"),
]


def _request(world: World, tenant: str, method: str, path: str, body: Any, token: str | None):
    path = path.format(**world.objects)
    if isinstance(body, dict):
        body = {k: v.format(**world.objects) if isinstance(v, str) else v for k, v in body.items()}
    headers = _bearer(token) if token else {}
    with httpx.Client(base_url=world.url[tenant] + "/v1", headers=headers) as http:
        return http.request(method, path, json=body)


@pytest.mark.parametrize(("tenant", "method", "path", "body"), MATRIX)
def test_b_s_object_is_404_for_a_and_401_without_or_with_a_foreign_session(
    familycard_stub, tenant, method, path, body
):
    world = world_of(familycard_stub, tenant)
    values = (body or {}).values()
    sent = path.format(**world.objects) + " ".join(str(v).format(**world.objects) for v in values)
    response = _request(world, tenant, method, path, body, world.token_a[tenant])
    assert response.status_code == 404, response.text[:500]
    leaked = [v for v in world.objects.values() if v in response.text and v not in sent]
    assert not leaked, response.text[:500]
    assert _request(world, tenant, method, path, body, None).status_code == 401
    foreign = _request(world, tenant, method, path, body, world.foreign[tenant])
    assert foreign.status_code == 401, foreign.text[:500]
