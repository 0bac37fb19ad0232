"""`familycard recharge`: buy canteen tokens by card, in multiples of five (citycard, R1.8)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from .._args import Interval, Timeout, Wait, exit_for_payment, wait_for_payment, whole_number
from .._state import State

if TYPE_CHECKING:
    from familycard import Recharge

app = typer.Typer(
    help="Recharges: buy canteen tokens by card, in multiples of five; never twice.",
    no_args_is_help=True,
)

Tokens = Annotated[
    int | None,
    typer.Option(
        parser=whole_number, help="Tokens to buy: a positive multiple of the portal's number (5)."
    ),
]
TopUpTo = Annotated[
    int | None,
    typer.Option(
        parser=whole_number,
        help="Instead of --tokens: buy the fewest tokens (a multiple of 5) that bring the "
        "balance to at least N; nothing when it is there already.",
    ),
]
ServiceOpt = Annotated[
    str | None,
    typer.Option("--service", help="The service, e.g. mensa (default: the child's only one)."),
]
Member = Annotated[
    str | None,
    typer.Option(help="The child's tax code (default: the account's child)."),
]


def _show_awaiting(state: State, awaiting: Any) -> None:
    """Nothing to buy because recharges await payment: which, and where to pay them."""
    for a in awaiting:
        until = f" until {a.expires_at:%Y-%m-%d %H:%M %Z}" if a.expires_at else ""
        state.out.console.print(
            f"nothing to buy now: recharge {a.id} of {a.tokens} tokens is awaiting payment "
            f"at {a.checkout_url}{until}; pay it there, or let it expire and run this again",
            markup=False,
            soft_wrap=True,
        )


def _human(state: State, recharge: Recharge) -> None:
    r = recharge
    if r.status == "not_needed":
        if r.awaiting:
            _show_awaiting(state, r.awaiting)
            return
        state.out.console.print(
            f"nothing to buy: the {r.service} balance of {r.member} is {r.balance_before}"
        )
        return
    colour = {"succeeded": "green", "awaiting_payment": "yellow"}.get(r.status, "red")
    state.out.console.print(
        f"[bold]{r.id}[/]: {r.tokens} tokens for {r.service} ({r.member}), {r.amount} "
        f"[{colour}]{r.status.replace('_', ' ')}[/]"
    )
    if r.checkout_url:
        state.out.console.print(f"pay at: {r.checkout_url}", markup=False, soft_wrap=True)
        if r.expires_at:
            state.out.console.print(f"the checkout expires at {r.expires_at:%Y-%m-%d %H:%M %Z}")


@app.command()
def quote(
    ctx: typer.Context,
    tokens: Tokens = None,
    top_up_to: TopUpTo = None,
    service: ServiceOpt = None,
    member: Member = None,
) -> None:
    """Show what a recharge would buy and cost, from the balance now; creates nothing."""
    state = State.of(ctx)
    result = state.session(
        lambda c: c.recharges.quote(
            tokens=tokens, top_up_to=top_up_to, service=service, member=member
        )
    )

    def human(q: Any) -> None:
        pending = f" (+{q.pending_tokens} awaiting payment)" if q.pending_tokens else ""
        state.out.console.print(f"{q.member} {q.service}: balance {q.balance}{pending}")
        if q.tokens:
            state.out.console.print(
                f"buy {q.tokens} tokens at {q.token_price} each: [bold]{q.amount}[/]"
            )
        elif q.awaiting:
            _show_awaiting(state, q.awaiting)
        else:
            state.out.console.print(f"nothing to buy: the balance is at least {q.top_up_to}")

    state.out.emit(result, human)


@app.command()
def create(
    ctx: typer.Context,
    tokens: Tokens = None,
    top_up_to: TopUpTo = None,
    service: ServiceOpt = None,
    member: Member = None,
    idempotency_key: Annotated[
        str | None,
        typer.Option(
            help="The same key returns the same recharge, never a second checkout "
            '(e.g. "topup-$(date +%Y-%m)"); generated when absent.',
        ),
    ] = None,
    wait: Wait = False,
    timeout: Timeout = 600.0,
    interval: Interval = 2.0,
) -> None:
    """Create a recharge; a person pays it by card at its checkout URL (R1.8).

    Tokens are credited at once when the payment succeeds.  With --wait the exit code
    tells the outcome: 0 paid, 4 declined or expired (nothing credited), 75 still
    unpaid after --timeout.

    Examples (the second one is a monthly cron line: one key per month, so a retry
    never buys twice):

        familycard recharge create --tokens 10 --wait
        familycard recharge create --top-up-to 20 --idempotency-key topup-2026-03
    """
    import uuid

    state = State.of(ctx)
    # One key for the whole command, so that even a repeated call creates nothing twice.
    key = idempotency_key or uuid.uuid4().hex

    def run(client: Any) -> Recharge:
        recharge: Recharge = client.recharges.create(
            tokens=tokens,
            top_up_to=top_up_to,
            service=service,
            member=member,
            idempotency_key=key,
        )
        if wait and recharge.id is not None and recharge.status == "awaiting_payment":
            rid = recharge.id
            recharge = wait_for_payment(
                state,
                f"{recharge.amount} for {recharge.tokens} tokens",
                recharge.checkout_url,
                timeout,
                lambda: client.recharges.wait(rid, timeout=timeout, interval=interval),
                left=f"recharge {rid} is still awaiting payment at {recharge.checkout_url}; "
                f"check it with: familycard recharge show {rid}",
                ids={"recharge_id": rid},
            )
        return recharge

    result = state.session(run)
    state.out.emit(result, lambda r: _human(state, r))
    if wait:
        exit_for_payment(
            state,
            result.status,
            what=f"recharge {result.id}",
            later=f"familycard recharge show {result.id}",
            unpaid="nothing was charged or credited",
        )


@app.command()
def show(
    ctx: typer.Context,
    recharge_id: Annotated[str, typer.Argument(help="The recharge's id (rch_...).")],
) -> None:
    """Show a recharge and the outcome of its payment."""
    state = State.of(ctx)
    result = state.session(lambda c: c.recharges.get(recharge_id))
    state.out.emit(result, lambda r: _human(state, r))


@app.command("list")
def list_(ctx: typer.Context, member: Member = None) -> None:
    """List the recharges of the account's children, newest first."""
    state = State.of(ctx)
    result = state.session(lambda c: c.recharges.list(member=member))

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print("no recharges")
            return
        rows = [
            (
                r.created_at.date().isoformat() if r.created_at else "",
                r.id,
                r.member,
                r.service,
                r.tokens,
                str(r.amount),
                r.status.replace("_", " "),
            )
            for r in items
        ]
        state.out.table(["date", "id", "member", "service", "tokens", "amount", "status"], rows)

    state.out.emit(result, human)
