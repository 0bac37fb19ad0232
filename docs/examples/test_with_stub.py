"""Integration tests against the stub, with the `familycard_stub` pytest fixture.

The fixture comes with `pip install 'familycard[stub]'` (a pytest plugin): a stub
on loopback, started once per session and emptied before every test.

    pytest docs/examples/test_with_stub.py
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import familycard

EMAIL = "kovacs.eva@example.hu"
FAMILY = {
    "guardian_email": EMAIL,
    "child_name": "Kovács Bence",
    "institution": "Petőfi Általános Iskola",
    "age_group": "primary",
}


@pytest.fixture
def etelka(familycard_stub) -> Iterator[familycard.Client]:
    """A client of the etelka portal, where the clerk recorded one parent (R3.1)."""
    url = familycard_stub.portal_url("jaszbereny")
    with familycard.Client(url, clerk_key="stub-clerk-key") as office:
        office.clerk.enroll(FAMILY)
    with familycard.Client(url) as client:
        yield client


def register(client: familycard.Client) -> familycard.Registration:
    return client.auth.register(
        email=EMAIL,
        full_name="Kovács Éva",
        username="kovacs.eva",
        password="Jaszbereny-2026",
        accept_terms=True,
        captcha="stub",  # the stub's anti-bot answer
    )


def test_r3_2_activation_link_then_login(etelka, familycard_stub):
    assert register(etelka).status == "pending_activation"
    link = familycard_stub.control.last_email(EMAIL, kind="activation").data["link"]
    etelka.auth.activate(link)
    etelka.auth.login("kovacs.eva", "Jaszbereny-2026")
    assert etelka.auth.whoami().members == ["Kovács Bence"]


def test_r3_2_activation_link_expires_after_72_hours(etelka, familycard_stub):
    register(etelka)
    link = familycard_stub.control.last_email(EMAIL, kind="activation").data["link"]
    familycard_stub.control.advance_clock("73h")  # no sleeping: move the stub's clock
    with pytest.raises(familycard.RuleViolation) as refused:
        etelka.auth.activate(link)
    assert refused.value.code == "activation_expired"


def test_the_client_rides_through_two_503s(etelka, familycard_stub):
    familycard_stub.control.set_faults(familycard.Faults(fail_next=2, retry_after=0))
    assert etelka.portal.info().kind == "etelka"
