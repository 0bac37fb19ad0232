"""`familycard clerk enroll`: the files a clerk's office actually has.

CSV with `,`, `;` or a tab, UTF-8 with or without BOM, Windows-1252 and Latin-2 exports
(detected, or `--encoding`), .xlsx (first sheet or `--sheet`); header names in any case.
A file that cannot be read, or whose columns are wrong, is refused before anything is
sent (exit 2).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from cli_support import CliFn, clerk_env
from enroll_support import TORTONA, enrolled_count, enrolments, families, write_table

from familycard.identifiers import sample_vat_number

ETELKA = ("guardian_email", "child_name", "institution", "age_group")
UTILITY = (
    "customer_code",
    "tax_code_or_vat",
    "customer_name",
    "address",
    "email",
    "supply_point",
    "supply_kind",
    "has_corrector",
)


def enrol(cli: CliFn, path: Path, *args: str, tenant: str = "tortona", json: bool = True):
    return cli("clerk", "enroll", str(path), *args, tenant=tenant, env=clerk_env(), json=json)


def names(stub, tenant: str = "tortona") -> list[str]:
    return [e.data["child_name"] for e in enrolments(stub, tenant)]


@pytest.mark.parametrize(
    ("delimiter", "bom"),
    [
        pytest.param(",", False, id="comma"),
        pytest.param(";", False, id="semicolon"),
        pytest.param(";", True, id="semicolon-utf8-bom"),
        pytest.param(",", True, id="comma-utf8-bom"),
        pytest.param("\t", False, id="tab"),
    ],
)
def test_csv_separators_and_utf8_with_or_without_bom_enrol_every_row(
    cli, stub, tmp_path, delimiter, bom
):
    rows = families(3)
    rows[1]["child_name"] = "Niccolò Mattè"
    header = ["  Child_Tax_Code", "CHILD_NAME ", "Guardian_Email", " service "]
    path = write_table(
        tmp_path / "families.csv",
        rows,
        header=header,
        delimiter=delimiter,
        encoding="utf-8-sig" if bom else "utf-8",
    )
    result = enrol(cli, path)
    assert result.exit_code == 0, result.stderr
    assert [r["status"] for r in result.json()] == ["created"] * 3
    assert sorted(names(stub)) == sorted(r["child_name"] for r in rows)


def test_a_windows_1252_export_is_detected_and_its_accents_kept(cli, stub, tmp_path):
    rows = families(2)
    rows[0]["child_name"] = "Niccolò Mattè"
    rows[1]["child_name"] = "Lucà Perù"
    path = write_table(tmp_path / "export.csv", rows, delimiter=";", encoding="cp1252")
    assert "ò".encode("cp1252") in path.read_bytes()  # not UTF-8: a Windows export
    result = enrol(cli, path, json=False)
    assert result.exit_code == 0, result.stderr
    assert "export.csv: CSV, Windows-1252, separated by ';'" in result.stdout
    assert sorted(names(stub)) == ["Lucà Perù", "Niccolò Mattè"]


def test_a_mostly_utf_8_file_with_a_few_bad_bytes_is_refused_naming_the_line(cli, stub, tmp_path):
    rows = families(4)
    rows[0]["child_name"] = "Franco Bèrtola"
    rows[1]["child_name"] = "Lucia Però"
    rows[2]["child_name"] = "Gino Mattè"
    good = write_table(tmp_path / "good.csv", rows[:3], encoding="utf-8").read_bytes()
    rows[3]["child_name"] = "Caffè"
    one_bad = write_table(tmp_path / "bad.csv", rows[3:], encoding="cp1252").read_bytes()
    path = tmp_path / "mixed.csv"
    path.write_bytes(good + one_bad.split(b"\n", 1)[1])  # the cp1252 row, without its header
    result = enrol(cli, path)
    assert result.exit_code == 2
    error = result.error()
    assert error["code"] == "invalid_encoding"
    assert error["details"]["line"] == 5  # the header is line 1
    assert "--encoding" in error["message"]
    assert enrolled_count(stub) == 0  # never read silently as Windows-1252


def test_a_row_with_fields_past_the_header_or_a_huge_cell_is_invalid_not_cut(cli, stub, tmp_path):
    path = tmp_path / "extra.csv"
    rows = families(3)
    text = write_table(tmp_path / "base.csv", rows, delimiter=";").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[2] += ";stray;value"  # the second row has two fields more than the header
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = enrol(cli, path)
    assert result.exit_code == 4
    by_row = {r["row"]: r for r in result.json()}
    assert by_row[2]["status"] == "invalid"
    assert by_row[2]["error"]["code"] == "unexpected_field"
    assert [by_row[1]["status"], by_row[3]["status"]] == ["created", "created"]
    rows[0]["child_name"] = "A" * 100_000
    huge = write_table(tmp_path / "huge.csv", rows[:1])
    refused = enrol(cli, huge)
    assert refused.json()[0]["error"]["code"] == "value_too_long"
    assert len(refused.stdout) < 2_000  # the message names the field, not its value


def test_a_latin_2_export_is_detected_by_its_hungarian_letters(cli, stub, tmp_path):
    # "Petőfi Általános Iskola" is one of the portal's institutions: read as Windows-1252
    # it would be "Petõfi ..." and refused as unknown.
    rows = [
        ["kovacs.eva@example.hu", "Kovács Bence", "Petőfi Általános Iskola", "primary"],
        ["szucs.reka@example.hu", "Szűcs Réka", "Kossuth Óvoda", "kindergarten"],
    ]
    path = write_table(tmp_path / "export.csv", rows, header=ETELKA, encoding="iso-8859-2")
    assert "ő".encode("iso-8859-2") == b"\xf5"
    result = enrol(cli, path, tenant="jaszbereny", json=False)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Latin-2" in result.stdout
    assert {
        (e.data["child_name"], e.data["institution"]) for e in enrolments(stub, "jaszbereny")
    } == {
        ("Kovács Bence", "Petőfi Általános Iskola"),
        ("Szűcs Réka", "Kossuth Óvoda"),
    }


def test_encoding_option_reads_a_file_as_told(cli, stub, tmp_path):
    # A Slovak surname in a Hungarian export: its 'č' (0xE8 in Latin-2) looks like the
    # Italian 'è' of Windows-1252, so only --encoding reads it right.
    rows = [["novak.jan@example.hu", "Kovačič Ján", "Kossuth Óvoda", "kindergarten"]]
    path = write_table(tmp_path / "export.csv", rows, header=ETELKA, encoding="iso-8859-2")
    result = enrol(cli, path, "--encoding", "latin-2", tenant="jaszbereny")
    assert result.exit_code == 0, result.stderr
    assert names(stub, "jaszbereny") == ["Kovačič Ján"]


def test_a_file_in_another_encoding_than_given_is_refused_before_anything_is_sent(
    cli, stub, tmp_path
):
    rows = families(3)
    rows[2]["child_name"] = "Niccolò"
    path = write_table(tmp_path / "export.csv", rows, encoding="cp1252")
    result = enrol(cli, path, "--encoding", "utf-8")
    assert result.exit_code == 2
    error = result.error()
    assert error["code"] == "invalid_encoding"
    assert error["details"]["line"] == 4  # the header is line 1
    assert "--encoding" in error["message"]
    assert enrolled_count(stub) == 0


def test_an_unknown_encoding_name_is_refused(cli, stub, tmp_path):
    path = write_table(tmp_path / "f.csv", families(1))
    result = enrol(cli, path, "--encoding", "klingon")
    assert result.exit_code == 2
    assert result.error()["code"] == "unknown_encoding"


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_first_sheet_or_the_sheet_named(cli, stub, tmp_path):
    rows = [list(TORTONA), *(list(r.values()) for r in families(3))]
    path = workbook(tmp_path / "anno.xlsx", {"Famiglie": rows, "Note": [["appunti"]]})
    first = enrol(cli, path)
    assert first.exit_code == 0, first.stderr
    assert [r["status"] for r in first.json()] == ["created"] * 3

    other = workbook(tmp_path / "altro.xlsx", {"Note": [["appunti"]], "Famiglie 2026": rows})
    default = enrol(cli, other)
    assert default.exit_code == 2
    assert default.error()["code"] == "missing_columns"
    assert "sheet 'Note'" in default.error()["message"]
    named = enrol(cli, other, "--sheet", "famiglie 2026")
    assert named.exit_code == 0, named.stderr
    assert [r["status"] for r in named.json()] == ["exists"] * 3
    missing = enrol(cli, other, "--sheet", "Iscritti")
    assert missing.exit_code == 2
    assert missing.error()["code"] == "unknown_sheet"
    assert missing.error()["details"]["sheets"] == ["Note", "Famiglie 2026"]


def test_xlsx_cells_read_as_excel_shows_them(cli, stub, tmp_path):
    # Codes typed as numbers keep the zeros their cell format shows; TRUE is "yes".
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(UTILITY))
    vat = sample_vat_number(7)
    sheet.append(
        [2, int(vat), "PROVA S.P.A.", "VIA ROMA 1", "a@prova.it", 881234567890, "gas", True]
    )
    sheet["A2"].number_format = "000000"
    sheet["B2"].number_format = "0" * 11
    sheet["F2"].number_format = "0" * 14
    path = tmp_path / "clienti.xlsx"
    book.save(path)
    assert vat.startswith("0")
    result = enrol(cli, path, tenant="energia")
    assert result.exit_code == 0, result.stdout + result.stderr
    [enrolment] = enrolments(stub, "energia")
    assert enrolment.data["customer_code"] == "000002"
    assert enrolment.data["tax_code_or_vat"] == vat
    assert enrolment.data["supply_point"] == "00881234567890"
    assert enrolment.data["has_corrector"] == "yes"


@pytest.mark.parametrize(
    ("header", "code", "named"),
    [
        pytest.param(
            ["child_tax_code", "child_name", "service"],
            "missing_columns",
            "guardian_email",
            id="missing",
        ),
        pytest.param([*TORTONA, "notes"], "unknown_columns", "notes", id="unknown"),
        pytest.param(
            ["child_tax_code", "child_name", "guardian_emial", "service"],
            "missing_columns",
            "guardian_emial",
            id="misspelt",
        ),
        pytest.param([*TORTONA, "Service"], "duplicate_columns", "service", id="twice"),
    ],
)
def test_wrong_columns_are_refused_before_anything_is_sent(
    cli, stub, tmp_path, header, code, named
):
    rows = [[*r.values(), "x"][: len(header)] for r in families(2)]
    path = write_table(tmp_path / "f.csv", rows, header=header)
    result = enrol(cli, path)
    assert result.exit_code == 2
    assert result.error()["code"] == code
    assert named in result.error()["message"]
    assert enrolled_count(stub) == 0


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        pytest.param(
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
            "unsupported_format",
            id="xls",
        ),
        pytest.param(
            "broken.xlsx", b"PK\x03\x04 not really a workbook", "invalid_xlsx", id="broken-xlsx"
        ),
        pytest.param("empty.csv", b"", "empty_file", id="empty"),
        pytest.param("blank.csv", b"\r\n\r\n", "empty_file", id="blank-lines"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused(cli, stub, tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    result = enrol(cli, path)
    assert result.exit_code == 2
    assert result.error()["code"] == code


def test_a_missing_file_is_refused(cli, stub, tmp_path):
    result = enrol(cli, tmp_path / "nowhere.csv")
    assert result.exit_code == 2
    assert result.error()["code"] == "file_not_found"


@pytest.mark.parametrize(
    ("name", "option"),
    [
        pytest.param("f.csv", ("--sheet", "Famiglie"), id="sheet-of-a-csv"),
        pytest.param("f.xlsx", ("--encoding", "cp1252"), id="encoding-of-an-xlsx"),
    ],
)
def test_an_option_for_the_other_format_is_refused(cli, stub, tmp_path, name, option):
    path = tmp_path / name
    if name.endswith(".xlsx"):
        workbook(path, {"Famiglie": [list(TORTONA)]})
    else:
        write_table(path, families(1))
    result = enrol(cli, path, *option)
    assert result.exit_code == 2
    assert result.error()["code"] == "option_not_applicable"
