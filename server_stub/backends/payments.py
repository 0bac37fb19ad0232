"""Payments and the external card terminal (X4), shared by every area that charges.

An area (recharges, meal orders, notice carts) creates a payment and registers a
handler for its purpose; when the terminal reports, the handler applies the
change in the same transaction that marks the payment succeeded ("credited at
once", R1.8) or undoes what was reserved when it failed or expired.
"""

from __future__ import annotations

import json
import math
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from familycard import InvalidInput, Money, NotFound, PortalUnavailable, RuleViolation
from familycard.models.payments import Payment
from familycard.rules.calendar import school_year_bounds, school_year_of
from familycard.rules.policy import has_passed

from ..pdf import render_pdf
from ..state import Portal, StubState, iso

__all__ = [
    "DECLINED_CARD",
    "SUCCESS_CARD",
    "PaymentHandler",
    "complete",
    "create",
    "expire_due",
    "get",
    "list_payments",
    "on_purpose",
    "payment_model",
    "receipt_pdf",
]

SUCCESS_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"


@dataclass(frozen=True)
class PaymentHandler:
    """What an area does when one of its payments ends."""

    succeeded: Callable[[Portal, sqlite3.Row], None]
    ended_unpaid: Callable[[Portal, sqlite3.Row], None]


_HANDLERS: dict[str, PaymentHandler] = {}


def on_purpose(purpose: str, handler: PaymentHandler) -> None:
    """Register the handler of a payment purpose (once, at import)."""
    _HANDLERS[purpose] = handler


def _policy_minutes(portal: Portal, name: str, default: int) -> timedelta:
    return timedelta(minutes=int(portal.tenant.policy.get(name, default)))


def create(
    portal: Portal,
    *,
    account_id: int | None,
    purpose: str,
    subject_id: str | None,
    amount: Money,
    description: str,
    member: str | None = None,
    method: str = "card",
    details: dict[str, Any] | None = None,
    status: str = "awaiting_payment",
) -> sqlite3.Row:
    """A new payment, awaiting the terminal (or already settled: cash, refunds)."""
    now = portal.now()
    payment_id = "pay_" + secrets.token_hex(8)
    settled = status == "succeeded"
    portal.store.insert(
        "payments",
        {
            "id": payment_id,
            "tenant": portal.tenant.slug,
            "account_id": account_id,
            "purpose": purpose,
            "subject_id": subject_id,
            "amount": str(amount.value),
            "currency": amount.currency,
            "method": method,
            "status": status,
            "description": description,
            "member": member,
            "created_at": iso(now),
            "expires_at": None
            if settled
            else iso(now + _policy_minutes(portal, "checkout_ttl_minutes", 30)),
            "completed_at": iso(now) if settled else None,
            "receipt_ready_at": iso(now) if settled else None,
            "details": json.dumps(details or {}),
        },
    )
    return _row(portal.state, payment_id)


def _row(stub: StubState, payment_id: str) -> sqlite3.Row:
    row = stub.store.one("SELECT * FROM payments WHERE id = ?", (payment_id,))
    if row is None:
        raise NotFound(f"no payment {payment_id}", code="payment_not_found")
    return row


def _portal_of(stub: StubState, row: sqlite3.Row, root_url: str) -> Portal:
    tenant = stub.config.tenants[row["tenant"]]
    return Portal(tenant=tenant, state=stub, url=f"{root_url.rstrip('/')}/{tenant.slug}")


def expire_due(portal: Portal) -> None:
    """Unpaid checkouts past their time expire, and their areas release what they held."""
    due = portal.store.all(
        "SELECT * FROM payments WHERE tenant = ? AND status = 'awaiting_payment' "
        # has_passed(now, expires_at), in SQL: the expiry instant itself is late.
        "AND expires_at <= ?",
        (portal.tenant.slug, iso(portal.now())),
    )
    for row in due:
        portal.store.execute("UPDATE payments SET status = 'expired' WHERE id = ?", (row["id"],))
        handler = _HANDLERS.get(row["purpose"])
        if handler is not None:
            handler.ended_unpaid(portal, _row(portal.state, row["id"]))


def _luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number]
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 1:
            digit = digit * 2 - 9 if digit * 2 > 9 else digit * 2
        total += digit
    return total % 10 == 0


def complete(stub: StubState, payment_id: str, card: str, root_url: str) -> sqlite3.Row:
    """The terminal's outcome for a card: the test cards decide (X4)."""
    number = card.replace(" ", "").replace("-", "")
    if not (number.isdigit() and 12 <= len(number) <= 19 and _luhn_ok(number)):
        raise InvalidInput("that is not a valid card number", code="invalid_card_number")
    row = _row(stub, payment_id)
    portal = _portal_of(stub, row, root_url)
    expire_due(portal)
    row = _row(stub, payment_id)
    if row["status"] == "expired":
        raise RuleViolation(
            "the checkout expired before it was paid; start again", code="payment_expired"
        )
    if row["status"] != "awaiting_payment":
        raise RuleViolation(
            f"the payment is {row['status'].replace('_', ' ')} already", code="payment_not_pending"
        )
    now = portal.now()
    succeeded = number == SUCCESS_CARD
    delay = _policy_minutes(portal, "receipt_delay_minutes", 0)
    portal.store.execute(
        "UPDATE payments SET status = ?, completed_at = ?, transaction_id = ?, "
        "receipt_ready_at = ? WHERE id = ?",
        (
            "succeeded" if succeeded else "failed",
            iso(now),
            "TX" + secrets.token_hex(6).upper() if succeeded else None,
            iso(now + delay) if succeeded else None,
            payment_id,
        ),
    )
    row = _row(stub, payment_id)
    handler = _HANDLERS.get(row["purpose"])
    if handler is not None:
        (handler.succeeded if succeeded else handler.ended_unpaid)(portal, row)
    return row


def _receipt_status(portal: Portal, row: sqlite3.Row) -> str:
    if row["status"] != "succeeded" or row["receipt_ready_at"] is None:
        return "none"
    now = portal.now()
    ttl_days = portal.tenant.policy.get("receipt_ttl_days")
    completed = datetime.fromisoformat(row["completed_at"])
    if ttl_days is not None and has_passed(now, completed + timedelta(days=int(ttl_days))):
        return "expired"
    return (
        "ready" if has_passed(now, datetime.fromisoformat(row["receipt_ready_at"])) else "waiting"
    )


def checkout_url(portal: Portal, payment_id: str) -> str:
    """The external terminal's page for a payment."""
    root = portal.url.rsplit("/", 1)[0]
    return f"{root}/_terminal/{payment_id}"


def payment_model(portal: Portal, row: sqlite3.Row) -> Payment:
    """The wire model of a payment row."""
    awaiting = row["status"] == "awaiting_payment"
    return Payment(
        id=row["id"],
        purpose=row["purpose"],
        status=row["status"],
        amount=Money.of(Decimal(row["amount"]), row["currency"]),
        method=row["method"],
        description=row["description"],
        member=row["member"],
        created_at=row["created_at"],
        completed_at=row["completed_at"],
        expires_at=row["expires_at"] if awaiting else None,
        checkout_url=checkout_url(portal, row["id"]) if awaiting else None,
        transaction_id=row["transaction_id"],
        receipt=_receipt_status(portal, row),
        details=json.loads(row["details"]),
    )


def _visible(portal: Portal, account: sqlite3.Row, members: list[str]) -> tuple[str, list[Any]]:
    marks = ", ".join("?" for _ in members) or "NULL"
    return (
        f"tenant = ? AND (account_id = ? OR member IN ({marks}))",
        [portal.tenant.slug, account["id"], *members],
    )


def get(portal: Portal, account: sqlite3.Row, members: list[str], payment_id: str) -> Payment:
    """One of the user's payments."""
    expire_due(portal)
    where, params = _visible(portal, account, members)
    row = portal.store.one(
        f"SELECT * FROM payments WHERE id = ? AND {where}", [payment_id, *params]
    )
    if row is None:
        raise NotFound(f"no payment {payment_id} for this account", code="payment_not_found")
    return payment_model(portal, row)


def list_payments(
    portal: Portal,
    account: sqlite3.Row,
    members: list[str],
    *,
    member: str | None = None,
    school_year: str | None = None,
    since: date | None = None,
    until: date | None = None,
    sort: str = "desc",
) -> list[Payment]:
    """The user's payments in a period; by default the policy's (citycard: the school year)."""
    expire_due(portal)
    zone = ZoneInfo(portal.tenant.timezone)
    no_period = school_year is None and since is None and until is None
    if no_period and portal.tenant.policy.get("payments_default_period") == "school_year":
        school_year = school_year_of(portal.now().astimezone(zone).date())
    if school_year is not None:
        since, until = school_year_bounds(school_year)
    where, params = _visible(portal, account, members)
    sql = f"SELECT rowid AS seq, * FROM payments WHERE {where}"
    if member is not None:
        # The member's name, or its id where the area keeps one (etelka: `member_id`).
        sql += " AND (member = ? OR json_extract(details, '$.member_id') = ?)"
        params.extend([member, member])
    rows = portal.store.all(sql, params)
    picked = []
    for row in rows:
        day = datetime.fromisoformat(row["created_at"]).astimezone(zone).date()
        if (since is None or day >= since) and (until is None or day <= until):
            # Ties on the (possibly frozen) clock keep the order they were made in.
            picked.append((row["created_at"], row["seq"], row))
    picked.sort(key=lambda item: (item[0], item[1]), reverse=sort == "desc")
    return [payment_model(portal, row) for _, _, row in picked]


def _readable(value: Any) -> str:
    """A detail as a person reads it: money as `EUR 0.90`, lists joined."""
    if isinstance(value, dict) and set(value) == {"value", "currency"}:
        return f"{value['currency']} {value['value']}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_readable(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_readable(v) for v in value)
    return str(value)


def _receipt_retry_after(portal: Portal, payment: Payment) -> int:
    """Seconds until a succeeded payment's receipt is ready (at least 1)."""
    ready = datetime.fromisoformat(_row(portal.state, payment.id)["receipt_ready_at"])
    return max(1, math.ceil((ready - portal.now()).total_seconds()))


def receipt_pdf(portal: Portal, payment: Payment) -> bytes:
    """The receipt document of a succeeded payment."""
    if payment.receipt == "none":
        raise RuleViolation(
            "there is no receipt for a payment that did not succeed", code="receipt_not_available"
        )
    if payment.receipt == "waiting":
        # Try again later (HTTP 503 with Retry-After): the document is being prepared.
        retry_after = _receipt_retry_after(portal, payment)
        raise PortalUnavailable(
            f"waiting for the document: the receipt is being prepared; try again in "
            f"{retry_after} s",
            code="receipt_pending",
            details={"retry_after": retry_after},
        )
    if payment.receipt == "expired":
        raise NotFound(
            "receipts older than the portal keeps are gone; the payment stays listed",
            code="receipt_expired",
        )
    zone = ZoneInfo(portal.tenant.timezone)
    when = (payment.completed_at or payment.created_at).astimezone(zone)
    lines = [
        f"Payment: {payment.id}",
        f"Transaction: {payment.transaction_id or '-'}",
        f"Date: {when:%Y-%m-%d %H:%M}",
        f"Amount: {payment.amount}",
        f"Method: {payment.method}",
        f"For: {payment.description}",
    ]
    if payment.member:
        lines.append(f"Member: {payment.member}")
    for key, value in payment.details.items():
        lines.append(f"{key.replace('_', ' ').capitalize()}: {_readable(value)}")
    return render_pdf(f"{portal.tenant.name} — receipt", lines)
