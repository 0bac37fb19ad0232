"""FastAPI dependencies as `Annotated` aliases: the request's portal, session, clerk."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Request

from familycard import AuthenticationFailed, NotFound, PermissionDenied

from .backends import accounts
from .clock import Clock
from .state import Portal, StubState

__all__ = ["ClerkDep", "ClockDep", "PortalDep", "SessionDep", "StubDep", "UserDep"]


def get_stub(request: Request) -> StubState:
    state: StubState = request.app.state.stub
    return state


def get_clock(request: Request) -> Clock:
    return get_stub(request).clock


def get_portal(tenant: str, request: Request) -> Portal:
    stub = get_stub(request)
    if tenant not in stub.config.tenants:
        raise NotFound(
            f"no portal {tenant!r} on this stub (it has: {', '.join(stub.config.tenants)})",
            code="unknown_portal",
        )
    url = f"{str(request.base_url).rstrip('/')}/{tenant}"
    return Portal(tenant=stub.config.tenants[tenant], state=stub, url=url)


StubDep = Annotated[StubState, Depends(get_stub)]
ClockDep = Annotated[Clock, Depends(get_clock)]
PortalDep = Annotated[Portal, Depends(get_portal)]


def _bearer(authorization: str | None) -> str:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise AuthenticationFailed("log in first", code="not_authenticated")
    return authorization.split(" ", 1)[1].strip()


def get_session(
    portal: PortalDep, authorization: Annotated[str | None, Header()] = None
) -> sqlite3.Row:
    """The account of a valid session (the idle timer is reset)."""
    return accounts.authenticate(portal, _bearer(authorization))


def get_user(
    portal: PortalDep, account: Annotated[sqlite3.Row, Depends(get_session)]
) -> sqlite3.Row:
    """The account of a session that may use the portal (password changed, terms accepted)."""
    accounts.require_ready(account)
    return account


def get_clerk(portal: PortalDep, x_clerk_key: Annotated[str | None, Header()] = None) -> Portal:
    """The portal, for a request carrying the clerk key."""
    if not x_clerk_key:
        raise PermissionDenied(
            "clerk commands need the clerk key (FAMILYCARD_CLERK_KEY)", code="clerk_key_required"
        )
    import hmac

    if not hmac.compare_digest(x_clerk_key.encode(), portal.config.clerk_key.encode()):
        raise PermissionDenied("the clerk key is not valid", code="invalid_clerk_key")
    return portal


#: The error statuses each dependency answers, for the OpenAPI document (`transactions`).
RAISES: dict[Callable[..., object], tuple[int, ...]] = {
    get_portal: (404,),
    get_session: (401,),
    get_user: (403,),
    get_clerk: (403,),
}

SessionDep = Annotated[sqlite3.Row, Depends(get_session)]
UserDep = Annotated[sqlite3.Row, Depends(get_user)]
ClerkDep = Annotated[Portal, Depends(get_clerk)]
