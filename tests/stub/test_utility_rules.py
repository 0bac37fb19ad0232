"""The portal itself enforces the utility rules (R5.3, R5.9, R5.11-R5.14).

The SDK refuses these before sending; here plain httpx sends them anyway, to show
the stub refuses them too, with the same codes and nothing stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from stub_support import Relogin

import familycard
from familycard.identifiers import sample_vat_number

CLERK_KEY = "stub-clerk-key"
CUSTOMER, VAT, EMAIL = "200001", sample_vat_number(201), "c@example.it"
POD, PDR, OTHER_PDR = "IT001E20000001", "20881000000001", "20881000000002"
ROWS = [
    {
        "customer_code": CUSTOMER,
        "tax_code_or_vat": VAT,
        "customer_name": "CARLA NERI",
        "address": "VIA PO 1 59100 PRATO (PO)",
        "email": EMAIL,
        "supply_point": point,
        "supply_kind": kind,
        "has_corrector": corrector,
    }
    for point, kind, corrector in ((POD, "electricity", "no"), (PDR, "gas", "yes"))
]


@pytest.fixture
def api(familycard_stub: Any) -> Iterator[httpx.Client]:
    """httpx on energia's API as a logged-in customer, the clock inside the March window."""
    familycard_stub.control.set_clock("2026-03-03T10:07:00+01:00")
    url = familycard_stub.portal_url("energia")
    other = {**ROWS[1], "customer_code": "200002", "supply_point": OTHER_PDR}
    client = familycard.Client(url, clerk_key=CLERK_KEY)
    client.clerk.enroll_many([*ROWS, other])
    client.auth.register(customer_code=CUSTOMER, vat=VAT, email=EMAIL)
    password = familycard_stub.control.last_email(EMAIL, kind="credentials").data["password"]
    auth = Relogin(lambda: client.auth.login(CUSTOMER, password).token)
    with client, httpx.Client(base_url=url + "/v1", auth=auth) as http:
        yield http


def refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def readings(api: httpx.Client, point: str = PDR) -> list[dict[str, Any]]:
    response = api.get(f"/supplies/{point}/readings")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["readings"]
    return found


def test_r5_11_the_stub_refuses_a_reading_outside_the_window(api, familycard_stub):
    familycard_stub.control.set_clock("2026-03-08T00:00:00+01:00")
    response = api.post(f"/supplies/{PDR}/readings", json={"meter": 1500, "corrector": 1450})
    refused(response, 422, "reading_outside_window")
    assert readings(api) == []


def test_r5_12_the_stub_checks_the_corrector_reading(api):
    refused(api.post(f"/supplies/{PDR}/readings", json={"meter": 1500}), 422,
            "corrector_reading_required")  # fmt: skip
    refused(api.post(f"/supplies/{POD}/readings", json={"meter": 9, "corrector": 1}), 422,
            "corrector_reading_not_allowed")  # fmt: skip
    assert readings(api) == []


def test_r5_13_the_stub_refuses_a_second_reading_of_the_day(api):
    body = {"meter": 1500, "corrector": 1450}
    assert api.post(f"/supplies/{PDR}/readings", json=body).status_code == 200
    again = api.post(f"/supplies/{PDR}/readings", json={"meter": 1501, "corrector": 1451})
    refused(again, 422, "reading_already_submitted_today")
    assert [r["meter"] for r in readings(api)] == [1500]


def test_r5_14_the_stub_acquires_on_its_clock_and_then_refuses_deletion(api, familycard_stub):
    sent = api.post(f"/supplies/{PDR}/readings", json={"meter": 1500, "corrector": 1450})
    assert sent.status_code == 200, sent.text
    familycard_stub.control.advance_clock("23m")
    refused(api.delete(f"/supplies/{PDR}/readings/2026-03-03"), 422, "reading_already_acquired")
    assert [r["status"] for r in readings(api)] == ["acquired"]


def test_the_stub_refuses_a_reading_below_the_last_acquired(api, familycard_stub):
    sent = api.post(f"/supplies/{PDR}/readings", json={"meter": 1500, "corrector": 1450})
    assert sent.status_code == 200, sent.text
    familycard_stub.control.advance_clock("1d")
    lower = api.post(f"/supplies/{PDR}/readings", json={"meter": 1499, "corrector": 1450})
    refused(lower, 422, "reading_decreasing")
    replaced = {"meter": 2, "corrector": 1, "meter_replaced": True}
    assert api.post(f"/supplies/{PDR}/readings", json=replaced).status_code == 200


def test_r5_3_the_stub_serves_only_the_customer_s_own_supply_points(api):
    refused(api.get(f"/supplies/{OTHER_PDR}/readings"), 404, "supply_point_not_found")
    refused(api.get("/supplies/IT001X20000001"), 400, "invalid_supply_point")


def test_r5_9_the_stub_refuses_measures_of_gas(api):
    response = api.get(
        f"/supplies/{PDR}/measures", params={"from": "2026-03-01", "to": "2026-03-01"}
    )
    refused(response, 400, "feature_not_supported")
