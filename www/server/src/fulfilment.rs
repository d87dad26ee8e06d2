//! Fulfilment the Razorpay way: each merchant order is fulfilled exactly
//! once, from whichever of these comes first:
//!
//! - a signed `order.paid` webhook (its `order` and `payment` entities);
//! - a signed `payment.captured` webhook (the order fetched for its receipt);
//! - a verified payment signature (the callback form or `POST /api/verify`),
//!   with the payment and the order fetched from the gateway.
//!
//! Whatever the source, [`paid`] decides (pure: the order is `paid` in full,
//! the payment `captured` for that order), and [`claim`] takes the
//! `fulfilments` row with one `INSERT … ON CONFLICT DO NOTHING` on its two
//! unique columns, `order_id` and `receipt` (the shop's cart): exactly one
//! claimer, on any instance, gets the row and ships; the others do nothing.
//! A second paid order of one cart (a late authorisation after the shopper
//! paid again) is not fulfilled again, and is logged for a refund.
//!
//! `payment.authorized` does not fulfil: money is the captured payment
//! (the sandbox, like a Razorpay account with auto-capture, captures at once).

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::crypto::is_id;
use crate::error::{ApiError, GATEWAY_ERROR};
use crate::state::AppState;

/// A fulfilled order, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fulfilment {
    /// Razorpay's order id.
    pub order_id: String,
    /// The merchant's order (the demo's cart id), the order's `receipt`.
    pub receipt: String,
    /// The captured payment that paid it.
    pub payment_id: String,
    /// The amount paid, in the currency's subunit.
    pub amount: i64,
    /// The order's currency.
    pub currency: String,
    /// What fulfilled it: `order.paid`, `payment.captured`, `callback` or `verify`.
    pub source: String,
    /// Seconds since the epoch (0 until stored).
    pub fulfilled_at: i64,
}

/// What a fulfilment attempt did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// This call claimed the order and fulfilled it.
    Fulfilled,
    /// The order (or its receipt) was fulfilled before; nothing was done.
    AlreadyFulfilled,
    /// Not (yet) paid: nothing was done; the reason.
    NotPaid(&'static str),
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn int(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

/// The fulfilment that `order` (an order entity) and `payment` (a payment
/// entity) make, when the order is paid in full by that captured payment.
///
/// # Errors
/// Why not: `not_an_order`, `not_a_payment`, `payment_of_another_order`,
/// `payment_not_captured`, `order_not_paid`, `amount_mismatch`, `no_receipt`.
///
/// # Example
/// ```
/// use razorpay_demo::fulfilment::paid;
/// use serde_json::json;
/// let order = json!({ "id": "order_A1234567890123", "status": "paid", "amount": 100, "amount_paid": 100,
///                     "amount_due": 0, "currency": "INR", "receipt": "cart_1" });
/// let payment = json!({ "id": "pay_B2345678901234", "status": "captured", "order_id": "order_A1234567890123",
///                       "amount": 100, "currency": "INR" });
/// assert_eq!(paid(&order, &payment, "order.paid").unwrap().receipt, "cart_1");
/// let authorized = json!({ "id": "pay_B2345678901234", "status": "authorized", "order_id": "order_A1234567890123",
///                          "amount": 100, "currency": "INR" });
/// assert_eq!(paid(&order, &authorized, "callback").err(), Some("payment_not_captured"));
/// ```
pub fn paid(order: &Value, payment: &Value, source: &str) -> Result<Fulfilment, &'static str> {
    let order_id = text(order, "id");
    let payment_id = text(payment, "id");
    if !is_id(order_id, "order") {
        return Err("not_an_order");
    }
    if !is_id(payment_id, "pay") {
        return Err("not_a_payment");
    }
    if text(payment, "order_id") != order_id {
        return Err("payment_of_another_order");
    }
    if text(payment, "status") != "captured" {
        return Err("payment_not_captured");
    }
    if text(order, "status") != "paid" {
        return Err("order_not_paid");
    }
    let amount = int(order, "amount")
        .filter(|a| *a > 0)
        .ok_or("amount_mismatch")?;
    let in_full = int(order, "amount_paid") == Some(amount)
        && int(order, "amount_due").unwrap_or(0) == 0
        && int(payment, "amount") == Some(amount)
        && text(payment, "currency") == text(order, "currency");
    if !in_full {
        return Err("amount_mismatch");
    }
    let receipt = text(order, "receipt");
    if receipt.is_empty() {
        return Err("no_receipt");
    }
    Ok(Fulfilment {
        order_id: order_id.to_string(),
        receipt: receipt.to_string(),
        payment_id: payment_id.to_string(),
        amount,
        currency: text(order, "currency").to_string(),
        source: source.to_string(),
        fulfilled_at: 0,
    })
}

/// Claims `f`'s order and, for the one claimer that gets it, ships it (in
/// the demo: a log line; a shop sends the goods or grants the access here).
///
/// # Errors
/// When the store cannot be reached (nothing was claimed).
pub async fn claim(state: &AppState, f: &Fulfilment) -> Result<Outcome, ApiError> {
    if state.store.claim_fulfilment(f).await? {
        eprintln!(
            "fulfilment: fulfilled {} ({}, {} {}) from {}",
            f.receipt, f.order_id, f.amount, f.currency, f.source
        );
        return Ok(Outcome::Fulfilled);
    }
    if let Some(first) = state.store.fulfilment_of_receipt(&f.receipt).await? {
        if first.payment_id != f.payment_id {
            eprintln!(
                "fulfilment: {} was fulfilled by {} ({}); {} ({}) paid it again: refund it",
                f.receipt, first.payment_id, first.order_id, f.payment_id, f.order_id
            );
        }
    }
    Ok(Outcome::AlreadyFulfilled)
}

fn gateway_failed(what: &str, status: u16) -> ApiError {
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        GATEWAY_ERROR,
        format!("The gateway answered {status} to the {what} fetch."),
        "gateway",
        "payment_verification",
        "gateway_error",
    )
}

async fn fetch(state: &AppState, kind: &str, id: &str) -> Result<Value, ApiError> {
    let answer = state
        .gateway
        .call(Method::GET, &format!("/v1/{kind}/{id}"), None)
        .await?;
    if answer.status >= 300 {
        return Err(gateway_failed(kind, answer.status));
    }
    Ok(answer.body)
}

/// Fulfils from a signed, fresh webhook event (`order.paid` or
/// `payment.captured`); other events do nothing.
///
/// # Errors
/// When the order cannot be fetched (`payment.captured`) or the store
/// cannot be reached: the webhook is then answered with an error, so the
/// gateway delivers it again.
pub async fn from_webhook(state: &AppState, event: &Value) -> Result<Outcome, ApiError> {
    let name = text(event, "event");
    let payment = event
        .pointer("/payload/payment/entity")
        .cloned()
        .unwrap_or(Value::Null);
    let order = match name {
        "order.paid" => event
            .pointer("/payload/order/entity")
            .cloned()
            .unwrap_or(Value::Null),
        "payment.captured" => {
            let order_id = text(&payment, "order_id");
            if !is_id(order_id, "order") {
                return Ok(Outcome::NotPaid("not_an_order"));
            }
            fetch(state, "orders", order_id).await?
        }
        _ => return Ok(Outcome::NotPaid("not_a_payment_event")),
    };
    match paid(&order, &payment, name) {
        Ok(f) => claim(state, &f).await,
        Err(why) => Ok(Outcome::NotPaid(why)),
    }
}

/// Fulfils after a verified payment signature (`source`: `callback` or
/// `verify`): fetches the payment and its order from the gateway, since a
/// signature says the payment was authorised, not that it was captured.
///
/// # Errors
/// When the gateway or the store cannot be reached; callers log it and go
/// on (the webhook fulfils the order later).
pub async fn from_signature(
    state: &AppState,
    order_id: &str,
    payment_id: &str,
    source: &str,
) -> Result<Outcome, ApiError> {
    if !is_id(order_id, "order") || !is_id(payment_id, "pay") {
        return Ok(Outcome::NotPaid("not_an_order"));
    }
    let payment = fetch(state, "payments", payment_id).await?;
    let order = fetch(state, "orders", order_id).await?;
    match paid(&order, &payment, source) {
        Ok(f) => claim(state, &f).await,
        Err(why) => Ok(Outcome::NotPaid(why)),
    }
}

/// [`from_signature`] for the shopper's request path: a failure is logged,
/// never the shopper's error (the webhook fulfils the order later).
pub async fn after_signature(state: &AppState, order_id: &str, payment_id: &str, source: &str) {
    if let Err(e) = from_signature(state, order_id, payment_id, source).await {
        eprintln!(
            "fulfilment: {order_id} not fulfilled from the {source} (the webhook will): {}",
            e.description
        );
    }
}

/// `GET /api/fulfilments` (operator only): `{ entity: "collection", count,
/// items: [{ order_id, receipt, payment_id, amount, currency, source,
/// fulfilled_at }] }`, the latest 500, oldest first.
///
/// # Errors
/// 401/403 without the operator secret; a store error.
pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    crate::operator::require(state.operator_secret.as_deref(), &headers)?;
    let items: Vec<Value> = state
        .store
        .latest_fulfilments(500)
        .await?
        .into_iter()
        .map(|f| {
            json!({
                "order_id": f.order_id, "receipt": f.receipt, "payment_id": f.payment_id,
                "amount": f.amount, "currency": f.currency, "source": f.source, "fulfilled_at": f.fulfilled_at,
            })
        })
        .collect();
    Ok(
        Json(json!({ "entity": "collection", "count": items.len(), "items": items }))
            .into_response(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Value {
        json!({ "id": "order_A1234567890123", "status": "paid", "amount": 100, "amount_paid": 100, "amount_due": 0,
                "currency": "INR", "receipt": "cart_1" })
    }

    fn payment() -> Value {
        json!({ "id": "pay_B2345678901234", "status": "captured", "order_id": "order_A1234567890123", "amount": 100, "currency": "INR" })
    }

    fn with(mut v: Value, key: &str, value: Value) -> Value {
        v[key] = value;
        v
    }

    #[test]
    fn only_an_order_paid_in_full_by_its_captured_payment_is_fulfilled() {
        let f = paid(&order(), &payment(), "order.paid").unwrap();
        assert_eq!(
            (
                f.order_id.as_str(),
                f.receipt.as_str(),
                f.payment_id.as_str(),
                f.amount
            ),
            ("order_A1234567890123", "cart_1", "pay_B2345678901234", 100)
        );
        let cases: Vec<(Value, Value, &str)> = vec![
            (
                with(order(), "id", json!("cart_1")),
                payment(),
                "not_an_order",
            ),
            (order(), with(payment(), "id", json!("x")), "not_a_payment"),
            (
                order(),
                with(payment(), "order_id", json!("order_Other123456789")),
                "payment_of_another_order",
            ),
            (
                order(),
                with(payment(), "status", json!("authorized")),
                "payment_not_captured",
            ),
            (
                order(),
                with(payment(), "status", json!("failed")),
                "payment_not_captured",
            ),
            (
                with(order(), "status", json!("attempted")),
                payment(),
                "order_not_paid",
            ),
            (
                with(order(), "amount_paid", json!(50)),
                payment(),
                "amount_mismatch",
            ),
            (
                with(order(), "amount_due", json!(50)),
                payment(),
                "amount_mismatch",
            ),
            (
                order(),
                with(payment(), "amount", json!(99)),
                "amount_mismatch",
            ),
            (
                order(),
                with(payment(), "currency", json!("USD")),
                "amount_mismatch",
            ),
            (
                with(order(), "amount", json!(0)),
                payment(),
                "amount_mismatch",
            ),
            (
                with(order(), "receipt", Value::Null),
                payment(),
                "no_receipt",
            ),
        ];
        for (o, p, why) in cases {
            assert_eq!(paid(&o, &p, "x").err(), Some(why), "{o} {p}");
        }
    }
}
