//! The shopper's session: which Razorpay customer this browser signed in as.
//!
//! A shop has its own sign-in; the demo's stand-in is `POST /api/customers`
//! (email + phone). What is worth copying is what follows: the backend
//! remembers the customer in an `HttpOnly`, `SameSite=Strict` cookie signed
//! with a key derived from the key secret, and every route that touches a
//! customer's saved cards, payments or mandates takes the customer from
//! that cookie and refuses any other — never trusting a `customer_id` the
//! browser sends.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};

use crate::crypto::{hmac_hex, verify_hex};
use crate::error::{ApiError, BAD_REQUEST};

/// The cookie's name.
pub const COOKIE: &str = "rzp_demo_customer";

/// The signing key: derived from the key secret, so it needs no setting of
/// its own and never equals a key used elsewhere.
fn key(key_secret: &str) -> String {
    hmac_hex(key_secret, b"razorpay-demo shopper session v1")
}

/// The `Set-Cookie` value that signs this browser in as `customer_id`
/// (`Secure` when the shop is served over https).
pub fn set_cookie(key_secret: &str, https: bool, customer_id: &str) -> Option<HeaderValue> {
    let mac = hmac_hex(&key(key_secret), customer_id.as_bytes());
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE}={customer_id}.{mac}; Path=/; HttpOnly; SameSite=Strict{secure}")).ok()
}

/// The customer this request's session is signed in as, if any.
pub fn customer(key_secret: &str, headers: &HeaderMap) -> Option<String> {
    let key = key(key_secret);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == COOKIE)
        .filter_map(|(_, value)| value.rsplit_once('.'))
        .find(|(id, mac)| verify_hex(&key, id.as_bytes(), mac))
        .map(|(id, _)| id.to_owned())
}

/// `Ok` when the session is signed in as `customer_id`.
///
/// # Errors
/// 401 when no session is signed in, 403 when it is another customer's.
pub fn require(key_secret: &str, headers: &HeaderMap, customer_id: &str) -> Result<(), ApiError> {
    match customer(key_secret, headers) {
        Some(c) if c == customer_id => Ok(()),
        Some(_) => Err(refused(StatusCode::FORBIDDEN, "This customer is not the one signed in.")),
        None => Err(refused(StatusCode::UNAUTHORIZED, "Sign in first: no customer is signed in.")),
    }
}

fn refused(status: StatusCode, description: &str) -> ApiError {
    ApiError::new(status, BAD_REQUEST, description, "customer", "payment_initiation", "customer_not_signed_in")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_cookie_signed_here_names_a_customer() {
        let s = "secret_1";
        let cookie = set_cookie(s, false, "cust_AAAAAAAAAAAAAA").unwrap();
        let value = cookie.to_str().unwrap().split(';').next().unwrap().to_owned();
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(&format!("other=1; {value}")).unwrap());
        assert_eq!(customer(s, &h).as_deref(), Some("cust_AAAAAAAAAAAAAA"));
        assert!(require(s, &h, "cust_AAAAAAAAAAAAAA").is_ok());
        assert_eq!(require(s, &h, "cust_BBBBBBBBBBBBBB").unwrap_err().status, StatusCode::FORBIDDEN);
        // Another customer id with the same MAC, or a MAC from another secret: no session.
        let forged = value.replace("cust_AAAAAAAAAAAAAA", "cust_BBBBBBBBBBBBBB");
        h.insert(header::COOKIE, HeaderValue::from_str(&forged).unwrap());
        assert_eq!(customer(s, &h), None);
        let elsewhere = set_cookie("secret_2", true, "cust_AAAAAAAAAAAAAA").unwrap();
        assert!(elsewhere.to_str().unwrap().ends_with("; Secure"));
        h.insert(header::COOKIE, elsewhere.clone());
        assert_eq!(customer(s, &h), None);
        assert_eq!(require(s, &HeaderMap::new(), "cust_AAAAAAAAAAAAAA").unwrap_err().status, StatusCode::UNAUTHORIZED);
        assert!(cookie.to_str().unwrap().contains("HttpOnly; SameSite=Strict"));
    }
}
