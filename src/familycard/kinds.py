"""The five portal kinds and the features a portal offers, as types.

Both are `StrEnum`s: their values are the strings the portal sends (`GET /v1/portal`)
and the tenant files hold, so `info.kind is PortalKind.ETELKA` and
`Feature.MEALS in info.features` read as what they mean.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Feature", "PortalKind"]


class PortalKind(StrEnum):
    """Which of the five portal kinds a portal is (DOMAIN.md, P1-P5)."""

    CITYCARD = "citycard"
    """P1: a municipal Family & City Card (canteen tokens, card recharges)."""
    ENTRANEXT = "entranext"
    """P2: a municipal services portal with pagoPA notices."""
    ETELKA = "etelka"
    """P3: a Hungarian school-meal portal (orders, cancellations, finalising)."""
    PAGOINRETE = "pagoinrete"
    """P4: the ministry of education's payments portal (pagoPA notices)."""
    UTILITY = "utility"
    """P5: an energy and gas customer area (supply points, meter readings, invoices)."""


class Feature(StrEnum):
    """Something a portal offers; a portal lacking it refuses with `feature_not_supported`."""

    ACCOUNTS = "accounts"
    BOARD = "board"
    CLERK = "clerk"
    CONSUMPTION = "consumption"
    DOCUMENTS = "documents"
    ELEVATION = "elevation"
    INBOX = "inbox"
    INVOICES = "invoices"
    MEALS = "meals"
    MEALS_CONSUMED = "meals_consumed"
    MEASURES = "measures"
    NOTICES = "notices"
    NOTIFICATIONS = "notifications"
    PIN = "pin"
    PROFILE = "profile"
    PROFILE_DELETE = "profile_delete"
    READINGS = "readings"
    RECHARGES = "recharges"
    REMEMBER_ME = "remember_me"
    SUPPLIES = "supplies"
    TERMS_CONSENT = "terms_consent"
    TOKENS = "tokens"
