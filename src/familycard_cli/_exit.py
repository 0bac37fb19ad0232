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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from familycard import FamilycardError

__all__ = [
    "EXIT",
    "MAX_ARGUMENT_CHARS",
    "argv_error",
    "exit_code",
    "input_error",
    "report_error",
    "report_unexpected",
]

#: The longest command-line argument taken: an id, a name, a path are far shorter.
MAX_ARGUMENT_CHARS = 8 * 1024

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


def argv_error(args: Sequence[str]) -> FamilycardError | None:
    """What is wrong with the command line as a whole, before any command parses it.

    An argument longer than `MAX_ARGUMENT_CHARS` is `argument_too_long`; one that is
    not UTF-8 (Python keeps its bytes as surrogate escapes) is `invalid_argument`.
    """
    for position, arg in enumerate(args, start=1):
        problem = None
        if len(arg) > MAX_ARGUMENT_CHARS:
            problem = (
                "argument_too_long",
                f"is too long: {len(arg)} characters, at most {MAX_ARGUMENT_CHARS}",
            )
        elif not arg.isascii():
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                problem = ("invalid_argument", "is not UTF-8 text (write it in UTF-8)")
        if problem is not None:
            from familycard import InvalidInput
            from familycard.rules.bounds import excerpt

            code, what = problem
            return InvalidInput(
                f"argument {position} ({excerpt(arg)}) {what}",
                code=code,
                details={"position": position},
            )
    return None


def input_error(exc: BaseException) -> FamilycardError | None:
    """The input error behind an exception raised by bad input, not by a bug: a URL
    httpx cannot send (`invalid_url`), text that is not Unicode (`invalid_text`), a
    value a model refuses (`invalid_value`), a file that cannot be written or read
    (`file_unusable`).  None for anything else."""
    from familycard import InvalidInput

    httpx = sys.modules.get("httpx")
    if httpx is not None and isinstance(exc, httpx.InvalidURL):
        return InvalidInput(f"not a URL that can be sent: {str(exc)[:80]}", code="invalid_url")
    if isinstance(exc, UnicodeError):
        reason = getattr(exc, "reason", "") or type(exc).__name__
        encoding = getattr(exc, "encoding", None)
        where = f" ({encoding}: {reason})" if encoding else f" ({reason})"
        return InvalidInput(f"text that is not valid Unicode{where}", code="invalid_text")
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and isinstance(exc, pydantic.ValidationError):
        first = exc.errors(include_url=False, include_input=False, include_context=False)
        where = ".".join(str(part) for part in first[0]["loc"]) if first else ""
        what = first[0]["msg"] if first else "invalid"
        more = f" (and {len(first) - 1} more)" if len(first) > 1 else ""
        return InvalidInput(f"{exc.title}: {where[:40]}: {what[:120]}{more}", code="invalid_value")
    if isinstance(exc, OSError) and exc.filename is not None:
        from familycard.rules.bounds import excerpt

        reason = exc.strerror or type(exc).__name__
        return InvalidInput(
            f"cannot use the file {excerpt(str(exc.filename))}: {reason}", code="file_unusable"
        )
    return None


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
