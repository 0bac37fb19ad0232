"""`familycard inbox`: the portal's notifications (Értesítések, etelka R3.17)."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from .._args import whole_number
from .._state import State

app = typer.Typer(
    help="Inbox: what the portal told you (cancellations, orders, payments), with unread counts.",
    no_args_is_help=True,
)


@app.command("list")
def list_(
    ctx: typer.Context,
    unread: Annotated[bool, typer.Option("--unread", help="Only the unread ones.")] = False,
) -> None:
    """List the notifications, newest first, with the total and unread counts."""
    state = State.of(ctx)
    result, zone = state.session(lambda c: (c.inbox.list(unread=unread), c.info().timezone))

    def human(box: Any) -> None:
        state.out.console.print(f"{box.total} notifications, {box.unread} unread")
        if not box.notifications:
            return
        rows = [
            (
                n.id,
                f"{n.created_at.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}",
                n.kind,
                ("" if n.read else "• ") + n.title,
            )
            for n in box.notifications
        ]
        state.out.table(["id", "date", "kind", "title"], rows, free={"title"})

    state.out.emit(result, human)


@app.command()
def read(
    ctx: typer.Context,
    notification_id: Annotated[
        int, typer.Argument(parser=whole_number, help="The notification's id (inbox list).")
    ],
) -> None:
    """Show a notification in full and mark it read."""
    state = State.of(ctx)
    result, zone = state.session(lambda c: (c.inbox.read(notification_id), c.info().timezone))

    def human(n: Any) -> None:
        state.out.console.print(f"[bold]{n.title}[/]")
        when = n.created_at.astimezone(ZoneInfo(zone))
        state.out.console.print(f"{when:%Y-%m-%d %H:%M} ({zone}) · {n.kind}")
        state.out.console.print(n.body, markup=False)

    state.out.emit(result, human)
