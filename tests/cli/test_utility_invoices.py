"""Invoices and documents on the utility portal: R5.4 and R5.10, through the CLI over HTTP."""

from __future__ import annotations

import utility_support
from utility_support import BRUNO_PDR, PDR, POD, run

#: The fixtures `customers`, `anna` and `bruno` (utility_support.py).
customers, anna, bruno = utility_support.customers, utility_support.anna, utility_support.bruno


def invoices(cli, env, *args):
    result = run(cli, "invoices", "list", *args, env=env)
    assert result.exit_code == 0, result.stderr
    return result.json()


# R5.4 invoices -----------------------------------------------------------------------


def test_r5_4_invoices_since_2014_newest_first(cli, anna):
    every = invoices(cli, anna, "--supply", POD)
    issued = [i["issued_on"] for i in every]
    assert issued == sorted(issued, reverse=True)
    assert issued[-1] == "2014-03-10"  # January-February 2014, the first period
    assert issued[0] == "2026-01-10"  # the last issued by 3 March 2026
    assert len(every) == 12 * 6  # six periods a year, January 2014 to December 2025
    assert {i["supply_point"] for i in every} == {POD}
    first = every[-1]
    assert (first["period_from"], first["period_to"]) == ("2014-01-01", "2014-02-28")
    assert first["amount"]["currency"] == "EUR"
    assert first["amount"]["value"].count(".") == 1
    assert len(first["amount"]["value"].split(".")[1]) == 2
    of_2014 = invoices(cli, anna, "--supply", POD, "--year", "2014")
    assert [i["issued_on"][:7] for i in of_2014] == [
        "2014-11",
        "2014-09",
        "2014-07",
        "2014-05",
        "2014-03",
    ]


def test_r5_4_years_before_2014_or_to_come_are_refused(cli, anna):
    early = run(cli, "invoices", "list", "--supply", POD, "--year", "2013", env=anna)
    assert early.exit_code == 2
    assert early.error()["code"] == "invalid_year"
    later = run(cli, "invoices", "list", "--supply", POD, "--year", "2027", env=anna)
    assert later.exit_code == 2
    assert later.error()["code"] == "invalid_year"


def test_r5_4_an_invoice_with_a_document_downloads_as_a_real_pdf(cli, anna, tmp_path):
    invoice = next(i for i in invoices(cli, anna, "--supply", PDR) if i["has_document"])
    target = tmp_path / "invoice.pdf"
    result = run(cli, "invoices", "download", invoice["id"], "-o", str(target), env=anna)
    assert result.exit_code == 0, result.stderr
    assert result.json() == {
        "invoice_id": invoice["id"],
        "file": str(target),
        "bytes": target.stat().st_size,
    }
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF-1.")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert invoice["number"].encode() in pdf
    assert invoice["amount"]["value"].encode() in pdf


def test_r5_4_an_invoice_without_a_document_says_so_and_writes_nothing(cli, anna, tmp_path):
    invoice = next(i for i in invoices(cli, anna, "--supply", PDR) if not i["has_document"])
    target = tmp_path / "invoice.pdf"
    result = run(cli, "invoices", "download", invoice["id"], "-o", str(target), env=anna)
    assert result.exit_code == 5
    assert result.error()["code"] == "invoice_document_missing"
    assert list(tmp_path.glob("invoice.pdf*")) == []


def test_r5_4_only_one_s_own_invoices(cli, anna, bruno, tmp_path):
    bruno_invoice = invoices(cli, bruno)[0]
    assert bruno_invoice["supply_point"] == BRUNO_PDR
    target = tmp_path / "invoice.pdf"
    result = run(cli, "invoices", "download", bruno_invoice["id"], "-o", str(target), env=anna)
    assert result.exit_code == 5
    assert result.error()["code"] == "invoice_not_found"
    assert not target.exists()


# R5.10 documents ---------------------------------------------------------------------


def test_r5_10_own_documents_and_general_documentation_forms_regulations_news(cli, anna, bruno):
    result = run(cli, "documents", "list", env=anna)
    assert result.exit_code == 0, result.stderr
    documents = result.json()
    assert {d["category"] for d in documents} == {"mine", "general", "forms", "regulations", "news"}
    own = [d for d in documents if d["category"] == "mine"]
    assert {d["supply_point"] for d in own} == {POD, PDR}
    assert documents[: len(own)] == own
    bruno_own = run(cli, "documents", "list", "--category", "mine", env=bruno).json()
    assert {d["supply_point"] for d in bruno_own} == {BRUNO_PDR}
    forms = run(cli, "documents", "list", "--category", "forms", env=anna).json()
    assert forms
    assert {d["category"] for d in forms} == {"forms"}
    unknown = run(cli, "documents", "list", "--category", "recipes", env=anna)
    assert unknown.exit_code == 2
    assert unknown.error()["code"] == "invalid_category"


def test_r5_10_documents_download_as_pdf_and_others_own_are_not_found(cli, anna, bruno, tmp_path):
    target = tmp_path / "contract.pdf"
    mine = run(cli, "documents", "download", f"contract-{PDR}", "-o", str(target), env=anna)
    assert mine.exit_code == 0, mine.stderr
    assert target.read_bytes().startswith(b"%PDF-1.")
    general = run(cli, "documents", "download", "forms-direct-debit", "-o", str(target), env=bruno)
    assert general.exit_code == 0, general.stderr
    theirs = tmp_path / "theirs.pdf"
    result = run(cli, "documents", "download", f"contract-{PDR}", "-o", str(theirs), env=bruno)
    assert result.exit_code == 5
    assert result.error()["code"] == "document_not_found"
    assert not theirs.exists()
