"""The pagoPA portals themselves enforce the notice rules (R2.2-R2.4, R4.4-R4.5).

The SDK refuses these before sending; here plain httpx sends them anyway, to show the
stub refuses them too, with the same codes, and that nothing was charged or held:
every notice stays due, with no checkout holding it, and no payment exists.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from stub_support import (
    clerk_api,
    enrol,
    entranext_family,
    ok,
    pagoinrete_family,
    refused,
)

from familycard.identifiers import make_tax_code

#: A Monday morning in Rome.
NOW = "2026-01-12T09:00:00+01:00"
DUE = "2026-01-31"


def tax_code(surname: str, name: str, year: int, *, female: bool = False) -> str:
    return make_tax_code(
        surname=surname,
        name=name,
        birth_date=datetime.date(year, 3, 5),
        female=female,
        municipality="H223",
    )


# Entranext (sala-baganza): Giuseppe with Elena; the Ferraris, another family.
GIUSEPPE, ELENA = "BNCGPP80A01H223F", "BNCLNE16D52H223T"
GIUSEPPE_EMAIL = "giuseppe.bianchi@example.it"
FERRARI, LIA = tax_code("Ferrari", "Carlo", 1979), tax_code("Ferrari", "Lia", 2017, female=True)
ENTRANEXT_ROWS = [
    {"guardian_tax_code": GIUSEPPE, "guardian_name": "Giuseppe Bianchi",
     "guardian_email": GIUSEPPE_EMAIL, "child_tax_code": ELENA, "child_name": "Elena Bianchi",
     "service": "scuola_infanzia"},
    {"guardian_tax_code": FERRARI, "guardian_name": "Carlo Ferrari",
     "guardian_email": "carlo.ferrari@example.it", "child_tax_code": LIA,
     "child_name": "Lia Ferrari", "service": "mensa"},
]  # fmt: skip

# Pagoinrete: Paola with Giulio (one school) and Sara (two schools).
PAOLA, GIULIO = "VRDPLA82M41L219E", "VRDGLI15T03L219M"
SARA = tax_code("Verdi", "Sara", 2017, female=True)
PAOLA_EMAIL = "paola.verdi@example.it"
PAGOINRETE_ROWS = [
    {"guardian_tax_code": PAOLA, "child_tax_code": GIULIO, "child_name": "Giulio Verdi",
     "institution": "IC Parma Centro"},
    {"guardian_tax_code": PAOLA, "child_tax_code": SARA, "child_name": "Sara Verdi",
     "institution": "Liceo Marconi Parma"},
    {"guardian_tax_code": PAOLA, "child_tax_code": SARA, "child_name": "Sara Verdi",
     "institution": "IC Sala Baganza"},
]  # fmt: skip


def issue(clerk: httpx.Client, *rows: dict[str, str]) -> list[dict[str, Any]]:
    """The clerk issues rows; the per-row results."""
    batch = {"rows": [{"row": n, "data": row} for n, row in enumerate(rows, start=1)]}
    results: list[dict[str, Any]] = ok(clerk.post("/clerk/notices", json=batch))
    return results


def issued(clerk: httpx.Client, *rows: dict[str, str]) -> list[str]:
    """The numbers of notices the clerk issues, each created."""
    results = issue(clerk, *rows)
    assert [r["status"] for r in results] == ["created"] * len(rows), results
    return [str(r["number"]) for r in results]


def notice(member: str, subject: str, amount: str = "10.00", **extra: str) -> dict[str, str]:
    return {"tax_code": member, "subject": subject, "amount": amount, "due_on": DUE, **extra}


def cart(api: httpx.Client, *numbers: str, method: str = "card", psp: str = "paydemo"):
    return api.post("/notices/pay", json={"notices": numbers, "method": method, "psp": psp})


def notices(api: httpx.Client) -> dict[str, tuple[str, str | None]]:
    """Each notice's status and the checkout holding it, by number."""
    return {n["number"]: (n["status"], n["pending_payment_id"]) for n in ok(api.get("/notices"))}


def untouched(api: httpx.Client, *numbers: str) -> None:
    """The notices are due and free, and the family has no payment."""
    found = notices(api)
    assert {number: found[number] for number in numbers} == dict.fromkeys(numbers, ("due", None))
    assert ok(api.get("/payments")) == []


# Entranext -----------------------------------------------------------------------------------


@pytest.fixture
def sala(familycard_stub: Any) -> str:
    familycard_stub.control.set_clock(NOW)
    url: str = familycard_stub.portal_url("sala-baganza")
    enrol(url, ENTRANEXT_ROWS)
    return url


@pytest.fixture
def sala_clerk(sala: str) -> Iterator[httpx.Client]:
    with clerk_api(sala) as c:
        yield c


@pytest.fixture
def giuseppe_not_elevated(familycard_stub: Any, sala: str) -> Iterator[httpx.Client]:
    with entranext_family(
        familycard_stub, sala, tax_code=GIUSEPPE, name="Giuseppe Bianchi", email=GIUSEPPE_EMAIL
    ) as c:
        yield c


@pytest.fixture
def giuseppe(giuseppe_not_elevated: httpx.Client, sala_clerk: httpx.Client) -> httpx.Client:
    """Giuseppe, elevated with the municipality's code (R2.2)."""
    code = ok(sala_clerk.post("/clerk/elevation-codes", json={"tax_code": GIUSEPPE}))["code"]
    ok(giuseppe_not_elevated.post("/auth/elevate", json={"code": code}))
    return giuseppe_not_elevated


@pytest.fixture
def elena_notice(sala_clerk: httpx.Client) -> list[str]:
    """One notice for Elena, issued by the municipality."""
    return issued(sala_clerk, notice(ELENA, "Retta scuola dell'infanzia"))


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("GET", "/notices", None, id="list"),
        pytest.param("GET", "/notices/{number}", None, id="show"),
        pytest.param("POST", "/notices/pay", "cart", id="pay"),
        pytest.param("GET", "/meals-consumed", None, id="meals-consumed"),
    ],
)
def test_r2_3_notices_meals_and_payments_need_elevated_credentials(
    giuseppe_not_elevated, sala_clerk, elena_notice, method, path, body
):
    api = giuseppe_not_elevated
    [number] = elena_notice
    json = {"notices": [number], "method": "card", "psp": "paydemo"} if body else None
    refused(api.request(method, path.format(number=number), json=json), 403, "elevation_required")
    code = ok(sala_clerk.post("/clerk/elevation-codes", json={"tax_code": GIUSEPPE}))["code"]
    ok(api.post("/auth/elevate", json={"code": code}))
    untouched(api, number)


def test_r2_2_elevated_credentials_open_the_notices(giuseppe, elena_notice):
    assert list(notices(giuseppe)) == elena_notice


def test_r2_3_a_family_sees_only_its_own_notices(giuseppe, sala_clerk):
    [mine, theirs] = issued(sala_clerk, notice(ELENA, "Retta"), notice(LIA, "Mensa"))
    assert list(notices(giuseppe)) == [mine]
    error = refused(giuseppe.get(f"/notices/{theirs}"), 404, "notice_not_found")
    assert error["details"] == {"notice": theirs}
    refused(cart(giuseppe, mine, theirs), 404, "notice_not_found")
    untouched(giuseppe, mine)


def test_r2_3_the_notice_list_checks_its_filter(giuseppe):
    refused(giuseppe.get("/notices", params={"status": "open"}), 400, "invalid_status")


def test_r2_4_a_malformed_notice_number_is_refused(giuseppe, elena_notice):
    [number] = elena_notice
    wrong_check = number[:-2] + f"{(int(number[-2:]) + 1) % 93:02d}"
    refused(giuseppe.get(f"/notices/{wrong_check}"), 400, "invalid_notice_number")
    refused(cart(giuseppe, number, "12345"), 400, "invalid_notice_number")
    untouched(giuseppe, number)


def test_r2_3_meals_consumed_are_asked_for_a_month_and_one_s_own_child(giuseppe):
    refused(giuseppe.get("/meals-consumed", params={"month": "2026-1"}), 400, "invalid_month")
    refused(giuseppe.get("/meals-consumed", params={"member": LIA}), 404, "member_not_found")


def test_r2_3_the_office_s_meals_consumed_are_checked_row_by_row(giuseppe, sala_clerk):
    rows = [
        {"child_tax_code": ELENA, "day": "2026-01-09", "service": "scuola_infanzia"},
        {"child_tax_code": ELENA, "day": "2026-01-09"},
        {"child_tax_code": ELENA, "day": "2026-01-09", "service": "piscina"},
        {"child_tax_code": ELENA, "day": "2026-01-09", "service": "mensa", "meals": "11"},
        {"child_tax_code": ELENA, "day": "9 January", "service": "mensa"},
        {"child_tax_code": tax_code("Neri", "Ugo", 2016), "day": "2026-01-09", "service": "mensa"},
    ]
    batch = {"rows": [{"row": n, "data": row} for n, row in enumerate(rows, start=1)]}
    results = ok(sala_clerk.post("/clerk/meals-consumed", json=batch))
    assert [(r["status"], (r.get("error") or {}).get("code")) for r in results] == [
        ("created", None),
        ("invalid", "missing_field"),
        ("invalid", "unknown_service"),
        ("invalid", "invalid_meals"),
        ("invalid", "invalid_date"),
        ("refused", "not_enrolled"),
    ]
    consumed = ok(giuseppe.get("/meals-consumed", params={"month": "2026-01"}))
    assert [(m["day"], m["service"], m["meals"]) for m in consumed] == [
        ("2026-01-09", "scuola_infanzia", 1)
    ]


# Carts (R4.5), on entranext ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "psp", "status", "code"),
    [
        pytest.param("card", "banca-nessuna", 400, "unknown_psp", id="unknown-psp"),
        pytest.param("debit", "paydemo", 400, "psp_method_not_offered", id="psp-without-debit"),
        pytest.param("postal", "banca-esempio", 400, "psp_method_not_offered",
                     id="psp-without-postal"),
        pytest.param("cash", "paydemo", 400, "invalid_request", id="no-such-method"),
    ],
)  # fmt: skip
def test_r4_5_the_portal_refuses_a_psp_that_does_not_offer_the_method(
    giuseppe, elena_notice, method, psp, status, code
):
    [number] = elena_notice
    refused(cart(giuseppe, number, method=method, psp=psp), status, code)
    untouched(giuseppe, number)


def test_r4_5_the_psps_are_listed_for_a_known_method_only(giuseppe):
    refused(giuseppe.get("/notices/psps", params={"method": "cash"}), 400, "invalid_payment_method")
    debit = ok(giuseppe.get("/notices/psps", params={"method": "debit"}))
    assert [p["id"] for p in debit] == ["banca-esempio"]


def test_r4_5_an_empty_cart_or_a_notice_twice_is_refused(giuseppe, elena_notice):
    [number] = elena_notice
    refused(cart(giuseppe), 400, "empty_cart")
    refused(cart(giuseppe, number, number), 400, "duplicate_notice")
    untouched(giuseppe, number)


def test_r4_5_a_cart_holds_at_most_five_notices(giuseppe, sala_clerk):
    numbers = issued(sala_clerk, *(notice(ELENA, f"Retta {m}") for m in range(1, 7)))
    error = refused(cart(giuseppe, *numbers), 400, "cart_too_large")
    assert error["details"] == {"max": 5}
    untouched(giuseppe, *numbers)
    assert ok(cart(giuseppe, *numbers[:5]))["status"] == "awaiting_payment"


def test_r4_5_a_paid_notice_refuses_the_whole_cart(giuseppe, sala_clerk, familycard_stub):
    [paid, other] = issued(sala_clerk, notice(ELENA, "Retta"), notice(ELENA, "Gita"))
    payment = ok(cart(giuseppe, paid))
    familycard_stub.control.pay(payment["id"])
    error = refused(cart(giuseppe, other, paid), 422, "notice_already_paid")
    assert error["details"] == {"notice": paid, "payment_id": payment["id"]}
    assert notices(giuseppe) == {paid: ("paid", None), other: ("due", None)}
    assert [p["id"] for p in ok(giuseppe.get("/payments"))] == [payment["id"]]


def test_r4_5_a_notice_in_a_checkout_awaiting_payment_is_not_charged_twice(
    giuseppe, sala_clerk, familycard_stub
):
    [held, other] = issued(sala_clerk, notice(ELENA, "Retta"), notice(ELENA, "Gita"))
    first = ok(cart(giuseppe, held))
    error = refused(cart(giuseppe, other, held), 409, "notice_in_payment")
    assert error["details"] == {"notice": held, "payment_id": first["id"]}
    assert notices(giuseppe) == {held: ("due", first["id"]), other: ("due", None)}
    assert [p["id"] for p in ok(giuseppe.get("/payments"))] == [first["id"]]
    # The checkout expires unpaid (30 minutes): the notice is free again.
    familycard_stub.control.advance_clock("31m")
    assert notices(giuseppe)[held] == ("due", None)
    assert ok(cart(giuseppe, other, held))["status"] == "awaiting_payment"


def test_r4_5_an_expired_notice_can_no_longer_be_paid(giuseppe, sala_clerk, familycard_stub):
    [late, due] = issued(
        sala_clerk,
        notice(ELENA, "Retta di dicembre", due_on="2026-01-13", expires_on="2026-01-20"),
        notice(ELENA, "Retta di gennaio", due_on="2026-02-13"),
    )
    familycard_stub.control.set_clock("2026-01-21T09:00:00+01:00")
    error = refused(cart(giuseppe, due, late), 422, "notice_expired")
    assert error["details"] == {"notice": late, "expires_on": "2026-01-20"}
    assert notices(giuseppe) == {late: ("expired", None), due: ("due", None)}
    assert ok(giuseppe.get("/payments")) == []


def test_r2_4_the_office_s_notices_are_checked_row_by_row(giuseppe, sala_clerk):
    results = issue(
        sala_clerk,
        {"tax_code": ELENA, "subject": "Retta", "amount": "10.00"},
        notice(ELENA, "x" * 141),
        notice(ELENA, "Retta", amount="10.005"),
        notice(ELENA, "Retta", amount="0"),
        notice(ELENA, "Retta", due_on="31 gennaio"),
        notice(ELENA, "Retta", expires_on="2026-01-30"),
        notice("BNCLNE16D52H223X", "Retta"),
        notice(ELENA, "Retta", institution="IC Parma Centro"),
        notice(tax_code("Neri", "Ugo", 2016), "Retta"),
    )
    assert [(r["status"], r["error"]["code"]) for r in results] == [
        ("invalid", "missing_field"),
        ("invalid", "subject_too_long"),
        ("invalid", "invalid_amount"),
        ("invalid", "invalid_amount"),
        ("invalid", "invalid_date"),
        ("invalid", "invalid_expiry"),
        ("invalid", "invalid_tax_code"),
        ("invalid", "unknown_institution"),
        ("refused", "not_enrolled"),
    ]
    assert notices(giuseppe) == {}


# Pagoinrete (R4.4-R4.5) -------------------------------------------------------------------------


@pytest.fixture
def pagoinrete(familycard_stub: Any) -> str:
    familycard_stub.control.set_clock(NOW)
    url: str = familycard_stub.portal_url("pagoinrete")
    enrol(url, PAGOINRETE_ROWS)
    return url


@pytest.fixture
def school(pagoinrete: str) -> Iterator[httpx.Client]:
    with clerk_api(pagoinrete) as c:
        yield c


@pytest.fixture
def paola(familycard_stub: Any, pagoinrete: str) -> Iterator[httpx.Client]:
    with pagoinrete_family(
        familycard_stub, pagoinrete, tax_code=PAOLA, name="Paola Verdi", email=PAOLA_EMAIL
    ) as c:
        yield c


def test_r4_4_a_school_issues_notices_only_to_its_own_pupils(paola, school):
    results = issue(
        school,
        notice(SARA, "Gita"),
        notice(GIULIO, "Gita", institution="Liceo Marconi Parma"),
        notice(GIULIO, "Gita", institution="Liceo Ignoto"),
        notice(SARA, "Gita", institution="IC Sala Baganza"),
    )
    assert [(r["status"], (r.get("error") or {}).get("code")) for r in results] == [
        ("invalid", "institution_required"),
        ("refused", "not_enrolled"),
        ("invalid", "unknown_institution"),
        ("created", None),
    ]
    assert list(notices(paola)) == [results[3]["number"]]


def test_r4_5_a_pagoinrete_cart_is_checked_before_anything_is_charged(
    paola, school, familycard_stub
):
    numbers = issued(school, *(notice(GIULIO, f"Contributo {n}") for n in range(1, 7)))
    refused(cart(paola, *numbers), 400, "cart_too_large")
    refused(cart(paola, numbers[0], psp="poste-esempio", method="debit"), 400,
            "psp_method_not_offered")  # fmt: skip
    refused(cart(paola, numbers[0], psp="nexi"), 400, "unknown_psp")
    untouched(paola, *numbers)
    payment = ok(cart(paola, numbers[0], numbers[1]))
    refused(cart(paola, numbers[1]), 409, "notice_in_payment")
    familycard_stub.control.pay(payment["id"])
    refused(cart(paola, numbers[2], numbers[0]), 422, "notice_already_paid")
    found = notices(paola)
    assert [found[n][0] for n in numbers] == ["paid", "paid", "due", "due", "due", "due"]
    assert [p["id"] for p in ok(paola.get("/payments"))] == [payment["id"]]


# Bounds: beyond the calendar, beyond SQLite ------------------------------------------------------


def test_r2_4_a_due_date_beyond_the_calendar_is_one_invalid_row(giuseppe, sala_clerk):
    rows = [
        notice(ELENA, "Retta"),
        notice(ELENA, "Retta", due_on="9999-12-31"),
        notice(ELENA, "Retta", due_on="2026-01-31", expires_on="2101-01-01"),
        notice(ELENA, "Retta", amount="1e30"),
    ]
    batch = {"rows": [{"row": n, "data": row} for n, row in enumerate(rows, start=1)]}
    results = ok(sala_clerk.post("/clerk/notices", json=batch))
    assert [r["status"] for r in results] == ["created", "invalid", "invalid", "invalid"]
    assert [r["error"]["code"] for r in results[1:]] == ["invalid_date"] * 2 + ["invalid_amount"]


@pytest.mark.parametrize("month", ["0000-01", "1899-12", "2101-01"])
def test_r2_3_meals_consumed_outside_the_calendar_are_refused(giuseppe, month):
    response = giuseppe.get("/meals-consumed", params={"month": month})
    refused(response, 400, "invalid_month")
