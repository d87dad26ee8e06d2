//! The shopper's session: which Razorpay customer this browser signed in as.
//!
//! A shop has its own sign-in; the demo's stand-in is `POST /api/customers`
//! (email + phone). What is worth copying is what follows: the backend
//! remembers the customer in an `HttpOnly`, `SameSite=Strict` cookie signed
//! by the `cookie` crate's signed jar (HMAC-SHA256, key derived from the
//! session secret: `SESSION_SECRET`, or one made up at each start)
//! that carries its issue time and expires after [`MAX_AGE_SECS`], and
//! every route that touches a
//! customer's saved cards, payments or mandates takes the customer from
//! that cookie and refuses any other — never trusting a `customer_id` the
//! browser sends.

//!
//! The checkout session ([`CHECKOUT_COOKIE`]) is another cookie: a random
//! id that `POST /api/checkout` sets when the browser has none. The
//! payments and receipts a checkout starts belong to it (see
//! [`crate::perimeter`]'s ownership records): another browser's OTP calls
//! and receipts are refused.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};

use cookie::{Cookie, CookieJar, Key, SameSite};
use sha2::{Digest, Sha512};

use crate::crypto::random_alnum;
use crate::db::now_secs;
use crate::error::{ApiError, BAD_REQUEST};

/// The cookie's name.
pub const COOKIE: &str = "rzp_demo_customer";

/// How long a sign-in lasts: 12 hours from the cookie's issue time (also
/// its `Max-Age`). An older cookie, or one issued in the future, names no one.
pub const MAX_AGE_SECS: i64 = 12 * 60 * 60;

/// The checkout session cookie's name.
pub const CHECKOUT_COOKIE: &str = "rzp_demo_checkout";

/// The signing key of the session cookie: 64 bytes derived from `secret`
/// (the cookie crate's [`Key`] wants 64; any secret length maps onto it),
/// used for this cookie only (the jar signs the value, so a key shared by
/// two cookies would let one's value stand for the other's).
fn key(secret: &str) -> Key {
    let mut h = Sha512::new();
    h.update(b"razorpay-demo shopper session v3|");
    h.update(secret.as_bytes());
    Key::from(&h.finalize())
}

/// The cookie value for `customer_id` issued at `issued_at`: the cookie
/// crate's signed jar signs `customer_id.issued_at` (HMAC-SHA256 over the
/// cookie's name and value, base64, in front of the value). Public for tests.
pub fn cookie_value(secret: &str, customer_id: &str, issued_at: i64) -> String {
    let mut jar = CookieJar::new();
    jar.signed_mut(&key(secret))
        .add(Cookie::new(COOKIE, format!("{customer_id}.{issued_at}")));
    jar.get(COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default()
}

/// `value` as signed by this backend with `secret`, if it is.
fn verified(secret: &str, value: &str) -> Option<String> {
    let mut jar = CookieJar::new();
    jar.add_original(Cookie::new(COOKIE, value.to_string()));
    jar.signed(&key(secret))
        .get(COOKIE)
        .map(|c| c.value().to_string())
}

fn attributes(https: bool) -> &'static str {
    if https {
        "; Path=/; HttpOnly; SameSite=Strict; Secure"
    } else {
        "; Path=/; HttpOnly; SameSite=Strict"
    }
}

/// The `Set-Cookie` value that signs this browser in as `customer_id`
/// from now on (`Secure` when the shop is served over https).
pub fn set_cookie(secret: &str, https: bool, customer_id: &str) -> Option<HeaderValue> {
    let cookie = Cookie::build((COOKIE, cookie_value(secret, customer_id, now_secs())))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(https)
        .max_age(cookie::time::Duration::seconds(MAX_AGE_SECS))
        .build();
    HeaderValue::from_str(&cookie.to_string()).ok()
}

fn cookies<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// The customer this request's session is signed in as, if any: a cookie
/// signed with `secret`, issued at most [`MAX_AGE_SECS`] ago.
pub fn customer(secret: &str, headers: &HeaderMap) -> Option<String> {
    let now = now_secs();
    cookies(headers, COOKIE)
        .filter_map(|value| {
            let signed = verified(secret, value)?;
            let (id, issued) = signed.rsplit_once('.')?;
            let issued_at: i64 = issued.parse().ok()?;
            let fresh = issued_at <= now + 60 && now - issued_at <= MAX_AGE_SECS;
            fresh.then(|| id.to_owned())
        })
        .next()
}

/// `Ok` when the session is signed in as `customer_id`.
///
/// # Errors
/// 401 when no session is signed in, 403 when it is another customer's.
pub fn require(secret: &str, headers: &HeaderMap, customer_id: &str) -> Result<(), ApiError> {
    match customer(secret, headers) {
        Some(c) if c == customer_id => Ok(()),
        Some(_) => Err(refused(
            StatusCode::FORBIDDEN,
            "This customer is not the one signed in.",
        )),
        None => Err(refused(
            StatusCode::UNAUTHORIZED,
            "Sign in first: no customer is signed in.",
        )),
    }
}

fn refused(status: StatusCode, description: &str) -> ApiError {
    ApiError::new(
        status,
        BAD_REQUEST,
        description,
        "customer",
        "payment_initiation",
        "customer_not_signed_in",
    )
}

fn is_checkout_id(value: &str) -> bool {
    value
        .strip_prefix("chk_")
        .is_some_and(|r| r.len() == 32 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// This browser's checkout session id, if it has one.
pub fn checkout_id(headers: &HeaderMap) -> Option<String> {
    cookies(headers, CHECKOUT_COOKIE)
        .find(|v| is_checkout_id(v))
        .map(str::to_owned)
}

/// A new checkout session id (`chk_` + 32 random alphanumerics) and its
/// `Set-Cookie` value (a browser-session cookie, `HttpOnly`, `SameSite=Strict`).
pub fn new_checkout(https: bool) -> (String, Option<HeaderValue>) {
    let id = format!("chk_{}", random_alnum(32));
    let cookie =
        HeaderValue::from_str(&format!("{CHECKOUT_COOKIE}={id}{}", attributes(https))).ok();
    (id, cookie)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::hmac_hex;

    fn with_cookie(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn only_a_cookie_signed_here_names_a_customer() {
        let s = "secret_1";
        let cookie = set_cookie(s, false, "cust_AAAAAAAAAAAAAA").unwrap();
        let value = cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let h = with_cookie(&format!("other=1; {value}"));
        assert_eq!(customer(s, &h).as_deref(), Some("cust_AAAAAAAAAAAAAA"));
        assert!(require(s, &h, "cust_AAAAAAAAAAAAAA").is_ok());
        assert_eq!(
            require(s, &h, "cust_BBBBBBBBBBBBBB").unwrap_err().status,
            StatusCode::FORBIDDEN
        );
        // Another customer id with the same MAC, or a MAC from another secret: no session.
        let forged = value.replace("cust_AAAAAAAAAAAAAA", "cust_BBBBBBBBBBBBBB");
        assert_eq!(customer(s, &with_cookie(&forged)), None);
        let elsewhere = set_cookie("secret_2", true, "cust_AAAAAAAAAAAAAA").unwrap();
        assert!(elsewhere.to_str().unwrap().contains("; Secure"));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, elsewhere);
        assert_eq!(customer(s, &h), None);
        assert_eq!(
            require(s, &HeaderMap::new(), "cust_AAAAAAAAAAAAAA")
                .unwrap_err()
                .status,
            StatusCode::UNAUTHORIZED
        );
        let text = cookie.to_str().unwrap();
        for attribute in [
            "; HttpOnly",
            "; SameSite=Strict",
            "; Path=/",
            &format!("; Max-Age={MAX_AGE_SECS}"),
        ] {
            assert!(text.contains(attribute), "{text} lacks {attribute}");
        }
        assert!(!text.contains("Secure"), "{text}");
    }

    #[test]
    fn a_cookie_expires_and_carries_its_issue_time() {
        let s = "secret_1";
        let now = now_secs();
        let at = |t: i64| {
            with_cookie(&format!(
                "{COOKIE}={}",
                cookie_value(s, "cust_AAAAAAAAAAAAAA", t)
            ))
        };
        assert!(customer(s, &at(now - MAX_AGE_SECS + 60)).is_some());
        assert_eq!(customer(s, &at(now - MAX_AGE_SECS - 1)), None, "expired");
        assert_eq!(customer(s, &at(now + 3600)), None, "issued in the future");
        // Moving the issue time breaks the MAC.
        let fresh = cookie_value(s, "cust_AAAAAAAAAAAAAA", now - MAX_AGE_SECS - 1);
        let moved = fresh.replace(&format!(".{}", now - MAX_AGE_SECS - 1), &format!(".{now}"));
        assert_ne!(moved, fresh);
        assert_eq!(
            customer(s, &with_cookie(&format!("{COOKIE}={moved}"))),
            None
        );
        // The version 1 cookie (no issue time, key from the sandbox's public key secret).
        let v1_key = hmac_hex(
            "sandbox_key_secret_0000000000000000",
            b"razorpay-demo shopper session v1",
        );
        let v1 = format!(
            "{COOKIE}=cust_AAAAAAAAAAAAAA.{}",
            hmac_hex(&v1_key, b"cust_AAAAAAAAAAAAAA")
        );
        assert_eq!(
            customer("sandbox_key_secret_0000000000000000", &with_cookie(&v1)),
            None
        );
        // The version 2 cookie (`id.issued_at.hex-mac`, before the signed jar): no session.
        let message = format!("razorpay-demo shopper session v2|cust_AAAAAAAAAAAAAA|{now}");
        let v2 = format!(
            "{COOKIE}=cust_AAAAAAAAAAAAAA.{now}.{}",
            hmac_hex(s, message.as_bytes())
        );
        assert_eq!(customer(s, &with_cookie(&v2)), None);
    }

    #[test]
    fn checkout_ids_are_random_and_checked() {
        let (a, cookie) = new_checkout(false);
        let (b, _) = new_checkout(false);
        assert_ne!(a, b);
        let cookie = cookie.unwrap();
        assert!(cookie
            .to_str()
            .unwrap()
            .contains("HttpOnly; SameSite=Strict"));
        let value = cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        assert_eq!(
            checkout_id(&with_cookie(&value)).as_deref(),
            Some(a.as_str())
        );
        assert_eq!(
            checkout_id(&with_cookie(&format!("{CHECKOUT_COOKIE}=chk_short"))),
            None
        );
    }
}
