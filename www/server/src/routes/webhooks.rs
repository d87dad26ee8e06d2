//! `POST /api/webhooks/razorpay`: signature-checked webhook intake;
//! `GET /api/webhooks`: what was recorded (operator only).
//!
//! The signature (`X-Razorpay-Signature`, hex HMAC-SHA256) is checked over
//! the raw body bytes, against the current secret and, during a rotation,
//! the previous one until its end ([`accepted_secrets`]).
//!
//! A delivery is de-duplicated on its `X-Razorpay-Event-Id` (Razorpay's
//! rule: a redelivery carries the same id) and on what its signed body
//! says: the event name, its entity's id and its `created_at` (the id
//! header is not signed, so a replayed body with a made-up id is caught
//! too). An event without `created_at`, created more than [`MAX_AGE_SECS`]
//! ago or more than [`MAX_SKEW_SECS`] in the future is refused: a replay of
//! an old, signed event changes nothing.
//!
//! `order.paid` and `payment.captured` fulfil the order (see
//! [`crate::fulfilment`]) before the event is recorded: an event whose
//! processing failed is answered with an error and not recorded, so its
//! redelivery is processed.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::body::RawBody;
use crate::crypto::verify_hex;
use crate::db::now_secs;
use crate::error::{ApiError, BAD_REQUEST};
use crate::state::AppState;

/// The events recorded; others are acknowledged and ignored.
pub const RECORDED: &[&str] = &[
    "order.paid",
    "payment.captured",
    "payment.authorized",
    "token.confirmed",
    "token.rejected",
];

/// How old (by its signed `created_at`) an event may be: 48 hours, twice
/// Razorpay's 24 hours of redelivery.
pub const MAX_AGE_SECS: i64 = 48 * 60 * 60;
/// How far in the future an event's `created_at` may be (clock skew).
pub const MAX_SKEW_SECS: i64 = 5 * 60;

fn refused(description: &str) -> ApiError {
    refused_for(description, "invalid_signature")
}

fn refused_for(description: &str, reason: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        BAD_REQUEST,
        description,
        "business",
        "webhook",
        reason,
    )
}

/// The de-duplication key of a signed event: its name, entity id and `created_at`.
pub fn dedupe_key(name: &str, entity: Option<&str>, created_at: i64) -> String {
    crate::crypto::sha256_hex(
        format!("{name}|{}|{created_at}", entity.unwrap_or_default()).as_bytes(),
    )
}

/// The id of the event's main entity (`payload.payment.entity.id`, …).
fn entity_id(event: &Value) -> Option<String> {
    let payload = event.get("payload")?.as_object()?;
    let kind = event
        .get("contains")
        .and_then(|c| c.get(0))
        .and_then(Value::as_str);
    let entity = match kind {
        Some(k) => payload.get(k),
        None => payload.values().next(),
    }?;
    entity
        .pointer("/entity/id")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The secrets a webhook may be signed with at `now`: the current one and,
/// until its end, a rotation's previous one.
pub fn accepted_secrets(state: &AppState, now: i64) -> Vec<&str> {
    let mut secrets: Vec<&str> = state.webhook_secret.as_deref().into_iter().collect();
    if let Some((previous, until)) = &state.webhook_secret_previous {
        if now < *until {
            secrets.push(previous);
        }
    }
    secrets
}

/// Verifies `X-Razorpay-Signature` (hex HMAC-SHA256 of the raw body),
/// de-duplicates, fulfils (`order.paid`, `payment.captured`) and records the event.
pub async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let now = now_secs();
    let secrets = accepted_secrets(&state, now);
    if secrets.is_empty() {
        return Err(refused("Webhooks are not configured on this server."));
    }
    let signature = headers
        .get("x-razorpay-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // Every accepted secret is tried (no early exit), each in constant time.
    let valid = secrets.iter().fold(false, |ok, secret| {
        verify_hex(secret, &body, signature) | ok
    });
    if signature.is_empty() || !valid {
        return Err(refused("The webhook signature is invalid."));
    }
    let event: Value = serde_json::from_slice(&body)
        .map_err(|_| ApiError::validation(None, "The webhook body is not valid JSON"))?;
    let name = event
        .get("event")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !RECORDED.contains(&name.as_str()) {
        return Ok(Json(json!({ "status": "ignored" })).into_response());
    }
    let entity = entity_id(&event);
    let Some(created_at) = event.get("created_at").and_then(Value::as_i64) else {
        return Err(refused_for(
            "The webhook has no created_at.",
            "webhook_too_old",
        ));
    };
    if now - created_at > MAX_AGE_SECS || created_at - now > MAX_SKEW_SECS {
        return Err(refused_for(
            "The webhook's created_at is outside the accepted window.",
            "webhook_too_old",
        ));
    }
    let key = dedupe_key(&name, entity.as_deref(), created_at);
    let delivery = headers
        .get("x-razorpay-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.len() <= 64)
        .map(str::to_string);
    if state.store.webhook_seen(&key, delivery.as_deref()).await? {
        return Ok(Json(json!({ "status": "duplicate" })).into_response());
    }
    // Process first (the claim makes it happen once even when two
    // deliveries race here), record after: a failure is redelivered.
    let outcome = crate::fulfilment::from_webhook(&state, &event).await?;
    let payload = String::from_utf8_lossy(&body).into_owned();
    let inserted = state
        .store
        .record_webhook(
            &key,
            delivery.as_deref(),
            &name,
            entity.as_deref(),
            created_at,
            &payload,
        )
        .await?;
    let status = if inserted { "recorded" } else { "duplicate" };
    let fulfilment = match outcome {
        crate::fulfilment::Outcome::Fulfilled => "fulfilled",
        crate::fulfilment::Outcome::AlreadyFulfilled => "already_fulfilled",
        crate::fulfilment::Outcome::NotPaid(_) => "none",
    };
    Ok(Json(json!({ "status": status, "fulfilment": fulfilment })).into_response())
}

/// `GET /api/webhooks`: `{ entity: "collection", count, items: [{ event, entity_id, created_at }] }`:
/// the latest 500, oldest first. Only for `Authorization: Bearer OPERATOR_SECRET`
/// (the list names every payment).
pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    crate::operator::require(state.operator_secret.as_deref(), &headers)?;
    let items: Vec<Value> = state
        .store
        .latest_webhooks(500)
        .await?
        .into_iter()
        .map(|(event, entity_id, created_at)| json!({ "event": event, "entity_id": entity_id, "created_at": created_at }))
        .collect();
    Ok(
        Json(json!({ "entity": "collection", "count": items.len(), "items": items }))
            .into_response(),
    )
}
