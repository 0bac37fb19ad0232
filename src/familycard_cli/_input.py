"""Secrets from the environment, stdin or a hidden prompt; never from plain flags.

No prompt ever appears when stdin is not a TTY: a script gets a clear error instead.
"""

from __future__ import annotations

import os
import sys

__all__ = ["StdinLines", "read_secret"]


class StdinLines:
    """Lines of stdin, read once, handed out in order (password, then PIN)."""

    def __init__(self) -> None:
        self._lines: list[str] | None = None

    def next(self) -> str | None:
        if self._lines is None:
            self._lines = [line.rstrip("\r\n") for line in sys.stdin.read().splitlines()]
        return self._lines.pop(0) if self._lines else None


def read_secret(
    label: str,
    *,
    env: str,
    stdin: StdinLines | None,
    flag: str = "--password-stdin",
    confirm: bool = False,
) -> str:
    """A secret: `$env`, else the next stdin line (with `flag`), else a prompt on a TTY."""
    # Imported here: the SDK loads httpx and pydantic, which `--help` must not pay for.
    from familycard import InvalidInput

    value = os.environ.get(env)
    if value:
        return value
    if stdin is not None:
        line = stdin.next()
        if line:
            return line
        raise InvalidInput(f"no {label} on stdin", code="missing_secret")
    if sys.stdin.isatty():
        import typer

        prompted: str = typer.prompt(
            label[:1].upper() + label[1:], hide_input=True, confirmation_prompt=confirm
        )
        return prompted
    raise InvalidInput(
        f"no {label}: set {env} or pass {flag} and write it on stdin", code="missing_secret"
    )
