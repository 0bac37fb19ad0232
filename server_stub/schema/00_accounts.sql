-- Accounts, enrolments, links, e-mails, idempotency.  One file per area, applied in name order;
-- every change happens in one transaction per request.

CREATE TABLE IF NOT EXISTS enrolments (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL,                  -- the checked row, JSON
    child_tax_code TEXT,
    guardian_tax_code TEXT,
    guardian_email TEXT,
    customer_code TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (tenant, key)
);
CREATE INDEX IF NOT EXISTS enrolments_child ON enrolments (tenant, child_tax_code);
CREATE INDEX IF NOT EXISTS enrolments_guardian ON enrolments (tenant, guardian_tax_code);
CREATE INDEX IF NOT EXISTS enrolments_email ON enrolments (tenant, guardian_email);
CREATE INDEX IF NOT EXISTS enrolments_customer ON enrolments (tenant, customer_code);

CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    username TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT,
    pin_hash TEXT,
    status TEXT NOT NULL,                -- pending_activation, pending_verification, active
    full_name TEXT,
    phone TEXT,
    fax TEXT,
    tax_code TEXT,
    customer_code TEXT,
    elevated INTEGER NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    terms_accepted INTEGER NOT NULL DEFAULT 1,
    notifications TEXT,                  -- JSON, etelka
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT,                     -- a pending registration is deleted after this
    UNIQUE (tenant, username)
);
CREATE INDEX IF NOT EXISTS accounts_email ON accounts (tenant, email);
CREATE INDEX IF NOT EXISTS accounts_tax_code ON accounts (tenant, tax_code);

CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    idle_seconds INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS links (
    token_hash TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    purpose TEXT NOT NULL,               -- activation, verification, password_reset
    account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,  -- NULL: registration deleted
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE IF NOT EXISTS elevation_codes (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    tax_code TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    data TEXT NOT NULL,                  -- JSON
    sent_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body BLOB NOT NULL,
    media_type TEXT,
    created_at TEXT NOT NULL
);
