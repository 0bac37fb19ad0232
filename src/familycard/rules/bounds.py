"""Bounds every number that enters shares: ids, SQLite's integers, error excerpts.

A number from a person or a request is checked against its range before it reaches a
`Decimal`, a `date` or SQLite; the ranges of a domain (tokens per recharge, months,
amounts) live in its rules module and use these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._errors import InvalidInput

if TYPE_CHECKING:
    from ..models.stub import Faults

__all__ = [
    "EXCERPT_CHARS",
    "MAX_AMOUNT_MINOR_UNITS",
    "MAX_FAULT_COUNT",
    "MAX_INTEGER",
    "MAX_LATENCY_MS",
    "MAX_RETRY_AFTER",
    "check_faults",
    "check_id",
    "excerpt",
    "parse_id",
]

#: The largest integer an id or a count may be: SQLite's (a signed 64-bit integer).
MAX_INTEGER = 2**63 - 1
#: The largest amount one notice, charge, payment or refund may be, in minor units
#: (cents, or forints): 99,999,999.99 EUR.
MAX_AMOUNT_MINOR_UNITS = 9_999_999_999
#: The longest excerpt of a bad input an error message echoes.
EXCERPT_CHARS = 40


def excerpt(value: object) -> str:
    """A bad input as an error message echoes it: its repr, cut to `EXCERPT_CHARS`."""
    text = repr(value)
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 3] + "..."


def parse_id(value: int | str, label: str = "the id", *, code: str = "invalid_id") -> int:
    """A numeric id given as a number or as its ASCII digits (`"12"`), checked by `check_id`."""
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 19):
            raise InvalidInput(
                f"{label} must be a whole number from 1 to {MAX_INTEGER}, not {excerpt(value)}",
                code=code,
            )
        value = int(text)
    return check_id(value, label, code=code)


def check_id(value: int, label: str = "the id", *, code: str = "invalid_id") -> int:
    """A numeric id: a whole number from 1 to `MAX_INTEGER` (what SQLite can hold)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INTEGER:
        raise InvalidInput(
            f"{label} must be a whole number from 1 to {MAX_INTEGER}, not {excerpt(value)}",
            code=code,
        )
    return value


#: The stub's faults: the longest injected delay, the largest counts and `Retry-After`.
MAX_LATENCY_MS = 60_000
MAX_FAULT_COUNT = 1_000_000
MAX_RETRY_AFTER = 3600


def check_faults(faults: Faults) -> Faults:
    """Faults a stub can inject: rates from 0 to 1, a delay up to a minute, bounded counts."""
    for name in ("error_rate", "drop_rate"):
        rate = getattr(faults, name)
        if not 0.0 <= rate <= 1.0:  # NaN fails too
            raise InvalidInput(
                f"{name} is a fraction from 0 to 1, not {excerpt(rate)}", code="invalid_faults"
            )
    limits = {
        "latency_ms": MAX_LATENCY_MS,
        "fail_next": MAX_FAULT_COUNT,
        "drop_next": MAX_FAULT_COUNT,
        "retry_after": MAX_RETRY_AFTER,
    }
    for name, most in limits.items():
        value = getattr(faults, name)
        if value is not None and not 0 <= value <= most:
            raise InvalidInput(
                f"{name} must be from 0 to {most}, not {excerpt(value)}", code="invalid_faults"
            )
    return faults
