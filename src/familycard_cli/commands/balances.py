"""`familycard balances`: the members' running accounts (folyószámla, etelka R3.16)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .._state import State

app = typer.Typer(
    help="Balances: each member's running account: 0 settled, negative debt, positive overpayment.",
    no_args_is_help=True,
)

_STYLE = {"settled": "", "debt": "red", "overpayment": "green"}


@app.command("list")
def list_(
    ctx: typer.Context,
    member: Annotated[
        str | None, typer.Option(help="Only this member (id or name); default: every member.")
    ] = None,
) -> None:
    """List the running account of each member and service: 0 settled, negative a debt
    (red), positive an overpayment (green) that the next order uses."""
    state = State.of(ctx)
    result = state.session(lambda c: c.balances.list(member=member))

    def human(items: list[Any]) -> None:
        from rich.text import Text

        if not items:
            state.out.console.print("no members")
            return
        rows = [
            (
                b.member,
                b.service_name,
                Text(str(b.balance), style=_STYLE[b.state]),
                Text(b.state, style=_STYLE[b.state]),
            )
            for b in items
        ]
        state.out.table(["member", "service", "balance", ""], rows, free={"member", "service"})

    state.out.emit(result, human)
