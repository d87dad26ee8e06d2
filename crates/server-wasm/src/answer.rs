//! Error answers in the shape the page reads: an HTTP status and
//! `{ "error": { code, description, field, source, step, reason, metadata } }`
//! (Razorpay's error object, as the Rust demo backend answers it). The page
//! shows `description` and marks the input named by `field`; an answer
//! without an `error` object is read as "answered HTTP 400 with no error
//! object".

use razorpay_checkout_wasm::Error;
use serde_json::{json, Map, Value};

/// `BAD_REQUEST_ERROR`: the request (the shopper's or the merchant's) is wrong.
pub const BAD_REQUEST: &str = "BAD_REQUEST_ERROR";
/// `SERVER_ERROR`: the merchant's server failed.
pub const SERVER_ERROR: &str = "SERVER_ERROR";
/// `GATEWAY_ERROR`: the gateway could not be reached or answered nonsense.
pub const GATEWAY_ERROR: &str = "GATEWAY_ERROR";

/// An error answer: the HTTP status and the body to send as JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// 400, 401, 403, 404, 409, 413, 415, 500, 502, …
    pub status: u16,
    /// `{ "error": { … } }`.
    pub body: Value,
}

/// The fields of an error answer; `None` takes the default of
/// [`Answer::new`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields {
    /// Default `BAD_REQUEST_ERROR` below 500, `SERVER_ERROR` from 500.
    pub code: Option<String>,
    /// What went wrong, for the page to show.
    pub description: String,
    /// The input it is about (`payment.email`, `otp`, `Idempotency-Key`).
    pub field: Option<String>,
    /// Default `business`.
    pub source: Option<String>,
    /// Default `payment_initiation`.
    pub step: Option<String>,
    /// Default `input_validation_failed` below 500, `server_error` from 500.
    pub reason: Option<String>,
    /// Default `{}`.
    pub metadata: Map<String, Value>,
}

impl Answer {
    /// An answer from its fields; a status outside 400–599 becomes 500.
    ///
    /// # Example
    /// ```
    /// use razorpay_checkout_wasm_server::answer::{Answer, Fields};
    /// let a = Answer::new(404, Fields { description: "No such cart.".into(), field: Some("receipt".into()), ..Fields::default() });
    /// assert_eq!(a.body["error"]["code"], "BAD_REQUEST_ERROR");
    /// assert_eq!(a.body["error"]["field"], "receipt");
    /// ```
    pub fn new(status: u16, f: Fields) -> Answer {
        let status = if (400..=599).contains(&status) {
            status
        } else {
            500
        };
        let server = status >= 500;
        let or = |v: Option<String>, d: &str| {
            v.filter(|s| !s.is_empty()).unwrap_or_else(|| d.to_string())
        };
        let description = if f.description.trim().is_empty() {
            if server {
                "The server could not complete the request."
            } else {
                "The request is invalid."
            }
            .to_string()
        } else {
            f.description
        };
        Answer {
            status,
            body: json!({ "error": {
                "code": or(f.code, if server { SERVER_ERROR } else { BAD_REQUEST }),
                "description": description,
                "field": f.field,
                "source": or(f.source, "business"),
                "step": or(f.step, "payment_initiation"),
                "reason": or(f.reason, if server { "server_error" } else { "input_validation_failed" }),
                "metadata": Value::Object(f.metadata),
            }}),
        }
    }

    /// A 400 on `field` (`input_validation_failed`).
    pub fn validation(field: Option<&str>, description: impl Into<String>) -> Answer {
        Answer::new(
            400,
            Fields {
                description: description.into(),
                field: field.map(str::to_string),
                ..Fields::default()
            },
        )
    }

    /// A 400 with the checkout core's errors: the first one's fields in
    /// `error`, all of them (with their `kind`) in `error.metadata.errors`
    /// (the page marks each input from that list).
    pub fn from_errors(errors: &[Error]) -> Answer {
        let Some(first) = errors.first() else {
            return Answer::validation(None, "The order request is invalid.");
        };
        let all: Vec<Value> = errors
            .iter()
            .filter_map(|e| serde_json::to_value(e).ok())
            .collect();
        let mut metadata = Map::new();
        metadata.insert("errors".into(), Value::Array(all));
        Answer::new(
            400,
            Fields {
                code: Some(first.code().to_string()),
                description: first.description().to_string(),
                field: first.field().map(str::to_string),
                source: Some(first.error_source().to_string()),
                step: Some(first.step().to_string()),
                reason: Some(first.reason().to_string()),
                metadata,
            },
        )
    }

    /// The same answer with `metadata[key] = value`.
    pub fn with_meta(mut self, key: &str, value: Value) -> Answer {
        if let Some(m) = self
            .body
            .pointer_mut("/error/metadata")
            .and_then(Value::as_object_mut)
        {
            m.insert(key.to_string(), value);
        }
        self
    }

    /// The answer as `{ "ok": false, "status": …, "body": … }` (the Node
    /// entry's shape).
    pub fn to_json(&self) -> Value {
        json!({ "ok": false, "status": self.status, "body": self.body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use razorpay_checkout_wasm::ErrorKind;

    #[test]
    fn defaults_by_status_and_every_field_present() {
        let a = Answer::validation(Some("otp"), "The otp field is required.");
        assert_eq!(a.status, 400);
        assert_eq!(
            a.body,
            json!({ "error": { "code": "BAD_REQUEST_ERROR", "description": "The otp field is required.", "field": "otp",
                "source": "business", "step": "payment_initiation", "reason": "input_validation_failed", "metadata": {} } })
        );
        let s = Answer::new(502, Fields::default());
        assert_eq!(s.body["error"]["code"], "SERVER_ERROR");
        assert_eq!(s.body["error"]["reason"], "server_error");
        assert_eq!(s.body["error"]["field"], Value::Null);
        assert!(
            !s.body["error"]["description"].as_str().unwrap().is_empty(),
            "never an empty description"
        );
        assert_eq!(
            Answer::new(200, Fields::default()).status,
            500,
            "an error answer is never a success"
        );
    }

    #[test]
    fn core_errors_keep_their_fields_and_all_are_listed() {
        let errors = vec![
            Error::invalid(
                ErrorKind::InvalidFormat,
                "payment.email",
                "The email is invalid",
            )
            .with_source("customer"),
            Error::required("payment.contact"),
        ];
        let a = Answer::from_errors(&errors);
        assert_eq!(a.status, 400);
        assert_eq!(a.body["error"]["field"], "payment.email");
        assert_eq!(a.body["error"]["source"], "customer");
        let all = a.body["error"]["metadata"]["errors"].as_array().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1]["field"], "payment.contact");
        assert_eq!(all[1]["kind"], "required");
    }
}
