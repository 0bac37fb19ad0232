"""Periods the portals reason in: school years."""

from __future__ import annotations

import re
from datetime import date

from .._errors import InvalidInput

__all__ = ["school_year_bounds", "school_year_of"]

_LABEL = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")


def school_year_of(day: date) -> str:
    """The school year a day belongs to: 1 September to 31 August (`2025/2026`)."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{start + 1}"


def school_year_bounds(label: str) -> tuple[date, date]:
    """First and last day of a school year given as `2025/2026` (or `2025-26`)."""
    match = _LABEL.match(label.strip())
    if not match:
        raise InvalidInput(
            f"not a school year: {label!r} (write it as 2025/2026)", code="invalid_school_year"
        )
    start = int(match.group(1))
    end_text = match.group(2)
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    if end != start + 1:
        raise InvalidInput(
            f"a school year spans two consecutive years, not {label!r}",
            code="invalid_school_year",
        )
    return date(start, 9, 1), date(end, 8, 31)
