"""What several commands take and give back: days typed by a person, files written whole."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar, overload

import typer

if TYPE_CHECKING:
    from ._output import Output
    from ._state import State

__all__ = [
    "Interval",
    "Timeout",
    "Wait",
    "exit_for_payment",
    "parse_day",
    "save_download",
    "wait_for_payment",
    "whole_number",
    "write_whole",
]

T = TypeVar("T")

#: `--wait`, `--timeout`, `--interval` of the commands that start a checkout.
Wait = Annotated[
    bool,
    typer.Option("--wait", help="Wait until the payment ends (the checkout URL goes to stderr)."),
]
Timeout = Annotated[
    float, typer.Option(min=0, help="With --wait: give up after this many seconds.")
]
Interval = Annotated[float, typer.Option(min=0.1, help="With --wait: seconds between checks.")]


_WHOLE = re.compile(r"[+-]?[0-9]{1,30}")


def whole_number(value: str | int) -> int:
    """An integer option typed by a person: ASCII digits only, with an optional sign.

    Python's int() would also take `1_000`, ` 12 ` or other scripts' digits; a script's
    typo should not buy a thousand tokens.  Anything else is a usage error (exit 2).
    """
    if isinstance(value, int):
        return value
    if not _WHOLE.fullmatch(value):
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise typer.BadParameter(f"not a whole number: {shown!r} (write digits only, e.g. 20)")
    return int(value)


@overload
def parse_day(value: str, flag: str) -> date: ...
@overload
def parse_day(value: None, flag: str) -> None: ...
def parse_day(value: str | None, flag: str) -> date | None:
    """A day given as YYYY-MM-DD; `invalid_date` (exit 2) for anything else."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        from familycard import InvalidInput

        raise InvalidInput(
            f"{flag} wants a day as YYYY-MM-DD, not {value!r}", code="invalid_date"
        ) from None


def write_whole(path: Path, data: bytes) -> None:
    """Write a file so that it is either complete or absent: never half-written."""
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def save_download(out: Output, path: Path, data: bytes, what: str, **ids: str) -> None:
    """Write a downloaded file whole and report it (`{**ids, "file", "bytes"}` with --json)."""
    write_whole(path, data)
    result = {**ids, "file": str(path), "bytes": len(data)}
    out.emit(result, lambda r: out.console.print(f"{what} saved to {r['file']}", markup=False))


def exit_for_payment(state: State, status: str, *, what: str, later: str, unpaid: str) -> None:
    """After --wait: exit 4 when the payment failed or expired, 75 while still awaited.

    `what` names it ("recharge rch_..."), `later` is the command to check again,
    `unpaid` says what a failed payment left as it was.
    """
    from familycard import PortalUnavailable, RuleViolation

    from ._exit import EXIT, report_error

    if status not in ("awaiting_payment", "failed", "expired"):
        return
    if status == "awaiting_payment":
        error: Exception = PortalUnavailable(
            f"{what} is still awaiting payment; check later with: {later}",
            code="payment_pending",
        )
        code = EXIT["unavailable"]
    else:
        reason = "was declined" if status == "failed" else "expired before it was paid"
        error = RuleViolation(f"{what}: the payment {reason}; {unpaid}", code=f"payment_{status}")
        code = EXIT["refused"]
    assert isinstance(error, (PortalUnavailable, RuleViolation))
    report_error(error, as_json=state.as_json)
    raise typer.Exit(code)


def wait_for_payment(
    state: State,
    what: str,
    url: str | None,
    timeout: float,
    poll: Callable[[], T],
    *,
    left: str,
    ids: dict[str, str],
) -> T:
    """--wait: say where a person pays (`pay <what> at: <url>`, on stderr), then poll.

    Ctrl-C while waiting says what it leaves behind (`left`: the payment is still
    open at its URL, and how to check it later; with --json an `interrupted` error
    with `ids` and the URL) and exits 130.
    """
    import json
    import sys

    state.out.err.print(f"pay {what} at: {url}", markup=False, soft_wrap=True)
    state.out.err.print(f"waiting for the payment (up to {timeout:g}s)...")
    try:
        return poll()
    except KeyboardInterrupt:
        message = f"interrupted: {left}"
        if state.as_json:
            details = {**ids, "checkout_url": url}
            body = {"error": {"code": "interrupted", "message": message, "details": details}}
            sys.stderr.write(json.dumps(body, ensure_ascii=False) + "\n")
        else:
            state.out.err.print(message, markup=False, soft_wrap=True)
        raise typer.Exit(130) from None
