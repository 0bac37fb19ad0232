"""pagoPA notices: who may see them, when they can be paid, carts, PSPs, issuing.

Rules: R2.2-R2.4 (entranext: elevation, notices, meals consumed), R4.4-R4.5
(pagoinrete: notices of one's children, a cart paid through a PSP), X4-X5.

The portal policy (`PortalInfo.policy`) carries the numbers these rules read:
`notice_aux_digit` with `notice_application_code` or `notice_segregation_code`
(how notice numbers are made), `notice_expiry_days` (how long after its due date a
notice stays payable), `cart_max_notices`, and `psps` (each `{id, name, fees}`,
`fees` mapping a payment method to the PSP's fee for one payment).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, get_args

from .. import identifiers as ids
from .._errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from ..models._base import Currency, Money
from ..models.notices import Notice, NoticeStatus, PaymentCodeInfo, PaymentMethod, Psp
from .bounds import MAX_AMOUNT_MINOR_UNITS, excerpt
from .calendar import FIRST_YEAR, LAST_YEAR, parse_month

__all__ = [
    "DEFAULT_CART_MAX_NOTICES",
    "DEFAULT_NOTICE_EXPIRY_DAYS",
    "MEAL_COLUMNS",
    "NOTICE_COLUMNS",
    "OPTIONAL_NOTICE_COLUMNS",
    "PAYMENT_METHODS",
    "STATUS_FILTERS",
    "SUBJECT_MAX_LENGTH",
    "cart_total",
    "check_cart",
    "check_elevated",
    "check_meal_row",
    "check_method",
    "check_notice_row",
    "check_payable",
    "check_status_filter",
    "choose_psp",
    "decode_payment",
    "issue_notice_number",
    "notice_key",
    "notice_status",
    "parse_amount",
    "parse_day",
    "parse_month",
    "psps_offering",
    "slip_code_line",
]

#: The payment methods pagoPA offers (R4.5): card, bank debit, online postal slip.
PAYMENT_METHODS: tuple[PaymentMethod, ...] = get_args(PaymentMethod)
#: What `notices list --status` accepts.
STATUS_FILTERS: tuple[str, ...] = (*get_args(NoticeStatus), "all")
#: pagoPA carts hold at most five notices unless the policy says otherwise.
DEFAULT_CART_MAX_NOTICES = 5
#: A notice stays payable this many days after its due date unless the policy says otherwise.
DEFAULT_NOTICE_EXPIRY_DAYS = 90
#: pagoPA's limit on a notice's subject (causale).
SUBJECT_MAX_LENGTH = 140
#: The columns of a clerk's notice file, and the optional ones.
NOTICE_COLUMNS: tuple[str, ...] = ("tax_code", "subject", "amount", "due_on")
OPTIONAL_NOTICE_COLUMNS: tuple[str, ...] = ("expires_on", "institution", "reference")
#: The columns of a clerk's file of meals consumed (`meals` is optional, 1 by default).
MEAL_COLUMNS: tuple[str, ...] = ("child_tax_code", "day", "service")

_ITALIAN_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MINOR_UNIT: dict[str, int] = {"EUR": 2, "HUF": 0}
_MAX_CENTS = MAX_AMOUNT_MINOR_UNITS


# --------------------------------------------------------------------------- who and when


def check_elevated(kind: str, elevated: bool) -> None:
    """R2.2-R2.3: on entranext, notices and meals consumed need elevated credentials."""
    if kind == "entranext" and not elevated:
        raise PermissionDenied(
            "notices, meals consumed and payments need elevated credentials: enter the code "
            "the municipality printed on your payment slips (auth elevate CODE)",
            code="elevation_required",
        )


def notice_status(*, paid: bool, expires_on: date | None, today: date) -> NoticeStatus:
    """`paid`, `expired` once the last payable day is past (R4.5), else `due`."""
    if paid:
        return "paid"
    if expires_on is not None and today > expires_on:
        return "expired"
    return "due"


def check_payable(notice: Notice) -> None:
    """A notice can go in a cart only while due and not held by another checkout (R4.5).

    Raises `RuleViolation` `notice_already_paid` or `notice_expired`, and `Conflict`
    `notice_in_payment` when a checkout awaiting payment holds it: pay that one
    (its `checkout_url`) or let it expire, so a notice is never charged twice.
    """
    if notice.status == "paid":
        raise RuleViolation(
            f"notice {notice.number} is paid already (payment {notice.payment_id}); "
            "nothing was charged",
            code="notice_already_paid",
            details={"notice": notice.number, "payment_id": notice.payment_id},
        )
    if notice.status == "expired":
        raise RuleViolation(
            f"notice {notice.number} expired on {notice.expires_on}: it can no longer be paid "
            "online; ask the creditor for a new notice. Nothing was charged",
            code="notice_expired",
            details={"notice": notice.number, "expires_on": str(notice.expires_on)},
        )
    if notice.pending_payment_id is not None:
        raise Conflict(
            f"notice {notice.number} is in a cart awaiting payment "
            f"({notice.pending_payment_id}): pay that checkout or wait until it expires",
            code="notice_in_payment",
            details={"notice": notice.number, "payment_id": notice.pending_payment_id},
        )


def check_status_filter(status: str) -> str:
    """A `--status` filter: due, paid, expired or all."""
    value = status.strip().lower()
    if value not in STATUS_FILTERS:
        raise InvalidInput(
            f"status must be one of {', '.join(STATUS_FILTERS)}, got {status!r}",
            code="invalid_status",
        )
    return value


# --------------------------------------------------------------------------- PSPs and carts


def check_method(method: str) -> PaymentMethod:
    """A payment method pagoPA offers: card, debit or postal (R4.5)."""
    value = method.strip().lower()
    if value not in PAYMENT_METHODS:
        raise InvalidInput(
            f"payment method must be one of {', '.join(PAYMENT_METHODS)}, got {method!r}",
            code="invalid_payment_method",
        )
    return value


def _psp_entries(policy: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    entries = policy.get("psps") or []
    return [e for e in entries if isinstance(e, Mapping)]


def psps_offering(policy: Mapping[str, Any], method: str, currency: Currency) -> list[Psp]:
    """The PSPs offering a method, with their fee, cheapest first (R4.5)."""
    chosen = check_method(method)
    offers = [
        Psp(
            id=str(entry["id"]),
            name=str(entry["name"]),
            method=chosen,
            fee=Money.of(Decimal(str(entry["fees"][chosen])), currency),
        )
        for entry in _psp_entries(policy)
        if chosen in (entry.get("fees") or {})
    ]
    return sorted(offers, key=lambda p: (p.fee.value, p.name))


def choose_psp(policy: Mapping[str, Any], psp_id: str, method: str, currency: Currency) -> Psp:
    """The PSP `psp_id` offering `method`; refuses an unknown PSP or one without the method."""
    chosen = check_method(method)
    wanted = psp_id.strip().lower()
    known = [str(e["id"]) for e in _psp_entries(policy)]
    if wanted not in known:
        raise InvalidInput(
            f"unknown PSP {psp_id!r}; this portal's PSPs: {', '.join(known) or 'none'}",
            code="unknown_psp",
        )
    for offer in psps_offering(policy, chosen, currency):
        if offer.id == wanted:
            return offer
    offering = ", ".join(p.id for p in psps_offering(policy, chosen, currency)) or "none"
    raise InvalidInput(
        f"PSP {wanted!r} does not offer payment by {chosen}; PSPs offering it: {offering} "
        f"(familycard notices psps --method {chosen})",
        code="psp_method_not_offered",
    )


def check_cart(
    numbers: Sequence[str],
    *,
    method: str,
    psp: str,
    policy: Mapping[str, Any],
    currency: Currency,
) -> tuple[list[str], Psp]:
    """A cart of one or more notices, paid in one payment through one PSP (R4.5).

    Returns the normalised notice numbers (in the given order) and the PSP's offer.
    Raises `InvalidInput` for an empty cart, a malformed or repeated number, an
    unknown method or PSP; `RuleViolation` for a cart over `cart_max_notices` or a
    PSP without the method.
    """
    if not numbers:
        raise InvalidInput("the cart is empty: give one or more notice numbers", code="empty_cart")
    clean: list[str] = []
    for value in numbers:
        number = ids.parse_notice_number(value).number
        if number in clean:
            raise InvalidInput(f"notice {number} is in the cart twice", code="duplicate_notice")
        clean.append(number)
    limit = int(policy.get("cart_max_notices", DEFAULT_CART_MAX_NOTICES))
    if len(clean) > limit:
        raise InvalidInput(
            f"a cart holds at most {limit} notices, got {len(clean)}: pay them in several carts",
            code="cart_too_large",
            details={"max": limit},
        )
    return clean, choose_psp(policy, psp, method, currency)


def cart_total(amounts: Sequence[Money], fee: Money) -> Money:
    """What one payment of a cart charges: the notices' amounts and the PSP's fee, exact (X5)."""
    total = sum((a.value for a in amounts), fee.value)
    return Money.of(total, fee.currency)


# --------------------------------------------------------------------------- issuing notices


def parse_amount(text: str, currency: Currency) -> Money:
    """An amount typed by a person (`140.40`, `140,40`) as money; never a float (X5).

    Raises `InvalidInput` `invalid_amount` for anything but a positive amount exact
    to the currency's minor unit.
    """
    raw = "".join(str(text).split())
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(
            f"amount must be a number such as 140.40, got {excerpt(text)}", code="invalid_amount"
        ) from None
    if not value.is_finite() or value <= 0:
        raise InvalidInput(
            f"amount must be more than zero, got {excerpt(text)}", code="invalid_amount"
        )
    places = _MINOR_UNIT[currency]
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        unit = "cents" if places else "whole forints"
        raise InvalidInput(
            f"{currency} amounts are exact to {unit}: {excerpt(text)} has too many decimals",
            code="invalid_amount",
        )
    if value.adjusted() > 20 or value.scaleb(places) > _MAX_CENTS:
        raise InvalidInput(f"amount {excerpt(text)} is too large", code="invalid_amount")
    return Money.of(value, currency)


def parse_day(text: str, label: str) -> date:
    """A day as `YYYY-MM-DD` (or the Italian `DD/MM/YYYY`)."""
    value = text.strip()
    italian = _ITALIAN_DAY.match(value)
    try:
        if italian:
            day, month, year = (int(g) for g in italian.groups())
            parsed = date(year, month, day)
        else:
            parsed = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{label} must be a day as YYYY-MM-DD, got {excerpt(text)}", code="invalid_date"
        ) from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise InvalidInput(
            f"{label} must fall from {FIRST_YEAR} to {LAST_YEAR}, got {excerpt(text)}",
            code="invalid_date",
        )
    return parsed


def _cell(row: Mapping[str, str | None], column: str) -> str:
    return (row.get(column) or "").strip()


def check_notice_row(
    kind: str, row: Mapping[str, str | None], policy: Mapping[str, Any], currency: Currency
) -> dict[str, str]:
    """One notice a clerk issues: checked and normalised (amount `140.40`, ISO days).

    Columns `tax_code` (the child's, or the family's for a family notice), `subject`
    (at most 140 characters), `amount`, `due_on`; optional `expires_on` (by default
    `notice_expiry_days` after the due date), `institution` (pagoinrete: the
    issuing school, needed when the child attends several), `reference`.
    """
    missing = [c for c in NOTICE_COLUMNS if not _cell(row, c)]
    if missing:
        raise InvalidInput(
            f"missing value for {', '.join(missing)}",
            code="missing_field",
            details={"fields": missing},
        )
    subject = " ".join(_cell(row, "subject").split())
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise InvalidInput(
            f"subject must have at most {SUBJECT_MAX_LENGTH} characters, got {len(subject)}",
            code="subject_too_long",
        )
    due_on = parse_day(_cell(row, "due_on"), "due_on")
    expires_text = _cell(row, "expires_on")
    if expires_text:
        expires_on = parse_day(expires_text, "expires_on")
    else:
        days = int(policy.get("notice_expiry_days", DEFAULT_NOTICE_EXPIRY_DAYS))
        expires_on = due_on + timedelta(days=days)
    if expires_on < due_on:
        raise InvalidInput(
            f"expires_on ({expires_on}) cannot be before due_on ({due_on})",
            code="invalid_expiry",
        )
    clean = {
        "tax_code": ids.validate_tax_code(_cell(row, "tax_code")),
        "subject": subject,
        "amount": str(parse_amount(_cell(row, "amount"), currency).value),
        "due_on": due_on.isoformat(),
        "expires_on": expires_on.isoformat(),
    }
    institution = _cell(row, "institution")
    if institution:
        known = policy.get("institutions")
        if kind != "pagoinrete":
            raise InvalidInput(
                "only schools on pagoinrete issue notices per institution",
                code="unknown_institution",
            )
        if known is not None and institution not in known:
            raise InvalidInput(
                f"unknown institution {institution!r}; this portal knows: {', '.join(known)}",
                code="unknown_institution",
            )
        clean["institution"] = institution
    reference = " ".join(_cell(row, "reference").split())
    if reference:
        clean["reference"] = reference
    return clean


def notice_key(clean: Mapping[str, str]) -> str:
    """The natural key of a checked notice row: re-issuing the same row adds nothing.

    The office's `reference` when given, else tax code, subject, amount, due date and
    institution.
    """
    if clean.get("reference"):
        return "ref|" + clean["reference"].casefold()
    parts = (clean["tax_code"], clean["subject"].casefold(), clean["amount"], clean["due_on"])
    return "|".join((*parts, clean.get("institution", "").casefold()))


def issue_notice_number(policy: Mapping[str, Any], sequence: int) -> str:
    """The notice number of the `sequence`-th notice a portal issues (R2.4).

    The layout comes from the policy: `notice_aux_digit` (0, 1, 2 or 3) with
    `notice_application_code` (aux 0) or `notice_segregation_code` (aux 3); the IUV
    base is the sequence, zero-padded.  Check digits by `make_notice_number`.
    """
    aux = int(policy.get("notice_aux_digit", 2))
    length = {0: 13, 1: 17, 2: 15, 3: 13}.get(aux, 15)
    if not 0 <= sequence < 10**length:
        raise RuleViolation(
            "this portal has issued all the notice numbers its layout allows",
            code="notice_numbers_exhausted",
        )
    return ids.make_notice_number(
        aux_digit=aux,
        iuv_base=f"{sequence:0{length}d}",
        application_code=str(policy["notice_application_code"]) if aux == 0 else None,
        segregation_code=str(policy["notice_segregation_code"]) if aux == 3 else None,
    )


def slip_code_line(number: str, postal_account: str, amount: Money) -> str:
    """The postal slip's data-matrix code line (`18<notice>12<account>10<cents>3896`)."""
    notice = ids.parse_notice_number(number).number
    account = postal_account.strip().lstrip("0")
    if not account.isdigit() or len(account) > 12:
        raise InvalidInput(
            f"postal account must be up to 12 digits, got {postal_account!r}",
            code="invalid_postal_account",
        )
    cents = int(amount.value.scaleb(2))
    return f"18{notice}12{account:0>12}10{cents:010d}3896"


def decode_payment(payload: str) -> PaymentCodeInfo:
    """Decode a pagoPA QR payload or postal slip code line; the amount as EUR money.

    Offline: needs no portal.  Raises `InvalidInput` (`invalid_payment_code`,
    `invalid_notice_number`, `invalid_vat_number`) saying what is wrong.
    """
    code = ids.decode_payment_code(payload)
    return PaymentCodeInfo(
        format=code.format,
        notice_number=code.notice_number,
        creditor_fiscal_code=code.creditor_fiscal_code,
        postal_account=code.postal_account,
        amount=Money.of(code.amount, "EUR"),
    )


# --------------------------------------------------------------------------- meals consumed


def check_meal_row(row: Mapping[str, str | None], policy: Mapping[str, Any]) -> dict[str, str]:
    """One row of meals consumed the office records: child, day, service, meals (R2.3)."""
    missing = [c for c in MEAL_COLUMNS if not _cell(row, c)]
    if missing:
        raise InvalidInput(
            f"missing value for {', '.join(missing)}",
            code="missing_field",
            details={"fields": missing},
        )
    service = _cell(row, "service")
    known = policy.get("services")
    if known is not None and service not in known:
        raise InvalidInput(
            f"unknown service {excerpt(service)}; this portal knows: {', '.join(known)}",
            code="unknown_service",
        )
    meals_text = _cell(row, "meals") or "1"
    if not meals_text.isdigit() or not 1 <= int(meals_text) <= 10:
        raise InvalidInput(
            f"meals must be a whole number from 1 to 10, got {meals_text!r}",
            code="invalid_meals",
        )
    return {
        "child_tax_code": ids.validate_tax_code(_cell(row, "child_tax_code")),
        "day": parse_day(_cell(row, "day"), "day").isoformat(),
        "service": service,
        "meals": str(int(meals_text)),
    }
