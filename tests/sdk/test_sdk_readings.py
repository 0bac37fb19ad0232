"""`client.readings` (utility, R5.11-R5.14) against respx.

A write goes to the portal directly: the SDK never reads the readings log first, and the
rules on the state (the window, one reading a day, decreasing readings, acquired readings)
are the portal's, refused in the same transaction (`sent` True).  The energia window is
day 1 00:00 to day 7 23:59 (Europe/Rome); the portal's clock is 2026-03-05 10:00 unless a
test says otherwise.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import httpx
import pytest
import respx
from sdk_builders import (
    INSIDE_WINDOW,
    PDR,
    POD,
    ROME,
    dump,
    reading,
    reading_log,
    sent_json,
    supply,
    trail,
    utility,
)
from sdk_support import error_body, idempotency_keys, stub_portal_info

import familycard
from familycard.models.utility import ReadingWindow, ReadingWindows

READINGS = f"/supplies/{POD}/readings"
GAS_READINGS = f"/supplies/{PDR}/readings"
#: Read on the 2nd, sent 09:10, acquired 09:30: acquired by the portal's clock.
ACQUIRED = reading(date(2026, 3, 2), 5000, submitted_at=datetime(2026, 3, 2, 9, 10, tzinfo=ROME))


def new_reading(day: date, meter: int, **kwargs) -> familycard.MeterReading:
    """What the portal answers to a new reading sent at the portal's clock."""
    return reading(day, meter, submitted_at=INSIDE_WINDOW, pending=True, **kwargs)


# log, list, windows ---------------------------------------------------------------------


def test_log_gets_the_readings_with_the_supply_point_and_the_portals_clock(portal, client):
    utility(portal)
    body = reading_log(readings=[new_reading(date(2026, 3, 5), 5100), ACQUIRED])
    route = portal.get(READINGS).respond(json=dump(body))
    log = client.readings.log(supply_point=POD)
    assert route.call_count == 1
    assert trail(portal) == ["GET /portal", f"GET {READINGS}"]
    assert log == body
    assert log.now == INSIDE_WINDOW
    assert [(r.reading_date, r.status, r.deletable) for r in log.readings] == [
        (date(2026, 3, 5), "pending", True),
        (date(2026, 3, 2), "acquired", False),
    ]


def test_list_returns_the_readings_of_the_only_supply_point(portal, client):
    utility(portal)
    portal.get("/supplies").respond(json=dump([supply()]))
    portal.get(READINGS).respond(json=dump(reading_log(readings=[ACQUIRED])))
    assert client.readings.list() == [ACQUIRED]
    assert trail(portal) == ["GET /portal", "GET /supplies", f"GET {READINGS}"]


def test_r5_11_windows_returns_the_open_and_the_next_window(portal, client):
    utility(portal)
    body = ReadingWindows(
        supply_point=POD,
        now=INSIDE_WINDOW,
        open=ReadingWindow(
            opens_at=datetime(2026, 3, 1, 0, 0, tzinfo=ROME),
            closes_at=datetime(2026, 3, 7, 23, 59, tzinfo=ROME),
        ),
        next=ReadingWindow(
            opens_at=datetime(2026, 4, 1, 0, 0, tzinfo=ROME),
            closes_at=datetime(2026, 4, 7, 23, 59, tzinfo=ROME),
        ),
    )
    route = portal.get(f"{READINGS}/windows").respond(json=dump(body))
    windows = client.readings.windows(supply_point=POD)
    assert route.call_count == 1
    assert windows == body
    assert windows.open is not None
    assert windows.open.closes_at == datetime(2026, 3, 7, 23, 59, tzinfo=ROME)


def test_a_malformed_supply_point_is_refused_before_reading_anything(portal, client):
    utility(portal)
    with pytest.raises(familycard.InvalidInput) as caught:
        client.readings.log(supply_point="IT001E123")
    assert caught.value.code == "invalid_supply_point"
    assert trail(portal) == ["GET /portal"]


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.readings.log(supply_point=POD), id="log"),
        pytest.param(lambda c: c.readings.list(supply_point=POD), id="list"),
        pytest.param(lambda c: c.readings.windows(supply_point=POD), id="windows"),
        pytest.param(lambda c: c.readings.submit(5100, supply_point=POD), id="submit"),
        pytest.param(lambda c: c.readings.delete(date(2026, 3, 5), supply_point=POD), id="delete"),
    ],
)
def test_a_portal_without_readings_refuses_after_only_the_portal_info(portal, client, call):
    stub_portal_info(portal, "utility", features=["accounts", "supplies", "invoices"])
    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)
    assert caught.value.code == "feature_not_supported"
    assert caught.value.details["feature"] == "readings"
    assert trail(portal) == ["GET /portal"]


# submit (R5.11-R5.13) -----------------------------------------------------------------------


def test_r5_12_submit_posts_the_meter_reading_without_reading_the_log(portal, client):
    utility(portal)
    log = portal.get(READINGS).respond(json=dump(reading_log(readings=[ACQUIRED])))
    answer = new_reading(date(2026, 3, 5), 5100)
    post = portal.post(READINGS).respond(json=dump(answer))
    got = client.readings.submit(5100, supply_point=POD, idempotency_key="read-0305")
    assert trail(portal) == ["GET /portal", f"POST {READINGS}"]
    assert not log.called
    assert sent_json(post) == {"meter": 5100, "meter_replaced": False}
    assert idempotency_keys(post) == ["read-0305"]
    assert got == answer
    assert got.status == "pending"
    assert got.acquired_at == datetime(2026, 3, 5, 10, 30, tzinfo=ROME)


def test_submit_without_a_supply_point_resolves_it_once_and_posts_to_it(portal, client):
    utility(portal)
    portal.get("/supplies").respond(json=dump([supply()]))
    portal.get(READINGS).respond(json=dump(reading_log()))
    post = portal.post(READINGS).respond(json=dump(new_reading(date(2026, 3, 5), 10)))
    client.readings.submit(10)
    assert trail(portal) == [
        "GET /portal",
        "GET /supplies",
        f"POST {READINGS}",
    ]
    (key,) = idempotency_keys(post)
    assert key


def test_r5_12_submit_of_a_gas_meter_with_a_corrector_sends_both_readings(portal, client):
    utility(portal)
    gas = supply("gas", has_corrector=True)
    portal.get(GAS_READINGS).respond(json=dump(reading_log(gas)))
    answer = new_reading(date(2026, 3, 4), 812, point=PDR, corrector=790)
    post = portal.post(GAS_READINGS).respond(json=dump(answer))
    got = client.readings.submit(
        812, corrector=790, supply_point=PDR, reading_date=date(2026, 3, 4)
    )
    assert sent_json(post) == {
        "meter": 812,
        "corrector": 790,
        "reading_date": "2026-03-04",
        "meter_replaced": False,
    }
    assert got.corrector == 790


def refused_by_the_portal(
    portal: respx.MockRouter, path: str, http_status: int, code: str, /, **details: Any
) -> tuple[respx.Route, respx.Route]:
    """The log route (never to be read) and the POST answering `http_status` with `code`."""
    log = portal.get(path).respond(json=dump(reading_log(readings=[ACQUIRED])))
    post = portal.post(path).respond(http_status, json=error_body(code, "refused", **details))
    return log, post


def test_r5_12_submit_without_the_corrector_reading_is_refused_by_the_portal(portal, client):
    utility(portal)
    _, post = refused_by_the_portal(portal, GAS_READINGS, 422, "corrector_reading_required")
    with pytest.raises(familycard.RuleViolation) as caught:
        client.readings.submit(812, supply_point=PDR)
    assert caught.value.code == "corrector_reading_required"
    assert caught.value.sent
    assert trail(portal) == ["GET /portal", f"POST {GAS_READINGS}"]
    assert sent_json(post) == {"meter": 812, "meter_replaced": False}


def test_r5_12_submit_with_a_corrector_the_meter_lacks_is_refused_by_the_portal(portal, client):
    utility(portal)
    _, post = refused_by_the_portal(portal, READINGS, 422, "corrector_reading_not_allowed")
    with pytest.raises(familycard.RuleViolation) as caught:
        client.readings.submit(5100, corrector=10, supply_point=POD)
    assert caught.value.code == "corrector_reading_not_allowed"
    assert caught.value.sent
    assert trail(portal) == ["GET /portal", f"POST {READINGS}"]
    assert sent_json(post) == {"meter": 5100, "corrector": 10, "meter_replaced": False}


@pytest.mark.parametrize(
    "next_opens_at",
    [
        pytest.param("2026-04-01T00:00:00+02:00", id="just-after-closing"),
        pytest.param("2026-03-01T00:00:00+01:00", id="just-before-opening"),
        pytest.param("2026-04-01T00:00:00+02:00", id="mid-month"),
    ],
)
def test_r5_11_submit_outside_the_window_is_refused_by_the_portal_after_one_post(
    portal, client, next_opens_at
):
    # The window is judged by the portal, with its clock, in the same transaction.
    utility(portal)
    _, post = refused_by_the_portal(
        portal, READINGS, 422, "reading_outside_window", next_opens_at=next_opens_at
    )
    with pytest.raises(familycard.RuleViolation) as caught:
        client.readings.submit(5100, supply_point=POD)
    assert caught.value.code == "reading_outside_window"
    assert caught.value.details["next_opens_at"] == next_opens_at
    assert caught.value.sent
    assert trail(portal) == ["GET /portal", f"POST {READINGS}"]
    assert post.call_count == 1


def test_r5_11_the_window_of_the_portals_policy_is_the_portals_to_judge(portal, client):
    # On the 5th, outside a 10-20 window: the SDK sends, the portal refuses.
    utility(portal, reading_window_from_day=10, reading_window_to_day=20)
    _, post = refused_by_the_portal(
        portal, READINGS, 422, "reading_outside_window", next_opens_at="2026-03-10T00:00:00+01:00"
    )
    with pytest.raises(familycard.RuleViolation) as caught:
        client.readings.submit(5100, supply_point=POD)
    assert caught.value.code == "reading_outside_window"
    assert caught.value.details["next_opens_at"] == "2026-03-10T00:00:00+01:00"
    assert caught.value.sent
    assert trail(portal) == ["GET /portal", f"POST {READINGS}"]
    assert post.call_count == 1


def test_r5_13_a_second_reading_of_the_same_day_is_refused_by_the_portal(portal, client):
    utility(portal)
    _, post = refused_by_the_portal(
        portal,
        READINGS,
        422,
        "reading_already_submitted_today",
        reading_date="2026-03-05",
        status="pending",
    )
    with pytest.raises(familycard.RuleViolation) as caught:
        client.readings.submit(5150, supply_point=POD)
    assert caught.value.code == "reading_already_submitted_today"
    assert caught.value.details == {"reading_date": "2026-03-05", "status": "pending"}
    assert caught.value.sent
    assert trail(portal) == ["GET /portal", f"POST {READINGS}"]
    assert post.call_count == 1


def test_r5_13_one_reading_per_day_counts_the_reading_date_given(portal, client):
    utility(portal)
    _, post = refused_by_the_portal(
        portal,
        READINGS,
        422,
        "reading_already_submitted_today",
        reading_date="2026-03-02",
        status="acquired",
    )
    with pytest.raises(familycard.RuleViolation) as caught:
        client.readings.submit(5200, supply_point=POD, reading_date=date(2026, 3, 2))
    assert caught.value.code == "reading_already_submitted_today"
    assert caught.value.details["status"] == "acquired"
    assert caught.value.sent
    assert sent_json(post) == {"meter": 5200, "reading_date": "2026-03-02", "meter_replaced": False}
    assert trail(portal) == ["GET /portal", f"POST {READINGS}"]


def test_r5_13_a_reading_below_the_last_acquired_one_is_refused_by_the_portal(portal, client):
    utility(portal)
    details = {"field": "meter", "last_acquired": 5000, "last_acquired_date": "2026-03-02"}
    _, post = refused_by_the_portal(portal, READINGS, 422, "reading_decreasing", **details)
    with pytest.raises(familycard.RuleViolation) as caught:
        client.readings.submit(4999, supply_point=POD)
    assert caught.value.code == "reading_decreasing"
    assert caught.value.details == details
    assert caught.value.sent
    assert trail(portal) == ["GET /portal", f"POST {READINGS}"]
    assert post.call_count == 1


def test_r5_13_a_lower_reading_of_a_replaced_meter_is_sent(portal, client):
    utility(portal)
    portal.get(READINGS).respond(json=dump(reading_log(readings=[ACQUIRED])))
    post = portal.post(READINGS).respond(json=dump(new_reading(date(2026, 3, 5), 3)))
    client.readings.submit(3, supply_point=POD, meter_replaced=True)
    assert sent_json(post) == {"meter": 3, "meter_replaced": True}


@pytest.mark.parametrize(
    "meter",
    [
        pytest.param(-1, id="negative"),
        pytest.param(100_000_000, id="nine-digits"),
    ],
)
def test_r5_12_submit_refuses_readings_out_of_range_before_sending(portal, client, meter):
    utility(portal)
    post = portal.post(READINGS).respond(json={})
    with pytest.raises(familycard.InvalidInput) as caught:
        client.readings.submit(meter, supply_point=POD)
    assert caught.value.code == "invalid_reading"
    assert not caught.value.sent
    assert not post.called


@pytest.mark.parametrize(
    ("kwargs", "status", "error_class", "code"),
    [
        pytest.param(
            {"meter": 5100, "reading_date": date(2026, 3, 6)},
            400,
            familycard.InvalidInput,
            "invalid_reading_date",
            id="tomorrow",
        ),
        pytest.param(
            {"meter": 5100, "reading_date": date(2026, 2, 28)},
            422,
            familycard.RuleViolation,
            "reading_outside_window",
            id="before-the-window-opened",
        ),
        pytest.param(
            {"meter": 5100, "reading_date": date(2026, 3, 1)},
            422,
            familycard.RuleViolation,
            "reading_decreasing",
            id="dated-before-the-last-acquired",
        ),
    ],
)
def test_submit_sends_the_reading_date_and_the_portal_judges_it_by_its_clock(
    portal, client, kwargs, status, error_class, code
):
    utility(portal)
    _, post = refused_by_the_portal(portal, READINGS, status, code)
    with pytest.raises(familycard.FamilycardError) as caught:
        client.readings.submit(supply_point=POD, **kwargs)
    assert type(caught.value) is error_class
    assert caught.value.code == code
    assert caught.value.sent
    assert sent_json(post)["reading_date"] == kwargs["reading_date"].isoformat()
    assert trail(portal) == ["GET /portal", f"POST {READINGS}"]


def test_a_reading_the_portal_refuses_after_sending_maps_to_its_error(portal, client):
    utility(portal)
    portal.get(READINGS).respond(json=dump(reading_log()))
    body = error_body("reading_already_submitted_today", "one reading per day")
    post = portal.post(READINGS).respond(422, json=body)
    with pytest.raises(familycard.RuleViolation) as caught:
        client.readings.submit(5100, supply_point=POD)
    assert caught.value.code == "reading_already_submitted_today"
    assert caught.value.sent
    assert post.call_count == 1


# delete (R5.14) ------------------------------------------------------------------------------


def deleted(day: str = "2026-03-05", status: str = "deleted") -> dict:
    already = " already" if status == "already_deleted" else ""
    return {"ok": True, "message": f"the reading of {day} was deleted{already}", "status": status}


def test_r5_14_delete_a_pending_reading_deletes_that_day_without_reading_the_log(portal, client):
    utility(portal)
    pending = new_reading(date(2026, 3, 5), 5100)
    log = portal.get(READINGS).respond(json=dump(reading_log(readings=[pending, ACQUIRED])))
    delete = portal.delete(f"{READINGS}/2026-03-05").respond(json=deleted())
    ack = client.readings.delete(date(2026, 3, 5), supply_point=POD)
    assert trail(portal) == ["GET /portal", f"DELETE {READINGS}/2026-03-05"]
    assert not log.called
    (key,) = idempotency_keys(delete)
    assert key
    assert isinstance(ack, familycard.Ack)
    assert ack.message == "the reading of 2026-03-05 was deleted"
    assert ack.status == "deleted"


def test_r5_14_a_reading_deleted_before_answers_already_deleted(portal, client):
    utility(portal)
    delete = portal.delete(f"{READINGS}/2026-03-05").respond(json=deleted(status="already_deleted"))
    ack = client.readings.delete(date(2026, 3, 5), supply_point=POD)
    assert trail(portal) == ["GET /portal", f"DELETE {READINGS}/2026-03-05"]
    assert delete.call_count == 1
    assert isinstance(ack, familycard.Ack)
    assert ack.ok is True
    assert ack.status == "already_deleted"
    assert ack.message == "the reading of 2026-03-05 was deleted already"


def test_r5_14_deleting_twice_with_one_client_passes_the_status_of_each_answer(portal, client):
    utility(portal)
    portal.delete(f"{READINGS}/2026-03-05").mock(
        side_effect=[
            httpx.Response(200, json=deleted()),
            httpx.Response(200, json=deleted(status="already_deleted")),
        ]
    )
    first = client.readings.delete(date(2026, 3, 5), supply_point=POD)
    second = client.readings.delete(date(2026, 3, 5), supply_point=POD)
    assert (first.status, second.status) == ("deleted", "already_deleted")
    assert trail(portal) == [
        "GET /portal",
        f"DELETE {READINGS}/2026-03-05",
        f"DELETE {READINGS}/2026-03-05",
    ]


def test_an_ack_without_a_status_is_done(portal, client):
    utility(portal)
    portal.delete(f"{READINGS}/2026-03-05").respond(json={"ok": True, "message": "ok"})
    assert client.readings.delete(date(2026, 3, 5), supply_point=POD).status == "done"


def test_r5_14_a_reading_past_its_acquisition_time_is_refused_by_the_portal(portal, client):
    # Sent at 10:00, acquired at 10:30: past 10:30 by the portal's clock, it refuses.
    utility(portal)
    body = error_body(
        "reading_already_acquired", "too late", acquired_at="2026-03-05T10:30:00+01:00"
    )
    delete = portal.delete(f"{READINGS}/2026-03-05").respond(422, json=body)
    with pytest.raises(familycard.RuleViolation) as caught:
        client.readings.delete(date(2026, 3, 5), supply_point=POD)
    assert caught.value.code == "reading_already_acquired"
    assert caught.value.details == {"acquired_at": "2026-03-05T10:30:00+01:00"}
    assert caught.value.sent
    assert trail(portal) == ["GET /portal", f"DELETE {READINGS}/2026-03-05"]
    assert delete.call_count == 1


def test_delete_of_a_day_without_a_reading_is_not_found_by_the_portal(portal, client):
    utility(portal)
    log = portal.get(READINGS).respond(json=dump(reading_log(readings=[ACQUIRED])))
    body = error_body("reading_not_found", "no reading of 2026-03-04 to delete")
    delete = portal.route(method="DELETE").respond(404, json=body)
    with pytest.raises(familycard.NotFound) as caught:
        client.readings.delete(date(2026, 3, 4), supply_point=POD)
    assert caught.value.code == "reading_not_found"
    assert caught.value.sent
    assert not log.called
    assert trail(portal) == ["GET /portal", f"DELETE {READINGS}/2026-03-04"]
    assert delete.call_count == 1


def test_a_delete_the_portal_refuses_maps_to_its_error(portal, client):
    utility(portal)
    pending = new_reading(date(2026, 3, 5), 5100)
    portal.get(READINGS).respond(json=dump(reading_log(readings=[pending])))
    portal.delete(f"{READINGS}/2026-03-05").mock(
        return_value=httpx.Response(422, json=error_body("reading_already_acquired", "too late"))
    )
    with pytest.raises(familycard.RuleViolation) as caught:
        client.readings.delete(date(2026, 3, 5), supply_point=POD)
    assert caught.value.code == "reading_already_acquired"
    assert caught.value.sent


def test_r5_3_submit_without_choosing_among_several_supply_points_sends_nothing(portal, client):
    utility(portal)
    portal.get("/supplies").respond(json=dump([supply(), supply("gas")]))
    with pytest.raises(familycard.InvalidInput) as caught:
        client.readings.submit(5100)
    assert caught.value.code == "supply_point_required"
    assert trail(portal) == ["GET /portal", "GET /supplies"]


@pytest.mark.parametrize(
    ("call", "method", "path"),
    [
        pytest.param(lambda c: c.readings.log(supply_point=PDR), "GET", GAS_READINGS, id="log"),
        pytest.param(lambda c: c.readings.list(supply_point=PDR), "GET", GAS_READINGS, id="list"),
        pytest.param(
            lambda c: c.readings.windows(supply_point=PDR),
            "GET",
            f"{GAS_READINGS}/windows",
            id="windows",
        ),
        pytest.param(
            lambda c: c.readings.submit(1, supply_point=PDR), "POST", GAS_READINGS, id="submit"
        ),
        pytest.param(
            lambda c: c.readings.delete(date(2026, 3, 5), supply_point=PDR),
            "DELETE",
            f"{GAS_READINGS}/2026-03-05",
            id="delete",
        ),
    ],
)
def test_r5_3_someone_elses_supply_point_is_not_found(portal, client, call, method, path):
    utility(portal)
    body = error_body("supply_point_not_found", "not one of yours", supply_point=PDR)
    route = portal.route(method=method, path=path).respond(404, json=body)
    with pytest.raises(familycard.NotFound) as caught:
        call(client)
    assert caught.value.code == "supply_point_not_found"
    assert caught.value.details == {"supply_point": PDR}
    assert route.call_count == 1
    assert [t.split(" ")[0] for t in trail(portal)] == ["GET", method]
