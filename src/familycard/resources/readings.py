"""`client.readings`: meter self-readings (R5.11-R5.14).

Before sending a reading or a deletion, the SDK asks the portal for the supply
point's readings and clock, and checks them with the same rule functions the
portal enforces (`familycard.rules.readings`): a refusal it can foresee comes
back without anything sent (`error.sent` is False).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from ..models.accounts import Ack
from ..models.utility import (
    MeterReading,
    ReadingLog,
    ReadingSubmission,
    ReadingWindows,
)
from ..rules.readings import check_deletable, check_new_reading, find_reading
from ._base import Resource


class ReadingsResource(Resource):
    """Self-readings of a supply point: windows, list, submit, delete."""

    def _path(self, supply_point: str | None) -> str:
        self._client.require("readings")
        point, _ = self._client.supplies.resolve(supply_point)
        return f"/supplies/{quote(point, safe='')}/readings"

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

        Refused (before sending, where the SDK can tell) outside a window
        (`reading_outside_window`), for a second reading of a day
        (`reading_already_submitted_today`), without the corrector reading a
        meter with a volume corrector needs (`corrector_reading_required`) or
        with one it has no corrector for (`corrector_reading_not_allowed`), and
        below the last acquired reading unless `meter_replaced`
        (`reading_decreasing`).
        """
        info = self._client.require("readings")
        log = self.log(supply_point=supply_point)
        submission = ReadingSubmission(
            meter=meter,
            corrector=corrector,
            reading_date=reading_date,
            meter_replaced=meter_replaced,
        )
        check_new_reading(
            info.policy, info.timezone, log.now, log.supply_point, log.readings, submission
        )
        return self._call(
            MeterReading,
            "POST",
            self._path(log.supply_point.id),
            json=submission.model_dump(mode="json", exclude_none=True),
            idempotency_key=idempotency_key,
        )

    def delete(self, reading_date: date, *, supply_point: str | None = None) -> Ack:
        """Delete a reading while it is still to be acquired (`reading_already_acquired` after)."""
        log = self.log(supply_point=supply_point)
        check_deletable(find_reading(log.readings, reading_date), log.now)
        path = self._path(log.supply_point.id)
        return self._call(Ack, "DELETE", f"{path}/{reading_date.isoformat()}")

    def list(self, *, supply_point: str | None = None) -> list[MeterReading]:
        """The supply point's readings, newest first, each `pending` or `acquired`."""
        return self.log(supply_point=supply_point).readings
