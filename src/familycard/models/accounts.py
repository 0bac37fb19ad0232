"""Accounts: registration, sessions, the user's own data, notification settings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from ._base import RequestModel, WireModel

__all__ = [
    "Account",
    "Ack",
    "CodeRequest",
    "ElevationCode",
    "LinkRequest",
    "LoginRequest",
    "NotificationChange",
    "NotificationSettings",
    "PasswordChange",
    "ProfileUpdate",
    "RecoveryRequest",
    "RegisterRequest",
    "Registration",
    "Session",
    "TaxCodeRequest",
]

AccountStatus = Literal["pending_activation", "pending_verification", "active"]


class RegisterRequest(RequestModel):
    """A registration form; which fields a portal needs is in `PortalInfo.registration_fields`."""

    tax_code: str | None = None
    """The child's (citycard) or the user's own (entranext, pagoinrete) tax code."""
    email: str | None = None
    """The e-mail address the portal writes to."""
    username: str | None = None
    """The username of the user's choice (citycard, etelka)."""
    password: str | None = Field(default=None, repr=False)
    """The password of the user's choice (citycard, etelka)."""
    full_name: str | None = None
    """The user's full name."""
    customer_code: str | None = None
    """The 6-digit customer code printed on invoices (utility)."""
    vat: str | None = None
    """The customer's VAT number or tax code (utility)."""
    captcha: str | None = None
    """The answer to the anti-bot question (X2)."""
    accept_terms: bool = False
    """Acceptance of the legal terms and the privacy notice."""
    confirm: bool = True
    """False: only check the data and show what the portal knows; nothing is created."""


class Registration(WireModel):
    """What a registration produced."""

    status: AccountStatus | Literal["preview"]
    """`active`, waiting for an e-mailed link, or a preview that created nothing."""
    username: str | None = None
    """The username, when the portal fixes it (the tax code, the customer code)."""
    message: str
    """What the portal told the user, and what to do next."""
    shown_data: dict[str, str] = {}
    """The data the portal shows for confirmation (utility: name and address)."""


class Session(WireModel):
    """A logged-in session."""

    token: str = Field(repr=False)
    """The bearer token; a secret."""
    username: str
    """Who is logged in."""
    expires_at: datetime | None = None
    """When the session ends if unused (idle timeout), in the portal clock."""
    must_change_password: bool = False
    """The password is temporary and must be changed before anything else."""
    terms_accepted: bool = True
    """Whether the user has given the one-time consent (pagoinrete)."""


class Account(WireModel):
    """The logged-in user's account."""

    username: str
    """The login name."""
    email: str
    """The registered e-mail address."""
    full_name: str | None = None
    """The user's full name, when the portal keeps one."""
    phone: str | None = None
    """Phone number (etelka, utility)."""
    fax: str | None = None
    """Fax number (utility)."""
    tax_code: str | None = None
    """The tax code the account is tied to."""
    customer_code: str | None = None
    """The utility customer code."""
    status: AccountStatus
    """Whether the account is active."""
    elevated: bool = False
    """Whether the credentials were elevated with the municipality's code (entranext)."""
    must_change_password: bool = False
    """The current password is temporary."""
    terms_accepted: bool = True
    """Whether the one-time consent was given (pagoinrete)."""
    members: list[str] = []
    """The members (children) this account reaches."""


class Ack(WireModel):
    """A plain acknowledgement."""

    ok: bool = True
    """Always true; errors are raised."""
    message: str
    """What happened, for a person."""
    status: str = "done"
    """`done`, or what held already so that nothing was to do (`already_deleted`)."""


class ElevationCode(WireModel):
    """A credential-elevation code issued by the clerk (R2.2)."""

    tax_code: str
    """The family's tax code the code belongs to."""
    code: str
    """The code the family enters with `auth elevate`."""


class ProfileUpdate(RequestModel):
    """Changes to the user's own data; unset fields stay as they are."""

    full_name: str | None = None
    """New full name (etelka)."""
    phone: str | None = None
    """New phone number."""
    fax: str | None = None
    """New fax number (utility)."""
    email: str | None = None
    """New e-mail (utility only: etelka refuses it, R3.6)."""


class NotificationSettings(WireModel):
    """Which events send e-mails (R3.7); payments always do."""

    events: dict[str, bool]
    """Event name to whether it sends an e-mail."""
    locked: list[str] = []
    """Events that cannot be switched off."""


class LoginRequest(RequestModel):
    """Credentials for `POST /auth/login`."""

    username: str
    """The username (the tax code on entranext, the customer code on utility)."""
    password: str = Field(repr=False)
    """The password."""
    pin: str | None = Field(default=None, repr=False)
    """The PIN e-mailed at registration (citycard)."""
    remember: bool = False
    """Keep the session for days instead of the idle timeout (etelka's "remember me")."""


class LinkRequest(RequestModel):
    """The token of an e-mailed link."""

    token: str = Field(repr=False)
    """The link's last path segment."""


class RecoveryRequest(RequestModel):
    """What identifies the account whose password was forgotten; per kind."""

    username: str | None = None
    """The username (citycard, entranext, etelka)."""
    email: str | None = None
    """The registered e-mail (citycard)."""
    customer_code: str | None = None
    """The customer code (utility)."""
    tax_code: str | None = None
    """The tax code (pagoinrete)."""


class PasswordChange(RequestModel):
    """`POST /auth/change-password`."""

    old_password: str = Field(repr=False)
    """The current (possibly temporary) password."""
    new_password: str = Field(repr=False)
    """The new password, at least 8 characters."""


class CodeRequest(RequestModel):
    """A code to enter (credential elevation)."""

    code: str
    """The code as printed or e-mailed."""


class TaxCodeRequest(RequestModel):
    """A clerk's request about one person."""

    tax_code: str
    """The child's or family's tax code."""


class NotificationChange(RequestModel):
    """Events to switch on or off."""

    events: dict[str, bool]
    """Event name to on/off."""
