"""`familycard supplies`: your supply points, and the one later commands are about (R5.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from .._state import State

if TYPE_CHECKING:
    from familycard import SupplyPoint

app = typer.Typer(
    help="Supply points: electricity PODs and gas PDRs; select the one later commands use.",
    no_args_is_help=True,
)

#: `--supply`, shared by every command about one supply point.
SupplyOption = Annotated[
    str | None,
    typer.Option(
        "--supply",
        help="The supply point (POD or PDR); default: the one chosen with "
        "'supplies select', or your only one.",
    ),
]


def _owner(state: State) -> str:
    """Whose selection it is: the customer on the portal (a selection is not carried over)."""
    return f"{state.username() or ''}@{state.portal_url()}"


def chosen_supply(state: State, given: str | None) -> str | None:
    """`--supply` if given, else the supply point selected for this customer and portal."""
    if given is not None:
        return given
    settings = state.settings()
    selected = settings.get("supply")
    if selected and settings.get("supply_for") == _owner(state):
        return str(selected)
    return None


def code_name(kind: str) -> str:
    """What the supply point's identifier is called: POD (electricity) or PDR (gas)."""
    return "POD" if kind == "electricity" else "PDR"


def label(point: SupplyPoint) -> str:
    """`gas PDR 00881234567890` / `electricity POD IT001E12345678`."""
    return f"{point.kind} {code_name(point.kind)} {point.id}"


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List your supply points: POD or PDR, kind, address, volume corrector; * is selected."""
    state = State.of(ctx)
    points = state.session(lambda c: c.supplies.list())
    selected = chosen_supply(state, None)

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print("no supply points")
            return
        rows = [
            (
                "*" if p.id == selected else "",
                p.id,
                f"{p.kind} ({code_name(p.kind)})",
                p.address,
                "yes" if p.has_corrector else "",
            )
            for p in items
        ]
        state.out.table(
            ["", "supply point", "kind", "address", "corrector"], rows, free={"address"}
        )

    state.out.emit(points, human)


@app.command()
def select(
    ctx: typer.Context,
    point: Annotated[str, typer.Argument(help="The POD or PDR, as 'supplies list' shows it.")],
) -> None:
    """Select the supply point later commands are about; it stays selected in the profile."""
    from .._config import save_profile

    state = State.of(ctx)
    details = state.session(lambda c: c.supplies.get(point))
    chosen = details.supply_point
    save_profile(state.profile, supply=chosen.id, supply_for=_owner(state))
    state.out.emit(
        chosen,
        lambda p: state.out.console.print(f"selected {label(p)}, {p.address}", markup=False),
    )


@app.command()
def show(
    ctx: typer.Context,
    point: Annotated[
        str | None,
        typer.Argument(help="The POD or PDR; default: the selected one, or your only one."),
    ] = None,
) -> None:
    """Show a supply point's technical and contract data (read-only)."""
    state = State.of(ctx)
    wanted = chosen_supply(state, point)
    details = state.session(lambda c: c.supplies.get(wanted))

    def human(d: Any) -> None:
        state.out.console.print(f"[bold]{label(d.supply_point)}[/]")
        state.out.fields(
            {
                "address": d.supply_point.address,
                "customer": f"{d.customer_name} ({d.customer_code})",
                "volume corrector": "yes" if d.supply_point.has_corrector else "no",
            }
        )
        state.out.fields(d.technical.model_dump(mode="json"), title="\nTechnical data")
        state.out.fields(d.contract.model_dump(mode="json"), title="\nContract data")

    state.out.emit(details, human)
