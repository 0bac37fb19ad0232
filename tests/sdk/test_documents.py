"""`client.documents` (utility, R5.10) against respx: the list by category, a document's PDF."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from sdk_builders import POD, dump, query, strays, trail, utility
from sdk_support import error_body, stub_portal_info

import familycard
from familycard.models.utility import Document

PDF = b"%PDF-1.7\n% Regolamento\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n"

DOCUMENTS = [
    Document(
        id="doc-mine-1",
        category="mine",
        title="Contratto di fornitura",
        published_on=date(2019, 5, 1),
        supply_point=POD,
    ),
    Document(
        id="reg-2024",
        category="regulations",
        title="Condizioni generali",
        published_on=date(2024, 1, 1),
    ),
]


def test_r5_10_list_returns_the_customers_documents_then_the_general_ones(portal, client):
    utility(portal)
    route = portal.get("/documents").respond(json=dump(DOCUMENTS))
    documents = client.documents.list()
    assert trail(portal) == ["GET /portal", "GET /documents"]
    assert route.call_count == 1
    assert documents == DOCUMENTS
    assert [(d.category, d.supply_point) for d in documents] == [
        ("mine", POD),
        ("regulations", None),
    ]


@pytest.mark.parametrize("category", ["mine", "general", "forms", "regulations", "news"])
def test_r5_10_list_of_one_category_sends_it(portal, client, category):
    utility(portal)
    route = portal.get("/documents").respond(json=[])
    client.documents.list(category=category)
    assert query(route) == {"category": category}


@pytest.mark.parametrize("category", ["invoices", "Mine", ""])
def test_r5_10_an_unknown_category_is_refused_before_listing(portal, client, category):
    utility(portal)
    route = portal.get("/documents").respond(json=[])
    with pytest.raises(familycard.InvalidInput) as caught:
        client.documents.list(category=category)
    assert caught.value.code == "invalid_category"
    assert "mine, general, forms, regulations, news" in caught.value.message
    assert not caught.value.sent
    assert not route.called


def test_r5_10_download_returns_the_pdf_bytes(portal, client):
    utility(portal)
    route = portal.get("/documents/reg-2024/file").respond(
        200,
        content=PDF,
        headers={
            "Content-Type": "application/pdf",
            "Content-Disposition": 'attachment; filename="reg-2024.pdf"',
        },
    )
    pdf = client.documents.download("reg-2024")
    assert pdf == PDF
    assert pdf.startswith(b"%PDF-")
    assert route.call_count == 1


def test_download_quotes_the_id_into_one_path_segment(portal, client):
    utility(portal)
    route = portal.get("/documents/a%2F..%2Fb/file").respond(content=PDF)
    client.documents.download("a/../b")
    assert route.calls[0].request.url.raw_path == b"/tortona/v1/documents/a%2F..%2Fb/file"


def test_download_of_an_unknown_document_is_not_found(portal, client):
    utility(portal)
    portal.get("/documents/nope/file").respond(404, json=error_body("document_not_found", "no"))
    with pytest.raises(familycard.NotFound) as caught:
        client.documents.download("nope")
    assert caught.value.code == "document_not_found"
    assert caught.value.sent


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.documents.list(), id="list"),
        pytest.param(lambda c: c.documents.download("reg-2024"), id="download"),
    ],
)
def test_a_portal_without_documents_refuses_after_only_the_portal_info(portal, client, call):
    stub_portal_info(portal, "etelka")
    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)
    assert caught.value.code == "feature_not_supported"
    assert caught.value.details == {"feature": "documents", "kind": "etelka"}
    assert trail(portal) == ["GET /portal"]


@pytest.mark.parametrize("document_id", [".", ".."])
def test_a_dot_segment_document_id_never_requests_another_endpoint(portal, client, document_id):
    utility(portal)
    portal.route().respond(404, json=error_body("not_found"))
    with contextlib.suppress(familycard.FamilycardError):
        client.documents.download(document_id)
    assert strays(portal, r"/documents/[^/]+/file") == []


def test_list_with_an_expired_session_is_authentication_failed(portal, client):
    utility(portal)
    portal.get("/documents").respond(401, json=error_body("session_expired", "log in again"))
    with pytest.raises(familycard.AuthenticationFailed) as caught:
        client.documents.list(category="mine")
    assert caught.value.code == "session_expired"
    assert caught.value.sent
