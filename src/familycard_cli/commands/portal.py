"""`familycard portal`: what the portal is."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .._args import parse_day
from .._state import State

app = typer.Typer(
    help="What the portal is: kind, policy, features, and the days it works.",
    no_args_is_help=True,
)


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
        for key, value in info.policy.items():
            state.out.console.print(f"  policy.{key} = {value}", markup=False)

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
        )

    state.out.emit(result, human)
