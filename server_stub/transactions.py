"""The route class every portal route uses: faults, idempotency, one transaction.

For each request, in order: injected latency and errors (faults); then, holding
the store's lock, the idempotency check (keys are per caller: per account, so a
new login keeps them; same key and body: the stored first response; same key,
other body: 409 `idempotency_key_reused`); the handler in a
transaction, committed on success with the idempotent response stored in the same
transaction; last, an injected dropped response, after the commit.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send

from familycard import Conflict, PortalUnavailable

from . import security
from .state import StubState, iso
from .store import Store

__all__ = ["ControlRoute", "SecretRoute", "TxRoute"]

_STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DroppedResponse(Response):
    """Sends the status line and headers, then closes: the client never gets the body."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        # Returning without the body makes the server close the connection mid-response.


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


class TxRoute(APIRoute):
    """An APIRoute whose handler runs under faults, idempotency and a transaction."""

    faults_apply = True
    #: Whether responses are kept for replay; False where they carry a secret (login).
    remember_responses = True

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
                                return fresh
                        return Response(
                            content=stored["body"],
                            status_code=stored["status"],
                            media_type=stored["media_type"],
                            headers={"Idempotent-Replayed": "true"},
                        )
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
            if faults_apply and ok and changing and faults.take_drop():
                return DroppedResponse(
                    content=bytes(response.body),
                    status_code=response.status_code,
                    media_type=response.media_type,
                )
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
