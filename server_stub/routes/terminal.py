"""`/_terminal/{payment_id}`: the external card terminal (X4), a real page with a form.

Card data never reach the portal: the terminal reports only the outcome.  Test
cards: 4242424242424242 succeeds, 4000000000000002 is declined.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from familycard import FamilycardError, Money
from familycard.models.payments import CardPayment, Payment

from ..backends import payments
from ..backends.payments import DECLINED_CARD, SUCCESS_CARD
from ..deps import StubDep
from ..state import Portal, StubState
from ..transactions import ControlRoute

router = APIRouter(route_class=ControlRoute, tags=["terminal"])

_STYLE = (
    "body{font-family:sans-serif;max-width:30rem;margin:3rem auto;color:#222}"
    "label{display:block;margin:.6rem 0 .2rem}input{font-size:1.1rem;padding:.3rem;width:100%}"
    "button{margin-top:1rem;font-size:1.1rem;padding:.5rem 1.5rem}"
    ".ok{color:#1a7f37}.ko{color:#b42318}.note{color:#666;font-size:.9rem}"
)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(html, status_code=status)


def _summary(row_tenant: str, description: str, amount: Money) -> str:
    return (
        f"<p>Merchant: <b>{escape(row_tenant)}</b></p><p>{escape(description)}</p>"
        f"<p>Amount: <b>{escape(str(amount))}</b></p>"
    )


_OUTCOMES = {
    "succeeded": '<span class="ok">This payment was accepted.</span>',
    "failed": '<span class="ko">This payment was declined. Nothing was charged.</span>',
    "expired": '<span class="ko">This checkout expired before it was paid. Nothing was '
    "charged; start again from the portal.</span>",
}


def _deadline(expires_at: str | None, timezone: str) -> str:
    if expires_at is None:
        return "the end of the session"
    when = datetime.fromisoformat(expires_at).astimezone(ZoneInfo(timezone))
    return f"{when:%H:%M} ({timezone}, {when:%d %b %Y})"


def _portal(stub: StubState, request: Request, tenant: str) -> Portal:
    config = stub.config.tenants[tenant]
    return Portal(tenant=config, state=stub, url=f"{str(request.base_url).rstrip('/')}/{tenant}")


@router.get("/_terminal/{payment_id}")
def terminal_page(stub: StubDep, request: Request, payment_id: str) -> HTMLResponse:
    """The card form for a payment awaiting it."""
    row = stub.store.one("SELECT * FROM payments WHERE id = ?", (payment_id,))
    if row is None:
        return _page("Card terminal", "<p>No such payment.</p>", status=404)
    # A checkout past its time is expired before it is shown, never offered for payment.
    payments.expire_due(_portal(stub, request, row["tenant"]))
    row = stub.store.one("SELECT * FROM payments WHERE id = ?", (payment_id,))
    assert row is not None
    tenant = stub.config.tenants[row["tenant"]]
    amount = Money.of(row["amount"], row["currency"])
    summary = _summary(tenant.name, row["description"], amount)
    psp = json.loads(row["details"] or "{}").get("psp_name")  # a PSP's page (pagoPA notices)
    if psp:
        summary += f"<p>Payment service provider: <b>{escape(str(psp))}</b></p>"
    if row["status"] != "awaiting_payment":
        outcome = _OUTCOMES.get(row["status"], escape(row["status"].replace("_", " ")))
        return _page("Card terminal", f"{summary}<p>{outcome}</p>")
    form = (
        '<form method="post">'
        '<label for="card">Card number</label>'
        '<input id="card" name="card" inputmode="numeric" autocomplete="cc-number" required>'
        '<label for="expiry">Expiry (MM/YY)</label>'
        '<input id="expiry" name="expiry" placeholder="12/30" required>'
        '<label for="cvc">Security code</label>'
        '<input id="cvc" name="cvc" inputmode="numeric" required>'
        '<button type="submit">Pay</button></form>'
        f'<p class="note">Pay by {escape(_deadline(row["expires_at"], tenant.timezone))}; '
        "after that this checkout expires and nothing is charged.</p>"
        f'<p class="note">Test cards: {SUCCESS_CARD} succeeds, {DECLINED_CARD} is declined.</p>'
    )
    return _page("Card terminal", summary + form)


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
    try:
        row = payments.complete(stub, payment_id, card, str(request.base_url))
    except FamilycardError as exc:
        return _page("Card terminal", f'<p class="ko">{escape(exc.message)}</p>', exc.status)
    if row["status"] == "succeeded":
        text = f'<p class="ok">Payment accepted. Transaction {escape(row["transaction_id"])}.</p>'
    else:
        text = '<p class="ko">The card was declined. Nothing was charged.</p>'
    return _page("Card terminal", text + "<p>You can close this page.</p>")


def pay_for_scripts(stub: StubDep, request: Request, payment_id: str, body: CardPayment) -> Payment:
    """`POST /_stub/payments/{id}/pay`: what the terminal does, for scripts and CI."""
    row = payments.complete(stub, payment_id, body.card, str(request.base_url))
    return payments.payment_model(_portal(stub, request, row["tenant"]), row)
