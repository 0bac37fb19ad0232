"""`client.invoices` (utility, R5.4) against respx: list, one invoice, its PDF."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from sdk_builders import PDR, POD, dump, eur, query, strays, supply, trail, utility
from sdk_support import error_body, stub_portal_info

import familycard
from familycard.models.utility import Invoice

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def invoice(invoice_id: str = "inv-2026-0001", **overrides) -> Invoice:
    fields = {
        "id": invoice_id,
        "number": "2026/E/0001",
        "supply_point": POD,
        "kind": "electricity",
        "issued_on": date(2026, 2, 10),
        "period_from": date(2025, 12, 1),
        "period_to": date(2026, 1, 31),
        "consumption": Decimal("412"),
        "unit": "kWh",
        "amount": eur("118.37"),
        "due_on": date(2026, 3, 2),
        "paid": False,
        "has_document": True,
        **overrides,
    }
    return Invoice(**fields)


# list -----------------------------------------------------------------------------------


def test_r5_4_list_gets_the_supply_points_invoices_of_a_year_typed(portal, client):
    utility(portal)
    body = [invoice(), invoice("inv-2025-0007", number="2025/E/0007", paid=True)]
    route = portal.get(f"/supplies/{POD}/invoices").respond(json=dump(body))
    invoices = client.invoices.list(year=2026, supply_point=POD)
    assert query(route) == {"year": "2026"}
    assert invoices == body
    assert invoices[0].amount == familycard.Money(value=Decimal("118.37"), currency="EUR")
    assert isinstance(invoices[0].amount.value, Decimal)
    assert invoices[0].consumption == Decimal("412")
    assert [i.paid for i in invoices] == [False, True]


def test_list_without_a_year_or_supply_point_asks_for_the_only_one_and_every_year(portal, client):
    utility(portal)
    portal.get("/supplies").respond(json=dump([supply("gas")]))
    portal.get(f"/supplies/{PDR}/invoices").respond(json=[])
    assert client.invoices.list() == []
    assert trail(portal) == ["GET /portal", "GET /supplies", f"GET /supplies/{PDR}/invoices"]


@pytest.mark.parametrize(
    ("since", "year"),
    [
        pytest.param(None, 2013, id="r5_4-before-2014"),
        pytest.param(2018, 2017, id="policy-since-2018"),
    ],
)
def test_r5_4_a_year_before_the_portal_keeps_invoices_is_refused_before_sending(
    portal, client, since, year
):
    utility(portal, **({"invoices_since": since} if since else {}))
    with pytest.raises(familycard.InvalidInput) as caught:
        client.invoices.list(year=year, supply_point=POD)
    assert caught.value.code == "invalid_year"
    assert caught.value.details == {"since": since or 2014}
    assert not caught.value.sent
    assert trail(portal) == ["GET /portal"]


def test_r5_4_the_first_year_kept_is_accepted(portal, client):
    utility(portal)
    route = portal.get(f"/supplies/{POD}/invoices").respond(json=[])
    client.invoices.list(year=2014, supply_point=POD)
    assert query(route) == {"year": "2014"}


def test_list_for_a_malformed_supply_point_is_refused_before_sending(portal, client):
    utility(portal)
    with pytest.raises(familycard.InvalidInput) as caught:
        client.invoices.list(supply_point="IT00")
    assert caught.value.code == "invalid_supply_point"
    assert trail(portal) == ["GET /portal"]


# get and download -------------------------------------------------------------------------


def test_get_returns_one_invoice_whichever_supply_point_it_bills(portal, client):
    utility(portal)
    gas = invoice("inv-g-3", supply_point=PDR, kind="gas", unit="Smc", consumption=Decimal("96"))
    route = portal.get("/invoices/inv-g-3").respond(json=dump(gas))
    got = client.invoices.get("inv-g-3")
    assert route.call_count == 1
    assert got == gas
    assert (got.kind, got.unit) == ("gas", "Smc")


def test_get_quotes_the_id_into_one_path_segment(portal, client):
    utility(portal)
    route = portal.get("/invoices/2026%2FE%2F0001").respond(json=dump(invoice()))
    client.invoices.get("2026/E/0001")
    assert route.calls[0].request.url.raw_path == b"/tortona/v1/invoices/2026%2FE%2F0001"


def test_get_an_unknown_invoice_is_not_found(portal, client):
    utility(portal)
    portal.get("/invoices/nope").respond(404, json=error_body("invoice_not_found", "no such"))
    with pytest.raises(familycard.NotFound) as caught:
        client.invoices.get("nope")
    assert caught.value.code == "invoice_not_found"


def test_r5_4_download_returns_the_pdf_bytes_untouched(portal, client):
    utility(portal)
    route = portal.get("/invoices/inv-2026-0001/document").respond(
        200,
        content=PDF,
        headers={
            "Content-Type": "application/pdf",
            "Content-Disposition": 'attachment; filename="invoice-inv-2026-0001.pdf"',
        },
    )
    pdf = client.invoices.download("inv-2026-0001")
    assert pdf == PDF
    assert isinstance(pdf, bytes)
    assert route.call_count == 1
    assert route.calls[0].request.headers.get("Idempotency-Key") is None


def test_r5_4_download_of_an_invoice_without_a_pdf_is_not_found(portal, client):
    utility(portal)
    body = error_body("invoice_document_missing", "this invoice has no PDF")
    portal.get("/invoices/inv-1/document").respond(404, json=body)
    with pytest.raises(familycard.NotFound) as caught:
        client.invoices.download("inv-1")
    assert caught.value.code == "invoice_document_missing"
    assert caught.value.message == "this invoice has no PDF"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.invoices.list(supply_point=POD), id="list"),
        pytest.param(lambda c: c.invoices.get("inv-1"), id="get"),
        pytest.param(lambda c: c.invoices.download("inv-1"), id="download"),
    ],
)
def test_a_portal_without_invoices_refuses_after_only_the_portal_info(portal, client, call):
    stub_portal_info(portal, "utility", features=["accounts", "supplies"])
    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)
    assert caught.value.code == "feature_not_supported"
    assert caught.value.details["feature"] == "invoices"
    assert trail(portal) == ["GET /portal"]


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        pytest.param(lambda c, i: c.invoices.get(i), r"/invoices/[^/]+", id="get"),
        pytest.param(
            lambda c, i: c.invoices.download(i), r"/invoices/[^/]+/document", id="download"
        ),
    ],
)
@pytest.mark.parametrize("invoice_id", [".", ".."])
def test_a_dot_segment_invoice_id_never_requests_another_endpoint(
    portal, client, call, pattern, invoice_id
):
    utility(portal)
    portal.route().respond(404, json=error_body("not_found"))
    with contextlib.suppress(familycard.FamilycardError):
        call(client, invoice_id)
    assert strays(portal, pattern) == []


def test_list_for_someone_elses_supply_point_is_not_found(portal, client):
    utility(portal)
    body = error_body("supply_point_not_found", "not yours", supply_point=PDR)
    portal.get(f"/supplies/{PDR}/invoices").respond(404, json=body)
    with pytest.raises(familycard.NotFound) as caught:
        client.invoices.list(supply_point=PDR)
    assert caught.value.code == "supply_point_not_found"


def test_a_download_during_maintenance_is_retried_then_portal_unavailable(portal, client, sleeps):
    utility(portal)
    route = portal.get("/invoices/inv-1/document").respond(
        503, json=error_body("maintenance", "back at 06:00")
    )
    with pytest.raises(familycard.PortalUnavailable) as caught:
        client.invoices.download("inv-1")
    assert caught.value.code == "maintenance"
    assert route.call_count == caught.value.details["attempts"] > 1
    assert len(sleeps) == route.call_count - 1
