//! The backend's state, behind one interface with two backends.
//!
//! What stops a double charge lives here: idempotency keys and receipts
//! (the rows of [`crate::single_flight`]), the payments each checkout
//! session started and the ones whose signature this backend verified
//! ([`crate::perimeter`]), the shop's carts ([`crate::carts`]), the
//! signed webhook events ([`crate::routes::webhooks`]) and the fulfilled
//! orders ([`crate::fulfilment`]).
//!
//! - [`Store::Sqlite`] (the default, `DEMO_DB`): one file next to one
//!   process. Right for the demo, a laptop, or a shop that runs exactly one
//!   backend process.
//! - [`Store::Postgres`] (`DATABASE_URL=postgres://…`): a pool of
//!   connections to a PostgreSQL that every backend instance shares. Needed
//!   as soon as two processes serve the same shop (a load balancer, a
//!   rolling restart): a retry that lands on the other instance then finds
//!   the first one's row. Its tables are created by the migrations in
//!   `migrations/postgres/`, applied by [`Store::prepare`].
//!
//! **How a row is claimed** (both backends, the same SQL): a first request
//! claims a key with `INSERT … ON CONFLICT DO NOTHING` — exactly one of any
//! number of concurrent inserts, on any instance, gets one row affected
//! (PostgreSQL's unique index makes the losers wait for the winner's
//! commit and then do nothing). Taking over an existing row (an `unknown`
//! one after reconciling, a failed earlier attempt) is a compare-and-set:
//! `UPDATE … SET version = version + 1 … WHERE key = $1 AND version = $2`
//! with the version the decision was made on. The row lock of the UPDATE
//! serializes the contenders and the second one sees a new version and
//! affects nothing, so it reads the row again and decides again. Finishing
//! (`done` / `unknown`) is the same compare-and-set on the claimer's
//! version, so a claimer whose claim went stale and was taken over cannot
//! overwrite the newer attempt's answer. No transaction spans a gateway
//! call, so nothing holds a lock (or a pooled connection) while the
//! gateway is slow; we chose this over `SELECT … FOR UPDATE SKIP LOCKED`
//! (a waiter must see the row's state, not skip it) and over advisory
//! locks (a lock held across the gateway call dies with the connection and
//! would need a second mechanism for crashes anyway).

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use rusqlite::OptionalExtension;
use tokio_postgres::types::ToSql;
use tokio_postgres::NoTls;

use crate::db::{now_secs, Db};
use crate::error::ApiError;

/// The PostgreSQL migrations, in order (name, SQL).
pub const PG_MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_state",
        include_str!("../migrations/postgres/0001_state.sql"),
    ),
    (
        "0002_fulfilment",
        include_str!("../migrations/postgres/0002_fulfilment.sql"),
    ),
];

/// How long a request waits for a pooled connection, or a new one.
const PG_TIMEOUT: Duration = Duration::from_secs(5);

/// The tables of single-flight rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Table {
    /// Idempotency keys (`scope:key`).
    Idempotency,
    /// Receipts: one payment per merchant order.
    Receipts,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Idempotency => "idempotency",
            Table::Receipts => "receipts",
        }
    }
    fn key(self) -> &'static str {
        match self {
            Table::Idempotency => "key",
            Table::Receipts => "receipt",
        }
    }
}

/// A single-flight row as stored.
#[derive(Clone, Debug)]
pub struct Row {
    /// What the claimer sent (a hash of its request).
    pub fingerprint: String,
    /// `pending`, `done` or `unknown`.
    pub state: String,
    /// The gateway's status (when `done`).
    pub status: Option<u16>,
    /// The gateway's body (when `done`).
    pub response: Option<String>,
    /// The payment the answer names.
    pub payment_id: Option<String>,
    /// The checkout session that claimed it (receipts).
    pub owner: Option<String>,
    /// Seconds since the epoch of the last change.
    pub updated_at: i64,
    /// Bumped by every change: the compare-and-set token.
    pub version: i64,
}

/// The backend's state: SQLite (embedded) or PostgreSQL (shared).
#[derive(Clone)]
pub enum Store {
    /// One SQLite file.
    Sqlite(Db),
    /// A connection pool to PostgreSQL.
    Postgres(Pool),
}

fn pg_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("postgres: {e}"))
}

/// `$1`-style SQL for SQLite (which reads `?1`); no `$` appears otherwise.
fn lite(sql: &str) -> String {
    sql.replace('$', "?")
}

impl Store {
    /// The SQLite store in `path` (created with `schema`, then `migrations`).
    ///
    /// # Errors
    /// When the file cannot be opened or the tables created.
    pub fn sqlite(
        path: &std::path::Path,
        schema: &str,
        migrations: &[&str],
    ) -> Result<Store, String> {
        let db = Db::open(path, schema)?;
        db.migrate(migrations);
        Ok(Store::Sqlite(db))
    }

    /// A pool for `url` (no connection is made yet: see [`Store::prepare`]).
    ///
    /// # Errors
    /// When the URL does not parse.
    pub fn postgres(url: &str, max_size: usize) -> Result<Store, String> {
        let mut config =
            tokio_postgres::Config::from_str(url).map_err(|e| format!("DATABASE_URL: {e}"))?;
        config.connect_timeout(PG_TIMEOUT);
        if config.get_application_name().is_none() {
            config.application_name("razorpay-demo");
        }
        // A statement stuck behind a lock fails instead of hanging a request.
        config.options("-c statement_timeout=10000 -c lock_timeout=5000");
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                // A connection that died (a PostgreSQL restart) is dropped, not reused.
                recycling_method: RecyclingMethod::Verified,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_size)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(PG_TIMEOUT))
            .create_timeout(Some(PG_TIMEOUT))
            .recycle_timeout(Some(PG_TIMEOUT))
            .build()
            .map_err(|e| format!("DATABASE_URL: {e}"))?;
        Ok(Store::Postgres(pool))
    }

    /// Which backend: `sqlite` or `postgres`.
    pub fn kind(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// Connects and applies the migrations not yet applied (PostgreSQL; a
    /// no-op for SQLite, whose tables [`Store::sqlite`] made). Two
    /// instances starting at once take turns on an advisory lock.
    ///
    /// # Errors
    /// When PostgreSQL cannot be reached or a migration fails.
    pub async fn prepare(&self) -> Result<(), String> {
        let Store::Postgres(pool) = self else {
            return Ok(());
        };
        let mut client = pool
            .get()
            .await
            .map_err(|e| format!("cannot connect to DATABASE_URL: {e}"))?;
        let tx = client.transaction().await.map_err(|e| e.to_string())?;
        tx.execute("SELECT pg_advisory_xact_lock(16016016)", &[])
            .await
            .map_err(|e| e.to_string())?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .await
        .map_err(|e| e.to_string())?;
        for (name, sql) in PG_MIGRATIONS {
            let done = tx
                .query_opt("SELECT 1 FROM schema_migrations WHERE name = $1", &[name])
                .await
                .map_err(|e| e.to_string())?;
            if done.is_none() {
                tx.batch_execute(sql)
                    .await
                    .map_err(|e| format!("migration {name}: {e}"))?;
                tx.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)",
                    &[name, &now_secs()],
                )
                .await
                .map_err(|e| e.to_string())?;
            }
        }
        tx.commit().await.map_err(|e| e.to_string())
    }

    async fn pg_execute(
        pool: &Pool,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, ApiError> {
        let client = pool.get().await.map_err(pg_error)?;
        let stmt = client.prepare_cached(sql).await.map_err(pg_error)?;
        client.execute(&stmt, params).await.map_err(pg_error)
    }

    async fn pg_query_opt(
        pool: &Pool,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<tokio_postgres::Row>, ApiError> {
        let client = pool.get().await.map_err(pg_error)?;
        let stmt = client.prepare_cached(sql).await.map_err(pg_error)?;
        client.query_opt(&stmt, params).await.map_err(pg_error)
    }

    /// Claims a new row for `key` (state `pending`, version 1); `false`
    /// when a row exists already (whoever made it, on any instance).
    pub async fn claim_new(
        &self,
        table: Table,
        key: &str,
        fingerprint: &str,
        owner: Option<&str>,
    ) -> Result<bool, ApiError> {
        let sql = format!(
            "INSERT INTO {t} ({k}, fingerprint, state, owner, created_at, updated_at, version)
             VALUES ($1, $2, 'pending', $3, $4, $4, 1) ON CONFLICT ({k}) DO NOTHING",
            t = table.name(),
            k = table.key()
        );
        let now = now_secs();
        let n = match self {
            Store::Sqlite(db) => {
                let (key, fp, owner) = (
                    key.to_string(),
                    fingerprint.to_string(),
                    owner.map(str::to_string),
                );
                db.call(move |c| {
                    Ok(c.execute(&lite(&sql), rusqlite::params![key, fp, owner, now])? as u64)
                })
                .await?
            }
            Store::Postgres(pool) => {
                Store::pg_execute(pool, &sql, &[&key, &fingerprint, &owner, &now]).await?
            }
        };
        Ok(n == 1)
    }

    /// The row for `key`, if any.
    pub async fn read(&self, table: Table, key: &str) -> Result<Option<Row>, ApiError> {
        let sql = format!(
            "SELECT fingerprint, state, status, response, payment_id, owner, updated_at, version FROM {t} WHERE {k} = $1",
            t = table.name(),
            k = table.key()
        );
        match self {
            Store::Sqlite(db) => {
                let key = key.to_string();
                db.call(move |c| {
                    Ok(c.query_row(&lite(&sql), [key], |r| {
                        Ok(Row {
                            fingerprint: r.get(0)?,
                            state: r.get(1)?,
                            status: r.get(2)?,
                            response: r.get(3)?,
                            payment_id: r.get(4)?,
                            owner: r.get(5)?,
                            updated_at: r.get(6)?,
                            version: r.get(7)?,
                        })
                    })
                    .optional()?)
                })
                .await
            }
            Store::Postgres(pool) => {
                let row = Store::pg_query_opt(pool, &sql, &[&key]).await?;
                row.map(|r| -> Result<Row, tokio_postgres::Error> {
                    Ok(Row {
                        fingerprint: r.try_get(0)?,
                        state: r.try_get(1)?,
                        status: r
                            .try_get::<_, Option<i64>>(2)?
                            .and_then(|s| u16::try_from(s).ok()),
                        response: r.try_get(3)?,
                        payment_id: r.try_get(4)?,
                        owner: r.try_get(5)?,
                        updated_at: r.try_get(6)?,
                        version: r.try_get(7)?,
                    })
                })
                .transpose()
                .map_err(pg_error)
            }
        }
    }

    async fn execute(&self, sql: String, params: Vec<Param>) -> Result<u64, ApiError> {
        match self {
            Store::Sqlite(db) => {
                db.call(move |c| {
                    let values: Vec<&dyn rusqlite::ToSql> =
                        params.iter().map(Param::as_lite).collect();
                    Ok(c.execute(&lite(&sql), values.as_slice())? as u64)
                })
                .await
            }
            Store::Postgres(pool) => {
                let values: Vec<&(dyn ToSql + Sync)> = params.iter().map(Param::as_pg).collect();
                Store::pg_execute(pool, &sql, &values).await
            }
        }
    }

    async fn exists(&self, sql: String, params: Vec<Param>) -> Result<bool, ApiError> {
        match self {
            Store::Sqlite(db) => {
                db.call(move |c| {
                    let values: Vec<&dyn rusqlite::ToSql> =
                        params.iter().map(Param::as_lite).collect();
                    Ok(c.query_row(&lite(&sql), values.as_slice(), |_| Ok(()))
                        .optional()?
                        .is_some())
                })
                .await
            }
            Store::Postgres(pool) => {
                let values: Vec<&(dyn ToSql + Sync)> = params.iter().map(Param::as_pg).collect();
                Ok(Store::pg_query_opt(pool, &sql, &values).await?.is_some())
            }
        }
    }

    /// Takes over the row at `version` (the one judged): `pending` again,
    /// with this request's fingerprint and owner. `false`: it changed
    /// since (another request took it); read it again.
    pub async fn take_over(
        &self,
        table: Table,
        key: &str,
        version: i64,
        fingerprint: &str,
        owner: Option<&str>,
    ) -> Result<bool, ApiError> {
        let sql = format!(
            "UPDATE {t} SET fingerprint = $3, state = 'pending', status = NULL, response = NULL, payment_id = NULL,
               owner = $4, updated_at = $5, version = version + 1 WHERE {k} = $1 AND version = $2",
            t = table.name(),
            k = table.key()
        );
        let params = vec![
            Param::Text(key.into()),
            Param::Int(version),
            Param::Text(fingerprint.into()),
            Param::OptText(owner.map(str::to_string)),
            Param::Int(now_secs()),
        ];
        Ok(self.execute(sql, params).await? == 1)
    }

    /// Stores the gateway's answer on the row at `version` (`done`).
    pub async fn finish(
        &self,
        table: Table,
        key: &str,
        version: i64,
        status: u16,
        response: &str,
        payment_id: Option<&str>,
    ) -> Result<bool, ApiError> {
        let sql = format!(
            "UPDATE {t} SET state = 'done', status = $3, response = $4, payment_id = $5, updated_at = $6,
               version = version + 1 WHERE {k} = $1 AND version = $2",
            t = table.name(),
            k = table.key()
        );
        let params = vec![
            Param::Text(key.into()),
            Param::Int(version),
            Param::Int(i64::from(status)),
            Param::Text(response.into()),
            Param::OptText(payment_id.map(str::to_string)),
            Param::Int(now_secs()),
        ];
        Ok(self.execute(sql, params).await? == 1)
    }

    /// Marks the `pending` row at `version` `unknown` (no answer came back).
    pub async fn mark_unknown(
        &self,
        table: Table,
        key: &str,
        version: i64,
    ) -> Result<bool, ApiError> {
        let sql = format!(
            "UPDATE {t} SET state = 'unknown', updated_at = $3, version = version + 1
             WHERE {k} = $1 AND version = $2 AND state = 'pending'",
            t = table.name(),
            k = table.key()
        );
        let params = vec![
            Param::Text(key.into()),
            Param::Int(version),
            Param::Int(now_secs()),
        ];
        Ok(self.execute(sql, params).await? == 1)
    }

    /// Stores a new cart.
    pub async fn insert_cart(&self, id: &str, product: &str) -> Result<(), ApiError> {
        let sql = "INSERT INTO carts (id, product, created_at) VALUES ($1, $2, $3)".to_string();
        let params = vec![
            Param::Text(id.into()),
            Param::Text(product.into()),
            Param::Int(now_secs()),
        ];
        self.execute(sql, params).await.map(drop)
    }

    /// The product id in cart `id`.
    pub async fn cart_product(&self, id: &str) -> Result<Option<String>, ApiError> {
        let sql = "SELECT product FROM carts WHERE id = $1";
        match self {
            Store::Sqlite(db) => {
                let id = id.to_string();
                db.call(move |c| Ok(c.query_row(&lite(sql), [id], |r| r.get(0)).optional()?))
                    .await
            }
            Store::Postgres(pool) => Store::pg_query_opt(pool, sql, &[&id])
                .await?
                .map(|r| r.try_get(0))
                .transpose()
                .map_err(pg_error),
        }
    }

    /// Records that checkout session `checkout` started `payment_id` (the first one keeps it).
    pub async fn record_payment(&self, checkout: &str, payment_id: &str) -> Result<(), ApiError> {
        let sql =
            "INSERT INTO checkout_payments (payment_id, checkout, created_at) VALUES ($1, $2, $3)
                   ON CONFLICT (payment_id) DO NOTHING"
                .to_string();
        let params = vec![
            Param::Text(payment_id.into()),
            Param::Text(checkout.into()),
            Param::Int(now_secs()),
        ];
        self.execute(sql, params).await.map(drop)
    }

    /// True when checkout session `checkout` started `payment_id`.
    pub async fn owns_payment(&self, checkout: &str, payment_id: &str) -> Result<bool, ApiError> {
        let sql =
            "SELECT 1 FROM checkout_payments WHERE payment_id = $1 AND checkout = $2".to_string();
        self.exists(
            sql,
            vec![Param::Text(payment_id.into()), Param::Text(checkout.into())],
        )
        .await
    }

    /// Records a payment whose signature this backend verified (a fulfilled order).
    pub async fn record_verified(&self, order_id: &str, payment_id: &str) -> Result<(), ApiError> {
        let sql =
            "INSERT INTO verified_payments (payment_id, order_id, verified_at) VALUES ($1, $2, $3)
                   ON CONFLICT (payment_id) DO NOTHING"
                .to_string();
        let params = vec![
            Param::Text(payment_id.into()),
            Param::Text(order_id.into()),
            Param::Int(now_secs()),
        ];
        self.execute(sql, params).await.map(drop)
    }

    /// True when this backend verified `payment_id` for `order_id`.
    pub async fn is_verified(&self, order_id: &str, payment_id: &str) -> Result<bool, ApiError> {
        let sql =
            "SELECT 1 FROM verified_payments WHERE payment_id = $1 AND order_id = $2".to_string();
        self.exists(
            sql,
            vec![Param::Text(payment_id.into()), Param::Text(order_id.into())],
        )
        .await
    }

    /// Records a webhook event once per `event_id` (the signed body's key)
    /// and once per `delivery_id` (its `X-Razorpay-Event-Id`): one insert
    /// that conflicts on either unique column does nothing. `false`: a
    /// duplicate.
    pub async fn record_webhook(
        &self,
        event_id: &str,
        delivery_id: Option<&str>,
        event: &str,
        entity_id: Option<&str>,
        created_at: i64,
        payload: &str,
    ) -> Result<bool, ApiError> {
        let sql = "INSERT INTO webhook_events (event_id, delivery_id, event, entity_id, created_at, received_at, payload)
                   VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING"
            .to_string();
        let params = vec![
            Param::Text(event_id.into()),
            Param::OptText(delivery_id.map(str::to_string)),
            Param::Text(event.into()),
            Param::OptText(entity_id.map(str::to_string)),
            Param::Int(created_at),
            Param::Int(now_secs()),
            Param::Text(payload.into()),
        ];
        Ok(self.execute(sql, params).await? == 1)
    }

    /// True when a webhook with this signed key or this delivery id was recorded.
    pub async fn webhook_seen(
        &self,
        event_id: &str,
        delivery_id: Option<&str>,
    ) -> Result<bool, ApiError> {
        let sql =
            "SELECT 1 FROM webhook_events WHERE event_id = $1 OR delivery_id = $2".to_string();
        self.exists(
            sql,
            vec![
                Param::Text(event_id.into()),
                Param::OptText(delivery_id.map(str::to_string)),
            ],
        )
        .await
    }

    /// Claims the fulfilment of `f.order_id` (and of its receipt): `true`
    /// for exactly one caller, on any instance (`INSERT … ON CONFLICT DO
    /// NOTHING` on the two unique columns); that caller ships the order.
    pub async fn claim_fulfilment(
        &self,
        f: &crate::fulfilment::Fulfilment,
    ) -> Result<bool, ApiError> {
        let sql = "INSERT INTO fulfilments (order_id, receipt, payment_id, amount, currency, source, fulfilled_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING"
            .to_string();
        let params = vec![
            Param::Text(f.order_id.clone()),
            Param::Text(f.receipt.clone()),
            Param::Text(f.payment_id.clone()),
            Param::Int(f.amount),
            Param::Text(f.currency.clone()),
            Param::Text(f.source.clone()),
            Param::Int(now_secs()),
        ];
        Ok(self.execute(sql, params).await? == 1)
    }

    /// True when `order_id` was fulfilled with `payment_id`.
    pub async fn is_fulfilled(&self, order_id: &str, payment_id: &str) -> Result<bool, ApiError> {
        let sql = "SELECT 1 FROM fulfilments WHERE order_id = $1 AND payment_id = $2".to_string();
        self.exists(
            sql,
            vec![Param::Text(order_id.into()), Param::Text(payment_id.into())],
        )
        .await
    }

    /// The fulfilment of `receipt`, if any.
    pub async fn fulfilment_of_receipt(
        &self,
        receipt: &str,
    ) -> Result<Option<crate::fulfilment::Fulfilment>, ApiError> {
        Ok(self
            .fulfilments("WHERE receipt = $1", Param::Text(receipt.into()))
            .await?
            .pop())
    }

    /// The latest `limit` fulfilments, oldest first.
    pub async fn latest_fulfilments(
        &self,
        limit: i64,
    ) -> Result<Vec<crate::fulfilment::Fulfilment>, ApiError> {
        let mut rows = self
            .fulfilments(
                "ORDER BY fulfilled_at DESC, order_id LIMIT $1",
                Param::Int(limit),
            )
            .await?;
        rows.reverse();
        Ok(rows)
    }

    async fn fulfilments(
        &self,
        tail: &str,
        param: Param,
    ) -> Result<Vec<crate::fulfilment::Fulfilment>, ApiError> {
        use crate::fulfilment::Fulfilment;
        let sql = format!(
            "SELECT order_id, receipt, payment_id, amount, currency, source, fulfilled_at FROM fulfilments {tail}"
        );
        match self {
            Store::Sqlite(db) => {
                db.call(move |c| {
                    let mut stmt = c.prepare(&lite(&sql))?;
                    let rows = stmt.query_map([param.as_lite()], |r| {
                        Ok(Fulfilment {
                            order_id: r.get(0)?,
                            receipt: r.get(1)?,
                            payment_id: r.get(2)?,
                            amount: r.get(3)?,
                            currency: r.get(4)?,
                            source: r.get(5)?,
                            fulfilled_at: r.get(6)?,
                        })
                    })?;
                    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
                })
                .await
            }
            Store::Postgres(pool) => {
                let client = pool.get().await.map_err(pg_error)?;
                let stmt = client.prepare_cached(&sql).await.map_err(pg_error)?;
                let rows = client
                    .query(&stmt, &[param.as_pg()])
                    .await
                    .map_err(pg_error)?;
                rows.iter()
                    .map(|r| {
                        Ok(Fulfilment {
                            order_id: r.try_get(0)?,
                            receipt: r.try_get(1)?,
                            payment_id: r.try_get(2)?,
                            amount: r.try_get(3)?,
                            currency: r.try_get(4)?,
                            source: r.try_get(5)?,
                            fulfilled_at: r.try_get(6)?,
                        })
                    })
                    .collect::<Result<Vec<_>, tokio_postgres::Error>>()
                    .map_err(pg_error)
            }
        }
    }

    /// The latest `limit` webhook events, oldest first: (event, entity id, created_at).
    pub async fn latest_webhooks(
        &self,
        limit: i64,
    ) -> Result<Vec<(String, Option<String>, i64)>, ApiError> {
        let sql = "SELECT event, entity_id, created_at FROM
                   (SELECT id, event, entity_id, created_at FROM webhook_events ORDER BY id DESC LIMIT $1) AS latest
                   ORDER BY id";
        match self {
            Store::Sqlite(db) => {
                db.call(move |c| {
                    let mut stmt = c.prepare(&lite(sql))?;
                    let rows =
                        stmt.query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
                })
                .await
            }
            Store::Postgres(pool) => {
                let client = pool.get().await.map_err(pg_error)?;
                let stmt = client.prepare_cached(sql).await.map_err(pg_error)?;
                let rows = client.query(&stmt, &[&limit]).await.map_err(pg_error)?;
                rows.iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                    .collect::<Result<Vec<_>, tokio_postgres::Error>>()
                    .map_err(pg_error)
            }
        }
    }
}

/// A bound value, for either backend.
enum Param {
    Text(String),
    OptText(Option<String>),
    Int(i64),
}

impl Param {
    fn as_lite(&self) -> &dyn rusqlite::ToSql {
        match self {
            Param::Text(s) => s,
            Param::OptText(s) => s,
            Param::Int(i) => i,
        }
    }
    fn as_pg(&self) -> &(dyn ToSql + Sync) {
        match self {
            Param::Text(s) => s,
            Param::OptText(s) => s,
            Param::Int(i) => i,
        }
    }
}
