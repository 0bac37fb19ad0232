"""The utility customer area: supply points, meter self-readings, invoices, consumption.

Rules: R5.3-R5.4 and R5.7-R5.14 of DOMAIN.md.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ._base import Money, RequestModel, WireModel

__all__ = [
    "Consumption",
    "ContractData",
    "Document",
    "DocumentCategory",
    "Invoice",
    "Measure",
    "Measures",
    "MeterReading",
    "MonthlyConsumption",
    "ReadingLog",
    "ReadingStatus",
    "ReadingSubmission",
    "ReadingWindow",
    "ReadingWindows",
    "SupplyDetails",
    "SupplyKind",
    "SupplyPoint",
    "TechnicalData",
    "TimeBand",
]

SupplyKind = Literal["electricity", "gas"]
ReadingStatus = Literal["pending", "acquired"]
DocumentCategory = Literal["mine", "general", "forms", "regulations", "news"]
TimeBand = Literal["F1", "F2", "F3"]


# Supply points (R5.3, R5.8) -------------------------------------------------------


class SupplyPoint(WireModel):
    """One supply point of the customer (punto di fornitura)."""

    id: str
    """The POD (electricity, `IT001E12345678`) or the PDR (gas, 14 digits)."""
    kind: SupplyKind
    """`electricity` or `gas`."""
    address: str
    """Where the supply is."""
    has_corrector: bool = False
    """Whether the gas meter has a volume corrector (its reading is then required, R5.12)."""


class TechnicalData(WireModel):
    """Technical data of a supply point, read-only (R5.8)."""

    meter_serial: str
    """The meter's serial number."""
    distributor: str
    """The distribution company that owns the meter."""
    remote_reading: bool
    """Whether the distributor reads the meter remotely (smart meter)."""
    contracted_power_kw: Decimal | None = None
    """Electricity: the contracted power in kW."""
    available_power_kw: Decimal | None = None
    """Electricity: the power available before the meter trips (contracted + 10%)."""
    voltage: str | None = None
    """Electricity: the supply voltage and phases."""
    meter_class: str | None = None
    """Gas: the meter's class (G4, G6)."""
    corrector_serial: str | None = None
    """Gas: the volume corrector's serial number, where there is one."""
    annual_consumption: Decimal
    """The yearly consumption the distributor estimates, in `unit`."""
    unit: Literal["kWh", "Smc"]
    """kWh for electricity, standard cubic metres for gas."""


class ContractData(WireModel):
    """Contract data of a supply point, read-only (R5.8)."""

    contract_code: str
    """The contract's code."""
    offer: str
    """The commercial offer."""
    use: str
    """The use the tariff is for (domestic resident, ...)."""
    market: str
    """The market the contract is on."""
    start_date: dt.date
    """When the supply started."""
    billing: str
    """How often invoices come."""
    payment_method: str
    """How invoices are paid."""


class SupplyDetails(WireModel):
    """A supply point with its technical and contract data (`supplies show`)."""

    supply_point: SupplyPoint
    """The supply point."""
    customer_code: str
    """The customer it belongs to."""
    customer_name: str
    """The customer's name as the company keeps it."""
    technical: TechnicalData
    """Technical data, read-only."""
    contract: ContractData
    """Contract data, read-only."""


# Self-readings (R5.11-R5.14) ------------------------------------------------------


class ReadingWindow(WireModel):
    """A published period in which self-readings are accepted (R5.11)."""

    opens_at: dt.datetime
    """From this instant (tenant-local offset)."""
    closes_at: dt.datetime
    """Up to the end of this minute (tenant-local offset)."""


class ReadingWindows(WireModel):
    """The self-reading windows around the portal's current time."""

    supply_point: str
    """The supply point asked about."""
    now: dt.datetime
    """The portal's clock when it answered."""
    open: ReadingWindow | None = None
    """The window open now, if any."""
    next: ReadingWindow
    """The next window to open."""


class ReadingSubmission(RequestModel):
    """A self-reading to add (R5.12)."""

    meter: int
    """The meter reading, its whole digits."""
    corrector: int | None = None
    """The volume corrector reading: required when the gas meter has one, refused otherwise."""
    reading_date: dt.date | None = None
    """The day the meter was read (tenant-local); today when absent."""
    meter_replaced: bool = False
    """The meter was replaced: a reading lower than the last acquired one is then accepted."""


class MeterReading(WireModel):
    """One self-reading in the list (autolettura)."""

    supply_point: str
    """The supply point it was read on."""
    reading_date: dt.date
    """The day of the reading (tenant-local); one per day per supply point (R5.13)."""
    meter: int
    """The meter reading."""
    corrector: int | None = None
    """The volume corrector reading, where the meter has one."""
    meter_replaced: bool = False
    """Sent as the first reading of a replaced meter."""
    status: ReadingStatus
    """`pending` ("to be acquired") until the acquisition job takes it, then `acquired`."""
    submitted_at: dt.datetime
    """When it was sent, in the portal clock."""
    acquired_at: dt.datetime
    """When the acquisition job takes (or took) it: the next 30-minute mark after sending."""
    deletable: bool
    """Whether it can still be deleted: only while pending (R5.14)."""


class ReadingLog(WireModel):
    """The self-readings of a supply point, newest first, as the portal sees them now."""

    supply_point: SupplyPoint
    """The supply point."""
    now: dt.datetime
    """The portal's clock when it answered."""
    readings: list[MeterReading]
    """The readings, newest first."""


# Invoices and documents (R5.4, R5.10) ---------------------------------------------


class Invoice(WireModel):
    """One invoice (fattura); the portal lists them since 2014 (R5.4)."""

    id: str
    """The invoice's id, for `invoices download`."""
    number: str
    """The invoice number as printed."""
    supply_point: str
    """The supply point it bills."""
    kind: SupplyKind
    """Electricity or gas."""
    issued_on: dt.date
    """The document date."""
    period_from: dt.date
    """First day billed."""
    period_to: dt.date
    """Last day billed."""
    consumption: Decimal
    """What was billed, in `unit`."""
    unit: Literal["kWh", "Smc"]
    """kWh for electricity, standard cubic metres for gas."""
    amount: Money
    """The total, VAT included."""
    due_on: dt.date
    """When it is debited."""
    paid: bool
    """Whether it has been paid."""
    has_document: bool
    """Whether the PDF can be downloaded (only some invoices have one)."""


class Document(WireModel):
    """A document on the portal (R5.10): the customer's own, or general documentation."""

    id: str
    """The document's id, for `documents download`."""
    category: DocumentCategory
    """`mine` (the customer's own), `general`, `forms`, `regulations` or `news`."""
    title: str
    """The title."""
    published_on: dt.date
    """When it was published."""
    supply_point: str | None = None
    """The supply point a customer document is about."""


# Consumption and measures (R5.7, R5.9) --------------------------------------------


class MonthlyConsumption(WireModel):
    """Billed withdrawals of one month."""

    month: str
    """The month, `YYYY-MM`."""
    energy: Decimal
    """Energy (kWh) or gas (Smc) billed for the month."""
    peak_power_kw: Decimal | None = None
    """Electricity: the highest power drawn in the month, in kW."""


class Consumption(WireModel):
    """Billed withdrawals of a supply point in one year, per month (R5.7)."""

    supply_point: str
    """The supply point."""
    kind: SupplyKind
    """Electricity or gas."""
    year: int
    """The year."""
    unit: Literal["kWh", "Smc"]
    """The unit of `energy`."""
    months: list[MonthlyConsumption]
    """The billed months, January first; months not billed yet are absent."""
    total: Decimal
    """The sum of the months."""


class Measure(WireModel):
    """One hour of an electricity meter's measures."""

    start: dt.datetime
    """The hour's first instant (tenant-local offset)."""
    energy_kwh: Decimal
    """Energy drawn in the hour, kWh to three decimals."""
    band: TimeBand
    """The time band: F1 weekday daytime, F2 shoulder, F3 night, Sunday and holidays."""


class Measures(WireModel):
    """Hourly electricity measures in an interval of days (R5.9)."""

    supply_point: str
    """The electricity supply point (POD)."""
    since: dt.date
    """First day asked for."""
    until: dt.date
    """Last day asked for (measures exist up to yesterday)."""
    measures: list[Measure]
    """The hours, oldest first."""
    total_kwh: Decimal
    """The sum of the hours."""
