"""The base of every wire model, and money."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_serializer

__all__ = ["Currency", "ErrorBody", "ErrorInfo", "Money", "RequestModel", "WireModel"]

Currency = Literal["EUR", "HUF"]

#: Minor units per currency: EUR has cents, HUF is counted in whole forints (X5).
_EXPONENT: dict[str, Decimal] = {"EUR": Decimal("0.01"), "HUF": Decimal("1")}


class WireModel(BaseModel):
    """A model the portal sends or receives; the same class on both sides."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="ignore", frozen=True)


class RequestModel(WireModel):
    """A body the portal receives: an unknown (say misspelled) field is refused, not dropped.

    Responses stay `WireModel`s, which ignore unknown fields: a client must tolerate
    fields a newer portal adds, but a portal must not guess what a caller meant.
    """

    model_config = ConfigDict(extra="forbid")


class ErrorInfo(WireModel):
    """What went wrong, in an error response."""

    code: str
    """A stable code (`invalid_request`, `not_authenticated`, `fault_injected`, ...)."""
    message: str
    """A sentence for people; it echoes at most a short excerpt of the input."""
    details: dict[str, Any]
    """Machine-readable facts about the refusal (`retry_after`, `problems`, ...)."""


class ErrorBody(WireModel):
    """The body of every error response: `{"error": {"code", "message", "details"}}`."""

    error: ErrorInfo
    """The error."""


class Money(WireModel):
    """An exact amount of money: `{"value": "140.40", "currency": "EUR"}`, never a float."""

    value: Decimal
    """The amount, exact to the currency's minor unit."""
    currency: Currency
    """ISO 4217 code: EUR (cents) or HUF (whole forints)."""

    @classmethod
    def of(cls, value: Decimal | int | str, currency: Currency) -> Money:
        """Money rounded to the currency's minor unit, refusing floats."""
        if isinstance(value, float):
            raise TypeError("money is never a float")
        return cls(value=Decimal(value).quantize(_EXPONENT[currency]), currency=currency)

    @field_serializer("value")
    def _value_as_string(self, value: Decimal) -> str:
        return str(value.quantize(_EXPONENT[self.currency]))

    def __str__(self) -> str:
        """`EUR 141.30`; HUF (whole forints) groups thousands with a space: `HUF 14 420`."""
        value = self.value.quantize(_EXPONENT[self.currency])
        if self.currency == "HUF":
            return f"HUF {value:,f}".replace(",", " ")
        return f"{self.currency} {value:f}"
