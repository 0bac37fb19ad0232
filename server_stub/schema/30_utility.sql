-- The utility customer area (R5.11-R5.14): meter self-readings.  Supply points come from the
-- clerk's enrolments; invoices, consumption, measures and documents are derived from the
-- supply point on the fly (server_stub/backends/utility.py), so they need no table.

CREATE TABLE IF NOT EXISTS readings (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    customer_code TEXT NOT NULL,
    supply_point TEXT NOT NULL,
    reading_date TEXT NOT NULL,          -- the tenant-local day, YYYY-MM-DD
    meter INTEGER NOT NULL,
    corrector INTEGER,                   -- gas meters with a volume corrector only
    meter_replaced INTEGER NOT NULL DEFAULT 0,
    submitted_at TEXT NOT NULL,
    acquired_at TEXT NOT NULL,           -- the acquisition job's mark; status is derived from it
    UNIQUE (tenant, customer_code, supply_point, reading_date)  -- one reading a day (R5.13)
);

-- R5.14: deleted readings, so that deleting one again says it is gone already (a reading
-- sent again that day clears its mark).
CREATE TABLE IF NOT EXISTS deleted_readings (
    tenant TEXT NOT NULL,
    customer_code TEXT NOT NULL,
    supply_point TEXT NOT NULL,
    reading_date TEXT NOT NULL,
    deleted_at TEXT NOT NULL,
    PRIMARY KEY (tenant, customer_code, supply_point, reading_date)
);
