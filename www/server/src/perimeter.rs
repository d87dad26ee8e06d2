//! The backend's perimeter: what a request must look like before a route
//! sees it, the headers every API answer carries, the operator's token,
//! and who started which payment.
//!
//! [`guard`] (a middleware around every route):
//!
//! - `POST`/`PUT`/`PATCH` to `/api/…` take `application/json` only (415
//!   otherwise) and `POST`/`PUT`/`PATCH`/`DELETE` to `/api/…` refuse an
//!   `Origin` other than this shop's own (403), so a cross-site form
//!   (`text/plain`, `multipart/form-data`, urlencoded) is never processed;
//! - `POST /api/webhooks/razorpay` is server-to-server: `application/json`,
//!   and no `Origin` at all (a browser sends one);
//! - `POST /checkout/callback` is the bank's cross-site form: it takes
//!   `application/x-www-form-urlencoded` only, from no `Origin`, `null`,
//!   this shop or the gateway;
//! - every `/api/…` answer gets `Cache-Control: no-store` and
//!   `X-Content-Type-Options: nosniff`.
//!
//! Refusals use Razorpay's error shape. `GET`/`HEAD` are not checked.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use reqwest::Url;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, BAD_REQUEST};
use crate::state::AppState;

/// The webhook intake (server-to-server).
pub const WEBHOOK_PATH: &str = "/api/webhooks/razorpay";
/// The bank's return form.
pub const CALLBACK_PATH: &str = "/checkout/callback";

fn unsupported(expected: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        BAD_REQUEST,
        format!("The request body must be {expected}."),
        "business",
        "payment_initiation",
        "unsupported_media_type",
    )
}

fn cross_origin(description: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        BAD_REQUEST,
        description,
        "business",
        "payment_initiation",
        "cross_origin_request",
    )
}

fn media_type(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(
        v.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase(),
    )
}

fn origin_of(url: &str) -> Option<String> {
    let u = Url::parse(url).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| u.origin().ascii_serialization())
}

/// True for this shop's own origin: `PUBLIC_URL`'s, or the one the request
/// was addressed to (its `Host`, with `PUBLIC_URL`'s scheme).
fn own_origin(state: &AppState, headers: &HeaderMap, origin: &str) -> bool {
    let public = origin_of(&state.public_url);
    if public
        .as_deref()
        .is_some_and(|p| p.eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let scheme = if state.public_url.starts_with("https:") {
        "https"
    } else {
        "http"
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let addressed = host.and_then(|h| origin_of(&format!("{scheme}://{h}")));
    addressed.is_some_and(|a| a.eq_ignore_ascii_case(origin))
}

/// The rules of the module docs; `Ok` lets the request through.
pub fn check(
    state: &AppState,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let origin = headers
        .get(header::ORIGIN)
        .map(|o| o.to_str().unwrap_or("invalid").trim().to_string());
    let media = media_type(headers);
    if path == CALLBACK_PATH {
        let gateway = state.gateway.base().origin().ascii_serialization();
        let allowed = match origin.as_deref() {
            None | Some("null") => true,
            Some(o) => o.eq_ignore_ascii_case(&gateway) || own_origin(state, headers, o),
        };
        if !allowed {
            return Err(cross_origin(
                "The payment callback comes from the gateway only.",
            ));
        }
        if media.as_deref() != Some("application/x-www-form-urlencoded") {
            return Err(unsupported("application/x-www-form-urlencoded"));
        }
        return Ok(());
    }
    if path != "/api" && !path.starts_with("/api/") {
        return Ok(());
    }
    if path == WEBHOOK_PATH {
        if origin.is_some() {
            return Err(cross_origin(
                "Webhooks come from the gateway's servers, not from a browser.",
            ));
        }
    } else {
        let cross_site = headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"));
        let foreign = match origin.as_deref() {
            Some(o) => !own_origin(state, headers, o),
            None => cross_site,
        };
        if foreign {
            return Err(cross_origin("Requests from another site are refused."));
        }
    }
    if *method != Method::DELETE && media.as_deref() != Some("application/json") {
        return Err(unsupported("application/json"));
    }
    Ok(())
}

fn api_headers(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// The middleware: [`check`], then the route, then the API headers.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let api = path == "/api" || path.starts_with("/api/");
    let mut response = match check(&state, req.method(), &path, req.headers()) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    };
    if api || path == CALLBACK_PATH {
        api_headers(&mut response);
    }
    response
}

/// Equal strings, compared in time that does not depend on where they
/// differ (both are hashed first, so neither does their length).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

/// Records that the checkout session `checkout` started `payment_id` (the
/// first session to get a payment id keeps it).
pub async fn record_payment(
    state: &AppState,
    checkout: &str,
    payment_id: &str,
) -> Result<(), ApiError> {
    state.store.record_payment(checkout, payment_id).await
}

/// True when the checkout session `checkout` started `payment_id`.
pub async fn owns_payment(
    state: &AppState,
    checkout: Option<&str>,
    payment_id: &str,
) -> Result<bool, ApiError> {
    match checkout {
        Some(c) => state.store.owns_payment(c, payment_id).await,
        None => Ok(false),
    }
}

/// Records a payment whose signature this backend verified.
pub async fn record_verified(
    state: &AppState,
    order_id: &str,
    payment_id: &str,
) -> Result<(), ApiError> {
    state.store.record_verified(order_id, payment_id).await
}

/// True when this backend verified the signature of `payment_id` for `order_id`.
pub async fn is_verified(
    state: &AppState,
    order_id: &str,
    payment_id: &str,
) -> Result<bool, ApiError> {
    state.store.is_verified(order_id, payment_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_is_eq() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert!(!constant_time_eq("", "a"));
    }
}
