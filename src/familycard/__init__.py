"""familycard: a typed SDK for Italian and Hungarian family-services portals.

    >>> import familycard
    >>> with familycard.Client("http://127.0.0.1:8000/tortona") as client:  # doctest: +SKIP
    ...     client.portal.info().kind
    'citycard'

Everything public is importable from here; the modules starting with `_` are private.
"""

from ._client import Client
from ._errors import (
    AuthenticationFailed,
    Conflict,
    FamilycardError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PortalUnavailable,
    RuleViolation,
)
from ._http import RetryPolicy
from ._stub_control import StubControl
from ._version import __version__
from .models import (
    Account,
    Ack,
    ClockState,
    ElevationCode,
    EnrolmentResult,
    Faults,
    Money,
    NotificationSettings,
    OutboxMessage,
    Payment,
    PortalInfo,
    Registration,
    Session,
)

__all__ = [
    "Account",
    "Ack",
    "AuthenticationFailed",
    "Client",
    "ClockState",
    "Conflict",
    "ElevationCode",
    "EnrolmentResult",
    "FamilycardError",
    "Faults",
    "InvalidInput",
    "Money",
    "NotFound",
    "NotificationSettings",
    "OutboxMessage",
    "Payment",
    "PermissionDenied",
    "PortalInfo",
    "PortalUnavailable",
    "Registration",
    "RetryPolicy",
    "RuleViolation",
    "Session",
    "StubControl",
    "__version__",
]
