-- Enrolments in bulk (server_stub/backends/clerk.py): a supply point has one customer, so a
-- batch asks which of its supply points are enrolled already; this index answers at once.
CREATE INDEX IF NOT EXISTS enrolments_supply_point
    ON enrolments (tenant, json_extract(data, '$.supply_point'));
