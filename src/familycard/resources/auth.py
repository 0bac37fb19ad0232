"""`client.auth`: registration, activation, login, credential recovery (R1-R5 accounts)."""

from __future__ import annotations

from ..models.accounts import (
    Account,
    Ack,
    CodeRequest,
    LinkRequest,
    LoginRequest,
    PasswordChange,
    RecoveryRequest,
    RegisterRequest,
    Registration,
    Session,
)
from ..rules.accounts import check_new_password, check_recovery, check_registration
from ..rules.links import token_from_link
from ._base import Resource


class AuthResource(Resource):
    """Accounts on the portal; `login` keeps the session on the client."""

    def register(
        self,
        *,
        tax_code: str | None = None,
        email: str | None = None,
        username: str | None = None,
        password: str | None = None,
        full_name: str | None = None,
        customer_code: str | None = None,
        vat: str | None = None,
        captcha: str | None = None,
        accept_terms: bool = False,
        confirm: bool = True,
        idempotency_key: str | None = None,
    ) -> Registration:
        """Register on the portal; the form is checked for the portal's kind before sending.

        With `confirm=False` the portal only checks the data and shows what it
        knows (the utility's name and address), creating nothing.
        """
        info = self._client.require("accounts")
        form = RegisterRequest(
            tax_code=tax_code,
            email=email,
            username=username,
            password=password,
            full_name=full_name,
            customer_code=customer_code,
            vat=vat,
            captcha=captcha,
            accept_terms=accept_terms,
            confirm=confirm,
        )
        form = check_registration(info.kind, form)
        return self._call(
            Registration,
            "POST",
            "/auth/register",
            json=form.model_dump(mode="json", exclude_none=True),
            idempotency_key=idempotency_key,
        )

    def activate(self, link: str) -> Ack:
        """Follow an activation or e-mail-verification link from the outbox."""
        body = LinkRequest(token=token_from_link(link))
        return self._call(Ack, "POST", "/auth/activate", json=body.model_dump())

    def login(
        self, username: str, password: str, *, pin: str | None = None, remember: bool = False
    ) -> Session:
        """Log in; the session is kept on the client for the calls that follow."""
        body = LoginRequest(username=username, password=password, pin=pin, remember=remember)
        session = self._call(
            Session, "POST", "/auth/login", json=body.model_dump(exclude_none=True)
        )
        self._client.session_token = session.token
        return session

    def logout(self) -> Ack:
        """End the session on the portal."""
        ack = self._call(Ack, "POST", "/auth/logout")
        self._client.session_token = None
        return ack

    def whoami(self) -> Account:
        """The logged-in account."""
        return self._call(Account, "GET", "/auth/whoami")

    def forgot_password(
        self,
        *,
        username: str | None = None,
        email: str | None = None,
        customer_code: str | None = None,
        tax_code: str | None = None,
    ) -> Ack:
        """Ask for a new password; what to give depends on the portal kind (checked first)."""
        given = {
            "username": username,
            "email": email,
            "customer_code": customer_code,
            "tax_code": tax_code,
        }
        body = RecoveryRequest(**check_recovery(self._client.info().kind, given))
        return self._call(
            Ack, "POST", "/auth/forgot-password", json=body.model_dump(exclude_none=True)
        )

    def reset(self, link: str) -> Ack:
        """Follow a password-reset confirmation link: a new password is e-mailed."""
        body = LinkRequest(token=token_from_link(link))
        return self._call(Ack, "POST", "/auth/reset", json=body.model_dump())

    def change_password(self, old_password: str, new_password: str) -> Ack:
        """Change the password (required after a temporary one)."""
        check_new_password(new_password)
        body = PasswordChange(old_password=old_password, new_password=new_password)
        return self._call(Ack, "POST", "/auth/change-password", json=body.model_dump())

    def elevate(self, code: str) -> Account:
        """Raise the credentials' security level with the municipality's code (R2.2)."""
        body = CodeRequest(code=code.strip())
        return self._call(Account, "POST", "/auth/elevate", json=body.model_dump())

    def accept_terms(self) -> Account:
        """Give the one-time consent to the service's terms (R4.3)."""
        return self._call(Account, "POST", "/auth/accept-terms")
