"""A pytest plugin: `familycard_stub`, a stub on loopback reset before each test.

Installed with familycard's `[stub]` extra and registered as a pytest plugin:

    def test_my_integration(familycard_stub):
        client = familycard.Client(familycard_stub.portal_url("tortona"))
        ...
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from familycard import StubControl

from .server import StubServer

__all__ = ["StubFixture", "familycard_stub"]


class StubFixture:
    """What the fixture yields: the running server and its control API."""

    def __init__(self, server: StubServer) -> None:
        self.server = server
        self.url = server.url
        self.control = StubControl(server.url)

    def portal_url(self, tenant: str) -> str:
        """The URL of one tenant (`tortona`, `sala-baganza`, `jaszbereny`, ...)."""
        return self.server.portal_url(tenant)


@pytest.fixture(scope="session")
def _familycard_stub_server() -> Iterator[StubServer]:
    # A low scrypt cost keeps the suite fast; the hashing code is the same.
    with StubServer(scrypt_n=2**4) as server:
        yield server


@pytest.fixture
def familycard_stub(_familycard_stub_server: StubServer) -> Iterator[StubFixture]:
    """A running stub, emptied before the test (clock free, no faults)."""
    fixture = StubFixture(_familycard_stub_server)
    fixture.control.reset()
    yield fixture
    fixture.control.close()
