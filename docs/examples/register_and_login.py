"""Enrol a child, register on a citycard portal, read the PIN, log in (R1.1-R1.3).

Against a running stub (`familycard stub serve`):

    python docs/examples/register_and_login.py http://127.0.0.1:8000/tortona
"""

from __future__ import annotations

import sys

from familycard import Account, Client, StubControl

CLERK_KEY = "stub-clerk-key"  # the stub's documented clerk key
CHILD = {
    "child_tax_code": "BRNGLI16A41L304P",
    "child_name": "Giulia Bruno",
    "guardian_email": "marco.bruno@example.it",
    "service": "mensa",
}
USERNAME, PASSWORD = "marco.giulia", "Giulia-2026"


def main(portal_url: str, control_url: str) -> Account:
    # R1.2: only a child the clerk enrolled can be registered.
    with Client(portal_url, clerk_key=CLERK_KEY) as office:
        enrolment = office.clerk.enroll(CHILD)
        print(f"row {enrolment.row}: {enrolment.status}")  # created, or exists on a re-run

    with Client(portal_url) as parent, StubControl(control_url) as stub:
        # R1.1: one registration per child, username and password of the parent's choice.
        registration = parent.auth.register(
            tax_code=CHILD["child_tax_code"],
            email=CHILD["guardian_email"],
            username=USERNAME,
            password=PASSWORD,
        )
        print(registration.message)

        # R1.3: the PIN is e-mailed; the stub keeps every e-mail in its outbox.
        mail = stub.last_email(CHILD["guardian_email"], kind="pin")
        pin = str(mail.data["pin"])

        # Login needs username, password and PIN; the client keeps the session.
        parent.auth.login(USERNAME, PASSWORD, pin=pin)
        return parent.auth.whoami()


if __name__ == "__main__":
    portal = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/tortona"
    account = main(portal, portal)  # StubControl finds /_stub from any portal URL
    print(f"logged in as {account.username}; children: {', '.join(account.members)}")
