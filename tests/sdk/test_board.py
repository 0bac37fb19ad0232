"""`client.board` (etelka, R3.18) against respx: messages, the latest, documents, publishing."""

from __future__ import annotations

import contextlib
from datetime import date, datetime

import pytest
from sdk_builders import (
    BUDAPEST,
    ETELKA_POLICY,
    dump,
    query,
    sent_json,
    strays,
    trail,
)
from sdk_support import error_body, idempotency_keys, stub_portal_info

import familycard
from familycard.models.meals import BoardDocument, Message

PDF = b"%PDF-1.4\n% Etlap 2026-W10\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n"


def etelka(portal):
    return stub_portal_info(portal, "etelka", policy=ETELKA_POLICY)


def message(number: int = 4, **overrides) -> Message:
    fields = {
        "id": number,
        "title": "Szünet",
        "body": "A konyha március 16-án zárva tart.",
        "audience": "everyone",
        "published_at": datetime(2026, 3, 4, 8, 0, tzinfo=BUDAPEST),
        **overrides,
    }
    return Message(**fields)


# Reading ----------------------------------------------------------------------------------


def test_r3_18_list_without_filters_asks_for_the_newest_first(portal, client):
    etelka(portal)
    body = [message(5), message(4, audience="institutions", institutions=["Kossuth Óvoda"])]
    route = portal.get("/board").respond(json=dump(body))
    messages = client.board.list()
    assert query(route) == {"sort": "desc"}
    assert messages == body
    assert messages[1].institutions == ["Kossuth Óvoda"]
    assert messages[0].published_at == datetime(2026, 3, 4, 8, 0, tzinfo=BUDAPEST)


def test_r3_18_list_filters_by_period_recipient_and_keywords_oldest_first(portal, client):
    etelka(portal)
    route = portal.get("/board").respond(json=[])
    client.board.list(
        since=date(2026, 3, 1),
        until=date(2026, 3, 31),
        recipient="Kossuth Óvoda",
        search="zárva",
        sort="asc",
    )
    assert query(route) == {
        "from": "2026-03-01",
        "to": "2026-03-31",
        "recipient": "Kossuth Óvoda",
        "search": "zárva",
        "sort": "asc",
    }


def test_list_refuses_an_unknown_sort_before_listing(portal, client):
    etelka(portal)
    route = portal.get("/board").respond(json=[])
    with pytest.raises(familycard.InvalidInput) as caught:
        client.board.list(sort="newest")  # type: ignore[arg-type]
    assert caught.value.code == "invalid_sort"
    assert not route.called


def test_r3_18_latest_returns_the_home_pages_message(portal, client):
    etelka(portal)
    portal.get("/board/latest").respond(json=dump(message(7)))
    latest = client.board.latest()
    assert trail(portal) == ["GET /portal", "GET /board/latest"]
    assert latest == message(7)


def test_r3_18_latest_is_none_when_the_board_is_empty(portal, client):
    etelka(portal)
    portal.get("/board/latest").respond(content=b"null", content_type="application/json")
    assert client.board.latest() is None


def test_r3_18_documents_lists_the_price_list_and_the_menus(portal, client):
    etelka(portal)
    body = [
        BoardDocument(
            id="price-list", kind="price_list", title="Térítési díjak", file_name="price-list.pdf"
        ),
        BoardDocument(
            id="menu-2026-W10",
            kind="menu",
            title="Étlap 2026-W10",
            period="2026-W10",
            file_name="menu-2026-W10.pdf",
        ),
    ]
    portal.get("/board/documents").respond(json=dump(body))
    documents = client.board.documents()
    assert documents == body
    assert [(d.kind, d.period) for d in documents] == [("price_list", None), ("menu", "2026-W10")]


def test_r3_18_download_returns_the_pdf_bytes(portal, client):
    etelka(portal)
    route = portal.get("/board/documents/menu-2026-W10").respond(
        content=PDF,
        headers={
            "Content-Type": "application/pdf",
            "Content-Disposition": 'attachment; filename="menu-2026-W10.pdf"',
        },
    )
    pdf = client.board.download("menu-2026-W10")
    assert pdf == PDF
    assert route.calls[0].request.headers.get("Idempotency-Key") is None


def test_download_quotes_the_id_into_one_path_segment(portal, client):
    etelka(portal)
    route = portal.get("/board/documents/menu%2F..%2Fx").respond(content=PDF)
    client.board.download("menu/../x")
    assert route.calls[0].request.url.raw_path == b"/tortona/v1/board/documents/menu%2F..%2Fx"


def test_r3_18_download_of_an_unknown_document_is_not_found(portal, client):
    etelka(portal)
    body = error_body("not_found", "no document 'menu-1999-W01' on the board")
    portal.get("/board/documents/menu-1999-W01").respond(404, json=body)
    with pytest.raises(familycard.NotFound) as caught:
        client.board.download("menu-1999-W01")
    assert caught.value.code == "not_found"


# Publishing (the clerk) ------------------------------------------------------------------


def test_r3_18_publish_for_everyone_posts_the_trimmed_message(portal, client):
    etelka(portal)
    published = message(8)
    post = portal.post("/clerk/board").respond(json=dump(published))
    got = client.board.publish("  Szünet ", " A konyha március 16-án zárva tart.\n")
    assert trail(portal) == ["GET /portal", "POST /clerk/board"]
    assert sent_json(post) == {
        "title": "Szünet",
        "body": "A konyha március 16-án zárva tart.",
        "institutions": [],
    }
    (key,) = idempotency_keys(post)
    assert key
    assert got == published


def test_r3_18_publish_for_some_institutions_sends_them_sorted_once(portal, client):
    etelka(portal)
    answer = message(
        9, audience="institutions", institutions=["Kossuth Óvoda", "Napsugár Bölcsőde"]
    )
    post = portal.post("/clerk/board").respond(json=dump(answer))
    got = client.board.publish(
        "Szülői értekezlet",
        "Csütörtökön 17 órakor.",
        institutions=["Napsugár Bölcsőde", "Kossuth Óvoda", "Napsugár Bölcsőde"],
        idempotency_key="msg-9",
    )
    assert sent_json(post)["institutions"] == ["Kossuth Óvoda", "Napsugár Bölcsőde"]
    assert idempotency_keys(post) == ["msg-9"]
    assert got.audience == "institutions"


def test_r3_18_publish_for_one_member(portal, client):
    etelka(portal)
    answer = message(10, audience="member", member_id="kovacs-bence-1a2b", member="Kovács Bence")
    post = portal.post("/clerk/board").respond(json=dump(answer))
    got = client.board.publish("Hátralék", "Kérjük, rendezze.", member="kovacs-bence-1a2b")
    assert sent_json(post) == {
        "title": "Hátralék",
        "body": "Kérjük, rendezze.",
        "institutions": [],
        "member": "kovacs-bence-1a2b",
    }
    assert (got.member_id, got.member) == ("kovacs-bence-1a2b", "Kovács Bence")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        pytest.param({"title": "  ", "body": "text"}, "missing_field", id="blank-title"),
        pytest.param({"title": "Title", "body": ""}, "missing_field", id="empty-body"),
        pytest.param(
            {"title": "T", "body": "B", "institutions": ["Kossuth Óvoda"], "member": "x"},
            "recipient_one_way",
            id="institutions-and-member",
        ),
        pytest.param(
            {"title": "T", "body": "B", "institutions": ["Ismeretlen Iskola"]},
            "unknown_institution",
            id="unknown-institution",
        ),
    ],
)
def test_r3_18_a_message_the_rules_refuse_is_never_sent(portal, client, kwargs, code):
    etelka(portal)
    post = portal.post("/clerk/board").respond(json={})
    with pytest.raises(familycard.InvalidInput) as caught:
        client.board.publish(**kwargs)
    assert caught.value.code == code
    assert not caught.value.sent
    assert not post.called


def test_publish_without_the_clerk_key_is_permission_denied(portal, client):
    etelka(portal)
    body = error_body("clerk_key_required", "this needs the clerk key")
    portal.post("/clerk/board").respond(403, json=body)
    with pytest.raises(familycard.PermissionDenied) as caught:
        client.board.publish("Szünet", "Zárva.")
    assert caught.value.code == "clerk_key_required"
    assert caught.value.sent


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.board.list(), id="list"),
        pytest.param(lambda c: c.board.latest(), id="latest"),
        pytest.param(lambda c: c.board.documents(), id="documents"),
        pytest.param(lambda c: c.board.download("price-list"), id="download"),
        pytest.param(lambda c: c.board.publish("T", "B"), id="publish"),
    ],
)
def test_a_portal_without_a_board_refuses_after_only_the_portal_info(portal, client, call):
    stub_portal_info(portal, "utility")
    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)
    assert caught.value.code == "feature_not_supported"
    assert caught.value.details == {"feature": "board", "kind": "utility"}
    assert trail(portal) == ["GET /portal"]


@pytest.mark.parametrize("document_id", [".", ".."])
def test_a_dot_segment_document_id_never_requests_another_endpoint(portal, client, document_id):
    etelka(portal)
    portal.get("/board").respond(json=[dump(message())])
    portal.get("/board/documents/").respond(json=[])
    portal.route().respond(404, json=error_body("not_found"))
    with contextlib.suppress(familycard.FamilycardError):
        client.board.download(document_id)
    assert strays(portal, r"/board/documents/[^/]+") == []


@pytest.mark.parametrize(
    ("call", "path", "status", "error_class", "code"),
    [
        pytest.param(
            lambda c: c.board.list(recipient="Nobody"),
            "/board",
            400,
            familycard.InvalidInput,
            "unknown_recipient",
            id="list-400",
        ),
        pytest.param(
            lambda c: c.board.latest(),
            "/board/latest",
            401,
            familycard.AuthenticationFailed,
            "session_expired",
            id="latest-401",
        ),
        pytest.param(
            lambda c: c.board.documents(),
            "/board/documents",
            403,
            familycard.PermissionDenied,
            "password_change_required",
            id="documents-403",
        ),
    ],
)
def test_a_portal_error_on_a_read_maps_to_its_class_and_code(
    portal, client, call, path, status, error_class, code
):
    etelka(portal)
    route = portal.get(path).respond(status, json=error_body(code, "refused by the portal"))
    with pytest.raises(familycard.FamilycardError) as caught:
        call(client)
    assert type(caught.value) is error_class
    assert caught.value.code == code
    assert caught.value.message == "refused by the portal"
    assert route.call_count == 1
