"""`familycard portal`: what the portal is."""

from __future__ import annotations

from typing import Any

import typer

from .._state import State

app = typer.Typer(help="What the portal is: kind, policy, features.", no_args_is_help=True)


@app.command()
def info(ctx: typer.Context) -> None:
    """Show the portal's kind, name, currency, policy and features."""
    state = State.of(ctx)
    result = state.client().portal.info()

    def human(info: Any) -> None:
        state.out.fields(
            {
                "portal": f"{info.name} ({info.tenant})",
                "kind": info.kind,
                "currency": info.currency,
                "timezone": info.timezone,
                "features": info.features,
                "register with": info.registration_fields,
                "enrolment columns": info.enrolment_columns,
            }
        )
        for key, value in info.policy.items():
            state.out.console.print(f"  policy.{key} = {value}", markup=False)

    state.out.emit(result, human)
