"""School meals on an etelka portal: calendar, orders, finalising and paying, cancelling.

Rules R3.8-R3.13, with the pure functions of `familycard.rules.meals` (the SDK checks
with the same ones before sending).  An order is a set of items (member, day, meal
type); saved items are `draft` until finalised: `final` at once when nothing is
payable, else `awaiting_payment` until the card terminal reports (X4): `final` when
paid, `draft` again when the payment fails or expires.  Final items post the charges
and subsidies to the member's running account (`etelka.post`); cancelling a final day
before its deadline credits what it cost.  Every outcome lands in the inbox.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from familycard import InvalidInput, Money, NotFound, RuleViolation
from familycard.models.meals import (
    CalculationLine,
    CalendarDay,
    Cancellable,
    CancellableDay,
    Cancellation,
    CancellationOutcome,
    CancelRequest,
    DayState,
    Finalization,
    FinalizeRequest,
    MealCalendar,
    Member,
    Order,
    OrderRequest,
    OrderResult,
    RemoveRequest,
)
from familycard.rules.meals import (
    WEEKDAYS,
    calculate,
    cancellation_cutoff,
    cancellation_deadline,
    check_payment_choice,
    check_removal,
    meals_offered,
    month_days,
    month_of,
    order_lines,
    order_months,
    order_until,
    plan_cancellation,
    plan_order,
)
from familycard.rules.policy import has_passed
from familycard.rules.tokens import parse_month

from ..state import Portal, iso
from . import etelka, inbox, payments
from .etelka import Enrolled

__all__ = [
    "PURPOSE",
    "calendar",
    "cancel",
    "cancellable",
    "finalization",
    "finalize",
    "order",
    "orders",
    "preview",
    "remove",
    "seed_demo",
]

#: The payment purpose of a meal order.
PURPOSE = "meal_order"


# The clock, the calendar, the items ----------------------------------------------------------


def _zone(portal: Portal) -> ZoneInfo:
    return ZoneInfo(portal.tenant.timezone)


def _deadline(portal: Portal, day: date) -> datetime:
    return cancellation_deadline(
        day,
        cutoff=cancellation_cutoff(portal.tenant.policy),
        tz=portal.tenant.timezone,
        calendar=portal.calendar,
    )


def _order(row: sqlite3.Row) -> Order:
    return Order(
        day=date.fromisoformat(row["day"]),
        meal=row["meal"],
        place=row["place"],
        menu=row["menu"],
        status=row["status"],
        price=Money.of(Decimal(row["price"]), row["currency"]),
        subsidy=Money.of(Decimal(row["subsidy"]), row["currency"]),
    )


def _rows(portal: Portal, member_id: str, first: date, last: date) -> list[sqlite3.Row]:
    return portal.store.all(
        "SELECT * FROM meal_orders WHERE tenant = ? AND member_id = ? AND day BETWEEN ? AND ? "
        "ORDER BY day, CASE meal WHEN 'breakfast' THEN 0 WHEN 'snack_am' THEN 1 "
        "WHEN 'lunch' THEN 2 WHEN 'snack_pm' THEN 3 ELSE 4 END",
        (portal.tenant.slug, member_id, first.isoformat(), last.isoformat()),
    )


def _state(items: list[Order], offered: bool, locked: bool) -> DayState:
    live = [i for i in items if i.status != "cancelled"]
    if live:
        statuses = {i.status for i in live}
        if "awaiting_payment" in statuses:
            return "awaiting_payment"
        return "ordered" if "draft" in statuses else "final"
    if items:
        return "cancelled"
    if not offered:
        return "not_served"
    return "locked" if locked else "orderable"


def _days(
    portal: Portal, member: Enrolled, months: list[str], now: datetime
) -> dict[date, CalendarDay]:
    """The member's calendar days of some months, with states made with the portal's clock."""
    policy = portal.tenant.policy
    national = portal.calendar
    result: dict[date, CalendarDay] = {}
    for month in months:
        days = month_days(month)
        items: dict[date, list[Order]] = defaultdict(list)
        for row in _rows(portal, member.id, days[0], days[-1]):
            items[date.fromisoformat(row["day"])].append(_order(row))
        for d in days:
            offered = meals_offered(policy, member.age_group, d, national)
            deadline = _deadline(portal, d) if offered else None
            locked = deadline is not None and has_passed(now, deadline)
            result[d] = CalendarDay(
                day=d,
                weekday=WEEKDAYS[d.weekday()],
                working_day=national.is_working_day(d),
                meals_offered=offered,
                deadline=deadline,
                locked=locked,
                state=_state(items[d], bool(offered), locked),
                items=items[d],
            )
    return result


def calendar(
    portal: Portal, account: sqlite3.Row, member: str | None, month: str | None
) -> MealCalendar:
    """R3.10-R3.11: a member's month, day by day: offer, deadline, what is ordered."""
    portal.require("meals")
    payments.expire_due(portal)
    who = etelka.resolve(portal, account, member)
    now = portal.now()
    chosen = month_of(parse_month(month)[0]) if month else month_of(portal.today())
    days = _days(portal, who, [chosen], now)
    return MealCalendar(
        member=etelka.member_model(portal, who),
        month=chosen,
        now=now,
        cutoff=f"{cancellation_cutoff(portal.tenant.policy):%H:%M}",
        timezone=portal.tenant.timezone,
        days=[days[d] for d in sorted(days)],
    )


# Ordering (R3.11) -------------------------------------------------------------------------------


def order(portal: Portal, account: sqlite3.Row, request: OrderRequest) -> OrderResult:
    """R3.11: save the items of some days; a day saved again is overwritten."""
    portal.require("meals")
    payments.expire_due(portal)
    who = etelka.resolve(portal, account, request.member)
    model = etelka.member_model(portal, who)
    days = _days(portal, who, order_months(request), portal.now())
    plan = plan_order(
        request, model, days, order_until=order_until(portal.today(), portal.tenant.policy)
    )
    now = iso(portal.now())
    replaced = []
    for d, items in plan.items():
        if any(i.status == "draft" for i in days[d].items):
            replaced.append(d)
        portal.store.execute(
            "DELETE FROM meal_orders WHERE tenant = ? AND member_id = ? AND day = ? "
            "AND status IN ('draft', 'cancelled')",
            (portal.tenant.slug, who.id, d.isoformat()),
        )
        for item in items:
            portal.store.insert(
                "meal_orders",
                {
                    "tenant": portal.tenant.slug,
                    "member_id": who.id,
                    "day": d.isoformat(),
                    "meal": item.meal,
                    "place": item.place,
                    "menu": item.menu,
                    "status": "draft",
                    "price": str(item.price.value),
                    "subsidy": str(item.subsidy.value),
                    "currency": item.price.currency,
                    "created_at": now,
                    "updated_at": now,
                },
            )
    saved = sorted(plan)
    return OrderResult(
        member_id=who.id,
        member=who.name,
        days=saved,
        replaced=replaced,
        items=[i for d in saved for i in plan[d]],
    )


def remove(portal: Portal, account: sqlite3.Row, request: RemoveRequest) -> OrderResult:
    """R3.11: remove unfinalised items of some days (a whole day, or some meal types)."""
    portal.require("meals")
    payments.expire_due(portal)
    if not request.days:
        raise InvalidInput("give the days to remove", code="days_required")
    who = etelka.resolve(portal, account, request.member)
    wanted = sorted(set(request.days))
    days = _days(portal, who, sorted({month_of(d) for d in wanted}), portal.now())
    check_removal(wanted, days)
    for d in wanted:
        sql = (
            "DELETE FROM meal_orders WHERE tenant = ? AND member_id = ? AND day = ? "
            "AND status = 'draft'"
        )
        params: list[Any] = [portal.tenant.slug, who.id, d.isoformat()]
        if request.meals:
            sql += f" AND meal IN ({', '.join('?' for _ in request.meals)})"
            params.extend(request.meals)
        portal.store.execute(sql, params)
    after = _days(portal, who, sorted({month_of(d) for d in wanted}), portal.now())
    return OrderResult(
        member_id=who.id,
        member=who.name,
        days=wanted,
        items=[i for d in wanted for i in after[d].items],
    )


def orders(
    portal: Portal, account: sqlite3.Row, member: str | None, month: str | None
) -> list[Order]:
    """The order list of a member's month (R3.11's review), day by day."""
    portal.require("meals")
    payments.expire_due(portal)
    who = etelka.resolve(portal, account, member)
    first, last = parse_month(month or month_of(portal.today()))
    return [_order(r) for r in _rows(portal, who.id, first, last)]


# Finalising and paying (R3.12-R3.13) ---------------------------------------------------------


def _pending_credits(portal: Portal, member_id: str) -> list[sqlite3.Row]:
    """Cancellation credits no finalisation has shown yet (R3.12's "overpayment")."""
    return portal.store.all(
        "SELECT * FROM member_ledger WHERE tenant = ? AND member_id = ? AND service = ? "
        "AND kind = 'cancellation' AND settled_by IS NULL ORDER BY id",
        (portal.tenant.slug, member_id, etelka.MEALS),
    )


def _pending_finalization(portal: Portal, member_id: str, month: str) -> sqlite3.Row | None:
    return portal.store.one(
        "SELECT * FROM meal_finalizations WHERE tenant = ? AND member_id = ? AND month = ? "
        "AND status = 'awaiting_payment'",
        (portal.tenant.slug, member_id, month),
    )


def _prepare(
    portal: Portal, who: Enrolled, month: str, *, invoice: bool
) -> tuple[Finalization, list[sqlite3.Row], list[int], list[date]]:
    """The calculation of a member's unfinalised orders of a month.

    Returns the preview, the draft rows to finalise, the cancellation credits it shows,
    and the days left out because their deadline passed.
    """
    first, last = parse_month(month)
    now = portal.now()
    drafts = [r for r in _rows(portal, who.id, first, last) if r["status"] == "draft"]
    open_rows = [r for r in drafts if not has_passed(now, _deadline(portal, _day(r)))]
    expired = sorted({_day(r) for r in drafts if r not in open_rows})
    if not open_rows:
        extra = (
            f" ({len(expired)} unfinalised days passed their deadline and can no longer be ordered)"
            if expired
            else ""
        )
        raise RuleViolation(
            f"nothing to finalise for {who.name} in {month}: order meals first{extra}",
            code="nothing_to_finalize",
        )
    currency = etelka.currency(portal)
    items = [_order(r) for r in open_rows]
    charges, subsidies = order_lines(items, currency)
    credits = list(subsidies)
    pending = _pending_credits(portal, who.id)
    pending_total = sum((Decimal(r["amount"]) for r in pending), Decimal(0))
    if pending:
        credits.append(
            CalculationLine(
                kind="cancellation",
                label=f"overpayment from {len(pending)} cancelled day(s)",
                quantity=len(pending),
                amount=Money.of(pending_total, currency),
            )
        )
    balance = etelka.balance(portal, who.id)
    calculation = calculate(Money.of(balance.value - pending_total, currency), charges, credits)
    billing = etelka.billing(portal, who)
    check_payment_choice(
        calculation.total_payable, accept_terms=True, invoice=invoice, billing=billing
    )
    payable = calculation.total_payable.value > 0
    cancelled_days = {
        _day(r) for r in _rows(portal, who.id, first, last) if r["status"] == "cancelled"
    }
    methods: list[str] = list(portal.tenant.policy.get("payment_methods", ["card"]))
    summary = Finalization(
        member_id=who.id,
        member=who.name,
        month=month,
        status="preview",
        meals_ordered=len(items),
        days_ordered=len({i.day for i in items}),
        days_cancelled=len(cancelled_days),
        expired_days=expired,
        payment_methods=methods,
        document=("invoice" if invoice else "receipt") if payable else None,
        billing=billing,
        calculation=calculation,
    )
    return summary, open_rows, [int(r["id"]) for r in pending], expired


def _day(row: sqlite3.Row) -> date:
    return date.fromisoformat(row["day"])


def _finalization_model(portal: Portal, row: sqlite3.Row) -> Finalization:
    stored = json.loads(row["summary"])
    payment = None
    if row["payment_id"]:
        payment_row = portal.store.one("SELECT * FROM payments WHERE id = ?", (row["payment_id"],))
        if payment_row is not None:
            payment = payments.payment_model(portal, payment_row)
    return Finalization.model_validate(stored["finalization"]).model_copy(
        update={
            "id": row["id"],
            "status": row["status"],
            "payment": payment,
            "created_at": datetime.fromisoformat(row["created_at"]),
            "completed_at": datetime.fromisoformat(row["completed_at"])
            if row["completed_at"]
            else None,
        }
    )


def preview(
    portal: Portal, account: sqlite3.Row, member: str | None, month: str, *, invoice: bool = False
) -> Finalization:
    """R3.12: the calculation of finalising a member's month; changes nothing."""
    portal.require("meals")
    payments.expire_due(portal)
    who = etelka.resolve(portal, account, member)
    month = month_of(parse_month(month)[0])
    pending = _pending_finalization(portal, who.id, month)
    if pending is not None:
        return _finalization_model(portal, pending)
    summary, *_ = _prepare(portal, who, month, invoice=invoice)
    return summary


def _post_final(
    portal: Portal, fin_id: str, who_id: str, summary: Finalization, credit_ids: list[int]
) -> None:
    """Charges and subsidies to the running account; the shown credits settled."""
    calc = summary.calculation
    etelka.post(portal, who_id, "charge", -calc.total_charges.value, finalization_id=fin_id)
    subsidies = sum((line.amount.value for line in calc.credits if line.kind == "subsidy"), 0)
    if subsidies:
        etelka.post(portal, who_id, "subsidy", Decimal(subsidies), finalization_id=fin_id)
    for credit_id in credit_ids:
        portal.store.execute(
            "UPDATE member_ledger SET settled_by = ? WHERE id = ?", (fin_id, credit_id)
        )


def finalize(portal: Portal, account: sqlite3.Row, request: FinalizeRequest) -> Finalization:
    """R3.12-R3.13: finalise a member's month: final at once when nothing is payable,
    else a payment on the bank's terminal (the orders wait for it)."""
    portal.require("meals")
    payments.expire_due(portal)
    who = etelka.resolve(portal, account, request.member)
    month = month_of(parse_month(request.month)[0])
    pending = _pending_finalization(portal, who.id, month)
    if pending is not None:
        # Never a second checkout for the same orders: the one awaiting payment.
        return _finalization_model(portal, pending)
    summary, rows, credit_ids, expired = _prepare(portal, who, month, invoice=request.invoice)
    calc = summary.calculation
    check_payment_choice(
        calc.total_payable,
        accept_terms=request.accept_terms,
        invoice=request.invoice,
        billing=summary.billing,
    )
    fin_id = "fin_" + secrets.token_hex(8)
    now = iso(portal.now())
    first, last = parse_month(month)
    # Unfinalised days past their deadline can never become final: they go.
    for d in expired:
        portal.store.execute(
            "DELETE FROM meal_orders WHERE tenant = ? AND member_id = ? AND day = ? "
            "AND status = 'draft'",
            (portal.tenant.slug, who.id, d.isoformat()),
        )
    payable = calc.total_payable.value > 0
    status = "awaiting_payment" if payable else "final"
    marks = ", ".join("?" for _ in rows)
    portal.store.execute(
        f"UPDATE meal_orders SET status = ?, finalization_id = ?, updated_at = ? "
        f"WHERE id IN ({marks})",
        [status, fin_id, now, *[r["id"] for r in rows]],
    )
    payment_id = None
    if payable:
        details: dict[str, Any] = {
            "member_id": who.id,
            "period": month,
            "finalization_id": fin_id,
            "document": summary.document,
        }
        if summary.document == "invoice" and summary.billing is not None:
            details["billing_name"] = summary.billing.name
            details["billing_address"] = summary.billing.address
            if summary.billing.tax_number:
                details["billing_tax_number"] = summary.billing.tax_number
        payment = payments.create(
            portal,
            account_id=account["id"],
            purpose=PURPOSE,
            subject_id=fin_id,
            amount=calc.total_payable,
            description=f"School meals {month}, {who.name}",
            member=who.name,
            details=details,
        )
        payment_id = payment["id"]
    portal.store.insert(
        "meal_finalizations",
        {
            "id": fin_id,
            "tenant": portal.tenant.slug,
            "account_id": account["id"],
            "member_id": who.id,
            "month": month,
            "status": status,
            "document": summary.document,
            "summary": json.dumps(
                {"finalization": summary.model_dump(mode="json"), "credit_ids": credit_ids}
            ),
            "payment_id": payment_id,
            "created_at": now,
            "completed_at": None if payable else now,
        },
    )
    if not payable:
        _post_final(portal, fin_id, who.id, summary, credit_ids)
        inbox.notify(
            portal,
            [int(account["id"])],
            event="order",
            title=f"Order finalised: {who.name}, {month}",
            body=f"The orders of {who.name} for {month} are final: {summary.meals_ordered} "
            f"meals on {summary.days_ordered} days ({first:%d}-{last:%d %B}). Nothing was "
            f"payable; balance after the order: {calc.balance_after}.",
            data={
                "finalization_id": fin_id,
                "member_id": who.id,
                "member": who.name,
                "period": month,
                "balance_after": json.loads(calc.balance_after.model_dump_json()),
            },
        )
    row = portal.store.one("SELECT * FROM meal_finalizations WHERE id = ?", (fin_id,))
    assert row is not None
    return _finalization_model(portal, row)


def finalization(portal: Portal, account: sqlite3.Row, fin_id: str) -> Finalization:
    """A finalisation of one of the account's members, with its payment as it stands."""
    portal.require("meals")
    payments.expire_due(portal)
    row = portal.store.one(
        "SELECT * FROM meal_finalizations WHERE tenant = ? AND id = ?", (portal.tenant.slug, fin_id)
    )
    if row is None or row["member_id"] not in {m.id for m in etelka.enrolled(portal, account)}:
        raise NotFound(f"no finalisation {fin_id} for this account", code="finalization_not_found")
    return _finalization_model(portal, row)


def _finalization_row(portal: Portal, fin_id: str) -> sqlite3.Row | None:
    return portal.store.one("SELECT * FROM meal_finalizations WHERE id = ?", (fin_id,))


def _paid(portal: Portal, payment: sqlite3.Row) -> None:
    """The bank reported success: the orders are final, the account posted (R3.13)."""
    row = _finalization_row(portal, payment["subject_id"])
    if row is None or row["status"] != "awaiting_payment":
        return
    stored = json.loads(row["summary"])
    summary = Finalization.model_validate(stored["finalization"])
    fin_id, who_id = row["id"], row["member_id"]
    portal.store.execute(
        "UPDATE meal_orders SET status = 'final', updated_at = ? WHERE finalization_id = ? "
        "AND status = 'awaiting_payment'",
        (iso(portal.now()), fin_id),
    )
    _post_final(portal, fin_id, who_id, summary, stored["credit_ids"])
    amount = Money.of(Decimal(payment["amount"]), payment["currency"])
    etelka.post(
        portal, who_id, "payment", amount.value, finalization_id=fin_id, payment_id=payment["id"]
    )
    portal.store.execute(
        "UPDATE meal_finalizations SET status = 'final', completed_at = ? WHERE id = ?",
        (payment["completed_at"], fin_id),
    )
    inbox.notify(
        portal,
        [int(row["account_id"])] if row["account_id"] is not None else [],
        event="payment",
        title=f"Successful payment: {amount}, {summary.member}, {summary.month}",
        body=f"Transaction {payment['transaction_id']}: {amount} paid for the school meals of "
        f"{summary.member} for {summary.month}. The orders are final. The "
        f"{summary.document or 'receipt'} will be ready for download shortly.",
        data={
            "transaction_id": payment["transaction_id"],
            "payment_id": payment["id"],
            "amount": json.loads(amount.model_dump_json()),
            "period": summary.month,
            "member_id": who_id,
            "member": summary.member,
            "finalization_id": fin_id,
        },
    )


def _unpaid(portal: Portal, payment: sqlite3.Row) -> None:
    """Declined or expired: the orders stay unfinalised (draft again)."""
    row = _finalization_row(portal, payment["subject_id"])
    if row is None or row["status"] != "awaiting_payment":
        return
    portal.store.execute(
        "UPDATE meal_orders SET status = 'draft', finalization_id = NULL, updated_at = ? "
        "WHERE finalization_id = ? AND status = 'awaiting_payment'",
        (iso(portal.now()), row["id"]),
    )
    portal.store.execute(
        "UPDATE meal_finalizations SET status = ?, completed_at = ? WHERE id = ?",
        (payment["status"], iso(portal.now()), row["id"]),
    )
    summary = Finalization.model_validate(json.loads(row["summary"])["finalization"])
    amount = Money.of(Decimal(payment["amount"]), payment["currency"])
    reason = "was declined" if payment["status"] == "failed" else "expired before it was paid"
    inbox.notify(
        portal,
        [int(row["account_id"])] if row["account_id"] is not None else [],
        event="payment",
        title=f"Unsuccessful payment: {summary.member}, {summary.month}",
        body=f"The payment of {amount} for the school meals of {summary.member} for "
        f"{summary.month} {reason}. Nothing was charged; the orders are not final. "
        "Finalise again to pay.",
        data={
            "payment_id": payment["id"],
            "amount": json.loads(amount.model_dump_json()),
            "period": summary.month,
            "member_id": row["member_id"],
            "member": summary.member,
            "status": payment["status"],
        },
    )


payments.on_purpose(PURPOSE, payments.PaymentHandler(succeeded=_paid, ended_unpaid=_unpaid))


# Cancelling (R3.8-R3.9) --------------------------------------------------------------------------


def cancellable(
    portal: Portal, account: sqlite3.Row, member: str | None, month: str | None
) -> Cancellable:
    """R3.8: the quick-cancellation calendar: by default the earliest month with
    cancellable days, and those days."""
    portal.require("meals")
    payments.expire_due(portal)
    who = etelka.resolve(portal, account, member)
    now = portal.now()
    if month is not None:
        chosen: str | None = month_of(parse_month(month)[0])
    else:
        chosen = None
        rows = portal.store.all(
            "SELECT DISTINCT day FROM meal_orders WHERE tenant = ? AND member_id = ? "
            "AND status = 'final' AND day >= ? ORDER BY day",
            (portal.tenant.slug, who.id, portal.today().isoformat()),
        )
        for r in rows:
            d = date.fromisoformat(r["day"])
            if not has_passed(now, _deadline(portal, d)):
                chosen = month_of(d)
                break
    found: list[CancellableDay] = []
    if chosen is not None:
        for c in _days(portal, who, [chosen], now).values():
            if c.state == "final" and not c.locked and c.deadline is not None:
                live = [i.meal for i in c.items if i.status == "final"]
                found.append(CancellableDay(day=c.day, deadline=c.deadline, meals=live))
    return Cancellable(
        member_id=who.id,
        member=who.name,
        month=chosen,
        now=now,
        cutoff=f"{cancellation_cutoff(portal.tenant.policy):%H:%M}",
        timezone=portal.tenant.timezone,
        days=sorted(found, key=lambda c: c.day),
    )


def cancel(portal: Portal, account: sqlite3.Row, request: CancelRequest) -> Cancellation:
    """R3.8-R3.9: cancel days of one member; each day succeeds or is refused on its own,
    and the outcome is kept in the inbox.  A cancelled final day credits what it cost."""
    portal.require("meals")
    payments.expire_due(portal)
    if not request.days:
        raise InvalidInput("give the days to cancel", code="days_required")
    who = etelka.resolve(portal, account, request.member)
    now = portal.now()
    currency = etelka.currency(portal)
    wanted = sorted(set(request.days))
    days = _days(portal, who, sorted({month_of(d) for d in wanted}), now)
    planned = plan_cancellation(
        wanted,
        days,
        now,
        cutoff=cancellation_cutoff(portal.tenant.policy),
        tz=portal.tenant.timezone,
        calendar=portal.calendar,
        currency=currency,
    )
    outcomes: list[CancellationOutcome] = []
    total = Decimal(0)
    for outcome in planned:
        if outcome.status != "would_cancel":
            outcomes.append(outcome)
            continue
        portal.store.execute(
            "UPDATE meal_orders SET status = 'cancelled', updated_at = ? WHERE tenant = ? "
            "AND member_id = ? AND day = ? AND status = 'final'",
            (iso(now), portal.tenant.slug, who.id, outcome.day.isoformat()),
        )
        credit = outcome.credit or Money.of(0, currency)
        if credit.value:
            etelka.post(portal, who.id, "cancellation", credit.value, day=outcome.day.isoformat())
        total += credit.value
        outcomes.append(
            outcome.model_copy(
                update={
                    "status": "cancelled",
                    "message": f"{outcome.day.isoformat()} cancelled"
                    + (f"; {credit} credited to the account" if credit.value else ""),
                }
            )
        )
    done = [o for o in outcomes if o.status == "cancelled"]
    refused = [o for o in outcomes if o.status == "refused"]
    if not done and not refused:
        # Every day was cancelled already: nothing changed, nothing to tell.
        return Cancellation(
            member_id=who.id,
            member=who.name,
            sent=True,
            outcomes=outcomes,
            credit=Money.of(0, currency),
        )
    if done and not refused:
        title = f"Successful cancellation: {who.name}, {len(done)} day(s)"
    elif done:
        title = f"Cancellation for {who.name}: {len(done)} day(s) cancelled, {len(refused)} refused"
    else:
        title = f"Cancellation refused: {who.name}, {len(refused)} day(s)"
    lines = [f"{o.day.isoformat()}: {o.message}" for o in outcomes]
    ids = inbox.notify(
        portal,
        [int(account["id"])],
        event="cancellation",
        title=title,
        body=f"Quick cancellation for {who.name}:\n" + "\n".join(lines),
        data={
            "member_id": who.id,
            "member": who.name,
            "cancelled": [o.day.isoformat() for o in done],
            "refused": [{"day": o.day.isoformat(), "code": o.code} for o in refused],
            "credit": json.loads(Money.of(total, currency).model_dump_json()),
        },
    )
    return Cancellation(
        member_id=who.id,
        member=who.name,
        sent=True,
        outcomes=outcomes,
        credit=Money.of(total, currency),
        notification_id=ids[0] if ids else None,
    )


# The demo seed --------------------------------------------------------------------------------


def _seed_final(portal: Portal, who: Enrolled, model: Member, days: list[date]) -> None:
    """Final orders of some days, paid by card the day before the first (demo)."""
    if not days:
        return
    currency = etelka.currency(portal)
    policy = portal.tenant.policy
    now = iso(portal.now())
    fin_id = "fin_" + secrets.token_hex(8)
    items: list[Order] = []
    for d in days:
        offered = meals_offered(policy, who.age_group, d, portal.calendar)
        offers = {o.meal: o for o in model.offer.get(WEEKDAYS[d.weekday()], [])}
        for meal in offered:
            offer = offers.get(meal) or next(
                o for weekday in model.offer.values() for o in weekday if o.meal == meal
            )
            item = Order(
                day=d,
                meal=meal,
                place=offer.places[0],
                menu="A" if offer.menus else None,
                status="final",
                price=offer.price,
                subsidy=offer.subsidy,
            )
            items.append(item)
            portal.store.insert(
                "meal_orders",
                {
                    "tenant": portal.tenant.slug,
                    "member_id": who.id,
                    "day": d.isoformat(),
                    "meal": meal,
                    "place": item.place,
                    "menu": item.menu,
                    "status": "final",
                    "price": str(item.price.value),
                    "subsidy": str(item.subsidy.value),
                    "currency": currency,
                    "finalization_id": fin_id,
                    "created_at": now,
                    "updated_at": now,
                },
            )
    charges, subsidies = order_lines(items, currency)
    calc = calculate(Money.of(0, currency), charges, subsidies)
    month = month_of(days[0])
    summary = Finalization(
        member_id=who.id,
        member=who.name,
        month=month,
        status="final",
        meals_ordered=len(items),
        days_ordered=len(days),
        days_cancelled=0,
        payment_methods=["card"],
        document="receipt",
        calculation=calc,
    )
    payment = payments.create(
        portal,
        account_id=None,
        purpose=PURPOSE,
        subject_id=fin_id,
        amount=calc.total_payable,
        description=f"School meals {month}, {who.name}",
        member=who.name,
        details={"member_id": who.id, "period": month, "finalization_id": fin_id},
        status="succeeded",
    )
    paid_at = iso(portal.now() - timedelta(days=1))
    portal.store.execute(
        "UPDATE payments SET created_at = ?, completed_at = ?, receipt_ready_at = ?, "
        "transaction_id = ? WHERE id = ?",
        (paid_at, paid_at, paid_at, "TXDEMO" + payment["id"][-6:].upper(), payment["id"]),
    )
    portal.store.insert(
        "meal_finalizations",
        {
            "id": fin_id,
            "tenant": portal.tenant.slug,
            "member_id": who.id,
            "month": month,
            "status": "final",
            "document": "receipt",
            "summary": json.dumps(
                {"finalization": summary.model_dump(mode="json"), "credit_ids": []}
            ),
            "payment_id": payment["id"],
            "created_at": paid_at,
            "completed_at": paid_at,
        },
    )
    _post_final(portal, fin_id, who.id, summary, [])
    etelka.post(
        portal,
        who.id,
        "payment",
        calc.total_payable.value,
        finalization_id=fin_id,
        payment_id=payment["id"],
    )


def seed_demo(portal: Portal) -> None:
    """Demo data: paid lunches for the first member over the coming weeks, a cash payment
    for the second, and messages on the board."""
    if "meals" not in portal.tenant.features:
        return
    everyone = etelka.enrolled_with(portal, None)
    if not everyone:
        return
    now = portal.now()
    first = everyone[0]
    model = etelka.member_model(portal, first)
    today = portal.today()
    months = [month_of(today), month_of(today.replace(day=28) + timedelta(days=7))]
    days = _days(portal, first, months, now)
    open_days = [c.day for c in days.values() if c.meals_offered and not c.locked][:20]
    by_month: dict[str, list[date]] = defaultdict(list)
    for d in open_days:
        by_month[month_of(d)].append(d)
    for month_days_ in by_month.values():
        _seed_final(portal, first, model, month_days_)
    from familycard.models.meals import ClerkMoneyRequest, MessageRequest

    currency = etelka.currency(portal)
    if len(everyone) > 1:
        etelka.record_cash(
            portal,
            ClerkMoneyRequest(
                member=everyone[1].id, amount=Money.of(5000, currency), note="paid at the office"
            ),
        )
    inbox.publish(
        portal,
        MessageRequest(
            title="Welcome to the ETELKA portal",
            body="Order and cancel school meals here. Cancel by 09:00 on the working day "
            "before the meal day; the price list is on the ordering page.",
        ),
    )
    institutions: list[str] = list(portal.tenant.policy.get("institutions", []))
    if institutions:
        inbox.publish(
            portal,
            MessageRequest(
                title="Menu change on Friday",
                body="The kitchen serves fish soup instead of goulash this Friday.",
                institutions=[institutions[0]],
            ),
        )
