"""Retries and idempotency keys: an outage and a lost answer change nothing twice.

python docs/examples/retry_safely.py http://127.0.0.1:8000/tortona
"""

from __future__ import annotations

import sys

from familycard import Client, Faults, PortalUnavailable, RetryPolicy, StubControl

CHILD = {
    "child_tax_code": "BRNTMS18H12L304U",
    "child_name": "Tommaso Bruno",
    "guardian_email": "marco.bruno@example.it",
    "service": "mensa",
}


def main(portal_url: str, control_url: str) -> dict[str, object]:
    report: dict[str, object] = {}
    # Retry sooner and more often than the defaults (3 retries, 0.2 s doubling up to 4 s).
    policy = RetryPolicy(max_retries=5, initial_delay=0.05, max_delay=1.0, max_retry_after=5.0)
    with StubControl(control_url) as stub, Client(portal_url, retry_policy=policy) as parent:
        with Client(portal_url, clerk_key="stub-clerk-key") as office:
            office.clerk.enroll(CHILD)

        # Two 503s in a row (Retry-After: 0): the client retries and gets through.
        stub.set_faults(Faults(fail_next=2, retry_after=0))
        report["kind"] = parent.portal.info().kind

        # The registration is committed, then its response is lost on the way back.
        # The SDK retries with the same Idempotency-Key; the portal replays its
        # first answer instead of registering (and e-mailing a PIN) twice.
        stub.set_faults(Faults(drop_next=1))
        registration = parent.auth.register(
            tax_code=CHILD["child_tax_code"],
            email=CHILD["guardian_email"],
            username="marco.tommaso",
            password="Tommaso-2026",
            idempotency_key="register-BRNTMS18H12L304U",  # optional: one is generated
        )
        report["status"] = registration.status
        mails = stub.outbox(to=CHILD["guardian_email"])
        pins = [m for m in mails if m.kind == "pin" and m.data["username"] == "marco.tommaso"]
        report["pin e-mails"] = len(pins)  # 1: registered once

        # A portal that keeps failing: after the retries, PortalUnavailable.
        stub.set_faults(Faults(fail_next=10, retry_after=0))
        try:
            parent.portal.info()
        except PortalUnavailable as exc:
            report["gave up after"] = exc.details["attempts"]
        stub.set_faults(Faults())  # clear every fault
    return report


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[1]))
