"""`client.readings`: meter self-readings (R5.11-R5.14).

The SDK checks the reading's form before sending (`ReadingSubmission`); the rules on
the state (windows, one reading a day, decreasing readings, acquired readings) are the
portal's, refused in the same transaction as the write (`familycard.rules.readings`).
"""

from __future__ import annotations

from datetime import date

from ..models.accounts import Ack
from ..models.utility import (
    MeterReading,
    ReadingLog,
    ReadingSubmission,
    ReadingWindows,
)
from ..rules.readings import check_reading_range
from ._base import Resource, segment


class ReadingsResource(Resource):
    """Self-readings of a supply point: windows, list, submit, delete."""

    def _path(self, supply_point: str | None) -> str:
        self._client.require("readings")
        point, _ = self._client.supplies.resolve(supply_point)
        return f"/supplies/{segment(point, 'supply point')}/readings"

    def log(self, *, supply_point: str | None = None) -> ReadingLog:
        """The readings with the supply point and the portal's clock, newest first."""
        return self._call(ReadingLog, "GET", self._path(supply_point))

    def windows(self, *, supply_point: str | None = None) -> ReadingWindows:
        """The open self-reading window, if any, and the next one (R5.11)."""
        return self._call(ReadingWindows, "GET", self._path(supply_point) + "/windows")

    def submit(
        self,
        meter: int,
        *,
        corrector: int | None = None,
        supply_point: str | None = None,
        reading_date: date | None = None,
        meter_replaced: bool = False,
        idempotency_key: str | None = None,
    ) -> MeterReading:
        """Add a self-reading; it is `pending` until the portal acquires it.

        A malformed reading is refused before sending.  The portal refuses, in the same
        transaction as the reading: outside a window (`reading_outside_window`), a
        second reading of a day (`reading_already_submitted_today`), a meter with a
        volume corrector without its reading (`corrector_reading_required`) or one
        without a corrector with one (`corrector_reading_not_allowed`), and a reading
        below the last acquired one unless `meter_replaced` (`reading_decreasing`).
        """
        check_reading_range(meter, corrector)
        submission = ReadingSubmission(
            meter=meter,
            corrector=corrector,
            reading_date=reading_date,
            meter_replaced=meter_replaced,
        )
        return self._call(
            MeterReading,
            "POST",
            self._path(supply_point),
            json=submission.model_dump(mode="json", exclude_none=True),
            idempotency_key=idempotency_key,
        )

    def delete(self, reading_date: date, *, supply_point: str | None = None) -> Ack:
        """Delete a reading while it is still to be acquired (R5.14).

        The portal refuses an acquired one (`reading_already_acquired`); a reading
        deleted before answers `status` `already_deleted`.
        """
        path = self._path(supply_point)
        return self._call(Ack, "DELETE", f"{path}/{reading_date.isoformat()}")

    def list(self, *, supply_point: str | None = None) -> list[MeterReading]:
        """The supply point's readings, newest first, each `pending` or `acquired`."""
        return self.log(supply_point=supply_point).readings
