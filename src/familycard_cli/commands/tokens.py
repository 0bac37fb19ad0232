"""`familycard tokens`: canteen-token balances and attendance (citycard, R1.6-R1.7)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .._args import whole_number
from .._exit import EXIT, report_error
from .._state import State

app = typer.Typer(
    help="Canteen tokens: the balance per service, and the days attended.", no_args_is_help=True
)

Member = Annotated[
    str | None,
    typer.Option(help="The child's tax code (default: the account's child)."),
]
ServiceOpt = Annotated[str | None, typer.Option("--service", help="Only this service, e.g. mensa.")]


@app.command()
def balance(
    ctx: typer.Context,
    member: Member = None,
    service: ServiceOpt = None,
    below: Annotated[
        int | None,
        typer.Option(
            parser=whole_number,
            help="Exit 4 (and say so on stderr) when any balance is under N tokens.",
        ),
    ] = None,
) -> None:
    """Show the token balance per child and service; negative means in debit (R1.6).

    With --below N the command exits 4 when any balance is under N, so a cron line
    can alert or recharge, for example:

        familycard tokens balance --below 5 ||
            familycard recharge create --tokens 10
    """
    from familycard import RuleViolation
    from familycard.rules.tokens import low_balances

    state = State.of(ctx)
    result = state.session(lambda c: c.tokens.balances(member=member, service=service))

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print("no services with tokens")
            return
        rows = [
            (b.member, b.member_name, b.service, b.balance, "in debit" if b.balance < 0 else "")
            for b in items
        ]
        state.out.table(["member", "name", "service", "balance", ""], rows, free={"name"})

    state.out.emit(result, human)
    if below is not None:
        low = low_balances(result, below)
        if low:
            listed = ", ".join(f"{b.member} {b.service}: {b.balance}" for b in low)
            report_error(
                RuleViolation(
                    f"balance under {below} tokens: {listed}",
                    code="balance_below",
                    details={"below": below, "balances": [b.model_dump() for b in low]},
                ),
                as_json=state.as_json,
            )
            raise typer.Exit(EXIT["refused"])


@app.command()
def attendance(
    ctx: typer.Context,
    month: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    service: ServiceOpt = None,
    member: Member = None,
) -> None:
    """Show the days attended in a month, per service; each day consumed one token (R1.7)."""
    state = State.of(ctx)
    result = state.session(lambda c: c.tokens.attendance(month, service=service, member=member))

    def human(items: list[Any]) -> None:
        for a in items:
            days = ", ".join(f"{d:%a %d}" for d in a.days) or "no days attended"
            state.out.console.print(
                f"[bold]{a.member} {a.service} {a.month}[/]: {a.tokens_consumed} tokens consumed"
            )
            state.out.console.print(f"  {days}", markup=False)

    state.out.emit(result, human)
