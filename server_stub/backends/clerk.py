"""The clerk's office: enrolment, credential regeneration, elevation codes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from familycard import Ack, ElevationCode, EnrolmentResult, FamilycardError, NotFound, RuleViolation
from familycard.identifiers import validate_tax_code
from familycard.models.clerk import Enrolment, EnrolmentPage
from familycard.rules.accounts import check_enrolment_row, enrolment_key

from .. import security
from ..state import Portal, iso
from .accounts import set_password

__all__ = ["elevation_code", "enroll", "list_enrolments", "reset_credentials"]


#: Keys asked about per statement (SQLite allows far more parameters; this keeps them short).
_CHUNK = 500

_INSERT = (
    "INSERT INTO enrolments (tenant, key, data, child_tax_code, guardian_tax_code, "
    "guardian_email, customer_code, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
#: A row's supply point, as the index `enrolments_supply_point` (schema/05) has it.
_POINT = "json_extract(data, '$.supply_point')"


def enroll(portal: Portal, rows: Iterable[tuple[int, Mapping[str, str]]]) -> list[EnrolmentResult]:
    """Enrol a batch of rows; each row gets its own outcome, a bad row never loses the others.

    Every row is checked first: the rules (`invalid`), its natural key enrolled already or
    earlier in the batch (`exists`, nothing changes), a supply point of another customer
    (`failed`, `supply_point_taken`).  The new rows are then inserted together in one
    savepoint; should that fail, they are inserted again one by one, each in its own
    savepoint, so that only the rows that fail are `failed`.
    """
    kind = portal.tenant.kind
    results: list[EnrolmentResult | None] = []
    checked: list[tuple[int, int, dict[str, str], str]] = []  # position, row, clean, key
    for number, raw in rows:
        results.append(None)
        try:
            clean = check_enrolment_row(kind, raw, portal.tenant.policy)
        except FamilycardError as exc:
            results[-1] = _problem(number, "invalid", None, exc)
            continue
        checked.append((len(results) - 1, number, clean, enrolment_key(kind, clean)))
    enrolled = _existing(portal, "key", [key for _, _, _, key in checked])
    owners = _supply_point_owners(portal, [clean for _, _, clean, _ in checked])
    new: list[tuple[int, int, dict[str, str], str]] = []
    for position, number, clean, key in checked:
        if key in enrolled:
            results[position] = EnrolmentResult(row=number, status="exists", key=key)
            continue
        point = clean.get("supply_point")
        if kind == "utility" and point is not None:
            owner = owners.setdefault(point, clean["customer_code"])
            if owner != clean["customer_code"]:
                refusal = RuleViolation(
                    f"the supply point {point} is enrolled for another customer ({owner}); "
                    "a supply point has one customer",
                    code="supply_point_taken",
                    details={"supply_point": point, "customer_code": owner},
                )
                results[position] = _problem(number, "failed", key, refusal)
                continue
        enrolled.add(key)  # a second row with this key in the batch: `exists`
        new.append((position, number, clean, key))
    for position, result in _insert(portal, new):
        results[position] = result
    return [r for r in results if r is not None]


def _problem(
    number: int, status: Literal["invalid", "failed"], key: str | None, exc: FamilycardError
) -> EnrolmentResult:
    error: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if exc.details:
        error["details"] = exc.details
    return EnrolmentResult(row=number, status=status, key=key, error=error)


def _existing(portal: Portal, column: str, values: list[str]) -> set[str]:
    """Which of `values` some enrolment of the tenant has in `column` (key or guardian_email)."""
    found: set[str] = set()
    unique = sorted(set(values))
    for start in range(0, len(unique), _CHUNK):
        part = unique[start : start + _CHUNK]
        marks = ", ".join("?" * len(part))
        sql = f"SELECT DISTINCT {column} FROM enrolments WHERE tenant = ? AND {column} IN ({marks})"
        found.update(row[0] for row in portal.store.all(sql, (portal.tenant.slug, *part)))
    return found


def _supply_point_owners(portal: Portal, rows: list[dict[str, str]]) -> dict[str, str]:
    """The customer each of the rows' supply points is enrolled for already (utility)."""
    points = sorted({r["supply_point"] for r in rows if "supply_point" in r})
    owners: dict[str, str] = {}
    for start in range(0, len(points), _CHUNK):
        part = points[start : start + _CHUNK]
        marks = ", ".join("?" * len(part))
        sql = (
            f"SELECT {_POINT} AS point, customer_code FROM enrolments "
            f"WHERE tenant = ? AND {_POINT} IN ({marks})"
        )
        for row in portal.store.all(sql, (portal.tenant.slug, *part)):
            owners[row["point"]] = row["customer_code"]
    return owners


def _insert(
    portal: Portal, new: list[tuple[int, int, dict[str, str], str]]
) -> list[tuple[int, EnrolmentResult]]:
    """Insert the new rows (one savepoint for all; per row only if that fails)."""
    if not new:
        return []
    store, slug, now = portal.store, portal.tenant.slug, iso(portal.now())
    params = [
        (
            slug,
            key,
            json.dumps(clean, ensure_ascii=False),
            clean.get("child_tax_code"),
            clean.get("guardian_tax_code"),
            clean.get("guardian_email"),
            clean.get("customer_code"),
            now,
        )
        for _, _, clean, key in new
    ]
    # R3.1: the first enrolment of an address invites that parent to register, once.
    invite = portal.tenant.kind == "etelka"
    known = _existing(portal, "guardian_email", [p[5] for p in params if p[5]]) if invite else set()
    store.execute("SAVEPOINT enrol_batch")
    try:
        store.conn.executemany(_INSERT, params)
        for email in dict.fromkeys(p[5] for p in params):
            if invite and email and email not in known:
                _invite(portal, email)
    except Exception:
        store.execute("ROLLBACK TO enrol_batch")
        store.execute("RELEASE enrol_batch")
    else:
        store.execute("RELEASE enrol_batch")
        return [
            (position, EnrolmentResult(row=number, status="created", key=key))
            for position, number, _, key in new
        ]
    results = []
    for (position, number, _, key), values in zip(new, params, strict=True):
        store.execute("SAVEPOINT enrol_row")
        try:
            store.execute(_INSERT, values)
            email = values[5]
            if invite and email and email not in known:
                _invite(portal, email)
                known.add(email)
        except Exception as exc:
            store.execute("ROLLBACK TO enrol_row")
            store.execute("RELEASE enrol_row")
            failure = FamilycardError(str(exc), code="enrolment_failed")
            results.append((position, _problem(number, "failed", key, failure)))
            continue
        store.execute("RELEASE enrol_row")
        results.append((position, EnrolmentResult(row=number, status="created", key=key)))
    return results


def list_enrolments(portal: Portal, *, after: int = 0, limit: int = 1000) -> EnrolmentPage:
    """The tenant's enrolments after the one numbered `after`, oldest first."""
    slug = portal.tenant.slug
    count = portal.store.one("SELECT COUNT(*) FROM enrolments WHERE tenant = ?", (slug,))
    rows = portal.store.all(
        "SELECT id, key, data, created_at FROM enrolments WHERE tenant = ? AND id > ? "
        "ORDER BY id LIMIT ?",
        (slug, after, limit + 1),
    )
    items = [
        Enrolment(id=r["id"], key=r["key"], data=json.loads(r["data"]), created_at=r["created_at"])
        for r in rows[:limit]
    ]
    return EnrolmentPage(
        total=int(count[0]) if count else 0,
        items=items,
        next_after=items[-1].id if len(rows) > limit else None,
    )


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
