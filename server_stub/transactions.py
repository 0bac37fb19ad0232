"""The route class every portal route uses: faults, idempotency, one transaction.

For each request, in order: injected latency and errors (faults); then, holding
the store's lock, the idempotency check (keys are per caller: per account, so a
new login keeps them; same key and body: the stored first response; same key,
other body: 409 `idempotency_key_reused`); the handler in a
transaction, committed on success with the idempotent response stored in the same
transaction; last, an injected dropped response, after the commit.  A replayed answer
can be dropped too (the faults apply to every successful change's answer, first or
replayed): a client that runs out of retries then does not know the outcome.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.utils import get_dependant
from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send

from familycard import Conflict, PortalUnavailable
from familycard.models._base import ErrorBody

from . import security
from .state import FaultState, StubState, iso
from .store import Store

__all__ = ["ControlRoute", "SecretRoute", "TxRoute", "error_responses"]

_STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DroppedResponse(Response):
    """Sends the status line and headers, then closes: the client never gets the body."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        # Returning without the body makes the server close the connection mid-response.


def _answered(faults: FaultState, response: Response) -> Response:
    """The answer to a successful change, or, under an injected drop, lost after the commit."""
    if response.status_code >= 400 or not faults.take_drop():
        return response
    return DroppedResponse(
        content=bytes(response.body),
        status_code=response.status_code,
        media_type=response.media_type,
    )


def _scoped_key(store: Store, request: Request, key: str) -> str:
    """The key as stored: scoped to whoever sent it, so two callers never share one.

    The scope is the account behind the session (not the session itself, so the same
    key still matches after logging in again), else the clerk key, else nobody.
    """
    authorization = request.headers.get("Authorization", "")
    # Each portal is its own service: keys never meet across tenants.
    tenant = request.url.path.strip("/").split("/", 1)[0]
    scope = f"{tenant}|anonymous"
    if authorization.lower().startswith("bearer "):
        token_hash = security.digest(authorization.split(" ", 1)[1].strip())
        row = store.one("SELECT account_id FROM sessions WHERE token_hash = ?", (token_hash,))
        who = f"account:{row['account_id']}" if row else f"session:{token_hash}"
        scope = f"{tenant}|{who}"
    elif request.headers.get("X-Clerk-Key"):
        scope = f"{tenant}|clerk:" + security.digest(request.headers["X-Clerk-Key"])
    return hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()


def _fingerprint(request: Request, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.url.path.encode())
    digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


#: Every error status a route may answer, with what it means; the body is always `ErrorBody`.
_ERRORS: dict[int, str] = {
    400: "Invalid input: a malformed request (`invalid_request`) or a value the rules refuse",
    401: "Not authenticated: no session, or an expired one, or wrong credentials",
    403: "Not allowed: the account is not ready (password, terms) or the clerk key is wrong",
    404: "Not found: no such portal or object (or not the caller's)",
    409: "Conflict: an idempotency key reused for another request, or a duplicate",
    422: "Refused by the rules in the current state (a deadline passed, a limit reached)",
    503: "The portal is unavailable (try later; see `Retry-After`)",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses, each with the `ErrorBody` schema."""
    return {
        status: {"model": ErrorBody, "description": _ERRORS[status]} for status in sorted(statuses)
    }


def _dependency_errors(path: str, endpoint: Callable[..., Any]) -> set[int]:
    """The statuses the endpoint's dependencies answer (a session: 401; a clerk key: 403)."""
    from .deps import RAISES  # deps imports the backends, which may use this module

    found: set[int] = set()
    pending = [get_dependant(path=path, call=endpoint)]
    while pending:
        dependant = pending.pop()
        if dependant.call is not None:
            found.update(RAISES.get(dependant.call, ()))
        pending.extend(dependant.dependencies)
    return found


class TxRoute(APIRoute):
    """An APIRoute whose handler runs under faults, idempotency and a transaction.

    Its OpenAPI responses list every error status it may answer (`error_responses`):
    400, 404 and 422 always (validation and the domain's refusals), 409 where a request
    changes state (idempotency keys), 503 where faults apply, and what its dependencies
    answer (401 for a session, 403 for a ready account or the clerk key); a route or a
    router adds the ones its handler raises otherwise (`responses=`).  FastAPI's own 422
    `HTTPValidationError` is never answered (validation errors are 400 `invalid_request`),
    so documenting 422 here also keeps it out of the document.
    """

    faults_apply = True
    #: Whether responses are kept for replay; False where they carry a secret (login).
    remember_responses = True

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = {method.upper() for method in kwargs.get("methods") or ("GET",)}
        statuses = {400, 404, 422} | _dependency_errors(path, endpoint)
        if methods & _STATE_CHANGING:
            statuses.add(409)
        if self.faults_apply:
            statuses.add(503)
        kwargs["responses"] = {**error_responses(*statuses), **(kwargs.get("responses") or {})}
        super().__init__(path, endpoint, **kwargs)

    def replayed(self, request: Request, body: bytes) -> Response | None:
        """How a replayed request is answered from the first response's `body`, where
        what it made has moved on since (a recharge now paid, or ended unpaid): a fresh
        response, None for the stored one, or a refusal.  Runs in a transaction."""
        return None

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()
        faults_apply = self.faults_apply
        remember = self.remember_responses
        replayed = self.replayed if type(self).replayed is not TxRoute.replayed else None

        async def handler(request: Request) -> Response:
            stub: StubState = request.app.state.stub
            faults = stub.faults
            if faults_apply and faults.config.latency_ms:
                await asyncio.sleep(faults.config.latency_ms / 1000)
            if faults_apply and faults.take_error():
                raise PortalUnavailable(
                    "the portal is unavailable (injected fault)",
                    code="fault_injected",
                    details={"retry_after": faults.config.retry_after},
                )
            changing = request.method in _STATE_CHANGING
            key = request.headers.get("Idempotency-Key") if changing else None
            body = await request.body()
            store = stub.store
            async with store.lock:
                fingerprint = _fingerprint(request, body) if key else ""
                if key:
                    key = _scoped_key(store, request, key)
                    stored = store.one("SELECT * FROM idempotency WHERE key = ?", (key,))
                    if stored is not None:
                        if stored["fingerprint"] != fingerprint:
                            raise Conflict(
                                "this idempotency key was used for a different request",
                                code="idempotency_key_reused",
                            )
                        if replayed is not None:
                            store.begin()
                            ok = False
                            try:
                                fresh = replayed(request, bytes(stored["body"]))
                                ok = True
                            finally:
                                store.end(ok=ok)
                            if fresh is not None:
                                fresh.headers["Idempotent-Replayed"] = "true"
                                return _answered(faults, fresh) if faults_apply else fresh
                        replay = Response(
                            content=stored["body"],
                            status_code=stored["status"],
                            media_type=stored["media_type"],
                            headers={"Idempotent-Replayed": "true"},
                        )
                        return _answered(faults, replay) if faults_apply else replay
                store.begin()
                ok = False
                try:
                    response = await original(request)
                    ok = response.status_code < 400
                    if ok and key and remember:
                        store.insert(
                            "idempotency",
                            {
                                "key": key,
                                "fingerprint": fingerprint,
                                "status": response.status_code,
                                "body": bytes(response.body),
                                "media_type": response.media_type,
                                "created_at": iso(stub.clock.now()),
                            },
                        )
                finally:
                    # Whatever happens, the transaction ends: committed only on success.
                    store.end(ok=ok)
            if faults_apply and ok and changing:
                return _answered(faults, response)
            return response

        return handler


class SecretRoute(TxRoute):
    """A route whose response carries a secret (a session token): never stored for replay.

    Repeating such a request is harmless (a second login is just another session).
    """

    remember_responses = False


class ControlRoute(TxRoute):
    """The control API's routes: a transaction, but never injected faults."""

    faults_apply = False
