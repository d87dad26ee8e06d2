//! One payment per merchant order: the composite order's `receipt` is the
//! merchant's own order (cart) id, and the backend lets only one checkout
//! at a time pay it. A recurring debit's order has a receipt too (one per
//! mandate and period, see [`crate::routes::checkout::recurring`]).
//!
//! The `Idempotency-Key` makes the retries of one `Checkout` safe; it
//! cannot help when the same cart is paid from two tabs, each with its own
//! key. So, before an order with a `receipt` goes to the gateway:
//!
//! - no earlier checkout for the receipt, or the earlier one got an error
//!   from the gateway, or the gateway says its payment has `failed` (also
//!   when it was never authenticated: the gateway fails such a payment
//!   after its window, see [`crate::sandbox::PAYMENT_EXPIRY_SECS`]): this
//!   one goes on;
//! - an earlier checkout is in flight: this one waits for it;
//! - its payment is authorized or captured: a 409 with reason
//!   `order_already_paid`;
//! - the earlier checkout sent the very same order (same card, amount,
//!   page): its answer is replayed, so both tabs follow the same payment;
//! - otherwise: a 409 with reason `order_payment_in_progress`.
//!
//! **Unknown.** Once a request may have reached the gateway its row is
//! never deleted. When no answer came back (a timeout, a reset, a crash
//! mid-request), the row is `unknown`: the gateway may have done the work.
//! The next attempt on the receipt first asks the gateway what it has
//! ([`reconcile`]: its orders with this receipt, `GET /v1/orders?receipt=`,
//! and their payments, `GET /v1/orders/{id}/payments`) and
//!
//! - a payment authorized or captured: the same request gets what the
//!   gateway has (a recurring debit: its ids and signature), any other a
//!   409 (`order_already_paid`, or `mandate_frequency_exceeded` for a debit);
//! - a payment still `created`: a 409 `order_payment_in_progress` with the
//!   payment's id (its bank page URL was in the lost answer; the gateway
//!   fails it after its window, then a new attempt may go);
//! - an order without a payment: only the missing payment is sent (debits);
//! - nothing, or only failed payments: the request is sent again.
//!
//! A refusal never calls the gateway to create anything.
//!
//! A receipt belongs to the checkout session that first paid it (`owner`,
//! see [`crate::session`]): another browser's checkout of it gets a 403
//! with reason `order_belongs_to_another_checkout`, sees nothing of the
//! earlier answer and changes nothing.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::crypto::{is_id, payment_signature};
use crate::error::{ApiError, BAD_REQUEST};
use crate::gateway_client::GatewayAnswer;
use crate::single_flight::{self, Slot, Step};
use crate::state::AppState;
use crate::store::{Row, Table};

/// What is paid for by the receipt's order: the refusals differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A shopper's checkout (`POST /api/checkout`).
    Checkout,
    /// A merchant-initiated recurring debit (`POST /api/recurring`).
    Debit,
}

/// What to do with an earlier, finished checkout of the same receipt.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Pay again (the earlier attempt failed).
    Retry,
    /// Give the earlier answer (the same order again).
    Replay,
    /// Refuse: already paid.
    Paid,
    /// Refuse: another payment of this receipt is under way.
    InProgress,
}

/// The rule, given the earlier answer's status, whether the order is the
/// same, and the earlier payment's status at the gateway (when known). A
/// payment still `created` is under way however old it is: only the
/// gateway ends it (it fails an unauthenticated payment after its window).
pub fn verdict(earlier_status: u16, same_order: bool, payment: Option<&str>) -> Verdict {
    if earlier_status >= 300 {
        return Verdict::Retry;
    }
    match payment {
        Some("failed") => Verdict::Retry,
        Some("authorized" | "captured" | "refunded") => Verdict::Paid,
        _ if same_order => Verdict::Replay,
        _ => Verdict::InProgress,
    }
}

/// What the gateway has for a receipt (see [`reconcile`]).
#[derive(Debug, PartialEq, Eq)]
pub enum Record {
    /// No order, or only orders whose payments all failed.
    Nothing,
    /// An order with no payment at all (its id).
    OrderOnly(String),
    /// A payment still waiting for the shopper (order id, payment id).
    Pending(String, String),
    /// A payment authorized or captured (order id, payment id).
    Paid(String, String),
}

fn is_paid(status: &str) -> bool {
    matches!(status, "authorized" | "captured" | "refunded")
}

/// The rule of [`reconcile`] over the gateway's orders (newest first) and
/// their payments: paid beats pending beats an order without a payment.
pub fn record_of(orders: &[(String, Vec<(String, String)>)]) -> Record {
    let mut pending = None;
    let mut order_only = None;
    for (order_id, payments) in orders {
        for (payment_id, status) in payments {
            if is_paid(status) {
                return Record::Paid(order_id.clone(), payment_id.clone());
            }
            if status == "created" && pending.is_none() {
                pending = Some((order_id.clone(), payment_id.clone()));
            }
        }
        if payments.is_empty() && order_only.is_none() {
            order_only = Some(order_id.clone());
        }
    }
    match (pending, order_only) {
        (Some((o, p)), _) => Record::Pending(o, p),
        (None, Some(o)) => Record::OrderOnly(o),
        (None, None) => Record::Nothing,
    }
}

fn unreconciled() -> ApiError {
    ApiError::gateway_unreachable(
        "The payment gateway could not tell whether an earlier attempt of this order went through; nothing was sent. Try again shortly.",
    )
}

fn ids(body: &Value) -> Vec<Value> {
    body.get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Asks the gateway what it has for `receipt`: its orders with that
/// receipt and their payments. Any doubt (an error, an odd answer) is an
/// error, never [`Record::Nothing`].
pub async fn reconcile(state: &AppState, receipt: &str) -> Result<Record, ApiError> {
    let list = state
        .gateway
        .get_query("/v1/orders", &[("receipt", receipt), ("count", "100")])
        .await?;
    if list.status >= 300 || list.body.get("items").is_none() {
        return Err(unreconciled());
    }
    let mut orders = Vec::new();
    for order in ids(&list.body) {
        // The gateway filters by receipt; a stray order is no evidence.
        if order.get("receipt").and_then(Value::as_str) != Some(receipt) {
            continue;
        }
        let Some(order_id) = order
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| is_id(id, "order"))
        else {
            return Err(unreconciled());
        };
        let payments = state
            .gateway
            .call(
                Method::GET,
                &format!("/v1/orders/{order_id}/payments"),
                None,
            )
            .await?;
        if payments.status >= 300 || payments.body.get("items").is_none() {
            return Err(unreconciled());
        }
        let mut list = Vec::new();
        for p in ids(&payments.body) {
            match (
                p.get("id").and_then(Value::as_str),
                p.get("status").and_then(Value::as_str),
            ) {
                (Some(id), Some(status)) => list.push((id.to_string(), status.to_string())),
                _ => return Err(unreconciled()),
            }
        }
        orders.push((order_id.to_string(), list));
    }
    Ok(record_of(&orders))
}

fn refused(description: &str, reason: &str, field: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        BAD_REQUEST,
        description,
        "business",
        "payment_initiation",
        reason,
    )
    .with_field(field)
}

fn paid_refusal(kind: Kind) -> ApiError {
    match kind {
        Kind::Checkout => refused("This order has already been paid.", "order_already_paid", "receipt"),
        Kind::Debit => refused(
            "This mandate was already debited in this period; its frequency allows one debit per period.",
            "mandate_frequency_exceeded",
            "token",
        ),
    }
}

fn in_progress(description: &str) -> ApiError {
    refused(description, "order_payment_in_progress", "receipt")
}

/// The payment id in a gateway answer (an order, a debit, or an error's metadata).
pub fn payment_id_of(body: &Value) -> Option<String> {
    [
        body.pointer("/payment_workflow/razorpay_payment_id"),
        body.pointer("/razorpay_payment_id"),
        body.pointer("/error/metadata/payment_id"),
    ]
    .into_iter()
    .flatten()
    .find_map(Value::as_str)
    .filter(|id| is_id(id, "pay"))
    .map(str::to_string)
}

/// The gateway's status of a payment; `None` when the gateway does not say.
async fn payment_status(state: &AppState, payment_id: &str) -> Result<Option<String>, ApiError> {
    let answer = state
        .gateway
        .call(Method::GET, &format!("/v1/payments/{payment_id}"), None)
        .await?;
    if answer.status >= 300 {
        return Ok(None);
    }
    Ok(answer
        .body
        .get("status")
        .and_then(Value::as_str)
        .map(str::to_string))
}

/// Runs `call` unless the receipt is already being paid (see the module
/// docs). `call` gets the id of an order the gateway already has for the
/// receipt without a payment (after an unknown), if any.
pub async fn once<F, Fut>(
    state: &AppState,
    receipt: &str,
    owner: &str,
    fingerprint: &str,
    kind: Kind,
    call: F,
) -> Result<GatewayAnswer, ApiError>
where
    F: FnOnce(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<GatewayAnswer, ApiError>>,
{
    let slot = Slot {
        table: Table::Receipts,
        key: receipt,
        fingerprint,
        owner: Some(owner),
        busy: || in_progress("This order is already being paid in another tab or window."),
    };
    let (st, r, who, fp) = (
        state.clone(),
        receipt.to_string(),
        owner.to_string(),
        fingerprint.to_string(),
    );
    let judge = move |row: Row| {
        let (st, r, who, fp) = (st.clone(), r.clone(), who.clone(), fp.clone());
        async move { judge(&st, &r, &who, &fp, kind, row).await }
    };
    Ok(single_flight::run(state, slot, judge, call).await?.answer)
}

/// The rule for a receipt's row made by an earlier checkout.
async fn judge(
    state: &AppState,
    receipt: &str,
    owner: &str,
    fingerprint: &str,
    kind: Kind,
    row: Row,
) -> Result<Step, ApiError> {
    if row.owner.as_ref().is_some_and(|o| o != owner) {
        return Ok(Step::Refuse(
            ApiError::new(
                StatusCode::FORBIDDEN,
                BAD_REQUEST,
                "This order belongs to another checkout.",
                "business",
                "payment_initiation",
                "order_belongs_to_another_checkout",
            )
            .with_field("receipt"),
        ));
    }
    // In flight (whoever claimed it, on whichever instance).
    if single_flight::in_flight(state, &row) {
        return Ok(Step::Wait);
    }
    if let ("done", Some(status), Some(response)) =
        (row.state.as_str(), row.status, row.response.as_deref())
    {
        let payment = match &row.payment_id {
            Some(id) if status < 300 => payment_status(state, id).await?,
            _ => None,
        };
        return Ok(match verdict(status, row.fingerprint == fingerprint, payment.as_deref()) {
            Verdict::Retry => Step::Take(None),
            Verdict::Replay => {
                let body: Value = serde_json::from_str(response)
                    .map_err(|e| ApiError::internal(format!("stored answer: {e}")))?;
                Step::Replay(GatewayAnswer { status, body })
            }
            Verdict::Paid => Step::Refuse(paid_refusal(kind)),
            Verdict::InProgress => Step::Refuse(in_progress(
                "This order is already being paid in another tab or window. Finish the payment there, or try again in a few minutes.",
            )),
        });
    }
    // `unknown`, or a `pending` left by a crash: the gateway may have it.
    Ok(match reconcile(state, receipt).await? {
        Record::Paid(order_id, payment_id) if kind == Kind::Debit && row.fingerprint == fingerprint => {
            // What the gateway has: the debit, as its answer had it.
            Step::Settle(GatewayAnswer {
                status: 200,
                body: json!({
                    "razorpay_payment_id": payment_id,
                    "razorpay_order_id": order_id,
                    "razorpay_signature": payment_signature(&state.key_secret, &order_id, &payment_id),
                }),
            })
        }
        Record::Paid(order_id, payment_id) => Step::Refuse(
            paid_refusal(kind)
                .with_meta("order_id", order_id)
                .with_meta("payment_id", payment_id),
        ),
        Record::Pending(order_id, payment_id) => Step::Refuse(
            in_progress(
                "An earlier attempt to pay this order reached the payment gateway and is still open at the bank. The gateway ends it if it is not completed in time; try again after that.",
            )
            .with_meta("order_id", order_id)
            .with_meta("payment_id", payment_id),
        ),
        Record::OrderOnly(order_id) => Step::Take(Some(order_id)),
        Record::Nothing => Step::Take(None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_rule() {
        assert_eq!(verdict(400, false, None), Verdict::Retry);
        assert_eq!(verdict(200, false, Some("failed")), Verdict::Retry);
        assert_eq!(verdict(200, true, Some("created")), Verdict::Replay);
        assert_eq!(verdict(200, true, Some("captured")), Verdict::Paid);
        assert_eq!(verdict(200, false, Some("captured")), Verdict::Paid);
        assert_eq!(verdict(200, false, Some("created")), Verdict::InProgress);
        assert_eq!(verdict(200, false, None), Verdict::InProgress);
    }

    #[test]
    fn what_the_gateway_has_decides_after_an_unknown() {
        let o = |id: &str, ps: &[(&str, &str)]| {
            (
                id.to_string(),
                ps.iter()
                    .map(|(p, s)| (p.to_string(), s.to_string()))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(record_of(&[]), Record::Nothing);
        assert_eq!(
            record_of(&[o("order_b", &[("pay_2", "failed")])]),
            Record::Nothing
        );
        assert_eq!(
            record_of(&[o("order_b", &[])]),
            Record::OrderOnly("order_b".into())
        );
        assert_eq!(
            record_of(&[o("order_b", &[("pay_2", "created")]), o("order_a", &[])]),
            Record::Pending("order_b".into(), "pay_2".into())
        );
        assert_eq!(
            record_of(&[
                o("order_b", &[("pay_2", "created")]),
                o("order_a", &[("pay_1", "captured")])
            ]),
            Record::Paid("order_a".into(), "pay_1".into())
        );
    }

    #[test]
    fn payment_ids_are_found_in_orders_debits_and_errors() {
        let order = json!({ "payment_workflow": { "razorpay_payment_id": "pay_29QQoUBi66xm2f" } });
        assert_eq!(payment_id_of(&order).as_deref(), Some("pay_29QQoUBi66xm2f"));
        let debit =
            json!({ "razorpay_payment_id": "pay_29QQoUBi66xm2f", "razorpay_order_id": "order_x" });
        assert_eq!(payment_id_of(&debit).as_deref(), Some("pay_29QQoUBi66xm2f"));
        let error = json!({ "error": { "metadata": { "payment_id": "pay_29QQoUBi66xm2f" } } });
        assert_eq!(payment_id_of(&error).as_deref(), Some("pay_29QQoUBi66xm2f"));
        assert_eq!(
            payment_id_of(&json!({ "payment_workflow": { "razorpay_payment_id": "../x" } })),
            None
        );
    }
}
