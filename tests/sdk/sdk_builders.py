"""Builders and request readers for the SDK tests of meals, notices, utility, inbox, board.

Responses are built from the SDK's own wire models and dumped with
`model_dump(mode="json")`, so a fixture can never drift from the wire format.
The portal info, the router and the client come from `tests/sdk/conftest.py` and `sdk_support`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import respx
from pydantic import BaseModel

from familycard.identifiers import make_notice_number
from familycard.models._base import Money
from familycard.models.meals import (
    BillingData,
    Calculation,
    CalendarDay,
    Finalization,
    MealCalendar,
    MealOffer,
    Member,
    Order,
)
from familycard.models.notices import Creditor, Notice, NoticeSlip
from familycard.models.payments import Payment
from familycard.models.utility import MeterReading, ReadingLog, SupplyPoint

#: The path prefix of every API request (`PORTAL_URL` + `/v1` in sdk_support).
API_PATH = "/tortona/v1"


# Reading what was sent -------------------------------------------------------------------


def dump(value: BaseModel | Iterable[BaseModel] | None) -> Any:
    """The JSON a portal sends for a model, a list of models, or nothing."""
    if value is None:
        return None
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return [item.model_dump(mode="json") for item in value]


def trail(router: respx.MockRouter) -> list[str]:
    """Every request the router saw, in order: `GET /meals/calendar?month=2026-03`."""
    return [
        f"{call.request.method} {call.request.url.raw_path.decode().removeprefix(API_PATH)}"
        for call in router.calls
    ]


def sent_json(route: respx.Route, index: int = -1) -> Any:
    """The JSON body of one call of a route (the last by default)."""
    return json.loads(route.calls[index].request.content)


def query(route: respx.Route, index: int = -1) -> dict[str, str]:
    """The query parameters of one call of a route (the last by default)."""
    return dict(route.calls[index].request.url.params)


# Money -------------------------------------------------------------------------------------


def huf(value: int | str) -> Money:
    return Money.of(value, "HUF")


def eur(value: str) -> Money:
    return Money.of(value, "EUR")


# etelka: members, calendars, finalisations ------------------------------------------------

BUDAPEST = ZoneInfo("Europe/Budapest")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: The policy an etelka portal needs for ordering and publishing (merged over sdk_support's).
ETELKA_POLICY: dict[str, Any] = {
    "cancellation_cutoff": "09:00",
    "order_months_ahead": 2,
    "calendar_country": "HU",
    "institutions": [
        "Kossuth Óvoda",
        "Petőfi Általános Iskola",
        "Lehel Vezér Gimnázium",
        "Napsugár Bölcsőde",
    ],
}


def _offer(meal: str, price: int, subsidy: int = 0, **extra: Any) -> MealOffer:
    return MealOffer(
        meal=meal,  # type: ignore[arg-type]
        places=extra.pop("places", ["Petőfi Általános Iskola"]),
        price=huf(price),
        subsidy=huf(subsidy),
        **extra,
    )


def primary_member(*, billing: BillingData | None = None) -> Member:
    """A primary-school member: Monday to Thursday three meals, Friday two (R3.10)."""
    three = [
        _offer("snack_am", 190),
        _offer("lunch", 650, 150, menus=["A", "B"]),
        _offer("snack_pm", 190),
    ]
    return Member(
        id="kovacs-bence-1a2b",
        name="Kovács Bence",
        institution="Petőfi Általános Iskola",
        age_group="primary",
        age_group_name="Általános iskolás",
        services=["meals"],
        offer={"mon": three, "tue": three, "wed": three, "thu": three, "fri": three[:2]},
        billing=billing,
    )


def secondary_member() -> Member:
    """A dormitory student: lunch at school or at the dormitory (R3.11's place)."""
    day = [
        _offer("breakfast", 290, places=["Kollégium"]),
        _offer("lunch", 720, 100, places=["Lehel Vezér Gimnázium", "Kollégium"], menus=["A", "B"]),
        _offer("dinner", 610, places=["Kollégium"]),
    ]
    return Member(
        id="kovacs-adam-9f8e",
        name="Kovács Ádám",
        institution="Lehel Vezér Gimnázium",
        age_group="secondary",
        age_group_name="Középiskolás",
        services=["meals"],
        offer=dict.fromkeys(WEEKDAYS[:5], day),
    )


def _deadline(day: date, cutoff_hour: int = 9) -> datetime:
    """09:00 of the weekday before (no holidays in the months the tests use)."""
    before = day - timedelta(days=1)
    while before.weekday() >= 5:
        before -= timedelta(days=1)
    return datetime(before.year, before.month, before.day, cutoff_hour, tzinfo=BUDAPEST)


def draft(day: date, meal: str = "lunch", *, status: str = "draft") -> Order:
    """An ordered item of a primary member's day."""
    price, subsidy = {"snack_am": (190, 0), "lunch": (650, 150), "snack_pm": (190, 0)}[meal]
    return Order(
        day=day,
        meal=meal,  # type: ignore[arg-type]
        place="Petőfi Általános Iskola",
        menu="A" if meal == "lunch" else None,
        status=status,  # type: ignore[arg-type]
        price=huf(price),
        subsidy=huf(subsidy),
    )


def meal_calendar(
    month: str = "2026-03",
    *,
    now: datetime | None = None,
    member: Member | None = None,
    items: Mapping[date, list[Order]] | None = None,
) -> MealCalendar:
    """A member's month as the portal makes it with its clock (default 2026-03-04 10:00)."""
    now = now or datetime(2026, 3, 4, 10, 0, tzinfo=BUDAPEST)
    member = member or primary_member()
    items = items or {}
    year, number = (int(part) for part in month.split("-"))
    day = date(year, number, 1)
    days: list[CalendarDay] = []
    while day.month == number:
        weekday = WEEKDAYS[day.weekday()]
        offered = [o.meal for o in member.offer.get(weekday, [])]  # type: ignore[call-overload]
        deadline = _deadline(day) if offered else None
        locked = deadline is not None and now >= deadline
        ordered = items.get(day, [])
        if ordered:
            state = "ordered" if any(i.status == "draft" for i in ordered) else "final"
        elif not offered:
            state = "not_served"
        else:
            state = "locked" if locked else "orderable"
        days.append(
            CalendarDay(
                day=day,
                weekday=weekday,  # type: ignore[arg-type]
                working_day=day.weekday() < 5,
                meals_offered=offered,
                deadline=deadline,
                locked=locked,
                state=state,  # type: ignore[arg-type]
                items=ordered,
            )
        )
        day += timedelta(days=1)
    return MealCalendar(
        member=member, month=month, now=now, cutoff="09:00", timezone="Europe/Budapest", days=days
    )


def calculation(payable: int, *, charges: int = 2600, credits: int = 600) -> Calculation:
    """A calculation that adds up: after = before - charges + credits + payable = 0 (R3.12)."""
    before = charges - credits - payable
    return Calculation(
        balance_before=huf(before),
        total_charges=huf(charges),
        total_credits=huf(credits),
        balance_after=huf(before - charges + credits + payable),
        total_payable=huf(payable),
    )


def finalization(
    status: str = "preview",
    *,
    payable: int = 2000,
    billing: BillingData | None = None,
    payment: Payment | None = None,
    document: str | None = None,
) -> Finalization:
    return Finalization(
        id=None if status == "preview" else "fin_7c1d",
        member_id="kovacs-bence-1a2b",
        member="Kovács Bence",
        month="2026-03",
        status=status,  # type: ignore[arg-type]
        meals_ordered=4,
        days_ordered=4,
        days_cancelled=1,
        payment_methods=["card"],
        document=document,  # type: ignore[arg-type]
        billing=billing,
        calculation=calculation(payable),
        payment=payment,
    )


BILLING = BillingData(name="Kovács Éva", address="5100 Jászberény, Fő tér 1.", tax_number=None)


def payment(
    status: str = "awaiting_payment",
    *,
    amount: Money | None = None,
    purpose: str = "meal_order",
    payment_id: str = "pay_5e2f",
) -> Payment:
    return Payment(
        id=payment_id,
        purpose=purpose,
        status=status,  # type: ignore[arg-type]
        amount=amount or huf(2000),
        method="card",
        description="Étkezés 2026-03 — Kovács Bence",
        created_at=datetime(2026, 3, 4, 10, 5, tzinfo=BUDAPEST),
        checkout_url=(
            f"https://portal.test/_terminal/{payment_id}" if status == "awaiting_payment" else None
        ),
        transaction_id=None if status == "awaiting_payment" else "TX-000123",
    )


# pagoPA notices -------------------------------------------------------------------------

ROME = ZoneInfo("Europe/Rome")

#: R2.4: the seed's real notice, EUR 140.40, check digits 86.
SEED_NOTICE = "001019100083901286"

#: The PSPs of the stub's pagoPA tenants (R4.5), for `policy={"psps": PSPS}`.
PSPS: list[dict[str, Any]] = [
    {"id": "banca-esempio", "name": "Banca Esempio", "fees": {"card": "1.50", "debit": "1.00"}},
    {"id": "poste-esempio", "name": "Poste Esempio", "fees": {"card": "1.20", "postal": "1.50"}},
    {"id": "paydemo", "name": "PayDemo", "fees": {"card": "0.90"}},
]


def notice_number(n: int) -> str:
    """The n-th valid pagoinrete notice number (aux 3, segregation code 47)."""
    return make_notice_number(aux_digit=3, iuv_base=f"{n:013d}", segregation_code="47")


def notice(number: str = SEED_NOTICE, *, status: str = "due") -> Notice:
    """R2.4: the seed's notice of Sala Baganza (or another number)."""
    return Notice(
        number=number,
        iuv=number[3:],
        creditor=Creditor(
            name="Comune Sala Baganza — Servizio Tesoreria", fiscal_code="00442530341"
        ),
        subject="Servizi scolastici — scuola dell'infanzia",
        amount=eur("140.40"),
        due_on=date(2019, 10, 31),
        expires_on=date(2020, 1, 29),
        status=status,  # type: ignore[arg-type]
        member="BNCLNE16D52H223T",
        member_name="Elena Bianchi",
        reference="contributor 599, notice 839/2019",
        issued_on=date(2019, 10, 1),
        slip=NoticeSlip(
            qr_payload=f"PAGOPA|002|{number}|00442530341|14040",
            postal_account="16338436",
            iban="IT51N0760112700000016338436",
            code_line=f"18{number}12000016338436100000014040" + "3896",
        ),
    )


# Utility: supply points and readings -------------------------------------------------------

POD = "IT001E12345678"
PDR = "00881234567890"

#: The reading window of the energia tenant: day 1 00:00 to day 7 23:59 (R5.11).
UTILITY_POLICY: dict[str, Any] = {
    "reading_window_from_day": 1,
    "reading_window_from_time": "00:00",
    "reading_window_to_day": 7,
    "reading_window_to_time": "23:59",
    "reading_acquisition_minutes": 30,
}

#: Inside the March window (R5.11): 2026-03-05 10:00 in Rome.
INSIDE_WINDOW = datetime(2026, 3, 5, 10, 0, tzinfo=ROME)


def supply(kind: str = "electricity", *, has_corrector: bool = False) -> SupplyPoint:
    if kind == "electricity":
        return SupplyPoint(id=POD, kind="electricity", address="Via di Prova 35, Prato")
    return SupplyPoint(
        id=PDR, kind="gas", address="Via di Prova 35, Prato", has_corrector=has_corrector
    )


def reading(
    day: date,
    meter: int,
    *,
    point: str = POD,
    submitted_at: datetime,
    corrector: int | None = None,
    pending: bool = False,
) -> MeterReading:
    """A reading sent at `submitted_at`, acquired at the next half hour (R5.14)."""
    hour = submitted_at.replace(minute=0, second=0, microsecond=0)
    acquired_at = hour + timedelta(minutes=30 if submitted_at.minute < 30 else 60)
    return MeterReading(
        supply_point=point,
        reading_date=day,
        meter=meter,
        corrector=corrector,
        status="pending" if pending else "acquired",
        submitted_at=submitted_at,
        acquired_at=acquired_at,
        deletable=pending,
    )


def reading_log(
    point: SupplyPoint | None = None,
    *,
    now: datetime = INSIDE_WINDOW,
    readings: list[MeterReading] | None = None,
) -> ReadingLog:
    return ReadingLog(supply_point=point or supply(), now=now, readings=readings or [])


def utility(router: respx.MockRouter, **policy: Any) -> respx.Route:
    """Make `GET /portal` answer the energia utility portal, its reading window included."""
    from sdk_support import stub_portal_info

    return stub_portal_info(router, "utility", policy={**UTILITY_POLICY, **policy})


def strays(router: respx.MockRouter, pattern: str) -> list[str]:
    """The requests (besides `GET /portal`) whose path does not fully match `pattern`."""
    import re

    return [
        entry
        for entry in trail(router)
        if entry != "GET /portal" and not re.fullmatch(pattern, entry.split(" ", 1)[1])
    ]
