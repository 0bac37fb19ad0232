"""`familycard members`: the members (children) an etelka account manages (R3.10, R3.14)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from .._state import State

if TYPE_CHECKING:
    from familycard import Member

app = typer.Typer(
    help="Members: the children whose meals you manage, their age group and meal offer.",
    no_args_is_help=True,
)

MEAL_NAMES = {
    "breakfast": "breakfast",
    "snack_am": "morning snack",
    "lunch": "lunch",
    "snack_pm": "afternoon snack",
    "dinner": "dinner",
}


def offer_rows(member: Member) -> list[tuple[str, ...]]:
    """The offer as table rows: weekdays with the same meals grouped (`mon-thu`)."""
    rows: list[tuple[str, ...]] = []
    groups: list[tuple[list[str], Any]] = []
    for weekday, offers in member.offer.items():
        if groups and groups[-1][1] == offers:
            groups[-1][0].append(weekday)
        else:
            groups.append(([weekday], offers))
    for weekdays, offers in groups:
        label = weekdays[0] if len(weekdays) == 1 else f"{weekdays[0]}-{weekdays[-1]}"
        for o in offers:
            rows.append(
                (
                    label,
                    MEAL_NAMES.get(o.meal, o.meal),
                    " / ".join(o.places),
                    "A or B" if o.menus else "",
                    str(o.price),
                    str(o.subsidy) if o.subsidy.value else "",
                )
            )
            label = ""
    return rows


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List the members you manage, each with its id (for --member), institution and age group."""
    state = State.of(ctx)
    result = state.session(lambda c: c.members.list())

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print("no members: ask the institution to record your e-mail")
            return
        rows = [(m.id, m.name, m.institution, m.age_group_name) for m in items]
        state.out.table(
            ["id", "name", "institution", "age group"], rows, free={"name", "institution"}
        )

    state.out.emit(result, human)


@app.command()
def show(
    ctx: typer.Context,
    member: Annotated[str, typer.Argument(help="The member's id or name.")],
) -> None:
    """Show a member's data (read-only) and what it may order each weekday, with prices.

    The data is the institution's: report errors to the clerk (R3.14).
    """
    state = State.of(ctx)
    result = state.session(lambda c: c.members.get(member))

    def human(m: Any) -> None:
        out = state.out
        out.fields(
            {
                "id": m.id,
                "name": m.name,
                "institution": m.institution,
                "age group": f"{m.age_group_name} ({m.age_group})",
                "accounts": ", ".join(m.services),
                "billing": f"{m.billing.name}, {m.billing.address}" if m.billing else "",
            }
        )
        columns = ["days", "meal", "place", "menu", "price", "subsidy"]
        out.table(columns, offer_rows(m), title="Offer", free={"place"})
        out.console.print(
            "[dim]read-only: report errors to the institution's clerk[/]", highlight=False
        )

    state.out.emit(result, human)
