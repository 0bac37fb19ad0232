"""Quick cancellation of school meals (R3.8-R3.9) through the CLI against the stub.

The deadline is the working day before the meal day at the portal's cut-off (09:00 on
`jaszbereny`), in Europe/Budapest, on the calendar the portal publishes: holidays and
moved working Saturdays included.  The stub clock is set in every test; nothing sleeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from meals_support import (
    BENCE,
    EVA,
    PASSWORD,
    TENANT,
    at,
    balance,
    day_state,
    family,
    inbox,
    ok,
    order,
    paid,
    run,
)

import familycard
from familycard import StubControl
from server_stub.config import DEFAULT_CONFIG_DIR
from server_stub.server import StubServer

#: Bence (primary) on a Monday-Thursday: morning snack 190, lunch 650 - 150, afternoon 190.
DAY_CREDIT = 190 + 650 - 150 + 190


def cancel(cli, member: str, *days: str, **kwargs: Any):
    return run(cli, "meals", "cancel", *days, "--member", member, "--yes", **kwargs)


def outcomes(result) -> dict[str, dict[str, Any]]:
    return {o["day"]: o for o in result.json()["outcomes"]}


def raw_cancel(url: str, member: str, *days: str) -> httpx.Response:
    """The portal's own endpoint, without the SDK's check before sending."""
    with familycard.Client(url) as client:
        session = client.auth.login("eva", PASSWORD)
    return httpx.post(
        f"{url}/v1/meals/cancellations",
        json={"member": member, "days": list(days)},
        headers={"Authorization": f"Bearer {session.token}"},
        timeout=10,
    )


@pytest.fixture
def bence(cli, stub, tmp_path) -> str:
    """Éva's family on Monday 2 March 2026 08:00, Bence's Wednesday 4 and Thursday 5 paid."""
    ids = family(cli, stub, tmp_path, now=at("2026-03-02 08:00"))
    paid(cli, ids[BENCE], "2026-03", "--day", "2026-03-04", "--day", "2026-03-05")
    return ids[BENCE]


# R3.9: just before and just after the cut-off ----------------------------------------------


def test_r3_9_cancellation_just_before_the_cutoff_is_accepted_and_credits_the_account(
    cli, stub, bence
):
    assert day_state(cli, bence, "2026-03-04")["deadline"] == "2026-03-03T09:00:00+01:00"
    stub.control.set_clock(at("2026-03-03 08:59:59"))
    result = cancel(cli, bence, "2026-03-04")
    assert result.exit_code == 0, result.stderr
    body = result.json()
    assert body["sent"] is True
    assert outcomes(result)["2026-03-04"]["status"] == "cancelled"
    assert body["credit"] == {"value": str(DAY_CREDIT), "currency": "HUF"}
    assert day_state(cli, bence, "2026-03-04")["state"] == "cancelled"
    assert day_state(cli, bence, "2026-03-05")["state"] == "final"
    assert balance(cli, bence) == DAY_CREDIT
    newest = inbox(cli)["notifications"][0]
    assert newest["kind"] == "cancellation"
    assert newest["id"] == body["notification_id"]
    assert newest["data"]["cancelled"] == ["2026-03-04"]


@pytest.mark.parametrize("when", ["2026-03-03 09:00:00", "2026-03-03 09:00:01"])
def test_r3_9_cancellation_at_or_after_the_cutoff_is_refused_and_nothing_changes(
    cli, stub, bence, when
):
    before = inbox(cli)["total"]
    stub.control.set_clock(at(when))
    result = cancel(cli, bence, "2026-03-04")
    assert result.exit_code == 4
    assert result.error()["code"] == "cancellation_deadline_passed"
    body = result.json()
    assert body["sent"] is True  # the portal refused it, in its own transaction
    refused = outcomes(result)["2026-03-04"]
    assert refused["status"] == "refused"
    assert refused["code"] == "cancellation_deadline_passed"
    assert refused["deadline"] == "2026-03-03T09:00:00+01:00"
    assert day_state(cli, bence, "2026-03-04")["state"] == "final"
    assert balance(cli, bence) == 0
    # R3.8: the refusal is the portal's outcome, kept in the inbox like a success.
    after = inbox(cli)
    assert after["total"] == before + 1
    assert after["notifications"][0]["data"]["refused"] == [
        {"day": "2026-03-04", "code": "cancellation_deadline_passed"}
    ]


def test_r3_9_the_portal_itself_refuses_a_late_day_and_keeps_the_refusal(cli, stub, bence):
    stub.control.set_clock(at("2026-03-03 09:00"))
    response = raw_cancel(stub.portal_url(TENANT), bence, "2026-03-04", "2026-03-05")
    assert response.status_code == 200
    body = response.json()
    by_day = {o["day"]: o for o in body["outcomes"]}
    assert by_day["2026-03-04"]["code"] == "cancellation_deadline_passed"
    assert by_day["2026-03-05"]["status"] == "cancelled"
    assert day_state(cli, bence, "2026-03-04")["state"] == "final"
    kept = inbox(cli)["notifications"][0]
    assert kept["data"]["refused"] == [
        {"day": "2026-03-04", "code": "cancellation_deadline_passed"}
    ]


# R3.9: the portal's calendar ------------------------------------------------------------------
#
# The calendar facts are the tests' own: copies of jaszbereny.toml whose `[calendar]`
# declares the days off and the moved working days, as a user's copied tenant file would.
# `own-calendar` has no national calendar at all (only weekends and its own days), and
# `worked-saturday` is Hungary's with 12 December 2026 worked (a Saturday the `holidays`
# package no longer has as a working day since Act LXXII of 2026).

CALENDARS = {
    "own-calendar": (
        'country = ""\n'
        'closed = ["2026-01-02", "2026-04-03", "2026-04-06"]\n'
        'worked = ["2026-01-10"]\n'
    ),
    # Monday 14 December is declared worked too, so that its meals are served whatever
    # the national calendar says of it.
    "worked-saturday": 'country = "HU"\nclosed = []\nworked = ["2026-12-12", "2026-12-14"]\n',
}


def _serve_copies(folder: Path, changes: dict[str, Callable[[str], str]]) -> StubServer:
    """A stub serving copies of jaszbereny.toml, each changed as a user would."""
    (folder / "stub.toml").write_text(
        (DEFAULT_CONFIG_DIR / "stub.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    original = (DEFAULT_CONFIG_DIR / "jaszbereny.toml").read_text(encoding="utf-8")
    for slug, change in changes.items():
        text = change(original.replace('slug = "jaszbereny"', f'slug = "{slug}"'))
        assert text != original
        (folder / f"{slug}.toml").write_text(text, encoding="utf-8")
    return StubServer(scrypt_n=2**4, config_dir=folder)


def _with_calendar(table: str) -> Callable[[str], str]:
    default = 'country = "HU"\nclosed = []\nworked = []\n'

    def change(text: str) -> str:
        assert default in text
        return text.replace(default, table)

    return change


@pytest.fixture(scope="module")
def _calendars_server(tmp_path_factory) -> Iterator[StubServer]:
    folder = tmp_path_factory.mktemp("calendars")
    changes = {slug: _with_calendar(table) for slug, table in CALENDARS.items()}
    with _serve_copies(folder, changes) as server:
        yield server


def _emptied(server: StubServer) -> Iterator[SimpleNamespace]:
    """A second stub, emptied for the test: its control API and its tenants' URLs."""
    control = StubControl(server.url)
    control.reset()
    yield SimpleNamespace(control=control, portal_url=server.portal_url)
    control.close()


def _cli_on(cli: Any, other: SimpleNamespace) -> Any:
    """The `cli` fixture aimed at a second stub's tenants."""

    def call(*args: str, tenant: str, env: dict[str, str] | None = None, **kwargs: Any):
        portal = {"FAMILYCARD_PORTAL": other.portal_url(tenant)}
        return cli(*args, tenant=tenant, env={**(env or {}), **portal}, **kwargs)

    return call


@pytest.fixture
def calendars(_calendars_server) -> Iterator[SimpleNamespace]:
    yield from _emptied(_calendars_server)


@pytest.fixture
def calendar_cli(cli, calendars):
    """The CLI against the stub of copied calendars."""
    return _cli_on(cli, calendars)


def test_r3_9_a_monday_after_a_moved_working_saturday_has_the_saturday_as_deadline(
    calendar_cli, calendars, tmp_path
):
    tenant = "own-calendar"
    ids = family(calendar_cli, calendars, tmp_path, now=at("2025-12-15 08:00"), tenant=tenant)
    bence = ids[BENCE]
    paid(calendar_cli, bence, "2026-01", "--day", "2026-01-12", tenant=tenant)
    saturday = day_state(calendar_cli, bence, "2026-01-10", tenant=tenant)
    assert saturday["working_day"] is True
    assert saturday["meals_offered"] == ["snack_am", "lunch"]  # the Friday offer
    assert day_state(calendar_cli, bence, "2026-01-02", tenant=tenant)["state"] == "not_served"
    monday = day_state(calendar_cli, bence, "2026-01-12", tenant=tenant)
    assert monday["deadline"] == "2026-01-10T09:00:00+01:00"
    # Friday after 09:00 is not the deadline of Monday's meal: Saturday is.
    calendars.control.set_clock(at("2026-01-09 10:00"))
    dry = run(
        calendar_cli, "meals", "cancel", "2026-01-12", "--member", bence, "--dry-run", tenant=tenant
    )
    assert dry.exit_code == 0, dry.stderr
    assert outcomes(dry)["2026-01-12"]["status"] == "would_cancel"
    calendars.control.set_clock(at("2026-01-10 09:00"))
    late = cancel(calendar_cli, bence, "2026-01-12", tenant=tenant)
    assert late.exit_code == 4
    assert late.error()["code"] == "cancellation_deadline_passed"
    calendars.control.set_clock(at("2026-01-10 08:59"))
    assert cancel(calendar_cli, bence, "2026-01-12", tenant=tenant).exit_code == 0
    assert day_state(calendar_cli, bence, "2026-01-12", tenant=tenant)["state"] == "cancelled"


def test_r3_9_a_meal_after_days_off_has_the_last_working_day_before_them(
    calendar_cli, calendars, tmp_path
):
    # The portal is closed on Friday 3 and Monday 6 April 2026 (Easter, as declared).
    tenant = "own-calendar"
    ids = family(calendar_cli, calendars, tmp_path, now=at("2026-03-02 08:00"), tenant=tenant)
    bence = ids[BENCE]
    paid(calendar_cli, bence, "2026-04", "--day", "2026-04-07", tenant=tenant)
    assert day_state(calendar_cli, bence, "2026-04-03", tenant=tenant)["state"] == "not_served"
    assert day_state(calendar_cli, bence, "2026-04-06", tenant=tenant)["state"] == "not_served"
    tuesday = day_state(calendar_cli, bence, "2026-04-07", tenant=tenant)
    assert tuesday["deadline"] == "2026-04-02T09:00:00+02:00"
    calendars.control.set_clock(at("2026-04-02 09:00"))
    late = cancel(calendar_cli, bence, "2026-04-07", tenant=tenant)
    assert late.exit_code == 4
    assert late.error()["code"] == "cancellation_deadline_passed"
    calendars.control.set_clock(at("2026-04-02 08:59:59"))
    assert cancel(calendar_cli, bence, "2026-04-07", tenant=tenant).exit_code == 0


def test_r3_9_a_worked_saturday_of_the_tenant_file_is_the_deadline_for_cli_and_portal(
    calendar_cli, calendars, tmp_path
):
    tenant = "worked-saturday"
    published = ok(
        calendar_cli(
            "portal", "calendar", "--from", "2026-12-11", "--to", "2026-12-14", tenant=tenant
        )
    )
    assert [(d["date"], d["working"], d["kind"]) for d in published] == [
        ("2026-12-11", True, "working"),
        ("2026-12-12", True, "moved_working_day"),
        ("2026-12-13", False, "weekend"),
        ("2026-12-14", True, "moved_working_day"),
    ]
    ids = family(calendar_cli, calendars, tmp_path, now=at("2026-12-01 08:00"), tenant=tenant)
    bence = ids[BENCE]
    paid(calendar_cli, bence, "2026-12", "--day", "2026-12-14", tenant=tenant)
    # Friday 11 December at 10:00: the Friday's cut-off has passed, Saturday's has not.
    calendars.control.set_clock(at("2026-12-11 10:00"))
    listed = ok(run(calendar_cli, "meals", "cancellable", "--member", bence, tenant=tenant))
    assert [(d["day"], d["deadline"]) for d in listed["days"]] == [
        ("2026-12-14", "2026-12-12T09:00:00+01:00")
    ]
    dry = run(
        calendar_cli, "meals", "cancel", "2026-12-14", "--member", bence, "--dry-run", tenant=tenant
    )
    assert dry.exit_code == 0, dry.stderr
    assert outcomes(dry)["2026-12-14"]["deadline"] == "2026-12-12T09:00:00+01:00"
    calendars.control.set_clock(at("2026-12-12 08:59:59"))
    done = cancel(calendar_cli, bence, "2026-12-14", tenant=tenant)
    assert done.exit_code == 0, done.stderr
    assert done.json()["sent"] is True
    assert outcomes(done)["2026-12-14"]["status"] == "cancelled"


def test_r3_9_the_portal_refuses_at_the_worked_saturday_s_cutoff(calendar_cli, calendars, tmp_path):
    tenant = "worked-saturday"
    ids = family(calendar_cli, calendars, tmp_path, now=at("2026-12-01 08:00"), tenant=tenant)
    bence = ids[BENCE]
    paid(calendar_cli, bence, "2026-12", "--day", "2026-12-14", tenant=tenant)
    calendars.control.set_clock(at("2026-12-12 09:00"))
    late = cancel(calendar_cli, bence, "2026-12-14", tenant=tenant)
    assert late.exit_code == 4
    assert late.error()["code"] == "cancellation_deadline_passed"
    refused = raw_cancel(calendars.portal_url(tenant), bence, "2026-12-14").json()
    assert refused["outcomes"][0]["code"] == "cancellation_deadline_passed"
    assert refused["outcomes"][0]["deadline"] == "2026-12-12T09:00:00+01:00"


# R3.9: other providers' cut-offs -------------------------------------------------------------

CUTOFFS = {"etelka-0930": "09:30", "etelka-1000": "10:00", "etelka-1200": "12:00"}


@pytest.fixture(scope="module")
def _providers_server(tmp_path_factory) -> Iterator[StubServer]:
    """A stub serving three copies of jaszbereny.toml with other cut-offs (as a user would)."""

    def cutoff_of(cutoff: str) -> Callable[[str], str]:
        return lambda text: text.replace(
            'cancellation_cutoff = "09:00"', f'cancellation_cutoff = "{cutoff}"'
        )

    changes = {slug: cutoff_of(cutoff) for slug, cutoff in CUTOFFS.items()}
    with _serve_copies(tmp_path_factory.mktemp("providers"), changes) as server:
        yield server


@pytest.fixture
def providers(_providers_server) -> Iterator[SimpleNamespace]:
    yield from _emptied(_providers_server)


@pytest.fixture
def provider_cli(cli, providers):
    """The CLI against the providers' stub."""
    return _cli_on(cli, providers)


@pytest.mark.parametrize(("tenant", "cutoff"), list(CUTOFFS.items()))
def test_r3_9_each_provider_s_cutoff_is_the_deadline(
    provider_cli, providers, tmp_path, tenant, cutoff
):
    info = ok(provider_cli("portal", "info", tenant=tenant))
    assert info["policy"]["cancellation_cutoff"] == cutoff
    ids = family(provider_cli, providers, tmp_path, now=at("2026-03-02 08:00"), tenant=tenant)
    bence = ids[BENCE]
    paid(provider_cli, bence, "2026-03", "--day", "2026-03-04", tenant=tenant)
    deadline = day_state(provider_cli, bence, "2026-03-04", tenant=tenant)["deadline"]
    assert deadline == f"2026-03-03T{cutoff}:00+01:00"
    hour, minute = (int(part) for part in cutoff.split(":"))
    before = f"2026-03-03 {hour - (minute == 0):02d}:{(minute - 1) % 60:02d}"
    # At the cut-off: refused by the CLI before sending, and by the portal itself.
    providers.control.set_clock(at(f"2026-03-03 {cutoff}"))
    late = cancel(provider_cli, bence, "2026-03-04", tenant=tenant)
    assert late.exit_code == 4
    assert late.error()["code"] == "cancellation_deadline_passed"
    refused = raw_cancel(providers.portal_url(tenant), bence, "2026-03-04").json()
    assert refused["outcomes"][0]["code"] == "cancellation_deadline_passed"
    # A minute before it (later than Jászberény's 09:00): accepted.
    providers.control.set_clock(at(before))
    result = cancel(provider_cli, bence, "2026-03-04", tenant=tenant)
    assert result.exit_code == 0, result.stderr
    assert outcomes(result)["2026-03-04"]["status"] == "cancelled"


# R3.8: the quick-cancellation calendar, confirmation, outcomes ------------------------------


def test_r3_8_cancellable_opens_on_the_earliest_month_with_cancellable_days(cli, stub, bence):
    paid(cli, bence, "2026-04", "--day", "2026-04-08", "--day", "2026-04-09")
    first = ok(run(cli, "meals", "cancellable", "--member", bence))
    assert first["month"] == "2026-03"
    assert [d["day"] for d in first["days"]] == ["2026-03-04", "2026-03-05"]
    assert first["days"][0]["deadline"] == "2026-03-03T09:00:00+01:00"
    # Once March's last deadline has passed, the calendar opens on April.
    stub.control.set_clock(at("2026-03-04 09:00"))
    later = ok(run(cli, "meals", "cancellable", "--member", BENCE))
    assert later["month"] == "2026-04"
    assert [d["day"] for d in later["days"]] == ["2026-04-08", "2026-04-09"]
    paged = ok(run(cli, "meals", "cancellable", "--member", bence, "--month", "2026-03"))
    assert paged["month"] == "2026-03"
    assert paged["days"] == []
    human = run(cli, "meals", "cancellable", "--member", bence, json=False)
    assert "2026-04-08" in human.stdout
    assert "Tue 2026-04-07 09:00" in human.stdout


def test_r3_8_dry_run_says_what_would_be_cancelled_and_refused_and_sends_nothing(cli, stub, bence):
    stub.control.set_clock(at("2026-03-04 08:00"))
    before = inbox(cli)["total"]
    args = ["meals", "cancel", "2026-03-04", "2026-03-05", "2026-03-06", "--member", bence]
    result = run(cli, *args, "--dry-run")
    assert result.exit_code == 4
    body = result.json()
    assert body["dry_run"] is True
    assert body["sent"] is False
    by_day = outcomes(result)
    assert by_day["2026-03-04"]["code"] == "cancellation_deadline_passed"
    assert by_day["2026-03-05"]["status"] == "would_cancel"
    assert by_day["2026-03-05"]["credit"]["value"] == str(DAY_CREDIT)
    assert by_day["2026-03-06"]["code"] == "day_not_ordered"
    assert result.error()["code"] == "cancellation_refused"  # two different reasons
    assert day_state(cli, bence, "2026-03-05")["state"] == "final"
    assert balance(cli, bence) == 0
    assert inbox(cli)["total"] == before
    fine = run(cli, "meals", "cancel", "2026-03-05", "--member", bence, "--dry-run")
    assert fine.exit_code == 0, fine.stderr
    human = run(cli, "meals", "cancel", *args[2:], "--dry-run", json=False)
    assert "dry run: nothing sent" in human.stderr  # the table's title: stderr when piped
    assert "1 day(s) would be cancelled, 2 refused" in human.stdout


def test_r3_8_a_mixed_request_cancels_what_it_can_and_reports_each_day(cli, stub, bence):
    stub.control.set_clock(at("2026-03-04 08:00"))
    result = cancel(cli, bence, "2026-03-04", "2026-03-05")
    assert result.exit_code == 4
    assert result.error()["code"] == "cancellation_deadline_passed"
    by_day = outcomes(result)
    assert by_day["2026-03-04"]["status"] == "refused"
    assert by_day["2026-03-05"]["status"] == "cancelled"
    assert result.json()["sent"] is True
    assert day_state(cli, bence, "2026-03-04")["state"] == "final"
    assert day_state(cli, bence, "2026-03-05")["state"] == "cancelled"
    assert balance(cli, bence) == DAY_CREDIT
    kept = inbox(cli)["notifications"][0]
    assert kept["data"]["cancelled"] == ["2026-03-05"]
    assert kept["data"]["refused"] == [
        {"day": "2026-03-04", "code": "cancellation_deadline_passed"}
    ]
    assert "1 day(s) cancelled, 1 refused" in kept["title"]


def test_r3_8_a_script_must_confirm_with_yes(cli, stub, bence):
    result = run(cli, "meals", "cancel", "2026-03-04", "--member", bence)
    assert result.exit_code == 2
    assert result.error()["code"] == "confirmation_required"
    assert day_state(cli, bence, "2026-03-04")["state"] == "final"


def test_r3_8_only_final_orders_are_cancelled_each_refusal_with_its_code(cli, stub, bence):
    order(cli, bence, "--day", "2026-03-10")  # a draft, not finalised
    assert cancel(cli, bence, "2026-03-04").exit_code == 0
    cases = {
        "2026-03-10": "order_not_final",
        "2026-03-11": "day_not_ordered",
        "2026-03-07": "day_not_ordered",  # a Saturday: nothing is served
    }
    for day, code in cases.items():
        result = cancel(cli, bence, day)
        assert result.exit_code == 4, day
        assert result.error()["code"] == code, day
        assert outcomes(result)[day]["code"] == code


def test_r3_8_cancelling_a_day_cancelled_already_succeeds_and_says_so(cli, stub, bence):
    assert cancel(cli, bence, "2026-03-04").exit_code == 0
    before, credited = inbox(cli)["total"], balance(cli, bence)
    again = cancel(cli, bence, "2026-03-04")
    assert again.exit_code == 0, again.stderr
    assert outcomes(again)["2026-03-04"]["status"] == "already_cancelled"
    assert again.json()["credit"]["value"] == "0"
    assert (inbox(cli)["total"], balance(cli, bence)) == (before, credited)  # nothing twice
    human = run(cli, "meals", "cancel", "2026-03-04", "--member", bence, "--yes", json=False)
    assert human.exit_code == 0
    assert "1 cancelled already" in human.stdout


def test_r3_8_outcomes_are_e_mailed_as_the_notification_settings_say(cli, stub, bence):
    stub.control.set_clock(at("2026-03-03 08:00"))
    assert cancel(cli, bence, "2026-03-04").exit_code == 0
    mail = stub.control.last_email(EVA, kind="cancellation")
    assert mail.data["cancelled"] == ["2026-03-04"]
    switched = run(cli, "profile", "notifications", "--set", "cancellation=off")
    assert switched.exit_code == 0, switched.stderr
    sent_before = len(stub.control.outbox(to=EVA))
    total_before = inbox(cli)["total"]
    stub.control.set_clock(at("2026-03-04 08:00"))
    assert cancel(cli, bence, "2026-03-05").exit_code == 0
    assert len(stub.control.outbox(to=EVA)) == sent_before  # no e-mail ...
    assert inbox(cli)["total"] == total_before + 1  # ... but kept in the inbox


def test_r3_8_the_human_output_shows_each_day_and_the_credit(cli, stub, bence):
    stub.control.set_clock(at("2026-03-03 08:00"))
    result = run(cli, "meals", "cancel", "2026-03-04", "--member", BENCE, "--yes", json=False)
    assert result.exit_code == 0, result.stderr
    assert "2026-03-04" in result.stdout
    assert "cancelled" in result.stdout
    assert f"credit HUF {DAY_CREDIT}" in result.stdout
    assert "kept in the inbox" in result.stdout


def test_r3_8_a_member_of_another_family_is_not_found(cli, stub, bence, tmp_path: Path):
    result = cancel(cli, "Idegen Gyerek", "2026-03-04")
    assert result.exit_code == 5
    assert result.error()["code"] == "member_not_found"
