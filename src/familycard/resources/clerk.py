"""`client.clerk`: the office's side (needs the clerk key)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .._errors import FamilycardError
from ..identifiers import validate_tax_code
from ..models.accounts import Ack, ElevationCode
from ..models.clerk import EnrolmentResult
from ..rules.accounts import check_enrolment_row
from ._base import Resource

#: Rows sent per bulk request.
BATCH_SIZE = 200


class ClerkResource(Resource):
    """Enrolment, credential regeneration, elevation codes."""

    def enroll(
        self, row: Mapping[str, str], *, idempotency_key: str | None = None
    ) -> EnrolmentResult:
        """Enrol one row (columns per portal kind: `PortalInfo.enrolment_columns`)."""
        return self.enroll_many([row], idempotency_key=idempotency_key)[0]

    def enroll_many(
        self, rows: Iterable[Mapping[str, str]], *, idempotency_key: str | None = None
    ) -> list[EnrolmentResult]:
        """Enrol rows; each row gets its own outcome, a bad row never loses the others.

        Rows are checked locally first (same rules as the portal); invalid ones
        are reported as `invalid` without being sent.
        """
        info = self._client.info()
        results: dict[int, EnrolmentResult] = {}
        batch: list[tuple[int, dict[str, str]]] = []
        number = 0

        def flush(part: int) -> None:
            if not batch:
                return
            key = f"{idempotency_key}-{part}" if idempotency_key else None
            sent = self._call_list(
                EnrolmentResult,
                "POST",
                "/clerk/enrolments",
                json={"rows": [{"row": n, "data": data} for n, data in batch]},
                idempotency_key=key,
            )
            for result in sent:
                results[result.row] = result
            batch.clear()

        part = 0
        for number, row in enumerate(rows, start=1):
            try:
                clean = check_enrolment_row(info.kind, row, info.policy)
            except FamilycardError as exc:
                results[number] = EnrolmentResult(
                    row=number, status="invalid", error={"code": exc.code, "message": exc.message}
                )
                continue
            batch.append((number, clean))
            if len(batch) >= BATCH_SIZE:
                flush(part)
                part += 1
        flush(part)
        return [results[n] for n in sorted(results)]

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
