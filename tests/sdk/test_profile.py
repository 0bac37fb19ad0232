"""`client.profile`: own data and notification settings (R3.6-R3.7, R5.5-R5.6)."""

from __future__ import annotations

import pytest
from sdk_support import error_body, sent_json, stub_portal_info

import familycard
from familycard import _constants as C
from familycard.models.accounts import Account, Ack, NotificationSettings

EVENTS = {"cancellation": True, "order": True, "payment": True, "receipt": True, "board": False}


def account(**changes) -> dict:
    fields = {
        "username": "kovacseva",
        "email": "kovacs.eva@example.hu",
        "full_name": "Kovács Éva",
        "phone": "+36 30 123 4567",
        "status": "active",
    }
    return Account(**{**fields, **changes}).model_dump(mode="json")


def settings(events: dict[str, bool] | None = None, locked: list[str] | None = None) -> dict:
    return NotificationSettings(
        events=EVENTS if events is None else events,
        locked=["payment"] if locked is None else locked,
    ).model_dump(mode="json")


# show ----------------------------------------------------------------------------------


def test_show_gets_the_profile_as_a_typed_account(portal, client):
    route = portal.get("/profile").respond(json=account())

    result = client.profile.show()

    assert route.calls.last.request.method == "GET"
    assert C.IDEMPOTENCY_HEADER not in route.calls.last.request.headers
    assert isinstance(result, familycard.Account)
    assert result.full_name == "Kovács Éva"
    assert result.phone == "+36 30 123 4567"
    assert result.fax is None


def test_show_maps_an_expired_session_to_authentication_failed(portal, client):
    portal.get("/profile").respond(401, json=error_body("session_expired", "log in again"))

    with pytest.raises(familycard.AuthenticationFailed) as caught:
        client.profile.show()

    assert caught.value.code == "session_expired"
    assert caught.value.message == "log in again"


# update --------------------------------------------------------------------------------


def test_r3_6_etelka_update_patches_full_name_and_phone_only(portal, client):
    stub_portal_info(portal, "etelka")
    route = portal.patch("/profile").respond(
        json=account(full_name="Kovács Éva Mária", phone="+36 20 999 0000")
    )

    result = client.profile.update(full_name="Kovács Éva Mária", phone="+36 20 999 0000")

    assert route.calls.last.request.headers[C.IDEMPOTENCY_HEADER]
    assert sent_json(route) == {"full_name": "Kovács Éva Mária", "phone": "+36 20 999 0000"}
    assert result.full_name == "Kovács Éva Mária"
    assert result.phone == "+36 20 999 0000"


def test_r5_6_utility_update_patches_phone_fax_and_a_normalised_email(portal, client):
    stub_portal_info(portal, "utility")
    route = portal.patch("/profile").respond(json=account(email="mario@example.it", fax="0574 1"))

    result = client.profile.update(phone="0574 2", fax="0574 1", email=" Mario@Example.IT ")

    assert sent_json(route) == {"phone": "0574 2", "fax": "0574 1", "email": "mario@example.it"}
    assert result.email == "mario@example.it"


@pytest.mark.parametrize(
    ("kind", "changes", "refused"),
    [
        pytest.param("etelka", {"email": "new@example.hu"}, ["email"], id="r3_6-etelka-email"),
        pytest.param("etelka", {"fax": "1"}, ["fax"], id="r3_6-etelka-fax"),
        pytest.param("utility", {"full_name": "X Y"}, ["full_name"], id="r5_6-utility-name"),
        pytest.param("citycard", {"phone": "0131 1"}, ["phone"], id="citycard-nothing"),
    ],
)
def test_r3_6_r5_6_update_refuses_a_field_not_editable_without_sending(
    portal, client, kind, changes, refused
):
    stub_portal_info(portal, kind)
    route = portal.patch("/profile").respond(json=account())

    with pytest.raises(familycard.InvalidInput) as caught:
        client.profile.update(**changes)

    assert caught.value.code == "field_not_editable"
    assert caught.value.details == {"fields": refused}
    assert not route.called


def test_update_with_nothing_to_change_is_refused_without_sending(portal, client):
    stub_portal_info(portal, "etelka")
    route = portal.patch("/profile").respond(json=account())

    with pytest.raises(familycard.InvalidInput) as caught:
        client.profile.update()

    assert caught.value.code == "missing_field"
    assert not route.called


def test_r5_6_update_refuses_a_malformed_email_without_sending(portal, client):
    stub_portal_info(portal, "utility")
    route = portal.patch("/profile").respond(json=account())

    with pytest.raises(familycard.InvalidInput) as caught:
        client.profile.update(email="mario at example")

    assert caught.value.code == "invalid_email"
    assert not route.called


def test_update_maps_the_portals_refusal(portal, client):
    stub_portal_info(portal, "etelka")
    portal.patch("/profile").respond(400, json=error_body("field_not_editable", fields=["phone"]))

    with pytest.raises(familycard.InvalidInput) as caught:
        client.profile.update(phone="1")

    assert caught.value.code == "field_not_editable"
    assert caught.value.sent


# delete --------------------------------------------------------------------------------


def test_r3_6_delete_sends_delete_with_a_key_and_ends_the_session(portal, client):
    client.session_token = "tok-1"
    route = portal.delete("/profile").respond(json=Ack(message="deleted").model_dump())

    result = client.profile.delete()

    request = route.calls.last.request
    assert request.method == "DELETE"
    assert request.headers["Authorization"] == "Bearer tok-1"
    assert request.headers[C.IDEMPOTENCY_HEADER]
    assert result.message == "deleted"
    assert client.session_token is None


def test_delete_refused_keeps_the_session(portal, client):
    client.session_token = "tok-1"
    portal.delete("/profile").respond(400, json=error_body("feature_not_supported"))

    with pytest.raises(familycard.InvalidInput) as caught:
        client.profile.delete()

    assert caught.value.code == "feature_not_supported"
    assert client.session_token == "tok-1"


# notifications -------------------------------------------------------------------------


def test_r3_7_notifications_gets_the_settings(portal, client):
    route = portal.get("/profile/notifications").respond(json=settings())

    result = client.profile.notifications()

    assert route.calls.last.request.method == "GET"
    assert isinstance(result, familycard.NotificationSettings)
    assert result.events == EVENTS
    assert result.locked == ["payment"]


def published(portal):
    """The etelka portal's info: its notification events and the locked ones (R3.7)."""
    policy = {"notification_defaults": EVENTS, "notification_locked": ["payment"]}
    return stub_portal_info(portal, "etelka", policy=policy)


def test_r3_7_set_notifications_checks_the_published_policy_then_patches_the_changes(
    portal, client
):
    published(portal)
    current = portal.get("/profile/notifications").respond(json=settings())
    route = portal.patch("/profile/notifications").respond(
        json=settings({**EVENTS, "board": True, "order": False})
    )

    result = client.profile.set_notifications({"board": True, "order": False})

    assert not current.called  # no read of the state before the write
    assert route.calls.last.request.headers[C.IDEMPOTENCY_HEADER]
    assert sent_json(route) == {"events": {"board": True, "order": False}}
    assert result.events["board"] is True
    assert result.events["order"] is False


def test_r3_7_payment_notifications_cannot_be_switched_off_nothing_is_sent(portal, client):
    published(portal)
    route = portal.patch("/profile/notifications").respond(json=settings())

    with pytest.raises(familycard.InvalidInput) as caught:
        client.profile.set_notifications({"payment": False, "board": True})

    assert caught.value.code == "notification_locked"
    assert not route.called


def test_r3_7_payment_notifications_may_be_left_on(portal, client):
    published(portal)
    route = portal.patch("/profile/notifications").respond(json=settings())

    client.profile.set_notifications({"payment": True})

    assert sent_json(route) == {"events": {"payment": True}}


def test_r3_7_an_unknown_event_is_refused_without_sending(portal, client):
    published(portal)
    route = portal.patch("/profile/notifications").respond(json=settings())

    with pytest.raises(familycard.InvalidInput) as caught:
        client.profile.set_notifications({"newsletter": True})

    assert caught.value.code == "unknown_event"
    assert not route.called


def test_r3_7_restore_defaults_posts_and_returns_the_settings(portal, client):
    route = portal.post("/profile/notifications/restore-defaults").respond(json=settings())

    result = client.profile.restore_default_notifications()

    assert route.calls.last.request.method == "POST"
    assert route.calls.last.request.headers[C.IDEMPOTENCY_HEADER]
    assert result.events == EVENTS


def test_notifications_on_a_portal_without_them_maps_to_invalid_input(portal, client):
    portal.post("/profile/notifications/restore-defaults").respond(
        400, json=error_body("feature_not_supported", feature="notifications")
    )

    with pytest.raises(familycard.InvalidInput) as caught:
        client.profile.restore_default_notifications()

    assert caught.value.code == "feature_not_supported"
    assert caught.value.details == {"feature": "notifications"}
