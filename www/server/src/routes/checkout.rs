//! `POST /api/checkout` (the composite order) and `POST /api/recurring`
//! (a subsequent debit on a mandate).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
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
    e.source = first.error_source().to_string();
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
    // Refuse non-objects with the same error as elsewhere. Keys the order
    // does not take are the crate's to refuse (as the browser does).
    parse_object(body)?;
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
    let on_payment = order
        .pointer("/payment/customer_id")
        .and_then(Value::as_str);
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
) -> Response {
    // This browser's checkout session: the payment and receipt belong to it.
    // Its cookie goes out with every answer, errors too (a retry after a
    // gateway timeout must come from the session that owns the receipt).
    let (checkout_id, new_cookie) = match crate::session::checkout_id(&headers) {
        Some(id) => (id, None),
        None => crate::session::new_checkout(state.public_url.starts_with("https:")),
    };
    let mut response = checkout_as(state, peer, &headers, &body, &checkout_id)
        .await
        .unwrap_or_else(IntoResponse::into_response);
    if let Some(cookie) = new_cookie {
        response
            .headers_mut()
            .insert(axum::http::header::SET_COOKIE, cookie);
    }
    response
}

async fn checkout_as(
    state: AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: &[u8],
    checkout_id: &str,
) -> Result<Response, ApiError> {
    let key = idempotency::key_from(headers)?;
    let ip = client_ip(headers, peer, state.trust_x_forwarded_for);
    let callback_url = format!("{}/checkout/callback", state.public_url);
    let mut order = server_order(body, ip, &callback_url, now_ms())?;
    // A customer's saved card or mandate only from that customer's session.
    bind_customer(&mut order, |c| {
        crate::session::require(&state.session_secret, headers, c)
    })?;
    // The price is the cart's, never the page's; the cart (the order's
    // `receipt`, which every order names) gets one payment, across tabs too.
    let receipt = crate::carts::price(&state, &mut order).await?;
    let fingerprint = order_fingerprint(&order);
    let gateway = state.gateway.clone();
    let state_for_receipt = state.clone();
    let print = fingerprint.clone();
    let owner = checkout_id.to_string();
    let outcome = idempotency::once(&state, "checkout", &key, fingerprint, || async move {
        let create = |_: Option<String>| async move {
            gateway.call(Method::POST, "/v1/orders", Some(&order)).await
        };
        receipts::once(
            &state_for_receipt,
            &receipt,
            &owner,
            &print,
            receipts::Kind::Checkout,
            create,
        )
        .await
    })
    .await?;
    if let Some(payment_id) = receipts::payment_id_of(&outcome.answer.body) {
        crate::perimeter::record_payment(&state, checkout_id, &payment_id).await?;
    }
    Ok(replay_header(
        gateway_response(outcome.answer),
        outcome.replayed,
    ))
}

/// The owner of a debit's receipt: the merchant's server, never a
/// checkout session (whose ids are random, never this word).
const OPERATOR_OWNER: &str = "operator";

/// A receipt (at most 40 characters, as Razorpay allows) made from `parts`.
fn key_receipt(prefix: &str, parts: &str) -> String {
    format!("{prefix}_{}", &sha256_hex(parts.as_bytes())[..32])
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

/// Refuses a debit the mandate does not allow, from the gateway's token:
/// a confirmed recurring token of this customer, `amount` at most its
/// `max_amount`. Answers its frequency (`monthly` when the gateway does not
/// say: at most one debit a month is the safe reading).
fn check_mandate(token: &Value, amount: i64) -> Result<String, ApiError> {
    let confirmed = token.get("recurring") == Some(&json!(true))
        && token
            .pointer("/recurring_details/status")
            .and_then(Value::as_str)
            == Some("confirmed");
    if !confirmed {
        return Err(ApiError::validation(
            Some("token".into()),
            "The token is not a confirmed mandate.",
        ));
    }
    if let Some(max) = token.get("max_amount").and_then(Value::as_i64) {
        if amount > max {
            let mut e = ApiError::validation(
                Some("amount".into()),
                format!("The amount exceeds the mandate's max_amount of {max} subunits."),
            );
            e.reason = "amount_exceeds_mandate".into();
            return Err(e.with_meta("max_amount", max));
        }
    }
    Ok(token
        .get("frequency")
        .and_then(Value::as_str)
        .unwrap_or("monthly")
        .to_string())
}

/// The receipt of a debit: one per mandate and period for a `monthly`
/// mandate (so the gateway and [`receipts`] see a second debit in the same
/// month as the same order), one per request (key) for `as_presented`.
pub fn debit_receipt(token: &str, frequency: &str, key: &str, now_secs: i64) -> String {
    if frequency == "as_presented" {
        key_receipt("dbt", &format!("{token}|{key}"))
    } else {
        let (year, month) = crate::sandbox::year_month(now_secs);
        // 4 + 28 + 7 characters: within Razorpay's 40.
        let hash = sha256_hex(token.as_bytes());
        format!("dbt_{}_{year:04}{month:02}", &hash[..28])
    }
}

/// `POST /api/recurring` `{ customer_id, token, amount, email, contact, currency? }`:
/// a subsequent debit on a mandate, started by the merchant's server only
/// (`Authorization: Bearer <OPERATOR_SECRET>` and an `Idempotency-Key`;
/// see [`crate::operator`]), never by the shopper's page or cookie. The
/// mandate (the gateway's token) must allow it: `amount` at most its
/// `max_amount`, at most one debit per month for `monthly` (a 409
/// `mandate_frequency_exceeded` otherwise). Then an order for the customer
/// (its receipt per [`debit_receipt`]), then
/// `POST /v1/payments/create/recurring`, through [`receipts::once`]: a
/// retry after a lost answer gets the debit the gateway made.
pub async fn recurring(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    // The merchant's server only: never the shopper's page or cookie.
    crate::operator::require(state.operator_secret.as_deref(), &headers)?;
    let key = idempotency::key_from(&headers)?;
    let customer_id = text_field(&body, "customer_id")?;
    if !is_id(&customer_id, "cust") {
        return Err(ApiError::validation(
            Some("customer_id".into()),
            "The customer_id is invalid.",
        ));
    }
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
    let state_for_receipt = state.clone();
    // The receipt's fingerprint covers the key: only this request's
    // retries get an earlier debit of the period back.
    let (key_for_receipt, print) = (
        key.clone(),
        sha256_hex(format!("{fingerprint}|{key}").as_bytes()),
    );
    let debit = || async move {
        let key = key_for_receipt;
        // What the mandate allows, as the gateway has it.
        let mandate = gateway
            .call(
                Method::GET,
                &format!("/v1/customers/{customer_id}/tokens/{token}"),
                None,
            )
            .await?;
        if mandate.status >= 300 {
            return Ok(mandate);
        }
        let frequency = check_mandate(&mandate.body, amount)?;
        let receipt = debit_receipt(&token, &frequency, &key, crate::db::now_secs());
        let for_order = receipt.clone();
        let send = |existing: Option<String>| async move {
            let order_id = match existing {
                Some(id) => id,
                None => {
                    let order_body = json!({
                        "amount": amount, "currency": currency, "customer_id": customer_id, "receipt": for_order,
                    });
                    let order = gateway
                        .call(Method::POST, "/v1/orders", Some(&order_body))
                        .await?;
                    match order.body.get("id").and_then(Value::as_str) {
                        Some(id) if order.status < 300 => id.to_string(),
                        _ => return Ok(order),
                    }
                }
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
        receipts::once(
            &state_for_receipt,
            &receipt,
            OPERATOR_OWNER,
            &print,
            receipts::Kind::Debit,
            send,
        )
        .await
    };
    let outcome = idempotency::once(&state, "recurring", &key, fingerprint, debit).await?;
    Ok(replay_header(
        gateway_response(outcome.answer),
        outcome.replayed,
    ))
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
    fn a_monthly_mandate_has_one_receipt_a_month_within_razorpays_40_characters() {
        let dec = 1_796_083_200; // 2026-12-01 UTC
        let jan = dec + 31 * 86_400;
        let m = |key: &str, now: i64| debit_receipt("token_4lsdksD31GaZ09", "monthly", key, now);
        assert_eq!(
            m("k1", dec),
            m("k2", dec + 86_400),
            "one receipt per month, whatever the key"
        );
        assert_ne!(m("k1", dec), m("k1", jan));
        assert!(m("k1", dec).ends_with("_202612"), "{}", m("k1", dec));
        let a = |key: &str| debit_receipt("token_4lsdksD31GaZ09", "as_presented", key, dec);
        assert_ne!(a("k1"), a("k2"), "as_presented: one per request");
        for r in [m("k1", dec), a("k1"), key_receipt("key", "k1")] {
            assert!(r.len() <= 40, "{r}");
        }
    }

    #[test]
    fn only_a_confirmed_mandate_within_max_amount_is_debited() {
        let token = json!({ "recurring": true, "recurring_details": { "status": "confirmed" }, "max_amount": 1000, "frequency": "as_presented" });
        assert_eq!(check_mandate(&token, 1000).unwrap(), "as_presented");
        let e = check_mandate(&token, 1001).unwrap_err();
        assert_eq!(
            (e.field.as_deref(), e.reason.as_str()),
            (Some("amount"), "amount_exceeds_mandate")
        );
        let mut no_frequency = token.clone();
        no_frequency.as_object_mut().unwrap().remove("frequency");
        assert_eq!(
            check_mandate(&no_frequency, 1).unwrap(),
            "monthly",
            "unknown: the safe reading"
        );
        let rejected = json!({ "recurring": true, "recurring_details": { "status": "rejected" } });
        assert_eq!(
            check_mandate(&rejected, 1).unwrap_err().field.as_deref(),
            Some("token")
        );
    }

    #[test]
    fn bind_customer_puts_the_sessions_customer_in_both_places_or_refuses() {
        use axum::http::StatusCode;
        let signed_in = |c: &str| {
            if c == "cust_AAAAAAAAAAAAAA" {
                Ok(())
            } else {
                Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "BAD_REQUEST_ERROR",
                    "not you",
                    "customer",
                    "payment_initiation",
                    "x",
                ))
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
        for (top, on_payment) in [
            (Some("cust_AAAAAAAAAAAAAA"), None),
            (None, Some("cust_AAAAAAAAAAAAAA")),
        ] {
            let mut o = order(top, on_payment);
            bind_customer(&mut o, signed_in).unwrap();
            assert_eq!(
                (&o["customer_id"], &o["payment"]["customer_id"]),
                (&"cust_AAAAAAAAAAAAAA".into(), &"cust_AAAAAAAAAAAAAA".into())
            );
        }
        let mut guest = order(None, None);
        bind_customer(&mut guest, |_| panic!("a guest order asks for no session")).unwrap();
        assert_eq!(guest, order(None, None));
        let mut victim = order(None, Some("cust_BBBBBBBBBBBBBB"));
        assert_eq!(
            bind_customer(&mut victim, signed_in).unwrap_err().status,
            StatusCode::FORBIDDEN
        );
        let mut mixed = order(Some("cust_AAAAAAAAAAAAAA"), Some("cust_BBBBBBBBBBBBBB"));
        let e = bind_customer(&mut mixed, signed_in).unwrap_err();
        assert_eq!(
            (e.status, e.field.as_deref()),
            (StatusCode::BAD_REQUEST, Some("payment.customer_id"))
        );
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
        assert_eq!(
            base,
            order_fingerprint(&order("4100280000001007", "123", 100))
        );
        assert_eq!(
            base,
            order_fingerprint(&order("5500670000001007", "837", 100))
        );
        // ...what else differs does.
        assert_ne!(
            base,
            order_fingerprint(&order("4100280000001015", "837", 100))
        );
        assert_ne!(
            base,
            order_fingerprint(&order("4100280000001007", "837", 200))
        );
        // Not a hash of the order as sent (which could be brute-forced).
        let full = order("4100280000001007", "837", 100);
        assert_ne!(base, sha256_hex(full.to_string().as_bytes()));
        let mut no_server = full.clone();
        no_server["payment"].as_object_mut().unwrap().remove("ip");
        no_server["payment"]
            .as_object_mut()
            .unwrap()
            .remove("callback_url");
        assert_ne!(base, sha256_hex(no_server.to_string().as_bytes()));
        // The server's additions are ignored.
        let mut other_ip = full;
        other_ip["payment"]["ip"] = "5.6.7.8".into();
        assert_eq!(base, order_fingerprint(&other_ip));
    }
}
