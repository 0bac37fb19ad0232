"""`familycard payments`: payments made, and their receipts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .._args import parse_day, save_download
from .._state import State

app = typer.Typer(help="Payments made, and their receipt PDFs.", no_args_is_help=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    member: Annotated[str | None, typer.Option(help="Only this member's payments.")] = None,
    school_year: Annotated[
        str | None, typer.Option(help="A school year, e.g. 2025/2026 (1 Sep - 31 Aug).")
    ] = None,
    since: Annotated[str | None, typer.Option("--from", help="From this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Up to this day (YYYY-MM-DD).")] = None,
    sort: Annotated[str, typer.Option(help="By date: asc or desc.")] = "desc",
) -> None:
    """List payments (by default the portal's period: the current school year on citycard)."""
    from familycard import InvalidInput

    state = State.of(ctx)
    if sort not in ("asc", "desc"):
        raise InvalidInput("--sort is asc or desc", code="invalid_sort")

    first, last = parse_day(since, "--from"), parse_day(until, "--to")
    result = state.session(
        lambda c: c.payments.list(
            member=member,
            school_year=school_year,
            since=first,
            until=last,
            sort=sort,  # type: ignore[arg-type]
        )
    )

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print("no payments in this period")
            return
        rows = [
            (
                p.created_at.date().isoformat(),
                p.id,
                p.member or "",
                p.description,
                str(p.amount),
                p.method,
                p.status.replace("_", " "),
                p.receipt if p.receipt != "none" else "",
            )
            for p in items
        ]
        columns = ["date", "id", "member", "for", "amount", "method", "status", "receipt"]
        state.out.table(columns, rows, free={"for"})

    state.out.emit(result, human)


@app.command()
def receipt(
    ctx: typer.Context,
    payment_id: Annotated[str, typer.Argument(help="The payment's id (pay_...).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the PDF.")],
) -> None:
    """Download a payment's receipt as PDF."""
    state = State.of(ctx)
    pdf = state.session(lambda c: c.payments.receipt(payment_id))
    save_download(state.out, output, pdf, "receipt", payment_id=payment_id)
