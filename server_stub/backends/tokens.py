"""Canteen tokens (citycard): services, balances, attendance, recharges paid by card.

Rules: R1.5-R1.8, and R1.9 through the shared payments (X4).  The balance is the sum
of a ledger: +tokens when a recharge's payment succeeds, in the same transaction as
the terminal's outcome ("credited at once"), and -1 per day attended; it may be
negative (R1.6).  A declined or expired payment credits nothing.
"""

from __future__ import annotations

import secrets
import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from familycard import InvalidInput, Money, NotFound, RuleViolation
from familycard.identifiers import validate_tax_code
from familycard.models.tokens import (
    Attendance,
    AttendanceRequest,
    AttendanceResult,
    AwaitingRecharge,
    Recharge,
    RechargeQuote,
    RechargeRequest,
    Service,
    TokenBalance,
)
from familycard.rules.calendar import TenantCalendar, school_year_of, working_days
from familycard.rules.tokens import (
    check_attendance_days,
    check_recharge_request,
    check_service,
    max_tokens_per_recharge,
    parse_month,
    recharge_amount,
    service_name,
    token_multiple,
    token_price,
    tokens_to_top_up,
)

from ..state import Portal, iso
from . import accounts, payments

__all__ = [
    "attendance",
    "balances",
    "create_recharge",
    "get_recharge",
    "list_recharges",
    "quote",
    "record_attendance",
    "seed_demo",
    "service_detail",
    "services",
]

#: The payment purpose of a recharge.
PURPOSE = "recharge"


# Who and what -------------------------------------------------------------------------


def _enrolments(portal: Portal, member: str) -> list[sqlite3.Row]:
    """The services a child is enrolled in, oldest first."""
    return portal.store.all(
        "SELECT json_extract(data, '$.service') AS service, "
        "json_extract(data, '$.child_name') AS child_name, created_at FROM enrolments "
        "WHERE tenant = ? AND child_tax_code = ? ORDER BY id",
        (portal.tenant.slug, member),
    )


def _members(portal: Portal, account: sqlite3.Row, member: str | None) -> list[str]:
    """The children a request is about: the one asked for, else every child reachable."""
    reachable = accounts.members(portal, account)
    if member is None:
        return reachable
    clean = validate_tax_code(member)
    if clean not in reachable:
        raise NotFound(
            f"the child {clean} is not reachable from this account "
            "(a citycard registration is one child's: log in with that child's credentials)",
            code="member_not_found",
        )
    return [clean]


def _one_member(portal: Portal, account: sqlite3.Row, member: str | None) -> str:
    found = _members(portal, account, member)
    if len(found) != 1:
        raise InvalidInput(
            f"this account reaches several children ({', '.join(found)}); give --member",
            code="member_required",
        )
    return found[0]


def _service_of(portal: Portal, member: str, service: str | None) -> sqlite3.Row:
    """The enrolment of a child in a service; the only one when none is named."""
    enrolled = _enrolments(portal, member)
    if service is None:
        if len(enrolled) == 1:
            return enrolled[0]
        if not enrolled:
            raise RuleViolation(
                f"the child {member} is not enrolled in any service", code="not_enrolled"
            )
        names = ", ".join(r["service"] for r in enrolled)
        raise InvalidInput(
            f"the child {member} has several services ({names}); give --service",
            code="service_required",
            details={"services": [r["service"] for r in enrolled]},
        )
    clean = check_service(service, portal.tenant.policy)
    for row in enrolled:
        if row["service"] == clean:
            return row
    raise NotFound(
        f"the child {member} is not enrolled in {clean}; "
        f"active services: {', '.join(r['service'] for r in enrolled) or 'none'}",
        code="service_not_found",
    )


def _balance(portal: Portal, member: str, service: str) -> int:
    row = portal.store.one(
        "SELECT COALESCE(SUM(delta), 0) AS b FROM token_movements "
        "WHERE tenant = ? AND member = ? AND service = ?",
        (portal.tenant.slug, member, service),
    )
    return int(row["b"]) if row else 0


def _pending(portal: Portal, member: str, service: str) -> int:
    row = portal.store.one(
        "SELECT COALESCE(SUM(tokens), 0) AS t FROM recharges WHERE tenant = ? AND member = ? "
        "AND service = ? AND status = 'awaiting_payment'",
        (portal.tenant.slug, member, service),
    )
    return int(row["t"]) if row else 0


def _awaiting(portal: Portal, member: str, service: str) -> list[AwaitingRecharge]:
    """The recharges awaiting payment, oldest first, with their checkouts."""
    rows = portal.store.all(
        "SELECT r.id, r.tokens, r.payment_id, p.expires_at FROM recharges r "
        "JOIN payments p ON p.id = r.payment_id WHERE r.tenant = ? AND r.member = ? "
        "AND r.service = ? AND r.status = 'awaiting_payment' ORDER BY r.created_at, r.id",
        (portal.tenant.slug, member, service),
    )
    return [
        AwaitingRecharge(
            id=r["id"],
            tokens=r["tokens"],
            checkout_url=payments.checkout_url(portal, r["payment_id"]),
            expires_at=r["expires_at"],
        )
        for r in rows
    ]


def _price(portal: Portal) -> Money:
    return token_price(portal.tenant.policy, portal.tenant.currency)  # type: ignore[arg-type]


# R1.5 services, R1.6 balances -----------------------------------------------------------


def _service_model(portal: Portal, member: str, enrolment: sqlite3.Row) -> Service:
    service = enrolment["service"]
    last = portal.store.one(
        "SELECT MAX(day) AS d FROM token_movements WHERE tenant = ? AND member = ? "
        "AND service = ? AND kind = 'attendance'",
        (portal.tenant.slug, member, service),
    )
    return Service(
        member=member,
        member_name=enrolment["child_name"],
        service=service,
        name=service_name(service, portal.tenant.policy),
        enrolled_since=datetime.fromisoformat(enrolment["created_at"]).date(),
        balance=_balance(portal, member, service),
        pending_tokens=_pending(portal, member, service),
        token_price=_price(portal),
        token_multiple=token_multiple(portal.tenant.policy),
        last_attendance=date.fromisoformat(last["d"]) if last and last["d"] else None,
    )


def services(portal: Portal, account: sqlite3.Row, member: str | None = None) -> list[Service]:
    """R1.5: the children's active services, each with its detail."""
    payments.expire_due(portal)
    return [
        _service_model(portal, m, e)
        for m in _members(portal, account, member)
        for e in _enrolments(portal, m)
    ]


def service_detail(
    portal: Portal, account: sqlite3.Row, service: str, member: str | None = None
) -> Service:
    """R1.5: one service's detail."""
    payments.expire_due(portal)
    child = _one_member(portal, account, member)
    return _service_model(portal, child, _service_of(portal, child, service))


def balances(
    portal: Portal, account: sqlite3.Row, member: str | None = None, service: str | None = None
) -> list[TokenBalance]:
    """R1.6: the token balance per child and service; negative when in debit."""
    result = []
    for child in _members(portal, account, member):
        enrolled = _enrolments(portal, child)
        if service is not None:
            enrolled = [_service_of(portal, child, service)]
        for e in enrolled:
            result.append(
                TokenBalance(
                    member=child,
                    member_name=e["child_name"],
                    service=e["service"],
                    balance=_balance(portal, child, e["service"]),
                )
            )
    return result


# R1.7 attendance ---------------------------------------------------------------------------


def attendance(
    portal: Portal,
    account: sqlite3.Row,
    month: str,
    *,
    service: str | None = None,
    member: str | None = None,
) -> list[Attendance]:
    """R1.7: the days attended in a month, per child and service."""
    first, last = parse_month(month)
    result = []
    for child in _members(portal, account, member):
        enrolled = _enrolments(portal, child)
        if service is not None:
            enrolled = [_service_of(portal, child, service)]
        for e in enrolled:
            rows = portal.store.all(
                "SELECT day FROM token_movements WHERE tenant = ? AND member = ? AND service = ? "
                "AND kind = 'attendance' AND day BETWEEN ? AND ? ORDER BY day",
                (portal.tenant.slug, child, e["service"], first.isoformat(), last.isoformat()),
            )
            days = [date.fromisoformat(r["day"]) for r in rows]
            result.append(
                Attendance(
                    member=child,
                    service=e["service"],
                    month=f"{first:%Y-%m}",
                    days=days,
                    tokens_consumed=len(days),
                )
            )
    return result


def _record_days(portal: Portal, member: str, service: str, days: list[date]) -> list[date]:
    """Consume one token per new day; a day recorded already changes nothing."""
    recorded = []
    for day in days:
        cursor = portal.store.execute(
            "INSERT OR IGNORE INTO token_movements "
            "(tenant, member, service, delta, kind, day, created_at) "
            "VALUES (?, ?, ?, -1, 'attendance', ?, ?)",
            (portal.tenant.slug, member, service, day.isoformat(), iso(portal.now())),
        )
        if cursor.rowcount:
            recorded.append(day)
    return recorded


def record_attendance(portal: Portal, request: AttendanceRequest) -> AttendanceResult:
    """The office records days a child attended; each new day consumes one token (R1.7)."""
    member = validate_tax_code(request.tax_code)
    service = check_service(request.service, portal.tenant.policy)
    if not any(r["service"] == service for r in _enrolments(portal, member)):
        raise RuleViolation(f"the child {member} is not enrolled in {service}", code="not_enrolled")
    today = portal.today()
    if request.month is not None:
        if request.days:
            raise InvalidInput("give days or a month, not both", code="days_or_month")
        first, last = parse_month(request.month)
        if first > today:
            raise RuleViolation(
                f"{request.month} has not started yet (today is {today.isoformat()})",
                code="day_in_future",
            )
        days = working_days(first, min(last, today), portal.calendar)
        if not days:
            return AttendanceResult(
                member=member,
                service=service,
                recorded=[],
                balance=_balance(portal, member, service),
            )
    else:
        days = list(request.days)
    days = check_attendance_days(days, today)
    recorded = _record_days(portal, member, service, days)
    return AttendanceResult(
        member=member,
        service=service,
        recorded=recorded,
        unchanged=[d for d in days if d not in recorded],
        balance=_balance(portal, member, service),
    )


# R1.8 recharges ------------------------------------------------------------------------------


def _plan(
    portal: Portal, account: sqlite3.Row, request: RechargeRequest
) -> tuple[sqlite3.Row, str, int, int, int]:
    """Who, which service, the balance, the pending tokens and the tokens to buy."""
    portal.require("recharges")
    payments.expire_due(portal)
    multiple = token_multiple(portal.tenant.policy)
    maximum = max_tokens_per_recharge(portal.tenant.policy)
    check_recharge_request(
        tokens=request.tokens, top_up_to=request.top_up_to, multiple=multiple, maximum=maximum
    )
    member = _one_member(portal, account, request.member)
    enrolment = _service_of(portal, member, request.service)
    balance = _balance(portal, member, enrolment["service"])
    pending = _pending(portal, member, enrolment["service"])
    if request.tokens is not None:
        tokens = request.tokens
    else:
        assert request.top_up_to is not None
        # Tokens awaiting payment count as bought: a second top-up never buys them again.
        tokens = tokens_to_top_up(balance + pending, request.top_up_to, multiple, maximum)
    return enrolment, member, balance, pending, tokens


def quote(portal: Portal, account: sqlite3.Row, request: RechargeRequest) -> RechargeQuote:
    """What a recharge would buy and cost; creates nothing."""
    enrolment, member, balance, pending, tokens = _plan(portal, account, request)
    price = _price(portal)
    return RechargeQuote(
        member=member,
        service=enrolment["service"],
        balance=balance,
        pending_tokens=pending,
        top_up_to=request.top_up_to,
        tokens=tokens,
        token_price=price,
        amount=recharge_amount(tokens, price),
        awaiting=_awaiting(portal, member, enrolment["service"]),
    )


def _recharge_model(portal: Portal, row: sqlite3.Row) -> Recharge:
    payment = (
        portal.store.one("SELECT * FROM payments WHERE id = ?", (row["payment_id"],))
        if row["payment_id"]
        else None
    )
    awaiting = row["status"] == "awaiting_payment"
    return Recharge(
        id=row["id"],
        member=row["member"],
        service=row["service"],
        tokens=row["tokens"],
        amount=Money.of(Decimal(row["amount"]), row["currency"]),
        status=row["status"],
        payment_id=row["payment_id"],
        checkout_url=payments.checkout_url(portal, row["payment_id"])
        if awaiting and row["payment_id"]
        else None,
        expires_at=payment["expires_at"] if awaiting and payment else None,
        balance_before=row["balance_before"],
        created_at=row["created_at"],
        completed_at=row["completed_at"],
    )


def create_recharge(portal: Portal, account: sqlite3.Row, request: RechargeRequest) -> Recharge:
    """R1.8: a recharge awaiting payment on the card terminal (or nothing, when not needed)."""
    enrolment, member, balance, _, tokens = _plan(portal, account, request)
    service = enrolment["service"]
    price = _price(portal)
    amount = recharge_amount(tokens, price)
    if tokens == 0:
        return Recharge(
            id=None,
            member=member,
            service=service,
            tokens=0,
            amount=amount,
            status="not_needed",
            balance_before=balance,
            awaiting=_awaiting(portal, member, service),
        )
    recharge_id = "rch_" + secrets.token_hex(8)
    now = iso(portal.now())
    portal.store.insert(
        "recharges",
        {
            "id": recharge_id,
            "tenant": portal.tenant.slug,
            "account_id": account["id"],
            "member": member,
            "service": service,
            "tokens": tokens,
            "amount": str(amount.value),
            "currency": amount.currency,
            "status": "awaiting_payment",
            "balance_before": balance,
            "created_at": now,
        },
    )
    payment = payments.create(
        portal,
        account_id=account["id"],
        purpose=PURPOSE,
        subject_id=recharge_id,
        amount=amount,
        description=f"{tokens} tokens, {service_name(service, portal.tenant.policy)}, "
        f"{enrolment['child_name']}",
        member=member,
        details={"tokens": tokens, "service": service, "recharge_id": recharge_id},
    )
    portal.store.execute(
        "UPDATE recharges SET payment_id = ? WHERE id = ?", (payment["id"], recharge_id)
    )
    return _recharge_by_id(portal, recharge_id)


def _recharge_by_id(portal: Portal, recharge_id: str) -> Recharge:
    row = portal.store.one("SELECT * FROM recharges WHERE id = ?", (recharge_id,))
    assert row is not None
    return _recharge_model(portal, row)


def replayed_recharge(portal: Portal, first: Recharge) -> Recharge | None:
    """A repeated creation with the same key: the recharge as it stands now.

    Ended unpaid (declined, expired), the key is spent: `recharge_ended_unpaid`, with the
    recharge, so that a script makes a new one with a new key.  None: the first answer
    stands (nothing was needed).
    """
    if first.id is None:
        return None
    payments.expire_due(portal)
    current = _recharge_by_id(portal, first.id)
    if current.status in ("failed", "expired"):
        outcome = "was declined" if current.status == "failed" else "expired unpaid"
        raise RuleViolation(
            f"recharge {current.id} made with this idempotency key {outcome}: nothing was "
            "charged; to try again, create a recharge with a new key",
            code="recharge_ended_unpaid",
            details={"recharge": current.model_dump(mode="json"), "status": current.status},
        )
    return current


def get_recharge(portal: Portal, account: sqlite3.Row, recharge_id: str) -> Recharge:
    """One of the account's recharges, with the outcome of its payment."""
    portal.require("recharges")
    payments.expire_due(portal)
    members = accounts.members(portal, account)
    marks = ", ".join("?" for _ in members) or "NULL"
    row = portal.store.one(
        f"SELECT * FROM recharges WHERE id = ? AND tenant = ? AND member IN ({marks})",
        (recharge_id, portal.tenant.slug, *members),
    )
    if row is None:
        raise NotFound(f"no recharge {recharge_id} for this account", code="recharge_not_found")
    return _recharge_model(portal, row)


def list_recharges(
    portal: Portal, account: sqlite3.Row, member: str | None = None
) -> list[Recharge]:
    """The recharges of the account's children, newest first."""
    portal.require("recharges")
    payments.expire_due(portal)
    members = _members(portal, account, member)
    marks = ", ".join("?" for _ in members) or "NULL"
    rows = portal.store.all(
        f"SELECT * FROM recharges WHERE tenant = ? AND member IN ({marks}) "
        "ORDER BY created_at DESC, rowid DESC",
        (portal.tenant.slug, *members),
    )
    return [_recharge_model(portal, r) for r in rows]


def _credit(portal: Portal, payment: sqlite3.Row) -> None:
    """The payment succeeded: credit the tokens now, in the terminal's transaction (R1.8)."""
    recharge = portal.store.one("SELECT * FROM recharges WHERE id = ?", (payment["subject_id"],))
    if recharge is None or recharge["status"] != "awaiting_payment":
        return
    portal.store.insert(
        "token_movements",
        {
            "tenant": recharge["tenant"],
            "member": recharge["member"],
            "service": recharge["service"],
            "delta": recharge["tokens"],
            "kind": "recharge",
            "recharge_id": recharge["id"],
            "created_at": iso(portal.now()),
        },
    )
    portal.store.execute(
        "UPDATE recharges SET status = 'succeeded', completed_at = ? WHERE id = ?",
        (payment["completed_at"], recharge["id"]),
    )
    owner = portal.store.one("SELECT email FROM accounts WHERE id = ?", (recharge["account_id"],))
    if owner is not None:
        balance = _balance(portal, recharge["member"], recharge["service"])
        portal.send_email(
            owner["email"],
            f"{portal.tenant.name}: recharge of {recharge['tokens']} tokens",
            "recharge",
            f"{recharge['tokens']} tokens for {recharge['service']} were credited to "
            f"{recharge['member']}. Balance: {balance}. Transaction {payment['transaction_id']}.",
            recharge_id=recharge["id"],
            payment_id=payment["id"],
            tokens=recharge["tokens"],
            balance=balance,
        )


def _ended_unpaid(portal: Portal, payment: sqlite3.Row) -> None:
    """Declined or abandoned: the recharge ends the same way and credits nothing."""
    portal.store.execute(
        "UPDATE recharges SET status = ?, completed_at = ? WHERE id = ? "
        "AND status = 'awaiting_payment'",
        (payment["status"], iso(portal.now()), payment["subject_id"]),
    )


payments.on_purpose(PURPOSE, payments.PaymentHandler(succeeded=_credit, ended_unpaid=_ended_unpaid))


# The demo seed -------------------------------------------------------------------------------

#: School days of attendance the demo seed records, and the tokens it says were bought first.
DEMO_TERM_DAYS = 40
DEMO_RECHARGE_TOKENS = 30


def _demo_term(today: date, calendar: TenantCalendar) -> list[date]:
    """The last school days before today, within the school year (its previous one in summer)."""
    start_year = int(school_year_of(today)[:4])
    start, end = (
        date(start_year, 9, 15),
        min(today - timedelta(days=1), date(start_year + 1, 6, 10)),
    )
    if end < start + timedelta(days=28):
        start, end = date(start_year - 1, 9, 15), date(start_year, 6, 10)
    return working_days(start, end, calendar)[-DEMO_TERM_DAYS:]


def seed_demo(portal: Portal) -> None:
    """A term of attendance for every enrolled child and service, and a paid recharge first."""
    if "tokens" not in portal.tenant.features:
        return
    term = _demo_term(portal.today(), portal.calendar)
    zone = ZoneInfo(portal.tenant.timezone)
    paid_at = datetime.combine(term[0], datetime.min.time(), zone).replace(hour=8)
    enrolments = portal.store.all(
        "SELECT child_tax_code, json_extract(data, '$.service') AS service, "
        "json_extract(data, '$.child_name') AS child_name FROM enrolments WHERE tenant = ?",
        (portal.tenant.slug,),
    )
    price = _price(portal)
    for e in enrolments:
        member, service = e["child_tax_code"], e["service"]
        recharge_id = "rch_" + secrets.token_hex(8)
        amount = recharge_amount(DEMO_RECHARGE_TOKENS, price)
        portal.store.insert(
            "recharges",
            {
                "id": recharge_id,
                "tenant": portal.tenant.slug,
                "member": member,
                "service": service,
                "tokens": DEMO_RECHARGE_TOKENS,
                "amount": str(amount.value),
                "currency": amount.currency,
                "status": "succeeded",
                "balance_before": 0,
                "created_at": iso(paid_at),
                "completed_at": iso(paid_at),
            },
        )
        payment = payments.create(
            portal,
            account_id=None,
            purpose=PURPOSE,
            subject_id=recharge_id,
            amount=amount,
            description=f"{DEMO_RECHARGE_TOKENS} tokens, "
            f"{service_name(service, portal.tenant.policy)}, {e['child_name']}",
            member=member,
            details={
                "tokens": DEMO_RECHARGE_TOKENS,
                "service": service,
                "recharge_id": recharge_id,
            },
            status="succeeded",
        )
        portal.store.execute(
            "UPDATE payments SET created_at = ?, completed_at = ?, receipt_ready_at = ?, "
            "transaction_id = ? WHERE id = ?",
            (
                iso(paid_at),
                iso(paid_at),
                iso(paid_at),
                "TXDEMO" + payment["id"][-6:].upper(),
                payment["id"],
            ),
        )
        portal.store.execute(
            "UPDATE recharges SET payment_id = ? WHERE id = ?", (payment["id"], recharge_id)
        )
        portal.store.insert(
            "token_movements",
            {
                "tenant": portal.tenant.slug,
                "member": member,
                "service": service,
                "delta": DEMO_RECHARGE_TOKENS,
                "kind": "recharge",
                "recharge_id": recharge_id,
                "created_at": iso(paid_at),
            },
        )
        _record_days(portal, member, service, term)
