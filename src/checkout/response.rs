//! The replies: the composite order, OTP generate (and resend), OTP
//! submit, and Razorpay's error object.
//!
//! There is no JSON parser in the shipped build. The caller turns the HTTP
//! body into a [`Body`]: in the browser with `JSON.parse` and the value
//! tree's walker (src/wasm/walk.rs, then [`FromTree`]), on servers and in
//! tests with `serde_json` (`Body` implements `Deserialize`, through the
//! same tree). An empty body is [`Body::Empty`], one that does not parse
//! is [`Body::NotJson`].
//!
//! Every reply may carry `{ "error": { code, description, field, source,
//! step, reason, metadata } }`, whatever its HTTP status: that becomes an
//! [`ErrorKind::Gateway`] error carrying exactly those fields. Anything
//! else that is not the expected shape is [`ErrorKind::InvalidResponse`].

use std::fmt;

use serde::{Serialize, Serializer};

use super::lenient::{reply_object, FromObject, LooseMap, LooseObject};
use crate::deserialize_by_tree;
use crate::error::{concat, Error, ErrorKind};
use crate::value::{FromTree, Loose, Tree};

pub use crate::error::NEXT_ACTIONS_KEY;

// ---------------------------------------------------------------- bodies

/// An HTTP reply's body.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// No body at all (or only whitespace).
    Empty,
    /// A body that is not JSON (an HTML error page, a truncated reply).
    NotJson,
    /// Parsed JSON (boxed: it is large).
    Json(Box<ResponseBody>),
}

/// A parsed JSON body: an object read leniently, or any other JSON value.
pub type ResponseBody = LooseObject<ResponseFields>;

impl FromTree for Body {
    /// Always [`Body::Json`]: read a parsed JSON value with it.
    fn from_tree(tree: Tree) -> Body {
        Body::Json(Box::new(ResponseBody::from_tree(tree)))
    }
}

deserialize_by_tree!(Body);

/// Every field any reply may have. Unknown fields are ignored; no field's
/// type can fail reading.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResponseFields {
    /// The order's `order_…`.
    pub id: Loose,
    /// The order's status (`created`, `attempted`, `paid`).
    pub status: Loose,
    /// The order's amount.
    pub amount: Loose,
    /// The composite API's payment workflow.
    pub payment_workflow: LooseObject<WorkflowFields>,
    /// OTP replies: the payment.
    pub razorpay_payment_id: Loose,
    /// OTP submit: the order.
    pub razorpay_order_id: Loose,
    /// OTP submit: the signature to verify on the merchant's server.
    pub razorpay_signature: Loose,
    /// OTP replies: the next actions (objects, or names beside an error).
    pub next: NextList,
    /// OTP generate: `issuer`, `network`, `last4`, `iin`.
    pub metadata: LooseMap,
    /// Razorpay's error object.
    pub error: LooseObject<ErrorFields>,
}

reply_object!(ResponseFields {
    "id" => id,
    "status" => status,
    "amount" => amount,
    "payment_workflow" => payment_workflow,
    "razorpay_payment_id" => razorpay_payment_id,
    "razorpay_order_id" => razorpay_order_id,
    "razorpay_signature" => razorpay_signature,
    "next" => next,
    "metadata" => metadata,
    "error" => error,
});

/// `payment_workflow`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkflowFields {
    /// The payment (preferred).
    pub razorpay_payment_id: Loose,
    /// The payment, as some documents name it.
    pub id: Loose,
    /// The next actions.
    pub next: NextList,
}

reply_object!(WorkflowFields {
    "razorpay_payment_id" => razorpay_payment_id,
    "id" => id,
    "next" => next,
});

/// Razorpay's error object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorFields {
    /// `BAD_REQUEST_ERROR`, `GATEWAY_ERROR`, `SERVER_ERROR`, …
    pub code: Loose,
    /// The text to show.
    pub description: Loose,
    /// The request field at fault, or `null`.
    pub field: Loose,
    /// `customer`, `business`, `issuer`, …
    pub source: Loose,
    /// `payment_initiation`, `payment_authentication`, …
    pub step: Loose,
    /// `incorrect_otp`, `input_validation_failed`, …
    pub reason: Loose,
    /// `payment_id`, `order_id`, …
    pub metadata: LooseMap,
}

reply_object!(ErrorFields {
    "code" => code,
    "description" => description,
    "field" => field,
    "source" => source,
    "step" => step,
    "reason" => reason,
    "metadata" => metadata,
});

/// A `next` array, read leniently.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum NextList {
    /// Not there.
    #[default]
    Absent,
    /// `null`.
    Null,
    /// An array.
    Items(Vec<NextItem>),
    /// Not an array.
    WrongType,
}

/// One entry of a `next` array.
#[derive(Clone, Debug, PartialEq)]
pub enum NextItem {
    /// `{ "action": …, "url": … }` (other keys ignored).
    Object {
        /// The action name.
        action: Loose,
        /// The URL.
        url: Loose,
    },
    /// A bare action name, as a failed OTP submit lists them.
    Name(String),
    /// Anything else.
    Other,
}

impl FromTree for NextList {
    fn from_tree(tree: Tree) -> NextList {
        match tree {
            Tree::Scalar(Loose::Absent) => NextList::Absent,
            Tree::Scalar(Loose::Null) => NextList::Null,
            Tree::Array(items) => {
                NextList::Items(items.into_iter().map(NextItem::from_tree).collect())
            }
            _ => NextList::WrongType,
        }
    }
}

/// A `{action, url}` entry of `next`, as read (other keys ignored).
#[derive(Default)]
struct NextObject {
    action: Loose,
    url: Loose,
}

reply_object!(NextObject { "action" => action, "url" => url });

impl FromTree for NextItem {
    fn from_tree(tree: Tree) -> NextItem {
        match tree {
            Tree::Scalar(Loose::Str(name)) => NextItem::Name(name),
            Tree::Object(entries) => {
                let NextObject { action, url } = NextObject::from_entries(entries);
                NextItem::Object { action, url }
            }
            _ => NextItem::Other,
        }
    }
}

// ---------------------------------------------------------------- outcomes

/// A next action's name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// `redirect`: send the shopper to the URL.
    Redirect,
    /// `otp_generate`: have the OTP sent, then ask for it.
    OtpGenerate,
    /// `otp_submit`: where the OTP goes.
    OtpSubmit,
    /// `otp_resend`: have the OTP sent again.
    OtpResend,
    /// Any other name, as given.
    Other(String),
}

impl Action {
    /// Reads a wire word (exact, lower-case).
    pub fn from_word(word: &str) -> Action {
        match word {
            "redirect" => Action::Redirect,
            "otp_generate" => Action::OtpGenerate,
            "otp_submit" => Action::OtpSubmit,
            "otp_resend" => Action::OtpResend,
            other => Action::Other(other.to_owned()),
        }
    }

    /// The wire word.
    pub fn as_str(&self) -> &str {
        match self {
            Action::Redirect => "redirect",
            Action::OtpGenerate => "otp_generate",
            Action::OtpSubmit => "otp_submit",
            Action::OtpResend => "otp_resend",
            Action::Other(word) => word,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One next action. The URL is not checked here: [`crate::checkout::Flow`]
/// checks every URL with [`crate::checkout::check_next_url`] before use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NextAction {
    /// What to do.
    pub action: Action,
    /// Where (absent when the reply lists only names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// What the composite order call answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderOutcome {
    /// The order's `id` (`order_…`).
    pub order_id: Option<String>,
    /// The order's `status` (`attempted`, …).
    pub status: Option<String>,
    /// The order's `amount`, in subunits.
    pub amount: Option<u64>,
    /// `payment_workflow.razorpay_payment_id` (or `payment_workflow.id`).
    pub payment_id: Option<String>,
    /// `payment_workflow.next`, in order; empty when absent.
    pub next: Vec<NextAction>,
}

impl OrderOutcome {
    /// Checks every next-action URL offered ([`super::check_next_url`]),
    /// as the flow does before performing any: one unsafe URL refuses the
    /// whole reply.
    ///
    /// # Errors
    /// The first unsafe URL's `unsafe_url`.
    pub fn check_urls(&self, policy: &super::UrlPolicy) -> Result<(), Error> {
        for url in self.next.iter().filter_map(|n| n.url.as_deref()) {
            super::check_next_url(url, policy)?;
        }
        Ok(())
    }
}

/// `metadata` of an OTP generate reply: the card the OTP is for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OtpMetadata {
    /// Issuing bank code (`HDFC`).
    pub issuer: Option<String>,
    /// Network as the gateway names it (`MC`, `Visa`).
    pub network: Option<String>,
    /// The card's last four digits.
    pub last4: Option<String>,
    /// The card's IIN.
    pub iin: Option<String>,
}

/// What an OTP generate (or resend) call answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OtpChallenge {
    /// `razorpay_payment_id`.
    pub payment_id: Option<String>,
    /// `next`: normally `otp_submit` and `otp_resend`.
    pub next: Vec<NextAction>,
    /// The card the OTP is for.
    pub metadata: OtpMetadata,
}

impl OtpChallenge {
    /// The URL of the first `action` offered with one.
    pub fn url_of(&self, action: &Action) -> Option<&str> {
        url_of(&self.next, action)
    }
    /// The `otp_submit` URL.
    pub fn submit_url(&self) -> Option<&str> {
        self.url_of(&Action::OtpSubmit)
    }
    /// The `otp_resend` URL.
    pub fn resend_url(&self) -> Option<&str> {
        self.url_of(&Action::OtpResend)
    }
}

/// The URL of the first `action` in `next` that has one.
pub(crate) fn url_of<'a>(next: &'a [NextAction], action: &Action) -> Option<&'a str> {
    next.iter()
        .find(|n| &n.action == action && n.url.is_some())
        .and_then(|n| n.url.as_deref())
}

/// A successful OTP submit, with the wire names the merchant's server
/// verifies (`razorpay_signature` over `order_id|payment_id`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaymentSuccess {
    /// `pay_…`.
    pub razorpay_payment_id: String,
    /// `order_…`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub razorpay_order_id: Option<String>,
    /// The signature, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub razorpay_signature: Option<String>,
}

// ---------------------------------------------------------------- parsing

/// Reads the composite order reply.
///
/// # Errors
/// [`ErrorKind::Gateway`] for an error object (any status);
/// [`ErrorKind::InvalidResponse`] for a non-2xx status without one, an
/// empty or non-JSON 2xx body, or JSON without a `payment_workflow` object
/// or with fields of the wrong type. The HTTP status is attached.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::checkout::{parse_order_response, Action, Body};
/// let body: Body = serde_json::from_str(r#"{"id": "order_1", "payment_workflow": {
///   "razorpay_payment_id": "pay_1",
///   "next": [{"action": "redirect", "url": "https://api.razorpay.com/v1/payments/pay_1/authorize"}]}}"#).unwrap();
/// let outcome = parse_order_response(200, body).unwrap();
/// assert_eq!(outcome.payment_id.as_deref(), Some("pay_1"));
/// assert_eq!(outcome.next[0].action, Action::Redirect);
/// ```
pub fn parse_order_response(status: u16, body: Body) -> Result<OrderOutcome, Error> {
    const WHAT: &str = "order request";
    let f = fields(status, body, WHAT)?;
    let w = match &f.payment_workflow {
        LooseObject::Value(w) => w,
        LooseObject::WrongType => {
            return Err(invalid(
                status,
                WHAT,
                "a payment_workflow that is not an object",
            ))
        }
        _ => return Err(invalid(status, WHAT, "no payment_workflow")),
    };
    let payment_id =
        match optional_text(&w.razorpay_payment_id, status, WHAT, "razorpay_payment_id")? {
            Some(id) => Some(id),
            None => optional_text(&w.id, status, WHAT, "payment id")?,
        };
    Ok(OrderOutcome {
        order_id: optional_text(&f.id, status, WHAT, "order id")?,
        status: optional_text(&f.status, status, WHAT, "status")?,
        amount: match f.amount {
            Loose::Int(n) => u64::try_from(n).ok(),
            _ => None,
        },
        payment_id,
        next: next_actions(&w.next, status, WHAT)?,
    })
}

/// Reads an OTP generate (or resend) reply.
///
/// # Errors
/// As [`parse_order_response`], for a body that is not an object with an
/// optional `razorpay_payment_id` string, a `next` array and a `metadata`
/// object.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::checkout::{parse_otp_generate, Body};
/// let body: Body = serde_json::from_str(r#"{"razorpay_payment_id": "pay_1",
///   "next": [{"action": "otp_submit", "url": "https://api.razorpay.com/s"}],
///   "metadata": {"last4": "1111"}}"#).unwrap();
/// let c = parse_otp_generate(200, body).unwrap();
/// assert_eq!(c.submit_url(), Some("https://api.razorpay.com/s"));
/// assert_eq!(c.metadata.last4.as_deref(), Some("1111"));
/// ```
pub fn parse_otp_generate(status: u16, body: Body) -> Result<OtpChallenge, Error> {
    const WHAT: &str = "OTP request";
    let f = fields(status, body, WHAT)?;
    let metadata = match &f.metadata {
        LooseMap::WrongType => {
            return Err(invalid(status, WHAT, "a metadata that is not an object"))
        }
        m => OtpMetadata {
            issuer: scalar_text(m.get("issuer")),
            network: scalar_text(m.get("network")),
            last4: scalar_text(m.get("last4")),
            iin: scalar_text(m.get("iin")),
        },
    };
    Ok(OtpChallenge {
        payment_id: optional_text(&f.razorpay_payment_id, status, WHAT, "razorpay_payment_id")?,
        next: next_actions(&f.next, status, WHAT)?,
        metadata,
    })
}

/// Reads an OTP submit reply.
///
/// A failed submit answers an error object with the action names still
/// offered (`"next": ["otp_submit", "otp_resend"]`): they are recorded in
/// the error's typed field ([`Error::next_actions`], `next` on the JS
/// error); ask [`retry_offered`] and [`offered_actions`].
///
/// # Errors
/// [`ErrorKind::Gateway`] for an error object; [`ErrorKind::InvalidResponse`]
/// for anything but a 2xx object with a `razorpay_payment_id` string.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::checkout::{parse_otp_submit, retry_offered, Body};
/// let body: Body = serde_json::from_str(r#"{"error": {"code": "BAD_REQUEST_ERROR",
///   "description": "Payment processing failed because of incorrect OTP", "reason": "incorrect_otp"},
///   "next": ["otp_submit", "otp_resend"]}"#).unwrap();
/// let e = parse_otp_submit(400, body).unwrap_err();
/// assert_eq!(e.reason(), "incorrect_otp");
/// assert!(retry_offered(&e));
/// ```
pub fn parse_otp_submit(status: u16, body: Body) -> Result<PaymentSuccess, Error> {
    const WHAT: &str = "OTP submission";
    let f = fields(status, body, WHAT)?;
    let Some(payment_id) =
        optional_text(&f.razorpay_payment_id, status, WHAT, "razorpay_payment_id")?
    else {
        return Err(invalid(status, WHAT, "no razorpay_payment_id"));
    };
    Ok(PaymentSuccess {
        razorpay_payment_id: payment_id,
        razorpay_order_id: optional_text(&f.razorpay_order_id, status, WHAT, "razorpay_order_id")?,
        razorpay_signature: optional_text(
            &f.razorpay_signature,
            status,
            WHAT,
            "razorpay_signature",
        )?,
    })
}

/// The actions a reply offered beside its error object
/// ([`Error::next_actions`]; never read from its metadata, which the
/// gateway writes).
pub fn offered_actions(error: &Error) -> &[Action] {
    error.next_actions()
}

/// True when a failed OTP submit offers `otp_submit` again: the shopper
/// may retype the OTP.
pub fn retry_offered(error: &Error) -> bool {
    offered_actions(error).contains(&Action::OtpSubmit)
}

/// True when a reply offers `otp_resend` beside its error.
pub fn resend_offered(error: &Error) -> bool {
    offered_actions(error).contains(&Action::OtpResend)
}

// ---------------------------------------------------------------- helpers

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// `The <what> answered HTTP <status> with <problem>`.
fn invalid(status: u16, what: &str, problem: &str) -> Error {
    let status_text = crate::value::int_text(i64::from(status));
    Error::new(
        ErrorKind::InvalidResponse,
        concat(&[
            "The ",
            what,
            " answered HTTP ",
            &status_text,
            " with ",
            problem,
        ]),
    )
    .with_status(status)
}

/// The body's object, or the error it carries or is.
fn fields(status: u16, body: Body, what: &str) -> Result<ResponseFields, Error> {
    let f = match body {
        Body::Json(json) => match *json {
            LooseObject::Value(f) => f,
            _ if !is_success(status) => return Err(invalid(status, what, "no error object")),
            _ => return Err(invalid(status, what, "JSON that is not an object")),
        },
        Body::Empty if !is_success(status) => {
            return Err(invalid(status, what, "no error object and an empty body"))
        }
        Body::Empty => return Err(invalid(status, what, "an empty body")),
        Body::NotJson => return Err(invalid(status, what, "a body that is not JSON")),
    };
    match &f.error {
        LooseObject::Value(e) => Err(gateway_error(e, &f.next, status)),
        _ if !is_success(status) => Err(invalid(status, what, "no error object")),
        LooseObject::WrongType => Err(invalid(
            status,
            what,
            "an error that is not an error object",
        )),
        _ => Ok(f),
    }
}

/// A non-blank string, or `None` for anything else.
fn text(v: &Loose) -> Option<&str> {
    match v {
        Loose::Str(s) if !s.trim().is_empty() => Some(s.as_str()),
        _ => None,
    }
}

/// A string or an integer as text (metadata values).
fn scalar_text(v: Option<&Loose>) -> Option<String> {
    match v? {
        Loose::Str(s) if !s.trim().is_empty() => Some(s.clone()),
        Loose::Int(n) => Some(crate::value::int_text(*n)),
        Loose::Bool(b) => Some(if *b { "true" } else { "false" }.to_owned()),
        _ => None,
    }
}

/// A string field that may be absent or `null`, but not of another type.
fn optional_text(v: &Loose, status: u16, what: &str, name: &str) -> Result<Option<String>, Error> {
    match v {
        Loose::Absent | Loose::Null => Ok(None),
        _ => match text(v) {
            Some(s) => Ok(Some(s.to_owned())),
            None => Err(invalid(status, what, &concat(&["a non-string ", name]))),
        },
    }
}

fn next_actions(list: &NextList, status: u16, what: &str) -> Result<Vec<NextAction>, Error> {
    let items = match list {
        NextList::Absent | NextList::Null => return Ok(Vec::new()),
        NextList::WrongType => return Err(invalid(status, what, "a next that is not an array")),
        NextList::Items(items) => items,
    };
    items
        .iter()
        .map(|item| match item {
            NextItem::Name(word) if !word.trim().is_empty() => Ok(NextAction {
                action: Action::from_word(word),
                url: None,
            }),
            NextItem::Object { action, url } => {
                let Some(word) = text(action) else {
                    return Err(invalid(
                        status,
                        what,
                        "a next action without an action name",
                    ));
                };
                let url = match url {
                    Loose::Absent | Loose::Null => None,
                    Loose::Str(s) => Some(s.clone()),
                    _ => {
                        return Err(invalid(
                            status,
                            what,
                            "a next action whose url is not a string",
                        ))
                    }
                };
                Ok(NextAction {
                    action: Action::from_word(word),
                    url,
                })
            }
            _ => Err(invalid(
                status,
                what,
                "a next action that is neither an object nor a name",
            )),
        })
        .collect()
}

/// The gateway's error object as an [`Error`], fields copied as given.
fn gateway_error(e: &ErrorFields, next: &NextList, status: u16) -> Error {
    let description =
        text(&e.description).map_or_else(|| "The payment failed".to_owned(), str::to_owned);
    let mut error = Error::new(ErrorKind::Gateway, description).with_status(status);
    if let Some(code) = text(&e.code) {
        error = error.with_code(code.to_owned());
    }
    if let Some(field) = text(&e.field) {
        error = error.with_field(field.to_owned());
    }
    if let Some(source) = text(&e.source) {
        error = error.with_source(source.to_owned());
    }
    if let Some(step) = text(&e.step) {
        error = error.with_step(step.to_owned());
    }
    if let Some(reason) = text(&e.reason) {
        error = error.with_reason(reason.to_owned());
    }
    for (k, v) in e.metadata.entries() {
        if let Some(v) = scalar_text(Some(v)) {
            error = error.with_metadata(k.clone(), v);
        }
    }
    if let NextList::Items(items) = next {
        let next: Vec<Action> = items
            .iter()
            .filter_map(|item| match item {
                NextItem::Name(w) => Some(w.as_str()),
                NextItem::Object { action, .. } => text(action),
                NextItem::Other => None,
            })
            .filter(|w| !w.is_empty() && !w.contains(','))
            .map(Action::from_word)
            .collect();
        error = error.with_next_actions(next);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::testkit::{body, Rng};

    const ORDER: &str = include_str!("../../tests/fixtures/order_response_payment_workflow.json");
    const ORDER_NO_NEXT: &str = include_str!("../../tests/fixtures/order_response_no_next.json");
    const BAD_REQUEST: &str = include_str!("../../tests/fixtures/error_bad_request.json");
    const OTP_GENERATE: &str = include_str!("../../tests/fixtures/otp_generate.json");
    const OTP_OK: &str = include_str!("../../tests/fixtures/otp_submit_success.json");
    const OTP_FAILED: &str = include_str!("../../tests/fixtures/otp_submit_failed.json");
    const OTP_FAILED_FINAL: &str =
        include_str!("../../tests/fixtures/otp_submit_failed_final.json");

    #[test]
    fn seed_order_response() {
        let o = parse_order_response(200, body(ORDER)).unwrap();
        assert_eq!(o.order_id.as_deref(), Some("order_QqsMZ12p7MytBA"));
        assert_eq!(o.status.as_deref(), Some("attempted"));
        assert_eq!(o.amount, Some(100));
        assert_eq!(o.payment_id.as_deref(), Some("pay_QqsMa9GhrUxvtx"));
        assert_eq!(
            o.next,
            vec![
                NextAction {
                    action: Action::Redirect,
                    url: Some("https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/authorize".into())
                },
                NextAction {
                    action: Action::OtpGenerate,
                    url: Some(
                        "https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp_generate?track_id=FVmAtLUe9XZSGM&key_id=<YOUR_KEY_ID>"
                            .into()
                    )
                },
            ]
        );
        let json = serde_json::to_value(&o).unwrap();
        assert_eq!(json["next"][1]["action"], "otp_generate");
        let o = parse_order_response(201, body(ORDER_NO_NEXT)).unwrap();
        assert_eq!(
            (o.payment_id.as_deref(), o.next.len()),
            (Some("pay_QqsMa9GhrUxvtx"), 0)
        );
    }

    #[test]
    fn payment_id_prefers_razorpay_payment_id_over_id() {
        let table = [
            (
                r#"{"payment_workflow": {"razorpay_payment_id": "pay_A", "id": "pay_B"}}"#,
                Some("pay_A"),
            ),
            (r#"{"payment_workflow": {"id": "pay_B"}}"#, Some("pay_B")),
            (
                r#"{"payment_workflow": {"razorpay_payment_id": null, "id": "pay_B"}}"#,
                Some("pay_B"),
            ),
            (r#"{"payment_workflow": {}}"#, None),
        ];
        for (json, want) in table {
            let o = parse_order_response(200, body(json)).unwrap();
            assert_eq!(o.payment_id.as_deref(), want, "{json}");
        }
    }

    #[test]
    fn next_items_table() {
        let wf = |next: &str| {
            concat(&[
                r#"{"payment_workflow": {"razorpay_payment_id": "pay_1", "next": "#,
                next,
                "}}",
            ])
        };
        let ok: &[(&str, Vec<NextAction>)] = &[
            ("[]", vec![]),
            ("null", vec![]),
            (
                r#"[{"action": "redirect", "url": "u", "method": "get"}]"#,
                vec![NextAction {
                    action: Action::Redirect,
                    url: Some("u".into()),
                }],
            ),
            (
                r#"["otp_submit", {"action": "otp_resend"}]"#,
                vec![
                    NextAction {
                        action: Action::OtpSubmit,
                        url: None,
                    },
                    NextAction {
                        action: Action::OtpResend,
                        url: None,
                    },
                ],
            ),
            (
                r#"[{"action": "upi_collect", "url": null}]"#,
                vec![NextAction {
                    action: Action::Other("upi_collect".into()),
                    url: None,
                }],
            ),
        ];
        for (next, want) in ok {
            let o = parse_order_response(200, body(&wf(next))).unwrap();
            assert_eq!(&o.next, want, "{next}");
        }
        let bad = [
            r#"{"action": "redirect"}"#,
            r#""redirect""#,
            "[1]",
            "[null]",
            "[[\"redirect\"]]",
            r#"[{"url": "https://api.razorpay.com/"}]"#,
            r#"[{"action": 1, "url": "u"}]"#,
            r#"[{"action": "redirect", "url": 5}]"#,
            r#"[{"action": "redirect", "url": {"href": "u"}}]"#,
            r#"[""]"#,
        ];
        for next in bad {
            let e = parse_order_response(200, body(&wf(next))).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{next}");
            assert!(e.description().contains("HTTP 200"), "{}", e.description());
        }
        assert_eq!(
            serde_json::to_string(&Action::Other("x_y".into())).unwrap(),
            "\"x_y\""
        );
    }

    #[test]
    fn error_objects_become_gateway_errors_at_any_status() {
        for status in [400, 401, 500, 502, 200] {
            let e = parse_order_response(status, body(BAD_REQUEST)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Gateway);
            assert_eq!(e.code(), "BAD_REQUEST_ERROR");
            assert_eq!(e.description(), "The amount must be atleast INR 1.00");
            assert_eq!(e.field(), Some("amount"));
            assert_eq!(e.error_source(), "business");
            assert_eq!(e.step(), "payment_initiation");
            assert_eq!(e.reason(), "input_validation_failed");
            assert_eq!(e.status(), Some(status));
            assert!(e.metadata().is_empty());
        }
        let e = parse_otp_generate(
            502,
            body(r#"{"error": {"code": "GATEWAY_ERROR", "field": null, "metadata": {"payment_id": "pay_1", "attempt": 2, "ok": false, "nested": {"a": 1}, "f": 1.5, "n": null}}}"#),
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Gateway);
        assert_eq!(e.code(), "GATEWAY_ERROR");
        assert_eq!(e.description(), "The payment failed");
        assert_eq!(e.field(), None);
        assert_eq!(
            (e.error_source(), e.step(), e.reason()),
            ("gateway", "payment_initiation", "gateway_error")
        );
        let md: Vec<(&str, &str)> = e
            .metadata()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            md,
            vec![("payment_id", "pay_1"), ("attempt", "2"), ("ok", "false")]
        );
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "gateway_error");
        assert_eq!(json["status"], 502);
        assert_eq!(json["metadata"]["payment_id"], "pay_1");
    }

    #[test]
    fn invalid_responses_table() {
        type Parse = fn(u16, Body) -> Result<(), Error>;
        let parsers: [(&str, Parse); 3] = [
            ("order request", |s, b| {
                parse_order_response(s, b).map(|_| ())
            }),
            ("OTP request", |s, b| parse_otp_generate(s, b).map(|_| ())),
            ("OTP submission", |s, b| parse_otp_submit(s, b).map(|_| ())),
        ];
        let table: &[(u16, &str, &str)] = &[
            (
                500,
                "",
                "answered HTTP 500 with no error object and an empty body",
            ),
            (
                502,
                "<html>Bad Gateway</html>",
                "answered HTTP 502 with a body that is not JSON",
            ),
            (
                404,
                r#"{"message": "not found"}"#,
                "answered HTTP 404 with no error object",
            ),
            (
                400,
                r#"{"error": "bad"}"#,
                "answered HTTP 400 with no error object",
            ),
            (400, r#"[]"#, "answered HTTP 400 with no error object"),
            (200, "", "answered HTTP 200 with an empty body"),
            (204, "  ", "answered HTTP 204 with an empty body"),
            (
                200,
                "{\"truncated\": ",
                "answered HTTP 200 with a body that is not JSON",
            ),
            (
                200,
                "null",
                "answered HTTP 200 with JSON that is not an object",
            ),
            (
                200,
                "\"ok\"",
                "answered HTTP 200 with JSON that is not an object",
            ),
            (
                200,
                "[1]",
                "answered HTTP 200 with JSON that is not an object",
            ),
            (
                200,
                r#"{"error": "oops"}"#,
                "answered HTTP 200 with an error that is not an error object",
            ),
            (
                0,
                "",
                "answered HTTP 0 with no error object and an empty body",
            ),
            (
                302,
                "",
                "answered HTTP 302 with no error object and an empty body",
            ),
        ];
        for (what, parse) in parsers {
            for (status, text, want) in table {
                let e = parse(*status, body(text)).unwrap_err();
                assert_eq!(
                    e.kind(),
                    ErrorKind::InvalidResponse,
                    "{what} {status} {text}"
                );
                assert_eq!(e.description(), concat(&["The ", what, " ", want]));
                assert_eq!(e.status(), Some(*status));
            }
        }
        // Shape errors particular to each reply.
        let shape: &[(u16, &str, Parse, &str)] = &[
            (
                200,
                "{}",
                |s, b| parse_order_response(s, b).map(|_| ()),
                "no payment_workflow",
            ),
            (
                200,
                r#"{"payment_workflow": []}"#,
                |s, b| parse_order_response(s, b).map(|_| ()),
                "a payment_workflow that is not an object",
            ),
            (
                200,
                r#"{"payment_workflow": {"razorpay_payment_id": 7}}"#,
                |s, b| parse_order_response(s, b).map(|_| ()),
                "a non-string razorpay_payment_id",
            ),
            (
                200,
                r#"{"id": ["order_1"], "payment_workflow": {}}"#,
                |s, b| parse_order_response(s, b).map(|_| ()),
                "a non-string order id",
            ),
            (
                200,
                r#"{"metadata": "x"}"#,
                |s, b| parse_otp_generate(s, b).map(|_| ()),
                "a metadata that is not an object",
            ),
            (
                200,
                r#"{"next": {}}"#,
                |s, b| parse_otp_generate(s, b).map(|_| ()),
                "a next that is not an array",
            ),
            (
                200,
                "{}",
                |s, b| parse_otp_submit(s, b).map(|_| ()),
                "no razorpay_payment_id",
            ),
            (
                200,
                r#"{"razorpay_payment_id": ""}"#,
                |s, b| parse_otp_submit(s, b).map(|_| ()),
                "a non-string razorpay_payment_id",
            ),
            (
                200,
                r#"{"razorpay_payment_id": "pay_1", "razorpay_signature": 5}"#,
                |s, b| parse_otp_submit(s, b).map(|_| ()),
                "a non-string razorpay_signature",
            ),
        ];
        for (status, text, parse, want) in shape {
            let e = parse(*status, body(text)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{text}");
            assert!(
                e.description().ends_with(want),
                "{text}: {}",
                e.description()
            );
        }
        // `error: null` on a success is no error.
        assert!(parse_otp_submit(
            200,
            body(r#"{"error": null, "razorpay_payment_id": "pay_1"}"#)
        )
        .is_ok());
    }

    #[test]
    fn otp_generate_reply() {
        let c = parse_otp_generate(200, body(OTP_GENERATE)).unwrap();
        assert_eq!(c.payment_id.as_deref(), Some("pay_FVmAstJWfsD3SO"));
        assert_eq!(
            c.submit_url(),
            Some("https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp_submit/ac2d415a8be7595de09a24b41661729fd9028fdc?key_id=<YOUR_KEY_ID>")
        );
        assert_eq!(c.resend_url(), Some("https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp_resend/json?key_id=<YOUR_KEY_ID>"));
        assert_eq!(
            c.metadata,
            OtpMetadata {
                issuer: Some("HDFC".into()),
                network: Some("MC".into()),
                last4: Some("1111".into()),
                iin: Some("411111".into())
            }
        );
        // An integer IIN is read as text; a missing metadata is empty.
        let c =
            parse_otp_generate(200, body(r#"{"metadata": {"iin": 411111}, "next": []}"#)).unwrap();
        assert_eq!(c.metadata.iin.as_deref(), Some("411111"));
        let c = parse_otp_generate(200, body(r#"{"metadata": []}"#)).unwrap();
        assert_eq!(c.metadata, OtpMetadata::default());
        assert_eq!(c.submit_url(), None);
    }

    #[test]
    fn otp_submit_replies() {
        let ok = parse_otp_submit(200, body(OTP_OK)).unwrap();
        assert_eq!(
            serde_json::to_string(&ok).unwrap(),
            r#"{"razorpay_payment_id":"pay_FVmAstJWfsD3SO","razorpay_order_id":"order_QqsMZ12p7MytBA","razorpay_signature":"9ef4dffbfd84f1318f6739a3ce19f9d85851857ae648f114332d8401e0949a3d"}"#
        );
        let ok = parse_otp_submit(200, body(r#"{"razorpay_payment_id": "pay_1"}"#)).unwrap();
        assert_eq!((ok.razorpay_order_id, ok.razorpay_signature), (None, None));

        let e = parse_otp_submit(400, body(OTP_FAILED)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Gateway);
        assert_eq!(
            e.description(),
            "Payment processing failed because of incorrect OTP"
        );
        assert_eq!(
            (e.error_source(), e.step(), e.reason()),
            ("customer", "payment_authentication", "incorrect_otp")
        );
        assert_eq!(e.field(), None);
        assert!(retry_offered(&e) && resend_offered(&e));
        assert_eq!(offered_actions(&e), [Action::OtpSubmit, Action::OtpResend]);
        let md: Vec<(&str, &str)> = e
            .metadata()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            md,
            vec![
                ("payment_id", "pay_FVmAstJWfsD3SO"),
                ("order_id", "order_QqsMZ12p7MytBA"),
            ]
        );
        // What JS sees: `next`, typed, and the comma-joined form earlier
        // versions put in `metadata` (kept).
        let js = serde_json::to_value(&e).unwrap();
        assert_eq!(js["next"], serde_json::json!(["otp_submit", "otp_resend"]));
        assert_eq!(js["metadata"]["next_actions"], "otp_submit,otp_resend");
        assert_eq!(js["metadata"]["payment_id"], "pay_FVmAstJWfsD3SO");

        // The gateway's own metadata cannot offer actions: only `next` does.
        for (text, retry, resend) in [
            (
                r#"{"error": {"description": "x", "metadata": {"next_actions": "otp_submit,otp_resend"}}}"#,
                false,
                false,
            ),
            (
                r#"{"error": {"description": "x", "metadata": {"next_actions": "otp_submit"}}, "next": ["otp_resend"]}"#,
                false,
                true,
            ),
            (
                r#"{"error": {"description": "x"}, "next": ["otp_submit"]}"#,
                true,
                false,
            ),
            (
                r#"{"error": {"description": "x"}, "next": [{"action": "otp_submit", "url": "https://api.razorpay.com/x"}, "otp_resend"]}"#,
                true,
                true,
            ),
            (
                r#"{"error": {"description": "x"}, "next": ["otp_submit,otp_resend"]}"#,
                false,
                false,
            ),
            (
                r#"{"error": {"description": "x"}, "next": "otp_submit"}"#,
                false,
                false,
            ),
        ] {
            let e = parse_otp_submit(400, body(text)).unwrap_err();
            assert_eq!(
                (retry_offered(&e), resend_offered(&e)),
                (retry, resend),
                "{text}"
            );
        }

        let e = parse_otp_submit(400, body(OTP_FAILED_FINAL)).unwrap_err();
        assert!(!retry_offered(&e) && !resend_offered(&e));
        assert!(offered_actions(&e).is_empty());
        // Only a resend offered.
        let e = parse_otp_submit(
            400,
            body(r#"{"error": {"description": "x"}, "next": ["otp_resend"]}"#),
        )
        .unwrap_err();
        assert!(!retry_offered(&e) && resend_offered(&e));
        // Not an error of this module: nothing offered.
        assert!(!retry_offered(&Error::required("otp")));
    }

    #[test]
    fn an_outcome_with_any_unsafe_url_is_refused() {
        let policy = crate::checkout::UrlPolicy::default();
        let ok = "https://api.razorpay.com/v1/payments/pay_1/authorize";
        // (the next list's URLs, accepted)
        for (urls, accepted) in [
            (vec![], true),
            (vec![None], true),
            (vec![Some(ok)], true),
            (vec![Some(ok), None, Some(ok)], true),
            (vec![Some("javascript:alert(1)")], false),
            (
                vec![Some(ok), Some("https://api.razorpay.com.evil.example/")],
                false,
            ),
            (vec![None, Some("http://api.razorpay.com/")], false),
        ] {
            let outcome = OrderOutcome {
                order_id: None,
                status: None,
                amount: None,
                payment_id: None,
                next: urls
                    .iter()
                    .map(|u| NextAction {
                        action: Action::Redirect,
                        url: u.map(str::to_owned),
                    })
                    .collect(),
            };
            let got = outcome.check_urls(&policy);
            assert_eq!(got.is_ok(), accepted, "{urls:?}");
            if let Err(e) = got {
                assert_eq!(e.kind(), ErrorKind::UnsafeUrl);
            }
        }
    }

    #[test]
    fn random_bodies_never_panic() {
        const KEYS: &[&str] = &[
            "id",
            "status",
            "amount",
            "payment_workflow",
            "razorpay_payment_id",
            "razorpay_order_id",
            "razorpay_signature",
            "next",
            "action",
            "url",
            "metadata",
            "error",
            "code",
            "description",
            "field",
            "source",
            "step",
            "reason",
            "issuer",
            "network",
            "last4",
            "iin",
        ];
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let status = *rng.pick(&[
                0u16,
                200,
                201,
                204,
                302,
                400,
                401,
                429,
                500,
                502,
                599,
                u16::MAX,
            ]);
            let text = rng.json(KEYS, 4).to_string();
            let check = |r: Result<(), Error>| {
                if let Err(e) = r {
                    assert!(
                        matches!(e.kind(), ErrorKind::InvalidResponse | ErrorKind::Gateway),
                        "{text}: {e:?}"
                    );
                    assert_eq!(e.status(), Some(status));
                }
            };
            check(parse_order_response(status, body(&text)).map(|_| ()));
            check(parse_otp_generate(status, body(&text)).map(|_| ()));
            check(parse_otp_submit(status, body(&text)).map(|_| ()));
        }
    }

    /// The entity and webhook fixtures (for the merchant's server): valid
    /// JSON, and the networks a saved card's CVV length and RuPay check
    /// come from are names the card engine reads.
    #[test]
    fn seed_entity_and_webhook_fixtures() {
        use crate::card::Network;
        use serde_json::Value;
        let network = |text: &str, pointer: &str| -> Option<Network> {
            let v: Value = serde_json::from_str(text).unwrap();
            Network::from_name(v.pointer(pointer).and_then(Value::as_str).unwrap())
        };
        let table: &[(&str, &str, Network)] = &[
            (
                include_str!("../../tests/fixtures/token_list.json"),
                "/items/0/card/network",
                Network::Visa,
            ),
            (
                include_str!("../../tests/fixtures/token_list_vpa.json"),
                "/items/0/card/network",
                Network::Visa,
            ),
            (
                include_str!("../../tests/fixtures/token_entity.json"),
                "/card/network",
                Network::MasterCard,
            ),
            (
                include_str!("../../tests/fixtures/token_created.json"),
                "/card/network",
                Network::Visa,
            ),
            (
                include_str!("../../tests/fixtures/token_fetched.json"),
                "/card/network",
                Network::Visa,
            ),
            (
                include_str!("../../tests/fixtures/webhook_token_confirmed.json"),
                "/payload/payload/token/entity/card/network",
                Network::Visa,
            ),
            (
                include_str!("../../tests/fixtures/webhook_token_rejected.json"),
                "/payload/token/entity/card/network",
                Network::Visa,
            ),
            (
                include_str!("../../tests/fixtures/webhook_payment_captured.json"),
                "/payload/payment/entity/card/network",
                Network::Visa,
            ),
            (
                include_str!(
                    "../../tests/fixtures/webhook_token_service_provider_token_activated.json"
                ),
                // As printed in the seed, `token` sits inside `service_provider_token`.
                "/payload/service_provider_token/token/entity/card/network",
                Network::Visa,
            ),
        ];
        for (text, pointer, want) in table {
            assert_eq!(network(text, pointer), Some(*want), "{pointer}");
        }
        let events: Vec<String> = [
            include_str!("../../tests/fixtures/webhook_payment_captured.json"),
            include_str!("../../tests/fixtures/webhook_token_rejected.json"),
            include_str!(
                "../../tests/fixtures/webhook_token_service_provider_token_activated.json"
            ),
        ]
        .iter()
        .map(|t| {
            serde_json::from_str::<Value>(t).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
        assert_eq!(
            events,
            [
                "payment.captured",
                "token.rejected",
                "token.service_provider_token.activated"
            ]
        );
        let payment: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/payment_entity.json")).unwrap();
        assert_eq!(
            (payment["id"].as_str(), payment["token_id"].as_str()),
            (Some("pay_FHfqtkRzWvxky4"), Some("token_FHfn3rIiM1Z8nr"))
        );
        let deleted: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/token_deleted.json")).unwrap();
        assert_eq!(deleted["deleted"], true);
        // A payment entity is not an order reply.
        let e = parse_order_response(
            200,
            body(include_str!("../../tests/fixtures/payment_entity.json")),
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    }
}
