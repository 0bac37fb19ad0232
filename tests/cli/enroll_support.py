"""What the enrolment tests share: families by the thousand, files, and the stub's view.

The families are Tortona's (citycard) unless a test says otherwise; tax codes come from
`familycard.identifiers.sample_tax_code`, so each is valid and distinct.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import httpx

import familycard
from familycard.identifiers import sample_tax_code

CLERK_KEY = "stub-clerk-key"
TORTONA = ("child_tax_code", "child_name", "guardian_email", "service")


def family(i: int, *, service: str = "mensa") -> dict[str, str]:
    """The i-th Tortona family: a child in a service, with the parent's e-mail."""
    return {
        "child_tax_code": sample_tax_code(i),
        "child_name": f"Bambino {i}",
        "guardian_email": f"genitore.{i}@example.it",
        "service": service,
    }


def families(count: int, *, start: int = 0) -> list[dict[str, str]]:
    return [family(i) for i in range(start, start + count)]


def write_table(
    path: Path,
    rows: Iterable[Sequence[str] | dict[str, str]],
    *,
    header: Sequence[str] = TORTONA,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    """A CSV file as a clerk's spreadsheet saves it (rows as dicts or as value lists)."""
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(list(row.values()) if isinstance(row, dict) else row)
    return path


def report(path: Path) -> list[dict[str, str]]:
    """The lines of a `--report` file (UTF-8 with BOM, the input's separator)."""
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    return list(csv.DictReader(text.splitlines(), delimiter=delimiter))


def enrolments(stub: Any, tenant: str = "tortona") -> list[familycard.Enrolment]:
    """Every enrolment the portal holds, through the SDK's listing."""
    with familycard.Client(stub.portal_url(tenant), clerk_key=CLERK_KEY) as client:
        return list(client.clerk.enrolments(page_size=500))


def enrolled_count(stub: Any, tenant: str = "tortona") -> int:
    """How many enrolments the portal holds (one small request)."""
    response = httpx.get(
        f"{stub.portal_url(tenant)}/v1/clerk/enrolments",
        params={"limit": 1},
        headers={"X-Clerk-Key": CLERK_KEY},
    )
    response.raise_for_status()
    total: int = response.json()["total"]
    return total


def statuses(results: Iterable[Any]) -> dict[str, int]:
    """Outcome -> rows, from SDK results or `--json` dicts."""
    counts: dict[str, int] = {}
    for r in results:
        status = r["status"] if isinstance(r, dict) else r.status
        counts[status] = counts.get(status, 0) + 1
    return counts
