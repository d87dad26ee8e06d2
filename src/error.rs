//! The crate's one error type.
//!
//! Every failure — a mistyped card number, a payload the gateway would refuse,
//! a timeout, an error object from Razorpay, a next-action URL that points
//! somewhere it must not — is an [`Error`]. It carries the fields of
//! Razorpay's own error object (`code`, `description`, `field`, `source`,
//! `step`, `reason`, `metadata`) plus a stable machine word, [`ErrorKind`],
//! so a page can branch on `kind` and show `description`.
//!
//! In the browser it becomes a JS `Error` whose `message` is the description
//! and whose own properties are those fields (see `crate::wasm`).

use std::borrow::Cow;
use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// What went wrong, as a stable machine word (`kind` on the wire).
///
/// New kinds may be added in minor releases, so match with a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A required value is absent, `null` or blank.
    Required,
    /// A value of the wrong JS type (an object where a string was expected).
    InvalidType,
    /// Characters that can never be part of the value (letters in a number).
    InvalidCharacters,
    /// Too few or too many characters or digits.
    InvalidLength,
    /// The card number fails the Luhn check.
    FailedLuhn,
    /// A month outside 1–12.
    InvalidMonth,
    /// A year that is not `YY` or `YYYY`.
    InvalidYear,
    /// A value whose shape is wrong (`13/2x` as an expiry, `abc` as an email).
    InvalidFormat,
    /// The card expired before the current month.
    Expired,
    /// An expiry more than 20 years ahead.
    TooFarAhead,
    /// A value outside its allowed set or range.
    InvalidValue,
    /// More entries than allowed (more than 15 notes).
    TooMany,
    /// A combination the gateway does not support (a RuPay mandate on a saved token).
    NotSupported,
    /// `pay()` was called while a payment of the same checkout is in flight.
    PaymentInProgress,
    /// The checkout was configured wrongly (an `http:` endpoint that is not loopback).
    InvalidConfiguration,
    /// A next-action URL that is not `https:` on an allowed host.
    UnsafeUrl,
    /// A next action this helper does not know.
    UnsupportedAction,
    /// The request did not complete in time.
    Timeout,
    /// The request could not be sent or its answer not read.
    Network,
    /// An answer that is not the JSON it should be.
    InvalidResponse,
    /// An error object returned by the gateway (through the merchant backend).
    Gateway,
    /// The action is not possible in the checkout's current state.
    InvalidState,
}

impl ErrorKind {
    /// The machine word, as it appears in `kind` on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Required => "required",
            ErrorKind::InvalidType => "invalid_type",
            ErrorKind::InvalidCharacters => "invalid_characters",
            ErrorKind::InvalidLength => "invalid_length",
            ErrorKind::FailedLuhn => "failed_luhn",
            ErrorKind::InvalidMonth => "invalid_month",
            ErrorKind::InvalidYear => "invalid_year",
            ErrorKind::InvalidFormat => "invalid_format",
            ErrorKind::Expired => "expired",
            ErrorKind::TooFarAhead => "too_far_ahead",
            ErrorKind::InvalidValue => "invalid_value",
            ErrorKind::TooMany => "too_many",
            ErrorKind::NotSupported => "not_supported",
            ErrorKind::PaymentInProgress => "payment_in_progress",
            ErrorKind::InvalidConfiguration => "invalid_configuration",
            ErrorKind::UnsafeUrl => "unsafe_url",
            ErrorKind::UnsupportedAction => "unsupported_action",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Network => "network_error",
            ErrorKind::InvalidResponse => "invalid_response",
            ErrorKind::Gateway => "gateway_error",
            ErrorKind::InvalidState => "invalid_state",
        }
    }

    /// True for the kinds that describe bad input (shown next to a form field).
    pub fn is_validation(self) -> bool {
        matches!(
            self,
            ErrorKind::Required
                | ErrorKind::InvalidType
                | ErrorKind::InvalidCharacters
                | ErrorKind::InvalidLength
                | ErrorKind::FailedLuhn
                | ErrorKind::InvalidMonth
                | ErrorKind::InvalidYear
                | ErrorKind::InvalidFormat
                | ErrorKind::Expired
                | ErrorKind::TooFarAhead
                | ErrorKind::InvalidValue
                | ErrorKind::TooMany
                | ErrorKind::NotSupported
        )
    }

    /// Razorpay-style defaults: `(code, reason, source, step)`. Read only
    /// when a field was not set (so the card entry, whose JS holds this
    /// table, carries neither it nor its words: src/wire.rs).
    #[inline(never)]
    fn defaults(self) -> (&'static str, &'static str, &'static str, &'static str) {
        const BAD: &str = "BAD_REQUEST_ERROR";
        const INIT: &str = "payment_initiation";
        match self {
            k if k.is_validation() => (BAD, "input_validation_failed", "customer", INIT),
            ErrorKind::PaymentInProgress => (BAD, "payment_in_progress", "internal", INIT),
            ErrorKind::InvalidConfiguration => (BAD, "invalid_configuration", "business", INIT),
            ErrorKind::InvalidState => (BAD, "invalid_state", "internal", INIT),
            ErrorKind::UnsafeUrl => (
                "SERVER_ERROR",
                "unsafe_next_action_url",
                "gateway",
                "payment_authentication",
            ),
            ErrorKind::UnsupportedAction => (
                "SERVER_ERROR",
                "unsupported_next_action",
                "gateway",
                "payment_authentication",
            ),
            ErrorKind::Timeout => ("NETWORK_ERROR", "request_timed_out", "network", INIT),
            ErrorKind::Network => ("NETWORK_ERROR", "network_failure", "network", INIT),
            ErrorKind::InvalidResponse => ("SERVER_ERROR", "invalid_response", "merchant", INIT),
            _ => ("SERVER_ERROR", "gateway_error", "gateway", INIT),
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure, with Razorpay's error-object fields.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::{Error, ErrorKind};
/// let e = Error::required("cvv");
/// assert_eq!(e.kind(), ErrorKind::Required);
/// assert_eq!(e.to_string(), "The cvv is required");
/// assert_eq!(e.field(), Some("cvv"));
/// assert_eq!(e.code(), "BAD_REQUEST_ERROR");
/// ```
#[derive(Clone)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    description: Cow<'static, str>,
    field: Option<Cow<'static, str>>,
    // Set only when they differ from the kind's defaults (`None`: the default).
    source: Option<Cow<'static, str>>,
    #[cfg(feature = "checkout")]
    step: Option<Cow<'static, str>>,
    #[cfg(feature = "checkout")]
    code: Option<Cow<'static, str>>,
    #[cfg(feature = "checkout")]
    reason: Option<Cow<'static, str>>,
    // (Only the checkout sets these: without it, as in the card entry, an
    // error carries none of them, and has no code to drop them.)
    #[cfg(feature = "checkout")]
    metadata: Vec<(String, String)>,
    #[cfg(feature = "checkout")]
    status: Option<u16>,
    /// The actions the reply offered beside its error object (`"next":
    /// ["otp_submit", "otp_resend"]`): a field of its own, never a
    /// metadata entry a gateway's own metadata could spoof.
    #[cfg(feature = "checkout")]
    next: Vec<crate::checkout::Action>,
}

impl PartialEq for Error {
    /// Equal when every field reads the same (a default and the same word
    /// set explicitly are equal).
    fn eq(&self, other: &Error) -> bool {
        let (a, b) = (&self.inner, &other.inner);
        a.kind == b.kind
            && a.description == b.description
            && a.field == b.field
            && self.metadata() == other.metadata()
            && self.next_words().eq(other.next_words())
            && self.status() == other.status()
            && self.code() == other.code()
            && self.error_source() == other.error_source()
            && self.step() == other.step()
            && self.reason() == other.reason()
    }
}

impl Eq for Error {}

/// Joins pieces into a description without `format!` machinery in the wasm.
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

impl Error {
    /// An error of `kind` with a description; the other fields take the
    /// kind's Razorpay-style defaults.
    pub fn new(kind: ErrorKind, description: impl Into<Cow<'static, str>>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                description: description.into(),
                field: None,
                source: None,
                #[cfg(feature = "checkout")]
                step: None,
                #[cfg(feature = "checkout")]
                code: None,
                #[cfg(feature = "checkout")]
                reason: None,
                #[cfg(feature = "checkout")]
                metadata: Vec::new(),
                #[cfg(feature = "checkout")]
                status: None,
                #[cfg(feature = "checkout")]
                next: Vec::new(),
            }),
        }
    }

    /// `The <field> is required` — Razorpay's wording.
    pub fn required(field: impl Into<Cow<'static, str>>) -> Error {
        let field = field.into();
        Error::new(
            ErrorKind::Required,
            concat(&["The ", leaf(&field), " is required"]),
        )
        .with_field(field)
    }

    /// A validation error on `field`.
    pub fn invalid(
        kind: ErrorKind,
        field: impl Into<Cow<'static, str>>,
        description: impl Into<Cow<'static, str>>,
    ) -> Error {
        Error::new(kind, description).with_field(field)
    }

    /// Sets the `field` (a path such as `payment.email`).
    pub fn with_field(mut self, field: impl Into<Cow<'static, str>>) -> Error {
        self.inner.field = Some(field.into());
        self
    }

    /// Sets `source` (`customer`, `business`, `gateway`, …).
    pub fn with_source(mut self, source: impl Into<Cow<'static, str>>) -> Error {
        self.inner.source = Some(source.into());
        self
    }

    #[cfg(feature = "checkout")]
    /// Sets `step` (`payment_initiation`, `payment_authentication`, …).
    pub fn with_step(mut self, step: impl Into<Cow<'static, str>>) -> Error {
        self.inner.step = Some(step.into());
        self
    }

    #[cfg(feature = "checkout")]
    /// Sets `code`.
    pub fn with_code(mut self, code: impl Into<Cow<'static, str>>) -> Error {
        self.inner.code = Some(code.into());
        self
    }

    #[cfg(feature = "checkout")]
    /// Sets `reason`.
    pub fn with_reason(mut self, reason: impl Into<Cow<'static, str>>) -> Error {
        self.inner.reason = Some(reason.into());
        self
    }

    #[cfg(feature = "checkout")]
    /// Adds a `metadata` entry (for example `payment_id`).
    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Error {
        self.inner.metadata.push((key.into(), value.into()));
        self
    }

    #[cfg(feature = "checkout")]
    /// Records the actions the reply offered beside its error object.
    pub fn with_next_actions(mut self, next: Vec<crate::checkout::Action>) -> Error {
        self.inner.next = next;
        self
    }

    #[cfg(feature = "checkout")]
    /// The actions the reply offered beside its error object (`next` on the
    /// JS error): `otp_submit` again after a wrong OTP, `otp_resend`.
    pub fn next_actions(&self) -> &[crate::checkout::Action] {
        &self.inner.next
    }

    /// The words of [`Error::next_actions`] (none without `checkout`).
    fn next_words(&self) -> impl Iterator<Item = &str> {
        #[cfg(feature = "checkout")]
        return self.inner.next.iter().map(crate::checkout::Action::as_str);
        #[cfg(not(feature = "checkout"))]
        return std::iter::empty();
    }

    #[cfg(feature = "checkout")]
    /// Records the HTTP status the error came with.
    pub fn with_status(mut self, status: u16) -> Error {
        self.inner.status = Some(status);
        self
    }

    /// The machine word.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }
    /// Razorpay's `code`, e.g. `BAD_REQUEST_ERROR`.
    pub fn code(&self) -> &str {
        #[cfg(feature = "checkout")]
        if let Some(code) = self.inner.code.as_deref() {
            return code;
        }
        self.inner.kind.defaults().0
    }
    /// The human-readable description.
    pub fn description(&self) -> &str {
        &self.inner.description
    }
    /// The input path at fault, if any.
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }
    /// Razorpay's `source` (`customer`, `business`, `internal`, …; the
    /// `source` property of the JS error). Named so as not to shadow
    /// [`std::error::Error::source`], the error's cause, which is `None`.
    pub fn error_source(&self) -> &str {
        self.inner
            .source
            .as_deref()
            .unwrap_or_else(|| self.inner.kind.defaults().2)
    }
    /// Razorpay's `step`.
    pub fn step(&self) -> &str {
        #[cfg(feature = "checkout")]
        if let Some(step) = self.inner.step.as_deref() {
            return step;
        }
        self.inner.kind.defaults().3
    }
    /// Razorpay's `reason`.
    pub fn reason(&self) -> &str {
        #[cfg(feature = "checkout")]
        if let Some(reason) = self.inner.reason.as_deref() {
            return reason;
        }
        self.inner.kind.defaults().1
    }
    /// `source`, `step`, `code` and `reason` where they were set, `None`
    /// where they are the kind's defaults (the card entry's compact error,
    /// src/wire.rs).
    pub fn overrides(&self) -> [Option<&str>; 4] {
        let i = &self.inner;
        #[cfg(feature = "checkout")]
        return [
            i.source.as_deref(),
            i.step.as_deref(),
            i.code.as_deref(),
            i.reason.as_deref(),
        ];
        #[cfg(not(feature = "checkout"))]
        return [i.source.as_deref(), None, None, None];
    }
    /// Razorpay's `metadata`, as string pairs.
    pub fn metadata(&self) -> &[(String, String)] {
        #[cfg(feature = "checkout")]
        return &self.inner.metadata;
        #[cfg(not(feature = "checkout"))]
        return &[];
    }
    /// The HTTP status the error came with, if it came from a response.
    pub fn status(&self) -> Option<u16> {
        #[cfg(feature = "checkout")]
        return self.inner.status;
        #[cfg(not(feature = "checkout"))]
        return None;
    }
}

impl Error {
    /// Appends the error's plain-object form as JSON text: the same object
    /// as its `Serialize` impl (a native test pins the two together), but
    /// without serde, for the card entry's wasm.
    pub fn write_json(&self, out: &mut String) {
        use crate::json::push_str_literal as lit;
        let i = &self.inner;
        let field = |out: &mut String, key: &str, value: &str| {
            out.push_str(key);
            lit(out, value);
        };
        field(out, "{\"code\":", self.code());
        field(out, ",\"description\":", &i.description);
        out.push_str(",\"field\":");
        match &i.field {
            Some(f) => lit(out, f),
            None => out.push_str("null"),
        }
        field(out, ",\"source\":", self.error_source());
        field(out, ",\"step\":", self.step());
        field(out, ",\"reason\":", self.reason());
        field(out, ",\"kind\":", i.kind.as_str());
        let next = self.next_words().next().is_some();
        if !self.metadata().is_empty() || next {
            out.push_str(",\"metadata\":{");
            for (n, (k, v)) in self.metadata().iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                lit(out, k);
                out.push(':');
                lit(out, v);
            }
            if next {
                // (The comma-joined form earlier versions carried here.)
                if !self.metadata().is_empty() {
                    out.push(',');
                }
                lit(out, NEXT_ACTIONS_KEY);
                out.push(':');
                lit(out, &self.next_words().collect::<Vec<_>>().join(","));
            }
            out.push('}');
        }
        if next {
            out.push_str(",\"next\":[");
            for (n, w) in self.next_words().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                lit(out, w);
            }
            out.push(']');
        }
        if let Some(status) = self.status() {
            out.push_str(",\"status\":");
            let mut digits = [0_u8; 5];
            let mut n = status;
            let mut at = digits.len();
            loop {
                at -= 1;
                if let Some(d) = digits.get_mut(at) {
                    *d = b'0' + (n % 10) as u8;
                }
                n /= 10;
                if n == 0 || at == 0 {
                    break;
                }
            }
            out.push_str(std::str::from_utf8(digits.get(at..).unwrap_or_default()).unwrap_or("0"));
        }
        out.push('}');
    }

    /// `[error, ...]` as JSON text (see [`Error::write_json`]).
    pub fn list_json(errors: &[Error]) -> String {
        let mut out = String::from("[");
        for (n, e) in errors.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            e.write_json(&mut out);
        }
        out.push(']');
        out
    }
}

/// The last segment of a field path: `payment.email` → `email`. (A byte
/// search: `str::rsplit`'s searcher cost the card entry 0.6 KB.)
pub(crate) fn leaf(field: &str) -> &str {
    match field.bytes().rposition(|b| b == b'.') {
        Some(dot) => field.get(dot + 1..).unwrap_or(field),
        None => field,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.description)
    }
}

impl fmt::Debug for Error {
    // Hand-written so that no input value can ever reach a log through
    // `{:?}`: descriptions never quote what the shopper typed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("field", &self.inner.field)
            .field("description", &self.inner.description)
            .finish()
    }
}

impl std::error::Error for Error {}

impl Serialize for Error {
    /// The plain-object form used inside results (`errors: [...]`) and
    /// copied onto thrown JS errors.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = &self.inner;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("code", self.code())?;
        m.serialize_entry("description", &i.description)?;
        m.serialize_entry("field", &i.field)?;
        m.serialize_entry("source", self.error_source())?;
        m.serialize_entry("step", self.step())?;
        m.serialize_entry("reason", self.reason())?;
        m.serialize_entry("kind", i.kind.as_str())?;
        let next: Vec<&str> = self.next_words().collect();
        if !self.metadata().is_empty() || !next.is_empty() {
            m.serialize_entry("metadata", &Pairs(self.metadata(), &next))?;
        }
        if !next.is_empty() {
            m.serialize_entry("next", &next)?;
        }
        if let Some(status) = self.status() {
            m.serialize_entry("status", &status)?;
        }
        m.end()
    }
}

/// The metadata pairs, and the offered actions comma-joined under
/// [`NEXT_ACTIONS_KEY`] (the form earlier versions carried; `next` is the
/// typed one).
struct Pairs<'a>(&'a [(String, String)], &'a [&'a str]);

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        if !self.1.is_empty() {
            m.serialize_entry(NEXT_ACTIONS_KEY, &self.1.join(","))?;
        }
        m.end()
    }
}

/// The metadata key under which a JS error also lists the offered actions,
/// comma-joined (kept for pages written against earlier versions; read
/// `next`).
pub const NEXT_ACTIONS_KEY: &str = "next_actions";

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn razorpay_source_is_error_source_and_std_source_is_the_cause() {
        let e = Error::required("payment.email").with_source("business");
        assert_eq!(e.error_source(), "business");
        // (`std::error::Error::source` is the cause: there is none.)
        assert!(std::error::Error::source(&e).is_none());
        assert_eq!(
            Error::new(ErrorKind::Timeout, "t").error_source(),
            "network"
        );
    }

    #[test]
    fn required_uses_the_leaf_of_the_path() {
        let e = Error::required("payment.email");
        assert_eq!(e.to_string(), "The email is required");
        assert_eq!(e.field(), Some("payment.email"));
        assert_eq!(e.reason(), "input_validation_failed");
    }

    #[test]
    fn serializes_as_a_razorpay_error_object() {
        let e = Error::invalid(
            ErrorKind::InvalidLength,
            "cvv",
            "The cvv must be between 3 and 4 digits",
        );
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "code": "BAD_REQUEST_ERROR",
                "description": "The cvv must be between 3 and 4 digits",
                "field": "cvv",
                "source": "customer",
                "step": "payment_initiation",
                "reason": "input_validation_failed",
                "kind": "invalid_length"
            })
        );
    }

    #[test]
    #[cfg(feature = "checkout")]
    fn write_json_is_the_serialize_form() {
        let plain = Error::required("payment.card.number");
        let full = Error::new(ErrorKind::Gateway, "Bad \"quote\" \\ \n \u{1}")
            .with_metadata("payment_id", "pay_1")
            .with_metadata("order_id", "order_\"2")
            .with_status(502);
        let zero = Error::new(ErrorKind::Timeout, "t").with_status(0);
        let next = |e: Error| {
            e.with_next_actions(vec![
                crate::checkout::Action::OtpSubmit,
                crate::checkout::Action::Other("x\"y".into()),
            ])
        };
        let offered = next(Error::new(ErrorKind::Gateway, "g"));
        let offered_full = next(full.clone());
        for e in [plain, full, zero, offered, offered_full] {
            let mut text = String::new();
            e.write_json(&mut text);
            let hand: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(hand, serde_json::to_value(&e).unwrap(), "{text}");
            let list: serde_json::Value =
                serde_json::from_str(&Error::list_json(&[e.clone(), e.clone()])).unwrap();
            assert_eq!(list, serde_json::to_value([&e, &e]).unwrap());
        }
        assert_eq!(Error::list_json(&[]), "[]");
    }

    #[test]
    fn every_kind_has_a_distinct_word() {
        use ErrorKind::*;
        let all = [
            Required,
            InvalidType,
            InvalidCharacters,
            InvalidLength,
            FailedLuhn,
            InvalidMonth,
            InvalidYear,
            InvalidFormat,
            Expired,
            TooFarAhead,
            InvalidValue,
            TooMany,
            NotSupported,
            PaymentInProgress,
            InvalidConfiguration,
            UnsafeUrl,
            UnsupportedAction,
            Timeout,
            Network,
            InvalidResponse,
            Gateway,
            InvalidState,
        ];
        let mut words: Vec<_> = all.iter().map(|k| k.as_str()).collect();
        words.sort();
        words.dedup();
        assert_eq!(words.len(), all.len());
    }
}
