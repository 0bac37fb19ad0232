-- School meals (etelka, R3.8-R3.18): orders, finalisations, the members' running accounts,
-- billing data, the inbox and the message board.  Members are the enrolment rows' children,
-- identified by a stable id made from name and institution (familycard.rules.meals.member_id).

-- One row per member, day and meal type: a day saved again is overwritten (R3.11).
CREATE TABLE IF NOT EXISTS meal_orders (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    member_id TEXT NOT NULL,
    day TEXT NOT NULL,                   -- YYYY-MM-DD
    meal TEXT NOT NULL,                  -- breakfast, snack_am, lunch, snack_pm, dinner
    place TEXT NOT NULL,
    menu TEXT,                           -- A, B, or NULL where there is no choice
    status TEXT NOT NULL,                -- draft, awaiting_payment, final, cancelled
    price TEXT NOT NULL,                 -- exact decimal, provider price
    subsidy TEXT NOT NULL,               -- exact decimal
    currency TEXT NOT NULL,
    finalization_id TEXT,                -- while awaiting payment, and once final
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant, member_id, day, meal)
);
CREATE INDEX IF NOT EXISTS meal_orders_member ON meal_orders (tenant, member_id, day);

-- A member's orders of a month being finalised (R3.12-R3.13).
CREATE TABLE IF NOT EXISTS meal_finalizations (
    id TEXT PRIMARY KEY,                 -- fin_...
    tenant TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    member_id TEXT NOT NULL,
    month TEXT NOT NULL,                 -- YYYY-MM
    status TEXT NOT NULL,                -- awaiting_payment, final, failed, expired
    document TEXT,                       -- receipt, invoice (NULL: nothing payable)
    summary TEXT NOT NULL,               -- the Finalization as shown, JSON
    payment_id TEXT REFERENCES payments (id),
    created_at TEXT NOT NULL,
    completed_at TEXT
);
CREATE INDEX IF NOT EXISTS meal_finalizations_member ON meal_finalizations (tenant, member_id);

-- The running account (folyószámla, R3.16): the balance is the sum of `amount`.
CREATE TABLE IF NOT EXISTS member_ledger (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    member_id TEXT NOT NULL,
    service TEXT NOT NULL,               -- meals, care
    kind TEXT NOT NULL,                  -- charge, subsidy, payment, cancellation, cash, refund
    amount TEXT NOT NULL,                -- exact decimal, signed
    currency TEXT NOT NULL,
    day TEXT,                            -- the meal day (cancellation)
    finalization_id TEXT,                -- the finalisation that posted it
    payment_id TEXT,
    settled_by TEXT,                     -- cancellation credits: the finalisation that showed it
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS member_ledger_member ON member_ledger (tenant, member_id, service);

-- Billing data the clerk records; the family cannot edit it (R3.13).
CREATE TABLE IF NOT EXISTS member_billing (
    tenant TEXT NOT NULL,
    member_id TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    tax_number TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, member_id)
);

-- The notifications inbox (Értesítések, R3.17), per account.
CREATE TABLE IF NOT EXISTS inbox (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                  -- cancellation, order, payment
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',     -- JSON
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX IF NOT EXISTS inbox_account ON inbox (tenant, account_id);

-- The message board (Üzenőfal, R3.18).
CREATE TABLE IF NOT EXISTS board_messages (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    institutions TEXT NOT NULL DEFAULT '[]',  -- JSON; empty: not limited to institutions
    member_id TEXT,                      -- only for this member
    published_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS board_messages_tenant ON board_messages (tenant, published_at);
