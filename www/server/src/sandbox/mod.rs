//! An offline, Razorpay-compatible sandbox gateway.
//!
//! It speaks the subset of `https://api.razorpay.com/v1` the demo uses
//! (customers, orders incl. the Composite Order API, the redirect bank page,
//! native OTP, payments, tokens, recurring debits, webhooks) closely enough
//! that the backend talks to it exactly as it would to Razorpay.
//!
//! - [`db`]: SQLite state (survives restarts);
//! - [`validate`]: request validation and error objects;
//! - [`cards`]: Luhn, networks, failure-scenario test cards;
//! - [`entities`]: the JSON entities (customer, order, payment, token);
//! - [`payments`]: state transitions (create, capture, fail);
//! - [`api`]: the HTTP handlers;
//! - [`bank_page`]: the simulated 3-D Secure page;
//! - [`webhooks`]: signed event delivery in the background.

pub mod api;
pub mod bank_page;
pub mod cards;
pub mod db;
pub mod entities;
pub mod payments;
pub mod validate;
pub mod webhooks;

use std::path::Path;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;

use crate::db::Db;
use crate::error::{ApiError, BAD_REQUEST};

/// The account id put in webhook events when no `X-Razorpay-Account` was used.
pub const DEFAULT_ACCOUNT_ID: &str = "acc_SandboxAcct001";

/// Default of [`Sandbox::payment_expiry_secs`]: like Razorpay, a payment
/// that is not authenticated within this window fails (`payment_timed_out`)
/// and its bank page and OTP refuse it.
pub const PAYMENT_EXPIRY_SECS: i64 = 15 * 60;

/// Default of [`Sandbox::late_auth_ms`] (`SANDBOX_LATE_AUTH_MS`): the
/// late-authorisation card's bank answers 30 s after the shopper's Approve.
pub const LATE_AUTH_MS: i64 = 30_000;

/// Shared sandbox state.
#[derive(Clone)]
pub struct Sandbox {
    /// SQLite state.
    pub db: Db,
    /// Accepted key id.
    pub key_id: String,
    /// Accepted key secret (also signs payments).
    pub key_secret: String,
    /// This gateway's own base URL (for next-action URLs).
    pub base_url: String,
    /// Webhook delivery.
    pub webhooks: webhooks::Sender,
    /// Seconds a payment may stay `created` before it fails.
    pub payment_expiry_secs: i64,
    /// Milliseconds between the shopper's authentication and a
    /// late-authorisation card's authorisation.
    pub late_auth_ms: i64,
}

/// The partner sub-merchant of a request (`X-Razorpay-Account`), if any.
#[derive(Clone, Debug)]
pub struct Account(pub Option<String>);

impl Sandbox {
    /// Opens the database and builds the state.
    pub fn open(
        db_path: &Path,
        key_id: &str,
        key_secret: &str,
        base_url: &str,
        webhooks: webhooks::Sender,
    ) -> Result<Sandbox, String> {
        Ok(Sandbox {
            db: Db::open(db_path, db::SCHEMA)?,
            key_id: key_id.to_string(),
            key_secret: key_secret.to_string(),
            base_url: base_url.trim_end_matches('/').to_string(),
            webhooks,
            payment_expiry_secs: PAYMENT_EXPIRY_SECS,
            late_auth_ms: LATE_AUTH_MS,
        })
    }

    /// The same sandbox with another delay for late authorisations.
    pub fn with_late_auth(mut self, ms: i64) -> Sandbox {
        self.late_auth_ms = ms;
        self
    }

    /// The same sandbox with another expiry window for `created` payments.
    pub fn with_payment_expiry(mut self, secs: i64) -> Sandbox {
        self.payment_expiry_secs = secs;
        self
    }

    /// The HTTP routes.
    pub fn router(self) -> Router {
        let authed = Router::new()
            .route("/v1/customers", post(api::create_customer))
            .route("/v1/customers/{id}", get(api::fetch_customer))
            .route("/v1/customers/{id}/tokens", get(api::list_tokens))
            .route(
                "/v1/customers/{customer_id}/tokens/{token_id}",
                get(api::fetch_token).delete(api::delete_token),
            )
            .route("/v1/orders", post(api::create_order).get(api::list_orders))
            .route("/v1/orders/{id}", get(api::fetch_order))
            .route("/v1/orders/{id}/payments", get(api::list_order_payments))
            .route("/v1/payments", get(api::list_payments))
            .route("/v1/payments/{id}", get(api::fetch_payment))
            .route("/v1/payments/{id}/otp_generate", post(api::otp_generate))
            .route("/v1/payments/{id}/otp/submit", post(api::otp_submit))
            .route("/v1/payments/{id}/otp/resend", post(api::otp_resend))
            .route("/v1/payments/create/recurring", post(api::create_recurring))
            .route_layer(axum::middleware::from_fn_with_state(
                self.clone(),
                authenticate,
            ));
        // The bank page is opened by the shopper's browser: no API key.
        let pages = Router::new().route(
            "/v1/payments/{id}/authorize",
            get(bank_page::show).post(bank_page::submit),
        );
        let expire = axum::middleware::from_fn_with_state(self.clone(), expire_first);
        authed
            .merge(pages)
            .fallback(not_found)
            .layer(expire)
            .with_state(self)
    }

    /// Fails the payments whose window has passed (see
    /// [`payments::expire_due`]), then authorises the late authorisations
    /// that are due ([`payments::late_authorize_due`]), and sends their
    /// webhooks.
    pub async fn expire_due(&self) -> Result<(), ApiError> {
        let window = self.payment_expiry_secs;
        let me = self.clone();
        let events = self
            .db
            .call(move |conn| {
                let mut events = payments::expire_due(conn, crate::db::now_secs(), window)?;
                events.extend(payments::late_authorize_due(
                    conn,
                    &me.ctx(),
                    crate::db::now_ms() as i64,
                )?);
                Ok(events)
            })
            .await?;
        self.webhooks.send(events);
        Ok(())
    }

    /// Runs [`Sandbox::expire_due`] in the background (every 250 ms, or a
    /// quarter of the late-authorisation delay when shorter), so a payment
    /// times out and a late authorisation arrives even when nobody asks
    /// the gateway, until `stop` turns true.
    pub fn spawn_clock(
        self,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        let tick = std::time::Duration::from_millis((self.late_auth_ms / 4).clamp(20, 250) as u64);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stop.wait_for(|s| *s) => return,
                    _ = tokio::time::sleep(tick) => {}
                }
                if let Err(e) = self.expire_due().await {
                    eprintln!("sandbox: clock: {}", e.description);
                }
            }
        })
    }
}

async fn not_found() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        BAD_REQUEST,
        "The requested URL was not found on the server.",
        "NA",
        "NA",
        "NA",
    )
    .into_response()
}

/// Before any request: expired payments are failed first.
async fn expire_first(State(sb): State<Sandbox>, req: Request, next: Next) -> Response {
    if let Err(e) = sb.expire_due().await {
        return e.into_response();
    }
    next.run(req).await
}

fn auth_error(description: &str) -> Response {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        BAD_REQUEST,
        description,
        "NA",
        "NA",
        "NA",
    )
    .into_response()
}

/// Basic auth with the sandbox key, like Razorpay; records `X-Razorpay-Account`.
async fn authenticate(State(sb): State<Sandbox>, mut req: Request, next: Next) -> Response {
    match check_basic(req.headers(), &sb.key_id, &sb.key_secret) {
        Ok(()) => {}
        Err(resp) => return *resp,
    }
    let account = match req
        .headers()
        .get("x-razorpay-account")
        .map(|v| v.to_str().map(str::trim))
    {
        None => None,
        Some(Ok(a)) if crate::crypto::is_id(a, "acc") => Some(a.to_string()),
        Some(_) => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                BAD_REQUEST,
                "The account id provided is invalid",
                "NA",
                "NA",
                "NA",
            )
            .into_response()
        }
    };
    req.extensions_mut().insert(Account(account));
    next.run(req).await
}

fn check_basic(headers: &HeaderMap, key_id: &str, key_secret: &str) -> Result<(), Box<Response>> {
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Err(Box::new(auth_error(
            "Please provide your api key for authentication purposes.",
        )));
    };
    let decoded = value
        .strip_prefix("Basic ")
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok());
    let ok = decoded
        .as_deref()
        .and_then(|d| d.split_once(':'))
        .is_some_and(|(id, secret)| {
            // Compare digests so the time taken does not depend on where they differ.
            id == key_id
                && crate::crypto::sha256_hex(secret.as_bytes())
                    == crate::crypto::sha256_hex(key_secret.as_bytes())
        });
    if ok {
        Ok(())
    } else {
        Err(Box::new(auth_error("The api key provided is invalid")))
    }
}

/// (year, month) of a Unix time, UTC.
pub fn year_month(secs: i64) -> (u32, u32) {
    // Howard Hinnant's civil_from_days.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as u32, month as u32)
}

/// Unix time of the last second of a month (UTC).
pub fn end_of_month(year: u32, month: u32) -> i64 {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    days_from_civil(i64::from(y), i64::from(m), 1) * 86_400 - 1
}

/// Days since 1970-01-01 of a civil date (UTC).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        assert_eq!(year_month(0), (1970, 1));
        assert_eq!(year_month(1_751_373_404), (2025, 7));
        assert_eq!(end_of_month(1970, 1), 31 * 86_400 - 1);
        assert_eq!(year_month(end_of_month(2024, 2)), (2024, 2));
        assert_eq!(year_month(end_of_month(2024, 2) + 1), (2024, 3));
        assert_eq!(year_month(end_of_month(2030, 12) + 1), (2031, 1));
    }
}
