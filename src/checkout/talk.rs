//! The conversation with the merchant's backend, pure: what a [`Step`]
//! makes the browser edge do ([`Move`]), what a settled call answers
//! ([`Outcome`]) and reports to `onProgress` ([`ProgressEvent`]), which
//! errors a refused call carries ([`Rejection`]), and the backend contract
//! the demo backend (`www/server`) serves from the same definitions: the
//! OTP routes ([`OtpCall`]) and their body ([`OtpRequest`]).
//!
//! The edge (src/wasm/checkout.rs) only reads the options, posts, navigates
//! and calls the page's callbacks, in the order a [`Move`] says.

use serde::Serialize;

use super::flow::{Flow, NavMethod, Otp, Progress, Step};
use super::payload::{BuildContext, CheckoutInput, OrderRequest};
use super::response::{
    parse_order_response, parse_otp_generate, parse_otp_submit, Body, OtpMetadata,
};
use super::url::CheckedUrl;
use crate::error::{concat, Error};
use crate::json::push_str_literal;

// ------------------------------------------------------------ the contract

/// The OTP routes' base below the checkout endpoint, when `otpEndpoint` is
/// not given: `{endpoint}/otp`.
pub const OTP_ROUTES: &str = "otp";

/// One of the browser's calls to the merchant backend's OTP routes:
/// `POST {otpEndpoint}/generate | submit | resend` with an [`OtpRequest`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtpCall {
    /// Have the OTP sent (`otp_generate`).
    Generate,
    /// Send the shopper's OTP (`otp_submit`).
    Submit,
    /// Have the OTP sent again (`otp_resend`).
    Resend,
}

impl OtpCall {
    /// Every call, in route order.
    pub const ALL: [OtpCall; 3] = [OtpCall::Generate, OtpCall::Submit, OtpCall::Resend];

    /// The route's last segment: `generate`, `submit`, `resend`.
    pub fn name(self) -> &'static str {
        match self {
            OtpCall::Generate => "generate",
            OtpCall::Submit => "submit",
            OtpCall::Resend => "resend",
        }
    }

    /// The call's URL (or path) under the OTP routes' base `otp_endpoint`
    /// (a trailing `/` of the base is not doubled).
    ///
    /// # Example
    /// ```
    /// use razorpay_checkout_wasm::checkout::talk::{default_otp_endpoint, OtpCall};
    /// let base = default_otp_endpoint("/api/checkout");
    /// assert_eq!(OtpCall::Submit.url(&base), "/api/checkout/otp/submit");
    /// ```
    pub fn url(self, otp_endpoint: &str) -> String {
        concat(&[otp_endpoint.trim_end_matches('/'), "/", self.name()])
    }
}

/// The OTP routes' base for a checkout `endpoint` without `otpEndpoint`:
/// `{endpoint}/otp` (a trailing `/` of the endpoint is not doubled).
pub fn default_otp_endpoint(endpoint: &str) -> String {
    concat(&[endpoint.trim_end_matches('/'), "/", OTP_ROUTES])
}

/// The body of an OTP call: `{ "url": the next-action URL, "otp": the
/// shopper's OTP }` (`otp` on `submit` only). The backend checks `url`
/// against its gateway and the action, and calls it with its key.
#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OtpRequest<'a> {
    /// The next-action URL the gateway offered (checked by the flow).
    pub url: &'a str,
    /// The OTP as typed, trimmed (submit only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otp: Option<&'a str>,
}

impl<'a> OtpRequest<'a> {
    /// The body for a checked next-action `url` (and the OTP, to submit).
    pub fn of(url: &'a CheckedUrl, otp: Option<&'a Otp>) -> OtpRequest<'a> {
        OtpRequest {
            url: url.as_str(),
            otp: otp.map(Otp::as_str),
        }
    }

    /// The body as JSON text (what its `Serialize` writes; no serde on the
    /// wasm path).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"url\":");
        push_str_literal(&mut out, self.url);
        if let Some(otp) = self.otp {
            out.push_str(",\"otp\":");
            push_str_literal(&mut out, otp);
        }
        out.push('}');
        out
    }

    /// The body's key of the next-action URL.
    pub const URL: &'static str = "url";
    /// The body's key of the OTP.
    pub const OTP: &'static str = "otp";
}

impl std::fmt::Debug for OtpRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The OTP is never shown.
        f.debug_struct("OtpRequest")
            .field("url", &self.url)
            .field("otp", &self.otp.map(|_| ".."))
            .finish()
    }
}

// ------------------------------------------------------------ what JS sees

/// What a settled `pay()`, `submitOtp()` or `resendOtp()` resolves with
/// (`CheckoutOutcome`, tagged by `status`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// The shopper is being sent to the bank's page.
    Redirecting {
        /// Where.
        url: String,
        /// `pay_…`, when known.
        payment_id: Option<String>,
        /// `order_…`, when known.
        order_id: Option<String>,
    },
    /// The page asks for the OTP, then calls `submitOtp`.
    AwaitingOtp {
        /// `pay_…`, when known.
        payment_id: Option<String>,
        /// The card the OTP is for.
        metadata: OtpMetadata,
    },
    /// The OTP was accepted: the merchant's server verifies the signature.
    Paid {
        /// `pay_…`.
        razorpay_payment_id: String,
        /// `order_…`.
        razorpay_order_id: Option<String>,
        /// The signature to verify.
        razorpay_signature: Option<String>,
    },
    /// Nothing more for the browser to do.
    Pending {
        /// `pay_…`.
        payment_id: String,
        /// `order_…`, when known.
        order_id: Option<String>,
    },
}

/// What `onProgress` is called with: `{ state, payment_id?, error? }`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ProgressEvent<'a> {
    /// The state the checkout is in (see [`Progress`]).
    pub state: Progress,
    /// `pay_…`, once a reply named it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<&'a str>,
    /// Why it failed (or why the last OTP submit or resend did).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a Error>,
}

impl ProgressEvent<'_> {
    /// The event as JSON text (what its `Serialize` writes; no serde on
    /// the wasm path).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"state\":\"");
        out.push_str(self.state.as_str());
        out.push('"');
        if let Some(id) = self.payment_id {
            out.push_str(",\"payment_id\":");
            push_str_literal(&mut out, id);
        }
        if let Some(e) = self.error {
            out.push_str(",\"error\":");
            e.write_json(&mut out);
        }
        out.push('}');
        out
    }
}

/// A refused call: the error its promise rejects with, and every error of
/// the input (`errors` on the JS error, so a page can mark each field).
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    /// The error thrown: the first.
    pub error: Error,
    /// Every error, when there were several.
    all: Vec<Error>,
}

impl Rejection {
    /// The rejection for a list of errors (the first is thrown).
    pub fn of(errors: Vec<Error>) -> Rejection {
        let error = errors
            .first()
            .cloned()
            .unwrap_or_else(|| Error::required("payment"));
        Rejection { error, all: errors }
    }

    /// The list the JS error carries as `errors`: every error of a
    /// validation failure (even one), or of any failure with several;
    /// `None` for a single error of another kind.
    pub fn errors(&self) -> Option<&[Error]> {
        (self.all.len() > 1 || self.error.kind().is_validation()).then_some(self.all.as_slice())
    }
}

impl From<Error> for Rejection {
    fn from(error: Error) -> Rejection {
        Rejection {
            error,
            all: Vec::new(),
        }
    }
}

// ------------------------------------------------------------ the moves

/// What the edge does with a [`Step`]: post one OTP call, or report
/// [`Move::event`] and then navigate or settle.
#[derive(Debug)]
pub enum Move {
    /// POST [`OtpRequest`] `{ url, otp }` to `call`'s route, then hand the
    /// reply to [`Flow::on_otp_reply`] (no event).
    Call {
        /// Which route.
        call: OtpCall,
        /// The next-action URL, checked.
        url: CheckedUrl,
        /// The OTP (submit only); wiped when dropped.
        otp: Option<Otp>,
    },
    /// Report the event, send the shopper to `url`, and resolve with
    /// `outcome` (`redirecting`).
    Navigate {
        /// The bank's page, checked.
        url: CheckedUrl,
        /// `GET` or a POSTed form.
        method: NavMethod,
        /// What the call resolves with once navigated.
        outcome: Outcome,
    },
    /// Report the event, then settle the call: resolve or reject.
    Settle(Result<Outcome, Error>),
}

impl Move {
    /// The route and body of a [`Move::Call`] (`None` for the other moves).
    pub fn request(&self) -> Option<(OtpCall, OtpRequest<'_>)> {
        match self {
            Move::Call { call, url, otp } => Some((*call, OtpRequest::of(url, otp.as_ref()))),
            _ => None,
        }
    }

    /// The event to report before the move is performed: none before a
    /// call; else where `flow` stands, with the error the call rejects with.
    pub fn event<'a>(&'a self, flow: &'a Flow) -> Option<ProgressEvent<'a>> {
        match self {
            Move::Call { .. } => None,
            Move::Navigate { .. } => Some(flow.event(None)),
            Move::Settle(result) => Some(flow.event(result.as_ref().err())),
        }
    }
}

/// A started payment ([`Flow::pay`]): the order to post, or why not, and
/// whether the start is reported ([`Started::events`]).
#[derive(Debug)]
pub struct Started {
    reported: bool,
    /// The order request to post, or the rejection.
    pub order: Result<OrderRequest, Rejection>,
}

impl Started {
    /// The events to report: none for a refused call (a payment under way,
    /// or one that is over: the state is unchanged); else `validating`,
    /// then `posting`, or `failed` with the first of the input's errors.
    pub fn events<'a>(&'a self, flow: &'a Flow) -> [Option<ProgressEvent<'a>>; 2] {
        if !self.reported {
            return [None, None];
        }
        let validating = ProgressEvent {
            state: Progress::Validating,
            payment_id: None,
            error: None,
        };
        let error = self.order.as_ref().err().map(|r| &r.error);
        [Some(validating), Some(flow.event(error))]
    }
}

/// The body of a reply, as the edge holds its text: natively a `&str`; in
/// the browser a JS string that is never copied into wasm memory.
pub trait ReplyText {
    /// True when there is no text, or only whitespace.
    fn is_blank(&self) -> bool;
    /// The text parsed as JSON and read leniently (`Body::Json`); `None`
    /// when it is not JSON.
    fn parse(&self) -> Option<Body>;
}

/// The one reading of a reply's text into a [`Body`]: blank → `Empty`,
/// not JSON → `NotJson`, else the JSON read leniently (an array or a
/// scalar is "JSON that is not an object" to the parsers).
pub fn body_from_text(text: &(impl ReplyText + ?Sized)) -> Body {
    if text.is_blank() {
        return Body::Empty;
    }
    text.parse().unwrap_or(Body::NotJson)
}

/// A reply: its HTTP status and body, or why there was none.
pub type Reply = Result<(u16, Body), Error>;

impl Flow {
    /// Starts a payment ([`Flow::start`]): see [`Started`].
    pub fn pay(&mut self, input: &CheckoutInput, ctx: &BuildContext) -> Started {
        let before = self.progress();
        let order = self.start(input, ctx).map_err(Rejection::of);
        let reported = order.is_ok() || self.progress() != before || before == Progress::Failed;
        Started { reported, order }
    }

    /// The event reporting where the checkout stands, with `error`.
    pub fn event<'a>(&'a self, error: Option<&'a Error>) -> ProgressEvent<'a> {
        ProgressEvent {
            state: self.progress(),
            payment_id: self.payment_id(),
            error,
        }
    }

    /// What the edge does with `step` (see [`Move`]).
    pub fn next_move(&self, step: Step) -> Move {
        match step {
            Step::GenerateOtp { url } => Move::Call {
                call: OtpCall::Generate,
                url,
                otp: None,
            },
            Step::SubmitOtp { url, otp } => Move::Call {
                call: OtpCall::Submit,
                url,
                otp: Some(otp),
            },
            Step::ResendOtp { url } => Move::Call {
                call: OtpCall::Resend,
                url,
                otp: None,
            },
            Step::Navigate { url, method } => Move::Navigate {
                outcome: Outcome::Redirecting {
                    url: url.as_str().to_owned(),
                    payment_id: self.payment_id().map(str::to_owned),
                    order_id: self.order_id().map(str::to_owned),
                },
                url,
                method,
            },
            Step::AwaitOtp { error: Some(e), .. } | Step::Failed(e) => Move::Settle(Err(e)),
            Step::AwaitOtp { metadata, .. } => Move::Settle(Ok(Outcome::AwaitingOtp {
                payment_id: self.payment_id().map(str::to_owned),
                metadata,
            })),
            Step::Paid(p) => Move::Settle(Ok(Outcome::Paid {
                razorpay_payment_id: p.razorpay_payment_id,
                razorpay_order_id: p.razorpay_order_id,
                razorpay_signature: p.razorpay_signature,
            })),
            Step::Done {
                payment_id,
                order_id,
            } => Move::Settle(Ok(Outcome::Pending {
                payment_id,
                order_id,
            })),
        }
    }

    /// Takes the reply to an OTP `call` (parsed with that call's parser).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`] when that call is not under way.
    pub fn on_otp_reply(&mut self, call: OtpCall, reply: Reply) -> Result<Step, Error> {
        match call {
            OtpCall::Generate => {
                self.on_otp_generated(reply.and_then(|(s, b)| parse_otp_generate(s, b)))
            }
            OtpCall::Submit => {
                self.on_otp_submitted(reply.and_then(|(s, b)| parse_otp_submit(s, b)))
            }
            OtpCall::Resend => {
                self.on_otp_resent(reply.and_then(|(s, b)| parse_otp_generate(s, b)))
            }
        }
    }

    /// Takes the reply to the order's POST: records whether the attempt
    /// may be retried with its key (see [`Flow::idempotency_key`]), parses
    /// it, and answers the next step.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`] unless `posting` the order.
    pub fn on_order_reply(&mut self, reply: Reply) -> Result<Step, Error> {
        let reply = reply.and_then(|(s, b)| parse_order_response(s, b));
        self.attempt_ended(&reply);
        self.on_order_response(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::flow::FlowOptions;
    use crate::checkout::response::PaymentSuccess;
    use crate::checkout::testkit::body;
    use crate::error::ErrorKind;

    const NOW: f64 = 1_795_431_600_000.0;
    const ORDER: &str = include_str!("../../tests/fixtures/order_response_payment_workflow.json");
    const OTP_GENERATE: &str = include_str!("../../tests/fixtures/otp_generate.json");
    const OTP_OK: &str = include_str!("../../tests/fixtures/otp_submit_success.json");
    const OTP_FAILED: &str = include_str!("../../tests/fixtures/otp_submit_failed.json");

    fn input() -> CheckoutInput {
        serde_json::from_str(
            r#"{"amount":100,"currency":"INR","payment":{"email":"a@b.co","contact":"9876543210",
            "browser":{},"referer":"https://shop.example/",
            "card":{"number":"4100280000001007","expiry":"12/30","cvv":"123","name":"A B"}}}"#,
        )
        .unwrap()
    }

    fn posting() -> Flow {
        let mut f = Flow::new(FlowOptions::default());
        f.start(&input(), &BuildContext::server(NOW)).unwrap();
        f
    }

    fn json(f: &Flow, m: &Move) -> serde_json::Value {
        let outcome = match m {
            Move::Settle(result) => result.as_ref().ok(),
            Move::Navigate { outcome, .. } => Some(outcome),
            Move::Call { .. } => panic!("a call"),
        };
        serde_json::json!({ "event": m.event(f), "outcome": outcome })
    }

    #[test]
    fn otp_routes_and_bodies_are_the_contract() {
        // (route, under the default base, under an explicit one)
        for (call, default, explicit) in [
            (
                OtpCall::Generate,
                "/api/checkout/otp/generate",
                "https://m.example/otp/generate",
            ),
            (
                OtpCall::Submit,
                "/api/checkout/otp/submit",
                "https://m.example/otp/submit",
            ),
            (
                OtpCall::Resend,
                "/api/checkout/otp/resend",
                "https://m.example/otp/resend",
            ),
        ] {
            assert_eq!(call.url(&default_otp_endpoint("/api/checkout")), default);
            assert_eq!(call.url(&default_otp_endpoint("/api/checkout/")), default);
            assert_eq!(call.url("https://m.example/otp/"), explicit);
            assert_eq!(call.url("https://m.example/otp"), explicit);
        }
        assert_eq!(
            OtpCall::ALL.map(OtpCall::name),
            ["generate", "submit", "resend"]
        );
        for (otp, text) in [
            (None, r#"{"url":"https://api.razorpay.com/x"}"#),
            (
                Some("012345"),
                r#"{"url":"https://api.razorpay.com/x","otp":"012345"}"#,
            ),
        ] {
            let req = OtpRequest {
                url: "https://api.razorpay.com/x",
                otp,
            };
            assert_eq!(serde_json::to_string(&req).unwrap(), text);
            assert_eq!(req.to_json(), text);
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            assert!(v.get(OtpRequest::URL).is_some());
            assert_eq!(v.get(OtpRequest::OTP).is_some(), otp.is_some());
            assert!(!format!("{req:?}").contains("012345"));
        }
    }

    #[test]
    fn body_from_text_table() {
        use crate::checkout::testkit::Text as T;
        for (text, want) in [
            ("", "empty"),
            ("  \n\t", "empty"),
            ("<html>502</html>", "not json"),
            ("{\"id\":", "not json"),
            ("5", "json"),
            ("[1]", "json"),
            ("null", "json"),
            ("{}", "json"),
            (" {\"id\":\"order_1\"} ", "json"),
        ] {
            let got = match body_from_text(&T(text)) {
                Body::Empty => "empty",
                Body::NotJson => "not json",
                Body::Json(_) => "json",
            };
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn steps_become_moves_events_and_outcomes() {
        let mut f = posting();
        let step = f.on_order_reply(Ok((200, body(ORDER)))).unwrap();
        let m = f.next_move(step);
        let Some((call, req)) = m.request() else {
            panic!("{m:?}")
        };
        assert_eq!(call, OtpCall::Generate);
        assert!(req.url.contains("/otp_generate") && req.otp.is_none());
        let step = f
            .on_otp_reply(OtpCall::Generate, Ok((200, body(OTP_GENERATE))))
            .unwrap();
        let m = f.next_move(step);
        let j = json(&f, &m);
        assert_eq!(j["event"]["state"], "awaiting_otp");
        assert_eq!(j["event"]["payment_id"], "pay_FVmAstJWfsD3SO");
        assert_eq!(j["outcome"]["status"], "awaiting_otp");
        assert_eq!(j["outcome"]["payment_id"], "pay_FVmAstJWfsD3SO");

        // A wrong OTP: the event carries the error, the call rejects with it.
        let step = f.submit_otp(" 1234 ").unwrap();
        let m = f.next_move(step);
        let Some((OtpCall::Submit, req)) = m.request() else {
            panic!("{m:?}")
        };
        assert_eq!(req.otp, Some("1234"));
        let step = f
            .on_otp_reply(OtpCall::Submit, Ok((400, body(OTP_FAILED))))
            .unwrap();
        let m = f.next_move(step);
        let event = m.event(&f).unwrap();
        assert_eq!(event.state, Progress::AwaitingOtp);
        let Move::Settle(Err(e)) = &m else { panic!() };
        assert_eq!(event.error, Some(e));
        assert_eq!(e.reason(), "incorrect_otp");

        // The right one: paid.
        f.submit_otp("123456").unwrap();
        let step = f
            .on_otp_reply(OtpCall::Submit, Ok((200, body(OTP_OK))))
            .unwrap();
        let j = json(&f, &f.next_move(step));
        assert_eq!(j["event"]["state"], "paid");
        assert_eq!(j["event"].get("error"), None);
        assert_eq!(j["outcome"]["status"], "paid");
        assert!(j["outcome"]["razorpay_payment_id"].is_string());
        // A reply to a call that is not under way is refused.
        assert_eq!(
            f.on_otp_reply(OtpCall::Resend, Ok((200, body(OTP_GENERATE))))
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidState
        );
    }

    #[test]
    fn every_terminal_step_is_one_move() {
        let f = posting();
        let paid = PaymentSuccess {
            razorpay_payment_id: "pay_1".into(),
            razorpay_order_id: Some("order_1".into()),
            razorpay_signature: Some("sig".into()),
        };
        let redirect = crate::checkout::check_next_url(
            "https://api.razorpay.com/v1/payments/pay_1/authorize",
            &Default::default(),
        )
        .unwrap();
        let failed = Error::new(ErrorKind::Timeout, "t");
        // (step, event state, outcome status or the error's kind)
        for (step, state, settled) in [
            (Step::Paid(paid), "posting", "paid"),
            (
                Step::Done {
                    payment_id: "pay_1".into(),
                    order_id: None,
                },
                "posting",
                "pending",
            ),
            (
                Step::Navigate {
                    url: redirect,
                    method: NavMethod::Get,
                },
                "posting",
                "redirecting",
            ),
            (Step::Failed(failed.clone()), "posting", "timeout"),
        ] {
            let m = f.next_move(step);
            let event = m.event(&f).unwrap();
            let got = match &m {
                Move::Settle(Ok(o)) | Move::Navigate { outcome: o, .. } => serde_json::to_value(o)
                    .unwrap()["status"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                Move::Settle(Err(e)) => e.kind().as_str().to_owned(),
                Move::Call { .. } => panic!(),
            };
            // (The flow's state is the caller's: here still posting.)
            assert_eq!(event.state.as_str(), state);
            assert_eq!(got, settled);
            assert_eq!(event.error.is_some(), settled == "timeout");
        }
    }

    #[test]
    fn pay_reports_validating_then_posting_or_failed_and_nothing_when_refused() {
        let bad: CheckoutInput =
            serde_json::from_str(r#"{"amount":100,"currency":"INR","payment":{}}"#).unwrap();
        let states = |f: &Flow, started: &Started| -> Vec<(&str, Option<ErrorKind>)> {
            started
                .events(f)
                .iter()
                .flatten()
                .map(|e| (e.state.as_str(), e.error.map(Error::kind)))
                .collect()
        };
        let ctx = BuildContext::server(NOW);
        let mut f = Flow::new(FlowOptions::default());
        // A refused input: validating, then failed with the first error.
        let started = f.pay(&bad, &ctx);
        let kind = started.order.as_ref().unwrap_err().error.kind();
        assert_eq!(
            states(&f, &started),
            [("validating", None), ("failed", Some(kind))]
        );
        let r = started.order.unwrap_err();
        assert!(r.errors().is_some_and(|all| all.len() > 1));
        // Again from failed: the same.
        let started = f.pay(&bad, &ctx);
        assert_eq!(states(&f, &started).len(), 2);
        // A good one: validating, posting.
        let started = f.pay(&input(), &ctx);
        assert_eq!(
            states(&f, &started),
            [("validating", None), ("posting", None)]
        );
        assert!(started.order.is_ok());
        // A double click while posting: refused, nothing reported.
        let started = f.pay(&input(), &ctx);
        assert!(states(&f, &started).is_empty());
        assert_eq!(
            started.order.unwrap_err().error.kind(),
            ErrorKind::PaymentInProgress
        );
        assert_eq!(f.progress(), Progress::Posting);
        // Once paid: refused, nothing reported, still paid.
        let step = f.on_order_reply(Ok((200, body(ORDER)))).unwrap();
        assert!(matches!(step, Step::GenerateOtp { .. }));
        let _ = f.on_otp_reply(OtpCall::Generate, Ok((200, body(OTP_GENERATE))));
        f.submit_otp("123456").unwrap();
        let _ = f.on_otp_reply(OtpCall::Submit, Ok((200, body(OTP_OK))));
        assert_eq!(f.progress(), Progress::Paid);
        let started = f.pay(&input(), &ctx);
        assert!(states(&f, &started).is_empty());
        assert_eq!(
            started.order.unwrap_err().error.kind(),
            ErrorKind::InvalidState
        );
    }

    #[test]
    fn progress_events_as_json_are_what_serde_writes() {
        let e = Error::new(ErrorKind::Gateway, "The \"bank\" said no")
            .with_status(502)
            .with_metadata("payment_id", "pay_1");
        for (state, payment_id, error) in [
            (Progress::Idle, None, None),
            (Progress::Validating, None, None),
            (Progress::AwaitingOtp, Some("pay_1"), None),
            (Progress::Failed, Some("pay_\u{1}\\"), Some(&e)),
            (Progress::Failed, None, Some(&e)),
        ] {
            let event = ProgressEvent {
                state,
                payment_id,
                error,
            };
            let text = event.to_json();
            let serde: serde_json::Value = serde_json::to_value(event).unwrap();
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&text).unwrap(),
                serde,
                "{text}"
            );
        }
    }

    #[test]
    fn rejections_list_every_validation_error() {
        let v = |f: &'static str| Error::required(f);
        let other = Error::new(ErrorKind::Timeout, "t");
        // (errors, thrown field or kind, listed count)
        for (errors, listed) in [
            (vec![v("payment.email")], Some(1)),
            (vec![v("payment.email"), v("payment.contact")], Some(2)),
            (vec![other.clone()], None),
            (vec![], Some(0)),
        ] {
            let r = Rejection::of(errors.clone());
            assert_eq!(r.errors().map(<[Error]>::len), listed, "{errors:?}");
            if let Some(first) = errors.first() {
                assert_eq!(&r.error, first);
            }
        }
        assert_eq!(Rejection::from(other).errors(), None);
        assert_eq!(Rejection::from(v("otp")).errors(), Some(&[][..]));
    }
}
