"""`client.meals_consumed` (entranext, R2.3) against respx: listing and the office's recording."""

from __future__ import annotations

from datetime import date

import pytest
from sdk_builders import dump, query, sent_json, trail
from sdk_support import error_body, idempotency_keys, stub_portal_info

import familycard
from familycard.models.notices import ConsumedMeal, MealsRecordResult

ELENA = "BNCLNE16D52H223T"
MARCO = "BNCMRC18E10H223C"
SERVICES = {"services": ["scuola_infanzia", "mensa", "trasporto"]}


def entranext(portal, **policy):
    return stub_portal_info(portal, "entranext", policy={**SERVICES, **policy})


def consumed(day: date, meals: int = 1, member: str = ELENA) -> ConsumedMeal:
    return ConsumedMeal(
        member=member, member_name="Elena Bianchi", day=day, service="mensa", meals=meals
    )


# Listing ------------------------------------------------------------------------------------


def test_r2_3_list_gets_the_months_meals_consumed_typed(portal, client):
    entranext(portal)
    body = [consumed(date(2026, 3, 2)), consumed(date(2026, 3, 3), meals=2)]
    route = portal.get("/meals-consumed").respond(json=dump(body))
    meals = client.meals_consumed.list(month="2026-03", member=ELENA)
    assert query(route) == {"month": "2026-03", "member": ELENA}
    assert meals == body
    assert [(m.day, m.meals, m.service) for m in meals] == [
        (date(2026, 3, 2), 1, "mensa"),
        (date(2026, 3, 3), 2, "mensa"),
    ]


def test_list_without_a_month_lets_the_portal_choose_its_current_one(portal, client):
    entranext(portal)
    portal.get("/meals-consumed").respond(json=[])
    assert client.meals_consumed.list() == []
    assert trail(portal) == ["GET /portal", "GET /meals-consumed"]


@pytest.mark.parametrize("month", ["2026-3", "2026-00", "03/2026"])
def test_a_malformed_month_is_refused_before_anything_is_sent(portal, client, month):
    info = entranext(portal)
    route = portal.get("/meals-consumed").respond(json=[])
    with pytest.raises(familycard.InvalidInput) as caught:
        client.meals_consumed.list(month=month)
    assert caught.value.code == "invalid_month"
    assert not caught.value.sent
    assert not info.called
    assert not route.called


def test_r2_3_meals_consumed_need_elevated_credentials(portal, client):
    entranext(portal)
    body = error_body("elevation_required", "enter the code printed on your slips")
    portal.get("/meals-consumed").respond(403, json=body)
    with pytest.raises(familycard.PermissionDenied) as caught:
        client.meals_consumed.list(month="2026-03")
    assert caught.value.code == "elevation_required"
    assert caught.value.sent


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.meals_consumed.list(), id="list"),
        pytest.param(lambda c: c.meals_consumed.record([{"child_tax_code": ELENA}]), id="record"),
    ],
)
def test_a_portal_without_meals_consumed_refuses_after_only_the_portal_info(portal, client, call):
    stub_portal_info(portal, "pagoinrete")
    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)
    assert caught.value.code == "feature_not_supported"
    assert caught.value.details["feature"] == "meals_consumed"
    assert trail(portal) == ["GET /portal"]


# Recording (the office) ------------------------------------------------------------------


def test_r2_3_record_sends_the_checked_rows_numbered_and_returns_each_outcome(portal, client):
    entranext(portal)
    answer = [
        MealsRecordResult(row=1, status="created"),
        MealsRecordResult(row=2, status="updated"),
    ]
    post = portal.post("/clerk/meals-consumed").respond(json=dump(answer))
    rows = [
        {"child_tax_code": " bnclne16d52h223t ", "day": "02/03/2026", "service": "mensa"},
        {"child_tax_code": MARCO, "day": "2026-03-03", "service": "mensa", "meals": "02"},
    ]
    results = client.meals_consumed.record(rows, idempotency_key="march-file")
    assert sent_json(post) == {
        "rows": [
            {
                "row": 1,
                "data": {
                    "child_tax_code": ELENA,
                    "day": "2026-03-02",
                    "service": "mensa",
                    "meals": "1",
                },
            },
            {
                "row": 2,
                "data": {
                    "child_tax_code": MARCO,
                    "day": "2026-03-03",
                    "service": "mensa",
                    "meals": "2",
                },
            },
        ]
    }
    assert idempotency_keys(post) == ["march-file"]
    assert results == answer


def test_record_reports_invalid_rows_without_sending_them_and_keeps_the_row_order(portal, client):
    entranext(portal)
    post = portal.post("/clerk/meals-consumed").respond(
        json=dump([MealsRecordResult(row=2, status="created")])
    )
    rows = [
        {"child_tax_code": ELENA, "day": "2026-03-02", "service": "piscina"},
        {"child_tax_code": ELENA, "day": "2026-03-02", "service": "mensa"},
        {"child_tax_code": ELENA, "day": "2026-03-02", "service": "mensa", "meals": "11"},
        {"child_tax_code": ELENA, "service": "mensa"},
        {"child_tax_code": "NOTATAXCODE", "day": "2026-03-02", "service": "mensa"},
        {"child_tax_code": ELENA, "day": "31/02/2026", "service": "mensa"},
    ]
    results = client.meals_consumed.record(rows)
    assert [r["row"] for r in sent_json(post)["rows"]] == [2]
    assert [(r.row, r.status, (r.error or {}).get("code")) for r in results] == [
        (1, "invalid", "unknown_service"),
        (2, "created", None),
        (3, "invalid", "invalid_meals"),
        (4, "invalid", "missing_field"),
        (5, "invalid", "invalid_tax_code"),
        (6, "invalid", "invalid_date"),
    ]
    assert results[0].error is not None and "piscina" in results[0].error["message"]


def test_record_with_only_invalid_rows_sends_nothing(portal, client):
    entranext(portal)
    post = portal.post("/clerk/meals-consumed").respond(json=[])
    results = client.meals_consumed.record([{"day": "2026-03-02"}])
    assert not post.called
    assert [(r.row, r.status) for r in results] == [(1, "invalid")]


def test_record_checks_services_against_the_portals_policy(portal, client):
    entranext(portal, services=["trasporto"])
    post = portal.post("/clerk/meals-consumed").respond(json=[])
    results = client.meals_consumed.record(
        [{"child_tax_code": ELENA, "day": "2026-03-02", "service": "mensa"}]
    )
    assert results[0].error is not None
    assert results[0].error["code"] == "unknown_service"
    assert not post.called


def test_record_without_the_clerk_key_is_refused_by_the_portal(portal, client):
    entranext(portal)
    portal.post("/clerk/meals-consumed").respond(
        403, json=error_body("clerk_key_required", "the clerk key is missing")
    )
    with pytest.raises(familycard.PermissionDenied) as caught:
        client.meals_consumed.record(
            [{"child_tax_code": ELENA, "day": "2026-03-02", "service": "mensa"}]
        )
    assert caught.value.code == "clerk_key_required"
