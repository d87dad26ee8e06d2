//! The backend's shared state and its SQLite schema (the PostgreSQL one is
//! in `migrations/postgres/`, see [`crate::store`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::gateway_client::GatewayClient;
use crate::store::Store;

/// Backend tables: idempotency keys, the merchant's receipts (one paid
/// order per receipt, see [`crate::receipts`]; `owner`: the checkout
/// session that started it), received webhook events (`event_id`: the
/// de-duplication key taken from the signed body, see
/// [`crate::routes::webhooks`]), the payments each checkout session started
/// and the payments whose signature this backend verified (see
/// [`crate::perimeter`]), and the fulfilled orders (see [`crate::fulfilment`];
/// `delivery_id`: the `X-Razorpay-Event-Id` of a webhook, unique too).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    status INTEGER,
    response TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    payment_id TEXT,
    owner TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS receipts (
    receipt TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    status INTEGER,
    response TEXT,
    payment_id TEXT,
    updated_at INTEGER NOT NULL,
    owner TEXT,
    created_at INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS webhook_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT UNIQUE,
    event TEXT NOT NULL,
    entity_id TEXT,
    created_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    payload TEXT NOT NULL,
    delivery_id TEXT
);
CREATE TABLE IF NOT EXISTS checkout_payments (
    payment_id TEXT PRIMARY KEY,
    checkout TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS verified_payments (
    payment_id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    verified_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS fulfilments (
    order_id TEXT PRIMARY KEY,
    receipt TEXT NOT NULL UNIQUE,
    payment_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    source TEXT NOT NULL,
    fulfilled_at INTEGER NOT NULL
);
";

/// Changes to tables an older version created (each may fail when done).
pub const MIGRATIONS: &[&str] = &[
    "ALTER TABLE receipts ADD COLUMN owner TEXT",
    "ALTER TABLE receipts ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE receipts ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE idempotency ADD COLUMN payment_id TEXT",
    "ALTER TABLE idempotency ADD COLUMN owner TEXT",
    "ALTER TABLE idempotency ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE webhook_events ADD COLUMN delivery_id TEXT",
    "CREATE UNIQUE INDEX IF NOT EXISTS webhook_events_delivery ON webhook_events (delivery_id)",
];

/// Everything a backend handler needs.
#[derive(Clone)]
pub struct AppState {
    /// The gateway (Razorpay or the sandbox).
    pub gateway: GatewayClient,
    /// Idempotency keys, receipts, carts, webhook events, … (SQLite or PostgreSQL).
    pub store: Store,
    /// Public key id (sent to the page by `/api/config`).
    pub key_id: String,
    /// Verifies payment signatures.
    pub key_secret: String,
    /// Signs the shopper's session cookie (see [`crate::session`]).
    pub session_secret: String,
    /// Verifies webhooks; `None` refuses them all.
    pub webhook_secret: Option<String>,
    /// A rotation's old webhook secret, accepted until the Unix time beside it.
    pub webhook_secret_previous: Option<(String, i64)>,
    /// This backend's public base URL, without a trailing slash.
    pub public_url: String,
    /// Take the client IP from `X-Forwarded-For`.
    pub trust_x_forwarded_for: bool,
    /// Served at `/`.
    pub www_dir: PathBuf,
    /// Served at `/pkg/`.
    pub pkg_dir: PathBuf,
    /// `CHECKOUT_TIMEOUT_MS`, passed to the page by `/api/config`.
    pub checkout_timeout_ms: Option<u32>,
    /// `OPERATOR_SECRET`: the bearer secret of the operator routes.
    pub operator_secret: Option<String>,
    /// A `pending` row older than this is abandoned (see
    /// [`crate::single_flight::stale_after_secs`]).
    pub stale_after_secs: i64,
    /// One async lock per single-flight row in flight in this process.
    pub key_locks: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}
