"""Secrets: the environment first, then the OS keyring, with a bounded wait.

A missing keyring backend, or one that hangs (a locked desktop keyring over D-Bus),
becomes a clear `keyring_unavailable` error, never a traceback or a hang.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from typing import TypeVar

from familycard import AuthenticationFailed

__all__ = ["ENV", "KeyringUnavailable", "SecretStore"]

SERVICE = "familycard"

#: Environment variables that take precedence over the keyring.
ENV = {
    "username": "FAMILYCARD_USERNAME",
    "password": "FAMILYCARD_PASSWORD",
    "pin": "FAMILYCARD_PIN",
    "clerk_key": "FAMILYCARD_CLERK_KEY",
}

T = TypeVar("T")


class KeyringUnavailable(AuthenticationFailed):
    """The OS keyring cannot be used here."""

    default_code = "keyring_unavailable"


def _timeout() -> float:
    try:
        return float(os.environ.get("FAMILYCARD_KEYRING_TIMEOUT", "5"))
    except ValueError:
        return 5.0


def _check_backend() -> None:
    """A backend that refuses (fail) or forgets (null) everything is no keyring."""
    import keyring
    from keyring.backends import fail, null

    backend = keyring.get_keyring()
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        raise KeyringUnavailable(
            f"no usable OS keyring here (the {type(backend).__module__} backend); set "
            "FAMILYCARD_USERNAME and FAMILYCARD_PASSWORD (and FAMILYCARD_PIN) instead, "
            "or install a keyring backend"
        )


def _bounded(fn: Callable[[], T]) -> T:
    """Run a keyring call in a thread and give up after the timeout."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc

    _check_backend()
    thread = threading.Thread(target=target, daemon=True, name="familycard-keyring")
    thread.start()
    thread.join(_timeout())
    if thread.is_alive():
        raise KeyringUnavailable(
            f"the OS keyring did not answer within {_timeout():g}s; set "
            "FAMILYCARD_USERNAME and FAMILYCARD_PASSWORD instead, or unlock the keyring"
        )
    if "error" in box:
        error = box["error"]
        from keyring.errors import KeyringError

        if isinstance(error, (KeyringError, RuntimeError)):
            raise KeyringUnavailable(
                "no usable OS keyring here ("
                + (str(error).splitlines()[0] if str(error) else type(error).__name__)
                + "); set FAMILYCARD_USERNAME and FAMILYCARD_PASSWORD "
                "(and FAMILYCARD_PIN) instead, or install a keyring backend"
            ) from None
        raise error  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


class SecretStore:
    """The secrets of one account on one portal."""

    def __init__(self, portal: str, username: str) -> None:
        self._prefix = f"{portal}|{username}"

    def get(self, name: str) -> str | None:
        """A secret from the keyring (None when absent)."""
        import keyring

        value: str | None = _bounded(
            lambda: keyring.get_password(SERVICE, f"{self._prefix}|{name}")
        )
        return value

    def set(self, name: str, value: str) -> None:
        """Store a secret in the keyring."""
        import keyring

        _bounded(lambda: keyring.set_password(SERVICE, f"{self._prefix}|{name}", value))

    def delete(self, name: str) -> None:
        """Forget a secret (absent is fine)."""
        import keyring
        from keyring.errors import PasswordDeleteError

        def drop() -> None:
            with contextlib.suppress(PasswordDeleteError):
                keyring.delete_password(SERVICE, f"{self._prefix}|{name}")

        _bounded(drop)
