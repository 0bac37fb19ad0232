"""Accounts on every portal kind: registration, links, login, sessions, recovery.

Rules: R1.1-R1.4, R2.1-R2.2, R3.1-R3.7, R4.1-R4.3, R5.1-R5.2, X1-X3.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from familycard import (
    Account,
    Ack,
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Registration,
    RuleViolation,
    Session,
)
from familycard.models.accounts import RegisterRequest
from familycard.rules.accounts import (
    REGISTRATION_FIELDS,
    check_new_password,
    check_recovery,
    check_registration,
)
from familycard.rules.links import link_url
from familycard.rules.policy import has_passed

from .. import security
from ..state import Portal, iso

__all__ = [
    "account_model",
    "activate",
    "authenticate",
    "change_password",
    "create_preexisting_accounts",
    "forgot_password",
    "login",
    "logout",
    "members",
    "register",
    "require_ready",
    "reset_password",
    "set_password",
]


# Helpers ---------------------------------------------------------------------------


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _hash(portal: Portal, secret: str) -> str:
    return security.hash_secret(secret, n=portal.config.scrypt_n)


def _account_by(portal: Portal, column: str, value: str) -> sqlite3.Row | None:
    return portal.store.one(
        f"SELECT * FROM accounts WHERE tenant = ? AND {column} = ?", (portal.tenant.slug, value)
    )


def _purge_expired_registrations(portal: Portal) -> None:
    """A registration not activated in time is deleted and must start over (R3.2)."""
    portal.store.execute(
        "DELETE FROM accounts WHERE tenant = ? AND status != 'active' "
        # has_passed(now, expires_at), in SQL: the expiry instant itself is late.
        "AND expires_at IS NOT NULL AND expires_at <= ?",
        (portal.tenant.slug, iso(portal.now())),
    )


def _new_link(portal: Portal, account_id: int, purpose: str, ttl: timedelta) -> str:
    token = security.new_token()
    portal.store.insert(
        "links",
        {
            "token_hash": security.digest(token),
            "tenant": portal.tenant.slug,
            "purpose": purpose,
            "account_id": account_id,
            "expires_at": iso(portal.now() + ttl),
        },
    )
    return link_url(portal.url, token)


def _hours(portal: Portal, name: str) -> timedelta:
    return timedelta(hours=portal.tenant.number(name))


def members(portal: Portal, account: sqlite3.Row) -> list[str]:
    """Who an account reaches; enrolments made later show up too (R3.3)."""
    kind, slug = portal.tenant.kind, portal.tenant.slug
    if kind == "citycard":
        return [account["tax_code"]]
    if kind == "etelka":
        rows = portal.store.all(
            "SELECT DISTINCT json_extract(data, '$.child_name') AS m FROM enrolments "
            "WHERE tenant = ? AND guardian_email = ? ORDER BY m",
            (slug, account["email"]),
        )
    elif kind in ("entranext", "pagoinrete"):
        rows = portal.store.all(
            "SELECT DISTINCT child_tax_code AS m FROM enrolments "
            "WHERE tenant = ? AND guardian_tax_code = ? ORDER BY m",
            (slug, account["tax_code"]),
        )
    else:
        rows = portal.store.all(
            "SELECT DISTINCT json_extract(data, '$.supply_point') AS m FROM enrolments "
            "WHERE tenant = ? AND customer_code = ? ORDER BY m",
            (slug, account["customer_code"]),
        )
    return [r["m"] for r in rows]


def account_model(portal: Portal, account: sqlite3.Row) -> Account:
    """The wire model of an account row."""
    return Account(
        username=account["username"],
        email=account["email"],
        full_name=account["full_name"],
        phone=account["phone"],
        fax=account["fax"],
        tax_code=account["tax_code"],
        customer_code=account["customer_code"],
        status=account["status"],
        elevated=bool(account["elevated"]),
        must_change_password=bool(account["must_change_password"]),
        terms_accepted=bool(account["terms_accepted"]),
        members=members(portal, account),
    )


def _insert_account(portal: Portal, **values: Any) -> int:
    return portal.store.insert(
        "accounts",
        {"tenant": portal.tenant.slug, "created_at": iso(portal.now()), **values},
    )


def _check_username_free(portal: Portal, username: str) -> None:
    if _account_by(portal, "username", username) is not None:
        raise Conflict(f"the username {username!r} is taken; choose another", code="username_taken")


def _is_enrolled(portal: Portal, column: str, value: str) -> bool:
    row = portal.store.one(
        f"SELECT 1 FROM enrolments WHERE tenant = ? AND {column} = ? LIMIT 1",
        (portal.tenant.slug, value),
    )
    return row is not None


def _ministry_username(portal: Portal, full_name: str) -> str:
    """A username such as `mrossi417`, as the ministry's service makes them."""
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode().lower()
    parts = [p for p in ascii_name.replace("'", "").split() if p.isalpha()] or ["utente"]
    stem = (parts[0][0] + parts[-1])[:16] if len(parts) > 1 else parts[0][:16]
    while True:
        candidate = f"{stem}{secrets.randbelow(900) + 100}"
        if _account_by(portal, "username", candidate) is None:
            return candidate


# Registration ----------------------------------------------------------------------


def register(portal: Portal, form: RegisterRequest) -> Registration:
    """Register on the portal, as its kind does it."""
    kind = portal.tenant.kind
    form = check_registration(kind, form)
    _purge_expired_registrations(portal)
    if "captcha" in REGISTRATION_FIELDS[kind]:
        answer = (form.captcha or "").strip().casefold()
        if answer != portal.config.captcha_answer.casefold():
            raise InvalidInput("the anti-bot answer is wrong", code="captcha_failed")
    handler = {
        "citycard": _register_citycard,
        "entranext": _register_entranext,
        "etelka": _register_etelka,
        "pagoinrete": _register_pagoinrete,
        "utility": _register_utility,
    }[kind]
    return handler(portal, form)


def _register_citycard(portal: Portal, form: RegisterRequest) -> Registration:
    """R1.1-R1.3: per enrolled child; a PIN is e-mailed and needed at every login."""
    assert form.tax_code and form.email and form.username and form.password
    if not _is_enrolled(portal, "child_tax_code", form.tax_code):
        raise RuleViolation(
            f"the child {form.tax_code} is not enrolled in school services; "
            "only enrolled children can be registered (ask the school assistance office)",
            code="not_enrolled",
        )
    if _account_by(portal, "tax_code", form.tax_code) is not None:
        raise Conflict(
            f"the child {form.tax_code} is already registered; recover the credentials instead",
            code="already_registered",
        )
    _check_username_free(portal, form.username)
    pin = security.new_pin()
    _insert_account(
        portal,
        username=form.username,
        email=form.email,
        password_hash=_hash(portal, form.password),
        pin_hash=_hash(portal, pin),
        status="active",
        tax_code=form.tax_code,
    )
    portal.send_email(
        form.email,
        f"{portal.tenant.name}: your PIN",
        "pin",
        f"Registration of {form.tax_code} completed for user {form.username}.\n"
        f"Your PIN is {pin}. Keep username, password and PIN for each child.",
        pin=pin,
        username=form.username,
    )
    return Registration(
        status="active",
        username=form.username,
        message=f"registered; the PIN was e-mailed to {form.email}. "
        "Log in with username, password and PIN.",
    )


def _register_entranext(portal: Portal, form: RegisterRequest) -> Registration:
    """R2.1: a confirmation link and the credentials; the username is the tax code."""
    assert form.tax_code and form.email
    if _account_by(portal, "username", form.tax_code) is not None:
        raise Conflict(
            f"{form.tax_code} is already registered; use 'auth forgot-password' if needed",
            code="already_registered",
        )
    password = security.new_password()
    account_id = _insert_account(
        portal,
        username=form.tax_code,
        email=form.email,
        password_hash=_hash(portal, password),
        status="pending_verification",
        full_name=form.full_name,
        tax_code=form.tax_code,
        expires_at=iso(portal.now() + _hours(portal, "confirmation_ttl_hours")),
    )
    link = _new_link(portal, account_id, "verification", _hours(portal, "confirmation_ttl_hours"))
    portal.send_email(
        form.email,
        f"{portal.tenant.name}: confirm your registration",
        "confirmation",
        f"Follow this link to confirm your registration:\n{link}",
        link=link,
    )
    portal.send_email(
        form.email,
        f"{portal.tenant.name}: your credentials",
        "credentials",
        f"Username: {form.tax_code}\nPassword: {password}\nThe username is always your tax code.",
        username=form.tax_code,
        password=password,
    )
    return Registration(
        status="pending_verification",
        username=form.tax_code,
        message=f"two e-mails were sent to {form.email}: follow the link in the first to "
        "confirm, the second holds the credentials",
    )


def _register_etelka(portal: Portal, form: RegisterRequest) -> Registration:
    """R3.1-R3.3: only recorded e-mails; activation within the TTL or start over."""
    assert form.email and form.username and form.password
    if not _is_enrolled(portal, "guardian_email", form.email):
        raise RuleViolation(
            f"{form.email} was not recorded by any institution; only a parent whose e-mail "
            "the clerk recorded can register",
            code="not_enrolled",
        )
    if _account_by(portal, "email", form.email) is not None:
        raise Conflict(
            f"an account for {form.email} exists already; it serves all its children",
            code="already_registered",
        )
    _check_username_free(portal, form.username)
    ttl = _hours(portal, "activation_ttl_hours")
    account_id = _insert_account(
        portal,
        username=form.username,
        email=form.email,
        password_hash=_hash(portal, form.password),
        status="pending_activation",
        full_name=form.full_name,
        expires_at=iso(portal.now() + ttl),
        notifications=json.dumps(default_notifications(portal)),
    )
    link = _new_link(portal, account_id, "activation", ttl)
    hours = portal.tenant.number("activation_ttl_hours")
    portal.send_email(
        form.email,
        f"{portal.tenant.name}: activate your account",
        "activation",
        f"Follow this link within {hours} hours to activate your account, "
        f"or the registration is deleted:\n{link}",
        link=link,
        username=form.username,
    )
    return Registration(
        status="pending_activation",
        username=form.username,
        message=f"an activation link was e-mailed to {form.email}; it is valid for {hours} hours",
    )


def _register_pagoinrete(portal: Portal, form: RegisterRequest) -> Registration:
    """R4.1-R4.2: known tax codes keep their credentials; else verify the e-mail first."""
    assert form.tax_code
    existing = _account_by(portal, "tax_code", form.tax_code)
    if existing is not None:
        raise Conflict(
            f"{form.tax_code} already has an account on the ministry's services: use the same "
            "credentials; forgotten ones are recovered to that account's e-mail "
            "(auth forgot-password)",
            code="already_registered",
        )
    if not form.confirm:
        return Registration(
            status="preview",
            message="no account yet for this tax code: go on with your personal data, "
            "e-mail and the acceptance of the terms",
        )
    assert form.email and form.full_name
    ttl = _hours(portal, "confirmation_ttl_hours")
    account_id = _insert_account(
        portal,
        username=_ministry_username(portal, form.full_name),
        email=form.email,
        status="pending_verification",
        full_name=form.full_name,
        tax_code=form.tax_code,
        must_change_password=1,
        terms_accepted=0,
        expires_at=iso(portal.now() + ttl),
    )
    link = _new_link(portal, account_id, "verification", ttl)
    portal.send_email(
        form.email,
        "Conferma registrazione",
        "verification",
        f"Confirm your e-mail address by following this link:\n{link}",
        link=link,
    )
    return Registration(
        status="pending_verification",
        message=f"data saved; confirm the address with the link e-mailed to {form.email}; "
        "the credentials follow in a second e-mail",
    )


def _register_utility(portal: Portal, form: RegisterRequest) -> Registration:
    """R5.1: customer code and VAT/tax code; confirm the shown data; password by e-mail."""
    assert form.customer_code and form.vat and form.email
    row = portal.store.one(
        "SELECT data FROM enrolments WHERE tenant = ? AND customer_code = ? "
        "AND json_extract(data, '$.tax_code_or_vat') = ? LIMIT 1",
        (portal.tenant.slug, form.customer_code, form.vat),
    )
    if row is None:
        raise RuleViolation(
            "no customer with this customer code and VAT number or tax code; "
            "both are printed on the invoice",
            code="not_enrolled",
        )
    if _account_by(portal, "username", form.customer_code) is not None:
        raise Conflict(
            f"customer {form.customer_code} is already registered; "
            "use 'auth forgot-password --customer-code'",
            code="already_registered",
        )
    data = json.loads(row["data"])
    shown = {"customer_name": data["customer_name"], "address": data["address"]}
    if not form.confirm:
        return Registration(
            status="preview",
            username=form.customer_code,
            message="confirm these data to register",
            shown_data=shown,
        )
    password = security.new_password()
    _insert_account(
        portal,
        username=form.customer_code,
        email=form.email,
        password_hash=_hash(portal, password),
        status="active",
        full_name=data["customer_name"],
        tax_code=form.vat,
        customer_code=form.customer_code,
    )
    portal.send_email(
        form.email,
        f"{portal.tenant.name}: first access",
        "credentials",
        f"User: {form.customer_code}\nPassword: {password}",
        username=form.customer_code,
        password=password,
    )
    return Registration(
        status="active",
        username=form.customer_code,
        message=f"registered; the first password was e-mailed to {form.email}",
        shown_data=shown,
    )


def create_preexisting_accounts(portal: Portal) -> None:
    """Accounts that exist on another service of the same owner (pagoinrete, R4.1)."""
    for entry in portal.tenant.preexisting_accounts:
        _insert_account(
            portal,
            username=entry["username"],
            email=entry["email"],
            password_hash=_hash(portal, security.new_password()),
            status="active",
            full_name=entry.get("full_name"),
            tax_code=entry["tax_code"],
        )


# Links -----------------------------------------------------------------------------


def _take_link(portal: Portal, token: str, purposes: tuple[str, ...]) -> sqlite3.Row:
    link = portal.store.one(
        "SELECT * FROM links WHERE token_hash = ? AND tenant = ?",
        (security.digest(token), portal.tenant.slug),
    )
    if link is None or link["used_at"] is not None or link["purpose"] not in purposes:
        raise RuleViolation(
            "this link is not valid: it was already used or is not for this step",
            code="invalid_link",
        )
    return link


def activate(portal: Portal, token: str) -> Ack:
    """Follow an activation (etelka) or e-mail verification (entranext, pagoinrete) link."""
    link = _take_link(portal, token, ("activation", "verification"))
    account = portal.store.one("SELECT * FROM accounts WHERE id = ?", (link["account_id"],))
    expired = has_passed(portal.now(), _when(link["expires_at"]))  # type: ignore[arg-type]
    if account is None or expired:
        # The registration is deleted once its link expires (R3.2); the link stays to say so.
        if account is not None:
            portal.store.execute("DELETE FROM accounts WHERE id = ?", (account["id"],))
            portal.store.keep_on_error = True
        raise RuleViolation(
            "the link expired and the registration was deleted; register again",
            code="activation_expired",
        )
    portal.store.execute(
        "UPDATE links SET used_at = ? WHERE token_hash = ?", (iso(portal.now()), link["token_hash"])
    )
    portal.store.execute(
        "UPDATE accounts SET status = 'active', expires_at = NULL WHERE id = ?", (account["id"],)
    )
    kind = portal.tenant.kind
    if kind == "etelka":
        portal.send_email(
            account["email"],
            f"{portal.tenant.name}: registration completed",
            "welcome",
            f"Your account {account['username']} is active. "
            "The general terms and conditions are attached.",
            username=account["username"],
            attachment="general-terms.pdf",
        )
        return Ack(message="account activated; you can log in")
    if kind == "pagoinrete":
        password = security.new_password()
        set_password(portal, account["id"], password, temporary=True)
        portal.send_email(
            account["email"],
            "Creazione utenza",
            "credentials",
            f"Username: {account['username']}\nTemporary password: {password}\n"
            "You will be asked to change the password at the first login.",
            username=account["username"],
            password=password,
        )
        return Ack(
            message="e-mail address verified; the credentials were e-mailed "
            "(the password must be changed at the first login)"
        )
    return Ack(message="registration confirmed; log in with the e-mailed credentials")


# Login and sessions ----------------------------------------------------------------


def login(portal: Portal, username: str, password: str, pin: str | None, remember: bool) -> Session:
    """Check credentials (and PIN where the portal has one); start a session."""
    policy = portal.tenant.policy
    if portal.tenant.kind == "entranext":
        username = username.strip().upper()
    _purge_expired_registrations(portal)
    account = _account_by(portal, "username", username.strip())
    failed = AuthenticationFailed(
        "wrong username, password or PIN"
        if "pin" in portal.tenant.features
        else "wrong username or password",
        code="authentication_failed",
    )
    if account is None:
        raise failed
    now = portal.now()
    locked_until = _when(account["locked_until"])
    if locked_until is not None and not has_passed(now, locked_until):
        raise AuthenticationFailed(
            f"too many failed logins: the account is locked until {locked_until.isoformat()}",
            code="account_locked",
            details={"locked_until": locked_until.isoformat()},
        )
    needs_pin = "pin" in portal.tenant.features
    if needs_pin and not pin:
        raise AuthenticationFailed(
            "this portal needs the PIN e-mailed at registration (FAMILYCARD_PIN)",
            code="pin_required",
        )
    good = security.verify(password, account["password_hash"])
    if good and needs_pin:
        good = security.verify(pin or "", account["pin_hash"])
    if not good:
        count = account["failed_logins"] + 1
        lock = None
        if count >= int(policy["max_failed_logins"]):
            lock = iso(now + timedelta(minutes=int(policy["lockout_minutes"])))
            count = 0
        portal.store.execute(
            "UPDATE accounts SET failed_logins = ?, locked_until = ? WHERE id = ?",
            (count, lock, account["id"]),
        )
        portal.store.keep_on_error = True
        raise failed
    if account["status"] == "pending_activation":
        raise AuthenticationFailed(
            "the account is not activated yet: follow the link in the activation e-mail",
            code="account_not_activated",
        )
    if account["status"] == "pending_verification":
        raise AuthenticationFailed(
            "the e-mail address is not confirmed yet: follow the link in the e-mail",
            code="email_not_verified",
        )
    idle = timedelta(minutes=int(policy["session_idle_minutes"]))
    if remember and "remember_me" in portal.tenant.features:
        idle = timedelta(days=int(policy["remember_days"]))
    token = security.new_token()
    portal.store.execute(
        "UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?",
        (account["id"],),
    )
    portal.store.insert(
        "sessions",
        {
            "token_hash": security.digest(token),
            "tenant": portal.tenant.slug,
            "account_id": account["id"],
            "created_at": iso(now),
            "last_seen": iso(now),
            "idle_seconds": int(idle.total_seconds()),
        },
    )
    return Session(
        token=token,
        username=account["username"],
        expires_at=now + idle,
        must_change_password=bool(account["must_change_password"]),
        terms_accepted=bool(account["terms_accepted"]),
    )


def authenticate(portal: Portal, token: str) -> sqlite3.Row:
    """The account of a live session; any activity resets the idle timer (R3.4)."""
    digest = security.digest(token)
    session = portal.store.one(
        "SELECT * FROM sessions WHERE token_hash = ? AND tenant = ?", (digest, portal.tenant.slug)
    )
    if session is None:
        raise AuthenticationFailed("not logged in (or logged out)", code="not_authenticated")
    now = portal.now()
    last_seen = _when(session["last_seen"])
    assert last_seen is not None
    if now - last_seen > timedelta(seconds=session["idle_seconds"]):
        portal.store.execute("DELETE FROM sessions WHERE token_hash = ?", (digest,))
        portal.store.keep_on_error = True
        raise AuthenticationFailed(
            "the session timed out after inactivity; log in again", code="session_expired"
        )
    portal.store.execute(
        "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (iso(now), digest)
    )
    account = portal.store.one("SELECT * FROM accounts WHERE id = ?", (session["account_id"],))
    assert account is not None
    return account


def require_ready(account: sqlite3.Row) -> None:
    """A temporary password must be changed, then the terms accepted (R3.5, R4.3)."""
    if account["must_change_password"]:
        raise PermissionDenied(
            "the password is temporary: change it first (auth change-password)",
            code="password_change_required",
        )
    if not account["terms_accepted"]:
        raise PermissionDenied(
            "accept the service's terms first (auth accept-terms)", code="terms_not_accepted"
        )


def logout(portal: Portal, token: str) -> Ack:
    """End a session."""
    portal.store.execute("DELETE FROM sessions WHERE token_hash = ?", (security.digest(token),))
    return Ack(message="logged out")


# Passwords -------------------------------------------------------------------------


def set_password(portal: Portal, account_id: int, password: str, *, temporary: bool) -> None:
    """Store a new password hash; a new password also lifts a lock."""
    portal.store.execute(
        "UPDATE accounts SET password_hash = ?, must_change_password = ?, failed_logins = 0, "
        "locked_until = NULL WHERE id = ?",
        (_hash(portal, password), int(temporary), account_id),
    )


_GENERIC_RECOVERY = "if the details match an account, an e-mail is on its way to its address"


def forgot_password(portal: Portal, fields: dict[str, str]) -> Ack:
    """Start recovery; the answer never tells whether an account exists (X3)."""
    kind = portal.tenant.kind
    fields = check_recovery(kind, fields)
    if kind == "pagoinrete":
        account = _account_by(portal, "tax_code", fields["tax_code"])
    elif kind == "utility":
        account = _account_by(portal, "username", fields["customer_code"])
    else:
        account = _account_by(portal, "username", fields["username"])
    if account is None or account["status"] != "active":
        return Ack(message=_GENERIC_RECOVERY)
    if kind == "citycard" and account["email"].lower() != fields["email"].lower():
        return Ack(message=_GENERIC_RECOVERY)
    if kind in ("etelka", "pagoinrete"):
        link = _new_link(portal, account["id"], "password_reset", _hours(portal, "reset_ttl_hours"))
        portal.send_email(
            account["email"],
            f"{portal.tenant.name}: confirm the new password request",
            "password_reset",
            f"Someone asked for a new password for {account['username']}. "
            f"If it was you, follow this link:\n{link}",
            link=link,
            username=account["username"],
        )
        return Ack(message=_GENERIC_RECOVERY)
    _send_new_password(portal, account, temporary=False)
    return Ack(message=_GENERIC_RECOVERY)


def _send_new_password(portal: Portal, account: sqlite3.Row, *, temporary: bool) -> None:
    password = security.new_password()
    set_password(portal, account["id"], password, temporary=temporary)
    note = "\nChange it at your next login." if temporary else ""
    portal.send_email(
        account["email"],
        f"{portal.tenant.name}: your new password",
        "new_password",
        f"Username: {account['username']}\nNew password: {password}{note}",
        username=account["username"],
        password=password,
    )


def reset_password(portal: Portal, token: str) -> Ack:
    """Follow a password-reset link: a new password, to be changed at the next login (R3.5)."""
    link = _take_link(portal, token, ("password_reset",))
    if has_passed(portal.now(), _when(link["expires_at"])):  # type: ignore[arg-type]
        raise RuleViolation("the link expired; ask for a new password again", code="link_expired")
    portal.store.execute(
        "UPDATE links SET used_at = ? WHERE token_hash = ?", (iso(portal.now()), link["token_hash"])
    )
    account = portal.store.one("SELECT * FROM accounts WHERE id = ?", (link["account_id"],))
    if account is None:
        raise NotFound("the account no longer exists", code="account_not_found")
    _send_new_password(portal, account, temporary=True)
    return Ack(message="a new password was e-mailed; change it at the next login")


def change_password(portal: Portal, account: sqlite3.Row, old: str, new: str) -> Ack:
    """Change the password, knowing the current one."""
    if not security.verify(old, account["password_hash"]):
        raise AuthenticationFailed("the current password is wrong", code="authentication_failed")
    check_new_password(new)
    if new == old:
        raise InvalidInput(
            "the new password must differ from the current one", code="password_reused"
        )
    set_password(portal, account["id"], new, temporary=False)
    after = "" if account["terms_accepted"] else "; now accept the terms (auth accept-terms)"
    return Ack(message=f"password changed{after}")


# Elevation and consent -------------------------------------------------------------


def elevate(portal: Portal, account: sqlite3.Row, code: str) -> Account:
    """Raise the credentials with the municipality's code (R2.2); a code is single-use (X1)."""
    candidates = portal.store.all(
        "SELECT * FROM elevation_codes WHERE tenant = ? AND tax_code = ? AND used_at IS NULL",
        (portal.tenant.slug, account["tax_code"]),
    )
    normalized = code.strip().upper()
    match = next((c for c in candidates if security.verify(normalized, c["code_hash"])), None)
    if match is None:
        raise RuleViolation(
            "the elevation code is not valid for this account: it was already used, or it "
            "is not the one printed on the municipality's payment slips (or ask the office)",
            code="invalid_elevation_code",
        )
    now = iso(portal.now())
    portal.store.execute("UPDATE elevation_codes SET used_at = ? WHERE id = ?", (now, match["id"]))
    portal.store.execute("UPDATE accounts SET elevated = 1 WHERE id = ?", (account["id"],))
    updated = portal.store.one("SELECT * FROM accounts WHERE id = ?", (account["id"],))
    assert updated is not None
    return account_model(portal, updated)


def accept_terms(portal: Portal, account: sqlite3.Row) -> Account:
    """The one-time consent, after the password change (R4.3)."""
    if account["must_change_password"]:
        raise PermissionDenied(
            "change the temporary password first (auth change-password)",
            code="password_change_required",
        )
    portal.store.execute("UPDATE accounts SET terms_accepted = 1 WHERE id = ?", (account["id"],))
    updated = portal.store.one("SELECT * FROM accounts WHERE id = ?", (account["id"],))
    assert updated is not None
    return account_model(portal, updated)


# Notification settings (etelka, R3.7) ----------------------------------------------


def default_notifications(portal: Portal) -> dict[str, bool]:
    """The portal's recommended settings."""
    defaults: dict[str, bool] = dict(portal.tenant.policy.get("notification_defaults", {}))
    return defaults
