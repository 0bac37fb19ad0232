"""`client.portal.info()` and the client's cached `info()` / `require()` built on it."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sdk_support import error_body, portal_info_json, stub_portal_info

import familycard
from familycard import _constants as C


def test_info_sends_get_portal_and_returns_the_typed_portal_info(portal, client):
    route = stub_portal_info(portal, "citycard")

    info = client.portal.info()

    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == "GET"
    assert request.url.path == "/tortona/v1/portal"
    assert C.IDEMPOTENCY_HEADER not in request.headers
    assert isinstance(info, familycard.PortalInfo)
    assert info.tenant == "tortona"
    assert info.kind == "citycard"
    assert info.currency == "EUR"
    assert info.timezone == "Europe/Rome"
    assert info.features == ["accounts", "clerk", "pin", "tokens", "recharges"]
    assert info.policy["token_multiple"] == 5
    assert info.registration_fields == ["tax_code", "email", "username", "password"]
    assert info.enrolment_columns == ["child_tax_code", "child_name", "guardian_email", "service"]
    assert info.has("tokens")
    assert not info.has("meals")


@pytest.mark.parametrize(
    ("kind", "currency"),
    [
        pytest.param("citycard", "EUR", id="citycard"),
        pytest.param("entranext", "EUR", id="entranext"),
        pytest.param("etelka", "HUF", id="etelka"),
        pytest.param("pagoinrete", "EUR", id="pagoinrete"),
        pytest.param("utility", "EUR", id="utility"),
    ],
)
def test_info_reads_every_portal_kind(portal, client, kind, currency):
    stub_portal_info(portal, kind)

    info = client.portal.info()

    assert info.kind == kind
    assert info.currency == currency


def test_info_ignores_fields_it_does_not_know(portal, client):
    portal.get("/portal").respond(json=portal_info_json("citycard", launched_in=2031))

    assert client.portal.info().kind == "citycard"


def test_info_is_kept_on_the_client_so_info_and_require_do_not_fetch_again(portal, client):
    route = stub_portal_info(portal, "citycard")

    fetched = client.portal.info()

    assert client.info() is fetched
    assert client.require("tokens") is fetched
    assert route.call_count == 1


def test_info_fetches_again_each_time_it_is_called(portal, client):
    route = portal.get("/portal").mock(
        side_effect=[
            httpx.Response(200, json=portal_info_json("citycard", features=["accounts"])),
            httpx.Response(200, json=portal_info_json("citycard", features=["accounts", "tokens"])),
        ]
    )

    assert client.portal.info().features == ["accounts"]
    assert client.portal.info().features == ["accounts", "tokens"]
    assert client.info().features == ["accounts", "tokens"]
    assert route.call_count == 2


def test_client_info_fetches_the_portal_once_for_many_calls(portal, client):
    route = stub_portal_info(portal, "etelka")

    kinds = {client.info().kind for _ in range(3)}

    assert kinds == {"etelka"}
    assert route.call_count == 1


def test_require_refuses_a_feature_the_portal_lacks_with_feature_not_supported(portal, client):
    stub_portal_info(portal, "citycard")

    with pytest.raises(familycard.InvalidInput) as caught:
        client.require("meals")

    error = caught.value
    assert error.code == "feature_not_supported"
    assert error.details == {"feature": "meals", "kind": "citycard"}
    assert not error.sent


STUB_TENANTS = "https://portal.test/_stub/tenants"


def test_info_of_a_stub_without_the_tenant_is_unknown_portal(portal, client):
    portal.get("/portal").respond(
        404, json=error_body("unknown_portal", "no portal 'tortona'; this stub serves: energia")
    )

    with pytest.raises(familycard.InvalidInput) as caught:
        client.portal.info()

    assert caught.value.code == "unknown_portal"
    assert caught.value.message == "no portal 'tortona'; this stub serves: energia"
    assert caught.value.sent
    assert client._info is None


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        pytest.param(
            httpx.Response(404, html="<html>Not here</html>"),
            "HTTP 404 with an HTML page",
            id="404-web-page",
        ),
        pytest.param(
            httpx.Response(200, html="<html>Welcome</html>"),
            "HTTP 200 with an HTML page",
            id="200-web-page",
        ),
        pytest.param(
            httpx.Response(200, json={"status": "ok", "version": 2}),
            "HTTP 200 with JSON of another shape (keys: status, version)",
            id="200-other-json",
        ),
        pytest.param(
            httpx.Response(404, json=error_body("not_found")),
            "HTTP 404 with JSON of another shape (keys: error)",
            id="404-another-api",
        ),
    ],
)
def test_info_of_a_url_that_is_no_portal_is_not_a_portal(portal, client, answer, found):
    portal.get("/portal").mock(return_value=answer)
    probe = portal.get(STUB_TENANTS).respond(404)

    with pytest.raises(familycard.InvalidInput) as caught:
        client.portal.info()

    error = caught.value
    assert error.code == "not_a_portal"
    assert error.details == {"url": "https://portal.test/tortona", "found": found}
    assert error.message.startswith("https://portal.test/tortona is not a familycard portal")
    assert found in error.message
    assert probe.called
    assert client._info is None


def test_not_a_portal_on_a_stub_lists_the_tenants_it_serves(portal, client):
    portal.get("/portal").respond(404, html="<html>stub root</html>")
    portal.get(STUB_TENANTS).respond(
        json=[
            {"slug": "tortona-2", "kind": "citycard", "url": "https://portal.test/tortona-2"},
            {"slug": "energia", "kind": "utility", "url": "https://portal.test/energia"},
            {"slug": "broken"},
        ]
    )

    with pytest.raises(familycard.InvalidInput) as caught:
        client.portal.info()

    assert caught.value.code == "not_a_portal"
    assert caught.value.details["tenants"] == {
        "tortona-2": "https://portal.test/tortona-2",
        "energia": "https://portal.test/energia",
    }
    assert "serving tortona-2 (citycard), energia (utility)" in caught.value.message
    assert "--portal https://portal.test/tortona-2" in caught.value.message


@pytest.mark.parametrize(
    ("status", "error"),
    [
        pytest.param(401, familycard.AuthenticationFailed, id="401"),
        pytest.param(403, familycard.PermissionDenied, id="403"),
    ],
)
def test_info_raises_a_portal_error_with_its_own_code(portal, client, status, error):
    portal.get("/portal").respond(status, json=error_body("ip_blocked", "not from here"))

    with pytest.raises(error) as caught:
        client.portal.info()

    assert caught.value.code == "ip_blocked"


def test_info_retries_a_503_and_returns_the_later_answer(portal, client, sleeps):
    route = portal.get("/portal").mock(
        side_effect=[
            httpx.Response(503, json=error_body("portal_unavailable")),
            httpx.Response(200, json=portal_info_json("utility")),
        ]
    )

    assert client.portal.info().kind == "utility"
    assert route.call_count == 2
    assert len(sleeps) == 1


def test_info_gives_up_with_portal_unavailable_after_the_retries(portal, client):
    route = portal.get("/portal").respond(503, json=error_body("maintenance", "back soon"))

    with pytest.raises(familycard.PortalUnavailable) as caught:
        client.portal.info()

    assert route.call_count == 1 + C.MAX_RETRIES
    assert caught.value.code == "maintenance"
    assert caught.value.details["attempts"] == 1 + C.MAX_RETRIES


# not_a_portal on any resource call --------------------------------------------------------

POD = "IT001E12345678"

#: Resource calls: the kind of portal they need, and the request that meets the web page.
RESOURCE_CALLS = [
    pytest.param(None, "GET", "/profile", lambda c: c.profile.show(), id="profile-show"),
    pytest.param(None, "GET", "/payments", lambda c: c.payments.list(), id="payments-list"),
    pytest.param(
        "etelka", "GET", "/meals/calendar", lambda c: c.meals.calendar(), id="meals-calendar"
    ),
    pytest.param(
        "etelka",
        "POST",
        "/meals/orders",
        lambda c: c.meals.order(days=[date(2026, 3, 9)]),
        id="meals-order",
    ),
    pytest.param(
        "etelka",
        "POST",
        "/meals/cancellations",
        lambda c: c.meals.cancel([date(2026, 3, 9)]),
        id="meals-cancel",
    ),
    pytest.param(
        "citycard",
        "POST",
        "/recharges",
        lambda c: c.recharges.create(tokens=10),
        id="recharges-create",
    ),
    pytest.param(
        "utility",
        "POST",
        f"/supplies/{POD}/readings",
        lambda c: c.readings.submit(5100, supply_point=POD),
        id="readings-submit",
    ),
    pytest.param(
        "utility",
        "DELETE",
        f"/supplies/{POD}/readings/2026-03-05",
        lambda c: c.readings.delete(date(2026, 3, 5), supply_point=POD),
        id="readings-delete",
    ),
]


@pytest.mark.parametrize(("kind", "method", "path", "call"), RESOURCE_CALLS)
def test_a_404_web_page_on_a_resource_call_is_not_a_portal_never_retried(
    portal, client, sleeps, kind, method, path, call
):
    if kind is not None:
        stub_portal_info(portal, kind)
    route = portal.route(method=method, path=path).respond(404, html="<html>Not Found</html>")
    probe = portal.get(STUB_TENANTS).respond(404, html="<html>Not Found</html>")

    with pytest.raises(familycard.InvalidInput) as caught:
        call(client)

    error = caught.value
    assert error.code == "not_a_portal"
    assert error.details == {
        "url": "https://portal.test/tortona",
        "found": "HTTP 404 with an HTML page",
    }
    assert error.message.startswith("https://portal.test/tortona is not a familycard portal")
    assert error.sent
    assert error.response is not None and error.response.status_code == 404
    assert route.call_count == 1  # never retried, writes included
    assert sleeps == []
    assert probe.call_count == 1
    assert probe.calls.last.request.url == STUB_TENANTS


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        pytest.param(
            httpx.Response(400, json={"detail": "bad request"}),
            "HTTP 400 with JSON of another shape (keys: detail)",
            id="400-other-json",
        ),
        pytest.param(
            httpx.Response(405, text="Method Not Allowed"),
            "HTTP 405 with a text/plain document",
            id="405-plain-text",
        ),
    ],
)
def test_a_4xx_without_a_familycard_error_body_on_a_resource_call_is_not_a_portal(
    portal, client, answer, found
):
    stub_portal_info(portal, "etelka")
    route = portal.post("/meals/orders").mock(return_value=answer)
    portal.get(STUB_TENANTS).respond(404)

    with pytest.raises(familycard.InvalidInput) as caught:
        client.meals.order(days=[date(2026, 3, 9)])

    assert caught.value.code == "not_a_portal"
    assert caught.value.details["found"] == found
    assert route.call_count == 1


def test_a_404_web_page_on_a_resource_of_a_stub_lists_the_tenants_it_serves(portal, client):
    # E.g. a portal URL with a typo in the tenant's path, answered by a stub's web 404.
    portal.get("/profile").respond(404, html="<html>Not Found</html>")
    portal.get(STUB_TENANTS).respond(
        json=[{"slug": "energia", "kind": "utility", "url": "https://portal.test/energia"}]
    )

    with pytest.raises(familycard.InvalidInput) as caught:
        client.profile.show()

    assert caught.value.code == "not_a_portal"
    assert caught.value.details["tenants"] == {"energia": "https://portal.test/energia"}
    assert "serving energia (utility)" in caught.value.message
    assert "--portal https://portal.test/energia" in caught.value.message


def test_a_404_with_a_familycard_error_body_on_a_resource_call_stays_not_found(portal, client):
    portal.get("/payments/pay_nope").respond(404, json=error_body("payment_not_found"))
    probe = portal.get(STUB_TENANTS).respond(404)

    with pytest.raises(familycard.NotFound) as caught:
        client.payments.get("pay_nope")

    assert caught.value.code == "payment_not_found"
    assert not probe.called
