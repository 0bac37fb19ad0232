"""Absurd numbers, days and months sent to every stub endpoint that takes one: never a 500.

A bounded table, not a fuzzer: each endpoint taking an integer, an amount, a day, a
month or a duration gets a handful of values beyond its range (beyond SQLite's 64-bit
integers, beyond `Decimal`'s precision, year 0, year 9999, past 2100), and must refuse
them with a 4xx and the portal's error body, or answer them (a 2xx), never an HTTP 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from stub_support import (
    CLERK_KEY,
    citycard_child,
    clerk_api,
    enrol,
    entranext_family,
    etelka_parent,
    user_api,
)

import familycard
from familycard.identifiers import sample_vat_number

HUGE = [10**30, 2**63, 2**63 - 1, 5 * 2**61, -(2**63) - 1, -1, 0]
DAYS = ["0001-01-01", "9999-12-30", "9999-12-31", "2101-01-05", "1899-12-31"]
MONTHS = ["0000-01", "0001-01", "2101-01", "9999-12", "1899-12"]
AMOUNTS = ["1e30", "99999999999999999999999999999.99", "9223372036854775808", "-0", "1E-30"]

MARIA = "RSSMRA15C45L304I"  # tortona, the canteen
ANNA_IT = "anna.rossi@example.it"
EVA, BENCE = "kovacs.eva@example.hu", "Kovács Bence"  # jaszbereny
GIUSEPPE, ELENA = "BNCGPP80A01H223F", "BNCLNE16D52H223T"  # sala-baganza
GIUSEPPE_EMAIL = "giuseppe.bianchi@example.it"
CUSTOMER, POD = "200001", "IT001E20000001"  # energia
VAT = sample_vat_number(201)
NOW = "2026-03-03T10:07:00+01:00"


class Probe:
    """Sends requests and keeps the ones answered with a 5xx."""

    def __init__(self) -> None:
        self.sent = 0
        self.errors: list[str] = []

    def __call__(self, api: httpx.Client, method: str, path: str, **kwargs: Any) -> None:
        response = api.request(method, path, **kwargs)
        self.sent += 1
        if response.status_code >= 500:
            shown = {k: str(v)[:80] for k, v in kwargs.items()}
            self.errors.append(f"{method} {path} {shown} -> {response.status_code}")
        elif response.status_code >= 400:
            error = response.json()["error"]
            assert set(error) == {"code", "message", "details"}, error
            assert len(error["message"]) < 400, error["message"]


@pytest.fixture
def probe(familycard_stub: Any) -> Iterator[Probe]:
    familycard_stub.control.set_clock(NOW)
    found = Probe()
    yield found
    httpx.get(familycard_stub.url + "/_stub/clock")  # served once a failed request has logged
    assert found.errors == [], f"{len(found.errors)} of {found.sent} answered 5xx"


def test_tokens_and_payments_of_citycard(familycard_stub, probe):
    url = familycard_stub.portal_url("tortona")
    enrol(url, [{"child_tax_code": MARIA, "child_name": "Maria Rossi",
                 "guardian_email": ANNA_IT, "service": "mensa"}])  # fmt: skip
    with (
        citycard_child(familycard_stub, url, tax_code=MARIA, email=ANNA_IT, username="anna") as api,
        clerk_api(url) as clerk,
    ):
        for n in HUGE:
            probe(api, "POST", "/recharges", json={"tokens": n})
            probe(api, "POST", "/recharges", json={"top_up_to": n})
            probe(api, "GET", "/recharges/quote", params={"tokens": n})
            probe(api, "GET", "/recharges/quote", params={"top_up_to": n})
            probe(clerk, "GET", "/clerk/enrolments", params={"after": n, "limit": n})
        probe(api, "GET", "/recharges/quote", params={"top_up_to": "9" * 30})
        for month in MONTHS:
            probe(api, "GET", "/attendance", params={"month": month})
            body = {"tax_code": MARIA, "service": "mensa", "month": month}
            probe(clerk, "POST", "/clerk/attendance", json=body)
        for day in DAYS:
            body = {"tax_code": MARIA, "service": "mensa", "days": [day]}
            probe(clerk, "POST", "/clerk/attendance", json=body)
            probe(api, "GET", "/payments", params={"from": day, "to": day})
        for year in ["0000/0001", "9999/10000", "2100/2101", "0099/00"]:
            probe(api, "GET", "/payments", params={"school_year": year})


def test_meals_inbox_and_money_of_etelka(familycard_stub, probe):
    url = familycard_stub.portal_url("jaszbereny")
    enrol(url, [{"guardian_email": EVA, "child_name": BENCE,
                 "institution": "Petőfi Általános Iskola", "age_group": "primary"}])  # fmt: skip
    with (
        etelka_parent(familycard_stub, url, email=EVA, username="eva", name="Kovács Éva") as api,
        clerk_api(url) as clerk,
    ):
        for n in HUGE:
            probe(api, "POST", f"/inbox/{n}/read")
        for month in MONTHS:
            for path in ("/meals/calendar", "/meals/orders", "/meals/cancellable"):
                probe(api, "GET", path, params={"member": BENCE, "month": month})
            probe(api, "GET", "/meals/finalization", params={"member": BENCE, "month": month})
            body = {"member": BENCE, "month": month, "accept_terms": True}
            probe(api, "POST", "/meals/finalizations", json=body)
        for day in DAYS:
            for path in ("/meals/orders", "/meals/orders/remove", "/meals/cancellations"):
                probe(api, "POST", path, json={"member": BENCE, "days": [day]})
            body = {"member": BENCE, "days": ["2026-03-11"], "similar_to": day}
            probe(api, "POST", "/meals/orders", json=body)
            probe(api, "GET", "/board", params={"from": day, "to": day})
        for amount in AMOUNTS:
            money = {"value": amount, "currency": "HUF"}
            for path in ("/clerk/cash-payments", "/clerk/refunds", "/clerk/charges"):
                probe(clerk, "POST", path, json={"member": BENCE, "amount": money})


def test_notices_of_entranext(familycard_stub, probe):
    url = familycard_stub.portal_url("sala-baganza")
    enrol(url, [{"guardian_tax_code": GIUSEPPE, "guardian_name": "Giuseppe Bianchi",
                 "guardian_email": GIUSEPPE_EMAIL, "child_tax_code": ELENA,
                 "child_name": "Elena Bianchi", "service": "scuola_infanzia"}])  # fmt: skip
    with (
        entranext_family(
            familycard_stub, url, tax_code=GIUSEPPE, name="Giuseppe", email=GIUSEPPE_EMAIL
        ) as api,
        clerk_api(url) as clerk,
    ):
        for month in MONTHS:
            probe(api, "GET", "/meals-consumed", params={"month": month})
        rows = [
            {"tax_code": ELENA, "subject": "Retta", "amount": amount, "due_on": "2026-01-31"}
            for amount in AMOUNTS
        ] + [
            {"tax_code": ELENA, "subject": "Retta", "amount": "10.00", "due_on": day}
            for day in DAYS
        ]
        batch = {"rows": [{"row": n, "data": row} for n, row in enumerate(rows, start=1)]}
        probe(clerk, "POST", "/clerk/notices", json=batch)
        meals = [
            {"child_tax_code": ELENA, "day": day, "service": "mensa", "meals": "1"} for day in DAYS
        ] + [
            {"child_tax_code": ELENA, "day": "2026-01-09", "service": "mensa", "meals": str(n)}
            for n in HUGE
        ]
        batch = {"rows": [{"row": n, "data": row} for n, row in enumerate(meals, start=1)]}
        probe(clerk, "POST", "/clerk/meals-consumed", json=batch)


def test_supplies_of_the_utility(familycard_stub, probe):
    url = familycard_stub.portal_url("energia")
    row = {"customer_code": CUSTOMER, "tax_code_or_vat": VAT, "customer_name": "CARLA NERI",
           "address": "VIA PO 1 59100 PRATO (PO)", "email": "c@example.it",
           "supply_point": POD, "supply_kind": "electricity", "has_corrector": "no"}  # fmt: skip
    with familycard.Client(url, clerk_key=CLERK_KEY) as client:
        client.clerk.enroll_many([row])
        client.auth.register(customer_code=CUSTOMER, vat=VAT, email="c@example.it")
    mail = familycard_stub.control.last_email("c@example.it", kind="credentials")
    with user_api(url, CUSTOMER, str(mail.data["password"])) as api:
        for n in HUGE:
            probe(api, "GET", f"/supplies/{POD}/invoices", params={"year": n})
            probe(api, "GET", f"/supplies/{POD}/consumption", params={"year": n})
            probe(api, "POST", f"/supplies/{POD}/readings", json={"meter": n})
            probe(api, "POST", f"/supplies/{POD}/readings", json={"meter": 1, "corrector": n})
        for day in DAYS:
            probe(api, "GET", f"/supplies/{POD}/measures", params={"from": day, "to": day})
            probe(api, "GET", f"/supplies/{POD}/measures", params={"from": day, "to": "9999-12-31"})
            body = {"meter": 1, "reading_date": day}
            probe(api, "POST", f"/supplies/{POD}/readings", json=body)
            probe(api, "DELETE", f"/supplies/{POD}/readings/{day}")


def test_the_control_api(familycard_stub, probe):
    with httpx.Client(base_url=familycard_stub.url + "/_stub") as control:
        for text in ["99999999999d", "9" * 5000 + "s", "36526d", "1" * 30 + "w"]:
            probe(control, "POST", "/clock", json={"advance": text})
        for when in ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"]:
            probe(control, "POST", "/clock", json={"set": when})
        probe(control, "POST", "/clock", json={"set": "2100-12-31T12:00:00+00:00"})
        probe(control, "POST", "/clock", json={"advance": "36525d"})
        for n in HUGE:
            for name in ("latency_ms", "fail_next", "drop_next", "retry_after"):
                probe(control, "PUT", "/faults", json={name: n})
            probe(control, "PUT", "/faults", json={"error_rate": n})
        probe(control, "POST", "/reset", json={})
