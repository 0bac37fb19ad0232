"""Fixtures of the SDK tests: the respx router, a client, and sleeps recorded, not slept.

Helpers (portal info, error bodies, what was sent) are in `sdk_support`: test modules
import them from there, never from a conftest (`conftest` names several modules).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import respx
import tenacity
from sdk_support import BASE, PORTAL_URL

import familycard


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays waited between retries (and in polls), recorded instead of slept.

    Only in the test's own thread: worker threads (bulk enrolment) really sleep, so a
    test that retries there uses a client with `RetryPolicy(initial_delay=0, max_delay=0)`.
    """
    waited: list[float] = []
    real_sleep = time.sleep
    test_thread = threading.get_ident()

    def record(seconds: float) -> None:
        if threading.get_ident() == test_thread:
            waited.append(seconds)
        else:
            real_sleep(seconds)

    monkeypatch.setattr(tenacity.nap.time, "sleep", record)
    return waited


@pytest.fixture
def portal() -> Iterator[respx.MockRouter]:
    """A respx router for the portal's API; an unmatched request fails the test."""
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client(portal: respx.MockRouter) -> Iterator[familycard.Client]:
    """A client of the mocked portal, default retries (sleeps are recorded, not slept)."""
    with familycard.Client(PORTAL_URL) as c:
        yield c
