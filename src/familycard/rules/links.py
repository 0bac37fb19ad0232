"""The single-use links portals e-mail (X1): how they look and how to read one back."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .._errors import InvalidInput

__all__ = ["link_url", "token_from_link"]

_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def link_url(portal_url: str, token: str) -> str:
    """The link a portal puts in an e-mail: `<portal>/links/<token>`."""
    return f"{portal_url.rstrip('/')}/links/{token}"


def token_from_link(link: str) -> str:
    """The token in a link as it appears in an e-mail, or a bare token."""
    text = link.strip().strip("<>")
    parts = urlsplit(text)
    token = text
    if parts.scheme and parts.netloc:
        query = parse_qs(parts.query).get("token")
        token = query[0] if query else parts.path.rstrip("/").rsplit("/", 1)[-1]
    if not token or len(token) > 128 or not set(token) <= _TOKEN_CHARS:
        raise InvalidInput(
            "this does not look like a link from the portal's e-mail", code="invalid_link"
        )
    return token
