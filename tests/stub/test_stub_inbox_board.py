"""The notifications inbox and the message board refuse on their own: R3.17-R3.18, over raw HTTP.

The etelka portal (jaszbereny) has both; every other kind refuses them with
`feature_not_supported`. The clerk's publishing is checked by the stub, not only by the
SDK: a refused message is neither on anybody's board nor e-mailed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support_accounts import (
    BENCE,
    EVA,
    PETER,
    Raw,
    User,
    citycard_user,
    entranext_row,
    etelka_row,
    etelka_user,
    ok,
    refused,
    utility_row,
)

from familycard.rules.meals import member_id

PETOFI, LEHEL = "Petőfi Általános Iskola", "Lehel Vezér Gimnázium"
EVA_BENCE = member_id(BENCE, PETOFI)
#: Péter's son has the same name as Éva's, at another school.
PETER_BENCE = member_id(BENCE, LEHEL)


@pytest.fixture
def portal(familycard_stub: Any) -> Iterator[Raw]:
    familycard_stub.control.set_clock("2026-03-02T08:00:00+01:00")
    with Raw(familycard_stub, "jaszbereny") as raw:
        raw.enrol(etelka_row(EVA, BENCE, PETOFI), etelka_row(PETER, BENCE, LEHEL))
        yield raw


@pytest.fixture
def eva(portal: Raw) -> User:
    """Éva's account, with board messages e-mailed to her (R3.7)."""
    user = etelka_user(portal, EVA, "eva", enrol=False)
    ok(portal.patch("/profile/notifications", token=user.token, json={"events": {"board": True}}))
    return user


def charge(portal: Raw, member: str) -> None:
    """The clerk charges a member's account: a notification for every parent reaching it."""
    body = {"member": member, "amount": {"value": "500", "currency": "HUF"}}
    ok(portal.post("/clerk/charges", clerk=True, json=body))


def board(portal: Raw, user: User, **params: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = ok(portal.get("/board", token=user.token, params=params))
    return messages


# R3.17 The inbox ----------------------------------------------------------------------------


def test_r3_17_a_notification_of_another_account_is_not_found_and_stays_unread(portal, eva):
    peter = etelka_user(portal, PETER, "peter", enrol=False)
    charge(portal, EVA_BENCE)
    (notification,) = ok(portal.get("/inbox", token=eva.token))["notifications"]
    path = f"/inbox/{notification['id']}/read"
    refused(portal.post(path, token=peter.token), 404, "not_found")
    assert ok(portal.get("/inbox", token=peter.token))["total"] == 0
    inbox = ok(portal.get("/inbox", token=eva.token))
    assert (inbox["total"], inbox["unread"]) == (1, 1)
    assert ok(portal.post(path, token=eva.token))["read"] is True


@pytest.mark.parametrize(
    ("notification", "status", "code"),
    [
        pytest.param("999", 404, "not_found", id="unknown"),
        pytest.param("first", 400, "invalid_request", id="not-a-number"),
    ],
)
def test_r3_17_an_unknown_notification_is_refused(portal, eva, notification, status, code):
    charge(portal, EVA_BENCE)
    refused(portal.post(f"/inbox/{notification}/read", token=eva.token), status, code)
    assert ok(portal.get("/inbox", token=eva.token))["unread"] == 1


# R3.18 Publishing on the board ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "status", "code"),
    [
        pytest.param({"title": "  ", "body": "Szünet"}, 400, "missing_field", id="blank-title"),
        pytest.param({"title": "Szünet", "body": ""}, 400, "missing_field", id="blank-body"),
        pytest.param({"title": "Szünet"}, 400, "invalid_request", id="no-body"),
        pytest.param(
            {"title": "T", "body": "B", "institutions": [PETOFI], "member": EVA_BENCE},
            400,
            "recipient_one_way",
            id="institution-and-member",
        ),
        pytest.param(
            {"title": "T", "body": "B", "institutions": [PETOFI, "Nemlétező Iskola"]},
            400,
            "unknown_institution",
            id="unknown-institution",
        ),
        pytest.param(
            {"title": "T", "body": "B", "member": "Kovács Lili"},
            404,
            "member_not_found",
            id="unknown-member",
        ),
        pytest.param(
            {"title": "T", "body": "B", "member": BENCE}, 400, "member_ambiguous", id="ambiguous"
        ),
        pytest.param(
            {"title": "T", "body": "B", "member": "  "}, 400, "member_required", id="blank-member"
        ),
    ],
)
def test_r3_18_a_refused_message_is_not_published_nor_e_mailed(portal, eva, message, status, code):
    refused(portal.post("/clerk/board", clerk=True, json=message), status, code)
    assert board(portal, eva) == []
    assert ok(portal.get("/board/latest", token=eva.token)) is None
    assert "board" not in [m.kind for m in portal.emails(EVA)]


def test_r3_18_an_ambiguous_name_is_resolved_by_the_member_id(portal, eva):
    message = {"title": "T", "body": "B", "member": PETER_BENCE}
    assert ok(portal.post("/clerk/board", clerk=True, json=message))["member_id"] == PETER_BENCE
    # The message for Péter's son is not on Éva's board, nor in her mail.
    assert board(portal, eva) == []
    assert "board" not in [m.kind for m in portal.emails(EVA)]


# R3.18 Reading the board -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        pytest.param({"recipient": "Nagy Anna"}, 400, "unknown_recipient", id="recipient"),
        pytest.param({"recipient": LEHEL}, 400, "unknown_recipient", id="foreign-institution"),
        pytest.param({"sort": "sideways"}, 400, "invalid_request", id="sort"),
        pytest.param({"from": "2026-13-01"}, 400, "invalid_request", id="from-date"),
    ],
)
def test_r3_18_a_board_filter_is_checked(portal, eva, params, status, code):
    ok(portal.post("/clerk/board", clerk=True, json={"title": "Szünet", "body": "Április 2."}))
    refused(portal.get("/board", token=eva.token, params=params), status, code)
    assert [m["title"] for m in board(portal, eva)] == ["Szünet"]


@pytest.mark.parametrize("document", ["menu-2099-W01", "price-list.pdf", "%20"])
def test_r3_18_an_unknown_document_is_not_found(portal, eva, document):
    refused(portal.get(f"/board/documents/{document}", token=eva.token), 404, "not_found")


def test_r3_18_the_board_needs_a_session(portal, eva):
    refused(portal.get("/board"), 401, "not_authenticated")
    refused(portal.get("/board/documents/price-list"), 401, "not_authenticated")
    refused(portal.get("/inbox"), 401, "not_authenticated")


# Other kinds have neither -------------------------------------------------------------------------

READER_ROUTES = [
    pytest.param("GET", "/inbox", "inbox", id="inbox"),
    pytest.param("POST", "/inbox/1/read", "inbox", id="read"),
    pytest.param("GET", "/board", "board", id="board"),
    pytest.param("GET", "/board/latest", "board", id="latest"),
    pytest.param("GET", "/board/documents", "board", id="documents"),
    pytest.param("GET", "/board/documents/price-list", "board", id="document"),
]


@pytest.mark.parametrize(("method", "path", "feature"), READER_ROUTES)
def test_r3_17_only_an_etelka_has_an_inbox_and_a_board(familycard_stub, method, path, feature):
    with Raw(familycard_stub, "tortona") as tortona:
        user = citycard_user(tortona)
        error = refused(
            tortona.request(method, path, token=user.token), 400, "feature_not_supported"
        )
        assert error["details"] == {"feature": feature, "kind": "citycard"}


@pytest.mark.parametrize(
    ("tenant", "row"),
    [
        pytest.param("tortona", None, id="citycard"),
        pytest.param("sala-baganza", entranext_row(), id="entranext"),
        pytest.param("pagoinrete", None, id="pagoinrete"),
        pytest.param("energia", utility_row(), id="utility"),
    ],
)
def test_r3_18_only_an_etelka_clerk_publishes_messages(familycard_stub, tenant, row):
    with Raw(familycard_stub, tenant) as raw:
        if row is not None:
            raw.enrol(row)
        message = {"title": "Szünet", "body": "Április 2-től."}
        refused(raw.post("/clerk/board", clerk=True, json=message), 400, "feature_not_supported")
        assert familycard_stub.control.outbox() == []
