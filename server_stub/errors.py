"""One place maps every error to the portal's JSON error body and HTTP status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from familycard import FamilycardError

__all__ = ["error_response", "install_error_handlers"]


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    """`{"error": {"code", "message", "details"}}` with a status."""
    headers = {}
    if details and details.get("retry_after") is not None:
        headers["Retry-After"] = str(details["retry_after"])
    return JSONResponse(
        {"error": {"code": code, "message": message, "details": details or {}}},
        status_code=status,
        headers=headers,
    )


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FamilycardError)
    return error_response(exc.status, exc.code, exc.message, exc.details)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Only where and what: never the input, which may be a password.
    problems = [
        {
            "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
            "problem": err["msg"],
        }
        for err in exc.errors()
    ]
    first = problems[0] if problems else {"field": "", "problem": "malformed request"}
    message = f"{first['field'] or 'request'}: {first['problem']}"
    return error_response(400, "invalid_request", message, {"problems": problems})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(FamilycardError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
