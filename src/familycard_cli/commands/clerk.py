"""`familycard clerk`: the office's side (FAMILYCARD_CLERK_KEY)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .._exit import EXIT
from .._state import State
from .auth import show_ack

app = typer.Typer(
    help="The clerk's office: enrol families, regenerate credentials, elevation codes. "
    "Needs FAMILYCARD_CLERK_KEY.",
    no_args_is_help=True,
)


@app.command()
def enroll(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV file (',' or ';', UTF-8 with or without BOM).")],
) -> None:
    """Enrol every row of a CSV file; each row gets its own outcome.

    Columns per portal kind (see `familycard portal info`); re-enrolling a row adds
    nothing.  Exit 0 when every row is created or exists, 4 when some were refused.
    """
    from familycard import EnrolmentResult

    from .._tables import read_rows

    state = State.of(ctx)
    client = state.client(clerk=True)
    info = client.info()
    rows = read_rows(file, required=info.enrolment_columns)
    results: list[EnrolmentResult] = client.clerk.enroll_many(rows)

    def human(items: list[Any]) -> None:
        counts: dict[str, int] = {}
        for r in items:
            counts[r.status] = counts.get(r.status, 0) + 1
        state.out.table(["outcome", "rows"], sorted(counts.items()))
        problems = [r for r in items if r.error]
        if problems:
            state.out.table(
                ["row", "outcome", "code", "message"],
                [(r.row, r.status, r.error["code"], r.error["message"]) for r in problems[:20]],
                title="Problems",
            )

    state.out.emit(results, human)
    if any(r.status not in ("created", "exists") for r in results):
        raise typer.Exit(EXIT["refused"])


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
