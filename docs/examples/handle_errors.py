"""Typed errors: catch the class you can handle, read the stable `code`.

python docs/examples/handle_errors.py http://127.0.0.1:8000/tortona
"""

from __future__ import annotations

import sys

from familycard import (
    AuthenticationFailed,
    Client,
    FamilycardError,
    InvalidInput,
    RuleViolation,
)


def main(portal_url: str) -> dict[str, str]:
    """Try three things that fail; return what each failure said (code, sent)."""
    seen: dict[str, str] = {}
    with Client(portal_url) as client:
        # A malformed tax code is caught by the SDK before sending: `sent` is False.
        try:
            client.auth.register(
                tax_code="BRNGLI16A41L304X",  # wrong check letter
                email="marco.bruno@example.it",
                username="marco.giulia",
                password="Giulia-2026",
            )
        except InvalidInput as exc:
            seen["bad tax code"] = f"{exc.code} sent={exc.sent}"

        # A well-formed child nobody enrolled is refused by the portal (R1.2).
        try:
            client.auth.register(
                tax_code="BRNTMS18H12L304U",
                email="marco.bruno@example.it",
                username="marco.tommaso",
                password="Tommaso-2026",
            )
        except RuleViolation as exc:
            seen["not enrolled"] = f"{exc.code} sent={exc.sent}"

        # Wrong credentials: the portal never says which part was wrong.
        try:
            client.auth.login("nobody", "not-the-password", pin="000000")
        except AuthenticationFailed as exc:
            seen["wrong login"] = f"{exc.code} sent={exc.sent}"

        # Every error is a FamilycardError: one `except` for the rest.
        try:
            client.auth.activate(f"{portal_url}/links/used-or-unknown")
        except FamilycardError as exc:
            seen["unknown link"] = f"{type(exc).__name__} {exc.code} sent={exc.sent}"
    return seen


if __name__ == "__main__":
    for what, outcome in main(sys.argv[1]).items():
        print(f"{what}: {outcome}")
