//! The Node entry's functions as JSON text in, JSON text out: what
//! `wasm` exports one-to-one (so every decision is tested here, natively).
//! Results are `{ "ok": true, … }` or an [`Answer`] as
//! `{ "ok": false, "status", "body" }`.

use serde_json::{json, Value};

use crate::answer::{Answer, Fields};
use crate::order::{self, Context};
use crate::otp::{self, Action};
use crate::signature::{self, Secret};
use crate::verdict;

fn text(v: &Value) -> String {
    v.to_string()
}

fn merchant_error(description: String) -> String {
    // The merchant's own code passed something wrong: a 500, never the shopper's fault.
    text(
        &Answer::new(
            500,
            Fields {
                description,
                reason: Some("server_misconfigured".into()),
                ..Fields::default()
            },
        )
        .to_json(),
    )
}

/// `prepareOrder(body, { ip, callbackUrl, customerId?, price?, now? })`.
pub fn prepare_order(body: &[u8], options: &str) -> String {
    let Ok(o) = serde_json::from_str::<Value>(options) else {
        return merchant_error("prepareOrder: the options are not an object".into());
    };
    let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
    let (Some(ip), Some(callback_url)) = (s("ip"), s("callbackUrl")) else {
        return merchant_error(
            "prepareOrder: options.ip and options.callbackUrl are required".into(),
        );
    };
    let price = match o.get("price") {
        None | Some(Value::Null) => None,
        Some(p) => match order::price_from_json(p) {
            Ok(p) => Some(p),
            Err(e) => return merchant_error(format!("prepareOrder: {e}")),
        },
    };
    let ctx = Context {
        ip,
        callback_url,
        customer_id: s("customerId"),
        price,
        now_ms: o.get("now").and_then(Value::as_f64).unwrap_or(0.0),
    };
    match order::prepare(body, &ctx) {
        Ok(order) => text(&json!({ "ok": true, "order": order })),
        Err(a) => text(&a.to_json()),
    }
}

/// `applyPrice(order, price | null)`: the price of the cart the order's
/// `receipt` names (`null`: no such cart) checked and written into an order
/// [`prepare_order`] built, as the Rust demo backend does after validating.
pub fn apply_price(order_json: &str, price: &str) -> String {
    let Ok(mut order) = serde_json::from_str::<Value>(order_json) else {
        return merchant_error("applyPrice: the order is not an object".into());
    };
    if order
        .get("receipt")
        .and_then(Value::as_str)
        .is_none_or(|r| r.trim().is_empty())
    {
        return text(
            &Answer::validation(
                Some("receipt"),
                "The receipt is required: it names the cart to pay.",
            )
            .to_json(),
        );
    }
    let price = match serde_json::from_str::<Value>(price) {
        Ok(Value::Null) | Err(_) => {
            return text(&Answer::validation(Some("receipt"), "The cart does not exist.").to_json())
        }
        Ok(p) => match order::price_from_json(&p) {
            Ok(p) => p,
            Err(e) => return merchant_error(format!("applyPrice: {e}")),
        },
    };
    match order::apply_price(&mut order, &price) {
        Ok(()) => text(&json!({ "ok": true, "order": order })),
        Err(a) => text(&a.to_json()),
    }
}

/// `orderFingerprint(order)`.
pub fn order_fingerprint(order_json: &str) -> String {
    let order: Value = serde_json::from_str(order_json).unwrap_or(Value::Null);
    text(&json!(order::fingerprint(&order)))
}

fn earlier(v: Option<&Value>) -> Option<crate::ledger::Earlier> {
    let v = v.filter(|v| v.is_object())?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Some(crate::ledger::Earlier {
        owner: s("owner").unwrap_or_default(),
        print: s("print").unwrap_or_default(),
        pending: v.get("pending").and_then(Value::as_bool).unwrap_or(false),
        unknown: v.get("unknown").and_then(Value::as_bool).unwrap_or(false),
        status: v
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok()),
        payment_id: s("paymentId"),
    })
}

/// `admitAttempt({ byKey, byReceipt, print, owner, paymentStatus? })` →
/// `{ ok: true, action: "send" | "replay_key" | "replay_receipt" | "check", paymentId? }`
/// or an answer.
pub fn admit_attempt(input: &str) -> String {
    use crate::ledger::{admit, Decision};
    let v: Value = serde_json::from_str(input).unwrap_or(Value::Null);
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (by_key, by_receipt) = (earlier(v.get("byKey")), earlier(v.get("byReceipt")));
    let status = v.get("paymentStatus").and_then(Value::as_str);
    match admit(
        by_key.as_ref(),
        by_receipt.as_ref(),
        &s("print"),
        &s("owner"),
        status,
    ) {
        Decision::Send => text(&json!({ "ok": true, "action": "send" })),
        Decision::ReplayKey => text(&json!({ "ok": true, "action": "replay_key" })),
        Decision::ReplayReceipt => text(&json!({ "ok": true, "action": "replay_receipt" })),
        Decision::Check(p) => text(&json!({ "ok": true, "action": "check", "paymentId": p })),
        Decision::Reconcile => text(&json!({ "ok": true, "action": "reconcile" })),
        Decision::Refuse(a) => text(&a.to_json()),
    }
}

/// `reconcileAttempt(orders, receipt)` → `{ ok: true, action: "send" }` or an answer.
pub fn reconcile_attempt(orders: &str, receipt: &str) -> String {
    use crate::ledger::{reconcile, Decision};
    let v: Value = serde_json::from_str(orders).unwrap_or(Value::Null);
    match reconcile(&v, receipt) {
        Decision::Refuse(a) => text(&a.to_json()),
        _ => text(&json!({ "ok": true, "action": "send" })),
    }
}

/// `paymentIdOf(gatewayAnswerBody)`: the payment an order answer started
/// (`payment_workflow.razorpay_payment_id`, `razorpay_payment_id`, or an
/// error's `metadata.payment_id`), and its order; `null`s when none.
pub fn ids_of(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let pick = |pointers: &[&str], prefix: &str| {
        pointers
            .iter()
            .filter_map(|p| v.pointer(p))
            .find_map(Value::as_str)
            .filter(|id| crate::otp::is_id(id, prefix))
            .map(str::to_string)
    };
    text(&json!({
        "paymentId": pick(&["/payment_workflow/razorpay_payment_id", "/razorpay_payment_id", "/error/metadata/payment_id"], "pay"),
        "orderId": pick(&["/id", "/razorpay_order_id", "/error/metadata/order_id"], "order"),
    }))
}

/// `receiptOf(body)`: the order's receipt, or `null`.
pub fn receipt_of(body: &[u8]) -> String {
    text(&json!(order::receipt_of(body)))
}

/// `idempotencyKey(header)`.
pub fn idempotency_key(header: Option<&str>) -> String {
    match order::idempotency_key(header) {
        Ok(key) => text(&json!({ "ok": true, "key": key })),
        Err(a) => text(&a.to_json()),
    }
}

/// `otpRelay(action, body, { gatewayUrl })`.
pub fn otp_relay(action: &str, body: &[u8], gateway: &str) -> String {
    let Some(action) = Action::from_name(action) else {
        return merchant_error("otpRelay: the action must be generate, submit or resend".into());
    };
    match otp::relay(action, body, gateway) {
        Ok(r) => text(
            &json!({ "ok": true, "relay": { "method": r.method, "url": r.url, "paymentId": r.payment_id, "body": r.body } }),
        ),
        Err(a) => text(&a.to_json()),
    }
}

/// `verifyWebhook(raw, signature, secrets, { eventId?, now? })`; `secrets`
/// is `[{ secret, until? }]`.
pub fn verify_webhook(
    raw: &[u8],
    signature: Option<&str>,
    event_id: Option<&str>,
    secrets: &str,
    now_secs: f64,
) -> String {
    let Ok(Value::Array(list)) = serde_json::from_str::<Value>(secrets) else {
        return merchant_error("verifyWebhook: secrets must be a list".into());
    };
    let mut parsed = Vec::new();
    for s in &list {
        let Some(secret) = s.get("secret").and_then(Value::as_str) else {
            return merchant_error(
                "verifyWebhook: each secret must be a string or { secret, until }".into(),
            );
        };
        parsed.push(Secret {
            secret: secret.to_string(),
            until: s.get("until").and_then(Value::as_f64).map(|u| u as i64),
        });
    }
    match signature::verify_webhook(raw, signature, event_id, &parsed, now_secs as i64) {
        Ok(w) => text(&json!({ "ok": true, "webhook": w.to_json() })),
        Err(a) => text(&a.to_json()),
    }
}

/// `readCallback(fields, keySecret, expectedOrderId?)`; `fields` is
/// `[[name, value], …]`, URL-decoded.
pub fn read_callback(fields: &str, key_secret: &str, expected_order_id: Option<&str>) -> String {
    let pairs: Vec<(String, String)> = serde_json::from_str(fields).unwrap_or_default();
    let c = signature::read_callback(&pairs, key_secret, expected_order_id);
    text(
        &json!({ "paymentId": c.payment_id, "orderId": c.order_id, "signatureValid": c.signature_valid, "error": c.error }),
    )
}

/// `paymentVerdict(payment, { orderId?, signatureVerified, fulfilled? })`.
pub fn payment_verdict(
    payment: &str,
    asked_order_id: Option<&str>,
    verified: bool,
    fulfilled: bool,
) -> String {
    let p: Value = serde_json::from_str(payment).unwrap_or(Value::Null);
    text(&verdict::verdict(&p, asked_order_id, verified, fulfilled))
}

/// `fulfilment(order, payment)`: the claim, or `null`.
pub fn fulfilment(order: &str, payment: &str) -> String {
    let o: Value = serde_json::from_str(order).unwrap_or(Value::Null);
    let p: Value = serde_json::from_str(payment).unwrap_or(Value::Null);
    text(&verdict::fulfilment(&o, &p).unwrap_or(Value::Null))
}

/// `errorAnswer(status, { description, code?, field?, source?, step?, reason?, metadata? })`.
pub fn error_answer(status: u16, fields: &str) -> String {
    let f: Value = serde_json::from_str(fields).unwrap_or(Value::Null);
    let s = |k: &str| f.get(k).and_then(Value::as_str).map(str::to_string);
    let a = Answer::new(
        status,
        Fields {
            code: s("code"),
            description: s("description").unwrap_or_default(),
            field: s("field"),
            source: s("source"),
            step: s("step"),
            reason: s("reason"),
            metadata: f
                .get("metadata")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        },
    );
    text(&a.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn merchant_mistakes_are_500s_that_say_which_option() {
        for (opts, word) in [
            ("", "object"),
            ("{}", "callbackUrl"),
            (
                r#"{"ip":"1.2.3.4","callbackUrl":"x","price":{"amount":1}}"#,
                "price.currency",
            ),
        ] {
            let a = v(&prepare_order(b"{}", opts));
            assert_eq!(
                (a["ok"].as_bool(), a["status"].as_u64()),
                (Some(false), Some(500)),
                "{opts}"
            );
            assert!(
                a["body"]["error"]["description"]
                    .as_str()
                    .unwrap()
                    .contains(word),
                "{a}"
            );
        }
        assert_eq!(
            v(&otp_relay("capture", b"{}", "https://api.razorpay.com"))["status"],
            500
        );
        assert_eq!(
            v(&verify_webhook(b"{}", None, None, "{}", 0.0))["status"],
            500
        );
        assert_eq!(
            v(&verify_webhook(b"{}", None, None, "[1]", 0.0))["status"],
            500
        );
    }

    #[test]
    fn shapes() {
        assert_eq!(v(&idempotency_key(Some("k-1")))["key"], "k-1");
        assert_eq!(v(&idempotency_key(None))["status"], 400);
        assert_eq!(v(&receipt_of(br#"{"receipt":"cart_1"}"#)), json!("cart_1"));
        let r = v(&otp_relay(
            "resend",
            br#"{"url":"https://api.razorpay.com/v1/payments/pay_AAAAAAAAAAAAAA/otp/resend"}"#,
            "https://api.razorpay.com",
        ));
        assert_eq!(
            (
                r["relay"]["paymentId"].as_str(),
                r["relay"]["body"].is_null()
            ),
            (Some("pay_AAAAAAAAAAAAAA"), true)
        );
        let e = v(&error_answer(
            404,
            r#"{"description":"No such cart.","field":"receipt","metadata":{"x":1}}"#,
        ));
        assert_eq!(
            (e["status"].as_u64(), e["body"]["error"]["field"].as_str()),
            (Some(404), Some("receipt"))
        );
        assert_eq!(e["body"]["error"]["metadata"]["x"], 1);
        let c = v(&read_callback(
            r#"[["razorpay_payment_id","pay_AAAAAAAAAAAAAA"],["razorpay_order_id","order_AAAAAAAAAAAAAA"],["razorpay_signature","00"]]"#,
            "k",
            None,
        ));
        assert_eq!(
            (c["signatureValid"].as_bool(), c["paymentId"].as_str()),
            (Some(false), Some("pay_AAAAAAAAAAAAAA"))
        );
        assert_eq!(v(&fulfilment("{}", "{}")), Value::Null);
        let order =
            r#"{"amount":100,"currency":"INR","receipt":"cart_1","payment":{"amount":100}}"#;
        assert_eq!(
            v(&apply_price(order, r#"{"amount":100,"currency":"INR"}"#))["ok"],
            true
        );
        assert_eq!(
            v(&apply_price(order, r#"{"amount":200,"currency":"INR"}"#))["body"]["error"]["field"],
            "amount"
        );
        let none = v(&apply_price(order, "null"));
        assert_eq!(
            (
                none["body"]["error"]["field"].as_str(),
                none["body"]["error"]["description"].as_str()
            ),
            (Some("receipt"), Some("The cart does not exist."))
        );
        assert_eq!(
            v(&apply_price(r#"{"amount":100}"#, "null"))["body"]["error"]["description"],
            "The receipt is required: it names the cart to pay."
        );
        assert_eq!(
            v(&payment_verdict(
                r#"{"status":"failed"}"#,
                None,
                false,
                false
            ))["verdict"],
            "failed"
        );
        let a = v(&admit_attempt(
            r#"{"byReceipt":{"owner":"s","print":"p","status":200,"paymentId":"pay_AAAAAAAAAAAAAA"},"print":"p","owner":"s"}"#,
        ));
        assert_eq!(
            (a["action"].as_str(), a["paymentId"].as_str()),
            (Some("check"), Some("pay_AAAAAAAAAAAAAA"))
        );
        assert_eq!(
            v(&admit_attempt(r#"{"print":"p","owner":"s"}"#))["action"],
            "send"
        );
        assert_eq!(
            v(&admit_attempt(
                r#"{"byKey":{"owner":"s","print":"q"},"print":"p","owner":"s"}"#
            ))["status"],
            422
        );
        let ids = v(&ids_of(
            r#"{"id":"order_AAAAAAAAAAAAAA","payment_workflow":{"razorpay_payment_id":"pay_AAAAAAAAAAAAAA"}}"#,
        ));
        assert_eq!(
            (ids["paymentId"].as_str(), ids["orderId"].as_str()),
            (Some("pay_AAAAAAAAAAAAAA"), Some("order_AAAAAAAAAAAAAA"))
        );
        let err = v(&ids_of(
            r#"{"error":{"metadata":{"payment_id":"pay_AAAAAAAAAAAAAA","order_id":"order_AAAAAAAAAAAAAA"}}}"#,
        ));
        assert_eq!(err["orderId"], "order_AAAAAAAAAAAAAA");
        assert_eq!(v(&ids_of("{}"))["paymentId"], Value::Null);
        let body = br#"{"event":"order.paid","created_at":100}"#;
        let sig = signature::hmac_hex("s", body);
        let w = v(&verify_webhook(
            body,
            Some(&sig),
            Some("id1"),
            r#"[{"secret":"s"}]"#,
            100.0,
        ));
        assert_eq!(
            (
                w["webhook"]["event"].as_str(),
                w["webhook"]["eventId"].as_str()
            ),
            (Some("order.paid"), Some("id1"))
        );
    }
}
