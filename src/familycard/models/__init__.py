"""Wire models, one module per group; re-exported from `familycard`.

Each group's module is imported on first access to one of its names (`_GROUPS`), so
that a command pays for the models it uses, not for all of them.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._base import Currency, Money, WireModel
    from .accounts import (
        Account,
        Ack,
        ElevationCode,
        NotificationSettings,
        ProfileUpdate,
        RegisterRequest,
        Registration,
        Session,
    )
    from .clerk import Enrolment, EnrolmentResult
    from .meals import (
        AccountBalance,
        BoardDocument,
        Cancellable,
        Cancellation,
        CancellationOutcome,
        Finalization,
        Inbox,
        MealCalendar,
        Member,
        Message,
        Notification,
        Order,
        OrderResult,
    )
    from .notices import (
        ConsumedMeal,
        Creditor,
        Notice,
        NoticeIssueResult,
        NoticeSlip,
        NoticeStatus,
        PaymentCodeInfo,
        PaymentMethod,
        Psp,
    )
    from .payments import CardPayment, Payment, PaymentStatus, ReceiptStatus
    from .portal import DayKind, PortalDay, PortalInfo, PortalKind
    from .stub import ClockState, Faults, OutboxMessage, StubTenant
    from .tokens import (
        Attendance,
        AttendanceResult,
        AwaitingRecharge,
        Recharge,
        RechargeQuote,
        RechargeStatus,
        Service,
        TokenBalance,
    )
    from .utility import (
        Consumption,
        ContractData,
        Document,
        DocumentCategory,
        Invoice,
        Measure,
        Measures,
        MeterReading,
        MonthlyConsumption,
        ReadingLog,
        ReadingStatus,
        ReadingSubmission,
        ReadingWindow,
        ReadingWindows,
        SupplyDetails,
        SupplyKind,
        SupplyPoint,
        TechnicalData,
        TimeBand,
    )

__all__ = [
    "Account",
    "AccountBalance",
    "Ack",
    "Attendance",
    "AttendanceResult",
    "AwaitingRecharge",
    "BoardDocument",
    "Cancellable",
    "Cancellation",
    "CancellationOutcome",
    "CardPayment",
    "ClockState",
    "ConsumedMeal",
    "Consumption",
    "ContractData",
    "Creditor",
    "Currency",
    "DayKind",
    "Document",
    "DocumentCategory",
    "ElevationCode",
    "Enrolment",
    "EnrolmentResult",
    "Faults",
    "Finalization",
    "Inbox",
    "Invoice",
    "MealCalendar",
    "Measure",
    "Measures",
    "Member",
    "Message",
    "MeterReading",
    "Money",
    "MonthlyConsumption",
    "Notice",
    "NoticeIssueResult",
    "NoticeSlip",
    "NoticeStatus",
    "Notification",
    "NotificationSettings",
    "Order",
    "OrderResult",
    "OutboxMessage",
    "Payment",
    "PaymentCodeInfo",
    "PaymentMethod",
    "PaymentStatus",
    "PortalDay",
    "PortalInfo",
    "PortalKind",
    "ProfileUpdate",
    "Psp",
    "ReadingLog",
    "ReadingStatus",
    "ReadingSubmission",
    "ReadingWindow",
    "ReadingWindows",
    "ReceiptStatus",
    "Recharge",
    "RechargeQuote",
    "RechargeStatus",
    "RegisterRequest",
    "Registration",
    "Service",
    "Session",
    "StubTenant",
    "SupplyDetails",
    "SupplyKind",
    "SupplyPoint",
    "TechnicalData",
    "TimeBand",
    "TokenBalance",
    "WireModel",
]

#: The module of each group -> the names it exports here.
_GROUPS: dict[str, tuple[str, ...]] = {
    "_base": ("Currency", "Money", "WireModel"),
    "accounts": (
        "Account",
        "Ack",
        "ElevationCode",
        "NotificationSettings",
        "ProfileUpdate",
        "RegisterRequest",
        "Registration",
        "Session",
    ),
    "clerk": ("Enrolment", "EnrolmentResult"),
    "meals": (
        "AccountBalance",
        "BoardDocument",
        "Cancellable",
        "Cancellation",
        "CancellationOutcome",
        "Finalization",
        "Inbox",
        "MealCalendar",
        "Member",
        "Message",
        "Notification",
        "Order",
        "OrderResult",
    ),
    "notices": (
        "ConsumedMeal",
        "Creditor",
        "Notice",
        "NoticeIssueResult",
        "NoticeSlip",
        "NoticeStatus",
        "PaymentCodeInfo",
        "PaymentMethod",
        "Psp",
    ),
    "payments": ("CardPayment", "Payment", "PaymentStatus", "ReceiptStatus"),
    "portal": ("DayKind", "PortalDay", "PortalInfo", "PortalKind"),
    "stub": ("ClockState", "Faults", "OutboxMessage", "StubTenant"),
    "tokens": (
        "Attendance",
        "AttendanceResult",
        "AwaitingRecharge",
        "Recharge",
        "RechargeQuote",
        "RechargeStatus",
        "Service",
        "TokenBalance",
    ),
    "utility": (
        "Consumption",
        "ContractData",
        "Document",
        "DocumentCategory",
        "Invoice",
        "Measure",
        "Measures",
        "MeterReading",
        "MonthlyConsumption",
        "ReadingLog",
        "ReadingStatus",
        "ReadingSubmission",
        "ReadingWindow",
        "ReadingWindows",
        "SupplyDetails",
        "SupplyKind",
        "SupplyPoint",
        "TechnicalData",
        "TimeBand",
    ),
}
_MODULE = {name: module for module, names in _GROUPS.items() for name in names}

if not TYPE_CHECKING:  # for mypy, the imports above define every name

    def __getattr__(name: str) -> Any:
        """Import a model's group on first access to one of its names, then keep it."""
        module = _MODULE.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__all__))
