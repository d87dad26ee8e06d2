//! `POST /api/checkout` (the composite order) and `POST /api/recurring`
//! (a subsequent debit on a mandate).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use razorpay_checkout_wasm::checkout::{validate_order_request, CheckoutInput};
use serde_json::{json, Map, Value};

use super::gateway_response;
use crate::body::{parse_object, JsonObject, RawBody};
use crate::crypto::{is_id, sha256_hex};
use crate::db::now_ms;
use crate::error::ApiError;
use crate::idempotency;
use crate::receipts;
use crate::state::AppState;

/// The shopper's IP: the connection's peer, or the first `X-Forwarded-For`
/// hop when the deployment says a trusted proxy sets it.
pub fn client_ip(headers: &HeaderMap, peer: SocketAddr, trust_forwarded: bool) -> IpAddr {
    if trust_forwarded {
        let first = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok());
        if let Some(ip) = first {
            return ip;
        }
    }
    peer.ip()
}

/// Turns the checkout crate's errors into one answer: the first error in
/// `error`, every error (with its `kind`) in `error.metadata.errors`.
fn validation_errors(errors: Vec<razorpay_checkout_wasm::Error>) -> ApiError {
    let all: Vec<Value> = errors
        .iter()
        .filter_map(|e| serde_json::to_value(e).ok())
        .collect();
    let Some(first) = errors.first() else {
        return ApiError::validation(None, "The order request is invalid.");
    };
    let mut e = ApiError::validation(
        first.field().map(str::to_string),
        first.description().to_string(),
    );
    e.code = first.code().to_string();
    e.source = first.source().to_string();
    e.step = first.step().to_string();
    e.reason = first.reason().to_string();
    e.with_meta("errors", Value::Array(all))
}

/// Re-validates the browser's order with the checkout crate and adds what
/// only the server knows (`payment.ip`, `payment.callback_url`).
pub fn server_order(
    body: &[u8],
    ip: IpAddr,
    callback_url: &str,
    now_ms: f64,
) -> Result<Value, ApiError> {
    // Refuse non-objects with the same error as elsewhere, and keys the
    // gateway would refuse (with its words) rather than drop them silently.
    crate::sandbox::validate::composite_keys(&parse_object(body)?)?;
    let input: CheckoutInput = serde_json::from_slice(body)
        .map_err(|_| ApiError::validation(None, "The request body is not a valid order request"))?;
    let order = validate_order_request(&input, now_ms).map_err(validation_errors)?;
    let mut value = serde_json::to_value(&order)
        .map_err(|e| ApiError::internal(format!("serialising the order: {e}")))?;
    if let Some(p) = value.get_mut("payment").and_then(Value::as_object_mut) {
        p.insert("ip".into(), json!(ip.to_string()));
        p.insert("callback_url".into(), json!(callback_url));
    }
    Ok(value)
}

/// The customer rule. An order that names a customer, at the top
/// (`customer_id`) or on its payment (`payment.customer_id`), goes on only
/// from that customer's session (`require`: 401 signed in as nobody, 403 as
/// someone else), and then names the session's customer in both places, so
/// the gateway pays with, and saves onto, the signed-in customer only. The
/// two ids must agree (the crate refuses otherwise; checked again here, the
/// rule must not rest on one place). An order that names no customer is a
/// guest's: no saved card, no save, no mandate (the crate and the gateway
/// refuse those without a customer).
///
/// # Errors
/// 400 on `payment.customer_id` when the ids differ; `require`'s error.
pub fn bind_customer(
    order: &mut Value,
    require: impl Fn(&str) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    let top = order.get("customer_id").and_then(Value::as_str);
    let on_payment = order.pointer("/payment/customer_id").and_then(Value::as_str);
    let customer_id = match (top, on_payment) {
        (None, None) => return Ok(()),
        (Some(a), Some(b)) if a != b => {
            return Err(ApiError::validation(
                Some("payment.customer_id".into()),
                "The payment customer_id must equal the order's customer_id",
            ))
        }
        (Some(c), _) | (None, Some(c)) => c.to_string(),
    };
    require(&customer_id)?;
    if let Some(o) = order.as_object_mut() {
        o.insert("customer_id".into(), json!(customer_id));
    }
    if let Some(p) = order.get_mut("payment").and_then(Value::as_object_mut) {
        p.insert("customer_id".into(), json!(customer_id));
    }
    Ok(())
}

fn replay_header(resp: Response, replayed: bool) -> Response {
    let mut resp = resp;
    if replayed {
        resp.headers_mut().insert(
            "idempotent-replayed",
            axum::http::HeaderValue::from_static("true"),
        );
    }
    resp
}

/// The fingerprint of an order that tells a retry of the same order from a
/// different one under the same key or receipt. It is stored, so it never
/// covers the card number (only its last 4 digits) or the CVV: a hash of
/// them could be brute-forced (PCI DSS forbids keeping the CVV in any form).
/// It ignores what the server adds (`ip`, `callback_url`): two tabs, or a
/// restarted server on another port, still make one order.
pub fn order_fingerprint(order: &Value) -> String {
    let mut for_print = order.clone();
    if let Some(p) = for_print.get_mut("payment").and_then(Value::as_object_mut) {
        p.remove("ip");
        p.remove("callback_url");
        if let Some(card) = p.get_mut("card").and_then(Value::as_object_mut) {
            card.remove("cvv");
            if let Some(number) = card.get("number").and_then(Value::as_str) {
                let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
                let last4: String = digits[digits.len().saturating_sub(4)..].iter().collect();
                card.insert("number".into(), Value::String(last4));
            }
        }
    }
    sha256_hex(for_print.to_string().as_bytes())
}

/// `POST /api/checkout`: validate, de-duplicate by `Idempotency-Key` and by
/// `receipt` ([`receipts`]), forward to `POST /v1/orders`.
pub async fn checkout(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let key = idempotency::key_from(&headers)?;
    let ip = client_ip(&headers, peer, state.trust_x_forwarded_for);
    let callback_url = format!("{}/checkout/callback", state.public_url);
    let mut order = server_order(&body, ip, &callback_url, now_ms())?;
    // A customer's saved card or mandate only from that customer's session.
    bind_customer(&mut order, |c| {
        crate::session::require(&state.key_secret, &headers, c)
    })?;
    // The price is the cart's, never the page's.
    crate::carts::price(&state, &mut order).await?;
    let fingerprint = order_fingerprint(&order);
    // The merchant's order id: one payment per receipt, across tabs too.
    let receipt = order
        .get("receipt")
        .and_then(Value::as_str)
        .filter(|r| !r.trim().is_empty())
        .map(str::to_string);
    let gateway = state.gateway.clone();
    let state_for_receipt = state.clone();
    let print = fingerprint.clone();
    let outcome = idempotency::once(&state, "checkout", &key, fingerprint, || async move {
        let create = || async move { gateway.call(Method::POST, "/v1/orders", Some(&order)).await };
        match receipt {
            Some(r) => receipts::once(&state_for_receipt, &r, &print, create).await,
            None => create().await,
        }
    })
    .await?;
    Ok(replay_header(
        gateway_response(outcome.answer),
        outcome.replayed,
    ))
}

fn text_field(body: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match body.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        None | Some(Value::Null) => Err(ApiError::validation(
            Some(key.into()),
            format!("The {key} field is required."),
        )),
        Some(_) => Err(ApiError::validation(
            Some(key.into()),
            format!("The {key} must be a string."),
        )),
    }
}

/// `POST /api/recurring` `{ customer_id, token, amount, email, contact, currency? }`:
/// an order for the customer, then `POST /v1/payments/create/recurring`.
/// With an `Idempotency-Key` header (recommended) a double click debits
/// once; without one every request is a new debit.
pub async fn recurring(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let key = if headers.contains_key("idempotency-key") {
        Some(idempotency::key_from(&headers)?)
    } else {
        None
    };
    let customer_id = text_field(&body, "customer_id")?;
    if !is_id(&customer_id, "cust") {
        return Err(ApiError::validation(
            Some("customer_id".into()),
            "The customer_id is invalid.",
        ));
    }
    crate::session::require(&state.key_secret, &headers, &customer_id)?;
    let token = text_field(&body, "token")?;
    if !is_id(&token, "token") {
        return Err(ApiError::validation(
            Some("token".into()),
            "The token is invalid.",
        ));
    }
    let amount = match body.get("amount") {
        Some(Value::Number(n)) => n.as_i64().filter(|a| *a > 0),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok().filter(|a| *a > 0),
        _ => None,
    }
    .ok_or_else(|| {
        ApiError::validation(
            Some("amount".into()),
            "The amount must be a positive whole number of subunits.",
        )
    })?;
    let email = text_field(&body, "email")?;
    let contact = text_field(&body, "contact")?;
    let currency = match body.get("currency") {
        None | Some(Value::Null) => "INR".to_string(),
        _ => text_field(&body, "currency")?,
    };
    let fingerprint = sha256_hex(Value::Object(body.clone()).to_string().as_bytes());
    let gateway = state.gateway.clone();
    let debit = || async move {
        let order_body =
            json!({ "amount": amount, "currency": currency, "customer_id": customer_id });
        let order = gateway
            .call(Method::POST, "/v1/orders", Some(&order_body))
            .await?;
        let Some(order_id) = order
            .body
            .get("id")
            .and_then(Value::as_str)
            .filter(|_| order.status < 300)
        else {
            return Ok(order);
        };
        let payment = json!({
            "email": email,
            "contact": contact,
            "amount": amount,
            "currency": currency,
            "order_id": order_id,
            "customer_id": customer_id,
            "token": token,
            "recurring": "1",
            "description": "Subsequent recurring payment",
        });
        gateway
            .call(
                Method::POST,
                "/v1/payments/create/recurring",
                Some(&payment),
            )
            .await
    };
    match key {
        Some(key) => {
            let outcome = idempotency::once(&state, "recurring", &key, fingerprint, debit).await?;
            Ok(replay_header(
                gateway_response(outcome.answer),
                outcome.replayed,
            ))
        }
        None => Ok(gateway_response(debit().await?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ip_trusts_x_forwarded_for_only_when_told() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "203.0.113.7, 10.0.0.1".parse().unwrap());
        assert_eq!(client_ip(&h, peer, false), peer.ip());
        assert_eq!(client_ip(&h, peer, true).to_string(), "203.0.113.7");
        h.insert("x-forwarded-for", "garbage".parse().unwrap());
        assert_eq!(client_ip(&h, peer, true), peer.ip());
    }

    #[test]
    fn server_order_adds_ip_and_callback_and_ignores_the_browsers() {
        let body = serde_json::json!({
            "amount": 100, "currency": "INR",
            "payment": {
                "amount": 100, "email": "a@example.com", "contact": "9876543210", "method": "card",
                "ip": "6.6.6.6", "callback_url": "https://evil.example/cb",
                "card": {"name": "A B", "number": "4111111111111111", "cvv": "123", "expiry_month": "12", "expiry_year": "35"},
                "browser": {"java_enabled": false, "javascript_enabled": true, "timezone_offset": -330, "color_depth": 24, "screen_width": 1280, "screen_height": 800},
                "referer": "http://127.0.0.1:8080/"
            }
        });
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let v = server_order(
            body.to_string().as_bytes(),
            ip,
            "http://127.0.0.1:8080/checkout/callback",
            1_795_431_600_000.0,
        )
        .unwrap();
        assert_eq!(v["payment"]["ip"], "127.0.0.1");
        assert_eq!(
            v["payment"]["callback_url"],
            "http://127.0.0.1:8080/checkout/callback"
        );
        assert_eq!(
            v["payment"]["authentication"]["authentication_channel"],
            "browser"
        );
    }

    #[test]
    fn bind_customer_puts_the_sessions_customer_in_both_places_or_refuses() {
        use axum::http::StatusCode;
        let signed_in = |c: &str| {
            if c == "cust_AAAAAAAAAAAAAA" {
                Ok(())
            } else {
                Err(ApiError::new(StatusCode::FORBIDDEN, "BAD_REQUEST_ERROR", "not you", "customer", "payment_initiation", "x"))
            }
        };
        let order = |top: Option<&str>, on_payment: Option<&str>| {
            let mut o = serde_json::json!({ "amount": 100, "payment": { "amount": 100 } });
            if let Some(c) = top {
                o["customer_id"] = c.into();
            }
            if let Some(c) = on_payment {
                o["payment"]["customer_id"] = c.into();
            }
            o
        };
        for (top, on_payment) in [(Some("cust_AAAAAAAAAAAAAA"), None), (None, Some("cust_AAAAAAAAAAAAAA"))] {
            let mut o = order(top, on_payment);
            bind_customer(&mut o, signed_in).unwrap();
            assert_eq!((&o["customer_id"], &o["payment"]["customer_id"]), (&"cust_AAAAAAAAAAAAAA".into(), &"cust_AAAAAAAAAAAAAA".into()));
        }
        let mut guest = order(None, None);
        bind_customer(&mut guest, |_| panic!("a guest order asks for no session")).unwrap();
        assert_eq!(guest, order(None, None));
        let mut victim = order(None, Some("cust_BBBBBBBBBBBBBB"));
        assert_eq!(bind_customer(&mut victim, signed_in).unwrap_err().status, StatusCode::FORBIDDEN);
        let mut mixed = order(Some("cust_AAAAAAAAAAAAAA"), Some("cust_BBBBBBBBBBBBBB"));
        let e = bind_customer(&mut mixed, signed_in).unwrap_err();
        assert_eq!((e.status, e.field.as_deref()), (StatusCode::BAD_REQUEST, Some("payment.customer_id")));
    }

    #[test]
    fn the_stored_fingerprint_covers_neither_the_number_nor_the_cvv() {
        let order = |number: &str, cvv: &str, amount: u32| {
            serde_json::json!({
                "amount": amount, "currency": "INR", "receipt": "cart_1",
                "payment": {"ip": "1.2.3.4", "callback_url": "http://x/cb",
                    "card": {"number": number, "cvv": cvv, "expiry_month": "12", "expiry_year": "30", "name": "A B"}}
            })
        };
        let base = order_fingerprint(&order("4100280000001007", "837", 100));
        // The CVV and the digits before the last 4 change nothing...
        assert_eq!(base, order_fingerprint(&order("4100280000001007", "123", 100)));
        assert_eq!(base, order_fingerprint(&order("5500670000001007", "837", 100)));
        // ...what else differs does.
        assert_ne!(base, order_fingerprint(&order("4100280000001015", "837", 100)));
        assert_ne!(base, order_fingerprint(&order("4100280000001007", "837", 200)));
        // Not a hash of the order as sent (which could be brute-forced).
        let full = order("4100280000001007", "837", 100);
        assert_ne!(base, sha256_hex(full.to_string().as_bytes()));
        let mut no_server = full.clone();
        no_server["payment"].as_object_mut().unwrap().remove("ip");
        no_server["payment"].as_object_mut().unwrap().remove("callback_url");
        assert_ne!(base, sha256_hex(no_server.to_string().as_bytes()));
        // The server's additions are ignored.
        let mut other_ip = full;
        other_ip["payment"]["ip"] = "5.6.7.8".into();
        assert_eq!(base, order_fingerprint(&other_ip));
    }
}
