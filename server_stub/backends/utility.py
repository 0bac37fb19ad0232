"""The utility customer area: supply points, invoices, documents, consumption, measures.

Rules: R5.3-R5.4, R5.7-R5.10.  Supply points are the clerk's enrolment rows of the
customer (`customer_code`).  Everything else a real supplier would hold in its
billing system is derived on the fly from the supply point, deterministically (a
hash of the supply point seeds every number), so that it needs no table and is the
same on every run:

- technical and contract data (R5.8): meter serial, power, voltage, meter class,
  offer, contract start (2009-2013, so that every customer has invoices since 2014);
- consumption (R5.7): a monthly figure with the season's shape (gas peaks in
  winter), and for electricity the month's peak power;
- invoices (R5.4): one every two months since January 2014, issued on the 10th of
  the month after the period; the amount is the period's consumption at a fixed
  rate plus a fixed monthly fee, VAT included; about one in six has no PDF;
- measures (R5.9): hourly electricity figures up to yesterday, with their time band;
- documents (R5.10): the general ones below, and per supply point its contract and
  technical sheet.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import random
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from familycard import Money, NotFound
from familycard.models.utility import (
    Consumption,
    ContractData,
    Document,
    DocumentCategory,
    Invoice,
    Measure,
    Measures,
    MonthlyConsumption,
    SupplyDetails,
    SupplyKind,
    SupplyPoint,
    TechnicalData,
)
from familycard.rules.utility import (
    check_invoice_year,
    check_measures_interval,
    check_measures_supported,
    resolve_supply_point,
    time_band,
)

from ..pdf import render_pdf
from ..state import Portal

__all__ = [
    "consumption",
    "document_pdf",
    "documents",
    "find_invoice",
    "invoice_pdf",
    "invoices",
    "measures",
    "supply",
    "supply_details",
    "supply_points",
    "today",
]

#: The first month billed for every supply point.
FIRST_BILLED = date(2014, 1, 1)
#: Months per invoice (bimonthly billing).
BILLING_MONTHS = 2
#: Rates and fees of the derived invoices, VAT excluded.
_RATE = {"electricity": Decimal("0.2450"), "gas": Decimal("1.1200")}
_MONTHLY_FEE = {"electricity": Decimal("9.80"), "gas": Decimal("7.50")}
_VAT = Decimal("1.10")
#: The season's shape per month, per mille of a typical month (electricity) or of the year (gas).
_ELECTRICITY_SEASON = (1150, 1050, 1000, 900, 850, 950, 1200, 1250, 950, 900, 1000, 1150)
_GAS_SEASON = (200, 170, 120, 70, 30, 20, 15, 15, 25, 60, 120, 155)
#: The hours of a day, per mille of the day's electricity.
_DAY_SHAPE = (
    25, 20, 18, 17, 17, 20, 30, 45, 50, 45, 40, 40,
    48, 45, 38, 36, 40, 52, 65, 72, 70, 62, 48, 57,
)  # fmt: skip

#: General documentation, forms, regulations and news (R5.10): id, category, title, date.
GENERAL_DOCUMENTS: tuple[tuple[str, DocumentCategory, str, date], ...] = (
    ("general-service-charter", "general", "Service charter", date(2023, 1, 16)),
    ("general-reading-guide", "general", "Reading a meter and its corrector", date(2022, 9, 1)),
    ("forms-direct-debit", "forms", "SEPA direct debit mandate", date(2021, 3, 1)),
    ("forms-contract-transfer", "forms", "Change of contract holder", date(2021, 3, 1)),
    ("regulations-self-readings", "regulations", "ARERA rules on self-readings", date(2020, 1, 1)),
    ("regulations-privacy", "regulations", "Privacy notice", date(2018, 5, 25)),
    ("news-reading-windows", "news", "Self-readings from day 1 to day 7", date(2024, 1, 2)),
)


# Deterministic numbers -----------------------------------------------------------


def _rng(*parts: object) -> random.Random:
    """A random generator seeded by its parts: the same numbers on every run."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def today(portal: Portal) -> date:
    """The portal's date in its timezone."""
    return portal.now().astimezone(ZoneInfo(portal.tenant.timezone)).date()


#: What a supply point's identifier is called.
_LABEL: dict[str, str] = {"electricity": "POD", "gas": "PDR"}


def _unit(kind: SupplyKind) -> Literal["kWh", "Smc"]:
    return "kWh" if kind == "electricity" else "Smc"


def _months(first: date, count: int) -> list[tuple[int, int]]:
    index = first.year * 12 + first.month - 1
    return [((index + i) // 12, (index + i) % 12 + 1) for i in range(count)]


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# Supply points (R5.3, R5.8) ------------------------------------------------------


@dataclass(frozen=True)
class Supply:
    """A supply point of the logged-in customer, with the enrolment data behind it."""

    point: SupplyPoint
    customer_code: str
    customer_name: str

    @property
    def id(self) -> str:
        return self.point.id

    @property
    def kind(self) -> SupplyKind:
        return self.point.kind


def _supplies(portal: Portal, account: sqlite3.Row) -> dict[str, Supply]:
    rows = portal.store.all(
        "SELECT data FROM enrolments WHERE tenant = ? AND customer_code = ? ORDER BY id",
        (portal.tenant.slug, account["customer_code"]),
    )
    found: dict[str, Supply] = {}
    for row in rows:
        data = json.loads(row["data"])
        point = SupplyPoint(
            id=data["supply_point"],
            kind=data["supply_kind"],
            address=data["address"],
            has_corrector=data.get("has_corrector") == "yes",
        )
        found.setdefault(point.id, Supply(point, data["customer_code"], data["customer_name"]))
    return dict(sorted(found.items()))


def supply_points(portal: Portal, account: sqlite3.Row) -> list[SupplyPoint]:
    """The customer's supply points (R5.3)."""
    portal.require("supplies")
    return [s.point for s in _supplies(portal, account).values()]


def supply(portal: Portal, account: sqlite3.Row, point: str | None) -> Supply:
    """One of the customer's supply points: the one asked for, or the only one (R5.3)."""
    supplies = _supplies(portal, account)
    return supplies[resolve_supply_point(list(supplies), point)]


def _technical(s: Supply) -> TechnicalData:
    rng = _rng(s.id, "technical")
    serial = f"{'E' if s.kind == 'electricity' else 'G'}{rng.randint(10**7, 10**8 - 1)}"
    if s.kind == "electricity":
        power = rng.choice((Decimal("3.0"), Decimal("4.5"), Decimal("6.0")))
        return TechnicalData(
            meter_serial=serial,
            distributor="Rete Elettrica Toscana S.p.A.",
            remote_reading=True,
            contracted_power_kw=power,
            available_power_kw=(power * Decimal("1.1")).quantize(Decimal("0.01")),
            voltage="400 V three-phase" if power > Decimal("4.5") else "230 V single-phase",
            annual_consumption=sum(_base_months(s), Decimal(0)),
            unit=_unit(s.kind),
        )
    return TechnicalData(
        meter_serial=serial,
        distributor="Gas Prato Distribuzione S.r.l.",
        remote_reading=False,
        meter_class=rng.choice(("G4", "G6")),
        corrector_serial=f"VC{rng.randint(10**6, 10**7 - 1)}" if s.point.has_corrector else None,
        annual_consumption=sum(_base_months(s), Decimal(0)),
        unit=_unit(s.kind),
    )


def _contract_start(s: Supply) -> date:
    rng = _rng(s.id, "contract")
    return date(rng.randint(2009, 2013), rng.randint(1, 12), rng.randint(1, 28))


def _contract(s: Supply) -> ContractData:
    electricity = s.kind == "electricity"
    return ContractData(
        contract_code=f"CTR-{s.id[-8:]}",
        offer="Casa Luce Fissa" if electricity else "Casa Gas Fissa",
        use="domestic, resident" if electricity else "domestic: heating and cooking",
        market="free market",
        start_date=_contract_start(s),
        billing="every two months",
        payment_method="SEPA direct debit",
    )


def supply_details(portal: Portal, account: sqlite3.Row, point: str) -> SupplyDetails:
    """A supply point with its technical and contract data, read-only (R5.8)."""
    portal.require("supplies")
    s = supply(portal, account, point)
    return SupplyDetails(
        supply_point=s.point,
        customer_code=s.customer_code,
        customer_name=s.customer_name,
        technical=_technical(s),
        contract=_contract(s),
    )


# Consumption (R5.7) --------------------------------------------------------------


def _base_months(s: Supply) -> list[Decimal]:
    """A typical year of the supply point, month by month, without noise."""
    rng = _rng(s.id, "base")
    if s.kind == "electricity":
        typical = rng.randint(170, 320)
        return [Decimal(typical * f // 1000) for f in _ELECTRICITY_SEASON]
    yearly = rng.randint(800, 1400)
    return [Decimal(yearly * f // 1000) for f in _GAS_SEASON]


def _month_energy(s: Supply, year: int, month: int) -> Decimal:
    noise = _rng(s.id, year, month).randint(900, 1100)
    return (_base_months(s)[month - 1] * noise / 1000).quantize(Decimal(1))


def _peak_power(s: Supply, year: int, month: int) -> Decimal | None:
    if s.kind != "electricity":
        return None
    power = _technical(s).contracted_power_kw
    assert power is not None
    share = _rng(s.id, year, month, "peak").randint(55, 95)
    return (power * share / 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class _Period:
    """One billing period and its invoice."""

    first: date
    last: date
    issued_on: date

    @property
    def months(self) -> list[tuple[int, int]]:
        return _months(self.first, BILLING_MONTHS)


def _periods(until: date) -> list[_Period]:
    """The billing periods whose invoice is issued on or before `until`, oldest first."""
    periods: list[_Period] = []
    first = FIRST_BILLED
    while True:
        end_year, end_month = _months(first, BILLING_MONTHS)[-1]
        after_year, after_month = _months(first, BILLING_MONTHS + 1)[-1]
        issued = date(after_year, after_month, 10)
        if issued > until:
            return periods
        periods.append(_Period(first, _last_day(end_year, end_month), issued))
        first = date(after_year, after_month, 1)


def consumption(
    portal: Portal, account: sqlite3.Row, point: str | None, year: int | None
) -> Consumption:
    """Billed withdrawals of a year, per month: energy, and power for electricity (R5.7)."""
    portal.require("consumption")
    now = today(portal)
    check_invoice_year(year, portal.tenant.policy, today=now)
    year = year or now.year
    s = supply(portal, account, point)
    billed = {m for p in _periods(now) for m in p.months if m[0] == year}
    months = [
        MonthlyConsumption(
            month=f"{y}-{m:02d}",
            energy=_month_energy(s, y, m),
            peak_power_kw=_peak_power(s, y, m),
        )
        for y, m in sorted(billed)
    ]
    return Consumption(
        supply_point=s.id,
        kind=s.kind,
        year=year,
        unit=_unit(s.kind),
        months=months,
        total=sum((m.energy for m in months), Decimal(0)),
    )


# Invoices (R5.4) -----------------------------------------------------------------


def _invoice(s: Supply, period: _Period, now: date) -> Invoice:
    energy = sum((_month_energy(s, y, m) for y, m in period.months), Decimal(0))
    net = energy * _RATE[s.kind] + _MONTHLY_FEE[s.kind] * BILLING_MONTHS
    tag = hashlib.sha256(s.id.encode()).hexdigest()[:6].upper()
    rng = _rng(s.id, period.first, "invoice")
    due = period.issued_on + timedelta(days=20)
    return Invoice(
        id=f"F{period.issued_on:%Y%m}{tag}",
        number=f"{period.issued_on.year}/{s.kind[0].upper()}{rng.randint(1, 999_999):06d}",
        supply_point=s.id,
        kind=s.kind,
        issued_on=period.issued_on,
        period_from=period.first,
        period_to=period.last,
        consumption=energy,
        unit=_unit(s.kind),
        amount=Money.of(net * _VAT, "EUR"),
        due_on=due,
        paid=now >= due,
        has_document=rng.randint(1, 6) != 1,
    )


def invoices(
    portal: Portal, account: sqlite3.Row, point: str | None, year: int | None
) -> list[Invoice]:
    """A supply point's invoices since 2014, newest first; of one year (issued) if given."""
    portal.require("invoices")
    now = today(portal)
    check_invoice_year(year, portal.tenant.policy, today=now)
    s = supply(portal, account, point)
    found = [_invoice(s, p, now) for p in _periods(now) if year is None or p.issued_on.year == year]
    return found[::-1]


def find_invoice(portal: Portal, account: sqlite3.Row, invoice_id: str) -> Invoice:
    """One of the customer's invoices, whichever supply point it bills."""
    portal.require("invoices")
    now = today(portal)
    for s in _supplies(portal, account).values():
        for period in _periods(now):
            invoice = _invoice(s, period, now)
            if invoice.id == invoice_id:
                return invoice
    raise NotFound(f"no invoice {invoice_id} for this customer", code="invoice_not_found")


def invoice_pdf(portal: Portal, account: sqlite3.Row, invoice: Invoice) -> bytes:
    """The PDF of an invoice that has one; `invoice_document_missing` otherwise."""
    if not invoice.has_document:
        raise NotFound(
            f"invoice {invoice.number} has no PDF on the portal; ask the company for a copy",
            code="invoice_document_missing",
            details={"invoice": invoice.id},
        )
    s = _supplies(portal, account)[invoice.supply_point]
    return render_pdf(
        f"{portal.tenant.name} — invoice {invoice.number}",
        [
            f"Customer: {s.customer_name} (customer code {s.customer_code})",
            f"Supply: {invoice.kind}, {_LABEL[invoice.kind]} {invoice.supply_point}",
            f"Address: {s.point.address}",
            f"Date: {invoice.issued_on:%d/%m/%Y}",
            f"Period: {invoice.period_from:%d/%m/%Y} - {invoice.period_to:%d/%m/%Y}",
            f"Consumption: {invoice.consumption} {invoice.unit}",
            f"Total, VAT included: {invoice.amount}",
            f"Due: {invoice.due_on:%d/%m/%Y} by SEPA direct debit",
        ],
    )


# Measures (R5.9) -----------------------------------------------------------------


def measures(
    portal: Portal, account: sqlite3.Row, point: str | None, since: date, until: date
) -> Measures:
    """Hourly electricity measures from `since` to `until`, up to yesterday (R5.9)."""
    portal.require("measures")
    check_measures_interval(since, until, portal.tenant.policy)
    s = supply(portal, account, point)
    check_measures_supported(s.kind)
    zone = ZoneInfo(portal.tenant.timezone)
    first = max(since, FIRST_BILLED)
    stop = min(until + timedelta(days=1), today(portal))
    hours: list[Measure] = []
    day = first
    while day < stop:
        start = datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        daily = _month_energy(s, day.year, day.month) / days_in_month
        rng = _rng(s.id, day, "hours")
        instant = start
        while instant < end:
            local = instant.astimezone(zone)
            share = _DAY_SHAPE[local.hour] * rng.randint(800, 1200)
            energy = (daily * share / 1_000_000).quantize(Decimal("0.001"))
            hours.append(
                Measure(start=local, energy_kwh=energy, band=time_band(local, portal.calendar))
            )
            instant += timedelta(hours=1)
        day += timedelta(days=1)
    return Measures(
        supply_point=s.id,
        since=since,
        until=until,
        measures=hours,
        total_kwh=sum((h.energy_kwh for h in hours), Decimal(0)),
    )


# Documents (R5.10) ---------------------------------------------------------------


def _own_documents(s: Supply) -> list[Document]:
    return [
        Document(
            id=f"{prefix}-{s.id}",
            category="mine",
            title=f"{title}, {_LABEL[s.kind]} {s.id}",
            published_on=_contract_start(s),
            supply_point=s.id,
        )
        for prefix, title in (
            ("contract", "Supply contract"),
            ("technical", "Technical data sheet"),
        )
    ]


def documents(portal: Portal, account: sqlite3.Row, category: str | None = None) -> list[Document]:
    """The customer's own documents, then general ones, newest first (R5.10)."""
    portal.require("documents")
    now = today(portal)
    own = [d for s in _supplies(portal, account).values() for d in _own_documents(s)]
    general = [
        Document(id=i, category=c, title=t, published_on=p) for i, c, t, p in GENERAL_DOCUMENTS
    ]
    found = [
        d
        for d in own + general
        if d.published_on <= now and (category is None or d.category == category)
    ]
    return sorted(found, key=lambda d: (d.category != "mine", -d.published_on.toordinal()))


def document_pdf(portal: Portal, account: sqlite3.Row, document_id: str) -> bytes:
    """A document's PDF: one of the customer's own, or a general one."""
    for document in documents(portal, account):
        if document.id == document_id:
            lines = [f"Published: {document.published_on:%d/%m/%Y}"]
            if document.supply_point is not None:
                s = _supplies(portal, account)[document.supply_point]
                technical = _technical(s)
                lines += [
                    f"Customer: {s.customer_name} (customer code {s.customer_code})",
                    f"Address: {s.point.address}",
                    f"Meter: {technical.meter_serial}",
                ]
            return render_pdf(f"{portal.tenant.name} — {document.title}", lines)
    raise NotFound(f"no document {document_id} for this customer", code="document_not_found")
