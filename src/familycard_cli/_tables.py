"""Reading a clerk's spreadsheet: CSV with `,` or `;`, UTF-8 with or without BOM."""

from __future__ import annotations

import csv
from pathlib import Path

from familycard import InvalidInput

__all__ = ["read_rows"]


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def read_rows(path: Path, *, required: list[str]) -> list[dict[str, str]]:
    """The rows of a CSV file, header names matched case-insensitively.

    Missing columns are reported before anything is sent.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"no such file: {path}", code="file_not_found") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{path} is not UTF-8 text: {exc.reason}", code="invalid_encoding"
        ) from None
    lines = text.splitlines()
    if not lines:
        raise InvalidInput(f"{path} is empty", code="empty_file")
    reader = csv.reader(lines, delimiter=_delimiter(lines[0]))
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInput(
            f"{path.name} lacks the column(s) {', '.join(missing)}; "
            f"this portal needs: {', '.join(required)}",
            code="missing_columns",
            details={"missing": missing},
        )
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        rows.append({h: v.strip() for h, v in zip(header, values, strict=False) if h})
    return rows
