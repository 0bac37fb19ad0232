"""The clerk's office: enrolment results."""

from __future__ import annotations

from typing import Any, Literal

from ._base import WireModel

__all__ = ["EnrolmentBatch", "EnrolmentResult", "EnrolmentRow", "NumberedRow"]

EnrolmentStatus = Literal["created", "exists", "invalid", "failed"]

#: One row of a clerk's enrolment file, column name to value.
EnrolmentRow = dict[str, str]


class EnrolmentResult(WireModel):
    """The outcome of enrolling one row."""

    row: int
    """The row's number in the input (1 = first data row)."""
    status: EnrolmentStatus
    """`created`, `exists` (nothing changed), `invalid` or `failed`."""
    key: str | None = None
    """The row's natural key on the portal (tax code, e-mail, customer code, ...)."""
    error: dict[str, Any] | None = None
    """For `invalid` and `failed`: `{"code", "message"}`."""


class NumberedRow(WireModel):
    """One row of a bulk enrolment, with its number in the clerk's file."""

    row: int
    """The row's number (1 = first data row)."""
    data: dict[str, str]
    """Column name to value."""


class EnrolmentBatch(WireModel):
    """`POST /clerk/enrolments`: rows enrolled in one request, each on its own."""

    rows: list[NumberedRow]
    """The rows, at most a few thousand per request."""
