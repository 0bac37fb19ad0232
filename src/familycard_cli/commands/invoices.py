"""`familycard invoices`: invoices since 2014, and their PDFs (R5.4)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .._args import save_download, whole_number
from .._state import State
from .supplies import SupplyOption, chosen_supply

app = typer.Typer(help="Invoices since 2014, and their PDFs.", no_args_is_help=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option(parser=whole_number, help="Only invoices issued in this year.")
    ] = None,
    supply: SupplyOption = None,
) -> None:
    """List a supply point's invoices since 2014, newest first; PDF marks those with a document."""
    state = State.of(ctx)
    point = chosen_supply(state, supply)
    result = state.session(lambda c: c.invoices.list(year=year, supply_point=point))

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print("no invoices in this period")
            return
        rows = [
            (
                i.issued_on.isoformat(),
                i.id,
                i.number,
                f"{i.period_from:%m/%Y}-{i.period_to:%m/%Y}",
                f"{i.consumption} {i.unit}",
                str(i.amount),
                i.due_on.isoformat(),
                "yes" if i.paid else "no",
                "PDF" if i.has_document else "",
            )
            for i in items
        ]
        columns = [
            "issued",
            "id",
            "number",
            "period",
            "consumption",
            "amount",
            "due",
            "paid",
            "doc",
        ]
        state.out.table(columns, rows, title=items[0].supply_point)

    state.out.emit(result, human)


@app.command()
def download(
    ctx: typer.Context,
    invoice_id: Annotated[str, typer.Argument(help="The invoice's id, as 'invoices list' shows.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the PDF.")],
) -> None:
    """Download an invoice as PDF; an invoice without a document says so (exit 5)."""
    state = State.of(ctx)
    pdf = state.session(lambda c: c.invoices.download(invoice_id))
    save_download(state.out, output, pdf, "invoice", invoice_id=invoice_id)
