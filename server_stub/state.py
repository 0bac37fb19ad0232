"""What one running stub holds: config, store, clock, faults."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from familycard import InvalidInput
from familycard.models.stub import Faults
from familycard.rules.calendar import TenantCalendar

from .clock import Clock
from .config import StubConfig, Tenant
from .store import Store

__all__ = ["Portal", "StubState", "iso"]


def iso(when: datetime) -> str:
    """How instants are stored: ISO 8601 in UTC."""
    return when.isoformat()


class FaultState:
    """The faults in force, and the decisions they lead to."""

    def __init__(self) -> None:
        self.config = Faults()
        self._random = random.Random(0)

    def replace(self, faults: Faults) -> None:
        self.config = faults
        self._random = random.Random(0)

    def take_error(self) -> bool:
        """Whether this request fails with an injected 503."""
        if self.config.fail_next > 0:
            self.config = self.config.model_copy(update={"fail_next": self.config.fail_next - 1})
            return True
        return self._random.random() < self.config.error_rate

    def take_drop(self) -> bool:
        """Whether this committed state-changing request loses its response."""
        if self.config.drop_next > 0:
            self.config = self.config.model_copy(update={"drop_next": self.config.drop_next - 1})
            return True
        return self._random.random() < self.config.drop_rate


@dataclass
class StubState:
    """The stub, as the app holds it."""

    config: StubConfig
    store: Store
    clock: Clock = field(default_factory=Clock)
    faults: FaultState = field(default_factory=FaultState)


@dataclass
class Portal:
    """One request's view of one tenant: what every backend function gets."""

    tenant: Tenant
    state: StubState
    #: The portal's public URL as the client reached it, for links in e-mails.
    url: str

    @property
    def store(self) -> Store:
        return self.state.store

    @property
    def config(self) -> StubConfig:
        return self.state.config

    @property
    def calendar(self) -> TenantCalendar:
        """The working days this portal applies (and publishes)."""
        return self.tenant.calendar

    def now(self) -> datetime:
        """The stub clock."""
        return self.state.clock.now()

    def today(self) -> date:
        """The portal's day by the stub clock, in the portal's timezone."""
        return self.now().astimezone(ZoneInfo(self.tenant.timezone)).date()

    def require(self, feature: str) -> None:
        """Refuse with `feature_not_supported` when the portal lacks a feature."""
        if feature not in self.tenant.features:
            raise InvalidInput(
                f"the {self.tenant.kind} portal {self.tenant.name!r} does not offer "
                f"{feature.replace('_', ' ')}",
                code="feature_not_supported",
                details={"feature": feature, "kind": self.tenant.kind},
            )

    def send_email(self, to: str, subject: str, kind: str, body: str, **data: Any) -> None:
        """Put an e-mail in the outbox (X1), in the request's transaction."""
        self.store.insert(
            "outbox",
            {
                "tenant": self.tenant.slug,
                "to_addr": to,
                "subject": subject,
                "kind": kind,
                "body": body,
                "data": json.dumps(data),
                "sent_at": iso(self.now()),
            },
        )
