"""`client.clerk`: the office's side (needs the clerk key)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date

from .._errors import InvalidInput
from ..identifiers import validate_tax_code
from ..models.accounts import Ack, ElevationCode
from ..models.clerk import Enrolment, EnrolmentPage, EnrolmentResult
from ..models.tokens import AttendanceRequest, AttendanceResult
from ..rules.tokens import check_service, parse_month
from ._base import Resource
from ._enrolment import (
    BATCH_SIZE,
    CONCURRENCY,
    EnrolmentStream,
    RowInput,
    _failed,
    check_row,
)

__all__ = ["BATCH_SIZE", "CONCURRENCY", "ClerkResource", "EnrolmentStream"]


class ClerkResource(Resource):
    """Enrolment, credential regeneration, elevation codes."""

    def enroll(
        self, row: Mapping[str, str | None], *, idempotency_key: str | None = None
    ) -> EnrolmentResult:
        """Enrol one row (columns per portal kind: `PortalInfo.enrolment_columns`).

        An invalid row is `invalid` without being sent; errors of the request (the
        portal unavailable, a wrong clerk key) are raised.  With `idempotency_key`,
        the request's key is `<idempotency_key>-0`, as the first batch of `enroll_many`.
        """
        info = self._client.info()
        clean = check_row(info.kind, info.policy, 1, row)
        if isinstance(clean, EnrolmentResult):
            return clean
        key = f"{idempotency_key}-0" if idempotency_key else None
        answered = self._call_list(
            EnrolmentResult,
            "POST",
            "/clerk/enrolments",
            json={"rows": [{"row": 1, "data": clean}]},
            idempotency_key=key,
        )
        # As `enroll_stream` reports a row the portal's answer lacks: failed, never a crash.
        return next((r for r in answered if r.row == 1), None) or _failed(
            1, key, "missing_result", "the portal's answer lacks this row"
        )

    def enroll_many(
        self,
        rows: Iterable[RowInput],
        *,
        batch_size: int = BATCH_SIZE,
        concurrency: int = CONCURRENCY,
        idempotency_key: str | None = None,
        dry_run: bool = False,
    ) -> list[EnrolmentResult]:
        """Enrol rows; one result per row, in order; a bad row never loses the others.

        `enroll_stream` as a list, for inputs that fit in memory; see there.
        """
        with self.enroll_stream(
            rows,
            batch_size=batch_size,
            concurrency=concurrency,
            idempotency_key=idempotency_key,
            dry_run=dry_run,
        ) as results:
            return list(results)

    def enroll_stream(
        self,
        rows: Iterable[RowInput],
        *,
        batch_size: int = BATCH_SIZE,
        concurrency: int = CONCURRENCY,
        idempotency_key: str | None = None,
        dry_run: bool = False,
    ) -> EnrolmentStream:
        """Enrol rows as they come; iterate the result for one `EnrolmentResult` per row.

        `rows` is any iterable of mappings (column name to value; names in any case),
        numbered from 1, or of `(number, row)` pairs.  Each row is checked locally first
        (the portal's own rules) and, when invalid or a duplicate of an earlier row's
        natural key, is `invalid` without being sent; the others go in batches of
        `batch_size`, `concurrency` requests at a time, and are `created`, `exists`
        (enrolled already: nothing changes) or `failed`.  Memory stays flat: rows are
        read as the batches leave.  `dry_run` only checks: valid rows are `valid`.

        Each batch's idempotency key is `<idempotency_key>-<n>` (a random run key when
        none is given), reused on every retry.  When the portal stays unavailable,
        nothing more is sent and the rows not enrolled are `failed` with the code
        `portal_unavailable`: running the same rows again finishes the job.
        """
        return EnrolmentStream(
            self,
            rows,
            batch_size=batch_size,
            concurrency=concurrency,
            idempotency_key=idempotency_key,
            dry_run=dry_run,
        )

    def enrolments(self, *, page_size: int = 1000) -> Iterator[Enrolment]:
        """Every enrolment on the portal, oldest first, fetched a page at a time."""
        after = 0
        while True:
            page = self._call(
                EnrolmentPage,
                "GET",
                "/clerk/enrolments",
                params={"after": after, "limit": page_size},
            )
            yield from page.items
            if page.next_after is None:
                return
            after = page.next_after

    def reset_credentials(self, tax_code: str) -> Ack:
        """Regenerate a child's credentials and PIN, e-mailed to the family (R1.4)."""
        return self._call(
            Ack, "POST", "/clerk/reset-credentials", json={"tax_code": validate_tax_code(tax_code)}
        )

    def elevation_code(self, tax_code: str) -> ElevationCode:
        """Issue a credential-elevation code for a family, sent to it too (R2.2)."""
        return self._call(
            ElevationCode,
            "POST",
            "/clerk/elevation-codes",
            json={"tax_code": validate_tax_code(tax_code)},
        )

    def record_attendance(
        self,
        tax_code: str,
        service: str,
        *,
        days: Iterable[date] = (),
        month: str | None = None,
        idempotency_key: str | None = None,
    ) -> AttendanceResult:
        """Record days a child attended a service; each new day consumes one token (R1.7).

        Give `days`, or `month` (`YYYY-MM`) for every school day of it up to today.
        A day recorded already changes nothing.
        """
        info = self._client.require("tokens")
        request = AttendanceRequest(
            tax_code=validate_tax_code(tax_code),
            service=check_service(service, info.policy),
            days=sorted(set(days)),
            month=f"{parse_month(month)[0]:%Y-%m}" if month is not None else None,
        )
        if bool(request.days) == (request.month is not None):
            raise InvalidInput(
                "give the days attended or a month, one of the two", code="days_or_month"
            )
        return self._call(
            AttendanceResult,
            "POST",
            "/clerk/attendance",
            json=request.model_dump(mode="json", exclude_none=True),
            idempotency_key=idempotency_key,
        )
