"""Meter self-readings (R5.11-R5.14): windows, adding, acquisition, deletion.

The acquisition job is not a thread: a reading's status is derived from the stub
clock and the acquisition mark stored with it (`familycard.rules.readings`), so
advancing the clock by 30 minutes acquires it.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from zoneinfo import ZoneInfo

from familycard import Ack
from familycard.models.utility import (
    MeterReading,
    ReadingLog,
    ReadingSubmission,
    ReadingWindows,
)
from familycard.rules.readings import (
    DEFAULT_ACQUISITION_MINUTES,
    acquisition_time,
    check_deletable,
    check_new_reading,
    find_reading,
    reading_status,
    reading_windows,
)

from ..state import Portal, iso
from .utility import Supply, supply

__all__ = ["delete", "log", "submit", "windows"]


def _model(portal: Portal, row: sqlite3.Row, now: datetime) -> MeterReading:
    zone = ZoneInfo(portal.tenant.timezone)
    acquired_at = datetime.fromisoformat(row["acquired_at"]).astimezone(zone)
    status = reading_status(acquired_at, now)
    return MeterReading(
        supply_point=row["supply_point"],
        reading_date=date.fromisoformat(row["reading_date"]),
        meter=row["meter"],
        corrector=row["corrector"],
        meter_replaced=bool(row["meter_replaced"]),
        status=status,
        submitted_at=datetime.fromisoformat(row["submitted_at"]).astimezone(zone),
        acquired_at=acquired_at,
        deletable=status == "pending",
    )


def _readings(portal: Portal, s: Supply, now: datetime) -> list[MeterReading]:
    rows = portal.store.all(
        "SELECT * FROM readings WHERE tenant = ? AND customer_code = ? AND supply_point = ? "
        "ORDER BY reading_date DESC, submitted_at DESC",
        (portal.tenant.slug, s.customer_code, s.id),
    )
    return [_model(portal, row, now) for row in rows]


def _now(portal: Portal) -> datetime:
    return portal.now().astimezone(ZoneInfo(portal.tenant.timezone))


def log(portal: Portal, account: sqlite3.Row, point: str | None) -> ReadingLog:
    """A supply point's self-readings, newest first, with their status now."""
    portal.require("readings")
    s = supply(portal, account, point)
    now = _now(portal)
    return ReadingLog(supply_point=s.point, now=now, readings=_readings(portal, s, now))


def windows(portal: Portal, account: sqlite3.Row, point: str | None) -> ReadingWindows:
    """The open self-reading window, if any, and the next one (R5.11)."""
    portal.require("readings")
    s = supply(portal, account, point)
    now = _now(portal)
    open_window, next_window = reading_windows(portal.tenant.policy, portal.tenant.timezone, now)
    return ReadingWindows(supply_point=s.id, now=now, open=open_window, next=next_window)


def submit(
    portal: Portal, account: sqlite3.Row, point: str | None, body: ReadingSubmission
) -> MeterReading:
    """Add a self-reading: it is `pending` until the next acquisition mark (R5.11-R5.13)."""
    portal.require("readings")
    s = supply(portal, account, point)
    now = _now(portal)
    policy = portal.tenant.policy
    reading_date = check_new_reading(
        policy, portal.tenant.timezone, now, s.point, _readings(portal, s, now), body
    )
    every = int(policy.get("reading_acquisition_minutes", DEFAULT_ACQUISITION_MINUTES))
    row_id = portal.store.insert(
        "readings",
        {
            "tenant": portal.tenant.slug,
            "customer_code": s.customer_code,
            "supply_point": s.id,
            "reading_date": reading_date.isoformat(),
            "meter": body.meter,
            "corrector": body.corrector,
            "meter_replaced": int(body.meter_replaced),
            "submitted_at": iso(portal.now()),
            "acquired_at": iso(acquisition_time(portal.now(), every)),
        },
    )
    portal.store.execute(
        "DELETE FROM deleted_readings WHERE tenant = ? AND customer_code = ? "
        "AND supply_point = ? AND reading_date = ?",
        (portal.tenant.slug, s.customer_code, s.id, reading_date.isoformat()),
    )
    row = portal.store.one("SELECT * FROM readings WHERE id = ?", (row_id,))
    assert row is not None
    return _model(portal, row, now)


def delete(portal: Portal, account: sqlite3.Row, point: str | None, day: date) -> Ack:
    """Delete a reading that is not acquired yet (R5.14)."""
    portal.require("readings")
    s = supply(portal, account, point)
    now = _now(portal)
    key = (portal.tenant.slug, s.customer_code, s.id, day.isoformat())
    readings = _readings(portal, s, now)
    if not any(r.reading_date == day for r in readings) and portal.store.one(
        "SELECT 1 FROM deleted_readings WHERE tenant = ? AND customer_code = ? "
        "AND supply_point = ? AND reading_date = ?",
        key,
    ):
        return Ack(
            message=f"the reading of {day} for {s.id} was deleted already",
            status="already_deleted",
        )
    check_deletable(find_reading(readings, day), now)
    portal.store.execute(
        "DELETE FROM readings WHERE tenant = ? AND customer_code = ? AND supply_point = ? "
        "AND reading_date = ?",
        key,
    )
    portal.store.execute(
        "INSERT OR REPLACE INTO deleted_readings "
        "(tenant, customer_code, supply_point, reading_date, deleted_at) VALUES (?, ?, ?, ?, ?)",
        (*key, iso(portal.now())),
    )
    return Ack(message=f"the reading of {day} for {s.id} was deleted", status="deleted")
