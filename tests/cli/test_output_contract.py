"""Output a script can read: whole values, TSV when piped, no Python reprs, clean help.

DESIGN.md: "Human output never truncates ids, amounts or dates.  When stdout is not a
terminal, lists print one tab-separated line per row with a header, as `gh` does when
piped."  The runner's stdout is no terminal, so a plain run is the piped case;
`TTY_COMPATIBLE=1` (rich's variable) and `COLUMNS` make it a narrow terminal.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from cli_support import CliFn, Outcome, clerk_env
from meals_support import BENCE, EVA, LILI, at, clerk
from meals_support import family as meals_family
from meals_support import run as as_eva
from notices_support import GIULIO, PAOLA_EMAIL, pagoinrete_family
from rich.console import Console
from tokens_support import LUCA, MARIA
from tokens_support import family as tokens_family
from typer.testing import CliRunner

from familycard import Money
from familycard_cli._output import Output
from familycard_cli.main import app

ANSI = re.compile(r"\x1b\[[0-9;]*m")
REPRS = ("[", "{'", "Decimal(", "Money(")
#: A terminal of 40 columns, no colours: narrower than any list below.
NARROW = {"TTY_COMPATIBLE": "1", "COLUMNS": "40", "NO_COLOR": "1"}


def tsv(result: Outcome) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows of piped output; every line has the header's fields."""
    assert result.exit_code == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    columns = header.split("\t")
    rows = [line.split("\t") for line in lines]
    assert all(len(r) == len(columns) for r in rows), result.stdout
    return columns, [dict(zip(columns, r, strict=True)) for r in rows]


def screen(result: Outcome) -> list[str]:
    """The lines a terminal shows, colours aside."""
    assert result.exit_code == 0, result.stderr
    return ANSI.sub("", result.stdout).splitlines()


# Piped: one TSV line per row, whole values ----------------------------------------------------


def test_piped_recharges_and_payments_are_tsv_with_whole_ids_amounts_and_dates(
    cli: CliFn, stub: Any, tmp_path: Path
) -> None:
    rossi = tokens_family(cli, stub, tmp_path)
    created = cli("recharge", "create", "--tokens", "30", env=rossi.maria).json()
    assert cli("stub", "pay", created["payment_id"]).exit_code == 0

    columns, rows = tsv(cli("recharge", "list", env=rossi.maria, json=False))
    assert columns == ["date", "id", "member", "service", "tokens", "amount", "status"]
    assert rows == [
        {
            "date": "2026-11-16",
            "id": created["id"],
            "member": created["member"],
            "service": "mensa",
            "tokens": "30",
            "amount": "EUR 135.00",
            "status": "succeeded",
        }
    ]
    columns, rows = tsv(cli("payments", "list", env=rossi.maria, json=False))
    assert columns[:2] == ["date", "id"]
    [payment] = rows
    assert payment["id"] == created["payment_id"]
    assert payment["amount"] == "EUR 135.00"
    assert payment["date"] == "2026-11-16"


def test_piped_etelka_lists_are_tsv_and_forints_group_thousands(
    cli: CliFn, stub: Any, tmp_path: Path
) -> None:
    ids = meals_family(cli, stub, tmp_path, now=at("2026-03-02 08:00"))
    assert clerk(cli, "cash-payment", "--member", ids[LILI], "--amount", "14420").exit_code == 0

    _, balances = tsv(as_eva(cli, "balances", "list", json=False))
    by_member = {(r["member"], r["service"]): r for r in balances}
    assert by_member[(LILI, "School meals")]["balance"] == "HUF 14 420"
    assert by_member[(BENCE, "School meals")]["balance"] == "HUF 0"

    [paid] = as_eva(cli, "payments", "list").json()
    _, payments = tsv(as_eva(cli, "payments", "list", json=False))
    assert [(p["id"], p["amount"], p["date"]) for p in payments] == [
        (paid["id"], "HUF 14 420", paid["created_at"][:10])
    ]

    box = as_eva(cli, "inbox", "list").json()
    result = as_eva(cli, "inbox", "list", json=False)
    summary, *table = result.stdout.splitlines()
    assert summary == f"{box['total']} notifications, {box['unread']} unread"
    header, *lines = table
    assert header == "id\tdate\tkind\ttitle"
    assert [line.split("\t")[0] for line in lines] == [str(n["id"]) for n in box["notifications"]]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", line.split("\t")[1]) for line in lines)


def test_piped_calendar_has_a_line_per_day(cli: CliFn, stub: Any) -> None:
    march = ("portal", "calendar", "--from", "2026-03-01", "--to", "2026-03-31")
    days = cli(*march).json()
    columns, rows = tsv(cli(*march, json=False))
    assert columns == ["day", "weekday", "working", "why"]
    assert [r["day"] for r in rows] == [d["date"] for d in days]
    assert len(rows) == 31


def test_piped_tables_one_after_another_are_told_apart_and_titled_on_stderr(
    cli: CliFn, stub: Any, tmp_path: Path
) -> None:
    path = tmp_path / "families.csv"
    path.write_text(
        "child_tax_code;child_name;guardian_email;service\n"
        f"{MARIA};Maria Rossi;anna.rossi@example.it;mensa\n"
        f"{LUCA};Luca Rossi;not-an-email;mensa\n",
        encoding="utf-8",
    )
    result = cli("clerk", "enroll", str(path), env=clerk_env(), json=False)
    assert result.exit_code == 4
    counts, problems = result.stdout.split("\n\n")  # two tables, a blank line between
    assert counts.splitlines()[-3:] == ["outcome\trows", "created\t1", "invalid\t1"]
    header, row = problems.splitlines()
    assert header == "row\toutcome\tcode\tmessage"
    assert row.startswith("2\tinvalid\t")
    assert "Problems" in result.stderr and "Problems" not in result.stdout


# A narrow terminal: only free text wraps --------------------------------------------------------


def test_on_a_narrow_terminal_ids_amounts_and_dates_stay_whole(
    cli: CliFn, stub: Any, tmp_path: Path
) -> None:
    ids = meals_family(cli, stub, tmp_path, now=at("2026-03-02 08:00"))
    note = "paid at the office by the grandmother, in cash"
    paying = ("cash-payment", "--member", ids[LILI], "--amount", "14420", "--note", note)
    assert clerk(cli, *paying).exit_code == 0
    [paid] = as_eva(cli, "payments", "list").json()

    lines = screen(as_eva(cli, "payments", "list", env=NARROW, json=False))
    assert any("┃" in line for line in lines)  # a table, not TSV
    [row] = [line for line in lines if paid["id"] in line]  # the id whole, on one line
    assert "HUF 14 420" in row
    assert paid["created_at"][:10] in row
    # The free-text column ("for") wraps: its text is on several lines, cut nowhere.
    assert not any(paid["description"] in line for line in lines)
    words = " ".join(lines)
    assert all(word in words for word in paid["description"].split()), "\n".join(lines)
    assert "…" not in "".join(lines)

    lines = screen(as_eva(cli, "members", "list", env=NARROW, json=False))
    for member_id in ids.values():
        assert sum(member_id in line for line in lines) == 1


def test_the_table_builder_wraps_only_the_free_columns_of_a_narrow_console() -> None:
    columns = ["id", "day", "amount", "title"]
    title = "Gulyásleves, túrós csusza, and a long note about the menu of the week"
    rows = [
        ("ntc_0123456789abcdef", "2026-03-04", Money.of("14420", "HUF"), title),
        ("ntc_1", "2026-03-05", Money.of("141.3", "EUR"), "short"),
    ]
    buffer = io.StringIO()
    console = Console(file=buffer, width=50, color_system=None, soft_wrap=True)
    console.print(Output.make_table(columns, rows, free={"title"}))
    lines = buffer.getvalue().splitlines()
    for whole in ("ntc_0123456789abcdef", "2026-03-04", "HUF 14 420", "EUR 141.30"):
        assert sum(whole in line for line in lines) == 1, (whole, lines)
    # The title wraps at its spaces, onto the lines of its row: whole, word by word.
    pieces = [line.split("│")[-1].strip() for line in lines[2:]]
    assert len(pieces) > 2
    assert pieces[-1] == "short"
    assert " ".join(pieces[:-1]) == title
    assert "…" not in buffer.getvalue()


def test_a_free_column_must_be_one_of_the_table() -> None:
    with pytest.raises(ValueError, match="titel"):
        Output.make_table(["id", "title"], [], free={"titel"})


# No Python reprs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tenant", ["tortona", "sala-baganza", "jaszbereny", "pagoinrete", "energia"]
)
def test_portal_info_shows_lists_money_and_nested_policy_as_text(
    cli: CliFn, stub: Any, tenant: str
) -> None:
    result = cli("portal", "info", tenant=tenant, json=False)
    assert result.exit_code == 0, result.stderr
    for repr_mark in REPRS:
        assert repr_mark not in result.stdout, (repr_mark, result.stdout)
    expected = {
        "tortona": ["features           accounts, clerk, pin", "policy.token_price = EUR 4.50"],
        "sala-baganza": ["policy.psps.paydemo.fees.card = EUR 0.90", "policy.creditor.iban = IT"],
        "jaszbereny": [
            "policy.meal_prices.primary.lunch = HUF 650",
            "policy.notification_defaults.board = no",
            "policy.menus.2026-W10.mon.lunch.A = Gulyásleves, túrós csusza",
        ],
        "pagoinrete": ["policy.creditors.IC Parma Centro.fiscal_code = 92001230348"],
        "energia": ["policy.measures_max_days = 366"],
    }[tenant]
    for text in expected:
        assert text in result.stdout, (text, result.stdout)


def test_the_outbox_shows_money_and_lists_as_text(cli: CliFn, stub: Any, tmp_path: Path) -> None:
    ids = meals_family(cli, stub, tmp_path, now=at("2026-03-02 08:00"))
    assert clerk(cli, "cash-payment", "--member", ids[LILI], "--amount", "14420").exit_code == 0
    paola = pagoinrete_family(cli, stub, tmp_path)
    issued = paola.clerk(
        "issue-notice",
        "--tax-code",
        GIULIO,
        "--subject",
        "Gita a Roma",
        "--amount",
        "141.30",
        "--due",
        "2026-02-27",
    )
    assert issued.exit_code == 0, issued.stderr

    forints = cli("stub", "outbox", "--to", EVA, json=False)
    euros = cli("stub", "outbox", "--to", PAOLA_EMAIL, json=False)
    for result in (forints, euros):
        assert result.exit_code == 0, result.stderr
        for repr_mark in REPRS:
            assert repr_mark not in result.stdout, (repr_mark, result.stdout)
    assert "    amount: HUF 14 420" in forints.stdout
    assert "    amount: EUR 141.30" in euros.stdout
    assert f"    number: {issued.json()['number']}" in euros.stdout


def test_money_reads_as_people_write_it() -> None:
    assert str(Money.of("141.3", "EUR")) == "EUR 141.30"
    assert str(Money.of("1234.5", "EUR")) == "EUR 1234.50"
    assert str(Money.of("14420", "HUF")) == "HUF 14 420"
    assert str(Money.of("-1000000", "HUF")) == "HUF -1 000 000"
    assert str(Money.of("650", "HUF")) == "HUF 650"
    assert Money.of("14420", "HUF").model_dump(mode="json") == {"value": "14420", "currency": "HUF"}


# --help ---------------------------------------------------------------------------------------


def help_of(*command: str, columns: int) -> str:
    """`familycard COMMAND --help` on a terminal that wide (no portal needed)."""
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


EXAMPLES = {
    ("recharge", "create"): "familycard recharge create --tokens 10 --wait",
    ("meals", "cancel"): "familycard meals cancel 2026-03-04 2026-03-05 --dry-run",
    ("readings", "submit"): "familycard readings submit --meter 4521",
    ("notices", "pay"): "familycard notices pay 347000000000123448 --method card --psp paydemo",
    ("clerk", "enroll"): "familycard clerk enroll families.csv --dry-run",
    ("stub", "serve"): "familycard stub serve --port 0 --seed demo",
}


@pytest.mark.parametrize(
    "command",
    [(), *EXAMPLES, ("tokens", "balance"), ("meals",), ("stub", "outbox")],
    ids=lambda c: " ".join(c) or "familycard",
)
def test_help_shows_no_bool_metavar(command: tuple[str, ...]) -> None:
    shown = help_of(*command, columns=100)
    assert "--help" in shown
    assert "<bool>" not in shown


@pytest.mark.parametrize(
    ("command", "example"), EXAMPLES.items(), ids=[" ".join(c) for c in EXAMPLES]
)
def test_the_most_used_commands_show_examples_indented_and_whole(
    command: tuple[str, ...], example: str
) -> None:
    shown = help_of(*command, columns=80)
    assert "Examples" in shown
    [line] = [line for line in shown.splitlines() if line.strip() == example]
    assert line.startswith("     familycard")  # kept indented, on a line of its own


@pytest.mark.parametrize("columns", [60, 120])
def test_help_paragraphs_wrap_to_the_terminal(columns: int) -> None:
    shown = help_of("meals", "cancel", columns=columns)
    prose = shown.split("Usage:")[1].split("Examples")[0]
    paragraphs = [p.splitlines() for p in re.split(r"\n\s*\n", prose) if p.strip()][1:]
    assert paragraphs
    for lines in paragraphs:
        # Each line but a paragraph's last fills the width: no fragment left over by a
        # line break of the docstring.
        assert all(len(line.rstrip()) > columns - 20 for line in lines[:-1]), shown
