"""Wire models, one module per group; re-exported from `familycard`."""

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
from .clerk import EnrolmentResult
from .payments import CardPayment, Payment, PaymentStatus, ReceiptStatus
from .portal import PortalInfo, PortalKind
from .stub import ClockState, Faults, OutboxMessage

__all__ = [
    "Account",
    "Ack",
    "CardPayment",
    "ClockState",
    "Currency",
    "ElevationCode",
    "EnrolmentResult",
    "Faults",
    "Money",
    "NotificationSettings",
    "OutboxMessage",
    "Payment",
    "PaymentStatus",
    "PortalInfo",
    "PortalKind",
    "ProfileUpdate",
    "ReceiptStatus",
    "RegisterRequest",
    "Registration",
    "Session",
    "WireModel",
]
