"""The card terminal's and the PSPs' pages, as a parent meets them in a browser (X4, R4.5).

Each test fetches the page the stub serves at a payment's `checkout_url` with plain
httpx, posts its form back as a browser would (every field of the form, urlencoded, to
the form's own address), and reads the HTML: what the page says, and whether it offers
the form.  A declined card ends its checkout (`failed`, R1.8, R3.13, R4.5): the page
tells so and how to start a new payment, whose page takes another card.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from stub_support import (
    DECLINED_CARD,
    SUCCESS_CARD,
    citycard_child,
    clerk_api,
    enrol,
    entranext_family,
    ok,
    pagoinrete_family,
)

# Tortona (citycard): Maria, enrolled in the canteen; 5 tokens cost EUR 22.50.
MARIA, EMAIL = "RSSMRA15C45L304I", "anna.rossi@example.it"
MONDAY = "2026-11-16T09:00:00+01:00"
# Sala Baganza (entranext): Giuseppe with Elena.  Pagoinrete: Paola with Giulio.
GIUSEPPE, ELENA = "BNCGPP80A01H223F", "BNCLNE16D52H223T"
PAOLA, GIULIO = "VRDPLA82M41L219E", "VRDGLI15T03L219M"


# Reading a page ---------------------------------------------------------------------------


@dataclass
class Page:
    """What a browser shows of a page: its text, its forms' fields, labels, styles."""

    status: int
    text: str
    forms: list[dict[str, dict[str, str]]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[str, ...]] = field(default_factory=list)
    style: str = ""

    @property
    def form(self) -> dict[str, dict[str, str]]:
        """The page's one form: its inputs by name, with their attributes."""
        assert len(self.forms) == 1, f"expected one form, got {len(self.forms)}: {self.text}"
        return self.forms[0]


class _Reader(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__()
        self.page = page
        self.chunks: list[str] = []
        self.label_for: str | None = None
        self.row: list[str] | None = None
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.page.forms.append({})
        elif tag == "input" and self.page.forms:
            self.page.forms[-1][values["name"]] = values
        elif tag == "label":
            self.label_for = values.get("for", "")
            self.page.labels[self.label_for] = ""
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.row.append("")
        elif tag == "style":
            self.in_style = True
        if tag in ("p", "h1", "h2", "tr", "label", "br"):
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_for = None
        elif tag == "tr" and self.row is not None:
            self.page.rows.append(tuple(cell.strip() for cell in self.row))
            self.row = None
        elif tag == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.page.style += data
            return
        self.chunks.append(data)
        if self.label_for is not None:
            self.page.labels[self.label_for] += data
        if self.row:
            self.row[-1] += data


def read(response: httpx.Response) -> Page:
    assert response.headers["content-type"].startswith("text/html"), response.text[:500]
    page = Page(status=response.status_code, text="")
    reader = _Reader(page)
    reader.feed(response.text)
    page.text = " ".join("".join(reader.chunks).split())
    return page


def submit(url: str, page: Page, **typed: str) -> Page:
    """Fill the page's form as a person would (the fields by name) and post it."""
    fields = {name: attrs.get("value", "") for name, attrs in page.form.items()}
    unknown = set(typed) - set(fields)
    assert not unknown, f"the form has no field {unknown}"
    fields.update(typed)
    return read(httpx.post(url, data=fields))


def card(number: str) -> dict[str, str]:
    return {"card": number, "expiry": "12/30", "cvc": "123"}


# A checkout of each kind ------------------------------------------------------------------


@pytest.fixture
def maria(familycard_stub: Any) -> Iterator[httpx.Client]:
    familycard_stub.control.set_clock(MONDAY)
    url = familycard_stub.portal_url("tortona")
    enrol(url, [{"child_tax_code": MARIA, "child_name": "Maria Rossi",
                 "guardian_email": EMAIL, "service": "mensa"}])  # fmt: skip
    with citycard_child(familycard_stub, url, tax_code=MARIA, email=EMAIL, username="anna") as c:
        yield c


def recharge(api: httpx.Client, tokens: int = 5) -> dict[str, Any]:
    """A recharge awaiting payment on the card terminal."""
    body: dict[str, Any] = ok(api.post("/recharges", json={"tokens": tokens}))
    assert body["status"] == "awaiting_payment"
    return body


def status(api: httpx.Client, payment_id: str) -> str:
    return str(ok(api.get(f"/payments/{payment_id}"))["status"])


@pytest.fixture
def giuseppe(familycard_stub: Any) -> Iterator[httpx.Client]:
    """Giuseppe on Sala Baganza, elevated, with the seed's real notice of EUR 140.40 (R2.4)."""
    familycard_stub.control.set_clock("2026-01-12T09:00:00+01:00")
    url = familycard_stub.portal_url("sala-baganza")
    enrol(url, [{"guardian_tax_code": GIUSEPPE, "guardian_name": "Giuseppe Bianchi",
                 "guardian_email": "giuseppe.bianchi@example.it", "child_tax_code": ELENA,
                 "child_name": "Elena Bianchi", "service": "scuola_infanzia"}])  # fmt: skip
    with (
        entranext_family(
            familycard_stub,
            url,
            tax_code=GIUSEPPE,
            name="Giuseppe Bianchi",
            email="giuseppe.bianchi@example.it",
        ) as api,
        clerk_api(url) as clerk,
    ):
        code = ok(clerk.post("/clerk/elevation-codes", json={"tax_code": GIUSEPPE}))["code"]
        ok(api.post("/auth/elevate", json={"code": code}))
        issue(clerk, {"tax_code": ELENA, "subject": "Servizi scolastici", "amount": "140.40"})
        yield api


@pytest.fixture
def paola(familycard_stub: Any) -> Iterator[httpx.Client]:
    """Paola on pagoinrete, with two notices of Giulio's school: EUR 10.00 and EUR 25.50."""
    familycard_stub.control.set_clock("2026-01-12T09:00:00+01:00")
    url = familycard_stub.portal_url("pagoinrete")
    enrol(url, [{"guardian_tax_code": PAOLA, "child_tax_code": GIULIO,
                 "child_name": "Giulio Verdi", "institution": "IC Parma Centro"}])  # fmt: skip
    with (
        pagoinrete_family(
            familycard_stub, url, tax_code=PAOLA, name="Paola Verdi", email="paola@example.it"
        ) as api,
        clerk_api(url) as clerk,
    ):
        issue(
            clerk,
            {"tax_code": GIULIO, "subject": "Gita", "amount": "10.00"},
            {"tax_code": GIULIO, "subject": "Assicurazione", "amount": "25.50"},
        )
        yield api


def issue(clerk: httpx.Client, *rows: dict[str, str]) -> None:
    batch = {"rows": [{"row": n, "data": {**row, "due_on": "2026-01-31"}}
                      for n, row in enumerate(rows, start=1)]}  # fmt: skip
    results = ok(clerk.post("/clerk/notices", json=batch))
    assert [r["status"] for r in results] == ["created"] * len(rows), results


def cart(api: httpx.Client, psp: str = "paydemo") -> dict[str, Any]:
    """Every due notice of the family in one card payment through a PSP."""
    numbers = [n["number"] for n in ok(api.get("/notices"))]
    body = {"notices": numbers, "method": "card", "psp": psp}
    payment: dict[str, Any] = ok(api.post("/notices/pay", json=body))
    return payment


# A declined card (X4, R1.8) ---------------------------------------------------------------


def test_x4_a_declined_card_shows_the_decline_and_how_to_try_another_card(
    maria: httpx.Client,
) -> None:
    first = recharge(maria)
    url = first["checkout_url"]
    declined = submit(url, read(httpx.get(url)), **card(DECLINED_CARD))
    assert declined.status == 200
    assert "The card was declined. Nothing was charged." in declined.text
    assert "Amount: EUR 22.50" in declined.text  # the page still says what was at stake
    assert "Try another card" in declined.text
    assert "run familycard recharge create again" in declined.text
    assert "--idempotency-key" in declined.text
    # The decline ended this checkout (the CLI's --wait exits 4): no card is taken on it.
    assert declined.forms == []
    assert status(maria, first["payment_id"]) == "failed"
    reloaded = read(httpx.get(url))
    assert (reloaded.forms, "Try another card" in reloaded.text) == ([], True)
    # The new payment the page points to takes another card.
    second = recharge(maria)
    paid = submit(
        second["checkout_url"], read(httpx.get(second["checkout_url"])), **card(SUCCESS_CARD)
    )
    assert "Payment accepted" in paid.text
    assert [b["balance"] for b in ok(maria.get("/tokens"))] == [5]


def test_r4_5_a_declined_card_on_a_psp_page_tells_to_pay_the_notices_again(
    giuseppe: httpx.Client,
) -> None:
    payment = cart(giuseppe)
    url = payment["checkout_url"]
    declined = submit(url, read(httpx.get(url)), **card(DECLINED_CARD))
    assert "declined" in declined.text
    assert "run familycard notices pay again with the same notices" in declined.text
    assert declined.forms == []
    assert [n["status"] for n in ok(giuseppe.get("/notices"))] == ["due"]
    assert cart(giuseppe)["id"] != payment["id"]  # free for a new cart, as the page says


def test_x4_an_expired_checkout_tells_how_to_start_again_and_takes_no_card(
    maria: httpx.Client, familycard_stub: Any
) -> None:
    first = recharge(maria)
    form = read(httpx.get(first["checkout_url"]))
    familycard_stub.control.advance_clock("16m")
    late = submit(first["checkout_url"], form, **card(SUCCESS_CARD))
    assert late.status == 422
    assert "This checkout expired before it was paid. Nothing was charged." in late.text
    assert "Try another card" in late.text
    assert late.forms == []
    assert status(maria, first["payment_id"]) == "expired"


def test_x4_a_paid_checkout_posted_again_says_it_was_not_charged_again(maria: httpx.Client) -> None:
    first = recharge(maria)
    form = read(httpx.get(first["checkout_url"]))
    assert "Payment accepted" in submit(first["checkout_url"], form, **card(SUCCESS_CARD)).text
    again = submit(first["checkout_url"], form, **card(SUCCESS_CARD))
    assert again.status == 422
    assert "This payment was accepted. It was not charged again." in again.text
    assert again.forms == []
    assert [b["balance"] for b in ok(maria.get("/tokens"))] == [5]


# A malformed card number (X4) -------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        pytest.param("4242 4242 4242 4", id="digits-missing"),
        pytest.param("4242424242424241", id="a-typo"),
        pytest.param("4242-4242-4242-424x", id="a-letter"),
    ],
)
def test_x4_a_malformed_card_number_shows_the_form_again_with_a_clear_error(
    maria: httpx.Client, number: str
) -> None:
    first = recharge(maria)
    url = first["checkout_url"]
    wrong = submit(url, read(httpx.get(url)), **card(number))
    assert wrong.status == 400
    assert (
        "That is not a valid card number: type the number on the front of your card, "
        "usually 16 digits (spaces are fine)."
    ) in wrong.text
    assert "Amount: EUR 22.50" in wrong.text
    assert "Pay by 09:15" in wrong.text  # the deadline, as on the first page
    # The form again, with what was typed kept, except the security code.
    assert set(wrong.form) == {"card", "expiry", "cvc"}
    assert wrong.form["card"]["value"] == number
    assert wrong.form["expiry"]["value"] == "12/30"
    assert wrong.form["cvc"].get("value", "") == ""
    assert status(maria, first["payment_id"]) == "awaiting_payment"
    # Corrected on the same page, the card is taken.
    paid = submit(url, wrong, card=SUCCESS_CARD, cvc="123")
    assert "Payment accepted" in paid.text
    assert status(maria, first["payment_id"]) == "succeeded"


# The form's fields (X4) -------------------------------------------------------------------


def test_x4_the_expiry_field_is_empty_with_a_placeholder_that_reads_as_a_format(
    maria: httpx.Client,
) -> None:
    page = read(httpx.get(recharge(maria)["checkout_url"]))
    expiry = page.form["expiry"]
    assert expiry.get("value", "") == ""
    assert expiry["placeholder"] == "MM/YY"
    assert "month/year" in page.labels["expiry"]
    # No field shows a grey value that could pass for a typed one.
    for name, attrs in page.form.items():
        assert not any(c.isdigit() for c in attrs.get("placeholder", "")), name
    assert "::placeholder{" in page.style
    assert "font-style:italic" in page.style.split("::placeholder{", 1)[1].split("}", 1)[0]


# The PSP's page (R4.5) --------------------------------------------------------------------


def test_r4_5_the_psp_page_shows_the_notice_the_fee_and_the_total(giuseppe: httpx.Client) -> None:
    payment = cart(giuseppe)
    assert payment["amount"] == {"value": "141.30", "currency": "EUR"}
    page = read(httpx.get(payment["checkout_url"]))
    assert page.rows == [
        ("Notice", "EUR 140.40"),
        ("Fee of PayDemo", "EUR 0.90"),
        ("Total", "EUR 141.30"),
    ]
    assert "Payment service provider: PayDemo" in page.text
    assert f"pagoPA notice {payment['details']['notices'][0]}: " in page.text
    assert set(page.form) == {"card", "expiry", "cvc"}


def test_r4_5_a_cart_s_psp_page_adds_the_notices_then_the_fee(paola: httpx.Client) -> None:
    payment = cart(paola, psp="poste-esempio")
    page = read(httpx.get(payment["checkout_url"]))
    assert page.rows == [
        ("Notices (2)", "EUR 35.50"),
        ("Fee of Poste Esempio", "EUR 1.20"),
        ("Total", "EUR 36.70"),
    ]
    assert f"Notice numbers: {', '.join(payment['details']['notices'])}" in page.text
    paid = submit(payment["checkout_url"], page, **card(SUCCESS_CARD))
    assert paid.rows[-1] == ("Total", "EUR 36.70")
    assert "Payment accepted" in paid.text


def test_x4_a_card_terminal_page_without_a_psp_shows_one_amount_and_no_fee(
    maria: httpx.Client,
) -> None:
    page = read(httpx.get(recharge(maria)["checkout_url"]))
    assert page.rows == []
    assert "Amount: EUR 22.50" in page.text
    assert "Fee" not in page.text
