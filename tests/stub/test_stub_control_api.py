"""The control API (`/_stub/...`) refuses on its own: seeds, the clock, faults.

`familycard.StubControl` sends well-formed requests only; here raw httpx sends the
malformed ones, and each refusal must leave the stub as it was: its data, its clock,
its faults.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from support_accounts import Raw, citycard_row, refused

from familycard import Faults

FROZEN = "2026-03-02T08:00:00+01:00"


@pytest.fixture
def control(familycard_stub: Any) -> Iterator[httpx.Client]:
    """httpx on the control API."""
    with httpx.Client(base_url=familycard_stub.url + "/_stub") as http:
        yield http


@pytest.fixture
def tortona(familycard_stub: Any) -> Iterator[Raw]:
    with Raw(familycard_stub, "tortona") as raw:
        yield raw


# unknown_seed -------------------------------------------------------------------------------


def test_an_unknown_seed_is_refused_and_nothing_is_emptied(control, tortona):
    tortona.enrol(citycard_row())
    refused(control.post("/reset", json={"seed": "everything"}), 400, "unknown_seed")
    assert [e["child_tax_code"] for e in tortona.enrolments()] == [citycard_row()["child_tax_code"]]


def test_an_unknown_seed_leaves_the_clock_as_it_was(control, familycard_stub):
    familycard_stub.control.set_clock(FROZEN)
    refused(control.post("/reset", json={"seed": "everything"}), 400, "unknown_seed")
    clock = familycard_stub.control.clock()
    assert (clock.frozen, clock.now) == (True, datetime.fromisoformat(FROZEN))


def test_an_unknown_seed_leaves_the_faults_as_they_were(control, familycard_stub):
    familycard_stub.control.set_faults(Faults(latency_ms=1))
    refused(control.post("/reset", json={"seed": "everything"}), 400, "unknown_seed")
    assert familycard_stub.control.faults() == Faults(latency_ms=1)


def test_a_malformed_reset_is_refused_and_nothing_is_emptied(control, tortona):
    tortona.enrol(citycard_row())
    refused(control.post("/reset", json={"seed": ["demo"]}), 400, "invalid_request")
    assert len(tortona.enrolments()) == 1


# The clock --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param({}, "invalid_request", id="neither"),
        pytest.param({"set": FROZEN, "advance": "1h"}, "invalid_request", id="both"),
        pytest.param({"set": "2026-03-02T08:00:00"}, "invalid_datetime", id="naive"),
        pytest.param({"set": "next monday"}, "invalid_request", id="not-a-date"),
        pytest.param({"advance": "-1h"}, "invalid_duration", id="backwards"),
        pytest.param({"advance": "soon"}, "invalid_duration", id="words"),
        pytest.param({"advance": "1h30"}, "invalid_duration", id="no-unit"),
        pytest.param({"advance": "2y"}, "invalid_duration", id="years"),
        pytest.param({"advance": ""}, "invalid_duration", id="empty"),
    ],
)
def test_a_clock_change_is_refused_and_the_clock_stays(control, familycard_stub, body, code):
    familycard_stub.control.set_clock(FROZEN)
    refused(control.post("/clock", json=body), 400, code)
    clock = familycard_stub.control.clock()
    assert (clock.frozen, clock.now) == (True, datetime.fromisoformat(FROZEN))


def test_a_naive_instant_does_not_freeze_a_free_clock(control, familycard_stub):
    refused(control.post("/clock", json={"set": "2026-03-02T08:00:00"}), 400, "invalid_datetime")
    assert familycard_stub.control.clock().frozen is False


def test_the_clock_moves_by_a_compound_duration(control, familycard_stub):
    familycard_stub.control.set_clock(FROZEN)
    moved = control.post("/clock", json={"advance": "1h 30m"})
    assert moved.status_code == 200, moved.text
    assert datetime.fromisoformat(moved.json()["now"]) == datetime.fromisoformat(
        "2026-03-02T09:30:00+01:00"
    )


# Faults -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"fail_next": "many"}, id="text-count"),
        pytest.param({"error_rate": "half"}, id="text-rate"),
        pytest.param({"latency_ms": 1.5}, id="fractional-ms"),
        pytest.param([1, 2], id="not-an-object"),
    ],
)
def test_malformed_faults_are_refused_and_the_faults_stay(control, familycard_stub, body):
    familycard_stub.control.set_faults(Faults(latency_ms=1))
    refused(control.put("/faults", json=body), 400, "invalid_request")
    assert familycard_stub.control.faults() == Faults(latency_ms=1)


def test_an_unknown_control_path_is_not_found(control):
    refused(control.get("/nothing-here"), 404, "not_found")
    refused(control.delete("/clock"), 405, "method_not_allowed")
