"""Enrolling a clerk's file in bulk: rows checked locally, batches sent concurrently.

`client.clerk.enroll_stream` returns an `EnrolmentStream`.  Rows are read one at a time from any
iterable and results come out in the order of the rows, so memory stays flat whatever
the size of the file: what is held is the natural keys seen (to find duplicates inside
the file) and the batches in flight.

- Every row is checked first with the portal's own rules (`check_enrolment_row`); an
  invalid row, or the second row with a natural key seen before, is `invalid` and never
  sent.
- Valid rows go in batches of `batch_size` to `POST /clerk/enrolments`, at most
  `concurrency` requests at a time; the portal enrols each row on its own.
- Each batch has its own idempotency key, `<run key>-<batch number>`, reused on every
  retry of that batch: a lost answer never enrols a row twice.  The run key is the
  caller's `idempotency_key`, else a new random one; either way a row enrolled already
  (by this run or an earlier one) is `exists` on the portal, by its natural key.
- When the portal stays unavailable, the batch's rows are `failed` with the code
  `portal_unavailable` and no further batch is sent: the remaining rows are still
  checked and reported, the valid ones as `failed` (`portal_unavailable`, not sent).
- When the batch was sent and its answer lost after the retries ran out (the SDK's
  `outcome_unknown`), the portal may hold its rows: they are `unknown` (code
  `outcome_unknown`, the batch's key in `details.idempotency_key`), and no further
  batch is sent.  Reconciling is running the same rows again: each row the portal
  holds is `exists` (by its natural key, whatever the run key), the others `created`.
- Interrupted (KeyboardInterrupt), `settle()` drops the batches not started and gives
  the results of those already on their way: every row it reports is committed or not,
  exactly as it says.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from .._errors import (
    AuthenticationFailed,
    FamilycardError,
    InvalidInput,
    PermissionDenied,
    PortalUnavailable,
)
from ..models.clerk import MAX_ENROLMENT_BATCH, EnrolmentResult
from ..rules.accounts import check_enrolment_row, enrolment_key

if TYPE_CHECKING:
    from .clerk import ClerkResource

__all__ = ["BATCH_SIZE", "CONCURRENCY", "EnrolmentStream", "RowInput", "check_row"]

#: Rows sent per bulk request.
BATCH_SIZE = 500
#: Bulk requests in flight at once.
CONCURRENCY = 4
#: The most concurrent requests a run makes.
MAX_CONCURRENCY = 32

#: A row: column name to value, numbered from 1 in the order given; or `(number, row)`
#: where the caller numbers the rows itself (a file's line numbers, say).
RowInput: TypeAlias = Mapping[str, str | None] | tuple[int, Mapping[str, str | None]]


@dataclass
class _Batch:
    """Rows for one request: being filled, sent (a future), or answered without sending."""

    rows: list[tuple[int, dict[str, str], str]] = field(default_factory=list)
    """Number, clean row and natural key of each row."""
    between: list[EnrolmentResult] = field(default_factory=list)
    """Results of rows not sent that came among the batch's rows (invalid ones)."""
    order: list[bool] = field(default_factory=list)
    """For each row that came since the batch's first: True if sent, False if in `between`."""
    future: Future[list[EnrolmentResult]] | None = None
    """The request, once sent."""
    ready: list[EnrolmentResult] | None = None
    """The results, when the batch was not sent (the portal was unavailable)."""


def _failed(
    number: int, key: str | None, code: str, message: str, **details: Any
) -> EnrolmentResult:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return EnrolmentResult(row=number, status="failed", key=key, error=error)


def _canonical(row: Mapping[str, str | None]) -> dict[str, str | None]:
    """Column names as the rules know them: lower case, no surrounding spaces."""
    return {str(k).strip().lower(): v for k, v in row.items() if k is not None}


def check_row(
    kind: str, policy: Mapping[str, Any], number: int, row: Mapping[str, str | None]
) -> EnrolmentResult | dict[str, str]:
    """The row checked and normalised by the portal's rules, or its `invalid` result."""
    try:
        return check_enrolment_row(kind, _canonical(row), policy)
    except FamilycardError as exc:
        error: dict[str, Any] = {"code": exc.code, "message": exc.message}
        if exc.details:
            error["details"] = exc.details
        return EnrolmentResult(row=number, status="invalid", error=error)


class EnrolmentStream(Iterator[EnrolmentResult]):
    """What `client.clerk.enroll_stream` returns: the results, in the order of the rows.

    Iterate it (or use it in a `with` block, which closes it).  After an interrupt,
    `settle()` gives the results of the batches already on their way to the portal.
    """

    def __init__(
        self,
        clerk: ClerkResource,
        rows: Iterable[RowInput],
        *,
        batch_size: int,
        concurrency: int,
        idempotency_key: str | None,
        dry_run: bool,
    ) -> None:
        if not 1 <= batch_size <= MAX_ENROLMENT_BATCH:
            raise InvalidInput(
                f"batch_size must be 1 to {MAX_ENROLMENT_BATCH}, got {batch_size}",
                code="invalid_batch_size",
            )
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise InvalidInput(
                f"concurrency must be 1 to {MAX_CONCURRENCY}, got {concurrency}",
                code="invalid_concurrency",
            )
        self._clerk = clerk
        self._rows = rows
        self._batch_size = batch_size
        self._concurrency = concurrency
        self._run_key = idempotency_key or uuid.uuid4().hex
        self._dry_run = dry_run
        info = clerk._client.info()
        self._kind, self._policy = info.kind, info.policy
        #: Natural key -> the first row that has it.
        self._first: dict[str, int] = {}
        #: Results and batches, in the order of the rows.
        self._queue: deque[EnrolmentResult | _Batch] = deque()
        self._in_flight = 0
        self._parts = 0
        #: Set once the portal stayed unavailable: nothing more is sent.
        self._unavailable: PortalUnavailable | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._results = self._run()

    def __iter__(self) -> EnrolmentStream:
        return self

    def __next__(self) -> EnrolmentResult:
        return next(self._results)

    def __enter__(self) -> EnrolmentStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop: nothing more is sent; wait for the requests on their way."""
        self._results.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def settle(self) -> Iterator[EnrolmentResult]:
        """After an interrupt: drop the batches not started, give the results of the others.

        The results come in order up to the first batch that was never sent; the rows
        after it have no outcome (running the same rows again gives them one).
        """
        for entry in self._queue:
            if isinstance(entry, _Batch) and entry.future is not None:
                entry.future.cancel()
        while self._queue:
            head = self._queue[0]
            if isinstance(head, EnrolmentResult):
                self._queue.popleft()
                yield head
                continue
            if head.ready is not None:
                self._queue.popleft()
                self._queue.extendleft(reversed(head.ready))
                continue
            if head.future is None or head.future.cancelled():
                return
            try:
                results = self._outcome(head)
            except FamilycardError:
                return
            self._resolve(results)

    # The run ------------------------------------------------------------------------

    def _run(self) -> Generator[EnrolmentResult, None, None]:
        # Results wait in the queue behind the batches before them; past this many, the
        # batch being filled leaves early and the run waits for the oldest in flight.
        limit = self._batch_size * (self._concurrency + 1)
        filling: _Batch | None = None
        try:
            for number, row in self._numbered():
                entry = self._check(number, row)
                if isinstance(entry, EnrolmentResult):
                    if filling is None:
                        self._queue.append(entry)
                    else:
                        filling.between.append(entry)
                        filling.order.append(False)
                else:
                    if filling is None:
                        filling = _Batch()
                        self._queue.append(filling)
                    filling.rows.append(entry)
                    filling.order.append(True)
                if filling is not None and (
                    len(filling.rows) >= self._batch_size
                    or len(self._queue) + len(filling.between) > limit
                ):
                    yield from self._send(filling)
                    filling = None
                yield from self._drain(limit=limit)
            if filling is not None:
                yield from self._send(filling)
            yield from self._drain(limit=0)
        finally:
            if self._pool is not None:
                # Batches not started are dropped; those on their way end in their threads.
                self._pool.shutdown(wait=False, cancel_futures=True)

    def _numbered(self) -> Iterator[tuple[int, Mapping[str, str | None]]]:
        for index, item in enumerate(self._rows, start=1):
            if isinstance(item, tuple):
                yield item
            else:
                yield index, item

    def _check(
        self, number: int, raw: Mapping[str, str | None]
    ) -> EnrolmentResult | tuple[int, dict[str, str], str]:
        """A result for a row that is not sent (invalid, duplicate, dry run), else the row."""
        clean = check_row(self._kind, self._policy, number, raw)
        if isinstance(clean, EnrolmentResult):
            return clean
        key = enrolment_key(self._kind, clean)
        first = self._first.setdefault(key, number)
        if first != number:
            return EnrolmentResult(
                row=number,
                status="invalid",
                key=key,
                error={
                    "code": "duplicate_in_file",
                    "message": f"a duplicate of row {first}: the same enrolment",
                    "details": {"first_row": first},
                },
            )
        if self._dry_run:
            return EnrolmentResult(row=number, status="valid", key=key)
        if self._unavailable is not None:
            return _not_sent(number, key)
        return number, clean, key

    # Batches ------------------------------------------------------------------------

    def _send(self, batch: _Batch) -> Iterator[EnrolmentResult]:
        """Send a batch once fewer than `concurrency` are in flight; yield what is ready."""
        while self._in_flight >= self._concurrency:
            yield from self._drain(limit=0, wait_one=True)
        rows = batch.rows
        if self._unavailable is not None:
            batch.ready = self._merge(batch, [_not_sent(number, key) for number, _, key in rows])
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=self._concurrency, thread_name_prefix="familycard-enrol"
            )
        key = f"{self._run_key}-{self._parts}"
        self._parts += 1
        body = {"rows": [{"row": number, "data": clean} for number, clean, _ in rows]}
        batch.future = self._pool.submit(self._post, body, key)
        self._in_flight += 1

    def _post(self, body: dict[str, Any], key: str) -> list[EnrolmentResult]:
        return self._clerk._call_list(
            EnrolmentResult, "POST", "/clerk/enrolments", json=body, idempotency_key=key
        )

    def _drain(self, *, limit: int, wait_one: bool = False) -> Iterator[EnrolmentResult]:
        """Yield the results at the head of the queue that are ready.

        Waits for the batch at the head while more than `limit` entries are queued (0:
        until the queue is empty), or for one batch when `wait_one`.
        """
        while self._queue:
            head = self._queue[0]
            if isinstance(head, EnrolmentResult):
                self._queue.popleft()
                yield head
                continue
            if head.ready is not None:
                self._queue.popleft()
                self._queue.extendleft(reversed(head.ready))
                continue
            if head.future is None:
                return  # still being filled
            if not (head.future.done() or wait_one or len(self._queue) > limit):
                return
            self._resolve(self._outcome(head))  # an interrupt while waiting keeps it queued
            wait_one = False

    def _resolve(self, results: list[EnrolmentResult]) -> None:
        """Replace the batch at the head of the queue by its results."""
        batch = self._queue.popleft()
        assert isinstance(batch, _Batch)
        self._in_flight -= 1
        self._queue.extendleft(reversed(self._merge(batch, results)))

    @staticmethod
    def _merge(batch: _Batch, results: list[EnrolmentResult]) -> list[EnrolmentResult]:
        """The batch's results and those of the rows among them, in the order of the rows."""
        sent, between = iter(results), iter(batch.between)
        return [next(sent) if was_sent else next(between) for was_sent in batch.order]

    def _outcome(self, batch: _Batch) -> list[EnrolmentResult]:
        """The results of a sent batch (waiting for it); raise what ends the run."""
        assert batch.future is not None
        try:
            answered = batch.future.result()
        except (AuthenticationFailed, PermissionDenied):
            raise  # a wrong clerk key: no batch can succeed
        except PortalUnavailable as exc:
            self._unavailable = exc
            if exc.code == "outcome_unknown":
                return [_unknown(number, key, exc) for number, _, key in batch.rows]
            message = f"{exc.message}; the row may not be enrolled: run the same file again"
            return [
                _failed(number, key, "portal_unavailable", message, cause=exc.code)
                for number, _, key in batch.rows
            ]
        except FamilycardError as exc:
            return [_failed(number, key, exc.code, exc.message) for number, _, key in batch.rows]
        by_row = {r.row: r for r in answered}
        return [
            by_row.get(number)
            or _failed(number, key, "missing_result", "the portal's answer lacks this row")
            for number, _, key in batch.rows
        ]


def _unknown(number: int, key: str, exc: PortalUnavailable) -> EnrolmentResult:
    """A row sent whose answer was lost: the portal may hold it or not."""
    batch_key = exc.details.get("idempotency_key")
    details = {"idempotency_key": batch_key} if batch_key else {}
    if "cause" in exc.details:
        details["cause"] = exc.details["cause"]
    message = (
        "sent, but the portal's answer was lost: it may hold the row; run the same file "
        "again, and a row it holds is 'exists'"
    )
    error = {"code": "outcome_unknown", "message": message, "details": details}
    return EnrolmentResult(row=number, status="unknown", key=key, error=error)


def _not_sent(number: int, key: str) -> EnrolmentResult:
    return _failed(
        number,
        key,
        "portal_unavailable",
        "not sent: the portal was unavailable; run the same file again",
    )
