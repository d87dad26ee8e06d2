//! The backend's routes.
//!
//! - [`checkout`]: `POST /api/checkout`, `POST /api/recurring`;
//! - [`otp`]: `POST /api/checkout/otp/{generate,submit,resend}`;
//! - [`tokens`]: customers, tokens, payments;
//! - [`webhooks`]: `POST /api/webhooks/razorpay`, `GET /api/webhooks` (operator only);
//! - [`crate::fulfilment`]: `GET /api/fulfilments` (operator only);
//! - [`crate::callback`]: `POST /checkout/callback`, `POST /api/verify`,
//!   `GET /api/checkout/result`;
//! - [`crate::carts`]: `POST /api/carts`, `GET /api/carts/{id}`;
//! - `GET /api/config` (here).

pub mod checkout;
pub mod otp;
pub mod tokens;
pub mod webhooks;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use razorpay_checkout_wasm::checkout::OtpCall;

use crate::error::{ApiError, BAD_REQUEST};
use crate::gateway_client::GatewayAnswer;
use crate::state::AppState;

/// The `/api` and `/checkout` routes (static files are added by the caller).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/config", get(config))
        .route("/api/carts", post(crate::carts::create))
        .route("/api/carts/{id}", get(crate::carts::fetch))
        .route(otp::CHECKOUT_ENDPOINT, post(checkout::checkout))
        // The routes the browser's `Checkout` calls, from the crate's one
        // definition (`{endpoint}/otp/{generate,submit,resend}`).
        .route(&otp::route(OtpCall::Generate), post(otp::generate))
        .route(&otp::route(OtpCall::Submit), post(otp::submit))
        .route(&otp::route(OtpCall::Resend), post(otp::resend))
        .route("/api/recurring", post(checkout::recurring))
        .route("/api/customers", post(tokens::create_customer))
        .route("/api/customers/{id}/tokens", get(tokens::list_tokens))
        .route(
            "/api/customers/{customer_id}/tokens/{token_id}",
            axum::routing::delete(tokens::delete_token),
        )
        .route("/api/payments/{id}", get(tokens::fetch_payment))
        .route("/api/verify", post(crate::callback::verify))
        .route("/api/checkout/result", get(crate::callback::result))
        .route("/api/webhooks/razorpay", post(webhooks::receive))
        .route("/api/webhooks", get(webhooks::list))
        .route("/api/fulfilments", get(crate::fulfilment::list))
        .route("/checkout/callback", post(crate::callback::callback))
        .route("/api", axum::routing::any(api_not_found))
        .route("/api/{*rest}", axum::routing::any(api_not_found))
}

/// Passes a gateway answer on: its status and JSON.
pub fn gateway_response(answer: GatewayAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    (status, Json(answer.body)).into_response()
}

/// `GET /api/config`: what the page may know (never the secret), plus
/// `timeout_ms` when `CHECKOUT_TIMEOUT_MS` is set.
/// Also starts this browser's checkout session (see [`crate::session`])
/// when it has none, so that the page's first checkouts (a double click)
/// share one.
async fn config(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let mut c = json!({ "gateway_host": state.gateway.host(), "key_id": state.key_id });
    if let Some(ms) = state.checkout_timeout_ms {
        c["timeout_ms"] = json!(ms);
    }
    let mut response = Json(c).into_response();
    if crate::session::checkout_id(&headers).is_none() {
        if let (_, Some(cookie)) =
            crate::session::new_checkout(state.public_url.starts_with("https:"))
        {
            response.headers_mut().insert(header::SET_COOKIE, cookie);
        }
    }
    response
}

async fn api_not_found() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        BAD_REQUEST,
        "The requested URL was not found on the server.",
        "business",
        "NA",
        "NA",
    )
    .into_response()
}
