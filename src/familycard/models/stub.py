"""The stub server's control API: clock, outbox, faults."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ._base import WireModel

__all__ = ["ClockState", "Faults", "OutboxMessage", "StubTenant"]


class ClockState(WireModel):
    """The stub's one clock."""

    now: datetime
    """The current instant, with offset."""
    frozen: bool
    """True once set: the clock moves only when advanced."""


class OutboxMessage(WireModel):
    """One e-mail the stub would have sent (X1)."""

    id: int
    """Position in the outbox, increasing."""
    tenant: str
    """The portal that sent it."""
    to: str
    """The recipient's address."""
    subject: str
    """The subject line."""
    kind: str
    """Machine name of the e-mail (`pin`, `activation`, `credentials`, ...)."""
    body: str
    """The text a person reads."""
    data: dict[str, Any]
    """The values it carries: `pin`, `link`, `username`, `password`, `code`."""
    sent_at: datetime
    """When, in the stub clock."""


class Faults(WireModel):
    """Faults the stub injects into portal requests (never into `/_stub/`)."""

    error_rate: float = 0.0
    """Fraction of requests answered 503 before doing anything."""
    latency_ms: int = 0
    """Delay added before each request."""
    drop_rate: float = 0.0
    """Fraction of state-changing requests whose response is dropped after committing."""
    fail_next: int = 0
    """The next N requests are answered 503 (deterministic)."""
    drop_next: int = 0
    """The next N state-changing requests commit, then lose their response (deterministic)."""
    retry_after: int | None = None
    """Seconds sent in `Retry-After` with injected 503s."""


class StubTenant(WireModel):
    """One portal a stub serves (`GET /_stub/tenants`)."""

    slug: str
    """The tenant's slug, the last segment of its URL."""
    kind: str
    """Its portal kind."""
    name: str
    """Its display name."""
    url: str
    """The portal URL to give familycard (`--portal`)."""
