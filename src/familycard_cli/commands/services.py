"""`familycard services`: a child's active services, each with its detail (citycard, R1.5)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .._state import State

app = typer.Typer(
    help="A child's active services (school canteen, Casa dei bambini), with their detail.",
    no_args_is_help=True,
)

Member = Annotated[
    str | None,
    typer.Option(help="The child's tax code (default: the account's child)."),
]


@app.command("list")
def list_(ctx: typer.Context, member: Member = None) -> None:
    """List the child's active services, with the token balance of each (R1.5)."""
    state = State.of(ctx)
    result = state.session(lambda c: c.services.list(member=member))

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print("no active services")
            return
        rows = [(s.member, s.service, s.name, s.balance, str(s.token_price)) for s in items]
        state.out.table(
            ["member", "service", "name", "balance", "token price"], rows, free={"name"}
        )

    state.out.emit(result, human)


@app.command()
def show(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(help="The service's code, e.g. mensa.")],
    member: Member = None,
) -> None:
    """Show one service's detail: balance, tokens awaiting payment, price, last day attended."""
    state = State.of(ctx)
    result = state.session(lambda c: c.services.get(service, member=member))

    def human(s: Any) -> None:
        fields = s.model_dump(mode="json")
        fields["token_price"] = str(s.token_price)
        fields["balance"] = f"{s.balance} (in debit)" if s.balance < 0 else s.balance
        state.out.fields(fields, title=s.name)

    state.out.emit(result, human)
