"""More of the utility rules the portal itself enforces (R5.4, R5.7, R5.9-R5.14).

The companion of test_utility_rules.py, for the codes it does not reach: plain httpx
sends what the SDK would refuse before sending, and the readings, invoices and
documents are read back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from stub_support import ok, refused, user_api

import familycard
from familycard.identifiers import sample_vat_number

CLERK_KEY = "stub-clerk-key"
CUSTOMER, OTHER_CUSTOMER = "200001", "200002"
VAT, EMAIL, OTHER_EMAIL = sample_vat_number(201), "c@example.it", "d@example.it"
POD, PDR, OTHER_PDR = "IT001E20000001", "20881000000001", "20881000000002"
ROWS = [
    {
        "customer_code": code,
        "tax_code_or_vat": VAT,
        "customer_name": name,
        "address": "VIA PO 1 59100 PRATO (PO)",
        "email": email,
        "supply_point": point,
        "supply_kind": kind,
        "has_corrector": corrector,
    }
    for code, name, email, point, kind, corrector in (
        (CUSTOMER, "CARLA NERI", EMAIL, POD, "electricity", "no"),
        (CUSTOMER, "CARLA NERI", EMAIL, PDR, "gas", "yes"),
        (OTHER_CUSTOMER, "DINO NERI", OTHER_EMAIL, OTHER_PDR, "gas", "yes"),
    )
]
#: Tuesday 3 March 2026, inside the March self-reading window (days 1-7).
TUESDAY = "2026-03-03T10:07:00+01:00"


@pytest.fixture
def portal(familycard_stub: Any) -> Iterator[familycard.Client]:
    familycard_stub.control.set_clock(TUESDAY)
    url = familycard_stub.portal_url("energia")
    with familycard.Client(url, clerk_key=CLERK_KEY) as client:
        client.clerk.enroll_many(ROWS)
        yield client


def customer(stub: Any, client: familycard.Client, code: str, email: str) -> httpx.Client:
    client.auth.register(customer_code=code, vat=VAT, email=email)
    password = str(stub.control.last_email(email, kind="credentials").data["password"])
    return user_api(client.portal_url, code, password)


@pytest.fixture
def api(familycard_stub: Any, portal: familycard.Client) -> Iterator[httpx.Client]:
    """Carla (a POD and a PDR with a corrector) logged in."""
    with customer(familycard_stub, portal, CUSTOMER, EMAIL) as http:
        yield http


@pytest.fixture
def other(familycard_stub: Any, portal: familycard.Client) -> Iterator[httpx.Client]:
    """Dino, another customer, logged in."""
    with customer(familycard_stub, portal, OTHER_CUSTOMER, OTHER_EMAIL) as http:
        yield http


def readings(api: httpx.Client, point: str = PDR) -> list[tuple[str, int, str]]:
    found = ok(api.get(f"/supplies/{point}/readings"))["readings"]
    return [(r["reading_date"], r["meter"], r["status"]) for r in found]


# Self-readings (R5.11-R5.14) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "body", "status", "code"),
    [
        pytest.param(PDR, {"meter": -1, "corrector": 1}, 400, "invalid_reading",
                     id="negative-meter"),
        pytest.param(PDR, {"meter": 1, "corrector": 100_000_000}, 400, "invalid_reading",
                     id="corrector-too-large"),
        pytest.param(POD, {"meter": 100_000_000}, 400, "invalid_reading", id="meter-too-large"),
        pytest.param(PDR, {"meter": 1500, "corrector": 1450, "reading_date": "2026-03-04"}, 400,
                     "invalid_reading_date", id="tomorrow"),
        pytest.param(PDR, {"meter": 1500, "corrector": 1450, "reading_date": "2026-02-28"}, 422,
                     "reading_outside_window", id="before-the-window-opened"),
        pytest.param(PDR, {"meter": 1.5, "corrector": 1450}, 400, "invalid_request",
                     id="not-whole"),
    ],
)  # fmt: skip
def test_r5_12_the_stub_checks_a_reading_s_values_and_day(api, point, body, status, code):
    refused(api.post(f"/supplies/{point}/readings", json=body), status, code)
    assert readings(api, point) == []


def test_r5_13_a_reading_dated_before_the_last_acquired_is_refused(api, familycard_stub):
    sent = api.post(f"/supplies/{PDR}/readings", json={"meter": 1500, "corrector": 1450})
    assert sent.status_code == 200, sent.text
    familycard_stub.control.advance_clock("1d")  # acquired; now 4 March
    earlier = {"meter": 1600, "corrector": 1550, "reading_date": "2026-03-02"}
    error = refused(api.post(f"/supplies/{PDR}/readings", json=earlier), 422, "reading_decreasing")
    assert error["details"] == {"last_acquired_date": "2026-03-03"}
    assert readings(api) == [("2026-03-03", 1500, "acquired")]


def test_r5_14_deleting_a_reading_that_does_not_exist_is_refused(api):
    sent = api.post(f"/supplies/{PDR}/readings", json={"meter": 1500, "corrector": 1450})
    assert sent.status_code == 200, sent.text
    refused(api.delete(f"/supplies/{PDR}/readings/2026-03-02"), 404, "reading_not_found")
    refused(api.delete(f"/supplies/{POD}/readings/2026-03-03"), 404, "reading_not_found")
    assert readings(api) == [("2026-03-03", 1500, "pending")]


def test_r5_3_another_customer_s_readings_stay_theirs(api, other):
    sent = other.post(f"/supplies/{OTHER_PDR}/readings", json={"meter": 10, "corrector": 9})
    assert sent.status_code == 200, sent.text
    body = {"meter": 11, "corrector": 10}
    refused(api.post(f"/supplies/{OTHER_PDR}/readings", json=body), 404, "supply_point_not_found")
    refused(api.delete(f"/supplies/{OTHER_PDR}/readings/2026-03-03"), 404,
            "supply_point_not_found")  # fmt: skip
    assert readings(other, OTHER_PDR) == [("2026-03-03", 10, "pending")]


# Invoices and consumption (R5.4, R5.7) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "year"),
    [
        pytest.param("invoices", 2013, id="invoices-before-2014"),
        pytest.param("invoices", 2027, id="invoices-next-year"),
        pytest.param("consumption", 2013, id="consumption-before-2014"),
        pytest.param("consumption", 2027, id="consumption-next-year"),
    ],
)
def test_r5_4_invoices_and_consumption_are_kept_from_2014_to_now(api, path, year):
    refused(api.get(f"/supplies/{POD}/{path}", params={"year": year}), 400, "invalid_year")


def test_r5_4_another_customer_s_invoice_is_not_found(api, other):
    [theirs, *_] = ok(other.get(f"/supplies/{OTHER_PDR}/invoices", params={"year": 2025}))
    refused(api.get(f"/invoices/{theirs['id']}"), 404, "invoice_not_found")
    refused(api.get(f"/invoices/{theirs['id']}/document"), 404, "invoice_not_found")
    refused(api.get("/invoices/F202601XXXXXX"), 404, "invoice_not_found")
    assert ok(other.get(f"/invoices/{theirs['id']}"))["supply_point"] == OTHER_PDR


def test_r5_4_an_invoice_without_a_pdf_says_so(api):
    found = [
        invoice
        for point in (POD, PDR)
        for invoice in ok(api.get(f"/supplies/{point}/invoices"))
        if not invoice["has_document"]
    ]
    assert found, "about one invoice in six has no PDF"
    error = refused(
        api.get(f"/invoices/{found[0]['id']}/document"), 404, "invoice_document_missing"
    )
    assert error["details"] == {"invoice": found[0]["id"]}


# Measures (R5.9) and documents (R5.10) --------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "code"),
    [
        pytest.param({"from": "2026-03-02", "to": "2026-03-01"}, "invalid_interval",
                     id="backwards"),
        pytest.param({"from": "2025-02-28", "to": "2026-03-01"}, "interval_too_long",
                     id="367-days"),
        pytest.param({"from": "2026-03-01"}, "invalid_request", id="no-end"),
    ],
)  # fmt: skip
def test_r5_9_measures_are_asked_for_an_interval_of_days(api, params, code):
    refused(api.get(f"/supplies/{POD}/measures", params=params), 400, code)


def test_r5_10_only_the_customer_s_own_documents_are_served(api, other):
    refused(api.get(f"/documents/contract-{OTHER_PDR}/file"), 404, "document_not_found")
    refused(api.get("/documents/general-nothing/file"), 404, "document_not_found")
    refused(api.get("/documents", params={"category": "secret"}), 400, "invalid_request")
    assert other.get(f"/documents/contract-{OTHER_PDR}/file").status_code == 200


# Bounds: beyond the calendar, beyond SQLite ------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "until"), [("9999-12-30", "9999-12-31"), ("0001-01-01", "0001-01-02")]
)
def test_r5_9_measures_beyond_the_calendar_are_refused(api, since, until):
    response = api.get(f"/supplies/{POD}/measures", params={"from": since, "to": until})
    refused(response, 400, "date_out_of_range")
