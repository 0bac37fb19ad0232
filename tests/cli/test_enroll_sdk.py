"""The SDK side of enrolment: `client.clerk.enroll_many` / `enroll_stream` from a script.

Against the stub over HTTP: per-row results in the order of the rows, input read as the
batches leave, an idempotency key per batch, the portal's unavailability reported per
row, and the listing of what the portal holds.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from enroll_support import CLERK_KEY, enrolled_count, families, family, statuses, write_table

import familycard
from familycard import Faults, InvalidInput, PermissionDenied, RetryPolicy

NO_WAIT = RetryPolicy(initial_delay=0.0, max_delay=0.0, max_retry_after=0.0)


@pytest.fixture
def office(stub: Any) -> Iterator[familycard.Client]:
    with familycard.Client(
        stub.portal_url("tortona"), clerk_key=CLERK_KEY, retry_policy=NO_WAIT
    ) as client:
        client.info()  # fetched now, so that faults hit the enrolment
        yield client


def test_enroll_many_gives_one_result_per_row_in_the_order_of_the_rows(office, stub):
    rows = families(7)
    rows[2] = {**rows[2], "service": "piscina"}
    rows[5] = {**rows[0], "child_name": "Someone Else"}
    shouted = {k.upper() + " ": v for k, v in rows[6].items()}  # names in any case
    results = office.clerk.enroll_many([*rows[:6], shouted], batch_size=2, concurrency=3)
    assert [r.row for r in results] == [1, 2, 3, 4, 5, 6, 7]
    assert [r.status for r in results] == [
        "created",
        "created",
        "invalid",
        "created",
        "created",
        "invalid",
        "created",
    ]
    assert results[5].error == {
        "code": "duplicate_in_file",
        "message": "a duplicate of row 1: the same enrolment",
        "details": {"first_row": 1},
    }
    assert enrolled_count(stub) == 5


def test_rows_may_carry_their_own_numbers(office):
    numbered = [(10, family(0)), (12, family(1)), (15, {**family(2), "guardian_email": "x"})]
    results = office.clerk.enroll_many(numbered)
    assert [(r.row, r.status) for r in results] == [
        (10, "created"),
        (12, "created"),
        (15, "invalid"),
    ]


def test_enroll_stream_reads_the_rows_as_the_batches_leave(office, stub):
    pulled = 0

    def rows() -> Iterator[dict[str, str]]:
        nonlocal pulled
        for i in range(3000):
            pulled += 1
            yield family(i)

    with office.clerk.enroll_stream(rows(), batch_size=100, concurrency=2) as results:
        first = next(results)
        assert first.row == 1
        # Memory stays flat: a few batches ahead at most, never the whole input.
        assert pulled <= 100 * (2 + 2)
        rest = list(results)
    assert pulled == 3000
    assert statuses([first, *rest]) == {"created": 3000}
    assert enrolled_count(stub) == 3000


def test_dry_run_checks_without_sending(office, stub):
    results = office.clerk.enroll_many([family(0), {**family(1), "service": "x"}], dry_run=True)
    assert [r.status for r in results] == ["valid", "invalid"]
    assert results[0].key == f"{family(0)['child_tax_code'].lower()}|mensa"
    assert enrolled_count(stub) == 0


def test_a_portal_unavailable_fails_the_rows_and_sends_nothing_more(office, stub):
    rows = [*families(4), {**family(4), "service": "x"}]
    stub.control.set_faults(Faults(error_rate=1.0, retry_after=0))
    results = office.clerk.enroll_many(rows, batch_size=2, concurrency=1)
    faults_left = stub.control.faults()
    stub.control.set_faults(Faults())
    assert [(r.status, r.error and r.error["code"]) for r in results] == [
        ("failed", "portal_unavailable"),
        ("failed", "portal_unavailable"),
        ("failed", "portal_unavailable"),
        ("failed", "portal_unavailable"),
        ("invalid", "unknown_service"),
    ]
    assert results[0].error is not None
    assert results[0].error["details"] == {"cause": "fault_injected"}
    assert "may not be enrolled" in results[0].error["message"]
    assert results[2].error is not None
    assert results[2].error["message"].startswith("not sent")
    assert faults_left.error_rate == 1.0
    assert enrolled_count(stub) == 0
    again = office.clerk.enroll_many(rows, batch_size=2)
    assert statuses(again) == {"created": 4, "invalid": 1}


def test_a_lost_answer_is_retried_with_the_batch_key_and_enrols_once(office, stub):
    # The first batch is committed, then its answer is lost: the SDK sends it again with
    # the same idempotency key and the portal replays its first answer.
    stub.control.set_faults(Faults(drop_next=1))
    results = office.clerk.enroll_many(families(6), batch_size=3, concurrency=1)
    assert stub.control.faults().drop_next == 0
    assert statuses(results) == {"created": 6}
    assert enrolled_count(stub) == 6


def test_a_given_idempotency_key_replays_each_batch(office, stub):
    rows = families(5)
    first = office.clerk.enroll_many(rows, batch_size=2, idempotency_key="year-2026")
    again = office.clerk.enroll_many(rows, batch_size=2, idempotency_key="year-2026")
    assert [r.status for r in first] == [r.status for r in again] == ["created"] * 5
    assert statuses(office.clerk.enroll_many(rows)) == {"exists": 5}
    assert enrolled_count(stub) == 5


def test_enrolments_lists_every_row_a_page_at_a_time(office):
    office.clerk.enroll_many(families(1201))
    listed = list(office.clerk.enrolments(page_size=500))
    assert len(listed) == 1201
    assert [e.id for e in listed] == sorted(e.id for e in listed)
    assert listed[0].data == family(0)
    assert listed[0].key == f"{family(0)['child_tax_code'].lower()}|mensa"


@pytest.mark.parametrize(
    ("options", "code"),
    [
        pytest.param({"batch_size": 0}, "invalid_batch_size", id="batch-0"),
        pytest.param({"batch_size": 5001}, "invalid_batch_size", id="batch-too-big"),
        pytest.param({"concurrency": 0}, "invalid_concurrency", id="concurrency-0"),
    ],
)
def test_impossible_batch_sizes_and_concurrency_are_refused(office, options, code):
    with pytest.raises(InvalidInput) as caught:
        office.clerk.enroll_many(families(1), **options)
    assert caught.value.code == code


def test_a_wrong_clerk_key_raises_and_enrols_nothing(stub):
    client = familycard.Client(stub.portal_url("tortona"), clerk_key="wrong")
    with client, pytest.raises(PermissionDenied) as caught:
        client.clerk.enroll_many(families(3))
    assert caught.value.code == "invalid_clerk_key"
    assert enrolled_count(stub) == 0


# docs/examples/enrol_school_year.py (enrolling.md) ------------------------------------

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "enrol_school_year.py"


def test_the_streaming_example_of_the_docs_reports_each_row_and_adds_nothing_twice(stub, tmp_path):
    spec = importlib.util.spec_from_file_location("docs_example_enrol_school_year", EXAMPLE)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    rows = [*families(700), {**family(700), "service": "piscina"}]
    path = write_table(tmp_path / "families.csv", rows, delimiter=";", encoding="utf-8-sig")
    portal = stub.portal_url("tortona")
    assert example.main(portal, path, tmp_path / "r1.csv") == {"created": 700, "invalid": 1}
    assert example.main(portal, path, tmp_path / "r2.csv") == {"exists": 700, "invalid": 1}
    lines = (tmp_path / "r2.csv").read_text().splitlines()
    assert len(lines) == 702
    assert lines[-1].startswith("701,invalid,unknown_service,")
