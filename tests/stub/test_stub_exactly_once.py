"""Exactly once under faults: every effect there once, whatever the faults did to the answers.

Recharges (with idempotency keys) and thousands of enrolment rows (in batches, a key
each) are sent through the SDK while the stub answers 30 % of requests 503 and loses
the answer of 30 % of the changes it committed (first answers and replays alike).
Some operations run out of retries: with the faults off, each is retried with its key.
Then the effects are counted in the stub: recharges, payments, tokens credited after
paying, enrolments; nothing missing, nothing doubled, and what the SDK reported agrees
with what the portal holds.
"""

from __future__ import annotations

import logging
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

import familycard
from familycard import Faults, PortalUnavailable, RetryPolicy
from familycard.identifiers import sample_tax_code

CLERK_KEY = "stub-clerk-key"
PASSWORD = "secret-pass-1"
EMAIL = "famiglia@example.it"
#: A Monday in term, 09:00 in Tortona.
MONDAY = "2026-11-16T09:00:00+01:00"
CHILD = sample_tax_code(90_000)
RECHARGES = 36
TOKENS = 5  # Tortona's multiple
PRICE = Decimal("4.50")
ROWS = 3000
BATCH = 25
FAULTS = Faults(error_rate=0.3, drop_rate=0.3, retry_after=0)
#: ... and, first, every attempt of the first operation loses its answer: at least one
#: recharge and one run of the file are cut short, whatever the random faults do.
FIRST_LOST = FAULTS.model_copy(update={"drop_next": 6})
#: Six attempts per call, none waited for.
NO_WAIT = RetryPolicy(max_retries=5, initial_delay=0, max_delay=0)


#: Runs of the enrolment file under the faults, at most.
RUNS_UNDER_FAULTS = 2
STATUSES = ("created", "unknown", "failed")


def enrol(office: familycard.Client, rows: list[dict[str, str]]) -> list[Any]:
    """One run of the clerk's file, always with the same run key."""
    return office.clerk.enroll_many(
        rows, batch_size=BATCH, concurrency=1, idempotency_key="year-2026"
    )


def statuses(results: list[Any]) -> Counter[str]:
    return Counter(r.status for r in results)


def held(office: familycard.Client) -> set[str]:
    """The natural keys of the rows of the file the portal holds (not the parent's child)."""
    return {e.key for e in office.clerk.enrolments(page_size=500)} - {f"{CHILD.lower()}|mensa"}


def row(i: int) -> dict[str, str]:
    return {
        "child_tax_code": sample_tax_code(i),
        "child_name": f"Bambino {i}",
        "guardian_email": f"genitore.{i}@example.it",
        "service": "mensa",
    }


def client(stub: Any, **kwargs: Any) -> familycard.Client:
    made = familycard.Client(stub.portal_url("tortona"), retry_policy=NO_WAIT, **kwargs)
    made.info()  # fetched now, so the faults hit the calls under test
    return made


@pytest.fixture
def office(familycard_stub: Any) -> Any:
    with client(familycard_stub, clerk_key=CLERK_KEY) as clerk:
        yield clerk


@pytest.fixture
def parent(familycard_stub: Any, office: familycard.Client) -> Any:
    """A Tortona parent, logged in, whose child is enrolled in the canteen."""
    familycard_stub.control.set_clock(MONDAY)
    child = {**row(0), "child_tax_code": CHILD, "guardian_email": EMAIL}
    assert office.clerk.enroll(child).status == "created"
    with client(familycard_stub) as sdk:
        sdk.auth.register(tax_code=CHILD, email=EMAIL, username="famiglia", password=PASSWORD)
        pin = str(familycard_stub.control.last_email(EMAIL, kind="pin").data["pin"])
        sdk.auth.login("famiglia", PASSWORD, pin=pin)
        yield sdk


def test_recharges_and_enrolments_under_faults_take_effect_exactly_once(
    familycard_stub, office, parent, caplog
):
    control = familycard_stub.control
    caplog.set_level(logging.DEBUG, logger="familycard")
    control.set_faults(FIRST_LOST)

    recharges: dict[str, familycard.Recharge] = {}
    interrupted: Counter[str] = Counter()
    for i in range(RECHARGES):
        key = f"topup-{i}"
        try:
            recharges[key] = parent.recharges.create(tokens=TOKENS, idempotency_key=key)
        except PortalUnavailable as exc:
            interrupted[f"recharge:{exc.code}"] += 1
    # A run stops sending once a batch runs out of retries: the clerk runs the file again
    # (the same run key, so each batch replays or enrols), a few times under the faults.
    # After each run, the faults off a moment, what the portal holds is listed.
    rows = [row(i) for i in range(1, ROWS + 1)]
    runs: list[tuple[list[Any], set[str]]] = []
    while len(runs) < RUNS_UNDER_FAULTS and (not runs or set(statuses(runs[-1][0])) != {"created"}):
        control.set_faults(FIRST_LOST if not runs else FAULTS)
        results = enrol(office, rows)
        control.set_faults(Faults())
        runs.append((results, held(office)))
    retries = sum("retrying" in r.getMessage() for r in caplog.records)

    # The faults did their work: attempts retried, some operations out of retries.
    assert retries > 20
    assert interrupted["recharge:outcome_unknown"] >= 1
    # Each recharge that ran out of retries, retried with its key: one recharge each.
    for i in range(RECHARGES):
        key = f"topup-{i}"
        again = parent.recharges.create(tokens=TOKENS, idempotency_key=key)
        assert recharges.setdefault(key, again).id == again.id
    ids = {r.id for r in recharges.values()}
    assert len(ids) == RECHARGES
    listed = parent.recharges.list()
    assert sorted(r.id for r in listed) == sorted(ids)
    for recharge in recharges.values():
        assert recharge.payment_id is not None
        assert control.pay(recharge.payment_id).status == "succeeded"
    payments = parent.payments.list()
    assert sorted(p.id for p in payments) == sorted(r.payment_id for r in recharges.values())
    assert {p.status for p in payments} == {"succeeded"}
    assert sum(p.amount.value for p in payments) == RECHARGES * TOKENS * PRICE
    [balance] = parent.tokens.balances(member=CHILD)
    assert balance.balance == RECHARGES * TOKENS

    # Each enrolment run: what it reported agrees with what the portal holds after it.
    assert len(runs) > 1  # some run was cut short by the faults
    before: set[str] = set()
    for results, after in runs:
        assert set(statuses(results)) <= set(STATUSES)
        by = {s: {r.key for r in results if r.status == s} for s in STATUSES}
        assert by["created"] <= after  # every row reported created is there
        # The rows new on the portal are those reported created, or unknown (answer lost).
        assert after - before <= by["created"] | by["unknown"]
        assert not by["failed"] & (after - before)  # a row `failed` was not sent
        unknown = [r for r in results if r.status == "unknown"]
        assert all(r.error and r.error["details"]["idempotency_key"] for r in unknown)
        before = after
    # The last run again with the faults off: each batch replays or enrols.
    again = enrol(office, rows)
    assert statuses(again) == {"created": ROWS}
    # And once more without a key: the portal holds every row, each exactly once.
    assert statuses(office.clerk.enroll_many(rows, batch_size=500)) == {"exists": ROWS}
    listing = list(office.clerk.enrolments(page_size=500))
    assert len(listing) == ROWS + 1
    assert len({e.key for e in listing}) == ROWS + 1
