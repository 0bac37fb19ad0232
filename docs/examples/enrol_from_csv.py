"""A clerk's enrolment file through the SDK: a report per row, nothing added twice.

    FAMILYCARD_CLERK_KEY=stub-clerk-key \
        python docs/examples/enrol_from_csv.py http://127.0.0.1:8000/tortona families.csv
"""

from __future__ import annotations

import csv
import os
import sys
from collections import Counter
from pathlib import Path

from familycard import Client


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file: `,` or `;`, UTF-8 with or without BOM."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    return list(csv.DictReader(lines, delimiter=delimiter))


def main(portal_url: str, path: Path) -> Counter[str]:
    rows = read_rows(path)
    clerk_key = os.environ.get("FAMILYCARD_CLERK_KEY", "stub-clerk-key")
    with Client(portal_url, clerk_key=clerk_key) as office:
        # Rows are checked locally first (invalid ones are not sent), then sent in
        # batches; each row gets its own outcome.
        results = office.clerk.enroll_many(rows)
    for result in results:
        if result.error:
            print(f"row {result.row}: {result.status} {result.error['code']}: ", end="")
            print(result.error["message"])
    return Counter(result.status for result in results)


if __name__ == "__main__":
    print(dict(main(sys.argv[1], Path(sys.argv[2]))))
