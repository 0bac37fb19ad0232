"""One function turns any error into the message, the JSON error and the exit code.

Exit codes (DESIGN.md), by the failure's class, wherever it was found: 0 ok · 1 a bug,
never for input · 2 invalid input: a format, a range, a missing option, a bad URL or
file, or against the portal's published policy (a token count not a multiple of its
`token_multiple`); nothing was sent · 3 authentication or permission · 4 refused by
the portal in its current state (a deadline passed, already paid, a window closed),
whether the portal said so or the SDK knew it · 5 not found · 75 try again later
(the portal unavailable after retries, a receipt not ready yet) · 130 interrupted.
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from familycard import FamilycardError

__all__ = ["EXIT", "exit_code", "report_error", "report_unexpected"]

EXIT = {
    "ok": 0,
    "unexpected": 1,
    "invalid": 2,
    "auth": 3,
    "refused": 4,
    "not_found": 5,
    "unavailable": 75,
    "interrupted": 130,
}

_HINTS = {
    "elevation_required": "raise your credentials first: familycard auth elevate CODE",
    "password_change_required": "familycard auth change-password (new password on stdin)",
    "terms_not_accepted": "familycard auth accept-terms",
    "not_logged_in": "familycard auth login, or set FAMILYCARD_USERNAME and FAMILYCARD_PASSWORD",
    "session_expired": "familycard auth login",
    "pin_required": "set FAMILYCARD_PIN, or give it on the second line with --password-stdin",
}


def exit_code(error: FamilycardError) -> int:
    """The exit code of an SDK error."""
    from familycard import (
        AuthenticationFailed,
        Conflict,
        InvalidInput,
        NotFound,
        PermissionDenied,
        PortalUnavailable,
        RuleViolation,
    )

    if isinstance(error, InvalidInput):
        return EXIT["invalid"]
    if isinstance(error, (RuleViolation, Conflict)):
        return EXIT["refused"]
    if isinstance(error, (AuthenticationFailed, PermissionDenied)):
        return EXIT["auth"]
    if isinstance(error, NotFound):
        return EXIT["not_found"]
    if isinstance(error, PortalUnavailable):
        return EXIT["unavailable"]
    return EXIT["unexpected"]


def _write_err(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def report_error(error: FamilycardError, *, as_json: bool) -> int:
    """Write the error to stderr; return its exit code."""
    if as_json:
        body: dict[str, Any] = {"code": error.code, "message": error.message}
        if error.details:
            body["details"] = error.details
        _write_err(json.dumps({"error": body}, ensure_ascii=False, default=str))
    else:
        _write_err(f"error: {error.message} [{error.code}]")
        from familycard import AuthenticationFailed, PermissionDenied

        # Hints name the next step after login; a refused form has its own message.
        hint = _HINTS.get(error.code)
        if hint and isinstance(error, (AuthenticationFailed, PermissionDenied)):
            _write_err(f"hint: {hint}")
    return exit_code(error)


def report_unexpected(exc: BaseException, *, as_json: bool, verbose: bool) -> int:
    """An error familycard did not expect: a short message, the traceback only with -v."""
    message = f"unexpected error: {type(exc).__name__}: {exc}"
    if as_json:
        _write_err(json.dumps({"error": {"code": "unexpected", "message": message}}))
    else:
        _write_err(message)
    if verbose:
        # The traceback without local variables: they may hold secrets.
        _write_err("".join(traceback.format_exception(exc)).rstrip())
    return EXIT["unexpected"]
