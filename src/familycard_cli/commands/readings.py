"""`familycard readings`: meter self-readings inside the supplier's windows (R5.11-R5.14)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .._args import parse_day, whole_number
from .._state import State
from .supplies import SupplyOption, chosen_supply

app = typer.Typer(
    help="Meter self-readings: the windows, your readings, send one, delete one.",
    no_args_is_help=True,
)

_STATUS = {"pending": "to be acquired", "acquired": "acquired"}


def _when(value: Any) -> str:
    return str(value.isoformat(timespec="minutes"))


@app.command()
def windows(ctx: typer.Context, supply: SupplyOption = None) -> None:
    """Show the self-reading window open now, if any, and the next one (from/to, ISO 8601)."""
    state = State.of(ctx)
    point = chosen_supply(state, supply)
    result = state.session(lambda c: c.readings.windows(supply_point=point))

    def human(w: Any) -> None:
        console = state.out.console
        if w.open is not None:
            console.print(
                f"[green]open[/] now for {w.supply_point}: "
                f"from {_when(w.open.opens_at)} to {_when(w.open.closes_at)}"
            )
        else:
            console.print(f"[yellow]closed[/] now for {w.supply_point}")
        console.print(f"next window: from {_when(w.next.opens_at)} to {_when(w.next.closes_at)}")

    state.out.emit(result, human)


@app.command("list")
def list_(ctx: typer.Context, supply: SupplyOption = None) -> None:
    """List the self-readings of a supply point, newest first, acquired or to be acquired."""
    state = State.of(ctx)
    point = chosen_supply(state, supply)
    result = state.session(lambda c: c.readings.list(supply_point=point))

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print("no self-readings yet")
            return
        rows = [
            (
                r.reading_date.isoformat(),
                r.meter,
                r.corrector,
                _STATUS[r.status],
                _when(r.acquired_at) if r.status == "acquired" else "",
                "yes" if r.deletable else "",
            )
            for r in items
        ]
        columns = ["date", "meter", "corrector", "status", "acquired at", "deletable"]
        state.out.table(columns, rows, title=items[0].supply_point)

    state.out.emit(result, human)


@app.command()
def submit(
    ctx: typer.Context,
    meter: Annotated[
        int, typer.Option(parser=whole_number, help="The meter reading: its whole digits.")
    ],
    corrector: Annotated[
        int | None,
        typer.Option(
            parser=whole_number, help="The volume corrector reading (gas meters that have one)."
        ),
    ] = None,
    supply: SupplyOption = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--date", help="The day the meter was read, YYYY-MM-DD (default: today, portal time)."
        ),
    ] = None,
    meter_replaced: Annotated[
        bool,
        typer.Option(
            "--meter-replaced", help="The meter was replaced: accept a reading lower than before."
        ),
    ] = False,
    idempotency_key: Annotated[
        str | None, typer.Option(help="Makes a retried submission safe (generated if absent).")
    ] = None,
) -> None:
    """Send a self-reading; only inside a window, one a day, then 'to be acquired'.

    The reading stays 'to be acquired' for the supplier's acquisition time (deletable
    until then: familycard readings delete), then it is acquired.

    Examples (when the window is open; a gas meter with a volume corrector needs both
    readings):

        familycard readings windows
        familycard readings submit --meter 4521
        familycard readings submit --meter 4521 --corrector 4388
    """
    state = State.of(ctx)
    point = chosen_supply(state, supply)
    day = parse_day(on, "--date")
    reading = state.session(
        lambda c: c.readings.submit(
            meter,
            corrector=corrector,
            supply_point=point,
            reading_date=day,
            meter_replaced=meter_replaced,
            idempotency_key=idempotency_key,
        )
    )

    def human(r: Any) -> None:
        values = f"meter {r.meter}" + (
            f", corrector {r.corrector}" if r.corrector is not None else ""
        )
        state.out.console.print(
            f"reading of {r.reading_date} sent for {r.supply_point}: {values}; "
            f"to be acquired at {_when(r.acquired_at)} (deletable until then)",
            markup=False,
        )

    state.out.emit(reading, human)


@app.command()
def delete(
    ctx: typer.Context,
    on: Annotated[str, typer.Option("--date", help="The day of the reading, YYYY-MM-DD.")],
    supply: SupplyOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking.")] = False,
) -> None:
    """Delete a self-reading that is still to be acquired; acquired ones stay."""
    import sys

    from familycard import InvalidInput

    state = State.of(ctx)
    point = chosen_supply(state, supply)
    day = parse_day(on, "--date")
    if not yes:
        if state.as_json or not sys.stdin.isatty():
            raise InvalidInput(
                "deleting a reading needs --yes when nobody can confirm",
                code="confirmation_required",
            )
        typer.confirm(f"Delete the reading of {day}?", abort=True)
    ack = state.session(lambda c: c.readings.delete(day, supply_point=point))
    state.out.emit(ack, lambda a: state.out.console.print(a.message, markup=False))
