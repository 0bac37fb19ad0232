"""The clerk's office: enrolment results."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from ._base import RequestModel, WireModel

__all__ = [
    "MAX_ENROLMENT_BATCH",
    "Enrolment",
    "EnrolmentBatch",
    "EnrolmentPage",
    "EnrolmentResult",
    "EnrolmentRow",
    "EnrolmentStatus",
    "NumberedRow",
]

#: The most rows one `POST /clerk/enrolments` takes.
MAX_ENROLMENT_BATCH = 5000

#: `valid` only in a dry run: the row passed every check and was not sent.  `unknown` only
#: on the client: the row was sent and the answer lost (the portal may hold it).
EnrolmentStatus = Literal["created", "exists", "invalid", "failed", "valid", "unknown"]

#: One row of a clerk's enrolment file, column name to value.
EnrolmentRow = dict[str, str]


class EnrolmentResult(WireModel):
    """The outcome of enrolling one row."""

    row: int
    """The row's number in the input (1 = first data row)."""
    status: EnrolmentStatus
    """`created`, `exists` (nothing changed), `invalid`, `failed`; `valid` in a dry run;
    `unknown` when the answer was lost (`error.details.idempotency_key`: the batch's key)."""
    key: str | None = None
    """The row's natural key on the portal (tax code, e-mail, customer code, ...)."""
    error: dict[str, Any] | None = None
    """For `invalid`, `failed` and `unknown`: `{"code", "message"}` (and `details` where
    there are some)."""


class NumberedRow(RequestModel):
    """One row of a bulk enrolment, with its number in the clerk's file."""

    row: int
    """The row's number (1 = first data row)."""
    data: dict[str, str]
    """Column name to value."""


class EnrolmentBatch(RequestModel):
    """`POST /clerk/enrolments`: rows enrolled in one request, each on its own."""

    rows: list[NumberedRow] = Field(max_length=MAX_ENROLMENT_BATCH)
    """The rows, at most `MAX_ENROLMENT_BATCH` (5,000) per request."""


class Enrolment(WireModel):
    """One enrolment on the portal, as the office lists them."""

    id: int
    """The portal's number for it, increasing in the order of enrolment."""
    key: str
    """Its natural key (see `EnrolmentResult.key`)."""
    data: dict[str, str]
    """The enrolled row, checked and normalised."""
    created_at: datetime
    """When it was enrolled."""


class EnrolmentPage(WireModel):
    """`GET /clerk/enrolments`: one page of the portal's enrolments, oldest first."""

    total: int
    """How many enrolments the portal holds in all."""
    items: list[Enrolment]
    """This page's enrolments."""
    next_after: int | None = None
    """The `after` of the next page; None on the last page."""
