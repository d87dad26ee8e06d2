//! The page's `POST /api/checkout` body → the gateway's `POST /v1/orders`
//! body, with exactly the rules of the browser and the Rust demo backend
//! (www/server/src/routes/checkout.rs, www/server/src/carts.rs):
//!
//! 1. the body must be a JSON object, checked by the checkout core's
//!    [`validate_order_request`] (the browser runs the same function before
//!    posting; `payment.browser` and `payment.referer` are required here);
//! 2. the order is rebuilt from what the core accepted, so nothing the
//!    core does not know reaches the gateway, and what only the server knows
//!    is added: `payment.ip` (from the connection) and `payment.callback_url`;
//! 3. the customer comes from the shopper's session: an order that names a
//!    customer (`customer_id` or `payment.customer_id`) goes on only when
//!    that customer is signed in (401 when nobody is, 403 when another is),
//!    and then names it in both places;
//! 4. the price is the merchant's: `amount`, `currency` and a mandate's
//!    `token.max_amount` / `token.frequency` must equal the cart's, or a 400
//!    names the field that differs (with the cart's value in `metadata.cart`).

use razorpay_checkout_wasm::checkout::{validate_order_request, CheckoutInput};
use serde_json::{json, Map, Value};

use crate::answer::{Answer, Fields};

/// A mandate's terms, set by the merchant.
#[derive(Clone, Debug, PartialEq)]
pub struct MandateTerms {
    /// The most one debit may take, in subunits.
    pub max_amount: u64,
    /// `monthly`, `as_presented`, …
    pub frequency: String,
}

/// The merchant's price of the cart the order pays.
#[derive(Clone, Debug, PartialEq)]
pub struct Price {
    /// In currency subunits.
    pub amount: u64,
    /// ISO 4217 code.
    pub currency: String,
    /// The mandate the shopper may set up with this payment, if any.
    pub mandate: Option<MandateTerms>,
}

/// What only the server knows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context {
    /// The shopper's IP (the connection's, or a trusted proxy's header).
    pub ip: String,
    /// Where the gateway sends the shopper back (your `POST /checkout/callback`).
    pub callback_url: String,
    /// The signed-in customer of the shopper's session (`None`: a guest).
    pub customer_id: Option<String>,
    /// The cart's price; `None` only when the caller has priced the order itself.
    pub price: Option<Price>,
    /// The clock, ms since the Unix epoch.
    pub now_ms: f64,
}

fn not_signed_in(status: u16, description: &str) -> Answer {
    Answer::new(
        status,
        Fields {
            description: description.into(),
            source: Some("customer".into()),
            reason: Some("customer_not_signed_in".into()),
            ..Fields::default()
        },
    )
}

/// Checks the page's body and builds the gateway's.
///
/// # Errors
/// 400 with every error of the checkout core (the first in `error`, all in
/// `error.metadata.errors`), or on the field that differs from the price;
/// 401/403 for a customer who is not the session's.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm_server::order::{prepare, Context};
/// let e = prepare(br#"{"amount": 100}"#, &Context::default()).unwrap_err();
/// assert_eq!((e.status, e.body["error"]["field"].as_str()), (400, Some("currency")));
/// ```
pub fn prepare(body: &[u8], ctx: &Context) -> Result<Value, Answer> {
    let not_an_order = || Answer::validation(None, "The request body is not a valid order request");
    let raw: Value = serde_json::from_slice(body).map_err(|_| not_an_order())?;
    if !raw.is_object() {
        return Err(not_an_order());
    }
    let input: CheckoutInput = serde_json::from_value(raw).map_err(|_| not_an_order())?;
    let order = validate_order_request(&input, ctx.now_ms).map_err(|e| Answer::from_errors(&e))?;
    let mut order = serde_json::to_value(&order).map_err(|_| not_an_order())?;
    if let Some(p) = order.get_mut("payment").and_then(Value::as_object_mut) {
        p.insert("ip".into(), json!(ctx.ip));
        p.insert("callback_url".into(), json!(ctx.callback_url));
    }
    bind_customer(&mut order, ctx.customer_id.as_deref())?;
    if let Some(price) = &ctx.price {
        apply_price(&mut order, price)?;
    }
    Ok(order)
}

/// The customer rule (see the module's documentation).
///
/// # Errors
/// 400 when the two ids differ; 401 signed in as nobody; 403 as someone else.
pub fn bind_customer(order: &mut Value, session: Option<&str>) -> Result<(), Answer> {
    let top = order.get("customer_id").and_then(Value::as_str);
    let on_payment = order
        .pointer("/payment/customer_id")
        .and_then(Value::as_str);
    let customer_id = match (top, on_payment) {
        (None, None) => return Ok(()),
        (Some(a), Some(b)) if a != b => {
            return Err(Answer::validation(
                Some("payment.customer_id"),
                "The payment customer_id must equal the order's customer_id",
            ))
        }
        (Some(c), _) | (None, Some(c)) => c.to_string(),
    };
    match session {
        Some(s) if s == customer_id => {}
        Some(_) => {
            return Err(not_signed_in(
                403,
                "This customer is not the one signed in.",
            ))
        }
        None => {
            return Err(not_signed_in(
                401,
                "Sign in first: no customer is signed in.",
            ))
        }
    }
    if let Some(o) = order.as_object_mut() {
        o.insert("customer_id".into(), json!(customer_id));
    }
    if let Some(p) = order.get_mut("payment").and_then(Value::as_object_mut) {
        p.insert("customer_id".into(), json!(customer_id));
    }
    Ok(())
}

fn differs(field: &str, description: String, cart: Value) -> Answer {
    Answer::validation(Some(field), description).with_meta("cart", cart)
}

/// Checks the order against the merchant's price and writes the price into
/// it (`amount`, `payment.amount`, `currency`, and a mandate's terms when the
/// order leaves them out), as the Rust demo backend's `carts::apply`.
///
/// # Errors
/// 400 on `amount`, `currency`, `token`, `token.max_amount` or
/// `token.frequency`.
pub fn apply_price(order: &mut Value, p: &Price) -> Result<(), Answer> {
    let Some(o) = order.as_object_mut() else {
        return Err(Answer::validation(None, "The order request is invalid."));
    };
    if o.get("amount").and_then(Value::as_u64) != Some(p.amount) {
        return Err(differs(
            "amount",
            format!(
                "The amount must be the cart's price, {} (in subunits).",
                p.amount
            ),
            json!(p.amount),
        ));
    }
    if !o
        .get("currency")
        .and_then(Value::as_str)
        .is_some_and(|c| c.eq_ignore_ascii_case(&p.currency))
    {
        return Err(differs(
            "currency",
            format!("The currency must be the cart's, {}.", p.currency),
            json!(p.currency),
        ));
    }
    o.insert("currency".into(), json!(p.currency));
    if let Some(pay) = o.get_mut("payment").and_then(Value::as_object_mut) {
        pay.insert("amount".into(), json!(p.amount));
    }
    let Some(token) = o.get_mut("token").filter(|t| !t.is_null()) else {
        return Ok(());
    };
    let Some(terms) = &p.mandate else {
        return Err(Answer::validation(
            Some("token"),
            "This cart cannot be paid with a mandate.",
        ));
    };
    let Some(t) = token.as_object_mut() else {
        return Err(Answer::validation(
            Some("token"),
            "The token must be an object.",
        ));
    };
    match t.get("max_amount") {
        None | Some(Value::Null) => {}
        Some(m) if m.as_u64() == Some(terms.max_amount) => {}
        Some(_) => {
            return Err(differs(
                "token.max_amount",
                format!("The max_amount must be the cart's, {}.", terms.max_amount),
                json!(terms.max_amount),
            ))
        }
    }
    match t.get("frequency") {
        None | Some(Value::Null) => {}
        Some(f) if f.as_str() == Some(terms.frequency.as_str()) => {}
        Some(_) => {
            return Err(differs(
                "token.frequency",
                format!("The frequency must be the cart's, {}.", terms.frequency),
                json!(terms.frequency),
            ))
        }
    }
    t.insert("max_amount".into(), json!(terms.max_amount));
    t.insert("frequency".into(), json!(terms.frequency));
    Ok(())
}

/// Reads a [`Price`] from `{ amount, currency, mandate?: { max_amount, frequency } }`.
///
/// # Errors
/// A description of what is missing (the merchant's own mistake).
pub fn price_from_json(v: &Value) -> Result<Price, String> {
    let amount = v
        .get("amount")
        .and_then(Value::as_u64)
        .filter(|a| *a > 0)
        .ok_or("price.amount must be a positive integer")?;
    let currency = v
        .get("currency")
        .and_then(Value::as_str)
        .ok_or("price.currency must be a string")?
        .to_string();
    let mandate = match v.get("mandate") {
        None | Some(Value::Null) => None,
        Some(m) => Some(MandateTerms {
            max_amount: m
                .get("max_amount")
                .and_then(Value::as_u64)
                .ok_or("price.mandate.max_amount must be an integer")?,
            frequency: m
                .get("frequency")
                .and_then(Value::as_str)
                .ok_or("price.mandate.frequency must be a string")?
                .to_string(),
        }),
    };
    Ok(Price {
        amount,
        currency,
        mandate,
    })
}

/// The `Idempotency-Key` header: required, 1–64 of `[A-Za-z0-9_-]` (the
/// page sends a fresh random one per attempt and the same one on a retry).
///
/// # Errors
/// 400 on `Idempotency-Key`.
pub fn idempotency_key(header: Option<&str>) -> Result<String, Answer> {
    let Some(key) = header else {
        return Err(Answer::validation(
            Some("Idempotency-Key"),
            "The Idempotency-Key header is required.",
        ));
    };
    if (1..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        Ok(key.to_string())
    } else {
        Err(Answer::validation(
            Some("Idempotency-Key"),
            "The Idempotency-Key header must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -.",
        ))
    }
}

/// The fingerprint of a gateway order to store beside its `Idempotency-Key`
/// and `receipt`: it tells a retry of the same order from a different one.
/// Hex SHA-256 of the order without what the server adds (`ip`,
/// `callback_url`), without the CVV and with only the card number's last 4
/// digits: a stored hash of the full card data could be brute-forced (PCI
/// DSS forbids keeping the CVV in any form). As the Rust demo backend's.
pub fn fingerprint(order: &Value) -> String {
    use sha2::{Digest, Sha256};
    let mut o = order.clone();
    if let Some(p) = o.get_mut("payment").and_then(Value::as_object_mut) {
        p.remove("ip");
        p.remove("callback_url");
        if let Some(card) = p.get_mut("card").and_then(Value::as_object_mut) {
            card.remove("cvv");
            if let Some(number) = card.get("number").and_then(Value::as_str) {
                let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
                let last4: String = digits.iter().skip(digits.len().saturating_sub(4)).collect();
                card.insert("number".into(), Value::String(last4));
            }
        }
    }
    hex::encode(Sha256::digest(o.to_string().as_bytes()))
}

/// The order's `receipt`, if the body is an object that has one (to find
/// the cart before [`prepare`]).
pub fn receipt_of(body: &[u8]) -> Option<String> {
    let v: Map<String, Value> = serde_json::from_slice(body).ok()?;
    v.get("receipt")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_795_431_600_000.0;
    const CUST: &str = "cust_AAAAAAAAAAAAAA";

    fn page_body() -> Value {
        json!({
            "amount": 100, "currency": "INR", "receipt": "cart_AAAAAAAAAAAAAA",
            "payment": {
                "amount": 100, "email": "gaurav.kumar@example.com", "contact": "9000090000", "method": "card",
                "card": {"name": "Gaurav Kumar", "number": "4100280000001007", "cvv": "837", "expiry_month": "12", "expiry_year": "30"},
                "authentication": {"authentication_channel": "browser"},
                "browser": {"java_enabled": false, "javascript_enabled": true, "timezone_offset": -330, "color_depth": 24, "screen_width": 1280, "screen_height": 800},
                "referer": "http://127.0.0.1:3000/"
            }
        })
    }

    fn ctx() -> Context {
        Context {
            ip: "127.0.0.1".into(),
            callback_url: "http://127.0.0.1:3000/checkout/callback".into(),
            customer_id: None,
            price: Some(Price {
                amount: 100,
                currency: "INR".into(),
                mandate: Some(MandateTerms {
                    max_amount: 100_000,
                    frequency: "monthly".into(),
                }),
            }),
            now_ms: NOW,
        }
    }

    fn run(body: &Value, c: &Context) -> Result<Value, Answer> {
        prepare(body.to_string().as_bytes(), c)
    }

    #[test]
    fn adds_what_the_server_knows_and_drops_what_the_browser_claims() {
        let mut body = page_body();
        body["payment"]["ip"] = json!("6.6.6.6");
        body["payment"]["callback_url"] = json!("https://evil.example/cb");
        let order = run(&body, &ctx()).unwrap();
        assert_eq!(order["payment"]["ip"], "127.0.0.1");
        assert_eq!(
            order["payment"]["callback_url"],
            "http://127.0.0.1:3000/checkout/callback"
        );
        assert_eq!(
            order["payment"]["authentication"]["authentication_channel"],
            "browser"
        );
        assert_eq!(order["payment"]["card"]["number"], "4100280000001007");
        assert_eq!(order["receipt"], "cart_AAAAAAAAAAAAAA");
    }

    #[test]
    fn the_core_validator_decides_and_every_error_is_listed() {
        let table: &[(&str, Value, &str)] = &[
            ("/payment/email", json!("not-an-email"), "payment.email"),
            (
                "/payment/card/number",
                json!("4100280000001008"),
                "payment.card.number",
            ),
            ("/payment/amount", json!(99), "payment.amount"),
            ("/payment/referer", Value::Null, "payment.referer"),
            ("/payment/browser", Value::Null, "payment.browser"),
            ("/currency", json!("rupees"), "currency"),
        ];
        for (pointer, value, field) in table {
            let mut body = page_body();
            *body.pointer_mut(pointer).unwrap() = value.clone();
            let e = run(&body, &ctx()).unwrap_err();
            assert_eq!(e.status, 400, "{pointer}");
            let all = e.body["error"]["metadata"]["errors"].as_array().unwrap();
            assert!(
                all.iter().any(|x| x["field"] == *field),
                "{pointer}: {all:?}"
            );
        }
        for bad in ["", "[]", "null", "{", "\"x\""] {
            let e = prepare(bad.as_bytes(), &ctx()).unwrap_err();
            assert_eq!(
                (e.status, e.body["error"]["description"].as_str()),
                (400, Some("The request body is not a valid order request")),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_customer_is_the_sessions_in_both_places() {
        let mut body = page_body();
        body["customer_id"] = json!(CUST);
        let e = run(&body, &ctx()).unwrap_err();
        assert_eq!(
            (e.status, e.body["error"]["reason"].as_str()),
            (401, Some("customer_not_signed_in"))
        );
        let other = Context {
            customer_id: Some("cust_BBBBBBBBBBBBBB".into()),
            ..ctx()
        };
        assert_eq!(run(&body, &other).unwrap_err().status, 403);
        let me = Context {
            customer_id: Some(CUST.into()),
            ..ctx()
        };
        let order = run(&body, &me).unwrap();
        assert_eq!(
            (&order["customer_id"], &order["payment"]["customer_id"]),
            (&json!(CUST), &json!(CUST))
        );
        // Only on the payment: still the session's, in both places.
        let mut body = page_body();
        body["payment"]["customer_id"] = json!(CUST);
        assert_eq!(run(&body, &ctx()).unwrap_err().status, 401);
        assert_eq!(run(&body, &me).unwrap()["customer_id"], CUST);
        // A guest order asks for no session.
        assert!(run(&page_body(), &ctx())
            .unwrap()
            .get("customer_id")
            .is_none());
    }

    #[test]
    fn the_price_is_the_merchants() {
        let table: &[(&str, Value, &str)] = &[
            ("/amount", json!(1), "amount"),
            ("/currency", json!("MYR"), "currency"),
        ];
        for (pointer, value, field) in table {
            let mut body = page_body();
            *body.pointer_mut(pointer).unwrap() = value.clone();
            if *pointer == "/amount" {
                body["payment"]["amount"] = value.clone();
            }
            let e = run(&body, &ctx()).unwrap_err();
            assert_eq!(
                (e.status, e.body["error"]["field"].as_str()),
                (400, Some(*field)),
                "{pointer}"
            );
            assert!(
                e.body["error"]["metadata"]["cart"].is_number()
                    || e.body["error"]["metadata"]["cart"].is_string()
            );
        }
        let mut mandate = page_body();
        mandate["customer_id"] = json!(CUST);
        mandate["payment"]["recurring"] = json!(1);
        mandate["token"] = json!({ "max_amount": 5000, "frequency": "monthly" });
        let me = Context {
            customer_id: Some(CUST.into()),
            ..ctx()
        };
        let e = run(&mandate, &me).unwrap_err();
        assert_eq!(e.body["error"]["field"], "token.max_amount");
        mandate["token"] = json!({ "max_amount": 100_000, "frequency": "monthly" });
        assert_eq!(run(&mandate, &me).unwrap()["token"]["max_amount"], 100_000);
        let no_mandate = Context {
            price: Some(Price {
                amount: 100,
                currency: "INR".into(),
                mandate: None,
            }),
            ..me.clone()
        };
        assert_eq!(
            run(&mandate, &no_mandate).unwrap_err().body["error"]["field"],
            "token"
        );
    }

    #[test]
    fn the_fingerprint_covers_neither_the_number_nor_the_cvv() {
        let order = |number: &str, cvv: &str, amount: u32, ip: &str| {
            json!({ "amount": amount, "currency": "INR", "receipt": "cart_1",
                "payment": { "ip": ip, "callback_url": "http://x/cb",
                    "card": { "number": number, "cvv": cvv, "expiry_month": "12", "expiry_year": "30", "name": "A B" } } })
        };
        let base = fingerprint(&order("4100280000001007", "837", 100, "1.2.3.4"));
        assert_eq!(
            base,
            fingerprint(&order("4100280000001007", "123", 100, "1.2.3.4"))
        );
        assert_eq!(
            base,
            fingerprint(&order("5500670000001007", "837", 100, "1.2.3.4"))
        );
        assert_eq!(
            base,
            fingerprint(&order("4100280000001007", "837", 100, "5.6.7.8"))
        );
        assert_ne!(
            base,
            fingerprint(&order("4100280000001015", "837", 100, "1.2.3.4"))
        );
        assert_ne!(
            base,
            fingerprint(&order("4100280000001007", "837", 200, "1.2.3.4"))
        );
        let full = order("4100280000001007", "837", 100, "1.2.3.4");
        assert_ne!(
            base,
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
                full.to_string().as_bytes()
            ))
        );
    }

    #[test]
    fn price_and_receipt_helpers() {
        let p = price_from_json(
            &json!({ "amount": 100, "currency": "INR", "mandate": { "max_amount": 1000, "frequency": "monthly" } }),
        )
        .unwrap();
        assert_eq!(p.mandate.unwrap().max_amount, 1000);
        assert!(price_from_json(&json!({ "amount": 0, "currency": "INR" })).is_err());
        assert!(price_from_json(&json!({ "amount": 100 })).is_err());
        assert_eq!(
            receipt_of(br#"{"receipt": " cart_1 "}"#).as_deref(),
            Some("cart_1")
        );
        assert_eq!(receipt_of(b"[1]"), None);
        assert_eq!(
            idempotency_key(Some("0b7c4e1a-9f3d-4d2b-8c1e-2f6a5b4c3d2e"))
                .unwrap()
                .len(),
            36
        );
        for bad in [
            None,
            Some(""),
            Some("a b"),
            Some("é"),
            Some(&"k".repeat(65)[..]),
        ] {
            assert_eq!(
                idempotency_key(bad).unwrap_err().body["error"]["field"],
                "Idempotency-Key",
                "{bad:?}"
            );
        }
    }
}
