//! The page's OTP relay: `POST {endpoint}/otp/generate|submit|resend` with
//! `{ "url": <the gateway's next-action URL>, "otp"?: "…" }` (no
//! `Idempotency-Key`). Each stands for one gateway call, made with the
//! merchant's key: `POST <url>` with no body (generate, resend) or
//! `{ "otp": "…" }` (submit).
//!
//! The rules are the Rust demo backend's (www/server/src/routes/otp.rs): the
//! URL must be the gateway's own scheme, host and port (checked by the
//! checkout core's next-URL check, the one the browser applies), no user
//! info, no fragment, and its path exactly the action's under the gateway's
//! base path (`/v1/payments/pay_…/otp_generate`, `…/otp/submit`,
//! `…/otp/resend`), with a query only on generate. So the merchant's
//! credentials can never be pointed at another host or another endpoint.
//! The caller must still check that the payment ([`Relay::payment_id`]) is
//! one this shopper's checkout session started, and answer 404 otherwise.

use razorpay_checkout_wasm::checkout::{check_next_url, UrlPolicy};
use serde_json::{json, Value};

use crate::answer::{Answer, Fields};

/// Which OTP call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `…/otp/generate` → `POST …/v1/payments/pay_…/otp_generate`.
    Generate,
    /// `…/otp/submit` → `POST …/v1/payments/pay_…/otp/submit` `{ otp }`.
    Submit,
    /// `…/otp/resend` → `POST …/v1/payments/pay_…/otp/resend`.
    Resend,
}

impl Action {
    /// `generate`, `submit` or `resend` (the last segment of the page's path).
    pub fn from_name(name: &str) -> Option<Action> {
        match name {
            "generate" => Some(Action::Generate),
            "submit" => Some(Action::Submit),
            "resend" => Some(Action::Resend),
            _ => None,
        }
    }

    fn suffix(self) -> &'static [&'static str] {
        match self {
            Action::Generate => &["otp_generate"],
            Action::Submit => &["otp", "submit"],
            Action::Resend => &["otp", "resend"],
        }
    }
}

/// The gateway call an OTP relay request stands for.
#[derive(Clone, Debug, PartialEq)]
pub struct Relay {
    /// Always `POST`.
    pub method: &'static str,
    /// The checked next-action URL.
    pub url: String,
    /// The payment it acts on (`pay_…`): check it is this session's.
    pub payment_id: String,
    /// `{ "otp": "…" }` for submit, `None` (no body) otherwise.
    pub body: Option<Value>,
}

fn refused(description: &str) -> Answer {
    Answer::new(
        400,
        Fields {
            description: description.into(),
            field: Some("url".into()),
            reason: Some("unsafe_next_action_url".into()),
            ..Fields::default()
        },
    )
}

/// `[A-Za-z0-9]{14}` after `prefix_`, as Razorpay's ids.
pub fn is_id(value: &str, prefix: &str) -> bool {
    value
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'))
        .is_some_and(|r| r.len() == 14 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// `(scheme://authority, path segments, query?, fragment?)`.
fn split(url: &str) -> Option<(String, Vec<&str>, Option<&str>, bool)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (before_fragment, fragment) = match tail.split_once('#') {
        Some((b, _)) => (b, true),
        None => (tail, false),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_fragment, None),
    };
    let segments = path.split('/').filter(|s| !s.is_empty()).collect();
    Some((
        format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            authority.to_ascii_lowercase()
        ),
        segments,
        query,
        fragment,
    ))
}

/// Checks an OTP relay request's body and maps it to its gateway call.
/// `gateway` is the gateway's base URL (`https://api.razorpay.com`, or the
/// sandbox's `http://127.0.0.1:8081`: `http:` only on loopback).
///
/// # Errors
/// 400 on `url` (`unsafe_next_action_url`) or `otp`; 500 when `gateway`
/// itself is not a usable base URL.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm_server::otp::{relay, Action};
/// let r = relay(Action::Submit, br#"{"url": "https://api.razorpay.com/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit", "otp": "123456"}"#,
///     "https://api.razorpay.com").unwrap();
/// assert_eq!(r.payment_id, "pay_AAAAAAAAAAAAAA");
/// assert_eq!(r.body.unwrap()["otp"], "123456");
/// ```
pub fn relay(action: Action, body: &[u8], gateway: &str) -> Result<Relay, Answer> {
    let body: Value = serde_json::from_slice(body)
        .map_err(|_| Answer::validation(None, "The request body must be a JSON object."))?;
    let Some(body) = body.as_object() else {
        return Err(Answer::validation(
            None,
            "The request body must be a JSON object.",
        ));
    };
    let raw = match body.get("url") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim(),
        _ => {
            return Err(Answer::validation(
                Some("url"),
                "The url field is required.",
            ))
        }
    };
    let misconfigured = || {
        Answer::new(
            500,
            Fields {
                description: "The gateway base URL is not configured correctly.".into(),
                ..Fields::default()
            },
        )
    };
    let (base_origin, base_segments, _, _) = split(gateway.trim()).ok_or_else(misconfigured)?;
    let authority = base_origin
        .split_once("://")
        .map(|(_, a)| a.to_string())
        .unwrap_or_default();
    let policy = UrlPolicy {
        allowed_hosts: vec![authority],
        allow_loopback_http: base_origin.starts_with("http://"),
    };
    check_next_url(gateway.trim(), &policy).map_err(|_| misconfigured())?;
    check_next_url(raw, &policy)
        .map_err(|_| refused("The url does not point to the payment gateway."))?;
    let (origin, segments, query, fragment) =
        split(raw).ok_or_else(|| refused("The url is not a valid URL."))?;
    if origin != base_origin {
        return Err(refused("The url does not point to the payment gateway."));
    }
    if fragment {
        return Err(refused("The url must not have a fragment."));
    }
    let rest = segments.get(base_segments.len()..).unwrap_or_default();
    let ok = segments.starts_with(&base_segments)
        && rest.len() == 3 + action.suffix().len()
        && rest.first() == Some(&"v1")
        && rest.get(1) == Some(&"payments")
        && rest.get(2).is_some_and(|id| is_id(id, "pay"))
        && rest.get(3..) == Some(action.suffix());
    if !ok {
        return Err(refused(
            "The url is not a payment OTP action of the gateway.",
        ));
    }
    if action != Action::Generate && query.is_some() {
        return Err(refused("The url must not have a query."));
    }
    let payment_id = rest.get(2).map(|s| (*s).to_string()).unwrap_or_default();
    let otp_body = if action == Action::Submit {
        let otp = match body.get("otp") {
            Some(Value::String(s)) if !s.trim().is_empty() && s.trim().len() <= 16 => {
                s.trim().to_string()
            }
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                return Err(Answer::validation(
                    Some("otp"),
                    "The otp field is required.",
                ))
            }
        };
        Some(json!({ "otp": otp }))
    } else {
        None
    };
    Ok(Relay {
        method: "POST",
        url: raw.to_string(),
        payment_id,
        body: otp_body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SANDBOX: &str = "http://127.0.0.1:8081";
    const PAY: &str = "pay_AAAAAAAAAAAAAA";

    fn call(action: Action, url: &str, gateway: &str) -> Result<Relay, Answer> {
        relay(
            action,
            json!({ "url": url, "otp": "123456" })
                .to_string()
                .as_bytes(),
            gateway,
        )
    }

    #[test]
    fn each_action_maps_to_its_gateway_call_only() {
        let table: &[(Action, &str, &str, bool)] = &[
            (
                Action::Generate,
                "http://127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp_generate",
                SANDBOX,
                true,
            ),
            (
                Action::Generate,
                "http://127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp_generate?track=1",
                SANDBOX,
                true,
            ),
            (
                Action::Submit,
                "http://127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit",
                SANDBOX,
                true,
            ),
            (
                Action::Resend,
                "http://127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp/resend",
                SANDBOX,
                true,
            ),
            (
                Action::Submit,
                "https://api.razorpay.com/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit",
                "https://api.razorpay.com",
                true,
            ),
            (
                Action::Submit,
                "https://API.razorpay.com/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit",
                "https://api.razorpay.com/",
                true,
            ),
            (
                Action::Submit,
                "https://gw.example/base/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit",
                "https://gw.example/base",
                true,
            ),
            // The wrong action, another endpoint, another payment shape.
            (
                Action::Submit,
                "http://127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp/resend",
                SANDBOX,
                false,
            ),
            (
                Action::Resend,
                "http://127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp_generate",
                SANDBOX,
                false,
            ),
            (
                Action::Submit,
                "http://127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/capture",
                SANDBOX,
                false,
            ),
            (
                Action::Submit,
                "http://127.0.0.1:8081/v1/refunds/pay_AAAAAAAAAAAAAA/otp/submit",
                SANDBOX,
                false,
            ),
            (
                Action::Submit,
                "http://127.0.0.1:8081/v1/payments/pay_AAAA/otp/submit",
                SANDBOX,
                false,
            ),
            (
                Action::Submit,
                "http://127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit/x",
                SANDBOX,
                false,
            ),
            (
                Action::Submit,
                "https://gw.example/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit",
                "https://gw.example/base",
                false,
            ),
            // Another host, port or scheme; user info; query; fragment.
            (
                Action::Submit,
                "http://127.0.0.1:9999/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit",
                SANDBOX,
                false,
            ),
            (
                Action::Submit,
                "http://evil.example:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit",
                SANDBOX,
                false,
            ),
            (
                Action::Submit,
                "https://127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit",
                SANDBOX,
                false,
            ),
            (
                Action::Submit,
                "http://api.razorpay.com/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit",
                "https://api.razorpay.com",
                false,
            ),
            (
                Action::Submit,
                "http://x@127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit",
                SANDBOX,
                false,
            ),
            (
                Action::Submit,
                "http://127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit?x=1",
                SANDBOX,
                false,
            ),
            (
                Action::Submit,
                "http://127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit#x",
                SANDBOX,
                false,
            ),
            (Action::Submit, "javascript:alert(1)", SANDBOX, false),
            (
                Action::Submit,
                "/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit",
                SANDBOX,
                false,
            ),
        ];
        for (action, url, gateway, ok) in table {
            match call(*action, url, gateway) {
                Ok(r) => {
                    assert!(ok, "{url} accepted");
                    assert_eq!((r.method, r.payment_id.as_str()), ("POST", PAY));
                    assert_eq!(r.body.is_some(), *action == Action::Submit, "{url}");
                }
                Err(e) => {
                    assert!(!ok, "{url} refused: {:?}", e.body);
                    assert_eq!(
                        (e.status, e.body["error"]["field"].as_str()),
                        (400, Some("url")),
                        "{url}"
                    );
                    assert_eq!(e.body["error"]["reason"], "unsafe_next_action_url");
                }
            }
        }
    }

    #[test]
    fn the_body_is_checked() {
        let submit = "http://127.0.0.1:8081/v1/payments/pay_AAAAAAAAAAAAAA/otp/submit";
        for body in [
            json!({ "url": submit }),
            json!({ "url": submit, "otp": "" }),
            json!({ "url": submit, "otp": "1".repeat(17) }),
            json!({ "url": submit, "otp": {} }),
        ] {
            let e = relay(Action::Submit, body.to_string().as_bytes(), SANDBOX).unwrap_err();
            assert_eq!(e.body["error"]["field"], "otp", "{body}");
        }
        let r = relay(
            Action::Submit,
            json!({ "url": submit, "otp": 123456 })
                .to_string()
                .as_bytes(),
            SANDBOX,
        )
        .unwrap();
        assert_eq!(r.body.unwrap()["otp"], "123456");
        for body in ["", "[]", "{}", r#"{"url": 5}"#] {
            assert_eq!(
                relay(Action::Submit, body.as_bytes(), SANDBOX)
                    .unwrap_err()
                    .status,
                400,
                "{body}"
            );
        }
        for gateway in ["", "ftp://x", "http://evil.example:8081"] {
            assert_eq!(
                call(Action::Submit, submit, gateway).unwrap_err().status,
                500,
                "{gateway}"
            );
        }
        assert_eq!(Action::from_name("resend"), Some(Action::Resend));
        assert_eq!(Action::from_name("capture"), None);
    }
}
