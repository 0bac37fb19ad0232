"""`familycard clerk`: the office's side (FAMILYCARD_CLERK_KEY)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .._state import State
from .auth import show_ack

app = typer.Typer(
    help="The clerk's office: enrol families, regenerate credentials, elevation codes. "
    "Needs FAMILYCARD_CLERK_KEY.",
    no_args_is_help=True,
)


@app.command("reset-credentials")
def reset_credentials(
    ctx: typer.Context,
    tax_code: Annotated[str, typer.Option(help="The child's tax code.")],
) -> None:
    """Regenerate a child's username reminder, password and PIN; e-mailed to the family."""
    state = State.of(ctx)
    show_ack(state, state.client(clerk=True).clerk.reset_credentials(tax_code))


@app.command("elevation-code")
def elevation_code(
    ctx: typer.Context,
    tax_code: Annotated[str, typer.Option(help="The family's (guardian's) tax code.")],
) -> None:
    """Issue a credential-elevation code for a family; also e-mailed to it."""
    state = State.of(ctx)
    result = state.client(clerk=True).clerk.elevation_code(tax_code)
    state.out.emit(
        result, lambda r: state.out.console.print(f"code for {r.tax_code}: [bold]{r.code}[/]")
    )


@app.command()
def attendance(
    ctx: typer.Context,
    tax_code: Annotated[str, typer.Option(help="The child's tax code.")],
    service: Annotated[str, typer.Option(help="The service attended, e.g. mensa.")],
    day: Annotated[
        list[str] | None,
        typer.Option("--day", help="A day attended, YYYY-MM-DD; repeat for several."),
    ] = None,
    month: Annotated[
        str | None,
        typer.Option(help="Instead of --day: every school day of this month (YYYY-MM) so far."),
    ] = None,
) -> None:
    """Record the days a child attended a service; each new day consumes one token (R1.7).

    Recording a day again changes nothing.  With --month, the school days are the
    portal's working days (`familycard portal calendar`); days that have not come yet
    are refused.
    """
    from datetime import date

    from familycard import InvalidInput

    state = State.of(ctx)
    days = []
    for text in day or []:
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            raise InvalidInput(
                f"--day wants YYYY-MM-DD, not {text!r}", code="invalid_date"
            ) from None
    result = state.client(clerk=True).clerk.record_attendance(
        tax_code, service, days=days, month=month
    )

    def human(r: Any) -> None:
        state.out.console.print(
            f"{r.member} {r.service}: {len(r.recorded)} days recorded, "
            f"{len(r.unchanged)} recorded already; balance {r.balance}"
        )

    state.out.emit(result, human)


# Commands kept in their own modules decorate `app` when imported (last: they need it).
from . import clerk_enroll, clerk_meals, clerk_notices  # noqa: E402, F401
