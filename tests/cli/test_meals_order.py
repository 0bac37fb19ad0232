"""Members, their offer, and ordering school meals (R3.10, R3.11, R3.14) via the CLI."""

from __future__ import annotations

import pytest
from meals_support import (
    BENCE,
    DORA,
    LILI,
    at,
    clerk,
    day_state,
    family,
    ok,
    order,
    run,
)

import familycard


@pytest.fixture
def ids(cli, stub, tmp_path) -> dict[str, str]:
    """Éva's three children on Monday 2 March 2026, 08:00 in Budapest."""
    return family(cli, stub, tmp_path, now=at("2026-03-02 08:00"))


def items_by_day(result) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in result["items"]:
        found.setdefault(item["day"], []).append(item["meal"])
    return found


# R3.10, R3.14 members and their offer -------------------------------------------------------


def test_r3_10_members_list_gives_each_member_an_id_and_age_group(cli, ids):
    members = ok(run(cli, "members", "list"))
    assert [m["name"] for m in members] == [BENCE, DORA, LILI]
    assert all(m["id"] == ids[m["name"]] for m in members)
    by_name = {m["name"]: m for m in members}
    assert by_name[BENCE]["age_group"] == "primary"
    assert by_name[BENCE]["age_group_name"] == "Általános iskolás"
    assert by_name[LILI]["institution"] == "Kossuth Óvoda"


def test_r3_10_the_age_group_decides_the_meals_of_each_weekday(cli, ids):
    bence = ok(run(cli, "members", "show", ids[BENCE]))
    meals = {day: [o["meal"] for o in offers] for day, offers in bence["offer"].items()}
    assert meals["mon"] == meals["thu"] == ["snack_am", "lunch", "snack_pm"]
    assert meals["fri"] == ["snack_am", "lunch"]
    assert "sat" not in meals
    lunch = next(o for o in bence["offer"]["mon"] if o["meal"] == "lunch")
    assert lunch["price"] == {"value": "650", "currency": "HUF"}
    assert lunch["subsidy"] == {"value": "150", "currency": "HUF"}
    assert lunch["menus"] == ["A", "B"]
    dora = ok(run(cli, "members", "show", "kovacs dora"))  # by name, accents and case aside
    lunch = next(o for o in dora["offer"]["mon"] if o["meal"] == "lunch")
    assert lunch["places"] == ["Lehel Vezér Gimnázium", "Kollégium"]
    assert [o["meal"] for o in dora["offer"]["mon"]] == ["breakfast", "lunch", "dinner"]
    human = run(cli, "members", "show", BENCE, json=False)
    assert "mon-thu" in human.stdout
    assert "read-only" in human.stdout


def test_r3_14_member_data_comes_from_the_clerk_and_the_family_cannot_change_it(cli, ids):
    assert ok(run(cli, "members", "show", BENCE))["billing"] is None
    args = ["billing-data", "--member", ids[BENCE], "--name", "Kovács Éva"]
    recorded = clerk(cli, *args, "--address", "5100 Jászberény, Fő tér 1.")
    assert recorded.exit_code == 0, recorded.stderr
    assert ok(run(cli, "members", "show", BENCE))["billing"]["name"] == "Kovács Éva"
    # The family's credentials do not open the clerk's door.
    denied = run(cli, "clerk", *args, "--address", "elsewhere")
    assert denied.exit_code == 3
    assert ok(run(cli, "members", "show", BENCE))["billing"]["address"].startswith("5100")


def test_r3_10_an_unknown_member_is_not_found_and_several_need_member(cli, ids):
    missing = run(cli, "members", "show", "Nobody")
    assert missing.exit_code == 5
    assert missing.error()["code"] == "member_not_found"
    several = run(cli, "meals", "calendar")
    assert several.exit_code == 2
    assert several.error()["code"] == "member_required"


# R3.10 similar days, R3.11 ordering ------------------------------------------------------------


def test_r3_10_similar_to_a_monday_picks_every_monday_to_thursday_of_the_month(cli, ids):
    result = order(cli, ids[BENCE], "--similar-to", "2026-03-09")
    # Monday 2 is past its deadline; Fridays offer two meals only.
    assert result["days"] == [
        f"2026-03-{d:02d}" for d in (3, 4, 5, 9, 10, 11, 12, 16, 17, 18, 19, 23, 24, 25, 26, 30, 31)
    ]
    three = ["snack_am", "lunch", "snack_pm"]
    assert all(meals == three for meals in items_by_day(result).values())


def test_r3_10_similar_to_a_friday_picks_the_fridays(cli, ids):
    result = order(cli, ids[BENCE], "--similar-to", "2026-03-06")
    assert result["days"] == ["2026-03-06", "2026-03-13", "2026-03-20", "2026-03-27"]


def test_r3_11_a_month_alone_orders_every_orderable_day_with_its_offer(cli, ids):
    result = order(cli, ids[BENCE], "--month", "2026-04")
    days = result["days"]
    # Every day the portal works, and no other (its published calendar).
    published = ok(run(cli, "portal", "calendar", "--from", "2026-04-01", "--to", "2026-04-30"))
    assert days == [d["date"] for d in published if d["working"]]
    assert "2026-04-04" not in days  # a Saturday
    meals = items_by_day(result)
    assert meals["2026-04-10"] == ["snack_am", "lunch"]  # a Friday
    assert meals["2026-04-09"] == ["snack_am", "lunch", "snack_pm"]
    assert day_state(cli, ids[BENCE], "2026-04-09")["state"] == "ordered"


def test_r3_11_month_with_weekdays_and_chosen_meals(cli, ids):
    result = order(cli, ids[LILI], "--month", "2026-03", "--weekdays", "mon,wed", "--meal", "lunch")
    assert result["days"][0] == "2026-03-04"
    assert items_by_day(result) == {d: ["lunch"] for d in result["days"]}
    assert result["days"] == [f"2026-03-{d:02d}" for d in (4, 9, 11, 16, 18, 23, 25, 30)]


def test_r3_11_saving_a_day_again_overwrites_it(cli, ids):
    first = order(cli, ids[BENCE], "--day", "2026-03-10", "--meal", "lunch", "--meal", "snack_pm")
    assert first["replaced"] == []
    again = order(cli, ids[BENCE], "--day", "2026-03-10", "--meal", "snack_am")
    assert again["replaced"] == ["2026-03-10"]
    day = day_state(cli, ids[BENCE], "2026-03-10")
    assert [i["meal"] for i in day["items"]] == ["snack_am"]
    lunch = order(cli, ids[BENCE], "--day", "2026-03-10", "--meal", "lunch", "--menu", "b")
    assert lunch["items"][0]["menu"] == "B"
    listed = ok(run(cli, "meals", "list", "--member", ids[BENCE], "--month", "2026-03"))
    assert [(i["day"], i["meal"], i["menu"], i["status"]) for i in listed] == [
        ("2026-03-10", "lunch", "B", "draft")
    ]


def test_r3_11_the_place_of_a_meal_with_a_choice(cli, ids):
    dora = ids[DORA]
    default = order(cli, dora, "--day", "2026-03-10")
    places = {i["meal"]: i["place"] for i in default["items"]}
    assert places == {
        "breakfast": "Kollégium",
        "lunch": "Lehel Vezér Gimnázium",
        "dinner": "Kollégium",
    }
    moved = order(cli, dora, "--day", "2026-03-10", "--place", "Kollégium")
    assert {i["place"] for i in moved["items"]} == {"Kollégium"}
    per_meal = order(
        cli, dora, "--day", "2026-03-11", "--meal", "lunch", "--place", "lunch=Kollégium"
    )
    assert per_meal["items"][0]["place"] == "Kollégium"
    refused = run(
        cli,
        "meals",
        "order",
        "--member",
        dora,
        "--day",
        "2026-03-11",
        "--place",
        "Petőfi Általános Iskola",
    )
    assert refused.exit_code == 2
    assert refused.error()["code"] == "place_not_offered"


@pytest.mark.parametrize(
    ("args", "exit_code", "code"),
    [
        # Against the portal's published offer and calendar: invalid input (exit 2).
        pytest.param(
            ["--day", "2026-03-06", "--meal", "snack_pm"], 2, "meal_not_offered", id="friday-snack"
        ),
        pytest.param(
            ["--day", "2026-03-10", "--meal", "dinner"], 2, "meal_not_offered", id="no-dinner"
        ),
        pytest.param(["--day", "2026-03-07"], 2, "day_not_served", id="saturday"),
        pytest.param(
            ["--day", "2026-03-10", "--menu", "B", "--meal", "snack_am"],
            2,
            "menu_not_offered",
            id="no-menu-choice",
        ),
        # Refused in the portal's current state, by its clock (exit 4).
        pytest.param(["--day", "2026-03-02"], 4, "order_deadline_passed", id="today"),
        pytest.param(["--day", "2026-06-01"], 4, "order_too_far_ahead", id="too-far"),
    ],
)
def test_r3_11_orders_the_portal_refuses_exit_by_the_failure_s_class(
    cli, ids, args, exit_code, code
):
    result = run(cli, "meals", "order", "--member", ids[BENCE], *args)
    assert result.exit_code == exit_code
    assert result.error()["code"] == code
    assert ok(run(cli, "meals", "list", "--member", ids[BENCE], "--month", "2026-03")) == []


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["--meal", "soup", "--day", "2026-03-10"], "unknown_meal", id="meal"),
        pytest.param(["--menu", "C", "--day", "2026-03-10"], "invalid_menu", id="menu"),
        pytest.param(["--day", "10/03/2026"], "invalid_date", id="date"),
        pytest.param(["--month", "2026-3"], "invalid_month", id="month"),
        pytest.param(["--month", "2026-03", "--weekdays", "thu-mon"], "invalid_weekdays", id="wd"),
        pytest.param([], "days_required", id="no-days"),
        pytest.param(["--day", "2026-03-10", "--month", "2026-03"], "days_one_way", id="two-ways"),
    ],
)
def test_r3_11_malformed_orders_are_invalid_input(cli, ids, args, code):
    result = run(cli, "meals", "order", "--member", ids[BENCE], *args)
    assert result.exit_code == 2
    assert result.error()["code"] == code


def test_r3_11_removing_items_before_finalising(cli, ids):
    order(cli, ids[BENCE], "--day", "2026-03-10", "--day", "2026-03-11")
    args = ["meals", "remove", "2026-03-10", "--member", ids[BENCE], "--meal", "lunch"]
    removed = ok(run(cli, *args))
    assert [i["meal"] for i in removed["items"]] == ["snack_am", "snack_pm"]
    ok(run(cli, "meals", "remove", "2026-03-11", "--member", ids[BENCE]))
    assert day_state(cli, ids[BENCE], "2026-03-11")["state"] == "orderable"
    nothing = run(cli, "meals", "remove", "2026-03-12", "--member", ids[BENCE])
    assert nothing.exit_code == 4  # the portal's state: nothing ordered that day
    assert nothing.error()["code"] == "nothing_to_remove"


def test_r3_11_the_calendar_marks_each_day(cli, stub, ids):
    order(cli, ids[BENCE], "--day", "2026-03-10")
    calendar = ok(run(cli, "meals", "calendar", "--member", ids[BENCE], "--month", "2026-03"))
    states = {d["day"]: d["state"] for d in calendar["days"]}
    assert states["2026-03-02"] == "locked"
    assert states["2026-03-07"] == "not_served"
    assert states["2026-03-10"] == "ordered"
    assert states["2026-03-11"] == "orderable"
    assert calendar["cutoff"] == "09:00"
    assert calendar["now"] == "2026-03-02T07:00:00Z"
    human = run(cli, "meals", "calendar", "--member", BENCE, "--month", "2026-03", json=False)
    assert "not served" in human.stdout
    assert "Mon 2026-03-09 09:00" in human.stdout  # the deadline of Tuesday 10


@pytest.mark.parametrize("tenant", ["tortona", "sala-baganza", "energia"])
def test_r3_10_a_portal_without_school_meals_says_so_before_sending(stub, tenant):
    with familycard.Client(stub.portal_url(tenant)) as client:
        calls = [
            client.members.list,
            client.meals.calendar,
            client.balances.list,
            client.inbox.list,
            client.board.list,
        ]
        for call in calls:
            with pytest.raises(familycard.InvalidInput) as caught:
                call()
            assert caught.value.code == "feature_not_supported"
            assert not caught.value.sent
