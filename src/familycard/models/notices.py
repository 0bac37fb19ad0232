"""pagoPA payment notices (R2.2-R2.4, R4.4-R4.5), their PSPs, and meals consumed (R2.3)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ._base import Money, RequestModel, WireModel
from .clerk import NumberedRow

__all__ = [
    "CartRequest",
    "ConsumedMeal",
    "Creditor",
    "MealsBatch",
    "MealsRecordResult",
    "Notice",
    "NoticeBatch",
    "NoticeIssueResult",
    "NoticeSlip",
    "NoticeStatus",
    "PaymentCodeInfo",
    "PaymentMethod",
    "Psp",
]

NoticeStatus = Literal["due", "paid", "expired"]
PaymentMethod = Literal["card", "debit", "postal"]


class Creditor(WireModel):
    """The creditor entity (ente creditore) a notice is payable to."""

    name: str
    """The creditor's name as printed on the notice."""
    fiscal_code: str
    """The creditor's 11-digit fiscal code."""


class NoticeSlip(WireModel):
    """What the printed notice carries for machines and for the post office."""

    qr_payload: str
    """The pagoPA QR payload `PAGOPA|002|<notice>|<creditor>|<cents>`."""
    postal_account: str | None = None
    """The creditor's postal current account, where the notice has a postal slip."""
    iban: str | None = None
    """The creditor's IBAN, where printed."""
    code_line: str | None = None
    """The postal slip's data-matrix code line `18<notice>12<account>10<cents>3896`."""


class Notice(WireModel):
    """One payment notice (avviso di pagamento) issued to a family or a child."""

    number: str
    """The 18-digit notice number (codice avviso)."""
    iuv: str
    """The IUV, the payment identifier inside the notice number."""
    creditor: Creditor
    """Who is paid: the municipality, or the school (pagoinrete)."""
    subject: str
    """What the notice is for."""
    amount: Money
    """The amount due, exact to the cent."""
    due_on: date
    """The due date."""
    expires_on: date | None = None
    """The last day it can be paid; after it the notice is `expired` and refused (R4.5)."""
    status: NoticeStatus
    """`due` (unpaid and payable), `paid`, or `expired`."""
    overdue: bool = False
    """Past its due date but still payable (until `expires_on`)."""
    member: str | None = None
    """The child (tax code) the notice concerns, if any."""
    member_name: str | None = None
    """The child's name."""
    debtor_tax_code: str | None = None
    """The family (guardian's tax code) a family notice is addressed to."""
    institution: str | None = None
    """The school that issued it (pagoinrete)."""
    reference: str | None = None
    """The office's own reference (e.g. `contributor 599, notice 839/2019`)."""
    issued_on: date
    """When it was issued, in the portal's calendar."""
    paid_at: datetime | None = None
    """When it was paid."""
    payment_id: str | None = None
    """The payment that paid it (its receipt: `payments receipt ID`)."""
    pending_payment_id: str | None = None
    """A checkout awaiting payment that holds this notice in its cart."""
    slip: NoticeSlip
    """The slip data: QR payload, postal account, IBAN, code line."""


class Psp(WireModel):
    """A payment service provider offering a payment method, with its fee (R4.5)."""

    id: str
    """The PSP's id, given to `notices pay --psp`."""
    name: str
    """The PSP's name."""
    method: PaymentMethod
    """The method this offer is for: `card`, `debit` or `postal`."""
    fee: Money
    """The PSP's fee for one payment (one cart), added to the notices' total."""


class CartRequest(RequestModel):
    """`POST /notices/pay`: a cart of notices paid in one payment through a PSP."""

    notices: list[str]
    """The notice numbers in the cart."""
    method: PaymentMethod
    """How to pay: `card`, `debit` (bank debit) or `postal` (online postal slip)."""
    psp: str
    """The id of the PSP chosen (one offering `method`)."""


class NoticeIssueResult(WireModel):
    """The outcome of issuing one notice (one row of the clerk's file)."""

    row: int
    """The row's number in the input (1 = first data row)."""
    status: Literal["created", "exists", "invalid", "refused"]
    """`created`, `exists` (issued before: nothing changed), `invalid` or `refused`."""
    number: str | None = None
    """The notice number issued (or issued before)."""
    amount: Money | None = None
    """The notice's amount."""
    tax_code: str | None = None
    """The child or family the notice was issued to."""
    error: dict[str, str] | None = None
    """For `invalid` and `refused`: `{"code", "message"}`."""


class NoticeBatch(RequestModel):
    """`POST /clerk/notices`: notices issued in one request, each row on its own."""

    rows: list[NumberedRow]
    """The rows: `tax_code`, `subject`, `amount`, `due_on` (+ `expires_on`, ...)."""


class ConsumedMeal(WireModel):
    """Meals a child consumed on one day in one service (R2.3)."""

    member: str
    """The child's tax code."""
    member_name: str | None = None
    """The child's name."""
    day: date
    """The day."""
    service: str
    """The service (`mensa`, `scuola_infanzia`, ...)."""
    meals: int
    """How many meals were consumed that day."""


class MealsBatch(RequestModel):
    """`POST /clerk/meals-consumed`: the office records meals consumed."""

    rows: list[NumberedRow]
    """The rows: `child_tax_code`, `day`, `service` (+ `meals`, default 1)."""


class MealsRecordResult(WireModel):
    """The outcome of recording one row of meals consumed."""

    row: int
    """The row's number in the input (1 = first data row)."""
    status: Literal["created", "updated", "invalid", "refused"]
    """`created`, `updated` (the day's count replaced), `invalid` or `refused`."""
    error: dict[str, str] | None = None
    """For `invalid` and `refused`: `{"code", "message"}`."""


class PaymentCodeInfo(WireModel):
    """A decoded pagoPA QR payload or postal slip code line, the amount as money."""

    format: Literal["qr", "postal_slip"]
    """Where it was read: the QR payload or the postal slip's code line."""
    notice_number: str
    """The 18-digit notice number, check digits verified."""
    creditor_fiscal_code: str | None = None
    """The creditor's fiscal code, checked as a VAT number (QR only)."""
    postal_account: str | None = None
    """The postal current account (postal slip only)."""
    amount: Money
    """The amount to pay."""
