"""`StubControl`: the stub server's control API (`/_stub/`), for tests, CI and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self
from urllib.parse import urlsplit

import httpx
from pydantic import TypeAdapter

from ._http import HttpCore, RetryPolicy
from .models.payments import CardPayment, Payment
from .models.stub import ClockState, Faults, OutboxMessage

__all__ = ["StubControl"]


class StubControl:
    """Reset, clock, outbox and faults of a running stub.

    Accepts the server's root URL or any portal URL on it
    (`http://127.0.0.1:8000/tortona` controls `http://127.0.0.1:8000/_stub`).
    """

    def __init__(self, url: str, *, transport: httpx.BaseTransport | None = None) -> None:
        parts = urlsplit(url)
        self.root = f"{parts.scheme}://{parts.netloc}"
        self._core = HttpCore(
            self.root + "/_stub", retry=RetryPolicy(max_retries=1), transport=transport
        )

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._core.request(method, path, **kwargs).json()

    def reset(self, *, seed: str | None = None) -> None:
        """Empty every tenant (and load a seed such as `demo`); the clock runs free again."""
        self._core.request("POST", "/reset", json={"seed": seed})

    def clock(self) -> ClockState:
        """The stub's clock."""
        return ClockState.model_validate(self._json("GET", "/clock"))

    def set_clock(self, when: datetime | str) -> ClockState:
        """Freeze the clock at an instant (ISO 8601 with offset)."""
        value = when.isoformat() if isinstance(when, datetime) else when
        return ClockState.model_validate(self._json("POST", "/clock", json={"set": value}))

    def advance_clock(self, duration: str) -> ClockState:
        """Move the clock forward by a duration such as `30m`, `72h`, `2d`."""
        return ClockState.model_validate(self._json("POST", "/clock", json={"advance": duration}))

    def outbox(self, *, to: str | None = None, tenant: str | None = None) -> list[OutboxMessage]:
        """The e-mails sent so far, oldest first."""
        data = self._json("GET", "/outbox", params={"to": to, "tenant": tenant})
        return TypeAdapter(list[OutboxMessage]).validate_python(data)

    def last_email(self, to: str, *, kind: str | None = None) -> OutboxMessage:
        """The newest e-mail to an address (of a kind); `LookupError` when there is none."""
        for message in reversed(self.outbox(to=to)):
            if kind is None or message.kind == kind:
                return message
        raise LookupError(f"no {kind or ''} e-mail to {to} in the outbox".replace("  ", " "))

    def pay(self, payment_id: str, *, card: str = "4242424242424242") -> Payment:
        """Pay on the stub's card terminal: 4242424242424242 succeeds, 4000000000000002 fails."""
        from .resources._base import segment

        body = CardPayment(card=card).model_dump()
        path = f"/payments/{segment(payment_id, 'payment id')}/pay"
        return Payment.model_validate(self._json("POST", path, json=body))

    def faults(self) -> Faults:
        """The faults in force."""
        return Faults.model_validate(self._json("GET", "/faults"))

    def set_faults(self, faults: Faults) -> Faults:
        """Replace the faults in force (`Faults()` clears them)."""
        from .rules.bounds import check_faults

        check_faults(faults)
        return Faults.model_validate(
            self._json("PUT", "/faults", json=faults.model_dump(mode="json"))
        )

    def close(self) -> None:
        """Close the connections."""
        self._core.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
