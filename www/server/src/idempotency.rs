//! Idempotency keys: one gateway call per key, whatever the number of tabs
//! or clicks. A second request with the same key waits for the first (an
//! in-process lock, plus polling of the SQLite row for other processes) and
//! gets the same status and body back.
//!
//! Stored: any answer the gateway gave (2xx or an error object). A request
//! that got no answer (a timeout, a reset) may still have been done by the
//! gateway, so its row is never deleted: it becomes `unknown`, and a retry
//! with the same key (and the same request) runs `call` again, which asks
//! the gateway first and sends again only when the gateway has no record of
//! it (every caller goes through [`crate::receipts::once`], which
//! reconciles). A `pending` row older than [`STALE_AFTER_SECS`] (a crash
//! mid-request) is treated the same way.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use crate::db::now_secs;
use crate::error::{ApiError, BAD_REQUEST};
use crate::gateway_client::GatewayAnswer;
use crate::state::AppState;

/// Seconds after which an unfinished key is considered abandoned.
pub const STALE_AFTER_SECS: i64 = 60;
/// How long a request waits for another process holding the same key.
const WAIT_LIMIT: Duration = Duration::from_secs(35);

/// The `Idempotency-Key` header: required, 1–64 of `[A-Za-z0-9_-]`.
pub fn key_from(headers: &HeaderMap) -> Result<String, ApiError> {
    let field = || Some("Idempotency-Key".to_string());
    let Some(raw) = headers.get("idempotency-key") else {
        return Err(ApiError::validation(
            field(),
            "The Idempotency-Key header is required.",
        ));
    };
    let key = raw.to_str().unwrap_or_default();
    if (1..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        Ok(key.to_string())
    } else {
        Err(ApiError::validation(
            field(),
            "The Idempotency-Key header must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -.",
        ))
    }
}

/// A remembered (or fresh) answer.
pub struct Outcome {
    /// The gateway's status and body.
    pub answer: GatewayAnswer,
    /// True when it was replayed from an earlier request with the same key.
    pub replayed: bool,
}

enum Claim {
    Mine,
    Done(String, u16, String),
    Busy,
    Reused,
}

fn reused() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        BAD_REQUEST,
        "This Idempotency-Key was already used with a different request.",
        "business",
        "payment_initiation",
        "idempotency_key_reused",
    )
    .with_field("Idempotency-Key")
}

/// Runs `call` once per `scope:key`; later requests get the stored answer.
pub async fn once<F, Fut>(
    state: &AppState,
    scope: &str,
    key: &str,
    fingerprint: String,
    call: F,
) -> Result<Outcome, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<GatewayAnswer, ApiError>>,
{
    let full_key = format!("{scope}:{key}");
    let lock = {
        let mut locks = state.key_locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(full_key.clone()).or_default().clone()
    };
    let result = {
        let _guard = lock.lock().await;
        claim_and_run(state, &full_key, fingerprint, call).await
    };
    {
        let mut locks = state.key_locks.lock().unwrap_or_else(|p| p.into_inner());
        // Ours plus the map's: nobody else is waiting on it.
        if Arc::strong_count(&lock) <= 2 {
            locks.remove(&full_key);
        }
    }
    result
}

async fn claim_and_run<F, Fut>(
    state: &AppState,
    full_key: &str,
    fingerprint: String,
    call: F,
) -> Result<Outcome, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<GatewayAnswer, ApiError>>,
{
    let started = tokio::time::Instant::now();
    loop {
        let k = full_key.to_string();
        let fp = fingerprint.clone();
        let claim = state
            .db
            .call(move |conn| {
                let tx = conn.transaction()?;
                let now = now_secs();
                type Row = (String, String, Option<u16>, Option<String>, i64);
                let row: Option<Row> = tx
                    .query_row(
                        "SELECT fingerprint, state, status, response, updated_at FROM idempotency WHERE key = ?1",
                        [&k],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                    )
                    .optional()?;
                let claim = match row {
                    Some((f, s, Some(status), Some(resp), _)) if s == "done" => Claim::Done(f, status, resp),
                    Some((_, s, _, _, updated)) if s == "pending" && now - updated < STALE_AFTER_SECS => Claim::Busy,
                    // `unknown` (or stale): the same request again is reconciled by `call`.
                    Some((f, _, _, _, _)) if f != fp => Claim::Reused,
                    _ => {
                        tx.execute(
                            "INSERT INTO idempotency (key, fingerprint, state, created_at, updated_at) VALUES (?1, ?2, 'pending', ?3, ?3)
                             ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'pending', status = NULL, response = NULL, updated_at = excluded.updated_at",
                            params![k, fp, now],
                        )?;
                        Claim::Mine
                    }
                };
                tx.commit()?;
                Ok(claim)
            })
            .await?;
        match claim {
            Claim::Done(stored_fp, status, resp) => {
                if stored_fp != fingerprint {
                    return Err(reused());
                }
                let body: Value = serde_json::from_str(&resp)
                    .map_err(|e| ApiError::internal(format!("stored answer: {e}")))?;
                return Ok(Outcome {
                    answer: GatewayAnswer { status, body },
                    replayed: true,
                });
            }
            Claim::Busy => {
                if started.elapsed() > WAIT_LIMIT {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        BAD_REQUEST,
                        "A request with this Idempotency-Key is still in progress. Try again shortly.",
                        "business",
                        "payment_initiation",
                        "idempotency_key_in_use",
                    )
                    .with_field("Idempotency-Key"));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Claim::Reused => return Err(reused()),
            Claim::Mine => break,
        }
    }
    let k = full_key.to_string();
    match call().await {
        Ok(answer) => {
            let status = answer.status;
            let body = answer.body.to_string();
            state
                .db
                .call(move |conn| {
                    conn.execute(
                        "UPDATE idempotency SET state = 'done', status = ?2, response = ?3, updated_at = ?4 WHERE key = ?1",
                        params![k, status, body, now_secs()],
                    )?;
                    Ok(())
                })
                .await?;
            Ok(Outcome {
                answer,
                replayed: false,
            })
        }
        Err(e) => {
            // No answer: the gateway may have done it. Never deleted.
            state
                .db
                .call(move |conn| {
                    conn.execute(
                        "UPDATE idempotency SET state = 'unknown', updated_at = ?2 WHERE key = ?1 AND state = 'pending'",
                        params![k, now_secs()],
                    )?;
                    Ok(())
                })
                .await?;
            Err(e)
        }
    }
}
