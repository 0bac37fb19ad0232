"""`familycard auth`: register, activate, log in and out, recover credentials."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .._input import StdinLines, read_secret
from .._state import State

if TYPE_CHECKING:
    from familycard import Account, Ack

app = typer.Typer(help="Accounts: registration, login, credential recovery.", no_args_is_help=True)

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from stdin (the PIN, where needed, from the next line).",
    ),
]


def show_ack(state: State, ack: Ack) -> None:
    state.out.emit(ack, lambda a: state.out.console.print(a.message, markup=False))


def show_account(state: State, account: Account) -> None:
    state.out.emit(account, lambda a: state.out.fields(a.model_dump(mode="json")))


@app.command()
def register(
    ctx: typer.Context,
    tax_code: Annotated[
        str | None, typer.Option(help="Tax code: the child's (citycard) or your own.")
    ] = None,
    email: Annotated[str | None, typer.Option(help="Your e-mail address.")] = None,
    username: Annotated[str | None, typer.Option(help="The username you choose.")] = None,
    full_name: Annotated[str | None, typer.Option(help="Your full name.")] = None,
    customer_code: Annotated[
        str | None, typer.Option(help="The 6-digit customer code on your invoice (utility).")
    ] = None,
    vat: Annotated[str | None, typer.Option(help="Your VAT number or tax code (utility).")] = None,
    captcha: Annotated[
        str | None, typer.Option(help="The answer to the anti-bot question.")
    ] = None,
    accept_terms: Annotated[
        bool, typer.Option("--accept-terms", help="Accept the terms and the privacy notice.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Confirm the data the portal shows (utility).")
    ] = False,
    password_stdin: PasswordStdin = False,
    idempotency_key: Annotated[
        str | None, typer.Option(help="Makes a retried registration safe (generated if absent).")
    ] = None,
) -> None:
    """Register on the portal; which options it needs depends on the portal's kind.

    The password (where you choose one) comes from FAMILYCARD_PASSWORD or stdin with
    --password-stdin, never from a flag.  `familycard portal info` lists the fields.
    """
    state = State.of(ctx)
    client = state.client()
    info = client.info()
    password = None
    if "password" in info.registration_fields:
        stdin = StdinLines() if password_stdin else None
        password = read_secret("password", env="FAMILYCARD_PASSWORD", stdin=stdin, confirm=True)
    fields: dict[str, Any] = {
        "tax_code": tax_code,
        "email": email,
        "username": username,
        "password": password,
        "full_name": full_name,
        "customer_code": customer_code,
        "vat": vat,
        "captcha": captcha,
        "accept_terms": accept_terms,
    }
    if info.kind == "pagoinrete":
        # R4.1: the tax code and the anti-bot answer first; a known tax code stops here.
        client.auth.register(tax_code=tax_code, captcha=captcha, confirm=False)
    if info.kind == "utility" and not yes:
        preview = client.auth.register(**fields, confirm=False)
        if state.as_json or not sys.stdin.isatty():
            from familycard import InvalidInput

            shown = "; ".join(f"{k}: {v}" for k, v in preview.shown_data.items())
            raise InvalidInput(
                f"the portal shows {shown}. If these are yours, run again with --yes",
                code="confirmation_required",
                details={"shown_data": preview.shown_data},
            )
        state.out.fields(preview.shown_data, title="The portal has these data:")
        typer.confirm("Are these yours?", abort=True)
    result = client.auth.register(**fields, idempotency_key=idempotency_key)

    def human(reg: Any) -> None:
        state.out.console.print(f"[green]{reg.status}[/]: {reg.message}")

    state.out.emit(result, human)


@app.command()
def activate(
    ctx: typer.Context,
    link: Annotated[str, typer.Argument(help="The link as it appears in the e-mail.")],
) -> None:
    """Follow an activation or e-mail confirmation link."""
    state = State.of(ctx)
    show_ack(state, state.client().auth.activate(link))


@app.command()
def login(
    ctx: typer.Context,
    username: Annotated[
        str | None, typer.Option(help="Your username (default: FAMILYCARD_USERNAME, profile).")
    ] = None,
    remember: Annotated[
        bool, typer.Option("--remember", help="Stay logged in for days (where offered).")
    ] = False,
    password_stdin: PasswordStdin = False,
    save: Annotated[
        bool,
        typer.Option(
            "--save/--no-save",
            help="Keep password, PIN and session in the OS keyring for later commands.",
        ),
    ] = True,
) -> None:
    """Log in; later commands reuse the session (and log in again when it times out)."""
    from familycard import InvalidInput

    state = State.of(ctx)
    name = username or state.username()
    if not name:
        raise InvalidInput("give --username or set FAMILYCARD_USERNAME", code="missing_field")
    client = state.client()
    stdin = StdinLines() if password_stdin else None
    password = read_secret("password", env="FAMILYCARD_PASSWORD", stdin=stdin)
    pin = None
    if client.info().has("pin"):
        pin = read_secret("PIN", env="FAMILYCARD_PIN", stdin=stdin)
    store = state.secrets(name) if save else None
    if store is not None:
        # A keyring that cannot keep the session fails now (keyring_unavailable, exit 3),
        # before logging in, not on the next command.
        store.get("session")
    session = client.auth.login(name, password, pin=pin, remember=remember)
    if store is not None:
        if session.username != name:
            store = state.secrets(session.username)
        store.set("session", session.token)
        store.set("password", password)
        if pin:
            store.set("pin", pin)
    from .._config import save_profile

    save_profile(
        state.profile,
        portal=state.portal_url(),
        username=session.username,
        remember="yes" if remember else None,
    )

    def human(s: Any) -> None:
        state.out.console.print(f"logged in as [bold]{s.username}[/]")
        if s.must_change_password:
            state.out.console.print(
                "the password is temporary: change it with 'familycard auth change-password'"
            )
        elif not s.terms_accepted:
            state.out.console.print("accept the terms with 'familycard auth accept-terms'")

    # The token is a secret: it goes to the keyring, never to the output.
    shown = session.model_dump(mode="json", exclude={"token"})
    state.out.emit(shown, lambda _: human(session))


@app.command()
def logout(ctx: typer.Context) -> None:
    """Log out and forget the saved session, password and PIN."""
    state = State.of(ctx)
    ack = state.session(lambda c: c.auth.logout())
    username = state.username()
    if username and not os.environ.get("FAMILYCARD_PASSWORD"):
        state.forget(username)
    show_ack(state, ack)


@app.command()
def whoami(ctx: typer.Context) -> None:
    """Show the logged-in account."""
    state = State.of(ctx)
    show_account(state, state.session(lambda c: c.auth.whoami()))


@app.command("forgot-password")
def forgot_password(
    ctx: typer.Context,
    username: Annotated[str | None, typer.Option(help="Your username.")] = None,
    email: Annotated[str | None, typer.Option(help="Your registered e-mail (citycard).")] = None,
    customer_code: Annotated[str | None, typer.Option(help="Your customer code (utility).")] = None,
    tax_code: Annotated[str | None, typer.Option(help="Your tax code (pagoinrete).")] = None,
) -> None:
    """Ask for a new password; it (or a confirmation link) goes to the registered e-mail."""
    state = State.of(ctx)
    ack = state.client().auth.forgot_password(
        username=username, email=email, customer_code=customer_code, tax_code=tax_code
    )
    show_ack(state, ack)


@app.command()
def reset(
    ctx: typer.Context,
    link: Annotated[str, typer.Argument(help="The confirmation link from the e-mail.")],
) -> None:
    """Follow a password-reset link: a new password is e-mailed."""
    state = State.of(ctx)
    show_ack(state, state.client().auth.reset(link))


@app.command("change-password")
def change_password(
    ctx: typer.Context,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from stdin.")
    ] = False,
) -> None:
    """Change your password.

    The current password comes as for login; the new one from FAMILYCARD_NEW_PASSWORD
    or stdin (--password-stdin).
    """
    from familycard import InvalidInput

    state = State.of(ctx)
    new = read_secret(
        "new password",
        env="FAMILYCARD_NEW_PASSWORD",
        stdin=StdinLines() if password_stdin else None,
        confirm=True,
    )
    username = state.username()
    if not username:
        raise InvalidInput("not logged in", code="not_logged_in")
    current = os.environ.get("FAMILYCARD_PASSWORD")
    keyring_used = not current
    if not current:
        current = state.secrets(username).get("password")
    if not current:
        current = read_secret("current password", env="FAMILYCARD_PASSWORD", stdin=None)
    old = current
    ack = state.session(lambda c: c.auth.change_password(old, new))
    if keyring_used:
        state.secrets(username).set("password", new)
    show_ack(state, ack)


@app.command()
def elevate(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The code from the municipality's slip or e-mail.")],
) -> None:
    """Raise your credentials' security level to see and pay notices (entranext)."""
    state = State.of(ctx)
    show_account(state, state.session(lambda c: c.auth.elevate(code)))


@app.command("accept-terms")
def accept_terms(ctx: typer.Context) -> None:
    """Give the one-time consent to the service's terms (pagoinrete).

    Consent given before is no error: it says so and exits 0.
    """
    state = State.of(ctx)

    def run(client: Any) -> tuple[bool, Account]:
        before = client.auth.whoami().terms_accepted
        return before, client.auth.accept_terms()

    already, account = state.session(run)
    if already and not state.as_json:
        state.out.console.print("the terms were accepted already: nothing to do")
    show_account(state, account)
