"""`Client`: one portal, its resource namespaces attached lazily."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Self

import httpx

from . import _constants as C
from ._errors import RuleViolation
from ._http import HttpCore, RetryPolicy
from .models.portal import PortalInfo

if TYPE_CHECKING:
    from .resources.auth import AuthResource
    from .resources.clerk import ClerkResource
    from .resources.payments import PaymentsResource
    from .resources.portal import PortalResource
    from .resources.profile import ProfileResource

__all__ = ["Client"]


class Client:
    """A sync client for one portal, e.g. `Client("http://127.0.0.1:8000/tortona")`.

    The portal URL is the tenant's base URL; the API lives under `/v1`.
    """

    def __init__(
        self,
        portal_url: str,
        *,
        session_token: str | None = None,
        clerk_key: str | None = None,
        timeout: float = C.DEFAULT_TIMEOUT,
        max_retries: int = C.MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.portal_url = portal_url.rstrip("/")
        self._core = HttpCore(
            self.portal_url + "/v1",
            timeout=timeout,
            retry=retry_policy or RetryPolicy(max_retries=max_retries),
            transport=transport,
        )
        self._info: PortalInfo | None = None
        self._session_token: str | None = None
        self.session_token = session_token
        if clerk_key is not None:
            self._core.set_header("X-Clerk-Key", clerk_key)

    @property
    def session_token(self) -> str | None:
        """The bearer token of the current session, set by `auth.login`."""
        return self._session_token

    @session_token.setter
    def session_token(self, token: str | None) -> None:
        self._session_token = token
        self._core.set_header("Authorization", f"Bearer {token}" if token else None)

    @cached_property
    def portal(self) -> PortalResource:
        """The portal's kind, policy and features."""
        from .resources.portal import PortalResource

        return PortalResource(self)

    @cached_property
    def auth(self) -> AuthResource:
        """Registration, login, credential recovery."""
        from .resources.auth import AuthResource

        return AuthResource(self)

    @cached_property
    def profile(self) -> ProfileResource:
        """The user's own data and notification settings."""
        from .resources.profile import ProfileResource

        return ProfileResource(self)

    @cached_property
    def clerk(self) -> ClerkResource:
        """The clerk's office: enrolment, credentials, elevation codes."""
        from .resources.clerk import ClerkResource

        return ClerkResource(self)

    @cached_property
    def payments(self) -> PaymentsResource:
        """Payments made, and their receipts."""
        from .resources.payments import PaymentsResource

        return PaymentsResource(self)

    def info(self) -> PortalInfo:
        """The portal's info, fetched once per client."""
        if self._info is None:
            self._info = self.portal.info()
        return self._info

    def require(self, feature: str) -> PortalInfo:
        """The portal's info, or `feature_not_supported` when it lacks `feature`."""
        info = self.info()
        if not info.has(feature):
            raise RuleViolation(
                f"the {info.kind} portal {info.name!r} does not offer {feature}",
                code="feature_not_supported",
                details={"feature": feature, "kind": info.kind},
            )
        return info

    def close(self) -> None:
        """Close the connections."""
        self._core.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client({self.portal_url!r})"
