"""`/{tenant}/v1/auth/...`: registration, links, login, recovery, elevation, consent."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from familycard import Account, Ack, Registration, Session
from familycard.models.accounts import (
    CodeRequest,
    LinkRequest,
    LoginRequest,
    PasswordChange,
    RecoveryRequest,
    RegisterRequest,
)

from ..backends import accounts
from ..deps import PortalDep, SessionDep, UserDep
from ..transactions import SecretRoute, TxRoute, error_responses

# Wrong credentials (login, change-password) are 401, terms refused (accept-terms) 403.
router = APIRouter(
    prefix="/auth", route_class=TxRoute, tags=["auth"], responses=error_responses(401, 403)
)


@router.post("/register")
def register(portal: PortalDep, form: RegisterRequest) -> Registration:
    """Register, as the portal's kind does it."""
    return accounts.register(portal, form)


@router.post("/activate")
def activate(portal: PortalDep, body: LinkRequest) -> Ack:
    """Follow an activation or e-mail verification link."""
    return accounts.activate(portal, body.token)


def login(portal: PortalDep, body: LoginRequest) -> Session:
    """Start a session."""
    return accounts.login(portal, body.username, body.password, body.pin, body.remember)


# A login's response carries the session token: it is never stored for replay.
router.add_api_route(
    "/login", login, methods=["POST"], response_model=Session, route_class_override=SecretRoute
)


@router.post("/logout")
def logout(portal: PortalDep, account: SessionDep, authorization: Annotated[str, Header()]) -> Ack:
    """End the session."""
    return accounts.logout(portal, authorization.split(" ", 1)[1].strip())


@router.get("/whoami")
def whoami(portal: PortalDep, account: SessionDep) -> Account:
    """The logged-in account (also while the password must be changed)."""
    return accounts.account_model(portal, account)


@router.post("/forgot-password")
def forgot_password(portal: PortalDep, body: RecoveryRequest) -> Ack:
    """Start password recovery."""
    return accounts.forgot_password(portal, body.model_dump(exclude_none=True))


@router.post("/reset")
def reset(portal: PortalDep, body: LinkRequest) -> Ack:
    """Follow a password-reset link."""
    return accounts.reset_password(portal, body.token)


@router.post("/change-password")
def change_password(portal: PortalDep, account: SessionDep, body: PasswordChange) -> Ack:
    """Change the password."""
    return accounts.change_password(portal, account, body.old_password, body.new_password)


@router.post("/elevate")
def elevate(portal: PortalDep, account: UserDep, body: CodeRequest) -> Account:
    """Raise the credentials with the municipality's code."""
    portal.require("elevation")
    return accounts.elevate(portal, account, body.code)


@router.post("/accept-terms")
def accept_terms(portal: PortalDep, account: SessionDep) -> Account:
    """Give the one-time consent to the terms."""
    portal.require("terms_consent")
    return accounts.accept_terms(portal, account)
