//! `POST /api/checkout/otp/{generate,submit,resend}` `{ "url", "otp"? }`:
//! forwards a next-action URL to the gateway with the merchant's key.
//!
//! The routes and the body are the checkout crate's contract
//! ([`OtpCall`], [`OtpRequest`]): the browser's `Checkout` posts exactly
//! what is read here.
//!
//! The URL must be the configured gateway's scheme, host and port, and its
//! path exactly the action's (`/v1/payments/pay_…/otp_generate`,
//! `…/otp/submit`, `…/otp/resend`): the backend's credentials can never be
//! pointed at another host or another gateway endpoint. The payment must be
//! one this browser's checkout session started (see [`crate::session`]):
//! another browser's call is answered 404 and never reaches the gateway,
//! so it cannot spend the shopper's OTP attempts.

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use reqwest::Url;
use serde_json::{json, Value};

use super::gateway_response;
use razorpay_checkout_wasm::checkout::{default_otp_endpoint, OtpCall, OtpRequest};

use crate::body::JsonObject;
use crate::crypto::is_id;
use crate::error::{ApiError, BAD_REQUEST};
use crate::state::AppState;

/// The checkout endpoint the demo's pages use (`new Checkout({ endpoint: '/api/checkout' })`).
pub const CHECKOUT_ENDPOINT: &str = "/api/checkout";

/// The route of an OTP call: `/api/checkout/otp/{generate,submit,resend}`.
pub fn route(call: OtpCall) -> String {
    call.url(&default_otp_endpoint(CHECKOUT_ENDPOINT))
}

type Action = OtpCall;

/// The gateway path the call forwards to, after `/v1/payments/pay_…/`.
fn suffix(action: Action) -> &'static [&'static str] {
    match action {
        Action::Generate => &["otp_generate"],
        Action::Submit => &["otp", "submit"],
        Action::Resend => &["otp", "resend"],
    }
}

fn refused(description: &str) -> ApiError {
    let mut e = ApiError::validation(Some("url".into()), description);
    e.reason = "unsafe_next_action_url".into();
    e
}

/// Checks a next-action URL against the gateway and the action.
fn check_url(state: &AppState, raw: &str, action: Action) -> Result<Url, ApiError> {
    let url = Url::parse(raw).map_err(|_| refused("The url is not a valid URL."))?;
    if !state.gateway.same_origin(&url) {
        return Err(refused("The url does not point to the payment gateway."));
    }
    if url.fragment().is_some() {
        return Err(refused("The url must not have a fragment."));
    }
    let base_segments: Vec<&str> = state
        .gateway
        .base()
        .path_segments()
        .map(|s| s.filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    let segments: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
    let rest = segments.get(base_segments.len()..).unwrap_or_default();
    let ok = segments.starts_with(&base_segments)
        && rest.len() == 3 + suffix(action).len()
        && rest.first() == Some(&"v1")
        && rest.get(1) == Some(&"payments")
        && rest.get(2).is_some_and(|id| is_id(id, "pay"))
        && rest.get(3..) == Some(suffix(action));
    if !ok {
        return Err(refused(
            "The url is not a payment OTP action of the gateway.",
        ));
    }
    if action != Action::Generate && url.query().is_some() {
        return Err(refused("The url must not have a query."));
    }
    Ok(url)
}

/// The payment id in a checked OTP action URL.
fn payment_of(state: &AppState, url: &Url) -> Option<String> {
    let skip = state
        .gateway
        .base()
        .path_segments()
        .map(|s| s.filter(|x| !x.is_empty()).count())
        .unwrap_or(0);
    url.path_segments()?.nth(skip + 2).map(str::to_string)
}

async fn forward(
    state: AppState,
    headers: HeaderMap,
    body: serde_json::Map<String, Value>,
    action: Action,
) -> Result<Response, ApiError> {
    let raw = match body.get(OtpRequest::URL) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        _ => {
            return Err(ApiError::validation(
                Some("url".into()),
                "The url field is required.",
            ))
        }
    };
    let url = check_url(&state, &raw, action)?;
    let payment_id = payment_of(&state, &url).unwrap_or_default();
    let checkout = crate::session::checkout_id(&headers);
    if !crate::perimeter::owns_payment(&state, checkout.as_deref(), &payment_id).await? {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            BAD_REQUEST,
            "The id provided does not exist",
            "business",
            "payment_authentication",
            "payment_not_found",
        )
        .with_field("url"));
    }
    let payload = if action == Action::Submit {
        let otp = match body.get(OtpRequest::OTP) {
            Some(Value::String(s)) if !s.trim().is_empty() && s.trim().len() <= 16 => {
                s.trim().to_string()
            }
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                return Err(ApiError::validation(
                    Some("otp".into()),
                    "The otp field is required.",
                ))
            }
        };
        Some(json!({ "otp": otp }))
    } else {
        None
    };
    let answer = state
        .gateway
        .call_url(Method::POST, url, payload.as_ref())
        .await?;
    Ok(gateway_response(answer))
}

/// `POST /api/checkout/otp/generate`.
pub async fn generate(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    forward(state, headers, body, Action::Generate).await
}

/// `POST /api/checkout/otp/submit`.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    forward(state, headers, body, Action::Submit).await
}

/// `POST /api/checkout/otp/resend`.
pub async fn resend(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    forward(state, headers, body, Action::Resend).await
}
