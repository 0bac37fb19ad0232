"""`familycard clerk message`, `billing-data`, `cash-payment`, `refund`, `charge`: the etelka
office.

These commands decorate the clerk group's `app` (imported at the end of `clerk.py`).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .._state import State
from .clerk import app

MemberArg = Annotated[
    str, typer.Option("--member", help="The member's id (or name, when unique on the portal).")
]
AmountOpt = Annotated[
    str, typer.Option(help="The amount in the portal's currency (HUF: whole forints).")
]
ServiceOpt = Annotated[str, typer.Option(help="The running account: meals, or care (nursery).")]
NoteOpt = Annotated[str | None, typer.Option(help="A note shown with the payment.")]


@app.command("message")
def message(
    ctx: typer.Context,
    title: Annotated[str, typer.Option(help="The message's title.")],
    body: Annotated[str, typer.Option(help="The message's text.")],
    institution: Annotated[
        list[str] | None,
        typer.Option("--institution", help="Only for this institution; repeat for several."),
    ] = None,
    member: Annotated[
        str | None, typer.Option(help="Only for this member (id, or name when unique).")
    ] = None,
) -> None:
    """Publish a message on the board: for everyone, some institutions, or one member (R3.18).

    Accounts whose notification settings have board messages on get it by e-mail.
    """
    state = State.of(ctx)
    client = state.client(clerk=True)
    result = client.board.publish(title, body, institutions=institution or [], member=member)
    state.out.emit(
        result,
        lambda m: state.out.console.print(f"published #{m.id} for {m.audience}: {m.title}"),
    )


@app.command("billing-data")
def billing_data(
    ctx: typer.Context,
    member: MemberArg,
    name: Annotated[str, typer.Option(help="The name on invoices.")],
    address: Annotated[str, typer.Option(help="The billing address.")],
    tax_number: Annotated[str | None, typer.Option(help="A tax number, if any.")] = None,
) -> None:
    """Record a member's billing data, so that the family can ask for invoices (R3.13).

    The family sees it but cannot change it.
    """
    state = State.of(ctx)
    result = state.client(clerk=True).members.set_billing(
        member, name=name, address=address, tax_number=tax_number
    )

    def human(m: Any) -> None:
        state.out.console.print(f"billing data of {m.name}: {m.billing.name}, {m.billing.address}")

    state.out.emit(result, human)


@app.command("cash-payment")
def cash_payment(
    ctx: typer.Context,
    member: MemberArg,
    amount: AmountOpt,
    service: ServiceOpt = "meals",
    note: NoteOpt = None,
) -> None:
    """Record a payment made in cash (or another way) at the office: the member's account
    is credited, and the payment is listed with the family's payments (R3.15)."""
    state = State.of(ctx)
    result = state.client(clerk=True).balances.record_cash(
        member, amount, service=service, note=note
    )
    state.out.emit(
        result, lambda p: state.out.console.print(f"{p.id}: {p.description}, {p.amount}")
    )


@app.command()
def refund(
    ctx: typer.Context,
    member: MemberArg,
    amount: AmountOpt,
    service: ServiceOpt = "meals",
    note: NoteOpt = None,
) -> None:
    """Record a refund of a member's overpayment (never more than the overpayment, R3.15)."""
    state = State.of(ctx)
    result = state.client(clerk=True).balances.record_refund(
        member, amount, service=service, note=note
    )
    state.out.emit(
        result, lambda p: state.out.console.print(f"{p.id}: {p.description}, {p.amount}")
    )


@app.command()
def charge(
    ctx: typer.Context,
    member: MemberArg,
    amount: AmountOpt,
    service: ServiceOpt = "meals",
    note: Annotated[str | None, typer.Option(help="A note shown with the charge.")] = None,
) -> None:
    """Charge a member's running account: it goes negative, a debt, until a payment covers
    it (R3.16)."""
    state = State.of(ctx)
    result = state.client(clerk=True).balances.record_charge(
        member, amount, service=service, note=note
    )
    state.out.emit(
        result,
        lambda b: state.out.console.print(
            f"charged {b.member} ({b.service_name}): balance {b.balance}, {b.state}"
        ),
    )
