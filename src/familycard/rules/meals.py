"""School-meal rules (etelka): deadlines, the offer, orders, finalising, cancelling, money.

Rules R3.8-R3.16 of DOMAIN.md.  The stub enforces each of these and the SDK calls the
same functions before sending, with the portal's clock and policy:

- R3.9 `cancellation_deadline`: a meal day's orders may be changed or cancelled until
  the cut-off time (`cancellation_cutoff`, 09:00 on `jaszbereny`; other providers
  09:30, 10:00, 12:00) of the working day before it, in the portal's timezone.  Working
  days follow the portal's calendar (`familycard.rules.calendar`): weekends and public
  holidays are off, and moved working days (Hungary's working Saturdays) are on.  A request at
  the cut-off instant or later is late (`cancellation_deadline_passed`).
- R3.10 `meals_offered`, `offer_for`: the age group decides the meal types per weekday,
  their places and menus; a moved working Saturday serves the Friday offer.
- R3.11 `plan_order`: which days and items an order saves (a day saved again is
  overwritten); `check_removal`.
- R3.12 `calculate`: balance before, charges, credits, balance after, payable.
- R3.13 `check_payment_choice`: the terms must be accepted to pay; an invoice needs
  billing data the clerk recorded.
- R3.8 `plan_cancellation`: each day's outcome, success or refusal.
- R3.15-R3.16 `check_amount`, `check_refund`, `balance_state`.
"""

from __future__ import annotations

import calendar as _calendar
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, TypeVar, cast, get_args
from zoneinfo import ZoneInfo

from .._errors import InvalidInput, NotFound, RuleViolation
from ..models._base import Currency, Money
from ..models.meals import (
    BalanceState,
    BillingData,
    BillingRequest,
    BoardDocument,
    Calculation,
    CalculationLine,
    CalendarDay,
    CancellationOutcome,
    MealOffer,
    MealType,
    Member,
    Menu,
    MessageRequest,
    Order,
    OrderRequest,
    Weekday,
)
from .bounds import MAX_AMOUNT_MINOR_UNITS, excerpt
from .calendar import WorkingCalendar
from .policy import config_money, has_passed
from .tokens import parse_month

__all__ = [
    "DEFAULT_CUTOFF",
    "MEAL_TYPES",
    "PRICE_LIST_ID",
    "WEEKDAYS",
    "balance_state",
    "board_document",
    "board_documents",
    "calculate",
    "cancellation_cutoff",
    "cancellation_deadline",
    "check_amount",
    "check_billing",
    "check_cancellation_deadline",
    "check_message",
    "check_order_deadline",
    "check_order_request",
    "check_payment_choice",
    "check_refund",
    "check_removal",
    "fold",
    "is_served",
    "matches_search",
    "meals_offered",
    "member_id",
    "menu_label",
    "menu_lines",
    "month_days",
    "month_of",
    "offer_for",
    "order_lines",
    "order_months",
    "order_until",
    "parse_cutoff",
    "parse_meal_types",
    "parse_menu",
    "parse_places",
    "parse_weekdays",
    "plan_cancellation",
    "plan_order",
    "previous_working_day",
    "price_list_lines",
    "resolve_member",
]

#: R3.10: the meal types, in the order of a day.
MEAL_TYPES: tuple[MealType, ...] = get_args(MealType)
#: Weekdays as the offer names them, Monday first (`date.weekday()` indexes this).
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
#: R3.9: the cut-off when the portal's policy names none.
DEFAULT_CUTOFF = "09:00"

_CUTOFF = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_MEAL_NAMES = {
    "breakfast": "breakfast",
    "snack_am": "morning snack",
    "lunch": "lunch",
    "snack_pm": "afternoon snack",
    "dinner": "dinner",
}


# The deadline (R3.9) ------------------------------------------------------------------------


def parse_cutoff(text: str) -> time:
    """A cut-off time written `HH:MM` (24 hours)."""
    match = _CUTOFF.match(str(text).strip())
    if not match:
        raise InvalidInput(
            f"not a cut-off time: {text!r} (write it as 09:00)", code="invalid_cutoff"
        )
    return time(int(match.group(1)), int(match.group(2)))


def cancellation_cutoff(policy: Mapping[str, Any]) -> time:
    """R3.9: the portal's cut-off time (`cancellation_cutoff`, 09:00 by default)."""
    return parse_cutoff(str(policy.get("cancellation_cutoff", DEFAULT_CUTOFF)))


def previous_working_day(day: date, calendar: WorkingCalendar) -> date:
    """The last working day strictly before `day`."""
    before = day - timedelta(days=1)
    for _ in range(366):
        if calendar.is_working_day(before):
            return before
        before -= timedelta(days=1)
    raise ValueError(f"no working day in the year before {day.isoformat()}")


def cancellation_deadline(
    meal_day: date, *, cutoff: time, tz: str, calendar: WorkingCalendar
) -> datetime:
    """R3.9: the instant from which a meal day can no longer be changed or cancelled.

    The cut-off time of the working day before the meal day, in the portal's timezone
    (moved working days and holidays included).  Requests must arrive before it.
    """
    day = previous_working_day(meal_day, calendar)
    return datetime.combine(day, cutoff, tzinfo=ZoneInfo(tz))


def _when(deadline: datetime) -> str:
    return f"{deadline:%A %Y-%m-%d %H:%M} ({deadline.tzinfo})"


def _refuse_after(
    meal_day: date, now: datetime, deadline: datetime, message: str, code: str
) -> None:
    """A `RuleViolation` with `code` once `deadline` has come for `meal_day`."""
    if has_passed(now, deadline):
        raise RuleViolation(
            message,
            code=code,
            details={"day": meal_day.isoformat(), "deadline": deadline.isoformat()},
        )


def check_cancellation_deadline(
    meal_day: date, now: datetime, *, cutoff: time, tz: str, calendar: WorkingCalendar
) -> datetime:
    """R3.9: refuse (`cancellation_deadline_passed`) once the day's deadline has come."""
    deadline = cancellation_deadline(meal_day, cutoff=cutoff, tz=tz, calendar=calendar)
    _refuse_after(
        meal_day,
        now,
        deadline,
        f"too late to cancel {meal_day.isoformat()}: the deadline was {_when(deadline)}, "
        f"the working day before at {cutoff:%H:%M}",
        "cancellation_deadline_passed",
    )
    return deadline


def check_order_deadline(
    meal_day: date, now: datetime, *, cutoff: time, tz: str, calendar: WorkingCalendar
) -> datetime:
    """R3.9, R3.11: a day is ordered or changed only before the same deadline."""
    deadline = cancellation_deadline(meal_day, cutoff=cutoff, tz=tz, calendar=calendar)
    _refuse_after(
        meal_day,
        now,
        deadline,
        f"{meal_day.isoformat()} can no longer be ordered or changed: the deadline was "
        f"{_when(deadline)}",
        "order_deadline_passed",
    )
    return deadline


# The offer (R3.10) ----------------------------------------------------------------------------


def is_served(day: date, calendar: WorkingCalendar) -> bool:
    """Meals are served on working days only (moved working Saturdays included)."""
    return calendar.is_working_day(day)


def _weekday_key(day: date) -> Weekday:
    return WEEKDAYS[day.weekday()]


def meals_offered(
    policy: Mapping[str, Any], age_group: str, day: date, calendar: WorkingCalendar
) -> list[MealType]:
    """R3.10: the meal types an age group may order on a day; none when nothing is served.

    A moved working day on a weekend serves the Friday offer (unless the offer names
    that weekday itself).
    """
    if not is_served(day, calendar):
        return []
    offer: Mapping[str, Sequence[str]] = policy.get("meal_offer", {}).get(age_group, {})
    key = _weekday_key(day)
    meals = offer.get(key)
    if meals is None and day.weekday() >= 5:
        meals = offer.get("fri")
    return [m for m in MEAL_TYPES if m in (meals or ())]


def offer_for(
    policy: Mapping[str, Any], age_group: str, institution: str, currency: Currency
) -> dict[Weekday, list[MealOffer]]:
    """R3.10: the offer per weekday of an age group, with places, menus, price, subsidy."""
    offer: Mapping[str, Sequence[str]] = policy.get("meal_offer", {}).get(age_group, {})
    places: Mapping[str, Sequence[str]] = policy.get("meal_places", {}).get(age_group, {})
    prices: Mapping[str, Any] = policy.get("meal_prices", {}).get(age_group, {})
    subsidies: Mapping[str, Any] = policy.get("meal_subsidies", {}).get(age_group, {})
    choice = set(policy.get("menu_choice", ()))
    result: dict[Weekday, list[MealOffer]] = {}
    for weekday in WEEKDAYS:
        meals = offer.get(weekday)
        if not meals:
            continue
        result[weekday] = [
            MealOffer(
                meal=meal,
                places=list(places.get(meal, [institution])),
                menus=["A", "B"] if meal in choice else [],
                price=config_money(prices.get(meal), currency, f"meal price of {age_group} {meal}"),
                subsidy=config_money(subsidies.get(meal, "0"), currency, f"subsidy of {meal}"),
            )
            for meal in MEAL_TYPES
            if meal in meals
        ]
    return result


def _offer_of(member: Member, meal: MealType) -> MealOffer:
    for offers in member.offer.values():
        for offer in offers:
            if offer.meal == meal:
                return offer
    raise InvalidInput(
        f"{member.name} ({member.age_group_name}) is offered no {_MEAL_NAMES[meal]}",
        code="meal_not_offered",
    )


# Members ------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Text compared the way people type it: without accents, case or extra spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().split())


def matches_search(words: str, *texts: str) -> bool:
    """R3.18: whether every word of a keyword search is in the texts (accents and case aside)."""
    haystack = fold(" ".join(texts))
    return all(word in haystack for word in fold(words).split())


def member_id(name: str, institution: str) -> str:
    """A member's stable id: the name as a slug and a short hash of name and institution."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "member"
    digest = hashlib.sha256(f"{institution}|{name}".encode()).hexdigest()[:4]
    return f"{slug}-{digest}"


class _Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=_Named)


def resolve_member(ref: str | None, members: Sequence[N]) -> N:
    """The member a `--member` names: its id, or its name (accents and case aside).

    With no reference, the only member; several members need one (`member_required`).
    """
    if ref is None or not ref.strip():
        if len(members) == 1:
            return members[0]
        if not members:
            raise NotFound("this account manages no members", code="member_not_found")
        listed = ", ".join(f"{m.name} ({m.id})" for m in members)
        raise InvalidInput(
            f"this account manages several members ({listed}); give --member",
            code="member_required",
        )
    clean = ref.strip()
    for m in members:
        if m.id == clean:
            return m
    matches = [m for m in members if fold(m.name) == fold(clean)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise InvalidInput(
            f"several members are called {clean!r}; give the id: "
            + ", ".join(m.id for m in matches),
            code="member_ambiguous",
        )
    known = ", ".join(f"{m.name} ({m.id})" for m in members) or "none"
    raise NotFound(
        f"no member {clean!r} on this account (members: {known})", code="member_not_found"
    )


# Orders (R3.11) -------------------------------------------------------------------------------


def parse_weekdays(text: str) -> list[Weekday]:
    """`mon-thu`, `mon,wed,fri`, `mon-wed,fri` as weekdays, Monday first."""
    chosen: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise InvalidInput(
                f"not weekdays: {text!r} (write e.g. mon-thu or mon,wed,fri)",
                code="invalid_weekdays",
            )
        start = WEEKDAYS.index(first)
        end = WEEKDAYS.index(last) if last else start
        if end < start:
            raise InvalidInput(
                f"{part} runs backwards; write the earlier weekday first", code="invalid_weekdays"
            )
        chosen.update(range(start, end + 1))
    if not chosen:
        raise InvalidInput("give at least one weekday", code="invalid_weekdays")
    return [WEEKDAYS[i] for i in sorted(chosen)]


def parse_meal_types(values: Iterable[str]) -> list[MealType]:
    """Meal types as typed (`lunch`, `snack-am`, `snack_am`), in the order of a day."""
    chosen: set[str] = set()
    for value in values:
        clean = value.strip().lower().replace("-", "_")
        if clean not in MEAL_TYPES:
            raise InvalidInput(
                f"unknown meal type {value!r}; meal types: {', '.join(MEAL_TYPES)}",
                code="unknown_meal",
            )
        chosen.add(clean)
    return [m for m in MEAL_TYPES if m in chosen]


def parse_menu(value: str | None) -> Menu | None:
    """Menu `A` or `B` (either case)."""
    if value is None:
        return None
    clean = value.strip().upper()
    if clean == "A":
        return "A"
    if clean == "B":
        return "B"
    raise InvalidInput(f"the menu is A or B, not {value!r}", code="invalid_menu")


def parse_places(values: Iterable[str]) -> dict[str, str]:
    """`--place` values: `PLACE` for every meal served there, or `MEAL=PLACE`."""
    places: dict[str, str] = {}
    for value in values:
        meal, sep, place = value.partition("=")
        key = parse_meal_types([meal])[0] if sep else "*"
        place = (place if sep else value).strip()
        if not place:
            raise InvalidInput(f"--place needs a place, not {value!r}", code="invalid_place")
        places[key] = place
    return places


def check_order_request(request: OrderRequest) -> OrderRequest:
    """The shape of an order: one way of choosing days, known meal types and menus."""
    ways = sum([bool(request.days), request.similar_to is not None, request.month is not None])
    if ways != 1:
        raise InvalidInput(
            "choose the days one way: --day (repeatable), --similar-to DAY, or --month YYYY-MM",
            code="days_required" if ways == 0 else "days_one_way",
        )
    if request.weekdays and request.month is None:
        raise InvalidInput("--weekdays goes with --month", code="weekdays_without_month")
    if request.month is not None:
        parse_month(request.month)
    for key in request.places:
        if key != "*" and key not in MEAL_TYPES:
            raise InvalidInput(
                f"unknown meal type {key!r} in --place; meal types: {', '.join(MEAL_TYPES)}",
                code="unknown_meal",
            )
    return request.model_copy(
        update={
            "days": sorted(set(request.days)),
            "meals": [m for m in MEAL_TYPES if m in request.meals],
        }
    )


def _blocked(day: CalendarDay) -> tuple[str, str] | None:
    """Why a day cannot be (re)ordered now, or None."""
    if not day.meals_offered:
        return "day_not_served", f"no meals are served on {day.day.isoformat()} ({day.weekday})"
    if day.locked:
        return (
            "order_deadline_passed",
            f"{day.day.isoformat()} can no longer be ordered or changed: its deadline "
            f"({_when(day.deadline) if day.deadline else 'passed'}) has passed",
        )
    if day.state == "final":
        return (
            "day_final",
            f"the order of {day.day.isoformat()} is final; cancel it first (meals cancel)",
        )
    if day.state == "awaiting_payment":
        return (
            "finalization_pending",
            f"the order of {day.day.isoformat()} is awaiting payment; pay it or let the "
            "checkout end first",
        )
    return None


def _select_days(request: OrderRequest, days: Mapping[date, CalendarDay]) -> list[CalendarDay]:
    if request.days:
        chosen = []
        for d in request.days:
            if d not in days:
                raise InvalidInput(f"no calendar for {d.isoformat()}", code="day_unknown")
            problem = _blocked(days[d])
            if problem:
                code, message = problem
                # A day the published calendar does not serve is invalid input; the
                # others are the day's state now.
                error = InvalidInput if code == "day_not_served" else RuleViolation
                raise error(message, code=code, details={"day": d.isoformat()})
            chosen.append(days[d])
        return chosen
    if request.similar_to is not None:
        like = days.get(request.similar_to)
        if like is None or not like.meals_offered:
            raise InvalidInput(
                f"no meals are served on {request.similar_to.isoformat()}, so no day is like it",
                code="day_not_served",
            )
        month = (like.day.year, like.day.month)
        chosen = [
            c
            for c in days.values()
            if (c.day.year, c.day.month) == month
            and c.meals_offered == like.meals_offered
            and _blocked(c) is None
        ]
    else:
        assert request.month is not None
        first, last = parse_month(request.month)
        wanted = set(request.weekdays) or set(WEEKDAYS)
        chosen = [
            c
            for c in days.values()
            if first <= c.day <= last and c.weekday in wanted and _blocked(c) is None
        ]
    if not chosen:
        raise RuleViolation(
            "no day of that selection can be ordered now (not served, past the deadline, "
            "or final already)",
            code="no_orderable_days",
        )
    return sorted(chosen, key=lambda c: c.day)


def plan_order(
    request: OrderRequest,
    member: Member,
    days: Mapping[date, CalendarDay],
    *,
    order_until: date | None = None,
) -> dict[date, list[Order]]:
    """R3.11: the draft items an order saves, per day; a day saved again is overwritten.

    `days` is the member's calendar of every month the request touches (made with the
    portal's clock); `order_until` is the last day the portal takes orders for.
    """
    request = check_order_request(request)
    chosen = _select_days(request, days)
    if order_until is not None:
        late = [c.day for c in chosen if c.day > order_until]
        if late:
            raise RuleViolation(
                f"orders are taken up to {order_until.isoformat()}; "
                f"{late[0].isoformat()} is too far ahead",
                code="order_too_far_ahead",
            )
    missing = {
        meal: [c.day.isoformat() for c in chosen if meal not in c.meals_offered]
        for meal in request.meals
    }
    for meal, where in missing.items():
        if where:
            raise InvalidInput(
                f"{_MEAL_NAMES[meal]} is not offered to {member.name} on "
                f"{', '.join(where[:5])}{' ...' if len(where) > 5 else ''}; "
                "choose other days (e.g. --weekdays) or leave it out",
                code="meal_not_offered",
                details={"meal": meal, "days": where},
            )
    ordered: set[MealType] = set()
    for c in chosen:
        ordered.update(request.meals or c.meals_offered)
    offers = {meal: _offer_of(member, meal) for meal in ordered}
    places: dict[MealType, str] = {meal: offers[meal].places[0] for meal in ordered}
    for key, place in request.places.items():
        if key == "*":
            takers = [m for m in ordered if place in offers[m].places]
            if not takers:
                raise InvalidInput(
                    f"none of the meals ordered can be served at {place!r}",
                    code="place_not_offered",
                )
            for meal in takers:
                places[meal] = place
            continue
        meal = cast(MealType, key)
        if meal not in ordered:
            raise InvalidInput(
                f"--place names {_MEAL_NAMES[meal]}, which is not being ordered",
                code="place_for_unordered_meal",
            )
        if place not in offers[meal].places:
            raise InvalidInput(
                f"{_MEAL_NAMES[meal]} is served at {', '.join(offers[meal].places)}, "
                f"not at {place!r}",
                code="place_not_offered",
            )
        places[meal] = place
    choosers = [m for m in ordered if offers[m].menus]
    if request.menu is not None and not choosers:
        raise InvalidInput(
            "none of the meals ordered offers a choice of menu A or B", code="menu_not_offered"
        )
    plan: dict[date, list[Order]] = {}
    for c in chosen:
        plan[c.day] = [
            Order(
                day=c.day,
                meal=meal,
                place=places[meal],
                menu=(request.menu or "A") if offers[meal].menus else None,
                status="draft",
                price=offers[meal].price,
                subsidy=offers[meal].subsidy,
            )
            for meal in (request.meals or c.meals_offered)
        ]
    return plan


def order_months(request: OrderRequest) -> list[str]:
    """The months (`YYYY-MM`) whose calendars an order needs."""
    if request.month is not None:
        first, _ = parse_month(request.month)
        return [month_of(first)]
    if request.similar_to is not None:
        return [month_of(request.similar_to)]
    return sorted({month_of(d) for d in request.days})


def order_until(today: date, policy: Mapping[str, Any]) -> date:
    """The last day orders are taken for: the end of the month `order_months_ahead` (2) on."""
    ahead = int(policy.get("order_months_ahead", 2))
    index = today.year * 12 + today.month - 1 + ahead
    year, month = divmod(index, 12)
    return date(year, month + 1, _calendar.monthrange(year, month + 1)[1])


def check_removal(days: Iterable[date], calendar_days: Mapping[date, CalendarDay]) -> None:
    """Only draft items of days still open can be removed; final ones are cancelled instead."""
    for d in days:
        c = calendar_days.get(d)
        if c is None or not any(i.status == "draft" for i in c.items):
            raise RuleViolation(
                f"nothing to remove on {d.isoformat()}: no unfinalised order",
                code="nothing_to_remove",
                details={"day": d.isoformat()},
            )
        if c.locked:
            raise RuleViolation(
                f"{d.isoformat()} can no longer be changed: its deadline has passed",
                code="order_deadline_passed",
            )


# Finalising and paying (R3.12-R3.13) ---------------------------------------------------------


def _sum(amounts: Iterable[Money], currency: Currency) -> Money:
    return Money.of(sum((a.value for a in amounts), Decimal(0)), currency)


def calculate(
    balance_before: Money, charges: Sequence[CalculationLine], credits: Sequence[CalculationLine]
) -> Calculation:
    """R3.12: balance after = before - charges + credits + payable; the payable is never
    negative, and when something is payable the balance after is zero."""
    currency = balance_before.currency
    total_charges = _sum((line.amount for line in charges), currency)
    total_credits = _sum((line.amount for line in credits), currency)
    net = balance_before.value - total_charges.value + total_credits.value
    payable = max(Decimal(0), -net)
    return Calculation(
        balance_before=balance_before,
        total_charges=total_charges,
        total_credits=total_credits,
        balance_after=Money.of(net + payable, currency),
        total_payable=Money.of(payable, currency),
        charges=list(charges),
        credits=list(credits),
    )


def order_lines(items: Sequence[Order], currency: Currency) -> tuple[list[CalculationLine], ...]:
    """The charges (provider prices) and subsidies of order items, one line per meal type."""
    charges: list[CalculationLine] = []
    subsidies: list[CalculationLine] = []
    for meal in MEAL_TYPES:
        mine = [i for i in items if i.meal == meal]
        if not mine:
            continue
        price, subsidy = mine[0].price, mine[0].subsidy
        charges.append(
            CalculationLine(
                kind="charge",
                label=f"{_MEAL_NAMES[meal]} × {len(mine)} (provider price)",
                meal=meal,
                quantity=len(mine),
                unit=price,
                amount=_sum((i.price for i in mine), currency),
            )
        )
        if subsidy.value:
            subsidies.append(
                CalculationLine(
                    kind="subsidy",
                    label=f"subsidy, {_MEAL_NAMES[meal]} × {len(mine)}",
                    meal=meal,
                    quantity=len(mine),
                    unit=subsidy,
                    amount=_sum((i.subsidy for i in mine), currency),
                )
            )
    return charges, subsidies


def check_payment_choice(
    payable: Money, *, accept_terms: bool, invoice: bool, billing: BillingData | None
) -> None:
    """R3.13: an invoice needs billing data the clerk recorded; paying needs the terms."""
    if invoice and billing is None:
        raise RuleViolation(
            "an invoice needs billing data, which the institution's clerk records; "
            "ask for a receipt, or ask the clerk to record your billing data",
            code="billing_data_missing",
        )
    if payable.value > 0 and not accept_terms:
        raise InvalidInput(
            f"{payable} is payable: accept the terms (--accept-terms) to pay",
            code="payment_terms_not_accepted",
            details={"total_payable": str(payable.value)},
        )


# Cancelling (R3.8-R3.9) ------------------------------------------------------------------------


def plan_cancellation(
    days: Iterable[date],
    calendar_days: Mapping[date, CalendarDay],
    now: datetime,
    *,
    cutoff: time,
    tz: str,
    calendar: WorkingCalendar,
    currency: Currency,
) -> list[CancellationOutcome]:
    """R3.8-R3.9: what cancelling each day would do: `would_cancel`, `already_cancelled`
    (nothing to do), or `refused` with why.

    Only final orders (paid or confirmed) are cancelled; the deadline is the working day
    before at the cut-off (`cancellation_deadline`).  The credit is what the day cost
    after subsidies.
    """
    outcomes = []
    for d in sorted(set(days)):
        c = calendar_days.get(d)
        items = c.items if c else []
        live = [i for i in items if i.status != "cancelled"]
        deadline = (
            cancellation_deadline(d, cutoff=cutoff, tz=tz, calendar=calendar)
            if c and c.meals_offered
            else None
        )

        meals = [i.meal for i in (live or items)]

        def refused(
            code: str, message: str, d: date = d, deadline: Any = deadline, meals: Any = meals
        ) -> None:
            outcomes.append(
                CancellationOutcome(
                    day=d,
                    status="refused",
                    code=code,
                    message=message,
                    deadline=deadline,
                    meals=meals,
                )
            )

        if not items:
            refused("day_not_ordered", f"nothing is ordered on {d.isoformat()}")
            continue
        if not live:
            # The state asked for holds already: an outcome, not a refusal.
            outcomes.append(
                CancellationOutcome(
                    day=d,
                    status="already_cancelled",
                    code="already_cancelled",
                    message=f"{d.isoformat()} was cancelled already",
                    deadline=deadline,
                    meals=meals,
                )
            )
            continue
        try:
            check_cancellation_deadline(d, now, cutoff=cutoff, tz=tz, calendar=calendar)
        except RuleViolation as exc:
            refused(exc.code, exc.message)
            continue
        if any(i.status != "final" for i in live):
            refused(
                "order_not_final",
                f"the order of {d.isoformat()} is not final yet (not paid or confirmed): "
                "remove it with 'meals remove' instead",
            )
            continue
        net = sum((i.price.value - i.subsidy.value for i in live), Decimal(0))
        credit = Money.of(net, currency)
        outcomes.append(
            CancellationOutcome(
                day=d,
                status="would_cancel",
                message=f"{d.isoformat()} can be cancelled until {_when(deadline)}"
                if deadline
                else f"{d.isoformat()} can be cancelled",
                deadline=deadline,
                meals=[i.meal for i in live],
                credit=credit,
            )
        )
    return outcomes


# Money (R3.15-R3.16) ------------------------------------------------------------------------------


def check_amount(value: Decimal | int | str, currency: Currency) -> Money:
    """X5: a positive amount, exact to the currency's minor unit (HUF: whole forints)."""
    if isinstance(value, float):
        raise InvalidInput("amounts are never floats", code="invalid_amount")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInput(f"not an amount: {excerpt(value)}", code="invalid_amount") from None
    exponent = Decimal("1") if currency == "HUF" else Decimal("0.01")
    if (
        number.is_finite()
        and number > 0
        and (number.adjusted() > 20 or number / exponent > MAX_AMOUNT_MINOR_UNITS)
    ):
        raise InvalidInput(f"amount {excerpt(value)} is too large", code="invalid_amount")
    if not number.is_finite() or number <= 0 or number != number.quantize(exponent):
        unit = "whole forints" if currency == "HUF" else "cents"
        raise InvalidInput(
            f"an amount is positive and exact to the {unit}, not {excerpt(value)}",
            code="invalid_amount",
        )
    return Money.of(number, currency)


def check_refund(amount: Money, balance: Money) -> None:
    """A refund pays back an overpayment: never more than the positive balance."""
    if amount.value > max(balance.value, Decimal(0)):
        raise RuleViolation(
            f"a refund pays back an overpayment; the balance is {balance}, "
            f"so {amount} cannot be refunded",
            code="refund_exceeds_overpayment",
        )


def check_billing(request: BillingRequest) -> BillingRequest:
    """Billing data the clerk records: a name and an address, trimmed."""
    name, address = request.name.strip(), request.address.strip()
    if not name or not address:
        raise InvalidInput("billing data needs a name and an address", code="missing_field")
    return request.model_copy(
        update={
            "name": name,
            "address": address,
            "tax_number": (request.tax_number or "").strip() or None,
        }
    )


# The board (R3.18) ----------------------------------------------------------------------------


def check_message(request: MessageRequest, institutions: Sequence[str]) -> MessageRequest:
    """A message for everyone, some of the portal's institutions, or one member."""
    title, body = request.title.strip(), request.body.strip()
    if not title or not body:
        raise InvalidInput("a message needs a title and a text", code="missing_field")
    if request.member and request.institutions:
        raise InvalidInput(
            "a message is for some institutions or for one member, not both",
            code="recipient_one_way",
        )
    for name in request.institutions:
        if name not in institutions:
            raise InvalidInput(
                f"unknown institution {name!r}; this portal knows: {', '.join(institutions)}",
                code="unknown_institution",
            )
    return request.model_copy(
        update={"title": title, "body": body, "institutions": sorted(set(request.institutions))}
    )


#: R3.18: the id of the price list on the board.
PRICE_LIST_ID = "price-list"
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def _menu_period(period: str) -> tuple[date, date]:
    """The first and last day of a menu's week (`YYYY-Www`) or month (`YYYY-MM`)."""
    week = _WEEK.match(period)
    if week:
        monday = date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
        return monday, monday + timedelta(days=6)
    first, _ = parse_month(period)
    return first, month_days(period)[-1]


def board_documents(policy: Mapping[str, Any]) -> list[BoardDocument]:
    """R3.18: the board's downloadable documents: the price list, and each menu of the
    policy (`menus`, by week `YYYY-Www` or month `YYYY-MM`), oldest first."""
    documents = [
        BoardDocument(
            id=PRICE_LIST_ID,
            kind="price_list",
            title="Price list of school meals",
            file_name=f"{PRICE_LIST_ID}.pdf",
        )
    ]
    menus: Mapping[str, Any] = policy.get("menus", {})
    for period in sorted(menus, key=lambda p: _menu_period(p)[0]):
        first, last = _menu_period(period)
        documents.append(
            BoardDocument(
                id=f"menu-{period}",
                kind="menu",
                title=f"Menu {period} ({first.isoformat()} to {last.isoformat()})",
                period=period,
                file_name=f"menu-{period}.pdf",
            )
        )
    return documents


def board_document(policy: Mapping[str, Any], document_id: str) -> BoardDocument:
    """One of the board's documents by id; `not_found` for any other."""
    documents = board_documents(policy)
    for document in documents:
        if document.id == document_id.strip():
            return document
    known = ", ".join(d.id for d in documents)
    raise NotFound(
        f"no document {document_id!r} on the board (documents: {known})", code="not_found"
    )


def price_list_lines(policy: Mapping[str, Any], currency: Currency) -> list[str]:
    """R3.18: the price list: per age group and meal type, the price, the subsidy and
    what the family pays (the tenant policy's `meal_prices` and `meal_subsidies`)."""
    names: Mapping[str, str] = policy.get("age_group_names", {})
    prices: Mapping[str, Mapping[str, Any]] = policy.get("meal_prices", {})
    subsidies: Mapping[str, Mapping[str, Any]] = policy.get("meal_subsidies", {})
    lines = [f"Prices per meal in {currency}: price, subsidy, to pay."]
    for group in policy.get("age_groups", list(prices)):
        if group not in prices:
            continue
        lines.append("")
        lines.append(f"{names.get(group, group)} ({group})")
        for meal in MEAL_TYPES:
            if meal not in prices[group]:
                continue
            price = config_money(prices[group][meal], currency, f"meal price of {group} {meal}")
            subsidy = config_money(
                subsidies.get(group, {}).get(meal, "0"), currency, f"subsidy of {meal}"
            )
            payable = Money.of(max(price.value - subsidy.value, Decimal(0)), currency)
            lines.append(f"  {_MEAL_NAMES[meal]}: {price}, subsidy {subsidy}, to pay {payable}")
    return lines


def menu_lines(policy: Mapping[str, Any], period: str) -> list[str]:
    """R3.18: a menu's lines, day by day (weekday or `YYYY-MM-DD` keys) and meal by meal;
    a meal with a choice (`menu_choice`) lists menus A and B."""
    menu: Mapping[str, Mapping[str, Any]] = policy.get("menus", {}).get(period, {})
    choice = set(policy.get("menu_choice", ()))
    first, _ = _menu_period(period)
    lines: list[str] = []

    def when(key: str) -> date:
        if key in WEEKDAYS:
            return first + timedelta(days=WEEKDAYS.index(key))
        return date.fromisoformat(key)

    for key in sorted(menu, key=when):
        day = when(key)
        if lines:
            lines.append("")
        lines.append(f"{day:%A} {day.isoformat()}")
        for meal in MEAL_TYPES:
            dish = menu[key].get(meal)
            if dish is None:
                continue
            if meal in choice:
                if not isinstance(dish, Mapping) or set(dish) != {"A", "B"}:
                    raise ValueError(f"the menu of {period} {key} offers {meal} as menus A and B")
                for label in ("A", "B"):
                    lines.append(f"  {_MEAL_NAMES[meal]}, menu {label}: {dish[label]}")
            else:
                lines.append(f"  {_MEAL_NAMES[meal]}: {dish}")
    return lines


def balance_state(balance: Money) -> BalanceState:
    """R3.16: 0 settled, negative debt, positive overpayment."""
    if balance.value == 0:
        return "settled"
    return "debt" if balance.value < 0 else "overpayment"


def month_of(day: date) -> str:
    """`YYYY-MM` of a day."""
    return f"{day:%Y-%m}"


def month_days(month: str) -> list[date]:
    """Every day of a month written `YYYY-MM`."""
    first, _ = parse_month(month)
    count = _calendar.monthrange(first.year, first.month)[1]
    return [first + timedelta(days=i) for i in range(count)]


def menu_label(menu: Menu | None) -> str:
    """`menu A`, or nothing."""
    return f"menu {menu}" if menu else ""
