"""The errors familycard raises, one tree shared by the SDK and the stub server.

    FamilycardError          any error; carries `code`, `message`, `details`
    ├── InvalidInput         malformed input (a bad tax code, a missing field)     HTTP 400
    ├── AuthenticationFailed wrong credentials, expired session, locked account    HTTP 401
    ├── PermissionDenied     known caller, not allowed (clerk key, temp password)  HTTP 403
    ├── NotFound             no such resource                                      HTTP 404
    ├── Conflict             the state forbids it (already registered, key reused) HTTP 409
    ├── RuleViolation        a portal rule refused the request                     HTTP 422
    └── PortalUnavailable    the portal could not be reached or kept failing       HTTP 503

The stub raises these from its rule code and maps each class to its HTTP status;
the SDK maps the status and body `{"error": {"code", "message", "details"}}` back
to the same class.  Rule functions in `familycard.rules` raise them too, so a
rule checked by the SDK before sending fails exactly as the portal would, with
`sent` False: nothing reached the portal.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "AuthenticationFailed",
    "Conflict",
    "FamilycardError",
    "InvalidInput",
    "NotFound",
    "PermissionDenied",
    "PortalUnavailable",
    "RuleViolation",
    "error_class_for_status",
]


class FamilycardError(Exception):
    """Base of every familycard error."""

    status: ClassVar[int] = 500
    default_code: ClassVar[str] = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        request: Any = None,
        response: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details: dict[str, Any] = dict(details or {})
        #: The `httpx.Request` the error came from; None when raised before sending.
        self.request = request
        #: The `httpx.Response`, when the portal answered.
        self.response = response

    @property
    def sent(self) -> bool:
        """Whether the request reached the portal (False for checks made before sending)."""
        return self.response is not None

    def to_body(self) -> dict[str, Any]:
        """The portal's error body for this error."""
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}

    def __str__(self) -> str:
        return f"{self.message} ({self.code})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class InvalidInput(FamilycardError):
    """The input is malformed: nothing was or would be done."""

    status = 400
    default_code = "invalid_input"


class AuthenticationFailed(FamilycardError):
    """Credentials are wrong or missing, the session expired, or the account is locked."""

    status = 401
    default_code = "authentication_failed"


class PermissionDenied(FamilycardError):
    """The caller is known but not allowed to do this."""

    status = 403
    default_code = "permission_denied"


class NotFound(FamilycardError):
    """No such resource on the portal."""

    status = 404
    default_code = "not_found"


class Conflict(FamilycardError):
    """The current state of the portal forbids the request."""

    status = 409
    default_code = "conflict"


class RuleViolation(FamilycardError):
    """A portal rule refused the request; `code` names the rule."""

    status = 422
    default_code = "rule_violation"


class PortalUnavailable(FamilycardError):
    """The portal could not be reached, or kept failing after the retries."""

    status = 503
    default_code = "portal_unavailable"


_BY_STATUS: dict[int, type[FamilycardError]] = {
    cls.status: cls
    for cls in (
        InvalidInput,
        AuthenticationFailed,
        PermissionDenied,
        NotFound,
        Conflict,
        RuleViolation,
        PortalUnavailable,
    )
}


def error_class_for_status(status: int) -> type[FamilycardError]:
    """The error class for an HTTP status (unknown 4xx are invalid input, 5xx unavailable)."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status == 429 or status >= 500:
        return PortalUnavailable
    if 400 <= status < 500:
        return InvalidInput
    return FamilycardError
