"""`client.notices`: pagoPA payment notices, PSPs, paying a cart; the clerk's issuing.

R2.2-R2.4 (entranext: elevated users only), R4.4-R4.5 (pagoinrete: a cart through a
PSP).  What can be checked without the portal is checked before sending, by the
same functions the portal runs (`familycard.rules.notices`).

Offline helpers that need no client at all: `familycard.identifiers.parse_notice_number`
(check a notice number) and `familycard.rules.notices.decode_payment` (decode a QR
payload or a postal slip's code line).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from .._errors import FamilycardError, InvalidInput
from ..identifiers import parse_notice_number
from ..models._base import Money
from ..models.notices import Notice, NoticeIssueResult, Psp
from ..models.payments import Payment
from ..rules.notices import check_cart, check_method, check_notice_row, check_status_filter
from ._base import Resource, poll

#: Rows sent per bulk request.
BATCH_SIZE = 200
#: The portal marks a response replayed for an idempotency key it has seen.
_REPLAYED_HEADER = "Idempotent-Replayed"


class NoticesResource(Resource):
    """The family's notices and their payment; `issue` and `issue_many` for the clerk."""

    def list(self, *, status: str = "all", member: str | None = None) -> list[Notice]:
        """The notices the family sees: `due`, `paid`, `expired` or `all` (R2.3, R4.4).

        On entranext the credentials must be elevated first (`auth.elevate`), else
        `PermissionDenied` with code `elevation_required`.
        """
        wanted = check_status_filter(status)
        self._client.require("notices")
        params = {"status": wanted, "member": member}
        return self._call_list(Notice, "GET", "/notices", params=params)

    def get(self, number: str) -> Notice:
        """One notice: creditor, subject, amount, due date, status, IUV, slip data."""
        clean = parse_notice_number(number).number
        self._client.require("notices")
        return self._call(Notice, "GET", f"/notices/{clean}")

    def psps(self, method: str) -> builtins.list[Psp]:
        """The PSPs offering a method (`card`, `debit`, `postal`), with their fees (R4.5)."""
        chosen = check_method(method)
        self._client.require("notices")
        return self._call_list(Psp, "GET", "/notices/psps", params={"method": chosen})

    def pay(
        self,
        numbers: Sequence[str],
        *,
        method: str,
        psp: str,
        idempotency_key: str | None = None,
    ) -> Payment:
        """Put notices in a cart and pay it in one payment through a PSP (R4.5).

        Returns the payment awaiting the PSP's page (`checkout_url`); when it
        succeeds every notice of the cart is paid, when it fails none is.  A notice
        paid, expired or in another pending cart refuses the whole cart
        (`notice_already_paid`, `notice_expired`, `notice_in_payment`).  The same
        `idempotency_key` on a retry returns the same payment, never a second one.
        """
        info = self._client.require("notices")
        clean, offer = check_cart(
            numbers,
            method=method,
            psp=psp,
            policy=info.policy,
            currency=info.currency,
        )
        body = {"notices": clean, "method": offer.method, "psp": offer.id}
        response = self._client._core.request(
            "POST", "/notices/pay", json=body, idempotency_key=idempotency_key
        )
        payment = Payment.model_validate_json(response.content)
        if response.headers.get(_REPLAYED_HEADER) == "true":
            # The first answer, stored with the key: its status may have moved on since.
            return self._client.payments.get(payment.id)
        return payment

    def wait(self, payment_id: str, *, timeout: float = 600.0, interval: float = 2.0) -> Payment:
        """Poll the cart's payment until it ends (or `timeout` seconds pass); return it.

        Still `awaiting_payment` on return means the timeout passed first.
        """
        return poll(
            lambda: self._client.payments.get(payment_id),
            lambda p: p.status != "awaiting_payment",
            timeout=timeout,
            interval=interval,
        )

    # The clerk's side (needs a client made with the clerk key) -----------------------

    def issue(
        self,
        *,
        tax_code: str,
        subject: str,
        amount: Money | Decimal | str,
        due_on: date | str,
        expires_on: date | str | None = None,
        institution: str | None = None,
        reference: str | None = None,
        idempotency_key: str | None = None,
    ) -> NoticeIssueResult:
        """Issue one notice to an enrolled child or family (clerk); see `issue_many`.

        The outcome's `status` says whether it was `created` (with its `number`),
        `exists` already, or is `invalid` or `refused` (with the `error`).
        """
        info = self._client.info()
        if isinstance(amount, Money):
            if amount.currency != info.currency:
                raise InvalidInput(
                    f"this portal's notices are in {info.currency}, not {amount.currency}",
                    code="invalid_amount",
                )
            amount = amount.value
        row = {
            "tax_code": tax_code,
            "subject": subject,
            "amount": str(amount),
            "due_on": str(due_on),
            "expires_on": str(expires_on) if expires_on is not None else "",
            "institution": institution or "",
            "reference": reference or "",
        }
        return self.issue_many([row], idempotency_key=idempotency_key)[0]

    def issue_many(
        self, rows: Iterable[Mapping[str, str]], *, idempotency_key: str | None = None
    ) -> builtins.list[NoticeIssueResult]:
        """Issue notices from rows (clerk); each row gets its own outcome.

        Columns: `tax_code` (the child's, or the guardian's for a family notice),
        `subject`, `amount`, `due_on`, and optionally `expires_on`, `institution`,
        `reference`.  Rows are checked locally first (the portal's own rule) and
        invalid ones reported without being sent; a row issued before is `exists`.
        """
        info = self._client.require("notices")
        currency = info.currency
        results: dict[int, NoticeIssueResult] = {}
        batch: builtins.list[tuple[int, dict[str, str]]] = []

        def flush(part: int) -> None:
            if not batch:
                return
            key = f"{idempotency_key}-{part}" if idempotency_key else None
            sent = self._call_list(
                NoticeIssueResult,
                "POST",
                "/clerk/notices",
                json={"rows": [{"row": n, "data": data} for n, data in batch]},
                idempotency_key=key,
            )
            for result in sent:
                results[result.row] = result
            batch.clear()

        part = 0
        for number, row in enumerate(rows, start=1):
            try:
                clean = check_notice_row(info.kind, row, info.policy, currency)
            except FamilycardError as exc:
                results[number] = NoticeIssueResult(
                    row=number,
                    status="invalid",
                    tax_code=(row.get("tax_code") or "").strip() or None,
                    error={"code": exc.code, "message": exc.message},
                )
                continue
            batch.append((number, clean))
            if len(batch) >= BATCH_SIZE:
                flush(part)
                part += 1
        flush(part)
        return [results[n] for n in sorted(results)]
