"""pagoPA notices: issuing, seeing, paying a cart through a PSP; meals consumed.

Rules: R2.2-R2.4 (entranext), R4.4-R4.5 (pagoinrete), X1, X4-X5.  The rules
themselves are in `familycard.rules.notices`; this module keeps the state.

A cart is paid by one payment (purpose `notices`).  Creating it holds every
notice of the cart (`pending_payment_id`) so no other checkout can charge it;
when the terminal reports success, every notice of the cart becomes paid in the
same transaction, and the receipt is e-mailed; when the payment fails or its
checkout expires, the notices are released, all of them unpaid.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from familycard import FamilycardError, InvalidInput, Money, NotFound, RuleViolation
from familycard.identifiers import encode_qr_payload, parse_notice_number
from familycard.models._base import Currency
from familycard.models.notices import (
    CartRequest,
    ConsumedMeal,
    Creditor,
    MealsRecordResult,
    Notice,
    NoticeIssueResult,
    NoticeSlip,
    Psp,
)
from familycard.models.payments import Payment
from familycard.rules.notices import (
    cart_total,
    check_cart,
    check_meal_row,
    check_notice_row,
    check_payable,
    check_status_filter,
    issue_notice_number,
    notice_key,
    notice_status,
    parse_month,
    psps_offering,
    slip_code_line,
)

from ..state import Portal, iso
from . import accounts, payments

__all__ = [
    "get_notice",
    "issue",
    "list_notices",
    "meals_consumed",
    "notice_model",
    "pay",
    "psps",
    "record_meals",
    "seed_demo",
]

PURPOSE = "notices"


# Helpers ---------------------------------------------------------------------------


def _currency(portal: Portal) -> Currency:
    return cast(Currency, portal.tenant.currency)


def _visible(portal: Portal, account: sqlite3.Row) -> tuple[str, list[Any]]:
    """Notices addressed to the family, or concerning one of its children (R4.4)."""
    members = accounts.members(portal, account)
    marks = ", ".join("?" for _ in members) or "NULL"
    return (
        f"tenant = ? AND (debtor_tax_code = ? OR member IN ({marks}))",
        [portal.tenant.slug, account["tax_code"], *members],
    )


def notice_model(portal: Portal, row: sqlite3.Row) -> Notice:
    """The wire model of a notice row; its status is computed on the stub clock."""
    today = portal.today()
    amount = Money.of(Decimal(row["amount"]), row["currency"])
    due_on = date.fromisoformat(row["due_on"])
    expires_on = date.fromisoformat(row["expires_on"]) if row["expires_on"] else None
    status = notice_status(paid=row["paid_at"] is not None, expires_on=expires_on, today=today)
    code_line = None
    if row["postal_account"]:
        code_line = slip_code_line(row["number"], row["postal_account"], amount)
    return Notice(
        number=row["number"],
        iuv=row["iuv"],
        creditor=Creditor(name=row["creditor_name"], fiscal_code=row["creditor_fiscal_code"]),
        subject=row["subject"],
        amount=amount,
        due_on=due_on,
        expires_on=expires_on,
        status=status,
        overdue=status == "due" and today > due_on,
        member=row["member"],
        member_name=row["member_name"],
        debtor_tax_code=row["debtor_tax_code"],
        institution=row["institution"],
        reference=row["reference"],
        issued_on=datetime.fromisoformat(row["issued_at"])
        .astimezone(ZoneInfo(portal.tenant.timezone))
        .date(),
        paid_at=row["paid_at"],
        payment_id=row["payment_id"],
        pending_payment_id=row["pending_payment_id"],
        slip=NoticeSlip(
            qr_payload=encode_qr_payload(
                notice_number=row["number"],
                creditor_fiscal_code=row["creditor_fiscal_code"],
                amount_cents=int(amount.value.scaleb(2)),
            ),
            postal_account=row["postal_account"],
            iban=row["iban"],
            code_line=code_line,
        ),
    )


# Family side -----------------------------------------------------------------------


def list_notices(
    portal: Portal, account: sqlite3.Row, *, status: str = "all", member: str | None = None
) -> list[Notice]:
    """The notices the family sees (R2.3, R4.4), due date first."""
    wanted = check_status_filter(status)
    payments.expire_due(portal)  # a lapsed checkout releases its notices first
    where, params = _visible(portal, account)
    sql = f"SELECT * FROM notices WHERE {where}"
    if member is not None:
        sql += " AND member = ?"
        params.append(member.strip().upper())
    rows = portal.store.all(sql + " ORDER BY due_on, number", params)
    found = [notice_model(portal, row) for row in rows]
    return [n for n in found if wanted == "all" or n.status == wanted]


def _visible_row(portal: Portal, account: sqlite3.Row, number: str) -> sqlite3.Row:
    where, params = _visible(portal, account)
    row = portal.store.one(f"SELECT * FROM notices WHERE number = ? AND {where}", [number, *params])
    if row is None:
        raise NotFound(
            f"no notice {number} for this account (a notice shows only to the family and "
            "the children it is issued to)",
            code="notice_not_found",
            details={"notice": number},
        )
    return row


def get_notice(portal: Portal, account: sqlite3.Row, number: str) -> Notice:
    """One of the family's notices, with its slip data."""
    clean = parse_notice_number(number).number
    payments.expire_due(portal)
    return notice_model(portal, _visible_row(portal, account, clean))


def psps(portal: Portal, method: str) -> list[Psp]:
    """The PSPs offering a method, with their fees (R4.5)."""
    return psps_offering(portal.tenant.policy, method, _currency(portal))


def pay(portal: Portal, account: sqlite3.Row, cart: CartRequest) -> Payment:
    """One payment for a cart of notices, through the PSP's page (R4.5, X4).

    Every notice is checked before anything is created: a notice paid, expired or
    held by another checkout refuses the whole cart, and nothing is charged.
    """
    numbers, psp = check_cart(
        cart.notices,
        method=cart.method,
        psp=cart.psp,
        policy=portal.tenant.policy,
        currency=_currency(portal),
    )
    payments.expire_due(portal)
    rows = [_visible_row(portal, account, number) for number in numbers]
    notices = [notice_model(portal, row) for row in rows]
    for notice in notices:
        check_payable(notice)
    total = cart_total([n.amount for n in notices], psp.fee)
    members = {n.member for n in notices}
    if len(notices) == 1:
        description = f"pagoPA notice {numbers[0]}: {notices[0].subject}"
    else:
        description = f"pagoPA cart of {len(notices)} notices"
    row = payments.create(
        portal,
        account_id=account["id"],
        purpose=PURPOSE,
        subject_id=",".join(numbers),
        amount=total,
        description=description,
        member=members.pop() if len(members) == 1 else None,
        method=psp.method,
        details={
            "psp": psp.id,
            "psp_name": psp.name,
            "notices": numbers,
            "notices_amount": cart_total(
                [n.amount for n in notices], Money.of(0, psp.fee.currency)
            ).model_dump(mode="json"),
            "fee": psp.fee.model_dump(mode="json"),
        },
    )
    marks = ", ".join("?" for _ in rows)
    portal.store.execute(
        f"UPDATE notices SET pending_payment_id = ? WHERE id IN ({marks})",
        [row["id"], *(r["id"] for r in rows)],
    )
    return payments.payment_model(portal, row)


def _cart_paid(portal: Portal, payment: sqlite3.Row) -> None:
    """Every notice of the cart becomes paid, in the terminal's transaction; receipt e-mailed."""
    portal.store.execute(
        "UPDATE notices SET paid_at = ?, payment_id = ?, pending_payment_id = NULL "
        "WHERE tenant = ? AND pending_payment_id = ?",
        (iso(portal.now()), payment["id"], portal.tenant.slug, payment["id"]),
    )
    details = json.loads(payment["details"])
    account = portal.store.one("SELECT * FROM accounts WHERE id = ?", (payment["account_id"],))
    if account is None:
        return
    amount = Money.of(Decimal(payment["amount"]), payment["currency"])
    numbers = list(details.get("notices", []))
    portal.send_email(
        account["email"],
        f"{portal.tenant.name}: payment receipt",
        "receipt",
        f"Payment {payment['id']} of {amount} through {details.get('psp_name')} succeeded "
        f"(transaction {payment['transaction_id']}).\nNotices paid: {', '.join(numbers)}.\n"
        f"The receipt is attached and can be downloaded with "
        f"'familycard payments receipt {payment['id']}'.",
        payment_id=payment["id"],
        transaction_id=payment["transaction_id"],
        notices=numbers,
        amount=amount.model_dump(mode="json"),
        attachment=f"receipt-{payment['id']}.pdf",
    )


def _cart_released(portal: Portal, payment: sqlite3.Row) -> None:
    """A failed or expired checkout leaves every notice of its cart unpaid and free."""
    portal.store.execute(
        "UPDATE notices SET pending_payment_id = NULL WHERE tenant = ? AND pending_payment_id = ?",
        (portal.tenant.slug, payment["id"]),
    )


payments.on_purpose(
    PURPOSE, payments.PaymentHandler(succeeded=_cart_paid, ended_unpaid=_cart_released)
)


# Clerk side: issuing ---------------------------------------------------------------


def _creditor(portal: Portal, institution: str | None) -> dict[str, str | None]:
    """The creditor of a notice: the municipality, or the issuing school (pagoinrete)."""
    policy = portal.tenant.policy
    entry: Mapping[str, Any] | None
    if institution is not None:
        entry = (policy.get("creditors") or {}).get(institution)
    else:
        entry = policy.get("creditor")
    if not entry:
        raise RuleViolation(
            f"the portal has no creditor configured for {institution or 'its notices'}",
            code="creditor_not_configured",
        )
    return {
        "creditor_name": str(entry["name"]),
        "creditor_fiscal_code": str(entry["fiscal_code"]),
        "postal_account": entry.get("postal_account"),
        "iban": entry.get("iban"),
    }


def _target(portal: Portal, clean: Mapping[str, str]) -> dict[str, str | None]:
    """Who a notice is for: an enrolled child, or an enrolled family (its guardian)."""
    slug, tax_code = portal.tenant.slug, clean["tax_code"]
    as_child = portal.store.all(
        "SELECT data FROM enrolments WHERE tenant = ? AND child_tax_code = ?", (slug, tax_code)
    )
    rows = as_child or portal.store.all(
        "SELECT data FROM enrolments WHERE tenant = ? AND guardian_tax_code = ?", (slug, tax_code)
    )
    if not rows:
        raise RuleViolation(
            f"{tax_code} is neither an enrolled child nor an enrolled family on this portal",
            code="not_enrolled",
        )
    data = [json.loads(r["data"]) for r in rows]
    target: dict[str, str | None] = {
        "member": tax_code if as_child else None,
        "member_name": data[0].get("child_name") if as_child else None,
        "debtor_tax_code": None if as_child else tax_code,
        "institution": None,
    }
    if portal.tenant.kind == "pagoinrete":
        schools = sorted({d["institution"] for d in data})
        wanted = clean.get("institution")
        if wanted is not None and wanted not in schools:
            raise RuleViolation(
                f"{tax_code} is not enrolled at {wanted} (enrolled at: {', '.join(schools)})",
                code="not_enrolled",
            )
        if wanted is None and len(schools) > 1:
            raise InvalidInput(
                f"{tax_code} is enrolled at several schools ({', '.join(schools)}): "
                "say which one issues the notice (institution)",
                code="institution_required",
            )
        target["institution"] = wanted or schools[0]
    return target


def _next_number(portal: Portal) -> tuple[int, str]:
    """A fresh notice number: the next sequence, skipping numbers taken (IUV unique)."""
    last = portal.store.one(
        "SELECT MAX(seq) AS seq FROM notices WHERE tenant = ?", (portal.tenant.slug,)
    )
    sequence = (last["seq"] if last and last["seq"] is not None else 0) + 1
    while True:
        number = issue_notice_number(portal.tenant.policy, sequence)
        iuv = parse_notice_number(number).iuv
        taken = portal.store.one(
            "SELECT 1 FROM notices WHERE tenant = ? AND (number = ? OR iuv = ?)",
            (portal.tenant.slug, number, iuv),
        )
        if taken is None:
            return sequence, number
        sequence += 1


def _recipients(portal: Portal, notice: Notice) -> list[str]:
    """Who is e-mailed a new notice (R4.4): the accounts that see it."""
    slug = portal.tenant.slug
    tax_codes: set[str] = set()
    if notice.debtor_tax_code:
        tax_codes.add(notice.debtor_tax_code)
    if notice.member:
        guardians = portal.store.all(
            "SELECT DISTINCT guardian_tax_code AS g FROM enrolments "
            "WHERE tenant = ? AND child_tax_code = ? AND guardian_tax_code IS NOT NULL",
            (slug, notice.member),
        )
        tax_codes.update(r["g"] for r in guardians)
    emails: list[str] = []
    for tax_code in sorted(tax_codes):
        account = portal.store.one(
            "SELECT email FROM accounts WHERE tenant = ? AND tax_code = ? AND status = 'active'",
            (slug, tax_code),
        )
        if account is not None:
            emails.append(account["email"])
            continue
        enrolment = portal.store.one(  # entranext keeps the family's address from enrolment
            "SELECT guardian_email FROM enrolments WHERE tenant = ? AND guardian_tax_code = ? "
            "AND guardian_email IS NOT NULL LIMIT 1",
            (slug, tax_code),
        )
        if enrolment is not None:
            emails.append(enrolment["guardian_email"])
    return sorted(set(emails))


def _insert_notice(portal: Portal, values: dict[str, Any]) -> Notice:
    notice_id = portal.store.insert(
        "notices", {"tenant": portal.tenant.slug, "issued_at": iso(portal.now()), **values}
    )
    row = portal.store.one("SELECT * FROM notices WHERE id = ?", (notice_id,))
    assert row is not None
    return notice_model(portal, row)


def _announce(portal: Portal, notice: Notice) -> None:
    for email in _recipients(portal, notice):
        portal.send_email(
            email,
            f"{portal.tenant.name}: new payment notice {notice.number}",
            "notice",
            f"{notice.creditor.name} issued a payment notice: {notice.subject}, "
            f"{notice.amount}, due on {notice.due_on}.\nNotice number: {notice.number}",
            number=notice.number,
            amount=notice.amount.model_dump(mode="json"),
            due_on=notice.due_on.isoformat(),
            qr_payload=notice.slip.qr_payload,
        )


def _issue_one(
    portal: Portal, raw: Mapping[str, str], *, announce: bool
) -> tuple[Literal["created", "exists"], Notice]:
    clean = check_notice_row(portal.tenant.kind, raw, portal.tenant.policy, _currency(portal))
    key = notice_key(clean)
    existing = portal.store.one(
        "SELECT * FROM notices WHERE tenant = ? AND key = ?", (portal.tenant.slug, key)
    )
    if existing is not None:
        return "exists", notice_model(portal, existing)
    target = _target(portal, clean)
    sequence, number = _next_number(portal)
    notice = _insert_notice(
        portal,
        {
            "number": number,
            "iuv": parse_notice_number(number).iuv,
            "seq": sequence,
            "key": key,
            **_creditor(portal, target["institution"]),
            "subject": clean["subject"],
            "amount": clean["amount"],
            "currency": portal.tenant.currency,
            "due_on": clean["due_on"],
            "expires_on": clean["expires_on"],
            "reference": clean.get("reference"),
            **target,
        },
    )
    if announce:
        _announce(portal, notice)
    return "created", notice


def issue(
    portal: Portal, rows: Iterable[tuple[int, Mapping[str, str]]], *, announce: bool = True
) -> list[NoticeIssueResult]:
    """Issue notices, each row in its own savepoint: a bad row never loses the others.

    A row issued before (same natural key: the office's reference, else tax code,
    subject, amount and due date) is `exists` and issues nothing.  Each new notice
    is e-mailed to the families that see it (R4.4), unless `announce` is False.
    """
    store = portal.store
    results: list[NoticeIssueResult] = []
    for number, raw in rows:
        store.execute("SAVEPOINT issue_notice")
        try:
            status, notice = _issue_one(portal, raw, announce=announce)
        except FamilycardError as exc:
            store.execute("ROLLBACK TO issue_notice")
            store.execute("RELEASE issue_notice")
            results.append(
                NoticeIssueResult(
                    row=number,
                    status="invalid" if exc.status == 400 else "refused",
                    tax_code=(raw.get("tax_code") or "").strip() or None,
                    error={"code": exc.code, "message": exc.message},
                )
            )
            continue
        store.execute("RELEASE issue_notice")
        results.append(
            NoticeIssueResult(
                row=number,
                status=status,
                number=notice.number,
                amount=notice.amount,
                tax_code=notice.member or notice.debtor_tax_code,
            )
        )
    return results


# Meals consumed (entranext, R2.3) --------------------------------------------------


def record_meals(
    portal: Portal, rows: Iterable[tuple[int, Mapping[str, str]]]
) -> list[MealsRecordResult]:
    """The office records meals consumed; recording a day again replaces its count."""
    portal.require("meals_consumed")
    slug = portal.tenant.slug
    results: list[MealsRecordResult] = []
    for number, raw in rows:
        try:
            clean = check_meal_row(raw, portal.tenant.policy)
            enrolled = portal.store.one(
                "SELECT 1 FROM enrolments WHERE tenant = ? AND child_tax_code = ? LIMIT 1",
                (slug, clean["child_tax_code"]),
            )
            if enrolled is None:
                raise RuleViolation(
                    f"the child {clean['child_tax_code']} is not enrolled on this portal",
                    code="not_enrolled",
                )
        except FamilycardError as exc:
            results.append(
                MealsRecordResult(
                    row=number,
                    status="invalid" if exc.status == 400 else "refused",
                    error={"code": exc.code, "message": exc.message},
                )
            )
            continue
        existing = portal.store.one(
            "SELECT id FROM meals_consumed WHERE tenant = ? AND member = ? AND day = ? "
            "AND service = ?",
            (slug, clean["child_tax_code"], clean["day"], clean["service"]),
        )
        if existing is not None:
            portal.store.execute(
                "UPDATE meals_consumed SET meals = ?, recorded_at = ? WHERE id = ?",
                (int(clean["meals"]), iso(portal.now()), existing["id"]),
            )
        else:
            portal.store.insert(
                "meals_consumed",
                {
                    "tenant": slug,
                    "member": clean["child_tax_code"],
                    "day": clean["day"],
                    "service": clean["service"],
                    "meals": int(clean["meals"]),
                    "recorded_at": iso(portal.now()),
                },
            )
        results.append(MealsRecordResult(row=number, status="updated" if existing else "created"))
    return results


def meals_consumed(
    portal: Portal, account: sqlite3.Row, *, month: str | None, member: str | None
) -> list[ConsumedMeal]:
    """The meals the family's children consumed in a month (default: the portal's current)."""
    first, last = parse_month(month or portal.today().strftime("%Y-%m"))
    members = accounts.members(portal, account)
    if member is not None:
        wanted = member.strip().upper()
        if wanted not in members:
            raise NotFound(f"no member {wanted} on this account", code="member_not_found")
        members = [wanted]
    if not members:
        return []
    marks = ", ".join("?" for _ in members)
    rows = portal.store.all(
        f"SELECT * FROM meals_consumed WHERE tenant = ? AND member IN ({marks}) "
        "AND day BETWEEN ? AND ? ORDER BY day, member, service",
        [portal.tenant.slug, *members, first.isoformat(), last.isoformat()],
    )
    names = {
        r["child_tax_code"]: json.loads(r["data"]).get("child_name")
        for r in portal.store.all(
            f"SELECT child_tax_code, data FROM enrolments WHERE tenant = ? "
            f"AND child_tax_code IN ({marks})",
            [portal.tenant.slug, *members],
        )
    }
    return [
        ConsumedMeal(
            member=r["member"],
            member_name=names.get(r["member"]),
            day=r["day"],
            service=r["service"],
            meals=r["meals"],
        )
        for r in rows
    ]


# Demo seed -------------------------------------------------------------------------

#: R2.4: the real notice printed on the entranext seed's postal slip.
SEED_NOTICE = {
    "number": "001019100083901286",
    "subject": "Servizi scolastici — scuola dell'infanzia",
    "amount": "140.40",
    "reference": "contributor 599, notice 839/2019",
    "debtor_tax_code": "BNCGPP80A01H223F",
    "member": "BNCLNE16D52H223T",
    "member_name": "Elena Bianchi",
}

#: Notices the schools of the pagoinrete seed issue: (child, subject, amount).
_SEED_SCHOOL_NOTICES = (
    ("VRDGLI15T03L219M", "Uscita didattica al museo", "12.50"),
    ("VRDGLI15T03L219M", "Assicurazione scolastica", "8.00"),
    ("NRELSN14S50F205X", "Contributo volontario", "50.00"),
)


def seed_demo(portal: Portal) -> None:
    """The demo seed: the real notice of R2.4 on entranext, school notices on pagoinrete.

    Due dates are relative to the stub clock so the demo's notices are payable; on
    entranext the Bianchi children also have meals consumed this month.
    """
    if "notices" not in portal.tenant.features:
        return
    today = portal.today()
    if portal.tenant.kind == "entranext":
        number = SEED_NOTICE["number"]
        _insert_notice(
            portal,
            {
                "number": number,
                "iuv": parse_notice_number(number).iuv,
                "key": "ref|" + SEED_NOTICE["reference"].casefold(),
                **_creditor(portal, None),
                "subject": SEED_NOTICE["subject"],
                "amount": SEED_NOTICE["amount"],
                "currency": portal.tenant.currency,
                "due_on": (today + timedelta(days=30)).isoformat(),
                "expires_on": (today + timedelta(days=120)).isoformat(),
                "reference": SEED_NOTICE["reference"],
                "debtor_tax_code": SEED_NOTICE["debtor_tax_code"],
                "member": SEED_NOTICE["member"],
                "member_name": SEED_NOTICE["member_name"],
            },
        )
        if "meals_consumed" in portal.tenant.features:
            _seed_meals(portal, today)
        return
    due = (today + timedelta(days=21)).isoformat()
    rows = [
        (n, {"tax_code": child, "subject": subject, "amount": amount, "due_on": due})
        for n, (child, subject, amount) in enumerate(_SEED_SCHOOL_NOTICES, start=1)
    ]
    issue(portal, rows, announce=False)


def _seed_meals(portal: Portal, today: date) -> None:
    """A meal each school day of this month so far, for each enrolled child."""
    children = portal.store.all(
        "SELECT child_tax_code AS c, json_extract(data, '$.service') AS s FROM enrolments "
        "WHERE tenant = ?",
        (portal.tenant.slug,),
    )
    rows: list[tuple[int, dict[str, str]]] = []
    day = today.replace(day=1)
    while day <= today:
        if portal.calendar.is_working_day(day):
            for child in children:
                rows.append(
                    (
                        len(rows) + 1,
                        {
                            "child_tax_code": child["c"],
                            "day": day.isoformat(),
                            "service": child["s"],
                        },
                    )
                )
        day += timedelta(days=1)
    record_meals(portal, rows)
