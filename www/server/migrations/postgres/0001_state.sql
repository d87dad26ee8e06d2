-- The merchant backend's state in PostgreSQL (see src/store.rs): the rows
-- that stop a double charge. Applied once, in order, by Store::prepare
-- under an advisory lock (two instances starting together apply it once).

-- One answer per Idempotency-Key (`key` = scope:key) and one payment per
-- receipt: claimed with INSERT … ON CONFLICT DO NOTHING, taken over with a
-- compare-and-set on `version` (see src/single_flight.rs).
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'unknown')),
    status BIGINT,
    response TEXT,
    payment_id TEXT,
    owner TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS receipts (
    receipt TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'unknown')),
    status BIGINT,
    response TEXT,
    payment_id TEXT,
    owner TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
-- Signed webhook events, once per de-duplication key.
CREATE TABLE IF NOT EXISTS webhook_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id TEXT UNIQUE,
    event TEXT NOT NULL,
    entity_id TEXT,
    created_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    payload TEXT NOT NULL
);
-- The payments each checkout session started (the first session keeps it).
CREATE TABLE IF NOT EXISTS checkout_payments (
    payment_id TEXT PRIMARY KEY,
    checkout TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
-- Fulfilled orders: the payments whose signature this backend verified.
CREATE TABLE IF NOT EXISTS verified_payments (
    payment_id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    verified_at BIGINT NOT NULL
);
-- The shop's carts (the receipt of each order).
CREATE TABLE IF NOT EXISTS carts (
    id TEXT PRIMARY KEY,
    product TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
