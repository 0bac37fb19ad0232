"""Secrets in the stub: passwords and PINs hashed with scrypt, tokens stored as digests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string

__all__ = ["digest", "hash_secret", "new_code", "new_password", "new_pin", "new_token", "verify"]

_R, _P, _DKLEN = 8, 1, 32


def hash_secret(secret: str, *, n: int) -> str:
    """`scrypt$n$salt$hash` for a password or PIN."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${n}${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"


def verify(secret: str, stored: str | None) -> bool:
    """Whether a secret matches its stored hash (constant time)."""
    if not stored:
        return False
    try:
        _, n, salt, key = stored.split("$")
        expected = base64.b64decode(key)
        got = hashlib.scrypt(
            secret.encode(), salt=base64.b64decode(salt), n=int(n), r=_R, p=_P, dklen=_DKLEN
        )
    except ValueError:
        return False
    return hmac.compare_digest(expected, got)


def digest(token: str) -> str:
    """How a bearer token or link token is stored: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A URL-safe random token for sessions and links."""
    return secrets.token_urlsafe(24)


def new_password() -> str:
    """A generated password (temporary or e-mailed)."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(12))


def new_pin() -> str:
    """A 6-digit PIN (citycard, R1.3)."""
    return "".join(secrets.choice(string.digits) for _ in range(6))


def new_code() -> str:
    """An elevation code as printed on payment slips (R2.2): 10 characters in groups."""
    alphabet = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"
