"""Italian identifiers the portals take and print: checked, normalised, decoded.

Pure functions, no I/O. Each `validate_*` function strips the value, removes the
spaces people type inside it, uppercases it where letters are case-insensitive,
checks it and returns the normalised form; anything wrong raises `InvalidInput`
whose message says what is wrong and whose `code` names the identifier:

- `validate_tax_code` (codice fiscale of a person, `invalid_tax_code`),
  `validate_vat_number` (partita IVA, `invalid_vat_number`) and
  `validate_tax_code_or_vat` (either: R5.1);
- `validate_email` (`invalid_email`), `validate_iban` (`invalid_iban`);
- `validate_customer_code` (the utility's 6-digit code, `invalid_customer_code`);
- `validate_pod`, `validate_pdr` and `validate_supply_point` (electricity POD,
  gas PDR: `invalid_supply_point`).
- `validate_object_id`: the id of a portal's object (a recharge, a payment, a
  document) as it goes into a URL path: `invalid_id` when empty, `.` or `..`,
  longer than `MAX_OBJECT_ID_LENGTH` or holding a character that does not print.

pagoPA (R2.4): `parse_notice_number` splits an 18-digit notice number (codice
avviso) into its parts and checks its check digits; `notice_check_digits` and
`make_notice_number` compute them. `decode_payment_code` reads what a payment
notice carries for machines, the QR payload `PAGOPA|002|...` or the data-matrix
line of a postal slip (`18<notice>12<account>10<amount>3896`), and
`encode_qr_payload` writes the QR payload.

Test data, for tests, demos and benchmarks only: `make_tax_code` computes a
person's codice fiscale by the real algorithm; `sample_tax_code(n)` and
`sample_vat_number(n)` give a distinct valid identifier for each index `n`.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal
from typing import Any, Literal, NoReturn

from pydantic import BaseModel, ConfigDict

from ._errors import InvalidInput

# python-stdnum is imported inside the functions that use it: checking a notice number
# (offline, `familycard notices check`) needs none of it, and it costs ~10 ms to import.

__all__ = [
    "MAX_OBJECT_ID_LENGTH",
    "SAMPLE_TAX_CODE_CAPACITY",
    "SAMPLE_VAT_NUMBER_CAPACITY",
    "NoticeNumberInfo",
    "PaymentCode",
    "decode_payment_code",
    "encode_qr_payload",
    "make_notice_number",
    "make_tax_code",
    "notice_check_digits",
    "parse_notice_number",
    "sample_tax_code",
    "sample_vat_number",
    "validate_customer_code",
    "validate_email",
    "validate_iban",
    "validate_object_id",
    "validate_pdr",
    "validate_pod",
    "validate_supply_point",
    "validate_tax_code",
    "validate_tax_code_or_vat",
    "validate_vat_number",
]


# --------------------------------------------------------------------------- helpers


def _fail(code: str, message: str, **details: Any) -> NoReturn:
    value = details.get("value")
    if isinstance(value, str) and len(value) > 40:
        details["value"] = value[:40]  # an excerpt: a bad value may be of any length
    raise InvalidInput(message, code=code, details=details)


def _compact(value: object, label: str, code: str) -> str:
    """The value without surrounding or inner whitespace; refuses non-strings."""
    if not isinstance(value, str):
        _fail(code, f"{label} must be a string, got {type(value).__name__}")
    compact = "".join(value.split())
    if not compact:
        _fail(code, f"{label} is empty")
    return compact


#: The longest id of a portal's object that is sent (the portals' ids are far shorter).
MAX_OBJECT_ID_LENGTH = 200


def validate_object_id(value: object, what: str = "id") -> str:
    """The id of a portal's object, checked to stand as one URL path segment (`invalid_id`).

    Refused: a non-string, an empty id, `.` and `..` (a URL resolves them as dot
    segments: the request would reach another endpoint), an id longer than
    `MAX_OBJECT_ID_LENGTH`, and one with a character that does not print (a control
    character, or the surrogate escape of a byte that was not UTF-8).  Any other
    character is kept, to be percent-encoded by the caller.
    """
    if not isinstance(value, str):
        _fail("invalid_id", f"{what} must be a string, got {type(value).__name__}")
    from .rules.bounds import excerpt

    shown = excerpt(value)
    if value in ("", ".", ".."):
        _fail("invalid_id", f"{what} {shown} is not an id", field=what)
    if len(value) > MAX_OBJECT_ID_LENGTH:
        _fail(
            "invalid_id",
            f"{what} {shown} is too long: {len(value)} characters, at most {MAX_OBJECT_ID_LENGTH}",
            field=what,
            length=len(value),
        )
    if not value.isprintable():
        _fail("invalid_id", f"{what} {shown} has a character that does not print", field=what)
    return value


def _require_digits(value: str, label: str, length: int, code: str) -> None:
    """Check that `value` is exactly `length` ASCII digits."""
    for position, char in enumerate(value, start=1):
        if char not in "0123456789":
            _fail(
                code,
                f"{label} must contain only digits, got {char!r} at position {position}",
                value=value,
                position=position,
            )
    if len(value) != length:
        _fail(
            code,
            f"{label} must have {length} digits, got {len(value)}",
            value=value,
            expected_length=length,
        )


# --------------------------------------------------------------------------- tax code, VAT

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"
#: Letters that replace digits in a tax code shared by two people (omocodia): L=0 ... V=9.
_OMOCODIA = "LMNPQRSTUV"
_NUMERIC = _DIGITS + _OMOCODIA
#: Month letters of a tax code, January to December.
_MONTHS = "ABCDEHLMPRST"

#: What each of the 16 characters of a personal tax code may be, and what it is.
_TAX_CODE_LAYOUT: tuple[tuple[str, str], ...] = (
    *((_LETTERS, "a letter (surname)"),) * 3,
    *((_LETTERS, "a letter (name)"),) * 3,
    *((_NUMERIC, "a digit of the birth year"),) * 2,
    (_MONTHS, f"a month letter ({' '.join(_MONTHS)})"),
    *((_NUMERIC, "a digit of the birth day"),) * 2,
    (_LETTERS, "the letter of the municipality code"),
    *((_NUMERIC, "a digit of the municipality code"),) * 3,
    (_LETTERS, "the check letter"),
)


def _numeric(chars: str) -> int:
    """The number that tax-code digits stand for, omocodia letters included."""
    return int("".join(str(_NUMERIC.index(c) % 10) for c in chars))


def validate_tax_code(value: str) -> str:
    """The personal codice fiscale, uppercased and without spaces (omocodia variants accepted).

    Raises `InvalidInput` with code `invalid_tax_code`.
    """
    code = "invalid_tax_code"
    number = _compact(value, "tax code", code).upper()
    if len(number) != 16:
        hint = " (11 digits look like a VAT number)" if number.isdigit() else ""
        _fail(
            code,
            f"tax code must have 16 characters, got {len(number)}{hint}",
            value=number,
            expected_length=16,
        )
    for position, (char, (allowed, what)) in enumerate(
        zip(number, _TAX_CODE_LAYOUT, strict=True), start=1
    ):
        if char not in allowed:
            _fail(
                code,
                f"tax code character {position} should be {what}, got {char!r}",
                value=number,
                position=position,
            )
    from stdnum.exceptions import ValidationError
    from stdnum.it import codicefiscale

    expected = codicefiscale.calc_check_digit(number[:15])
    if number[15] != expected:
        _fail(
            code,
            f"tax code check character should be {expected!r}, got {number[15]!r}",
            value=number,
            expected=expected,
            got=number[15],
        )
    day = _numeric(number[9:11])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        _fail(
            code,
            f"tax code birth day must be 01-31 (men) or 41-71 (women), got {day:02d}",
            value=number,
        )
    try:
        codicefiscale.validate(number)  # the birth date must exist, 29 February included
    except ValidationError:
        month = _MONTHS.index(number[8]) + 1
        _fail(
            code,
            f"tax code birth date does not exist: day {day % 40} of month {month}",
            value=number,
        )
    return number


def _vat_compact(value: object) -> str:
    number = _compact(value, "VAT number", "invalid_vat_number").upper()
    if number.startswith("IT"):
        number = number[2:]
    return number


def validate_vat_number(value: str) -> str:
    """The partita IVA as 11 digits (an `IT` prefix and spaces are removed).

    Raises `InvalidInput` with code `invalid_vat_number`.
    """
    code = "invalid_vat_number"
    number = _vat_compact(value)
    _require_digits(number, "VAT number", 11, code)
    if number[:7] == "0000000":
        _fail(
            code,
            "VAT number's first 7 digits (the taxpayer number) cannot all be zero",
            value=number,
        )
    office = number[7:10]
    if not ("001" <= office <= "100" or office in ("120", "121", "888", "999")):
        _fail(
            code,
            f"VAT number's digits 8-10 (the tax office) must be 001-100, 120, 121, 888 or 999, "
            f"got {office!r}",
            value=number,
        )
    from stdnum import luhn
    from stdnum.exceptions import ValidationError
    from stdnum.it import iva

    expected = luhn.calc_check_digit(number[:10])
    if number[10] != expected:
        _fail(
            code,
            f"VAT number check digit should be {expected!r}, got {number[10]!r}",
            value=number,
            expected=expected,
            got=number[10],
        )
    try:
        iva.validate(number)
    except ValidationError:  # pragma: no cover - the checks above are stdnum's
        _fail(code, "VAT number is not valid", value=number)
    return number


def validate_tax_code_or_vat(value: str) -> str:
    """A tax code or, when the value is digits (optionally after `IT`), a VAT number (R5.1).

    Raises `InvalidInput` with code `invalid_vat_number` or `invalid_tax_code`.
    """
    number = _compact(value, "tax code or VAT number", "invalid_tax_code").upper()
    digits = number[2:] if number.startswith("IT") else number
    if digits.isdigit():
        return validate_vat_number(number)
    return validate_tax_code(number)


# --------------------------------------------------------------------------- e-mail, IBAN

_LABEL_RE = re.compile(r"[A-Za-z0-9-]+")


def validate_email(value: str) -> str:
    """A plausible e-mail address, stripped and lowercased (portals match addresses
    regardless of case: a clerk's `Kovacs.Eva@...` is the parent's `kovacs.eva@...`).

    Pragmatic, not RFC 5322: one `@`, a local part without spaces, a domain of at
    least two dot-separated labels of letters, digits and hyphens, at most 254
    characters in all. Raises `InvalidInput` with code `invalid_email`.
    """
    code = "invalid_email"
    if not isinstance(value, str):
        _fail(code, f"e-mail address must be a string, got {type(value).__name__}")
    address = value.strip()
    if not address:
        _fail(code, "e-mail address is empty")
    if len(address) > 254:
        _fail(code, f"e-mail address must have at most 254 characters, got {len(address)}")
    if any(char.isspace() or not char.isprintable() for char in address):
        _fail(code, "e-mail address must not contain spaces", value=address)
    if address.count("@") != 1:
        _fail(
            code,
            f"e-mail address must contain exactly one '@', got {address.count('@')}",
            value=address,
        )
    local, domain = address.split("@")
    if not local:
        _fail(code, "e-mail address has nothing before the '@'", value=address)
    if len(local) > 64:
        _fail(
            code,
            f"e-mail address must have at most 64 characters before the '@', got {len(local)}",
            value=address,
        )
    if not domain:
        _fail(code, "e-mail address has no domain after the '@'", value=address)
    if "." not in domain:
        _fail(
            code,
            f"e-mail domain {domain!r} must contain a dot (like example.it)",
            value=address,
        )
    for label in domain.split("."):
        if not label:
            _fail(code, f"e-mail domain {domain!r} has an empty part", value=address)
        if not _LABEL_RE.fullmatch(label):
            _fail(
                code,
                f"e-mail domain part {label!r} may contain only letters, digits and hyphens",
                value=address,
            )
        if label.startswith("-") or label.endswith("-"):
            _fail(
                code,
                f"e-mail domain part {label!r} must not start or end with a hyphen",
                value=address,
            )
        if len(label) > 63:
            _fail(
                code,
                f"e-mail domain part must have at most 63 characters, got {len(label)}",
                value=address,
            )
    return f"{local.lower()}@{domain.lower()}"


def validate_iban(value: str) -> str:
    """The IBAN in compact form (no spaces, uppercase). Raises code `invalid_iban`."""
    code = "invalid_iban"
    number = _compact(value, "IBAN", code).upper()
    if not number.isascii() or not number.isalnum():
        _fail(code, "IBAN must contain only letters and digits", value=number)
    if len(number) < 5 or not number[:2].isalpha() or not number[2:4].isdigit():
        _fail(
            code,
            "IBAN must start with a 2-letter country code and 2 check digits (like IT51...)",
            value=number,
        )
    from stdnum import iban as _iban
    from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

    country = number[:2]
    expected = _iban.calc_check_digits(number)
    try:  # the structure first, so that a missing digit is not reported as bad check digits
        _iban.validate(country + expected + number[4:])
    except InvalidComponent:
        _fail(code, f"IBAN country code {country!r} is not a known IBAN country", value=number)
    except InvalidChecksum:
        _fail(code, "IBAN account part fails its national check", value=number)
    except ValidationError:
        _fail(
            code,
            f"IBAN does not have the length and format of a {country!r} IBAN "
            f"(got {len(number)} characters)",
            value=number,
        )
    if number[2:4] != expected:
        _fail(
            code,
            f"IBAN check digits should be {expected!r}, got {number[2:4]!r}",
            value=number,
            expected=expected,
            got=number[2:4],
        )
    return number


# --------------------------------------------------------------------------- utility (R5)


def validate_customer_code(value: str) -> str:
    """The utility's customer code: exactly 6 digits (R5.1). Raises `invalid_customer_code`."""
    code = "invalid_customer_code"
    number = _compact(value, "customer code", code)
    _require_digits(number, "customer code", 6, code)
    return number


_POD_EXAMPLE = "IT001E12345678"


def validate_pod(value: str) -> str:
    """An electricity POD: `IT`, 3 digits, `E`, 8 digits (`IT001E12345678`), uppercased.

    Raises `InvalidInput` with code `invalid_supply_point`.
    """
    code = "invalid_supply_point"
    pod = _compact(value, "POD", code).upper()
    form = f"IT + 3 digits + E + 8 digits, like {_POD_EXAMPLE}"
    if len(pod) != 14:
        _fail(code, f"POD must have 14 characters ({form}), got {len(pod)}", value=pod)
    if pod[:2] != "IT":
        _fail(code, f"POD must start with 'IT', got {pod[:2]!r}", value=pod)
    if not (pod[2:5].isascii() and pod[2:5].isdigit()):
        _fail(code, f"POD characters 3-5 must be digits, got {pod[2:5]!r}", value=pod)
    if pod[5] != "E":
        _fail(code, f"POD character 6 must be 'E', got {pod[5]!r}", value=pod)
    if not (pod[6:].isascii() and pod[6:].isdigit()):
        _fail(code, f"POD characters 7-14 must be digits, got {pod[6:]!r}", value=pod)
    return pod


def validate_pdr(value: str) -> str:
    """A gas PDR: exactly 14 digits. Raises `InvalidInput` with code `invalid_supply_point`."""
    code = "invalid_supply_point"
    pdr = _compact(value, "PDR", code)
    _require_digits(pdr, "PDR", 14, code)
    return pdr


def validate_supply_point(value: str, kind: str) -> str:
    """A supply point of the given kind: `"electricity"` (a POD) or `"gas"` (a PDR) (R5.3).

    Raises `InvalidInput`: `invalid_supply_kind` for another kind, else `invalid_supply_point`.
    """
    normalised_kind = kind.strip().lower() if isinstance(kind, str) else kind
    if normalised_kind == "electricity":
        return validate_pod(value)
    if normalised_kind == "gas":
        return validate_pdr(value)
    _fail(
        "invalid_supply_kind",
        f"supply point kind must be 'electricity' or 'gas', got {kind!r}",
        kind=kind,
    )


# --------------------------------------------------------------------------- pagoPA notices

_NOTICE_CODE = "invalid_notice_number"


class NoticeNumberInfo(BaseModel):
    """The parts of a valid 18-digit pagoPA notice number (codice avviso)."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="ignore")

    number: str
    """The 18 digits of the notice number."""
    valid: bool = True
    """Always True: an invalid number raises instead of being returned."""
    aux_digit: int
    """The first digit, which decides the layout: 0, 1, 2 or 3."""
    application_code: str | None = None
    """The 2-digit application code (aux digit 0 only)."""
    segregation_code: str | None = None
    """The 2-digit segregation code of the creditor (aux digit 3 only)."""
    iuv: str
    """The IUV (payment identifier): 15 digits for aux 0, 17 for aux 1, 2 and 3."""
    check_digits: str | None = None
    """The 2 check digits (aux 0, 2 and 3), the first 16 digits mod 93; None for aux 1."""

    @property
    def iuv_base(self) -> str:
        """The IUV without segregation code and check digits (what `make_notice_number` takes)."""
        if self.aux_digit == 1:
            return self.iuv
        if self.aux_digit == 3:
            return self.iuv[2:15]
        return self.iuv[:-2]


def notice_check_digits(first16: str) -> str:
    """The 2 check digits of a notice number: its first 16 digits mod 93, zero-padded."""
    digits = _compact(first16, "notice number's first 16 digits", _NOTICE_CODE)
    _require_digits(digits, "notice number's first 16 digits", 16, _NOTICE_CODE)
    return f"{int(digits) % 93:02d}"


def parse_notice_number(value: str) -> NoticeNumberInfo:
    """Check an 18-digit notice number and split it into its parts (R2.4).

    Layouts by aux digit (the first digit): 0 = application code (2) + IUV base (13)
    + check (2); 1 = IUV (17), no check; 2 = IUV base (15) + check (2); 3 =
    segregation code (2) + IUV base (13) + check (2). Raises `InvalidInput` with
    code `invalid_notice_number`.
    """
    number = _compact(value, "notice number", _NOTICE_CODE)
    _require_digits(number, "notice number", 18, _NOTICE_CODE)
    aux = int(number[0])
    if aux > 3:
        _fail(
            _NOTICE_CODE,
            f"notice number's aux digit (the first digit) must be 0, 1, 2 or 3, got {aux}",
            value=number,
        )
    if aux == 1:
        return NoticeNumberInfo(number=number, aux_digit=1, iuv=number[1:])
    expected = notice_check_digits(number[:16])
    if number[16:] != expected:
        _fail(
            _NOTICE_CODE,
            f"notice number check digits should be {expected!r}, got {number[16:]!r}",
            value=number,
            expected=expected,
            got=number[16:],
        )
    return NoticeNumberInfo(
        number=number,
        aux_digit=aux,
        application_code=number[1:3] if aux == 0 else None,
        segregation_code=number[1:3] if aux == 3 else None,
        iuv=number[3:] if aux == 0 else number[1:],
        check_digits=expected,
    )


def _notice_part(value: str | None, label: str, length: int, aux_digit: int) -> str:
    if value is None:
        _fail(_NOTICE_CODE, f"aux digit {aux_digit} needs the {label}")
    part = _compact(value, label, _NOTICE_CODE)
    _require_digits(part, label, length, _NOTICE_CODE)
    return part


def make_notice_number(
    *,
    aux_digit: int,
    iuv_base: str,
    application_code: str | None = None,
    segregation_code: str | None = None,
) -> str:
    """A valid notice number built from its parts, check digits computed.

    `iuv_base` has 13 digits for aux 0 and 3, 15 for aux 2, 17 for aux 1;
    `application_code` goes with aux 0 only, `segregation_code` with aux 3 only.
    Raises `InvalidInput` with code `invalid_notice_number`.
    """
    if aux_digit not in (0, 1, 2, 3):
        _fail(_NOTICE_CODE, f"aux digit must be 0, 1, 2 or 3, got {aux_digit!r}")
    if application_code is not None and aux_digit != 0:
        _fail(_NOTICE_CODE, f"an application code goes with aux digit 0 only, not {aux_digit}")
    if segregation_code is not None and aux_digit != 3:
        _fail(_NOTICE_CODE, f"a segregation code goes with aux digit 3 only, not {aux_digit}")
    base_length = {0: 13, 1: 17, 2: 15, 3: 13}[aux_digit]
    base = _notice_part(iuv_base, "IUV base", base_length, aux_digit)
    if aux_digit == 1:
        return f"1{base}"
    prefix = ""
    if aux_digit == 0:
        prefix = _notice_part(application_code, "application code", 2, aux_digit)
    elif aux_digit == 3:
        prefix = _notice_part(segregation_code, "segregation code", 2, aux_digit)
    first16 = f"{aux_digit}{prefix}{base}"
    return first16 + notice_check_digits(first16)


# --------------------------------------------------------------------------- pagoPA payment codes

_PAYMENT_CODE = "invalid_payment_code"
#: The largest amount both codes can carry: the postal slip has 10 digits of cents.
_MAX_AMOUNT_CENTS = 9_999_999_999
#: The postal slip's document type for pagoPA notices (TD 896).
_SLIP_DOCUMENT_TYPE = "896"
#: The postal slip's code line: (tag, length, field) in order.
_SLIP_FIELDS: tuple[tuple[str, int, str], ...] = (
    ("18", 18, "notice number"),
    ("12", 12, "postal account"),
    ("10", 10, "amount"),
    ("3", 3, "document type"),
)
_SLIP_LENGTH = sum(len(tag) + length for tag, length, _ in _SLIP_FIELDS)


class PaymentCode(BaseModel):
    """What a payment notice's QR code or postal slip code line says."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="ignore")

    format: Literal["qr", "postal_slip"]
    """Where it was read: the pagoPA QR payload or the postal slip's code line."""
    notice_number: str
    """The 18-digit notice number (codice avviso), check digits verified."""
    creditor_fiscal_code: str | None = None
    """The creditor's 11-digit fiscal code (QR only; the slip does not carry it)."""
    postal_account: str | None = None
    """The postal current account without leading zeros (postal slip only)."""
    amount_cents: int
    """The amount to pay, in euro cents."""

    @property
    def amount(self) -> Decimal:
        """The amount to pay in EUR, exact to the cent (`Decimal("140.40")`)."""
        return Decimal(self.amount_cents).scaleb(-2)


def _inner(err: InvalidInput, field: str) -> NoReturn:
    raise InvalidInput(
        f"payment code {field}: {err.message}",
        code=err.code,
        details={**err.details, "field": field},
    ) from err


def _amount(value: str, where: str) -> int:
    if not value.isascii() or not value.isdigit():
        _fail(_PAYMENT_CODE, f"{where} amount must be a whole number of cents, got {value!r}")
    cents = int(value)
    if not 0 < cents <= _MAX_AMOUNT_CENTS:
        _fail(
            _PAYMENT_CODE,
            f"{where} amount must be between 1 and {_MAX_AMOUNT_CENTS} cents, got {cents}",
        )
    return cents


def _decode_qr(payload: str) -> PaymentCode:
    fields = ["".join(field.split()) for field in payload.split("|")]
    if len(fields) != 5:
        _fail(
            _PAYMENT_CODE,
            "pagoPA QR payload must have 5 fields separated by '|' "
            f"(PAGOPA|002|notice|creditor|amount), got {len(fields)}",
        )
    _, version, notice, creditor, amount = fields
    if version != "002":
        _fail(_PAYMENT_CODE, f"pagoPA QR payload version must be '002', got {version!r}")
    try:
        notice = parse_notice_number(notice).number
    except InvalidInput as err:
        _inner(err, "notice number")
    try:
        creditor = validate_vat_number(creditor)
    except InvalidInput as err:
        _inner(err, "creditor fiscal code")
    return PaymentCode(
        format="qr",
        notice_number=notice,
        creditor_fiscal_code=creditor,
        amount_cents=_amount(amount, "pagoPA QR payload"),
    )


def _decode_slip(payload: str) -> PaymentCode:
    line = "".join(payload.split())
    where = "postal slip code line"
    if not line.isascii() or not line.isdigit():
        _fail(_PAYMENT_CODE, f"{where} must contain only digits")
    if len(line) != _SLIP_LENGTH:
        _fail(_PAYMENT_CODE, f"{where} must have {_SLIP_LENGTH} digits, got {len(line)}")
    values: dict[str, str] = {}
    position = 0
    for tag, length, field in _SLIP_FIELDS:
        got = line[position : position + len(tag)]
        if got != tag:
            _fail(
                _PAYMENT_CODE,
                f"{where} should have tag {tag!r} ({field}) at position {position + 1}, "
                f"got {got!r}",
            )
        position += len(tag)
        values[field] = line[position : position + length]
        position += length
    if values["document type"] != _SLIP_DOCUMENT_TYPE:
        _fail(
            _PAYMENT_CODE,
            f"{where} document type must be {_SLIP_DOCUMENT_TYPE!r} (pagoPA), "
            f"got {values['document type']!r}",
        )
    try:
        notice = parse_notice_number(values["notice number"]).number
    except InvalidInput as err:
        _inner(err, "notice number")
    account = values["postal account"].lstrip("0")
    if not account:
        _fail(_PAYMENT_CODE, f"{where} postal account cannot be all zeros")
    return PaymentCode(
        format="postal_slip",
        notice_number=notice,
        postal_account=account,
        amount_cents=_amount(values["amount"], where),
    )


def decode_payment_code(payload: str) -> PaymentCode:
    """Decode a pagoPA QR payload or a postal slip's data-matrix code line.

    QR: `PAGOPA|002|<18-digit notice>|<11-digit creditor fiscal code>|<cents>`.
    Postal slip: `18<notice>12<12-digit account>10<10-digit cents>3896`, spaces
    allowed anywhere. Raises `InvalidInput`: `invalid_payment_code` for a
    malformed payload, `invalid_notice_number` or `invalid_vat_number` for a bad
    notice number or creditor fiscal code inside it.
    """
    if not isinstance(payload, str):
        _fail(_PAYMENT_CODE, f"payment code must be a string, got {type(payload).__name__}")
    text = payload.strip()
    if not text:
        _fail(_PAYMENT_CODE, "payment code is empty")
    if text.split("|", 1)[0].strip().upper() == "PAGOPA":
        return _decode_qr(text)
    if text.startswith("18"):
        return _decode_slip(text)
    _fail(
        _PAYMENT_CODE,
        "payment code must be a pagoPA QR payload ('PAGOPA|002|...') "
        f"or a postal slip code line ('18...'), got {text[:20]!r}",
    )


def encode_qr_payload(*, notice_number: str, creditor_fiscal_code: str, amount_cents: int) -> str:
    """The pagoPA QR payload `PAGOPA|002|<notice>|<creditor>|<cents>` of a notice.

    The parts are validated and normalised, so `decode_payment_code` returns them
    as given. Raises `InvalidInput` (`invalid_notice_number`, `invalid_vat_number`,
    `invalid_payment_code` for the amount).
    """
    notice = parse_notice_number(notice_number).number
    creditor = validate_vat_number(creditor_fiscal_code)
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        _fail(_PAYMENT_CODE, f"amount must be an int of cents, got {type(amount_cents).__name__}")
    if not 0 < amount_cents <= _MAX_AMOUNT_CENTS:
        _fail(
            _PAYMENT_CODE,
            f"amount must be between 1 and {_MAX_AMOUNT_CENTS} cents, got {amount_cents}",
        )
    return f"PAGOPA|002|{notice}|{creditor}|{amount_cents}"


# --------------------------------------------------------------------------- test data

_VOWELS = "AEIOU"
_CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"
_MUNICIPALITY_RE = re.compile(r"[A-Z][0-9]{3}")


def _letters(text: str) -> str:
    """The letters A-Z of a name, accents removed (`D'Angelò` -> `DANGELO`)."""
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return "".join(c for c in decomposed if c in _LETTERS)


def _name_part(text: str, *, is_name: bool, label: str) -> str:
    letters = _letters(text)
    if not letters:
        _fail("invalid_tax_code", f"{label} must contain at least one letter, got {text!r}")
    consonants = [c for c in letters if c not in _VOWELS]
    if is_name and len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    vowels = [c for c in letters if c in _VOWELS]
    return ("".join(consonants + vowels) + "XXX")[:3]


def make_tax_code(
    *,
    surname: str,
    name: str,
    birth_date: datetime.date,
    female: bool,
    municipality: str = "L304",
) -> str:
    """The codice fiscale of a person, computed by the real algorithm. For test data.

    Surname: its consonants, then its vowels, then `X`, first three. Name: the
    1st, 3rd and 4th consonant when it has four or more, else as the surname.
    Then the year's last two digits, the month letter, the day (plus 40 for
    women), the municipality's cadastral code (`L304` by default) and the check
    letter. Raises `InvalidInput` (`invalid_tax_code`) for a name without
    letters or a municipality code that is not a letter and 3 digits.
    """
    place = municipality.strip().upper()
    if not _MUNICIPALITY_RE.fullmatch(place):
        _fail(
            "invalid_tax_code",
            f"municipality code must be a letter and 3 digits (like L304), got {municipality!r}",
        )
    day = birth_date.day + (40 if female else 0)
    first15 = (
        _name_part(surname, is_name=False, label="surname")
        + _name_part(name, is_name=True, label="name")
        + f"{birth_date.year % 100:02d}{_MONTHS[birth_date.month - 1]}{day:02d}{place}"
    )
    from stdnum.it import codicefiscale

    return first15 + codicefiscale.calc_check_digit(first15)


#: Birth dates of sample tax codes: one century, so that no two share year, month and day.
_SAMPLE_FIRST_DAY = datetime.date(1925, 1, 1)
_SAMPLE_DAYS = (datetime.date(2025, 1, 1) - _SAMPLE_FIRST_DAY).days
#: Cadastral codes of sample birthplaces: Tortona, Rome, Milan, Turin, Naples, Bologna.
_SAMPLE_MUNICIPALITIES = ("L304", "H501", "F205", "L219", "F839", "A944")
_TRIPLES = len(_CONSONANTS) ** 3
#: How many distinct tax codes `sample_tax_code` gives: n runs from 0 to this minus 1.
SAMPLE_TAX_CODE_CAPACITY = _SAMPLE_DAYS * _TRIPLES * _TRIPLES * 2 * len(_SAMPLE_MUNICIPALITIES)
#: Coprime with the capacity (near its golden section): multiplying by it modulo the
#: capacity shuffles the indexes without collisions, so neighbours look unrelated.
_SAMPLE_SHUFFLE = 23_232_695_416_579


def _pronounceable(triple: int) -> str:
    """A made-up name whose three consonants are the base-21 digits of `triple`."""
    c1, rest = divmod(triple, len(_CONSONANTS) ** 2)
    c2, c3 = divmod(rest, len(_CONSONANTS))
    return f"{_CONSONANTS[c1]}a{_CONSONANTS[c2]}e{_CONSONANTS[c3]}i".capitalize()


def sample_tax_code(n: int) -> str:
    """A valid codice fiscale, distinct for each `n` in `range(SAMPLE_TAX_CODE_CAPACITY)`.

    Deterministic: surname, name, birth date, sex and birthplace are derived from
    `n` and passed to `make_tax_code`. For tests, demos and benchmarks; raises
    `ValueError` for `n` outside the range.
    """
    if not 0 <= n < SAMPLE_TAX_CODE_CAPACITY:
        raise ValueError(f"n must be in range(0, {SAMPLE_TAX_CODE_CAPACITY}), got {n}")
    rest = n * _SAMPLE_SHUFFLE % SAMPLE_TAX_CODE_CAPACITY
    rest, days = divmod(rest, _SAMPLE_DAYS)
    rest, name = divmod(rest, _TRIPLES)
    rest, surname = divmod(rest, _TRIPLES)
    place, female = divmod(rest, 2)
    return make_tax_code(
        surname=_pronounceable(surname),
        name=_pronounceable(name),
        birth_date=_SAMPLE_FIRST_DAY + datetime.timedelta(days=days),
        female=bool(female),
        municipality=_SAMPLE_MUNICIPALITIES[place],
    )


#: How many distinct VAT numbers `sample_vat_number` gives: 9,999,999 taxpayers x 100 offices.
SAMPLE_VAT_NUMBER_CAPACITY = 9_999_999 * 100


def sample_vat_number(n: int) -> str:
    """A valid partita IVA, distinct for each `n` in `range(SAMPLE_VAT_NUMBER_CAPACITY)`.

    Deterministic. For tests, demos and benchmarks; raises `ValueError` for `n`
    outside the range.
    """
    if not 0 <= n < SAMPLE_VAT_NUMBER_CAPACITY:
        raise ValueError(f"n must be in range(0, {SAMPLE_VAT_NUMBER_CAPACITY}), got {n}")
    from stdnum import luhn

    office, taxpayer = divmod(n, 9_999_999)
    first10 = f"{taxpayer + 1:07d}{office + 1:03d}"
    return first10 + luhn.calc_check_digit(first10)
