"""The one seam between the SDK and the network: requests, retries, error mapping.

Every request goes through `HttpCore.request`.  State-changing requests carry an
idempotency key, generated once per call when the caller gives none and reused on
every retry, so a retry never applies a change twice.
"""

from __future__ import annotations

import logging
import random
import ssl
import uuid
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
)

from . import _constants as C
from ._errors import FamilycardError, InvalidInput, PortalUnavailable, error_class_for_status
from ._version import __version__

__all__ = ["HttpCore", "RetryPolicy", "describe_response", "not_a_portal"]

log = logging.getLogger("familycard")

_STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _Retryable(Exception):
    """A failed attempt worth retrying: a transport error or a retryable status."""

    def __init__(self, error: FamilycardError, retry_after: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


class RetryPolicy:
    """How many times and how long to retry; the numbers default to `_constants`."""

    def __init__(
        self,
        *,
        max_retries: int = C.MAX_RETRIES,
        initial_delay: float = C.INITIAL_RETRY_DELAY,
        max_delay: float = C.MAX_RETRY_DELAY,
        max_retry_after: float = C.MAX_RETRY_AFTER,
    ) -> None:
        self.max_retries = max_retries
        self.initial_delay = initial_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after

    def wait(self, state: RetryCallState) -> float:
        """The delay before the next attempt: `Retry-After` or backoff."""
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self.max_retry_after)
        # Exponential backoff with "equal jitter": between half and all of the step.
        step = min(self.max_delay, self.initial_delay * 2.0 ** (state.attempt_number - 1))
        return step / 2 + random.uniform(0, step / 2)


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _error_body(response: httpx.Response) -> dict[str, Any] | None:
    """The familycard error body `{"error": {...}}` of a response, if it has one."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error: dict[str, Any] = body["error"]
        return error
    return None


def describe_response(response: httpx.Response) -> str:
    """What answered, in a few words: `HTTP 404 with an HTML page`."""
    kind = response.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    if kind == "text/html":
        what = "an HTML page"
    elif kind == "application/json":
        what = "JSON of another shape"
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body:
            what += f" (keys: {', '.join(sorted(str(k) for k in body)[:5])})"
    else:
        what = f"a {kind[:40]} document"
    return f"HTTP {response.status_code} with {what}"


def stub_tenants(url: str) -> list[dict[str, str]]:
    """The portals a familycard stub at `url`'s origin serves (none when it is no stub)."""
    parts = urlsplit(url)
    try:
        response = httpx.get(f"{parts.scheme}://{parts.netloc}/_stub/tenants", timeout=5)
        body = response.json() if response.is_success else None
    except Exception:  # a diagnosis only: whatever fails, there is nothing to list
        return []
    if not isinstance(body, list):
        return []
    return [
        {k: str(t[k]) for k in ("slug", "kind", "url")}
        for t in body
        if isinstance(t, dict) and {"slug", "kind", "url"} <= t.keys()
    ]


def not_a_portal(portal_url: str, found: str, response: httpx.Response | None) -> InvalidInput:
    """`not_a_portal`: the URL answers, but not as a familycard portal does.

    When it is a familycard stub (its root, or a path under a tenant), the message
    lists the portals it serves and the URL to use.
    """
    message = f"{portal_url} is not a familycard portal: it answered {found}"
    details: dict[str, Any] = {"url": portal_url, "found": found}
    tenants = stub_tenants(portal_url)
    if tenants:
        listed = ", ".join(f"{t['slug']} ({t['kind']})" for t in tenants)
        message += (
            f"; it is a familycard stub serving {listed}: use a tenant's URL, "
            f"e.g. --portal {tenants[0]['url']}"
        )
        details["tenants"] = {t["slug"]: t["url"] for t in tenants}
    return InvalidInput(message, code="not_a_portal", details=details, response=response)


def error_from_response(response: httpx.Response) -> FamilycardError:
    """Map a portal error response to the typed error it stands for."""
    code: str | None = None
    message = f"the portal answered HTTP {response.status_code}"
    details: dict[str, Any] = {}
    err = _error_body(response)
    if err is not None:
        code = err.get("code") if isinstance(err.get("code"), str) else None
        message = str(err.get("message") or message)
        raw = err.get("details")
        details = raw if isinstance(raw, dict) else {}
    cls = error_class_for_status(response.status_code)
    if code == "unknown_portal":
        # The server has no portal at the URL given: the URL is the user's bad input.
        cls = InvalidInput
    return cls(message, code=code, details=details, request=response.request, response=response)


@lru_cache(maxsize=1)
def _verified_tls() -> ssl.SSLContext:
    """One verifying TLS context for every client of the process: loading the CA
    bundle costs ~20 ms, which every new client would otherwise pay again."""
    return httpx.create_ssl_context()


def _tls_for(base_url: str) -> ssl.SSLContext | bool:
    """The TLS setting of a client: verified for https; for a plain-http portal no TLS is
    ever used (requests go to `base_url` only, redirects are not followed), so no CA
    bundle is loaded for it."""
    return _verified_tls() if base_url.lower().startswith("https:") else False


class HttpCore:
    """Sends requests to one portal with retries, keys and typed errors."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = C.DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        #: The portal's URL as the user gave it (the API lives under `/v1`).
        self.portal_url = self.base_url.removesuffix("/v1")
        self.retry = retry or RetryPolicy()
        self._headers: dict[str, str] = {"User-Agent": f"familycard/{__version__}"}
        self._headers.update(headers or {})
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            verify=_tls_for(self.base_url),
        )

    def set_header(self, name: str, value: str | None) -> None:
        """Set (or with None, remove) a header sent with every request."""
        if value is None:
            self._headers.pop(name, None)
        else:
            self._headers[name] = value

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _transport_error(
        self, exc: httpx.TransportError, method: str, headers: Mapping[str, str]
    ) -> PortalUnavailable:
        """A transport failure: unreachable (nothing sent), or no answer after sending."""
        request = getattr(exc, "_request", None)
        key = headers.get(C.IDEMPOTENCY_HEADER)
        details = {"idempotency_key": key} if key else {}
        if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
            return PortalUnavailable(
                f"could not reach the portal at {self.base_url}: {type(exc).__name__}",
                code="portal_unreachable",
                details=details,
                request=request,
            )
        if method in _STATE_CHANGING:
            message = (
                f"no answer from the portal after sending ({type(exc).__name__}): the change "
                f"may have been applied; retry with the same idempotency key {key} to be safe"
            )
        else:
            message = f"no answer from the portal at {self.base_url} ({type(exc).__name__})"
        return PortalUnavailable(message, code="outcome_unknown", details=details, request=request)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """Send a request, retrying what is safe to retry; return the successful response."""
        method = method.upper()
        headers = dict(self._headers)
        if method in _STATE_CHANGING:
            headers[C.IDEMPOTENCY_HEADER] = idempotency_key or uuid.uuid4().hex
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        #: A change sent whose answer never came: once one attempt lost its answer, the
        #: outcome stays unknown whatever the later attempts answer short of success.
        lost: list[PortalUnavailable] = []

        def unknown_after(last: FamilycardError) -> PortalUnavailable:
            """An earlier attempt lost its answer and may have been applied: say so."""
            unknown = lost[-1]
            return PortalUnavailable(
                unknown.message,
                code="outcome_unknown",
                details={**unknown.details, "cause": last.code},
                request=unknown.request,
            )

        def attempt() -> httpx.Response:
            try:
                response = self._http.request(
                    method, path, json=json, params=clean_params, headers=headers
                )
            except httpx.TransportError as exc:
                unanswered = self._transport_error(exc, method, headers)
                if method in _STATE_CHANGING and unanswered.code == "outcome_unknown":
                    lost.append(unanswered)
                raise _Retryable(unanswered, None) from exc
            if response.is_success:
                return response
            response.read()
            status = response.status_code
            if status < 500 and status not in C.RETRYABLE_STATUSES and not _error_body(response):
                # Not a familycard error: the URL is not a portal (a web page, a proxy).
                raise not_a_portal(self.portal_url, describe_response(response), response)
            error = error_from_response(response)
            if response.status_code in C.RETRYABLE_STATUSES:
                retry_after = _parse_retry_after(response.headers.get("Retry-After"))
                if retry_after is not None and retry_after > self.retry.max_retry_after:
                    # Later than we wait: say when, rather than hold the caller.
                    error.details.setdefault("retry_after", round(retry_after))
                    raise unknown_after(error) if lost else error
                raise _Retryable(error, retry_after)
            raise error

        def log_retry(state: RetryCallState) -> None:
            outcome = state.outcome
            exc = outcome.exception() if outcome is not None else None
            delay = state.next_action.sleep if state.next_action else 0.0
            log.debug(
                "retrying %s %s after %s (attempt %d, waiting %.2fs)",
                method,
                path,
                exc,
                state.attempt_number,
                delay,
            )

        retrying = Retrying(
            stop=stop_after_attempt(self.retry.max_retries + 1),
            wait=self.retry.wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            before_sleep=log_retry,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _Retryable as final:
            log.debug(
                "giving up on %s %s after %d attempts", method, path, self.retry.max_retries + 1
            )
            last = final.error
            last = last if not lost or last.code == "outcome_unknown" else unknown_after(last)
            error = (
                last
                if isinstance(last, PortalUnavailable)
                else PortalUnavailable(
                    last.message,
                    code=last.code,
                    details=last.details,
                    request=last.request,
                    response=last.response,
                )
            )
            error.details.setdefault("attempts", self.retry.max_retries + 1)
            raise error from None
