"""Shared respx helpers for the SDK tests: portal info, error bodies, what was sent.

The fixtures (`portal`, `client`, `sleeps`) are in tests/sdk/conftest.py.

Every SDK test runs against respx, never the network, and never really sleeps: the
autouse `sleeps` fixture records the delays tenacity asks for instead.

    def test_something(portal, client):
        stub_portal_info(portal, "citycard")          # what client.require(...) fetches
        route = portal.get("/tokens").respond(json=[...])
        client.tokens.balances()
"""

from __future__ import annotations

import json
from typing import Any

import respx

import familycard
from familycard import _constants as C
from familycard.rules.accounts import ENROLMENT_COLUMNS, REGISTRATION_FIELDS

PORTAL_URL = "https://portal.test/tortona"
BASE = PORTAL_URL + "/v1"

#: Features and policy numbers per portal kind, as the stub's tenants ship them.
KINDS: dict[str, dict[str, Any]] = {
    "citycard": {
        "name": "Città di Tortona — Family & City Card",
        "currency": "EUR",
        "timezone": "Europe/Rome",
        "features": ["accounts", "clerk", "pin", "tokens", "recharges"],
        "policy": {
            "services": ["mensa", "casa_dei_bambini"],
            "session_idle_minutes": 30,
            "max_failed_logins": 5,
            "lockout_minutes": 15,
            "token_multiple": 5,
            "token_price": "4.50",
            "checkout_ttl_minutes": 15,
            "payments_default_period": "school_year",
            "service_names": {"mensa": "School canteen", "casa_dei_bambini": "Casa dei bambini"},
        },
    },
    "entranext": {
        "name": "Comune di Sala Baganza — Servizi scolastici",
        "currency": "EUR",
        "timezone": "Europe/Rome",
        "features": ["accounts", "clerk", "elevation", "notices", "meals_consumed"],
        "policy": {"session_idle_minutes": 30, "notice_expiry_days": 90, "cart_max_notices": 5},
    },
    "pagoinrete": {
        "name": "Pago In Rete — Ministero dell'Istruzione",
        "currency": "EUR",
        "timezone": "Europe/Rome",
        "features": ["accounts", "clerk", "terms_consent", "notices"],
        "policy": {"session_idle_minutes": 30, "notice_expiry_days": 60, "cart_max_notices": 5},
    },
    "etelka": {
        "name": "Jászberény — ETELKA portál",
        "currency": "HUF",
        "timezone": "Europe/Budapest",
        "features": [
            "accounts",
            "clerk",
            "profile",
            "profile_delete",
            "notifications",
            "remember_me",
            "meals",
            "inbox",
            "board",
        ],
        "policy": {
            "session_idle_minutes": 20,
            "remember_days": 30,
            "notification_locked": ["payment"],
            "cancellation_cutoff": "09:00",
            "order_months_ahead": 2,
            "checkout_ttl_minutes": 30,
        },
    },
    "utility": {
        "name": "Energia Prato — Area clienti",
        "currency": "EUR",
        "timezone": "Europe/Rome",
        "features": [
            "accounts",
            "clerk",
            "profile",
            "supplies",
            "readings",
            "invoices",
            "documents",
            "consumption",
            "measures",
        ],
        "policy": {"session_idle_minutes": 30, "invoices_since": 2014, "measures_max_days": 366},
    },
}


def error_body(code: str, message: str = "refused", **details: Any) -> dict[str, Any]:
    """The portal's JSON error body."""
    return {"error": {"code": code, "message": message, "details": details}}


def portal_info_json(
    kind: str = "citycard",
    *,
    features: list[str] | None = None,
    policy: dict[str, Any] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A valid `GET /portal` body; `policy` entries are merged over the kind's defaults."""
    preset = KINDS[kind]
    info = familycard.PortalInfo(
        tenant="tortona",
        kind=kind,  # type: ignore[arg-type]
        name=preset["name"],
        currency=preset["currency"],
        timezone=preset["timezone"],
        features=list(preset["features"] if features is None else features),
        policy={**preset["policy"], **(policy or {})},
        registration_fields=list(REGISTRATION_FIELDS[kind]),
        enrolment_columns=list(ENROLMENT_COLUMNS[kind]),
    )
    return {**info.model_dump(mode="json"), **overrides}


def stub_portal_info(
    router: respx.MockRouter,
    kind: str = "citycard",
    *,
    features: list[str] | None = None,
    policy: dict[str, Any] | None = None,
) -> respx.Route:
    """Make `GET /portal` answer a PortalInfo of `kind`; return the route."""
    body = portal_info_json(kind, features=features, policy=policy)
    return router.get("/portal").respond(200, json=body)


def sent_json(route: respx.Route) -> Any:
    """The JSON body of the last request a route received."""
    return json.loads(route.calls.last.request.content)


def idempotency_keys(route: respx.Route) -> list[str | None]:
    """The Idempotency-Key header of every call of a route."""
    return [call.request.headers.get(C.IDEMPOTENCY_HEADER) for call in route.calls]
