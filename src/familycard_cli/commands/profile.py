"""`familycard profile`: your own data and notification settings on the portal."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .._state import State
from .auth import show_account, show_ack

app = typer.Typer(help="Your data on the portal, and which e-mails it sends.", no_args_is_help=True)


@app.command()
def show(ctx: typer.Context) -> None:
    """Show your data as the portal keeps it."""
    state = State.of(ctx)
    show_account(state, state.session(lambda c: c.profile.show()))


@app.command()
def update(
    ctx: typer.Context,
    full_name: Annotated[str | None, typer.Option(help="New full name (etelka).")] = None,
    phone: Annotated[str | None, typer.Option(help="New phone number.")] = None,
    fax: Annotated[str | None, typer.Option(help="New fax number (utility).")] = None,
    email: Annotated[str | None, typer.Option(help="New e-mail (utility only).")] = None,
) -> None:
    """Change what the portal lets you change; anything else is refused with the reason."""
    state = State.of(ctx)
    account = state.session(
        lambda c: c.profile.update(full_name=full_name, phone=phone, fax=fax, email=email)
    )
    show_account(state, account)


@app.command()
def delete(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking.")] = False,
) -> None:
    """Delete your profile on the portal (etelka)."""
    import sys

    from familycard import InvalidInput

    state = State.of(ctx)
    if not yes:
        if not sys.stdin.isatty():
            raise InvalidInput("deleting the profile needs --yes", code="confirmation_required")
        typer.confirm("Delete your profile on the portal for good?", abort=True)
    ack = state.session(lambda c: c.profile.delete())
    username = state.username()
    if username:
        state.forget(username)
    show_ack(state, ack)


@app.command()
def notifications(
    ctx: typer.Context,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="EVENT=on or EVENT=off; repeat for several events."),
    ] = None,
    restore_defaults: Annotated[
        bool, typer.Option("--restore-defaults", help="Back to the recommended settings.")
    ] = False,
) -> None:
    """Show or change which events send you e-mails (payments always do)."""
    from familycard import InvalidInput

    state = State.of(ctx)
    changes: dict[str, bool] = {}
    for item in set_ or []:
        event, _, value = item.partition("=")
        if value.lower() not in ("on", "off"):
            raise InvalidInput(f"--set {item!r}: use EVENT=on or EVENT=off", code="invalid_setting")
        changes[event.strip()] = value.lower() == "on"
    if restore_defaults:
        result = state.session(lambda c: c.profile.restore_default_notifications())
    elif changes:
        result = state.session(lambda c: c.profile.set_notifications(changes))
    else:
        result = state.session(lambda c: c.profile.notifications())

    def human(settings: Any) -> None:
        rows = [
            (event, "on" if on else "off", "locked" if event in settings.locked else "")
            for event, on in settings.events.items()
        ]
        state.out.table(["event", "e-mail", ""], rows)

    state.out.emit(result, human)
