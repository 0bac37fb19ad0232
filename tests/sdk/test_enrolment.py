"""`client.clerk.enroll_stream` / `enroll_many` (resources/_enrolment.py): rows checked locally,
sent in batches with one idempotency key each, results in the order of the rows."""

from __future__ import annotations

import json
import threading

import httpx
import pytest
from sdk_support import PORTAL_URL, error_body, stub_portal_info

import familycard
from familycard import _constants as C
from familycard.models.clerk import MAX_ENROLMENT_BATCH
from familycard.resources._enrolment import MAX_CONCURRENCY

CHILDREN = [
    ("GLLFNC16H15F205N", "Francesco Gallo"),
    ("VRDGLI15T03L219M", "Giulio Verdi"),
    ("RSSMRA15C45L304I", "Maria Rossi"),
    ("BNCLNE16D52H223T", "Elena Bianchi"),
]


def row(index: int = 0, service: str = "mensa", **changes: str) -> dict[str, str]:
    tax_code, name = CHILDREN[index]
    return {
        "child_tax_code": tax_code,
        "child_name": name,
        "guardian_email": f"family{index}@example.it",
        "service": service,
        **changes,
    }


def body_of(call) -> dict:
    return json.loads(call.request.content)


def rows_sent(route) -> list[list[int]]:
    return [[r["row"] for r in body_of(call)["rows"]] for call in route.calls]


def keys_sent(route) -> list[str]:
    return [call.request.headers[C.IDEMPOTENCY_HEADER] for call in route.calls]


def echo(status: str = "created"):
    """A portal that enrols every row it receives with `status`."""

    def answer(request: httpx.Request) -> httpx.Response:
        rows = json.loads(request.content)["rows"]
        return httpx.Response(
            200,
            json=[
                {
                    "row": r["row"],
                    "status": status,
                    "key": f"{r['data']['child_tax_code'].lower()}|{r['data']['service']}",
                }
                for r in rows
            ],
        )

    return answer


@pytest.fixture
def clerk(portal):
    """A clerk's client whose retries wait 0 s (batches are sent from worker threads)."""
    policy = familycard.RetryPolicy(max_retries=2, initial_delay=0.0, max_delay=0.0)
    with familycard.Client(PORTAL_URL, clerk_key="stub-clerk-key", retry_policy=policy) as c:
        yield c


@pytest.fixture
def citycard(portal):
    return stub_portal_info(portal, "citycard")


@pytest.fixture
def enrolments(portal):
    return portal.post("/clerk/enrolments").mock(side_effect=echo())


# batches and keys ----------------------------------------------------------------------


def test_enroll_many_sends_batches_each_with_its_own_key_and_keeps_the_order(
    portal, clerk, citycard, enrolments
):
    results = clerk.clerk.enroll_many(
        [row(0), row(1), row(2)], batch_size=2, concurrency=1, idempotency_key="sept"
    )

    assert rows_sent(enrolments) == [[1, 2], [3]]
    assert keys_sent(enrolments) == ["sept-0", "sept-1"]
    assert enrolments.calls.last.request.headers["X-Clerk-Key"] == "stub-clerk-key"
    assert [(r.row, r.status) for r in results] == [(1, "created"), (2, "created"), (3, "created")]
    assert all(isinstance(r, familycard.EnrolmentResult) for r in results)
    assert results[0].key == "gllfnc16h15f205n|mensa"


def test_enroll_many_sends_each_row_normalised(portal, clerk, citycard, enrolments):
    clerk.clerk.enroll_many(
        [
            {
                " Child_Tax_Code ": "gllfnc16h15f205n",
                "CHILD_NAME": " Francesco Gallo ",
                "guardian_email": "Family0@Example.it",
                "service": "mensa",
            }
        ]
    )

    assert body_of(enrolments.calls.last) == {
        "rows": [
            {
                "row": 1,
                "data": {
                    "child_tax_code": "GLLFNC16H15F205N",
                    "child_name": "Francesco Gallo",
                    "guardian_email": "family0@example.it",
                    "service": "mensa",
                },
            }
        ]
    }


def test_without_a_key_every_batch_of_a_run_shares_one_random_run_key(
    portal, clerk, citycard, enrolments
):
    clerk.clerk.enroll_many([row(0), row(1), row(2)], batch_size=1, concurrency=1)
    clerk.clerk.enroll_many([row(3)], batch_size=1, concurrency=1)

    first_run, second_run = keys_sent(enrolments)[:3], keys_sent(enrolments)[3:]
    runs = {key.rsplit("-", 1)[0] for key in first_run}
    assert len(runs) == 1
    assert [key.rsplit("-", 1)[1] for key in first_run] == ["0", "1", "2"]
    assert second_run[0].rsplit("-", 1)[0] not in runs


def test_a_batch_retried_keeps_its_key(portal, clerk, citycard):
    answer = echo()
    failures = [httpx.Response(503, json=error_body("fault_injected")), httpx.ReadTimeout("lost")]

    def flaky(request: httpx.Request) -> httpx.Response:
        if failures:
            failure = failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return failure
        return answer(request)

    route = portal.post("/clerk/enrolments").mock(side_effect=flaky)

    results = clerk.clerk.enroll_many([row(0)], idempotency_key="run")

    assert keys_sent(route) == ["run-0", "run-0", "run-0"]
    assert [r.status for r in results] == ["created"]


def test_rows_given_with_numbers_keep_them(portal, clerk, citycard, enrolments):
    results = clerk.clerk.enroll_many([(10, row(0)), (12, row(1))], concurrency=1)

    assert rows_sent(enrolments) == [[10, 12]]
    assert [r.row for r in results] == [10, 12]


# rows checked locally -----------------------------------------------------------------


def test_an_invalid_row_is_reported_in_its_place_and_never_sent(
    portal, clerk, citycard, enrolments
):
    rows = [row(0), row(1, child_tax_code="VRDGLI15T03L219X"), row(2)]

    results = clerk.clerk.enroll_many(rows, concurrency=1)

    assert rows_sent(enrolments) == [[1, 3]]
    assert [(r.row, r.status) for r in results] == [(1, "created"), (2, "invalid"), (3, "created")]
    assert results[1].error["code"] == "invalid_tax_code"
    assert results[1].key is None


def test_a_row_with_a_key_seen_before_is_a_duplicate_in_the_file_and_not_sent(
    portal, clerk, citycard, enrolments
):
    rows = [row(0), row(1), row(0, child_tax_code="gllfnc16h15f205n", child_name="Again")]

    results = clerk.clerk.enroll_many(rows, concurrency=1)

    assert rows_sent(enrolments) == [[1, 2]]
    duplicate = results[2]
    assert duplicate.status == "invalid"
    assert duplicate.key == "gllfnc16h15f205n|mensa"
    assert duplicate.error["code"] == "duplicate_in_file"
    assert duplicate.error["details"] == {"first_row": 1}


def test_the_same_child_in_another_service_is_not_a_duplicate(portal, clerk, citycard, enrolments):
    results = clerk.clerk.enroll_many([row(0), row(0, service="casa_dei_bambini")])

    assert rows_sent(enrolments) == [[1, 2]]
    assert [r.status for r in results] == ["created", "created"]


def test_only_invalid_rows_send_nothing(portal, clerk, citycard, enrolments):
    results = clerk.clerk.enroll_many([row(0, service="piscina"), {"child_name": "X"}])

    assert not enrolments.called
    assert [(r.status, r.error["code"]) for r in results] == [
        ("invalid", "unknown_service"),
        ("invalid", "missing_field"),
    ]


def test_a_dry_run_checks_every_row_and_sends_nothing(portal, clerk, citycard, enrolments):
    results = clerk.clerk.enroll_many([row(0), row(1, guardian_email="nope"), row(0)], dry_run=True)

    assert not enrolments.called
    assert [r.status for r in results] == ["valid", "invalid", "invalid"]
    assert results[0].key == "gllfnc16h15f205n|mensa"
    assert results[1].error["code"] == "invalid_email"
    assert results[2].error["code"] == "duplicate_in_file"


def test_an_empty_file_sends_nothing(portal, clerk, citycard, enrolments):
    assert clerk.clerk.enroll_many([]) == []
    assert not enrolments.called


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        pytest.param({"batch_size": 0}, "invalid_batch_size", id="batch-0"),
        pytest.param({"batch_size": MAX_ENROLMENT_BATCH + 1}, "invalid_batch_size", id="batch-big"),
        pytest.param({"concurrency": 0}, "invalid_concurrency", id="concurrency-0"),
        pytest.param(
            {"concurrency": MAX_CONCURRENCY + 1}, "invalid_concurrency", id="concurrency-big"
        ),
    ],
)
def test_bad_batch_size_or_concurrency_is_refused_before_anything_is_sent(
    portal, clerk, citycard, enrolments, kwargs, code
):
    with pytest.raises(familycard.InvalidInput) as caught:
        clerk.clerk.enroll_stream([row(0)], **kwargs)

    assert caught.value.code == code
    assert not citycard.called
    assert not enrolments.called


# the portal's answers -------------------------------------------------------------------


def test_the_portals_exists_and_failed_rows_are_reported_as_it_says(portal, clerk, citycard):
    portal.post("/clerk/enrolments").respond(
        json=[
            {"row": 1, "status": "exists", "key": "gllfnc16h15f205n|mensa"},
            {
                "row": 2,
                "status": "failed",
                "key": "vrdgli15t03l219m|mensa",
                "error": {"code": "enrolment_failed", "message": "boom"},
            },
        ]
    )

    results = clerk.clerk.enroll_many([row(0), row(1)])

    assert [(r.row, r.status) for r in results] == [(1, "exists"), (2, "failed")]
    assert results[1].error == {"code": "enrolment_failed", "message": "boom"}


def test_a_row_missing_from_the_portals_answer_is_failed(portal, clerk, citycard):
    portal.post("/clerk/enrolments").respond(
        json=[{"row": 2, "status": "created", "key": "vrdgli15t03l219m|mensa"}]
    )

    results = clerk.clerk.enroll_many([row(0), row(1)])

    assert [(r.row, r.status) for r in results] == [(1, "failed"), (2, "created")]
    assert results[0].error["code"] == "missing_result"
    assert results[0].key == "gllfnc16h15f205n|mensa"


def test_a_batch_refused_fails_its_rows_and_the_run_goes_on(portal, clerk, citycard):
    answer = echo()
    calls = []

    def first_refused(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(422, json=error_body("rule_violation", "no batch"))
        return answer(request)

    route = portal.post("/clerk/enrolments").mock(side_effect=first_refused)

    results = clerk.clerk.enroll_many([row(0), row(1), row(2)], batch_size=2, concurrency=1)

    assert rows_sent(route) == [[1, 2], [3]]
    assert [(r.status, (r.error or {}).get("code")) for r in results] == [
        ("failed", "rule_violation"),
        ("failed", "rule_violation"),
        ("created", None),
    ]
    assert results[0].error["message"] == "no batch"


def test_when_the_portal_stays_unavailable_nothing_more_is_sent(portal, clerk, citycard):
    route = portal.post("/clerk/enrolments").respond(503, json=error_body("fault_injected"))
    rows = [row(0), row(1), row(2, service="piscina"), row(3)]

    results = clerk.clerk.enroll_many(rows, batch_size=1, concurrency=1, idempotency_key="run")

    assert keys_sent(route) == ["run-0"] * 3  # one batch, 1 + max_retries attempts
    assert [(r.row, r.status, r.error["code"]) for r in results] == [
        (1, "failed", "portal_unavailable"),
        (2, "failed", "portal_unavailable"),
        (3, "invalid", "unknown_service"),
        (4, "failed", "portal_unavailable"),
    ]
    assert results[0].error["details"] == {"cause": "fault_injected"}
    assert "run the same file again" in results[0].error["message"]
    assert results[1].key == "vrdgli15t03l219m|mensa"
    assert results[1].error["message"].startswith("not sent")


def test_an_unreachable_portal_fails_the_rows_with_portal_unavailable(portal, clerk, citycard):
    route = portal.post("/clerk/enrolments").mock(side_effect=httpx.ConnectError("refused"))

    results = clerk.clerk.enroll_many([row(0), row(1)], batch_size=1, concurrency=1)

    assert route.call_count == 3
    assert [r.error["code"] for r in results] == ["portal_unavailable", "portal_unavailable"]
    assert results[0].error["details"] == {"cause": "portal_unreachable"}


@pytest.mark.parametrize(
    ("status", "error"),
    [
        pytest.param(401, familycard.AuthenticationFailed, id="401"),
        pytest.param(403, familycard.PermissionDenied, id="403-wrong-clerk-key"),
    ],
)
def test_a_wrong_clerk_key_ends_the_run_with_the_error(portal, clerk, citycard, status, error):
    route = portal.post("/clerk/enrolments").respond(status, json=error_body("bad_clerk_key"))

    with pytest.raises(error) as caught:
        clerk.clerk.enroll_many([row(0), row(1), row(2)], batch_size=1, concurrency=1)

    assert caught.value.code == "bad_clerk_key"
    assert route.call_count == 1


# concurrency, streaming, interrupts -----------------------------------------------------


def test_batches_go_concurrently_and_results_still_come_in_row_order(portal, clerk, citycard):
    answer = echo()
    third_arrived = threading.Event()
    first_saw_third = []

    def slow_first(request: httpx.Request) -> httpx.Response:
        key = request.headers[C.IDEMPOTENCY_HEADER]
        if key.endswith("-2"):
            third_arrived.set()
        if key.endswith("-0"):
            # The first batch answers only once the third is in flight: they overlap.
            first_saw_third.append(third_arrived.wait(timeout=5))
        return answer(request)

    route = portal.post("/clerk/enrolments").mock(side_effect=slow_first)
    rows = [row(i % 4, service=("mensa", "casa_dei_bambini")[i // 4]) for i in range(6)]

    results = clerk.clerk.enroll_many(rows, batch_size=1, concurrency=3, idempotency_key="run")

    assert first_saw_third == [True]
    assert sorted(keys_sent(route)) == [f"run-{n}" for n in range(6)]
    assert [r.row for r in results] == [1, 2, 3, 4, 5, 6]
    assert all(r.status == "created" for r in results)


def test_the_stream_reads_rows_as_the_batches_leave(portal, clerk, citycard, enrolments):
    read = []

    def rows():
        for n in range(1000):
            read.append(n)
            yield row(n % 4, child_name=f"Child {n}", service="mensa" if n < 4 else "piscina")

    with clerk.clerk.enroll_stream(rows(), batch_size=2, concurrency=1) as stream:
        first = next(stream)

    assert (first.row, first.status) == (1, "created")
    assert len(read) < 20


def test_after_an_interrupt_settle_gives_the_batches_already_sent(portal, clerk, citycard):
    answer = echo()
    arrived, release = threading.Event(), threading.Event()

    def held(request: httpx.Request) -> httpx.Response:
        arrived.set()
        release.wait(timeout=5)  # the answer comes only after the interrupt
        return answer(request)

    route = portal.post("/clerk/enrolments").mock(side_effect=held)

    def rows():
        yield row(0)
        yield row(1)
        assert arrived.wait(timeout=5)
        raise KeyboardInterrupt

    stream = clerk.clerk.enroll_stream(rows(), batch_size=2, concurrency=1)
    before = []

    def consume() -> None:
        before.extend(stream)

    with pytest.raises(KeyboardInterrupt):
        consume()
    release.set()
    settled = list(stream.settle())
    stream.close()

    assert before == []
    assert rows_sent(route) == [[1, 2]]
    assert [(r.row, r.status) for r in settled] == [(1, "created"), (2, "created")]


def test_enroll_stream_sends_nothing_until_iterated(portal, clerk, citycard, enrolments):
    stream = clerk.clerk.enroll_stream([row(0)])

    assert not enrolments.called
    assert [r.status for r in stream] == ["created"]
    assert enrolments.call_count == 1
