//! One payment per merchant order: the composite order's `receipt` is the
//! merchant's own order (cart) id, and the backend lets only one checkout
//! at a time pay it.
//!
//! The `Idempotency-Key` makes the retries of one `Checkout` safe; it
//! cannot help when the same cart is paid from two tabs, each with its own
//! key. So, before an order with a `receipt` goes to the gateway:
//!
//! - no earlier checkout for the receipt, or the earlier one got an error
//!   from the gateway, or its payment has `failed`, or it is still `created`
//!   (never authenticated) after [`ABANDONED_AFTER_SECS`]: this one goes on;
//! - an earlier checkout is in flight: this one waits for it;
//! - its payment is authorized or captured: a 409 with reason
//!   `order_already_paid`;
//! - the earlier checkout sent the very same order (same card, amount,
//!   page): its answer is replayed, so both tabs follow the same payment;
//! - otherwise: a 409 with reason `order_payment_in_progress`.
//!
//! A refusal never calls the gateway to create anything.
//!
//! A receipt belongs to the checkout session that first paid it (`owner`,
//! see [`crate::session`]): another browser's checkout of it gets a 403
//! with reason `order_belongs_to_another_checkout`, sees nothing of the
//! earlier answer and changes nothing.
//!
//! Orders without a `receipt` are not de-duplicated here.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use crate::crypto::is_id;
use crate::db::now_secs;
use crate::error::{ApiError, BAD_REQUEST};
use crate::gateway_client::GatewayAnswer;
use crate::state::AppState;

/// A payment still `created` this long after it was made is taken as
/// abandoned (the shopper closed the bank page or the OTP dialog).
pub const ABANDONED_AFTER_SECS: i64 = 15 * 60;
/// An unfinished claim older than this (a crash mid-request) is taken over.
const STALE_AFTER_SECS: i64 = 60;
/// How long a request waits for another one paying the same receipt.
const WAIT_LIMIT: Duration = Duration::from_secs(35);

enum Claim {
    NotYours,
    Mine,
    Busy,
    Done {
        fingerprint: String,
        status: u16,
        response: String,
        payment_id: Option<String>,
        updated_at: i64,
    },
}

/// What to do with an earlier, finished checkout of the same receipt.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Pay again (the earlier attempt failed or was abandoned).
    Retry,
    /// Give the earlier answer (the same order again).
    Replay,
    /// Refuse: already paid.
    Paid,
    /// Refuse: another payment of this receipt is under way.
    InProgress,
}

/// The rule, given the earlier answer's status, whether the order is the
/// same, and the earlier payment's gateway status and age (when known).
pub fn verdict(
    earlier_status: u16,
    same_order: bool,
    payment: Option<(&str, i64)>,
    now: i64,
) -> Verdict {
    if earlier_status >= 300 {
        return Verdict::Retry;
    }
    match payment {
        Some(("failed", _)) => Verdict::Retry,
        Some(("created", created_at)) if now - created_at > ABANDONED_AFTER_SECS => Verdict::Retry,
        Some(("authorized" | "captured" | "refunded", _)) => Verdict::Paid,
        _ if same_order => Verdict::Replay,
        _ => Verdict::InProgress,
    }
}

fn refused(description: &str, reason: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        BAD_REQUEST,
        description,
        "business",
        "payment_initiation",
        reason,
    )
    .with_field("receipt")
}

/// The payment id in a gateway answer (an order, or an error's metadata).
pub fn payment_id_of(body: &Value) -> Option<String> {
    [
        body.pointer("/payment_workflow/razorpay_payment_id"),
        body.pointer("/error/metadata/payment_id"),
    ]
    .into_iter()
    .flatten()
    .find_map(Value::as_str)
    .filter(|id| is_id(id, "pay"))
    .map(str::to_string)
}

/// The gateway's status of a payment and its `created_at`; `None` when the
/// gateway does not say.
async fn payment_status(state: &AppState, payment_id: &str) -> Result<Option<(String, i64)>, ApiError> {
    let answer = state
        .gateway
        .call(Method::GET, &format!("/v1/payments/{payment_id}"), None)
        .await?;
    if answer.status >= 300 {
        return Ok(None);
    }
    let status = answer.body.get("status").and_then(Value::as_str);
    let created = answer.body.get("created_at").and_then(Value::as_i64);
    Ok(status.map(|s| (s.to_string(), created.unwrap_or(0))))
}

/// Runs `call` unless the receipt is already being paid (see the module docs).
pub async fn once<F, Fut>(
    state: &AppState,
    receipt: &str,
    owner: &str,
    fingerprint: &str,
    call: F,
) -> Result<GatewayAnswer, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<GatewayAnswer, ApiError>>,
{
    let started = tokio::time::Instant::now();
    // `Some(updated_at)`: take over that finished row (if still unchanged).
    let mut take_over: Option<i64> = None;
    loop {
        let (r, fp, take) = (receipt.to_string(), fingerprint.to_string(), take_over.take());
        let who = owner.to_string();
        let claim = state
            .db
            .call(move |conn| {
                let tx = conn.transaction()?;
                let now = now_secs();
                type Row = (String, String, Option<u16>, Option<String>, Option<String>, i64);
                let row: Option<Row> = tx
                    .query_row(
                        "SELECT fingerprint, state, status, response, payment_id, updated_at FROM receipts WHERE receipt = ?1",
                        [&r],
                        |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?, x.get(4)?, x.get(5)?)),
                    )
                    .optional()?;
                let owner: Option<String> =
                    tx.query_row("SELECT owner FROM receipts WHERE receipt = ?1", [&r], |x| x.get(0)).optional()?.flatten();
                let claim = match row {
                    Some(_) if owner.as_ref().is_some_and(|o| *o != who) => Claim::NotYours,
                    Some((f, s, Some(status), Some(response), payment_id, updated_at))
                        if s == "done" && take != Some(updated_at) =>
                    {
                        Claim::Done { fingerprint: f, status, response, payment_id, updated_at }
                    }
                    Some((_, s, _, _, _, updated_at)) if s != "done" && now - updated_at < STALE_AFTER_SECS => {
                        Claim::Busy
                    }
                    _ => {
                        tx.execute(
                            "INSERT INTO receipts (receipt, fingerprint, state, updated_at, owner) VALUES (?1, ?2, 'pending', ?3, ?4)
                             ON CONFLICT (receipt) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'pending',
                               status = NULL, response = NULL, payment_id = NULL, updated_at = excluded.updated_at,
                               owner = excluded.owner",
                            params![r, fp, now, who],
                        )?;
                        Claim::Mine
                    }
                };
                tx.commit()?;
                Ok(claim)
            })
            .await?;
        match claim {
            Claim::NotYours => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    BAD_REQUEST,
                    "This order belongs to another checkout.",
                    "business",
                    "payment_initiation",
                    "order_belongs_to_another_checkout",
                )
                .with_field("receipt"))
            }
            Claim::Mine => break,
            Claim::Busy => {
                if started.elapsed() > WAIT_LIMIT {
                    return Err(refused(
                        "This order is already being paid in another tab or window.",
                        "order_payment_in_progress",
                    ));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Claim::Done { fingerprint: earlier, status, response, payment_id, updated_at } => {
                let payment = match &payment_id {
                    Some(id) if status < 300 => payment_status(state, id).await?,
                    _ => None,
                };
                let payment = payment.as_ref().map(|(s, t)| (s.as_str(), *t));
                match verdict(status, earlier == fingerprint, payment, now_secs()) {
                    Verdict::Retry => take_over = Some(updated_at),
                    Verdict::Replay => {
                        let body: Value = serde_json::from_str(&response)
                            .map_err(|e| ApiError::internal(format!("stored answer: {e}")))?;
                        return Ok(GatewayAnswer { status, body });
                    }
                    Verdict::Paid => {
                        return Err(refused("This order has already been paid.", "order_already_paid"))
                    }
                    Verdict::InProgress => {
                        return Err(refused(
                            "This order is already being paid in another tab or window. Finish the payment there, or try again in a few minutes.",
                            "order_payment_in_progress",
                        ))
                    }
                }
            }
        }
    }
    let r = receipt.to_string();
    match call().await {
        Ok(answer) => {
            let (status, body, payment_id) = (answer.status, answer.body.to_string(), payment_id_of(&answer.body));
            state
                .db
                .call(move |conn| {
                    conn.execute(
                        "UPDATE receipts SET state = 'done', status = ?2, response = ?3, payment_id = ?4, updated_at = ?5 WHERE receipt = ?1",
                        params![r, status, body, payment_id, now_secs()],
                    )?;
                    Ok(())
                })
                .await?;
            Ok(answer)
        }
        Err(e) => {
            state
                .db
                .call(move |conn| {
                    conn.execute("DELETE FROM receipts WHERE receipt = ?1 AND state = 'pending'", [r])?;
                    Ok(())
                })
                .await?;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_rule() {
        let now = 1_000_000;
        assert_eq!(verdict(400, false, None, now), Verdict::Retry);
        assert_eq!(verdict(200, false, Some(("failed", now)), now), Verdict::Retry);
        assert_eq!(verdict(200, false, Some(("created", now - ABANDONED_AFTER_SECS - 1)), now), Verdict::Retry);
        assert_eq!(verdict(200, true, Some(("created", now - 5)), now), Verdict::Replay);
        assert_eq!(verdict(200, true, Some(("captured", now - 5)), now), Verdict::Paid);
        assert_eq!(verdict(200, false, Some(("captured", now - 5)), now), Verdict::Paid);
        assert_eq!(verdict(200, false, Some(("created", now - 5)), now), Verdict::InProgress);
        assert_eq!(verdict(200, false, None, now), Verdict::InProgress);
    }

    #[test]
    fn payment_ids_are_found_in_orders_and_errors() {
        let order = json!({ "payment_workflow": { "razorpay_payment_id": "pay_29QQoUBi66xm2f" } });
        assert_eq!(payment_id_of(&order).as_deref(), Some("pay_29QQoUBi66xm2f"));
        let error = json!({ "error": { "metadata": { "payment_id": "pay_29QQoUBi66xm2f" } } });
        assert_eq!(payment_id_of(&error).as_deref(), Some("pay_29QQoUBi66xm2f"));
        assert_eq!(payment_id_of(&json!({ "payment_workflow": { "razorpay_payment_id": "../x" } })), None);
    }
}
