"""Bad input at the CLI's boundary: exit 2 with its code, a short message, never a traceback.

Each input here once gave exit 1 ("unexpected") or took minutes and gigabytes: empty
and dot-segment ids, ids with `?` and `#`, arguments of 120 KB, bytes that are not
UTF-8, a month of year 0, an unusable portal URL, a CSV cell over 128 KiB or a line of
10 MB, UTF-16 without its byte-order mark, and an .xlsx decompression bomb.
"""

from __future__ import annotations

import codecs
import subprocess
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from cli_support import clerk_env, write_csv
from meals_support import at
from meals_support import family as meals_family
from meals_support import run as meals_run
from tokens_support import BIN, ROWS, family, process_env

from familycard_cli._tables import MAX_CELL_CHARS, MAX_LINE_BYTES, MAX_XLSX_PART_BYTES

#: A message echoes an excerpt of the bad input, never all of it.
SHORT = 600


def refused(result, code: str | None = None) -> list[str]:
    """What is wrong with a run that should exit 2 with `code` (empty when nothing is)."""
    problems = []
    if result.exit_code != 2:
        problems.append(f"exit {result.exit_code}")
    if "Traceback" in result.stderr:
        problems.append("a traceback")
    if len(result.stderr) > SHORT:
        problems.append(f"{len(result.stderr)} characters on stderr")
    if code is not None and result.exit_code == 2:
        got = result.error()["code"]
        if got != code:
            problems.append(f"code {got}")
    return problems


def check_all(cases) -> None:
    """Run every case; report all that fail at once."""
    failures = {label: p for label, (result, code) in cases.items() if (p := refused(result, code))}
    assert failures == {}


# Ids, months, arguments: a logged-in Tortona family --------------------------------------


def test_bad_ids_months_and_arguments_exit_2(cli, stub, tmp_path):
    env = family(cli, stub, tmp_path).maria
    out = str(tmp_path / "f.pdf")

    def run(*args: str):
        return cli(*args, env=env)

    cases = {
        "recharge show ''": (run("recharge", "show", ""), "invalid_id"),
        "recharge show .": (run("recharge", "show", "."), "invalid_id"),
        "recharge show ..": (run("recharge", "show", ".."), "invalid_id"),
        "recharge show rch\\n1": (run("recharge", "show", "rch\n1"), "invalid_id"),
        "recharge show x*201": (run("recharge", "show", "x" * 201), "invalid_id"),
        "recharge show 120 KB": (run("recharge", "show", "x" * 120_000), "argument_too_long"),
        "recharge show rch_\\xc3": (run("recharge", "show", "rch_\udcc3"), "invalid_argument"),
        "payments receipt ..": (run("payments", "receipt", "..", "-o", out), "invalid_id"),
        "payments receipt ''": (run("payments", "receipt", "", "-o", out), "invalid_id"),
        "tokens attendance --month 0000-01": (
            run("tokens", "attendance", "--month", "0000-01"),
            None,
        ),
        "--portal http://[::1/x": (cli("--portal", "http://[::1/x", "recharge", "list"), None),
        "an option of 120 KB": (run("recharge", "list", "--member", "M" * 120_000), None),
        "a 120 KB root option": (cli("--profile", "p" * 120_000, "recharge", "list"), None),
    }
    check_all(cases)
    # `--json` comes first: the id is the fourth argument.
    assert cases["recharge show 120 KB"][0].error()["details"] == {"position": 4}


@pytest.mark.parametrize(
    ("args", "not_found"),
    [
        pytest.param(("recharge", "show", "?a=b#c"), "recharge", id="recharge-query"),
        pytest.param(("payments", "receipt", "?a=b#c", "-o", "f"), "payment", id="receipt"),
    ],
)
def test_an_id_with_query_characters_is_looked_up_as_an_id(cli, stub, tmp_path, args, not_found):
    # Once sent unquoted: `/payments/?a=b#c/receipt` answered HTTP 307 (not_a_portal).
    env = family(cli, stub, tmp_path, now=None).maria
    result = cli(*[str(tmp_path / a) if a == "f" else a for a in args], env=env)
    assert result.exit_code == 5, result.stderr
    assert not_found in result.error()["code"]
    assert not (tmp_path / "f").exists()


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("missing/receipt.pdf", id="missing-folder"),
        pytest.param(".", id="a-folder"),
    ],
)
def test_a_receipt_into_a_path_that_cannot_be_written_exits_2(cli, stub, tmp_path, where):
    env = family(cli, stub, tmp_path).maria
    recharge = cli("recharge", "create", "--tokens", "5", env=env).json()
    assert cli("stub", "pay", recharge["payment_id"]).exit_code == 0
    result = cli(
        "payments", "receipt", recharge["payment_id"], "-o", str(tmp_path / where), env=env
    )
    assert refused(result, "file_unusable") == []


def test_members_and_meals_exit_2_on_an_empty_id_and_year_0(cli, stub, tmp_path):
    meals_family(cli, stub, tmp_path, now=at("2026-03-02 08:00:00"))
    cases = {
        "members show ''": (meals_run(cli, "members", "show", ""), "invalid_id"),
        "members show ..": (meals_run(cli, "members", "show", ".."), "invalid_id"),
        "meals calendar --month 0000-01": (
            meals_run(cli, "meals", "calendar", "--month", "0000-01"),
            None,
        ),
    }
    check_all(cases)


def test_an_argument_that_is_not_utf8_exits_2_in_a_real_process(stub, tmp_path):
    # The console script as a shell runs it: the byte 0xC3 alone is not UTF-8.
    done = subprocess.run(
        [str(BIN / "familycard"), "--json", "recharge", "show", b"rch_\xc3"],
        env=process_env(stub, {}, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert '"invalid_argument"' in done.stderr
    assert "Traceback" not in done.stderr


# Files: CSV cells and lines, UTF-16 without a BOM, an .xlsx bomb ---------------------------


def enroll(cli, path: Path, *args: str):
    return cli("clerk", "enroll", str(path), *args, env=clerk_env())


HEADER = "child_tax_code;child_name;guardian_email;service\n"


def test_a_csv_cell_over_128_kib_exits_2_cell_too_large(cli, stub, tmp_path):
    csv_file = write_csv(
        tmp_path / "cell.csv",
        HEADER + f'RSSMRA15C45L304I;"{"M" * (MAX_CELL_CHARS + 1)}";a@b.it;mensa\n',
    )
    result = enroll(cli, csv_file)
    assert refused(result, "cell_too_large") == []
    assert result.error()["details"]["line"] == 2


def test_a_csv_line_of_10_mb_exits_2_line_too_long(cli, stub, tmp_path):
    csv_file = write_csv(tmp_path / "line.csv", HEADER + "RSSMRA15C45L304I;" + "x" * 10_000_000)
    result = enroll(cli, csv_file)
    assert refused(result, "line_too_long") == []
    assert result.error()["details"]["line"] == 2


def test_a_line_just_within_the_bound_is_read(cli, stub, tmp_path):
    # Cells of up to 128 KiB on a line of up to 1 MiB are read; the row is then checked
    # (a child name that long is the rules' to refuse, row by row).
    name = "M" * (MAX_CELL_CHARS - 10)
    line = f"RSSMRA15C45L304I;{name};a@b.it;mensa\n"
    assert len(line) < MAX_LINE_BYTES
    result = enroll(cli, write_csv(tmp_path / "long.csv", HEADER + line), "--dry-run")
    assert result.exit_code in (0, 2, 4), result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr) < SHORT + len(name) // 100


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read_in_the_byte_order_its_text_shows(cli, stub, tmp_path, codec):
    path = tmp_path / "families.csv"
    path.write_bytes(ROWS.encode(codec))
    assert not path.read_bytes().startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))

    result = enroll(cli, path, "--encoding", "utf-16", "--dry-run")

    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_utf16_given_for_a_file_that_is_not_exits_2_invalid_encoding(cli, stub, tmp_path):
    path = write_csv(tmp_path / "families.csv", ROWS)  # UTF-8
    result = enroll(cli, path, "--encoding", "utf-16")
    assert refused(result, "invalid_encoding") == []


def xlsx_bomb(path: Path, unpacked: int) -> Path:
    """A valid workbook (a header and a row) whose first cell's text is `unpacked` bytes,
    written into the sheet's part a MiB at a time (it packs about 1000:1)."""
    from openpyxl import Workbook

    plain = path.with_name("plain.xlsx")
    book = Workbook()
    book.active.append(["child_tax_code", "child_name", "guardian_email", "service"])
    book.active.append(["RSSMRA15C45L304I", "Maria Rossi", "a@b.it", "mensa"])
    book.save(plain)
    block = b"A" * (1 << 20)
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as bomb:
        for part in source.infolist():
            if part.filename != sheet:
                bomb.writestr(part, source.read(part))
                continue
            before, after = source.read(part).split(b"child_tax_code", 1)
            info = zipfile.ZipInfo(sheet)
            info.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(info, "w", force_zip64=True) as f:
                f.write(before)
                for _ in range(unpacked >> 20):
                    f.write(block)
                f.write(after)
    return path


def test_an_xlsx_decompression_bomb_exits_2_before_anything_is_unpacked(cli, stub, tmp_path):
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx", MAX_XLSX_PART_BYTES + (1 << 20))
    assert bomb.stat().st_size < 1 << 20  # packed: well under a MiB

    tracemalloc.start()
    try:
        result = enroll(cli, bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert refused(result, "file_too_large") == []
    assert "AAAA" not in result.stderr  # the message never repeats the cell
    assert peak < 32 << 20  # the 65 MiB string was never held


def test_a_highly_compressed_xlsx_part_under_the_size_bound_exits_2(cli, stub, tmp_path):
    bomb = xlsx_bomb(tmp_path / "ratio.xlsx", 8 << 20)  # 8 MiB, packed ~1000:1
    result = enroll(cli, bomb)
    assert refused(result, "file_too_large") == []


# The one mapping: what bad input raises below the SDK's errors ------------------------------


def _validation_error():
    from pydantic import BaseModel

    class Body(BaseModel):
        tokens: int

    try:
        Body(tokens="x" * 10_000)
    except ValueError as exc:
        return exc
    raise AssertionError("no error")


@pytest.mark.parametrize(
    ("make", "code"),
    [
        pytest.param(
            lambda: __import__("httpx").InvalidURL("URL too long"), "invalid_url", id="url"
        ),
        pytest.param(
            lambda: UnicodeError("UTF-16 stream does not start with BOM"),
            "invalid_text",
            id="unicode",
        ),
        pytest.param(
            lambda: UnicodeEncodeError("utf-8", "x\udcc3" * 5000, 1, 2, "surrogates not allowed"),
            "invalid_text",
            id="unicode-encode",
        ),
        pytest.param(_validation_error, "invalid_value", id="pydantic"),
        pytest.param(
            lambda: FileNotFoundError(2, "No such file or directory", "/no/" + "d" * 9000),
            "file_unusable",
            id="file",
        ),
    ],
)
def test_input_errors_below_the_sdk_map_to_exit_2_with_a_short_message(make, code):
    from familycard_cli._exit import EXIT, exit_code, input_error

    error = input_error(make())
    assert error is not None
    assert error.code == code
    assert exit_code(error) == EXIT["invalid"]
    assert len(error.message) < 200


def test_a_bug_is_still_unexpected():
    from familycard_cli._exit import input_error

    assert input_error(KeyError("x")) is None
    assert input_error(OSError("no file involved")) is None
