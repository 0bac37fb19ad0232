"""An object's id goes into a URL path as one segment, or not at all (`invalid_id`).

`validate_object_id` checks it and `resources._base.segment` percent-encodes it, for
every resource that puts an id in a path: an id that is empty, a dot segment, too long
or holding a character that does not print is refused before anything is sent.
"""

from __future__ import annotations

import pytest
from sdk_support import error_body, stub_portal_info

import familycard
from familycard.identifiers import MAX_OBJECT_ID_LENGTH, validate_object_id

CALLS = [
    pytest.param("citycard", lambda c, i: c.recharges.get(i), id="recharges.get"),
    pytest.param("citycard", lambda c, i: c.payments.get(i), id="payments.get"),
    pytest.param("citycard", lambda c, i: c.payments.receipt(i), id="payments.receipt"),
    pytest.param("etelka", lambda c, i: c.members.get(i), id="members.get"),
    pytest.param("etelka", lambda c, i: c.meals.finalization(i), id="meals.finalization"),
    pytest.param("etelka", lambda c, i: c.board.download(i), id="board.download"),
    pytest.param("utility", lambda c, i: c.documents.download(i), id="documents.download"),
    pytest.param("utility", lambda c, i: c.invoices.get(i), id="invoices.get"),
    pytest.param("utility", lambda c, i: c.invoices.download(i), id="invoices.download"),
]

BAD_IDS = [
    pytest.param("", id="empty"),
    pytest.param(".", id="dot"),
    pytest.param("..", id="dot-dot"),
    pytest.param("x" * (MAX_OBJECT_ID_LENGTH + 1), id="too-long"),
    pytest.param("x" * 120_000, id="120-kb"),
    pytest.param("rch_\udcc3", id="surrogate-escape"),
    pytest.param("rch\n1", id="newline"),
    pytest.param("rch\x00", id="nul"),
]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_validate_object_id_refuses_what_cannot_be_one_segment(bad):
    with pytest.raises(familycard.InvalidInput) as caught:
        validate_object_id(bad, "recharge id")
    assert caught.value.code == "invalid_id"
    assert caught.value.message.startswith("recharge id")
    assert len(caught.value.message) < 160  # an excerpt of the id, never all of it


@pytest.mark.parametrize(
    "good", ["rch_1", "pay/../recharges/rch_1", "?a=b#c", "Kovács Bence", "x" * 200]
)
def test_validate_object_id_keeps_any_other_id_as_it_is(good):
    assert validate_object_id(good) == good


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize(("kind", "call"), CALLS)
def test_every_id_in_a_path_is_checked_before_sending(portal, client, kind, call, bad):
    stub_portal_info(portal, kind)
    portal.route().respond(404, json=error_body("not_found"))

    with pytest.raises(familycard.InvalidInput) as caught:
        call(client, bad)

    assert caught.value.code == "invalid_id"
    assert not caught.value.sent
    assert [f"{c.request.method} {c.request.url.path}" for c in portal.calls] in (
        [],
        ["GET /tortona/v1/portal"],
    )


@pytest.mark.parametrize(("kind", "call"), CALLS)
def test_query_and_fragment_characters_stay_in_the_segment(portal, client, kind, call):
    stub_portal_info(portal, kind)
    portal.route().respond(404, json=error_body("not_found"))

    with pytest.raises(familycard.NotFound):
        call(client, "?a=b#c")

    sent = portal.calls.last.request.url
    assert b"/%3Fa%3Db%23c" in sent.raw_path
    assert sent.query == b""
