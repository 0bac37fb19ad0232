-- Payments, paid on the external terminal (X4); shared by recharges, meal orders and notices.

CREATE TABLE IF NOT EXISTS payments (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    purpose TEXT NOT NULL,               -- recharge, meal_order, notices, cash, refund
    subject_id TEXT,                     -- the recharge, order or cart it pays
    amount TEXT NOT NULL,                -- exact decimal
    currency TEXT NOT NULL,
    method TEXT NOT NULL,                -- card, debit, postal, cash, refund
    status TEXT NOT NULL,                -- awaiting_payment, succeeded, failed, expired
    description TEXT NOT NULL,
    member TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    completed_at TEXT,
    transaction_id TEXT,
    receipt_ready_at TEXT,
    details TEXT NOT NULL DEFAULT '{}'   -- JSON
);
CREATE INDEX IF NOT EXISTS payments_account ON payments (tenant, account_id);
CREATE INDEX IF NOT EXISTS payments_member ON payments (tenant, member);
