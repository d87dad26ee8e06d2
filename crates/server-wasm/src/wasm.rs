//! The `#[wasm_bindgen]` edge: each export forwards to [`crate::api`]
//! (JSON text in and out; `server.js` parses it and types it).

use wasm_bindgen::prelude::wasm_bindgen;

use crate::api;

/// See [`api::prepare_order`].
#[wasm_bindgen(js_name = prepareOrder)]
pub fn prepare_order(body: &[u8], options: &str) -> String {
    api::prepare_order(body, options)
}

/// See [`api::apply_price`].
#[wasm_bindgen(js_name = applyPrice)]
pub fn apply_price(order: &str, price: &str) -> String {
    api::apply_price(order, price)
}

/// See [`api::order_fingerprint`].
#[wasm_bindgen(js_name = orderFingerprint)]
pub fn order_fingerprint(order: &str) -> String {
    api::order_fingerprint(order)
}

/// See [`api::receipt_of`].
#[wasm_bindgen(js_name = receiptOf)]
pub fn receipt_of(body: &[u8]) -> String {
    api::receipt_of(body)
}

/// See [`api::idempotency_key`].
#[wasm_bindgen(js_name = idempotencyKey)]
pub fn idempotency_key(header: Option<String>) -> String {
    api::idempotency_key(header.as_deref())
}

/// See [`api::otp_relay`].
#[wasm_bindgen(js_name = otpRelay)]
pub fn otp_relay(action: &str, body: &[u8], gateway: &str) -> String {
    api::otp_relay(action, body, gateway)
}

/// See [`crate::signature::verify_payment`].
#[wasm_bindgen(js_name = verifyPaymentSignature)]
pub fn verify_payment_signature(
    key_secret: &str,
    order_id: &str,
    payment_id: &str,
    signature: &str,
) -> bool {
    crate::signature::verify_payment(key_secret, order_id, payment_id, signature)
}

/// See [`api::verify_webhook`].
#[wasm_bindgen(js_name = verifyWebhook)]
pub fn verify_webhook(
    raw: &[u8],
    signature: Option<String>,
    event_id: Option<String>,
    secrets: &str,
    now_secs: f64,
) -> String {
    api::verify_webhook(
        raw,
        signature.as_deref(),
        event_id.as_deref(),
        secrets,
        now_secs,
    )
}

/// See [`api::read_callback`].
#[wasm_bindgen(js_name = readCallback)]
pub fn read_callback(fields: &str, key_secret: &str, expected_order_id: Option<String>) -> String {
    api::read_callback(fields, key_secret, expected_order_id.as_deref())
}

/// See [`api::payment_verdict`].
#[wasm_bindgen(js_name = paymentVerdict)]
pub fn payment_verdict(
    payment: &str,
    asked_order_id: Option<String>,
    verified: bool,
    fulfilled: bool,
) -> String {
    api::payment_verdict(payment, asked_order_id.as_deref(), verified, fulfilled)
}

/// See [`api::fulfilment`].
#[wasm_bindgen]
pub fn fulfilment(order: &str, payment: &str) -> String {
    api::fulfilment(order, payment)
}

/// See [`api::error_answer`].
#[wasm_bindgen(js_name = errorAnswer)]
pub fn error_answer(status: u16, fields: &str) -> String {
    api::error_answer(status, fields)
}

/// See [`api::admit_attempt`].
#[wasm_bindgen(js_name = admitAttempt)]
pub fn admit_attempt(input: &str) -> String {
    api::admit_attempt(input)
}

/// See [`api::ids_of`].
#[wasm_bindgen(js_name = idsOf)]
pub fn ids_of(body: &str) -> String {
    api::ids_of(body)
}

/// See [`api::reconcile_attempt`].
#[wasm_bindgen(js_name = reconcileAttempt)]
pub fn reconcile_attempt(orders: &str, receipt: &str) -> String {
    api::reconcile_attempt(orders, receipt)
}
