//! `new Checkout(options)`: posts the composite order to the merchant's
//! backend and follows the next actions (redirect, or OTP on the page).
//!
//! The decisions are the pure [`Flow`]'s; this file only performs its
//! steps: HTTP through [`super::http`], navigation, progress callbacks.
//! No `RefCell` borrow is ever held across an `await` or a call into page
//! code (a callback may read `checkout.state`).

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::browser::{read_browser, read_referer};
use super::card::browser_now;
use super::convert::{from_js, js_error, js_error_with, json_text, to_js};
use super::http::{post_json, Reply};
use super::js;
use super::response::{hosts_error, MAX_HOSTS};
use super::task::promise;
use super::wipe::scrubbed_future;
use crate::card::validate::wipe;
use crate::card::Network;
use crate::checkout::options::{
    check_endpoint_text, check_option_names, CHECKOUT_OPTIONS, PAY_OPTIONS,
};
use crate::checkout::url::is_loopback;
use crate::checkout::{
    parse_order_response, parse_otp_generate, parse_otp_submit, AuthPreference, Body, BuildContext,
    CheckoutInput, Flow, FlowOptions, NavMethod, OtpMetadata, Step, UrlPolicy,
};
use crate::error::{concat, Error, ErrorKind};
use crate::value::Loose;

/// The default time allowed for each call to the merchant's backend.
const DEFAULT_TIMEOUT_MS: u32 = 30_000;

struct Config {
    endpoint: String,
    otp_endpoint: String,
    timeout_ms: u32,
    headers: Vec<(String, String)>,
    on_progress: Option<js_sys::Function>,
    on_navigate: Option<js_sys::Function>,
    top_window: bool,
}

/// The request of the last attempt, to reuse its idempotency key when the
/// same request is retried after a timeout or a network failure.
struct Attempt {
    fingerprint: u16,
    key: String,
    retryable: bool,
}

struct Inner {
    flow: Flow,
    attempt: Option<Attempt>,
}

/// A checkout: one payment, from the composite order to its final result.
///
/// # Example
/// ```js
/// const checkout = new Checkout({ endpoint: '/api/checkout', onProgress: (e) => show(e.state) });
/// const outcome = await checkout.pay({ amount: 100, currency: 'INR', customer_id,
///   payment: { email, contact, card: { number, expiry, cvv, name } } });
/// if (outcome.status === 'awaiting_otp') await checkout.submitOtp(otp);
/// ```
#[wasm_bindgen]
pub struct Checkout {
    config: Rc<Config>,
    inner: Rc<RefCell<Inner>>,
}

#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum Outcome {
    Redirecting {
        url: String,
        payment_id: Option<String>,
        order_id: Option<String>,
    },
    AwaitingOtp {
        payment_id: Option<String>,
        metadata: OtpMetadata,
    },
    Paid {
        razorpay_payment_id: String,
        razorpay_order_id: Option<String>,
        razorpay_signature: Option<String>,
    },
    Pending {
        payment_id: String,
        order_id: Option<String>,
    },
}

#[derive(Serialize)]
struct ProgressEvent<'a> {
    state: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a Error>,
}

// ------------------------------------------------------------------ options

fn prop(obj: &JsValue, key: &str) -> JsValue {
    js::get(obj, &JsValue::from_str(key))
}

fn config_error(field: &'static str, description: &'static str) -> Error {
    Error::invalid(ErrorKind::InvalidConfiguration, field, description).with_source("business")
}

/// Resolves the merchant endpoint against the page URL and checks it: the
/// merchant's own server over `https:` (plain `http:` only on loopback),
/// never the gateway, no credentials in the URL.
fn endpoint_url(text: &str, field: &'static str, policy: &UrlPolicy) -> Result<String, Error> {
    let base = js::page_href()
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    // `[href without #fragment, protocol, hostname, username, password]`.
    let parts = js::url_parts(text, &base)
        .map_err(|_| config_error(field, "The endpoint is not a valid URL"))?;
    let part = |i| js::own_item(&parts, i).as_string().unwrap_or_default();
    let (href, protocol, hostname) = (part(0), part(1), part(2));
    // `api.razorpay.com.` (a trailing dot) is the same host.
    let host = hostname
        .to_ascii_lowercase()
        .trim_end_matches('.')
        .to_owned();
    match protocol.as_str() {
        "https:" => {}
        "http:" if is_loopback(&host) => {}
        _ => {
            return Err(config_error(
                field,
                "The endpoint must use https: (http: only on loopback)",
            ))
        }
    }
    if !part(3).is_empty() || !part(4).is_empty() || href.is_empty() {
        return Err(config_error(
            field,
            "The endpoint must not carry credentials",
        ));
    }
    let gateway = ["api.razorpay.com", "api.curlec.com"];
    if gateway.contains(&host.as_str())
        || policy
            .allowed_hosts
            .iter()
            .any(|h| h.split(':').next() == Some(host.as_str()) && !is_loopback(&host))
    {
        return Err(config_error(
            field,
            "The endpoint must be the merchant's own server, never the gateway",
        ));
    }
    Ok(href)
}

fn string_prop(obj: &JsValue, key: &'static str) -> Result<Option<String>, Error> {
    let v = prop(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| config_error(key, "This option must be a string"))
}

fn bool_prop(obj: &JsValue, key: &'static str) -> Result<bool, Error> {
    let v = prop(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(false);
    }
    v.as_bool()
        .ok_or_else(|| config_error(key, "This option must be a boolean"))
}

fn function_prop(obj: &JsValue, key: &'static str) -> Result<Option<js_sys::Function>, Error> {
    let v = prop(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_into::<js_sys::Function>()
        .map(Some)
        .map_err(|_| config_error(key, "This option must be a function"))
}

/// Checks the own option names of `options` (those whose value is not
/// `undefined`) with the core's list for `of`.
pub(super) fn check_names(options: &JsValue, known: &[&str], of: &str) -> Result<(), Error> {
    // (`Object.entries` runs the object's getters: `catch`.)
    let entries = js::entries(options)
        .and_then(|e| js::items(&e, 256))
        .map_err(|_| config_error("options", "The options could not be read"))?;
    let names: Vec<String> = entries
        .iter()
        .filter(|e| !js::own_item(e, 1).is_undefined())
        .filter_map(|e| js::own_item(e, 0).as_string())
        .collect();
    check_option_names(names.iter().map(String::as_str), known, of)
}

fn parse_options(options: &JsValue) -> Result<(Config, FlowOptions), Error> {
    if !options.is_object() {
        return Err(config_error(
            "options",
            "The checkout options must be an object with an endpoint",
        ));
    }
    check_names(options, CHECKOUT_OPTIONS, "Checkout")?;
    let mut policy = UrlPolicy::default();
    let hosts = prop(options, "allowedHosts");
    if !(hosts.is_undefined() || hosts.is_null()) {
        if js::is_array(&hosts) != Ok(true) {
            return Err(hosts_error());
        }
        policy.allowed_hosts = js::items(&hosts, MAX_HOSTS)
            .map_err(|_| hosts_error())?
            .iter()
            .map(|h| h.as_string().ok_or_else(hosts_error))
            .collect::<Result<_, _>>()?;
    }
    policy.allow_loopback_http = bool_prop(options, "allowLoopbackHttp")?;

    let endpoint_text = string_prop(options, "endpoint")?.ok_or_else(|| {
        config_error(
            "endpoint",
            "The endpoint (the merchant's checkout URL) is required",
        )
    })?;
    check_endpoint_text(&endpoint_text, "endpoint")?;
    let endpoint = endpoint_url(&endpoint_text, "endpoint", &policy)?;
    let otp_endpoint = match string_prop(options, "otpEndpoint")? {
        Some(text) => {
            check_endpoint_text(&text, "otpEndpoint")?;
            endpoint_url(&text, "otpEndpoint", &policy)?
        }
        None => concat(&[endpoint.trim_end_matches('/'), "/otp"]),
    };
    let timeout_ms = match prop(options, "timeoutMs") {
        v if v.is_undefined() || v.is_null() => DEFAULT_TIMEOUT_MS,
        v => match v.as_f64() {
            Some(ms) if (1.0..=600_000.0).contains(&ms) => ms as u32,
            _ => {
                return Err(config_error(
                    "timeoutMs",
                    "timeoutMs must be a number of milliseconds up to 600000",
                ))
            }
        },
    };
    let preference = match string_prop(options, "authentication")?.as_deref() {
        None | Some("otp") => AuthPreference::Otp,
        Some("redirect") => AuthPreference::Redirect,
        Some(_) => {
            return Err(config_error(
                "authentication",
                "authentication must be \"otp\" or \"redirect\"",
            ))
        }
    };
    let mut headers = Vec::new();
    let extra = prop(options, "headers");
    if !(extra.is_undefined() || extra.is_null()) {
        let headers_error = || config_error("headers", "headers must be an object of strings");
        if !extra.is_object() {
            return Err(headers_error());
        }
        // (`Object.entries` runs the object's getters: `catch`.)
        let entries = js::entries(&extra)
            .and_then(|e| js::items(&e, 1000))
            .map_err(|_| headers_error())?;
        for entry in entries {
            match (
                js::item(&entry, 0).as_string(),
                js::item(&entry, 1).as_string(),
            ) {
                (Some(k), Some(v)) if !k.eq_ignore_ascii_case("idempotency-key") => {
                    headers.push((k, v))
                }
                _ => return Err(headers_error()),
            }
        }
    }
    let config = Config {
        endpoint,
        otp_endpoint,
        timeout_ms,
        headers,
        on_progress: function_prop(options, "onProgress")?,
        on_navigate: function_prop(options, "onNavigate")?,
        top_window: bool_prop(options, "navigateTopWindow")?,
    };
    Ok((config, FlowOptions { policy, preference }))
}

// ------------------------------------------------------------------ helpers

/// A 16-bit fingerprint of a request body (FNV-1a, folded), to tell a
/// retry of the same request from a changed one. It stays in memory after
/// the call, so it is deliberately lossy: the body holds the card number
/// and CVV, and a full 64-bit hash of it could be brute-forced back to them
/// (16 bits leave thousands of candidates). A rare collision only reuses
/// the key, and the merchant's server refuses a key reused with another body.
fn fingerprint(text: &str) -> u16 {
    let h = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (h ^ (h >> 16) ^ (h >> 32) ^ (h >> 48)) as u16
}

/// `crypto.randomUUID()`, or 16 random bytes in hex where it is missing;
/// never a key without a random source.
fn new_idempotency_key() -> Result<String, Error> {
    js::random_key()
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidState,
                "The browser has no random source for the idempotency key",
            )
        })
}

/// Classifies a reply's text for the pure parsers.
fn body_of(reply: &Reply) -> Body {
    if reply.text.trim().is_empty() {
        return Body::Empty;
    }
    match js::parse(&reply.text) {
        Ok(value) if value.is_object() => {
            super::de::from_value::<Body>(value).unwrap_or(Body::NotJson)
        }
        Ok(_) => Body::NotJson,
        Err(_) => Body::NotJson,
    }
}

#[derive(Serialize)]
struct OtpCall<'a> {
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    otp: Option<&'a str>,
}

fn navigate(config: &Config, url: &str, method: NavMethod) -> Result<(), Error> {
    let post = method == NavMethod::Post;
    if let Some(hook) = &config.on_navigate {
        let m = JsValue::from_str(if post { "POST" } else { "GET" });
        return hook
            .call2(&JsValue::NULL, &JsValue::from_str(url), &m)
            .map(|_| ())
            .map_err(|_| Error::new(ErrorKind::InvalidState, "The onNavigate callback threw"));
    }
    js::navigate(url, post, config.top_window).map_err(|_| {
        Error::new(
            ErrorKind::InvalidState,
            "The page could not be navigated to the bank",
        )
    })
}

// ------------------------------------------------------------------ the class

enum Call {
    Generate,
    Submit,
    Resend,
}

impl Checkout {
    fn progress(&self, error: Option<&Error>) {
        let Some(callback) = &self.config.on_progress else {
            return;
        };
        let (state, payment_id) = {
            let inner = self.inner.borrow();
            (
                inner.flow.progress().as_str(),
                inner.flow.payment_id().map(str::to_owned),
            )
        };
        let event = to_js(&ProgressEvent {
            state,
            payment_id: payment_id.as_deref(),
            error,
        });
        // A throwing callback must not break the payment.
        let _ = callback.call1(&JsValue::NULL, &event);
    }

    fn progress_state(&self, state: &str) {
        let Some(callback) = &self.config.on_progress else {
            return;
        };
        let _ = callback.call1(
            &JsValue::NULL,
            &to_js(&ProgressEvent {
                state,
                payment_id: None,
                error: None,
            }),
        );
    }

    async fn call_otp(&self, which: &str, url: &str, otp: Option<&str>) -> Result<Reply, Error> {
        let target = concat(&[self.config.otp_endpoint.trim_end_matches('/'), "/", which]);
        let body = json_text(&OtpCall { url, otp })?;
        post_json(&target, &body, &self.config.headers, self.config.timeout_ms).await
    }

    /// Performs steps until one needs the shopper (or ends the payment).
    async fn drive(&self, mut step: Step) -> Result<JsValue, Error> {
        loop {
            let (call, reply) = match step {
                Step::GenerateOtp { url } => (
                    Call::Generate,
                    self.call_otp("generate", url.as_str(), None).await,
                ),
                Step::SubmitOtp { url, otp } => (
                    Call::Submit,
                    self.call_otp("submit", url.as_str(), Some(otp.as_str()))
                        .await,
                ),
                Step::ResendOtp { url } => (
                    Call::Resend,
                    self.call_otp("resend", url.as_str(), None).await,
                ),
                Step::Navigate { url, method } => {
                    self.progress(None);
                    let (payment_id, order_id) = {
                        let inner = self.inner.borrow();
                        (
                            inner.flow.payment_id().map(str::to_owned),
                            inner.flow.order_id().map(str::to_owned),
                        )
                    };
                    navigate(&self.config, url.as_str(), method)?;
                    return Ok(to_js(&Outcome::Redirecting {
                        url: url.into_string(),
                        payment_id,
                        order_id,
                    }));
                }
                Step::AwaitOtp {
                    metadata, error, ..
                } => {
                    self.progress(error.as_ref());
                    if let Some(e) = error {
                        return Err(e);
                    }
                    let payment_id = self.inner.borrow().flow.payment_id().map(str::to_owned);
                    return Ok(to_js(&Outcome::AwaitingOtp {
                        payment_id,
                        metadata,
                    }));
                }
                Step::Paid(p) => {
                    self.progress(None);
                    return Ok(to_js(&Outcome::Paid {
                        razorpay_payment_id: p.razorpay_payment_id,
                        razorpay_order_id: p.razorpay_order_id,
                        razorpay_signature: p.razorpay_signature,
                    }));
                }
                Step::Done {
                    payment_id,
                    order_id,
                } => {
                    self.progress(None);
                    return Ok(to_js(&Outcome::Pending {
                        payment_id,
                        order_id,
                    }));
                }
                Step::Failed(e) => {
                    self.progress(Some(&e));
                    return Err(e);
                }
            };
            let next = {
                let mut inner = self.inner.borrow_mut();
                let flow = &mut inner.flow;
                match call {
                    Call::Generate => flow.on_otp_generated(
                        reply.and_then(|r| parse_otp_generate(r.status, body_of(&r))),
                    ),
                    Call::Submit => flow.on_otp_submitted(
                        reply.and_then(|r| parse_otp_submit(r.status, body_of(&r))),
                    ),
                    Call::Resend => flow.on_otp_resent(
                        reply.and_then(|r| parse_otp_generate(r.status, body_of(&r))),
                    ),
                }
            };
            step = next?;
        }
    }

    /// POSTs the order's JSON text, with the attempt's idempotency key.
    async fn send(&self, body: &str) -> Result<Reply, Error> {
        let print = fingerprint(body);
        let key = {
            let mut inner = self.inner.borrow_mut();
            let key = match &inner.attempt {
                Some(a) if a.fingerprint == print && a.retryable => a.key.clone(),
                _ => new_idempotency_key()?,
            };
            inner.attempt = Some(Attempt {
                fingerprint: print,
                key: key.clone(),
                retryable: false,
            });
            key
        };
        self.progress(None);
        let mut headers = self.config.headers.clone();
        headers.push(("Idempotency-Key".to_owned(), key));
        post_json(
            &self.config.endpoint,
            body,
            &headers,
            self.config.timeout_ms,
        )
        .await
    }

    async fn pay_inner(&self, request: JsValue, options: JsValue) -> Result<JsValue, Failure> {
        if !request.is_object() || js::is_array(&request) != Ok(false) {
            return Err(config_error("request", "The checkout request must be an object").into());
        }
        if options.is_object() {
            check_names(&options, PAY_OPTIONS, "pay()")?;
        }
        let network = match string_prop(&options, "network")? {
            None => None,
            Some(name) => Some(Network::from_name(&name).ok_or_else(|| {
                Error::invalid(
                    ErrorKind::InvalidValue,
                    "network",
                    "The network is not a known card network",
                )
                .with_source("business")
            })?),
        };
        let input: CheckoutInput = from_js(request, "request", "an object")?;
        let ctx = BuildContext {
            now_ms: browser_now()?,
            browser: Some(read_browser()),
            referer: Some(read_referer()),
            saved_card_network: network,
        };
        self.progress_state("validating");
        let built = self.inner.borrow_mut().flow.start(&input, &ctx);
        drop(input);
        let order = match built {
            Ok(order) => order,
            Err(errors) => {
                let first = errors
                    .first()
                    .cloned()
                    .unwrap_or_else(|| Error::required("payment"));
                let busy = first.kind() == ErrorKind::PaymentInProgress;
                if !busy {
                    self.progress(Some(&first));
                }
                return Err(Failure {
                    error: first,
                    all: errors,
                });
            }
        };
        let body = json_text(&order);
        drop(order);
        // Every failure from here on goes through the flow, which fails the
        // payment (never leaving it "posting" for good).
        let reply = match body {
            Ok(body) => {
                let reply = self.send(&body).await;
                wipe(body);
                reply
            }
            Err(e) => Err(e),
        };
        let retryable = match &reply {
            Err(e) => matches!(e.kind(), ErrorKind::Timeout | ErrorKind::Network),
            Ok(r) => r.status >= 500,
        };
        if let Some(a) = self.inner.borrow_mut().attempt.as_mut() {
            a.retryable = retryable;
        }
        let step =
            self.inner.borrow_mut().flow.on_order_response(
                reply.and_then(|r| parse_order_response(r.status, body_of(&r))),
            )?;
        Ok(self.drive(step).await?)
    }
}

/// A rejected call: the error thrown, and for validation all of them.
struct Failure {
    error: Error,
    all: Vec<Error>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure {
            error,
            all: Vec::new(),
        }
    }
}

/// The JS error a promise rejects with; validation failures also carry
/// every error in `errors`, so a page can mark each field.
fn reject_with(failure: Failure) -> JsValue {
    let all = (failure.all.len() > 1 || failure.error.kind().is_validation())
        .then_some(failure.all.as_slice());
    js_error_with(&failure.error, all)
}

#[wasm_bindgen]
impl Checkout {
    /// Creates a checkout posting to the merchant's `endpoint`.
    ///
    /// # Errors
    /// Throws a `RazorpayCheckoutError` (`kind: "invalid_configuration"`)
    /// for a missing or unsafe endpoint (`http:` off loopback, the gateway
    /// itself, credentials in the URL) or a wrongly typed option.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "CheckoutOptions")] options: JsValue,
    ) -> Result<Checkout, JsValue> {
        let (config, flow_options) = parse_options(&options).map_err(|e| js_error(&e))?;
        Ok(Checkout {
            config: Rc::new(config),
            inner: Rc::new(RefCell::new(Inner {
                flow: Flow::new(flow_options),
                attempt: None,
            })),
        })
    }

    /// Where the payment stands: `idle` (a new checkout, before `pay()`),
    /// `validating`, `posting`, `redirecting`, `awaiting_otp`, `pending`,
    /// `paid` or `failed` (a refused input too, until a corrected `pay()`).
    #[wasm_bindgen(getter, unchecked_return_type = "CheckoutState")]
    pub fn state(&self) -> String {
        self.inner.borrow().flow.progress().as_str().to_owned()
    }

    /// Validates the request, posts it once to the merchant's endpoint and
    /// follows the next actions.
    ///
    /// # Errors
    /// Rejects with a `RazorpayCheckoutError`: validation errors (all of
    /// them in `errors`), `payment_in_progress` while a payment is under way
    /// (a double click never makes two orders), `timeout`, `network_error`,
    /// `invalid_response`, `gateway_error` (Razorpay's own error object),
    /// `unsafe_url` (nothing is navigated).
    #[wasm_bindgen(unchecked_return_type = "Promise<CheckoutOutcome>")]
    pub fn pay(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CheckoutRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "PayOptions")] options: Option<JsValue>,
    ) -> Result<js_sys::Promise, JsValue> {
        let this = Checkout {
            config: self.config.clone(),
            inner: self.inner.clone(),
        };
        // The request holds the card: every poll scrubs the stack it used.
        promise(scrubbed_future(async move {
            this.pay_inner(request, options.unwrap_or(JsValue::UNDEFINED))
                .await
                .map_err(reject_with)
        }))
    }

    /// Sends the shopper's OTP (through the merchant's backend).
    ///
    /// # Errors
    /// Rejects with `required` for a blank OTP, `invalid_type` for one that
    /// is not a string (`submitOtp(123456)`), and with the gateway's error
    /// for a wrong one; the checkout then stays in `awaiting_otp` when the
    /// gateway offers another try.
    #[wasm_bindgen(js_name = submitOtp, unchecked_return_type = "Promise<CheckoutOutcome>")]
    pub fn submit_otp(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] otp: JsValue,
    ) -> Result<js_sys::Promise, JsValue> {
        let this = Checkout {
            config: self.config.clone(),
            inner: self.inner.clone(),
        };
        promise(scrubbed_future(async move {
            // The core judges the value (a number is a type error, not a missing OTP).
            let value: Loose = super::de::from_value(otp).unwrap_or(Loose::Compound);
            let step = this.inner.borrow_mut().flow.submit_otp_value(&value);
            if let Loose::Str(text) = value {
                wipe(text);
            }
            match step {
                Ok(step) => this.drive(step).await.map_err(|e| reject_with(e.into())),
                Err(e) => Err(reject_with(e.into())),
            }
        }))
    }

    /// Asks for a new OTP (through the merchant's backend).
    ///
    /// # Errors
    /// Rejects when no OTP is awaited, no resend is offered, or the call fails.
    #[wasm_bindgen(js_name = resendOtp, unchecked_return_type = "Promise<CheckoutOutcome>")]
    pub fn resend_otp(&self) -> Result<js_sys::Promise, JsValue> {
        let this = Checkout {
            config: self.config.clone(),
            inner: self.inner.clone(),
        };
        promise(async move {
            let step = this.inner.borrow_mut().flow.resend_otp();
            match step {
                Ok(step) => this.drive(step).await.map_err(|e| reject_with(e.into())),
                Err(e) => Err(reject_with(e.into())),
            }
        })
    }
}
