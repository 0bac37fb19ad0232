"""`familycard demo`: the main story, told on an embedded stub."""

from __future__ import annotations

from datetime import timedelta

import typer

from .._state import State

MARIA = "RSSMRA15C45L304I"


def demo(ctx: typer.Context) -> None:
    """Tell the main story on an embedded stub, no setup needed.

    A clerk enrols a family, a parent registers, reads the PIN from the outbox,
    logs in, recovers a password, and tops up the canteen tokens without ever
    paying twice.
    """
    try:
        from server_stub import StubServer
        from server_stub.seeds import sample_rows
    except ImportError:
        from familycard import InvalidInput

        raise InvalidInput(
            "the demo needs the [stub] extra: pip install 'familycard[stub]'", code="stub_missing"
        ) from None
    from familycard import Client, FamilycardError, StubControl

    state = State.of(ctx)
    say = state.out.note

    def step(title: str) -> None:
        say(f"\n[bold cyan]▶ {title}[/]")

    with StubServer() as stub:
        portal = stub.portal_url("tortona")
        control = StubControl(stub.url)
        say(f"[dim]An embedded stub is serving the five portal kinds at {stub.url}[/]")

        step("The school assistance office of Tortona enrols this year's families")
        rows = sample_rows("tortona")
        with Client(portal, clerk_key="stub-clerk-key") as clerk:
            info = clerk.portal.info()
            say(f"Portal: {info.name} ({info.kind}, {info.currency})")
            results = clerk.clerk.enroll_many(rows)
        for row, result in zip(rows, results, strict=True):
            say(f"  row {result.row}: {row['child_name']} → {row['service']}: {result.status}")

        step("Anna registers her daughter Maria (R1.1): the child's tax code, e-mail, username")
        parent = Client(portal)
        email, username, password = "anna.rossi@example.it", "anna.maria", "Tortona-2026"
        registration = parent.auth.register(
            tax_code=MARIA, email=email, username=username, password=password
        )
        say(f"  {registration.message}")

        step("The PIN arrives by e-mail (R1.3); the stub keeps it in its outbox")
        mail = control.last_email(email, kind="pin")
        say(f"  To: {mail.to} — {mail.subject}")
        pin = str(mail.data["pin"])
        say(f"  PIN: {pin}")

        step("Anna logs in with username, password and PIN")
        try:
            parent.auth.login(username, password)
        except FamilycardError as exc:
            say(f"  without the PIN: [yellow]{exc.message}[/] ({exc.code})")
        session = parent.auth.login(username, password, pin=pin)
        account = parent.auth.whoami()
        say(f"  logged in as {session.username}; children: {', '.join(account.members)}")

        step("A month later she forgets the password (R1.4): username and e-mail")
        ack = parent.auth.forgot_password(username=username, email=email)
        say(f"  {ack.message}")
        new_password = str(control.last_email(email, kind="new_password").data["password"])
        say("  a new password is in the outbox")
        parent.auth.login(username, new_password, pin=pin)
        say(f"  and she is back in as {parent.auth.whoami().username}")

        step("The office records the canteen days Maria attended (R1.7): one token each")
        today = control.clock().now.date()
        calendar = parent.portal.calendar(today - timedelta(days=30), today - timedelta(days=1))
        school_days = [d.date for d in calendar if d.working][-12:]
        with Client(portal, clerk_key="stub-clerk-key") as clerk:
            recorded = clerk.clerk.record_attendance(MARIA, "mensa", days=school_days)
        say(f"  {len(recorded.recorded)} days recorded; the balance is now {recorded.balance}")

        step("Anna's monthly script checks the balance and tops up to 20 tokens (R1.6, R1.8)")
        balance = parent.tokens.balances()[0]
        say(f"  {balance.member_name}, {balance.service}: {balance.balance} tokens")
        quote = parent.recharges.quote(top_up_to=20)
        say(f"  to reach 20 she buys {quote.tokens} tokens (multiples of 5) for {quote.amount}")
        key = f"topup-{today:%Y-%m}"
        recharge = parent.recharges.create(top_up_to=20, idempotency_key=key)
        say(f"  recharge {recharge.id}: {recharge.status}; pay at {recharge.checkout_url}")

        step("She pays on the municipality's card terminal (X4); tokens are credited at once")
        assert recharge.payment_id is not None
        paid = control.pay(recharge.payment_id, card="4242424242424242")
        say(f"  the terminal says {paid.status} (transaction {paid.transaction_id})")
        say(f"  balance now: {parent.tokens.balances()[0].balance} tokens")

        step("Cron runs the same line again by mistake: the same key, no second charge")
        again = parent.recharges.create(top_up_to=20, idempotency_key=key)
        payments = parent.payments.list()
        say(
            f"  the same recharge {again.id} ({again.status}); payments this school year: "
            f"{len(payments)}, receipt {len(parent.payments.receipt(paid.id))} bytes of PDF"
        )

        step("Running the clerk's file again adds nothing twice")
        with Client(portal, clerk_key="stub-clerk-key") as clerk:
            rerun = clerk.clerk.enroll_many(rows)
        say(f"  re-enrolling the same file: {', '.join(r.status for r in rerun)}")
        parent.close()
        control.close()
    say("\n[green]Done.[/] Try it yourself: familycard stub serve --port 0 --seed demo")
