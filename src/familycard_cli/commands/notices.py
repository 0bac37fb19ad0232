"""`familycard notices`: pagoPA payment notices; check and decode offline, list, pay a cart.

`check` and `decode` need no portal and no network.  The others need a login; on
entranext the credentials must be elevated first (`auth elevate CODE`, R2.2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from .._args import Interval, Timeout, Wait, exit_for_payment, wait_for_payment
from .._exit import EXIT
from .._state import State

if TYPE_CHECKING:
    from familycard import Notice, Payment

app = typer.Typer(
    help="pagoPA payment notices: check and decode offline, list, show, pay a cart via a PSP.",
    no_args_is_help=True,
)

Member = Annotated[str | None, typer.Option(help="Only this child's notices (tax code).")]


def _status(notice: Notice) -> str:
    if notice.status == "due" and notice.pending_payment_id:
        return "[yellow]due (in a pending cart)[/]"
    if notice.status == "due":
        return "[red]due, overdue[/]" if notice.overdue else "due"
    return {"paid": "[green]paid[/]", "expired": "[dim]expired[/]"}[notice.status]


@app.command()
def check(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The 18-digit notice number (spaces allowed).")],
) -> None:
    """Check a notice number offline: its aux digit, code, IUV and check digits.

    Works with no portal.  The check digits (aux 0, 2, 3) are the first 16 digits
    mod 93.  An invalid number exits 2 with `invalid_notice_number` and what is wrong.
    """
    from familycard.identifiers import parse_notice_number

    state = State.of(ctx)
    info = parse_notice_number(number)

    def human(i: Any) -> None:
        state.out.say(f"valid notice number {i.number}", style="green")
        state.out.fields(
            {
                "aux_digit": i.aux_digit,
                "application_code": i.application_code,
                "segregation_code": i.segregation_code,
                "iuv": i.iuv,
                "check_digits": i.check_digits or "none (aux digit 1)",
            }
        )

    state.out.emit(info, human)


@app.command()
def decode(
    ctx: typer.Context,
    payload: Annotated[
        str,
        typer.Argument(
            help="A QR payload 'PAGOPA|002|notice|creditor|cents' or a postal slip's "
            "code line '18...12...10...3896'."
        ),
    ],
) -> None:
    """Decode a notice's pagoPA QR payload or postal slip code line, offline.

    Gives the notice number (check digits verified), the creditor's fiscal code
    (checked as a VAT number, QR only), the postal account (slip only) and the amount.
    """
    from familycard.rules.notices import decode_payment

    state = State.of(ctx)
    result = decode_payment(payload)
    state.out.emit(
        result, lambda r: state.out.fields(r.model_dump(mode="json") | {"amount": str(r.amount)})
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str, typer.Option(help="Which notices: due, paid, expired or all.")] = "all",
    member: Member = None,
    fail_if_any: Annotated[
        bool,
        typer.Option(
            "--fail-if-any",
            help="Exit 4 when any notice is listed: with --status due, a monthly check "
            "that nothing is left unpaid.",
        ),
    ] = False,
) -> None:
    """List your notices, due date first (R2.3, R4.4)."""
    state = State.of(ctx)
    result = state.session(lambda c: c.notices.list(status=status, member=member))

    def human(items: list[Any]) -> None:
        from rich.text import Text

        if not items:
            state.out.console.print(f"no notices ({status})")
            return
        rows = [
            (
                n.number,
                n.member_name or n.member or "family",
                n.subject,
                n.amount,
                n.due_on.isoformat(),
                Text.from_markup(_status(n)),
            )
            for n in items
        ]
        columns = ["notice", "for", "subject", "amount", "due", "status"]
        state.out.table(columns, rows, free={"for", "subject"})

    state.out.emit(result, human)
    if fail_if_any and result:
        state.out.err.print(f"{len(result)} notice(s) listed ({status})")
        raise typer.Exit(EXIT["refused"])


@app.command()
def show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The 18-digit notice number.")],
) -> None:
    """Show a notice: creditor, subject, amount, due date, status, IUV, slip data."""
    state = State.of(ctx)
    result = state.session(lambda c: c.notices.get(number))

    def human(n: Any) -> None:
        state.out.console.print(f"[bold]{n.number}[/] {_status(n)}")
        state.out.fields(
            {
                "creditor": f"{n.creditor.name} ({n.creditor.fiscal_code})",
                "subject": n.subject,
                "amount": str(n.amount),
                "due_on": n.due_on.isoformat(),
                "expires_on": n.expires_on.isoformat() if n.expires_on else None,
                "member": n.member_name or n.member,
                "institution": n.institution,
                "reference": n.reference,
                "iuv": n.iuv,
                "paid_at": n.paid_at.isoformat() if n.paid_at else None,
                "payment_id": n.payment_id,
                "pending_payment_id": n.pending_payment_id,
                "postal_account": n.slip.postal_account,
                "iban": n.slip.iban,
                "qr_payload": n.slip.qr_payload,
                "code_line": n.slip.code_line,
            }
        )

    state.out.emit(result, human)


@app.command()
def psps(
    ctx: typer.Context,
    method: Annotated[str, typer.Option(help="How to pay: card, debit or postal.")],
) -> None:
    """List the PSPs offering a payment method, with their fee per payment (R4.5)."""
    state = State.of(ctx)
    result = state.client().notices.psps(method)

    def human(items: list[Any]) -> None:
        if not items:
            state.out.console.print(f"no PSP offers {method} on this portal")
            return
        state.out.table(
            ["psp", "name", "method", "fee"],
            [(p.id, p.name, p.method, p.fee) for p in items],
            free={"name"},
        )

    state.out.emit(result, human)


def _human_payment(state: State, payment: Payment) -> None:
    p = payment
    colour = {"succeeded": "green", "awaiting_payment": "yellow"}.get(p.status, "red")
    notices = ", ".join(p.details.get("notices", []))
    state.out.console.print(
        f"[bold]{p.id}[/]: {p.amount} via {p.details.get('psp_name')} ({p.method}) "
        f"[{colour}]{p.status.replace('_', ' ')}[/]"
    )
    state.out.console.print(f"notices: {notices}", markup=False)
    if p.checkout_url:
        state.out.console.print(f"pay at: {p.checkout_url}", markup=False, soft_wrap=True)
        if p.expires_at:
            state.out.console.print(f"the checkout expires at {p.expires_at:%Y-%m-%d %H:%M %Z}")


@app.command()
def pay(
    ctx: typer.Context,
    numbers: Annotated[
        list[str], typer.Argument(help="The notice numbers to put in the cart (one or more).")
    ],
    method: Annotated[str, typer.Option(help="How to pay: card, debit or postal.")],
    psp: Annotated[str, typer.Option(help="The PSP's id (see: familycard notices psps).")],
    idempotency_key: Annotated[
        str | None,
        typer.Option(
            help="The same key returns the same payment, never a second checkout; "
            "generated when absent."
        ),
    ] = None,
    wait: Wait = False,
    timeout: Timeout = 600.0,
    interval: Interval = 2.0,
) -> None:
    """Pay one or more notices in one payment, through a PSP's page (R4.5).

    Every notice of the cart is paid together, or none is.  A notice paid, expired
    or in another pending cart refuses the whole cart before anything is charged.
    The payment's checkout URL is the PSP's page (scripts: familycard stub pay ID).
    With --wait the exit code tells the outcome: 0 paid, 4 declined or expired,
    75 still unpaid after --timeout.  The receipt: familycard payments receipt ID.

    Examples (the PSPs and their fees first, then a cart; give more numbers for more
    notices):

        familycard notices psps --method card
        familycard notices pay 347000000000123448 --method card --psp paydemo
    """
    import uuid

    state = State.of(ctx)
    # One key for the whole command, so that a repeated call creates nothing twice.
    key = idempotency_key or uuid.uuid4().hex

    def run(client: Any) -> Payment:
        payment: Payment = client.notices.pay(numbers, method=method, psp=psp, idempotency_key=key)
        if wait and payment.status == "awaiting_payment":
            pid = payment.id
            payment = wait_for_payment(
                state,
                str(payment.amount),
                payment.checkout_url,
                timeout,
                lambda: client.notices.wait(pid, timeout=timeout, interval=interval),
                left=f"the cart's payment {pid} is still open at {payment.checkout_url}; "
                "check it with: familycard notices list --status due",
                ids={"payment_id": pid},
            )
        return payment

    result = state.session(run)
    state.out.emit(result, lambda p: _human_payment(state, p))
    if wait:
        exit_for_payment(
            state,
            result.status,
            what=f"the cart's payment {result.id}",
            later="familycard notices list --status due",
            unpaid="nothing was charged, every notice of the cart is still due",
        )
