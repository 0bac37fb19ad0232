"""`familycard board`: the portal's message board (Üzenőfal, etelka R3.18)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from .._args import parse_day, save_download
from .._state import State

app = typer.Typer(
    help="Message board: messages for everyone, your institutions or your children; "
    "the price list and menus as PDFs.",
    no_args_is_help=True,
)


def _audience(m: Any) -> str:
    if m.audience == "member":
        return str(m.member or m.member_id)
    if m.audience == "institutions":
        return ", ".join(m.institutions)
    return "everyone"


def _show(state: State, m: Any, zone: str) -> None:
    when = m.published_at.astimezone(ZoneInfo(zone))
    state.out.console.print(
        f"[bold]{m.title}[/]  [dim]#{m.id} · {when:%Y-%m-%d %H:%M} · for {_audience(m)}[/]"
    )
    state.out.console.print(m.body, markup=False)


@app.command("list")
def list_(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="Published on or after this day (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Published on or before this day (YYYY-MM-DD).")
    ] = None,
    recipient: Annotated[
        str | None,
        typer.Option(help="Only messages for: everyone, an institution, or a member (id, name)."),
    ] = None,
    search: Annotated[
        str | None, typer.Option(help="Keywords: every word must appear (accents aside).")
    ] = None,
    sort: Annotated[str, typer.Option(help="By date: desc (newest first) or asc.")] = "desc",
) -> None:
    """List the messages for you: for everyone, your members' institutions, or a member."""
    from familycard import InvalidInput

    state = State.of(ctx)
    if sort not in ("asc", "desc"):
        raise InvalidInput("--sort is asc or desc", code="invalid_sort")
    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    result, zone = state.session(
        lambda c: (
            c.board.list(
                since=first,
                until=last,
                recipient=recipient,
                search=search,
                sort=sort,  # type: ignore[arg-type]
            ),
            c.info().timezone,
        )
    )

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print("no messages")
            return
        for number, m in enumerate(items):
            if number:
                state.out.console.print()
            _show(state, m, zone)

    state.out.emit(result, human)


@app.command()
def latest(ctx: typer.Context) -> None:
    """Show the latest message for you, as the portal's home page does."""
    state = State.of(ctx)
    result, zone = state.session(lambda c: (c.board.latest(), c.info().timezone))

    def human(m: Any) -> None:
        if m is None:
            state.out.console.print("no messages")
            return
        _show(state, m, zone)

    state.out.emit(result, human)


@app.command()
def documents(ctx: typer.Context) -> None:
    """List the documents on the board: the price list and the menus (R3.18)."""
    state = State.of(ctx)
    result = state.session(lambda c: c.board.documents())

    def human(items: list[Any]) -> None:
        rows = [(d.id, d.kind.replace("_", " "), d.title) for d in items]
        state.out.table(["id", "kind", "title"], rows, free={"title"})

    state.out.emit(result, human)


@app.command()
def download(
    ctx: typer.Context,
    document_id: Annotated[
        str, typer.Argument(help="The document's id (see `board documents`), e.g. price-list.")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the PDF.")],
) -> None:
    """Download a document of the board (the price list, a menu) as PDF."""
    state = State.of(ctx)
    pdf = state.session(lambda c: c.board.download(document_id))
    save_download(state.out, output, pdf, "document", document_id=document_id)
