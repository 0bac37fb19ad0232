"""`familycard consumption`: billed withdrawals per month, as a table and a chart (R5.7)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .._args import whole_number
from .._state import State
from .supplies import SupplyOption, chosen_supply

if TYPE_CHECKING:
    from familycard import Consumption

app = typer.Typer(
    help="Billed consumption: energy and power per month of a year.", no_args_is_help=True
)

#: The widest bar, in characters; bars grow in eighths of a character.
BAR_WIDTH = 40
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: Decimal, largest: Decimal, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of block characters, `width` long for `largest`."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = int(value * width * 8 / largest)
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def chart_lines(consumption: Consumption) -> list[str]:
    """One line per billed month: the month, a bar, the energy."""
    largest = max((m.energy for m in consumption.months), default=Decimal(0))
    return [
        f"{m.month}  {bar(m.energy, largest):<{BAR_WIDTH}}  {m.energy} {consumption.unit}"
        for m in consumption.months
    ]


@app.command()
def show(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option(parser=whole_number, help="The year (default: this year).")
    ] = None,
    supply: SupplyOption = None,
) -> None:
    """Show energy (and peak power for electricity) per billed month; a chart on a terminal."""
    state = State.of(ctx)
    point = chosen_supply(state, supply)
    result = state.session(lambda c: c.consumption.show(year=year, supply_point=point))

    def human(c: Any) -> None:
        console = state.out.console
        title = f"{c.supply_point} ({c.kind}), {c.year}"
        if not c.months:
            console.print(f"{title}: nothing billed yet")
            return
        electricity = c.kind == "electricity"
        columns = ["month", f"energy ({c.unit})"] + (["peak power (kW)"] if electricity else [])
        rows = [[m.month, m.energy] + ([m.peak_power_kw] if electricity else []) for m in c.months]
        rows.append(["total", c.total] + ([""] if electricity else []))
        state.out.table(columns, rows, title=title)
        if not state.out.piped:
            console.print()
            for line in chart_lines(c):
                console.print(line, style="cyan", markup=False, highlight=False)

    state.out.emit(result, human)
