"""School meals (etelka): members, offer, orders, finalising, cancelling, balances,
inbox and message board (R3.8-R3.18)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ._base import Money, RequestModel, WireModel
from .payments import Payment

__all__ = [
    "AccountBalance",
    "BalanceState",
    "BillingData",
    "BillingRequest",
    "BoardDocument",
    "Calculation",
    "CalculationLine",
    "CalendarDay",
    "CancelRequest",
    "Cancellable",
    "CancellableDay",
    "Cancellation",
    "CancellationOutcome",
    "CancellationStatus",
    "ClerkMoneyRequest",
    "DayState",
    "Finalization",
    "FinalizationStatus",
    "FinalizeRequest",
    "Inbox",
    "MealCalendar",
    "MealOffer",
    "MealType",
    "Member",
    "Menu",
    "Message",
    "MessageRequest",
    "Notification",
    "Order",
    "OrderRequest",
    "OrderResult",
    "OrderStatus",
    "RemoveRequest",
    "Weekday",
]

MealType = Literal["breakfast", "snack_am", "lunch", "snack_pm", "dinner"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Menu = Literal["A", "B"]
OrderStatus = Literal["draft", "awaiting_payment", "final", "cancelled"]
DayState = Literal[
    "not_served", "orderable", "locked", "ordered", "awaiting_payment", "final", "cancelled"
]
FinalizationStatus = Literal["preview", "awaiting_payment", "final", "failed", "expired"]
CancellationStatus = Literal["cancelled", "already_cancelled", "would_cancel", "refused"]
BalanceState = Literal["settled", "debt", "overpayment"]


# Members and their offer (R3.10, R3.14) ------------------------------------------------


class MealOffer(WireModel):
    """One meal type a member may order on a weekday (R3.10)."""

    meal: MealType
    """`breakfast`, `snack_am` (morning snack), `lunch`, `snack_pm` (afternoon snack), `dinner`."""
    places: list[str]
    """Where the meal can be served; more than one means the family chooses (R3.11)."""
    menus: list[Menu] = []
    """`["A", "B"]` where the menu offers a choice; empty otherwise."""
    price: Money
    """The provider's price of one meal, without subsidies."""
    subsidy: Money
    """The subsidy credited per meal."""


class BillingData(WireModel):
    """Billing data the clerk recorded; needed for an invoice; the family cannot edit it."""

    name: str
    """The name the invoice is made out to."""
    address: str
    """The billing address."""
    tax_number: str | None = None
    """The tax number printed on the invoice, if any."""


class Member(WireModel):
    """A member (tag): a child whose meals the account manages; read-only (R3.14)."""

    id: str
    """A stable id (`kovacs-bence-1a2b`), accepted by `--member` like the name."""
    name: str
    """The member's name, as the institution recorded it."""
    institution: str
    """The institution the member attends."""
    age_group: str
    """The age group (`nursery`, `kindergarten`, `primary`, `secondary`): it decides the offer."""
    age_group_name: str
    """The age group as the portal names it (`Általános iskolás`)."""
    services: list[str]
    """The services with a running account (`meals`, and `care` in a nursery)."""
    offer: dict[Weekday, list[MealOffer]]
    """The orderable meal types per weekday (R3.10); a weekday missing is not served."""
    billing: BillingData | None = None
    """Billing data for invoices, when the clerk recorded it."""


# Orders and the calendar (R3.10-R3.11) --------------------------------------------------


class Order(WireModel):
    """One ordered meal of one day (an item of the order list)."""

    day: date
    """The meal day."""
    meal: MealType
    """The meal type."""
    place: str
    """Where it is served."""
    menu: Menu | None = None
    """Menu A or B, where the menu offers both."""
    status: OrderStatus
    """`draft` until finalised; `awaiting_payment`; `final` once paid or confirmed; `cancelled`."""
    price: Money
    """The provider's price, without subsidies."""
    subsidy: Money
    """The subsidy credited for it."""


class CalendarDay(WireModel):
    """One day of a member's ordering calendar."""

    day: date
    """The day."""
    weekday: Weekday
    """Its weekday."""
    working_day: bool
    """Whether it is a working day on the national calendar (moved working days included)."""
    meals_offered: list[MealType]
    """The meal types orderable that day; empty when nothing is served."""
    deadline: datetime | None = None
    """Orders and cancellations of this day are accepted until then (R3.9)."""
    locked: bool = False
    """The deadline has passed: the day can no longer be ordered, changed or cancelled."""
    state: DayState
    """`orderable`, `ordered` (draft), `awaiting_payment`, `final`, `cancelled`, `locked`,
    `not_served`."""
    items: list[Order] = []
    """The meals ordered (or cancelled) that day."""


class MealCalendar(WireModel):
    """A member's ordering calendar for one month, with the portal's clock and cut-off."""

    member: Member
    """The member, with the offer."""
    month: str
    """The month, `YYYY-MM`."""
    now: datetime
    """The portal's clock when the calendar was made."""
    cutoff: str
    """The cancellation cut-off time on the working day before (`09:00`)."""
    timezone: str
    """The portal's timezone, in which the cut-off applies."""
    days: list[CalendarDay]
    """Every day of the month."""


class OrderRequest(RequestModel):
    """Days to order and what: saving a day again overwrites its order (R3.11).

    The days are given one of three ways: `days`; `similar_to` (every orderable day
    of that day's month with the same offer, "select all similar days", R3.10); or
    `month` (every orderable day of it, on `weekdays` only if given).
    """

    member: str | None = None
    """The member's id or name; optional when the account manages one member."""
    days: list[date] = []
    """The days to order."""
    similar_to: date | None = None
    """Order every orderable day like this one, in its month."""
    month: str | None = None
    """Order every orderable day of this month (`YYYY-MM`)."""
    weekdays: list[Weekday] = []
    """With `month`: only these weekdays."""
    meals: list[MealType] = []
    """The meal types; empty: every meal type each day offers."""
    places: dict[str, str] = {}
    """Where to serve: `{"lunch": "Kollégium"}`, or `{"*": place}` for every meal offering it."""
    menu: Menu | None = None
    """Menu A or B for the meals that offer a choice (A when not given)."""


class RemoveRequest(RequestModel):
    """Order items to remove before finalising."""

    member: str | None = None
    """The member's id or name."""
    days: list[date]
    """The days."""
    meals: list[MealType] = []
    """Only these meal types; empty: the whole day."""


class OrderResult(WireModel):
    """What saving (or removing) changed."""

    member_id: str
    """The member's id."""
    member: str
    """The member's name."""
    days: list[date]
    """The days saved or cleared."""
    replaced: list[date] = []
    """Days whose earlier order was overwritten."""
    items: list[Order]
    """The items of those days now (draft, to be finalised)."""


# Finalising and paying (R3.12-R3.13) -----------------------------------------------------


class CalculationLine(WireModel):
    """One line of the calculation: a charge or a credit."""

    kind: Literal["charge", "subsidy", "cancellation"]
    """`charge` (provider price), `subsidy`, or `cancellation` (overpayment credited)."""
    label: str
    """What a person reads."""
    meal: MealType | None = None
    """The meal type, for charges and subsidies."""
    quantity: int
    """How many meals (or cancelled days)."""
    unit: Money | None = None
    """The price or subsidy per meal."""
    amount: Money
    """The line's total (always positive: the column says charge or credit)."""


class Calculation(WireModel):
    """How the payable amount comes out (R3.12).

    `balance_after = balance_before - total_charges + total_credits + total_payable`;
    the payable is never negative: a leftover overpayment stays in the balance after.
    """

    balance_before: Money
    """The member's running account before the order (overpayment positive, debt negative)."""
    total_charges: Money
    """The provider's price of the meals ordered, without subsidies."""
    total_credits: Money
    """Subsidies and overpayments from cancellations."""
    balance_after: Money
    """The running account once the order is final (and paid)."""
    total_payable: Money
    """What to pay now; zero when credits and overpayment cover the order."""
    charges: list[CalculationLine] = []
    """The charges, per meal type."""
    credits: list[CalculationLine] = []
    """The credits: subsidies per meal type, cancellation overpayments."""


class FinalizeRequest(RequestModel):
    """Finalise a member's orders of a month."""

    member: str | None = None
    """The member's id or name."""
    month: str
    """The month, `YYYY-MM`."""
    invoice: bool = False
    """Ask for an invoice instead of a receipt (only with billing data the clerk recorded)."""
    accept_terms: bool = False
    """Acceptance of the terms, needed to pay."""


class Finalization(WireModel):
    """A member's orders of a month being finalised: the calculation, and the payment."""

    id: str | None = None
    """The finalisation's id (`fin_...`); none for a preview."""
    member_id: str
    """The member's id."""
    member: str
    """The member's name."""
    month: str
    """The period, `YYYY-MM`."""
    status: FinalizationStatus
    """`preview`, `awaiting_payment`, `final` (paid or confirmed), `failed`, `expired`."""
    meals_ordered: int
    """Meals in this order."""
    days_ordered: int
    """Days in this order."""
    days_cancelled: int
    """Days of the month cancelled so far."""
    expired_days: list[date] = []
    """Unfinalised days whose deadline passed: left out, they can no longer be ordered."""
    payment_methods: list[str]
    """How the payable can be paid (`card`, on the bank's terminal)."""
    document: Literal["receipt", "invoice"] | None = None
    """The payment document asked for."""
    billing: BillingData | None = None
    """The billing data an invoice would carry."""
    calculation: Calculation
    """The calculation (R3.12)."""
    payment: Payment | None = None
    """The payment, when something is payable: pay at its `checkout_url`."""
    created_at: datetime | None = None
    """When it was created, in the portal clock."""
    completed_at: datetime | None = None
    """When the orders became final (or the payment ended unpaid)."""


# Cancelling (R3.8-R3.9) ----------------------------------------------------------------------


class CancellableDay(WireModel):
    """A day that can still be cancelled."""

    day: date
    """The meal day."""
    deadline: datetime
    """Cancellable until then."""
    meals: list[MealType]
    """The meals ordered that day."""


class Cancellable(WireModel):
    """The quick-cancellation calendar of a member: the earliest month with cancellable days."""

    member_id: str
    """The member's id."""
    member: str
    """The member's name."""
    month: str | None
    """The month shown: the earliest with cancellable days (or the one asked for)."""
    now: datetime
    """The portal's clock."""
    cutoff: str
    """The cut-off time on the working day before the meal day."""
    timezone: str
    """The portal's timezone."""
    days: list[CancellableDay]
    """The cancellable days of that month."""


class CancelRequest(RequestModel):
    """Days to cancel for one member."""

    member: str | None = None
    """The member's id or name."""
    days: list[date]
    """The meal days to cancel."""


class CancellationOutcome(WireModel):
    """What happened to one day."""

    day: date
    """The meal day."""
    status: CancellationStatus
    """`cancelled`, `already_cancelled` (it was so before: nothing to do), `would_cancel`
    (dry run), or `refused`."""
    code: str | None = None
    """Why it was refused (`cancellation_deadline_passed`, `day_not_ordered`, ...)."""
    message: str
    """What a person reads."""
    deadline: datetime | None = None
    """The day's deadline, where it is served."""
    meals: list[MealType] = []
    """The meals ordered that day."""
    credit: Money | None = None
    """What the cancellation credits to the member's account."""


class Cancellation(WireModel):
    """The outcome of a quick cancellation, day by day; it exists once the portal confirms."""

    member_id: str
    """The member's id."""
    member: str
    """The member's name."""
    dry_run: bool = False
    """Only what would happen; nothing was sent."""
    sent: bool
    """Whether the portal received the request (False: refused before sending, or dry run)."""
    outcomes: list[CancellationOutcome]
    """One per day asked for."""
    credit: Money
    """The total credited to the member's account."""
    notification_id: int | None = None
    """The inbox notification that keeps the outcome."""

    @property
    def cancelled(self) -> list[date]:
        """The days cancelled (or that would be)."""
        return [o.day for o in self.outcomes if o.status != "refused"]

    @property
    def refused(self) -> list[CancellationOutcome]:
        """The days refused."""
        return [o for o in self.outcomes if o.status == "refused"]


# Money (R3.15-R3.16) ---------------------------------------------------------------------------


class AccountBalance(WireModel):
    """A member's running account for one service (folyószámla, R3.16)."""

    member_id: str
    """The member's id."""
    member: str
    """The member's name."""
    service: str
    """`meals`, or `care` (nursery)."""
    service_name: str
    """The service's display name."""
    balance: Money
    """0 settled, negative debt, positive overpayment."""
    state: BalanceState
    """`settled`, `debt` or `overpayment`."""


class ClerkMoneyRequest(RequestModel):
    """A cash payment, a refund of overpayment or a charge the clerk records."""

    member: str
    """The member's id (or name, when unique)."""
    amount: Money
    """The amount, positive, in the portal's currency."""
    service: str = "meals"
    """The running account it goes to."""
    note: str | None = None
    """A note shown with the payment or charge."""


class BillingRequest(RequestModel):
    """Billing data the clerk records for a member."""

    member: str
    """The member's id (or name, when unique)."""
    name: str
    """The name on invoices."""
    address: str
    """The billing address."""
    tax_number: str | None = None
    """A tax number, if any."""


# Inbox and board (R3.17-R3.18) ---------------------------------------------------------------


class Notification(WireModel):
    """A notification in the inbox (Értesítések)."""

    id: int
    """The notification's number, for `inbox read ID`."""
    kind: str
    """`cancellation`, `order`, `payment`."""
    title: str
    """The subject line."""
    body: str
    """The text."""
    data: dict[str, object] = {}
    """Machine-readable values: days, transaction id, amount, period, member."""
    created_at: datetime
    """When it arrived, in the portal clock."""
    read: bool
    """Whether it was read."""


class Inbox(WireModel):
    """The inbox: the total and unread counts, and the notifications (newest first)."""

    total: int
    """How many notifications there are."""
    unread: int
    """How many are unread."""
    notifications: list[Notification]
    """The notifications listed (all, or the unread ones), newest first."""


class Message(WireModel):
    """A message on the board (Üzenőfal), for everyone, some institutions or one member."""

    id: int
    """The message's number."""
    title: str
    """The title."""
    body: str
    """The text."""
    audience: Literal["everyone", "institutions", "member"]
    """Who it is for."""
    institutions: list[str] = []
    """The institutions it is for (audience `institutions`)."""
    member_id: str | None = None
    """The member it is for (audience `member`)."""
    member: str | None = None
    """That member's name."""
    published_at: datetime
    """When it was published, in the portal clock."""


class BoardDocument(WireModel):
    """A document the board offers for download (R3.18): the price list, or a menu."""

    id: str
    """The document's id, for `board download ID` (`price-list`, `menu-2026-W10`)."""
    kind: Literal["price_list", "menu"]
    """`price_list` (per age group and meal type, with subsidies) or `menu`."""
    title: str
    """What a person reads."""
    period: str | None = None
    """The menu's week (`YYYY-Www`) or month (`YYYY-MM`); none for the price list."""
    file_name: str
    """A file name for the PDF."""


class MessageRequest(RequestModel):
    """A message the clerk publishes."""

    title: str
    """The title."""
    body: str
    """The text."""
    institutions: list[str] = []
    """Only for these institutions."""
    member: str | None = None
    """Only for this member (id, or name when unique)."""
