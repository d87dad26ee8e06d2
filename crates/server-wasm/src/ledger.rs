//! Whether money may move: the decision for each `POST /api/checkout`
//! attempt, from what the merchant stored for its `Idempotency-Key` and for
//! its `receipt` (the merchant's order, one payment per cart). The rules are
//! the Rust demo backend's (www/server/src/idempotency.rs,
//! www/server/src/receipts.rs):
//!
//! - the key was seen: the same order (fingerprint) gets the stored answer
//!   again; another order under it is refused (422
//!   `idempotency_key_reused`); one still in flight is a 409
//!   `idempotency_key_in_use`;
//! - a new key for a receipt that was seen: another checkout session's
//!   receipt is refused (403 `order_belongs_to_another_checkout`); when the
//!   earlier attempt got an error from the gateway, or its payment `failed`,
//!   this one goes on; a payment `authorized` or `captured` is a 409
//!   `order_already_paid`; the very same order gets the earlier answer (two
//!   tabs follow one payment); anything else is a 409
//!   `order_payment_in_progress`. The earlier payment's status is the
//!   gateway's: [`Decision::Check`] asks the caller to fetch it first.
//! - neither: send the order to the gateway.

use crate::answer::{Answer, Fields};

/// What was stored for an earlier attempt.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Earlier {
    /// The checkout session that made it.
    pub owner: String,
    /// Its order's fingerprint ([`crate::order::fingerprint`]).
    pub print: String,
    /// No answer yet: in flight, or lost.
    pub pending: bool,
    /// Pending with its answer lost (a timeout, a reset, a crash, or pending
    /// for longer than an answer can take): the gateway may have done the
    /// work, so ask it ([`Decision::Reconcile`]) before paying again.
    pub unknown: bool,
    /// The gateway's HTTP status.
    pub status: Option<u16>,
    /// The payment it started (`pay_…`), if any.
    pub payment_id: Option<String>,
}

/// What to do with an attempt.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Send the order to the gateway (store it as pending under the key and the receipt first).
    Send,
    /// Answer what is stored for the key.
    ReplayKey,
    /// Answer what is stored for the receipt (and store it under this key too).
    ReplayReceipt,
    /// Fetch this payment's status from the gateway, then decide again with it.
    Check(String),
    /// Ask the gateway what it has for the receipt (its orders with this
    /// receipt and their payments), then decide with [`reconcile`].
    Reconcile,
    /// Answer this.
    Refuse(Answer),
}

fn refuse(status: u16, description: &str, field: &str, reason: &str) -> Decision {
    Decision::Refuse(Answer::new(
        status,
        Fields {
            description: description.into(),
            field: Some(field.into()),
            reason: Some(reason.into()),
            ..Fields::default()
        },
    ))
}

/// The decision for an attempt of `owner` with order fingerprint `print`;
/// `payment_status` is the gateway's status of the receipt's earlier
/// payment, once fetched after a [`Decision::Check`].
///
/// # Example
/// ```
/// use razorpay_checkout_wasm_server::ledger::{admit, Decision, Earlier};
/// let paid = Earlier { owner: "s1".into(), print: "a".into(), status: Some(200), payment_id: Some("pay_AAAAAAAAAAAAAA".into()), ..Earlier::default() };
/// assert_eq!(admit(None, Some(&paid), "b", "s1", None), Decision::Check("pay_AAAAAAAAAAAAAA".into()));
/// assert!(matches!(admit(None, Some(&paid), "b", "s1", Some("captured")), Decision::Refuse(_)));
/// assert_eq!(admit(None, Some(&paid), "b", "s1", Some("failed")), Decision::Send);
/// ```
pub fn admit(
    by_key: Option<&Earlier>,
    by_receipt: Option<&Earlier>,
    print: &str,
    owner: &str,
    payment_status: Option<&str>,
) -> Decision {
    if let Some(k) = by_key {
        if k.owner != owner {
            return refuse(
                403,
                "This order belongs to another checkout.",
                "receipt",
                "order_belongs_to_another_checkout",
            );
        }
        if k.print != print {
            return refuse(
                422,
                "This Idempotency-Key was already used with a different request.",
                "Idempotency-Key",
                "idempotency_key_reused",
            );
        }
        if k.pending && k.unknown {
            return Decision::Reconcile;
        }
        if k.pending {
            return refuse(
                409,
                "A request with this Idempotency-Key is still in progress. Try again shortly.",
                "Idempotency-Key",
                "idempotency_key_in_use",
            );
        }
        return Decision::ReplayKey;
    }
    let Some(r) = by_receipt else {
        return Decision::Send;
    };
    if r.owner != owner {
        return refuse(
            403,
            "This order belongs to another checkout.",
            "receipt",
            "order_belongs_to_another_checkout",
        );
    }
    if r.pending && r.unknown {
        return Decision::Reconcile;
    }
    if r.pending {
        return refuse(
            409,
            "This order is being paid in another attempt. Try again shortly.",
            "receipt",
            "order_payment_in_progress",
        );
    }
    let Some(payment_id) = r
        .payment_id
        .as_ref()
        .filter(|_| r.status.is_some_and(|s| s < 300))
    else {
        return Decision::Send; // The earlier attempt got an error: no payment to wait for.
    };
    match payment_status {
        None => Decision::Check(payment_id.clone()),
        Some("failed") => Decision::Send,
        Some("authorized" | "captured") => refuse(
            409,
            "This order has already been paid.",
            "receipt",
            "order_already_paid",
        ),
        Some(_) if r.print == print => Decision::ReplayReceipt,
        Some(_) => refuse(
            409,
            "This order is being paid with another card or page. Finish or cancel that payment first.",
            "receipt",
            "order_payment_in_progress",
        ),
    }
}

/// What the gateway has for `receipt` after an attempt whose answer was
/// lost: `orders` is `GET /v1/orders?receipt=…`'s `items`, each with its
/// `GET /v1/orders/{id}/payments` `items` as `payments`. A payment
/// `authorized` or `captured` is a 409 `order_already_paid`; one still
/// `created` a 409 `order_payment_in_progress` (the gateway fails it after
/// its window; then pay again); orders without a live payment, or none:
/// send again. Any doubt (an order without an id or another receipt's, a
/// payment without a status) is a 502: nothing is sent.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm_server::ledger::{reconcile, Decision};
/// let orders = serde_json::json!([{ "id": "order_AAAAAAAAAAAAAA", "receipt": "cart_1",
///     "payments": [{ "id": "pay_AAAAAAAAAAAAAA", "status": "failed" }] }]);
/// assert_eq!(reconcile(&orders, "cart_1"), Decision::Send);
/// ```
pub fn reconcile(orders: &serde_json::Value, receipt: &str) -> Decision {
    use serde_json::Value;
    let doubt = || {
        Decision::Refuse(Answer::new(
            502,
            Fields {
                code: Some(crate::answer::GATEWAY_ERROR.into()),
                description: "The payment gateway could not tell whether an earlier attempt of this order went through; nothing was sent. Try again shortly.".into(),
                reason: Some("gateway_unreachable".into()),
                ..Fields::default()
            },
        ))
    };
    let Some(list) = orders.as_array() else {
        return doubt();
    };
    let mut open: Option<(String, String)> = None;
    for order in list {
        if order.get("receipt").and_then(Value::as_str) != Some(receipt) {
            continue; // Not this receipt's: no evidence either way.
        }
        let Some(order_id) = order
            .get("id")
            .and_then(Value::as_str)
            .filter(|o| crate::otp::is_id(o, "order"))
        else {
            return doubt();
        };
        let Some(payments) = order.get("payments").and_then(Value::as_array) else {
            return doubt();
        };
        for p in payments {
            let (Some(id), Some(status)) = (
                p.get("id").and_then(Value::as_str),
                p.get("status").and_then(Value::as_str),
            ) else {
                return doubt();
            };
            if status == "authorized" || status == "captured" {
                return Decision::Refuse(
                    Answer::new(
                        409,
                        Fields {
                            description: "This order has already been paid.".into(),
                            field: Some("receipt".into()),
                            reason: Some("order_already_paid".into()),
                            ..Fields::default()
                        },
                    )
                    .with_meta("order_id", order_id.into())
                    .with_meta("payment_id", id.into()),
                );
            }
            if status == "created" && open.is_none() {
                open = Some((order_id.to_string(), id.to_string()));
            }
        }
    }
    match open {
        Some((order_id, payment_id)) => Decision::Refuse(
            Answer::new(409, Fields {
                description: "An earlier attempt to pay this order reached the payment gateway and is still open at the bank. The gateway ends it if it is not completed in time; try again after that.".into(),
                field: Some("receipt".into()),
                reason: Some("order_payment_in_progress".into()),
                ..Fields::default()
            })
            .with_meta("order_id", order_id.into())
            .with_meta("payment_id", payment_id.into()),
        ),
        None => Decision::Send,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAY: &str = "pay_AAAAAAAAAAAAAA";

    fn done(owner: &str, print: &str, status: u16, payment: bool) -> Earlier {
        Earlier {
            owner: owner.into(),
            print: print.into(),
            status: Some(status),
            payment_id: payment.then(|| PAY.to_string()),
            ..Earlier::default()
        }
    }

    fn reason(d: &Decision) -> &str {
        match d {
            Decision::Refuse(a) => a.body["error"]["reason"].as_str().unwrap_or_default(),
            _ => "",
        }
    }

    #[test]
    fn the_key_first() {
        let k = done("s1", "a", 200, true);
        assert_eq!(admit(Some(&k), None, "a", "s1", None), Decision::ReplayKey);
        assert_eq!(
            reason(&admit(Some(&k), None, "b", "s1", None)),
            "idempotency_key_reused"
        );
        assert_eq!(
            reason(&admit(Some(&k), None, "a", "s2", None)),
            "order_belongs_to_another_checkout"
        );
        let pending = Earlier {
            pending: true,
            ..k.clone()
        };
        assert_eq!(
            reason(&admit(Some(&pending), None, "a", "s1", None)),
            "idempotency_key_in_use"
        );
        // The key wins over the receipt: a retry is never re-judged by its cart.
        assert_eq!(
            admit(Some(&k), Some(&k), "a", "s1", Some("captured")),
            Decision::ReplayKey
        );
    }

    #[test]
    fn then_one_payment_per_receipt() {
        assert_eq!(admit(None, None, "a", "s1", None), Decision::Send);
        let r = done("s1", "a", 200, true);
        let table: &[(&str, Option<&str>, &str, &str)] = &[
            // (print, payment status, decision, reason)
            ("a", None, "check", ""),
            ("b", None, "check", ""),
            ("a", Some("failed"), "send", ""),
            ("b", Some("failed"), "send", ""),
            ("a", Some("captured"), "refuse", "order_already_paid"),
            ("b", Some("authorized"), "refuse", "order_already_paid"),
            ("a", Some("created"), "replay", ""),
            ("b", Some("created"), "refuse", "order_payment_in_progress"),
        ];
        for (print, status, want, why) in table {
            let d = admit(None, Some(&r), print, "s1", *status);
            let got = match &d {
                Decision::Send => "send",
                Decision::ReplayReceipt => "replay",
                Decision::Check(p) => {
                    assert_eq!(p, PAY);
                    "check"
                }
                Decision::Refuse(_) => "refuse",
                Decision::ReplayKey => "replay key",
                Decision::Reconcile => "reconcile",
            };
            assert_eq!((got, reason(&d)), (*want, *why), "{print} {status:?}");
        }
        assert_eq!(
            reason(&admit(None, Some(&r), "a", "s2", Some("failed"))),
            "order_belongs_to_another_checkout",
            "another browser, even after a failure"
        );
        assert_eq!(
            admit(None, Some(&done("s1", "a", 400, true)), "a", "s1", None),
            Decision::Send,
            "a gateway error: go on"
        );
        assert_eq!(
            admit(None, Some(&done("s1", "a", 200, false)), "a", "s1", None),
            Decision::Send
        );
        let pending = Earlier {
            pending: true,
            ..r.clone()
        };
        assert_eq!(
            reason(&admit(None, Some(&pending), "a", "s1", None)),
            "order_payment_in_progress"
        );
        // A lost answer: ask the gateway, whatever the order (but never for another browser).
        let lost = Earlier {
            pending: true,
            unknown: true,
            ..r
        };
        assert_eq!(
            admit(None, Some(&lost), "b", "s1", None),
            Decision::Reconcile
        );
        assert_eq!(
            admit(Some(&lost), None, "a", "s1", None),
            Decision::Reconcile
        );
        assert_eq!(
            reason(&admit(Some(&lost), None, "b", "s1", None)),
            "idempotency_key_reused"
        );
        assert_eq!(
            reason(&admit(None, Some(&lost), "a", "s2", None)),
            "order_belongs_to_another_checkout"
        );
    }

    #[test]
    fn reconcile_table() {
        let o = |receipt: &str, payments: serde_json::Value| serde_json::json!({ "id": "order_AAAAAAAAAAAAAA", "receipt": receipt, "payments": payments });
        let p = |status: &str| serde_json::json!({ "id": PAY, "status": status });
        let table: Vec<(serde_json::Value, &str)> = vec![
            (serde_json::json!([]), "send"),
            (
                serde_json::json!([o("cart_1", serde_json::json!([]))]),
                "send",
            ),
            (
                serde_json::json!([o("cart_1", serde_json::json!([p("failed")]))]),
                "send",
            ),
            (
                serde_json::json!([o("cart_1", serde_json::json!([p("failed"), p("created")]))]),
                "order_payment_in_progress",
            ),
            (
                serde_json::json!([
                    o("cart_1", serde_json::json!([p("created")])),
                    o("cart_1", serde_json::json!([p("captured")]))
                ]),
                "order_already_paid",
            ),
            (
                serde_json::json!([o("cart_1", serde_json::json!([p("authorized")]))]),
                "order_already_paid",
            ),
            (
                serde_json::json!([o("cart_2", serde_json::json!([p("captured")]))]),
                "send",
            ),
            (
                serde_json::json!([o("cart_1", serde_json::json!([{ "id": PAY }]))]),
                "gateway_unreachable",
            ),
            (
                serde_json::json!([{ "receipt": "cart_1", "payments": [] }]),
                "gateway_unreachable",
            ),
            (
                serde_json::json!([{ "id": "order_AAAAAAAAAAAAAA", "receipt": "cart_1" }]),
                "gateway_unreachable",
            ),
            (serde_json::json!({}), "gateway_unreachable"),
        ];
        for (orders, want) in table {
            let d = reconcile(&orders, "cart_1");
            let got = if d == Decision::Send {
                "send"
            } else {
                reason(&d)
            };
            assert_eq!(got, want, "{orders}");
        }
    }
}
