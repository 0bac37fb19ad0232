"""Members, their running accounts and billing data on an etelka portal (R3.14-R3.16).

Members are the children of the clerk's enrolment rows (guardian e-mail, child name,
institution, age group); an account reaches those recorded with its e-mail (R3.3).  A
child recorded under two parents' e-mails is one member, with one id.  The running
account of a member and service is a ledger whose sum is the balance: charges and
subsidies when orders become final, payments, cancellation credits, cash, refunds and
charges the clerk records.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from familycard import InvalidInput, Money, NotFound
from familycard.models._base import Currency
from familycard.models.meals import (
    AccountBalance,
    BillingData,
    BillingRequest,
    ClerkMoneyRequest,
    Member,
)
from familycard.models.payments import Payment
from familycard.rules.meals import (
    balance_state,
    check_amount,
    check_billing,
    check_refund,
    member_id,
    offer_for,
    resolve_member,
)

from ..state import Portal, iso
from . import inbox, payments

__all__ = [
    "Enrolled",
    "accounts_of",
    "balance",
    "balances",
    "billing",
    "currency",
    "enrolled",
    "enrolled_with",
    "member_model",
    "members",
    "post",
    "record_cash",
    "record_charge",
    "record_refund",
    "resolve",
    "resolve_any",
    "set_billing",
]

#: The service of school meals; a nursery has `care` too (R3.16).
MEALS = "meals"


@dataclass(frozen=True)
class Enrolled:
    """A member as the enrolment rows record it."""

    id: str
    name: str
    institution: str
    age_group: str


def currency(portal: Portal) -> Currency:
    """The portal's currency."""
    return portal.tenant.currency  # type: ignore[return-value]


def enrolled_with(portal: Portal, email: str | None) -> list[Enrolled]:
    """The members recorded with an e-mail (every member: None)."""
    sql = (
        "SELECT json_extract(data, '$.child_name') AS name, "
        "json_extract(data, '$.institution') AS institution, "
        "json_extract(data, '$.age_group') AS age_group FROM enrolments WHERE tenant = ?"
    )
    params: list[Any] = [portal.tenant.slug]
    if email is not None:
        sql += " AND guardian_email = ?"
        params.append(email)
    seen: dict[str, Enrolled] = {}
    for row in portal.store.all(sql + " ORDER BY id", params):
        key = member_id(row["name"], row["institution"])
        seen.setdefault(key, Enrolled(key, row["name"], row["institution"], row["age_group"]))
    return sorted(seen.values(), key=lambda m: (m.name, m.id))


def enrolled(portal: Portal, account: sqlite3.Row) -> list[Enrolled]:
    """The members an account reaches: the children recorded with its e-mail (R3.3)."""
    return enrolled_with(portal, account["email"])


def resolve(portal: Portal, account: sqlite3.Row, ref: str | None) -> Enrolled:
    """The member a request names (id or name), among the account's."""
    return resolve_member(ref, enrolled(portal, account))


def resolve_any(portal: Portal, ref: str) -> Enrolled:
    """The member a clerk names (id, or name when unique), among every enrolled one."""
    return resolve_member(ref, enrolled_with(portal, None))


def accounts_of(portal: Portal, member: Enrolled) -> list[int]:
    """The accounts reaching a member: those of every e-mail it is recorded with."""
    rows = portal.store.all(
        "SELECT DISTINCT a.id FROM accounts a JOIN enrolments e "
        "ON e.tenant = a.tenant AND e.guardian_email = a.email "
        "WHERE a.tenant = ? AND a.status = 'active' "
        "AND json_extract(e.data, '$.child_name') = ? "
        "AND json_extract(e.data, '$.institution') = ? ORDER BY a.id",
        (portal.tenant.slug, member.name, member.institution),
    )
    return [int(r["id"]) for r in rows]


def services_of(portal: Portal, age_group: str) -> list[str]:
    """The services with a running account for an age group (`meals`, and `care`)."""
    by_group: dict[str, list[str]] = portal.tenant.policy.get("services_by_age_group", {})
    return list(by_group.get(age_group, [MEALS]))


def billing(portal: Portal, member: Enrolled) -> BillingData | None:
    """The billing data the clerk recorded, if any."""
    row = portal.store.one(
        "SELECT * FROM member_billing WHERE tenant = ? AND member_id = ?",
        (portal.tenant.slug, member.id),
    )
    if row is None:
        return None
    return BillingData(name=row["name"], address=row["address"], tax_number=row["tax_number"])


def member_model(portal: Portal, member: Enrolled) -> Member:
    """R3.10, R3.14: a member with the offer of its age group, read-only."""
    policy = portal.tenant.policy
    names: dict[str, str] = policy.get("age_group_names", {})
    return Member(
        id=member.id,
        name=member.name,
        institution=member.institution,
        age_group=member.age_group,
        age_group_name=names.get(member.age_group, member.age_group),
        services=services_of(portal, member.age_group),
        offer=offer_for(policy, member.age_group, member.institution, currency(portal)),
        billing=billing(portal, member),
    )


def members(portal: Portal, account: sqlite3.Row) -> list[Member]:
    """The account's members, by name."""
    portal.require("meals")
    return [member_model(portal, m) for m in enrolled(portal, account)]


# The running account (R3.16) ---------------------------------------------------------------


def balance(portal: Portal, member_id_: str, service: str = MEALS) -> Money:
    """The sum of a member's ledger for a service."""
    rows = portal.store.all(
        "SELECT amount FROM member_ledger WHERE tenant = ? AND member_id = ? AND service = ?",
        (portal.tenant.slug, member_id_, service),
    )
    total = sum((Decimal(r["amount"]) for r in rows), Decimal(0))
    return Money.of(total, currency(portal))


def post(
    portal: Portal,
    member_id_: str,
    kind: str,
    amount: Decimal,
    *,
    service: str = MEALS,
    **columns: Any,
) -> None:
    """Add a movement to a member's running account (signed: credits positive)."""
    portal.store.insert(
        "member_ledger",
        {
            "tenant": portal.tenant.slug,
            "member_id": member_id_,
            "service": service,
            "kind": kind,
            "amount": str(amount),
            "currency": currency(portal),
            "created_at": iso(portal.now()),
            **columns,
        },
    )


def _service_name(portal: Portal, service: str) -> str:
    names: dict[str, str] = portal.tenant.policy.get("service_names", {})
    return names.get(service, service.replace("_", " "))


def balances(
    portal: Portal, account: sqlite3.Row, member: str | None = None
) -> list[AccountBalance]:
    """R3.16: the running account of each member and service: 0, debt or overpayment."""
    portal.require("meals")
    chosen = [resolve(portal, account, member)] if member else enrolled(portal, account)
    result = []
    for m in chosen:
        for service in services_of(portal, m.age_group):
            amount = balance(portal, m.id, service)
            result.append(
                AccountBalance(
                    member_id=m.id,
                    member=m.name,
                    service=service,
                    service_name=_service_name(portal, service),
                    balance=amount,
                    state=balance_state(amount),
                )
            )
    return result


# The clerk's records (R3.13, R3.15) ----------------------------------------------------------


def _check_service(portal: Portal, member: Enrolled, service: str) -> None:
    known = services_of(portal, member.age_group)
    if service not in known:
        raise NotFound(
            f"{member.name} has no {service} account (accounts: {', '.join(known)})",
            code="service_not_found",
        )


def set_billing(portal: Portal, request: BillingRequest) -> Member:
    """The clerk records a member's billing data (needed for invoices)."""
    portal.require("meals")
    member = resolve_any(portal, request.member)
    request = check_billing(request)
    portal.store.execute(
        "INSERT INTO member_billing (tenant, member_id, name, address, tax_number, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, member_id) DO UPDATE SET "
        "name = excluded.name, address = excluded.address, tax_number = excluded.tax_number, "
        "updated_at = excluded.updated_at",
        (
            portal.tenant.slug,
            member.id,
            request.name,
            request.address,
            request.tax_number,
            iso(portal.now()),
        ),
    )
    return member_model(portal, member)


def _checked(portal: Portal, request: ClerkMoneyRequest) -> tuple[Enrolled, Money]:
    portal.require("meals")
    member = resolve_any(portal, request.member)
    _check_service(portal, member, request.service)
    if request.amount.currency != currency(portal):
        raise InvalidInput(
            f"amounts on this portal are in {currency(portal)}", code="wrong_currency"
        )
    return member, check_amount(request.amount.value, currency(portal))


def _record(portal: Portal, request: ClerkMoneyRequest, *, refund: bool) -> Payment:
    member, amount = _checked(portal, request)
    if refund:
        check_refund(amount, balance(portal, member.id, request.service))
    what = "refund of overpayment" if refund else "cash payment"
    description = f"{what.capitalize()}, {_service_name(portal, request.service)}, {member.name}"
    if request.note:
        description += f" ({request.note.strip()})"
    signed = -amount.value if refund else amount.value
    row = payments.create(
        portal,
        account_id=None,
        purpose="refund" if refund else "cash",
        subject_id=None,
        amount=Money.of(signed, amount.currency),
        description=description,
        member=member.name,
        method="refund" if refund else "cash",
        details={"member_id": member.id, "service": request.service},
        status="succeeded",
    )
    post(
        portal,
        member.id,
        "refund" if refund else "cash",
        signed,
        service=request.service,
        payment_id=row["id"],
        note=request.note,
    )
    after = balance(portal, member.id, request.service)
    inbox.notify(
        portal,
        accounts_of(portal, member),
        event="payment",
        title=f"{what.capitalize()} recorded for {member.name}: {amount}",
        body=f"The office recorded a {what} of {amount} for {member.name} "
        f"({_service_name(portal, request.service)}). Balance now: {after}.",
        data={
            "payment_id": row["id"],
            "member_id": member.id,
            "member": member.name,
            "amount": json.loads(Money.of(signed, amount.currency).model_dump_json()),
            "balance": json.loads(after.model_dump_json()),
        },
    )
    return payments.payment_model(portal, row)


def record_cash(portal: Portal, request: ClerkMoneyRequest) -> Payment:
    """The clerk records a cash (or other) payment: the member's account is credited."""
    return _record(portal, request, refund=False)


def record_refund(portal: Portal, request: ClerkMoneyRequest) -> Payment:
    """The clerk pays back an overpayment: never more than the positive balance."""
    return _record(portal, request, refund=True)


def record_charge(portal: Portal, request: ClerkMoneyRequest) -> AccountBalance:
    """R3.16: the clerk charges a member's running account (a debt when nothing covers it);
    the account after the charge.  A later payment settles it."""
    member, amount = _checked(portal, request)
    post(portal, member.id, "charge", -amount.value, service=request.service, note=request.note)
    after = balance(portal, member.id, request.service)
    service_name = _service_name(portal, request.service)
    note = f" ({request.note.strip()})" if request.note else ""
    inbox.notify(
        portal,
        accounts_of(portal, member),
        event="payment",
        title=f"Charge recorded for {member.name}: {amount}",
        body=f"The office charged {amount} to the account of {member.name} "
        f"({service_name}){note}. Balance now: {after}.",
        data={
            "member_id": member.id,
            "member": member.name,
            "amount": json.loads(Money.of(-amount.value, amount.currency).model_dump_json()),
            "balance": json.loads(after.model_dump_json()),
        },
    )
    return AccountBalance(
        member_id=member.id,
        member=member.name,
        service=request.service,
        service_name=service_name,
        balance=after,
        state=balance_state(after),
    )
