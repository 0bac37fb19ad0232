"""The clerk's office: enrolment, credential regeneration, elevation codes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from familycard import Ack, ElevationCode, EnrolmentResult, FamilycardError, NotFound, RuleViolation
from familycard.identifiers import validate_tax_code
from familycard.rules.accounts import check_enrolment_row, enrolment_key

from .. import security
from ..state import Portal, iso
from .accounts import set_password

__all__ = ["elevation_code", "enroll", "reset_credentials"]


def enroll(portal: Portal, rows: Iterable[tuple[int, Mapping[str, str]]]) -> list[EnrolmentResult]:
    """Enrol rows, each in its own savepoint: a bad row never loses the others.

    A row whose natural key is enrolled already is `exists` and changes nothing.
    """
    kind, slug = portal.tenant.kind, portal.tenant.slug
    store = portal.store
    results: list[EnrolmentResult] = []
    for number, raw in rows:
        try:
            clean = check_enrolment_row(kind, raw, portal.tenant.policy)
        except FamilycardError as exc:
            results.append(
                EnrolmentResult(
                    row=number, status="invalid", error={"code": exc.code, "message": exc.message}
                )
            )
            continue
        key = enrolment_key(kind, clean)
        if store.one("SELECT 1 FROM enrolments WHERE tenant = ? AND key = ?", (slug, key)):
            results.append(EnrolmentResult(row=number, status="exists", key=key))
            continue
        store.execute("SAVEPOINT enrol_row")
        try:
            email = clean.get("guardian_email")
            first_for_email = (
                kind == "etelka"
                and email is not None
                and store.one(
                    "SELECT 1 FROM enrolments WHERE tenant = ? AND guardian_email = ?",
                    (slug, email),
                )
                is None
            )
            store.insert(
                "enrolments",
                {
                    "tenant": slug,
                    "key": key,
                    "data": json.dumps(clean),
                    "child_tax_code": clean.get("child_tax_code"),
                    "guardian_tax_code": clean.get("guardian_tax_code"),
                    "guardian_email": email,
                    "customer_code": clean.get("customer_code"),
                    "created_at": iso(portal.now()),
                },
            )
            if first_for_email and email is not None:
                _invite(portal, email)
        except Exception as exc:
            store.execute("ROLLBACK TO enrol_row")
            store.execute("RELEASE enrol_row")
            results.append(
                EnrolmentResult(
                    row=number,
                    status="failed",
                    key=key,
                    error={"code": "enrolment_failed", "message": str(exc)},
                )
            )
            continue
        store.execute("RELEASE enrol_row")
        results.append(EnrolmentResult(row=number, status="created", key=key))
    return results


def _invite(portal: Portal, email: str) -> None:
    """R3.1: a recorded parent is e-mailed an invitation to register (once per address)."""
    exists = portal.store.one(
        "SELECT 1 FROM accounts WHERE tenant = ? AND email = ?", (portal.tenant.slug, email)
    )
    if exists:
        return
    portal.send_email(
        email,
        f"{portal.tenant.name}: invitation to register",
        "invitation",
        f"The institution recorded this address for the portal. Register at:\n{portal.url}",
        link=portal.url,
    )


def reset_credentials(portal: Portal, tax_code: str) -> Ack:
    """R1.4: new username reminder, password and PIN for a child, e-mailed to the family."""
    portal.require("pin")
    tax_code = validate_tax_code(tax_code)
    account = portal.store.one(
        "SELECT * FROM accounts WHERE tenant = ? AND tax_code = ?", (portal.tenant.slug, tax_code)
    )
    if account is None:
        raise NotFound(f"no registration for the child {tax_code}", code="account_not_found")
    password = security.new_password()
    pin = security.new_pin()
    set_password(portal, account["id"], password, temporary=False)
    portal.store.execute(
        "UPDATE accounts SET pin_hash = ? WHERE id = ?",
        (security.hash_secret(pin, n=portal.config.scrypt_n), account["id"]),
    )
    portal.store.execute("DELETE FROM sessions WHERE account_id = ?", (account["id"],))
    portal.send_email(
        account["email"],
        f"{portal.tenant.name}: new credentials",
        "credentials",
        f"New credentials for {tax_code}.\nUsername: {account['username']}\n"
        f"Password: {password}\nPIN: {pin}",
        username=account["username"],
        password=password,
        pin=pin,
    )
    return Ack(message=f"new credentials and PIN were e-mailed to the family of {tax_code}")


def elevation_code(portal: Portal, tax_code: str) -> ElevationCode:
    """R2.2: a code for an enrolled family, e-mailed to it and returned to the office."""
    portal.require("elevation")
    tax_code = validate_tax_code(tax_code)
    slug = portal.tenant.slug
    enrolment = portal.store.one(
        "SELECT guardian_email FROM enrolments WHERE tenant = ? AND guardian_tax_code = ? LIMIT 1",
        (slug, tax_code),
    )
    if enrolment is None:
        raise RuleViolation(
            f"the family of {tax_code} is not enrolled in school services", code="not_enrolled"
        )
    account = portal.store.one(
        "SELECT email FROM accounts WHERE tenant = ? AND tax_code = ?", (slug, tax_code)
    )
    email = account["email"] if account else enrolment["guardian_email"]
    code = security.new_code()
    portal.store.insert(
        "elevation_codes",
        {
            "tenant": slug,
            "tax_code": tax_code,
            "code_hash": security.hash_secret(code, n=portal.config.scrypt_n),
            "created_at": iso(portal.now()),
        },
    )
    portal.send_email(
        email,
        f"{portal.tenant.name}: your credential elevation code",
        "elevation_code",
        f"Enter this code under 'raise credentials' to see and pay your notices: {code}",
        code=code,
    )
    return ElevationCode(tax_code=tax_code, code=code)
