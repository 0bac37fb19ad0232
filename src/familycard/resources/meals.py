"""`client.meals`: order, finalise and pay, and cancel school meals (etelka, R3.8-R3.13).

The SDK checks before sending only what needs no extra request: the form of a request
(pure functions of `familycard.rules.meals`).  Rules on the state (deadlines, the
ordering horizon, final or locked days, a finalisation awaiting payment) are the
portal's, refused in the same transaction as the change.  A dry-run cancellation plans
with the portal's clock, policy and published calendar (`client.portal.calendar`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from .._errors import InvalidInput
from ..models._base import Money
from ..models.meals import (
    CalendarDay,
    Cancellable,
    Cancellation,
    CancelRequest,
    Finalization,
    FinalizeRequest,
    MealCalendar,
    MealType,
    Menu,
    Order,
    OrderRequest,
    OrderResult,
    RemoveRequest,
    Weekday,
)
from ..rules.meals import (
    cancellation_cutoff,
    check_order_request,
    check_payment_choice,
    month_of,
    parse_meal_types,
    parse_menu,
    parse_weekdays,
    plan_cancellation,
)
from ..rules.tokens import parse_month
from ._base import Resource, segment

#: How far before a meal day the SDK reads the portal's calendar to find its deadline.
DEADLINE_LOOKBACK_DAYS = 62


class MealsResource(Resource):
    """A member's meal calendar, orders, finalisation and payment, quick cancellation.

    `member` is a member's id or name; it may be left out when the account manages
    one member only.
    """

    # Reading -------------------------------------------------------------------------

    def calendar(self, *, member: str | None = None, month: str | None = None) -> MealCalendar:
        """A month (`YYYY-MM`, default: the portal's current one), day by day: what is
        offered, ordered, cancelled, and each day's deadline (R3.10-R3.11)."""
        self._client.require("meals")
        if month is not None:
            month = month_of(parse_month(month)[0])
        params = {"member": member, "month": month}
        return self._call(MealCalendar, "GET", "/meals/calendar", params=params)

    def orders(self, *, member: str | None = None, month: str | None = None) -> list[Order]:
        """The order list of a month, day by day (R3.11's review)."""
        self._client.require("meals")
        if month is not None:
            month = month_of(parse_month(month)[0])
        params = {"member": member, "month": month}
        return self._call_list(Order, "GET", "/meals/orders", params=params)

    def _days(
        self, member: str | None, months: Iterable[str]
    ) -> tuple[MealCalendar, dict[date, CalendarDay]]:
        calendars = [self.calendar(member=member, month=m) for m in months]
        days = {c.day: c for cal in calendars for c in cal.days}
        return calendars[0], days

    # Ordering (R3.11) ----------------------------------------------------------------

    def order(
        self,
        *,
        member: str | None = None,
        days: Iterable[date] = (),
        similar_to: date | None = None,
        month: str | None = None,
        weekdays: Iterable[Weekday | str] | str = (),
        meals: Iterable[MealType | str] = (),
        places: Mapping[str, str] | None = None,
        menu: Menu | str | None = None,
        idempotency_key: str | None = None,
    ) -> OrderResult:
        """Save the meals of some days; a day saved again is overwritten (R3.11).

        Choose the days one way: `days`; `similar_to` (every orderable day of its month
        with the same offer); or `month` (every orderable day, on `weekdays` if given).
        `meals` defaults to every meal type each day offers; `places` maps a meal type
        (or `*`) to where it is served; `menu` is A or B where the menu offers both.
        A malformed request is refused before sending; the portal refuses, in the same
        transaction as the order, days past their deadline (`order_deadline_passed`),
        meals and places not offered (`meal_not_offered`, `place_not_offered`), and so on.
        """
        self._client.require("meals")
        request = check_order_request(
            OrderRequest(
                member=member,
                days=list(days),
                similar_to=similar_to,
                month=month,
                weekdays=_weekdays(weekdays),
                meals=parse_meal_types(meals),
                places=dict(places or {}),
                menu=parse_menu(menu),
            )
        )
        return self._call(
            OrderResult,
            "POST",
            "/meals/orders",
            json=request.model_dump(mode="json", exclude_none=True),
            idempotency_key=idempotency_key,
        )

    def remove(
        self,
        days: Iterable[date],
        *,
        member: str | None = None,
        meals: Iterable[MealType | str] = (),
        idempotency_key: str | None = None,
    ) -> OrderResult:
        """Remove unfinalised items of some days (whole days, or some meal types).

        The portal refuses final or locked days and days with nothing to remove.
        """
        self._client.require("meals")
        request = RemoveRequest(
            member=member, days=sorted(set(days)), meals=parse_meal_types(meals)
        )
        if not request.days:
            raise InvalidInput("give the days to remove", code="days_required")
        return self._call(
            OrderResult,
            "POST",
            "/meals/orders/remove",
            json=request.model_dump(mode="json", exclude_none=True),
            idempotency_key=idempotency_key,
        )

    # Finalising and paying (R3.12-R3.13) ---------------------------------------------

    def preview(
        self, month: str, *, member: str | None = None, invoice: bool = False
    ) -> Finalization:
        """The calculation of finalising a month's orders; changes nothing (R3.12).

        When the month's orders await payment already, that finalisation is returned.
        """
        self._client.require("meals")
        params: dict[str, object] = {"member": member, "month": month_of(parse_month(month)[0])}
        found = self._call(Finalization, "GET", "/meals/finalization", params=params)
        if not invoice or found.status != "preview":
            return found
        # An invoice needs billing data: checked here first, with the portal's rule.
        check_payment_choice(
            found.calculation.total_payable, accept_terms=True, invoice=True, billing=found.billing
        )
        params["invoice"] = True
        return self._call(Finalization, "GET", "/meals/finalization", params=params)

    def finalize(
        self,
        month: str,
        *,
        member: str | None = None,
        invoice: bool = False,
        accept_terms: bool = False,
        idempotency_key: str | None = None,
    ) -> Finalization:
        """Finalise a month's orders (R3.12-R3.13).

        Nothing payable: the orders are final at once.  Something payable: the result's
        `payment` is to be paid at its `checkout_url` (the orders become final when the
        bank reports success; a failed payment leaves them unfinalised).  Paying needs
        `accept_terms`; an `invoice` needs billing data the clerk recorded.  While a
        payment is awaited, finalising again returns it: never a second checkout.
        """
        self._client.require("meals")
        body = FinalizeRequest(
            member=member,
            month=month_of(parse_month(month)[0]),
            invoice=invoice,
            accept_terms=accept_terms,
        )
        return self._call(
            Finalization,
            "POST",
            "/meals/finalizations",
            json=body.model_dump(mode="json", exclude_none=True),
            idempotency_key=idempotency_key,
        )

    def finalization(self, finalization_id: str) -> Finalization:
        """A finalisation, with its payment as it stands now."""
        self._client.require("meals")
        path = f"/meals/finalizations/{segment(finalization_id, 'finalization id')}"
        return self._call(Finalization, "GET", path)

    # Cancelling (R3.8-R3.9) ----------------------------------------------------------

    def cancellable(self, *, member: str | None = None, month: str | None = None) -> Cancellable:
        """The earliest month with cancellable days (or `month`), and those days (R3.8)."""
        self._client.require("meals")
        if month is not None:
            month = month_of(parse_month(month)[0])
        params = {"member": member, "month": month}
        return self._call(Cancellable, "GET", "/meals/cancellable", params=params)

    def cancel(
        self,
        days: Iterable[date],
        *,
        member: str | None = None,
        dry_run: bool = False,
        idempotency_key: str | None = None,
    ) -> Cancellation:
        """Cancel meal days of one member (R3.8-R3.9); each day succeeds or is refused.

        The deadline is the working day before the meal day at the portal's cut-off
        (09:00 on Jászberény), on the calendar the portal publishes.  The portal decides
        each day, in one transaction, and keeps the outcome in the inbox; a day
        cancelled before is `already_cancelled`.  With `dry_run` the SDK plans every day
        with the portal's clock and published calendar and sends nothing (`sent`
        False).  Check the outcomes' `status`.
        """
        info = self._client.require("meals")
        request = CancelRequest(member=member, days=sorted(set(days)))
        if not request.days:
            raise InvalidInput("give the days to cancel", code="days_required")
        if not dry_run:
            # The portal decides each day, in the same transaction as the cancellation.
            return self._call(
                Cancellation,
                "POST",
                "/meals/cancellations",
                json=request.model_dump(mode="json", exclude_none=True),
                idempotency_key=idempotency_key,
            )
        first, calendar_days = self._days(member, sorted({month_of(d) for d in request.days}))
        # The working days come from the portal's published calendar, never from the
        # calendar package installed here: the deadline shown is the one it enforces.
        working = self._client.portal.working_calendar(
            request.days[0] - timedelta(days=DEADLINE_LOOKBACK_DAYS), request.days[-1]
        )
        outcomes = plan_cancellation(
            request.days,
            calendar_days,
            first.now,
            cutoff=cancellation_cutoff(info.policy),
            tz=info.timezone,
            calendar=working,
            currency=info.currency,
        )
        possible = [o for o in outcomes if o.status == "would_cancel"]
        credit = sum((o.credit.value for o in possible if o.credit), Decimal(0))
        return Cancellation(
            member_id=first.member.id,
            member=first.member.name,
            dry_run=True,
            sent=False,
            outcomes=outcomes,
            credit=Money.of(credit, info.currency),
        )


def _weekdays(weekdays: Iterable[Weekday | str] | str) -> list[Weekday]:
    text = weekdays if isinstance(weekdays, str) else ",".join(weekdays)
    return parse_weekdays(text) if text.strip() else []
