"""`client.clerk`: one enrolment, the enrolments list, credentials, elevation codes and
attendance (R1.4, R1.7, R2.2).  Bulk enrolment is in test_enrolment.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from sdk_support import PORTAL_URL, error_body, sent_json, stub_portal_info

import familycard
from familycard import _constants as C
from familycard.models.accounts import ElevationCode
from familycard.models.clerk import Enrolment, EnrolmentPage, EnrolmentResult
from familycard.models.tokens import AttendanceResult

CHILD = "GLLFNC16H15F205N"
PARENT = "RCCMNL83S18D969H"
CLERK_KEY = "stub-clerk-key"

ROW = {
    "child_tax_code": " gllfnc16h15f205n ",
    "child_name": "Francesco Gallo",
    "guardian_email": "Mario.Rossi@Example.it",
    "service": "mensa",
}
CLEAN = {
    "child_tax_code": CHILD,
    "child_name": "Francesco Gallo",
    "guardian_email": "mario.rossi@example.it",
    "service": "mensa",
}
KEY = "gllfnc16h15f205n|mensa"


@pytest.fixture
def clerk(portal):
    with familycard.Client(PORTAL_URL, clerk_key=CLERK_KEY) as c:
        yield c


@pytest.fixture
def citycard(portal):
    return stub_portal_info(portal, "citycard")


def result(row: int = 1, status: str = "created", **changes) -> dict:
    return EnrolmentResult(row=row, status=status, key=KEY, **changes).model_dump(mode="json")


def enrolment(id_: int) -> Enrolment:
    return Enrolment(
        id=id_,
        key=f"child{id_}|mensa",
        data={**CLEAN, "child_name": f"Child {id_}"},
        created_at=datetime(2025, 9, 1, 8, id_, tzinfo=UTC),
    )


# enroll --------------------------------------------------------------------------------


def test_enroll_posts_the_normalised_row_as_row_one_with_the_clerk_key(portal, clerk, citycard):
    route = portal.post("/clerk/enrolments").respond(json=[result()])

    outcome = clerk.clerk.enroll(ROW)

    request = route.calls.last.request
    assert request.headers["X-Clerk-Key"] == CLERK_KEY
    assert request.headers[C.IDEMPOTENCY_HEADER]
    assert sent_json(route) == {"rows": [{"row": 1, "data": CLEAN}]}
    assert isinstance(outcome, familycard.EnrolmentResult)
    assert outcome.status == "created"
    assert outcome.key == KEY


def test_enroll_with_a_key_sends_it_as_the_first_batch_of_a_run(portal, clerk, citycard):
    route = portal.post("/clerk/enrolments").respond(json=[result(status="exists")])

    outcome = clerk.clerk.enroll(ROW, idempotency_key="sept-2025")

    assert route.calls.last.request.headers[C.IDEMPOTENCY_HEADER] == "sept-2025-0"
    assert outcome.status == "exists"


def test_enroll_reads_column_names_in_any_case(portal, clerk, citycard):
    route = portal.post("/clerk/enrolments").respond(json=[result()])

    clerk.clerk.enroll({f" {name.upper()} ": value for name, value in ROW.items()})

    assert sent_json(route) == {"rows": [{"row": 1, "data": CLEAN}]}


@pytest.mark.parametrize(
    ("row", "code"),
    [
        pytest.param({**ROW, "child_name": " "}, "missing_field", id="blank-name"),
        pytest.param({**ROW, "child_tax_code": "GLLFNC16H15F205X"}, "invalid_tax_code", id="cf"),
        pytest.param({**ROW, "guardian_email": "nobody"}, "invalid_email", id="email"),
        pytest.param({**ROW, "service": "piscina"}, "unknown_service", id="service"),
    ],
)
def test_enroll_returns_an_invalid_row_as_invalid_without_sending(
    portal, clerk, citycard, row, code
):
    route = portal.post("/clerk/enrolments").respond(json=[result()])

    outcome = clerk.clerk.enroll(row)

    assert outcome.status == "invalid"
    assert outcome.row == 1
    assert outcome.error["code"] == code
    assert not route.called


def test_enroll_names_the_missing_columns(portal, clerk, citycard):
    route = portal.post("/clerk/enrolments").respond(json=[result()])

    outcome = clerk.clerk.enroll({"child_tax_code": CHILD})

    assert outcome.error["details"] == {"fields": ["child_name", "guardian_email", "service"]}
    assert not route.called


def test_enroll_follows_the_portal_kinds_columns(portal, clerk):
    stub_portal_info(portal, "etelka", policy={"institutions": ["Kossuth Óvoda"]})
    route = portal.post("/clerk/enrolments").respond(json=[result()])

    clerk.clerk.enroll(
        {
            "guardian_email": "Eva@Example.hu",
            "child_name": "Kovács Bence",
            "institution": "Kossuth Óvoda",
            "age_group": "kindergarten",
        }
    )

    assert sent_json(route)["rows"][0]["data"] == {
        "guardian_email": "eva@example.hu",
        "child_name": "Kovács Bence",
        "institution": "Kossuth Óvoda",
        "age_group": "kindergarten",
    }


def test_enroll_returns_the_portals_failed_row(portal, clerk, citycard):
    portal.post("/clerk/enrolments").respond(
        json=[result(status="failed", error={"code": "enrolment_failed", "message": "no"})]
    )

    outcome = clerk.clerk.enroll(ROW)

    assert outcome.status == "failed"
    assert outcome.error == {"code": "enrolment_failed", "message": "no"}


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        pytest.param(403, "permission_denied", familycard.PermissionDenied, id="wrong-clerk-key"),
        pytest.param(401, "authentication_failed", familycard.AuthenticationFailed, id="no-key"),
        pytest.param(400, "invalid_input", familycard.InvalidInput, id="bad-body"),
    ],
)
def test_enroll_raises_the_errors_of_the_request(portal, clerk, citycard, status, code, error):
    portal.post("/clerk/enrolments").respond(status, json=error_body(code))

    with pytest.raises(error) as caught:
        clerk.clerk.enroll(ROW)

    assert caught.value.code == code


def test_enroll_gives_up_with_portal_unavailable_reusing_its_key(portal, clerk, citycard):
    route = portal.post("/clerk/enrolments").respond(503, json=error_body("fault_injected"))

    with pytest.raises(familycard.PortalUnavailable) as caught:
        clerk.clerk.enroll(ROW, idempotency_key="run")

    assert caught.value.code == "fault_injected"
    assert route.call_count == 1 + C.MAX_RETRIES
    assert {call.request.headers[C.IDEMPOTENCY_HEADER] for call in route.calls} == {"run-0"}


def test_enroll_reports_an_answer_without_the_row_instead_of_crashing(portal, clerk, citycard):
    portal.post("/clerk/enrolments").respond(json=[])

    try:
        outcome = clerk.clerk.enroll(ROW)
    except familycard.FamilycardError:
        return
    assert outcome.status == "failed"
    assert outcome.error["code"] == "missing_result"


# enrolments ----------------------------------------------------------------------------


def test_enrolments_pages_through_every_enrolment_oldest_first(portal, clerk):
    pages = [
        EnrolmentPage(total=5, items=[enrolment(1), enrolment(2)], next_after=2),
        EnrolmentPage(total=5, items=[enrolment(3), enrolment(4)], next_after=4),
        EnrolmentPage(total=5, items=[enrolment(5)], next_after=None),
    ]
    route = portal.get("/clerk/enrolments").mock(
        side_effect=[httpx.Response(200, json=p.model_dump(mode="json")) for p in pages]
    )

    items = list(clerk.clerk.enrolments(page_size=2))

    assert [dict(call.request.url.params) for call in route.calls] == [
        {"after": "0", "limit": "2"},
        {"after": "2", "limit": "2"},
        {"after": "4", "limit": "2"},
    ]
    assert [e.id for e in items] == [1, 2, 3, 4, 5]
    assert all(isinstance(e, familycard.Enrolment) for e in items)
    assert items[0].created_at == datetime(2025, 9, 1, 8, 1, tzinfo=UTC)
    assert items[0].data["child_tax_code"] == CHILD
    assert route.calls.last.request.headers["X-Clerk-Key"] == CLERK_KEY


def test_enrolments_asks_for_pages_of_a_thousand_by_default(portal, clerk):
    route = portal.get("/clerk/enrolments").respond(
        json=EnrolmentPage(total=0, items=[]).model_dump(mode="json")
    )

    assert list(clerk.clerk.enrolments()) == []
    assert dict(route.calls.last.request.url.params) == {"after": "0", "limit": "1000"}


def test_enrolments_sends_nothing_until_iterated_and_stops_when_dropped(portal, clerk):
    route = portal.get("/clerk/enrolments").respond(
        json=EnrolmentPage(total=9, items=[enrolment(1), enrolment(2)], next_after=2).model_dump(
            mode="json"
        )
    )

    pages = clerk.clerk.enrolments(page_size=2)
    assert not route.called
    assert next(pages).id == 1
    assert next(pages).id == 2
    pages.close()

    assert route.call_count == 1


def test_enrolments_raises_a_wrong_clerk_key(portal, clerk):
    portal.get("/clerk/enrolments").respond(403, json=error_body("permission_denied"))

    with pytest.raises(familycard.PermissionDenied) as caught:
        next(clerk.clerk.enrolments())

    assert caught.value.code == "permission_denied"


# reset_credentials, elevation_code ----------------------------------------------------


def test_r1_4_reset_credentials_posts_the_normalised_tax_code(portal, clerk):
    route = portal.post("/clerk/reset-credentials").respond(
        json={"ok": True, "message": "new credentials and PIN e-mailed"}
    )

    ack = clerk.clerk.reset_credentials(" gllfnc16h15f205n ")

    assert sent_json(route) == {"tax_code": CHILD}
    assert route.calls.last.request.headers[C.IDEMPOTENCY_HEADER]
    assert route.calls.last.request.headers["X-Clerk-Key"] == CLERK_KEY
    assert isinstance(ack, familycard.Ack)
    assert ack.message == "new credentials and PIN e-mailed"


def test_r1_4_reset_credentials_maps_no_registration_to_not_found(portal, clerk):
    portal.post("/clerk/reset-credentials").respond(404, json=error_body("account_not_found"))

    with pytest.raises(familycard.NotFound) as caught:
        clerk.clerk.reset_credentials(CHILD)

    assert caught.value.code == "account_not_found"


def test_r2_2_elevation_code_posts_the_tax_code_and_returns_the_code(portal, clerk):
    route = portal.post("/clerk/elevation-codes").respond(
        json=ElevationCode(tax_code=PARENT, code="EL-4821-XK").model_dump()
    )

    issued = clerk.clerk.elevation_code(PARENT.lower())

    assert sent_json(route) == {"tax_code": PARENT}
    assert isinstance(issued, familycard.ElevationCode)
    assert issued.code == "EL-4821-XK"
    assert issued.tax_code == PARENT


def test_r2_2_elevation_code_for_a_family_not_enrolled_is_a_rule_violation(portal, clerk):
    portal.post("/clerk/elevation-codes").respond(422, json=error_body("not_enrolled"))

    with pytest.raises(familycard.RuleViolation) as caught:
        clerk.clerk.elevation_code(PARENT)

    assert caught.value.code == "not_enrolled"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("reset_credentials", "/clerk/reset-credentials", id="reset"),
        pytest.param("elevation_code", "/clerk/elevation-codes", id="elevation"),
    ],
)
def test_a_malformed_tax_code_is_refused_without_sending(portal, clerk, method, path):
    route = portal.post(path).respond(json={})

    with pytest.raises(familycard.InvalidInput) as caught:
        getattr(clerk.clerk, method)("RCCMNL83S18D969")

    assert caught.value.code == "invalid_tax_code"
    assert not route.called


# record_attendance ---------------------------------------------------------------------


def attendance_result(**changes) -> dict:
    fields = {
        "member": CHILD,
        "service": "mensa",
        "recorded": [date(2026, 2, 2), date(2026, 2, 3)],
        "unchanged": [date(2026, 2, 4)],
        "balance": 4,
    }
    return AttendanceResult(**{**fields, **changes}).model_dump(mode="json")


def test_r1_7_record_attendance_posts_the_days_sorted_once_each(portal, clerk, citycard):
    route = portal.post("/clerk/attendance").respond(json=attendance_result())

    outcome = clerk.clerk.record_attendance(
        CHILD.lower(),
        " mensa ",
        days=[date(2026, 2, 4), date(2026, 2, 2), date(2026, 2, 3), date(2026, 2, 2)],
        idempotency_key="att-1",
    )

    assert route.calls.last.request.headers[C.IDEMPOTENCY_HEADER] == "att-1"
    assert sent_json(route) == {
        "tax_code": CHILD,
        "service": "mensa",
        "days": ["2026-02-02", "2026-02-03", "2026-02-04"],
    }
    assert isinstance(outcome, familycard.AttendanceResult)
    assert outcome.recorded == [date(2026, 2, 2), date(2026, 2, 3)]
    assert outcome.unchanged == [date(2026, 2, 4)]
    assert outcome.balance == 4


def test_r1_7_record_attendance_for_a_month_sends_it(portal, clerk, citycard):
    route = portal.post("/clerk/attendance").respond(json=attendance_result(balance=-1))

    outcome = clerk.clerk.record_attendance(CHILD, "casa_dei_bambini", month=" 2026-02 ")

    assert sent_json(route) == {
        "tax_code": CHILD,
        "service": "casa_dei_bambini",
        "days": [],
        "month": "2026-02",
    }
    assert outcome.balance == -1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        pytest.param({}, "days_or_month", id="neither"),
        pytest.param({"days": [date(2026, 2, 2)], "month": "2026-02"}, "days_or_month", id="both"),
        pytest.param({"month": "2026-2"}, "invalid_month", id="bad-month"),
        pytest.param({"service": "piscina", "month": "2026-02"}, "unknown_service", id="service"),
        pytest.param(
            {"tax_code": "GLLFNC16H15F205X", "month": "2026-02"}, "invalid_tax_code", id="cf"
        ),
    ],
)
def test_r1_7_record_attendance_refuses_bad_input_without_sending(
    portal, clerk, citycard, kwargs, code
):
    route = portal.post("/clerk/attendance").respond(json=attendance_result())
    args = {"tax_code": CHILD, "service": "mensa", **kwargs}

    with pytest.raises(familycard.InvalidInput) as caught:
        clerk.clerk.record_attendance(args.pop("tax_code"), args.pop("service"), **args)

    assert caught.value.code == code
    assert not route.called


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        pytest.param(422, "day_in_future", familycard.RuleViolation, id="future-day"),
        pytest.param(422, "not_enrolled", familycard.RuleViolation, id="not-enrolled"),
        pytest.param(403, "permission_denied", familycard.PermissionDenied, id="no-clerk-key"),
    ],
)
def test_record_attendance_maps_the_portals_refusal(portal, clerk, citycard, status, code, error):
    portal.post("/clerk/attendance").respond(status, json=error_body(code, days=["2026-03-09"]))

    with pytest.raises(error) as caught:
        clerk.clerk.record_attendance(CHILD, "mensa", days=[date(2026, 3, 9)])

    assert caught.value.code == code
    assert caught.value.details == {"days": ["2026-03-09"]}


def test_record_attendance_needs_the_tokens_feature(portal, clerk):
    stub_portal_info(portal, "etelka")
    route = portal.post("/clerk/attendance").respond(json=attendance_result())

    with pytest.raises(familycard.InvalidInput) as caught:
        clerk.clerk.record_attendance(CHILD, "mensa", month="2026-02")

    assert caught.value.code == "feature_not_supported"
    assert not route.called
