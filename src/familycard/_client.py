"""`Client`: one portal, its resource namespaces attached lazily."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Self

import httpx

from . import _constants as C
from ._errors import InvalidInput
from ._http import HttpCore, RetryPolicy
from .models.portal import PortalInfo

if TYPE_CHECKING:
    from .resources.auth import AuthResource
    from .resources.balances import BalancesResource
    from .resources.board import BoardResource
    from .resources.clerk import ClerkResource
    from .resources.consumption import ConsumptionResource
    from .resources.documents import DocumentsResource
    from .resources.inbox import InboxResource
    from .resources.invoices import InvoicesResource
    from .resources.meals import MealsResource
    from .resources.meals_consumed import MealsConsumedResource
    from .resources.members import MembersResource
    from .resources.notices import NoticesResource
    from .resources.payments import PaymentsResource
    from .resources.portal import PortalResource
    from .resources.profile import ProfileResource
    from .resources.readings import ReadingsResource
    from .resources.recharges import RechargesResource
    from .resources.services import ServicesResource
    from .resources.supplies import SuppliesResource
    from .resources.tokens import TokensResource

__all__ = ["Client", "check_portal_url"]

#: The longest portal URL accepted.
MAX_PORTAL_URL = 2000


def check_portal_url(url: str) -> str:
    """A portal's URL, `http(s)://host[:port]/tenant`, without a trailing slash.

    Refused before anything is sent (`invalid_portal_url`): another scheme, no host,
    a port out of range, a query, a fragment or credentials in it, or a malformed URL.
    """
    from urllib.parse import urlsplit

    from ._errors import InvalidInput

    text = url.strip() if isinstance(url, str) else ""
    shown = text if len(text) <= 80 else text[:77] + "..."

    def refuse(why: str) -> InvalidInput:
        return InvalidInput(
            f"not a portal URL: {shown!r} ({why}; write it as http://127.0.0.1:8000/tortona)",
            code="invalid_portal_url",
        )

    if not text:
        raise refuse("it is empty")
    if len(text) > MAX_PORTAL_URL:
        raise refuse(f"longer than {MAX_PORTAL_URL} characters")
    if not text.isprintable() or any(c.isspace() for c in text):
        raise refuse("it has spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise refuse(str(exc).lower()) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise refuse("only http:// and https:// portals exist")
    if not parts.hostname:
        raise refuse("it names no host")
    if port == 0:
        raise refuse("port 0 is not a port one can reach")
    if parts.username is not None or parts.password is not None:
        shown = f"{parts.scheme}://…@{parts.hostname}"  # never echo a password
        raise refuse("credentials never go in the URL")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise refuse("a portal URL has no query or fragment")
    return text.rstrip("/")


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
        self.portal_url = check_portal_url(portal_url)
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

    @cached_property
    def notices(self) -> NoticesResource:
        """pagoPA payment notices, PSPs and paying a cart (entranext, pagoinrete)."""
        from .resources.notices import NoticesResource

        return NoticesResource(self)

    @cached_property
    def meals_consumed(self) -> MealsConsumedResource:
        """Meals the children consumed, recorded by the office (entranext)."""
        from .resources.meals_consumed import MealsConsumedResource

        return MealsConsumedResource(self)

    @cached_property
    def services(self) -> ServicesResource:
        """A child's active services, each with its detail (citycard)."""
        from .resources.services import ServicesResource

        return ServicesResource(self)

    @cached_property
    def tokens(self) -> TokensResource:
        """Canteen-token balances and attendance (citycard)."""
        from .resources.tokens import TokensResource

        return TokensResource(self)

    @cached_property
    def recharges(self) -> RechargesResource:
        """Token recharges paid by card, in multiples of five (citycard)."""
        from .resources.recharges import RechargesResource

        return RechargesResource(self)

    @cached_property
    def members(self) -> MembersResource:
        """The members (children) an account manages, with their offer (etelka)."""
        from .resources.members import MembersResource

        return MembersResource(self)

    @cached_property
    def meals(self) -> MealsResource:
        """School meals: calendar, order, finalise and pay, cancel (etelka)."""
        from .resources.meals import MealsResource

        return MealsResource(self)

    @cached_property
    def balances(self) -> BalancesResource:
        """Members' running accounts; the clerk's cash payments and refunds (etelka)."""
        from .resources.balances import BalancesResource

        return BalancesResource(self)

    @cached_property
    def inbox(self) -> InboxResource:
        """The notifications inbox (etelka)."""
        from .resources.inbox import InboxResource

        return InboxResource(self)

    @cached_property
    def board(self) -> BoardResource:
        """The message board; the clerk publishes (etelka)."""
        from .resources.board import BoardResource

        return BoardResource(self)

    @cached_property
    def supplies(self) -> SuppliesResource:
        """The customer's supply points, with technical and contract data (utility)."""
        from .resources.supplies import SuppliesResource

        return SuppliesResource(self)

    @cached_property
    def readings(self) -> ReadingsResource:
        """Meter self-readings: windows, list, submit, delete (utility)."""
        from .resources.readings import ReadingsResource

        return ReadingsResource(self)

    @cached_property
    def invoices(self) -> InvoicesResource:
        """Invoices since 2014 and their PDFs (utility)."""
        from .resources.invoices import InvoicesResource

        return InvoicesResource(self)

    @cached_property
    def documents(self) -> DocumentsResource:
        """The customer's own documents and general documentation (utility)."""
        from .resources.documents import DocumentsResource

        return DocumentsResource(self)

    @cached_property
    def consumption(self) -> ConsumptionResource:
        """Billed consumption per month, and electricity measures (utility)."""
        from .resources.consumption import ConsumptionResource

        return ConsumptionResource(self)

    def info(self) -> PortalInfo:
        """The portal's info, fetched once per client."""
        if self._info is None:
            self._info = self.portal.info()
        return self._info

    def require(self, feature: str) -> PortalInfo:
        """The portal's info, or `feature_not_supported` when it lacks `feature`."""
        info = self.info()
        if not info.has(feature):
            raise InvalidInput(
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
