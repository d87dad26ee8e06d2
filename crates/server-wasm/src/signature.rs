//! Signatures: the payment's (`razorpay_signature`), the webhook's
//! (`X-Razorpay-Signature` over the raw body, against one or more secrets
//! during a rotation), and the callback form that carries the payment's.
//!
//! Every comparison is HMAC-SHA256 verified in constant time (`hmac`'s
//! `verify_slice`).

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::answer::{Answer, Fields};
use crate::otp::is_id;

type HmacSha256 = Hmac<Sha256>;

/// The events a backend records (and de-duplicates); others are answered
/// `{ "status": "ignored" }`. As the Rust demo backend's.
pub const RECORDED: &[&str] = &[
    "order.paid",
    "payment.captured",
    "payment.authorized",
    "token.confirmed",
    "token.rejected",
];

/// How old (by its signed `created_at`) a webhook may be: 48 hours, twice
/// Razorpay's 24 hours of redelivery (the Rust demo backend's rule).
pub const MAX_AGE_SECS: i64 = 48 * 60 * 60;
/// How far in the future a webhook's `created_at` may be (clock skew).
pub const MAX_SKEW_SECS: i64 = 5 * 60;

fn verify_hex(secret: &str, message: &[u8], signature_hex: &str) -> bool {
    let Ok(sig) = hex::decode(signature_hex.trim()) else {
        return false;
    };
    if sig.len() != 32 {
        return false;
    }
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(message);
    mac.verify_slice(&sig).is_ok()
}

/// Hex HMAC-SHA256 of `message` with `secret` (to sign test webhooks).
pub fn hmac_hex(secret: &str, message: &[u8]) -> String {
    // HMAC takes a key of any length: `new_from_slice` cannot fail.
    match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(message);
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// Razorpay's payment signature: HMAC-SHA256 of `order_id|payment_id` with
/// the key secret, checked in constant time. `order_id` must be the order
/// id **you stored** for this checkout, never one read from the same
/// request only; both ids must look like Razorpay's.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm_server::signature::{hmac_hex, verify_payment};
/// let sig = hmac_hex("secret", b"order_AAAAAAAAAAAAAA|pay_AAAAAAAAAAAAAA");
/// assert!(verify_payment("secret", "order_AAAAAAAAAAAAAA", "pay_AAAAAAAAAAAAAA", &sig));
/// assert!(!verify_payment("other", "order_AAAAAAAAAAAAAA", "pay_AAAAAAAAAAAAAA", &sig));
/// ```
pub fn verify_payment(key_secret: &str, order_id: &str, payment_id: &str, signature: &str) -> bool {
    !key_secret.is_empty()
        && is_id(order_id, "order")
        && is_id(payment_id, "pay")
        && verify_hex(
            key_secret,
            format!("{order_id}|{payment_id}").as_bytes(),
            signature,
        )
}

/// A webhook secret and, for the old one during a rotation, the instant
/// (Unix seconds) from which it is refused (as the Rust demo backend's
/// `RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL`).
#[derive(Clone, Debug, PartialEq)]
pub struct Secret {
    /// The secret set in the Razorpay dashboard.
    pub secret: String,
    /// Accepted before this instant, refused from it on; `None`: no end.
    pub until: Option<i64>,
}

/// A verified webhook.
#[derive(Clone, Debug, PartialEq)]
pub struct Webhook {
    /// `payment.captured`, `order.paid`, …
    pub event: String,
    /// The `X-Razorpay-Event-Id` header (not signed): Razorpay's id of the
    /// event, the same on every redelivery.
    pub event_id: Option<String>,
    /// Hex SHA-256 of `event|entity id|created_at`, from the signed body:
    /// the same for a replay under a made-up id.
    pub dedupe_key: String,
    /// The main entity's id (`payload.<contains[0]>.entity.id`).
    pub entity_id: Option<String>,
    /// The signed `created_at`.
    pub created_at: i64,
    /// Which secret matched (0 = the first given).
    pub secret_index: usize,
    /// The parsed body.
    pub payload: Value,
}

impl Webhook {
    /// The Node entry's shape (camelCase keys).
    pub fn to_json(&self) -> Value {
        json!({
            "event": self.event, "eventId": self.event_id, "dedupeKey": self.dedupe_key,
            "entityId": self.entity_id, "createdAt": self.created_at, "secretIndex": self.secret_index,
            "recorded": RECORDED.contains(&self.event.as_str()), "payload": self.payload,
        })
    }
}

fn refused(description: &str, reason: &str) -> Answer {
    Answer::new(
        400,
        Fields {
            description: description.into(),
            step: Some("webhook".into()),
            reason: Some(reason.into()),
            ..Fields::default()
        },
    )
}

/// The id of the event's main entity.
fn entity_id(event: &Value) -> Option<String> {
    let payload = event.get("payload")?.as_object()?;
    let entity = match event
        .get("contains")
        .and_then(|c| c.get(0))
        .and_then(Value::as_str)
    {
        Some(k) => payload.get(k),
        None => payload.values().next(),
    }?;
    entity
        .pointer("/entity/id")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Verifies a webhook: `signature` (`X-Razorpay-Signature`) must be the hex
/// HMAC-SHA256 of the **raw** body with one of `secrets` still valid at
/// `now_secs`; the body must be a JSON event whose signed `created_at` is
/// within [`MAX_AGE_SECS`] back and [`MAX_SKEW_SECS`] ahead.
///
/// # Errors
/// 400 `invalid_signature` (no secret, no or a wrong signature, an expired
/// old secret), `webhook_too_old`, or on a body that is not an event.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm_server::signature::{hmac_hex, verify_webhook, Secret};
/// let body = br#"{"event":"order.paid","contains":["order"],"payload":{"order":{"entity":{"id":"order_AAAAAAAAAAAAAA"}}},"created_at":1000}"#;
/// let secrets = [Secret { secret: "new".into(), until: None }, Secret { secret: "old".into(), until: Some(2000) }];
/// let w = verify_webhook(body, Some(&hmac_hex("old", body)), None, &secrets, 1500).unwrap();
/// assert_eq!((w.event.as_str(), w.secret_index), ("order.paid", 1));
/// assert!(verify_webhook(body, Some(&hmac_hex("old", body)), None, &secrets, 2000).is_err());
/// ```
pub fn verify_webhook(
    raw: &[u8],
    signature: Option<&str>,
    event_id: Option<&str>,
    secrets: &[Secret],
    now_secs: i64,
) -> Result<Webhook, Answer> {
    let usable: Vec<(usize, &Secret)> = secrets
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.secret.is_empty() && s.until.is_none_or(|u| now_secs < u))
        .collect();
    if usable.is_empty() {
        return Err(refused(
            "Webhooks are not configured on this server.",
            "invalid_signature",
        ));
    }
    let signature = signature.map(str::trim).unwrap_or_default();
    let matched = if signature.is_empty() {
        None
    } else {
        // Every usable secret is tried (no early exit on which one matched).
        usable.iter().fold(None, |found, (i, s)| {
            if verify_hex(&s.secret, raw, signature) {
                found.or(Some(*i))
            } else {
                found
            }
        })
    };
    let Some(secret_index) = matched else {
        return Err(refused(
            "The webhook signature is invalid.",
            "invalid_signature",
        ));
    };
    let payload: Value = serde_json::from_slice(raw)
        .map_err(|_| Answer::validation(None, "The webhook body is not valid JSON"))?;
    let event = payload
        .get("event")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if event.is_empty() {
        return Err(Answer::validation(
            Some("event"),
            "The webhook body names no event.",
        ));
    }
    let Some(created_at) = payload.get("created_at").and_then(Value::as_i64) else {
        return Err(refused("The webhook has no created_at.", "webhook_too_old"));
    };
    if now_secs - created_at > MAX_AGE_SECS || created_at - now_secs > MAX_SKEW_SECS {
        return Err(refused(
            "The webhook's created_at is outside the accepted window.",
            "webhook_too_old",
        ));
    }
    let entity_id = entity_id(&payload);
    let dedupe_key = hex::encode(Sha256::digest(
        format!(
            "{event}|{}|{created_at}",
            entity_id.as_deref().unwrap_or_default()
        )
        .as_bytes(),
    ));
    let event_id = event_id
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 64)
        .map(str::to_string);
    Ok(Webhook {
        event,
        event_id,
        dedupe_key,
        entity_id,
        created_at,
        secret_index,
        payload,
    })
}

/// What the callback form (`POST /checkout/callback`, form-encoded, from
/// the bank page) says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Callback {
    /// `razorpay_payment_id`, or `error[metadata].payment_id`; only a `pay_…` id.
    pub payment_id: Option<String>,
    /// `razorpay_order_id`, or `error[metadata].order_id`; only an `order_…` id.
    pub order_id: Option<String>,
    /// The signature verified for those ids with the key secret.
    pub signature_valid: bool,
    /// `error[code]`, … when the form carries an error (not final: a late
    /// authorisation may still pay; ask the gateway).
    pub error: Option<Value>,
}

/// Reads the callback form's fields (already URL-decoded) and verifies its
/// signature. `expected_order_id`, when given, is the order id you stored
/// for this payment: the signature is checked against it.
pub fn read_callback(
    fields: &[(String, String)],
    key_secret: &str,
    expected_order_id: Option<&str>,
) -> Callback {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_string())
    };
    let mut out = Callback::default();
    if let (Some(p), Some(o)) = (get("razorpay_payment_id"), get("razorpay_order_id")) {
        let signature = get("razorpay_signature").unwrap_or_default();
        let order = expected_order_id.unwrap_or(&o);
        out.signature_valid = order == o && verify_payment(key_secret, order, &p, &signature);
        out.payment_id = Some(p).filter(|p| is_id(p, "pay"));
        out.order_id = Some(o).filter(|o| is_id(o, "order"));
        return out;
    }
    let meta = get("error[metadata]").and_then(|m| serde_json::from_str::<Value>(&m).ok());
    let id = |key: &str, prefix: &str| {
        meta.as_ref()
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .filter(|v| is_id(v, prefix))
            .map(str::to_string)
    };
    out.payment_id = id("payment_id", "pay");
    out.order_id = id("order_id", "order");
    if get("error[code]").is_some() || get("error[description]").is_some() {
        let mut e = serde_json::Map::new();
        for k in ["code", "description", "source", "step", "reason"] {
            e.insert(
                k.into(),
                get(&format!("error[{k}]")).map_or(Value::Null, Value::String),
            );
        }
        out.error = Some(Value::Object(e));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: &str = "order_AAAAAAAAAAAAAA";
    const PAY: &str = "pay_AAAAAAAAAAAAAA";

    #[test]
    fn payment_signature_table() {
        let good = hmac_hex("k", format!("{ORDER}|{PAY}").as_bytes());
        let table: &[(&str, &str, &str, &str, bool)] = &[
            ("k", ORDER, PAY, &good, true),
            ("k", ORDER, PAY, &good.to_uppercase(), true),
            ("k2", ORDER, PAY, &good, false),
            ("k", "order_BBBBBBBBBBBBBB", PAY, &good, false),
            ("k", ORDER, "pay_BBBBBBBBBBBBBB", &good, false),
            ("k", ORDER, PAY, &good[..62], false),
            ("k", ORDER, PAY, "", false),
            ("k", ORDER, PAY, "zz", false),
            ("", ORDER, PAY, &good, false),
            (
                "k",
                "order_x",
                PAY,
                &hmac_hex("k", format!("order_x|{PAY}").as_bytes()),
                false,
            ),
        ];
        for (secret, order, pay, sig, want) in table {
            assert_eq!(
                verify_payment(secret, order, pay, sig),
                *want,
                "{secret} {order} {pay} {sig}"
            );
        }
    }

    fn event(created_at: i64) -> Vec<u8> {
        json!({ "entity": "event", "event": "payment.captured", "contains": ["payment"],
            "payload": { "payment": { "entity": { "id": PAY, "order_id": ORDER } } }, "created_at": created_at })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn webhooks_over_the_raw_body_with_a_rotation() {
        let now = 1_800_000_000;
        let body = event(now - 10);
        let secrets = [
            Secret {
                secret: "new".into(),
                until: None,
            },
            Secret {
                secret: "old".into(),
                until: Some(now + 60),
            },
        ];
        let w = verify_webhook(
            &body,
            Some(&hmac_hex("new", &body)),
            Some("EvtAAAAAAAAAAA"),
            &secrets,
            now,
        )
        .unwrap();
        assert_eq!(
            (w.event.as_str(), w.entity_id.as_deref(), w.secret_index),
            ("payment.captured", Some(PAY), 0)
        );
        assert_eq!(w.event_id.as_deref(), Some("EvtAAAAAAAAAAA"));
        assert_eq!(w.to_json()["recorded"], true);
        let old =
            verify_webhook(&body, Some(&hmac_hex("old", &body)), None, &secrets, now).unwrap();
        assert_eq!(
            (old.secret_index, old.dedupe_key.as_str()),
            (1, w.dedupe_key.as_str())
        );
        // Up to the second before the old secret's end; from it on, only the new one.
        assert!(verify_webhook(
            &body,
            Some(&hmac_hex("old", &body)),
            None,
            &secrets,
            now + 59
        )
        .is_ok());
        assert_eq!(
            verify_webhook(
                &body,
                Some(&hmac_hex("old", &body)),
                None,
                &secrets,
                now + 60
            )
            .unwrap_err()
            .body["error"]["reason"],
            "invalid_signature"
        );
        assert!(verify_webhook(
            &body,
            Some(&hmac_hex("new", &body)),
            None,
            &secrets,
            now + 61
        )
        .is_ok());
        // The raw body: the same JSON re-serialised (spaces) is not what was signed.
        let respaced = String::from_utf8(body.clone()).unwrap().replace(':', ": ");
        assert!(verify_webhook(
            respaced.as_bytes(),
            Some(&hmac_hex("new", &body)),
            None,
            &secrets,
            now
        )
        .is_err());
        for sig in [
            None,
            Some(""),
            Some("00"),
            Some(&hmac_hex("wrong", &body)[..]),
        ] {
            let e = verify_webhook(&body, sig, None, &secrets, now).unwrap_err();
            assert_eq!(
                (e.status, e.body["error"]["step"].as_str()),
                (400, Some("webhook")),
                "{sig:?}"
            );
        }
        assert!(verify_webhook(
            &body,
            Some(&hmac_hex("", &body)),
            None,
            &[Secret {
                secret: String::new(),
                until: None
            }],
            now
        )
        .is_err());
        // Too old, too far ahead, no created_at.
        for at in [now - MAX_AGE_SECS - 1, now + MAX_SKEW_SECS + 1] {
            let b = event(at);
            assert_eq!(
                verify_webhook(&b, Some(&hmac_hex("new", &b)), None, &secrets, now)
                    .unwrap_err()
                    .body["error"]["reason"],
                "webhook_too_old"
            );
        }
        let b = br#"{"event":"payment.captured"}"#;
        assert!(verify_webhook(b, Some(&hmac_hex("new", b)), None, &secrets, now).is_err());
    }

    #[test]
    fn the_callback_form() {
        let f = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect::<Vec<_>>()
        };
        let sig = hmac_hex("k", format!("{ORDER}|{PAY}").as_bytes());
        let ok = f(&[
            ("razorpay_payment_id", PAY),
            ("razorpay_order_id", ORDER),
            ("razorpay_signature", &sig),
        ]);
        let c = read_callback(&ok, "k", None);
        assert!(c.signature_valid);
        assert_eq!(
            (c.payment_id.as_deref(), c.order_id.as_deref()),
            (Some(PAY), Some(ORDER))
        );
        assert!(read_callback(&ok, "k", Some(ORDER)).signature_valid);
        assert!(
            !read_callback(&ok, "k", Some("order_BBBBBBBBBBBBBB")).signature_valid,
            "not the stored order"
        );
        assert!(!read_callback(&ok, "other", None).signature_valid);
        let failed = f(&[
            ("error[code]", "BAD_REQUEST_ERROR"),
            ("error[reason]", "payment_failed"),
            (
                "error[metadata]",
                r#"{"payment_id":"pay_AAAAAAAAAAAAAA","order_id":"order_AAAAAAAAAAAAAA"}"#,
            ),
        ]);
        let c = read_callback(&failed, "k", None);
        assert!(!c.signature_valid);
        assert_eq!(c.payment_id.as_deref(), Some(PAY));
        assert_eq!(c.error.unwrap()["reason"], "payment_failed");
        let hostile = f(&[(
            "error[metadata]",
            r#"{"payment_id":"javascript:x","order_id":"../x"}"#,
        )]);
        assert_eq!(read_callback(&hostile, "k", None), Callback::default());
    }
}
