"""Account rules: registration forms, passwords, enrolment rows, profile edits.

Rules: R1.1, R2.1, R3.2, R3.6, R3.7, R4.1-R4.2, R5.1, R5.6 of DOMAIN.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import identifiers as ids
from .._errors import InvalidInput
from ..models.accounts import NotificationSettings, ProfileUpdate, RegisterRequest

__all__ = [
    "EDITABLE_PROFILE_FIELDS",
    "ENROLMENT_COLUMNS",
    "PREVIEW_FIELDS",
    "RECOVERY_FIELDS",
    "REGISTRATION_FIELDS",
    "check_enrolment_row",
    "check_new_password",
    "check_notification_settings",
    "check_profile_update",
    "check_recovery",
    "check_registration",
    "enrolment_key",
]

#: The fields each kind's registration form requires.
REGISTRATION_FIELDS: dict[str, tuple[str, ...]] = {
    # R1.1: per child, the child's tax code, an e-mail, username and password of one's choice.
    "citycard": ("tax_code", "email", "username", "password"),
    # R2.1: personal data and e-mail; the username is the tax code, the password is e-mailed.
    "entranext": ("tax_code", "full_name", "email"),
    # R3.2: e-mail, full name, username, password, legal terms, CAPTCHA.
    "etelka": ("email", "full_name", "username", "password", "accept_terms", "captcha"),
    # R4.1-R4.2: tax code and anti-bot answer, then personal data and terms.
    "pagoinrete": ("tax_code", "captcha", "full_name", "email", "accept_terms"),
    # R5.1: customer code and VAT number or tax code, then an e-mail.
    "utility": ("customer_code", "vat", "email"),
}

#: The first step where a portal shows something before the full form (confirm=False):
#: pagoinrete says whether the tax code has an account (R4.1); utility shows the
#: customer's name and address for confirmation (R5.1).
PREVIEW_FIELDS: dict[str, tuple[str, ...]] = {
    "pagoinrete": ("tax_code", "captcha"),
    "utility": ("customer_code", "vat"),
}

#: What identifies an account whose password was forgotten, per kind.
RECOVERY_FIELDS: dict[str, tuple[str, ...]] = {
    "citycard": ("username", "email"),  # R1.4
    "entranext": ("username",),  # the username is the tax code
    "etelka": ("username",),  # R3.5
    "pagoinrete": ("tax_code",),  # R4.1
    "utility": ("customer_code",),  # R5.2
}

#: The columns of a clerk's enrolment file, per kind (optional ones after `|`).
ENROLMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "citycard": ("child_tax_code", "child_name", "guardian_email", "service"),
    "entranext": (
        "guardian_tax_code",
        "guardian_name",
        "guardian_email",
        "child_tax_code",
        "child_name",
        "service",
    ),
    "etelka": ("guardian_email", "child_name", "institution", "age_group"),
    "pagoinrete": ("guardian_tax_code", "child_tax_code", "child_name", "institution"),
    "utility": (
        "customer_code",
        "tax_code_or_vat",
        "customer_name",
        "address",
        "email",
        "supply_point",
        "supply_kind",
    ),
}
OPTIONAL_ENROLMENT_COLUMNS: dict[str, tuple[str, ...]] = {"utility": ("has_corrector",)}

#: The natural key of an enrolment row: re-enrolling the same key changes nothing.
_ENROLMENT_KEY: dict[str, tuple[str, ...]] = {
    "citycard": ("child_tax_code", "service"),
    "entranext": ("child_tax_code", "service"),
    "etelka": ("guardian_email", "child_name", "institution"),
    "pagoinrete": ("child_tax_code", "institution"),
    "utility": ("customer_code", "supply_point"),
}

#: What a user may change in their own profile (R3.6, R5.6); elsewhere only through the office.
EDITABLE_PROFILE_FIELDS: dict[str, tuple[str, ...]] = {
    "citycard": (),
    "entranext": (),
    "etelka": ("full_name", "phone"),
    "pagoinrete": (),
    "utility": ("phone", "fax", "email"),
}

MIN_PASSWORD_LENGTH = 8

_FIELD_LABELS = {
    "tax_code": "tax code (--tax-code)",
    "email": "e-mail (--email)",
    "username": "username (--username)",
    "password": "password (FAMILYCARD_PASSWORD or --password-stdin)",
    "full_name": "full name (--full-name)",
    "customer_code": "customer code (--customer-code)",
    "vat": "VAT number or tax code (--vat)",
    "captcha": "anti-bot answer (--captcha)",
    "accept_terms": "acceptance of the terms (--accept-terms)",
}


def check_new_password(password: str) -> None:
    """A password a user chooses: at least 8 characters, not only spaces."""
    if len(password) < MIN_PASSWORD_LENGTH or not password.strip():
        raise InvalidInput(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters",
            code="weak_password",
        )


def check_registration(kind: str, form: RegisterRequest) -> RegisterRequest:
    """Check a registration form for a portal kind; return it normalised.

    Raises `InvalidInput` naming the first missing or malformed field.  The
    anti-bot answer's correctness and enrolment are checked by the portal only.
    """
    required = REGISTRATION_FIELDS[kind]
    unused = [
        f
        for f in ("tax_code", "email", "username", "password", "full_name", "customer_code", "vat")
        if getattr(form, f) is not None and f not in required
    ]
    if unused:
        names = ", ".join(_FIELD_LABELS.get(f, f) for f in unused)
        hint = " (the username is your tax code)" if kind == "entranext" else ""
        raise InvalidInput(
            f"a {kind} portal does not take {names}{hint}",
            code="unexpected_field",
            details={"fields": unused},
        )
    if not form.confirm and kind in PREVIEW_FIELDS:
        required = PREVIEW_FIELDS[kind]
    missing = [f for f in required if not getattr(form, f)]
    if missing:
        if missing == ["accept_terms"]:
            raise InvalidInput(
                "the terms and the privacy notice must be accepted (--accept-terms)",
                code="terms_not_accepted",
            )
        names = ", ".join(_FIELD_LABELS.get(f, f) for f in missing)
        raise InvalidInput(
            f"registration on a {kind} portal needs: {names}",
            code="missing_field",
            details={"fields": missing},
        )
    changes: dict[str, Any] = {}
    if form.tax_code:
        changes["tax_code"] = ids.validate_tax_code(form.tax_code)
    if form.email:
        changes["email"] = ids.validate_email(form.email)
    if form.customer_code:
        changes["customer_code"] = ids.validate_customer_code(form.customer_code)
    if form.vat:
        changes["vat"] = ids.validate_tax_code_or_vat(form.vat)
    if form.username is not None:
        username = form.username.strip()
        if not (3 <= len(username) <= 64) or any(c.isspace() for c in username):
            raise InvalidInput(
                "the username must have 3 to 64 characters and no spaces", code="invalid_username"
            )
        changes["username"] = username
    if form.full_name is not None:
        changes["full_name"] = " ".join(form.full_name.split())
    if form.password is not None and "password" in required:
        check_new_password(form.password)
    return form.model_copy(update=changes)


def check_recovery(kind: str, fields: Mapping[str, str | None]) -> dict[str, str]:
    """What a password recovery on a portal kind needs; return the given fields cleaned."""
    needed = RECOVERY_FIELDS[kind]
    missing = [f for f in needed if not (fields.get(f) or "").strip()]
    if missing:
        flags = " and ".join(f"--{f.replace('_', '-')}" for f in needed)
        raise InvalidInput(f"password recovery on this portal needs {flags}", code="missing_field")
    clean = {f: (fields.get(f) or "").strip() for f in needed}
    if "tax_code" in clean:
        clean["tax_code"] = ids.validate_tax_code(clean["tax_code"])
    if "customer_code" in clean:
        clean["customer_code"] = ids.validate_customer_code(clean["customer_code"])
    if "email" in clean:
        clean["email"] = ids.validate_email(clean["email"])
    if kind == "entranext":
        clean["username"] = clean["username"].upper()
    return clean


def _cell(row: Mapping[str, str | None], column: str) -> str:
    return (row.get(column) or "").strip()


#: The longest value of an enrolment row's cell (a name, an address, an institution).
MAX_ENROLMENT_VALUE = 200


def check_enrolment_row(
    kind: str, row: Mapping[str, str | None], policy: Mapping[str, Any]
) -> dict[str, str]:
    """Check one row of a clerk's enrolment file; return it normalised.

    `policy` is the portal's policy: the services, institutions and age groups it knows.
    """
    columns = ENROLMENT_COLUMNS[kind]
    optional = OPTIONAL_ENROLMENT_COLUMNS.get(kind, ())
    unexpected = [c for c in row if c not in columns and c not in optional]
    if unexpected:
        raise InvalidInput(
            f"unexpected field(s) {', '.join(str(c)[:40] for c in unexpected[:3])}: this "
            f"portal's columns are {', '.join((*columns, *optional))}",
            code="unexpected_field",
            details={"fields": [str(c)[:40] for c in unexpected[:10]]},
        )
    too_long = [c for c in row if len(row[c] or "") > MAX_ENROLMENT_VALUE]
    if too_long:
        raise InvalidInput(
            f"{', '.join(too_long)}: at most {MAX_ENROLMENT_VALUE} characters",
            code="value_too_long",
            details={"fields": too_long, "max": MAX_ENROLMENT_VALUE},
        )
    missing = [c for c in columns if not _cell(row, c)]
    if missing:
        raise InvalidInput(
            f"missing value for {', '.join(missing)}",
            code="missing_field",
            details={"fields": missing},
        )
    clean = {c: _cell(row, c) for c in columns}
    for column in OPTIONAL_ENROLMENT_COLUMNS.get(kind, ()):
        if _cell(row, column):
            clean[column] = _cell(row, column)
    for column in ("child_tax_code", "guardian_tax_code"):
        if column in clean:
            clean[column] = ids.validate_tax_code(clean[column])
    for column in ("guardian_email", "email"):
        if column in clean:
            clean[column] = ids.validate_email(clean[column])
    for name in ("service", "institution", "age_group"):
        known = policy.get(f"{name}s")
        if name in clean and known is not None and clean[name] not in known:
            raise InvalidInput(
                f"unknown {name.replace('_', ' ')} {clean[name]!r}; "
                f"this portal knows: {', '.join(known)}",
                code=f"unknown_{name}",
            )
    if kind == "utility":
        clean["customer_code"] = ids.validate_customer_code(clean["customer_code"])
        clean["tax_code_or_vat"] = ids.validate_tax_code_or_vat(clean["tax_code_or_vat"])
        supply_kind = clean["supply_kind"].lower()
        if supply_kind not in ("electricity", "gas"):
            raise InvalidInput(
                "supply_kind must be 'electricity' or 'gas'", code="invalid_supply_kind"
            )
        clean["supply_kind"] = supply_kind
        clean["supply_point"] = ids.validate_supply_point(clean["supply_point"], supply_kind)
        corrector = clean.get("has_corrector", "").lower()
        if corrector and corrector not in ("yes", "no", "true", "false", "1", "0"):
            raise InvalidInput("has_corrector must be yes or no", code="invalid_has_corrector")
        has_corrector = corrector in ("yes", "true", "1")
        if has_corrector and supply_kind != "gas":
            raise InvalidInput(
                "only a gas meter can have a volume corrector", code="invalid_has_corrector"
            )
        clean["has_corrector"] = "yes" if has_corrector else "no"
    return clean


def enrolment_key(kind: str, clean_row: Mapping[str, str]) -> str:
    """The natural key of a checked enrolment row."""
    return "|".join(clean_row[c].casefold() for c in _ENROLMENT_KEY[kind])


def check_profile_update(kind: str, update: ProfileUpdate) -> ProfileUpdate:
    """Only the fields the portal lets a user edit (R3.6, R5.6); the rest through the office."""
    given = update.model_dump(exclude_none=True)
    if not given:
        raise InvalidInput("nothing to update", code="missing_field")
    editable = EDITABLE_PROFILE_FIELDS[kind]
    refused = [f for f in given if f not in editable]
    if refused:
        allowed = ", ".join(editable) if editable else "nothing"
        raise InvalidInput(
            f"{', '.join(refused)} cannot be changed on this portal "
            f"(editable here: {allowed}); ask the office",
            code="field_not_editable",
            details={"fields": refused},
        )
    if update.email is not None:
        return update.model_copy(update={"email": ids.validate_email(update.email)})
    return update


def check_notification_settings(
    settings: Mapping[str, bool], current: NotificationSettings
) -> dict[str, bool]:
    """New notification settings (R3.7): known events only; locked ones stay on."""
    unknown = [e for e in settings if e not in current.events]
    if unknown:
        raise InvalidInput(
            f"unknown notification event: {', '.join(unknown)} "
            f"(known: {', '.join(current.events)})",
            code="unknown_event",
        )
    off = [e for e in current.locked if settings.get(e) is False]
    if off:
        raise InvalidInput(
            f"{', '.join(off)} notifications cannot be switched off", code="notification_locked"
        )
    return {**current.events, **settings}
