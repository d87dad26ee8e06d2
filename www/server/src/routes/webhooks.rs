//! `POST /api/webhooks/razorpay`: signature-checked webhook intake;
//! `GET /api/webhooks`: what was recorded.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rusqlite::params;
use serde_json::{json, Value};

use crate::body::RawBody;
use crate::crypto::verify_hex;
use crate::db::now_secs;
use crate::error::{ApiError, BAD_REQUEST};
use crate::state::AppState;

/// The events recorded; others are acknowledged and ignored.
pub const RECORDED: &[&str] = &[
    "payment.captured",
    "payment.authorized",
    "token.confirmed",
    "token.rejected",
];

fn refused(description: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        BAD_REQUEST,
        description,
        "business",
        "webhook",
        "invalid_signature",
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

/// Verifies `X-Razorpay-Signature` (hex HMAC-SHA256 of the raw body) and records the event.
pub async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let Some(secret) = state.webhook_secret.clone() else {
        return Err(refused("Webhooks are not configured on this server."));
    };
    let signature = headers
        .get("x-razorpay-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if signature.is_empty() || !verify_hex(&secret, &body, signature) {
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
    let event_id = headers
        .get("x-razorpay-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let entity = entity_id(&event);
    let created_at = event
        .get("created_at")
        .and_then(Value::as_i64)
        .unwrap_or_else(now_secs);
    let payload = String::from_utf8_lossy(&body).into_owned();
    state
        .db
        .call(move |conn| {
            // A redelivered event (same X-Razorpay-Event-Id) is recorded once.
            conn.execute(
                "INSERT OR IGNORE INTO webhook_events (event_id, event, entity_id, created_at, received_at, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![event_id, name, entity, created_at, now_secs(), payload],
            )?;
            Ok(())
        })
        .await?;
    Ok(Json(json!({ "status": "recorded" })).into_response())
}

/// `GET /api/webhooks`: `{ entity: "collection", count, items: [{ event, entity_id, created_at }] }`:
/// the latest 500, oldest first.
pub async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let items = state
        .db
        .call(|conn| {
            let mut stmt = conn.prepare(
                "SELECT event, entity_id, created_at FROM (SELECT * FROM webhook_events ORDER BY id DESC LIMIT 500) ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(json!({ "event": r.get::<_, String>(0)?, "entity_id": r.get::<_, Option<String>>(1)?, "created_at": r.get::<_, i64>(2)? }))
            })?;
            let mut out = Vec::new();
            for row in rows {
                out.push(row?);
            }
            Ok(out)
        })
        .await?;
    Ok(
        Json(json!({ "entity": "collection", "count": items.len(), "items": items }))
            .into_response(),
    )
}
