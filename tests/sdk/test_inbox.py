"""`client.inbox` (etelka, R3.17) against respx: the counts, the notifications, reading one."""

from __future__ import annotations

from datetime import datetime

import pytest
from sdk_builders import BUDAPEST, dump, query, trail
from sdk_support import error_body, idempotency_keys, stub_portal_info

import familycard
from familycard.models.meals import Inbox, Notification


def notification(number: int, *, read: bool = False) -> Notification:
    return Notification(
        id=number,
        kind="cancellation",
        title="Lemondás visszaigazolása",
        body="Kovács Bence: 2026-03-09 lemondva.",
        data={"member": "kovacs-bence-1a2b", "days": ["2026-03-09"], "credit": "840"},
        created_at=datetime(2026, 3, 4, 10, 1, tzinfo=BUDAPEST),
        read=read,
    )


def test_r3_17_list_returns_the_total_and_unread_counts_with_the_notifications(portal, client):
    stub_portal_info(portal, "etelka")
    body = Inbox(total=3, unread=1, notifications=[notification(3), notification(2, read=True)])
    route = portal.get("/inbox").respond(json=dump(body))
    inbox = client.inbox.list()
    assert query(route) == {"unread": "false"}
    assert inbox == body
    assert (inbox.total, inbox.unread) == (3, 1)
    assert [(n.id, n.read) for n in inbox.notifications] == [(3, False), (2, True)]
    assert inbox.notifications[0].data["days"] == ["2026-03-09"]
    assert inbox.notifications[0].created_at == datetime(2026, 3, 4, 10, 1, tzinfo=BUDAPEST)


def test_r3_17_list_of_the_unread_only_asks_for_them(portal, client):
    stub_portal_info(portal, "etelka")
    body = Inbox(total=3, unread=1, notifications=[notification(3)])
    route = portal.get("/inbox").respond(json=dump(body))
    inbox = client.inbox.list(unread=True)
    assert query(route) == {"unread": "true"}
    assert [n.id for n in inbox.notifications] == [3]


def test_read_posts_to_the_notification_with_a_key_and_returns_it_read(portal, client):
    stub_portal_info(portal, "etelka")
    route = portal.post("/inbox/3/read").respond(json=dump(notification(3, read=True)))
    read = client.inbox.read(3)
    assert trail(portal) == ["GET /portal", "POST /inbox/3/read"]
    (key,) = idempotency_keys(route)
    assert key
    assert route.calls[0].request.content == b""
    assert read.id == 3
    assert read.read is True


def test_read_takes_a_numeric_id_given_as_text(portal, client):
    stub_portal_info(portal, "etelka")
    route = portal.post("/inbox/12/read").respond(json=dump(notification(12, read=True)))
    client.inbox.read("12")  # type: ignore[arg-type]
    assert route.call_count == 1


@pytest.mark.parametrize("notification_id", [0, -1, 2**63, "12a", "9" * 30])
def test_read_refuses_an_id_beyond_sqlite_s_integers_without_sending(
    portal, client, notification_id
):
    stub_portal_info(portal, "etelka")
    with pytest.raises(familycard.InvalidInput) as caught:
        client.inbox.read(notification_id)
    assert caught.value.code == "invalid_id"
    assert trail(portal) == ["GET /portal"]


def test_read_of_another_accounts_notification_is_not_found(portal, client):
    stub_portal_info(portal, "etelka")
    body = error_body("notification_not_found", "no notification 99")
    portal.post("/inbox/99/read").respond(404, json=body)
    with pytest.raises(familycard.NotFound) as caught:
        client.inbox.read(99)
    assert caught.value.code == "notification_not_found"
    assert caught.value.sent


def test_an_expired_session_is_authentication_failed(portal, client):
    stub_portal_info(portal, "etelka")
    portal.get("/inbox").respond(401, json=error_body("session_expired", "log in again"))
    with pytest.raises(familycard.AuthenticationFailed) as caught:
        client.inbox.list()
    assert caught.value.code == "session_expired"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.inbox.list(), id="list"),
        pytest.param(lambda c: c.inbox.read(1), id="read"),
    ],
)
def test_a_portal_without_an_inbox_refuses_after_only_the_portal_info(portal, client, call):
    stub_portal_info(portal, "citycard")
    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)
    assert caught.value.code == "feature_not_supported"
    assert caught.value.details == {"feature": "inbox", "kind": "citycard"}
    assert trail(portal) == ["GET /portal"]
