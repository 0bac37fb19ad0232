-- Canteen tokens (citycard, R1.5-R1.8): recharges, and a ledger whose sum is the balance.

CREATE TABLE IF NOT EXISTS recharges (
    id TEXT PRIMARY KEY,                 -- rch_...
    tenant TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    member TEXT NOT NULL,                -- the child's tax code
    service TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    amount TEXT NOT NULL,                -- exact decimal
    currency TEXT NOT NULL,
    status TEXT NOT NULL,                -- awaiting_payment, succeeded, failed, expired
    payment_id TEXT REFERENCES payments (id),
    balance_before INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    completed_at TEXT
);
CREATE INDEX IF NOT EXISTS recharges_member ON recharges (tenant, member, service);

-- One row per movement: +tokens when a recharge is paid, -1 per day attended.
CREATE TABLE IF NOT EXISTS token_movements (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    member TEXT NOT NULL,
    service TEXT NOT NULL,
    delta INTEGER NOT NULL,
    kind TEXT NOT NULL,                  -- recharge, attendance
    day TEXT,                            -- the day attended (attendance)
    recharge_id TEXT REFERENCES recharges (id),
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS token_movements_member ON token_movements (tenant, member, service);
-- A day is attended once per child and service; a recharge is credited once.
CREATE UNIQUE INDEX IF NOT EXISTS token_movements_day
    ON token_movements (tenant, member, service, day) WHERE kind = 'attendance';
CREATE UNIQUE INDEX IF NOT EXISTS token_movements_credit
    ON token_movements (recharge_id) WHERE kind = 'recharge';
