"""`familycard documents`: your own documents and general documentation (R5.10)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .._args import save_download
from .._state import State

app = typer.Typer(
    help="Documents: your own, and general documentation, forms, regulations, news.",
    no_args_is_help=True,
)


@app.command("list")
def list_(
    ctx: typer.Context,
    category: Annotated[
        str | None,
        typer.Option(help="Only one category: mine, general, forms, regulations, news."),
    ] = None,
) -> None:
    """List the documents: yours first (contracts, technical sheets), then general ones."""
    state = State.of(ctx)
    result = state.session(lambda c: c.documents.list(category=category))

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print("no documents")
            return
        rows = [(d.category, d.published_on.isoformat(), d.id, d.title) for d in items]
        state.out.table(["category", "published", "id", "title"], rows, free={"title"})

    state.out.emit(result, human)


@app.command()
def download(
    ctx: typer.Context,
    document_id: Annotated[str, typer.Argument(help="The document's id, as 'documents list'.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the PDF.")],
) -> None:
    """Download a document as PDF."""
    state = State.of(ctx)
    pdf = state.session(lambda c: c.documents.download(document_id))
    save_download(state.out, output, pdf, "document", document_id=document_id)
