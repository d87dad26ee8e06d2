//! Where the shopper lands after the bank page, and signature checks.
//!
//! `POST /checkout/callback` receives Razorpay's callback form
//! (`razorpay_payment_id`, `razorpay_order_id`, `razorpay_signature`, or
//! `error[code]`, `error[description]`, `error[source]`, `error[step]`,
//! `error[reason]`, `error[metadata]`), verifies the signature and
//! redirects (303) to `/result.html?…`. `POST /api/verify` checks a
//! signature for the OTP flow.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::body::{JsonObject, RawBody};
use crate::crypto::{is_id, verify_payment_signature};
use crate::error::ApiError;
use crate::state::AppState;

fn signature_valid(state: &AppState, order_id: &str, payment_id: &str, signature: &str) -> bool {
    is_id(order_id, "order")
        && is_id(payment_id, "pay")
        && verify_payment_signature(&state.key_secret, order_id, payment_id, signature)
}

fn see_other(query: &[(&str, String)]) -> Response {
    let q = serde_urlencoded::to_string(query).unwrap_or_default();
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, format!("/result.html?{q}")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
    )
        .into_response()
}

/// `POST /checkout/callback` (form-encoded, from the bank page).
///
/// Success: `/result.html?payment_id=…&order_id=…&signature_valid=true|false`.
/// Failure: `/result.html?error_code=…&error_description=…&error_source=…&error_step=…&error_reason=…`
/// plus `payment_id`/`order_id` when `error[metadata]` carries them.
pub async fn callback(State(state): State<AppState>, body: Result<RawBody, ApiError>) -> Response {
    let form: Vec<(String, String)> = match body {
        Ok(RawBody(b)) => serde_urlencoded::from_bytes(&b).unwrap_or_default(),
        Err(e) => return e.into_response(),
    };
    let get = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_string())
    };
    if let (Some(payment_id), Some(order_id)) =
        (get("razorpay_payment_id"), get("razorpay_order_id"))
    {
        let signature = get("razorpay_signature").unwrap_or_default();
        let valid = signature_valid(&state, &order_id, &payment_id, &signature);
        return see_other(&[
            ("payment_id", payment_id),
            ("order_id", order_id),
            ("signature_valid", valid.to_string()),
        ]);
    }
    let mut query: Vec<(&str, String)> = Vec::new();
    for (field, name) in [
        ("error[code]", "error_code"),
        ("error[description]", "error_description"),
        ("error[source]", "error_source"),
        ("error[step]", "error_step"),
        ("error[reason]", "error_reason"),
    ] {
        if let Some(v) = get(field) {
            query.push((name, v.chars().take(500).collect()));
        }
    }
    if let Some(meta) = get("error[metadata]").and_then(|m| serde_json::from_str::<Value>(&m).ok())
    {
        for (key, name) in [("payment_id", "payment_id"), ("order_id", "order_id")] {
            if let Some(v) = meta
                .get(key)
                .and_then(Value::as_str)
                .filter(|v| v.len() <= 40)
            {
                query.push((name, v.to_string()));
            }
        }
    }
    if query.is_empty() {
        query.push(("error_code", "BAD_REQUEST_ERROR".into()));
        query.push((
            "error_description",
            "The payment callback carried no result.".into(),
        ));
    }
    see_other(&query)
}

/// `POST /api/verify` `{ razorpay_order_id, razorpay_payment_id, razorpay_signature }` → `{ signature_valid }`.
pub async fn verify(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let field = |k: &str| -> Result<String, ApiError> {
        body.get(k)
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                ApiError::validation(Some(k.into()), format!("The {k} field is required."))
            })
    };
    let order_id = field("razorpay_order_id")?;
    let payment_id = field("razorpay_payment_id")?;
    let signature = field("razorpay_signature")?;
    Ok(Json(
        json!({ "signature_valid": signature_valid(&state, &order_id, &payment_id, &signature) }),
    )
    .into_response())
}
