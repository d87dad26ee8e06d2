//! Idempotency keys: one gateway call per key, whatever the number of tabs
//! or clicks. A second request with the same key waits for the first (an
//! in-process lock, plus polling of the stored row for other processes) and
//! gets the same status and body back (the loop is
//! [`crate::single_flight`]'s, on the shared [`crate::store`], so the
//! other request may run on another instance).
//!
//! Stored: any answer the gateway gave (2xx or an error object). A request
//! that got no answer (a timeout, a reset) may still have been done by the
//! gateway, so its row is never deleted: it becomes `unknown`, and a retry
//! with the same key (and the same request) runs `call` again, which asks
//! the gateway first and sends again only when the gateway has no record of
//! it (every caller goes through [`crate::receipts::once`], which
//! reconciles). A `pending` row older than [`single_flight::stale_after_secs`] (a crash
//! mid-request) is treated the same way.

use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

use crate::error::{ApiError, BAD_REQUEST};
use crate::gateway_client::GatewayAnswer;
use crate::single_flight::{self, Slot, Step};
use crate::state::AppState;
use crate::store::{Row, Table};

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
    let slot = Slot {
        table: Table::Idempotency,
        key: &full_key,
        fingerprint: &fingerprint,
        owner: None,
        busy: in_use,
    };
    let judge = |row: Row| {
        let step = judge(state, row, &fingerprint);
        async move { step }
    };
    let flown = single_flight::run(state, slot, judge, |_| call()).await?;
    Ok(Outcome {
        answer: flown.answer,
        replayed: flown.replayed,
    })
}

/// The rule for a key's row made by an earlier request.
fn judge(state: &AppState, row: Row, fingerprint: &str) -> Result<Step, ApiError> {
    if row.state == "done" {
        if let (Some(status), Some(response)) = (row.status, row.response.as_deref()) {
            if row.fingerprint != fingerprint {
                return Ok(Step::Refuse(reused()));
            }
            let body: Value = serde_json::from_str(response)
                .map_err(|e| ApiError::internal(format!("stored answer: {e}")))?;
            return Ok(Step::Replay(GatewayAnswer { status, body }));
        }
    }
    if single_flight::in_flight(state, &row) {
        return Ok(Step::Wait);
    }
    // `unknown` (or stale): the same request again is reconciled by `call`.
    if row.fingerprint != fingerprint {
        return Ok(Step::Refuse(reused()));
    }
    Ok(Step::Take(None))
}

fn in_use() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        BAD_REQUEST,
        "A request with this Idempotency-Key is still in progress. Try again shortly.",
        "business",
        "payment_initiation",
        "idempotency_key_in_use",
    )
    .with_field("Idempotency-Key")
}
