-- pagoPA payment notices (R2.2-R2.4, R4.4-R4.5) and meals consumed (R2.3).

CREATE TABLE IF NOT EXISTS notices (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    number TEXT NOT NULL,                -- the 18-digit notice number (codice avviso)
    iuv TEXT NOT NULL,
    seq INTEGER,                         -- the sequence its number was made from (NULL: imported)
    key TEXT NOT NULL,                   -- natural key of the clerk's row: re-issuing adds nothing
    creditor_name TEXT NOT NULL,
    creditor_fiscal_code TEXT NOT NULL,
    postal_account TEXT,
    iban TEXT,
    subject TEXT NOT NULL,
    amount TEXT NOT NULL,                -- exact decimal
    currency TEXT NOT NULL,
    due_on TEXT NOT NULL,                -- ISO day
    expires_on TEXT,                     -- ISO day: the last day it can be paid
    member TEXT,                         -- the child's tax code
    member_name TEXT,
    debtor_tax_code TEXT,                -- the family a family notice is addressed to
    institution TEXT,                    -- the issuing school (pagoinrete)
    reference TEXT,
    issued_at TEXT NOT NULL,
    paid_at TEXT,
    payment_id TEXT,                     -- the payment that paid it
    pending_payment_id TEXT,             -- the checkout awaiting payment that holds it
    UNIQUE (tenant, number),
    UNIQUE (tenant, iuv),
    UNIQUE (tenant, key)
);
CREATE INDEX IF NOT EXISTS notices_member ON notices (tenant, member);
CREATE INDEX IF NOT EXISTS notices_debtor ON notices (tenant, debtor_tax_code);
CREATE INDEX IF NOT EXISTS notices_pending ON notices (tenant, pending_payment_id);

CREATE TABLE IF NOT EXISTS meals_consumed (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    member TEXT NOT NULL,                -- the child's tax code
    day TEXT NOT NULL,                   -- ISO day
    service TEXT NOT NULL,
    meals INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (tenant, member, day, service)
);
