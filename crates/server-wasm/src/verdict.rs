//! What the shopper is told, and when an order is fulfilled.
//!
//! [`verdict`] is the body of `GET /api/checkout/result` (what the demo's
//! result page reads): `paid` only when the merchant verified the payment's
//! signature for that order (or fulfilled the order with this payment from a
//! signed webhook) **and** the gateway says the payment is `authorized` or
//! `captured` for that order; `failed` when the gateway says `failed`;
//! `pending` otherwise (a late authorisation may still pay).
//!
//! [`fulfilment`] decides whether an order and its payment, as the gateway
//! has them (a fetch, or the entities of a signed `order.paid`), are paid in
//! full: what to claim, once, in your store (see docs/backend-contract.md).

use serde_json::{json, Value};

use crate::otp::is_id;

/// The result page's verdict on `payment` (the gateway's `GET
/// /v1/payments/{id}` body).
///
/// # Example
/// ```
/// use razorpay_checkout_wasm_server::verdict::verdict;
/// let p = serde_json::json!({ "id": "pay_AAAAAAAAAAAAAA", "order_id": "order_AAAAAAAAAAAAAA", "status": "captured" });
/// assert_eq!(verdict(&p, None, true, false)["verdict"], "paid");
/// assert_eq!(verdict(&p, None, false, false)["verdict"], "pending");
/// ```
pub fn verdict(
    payment: &Value,
    asked_order_id: Option<&str>,
    signature_verified: bool,
    fulfilled: bool,
) -> Value {
    let s = |k: &str| payment.get(k).and_then(Value::as_str).unwrap_or_default();
    let (payment_id, order_id, status) = (s("id"), s("order_id"), s("status"));
    let asked = asked_order_id.unwrap_or_default();
    let same_order = is_id(order_id, "order") && (asked.is_empty() || asked == order_id);
    let verified = same_order && signature_verified;
    let verdict = match status {
        "authorized" | "captured" if same_order && (signature_verified || fulfilled) => "paid",
        "failed" => "failed",
        _ => "pending",
    };
    let mut out = json!({
        "verdict": verdict, "payment_id": payment_id, "order_id": order_id, "status": status,
        "signature_verified": verified, "fulfilled": same_order && fulfilled,
    });
    if let (true, Some(o)) = (verdict == "failed", out.as_object_mut()) {
        o.insert("error".into(), json!({
            "code": payment.get("error_code"), "description": payment.get("error_description"),
            "source": payment.get("error_source"), "step": payment.get("error_step"), "reason": payment.get("error_reason"),
        }));
    }
    out
}

/// `{ order_id, payment_id, receipt, amount, currency }` when `order` is
/// `paid` in full (`amount_paid == amount`) and `payment` is `captured` for
/// it, else `None`.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm_server::verdict::fulfilment;
/// let o = serde_json::json!({ "id": "order_AAAAAAAAAAAAAA", "status": "paid", "amount": 100, "amount_paid": 100, "currency": "INR", "receipt": "cart_1" });
/// let p = serde_json::json!({ "id": "pay_AAAAAAAAAAAAAA", "order_id": "order_AAAAAAAAAAAAAA", "status": "captured" });
/// assert_eq!(fulfilment(&o, &p).unwrap()["receipt"], "cart_1");
/// ```
pub fn fulfilment(order: &Value, payment: &Value) -> Option<Value> {
    let order_id = order
        .get("id")
        .and_then(Value::as_str)
        .filter(|o| is_id(o, "order"))?;
    let payment_id = payment
        .get("id")
        .and_then(Value::as_str)
        .filter(|p| is_id(p, "pay"))?;
    let amount = order.get("amount").and_then(Value::as_u64)?;
    let paid = order.get("status").and_then(Value::as_str) == Some("paid")
        && order.get("amount_paid").and_then(Value::as_u64) == Some(amount)
        && payment.get("status").and_then(Value::as_str) == Some("captured")
        && payment.get("order_id").and_then(Value::as_str) == Some(order_id);
    paid.then(|| {
        json!({ "order_id": order_id, "payment_id": payment_id, "receipt": order.get("receipt").cloned().unwrap_or(Value::Null),
            "amount": amount, "currency": order.get("currency").cloned().unwrap_or(Value::Null) })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: &str = "order_AAAAAAAAAAAAAA";

    type Row<'a> = (&'a str, &'a str, Option<&'a str>, bool, bool, &'a str);

    #[test]
    fn verdict_table() {
        let p = |status: &str, order: &str| {
            json!({ "id": "pay_AAAAAAAAAAAAAA", "order_id": order, "status": status,
            "error_code": "BAD_REQUEST_ERROR", "error_reason": "payment_declined" })
        };
        let table: &[Row] = &[
            ("captured", ORDER, None, true, false, "paid"),
            ("authorized", ORDER, Some(ORDER), true, false, "paid"),
            ("captured", ORDER, None, false, true, "paid"),
            ("captured", ORDER, None, false, false, "pending"),
            (
                "captured",
                ORDER,
                Some("order_BBBBBBBBBBBBBB"),
                true,
                true,
                "pending",
            ),
            ("created", ORDER, None, true, true, "pending"),
            ("captured", "order_x", None, true, true, "pending"),
            ("failed", ORDER, None, false, false, "failed"),
        ];
        for (status, order, asked, verified, fulfilled, want) in table {
            let v = verdict(&p(status, order), *asked, *verified, *fulfilled);
            assert_eq!(
                v["verdict"], *want,
                "{status} {order} {asked:?} {verified} {fulfilled}"
            );
            assert_eq!(v.get("error").is_some(), *want == "failed");
        }
        assert_eq!(
            verdict(&p("failed", ORDER), None, false, false)["error"]["reason"],
            "payment_declined"
        );
    }

    #[test]
    fn fulfilment_needs_the_whole_amount_captured_for_this_order() {
        let o = json!({ "id": ORDER, "status": "paid", "amount": 100, "amount_paid": 100, "currency": "INR", "receipt": "cart_1" });
        let p = json!({ "id": "pay_AAAAAAAAAAAAAA", "order_id": ORDER, "status": "captured" });
        assert!(fulfilment(&o, &p).is_some());
        for (pointer, value) in [
            ("/status", json!("attempted")),
            ("/amount_paid", json!(50)),
            ("/id", json!("order_x")),
        ] {
            let mut bad = o.clone();
            *bad.pointer_mut(pointer).unwrap() = value;
            assert!(fulfilment(&bad, &p).is_none(), "{pointer}");
        }
        for (pointer, value) in [
            ("/status", json!("authorized")),
            ("/order_id", json!("order_BBBBBBBBBBBBBB")),
        ] {
            let mut bad = p.clone();
            *bad.pointer_mut(pointer).unwrap() = value;
            assert!(fulfilment(&o, &bad).is_none(), "{pointer}");
        }
    }
}
