"""`familycard meals consumed`: the meals the children consumed (entranext, R2.3)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .._state import State
from .meals import app


@app.command("consumed")
def consumed(
    ctx: typer.Context,
    month: Annotated[
        str | None, typer.Option(help="The month, YYYY-MM (default: the portal's current one).")
    ] = None,
    member: Annotated[str | None, typer.Option(help="Only this child (tax code).")] = None,
) -> None:
    """List the meals your children consumed in a month, day by day (entranext, R2.3).

    The school assistance office records them (familycard clerk meals-consumed); the
    credentials must be elevated first (familycard auth elevate CODE).
    """
    state = State.of(ctx)
    result = state.session(lambda c: c.meals_consumed.list(month=month, member=member))

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print("no meals consumed in this month")
            return
        rows = [(m.day.isoformat(), m.member_name or m.member, m.service, m.meals) for m in items]
        state.out.table(["day", "member", "service", "meals"], rows)
        totals: dict[str, int] = {}
        for m in items:
            name = m.member_name or m.member
            totals[name] = totals.get(name, 0) + m.meals
        for name, total in totals.items():
            state.out.console.print(f"{name}: {total} meals", markup=False)

    state.out.emit(result, human)
