"""A school year's file through the SDK, streamed: a report line per row as results come.

    FAMILYCARD_CLERK_KEY=stub-clerk-key python docs/examples/enrol_school_year.py \
        http://127.0.0.1:8000/tortona families.csv report.csv
"""

from __future__ import annotations

import csv
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from familycard import Client


def numbered_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, row) of a CSV file with `,` or `;`, read one row at a time."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        header = f.readline()
        delimiter = ";" if header.count(";") > header.count(",") else ","
        f.seek(0)
        yield from enumerate(csv.DictReader(f, delimiter=delimiter), start=1)


def main(portal_url: str, path: Path, report: Path) -> Counter[str]:
    clerk_key = os.environ.get("FAMILYCARD_CLERK_KEY", "stub-clerk-key")
    counts: Counter[str] = Counter()
    with Client(portal_url, clerk_key=clerk_key) as office, report.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["row", "outcome", "code", "message"])
        # Rows are checked locally, sent in batches of 500, 4 requests at a time;
        # results come in the order of the rows, while the file is still being read.
        for result in office.clerk.enroll_stream(numbered_rows(path)):
            counts[result.status] += 1
            error = result.error or {}
            writer.writerow([result.row, result.status, error.get("code"), error.get("message")])
    return counts


if __name__ == "__main__":
    print(dict(main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))))
