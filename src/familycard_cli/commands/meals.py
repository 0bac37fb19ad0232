"""`familycard meals`: school meals (etelka: order, cancel, finalise; entranext: consumed).

On an etelka portal (R3.8-R3.13): the ordering calendar, orders, finalising and paying,
and the quick cancellation whose deadline is the working day before the meal day.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from .._args import parse_day
from .._exit import EXIT, report_error
from .._state import State

if TYPE_CHECKING:
    from familycard import Cancellation, Finalization

app = typer.Typer(help="Meals: order, cancel, finalise, consumed.", no_args_is_help=True)

MemberOpt = Annotated[
    str | None,
    typer.Option(
        "--member", help="The member's id or name (default: the only member of the account)."
    ),
]
MonthOpt = Annotated[str | None, typer.Option(help="The month, YYYY-MM (default: this month).")]

_MEALS = {
    "breakfast": "breakfast",
    "snack_am": "morning snack",
    "lunch": "lunch",
    "snack_pm": "afternoon snack",
    "dinner": "dinner",
}
_STATE_STYLE = {
    "orderable": "green",
    "ordered": "yellow",
    "awaiting_payment": "yellow",
    "final": "bold green",
    "cancelled": "magenta",
    "locked": "dim",
    "not_served": "dim",
}


def _meals(items: Any) -> str:
    return ", ".join(_MEALS.get(i, i) for i in items)


def _when(value: Any) -> str:
    return f"{value:%a %Y-%m-%d %H:%M}" if value else ""


# The calendar and the order list (R3.10-R3.11) --------------------------------------------


@app.command()
def calendar(ctx: typer.Context, member: MemberOpt = None, month: MonthOpt = None) -> None:
    """Show a member's month day by day: orderable, ordered, final, cancelled or locked.

    Each served day shows its meals and its deadline: the working day before at the
    portal's cut-off time (R3.9).
    """
    state = State.of(ctx)
    result = state.session(lambda c: c.meals.calendar(member=member, month=month))

    def human(cal: Any) -> None:
        from rich.text import Text

        rows = []
        for d in cal.days:
            live = [i.meal for i in d.items if i.status != "cancelled"] or [i.meal for i in d.items]
            meals = _meals(live) if live else _meals(d.meals_offered)
            state_text = d.state.replace("_", " ")
            rows.append(
                (
                    d.day.isoformat(),
                    d.weekday,
                    Text(state_text, style=_STATE_STYLE.get(d.state, "")),
                    meals,
                    _when(d.deadline) if d.deadline and not d.locked else "",
                )
            )
        state.out.table(
            ["day", "", "state", "meals", "deadline"],
            rows,
            title=f"{cal.member.name} ({cal.member.age_group_name}), {cal.month}",
            free={"meals"},
        )
        state.out.console.print(
            f"cut-off: {cal.cutoff} on the working day before ({cal.timezone}); "
            f"portal time {_when(cal.now.astimezone(ZoneInfo(cal.timezone)))}"
        )

    state.out.emit(result, human)


@app.command("list")
def list_(ctx: typer.Context, member: MemberOpt = None, month: MonthOpt = None) -> None:
    """List the order of a month item by item: day, meal, place, menu, price, status."""
    state = State.of(ctx)
    result = state.session(lambda c: c.meals.orders(member=member, month=month))

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print("nothing ordered in this month")
            return
        rows = [
            (
                i.day.isoformat(),
                _MEALS.get(i.meal, i.meal),
                i.place,
                i.menu or "",
                str(i.price),
                str(i.subsidy) if i.subsidy.value else "",
                i.status.replace("_", " "),
            )
            for i in items
        ]
        columns = ["day", "meal", "place", "menu", "price", "subsidy", "status"]
        state.out.table(columns, rows, free={"place"})

    state.out.emit(result, human)


@app.command()
def order(
    ctx: typer.Context,
    member: MemberOpt = None,
    day: Annotated[
        list[str] | None,
        typer.Option("--day", help="A day to order, YYYY-MM-DD; repeat for several."),
    ] = None,
    similar_to: Annotated[
        str | None,
        typer.Option(help="Every orderable day of that day's month with the same offer."),
    ] = None,
    month: Annotated[
        str | None,
        typer.Option(help="Every orderable day of this month, YYYY-MM (see --weekdays)."),
    ] = None,
    weekdays: Annotated[
        str | None, typer.Option(help="With --month: only these weekdays, e.g. mon-thu.")
    ] = None,
    meal: Annotated[
        list[str] | None,
        typer.Option(
            "--meal",
            help="A meal type: breakfast, snack_am, lunch, snack_pm, dinner; repeat for "
            "several (default: every meal the day offers).",
        ),
    ] = None,
    place: Annotated[
        list[str] | None,
        typer.Option(
            "--place",
            help="Where to serve: PLACE for every meal served there, or MEAL=PLACE.",
        ),
    ] = None,
    menu: Annotated[
        str | None, typer.Option(help="Menu A or B, for the meals that offer both.")
    ] = None,
) -> None:
    """Order meals for some days; ordering a day again overwrites its order (R3.11).

    The orders are drafts until finalised and paid (familycard meals finalize).
    Days past their deadline, meal types not offered and places not offered are
    refused before anything is sent.
    """
    from familycard.rules.meals import parse_places

    state = State.of(ctx)
    days = [parse_day(d, "--day") for d in day or []]
    like = parse_day(similar_to, "--similar-to")
    places = parse_places(place or [])
    result = state.session(
        lambda c: c.meals.order(
            member=member,
            days=days,
            similar_to=like,
            month=month,
            weekdays=weekdays or (),
            meals=meal or [],
            places=places,
            menu=menu,
        )
    )

    def human(r: Any) -> None:
        by_day: dict[Any, list[Any]] = {}
        for item in r.items:
            by_day.setdefault(item.day, []).append(item)
        rows = [
            (
                d.isoformat(),
                _meals(i.meal for i in items),
                ", ".join(sorted({i.place for i in items})),
                ", ".join(sorted({i.menu for i in items if i.menu})),
            )
            for d, items in sorted(by_day.items())
        ]
        state.out.table(
            ["day", "meals", "place", "menu"], rows, title=r.member, free={"meals", "place"}
        )
        replaced = f" ({len(r.replaced)} overwritten)" if r.replaced else ""
        state.out.console.print(
            f"saved {len(r.days)} day(s){replaced}; finalise with: familycard meals finalize "
            f"--member {r.member_id} --month {r.days[0]:%Y-%m}"
        )

    state.out.emit(result, human)


@app.command()
def remove(
    ctx: typer.Context,
    days: Annotated[list[str], typer.Argument(help="The days, YYYY-MM-DD.")],
    member: MemberOpt = None,
    meal: Annotated[
        list[str] | None,
        typer.Option("--meal", help="Only this meal type; repeat for several (default: all)."),
    ] = None,
) -> None:
    """Remove unfinalised items from the order (whole days, or some meal types).

    Final orders are not removed but cancelled: familycard meals cancel.
    """
    state = State.of(ctx)
    chosen = [parse_day(d, "DAY") for d in days]
    result = state.session(lambda c: c.meals.remove(chosen, member=member, meals=meal or []))

    def human(r: Any) -> None:
        left = f"; {len(r.items)} items left on those days" if r.items else ""
        state.out.console.print(f"removed from {len(r.days)} day(s) of {r.member}{left}")

    state.out.emit(result, human)


# Finalising and paying (R3.12-R3.13) --------------------------------------------------------


def _show_finalization(state: State, f: Finalization) -> None:
    out = state.out
    c = f.calculation
    out.console.print(
        f"[bold]{f.member}[/], {f.month}: {f.meals_ordered} meals on {f.days_ordered} days"
        f"{f', {f.days_cancelled} days cancelled' if f.days_cancelled else ''}"
    )
    if f.expired_days:
        out.console.print(
            "[yellow]left out (deadline passed):[/] "
            + ", ".join(d.isoformat() for d in f.expired_days)
        )
    rows: list[tuple[str, str]] = [("balance before the order", str(c.balance_before))]
    rows.append(("total charges", str(c.total_charges)))
    rows += [(f"  {line.label}", str(line.amount)) for line in c.charges]
    rows.append(("total credits", str(c.total_credits)))
    rows += [(f"  {line.label}", str(line.amount)) for line in c.credits]
    rows.append(("balance after the order", str(c.balance_after)))
    rows.append(("total payable", str(c.total_payable)))
    out.table(["", "amount"], rows, title="Calculation")
    status = f.status.replace("_", " ")
    if f.status == "final":
        out.console.print(f"[green]final[/]: the orders reached the central system ({f.id})")
    elif f.status == "preview":
        out.console.print(
            f"[dim]preview only; methods: {', '.join(f.payment_methods)}[/]"
            + (f"; document: {f.document}" if f.document else "")
        )
    else:
        out.console.print(f"{f.id}: [yellow]{status}[/]")
    if f.payment is not None:
        p = f.payment
        if p.checkout_url:
            out.console.print(
                f"pay {p.amount} ({f.document}) on the bank's terminal: {p.checkout_url}",
                markup=False,
                soft_wrap=True,
            )
            out.console.print(f"the orders become final when the bank reports the payment ({p.id})")
        elif p.status == "succeeded":
            receipt = "waiting for the document" if p.receipt == "waiting" else p.receipt
            out.console.print(
                f"paid {p.amount}, transaction {p.transaction_id}; receipt: {receipt} ({p.id})"
            )


@app.command()
def finalize(
    ctx: typer.Context,
    month: Annotated[str, typer.Option(help="The month whose orders to finalise, YYYY-MM.")],
    member: MemberOpt = None,
    accept_terms: Annotated[
        bool, typer.Option("--accept-terms", help="Accept the terms: needed to pay.")
    ] = False,
    invoice: Annotated[
        bool,
        typer.Option(
            "--invoice",
            help="An invoice instead of a receipt (only with billing data the clerk recorded).",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only show the calculation; finalise nothing.")
    ] = False,
) -> None:
    """Finalise a month's orders: the calculation, and the payment when something is payable.

    Nothing payable: the orders are final at once.  Something payable: pay the payment
    at its checkout URL (scripts: familycard stub pay ID on the stub); the orders become
    final when the bank reports success, and stay unfinalised when it fails.
    """
    state = State.of(ctx)
    if dry_run:
        result = state.session(lambda c: c.meals.preview(month, member=member, invoice=invoice))
    else:
        result = state.session(
            lambda c: c.meals.finalize(
                month, member=member, invoice=invoice, accept_terms=accept_terms
            )
        )
    state.out.emit(result, lambda f: _show_finalization(state, f))


@app.command()
def finalization(
    ctx: typer.Context,
    finalization_id: Annotated[str, typer.Argument(help="The finalisation's id (fin_...).")],
) -> None:
    """Show a finalisation and its payment as they stand: awaiting payment, final, failed."""
    state = State.of(ctx)
    result = state.session(lambda c: c.meals.finalization(finalization_id))
    state.out.emit(result, lambda f: _show_finalization(state, f))


# Cancelling (R3.8-R3.9) ------------------------------------------------------------------------


@app.command()
def cancellable(ctx: typer.Context, member: MemberOpt = None, month: MonthOpt = None) -> None:
    """Show the earliest month with days that can still be cancelled, and those days.

    A day can be cancelled until the portal's cut-off time (09:00 on Jászberény) of
    the working day before it (R3.9).
    """
    state = State.of(ctx)
    result = state.session(lambda c: c.meals.cancellable(member=member, month=month))

    def human(r: Any) -> None:
        if not r.days:
            state.out.console.print(f"{r.member}: no day can be cancelled now")
            return
        rows = [(d.day.isoformat(), _meals(d.meals), _when(d.deadline)) for d in r.days]
        state.out.table(
            ["day", "meals", "cancel before"], rows, title=f"{r.member}, {r.month}", free={"meals"}
        )

    state.out.emit(result, human)


def _show_cancellation(state: State, r: Cancellation) -> None:
    from rich.text import Text

    styles = {
        "cancelled": "green",
        "already_cancelled": "green",
        "would_cancel": "yellow",
        "refused": "red",
    }
    rows = [
        (
            o.day.isoformat(),
            Text(o.status.replace("_", " "), style=styles[o.status]),
            o.code or "",
            o.credit if o.credit and o.credit.value else "",
            o.message,
        )
        for o in r.outcomes
    ]
    state.out.table(
        ["day", "outcome", "code", "credit", "message"],
        rows,
        title=r.member + (" (dry run: nothing sent)" if r.dry_run else ""),
        free={"message"},
    )
    done = [o for o in r.outcomes if o.status in ("cancelled", "would_cancel")]
    already = [o for o in r.outcomes if o.status == "already_cancelled"]
    refused = [o for o in r.outcomes if o.status == "refused"]
    verb = "would be cancelled" if r.dry_run else "cancelled"
    line = f"{len(done)} day(s) {verb}, {len(refused)} refused"
    if already:
        line += f", {len(already)} cancelled already"
    if r.credit.value:
        line += f"; credit {r.credit}"
    if r.notification_id:
        line += f"; kept in the inbox (#{r.notification_id})"
    state.out.console.print(line)


@app.command()
def cancel(
    ctx: typer.Context,
    days: Annotated[list[str], typer.Argument(help="The meal days to cancel, YYYY-MM-DD.")],
    member: MemberOpt = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Say what would be cancelled and refused; send nothing."),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Cancel without asking for confirmation.")
    ] = False,
) -> None:
    """Cancel meal days of a member (quick cancellation, R3.8); each day's outcome is shown.

    A day can be cancelled until the cut-off (09:00 on Jászberény) of the working day
    before it, on the portal's calendar (R3.9); later ones are refused.  Cancelling a
    paid day credits the member's account; every outcome is kept in the inbox.  Exit
    0 when every day is cancelled (or was already: `already_cancelled`), 4 when any is
    refused (--dry-run too).

    Examples (first see what would happen, then cancel without a prompt, as a script):

        familycard meals cancel 2026-03-04 2026-03-05 --dry-run
        familycard meals cancel 2026-03-04 2026-03-05 --yes
    """
    from familycard import InvalidInput

    state = State.of(ctx)
    chosen = [parse_day(d, "DAY") for d in days]
    if not dry_run and not yes:
        if state.as_json or not sys.stdin.isatty():
            raise InvalidInput(
                "cancelling needs --yes when nobody can confirm (or try --dry-run first)",
                code="confirmation_required",
            )
        plan = state.session(lambda c: c.meals.cancel(chosen, member=member, dry_run=True))
        going = [o.day.isoformat() for o in plan.outcomes if o.status == "would_cancel"]
        if going:
            typer.confirm(
                f"Cancel {len(going)} day(s) for {plan.member}: {', '.join(going)}?",
                abort=True,
            )
        member = plan.member_id
    result = state.session(lambda c: c.meals.cancel(chosen, member=member, dry_run=dry_run))
    state.out.emit(result, lambda r: _show_cancellation(state, r))
    refused = [o for o in result.outcomes if o.status == "refused"]
    if refused:
        from familycard import RuleViolation

        codes = {o.code for o in refused}
        code = codes.pop() if len(codes) == 1 else "cancellation_refused"
        report_error(
            RuleViolation(
                f"{len(refused)} of {len(result.outcomes)} day(s) refused: "
                + "; ".join(o.message for o in refused[:3]),
                code=code or "cancellation_refused",
                details={"refused": [{"day": o.day.isoformat(), "code": o.code} for o in refused]},
            ),
            as_json=state.as_json,
        )
        raise typer.Exit(EXIT["refused"])


# Commands kept in their own modules decorate `app` when imported (last: they need it).
from . import meals_consumed  # noqa: E402, F401
