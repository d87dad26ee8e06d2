//! The next-action state machine, pure: it consumes what the browser edge
//! got back and answers the next [`Step`] for the edge to perform.
//!
//! ```text
//! validating ──start──▶ posting ──order reply──▶ redirecting            (Navigate)
//!                          │                 ├─▶ pending                (Done: nothing left for the browser)
//!                          │                 ├─▶ failed                 (Failed)
//!                          │                 └─▶ [generating OTP] ──▶ awaiting_otp ⇄ submit / resend
//!                          │                        (GenerateOtp)        (AwaitOtp)      │
//!                          │                                                             ├─▶ paid (Paid)
//!                          └──────────────────────────────────────────────────────────── └─▶ failed
//! ```
//!
//! Every URL in a [`Step`] is a [`CheckedUrl`]: it passed
//! [`check_next_url`] against the flow's [`UrlPolicy`]. A reply offering
//! any unsafe URL fails the payment, with nothing to navigate to.
//!
//! Methods return `Err` when the call itself is refused (a blank OTP, a
//! call in the wrong state): the state is then unchanged. `Ok(step)` is
//! the next thing to do, [`Step::Failed`] included.

use std::fmt;

use serde::Serialize;

use super::payload::{build_order_request, BuildContext, CheckoutInput, OrderRequest};
use super::response::{
    offered_actions, retry_offered, Action, NextAction, OrderOutcome, OtpChallenge, OtpMetadata,
    PaymentSuccess,
};
use super::url::{check_next_url, CheckedUrl, UrlPolicy};
use crate::error::{concat, Error, ErrorKind};
use crate::value::Loose;

/// Where a checkout stands (`progress` on the wire, as [`Progress::as_str`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Progress {
    /// Nothing has happened yet: a new checkout, before its first `pay()`.
    Idle,
    /// Collecting and checking the input.
    Validating,
    /// The order request (or the OTP generation) is under way.
    Posting,
    /// The shopper is being sent to the bank's page.
    Redirecting,
    /// Waiting for the shopper's OTP (or its submission or resend).
    AwaitingOtp,
    /// Nothing more for the browser to do; the merchant's backend (or a
    /// webhook) confirms the payment.
    Pending,
    /// The OTP was accepted.
    Paid,
    /// The payment failed.
    Failed,
}

impl Progress {
    /// The wire word.
    pub fn as_str(self) -> &'static str {
        match self {
            Progress::Idle => "idle",
            Progress::Validating => "validating",
            Progress::Posting => "posting",
            Progress::Redirecting => "redirecting",
            Progress::AwaitingOtp => "awaiting_otp",
            Progress::Pending => "pending",
            Progress::Paid => "paid",
            Progress::Failed => "failed",
        }
    }
}

impl Serialize for Progress {
    /// The wire word (one table of them: [`Progress::as_str`]).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which authentication to pick when the gateway offers both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthPreference {
    /// Native OTP (`otp_generate`), with `redirect` kept as the fallback.
    #[default]
    Otp,
    /// The bank's page (`redirect`).
    Redirect,
}

/// How to navigate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum NavMethod {
    /// Set `location` (a `redirect` action).
    Get,
    /// Submit a form (not produced by any documented action yet).
    Post,
}

/// An OTP as typed, trimmed. Never shown in `Debug` output or serialised;
/// wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Otp(String);

impl Otp {
    /// The OTP, for the request body.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Otp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Otp(..)")
    }
}

impl Drop for Otp {
    fn drop(&mut self) {
        crate::card::validate::wipe(std::mem::take(&mut self.0));
    }
}

/// What the browser edge does next. Serialised with a `type` tag
/// (`navigate`, `generate_otp`, `await_otp`, …; not `step`, which
/// [`Step::Failed`]'s error object already has); an OTP is never
/// serialised.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Step {
    /// Send the shopper to `url` (the bank's page).
    Navigate {
        /// Checked.
        url: CheckedUrl,
        /// `GET` for `redirect`.
        method: NavMethod,
    },
    /// Have the OTP sent (the edge asks the merchant's backend to call
    /// `url`), then report with [`Flow::on_otp_generated`].
    GenerateOtp {
        /// Checked.
        url: CheckedUrl,
    },
    /// Ask the shopper for the OTP, then call [`Flow::submit_otp`] (or
    /// [`Flow::resend_otp`] when `resend_url` is offered).
    AwaitOtp {
        /// Checked.
        submit_url: CheckedUrl,
        /// Checked; `None` when no resend is offered.
        resend_url: Option<CheckedUrl>,
        /// The card the OTP is for.
        metadata: OtpMetadata,
        /// Why the previous submit or resend failed, when it did.
        error: Option<Error>,
    },
    /// Post the OTP to `url`, then report with [`Flow::on_otp_submitted`].
    SubmitOtp {
        /// Checked.
        url: CheckedUrl,
        /// The OTP, trimmed.
        #[serde(skip)]
        otp: Otp,
    },
    /// Call `url` to resend the OTP, then report with [`Flow::on_otp_resent`].
    ResendOtp {
        /// Checked.
        url: CheckedUrl,
    },
    /// The OTP was accepted: hand this to the merchant's server to verify.
    Paid(PaymentSuccess),
    /// The gateway asked for no further action: nothing more for the
    /// browser to do; the backend (or a webhook) confirms the payment.
    Done {
        /// `pay_…`.
        payment_id: String,
        /// `order_…`, when known.
        order_id: Option<String>,
    },
    /// The payment failed.
    Failed(Error),
}

/// How a [`Flow`] behaves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowOptions {
    /// Where next-action URLs may point.
    pub policy: UrlPolicy,
    /// OTP or redirect, when both are offered.
    pub preference: AuthPreference,
}

/// The OTP step's URLs.
#[derive(Clone, Debug, PartialEq)]
struct OtpState {
    submit: CheckedUrl,
    resend: Option<CheckedUrl>,
    metadata: OtpMetadata,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Busy {
    Idle,
    Submitting,
    Resending,
}

#[derive(Clone, Debug, PartialEq)]
enum State {
    Idle,
    Validating,
    Posting,
    GeneratingOtp { fallback: Option<CheckedUrl> },
    AwaitingOtp(OtpState, Busy),
    Redirecting,
    Pending,
    Paid,
    Failed,
}

/// One checkout's progress through the next actions.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::checkout::{Flow, FlowOptions, OrderOutcome, NextAction, Action, Step, Progress};
/// let mut flow = Flow::new(FlowOptions::default());
/// # let input: razorpay_checkout_wasm::checkout::CheckoutInput = serde_json::from_str(r#"{"amount":100,"currency":"INR",
/// #   "payment":{"email":"a@b.co","contact":"9876543210","browser":{},"referer":"https://shop.example/",
/// #   "card":{"number":"4100280000001007","expiry":"12/30","cvv":"123","name":"A B"}}}"#).unwrap();
/// flow.start(&input, &razorpay_checkout_wasm::checkout::BuildContext::server(1_795_431_600_000.0)).unwrap();
/// let outcome = OrderOutcome {
///     order_id: Some("order_1".into()), status: None, amount: None, payment_id: Some("pay_1".into()),
///     next: vec![NextAction { action: Action::Redirect, url: Some("javascript:alert(1)".into()) }],
/// };
/// let step = flow.on_order_response(Ok(outcome)).unwrap();
/// assert!(matches!(step, Step::Failed(_)));
/// assert_eq!(flow.progress(), Progress::Failed);
/// ```
#[derive(Clone, Debug)]
pub struct Flow {
    options: FlowOptions,
    state: State,
    payment_id: Option<String>,
    order_id: Option<String>,
    attempt: Option<Attempt>,
}

/// The order POST of the last attempt: its body's [`fingerprint`], its
/// `Idempotency-Key`, and whether it ended so that the same request may be
/// sent again under the same key (see [`may_retry_with_key`]).
#[derive(Clone)]
struct Attempt {
    fingerprint: u16,
    key: String,
    retryable: bool,
}

impl fmt::Debug for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attempt")
            .field("retryable", &self.retryable)
            .finish_non_exhaustive()
    }
}

/// A 16-bit fingerprint of a request body (FNV-1a, folded), to tell a
/// retry of the same request from a changed one. It stays in memory after
/// the call, so it is deliberately lossy: the body holds the card number
/// and CVV, and a full 64-bit hash of it could be brute-forced back to them
/// (16 bits leave thousands of candidates). A rare collision only reuses
/// the key, and the merchant's server refuses a key reused with another body.
pub fn fingerprint(text: &str) -> u16 {
    let h = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (h ^ (h >> 16) ^ (h >> 32) ^ (h >> 48)) as u16
}

/// May an order POST that ended with `reply` be sent again under the same
/// `Idempotency-Key`? Only when the backend may not have finished it: no
/// answer at all (a timeout, a network failure) or a server error (5xx).
/// Any other answer is final for that key: a retry after it is a new
/// attempt, and the backend would refuse the key with another outcome.
pub fn may_retry_with_key(reply: &Result<OrderOutcome, Error>) -> bool {
    match reply {
        Ok(_) => false,
        Err(e) => {
            matches!(e.kind(), ErrorKind::Timeout | ErrorKind::Network)
                || e.status().is_some_and(|s| s >= 500)
        }
    }
}

impl Flow {
    /// A new checkout, in `validating`.
    pub fn new(options: FlowOptions) -> Flow {
        Flow {
            options,
            state: State::Idle,
            payment_id: None,
            order_id: None,
            attempt: None,
        }
    }

    /// The `Idempotency-Key` to post the order's JSON text `body` with:
    /// the last attempt's when `body` is the same request (by
    /// [`fingerprint`]) and that attempt may be retried with its key
    /// ([`may_retry_with_key`]); else a new one from `fresh`. The attempt
    /// is then this one, until [`Flow::on_order_reply`] records how it ended.
    ///
    /// # Errors
    /// `fresh`'s (no random source for a new key).
    pub fn idempotency_key<E>(
        &mut self,
        body: &str,
        fresh: impl FnOnce() -> Result<String, E>,
    ) -> Result<String, E> {
        let print = fingerprint(body);
        let key = match self.attempt.take() {
            Some(a) if a.fingerprint == print && a.retryable => a.key,
            _ => fresh()?,
        };
        self.attempt = Some(Attempt {
            fingerprint: print,
            key: key.clone(),
            retryable: false,
        });
        Ok(key)
    }

    /// Records how the current attempt ended (see [`may_retry_with_key`]).
    pub(crate) fn attempt_ended(&mut self, reply: &Result<OrderOutcome, Error>) {
        if let Some(a) = self.attempt.as_mut() {
            a.retryable = may_retry_with_key(reply);
        }
    }

    /// Where the checkout stands.
    pub fn progress(&self) -> Progress {
        match self.state {
            State::Idle => Progress::Idle,
            State::Validating => Progress::Validating,
            State::Posting | State::GeneratingOtp { .. } => Progress::Posting,
            State::AwaitingOtp(..) => Progress::AwaitingOtp,
            State::Redirecting => Progress::Redirecting,
            State::Pending => Progress::Pending,
            State::Paid => Progress::Paid,
            State::Failed => Progress::Failed,
        }
    }

    /// The payment's `pay_…`, once a reply named it.
    pub fn payment_id(&self) -> Option<&str> {
        self.payment_id.as_deref()
    }

    /// The order's `order_…`, once a reply named it.
    pub fn order_id(&self) -> Option<&str> {
        self.order_id.as_deref()
    }

    /// Checks the input and builds the order request to post; on success
    /// the checkout moves to `posting`. Allowed in `validating` and, to try
    /// again, in `failed`.
    ///
    /// # Errors
    /// The input's errors (see [`build_order_request`]), the checkout then
    /// `failed` (a corrected input may start again); [`ErrorKind::PaymentInProgress`] while a
    /// payment is under way; [`ErrorKind::InvalidState`] once it is over
    /// (redirecting, pending, paid).
    pub fn start(
        &mut self,
        input: &CheckoutInput,
        ctx: &BuildContext,
    ) -> Result<OrderRequest, Vec<Error>> {
        match self.state {
            State::Idle | State::Validating | State::Failed => {}
            State::Posting | State::GeneratingOtp { .. } | State::AwaitingOtp(..) => {
                return Err(vec![Error::new(
                    ErrorKind::PaymentInProgress,
                    "A payment of this checkout is already in progress",
                )])
            }
            _ => return Err(vec![self.refused("start a payment")]),
        }
        self.state = State::Validating;
        self.payment_id = None;
        self.order_id = None;
        match build_order_request(input, ctx) {
            Ok(request) => {
                self.state = State::Posting;
                Ok(request)
            }
            Err(errors) => {
                self.state = State::Failed;
                Err(errors)
            }
        }
    }

    /// Takes the composite order reply (or the failure to get one).
    ///
    /// `otp_submit` offered directly → [`Step::AwaitOtp`]; else, by
    /// preference, `otp_generate` → [`Step::GenerateOtp`] (remembering any
    /// `redirect` as the fallback) or `redirect` → [`Step::Navigate`]; no
    /// `next` at all with a payment id → [`Step::Done`]; anything else →
    /// [`Step::Failed`].
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`] unless `posting` the order.
    pub fn on_order_response(&mut self, reply: Result<OrderOutcome, Error>) -> Result<Step, Error> {
        if self.state != State::Posting {
            return Err(self.refused("take an order reply"));
        }
        let outcome = match reply {
            Ok(o) => o,
            Err(e) => return Ok(self.fail(e)),
        };
        self.order_id = outcome.order_id;
        self.payment_id = outcome.payment_id;
        let offered = match self.check_all(&outcome.next) {
            Ok(o) => o,
            Err(e) => return Ok(self.fail(e)),
        };
        if let Some(submit) = find(&offered, &Action::OtpSubmit) {
            let otp = OtpState {
                submit,
                resend: find(&offered, &Action::OtpResend),
                metadata: OtpMetadata::default(),
            };
            return Ok(self.await_otp(otp, None));
        }
        let redirect = find(&offered, &Action::Redirect);
        let generate = find(&offered, &Action::OtpGenerate);
        match (self.options.preference, generate, redirect) {
            (AuthPreference::Otp, Some(url), fallback)
            | (AuthPreference::Redirect, Some(url), fallback @ None) => {
                self.state = State::GeneratingOtp { fallback };
                Ok(Step::GenerateOtp { url })
            }
            (_, _, Some(url)) => Ok(self.navigate(url)),
            (_, None, None) if outcome.next.is_empty() => match self.payment_id.clone() {
                Some(payment_id) => {
                    self.state = State::Pending;
                    Ok(Step::Done {
                        payment_id,
                        order_id: self.order_id.clone(),
                    })
                }
                None => Ok(self.fail(Error::new(
                    ErrorKind::InvalidResponse,
                    "The order reply has neither a payment id nor a next action",
                ))),
            },
            (_, None, None) => Ok(self.fail(unsupported(&outcome.next))),
        }
    }

    /// Takes the OTP generate reply (or the failure to get one).
    ///
    /// `otp_submit` offered → [`Step::AwaitOtp`]; else a `redirect` (from
    /// this reply, or the order's as the fallback) → [`Step::Navigate`];
    /// else [`Step::Failed`]. A failed generation also falls back to the
    /// order's `redirect` when there was one.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`] unless generating the OTP.
    pub fn on_otp_generated(&mut self, reply: Result<OtpChallenge, Error>) -> Result<Step, Error> {
        let fallback = match &self.state {
            State::GeneratingOtp { fallback } => fallback.clone(),
            _ => return Err(self.refused("take an OTP generate reply")),
        };
        let challenge = match reply {
            Ok(c) => c,
            Err(e) => {
                return Ok(match fallback {
                    Some(url) => self.navigate(url),
                    None => self.fail(e),
                })
            }
        };
        if challenge.payment_id.is_some() {
            self.payment_id = challenge.payment_id.clone();
        }
        let offered = match self.check_all(&challenge.next) {
            Ok(o) => o,
            Err(e) => return Ok(self.fail(e)),
        };
        if let Some(submit) = find(&offered, &Action::OtpSubmit) {
            let otp = OtpState {
                submit,
                resend: find(&offered, &Action::OtpResend),
                metadata: challenge.metadata,
            };
            return Ok(self.await_otp(otp, None));
        }
        match find(&offered, &Action::Redirect).or(fallback) {
            Some(url) => Ok(self.navigate(url)),
            None if challenge.next.is_empty() => Ok(self.fail(Error::new(
                ErrorKind::InvalidResponse,
                "The OTP reply offers no next action",
            ))),
            None => Ok(self.fail(unsupported(&challenge.next))),
        }
    }

    /// Submits the shopper's OTP (trimmed; the only rule is that it is not
    /// blank): answers [`Step::SubmitOtp`].
    ///
    /// # Errors
    /// [`ErrorKind::Required`] on field `otp` for a blank OTP;
    /// [`ErrorKind::PaymentInProgress`] while a submit or resend is under
    /// way; [`ErrorKind::InvalidState`] unless awaiting the OTP. The state
    /// is unchanged.
    pub fn submit_otp(&mut self, otp: &str) -> Result<Step, Error> {
        let url = match &self.state {
            State::AwaitingOtp(o, Busy::Idle) => o.submit.clone(),
            State::AwaitingOtp(..) => return Err(busy()),
            _ => return Err(self.refused("submit an OTP")),
        };
        let otp = otp.trim();
        if otp.is_empty() {
            return Err(Error::required("otp"));
        }
        self.set_busy(Busy::Submitting);
        Ok(Step::SubmitOtp {
            url,
            otp: Otp(otp.to_owned()),
        })
    }

    /// [`Flow::submit_otp`] with the value a page passed: the OTP must be a
    /// string (`submitOtp(123456)` would lose a leading zero, and is not
    /// told "the otp is required").
    ///
    /// # Errors
    /// [`ErrorKind::InvalidType`] on `otp` for a number or any non-string;
    /// else [`Flow::submit_otp`]'s.
    pub fn submit_otp_value(&mut self, otp: &Loose) -> Result<Step, Error> {
        match otp {
            Loose::Str(text) => self.submit_otp(text),
            Loose::Absent | Loose::Null => self.submit_otp(""),
            _ => Err(Error::invalid(
                ErrorKind::InvalidType,
                "otp",
                "The otp must be a string, such as \"012345\" (a number would lose its leading zeros)",
            )
            .with_source("business")),
        }
    }

    /// Takes the OTP submit reply (from [`super::parse_otp_submit`], or the
    /// failure to get one).
    ///
    /// Success → [`Step::Paid`]. A failure offering `otp_submit` again →
    /// [`Step::AwaitOtp`] with the error and the URLs of the generate step
    /// (the failure reply names actions only); the resend URL is kept only
    /// if `otp_resend` is offered too. A timeout or network failure (no
    /// reply at all) → [`Step::AwaitOtp`] with the error and every URL kept,
    /// so the shopper can send the OTP again. Any other failure →
    /// [`Step::Failed`].
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`] unless an OTP submit is under way.
    pub fn on_otp_submitted(
        &mut self,
        reply: Result<PaymentSuccess, Error>,
    ) -> Result<Step, Error> {
        let otp = match &self.state {
            State::AwaitingOtp(o, Busy::Submitting) => o.clone(),
            _ => return Err(self.refused("take an OTP submit reply")),
        };
        match reply {
            Ok(success) => {
                self.payment_id = Some(success.razorpay_payment_id.clone());
                if success.razorpay_order_id.is_some() {
                    self.order_id = success.razorpay_order_id.clone();
                }
                self.state = State::Paid;
                Ok(Step::Paid(success))
            }
            Err(e) if retry_offered(&e) => {
                let keep_resend = offered_actions(&e).contains(&Action::OtpResend);
                let otp = OtpState {
                    resend: if keep_resend { otp.resend } else { None },
                    ..otp
                };
                Ok(self.await_otp(otp, Some(e)))
            }
            // No answer at all (the merchant server timed out or could not
            // be reached): the OTP may not have arrived, so the shopper may
            // send it again, with every URL kept.
            Err(e) if matches!(e.kind(), ErrorKind::Timeout | ErrorKind::Network) => {
                Ok(self.await_otp(otp, Some(e)))
            }
            Err(e) => Ok(self.fail(e)),
        }
    }

    /// Asks for the OTP again: answers [`Step::ResendOtp`] with the stored
    /// resend URL.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`] when no resend is offered or not
    /// awaiting the OTP; [`ErrorKind::PaymentInProgress`] while a submit or
    /// resend is under way.
    pub fn resend_otp(&mut self) -> Result<Step, Error> {
        let url = match &self.state {
            State::AwaitingOtp(
                OtpState {
                    resend: Some(url), ..
                },
                Busy::Idle,
            ) => url.clone(),
            State::AwaitingOtp(_, Busy::Idle) => {
                return Err(Error::new(
                    ErrorKind::InvalidState,
                    "No OTP resend is offered for this payment",
                ))
            }
            State::AwaitingOtp(..) => return Err(busy()),
            _ => return Err(self.refused("resend an OTP")),
        };
        self.set_busy(Busy::Resending);
        Ok(Step::ResendOtp { url })
    }

    /// Takes the OTP resend reply (from [`super::parse_otp_generate`], or
    /// the failure to get one): back to [`Step::AwaitOtp`], with any new
    /// URLs and metadata; a failed resend is reported in `error` and the
    /// shopper may still submit the OTP already sent. A reply offering an
    /// unsafe URL fails the payment.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`] unless a resend is under way.
    pub fn on_otp_resent(&mut self, reply: Result<OtpChallenge, Error>) -> Result<Step, Error> {
        let otp = match &self.state {
            State::AwaitingOtp(o, Busy::Resending) => o.clone(),
            _ => return Err(self.refused("take an OTP resend reply")),
        };
        let challenge = match reply {
            Ok(c) => c,
            Err(e) => return Ok(self.await_otp(otp, Some(e))),
        };
        let offered = match self.check_all(&challenge.next) {
            Ok(o) => o,
            Err(e) => return Ok(self.fail(e)),
        };
        let metadata = if challenge.metadata == OtpMetadata::default() {
            otp.metadata
        } else {
            challenge.metadata
        };
        let otp = OtpState {
            submit: find(&offered, &Action::OtpSubmit).unwrap_or(otp.submit),
            resend: find(&offered, &Action::OtpResend).or(otp.resend),
            metadata,
        };
        Ok(self.await_otp(otp, None))
    }

    // ------------------------------------------------------------ internals

    /// Checks every URL offered; any unsafe one fails the whole reply.
    fn check_all(&self, next: &[NextAction]) -> Result<Vec<(Action, Option<CheckedUrl>)>, Error> {
        next.iter()
            .map(|n| {
                let url = match &n.url {
                    Some(u) => Some(check_next_url(u, &self.options.policy)?),
                    None => None,
                };
                Ok((n.action.clone(), url))
            })
            .collect()
    }

    fn await_otp(&mut self, otp: OtpState, error: Option<Error>) -> Step {
        let step = Step::AwaitOtp {
            submit_url: otp.submit.clone(),
            resend_url: otp.resend.clone(),
            metadata: otp.metadata.clone(),
            error,
        };
        self.state = State::AwaitingOtp(otp, Busy::Idle);
        step
    }

    fn navigate(&mut self, url: CheckedUrl) -> Step {
        self.state = State::Redirecting;
        Step::Navigate {
            url,
            method: NavMethod::Get,
        }
    }

    fn fail(&mut self, error: Error) -> Step {
        self.state = State::Failed;
        Step::Failed(error)
    }

    fn set_busy(&mut self, busy: Busy) {
        if let State::AwaitingOtp(_, b) = &mut self.state {
            *b = busy;
        }
    }

    /// `Cannot <what> while <progress>`.
    fn refused(&self, what: &str) -> Error {
        let now = match self.state {
            State::GeneratingOtp { .. } => "generating the OTP",
            _ => self.progress().as_str(),
        };
        Error::new(
            ErrorKind::InvalidState,
            concat(&["Cannot ", what, " while ", now]),
        )
    }
}

fn busy() -> Error {
    Error::new(
        ErrorKind::PaymentInProgress,
        "An OTP submission or resend is already in progress",
    )
}

/// The checked URL of the first `action` offered with one.
fn find(offered: &[(Action, Option<CheckedUrl>)], action: &Action) -> Option<CheckedUrl> {
    offered
        .iter()
        .find(|(a, u)| a == action && u.is_some())
        .and_then(|(_, u)| u.clone())
}

/// `None of the next actions offered (a, b) can be performed`, naming
/// only plain words.
fn unsupported(next: &[NextAction]) -> Error {
    let words: Vec<&str> = next
        .iter()
        .map(|n| n.action.as_str())
        .filter(|w| {
            !w.is_empty()
                && w.len() <= 40
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
        .take(5)
        .collect();
    let description = if words.is_empty() {
        "None of the next actions offered can be performed".to_owned()
    } else {
        concat(&[
            "None of the next actions offered (",
            &words.join(", "),
            ") can be performed",
        ])
    };
    Error::new(ErrorKind::UnsupportedAction, description)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::response::{parse_order_response, parse_otp_generate, parse_otp_submit};
    use crate::checkout::testkit::{body, Rng};

    const NOW: f64 = 1_795_431_600_000.0;
    const ORDER: &str = include_str!("../../tests/fixtures/order_response_payment_workflow.json");
    const ORDER_NO_NEXT: &str = include_str!("../../tests/fixtures/order_response_no_next.json");
    const OTP_GENERATE: &str = include_str!("../../tests/fixtures/otp_generate.json");
    const OTP_OK: &str = include_str!("../../tests/fixtures/otp_submit_success.json");
    const OTP_FAILED: &str = include_str!("../../tests/fixtures/otp_submit_failed.json");
    const OTP_FAILED_FINAL: &str =
        include_str!("../../tests/fixtures/otp_submit_failed_final.json");
    const REDIRECT: &str = "https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/authorize";
    const GENERATE: &str =
        "https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp_generate?track_id=FVmAtLUe9XZSGM&key_id=<YOUR_KEY_ID>";
    const SUBMIT: &str = "https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp_submit/ac2d415a8be7595de09a24b41661729fd9028fdc?key_id=<YOUR_KEY_ID>";
    const RESEND: &str = "https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp_resend/json?key_id=<YOUR_KEY_ID>";

    #[test]
    fn the_idempotency_key_is_reused_only_for_the_same_request_after_an_unfinished_attempt() {
        let gateway = |s: u16| Err(Error::new(ErrorKind::Gateway, "g").with_status(s));
        let invalid = |s: u16| Err(Error::new(ErrorKind::InvalidResponse, "i").with_status(s));
        // (how the first attempt ended, may retry with its key)
        let ends: [(&str, Result<OrderOutcome, Error>, bool); 10] = [
            ("timeout", Err(Error::new(ErrorKind::Timeout, "t")), true),
            ("network", Err(Error::new(ErrorKind::Network, "n")), true),
            ("500", gateway(500), true),
            ("503 not json", invalid(503), true),
            ("599", gateway(599), true),
            ("400", gateway(400), false),
            ("422", gateway(422), false),
            ("499", invalid(499), false),
            ("200 not json", invalid(200), false),
            ("answered", parse_order_response(200, body(ORDER)), false),
        ];
        for (what, end, retryable) in ends {
            assert_eq!(may_retry_with_key(&end), retryable, "{what}");
            for (next, same) in [("{\"amount\":100}", true), ("{\"amount\":200}", false)] {
                let mut f = Flow::new(FlowOptions::default());
                let mut n = 0;
                let mut fresh = || -> Result<String, ()> {
                    n += 1;
                    Ok(format!("key-{n}"))
                };
                let k1 = f.idempotency_key("{\"amount\":100}", &mut fresh).unwrap();
                f.attempt_ended(&end);
                let k2 = f.idempotency_key(next, &mut fresh).unwrap();
                assert_eq!(k1 == k2, retryable && same, "{what}, same body: {same}");
                // A third try after no end recorded is a new key.
                let k3 = f.idempotency_key(next, &mut fresh).unwrap();
                assert_ne!(k2, k3, "{what}");
            }
        }
        // Through the flow: a timeout, then the same request again.
        let mut f = Flow::new(FlowOptions::default());
        f.start(&input(), &BuildContext::server(NOW)).unwrap();
        let k1 = f.idempotency_key("{}", || Ok::<_, ()>("a".into())).unwrap();
        let step = f.on_order_reply(Err(Error::new(ErrorKind::Timeout, "t")));
        assert!(matches!(step, Ok(Step::Failed(_))));
        f.start(&input(), &BuildContext::server(NOW)).unwrap();
        let k2 = f.idempotency_key("{}", || Ok::<_, ()>("b".into())).unwrap();
        assert_eq!((k1.as_str(), k2.as_str()), ("a", "a"));
        // A 400 answer: the next try is a new attempt.
        let _ = f.on_order_reply(Ok((
            400,
            body(r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"x"}}"#),
        )));
        f.start(&input(), &BuildContext::server(NOW)).unwrap();
        let k3 = f.idempotency_key("{}", || Ok::<_, ()>("c".into())).unwrap();
        assert_eq!(k3, "c");
        // No random source: the error, never a key.
        let mut f = Flow::new(FlowOptions::default());
        assert_eq!(f.idempotency_key("{}", || Err("none")), Err("none"));
    }

    #[test]
    fn fingerprint_table() {
        for (a, b, same) in [
            ("", "", true),
            ("{\"amount\":100}", "{\"amount\":100}", true),
            ("{\"amount\":100}", "{\"amount\":200}", false),
            ("{\"cvv\":\"123\"}", "{\"cvv\":\"124\"}", false),
        ] {
            assert_eq!(fingerprint(a) == fingerprint(b), same, "{a} {b}");
        }
        // FNV-1a of "" folded: a fixed value (a change of the function is seen).
        assert_eq!(fingerprint(""), 0x2325 ^ 0x8422 ^ 0x9ce4 ^ 0xcbf2);
    }

    fn input() -> CheckoutInput {
        serde_json::from_value(serde_json::json!({
            "amount": 100, "currency": "INR",
            "payment": {
                "email": "gaurav.kumar@example.com", "contact": "9876543210",
                "card": {"number": "4100280000001007", "expiry": "12/30", "cvv": "123", "name": "Gaurav Kumar"},
                "browser": {}, "referer": "https://shop.example/pay"
            }
        }))
        .unwrap()
    }

    fn ctx() -> BuildContext {
        BuildContext::server(NOW)
    }

    fn posting(preference: AuthPreference) -> Flow {
        let mut f = Flow::new(FlowOptions {
            preference,
            ..FlowOptions::default()
        });
        f.start(&input(), &ctx()).unwrap();
        assert_eq!(f.progress(), Progress::Posting);
        f
    }

    fn order(next: serde_json::Value, payment_id: Option<&str>) -> Result<OrderOutcome, Error> {
        let mut wf = serde_json::json!({ "next": next });
        if let Some(id) = payment_id {
            wf["razorpay_payment_id"] = serde_json::json!(id);
        }
        let text = serde_json::json!({"id": "order_1", "payment_workflow": wf}).to_string();
        parse_order_response(200, body(&text))
    }

    fn generating() -> Flow {
        let mut f = posting(AuthPreference::Otp);
        let step = f
            .on_order_response(parse_order_response(200, body(ORDER)))
            .unwrap();
        assert!(matches!(step, Step::GenerateOtp { .. }), "{step:?}");
        f
    }

    fn awaiting() -> Flow {
        let mut f = generating();
        let step = f
            .on_otp_generated(parse_otp_generate(200, body(OTP_GENERATE)))
            .unwrap();
        assert!(matches!(step, Step::AwaitOtp { .. }), "{step:?}");
        f
    }

    fn submitting() -> Flow {
        let mut f = awaiting();
        f.submit_otp("123456").unwrap();
        f
    }

    fn resending() -> Flow {
        let mut f = awaiting();
        f.resend_otp().unwrap();
        f
    }

    fn redirecting() -> Flow {
        let mut f = posting(AuthPreference::Redirect);
        f.on_order_response(parse_order_response(200, body(ORDER)))
            .unwrap();
        f
    }

    fn pending() -> Flow {
        let mut f = posting(AuthPreference::Otp);
        f.on_order_response(parse_order_response(200, body(ORDER_NO_NEXT)))
            .unwrap();
        f
    }

    fn paid() -> Flow {
        let mut f = submitting();
        f.on_otp_submitted(parse_otp_submit(200, body(OTP_OK)))
            .unwrap();
        f
    }

    fn failed() -> Flow {
        let mut f = posting(AuthPreference::Otp);
        f.on_order_response(Err(Error::new(ErrorKind::Timeout, "timed out")))
            .unwrap();
        f
    }

    /// The step's kind and its URL, if any.
    fn shape(step: &Step) -> (&'static str, Option<&str>) {
        match step {
            Step::Navigate { url, .. } => ("navigate", Some(url.as_str())),
            Step::GenerateOtp { url } => ("generate_otp", Some(url.as_str())),
            Step::AwaitOtp { submit_url, .. } => ("await_otp", Some(submit_url.as_str())),
            Step::SubmitOtp { url, .. } => ("submit_otp", Some(url.as_str())),
            Step::ResendOtp { url } => ("resend_otp", Some(url.as_str())),
            Step::Paid(_) => ("paid", None),
            Step::Done { .. } => ("done", None),
            Step::Failed(_) => ("failed", None),
        }
    }

    fn failed_kind(step: &Step) -> Option<ErrorKind> {
        match step {
            Step::Failed(e) => Some(e.kind()),
            _ => None,
        }
    }

    #[test]
    fn order_reply_table() {
        use serde_json::json;
        use AuthPreference::{Otp as O, Redirect as R};
        let evil = "https://api.razorpay.com.evil.com/x";
        let both = json!([{"action": "redirect", "url": REDIRECT}, {"action": "otp_generate", "url": GENERATE}]);
        #[allow(clippy::type_complexity)]
        let table: Vec<(
            AuthPreference,
            serde_json::Value,
            Option<&str>,
            &str,
            Option<&str>,
            Progress,
            Option<ErrorKind>,
        )> = vec![
            (
                O,
                both.clone(),
                Some("pay_1"),
                "generate_otp",
                Some(GENERATE),
                Progress::Posting,
                None,
            ),
            (
                R,
                both.clone(),
                Some("pay_1"),
                "navigate",
                Some(REDIRECT),
                Progress::Redirecting,
                None,
            ),
            (
                O,
                json!([{"action": "redirect", "url": REDIRECT}]),
                Some("pay_1"),
                "navigate",
                Some(REDIRECT),
                Progress::Redirecting,
                None,
            ),
            (
                R,
                json!([{"action": "otp_generate", "url": GENERATE}]),
                Some("pay_1"),
                "generate_otp",
                Some(GENERATE),
                Progress::Posting,
                None,
            ),
            (
                O,
                json!([{"action": "otp_submit", "url": SUBMIT}, {"action": "otp_resend", "url": RESEND}]),
                Some("pay_1"),
                "await_otp",
                Some(SUBMIT),
                Progress::AwaitingOtp,
                None,
            ),
            (
                R,
                json!([{"action": "otp_submit", "url": SUBMIT}]),
                Some("pay_1"),
                "await_otp",
                Some(SUBMIT),
                Progress::AwaitingOtp,
                None,
            ),
            (
                O,
                json!(null),
                Some("pay_1"),
                "done",
                None,
                Progress::Pending,
                None,
            ),
            (
                O,
                json!([]),
                Some("pay_1"),
                "done",
                None,
                Progress::Pending,
                None,
            ),
            (
                O,
                json!([]),
                None,
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::InvalidResponse),
            ),
            (
                O,
                json!(null),
                None,
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::InvalidResponse),
            ),
            (
                O,
                json!([{"action": "upi_intent", "url": REDIRECT}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsupportedAction),
            ),
            (
                O,
                json!(["redirect"]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsupportedAction),
            ),
            (
                O,
                json!([{"action": "otp_generate"}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsupportedAction),
            ),
            (
                O,
                json!([{"action": "otp_resend", "url": RESEND}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsupportedAction),
            ),
            // Hostile URLs: any unsafe URL fails the reply, whatever is preferred.
            (
                O,
                json!([{"action": "redirect", "url": evil}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                R,
                json!([{"action": "redirect", "url": evil}, {"action": "otp_generate", "url": GENERATE}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                O,
                json!([{"action": "redirect", "url": evil}, {"action": "otp_generate", "url": GENERATE}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                O,
                json!([{"action": "redirect", "url": REDIRECT}, {"action": "unknown", "url": "javascript:alert(1)"}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                O,
                json!([{"action": "redirect", "url": "javascript:alert(document.cookie)"}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                O,
                json!([{"action": "redirect", "url": "data:text/html,<script>alert(1)</script>"}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                O,
                json!([{"action": "redirect", "url": "/v1/payments/pay_1/authorize"}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                O,
                json!([{"action": "redirect", "url": "//evil.com/"}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                O,
                json!([{"action": "redirect", "url": "http://api.razorpay.com/v1/x"}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                O,
                json!([{"action": "redirect", "url": "https://api.razorpay.com@evil.com/"}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                O,
                json!([{"action": "redirect", "url": " https://api.razorpay.com/"}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                O,
                json!([{"action": "otp_submit", "url": "https://evil.com/steal"}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                O,
                json!([{"action": "otp_generate", "url": "https://api.razorpay.com:8443/x"}]),
                Some("pay_1"),
                "failed",
                None,
                Progress::Failed,
                Some(ErrorKind::UnsafeUrl),
            ),
        ];
        for (pref, next, pay, kind, url, progress, err) in table {
            let mut f = posting(pref);
            let step = f.on_order_response(order(next.clone(), pay)).unwrap();
            assert_eq!(shape(&step), (kind, url), "{pref:?} {next}");
            assert_eq!(f.progress(), progress, "{pref:?} {next}");
            assert_eq!(failed_kind(&step), err, "{pref:?} {next}");
            if kind == "failed" {
                assert!(
                    f.on_order_response(order(next.clone(), pay)).is_err(),
                    "no second chance"
                );
            }
        }
    }

    #[test]
    fn done_and_failed_replies() {
        let mut f = pending();
        assert_eq!(f.payment_id(), Some("pay_QqsMa9GhrUxvtx"));
        assert_eq!(f.order_id(), Some("order_QqsMZ12p7MytBA"));
        assert_eq!(f.progress(), Progress::Pending);
        assert_eq!(
            f.submit_otp("1").unwrap_err().kind(),
            ErrorKind::InvalidState
        );

        let mut f = posting(AuthPreference::Otp);
        let gateway = parse_order_response(
            400,
            body(include_str!("../../tests/fixtures/error_bad_request.json")),
        );
        let step = f.on_order_response(gateway).unwrap();
        assert_eq!(failed_kind(&step), Some(ErrorKind::Gateway));
        assert_eq!(f.progress(), Progress::Failed);
        // A failed checkout may start again.
        assert!(f.start(&input(), &ctx()).is_ok());
        assert_eq!(f.progress(), Progress::Posting);
        let step = f
            .on_order_response(parse_order_response(200, body("")))
            .unwrap();
        assert_eq!(failed_kind(&step), Some(ErrorKind::InvalidResponse));
    }

    #[test]
    fn otp_round_trip_with_a_wrong_otp_first() {
        let mut f = generating();
        assert_eq!(f.progress(), Progress::Posting);
        let step = f
            .on_otp_generated(parse_otp_generate(200, body(OTP_GENERATE)))
            .unwrap();
        let Step::AwaitOtp {
            submit_url,
            resend_url,
            metadata,
            error,
        } = &step
        else {
            panic!("{step:?}")
        };
        assert_eq!(
            (
                submit_url.as_str(),
                resend_url.as_ref().map(CheckedUrl::as_str)
            ),
            (SUBMIT, Some(RESEND))
        );
        assert_eq!(metadata.last4.as_deref(), Some("1111"));
        assert!(error.is_none());
        assert_eq!(f.progress(), Progress::AwaitingOtp);
        assert_eq!(f.payment_id(), Some("pay_FVmAstJWfsD3SO"));

        // Blank OTPs are refused without leaving the awaiting state.
        for blank in ["", "   ", "\t\n"] {
            let e = f.submit_otp(blank).unwrap_err();
            assert_eq!((e.kind(), e.field()), (ErrorKind::Required, Some("otp")));
            assert_eq!(f.progress(), Progress::AwaitingOtp);
        }
        let step = f.submit_otp(" 000000 ").unwrap();
        let Step::SubmitOtp { url, otp } = &step else {
            panic!("{step:?}")
        };
        assert_eq!((url.as_str(), otp.as_str()), (SUBMIT, "000000"));
        assert!(
            !format!("{step:?}").contains("000000"),
            "the OTP never shows in Debug"
        );
        assert!(
            !serde_json::to_string(&step).unwrap().contains("000000"),
            "nor in JSON"
        );
        // No second submit (nor resend) while one is in flight.
        assert_eq!(
            f.submit_otp("111111").unwrap_err().kind(),
            ErrorKind::PaymentInProgress
        );
        assert_eq!(
            f.resend_otp().unwrap_err().kind(),
            ErrorKind::PaymentInProgress
        );

        // Wrong OTP: retry offered, URLs kept from the generate step.
        let step = f
            .on_otp_submitted(parse_otp_submit(400, body(OTP_FAILED)))
            .unwrap();
        let Step::AwaitOtp {
            submit_url,
            resend_url,
            metadata,
            error,
        } = &step
        else {
            panic!("{step:?}")
        };
        assert_eq!(
            (
                submit_url.as_str(),
                resend_url.as_ref().map(CheckedUrl::as_str)
            ),
            (SUBMIT, Some(RESEND))
        );
        assert_eq!(metadata.issuer.as_deref(), Some("HDFC"));
        assert_eq!(error.as_ref().map(Error::reason), Some("incorrect_otp"));
        assert_eq!(f.progress(), Progress::AwaitingOtp);

        // No reply at all (timeout, network): still awaiting, every URL kept.
        for kind in [ErrorKind::Timeout, ErrorKind::Network] {
            f.submit_otp("123456").unwrap();
            let step = f
                .on_otp_submitted(Err(Error::new(kind, "no reply")))
                .unwrap();
            let Step::AwaitOtp {
                submit_url,
                resend_url,
                error,
                ..
            } = &step
            else {
                panic!("{step:?}")
            };
            assert_eq!(
                (
                    submit_url.as_str(),
                    resend_url.as_ref().map(CheckedUrl::as_str)
                ),
                (SUBMIT, Some(RESEND))
            );
            assert_eq!(error.as_ref().map(Error::kind), Some(kind));
            assert_eq!(f.progress(), Progress::AwaitingOtp);
        }

        let step = f.submit_otp("123456").unwrap();
        assert_eq!(shape(&step), ("submit_otp", Some(SUBMIT)));
        let step = f
            .on_otp_submitted(parse_otp_submit(200, body(OTP_OK)))
            .unwrap();
        let Step::Paid(success) = &step else {
            panic!("{step:?}")
        };
        assert_eq!(
            success.razorpay_order_id.as_deref(),
            Some("order_QqsMZ12p7MytBA")
        );
        assert_eq!(f.progress(), Progress::Paid);
        assert_eq!(f.order_id(), Some("order_QqsMZ12p7MytBA"));
        let json = serde_json::to_value(&step).unwrap();
        assert_eq!(json["type"], "paid");
        assert_eq!(json["razorpay_payment_id"], "pay_FVmAstJWfsD3SO");
    }

    #[test]
    fn submit_failures_table() {
        let table: &[(&str, Progress, bool)] = &[
            // (reply, progress after, resend still offered)
            (OTP_FAILED, Progress::AwaitingOtp, true),
            (
                r#"{"error": {"reason": "incorrect_otp"}, "next": ["otp_submit"]}"#,
                Progress::AwaitingOtp,
                false,
            ),
            (
                r#"{"error": {"reason": "incorrect_otp"}, "next": [{"action": "otp_submit"}, {"action": "otp_resend"}]}"#,
                Progress::AwaitingOtp,
                true,
            ),
            (OTP_FAILED_FINAL, Progress::Failed, false),
            (
                r#"{"error": {"reason": "x"}, "next": ["otp_resend"]}"#,
                Progress::Failed,
                false,
            ),
            (
                r#"{"error": {"reason": "x"}, "next": []}"#,
                Progress::Failed,
                false,
            ),
            ("<html>", Progress::Failed, false),
        ];
        for (reply, progress, resend) in table {
            let mut f = submitting();
            let step = f
                .on_otp_submitted(parse_otp_submit(400, body(reply)))
                .unwrap();
            assert_eq!(f.progress(), *progress, "{reply}");
            if *progress == Progress::AwaitingOtp {
                let Step::AwaitOtp {
                    resend_url,
                    submit_url,
                    ..
                } = &step
                else {
                    panic!("{step:?}")
                };
                assert_eq!(submit_url.as_str(), SUBMIT);
                assert_eq!(resend_url.is_some(), *resend, "{reply}");
                assert_eq!(f.resend_otp().is_ok(), *resend, "{reply}");
            } else {
                assert!(matches!(step, Step::Failed(_)), "{reply}");
            }
        }
        // A network failure while submitting keeps the payment awaiting
        // the OTP (it may never have arrived); any other failure ends it.
        let mut f = submitting();
        let step = f
            .on_otp_submitted(Err(Error::new(ErrorKind::Network, "offline")))
            .unwrap();
        assert!(
            matches!(step, Step::AwaitOtp { error: Some(_), .. }),
            "{step:?}"
        );
        assert_eq!(f.progress(), Progress::AwaitingOtp);
        let mut f = submitting();
        let step = f
            .on_otp_submitted(Err(Error::new(ErrorKind::InvalidResponse, "garbled")))
            .unwrap();
        assert_eq!(failed_kind(&step), Some(ErrorKind::InvalidResponse));
    }

    #[test]
    fn resend_table() {
        let mut f = awaiting();
        let step = f.resend_otp().unwrap();
        assert_eq!(shape(&step), ("resend_otp", Some(RESEND)));
        assert_eq!(
            f.submit_otp("1").unwrap_err().kind(),
            ErrorKind::PaymentInProgress
        );
        // New URLs from the resend reply replace the old ones.
        let new_submit = "https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp_submit/new";
        let reply = serde_json::json!({"razorpay_payment_id": "pay_FVmAstJWfsD3SO",
            "next": [{"action": "otp_submit", "url": new_submit}], "metadata": {}})
        .to_string();
        let step = f
            .on_otp_resent(parse_otp_generate(200, body(&reply)))
            .unwrap();
        let Step::AwaitOtp {
            submit_url,
            resend_url,
            metadata,
            error,
        } = &step
        else {
            panic!("{step:?}")
        };
        assert_eq!(submit_url.as_str(), new_submit);
        assert_eq!(
            resend_url.as_ref().map(CheckedUrl::as_str),
            Some(RESEND),
            "kept"
        );
        assert_eq!(
            metadata.last4.as_deref(),
            Some("1111"),
            "kept when the reply has none"
        );
        assert!(error.is_none());
        assert_eq!(
            shape(&f.submit_otp("42").unwrap()),
            ("submit_otp", Some(new_submit))
        );

        // A failed resend keeps the shopper on the OTP form.
        let mut f = resending();
        let step = f
            .on_otp_resent(parse_otp_generate(
                429,
                body(r#"{"error": {"description": "Too many resends"}}"#),
            ))
            .unwrap();
        let Step::AwaitOtp {
            error, submit_url, ..
        } = &step
        else {
            panic!("{step:?}")
        };
        assert_eq!(
            error.as_ref().map(Error::description),
            Some("Too many resends")
        );
        assert_eq!(submit_url.as_str(), SUBMIT);
        assert_eq!(f.progress(), Progress::AwaitingOtp);
        assert!(f.submit_otp("1").is_ok());

        // A resend reply with a hostile URL fails the payment.
        let mut f = resending();
        let reply = r#"{"next": [{"action": "otp_submit", "url": "https://evil.com/otp"}]}"#;
        let step = f
            .on_otp_resent(parse_otp_generate(200, body(reply)))
            .unwrap();
        assert_eq!(failed_kind(&step), Some(ErrorKind::UnsafeUrl));

        // No resend offered.
        let mut f = posting(AuthPreference::Otp);
        f.on_order_response(order(
            serde_json::json!([{"action": "otp_submit", "url": SUBMIT}]),
            Some("pay_1"),
        ))
        .unwrap();
        let e = f.resend_otp().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidState);
        assert_eq!(f.progress(), Progress::AwaitingOtp);
    }

    #[test]
    fn otp_generate_replies_table() {
        use serde_json::json;
        type Row = (
            serde_json::Value,
            bool,
            &'static str,
            Option<&'static str>,
            Option<ErrorKind>,
        );
        let table: Vec<Row> = vec![
            // (reply, order offered a redirect fallback, step, url, error)
            (
                json!({"next": [{"action": "otp_submit", "url": SUBMIT}]}),
                true,
                "await_otp",
                Some(SUBMIT),
                None,
            ),
            (
                json!({"next": [{"action": "redirect", "url": REDIRECT}]}),
                false,
                "navigate",
                Some(REDIRECT),
                None,
            ),
            (json!({"next": []}), true, "navigate", Some(REDIRECT), None),
            (
                json!({"next": []}),
                false,
                "failed",
                None,
                Some(ErrorKind::InvalidResponse),
            ),
            (
                json!({"next": [{"action": "otp_frobnicate", "url": SUBMIT}]}),
                false,
                "failed",
                None,
                Some(ErrorKind::UnsupportedAction),
            ),
            (
                json!({"next": [{"action": "otp_submit", "url": "https://evil.com/"}]}),
                true,
                "failed",
                None,
                Some(ErrorKind::UnsafeUrl),
            ),
            (
                json!({"next": [{"action": "otp_submit", "url": SUBMIT}, {"action": "otp_resend", "url": "javascript:x"}]}),
                true,
                "failed",
                None,
                Some(ErrorKind::UnsafeUrl),
            ),
        ];
        for (reply, with_fallback, kind, url, err) in table {
            let mut f = posting(AuthPreference::Otp);
            let next = if with_fallback {
                json!([{"action": "otp_generate", "url": GENERATE}, {"action": "redirect", "url": REDIRECT}])
            } else {
                json!([{"action": "otp_generate", "url": GENERATE}])
            };
            assert_eq!(
                shape(&f.on_order_response(order(next, Some("pay_1"))).unwrap()).0,
                "generate_otp"
            );
            let step = f
                .on_otp_generated(parse_otp_generate(200, body(&reply.to_string())))
                .unwrap();
            assert_eq!(shape(&step), (kind, url), "{reply} {with_fallback}");
            assert_eq!(failed_kind(&step), err, "{reply}");
        }
        // A failed generation falls back to the redirect when there was one.
        let gateway = || {
            parse_otp_generate(
                400,
                body(r#"{"error": {"description": "OTP not available"}}"#),
            )
        };
        let mut f = generating();
        assert_eq!(
            shape(&f.on_otp_generated(gateway()).unwrap()),
            ("navigate", Some(REDIRECT))
        );
        assert_eq!(f.progress(), Progress::Redirecting);
        let mut f = posting(AuthPreference::Otp);
        f.on_order_response(order(
            serde_json::json!([{"action": "otp_generate", "url": GENERATE}]),
            Some("pay_1"),
        ))
        .unwrap();
        let step = f.on_otp_generated(gateway()).unwrap();
        assert_eq!(failed_kind(&step), Some(ErrorKind::Gateway));
    }

    #[test]
    fn invalid_transitions_table() {
        type Make = fn() -> Flow;
        let states: [(&str, Make); 10] = [
            ("validating", || Flow::new(FlowOptions::default())),
            ("posting", || posting(AuthPreference::Otp)),
            ("generating", generating),
            ("awaiting", awaiting),
            ("submitting", submitting),
            ("resending", resending),
            ("redirecting", redirecting),
            ("pending", pending),
            ("paid", paid),
            ("failed", failed),
        ];
        // Which state accepts which call; every other pair is refused.
        type Call = fn(&mut Flow) -> Result<(), ErrorKind>;
        let calls: [(&str, Call, &[&str]); 7] = [
            (
                "start",
                |f| {
                    f.start(&input(), &ctx())
                        .map(|_| ())
                        .map_err(|e| e[0].kind())
                },
                &["validating", "failed"],
            ),
            (
                "order reply",
                |f| {
                    f.on_order_response(order(serde_json::json!([]), Some("pay_1")))
                        .map(|_| ())
                        .map_err(|e| e.kind())
                },
                &["posting"],
            ),
            (
                "generated",
                |f| {
                    f.on_otp_generated(parse_otp_generate(200, body(OTP_GENERATE)))
                        .map(|_| ())
                        .map_err(|e| e.kind())
                },
                &["generating"],
            ),
            (
                "submit",
                |f| f.submit_otp("123456").map(|_| ()).map_err(|e| e.kind()),
                &["awaiting"],
            ),
            (
                "submitted",
                |f| {
                    f.on_otp_submitted(parse_otp_submit(200, body(OTP_OK)))
                        .map(|_| ())
                        .map_err(|e| e.kind())
                },
                &["submitting"],
            ),
            (
                "resend",
                |f| f.resend_otp().map(|_| ()).map_err(|e| e.kind()),
                &["awaiting"],
            ),
            (
                "resent",
                |f| {
                    f.on_otp_resent(parse_otp_generate(200, body(OTP_GENERATE)))
                        .map(|_| ())
                        .map_err(|e| e.kind())
                },
                &["resending"],
            ),
        ];
        let in_flight = [
            "posting",
            "generating",
            "awaiting",
            "submitting",
            "resending",
        ];
        for (state, make) in states {
            for (call, run, allowed) in &calls {
                let mut f = make();
                let before = f.progress();
                let got = run(&mut f);
                if allowed.contains(&state) {
                    assert!(got.is_ok(), "{call} in {state}: {got:?}");
                } else {
                    let err = got.unwrap_err();
                    let want = match (*call, state) {
                        ("start", s) if in_flight.contains(&s) => ErrorKind::PaymentInProgress,
                        ("submit" | "resend", "submitting" | "resending") => {
                            ErrorKind::PaymentInProgress
                        }
                        _ => ErrorKind::InvalidState,
                    };
                    assert_eq!(err, want, "{call} in {state}");
                    assert_eq!(
                        f.progress(),
                        before,
                        "{call} in {state} leaves the state alone"
                    );
                }
            }
        }
        let e = Flow::new(FlowOptions::default())
            .submit_otp("1")
            .unwrap_err();
        assert_eq!(e.description(), "Cannot submit an OTP while idle");
        let e = generating().submit_otp("1").unwrap_err();
        assert_eq!(
            e.description(),
            "Cannot submit an OTP while generating the OTP"
        );
    }

    #[test]
    fn a_new_flow_is_idle_and_input_errors_fail_it_until_a_corrected_start() {
        let mut f = Flow::new(FlowOptions::default());
        assert_eq!(f.progress(), Progress::Idle, "nothing happened yet");
        let bad: CheckoutInput = serde_json::from_str(r#"{"amount": 0}"#).unwrap();
        let errors = f.start(&bad, &ctx()).unwrap_err();
        assert!(errors.len() > 1);
        assert_eq!(f.progress(), Progress::Failed);
        assert!(f.start(&bad, &ctx()).is_err(), "failed again");
        assert_eq!(f.progress(), Progress::Failed);
        assert!(f.start(&input(), &ctx()).is_ok());
        assert_eq!(f.progress(), Progress::Posting);
    }

    #[test]
    fn an_otp_of_the_wrong_type_is_a_type_error_not_a_missing_otp() {
        /// The OTP sent, or the refusal's kind and description.
        type Want = Result<&'static str, (ErrorKind, &'static str)>;
        let cases: &[(Loose, Want)] = &[
            (Loose::Int(123_456), Err((ErrorKind::InvalidType, "The otp must be a string, such as \"012345\" (a number would lose its leading zeros)"))),
            (Loose::Float(1.5), Err((ErrorKind::InvalidType, "The otp must be a string, such as \"012345\" (a number would lose its leading zeros)"))),
            (Loose::Bool(true), Err((ErrorKind::InvalidType, "The otp must be a string, such as \"012345\" (a number would lose its leading zeros)"))),
            (Loose::Compound, Err((ErrorKind::InvalidType, "The otp must be a string, such as \"012345\" (a number would lose its leading zeros)"))),
            (Loose::Null, Err((ErrorKind::Required, "The otp is required"))),
            (Loose::Absent, Err((ErrorKind::Required, "The otp is required"))),
            (Loose::from("  "), Err((ErrorKind::Required, "The otp is required"))),
            (Loose::from(" 012345 "), Ok("012345")),
        ];
        for (value, want) in cases {
            let mut f = awaiting();
            match (f.submit_otp_value(value), want) {
                (Ok(Step::SubmitOtp { otp, .. }), Ok(text)) => assert_eq!(otp.0, *text),
                (Err(e), Err((kind, description))) => {
                    assert_eq!(
                        (e.kind(), e.field(), e.description()),
                        (*kind, Some("otp"), *description),
                        "{value:?}"
                    );
                    assert_eq!(
                        f.progress(),
                        Progress::AwaitingOtp,
                        "the shopper may still send the OTP"
                    );
                    assert!(f.submit_otp("123456").is_ok());
                }
                (got, _) => panic!("{value:?}: {got:?}"),
            }
        }
    }

    #[test]
    fn loopback_policy_for_local_servers() {
        let options = FlowOptions {
            policy: UrlPolicy {
                allowed_hosts: vec!["127.0.0.1:8081".into()],
                allow_loopback_http: true,
            },
            preference: AuthPreference::Redirect,
        };
        let mut f = Flow::new(options.clone());
        f.start(&input(), &ctx()).unwrap();
        let local = "http://127.0.0.1:8081/v1/payments/pay_1/authorize";
        let step = f
            .on_order_response(order(
                serde_json::json!([{"action": "redirect", "url": local}]),
                Some("pay_1"),
            ))
            .unwrap();
        assert_eq!(shape(&step), ("navigate", Some(local)));
        // The real host is not allowed under this policy.
        let mut f = Flow::new(options);
        f.start(&input(), &ctx()).unwrap();
        let step = f
            .on_order_response(order(
                serde_json::json!([{"action": "redirect", "url": REDIRECT}]),
                Some("pay_1"),
            ))
            .unwrap();
        assert_eq!(failed_kind(&step), Some(ErrorKind::UnsafeUrl));
    }

    #[test]
    fn steps_serialise_for_the_page() {
        let mut f = redirecting();
        assert_eq!(f.progress(), Progress::Redirecting);
        assert!(f.start(&input(), &ctx()).is_err());
        let mut g = posting(AuthPreference::Redirect);
        let step = g
            .on_order_response(parse_order_response(200, body(ORDER)))
            .unwrap();
        assert_eq!(
            serde_json::to_string(&step).unwrap(),
            r#"{"type":"navigate","url":"https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/authorize","method":"GET"}"#
        );
        let step = Step::Done {
            payment_id: "pay_1".into(),
            order_id: None,
        };
        assert_eq!(
            serde_json::to_string(&step).unwrap(),
            r#"{"type":"done","payment_id":"pay_1","order_id":null}"#
        );
        let step = Step::Failed(Error::new(
            ErrorKind::UnsafeUrl,
            "The next-action URL must use https",
        ));
        let json = serde_json::to_value(&step).unwrap();
        assert_eq!(
            (json["type"].as_str(), json["kind"].as_str()),
            (Some("failed"), Some("unsafe_url"))
        );
        assert_eq!(
            json["step"], "payment_authentication",
            "the error's own step is kept"
        );
        let step = awaiting().resend_otp().unwrap();
        assert_eq!(serde_json::to_value(&step).unwrap()["type"], "resend_otp");
        let mut a = awaiting();
        let step = a.on_otp_generated(Ok(OtpChallenge {
            payment_id: None,
            next: vec![],
            metadata: OtpMetadata::default(),
        }));
        assert!(step.is_err());
        let json = serde_json::to_value(Progress::AwaitingOtp).unwrap();
        assert_eq!(json, "awaiting_otp");
        let words: Vec<String> = [
            Progress::Idle,
            Progress::Validating,
            Progress::Posting,
            Progress::Redirecting,
            Progress::AwaitingOtp,
            Progress::Pending,
            Progress::Paid,
            Progress::Failed,
        ]
        .iter()
        .map(|p| {
            serde_json::to_value(p)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
        assert_eq!(
            words,
            [
                "idle",
                "validating",
                "posting",
                "redirecting",
                "awaiting_otp",
                "pending",
                "paid",
                "failed"
            ]
        );
        let awaiting_json = serde_json::to_value(f.progress()).unwrap();
        assert_eq!(awaiting_json, "redirecting");
    }

    #[test]
    fn random_replies_and_calls_never_panic_nor_leak_an_unsafe_url() {
        const KEYS: &[&str] = &[
            "id",
            "payment_workflow",
            "razorpay_payment_id",
            "razorpay_order_id",
            "next",
            "action",
            "url",
            "metadata",
            "error",
            "description",
            "reason",
            "last4",
        ];
        let mut rng = Rng(0x0123_4567_89ab_cdef);
        for round in 0..3_000 {
            let preference = if round % 2 == 0 {
                AuthPreference::Otp
            } else {
                AuthPreference::Redirect
            };
            let mut f = Flow::new(FlowOptions {
                preference,
                ..FlowOptions::default()
            });
            for _ in 0..12 {
                let status = *rng.pick(&[200u16, 400, 502]);
                let text = rng.json(KEYS, 4).to_string();
                let before = f.progress();
                let result = match rng.below(7) {
                    0 => f
                        .start(&input(), &ctx())
                        .map(|_| None)
                        .map_err(|mut e| e.remove(0)),
                    1 => f
                        .on_order_response(parse_order_response(status, body(&text)))
                        .map(Some),
                    2 => f
                        .on_otp_generated(parse_otp_generate(status, body(&text)))
                        .map(Some),
                    3 => f
                        .submit_otp(rng.pick::<&str>(&["", " ", "123456", "\u{0}"]))
                        .map(Some),
                    4 => f
                        .on_otp_submitted(parse_otp_submit(status, body(&text)))
                        .map(Some),
                    5 => f.resend_otp().map(Some),
                    _ => f
                        .on_otp_resent(parse_otp_generate(status, body(&text)))
                        .map(Some),
                };
                match result {
                    Err(_) => assert_eq!(f.progress(), before, "a refused call changes nothing"),
                    Ok(Some(step)) => {
                        let urls: Vec<&CheckedUrl> = match &step {
                            Step::Navigate { url, .. }
                            | Step::GenerateOtp { url }
                            | Step::SubmitOtp { url, .. }
                            | Step::ResendOtp { url } => vec![url],
                            Step::AwaitOtp {
                                submit_url,
                                resend_url,
                                ..
                            } => std::iter::once(submit_url)
                                .chain(resend_url.iter())
                                .collect(),
                            _ => vec![],
                        };
                        for url in urls {
                            assert!(
                                check_next_url(url.as_str(), &UrlPolicy::default()).is_ok(),
                                "{url:?}"
                            );
                        }
                        let want = match &step {
                            Step::Navigate { .. } => Some(Progress::Redirecting),
                            Step::Failed(_) => Some(Progress::Failed),
                            Step::Paid(_) => Some(Progress::Paid),
                            Step::Done { .. } => Some(Progress::Pending),
                            Step::AwaitOtp { .. }
                            | Step::SubmitOtp { .. }
                            | Step::ResendOtp { .. } => Some(Progress::AwaitingOtp),
                            Step::GenerateOtp { .. } => Some(Progress::Posting),
                        };
                        assert_eq!(Some(f.progress()), want, "{step:?}");
                    }
                    Ok(None) => assert_eq!(f.progress(), Progress::Posting),
                }
            }
        }
    }
}
