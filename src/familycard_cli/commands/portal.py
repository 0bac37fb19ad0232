"""`familycard portal`: what the portal is."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .._args import parse_day
from .._output import flatten, human_text
from .._state import State

app = typer.Typer(
    help="What the portal is: kind, policy, features, and the days it works.",
    no_args_is_help=True,
)


#: The policy entries that are amounts in the portal's currency, sent as decimal strings
#: (`token_price`, `meal_prices.primary.lunch`, `psps[].fees.card`).
AMOUNTS = ("token_price", "meal_prices", "meal_subsidies", "fees")


def _amounts(value: Any, currency: str, *, amount: bool = False) -> Any:
    """The policy with its amounts as money (`HUF 650`), to show them as such."""
    from familycard import Money

    if isinstance(value, dict):
        return {k: _amounts(v, currency, amount=amount or k in AMOUNTS) for k, v in value.items()}
    if isinstance(value, list):
        return [_amounts(v, currency, amount=amount) for v in value]
    if amount and isinstance(value, str | int) and not isinstance(value, bool):
        try:
            return Money.of(str(value), currency)  # type: ignore[arg-type]
        except (ArithmeticError, ValueError):
            return value
    return value


@app.command()
def info(ctx: typer.Context) -> None:
    """Show the portal's kind, name, currency, policy and features."""
    state = State.of(ctx)
    result = state.client().portal.info()

    def human(info: Any) -> None:
        state.out.fields(
            {
                "portal": f"{info.name} ({info.tenant})",
                "kind": info.kind,
                "currency": info.currency,
                "timezone": info.timezone,
                "features": info.features,
                "register with": info.registration_fields,
                "enrolment columns": info.enrolment_columns,
            }
        )
        for key, value in flatten(_amounts(info.policy, info.currency), "policy."):
            state.out.console.print(f"  {key} = {human_text(value)}", markup=False)

    state.out.emit(result, human)


@app.command()
def calendar(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--from", help="From this day (YYYY-MM-DD; default: today).")
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--to", help="To this day (YYYY-MM-DD; default: 30 days on)."),
    ] = None,
) -> None:
    """Show the working days the portal applies to its deadlines and school days.

    The portal's own calendar: its country's public holidays and moved working days,
    plus the closures and working days of its own configuration.  Deadlines such as
    the meal cancellation cut-off count these days, whatever calendar this machine has.
    """
    state = State.of(ctx)
    first, last = parse_day(since, "--from"), parse_day(until, "--to")
    result = state.client().portal.calendar(first, last)

    def human(days: Any) -> None:
        state.out.table(
            ["day", "weekday", "working", "why"],
            [
                (
                    d.date.isoformat(),
                    f"{d.date:%a}",
                    "yes" if d.working else "no",
                    d.reason or ("weekend" if d.kind == "weekend" else ""),
                )
                for d in days
            ],
            free={"why"},
        )

    state.out.emit(result, human)
