//! The JSON entities, shaped like Razorpay's (seeds 002–004).

use serde_json::{json, Map, Value};

use super::cards;
use super::validate::{Mandate, NewCard};
use crate::crypto::{random_alnum, random_id};

/// Razorpay renders empty notes as `[]` (a PHP quirk clients must accept).
pub fn notes_value(notes: &Map<String, Value>) -> Value {
    if notes.is_empty() {
        json!([])
    } else {
        Value::Object(notes.clone())
    }
}

/// A customer.
pub fn customer(
    name: &str,
    email: &str,
    contact: &str,
    gstin: Option<String>,
    notes: &Map<String, Value>,
    now: i64,
) -> Value {
    json!({
        "id": random_id("cust"),
        "entity": "customer",
        "name": name,
        "email": email,
        "contact": contact,
        "gstin": gstin,
        "notes": notes_value(notes),
        "created_at": now,
    })
}

/// An order (`status: created`).
pub fn order(
    amount: i64,
    currency: &str,
    receipt: Option<&str>,
    notes: &Map<String, Value>,
    customer_id: Option<&str>,
    now: i64,
) -> Value {
    let mut o = json!({
        "id": random_id("order"),
        "entity": "order",
        "amount": amount,
        "amount_paid": 0,
        "amount_due": amount,
        "currency": currency,
        "receipt": receipt,
        "offer_id": null,
        "status": "created",
        "attempts": 0,
        "notes": notes_value(notes),
        "created_at": now,
    });
    if let (Some(c), Some(m)) = (customer_id, o.as_object_mut()) {
        m.insert("customer_id".into(), json!(c));
    }
    o
}

/// The card details the sandbox keeps for a payment (never the full number).
pub fn card_details(card: &NewCard) -> Value {
    let network = cards::network_of(&card.number);
    json!({
        "id": random_id("card"),
        "entity": "card",
        "name": card.name,
        "last4": card.number.get(card.number.len().saturating_sub(4)..).unwrap_or_default(),
        "iin": card.number.get(..6).unwrap_or_default(),
        "network": network,
        "type": cards::type_of(network),
        "issuer": cards::issuer_of(&card.number),
        "international": false,
        "emi": false,
        "sub_type": "consumer",
        "expiry_month": card.expiry_month,
        "expiry_year": card.expiry_year,
    })
}

/// The `card` object of a payment entity (webhooks), from kept details.
pub fn payment_card(details: &Value) -> Value {
    let mut c = details.clone();
    if let Some(m) = c.as_object_mut() {
        m.remove("expiry_month");
        m.remove("expiry_year");
    }
    c
}

/// A payment (`status: created`).
#[allow(clippy::too_many_arguments)]
pub fn payment(
    order_id: &str,
    amount: i64,
    currency: &str,
    email: &str,
    contact: &str,
    customer_id: Option<&str>,
    token_id: Option<&str>,
    card_id: Option<&str>,
    notes: &Map<String, Value>,
    description: Option<&str>,
    now: i64,
) -> Value {
    json!({
        "id": random_id("pay"),
        "entity": "payment",
        "amount": amount,
        "currency": currency,
        "status": "created",
        "order_id": order_id,
        "invoice_id": null,
        "international": false,
        "method": "card",
        "amount_refunded": 0,
        "refund_status": null,
        "captured": false,
        "description": description,
        "card_id": card_id,
        "bank": null,
        "wallet": null,
        "vpa": null,
        "email": email,
        "contact": contact,
        "customer_id": customer_id,
        "token_id": token_id,
        "notes": notes_value(notes),
        "fee": null,
        "tax": null,
        "error_code": null,
        "error_description": null,
        "error_source": null,
        "error_step": null,
        "error_reason": null,
        "acquirer_data": { "auth_code": null },
        "created_at": now,
    })
}

/// A token for a card (seed 002/004 shape).
pub fn token(
    customer_id: &str,
    card: &Value,
    recurring: bool,
    mandate: Option<&Mandate>,
    now: i64,
) -> Value {
    let month = card
        .get("expiry_month")
        .and_then(Value::as_u64)
        .unwrap_or(12) as u32;
    let year = card
        .get("expiry_year")
        .and_then(Value::as_u64)
        .unwrap_or(2099) as u32;
    let card_expiry = super::end_of_month(year, month);
    let expired_at = mandate
        .and_then(|m| m.expire_at)
        .map_or(card_expiry, |e| e.min(card_expiry));
    let mut t = json!({
        "id": random_id("token"),
        "entity": "token",
        "token": random_alnum(14),
        "bank": null,
        "wallet": null,
        "method": "card",
        "card": {
            "entity": "card",
            "name": card.get("name").cloned().unwrap_or(Value::Null),
            "last4": card.get("last4").cloned().unwrap_or(Value::Null),
            "network": card.get("network").cloned().unwrap_or(Value::Null),
            "type": card.get("type").cloned().unwrap_or(Value::Null),
            "issuer": card.get("issuer").cloned().unwrap_or(Value::Null),
            "international": false,
            "emi": false,
            "sub_type": "consumer",
            "iin": card.get("iin").cloned().unwrap_or(Value::Null),
            "expiry_month": month,
            "expiry_year": year,
            "flows": { "otp": true, "recurring": true },
        },
        "recurring": false,
        "auth_type": null,
        "mrn": null,
        "used_at": now,
        "created_at": now,
        "expired_at": expired_at,
        "status": "active",
        "customer_id": customer_id,
        "compliant_with_tokenisation_guidelines": true,
        "dcc_enabled": false,
        "notes": [],
    });
    if recurring {
        make_recurring(&mut t, mandate);
    }
    t
}

/// Turns a token into a confirmed recurring (mandate) token.
pub fn make_recurring(token: &mut Value, mandate: Option<&Mandate>) {
    if let Some(m) = token.as_object_mut() {
        m.insert("recurring".into(), json!(true));
        m.insert(
            "recurring_details".into(),
            json!({ "status": "confirmed", "failure_reason": null }),
        );
        m.insert(
            "max_amount".into(),
            json!(mandate.map_or(9_999_900, |x| x.max_amount)),
        );
        // The mandate's debit frequency (`monthly`: one debit a month).
        m.insert(
            "frequency".into(),
            json!(mandate.map_or("as_presented", |x| x.frequency.as_str())),
        );
    }
}

/// Marks a token's mandate rejected (seed 004 `token.rejected`).
pub fn reject_recurring(token: &mut Value) {
    if let Some(m) = token.as_object_mut() {
        m.insert("recurring".into(), json!(true));
        m.insert(
            "recurring_details".into(),
            json!({ "status": "rejected", "failure_reason": "Failed to tokenised the card" }),
        );
        m.insert("status".into(), Value::Null);
        m.insert("max_amount".into(), Value::Null);
        m.insert(
            "compliant_with_tokenisation_guidelines".into(),
            json!(false),
        );
    }
}

/// True for tokens the "list tokens" API shows (not expired, rejected or unusable).
pub fn token_is_listed(token: &Value, now: i64) -> bool {
    token.get("status").and_then(Value::as_str) == Some("active")
        && token
            .pointer("/recurring_details/status")
            .and_then(Value::as_str)
            != Some("rejected")
        && token
            .get("expired_at")
            .and_then(Value::as_i64)
            .is_none_or(|e| e > now)
}

/// A `collection` of items.
pub fn collection(items: Vec<Value>) -> Value {
    json!({ "entity": "collection", "count": items.len(), "items": items })
}
