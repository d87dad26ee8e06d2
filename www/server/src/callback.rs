//! Where the shopper lands after the bank page, and signature checks.
//!
//! `POST /checkout/callback` receives Razorpay's callback form
//! (`razorpay_payment_id`, `razorpay_order_id`, `razorpay_signature`, or
//! `error[code]`, `error[description]`, `error[source]`, `error[step]`,
//! `error[reason]`, `error[metadata]`), verifies the signature (and
//! records a valid one) and redirects (303) to
//! `/result.html?payment_id=…&order_id=…`: ids only, never a verdict or a
//! text the form carried. `POST /api/verify` checks (and records) a
//! signature for the OTP flow. `GET /api/checkout/result` is the verdict
//! the result page shows, from what this backend verified and the
//! gateway's status of the payment.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::body::{JsonObject, RawBody};
use crate::crypto::{is_id, verify_payment_signature};
use crate::error::{ApiError, BAD_REQUEST};
use crate::perimeter;
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
/// Success: a valid signature is recorded; either way
/// `/result.html?payment_id=…&order_id=…`. Failure: `/result.html` with
/// `payment_id`/`order_id` when `error[metadata]` carries them. The
/// result page asks `GET /api/checkout/result` for the verdict.
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
    let mut ids = (get("razorpay_payment_id"), get("razorpay_order_id"));
    if let (Some(payment_id), Some(order_id)) = &ids {
        let signature = get("razorpay_signature").unwrap_or_default();
        if signature_valid(&state, order_id, payment_id, &signature) {
            if let Err(e) = perimeter::record_verified(&state, order_id, payment_id).await {
                return e.into_response();
            }
            // The callback may come before the webhook: fulfil from a fetch.
            crate::fulfilment::after_signature(&state, order_id, payment_id, "callback").await;
        }
    } else if let Some(meta) =
        get("error[metadata]").and_then(|m| serde_json::from_str::<Value>(&m).ok())
    {
        let id = |key: &str| meta.get(key).and_then(Value::as_str).map(str::to_string);
        ids = (id("payment_id"), id("order_id"));
    }
    let mut query: Vec<(&str, String)> = Vec::new();
    if let Some(p) = ids.0.filter(|p| is_id(p, "pay")) {
        query.push(("payment_id", p));
    }
    if let Some(o) = ids.1.filter(|o| is_id(o, "order")) {
        query.push(("order_id", o));
    }
    see_other(&query)
}

/// The query of `GET /api/checkout/result`.
#[derive(serde::Deserialize)]
pub struct ResultQuery {
    payment_id: Option<String>,
    order_id: Option<String>,
}

/// `GET /api/checkout/result?payment_id=…&order_id=…` → `{ verdict, payment_id,
/// order_id, status, signature_verified, fulfilled, error? }` for a payment this
/// browser's checkout session started (404 otherwise).
///
/// `verdict` is `paid` only when this backend verified the payment's
/// signature for that order (callback or `/api/verify`) or fulfilled the
/// order with that payment (a signed webhook, see [`crate::fulfilment`]),
/// and the gateway says the payment is `authorized` or `captured` for that
/// order; `fulfilled` says whether the order was fulfilled with it; `failed`
/// when the gateway says `failed` (its `error_code`, `error_description`,
/// `error_reason` in `error`); `pending` otherwise.
pub async fn result(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ResultQuery>,
) -> Result<Response, ApiError> {
    let payment_id = q.payment_id.unwrap_or_default();
    if !is_id(&payment_id, "pay") {
        return Err(ApiError::validation(
            Some("payment_id".into()),
            "The payment_id is invalid.",
        ));
    }
    let checkout = crate::session::checkout_id(&headers);
    if !perimeter::owns_payment(&state, checkout.as_deref(), &payment_id).await? {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            BAD_REQUEST,
            "The id provided does not exist",
            "business",
            "payment_initiation",
            "payment_not_found",
        )
        .with_field("payment_id"));
    }
    let answer = state
        .gateway
        .call(Method::GET, &format!("/v1/payments/{payment_id}"), None)
        .await?;
    if answer.status >= 300 {
        return Ok(crate::routes::gateway_response(answer));
    }
    let p = &answer.body;
    let status = p.get("status").and_then(Value::as_str).unwrap_or_default();
    let order_id = p
        .get("order_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let asked = q.order_id.unwrap_or_default();
    let same_order = is_id(order_id, "order") && (asked.is_empty() || asked == order_id);
    let verified = same_order && perimeter::is_verified(&state, order_id, &payment_id).await?;
    // A late authorisation's callback carried no signature: the signed
    // webhook that fulfilled the order vouches for the payment instead.
    let fulfilled = same_order && state.store.is_fulfilled(order_id, &payment_id).await?;
    let verdict = match status {
        "authorized" | "captured" if verified || fulfilled => "paid",
        "failed" => "failed",
        _ => "pending",
    };
    let mut out = json!({
        "verdict": verdict,
        "payment_id": payment_id,
        "order_id": order_id,
        "status": status,
        "signature_verified": verified,
        "fulfilled": fulfilled,
    });
    if verdict == "failed" {
        out["error"] = json!({
            "code": p.get("error_code"),
            "description": p.get("error_description"),
            "source": p.get("error_source"),
            "step": p.get("error_step"),
            "reason": p.get("error_reason"),
        });
    }
    Ok(Json(out).into_response())
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
    let valid = signature_valid(&state, &order_id, &payment_id, &signature);
    if valid {
        perimeter::record_verified(&state, &order_id, &payment_id).await?;
        crate::fulfilment::after_signature(&state, &order_id, &payment_id, "verify").await;
    }
    Ok(Json(json!({ "signature_valid": valid })).into_response())
}
