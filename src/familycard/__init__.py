"""familycard: a typed SDK for Italian and Hungarian family-services portals.

    >>> import familycard
    >>> with familycard.Client("http://127.0.0.1:8000/tortona") as client:  # doctest: +SKIP
    ...     client.portal.info().kind
    'citycard'

Everything public is importable from here; the modules starting with `_` are private.
The client and the models load on first use (`familycard.Client`, `from familycard
import Notice`): importing the package costs only the errors, so a command that needs
one model (or none) pays for that one alone.
"""

from typing import TYPE_CHECKING, Any

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
from ._version import __version__

if TYPE_CHECKING:
    from ._client import Client
    from ._http import RetryPolicy
    from ._stub_control import StubControl
    from .models import (
        Account,
        AccountBalance,
        Ack,
        Attendance,
        AttendanceResult,
        AwaitingRecharge,
        BoardDocument,
        Cancellable,
        Cancellation,
        CancellationOutcome,
        ClockState,
        ConsumedMeal,
        Consumption,
        Document,
        ElevationCode,
        Enrolment,
        EnrolmentResult,
        Faults,
        Finalization,
        Inbox,
        Invoice,
        MealCalendar,
        Measures,
        Member,
        Message,
        MeterReading,
        Money,
        Notice,
        NoticeIssueResult,
        Notification,
        NotificationSettings,
        Order,
        OrderResult,
        OutboxMessage,
        Payment,
        PaymentCodeInfo,
        PortalDay,
        PortalInfo,
        Psp,
        ReadingLog,
        ReadingWindows,
        Recharge,
        RechargeQuote,
        Registration,
        Service,
        Session,
        SupplyDetails,
        SupplyPoint,
        TokenBalance,
    )

__all__ = [
    "Account",
    "AccountBalance",
    "Ack",
    "Attendance",
    "AttendanceResult",
    "AuthenticationFailed",
    "AwaitingRecharge",
    "BoardDocument",
    "Cancellable",
    "Cancellation",
    "CancellationOutcome",
    "Client",
    "ClockState",
    "Conflict",
    "ConsumedMeal",
    "Consumption",
    "Document",
    "ElevationCode",
    "Enrolment",
    "EnrolmentResult",
    "FamilycardError",
    "Faults",
    "Finalization",
    "Inbox",
    "InvalidInput",
    "Invoice",
    "MealCalendar",
    "Measures",
    "Member",
    "Message",
    "MeterReading",
    "Money",
    "NotFound",
    "Notice",
    "NoticeIssueResult",
    "Notification",
    "NotificationSettings",
    "Order",
    "OrderResult",
    "OutboxMessage",
    "Payment",
    "PaymentCodeInfo",
    "PermissionDenied",
    "PortalDay",
    "PortalInfo",
    "PortalUnavailable",
    "Psp",
    "ReadingLog",
    "ReadingWindows",
    "Recharge",
    "RechargeQuote",
    "Registration",
    "RetryPolicy",
    "RuleViolation",
    "Service",
    "Session",
    "StubControl",
    "SupplyDetails",
    "SupplyPoint",
    "TokenBalance",
    "__version__",
]

#: Where the names not imported above live; every other name of `__all__` is a model.
_LAZY = {"Client": "._client", "RetryPolicy": "._http", "StubControl": "._stub_control"}

if not TYPE_CHECKING:  # for mypy, the imports above define every name

    def __getattr__(name: str) -> Any:
        """Import a client class or a model on first access, then keep it here."""
        if name not in __all__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(_LAZY.get(name, ".models"), __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__all__))
