"""The inbox and the message board of an etelka portal (R3.17-R3.18) via the CLI."""

from __future__ import annotations

import pytest
from meals_support import BENCE, DORA, EVA, LILI, PETER, at, clerk, family, inbox, ok, paid, run


@pytest.fixture
def ids(cli, stub, tmp_path) -> dict[str, str]:
    return family(cli, stub, tmp_path, now=at("2026-03-02 08:00"))


# R3.17 the inbox ---------------------------------------------------------------------------------


def test_r3_17_the_inbox_counts_total_and_unread_and_reading_marks_read(cli, stub, ids):
    assert inbox(cli) == {"total": 0, "unread": 0, "notifications": []}
    paid(cli, ids[BENCE], "2026-03", "--day", "2026-03-04", "--day", "2026-03-05")
    stub.control.set_clock(at("2026-03-03 08:00"))
    ok(run(cli, "meals", "cancel", "2026-03-04", "--member", BENCE, "--yes"))
    box = inbox(cli)
    assert (box["total"], box["unread"]) == (2, 2)
    assert [n["kind"] for n in box["notifications"]] == ["cancellation", "payment"]
    newest = box["notifications"][0]
    read = ok(run(cli, "inbox", "read", str(newest["id"])))
    assert read["read"] is True
    assert "2026-03-04" in read["body"]
    box = inbox(cli)
    assert (box["total"], box["unread"]) == (2, 1)
    unread = ok(run(cli, "inbox", "list", "--unread"))
    assert [n["kind"] for n in unread["notifications"]] == ["payment"]
    assert unread["total"] == 2
    human = run(cli, "inbox", "list", json=False)
    assert "2 notifications, 1 unread" in human.stdout
    missing = run(cli, "inbox", "read", "999")
    assert missing.exit_code == 5


def test_r3_17_each_account_has_its_own_inbox(cli, stub, ids, tmp_path):
    # Péter, the other parent, reaches the same children with his own account (R3.3).
    family(cli, stub, tmp_path, now=at("2026-03-02 08:00"), email=PETER, username="peter")
    paid(cli, ids[BENCE], "2026-03", "--day", "2026-03-04")
    assert inbox(cli)["total"] == 1
    assert inbox(cli, username="peter")["total"] == 0
    # What the office records for a child is told to every parent reaching it.
    clerk(cli, "cash-payment", "--member", ids[LILI], "--amount", "1000")
    assert inbox(cli)["total"] == 2
    assert inbox(cli, username="peter")["total"] == 1
    assert stub.control.last_email(PETER, kind="payment").data["member"] == LILI


# R3.18 the board --------------------------------------------------------------------------------


def publish(cli, stub, when: str, title: str, body: str, *args: str) -> dict:
    stub.control.set_clock(at(when))
    result = clerk(cli, "message", "--title", title, "--body", body, *args)
    assert result.exit_code == 0, result.stderr
    return dict(result.json())


@pytest.fixture
def messages(cli, stub, ids) -> dict[str, int]:
    found = {
        "all": publish(cli, stub, "2026-03-02 10:00", "Szünet", "Tavaszi szünet április 2-től."),
        "kindergarten": publish(
            cli,
            stub,
            "2026-03-03 10:00",
            "Óvodai menü",
            "Halászlé pénteken.",
            "--institution",
            "Kossuth Óvoda",
        ),
        "other": publish(
            cli,
            stub,
            "2026-03-04 10:00",
            "Bölcsőde",
            "Csak a bölcsődének.",
            "--institution",
            "Napsugár Bölcsőde",
        ),
        "bence": publish(
            cli,
            stub,
            "2026-03-05 10:00",
            "Bence adatai",
            "Kérjük, ellenőrizze a menüt.",
            "--member",
            ids[BENCE],
        ),
    }
    return {name: m["id"] for name, m in found.items()}


def titles(result) -> list[str]:
    return [m["title"] for m in result]


def test_r3_18_the_board_shows_messages_for_everyone_my_institutions_and_my_members(
    cli, stub, messages
):
    board = ok(run(cli, "board", "list"))
    assert titles(board) == ["Bence adatai", "Óvodai menü", "Szünet"]  # newest first
    assert [m["audience"] for m in board] == ["member", "institutions", "everyone"]
    assert board[0]["member"] == BENCE
    ascending = ok(run(cli, "board", "list", "--sort", "asc"))
    assert titles(ascending) == ["Szünet", "Óvodai menü", "Bence adatai"]
    latest = ok(run(cli, "board", "latest"))
    assert latest["title"] == "Bence adatai"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["--recipient", "everyone"], ["Szünet"], id="everyone"),
        pytest.param(["--recipient", "Kossuth Óvoda"], ["Óvodai menü"], id="institution"),
        pytest.param(["--recipient", "kovacs bence"], ["Bence adatai"], id="member"),
        pytest.param(["--search", "halaszle"], ["Óvodai menü"], id="keyword-no-accents"),
        pytest.param(["--search", "ellenőrizze menüt"], ["Bence adatai"], id="two-words"),
        pytest.param(
            ["--since", "2026-03-03", "--until", "2026-03-04"], ["Óvodai menü"], id="period"
        ),
    ],
)
def test_r3_18_the_board_filters_by_recipient_keywords_and_period(cli, messages, args, expected):
    assert titles(ok(run(cli, "board", "list", *args))) == expected


def test_r3_18_board_mistakes_are_clear(cli, messages):
    unknown = run(cli, "board", "list", "--recipient", "Senki")
    assert unknown.exit_code == 2
    assert unknown.error()["code"] == "unknown_recipient"
    assert run(cli, "board", "list", "--sort", "up").exit_code == 2


def test_r3_18_publishing_needs_the_clerk_and_a_known_audience(cli, stub, ids):
    denied = run(cli, "clerk", "message", "--title", "x", "--body", "y")
    assert denied.exit_code == 3
    wrong = clerk(cli, "message", "--title", "x", "--body", "y", "--institution", "Nowhere")
    assert wrong.exit_code == 2
    assert wrong.error()["code"] == "unknown_institution"
    both = clerk(
        cli,
        "message",
        "--title",
        "x",
        "--body",
        "y",
        "--institution",
        "Kossuth Óvoda",
        "--member",
        ids[DORA],
    )
    assert both.exit_code == 2
    assert both.error()["code"] == "recipient_one_way"


def test_r3_18_board_messages_are_e_mailed_only_when_asked(cli, stub, ids):
    publish(cli, stub, "2026-03-02 10:00", "Első", "Alapból nem megy e-mail.")
    assert [m for m in stub.control.outbox(to=EVA) if m.kind == "board"] == []
    ok(run(cli, "profile", "notifications", "--set", "board=on"))
    publish(cli, stub, "2026-03-02 11:00", "Második", "Ez már megy.")
    assert stub.control.last_email(EVA, kind="board").body == "Ez már megy."


# R3.18 the board's documents: the price list and the menus -------------------------------------


def test_r3_18_the_price_list_and_the_menus_are_listed_and_downloadable(cli, ids, tmp_path):
    documents = ok(run(cli, "board", "documents"))
    assert [(d["id"], d["kind"]) for d in documents] == [
        ("price-list", "price_list"),
        ("menu-2026-W10", "menu"),
    ]
    assert documents[1]["period"] == "2026-W10"
    human = run(cli, "board", "documents", json=False)
    assert "price-list" in human.stdout
    prices = tmp_path / "prices.pdf"
    saved = ok(run(cli, "board", "download", "price-list", "-o", str(prices)))
    assert saved == {
        "document_id": "price-list",
        "file": str(prices),
        "bytes": len(prices.read_bytes()),
    }
    pdf = prices.read_bytes()
    assert pdf.startswith(b"%PDF")
    # The policy's primary-school lunch: price 650, subsidy 150, to pay 500 (cp1252 text).
    assert "lunch: HUF 650, subsidy HUF 150, to pay HUF 500".encode("cp1252") in pdf
    assert "Általános iskolás".encode("cp1252") in pdf
    menu = tmp_path / "menu.pdf"
    ok(run(cli, "board", "download", "menu-2026-W10", "-o", str(menu)))
    text = menu.read_bytes()
    assert text.startswith(b"%PDF")
    assert "lunch, menu A: Halászlé, túrós csusza".encode("cp1252") in text
    # Menu B too, where the policy offers a choice (the PDF writes ő as ö).
    assert "lunch, menu B: Halászlé, krumplifözelék".encode("cp1252") in text


def test_r3_18_an_unknown_document_is_not_found(cli, ids, tmp_path):
    target = tmp_path / "nothing.pdf"
    missing = run(cli, "board", "download", "menu-1999-W01", "-o", str(target))
    assert missing.exit_code == 5
    assert missing.error()["code"] == "not_found"
    assert not target.exists()
