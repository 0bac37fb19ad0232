"""`familycard measures`: hourly electricity measures for your own analysis (R5.9)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .._args import parse_day, write_whole
from .._state import State
from .supplies import SupplyOption, chosen_supply

if TYPE_CHECKING:
    from familycard import Measures

app = typer.Typer(
    help="Electricity measures: hourly figures of an interval, as CSV.", no_args_is_help=True
)

#: The CSV's columns: the hour's start (ISO 8601 with offset), kWh, time band.
CSV_COLUMNS = ("start", "energy_kwh", "band")


def to_csv(measures: Measures) -> str:
    """The measures as CSV text, one row per hour."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in measures.measures:
        writer.writerow((m.start.isoformat(), m.energy_kwh, m.band))
    return buffer.getvalue()


@app.command()
def export(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    until: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the CSV here (default: stdout).")
    ] = None,
    supply: SupplyOption = None,
) -> None:
    """Export hourly electricity measures from --from to --to as CSV (electricity only)."""
    import sys

    state = State.of(ctx)
    point = chosen_supply(state, supply)
    first, last = parse_day(since, "--from"), parse_day(until, "--to")
    result = state.session(lambda c: c.consumption.measures(first, last, supply_point=point))
    if output is not None:
        write_whole(output, to_csv(result).encode("utf-8"))

    def human(m: Any) -> None:
        if output is None:
            sys.stdout.write(to_csv(m))
            return
        state.out.console.print(
            f"{len(m.measures)} hourly measures of {m.supply_point} "
            f"({m.total_kwh} kWh) written to {output}",
            markup=False,
        )

    state.out.emit(result, human)
