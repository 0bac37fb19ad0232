"""`/_terminal/{payment_id}`: the external card terminal (X4), a real page with a form.

Card data never reach the portal: the terminal reports only the outcome.  Test
cards: 4242424242424242 succeeds, 4000000000000002 is declined.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from html import escape
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from familycard import FamilycardError, Money
from familycard.models.payments import CardPayment, Payment

from ..backends import payments
from ..backends.payments import DECLINED_CARD, SUCCESS_CARD
from ..deps import StubDep
from ..state import Portal, StubState
from ..transactions import ControlRoute, error_responses

#: A person's page: a refusal is a page too (a malformed form is the JSON error body).
_HTML_ERRORS = {
    status: {**response, "content": {"text/html": {"schema": {"type": "string"}}}}
    for status, response in error_responses(400, 404, 409, 422).items()
}
router = APIRouter(route_class=ControlRoute, tags=["terminal"], responses=_HTML_ERRORS)

_STYLE = (
    "body{font-family:sans-serif;max-width:30rem;margin:3rem auto;color:#222}"
    "label{display:block;margin:.6rem 0 .2rem}"
    "input{font-size:1.1rem;padding:.3rem;width:100%;box-sizing:border-box}"
    "button{margin-top:1rem;font-size:1.1rem;padding:.5rem 1.5rem}"
    ".ok{color:#1a7f37}.ko{color:#b42318}.note{color:#666;font-size:.9rem}"
    "p.ko{border-left:4px solid #b42318;background:#fef3f2;padding:.5rem .8rem}"
    "input::placeholder{color:#a0a0a0;font-style:italic;opacity:1}"
    "table.amounts{border-collapse:collapse;margin:.5rem 0}"
    "table.amounts th{text-align:left;font-weight:normal;padding:.15rem 2rem .15rem 0}"
    "table.amounts td{text-align:right}"
    "table.amounts tr.total>*{border-top:1px solid #999;font-weight:bold;padding-top:.3rem}"
    "h2{font-size:1.15rem;margin-top:1.8rem}code{font-size:.95rem}"
)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(html, status_code=status)


def _money(value: Any) -> Money | None:
    """A `{"value", "currency"}` detail as money; None when the detail is not there."""
    if isinstance(value, dict) and set(value) == {"value", "currency"}:
        return Money.of(str(value["value"]), value["currency"])
    return None


def _summary(tenant_name: str, row: sqlite3.Row) -> str:
    """Who is paid, for what, and how much; on a PSP's page the notices, the fee, the total."""
    amount = Money.of(row["amount"], row["currency"])
    details = json.loads(row["details"] or "{}")
    html = f"<p>Merchant: <b>{escape(tenant_name)}</b></p><p>{escape(row['description'])}</p>"
    psp = details.get("psp_name")  # a PSP's page (pagoPA notices, R4.5)
    notices, fee = _money(details.get("notices_amount")), _money(details.get("fee"))
    if psp and notices is not None and fee is not None:
        numbers = [str(n) for n in details.get("notices", [])]
        label = "Notice" if len(numbers) == 1 else f"Notices ({len(numbers)})"
        html += (
            '<table class="amounts">'
            f"<tr><th>{label}</th><td>{escape(str(notices))}</td></tr>"
            f"<tr><th>Fee of {escape(str(psp))}</th><td>{escape(str(fee))}</td></tr>"
            f'<tr class="total"><th>Total</th><td>{escape(str(amount))}</td></tr></table>'
        )
        if len(numbers) > 1:  # one notice's number is in the description already
            html += f'<p class="note">Notice numbers: {escape(", ".join(numbers))}</p>'
    else:
        html += f"<p>Amount: <b>{escape(str(amount))}</b></p>"
    if psp:
        html += f"<p>Payment service provider: <b>{escape(str(psp))}</b></p>"
    return html


#: How to pay with another card once a checkout ended: where its payment starts.
_START_AGAIN = {
    "recharge": "run <code>familycard recharge create</code> again (with a new "
    "<code>--idempotency-key</code> if you gave one): the tokens of this checkout were "
    "not credited and no longer count.",
    "notices": "run <code>familycard notices pay</code> again with the same notices (with a "
    "new <code>--idempotency-key</code> if you gave one): they are due again and free for "
    "a new cart.",
    "meal_order": "run <code>familycard meals finalize</code> again for the same month: the "
    "orders are unfinalised, as they were before this checkout.",
}


def _start_again(purpose: str) -> str:
    """The "Try another card" section of a checkout that ended unpaid."""
    how = _START_AGAIN.get(purpose, "start the payment again on the portal.")
    return (
        "<h2>Try another card</h2><p>This checkout has ended and cannot be paid any more. "
        "To pay with another card, start a new payment where you started this one and open "
        f"the new link it gives you: {how}</p>"
    )


_OUTCOMES = {
    "succeeded": '<p class="ok">This payment was accepted.</p>',
    "failed": '<p class="ko">The card was declined. Nothing was charged.</p>',
    "expired": '<p class="ko">This checkout expired before it was paid. Nothing was charged.</p>',
}


def _outcome(row: sqlite3.Row) -> str:
    """What the page says about a payment that is no longer awaiting a card."""
    status = row["status"]
    text = _OUTCOMES.get(status, f"<p>This payment is {escape(status.replace('_', ' '))}.</p>")
    if status in ("failed", "expired"):
        text += _start_again(row["purpose"])
    return text


def _deadline(expires_at: str | None, timezone: str) -> str:
    if expires_at is None:
        return "the end of the session"
    when = datetime.fromisoformat(expires_at).astimezone(ZoneInfo(timezone))
    return f"{when:%H:%M} ({timezone}, {when:%d %b %Y})"


def _portal(stub: StubState, request: Request, tenant: str) -> Portal:
    config = stub.config.tenants[tenant]
    return Portal(tenant=config, state=stub, url=f"{str(request.base_url).rstrip('/')}/{tenant}")


def _current(stub: StubState, request: Request, payment_id: str) -> sqlite3.Row | None:
    """The payment as it stands now: a checkout past its time is expired first."""
    row = stub.store.one("SELECT * FROM payments WHERE id = ?", (payment_id,))
    if row is None:
        return None
    payments.expire_due(_portal(stub, request, row["tenant"]))
    return stub.store.one("SELECT * FROM payments WHERE id = ?", (payment_id,))


def _form(row: sqlite3.Row, timezone: str, *, card: str = "", expiry: str = "") -> str:
    """The card form; what the person typed is kept, except the security code."""
    return (
        '<form method="post">'
        '<label for="card">Card number</label>'
        f'<input id="card" name="card" value="{escape(card)}" inputmode="numeric" '
        'autocomplete="cc-number" required>'
        '<label for="expiry">Expiry date (month/year)</label>'
        f'<input id="expiry" name="expiry" value="{escape(expiry)}" placeholder="MM/YY" '
        'autocomplete="cc-exp" required>'
        '<label for="cvc">Security code (3 digits on the back)</label>'
        '<input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required>'
        '<button type="submit">Pay</button></form>'
        f'<p class="note">Pay by {escape(_deadline(row["expires_at"], timezone))}; '
        "after that this checkout expires and nothing is charged.</p>"
        f'<p class="note">Test cards: {SUCCESS_CARD} succeeds, {DECLINED_CARD} is declined.</p>'
    )


#: What the page says when the typed card number is malformed (the form stays).
_INVALID_CARD_TEXT = (
    "That is not a valid card number: type the number on the front of your card, "
    "usually 16 digits (spaces are fine)."
)


@router.get("/_terminal/{payment_id}")
def terminal_page(stub: StubDep, request: Request, payment_id: str) -> HTMLResponse:
    """The card form for a payment awaiting it."""
    # A checkout past its time is expired before it is shown, never offered for payment.
    row = _current(stub, request, payment_id)
    if row is None:
        return _page("Card terminal", "<p>No such payment.</p>", status=404)
    tenant = stub.config.tenants[row["tenant"]]
    summary = _summary(tenant.name, row)
    if row["status"] != "awaiting_payment":
        return _page("Card terminal", summary + _outcome(row))
    return _page("Card terminal", summary + _form(row, tenant.timezone))


@router.post("/_terminal/{payment_id}")
def terminal_pay(
    stub: StubDep,
    request: Request,
    payment_id: str,
    card: Annotated[str, Form()],
    expiry: Annotated[str, Form()] = "",
    cvc: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Pay with the typed card; the page tells the outcome."""
    # A declined card ends the payment (`failed`: the area releases what it held, R1.8,
    # R3.13, R4.5), so the page takes no second card on this checkout: it tells how to
    # start a new one.  A malformed number charges nothing and shows the form again.
    try:
        row = payments.complete(stub, payment_id, card, str(request.base_url))
    except FamilycardError as exc:
        return _refused(stub, request, payment_id, exc, card=card, expiry=expiry)
    tenant = stub.config.tenants[row["tenant"]]
    summary = _summary(tenant.name, row)
    if row["status"] == "succeeded":
        text = f'<p class="ok">Payment accepted. Transaction {escape(row["transaction_id"])}.</p>'
        return _page("Card terminal", summary + text + "<p>You can close this page.</p>")
    return _page("Card terminal", summary + _outcome(row))


def _refused(
    stub: StubState,
    request: Request,
    payment_id: str,
    exc: FamilycardError,
    *,
    card: str,
    expiry: str,
) -> HTMLResponse:
    """The page of a refused card: the form again while the checkout is open, else the outcome."""
    row = _current(stub, request, payment_id)
    if row is None:
        return _page("Card terminal", "<p>No such payment.</p>", status=404)
    tenant = stub.config.tenants[row["tenant"]]
    summary = _summary(tenant.name, row)
    if row["status"] != "awaiting_payment":
        again = ""
        if row["status"] == "succeeded":
            again = '<p class="note">It was not charged again.</p>'
        return _page("Card terminal", summary + _outcome(row) + again, exc.status)
    if exc.code == "invalid_card_number":
        error = f'<p class="ko" role="alert">{escape(_INVALID_CARD_TEXT)}</p>'
    else:
        message = exc.message[:1].upper() + exc.message[1:]
        error = f'<p class="ko" role="alert">{escape(message)}.</p>'
    form = _form(row, tenant.timezone, card=card, expiry=expiry)
    return _page("Card terminal", summary + error + form, exc.status)


def pay_for_scripts(stub: StubDep, request: Request, payment_id: str, body: CardPayment) -> Payment:
    """`POST /_stub/payments/{id}/pay`: what the terminal does, for scripts and CI."""
    row = payments.complete(stub, payment_id, body.card, str(request.base_url))
    return payments.payment_model(_portal(stub, request, row["tenant"]), row)
