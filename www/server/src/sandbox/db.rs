//! The sandbox's SQLite state: customers, orders, payments and tokens, each
//! stored as its public entity JSON plus (for payments and orders) private
//! sandbox bookkeeping that is never returned.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use crate::error::ApiError;

/// Tables (idempotent).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    contact TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS customers_identity ON customers (email, contact);
CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    internal TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS payments (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    data TEXT NOT NULL,
    internal TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_order ON payments (order_id);
CREATE INDEX IF NOT EXISTS payments_created ON payments (created_at);
-- The late authorisations due (payments::late_authorize_due, before every
-- request and on the clock): without it each request scanned every payment's
-- JSON (`make load`: 1,723 -> 294 req/s at 7,000 payments).
CREATE INDEX IF NOT EXISTS payments_late_auth ON payments (json_extract(internal, '$.late_auth_at'))
    WHERE json_extract(internal, '$.late_auth_at') IS NOT NULL;
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_customer ON tokens (customer_id);
";

fn parse(text: String) -> Result<Value, ApiError> {
    serde_json::from_str(&text)
        .map_err(|e| ApiError::internal(format!("corrupt JSON in sandbox db: {e}")))
}

/// A customer entity by id.
pub fn customer(conn: &Connection, id: &str) -> Result<Option<Value>, ApiError> {
    conn.query_row("SELECT data FROM customers WHERE id = ?1", [id], |r| {
        r.get::<_, String>(0)
    })
    .optional()?
    .map(parse)
    .transpose()
}

/// A customer with exactly these details.
pub fn customer_by_identity(
    conn: &Connection,
    name: &str,
    email: &str,
    contact: &str,
) -> Result<Option<Value>, ApiError> {
    conn.query_row(
        "SELECT data FROM customers WHERE name = ?1 AND email = ?2 AND contact = ?3 ORDER BY rowid LIMIT 1",
        params![name, email, contact],
        |r| r.get::<_, String>(0),
    )
    .optional()?
    .map(parse)
    .transpose()
}

/// Stores a new customer.
pub fn insert_customer(conn: &Connection, c: &Value) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO customers (id, name, email, contact, data) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            str_of(c, "id"),
            str_of(c, "name"),
            str_of(c, "email"),
            str_of(c, "contact"),
            c.to_string()
        ],
    )?;
    Ok(())
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// An order entity and its private data.
pub fn order(conn: &Connection, id: &str) -> Result<Option<(Value, Value)>, ApiError> {
    conn.query_row(
        "SELECT data, internal FROM orders WHERE id = ?1",
        [id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
    )
    .optional()?
    .map(|(d, i)| Ok((parse(d)?, parse(i)?)))
    .transpose()
}

/// Inserts or replaces an order.
pub fn put_order(conn: &Connection, order: &Value, internal: &Value) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO orders (id, data, internal, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, internal = excluded.internal",
        params![
            str_of(order, "id"),
            order.to_string(),
            internal.to_string(),
            order.get("created_at").and_then(Value::as_i64).unwrap_or(0)
        ],
    )?;
    Ok(())
}

/// A payment entity and its private data.
pub fn payment(conn: &Connection, id: &str) -> Result<Option<(Value, Value)>, ApiError> {
    conn.query_row(
        "SELECT data, internal FROM payments WHERE id = ?1",
        [id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
    )
    .optional()?
    .map(|(d, i)| Ok((parse(d)?, parse(i)?)))
    .transpose()
}

/// Inserts or replaces a payment.
pub fn put_payment(conn: &Connection, payment: &Value, internal: &Value) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO payments (id, order_id, data, internal, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, internal = excluded.internal",
        params![
            str_of(payment, "id"),
            str_of(payment, "order_id"),
            payment.to_string(),
            internal.to_string(),
            payment.get("created_at").and_then(Value::as_i64).unwrap_or(0)
        ],
    )?;
    Ok(())
}

/// A token entity (deleted ones too) by id.
pub fn token(conn: &Connection, id: &str) -> Result<Option<(Value, bool)>, ApiError> {
    conn.query_row(
        "SELECT data, deleted FROM tokens WHERE id = ?1",
        [id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)),
    )
    .optional()?
    .map(|(d, del)| Ok((parse(d)?, del)))
    .transpose()
}

/// Inserts or replaces a token.
pub fn put_token(conn: &Connection, token: &Value) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO tokens (id, customer_id, data, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data",
        params![
            str_of(token, "id"),
            str_of(token, "customer_id"),
            token.to_string(),
            token.get("created_at").and_then(Value::as_i64).unwrap_or(0)
        ],
    )?;
    Ok(())
}

/// Marks a token deleted.
pub fn delete_token(conn: &Connection, id: &str) -> Result<(), ApiError> {
    conn.execute("UPDATE tokens SET deleted = 1 WHERE id = ?1", [id])?;
    Ok(())
}

/// A customer's tokens that are not deleted, newest first.
pub fn customer_tokens(conn: &Connection, customer_id: &str) -> Result<Vec<Value>, ApiError> {
    let mut stmt = conn.prepare("SELECT data FROM tokens WHERE customer_id = ?1 AND deleted = 0 ORDER BY created_at DESC, rowid DESC")?;
    let rows = stmt.query_map([customer_id], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(parse(row?)?);
    }
    Ok(out)
}

/// A page of entities of `table` (`orders` or `payments`), newest first,
/// optionally only those whose `column` equals a value.
pub fn list(
    conn: &Connection,
    table: Listable,
    filter: Option<(&str, &str)>,
    count: i64,
    skip: i64,
) -> Result<Vec<Value>, ApiError> {
    let name = match table {
        Listable::Orders => "orders",
        Listable::Payments => "payments",
    };
    let (clause, value) = match filter {
        Some(("receipt", v)) => ("WHERE json_extract(data, '$.receipt') = ?1", v.to_string()),
        Some(("order_id", v)) => ("WHERE order_id = ?1", v.to_string()),
        _ => ("WHERE ?1 = ?1", String::new()),
    };
    let sql = format!(
        "SELECT data FROM {name} {clause} ORDER BY created_at DESC, rowid DESC LIMIT ?2 OFFSET ?3"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![value, count, skip], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(parse(row?)?);
    }
    Ok(out)
}

/// The tables [`list`] reads.
#[derive(Clone, Copy, Debug)]
pub enum Listable {
    /// `orders`.
    Orders,
    /// `payments`.
    Payments,
}

/// Number of orders (tests and diagnostics).
pub fn count_orders(conn: &Connection) -> Result<i64, ApiError> {
    Ok(conn.query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))?)
}
