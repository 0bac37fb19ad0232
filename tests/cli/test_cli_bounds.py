"""Numbers beyond their range, as a user types them: exit 2 with the error's code, no traceback.

The commands of issue 12 that answered HTTP 500 (and exited 75 after the retries) or
exited 1: each is now refused with its code, by the SDK before sending where the check
is pure, by the stub otherwise; and nothing is stored.
"""

from __future__ import annotations

import pytest
from meals_support import at
from meals_support import family as etelka_family
from meals_support import run as etelka
from tokens_support import family, payments

HUGE = "100000000000000000000000000000"


def refused(result, code: str) -> dict:
    assert result.exit_code == 2, result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    error = result.error()
    assert error["code"] == code, error
    assert len(error["message"]) < 200, error["message"]
    return error


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["create", "--tokens", HUGE], "too_many_tokens", id="create-30-digits"),
        pytest.param(["create", "--tokens", "9223372036854775810"], "too_many_tokens", id="2^63"),
        pytest.param(["create", "--tokens", "9223372036854775805"], "too_many_tokens", id="<2^63"),
        pytest.param(["create", "--tokens", "505"], "too_many_tokens", id="over-the-policy"),
        pytest.param(["quote", "--top-up-to", "9" * 30], "invalid_top_up_target", id="quote"),
    ],
)
def test_r1_8_an_enormous_recharge_is_refused_and_the_child_can_still_recharge(
    cli, stub, tmp_path, args, code
):
    rossi = family(cli, stub, tmp_path)
    refused(cli("recharge", *args, env=rossi.maria), code)
    assert payments(cli, rossi.maria) == []
    quote = cli("recharge", "quote", "--tokens", "5", env=rossi.maria)
    assert quote.exit_code == 0, quote.stderr
    created = cli("recharge", "create", "--tokens", "5", env=rossi.maria)
    assert created.exit_code == 0, created.stderr


def test_r1_7_a_month_of_year_0_is_refused(cli, stub, tmp_path):
    rossi = family(cli, stub, tmp_path)
    refused(cli("tokens", "attendance", "--month", "0000-01", env=rossi.maria), "invalid_month")


def test_an_id_and_a_month_beyond_range_on_etelka_are_refused(cli, stub, tmp_path):
    etelka_family(cli, stub, tmp_path, now=at("2026-03-02 08:00"))
    refused(etelka(cli, "inbox", "read", "9223372036854775808"), "invalid_id")
    refused(etelka(cli, "inbox", "read", "0"), "invalid_id")
    refused(etelka(cli, "meals", "calendar", "--month", "0000-01"), "invalid_month")


@pytest.mark.parametrize(
    "duration",
    [
        pytest.param("99999999999d", id="issue-12"),
        pytest.param("36526d", id="a-day-over"),
        pytest.param("9" * 5000 + "s", id="5000-digits"),
    ],
)
def test_the_stub_clock_moves_at_most_a_hundred_years(cli, stub, duration):
    before = stub.control.set_clock("2026-03-02T08:00:00+01:00")
    refused(cli("stub", "clock", "--advance", duration), "invalid_duration")
    assert stub.control.clock() == before
