"""Supply points on the utility portal: R5.3 and R5.8, through the CLI over HTTP."""

from __future__ import annotations

from pathlib import Path

import utility_support
from cli_support import clerk_env, write_csv
from utility_support import ANNA, BRUNO_PDR, PDR, POD, run

#: The fixtures `customers`, `anna` and `bruno` (utility_support.py).
customers, anna, bruno = utility_support.customers, utility_support.anna, utility_support.bruno


def test_r5_3_supplies_list_shows_pods_and_pdrs_with_address_and_corrector(cli, anna):
    result = run(cli, "supplies", "list", env=anna)
    assert result.exit_code == 0, result.stderr
    assert result.json() == [
        {
            "id": PDR,
            "kind": "gas",
            "address": "VIA ROMA 1 59100 PRATO (PO)",
            "has_corrector": True,
        },
        {
            "id": POD,
            "kind": "electricity",
            "address": "VIA ROMA 1 59100 PRATO (PO)",
            "has_corrector": False,
        },
    ]


def test_r5_3_a_selected_supply_point_stays_selected_for_later_commands(cli, anna):
    undecided = run(cli, "readings", "windows", env=anna)
    assert undecided.exit_code == 2
    assert undecided.error()["code"] == "supply_point_required"
    assert undecided.error()["details"]["supply_points"] == [PDR, POD]
    selected = run(cli, "supplies", "select", POD, env=anna)
    assert selected.exit_code == 0, selected.stderr
    assert selected.json()["id"] == POD
    assert run(cli, "readings", "windows", env=anna).json()["supply_point"] == POD
    assert run(cli, "supplies", "show", env=anna).json()["supply_point"]["id"] == POD
    invoices = run(cli, "invoices", "list", "--year", "2025", env=anna).json()
    assert {i["supply_point"] for i in invoices} == {POD}
    assert run(cli, "consumption", "show", "--year", "2025", env=anna).json()["supply_point"] == POD
    listed = run(cli, "supplies", "list", env=anna, json=False)
    marked = [line for line in listed.stdout.splitlines() if "*" in line]
    assert len(marked) == 1
    assert POD in marked[0]
    explicit = run(cli, "readings", "windows", "--supply", PDR, env=anna)
    assert explicit.json()["supply_point"] == PDR
    run(cli, "supplies", "select", PDR, env=anna)
    assert run(cli, "readings", "windows", env=anna).json()["supply_point"] == PDR


def test_r5_3_the_only_supply_point_needs_no_selection(cli, bruno):
    result = run(cli, "readings", "windows", env=bruno)
    assert result.exit_code == 0, result.stderr
    assert result.json()["supply_point"] == BRUNO_PDR


def test_r5_3_a_selection_belongs_to_the_customer_who_made_it(cli, anna, bruno):
    assert run(cli, "supplies", "select", POD, env=anna).exit_code == 0
    result = run(cli, "readings", "windows", env=bruno)
    assert result.exit_code == 0, result.stderr
    assert result.json()["supply_point"] == BRUNO_PDR


def test_r5_3_only_one_s_own_supply_points_can_be_selected(cli, anna, tmp_path):
    other = run(cli, "supplies", "select", BRUNO_PDR, env=anna)
    assert other.exit_code == 5
    assert other.error()["code"] == "supply_point_not_found"
    malformed = run(cli, "supplies", "select", "IT001X00000001", env=anna)
    assert malformed.exit_code == 2
    assert malformed.error()["code"] == "invalid_supply_point"
    config = tmp_path / "config.toml"
    assert not config.exists() or "supply" not in config.read_text()
    shown = run(cli, "supplies", "show", BRUNO_PDR, env=anna)
    assert shown.exit_code == 5


def test_r5_8_technical_and_contract_data_of_each_supply_point(cli, anna):
    power = run(cli, "supplies", "show", POD, env=anna)
    assert power.exit_code == 0, power.stderr
    details = power.json()
    assert details["customer_code"] == ANNA.code
    assert details["technical"]["contracted_power_kw"] in ("3.0", "4.5", "6.0")
    assert details["technical"]["voltage"]
    assert details["technical"]["unit"] == "kWh"
    assert details["contract"]["start_date"] < "2014-01-01"
    gas = run(cli, "supplies", "show", PDR, env=anna).json()
    assert gas["technical"]["meter_class"] in ("G4", "G6")
    assert gas["technical"]["corrector_serial"]
    assert gas["technical"]["contracted_power_kw"] is None
    assert gas["contract"]["payment_method"] == "SEPA direct debit"
    human = run(cli, "supplies", "show", PDR, env=anna, json=False)
    assert "Technical data" in human.stdout
    assert "Contract data" in human.stdout


def test_the_utility_area_is_refused_on_a_portal_that_lacks_it(cli, stub, tmp_path):
    child, email = "RSSMRA15C45L304I", "anna.rossi@example.it"
    rows = f"child_tax_code;child_name;guardian_email;service\n{child};Maria Rossi;{email};mensa\n"
    csv_file = write_csv(Path(tmp_path) / "families.csv", rows)
    assert cli("clerk", "enroll", str(csv_file), env=clerk_env()).exit_code == 0
    password = {"FAMILYCARD_PASSWORD": "secret-pass-1"}
    args = ("--tax-code", child, "--email", email, "--username", "anna.maria")
    assert cli("auth", "register", *args, env=password).exit_code == 0
    pin = stub.control.last_email(email, kind="pin").data["pin"]
    env = {"FAMILYCARD_USERNAME": "anna.maria", "FAMILYCARD_PIN": pin, **password}
    for command in (("supplies", "list"), ("readings", "windows"), ("invoices", "list")):
        result = cli(*command, env=env)
        assert result.exit_code == 2, command
        assert result.error()["code"] == "feature_not_supported"
        assert result.error()["details"]["feature"] == command[0]
