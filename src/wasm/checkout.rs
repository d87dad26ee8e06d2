//! `new Checkout(options)`: posts the composite order to the merchant's
//! backend and follows the next actions (redirect, or OTP on the page).
//!
//! The decisions are the pure core's (src/checkout: the endpoint policy,
//! the option values, the [`Flow`], its moves, events and outcomes in
//! `talk.rs`); this file only reads the options, performs the moves (HTTP
//! through [`super::http`], navigation) and calls the page's callbacks.
//! No `RefCell` borrow is ever held across an `await` or a call into page
//! code (a callback may read `checkout.state`).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::browser::{read_browser, read_referer};
use super::card::browser_now;
use super::convert::{from_js, js_error, js_error_with, json_text, to_js};
use super::http::post_json;
use super::js;
use super::response::url_policy;
use super::task::promise;
use super::wipe::scrubbed_future;
use crate::card::validate::wipe;
use crate::checkout::options::{
    auth_preference, check_option_names, header, headers_error, option_error as config_error,
    saved_card_network, timeout_ms, CHECKOUT_OPTIONS, PAY_OPTIONS,
};
use crate::checkout::{
    check_endpoint, default_otp_endpoint, BuildContext, CheckoutInput, Flow, FlowOptions, Move,
    NavMethod, OtpCall, OtpRequest, ProgressEvent, Rejection, Reply, Step, UrlPolicy,
};
use crate::error::{Error, ErrorKind};
use crate::value::Loose;

struct Config {
    endpoint: String,
    otp_endpoint: String,
    timeout_ms: u32,
    headers: Vec<(String, String)>,
    on_progress: Option<js_sys::Function>,
    on_navigate: Option<js_sys::Function>,
    top_window: bool,
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
    flow: Rc<RefCell<Flow>>,
}

// ------------------------------------------------------------------ options

fn prop(obj: &JsValue, key: &str) -> JsValue {
    js::get(obj, &JsValue::from_str(key))
}

/// The endpoint `text` resolved against the page URL, checked by the core.
fn endpoint_url(text: &str, field: &'static str, policy: &UrlPolicy) -> Result<String, Error> {
    let base = js::page_href()
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let resolved = js::resolve_url(text, &base)
        .ok()
        .and_then(|v| v.as_string());
    check_endpoint(text, resolved.as_deref(), field, policy)
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
    let policy = url_policy(options)?;

    let endpoint_text = string_prop(options, "endpoint")?.ok_or_else(|| {
        config_error(
            "endpoint",
            "The endpoint (the merchant's checkout URL) is required",
        )
    })?;
    let endpoint = endpoint_url(&endpoint_text, "endpoint", &policy)?;
    let otp_endpoint = match string_prop(options, "otpEndpoint")? {
        Some(text) => endpoint_url(&text, "otpEndpoint", &policy)?,
        None => default_otp_endpoint(&endpoint),
    };
    let timeout = match prop(options, "timeoutMs") {
        v if v.is_undefined() || v.is_null() => None,
        v => Some(v.as_f64().unwrap_or(f64::NAN)),
    };
    let timeout_ms = timeout_ms(timeout)?;
    let preference = auth_preference(string_prop(options, "authentication")?.as_deref())?;
    let mut headers = Vec::new();
    let extra = prop(options, "headers");
    if !(extra.is_undefined() || extra.is_null()) {
        if !extra.is_object() {
            return Err(headers_error());
        }
        // (`Object.entries` runs the object's getters: `catch`.)
        let entries = js::entries(&extra)
            .and_then(|e| js::items(&e, 1000))
            .map_err(|_| headers_error())?;
        for entry in entries {
            headers.push(header(
                js::item(&entry, 0).as_string(),
                js::item(&entry, 1).as_string(),
            )?);
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

impl Checkout {
    fn clone_handle(&self) -> Checkout {
        Checkout {
            config: self.config.clone(),
            flow: self.flow.clone(),
        }
    }

    /// Calls `onProgress` with each event, as read (while the flow was
    /// borrowed; the callback is called after, and may read
    /// `checkout.state`). A throwing callback must not break the payment.
    fn report(&self, event: Option<JsValue>) {
        if let (Some(callback), Some(event)) = (&self.config.on_progress, event) {
            let _ = callback.call1(&JsValue::NULL, &event);
        }
    }

    /// Performs the core's moves from `step` up to the next POST, or to
    /// the end of the call: reports each event, navigates, settles. (Not
    /// inlined into the async exports: their futures hold only the POST
    /// in flight.)
    #[inline(never)]
    fn advance(&self, step: Result<Step, Error>) -> Next {
        let step = match step {
            Ok(step) => step,
            Err(e) => return Next::Done(Err(e.into())),
        };
        let next = self.flow.borrow().next_move(step);
        let event = next
            .event(&self.flow.borrow())
            .map(|e| js::own_json(&e.to_json()));
        self.report(event);
        match next {
            Move::Call { call, url, otp } => {
                let body = OtpRequest::of(&url, otp.as_ref()).to_json();
                drop(otp);
                Next::Post(Post {
                    call: Some(call),
                    url: call.url(&self.config.otp_endpoint),
                    body,
                    headers: self.config.headers.clone(),
                })
            }
            Move::Navigate {
                url,
                method,
                outcome,
            } => Next::Done(
                navigate(&self.config, url.as_str(), method)
                    .map(|()| to_js(&outcome))
                    .map_err(Rejection::from),
            ),
            Move::Settle(result) => Next::Done(result.map(|o| to_js(&o)).map_err(Rejection::from)),
        }
    }

    /// Hands a POST's reply to the core (the body sent is wiped), and
    /// performs the moves that follow.
    #[inline(never)]
    fn on_reply(&self, post: Post, reply: Reply) -> Next {
        let Post { call, body, .. } = post;
        wipe(body);
        let step = match call {
            None => self.flow.borrow_mut().on_order_reply(reply),
            Some(call) => self.flow.borrow_mut().on_otp_reply(call, reply),
        };
        self.advance(step)
    }

    /// Makes each POST in turn, the call's only `await`, until the call
    /// settles.
    async fn run(&self, mut next: Next) -> Result<JsValue, Rejection> {
        loop {
            let post = match next {
                Next::Done(result) => return result,
                Next::Post(post) => post,
            };
            let reply =
                post_json(&post.url, &post.body, &post.headers, self.config.timeout_ms).await;
            next = self.on_reply(post, reply);
        }
    }

    /// Everything `pay()` does before its POST: the request read and
    /// checked, the order built and encoded, the attempt's key.
    #[inline(never)]
    fn start_pay(&self, request: JsValue, options: JsValue) -> Next {
        let body = match self.order_body(request, options) {
            Ok(body) => body,
            Err(rejection) => return Next::Done(Err(rejection)),
        };
        let keyed = body.and_then(|body| {
            match self
                .flow
                .borrow_mut()
                .idempotency_key(&body, new_idempotency_key)
            {
                Ok(key) => Ok((body, key)),
                Err(e) => {
                    wipe(body);
                    Err(e)
                }
            }
        });
        match keyed {
            Ok((body, key)) => {
                let mut headers = self.config.headers.clone();
                headers.push(("Idempotency-Key".to_owned(), key));
                Next::Post(Post {
                    call: None,
                    url: self.config.endpoint.clone(),
                    body,
                    headers,
                })
            }
            // Every failure from here on goes through the flow, which fails
            // the payment (never leaving it "posting" for good).
            Err(e) => {
                let step = self.flow.borrow_mut().on_order_reply(Err(e));
                self.advance(step)
            }
        }
    }

    /// The order's JSON text (or why it could not be written), once the
    /// request is read and the flow has started the attempt.
    fn order_body(
        &self,
        request: JsValue,
        options: JsValue,
    ) -> Result<Result<String, Error>, Rejection> {
        if !request.is_object() || js::is_array(&request) != Ok(false) {
            return Err(config_error("request", "The checkout request must be an object").into());
        }
        if options.is_object() {
            check_names(&options, PAY_OPTIONS, "pay()")?;
        }
        let network = saved_card_network(string_prop(&options, "network")?.as_deref())?;
        let input: CheckoutInput = from_js(request, "request", "an object")?;
        let ctx = BuildContext {
            now_ms: browser_now()?,
            browser: Some(read_browser()),
            referer: Some(read_referer()),
            saved_card_network: network,
        };
        let started = self.flow.borrow_mut().pay(&input, &ctx);
        drop(input);
        let (validating, now) = {
            let flow = self.flow.borrow();
            let [a, b] = started.events(&flow);
            let js = |e: ProgressEvent<'_>| js::own_json(&e.to_json());
            (a.map(js), b.map(js))
        };
        self.report(validating);
        self.report(now);
        let order = started.order?;
        let body = json_text(&order);
        drop(order);
        Ok(body)
    }
}

/// One POST a call makes: the order, or an OTP call.
struct Post {
    /// `None` for the order, else the OTP route.
    call: Option<OtpCall>,
    url: String,
    /// JSON text (the card, or the OTP): wiped once answered.
    body: String,
    headers: Vec<(String, String)>,
}

/// What a call does next: one more POST, or settle.
enum Next {
    Post(Post),
    Done(Result<JsValue, Rejection>),
}

/// The JS error a promise rejects with; validation failures also carry
/// every error in `errors`, so a page can mark each field.
fn reject_with(rejection: Rejection) -> JsValue {
    js_error_with(&rejection.error, rejection.errors())
}

#[wasm_bindgen]
impl Checkout {
    /// Creates a checkout posting to the merchant's `endpoint`.
    ///
    /// # Errors
    /// Throws a `RazorpayCheckoutError` (`kind: "invalid_configuration"`)
    /// for a missing or unsafe endpoint (`http:` off loopback, the gateway
    /// itself, credentials in the URL) or a wrongly typed option. Made
    /// before the checkout module is loaded (the package's `index.js` loads
    /// it on demand: `loadCheckout()`), the checkout reads its options once
    /// it is, and the first `pay()` rejects with this error instead.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "CheckoutOptions")] options: JsValue,
    ) -> Result<Checkout, JsValue> {
        let (config, flow_options) = parse_options(&options).map_err(|e| js_error(&e))?;
        Ok(Checkout {
            config: Rc::new(config),
            flow: Rc::new(RefCell::new(Flow::new(flow_options))),
        })
    }

    /// Where the payment stands: `idle` (a new checkout, before `pay()`),
    /// `validating`, `posting`, `redirecting`, `awaiting_otp`, `pending`,
    /// `paid` or `failed` (a refused input too, until a corrected `pay()`).
    #[wasm_bindgen(getter, unchecked_return_type = "CheckoutState")]
    pub fn state(&self) -> String {
        self.flow.borrow().progress().as_str().to_owned()
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
        let this = self.clone_handle();
        // The request holds the card: every poll scrubs the stack it used.
        promise(scrubbed_future(async move {
            let next = this.start_pay(request, options.unwrap_or(JsValue::UNDEFINED));
            this.run(next).await.map_err(reject_with)
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
        let this = self.clone_handle();
        promise(scrubbed_future(async move {
            // The core judges the value (a number is a type error, not a missing OTP).
            let value: Loose = super::card::loose(&otp);
            let step = this.flow.borrow_mut().submit_otp_value(&value);
            if let Loose::Str(text) = value {
                wipe(text);
            }
            let next = this.advance(step);
            this.run(next).await.map_err(reject_with)
        }))
    }

    /// Asks for a new OTP (through the merchant's backend).
    ///
    /// # Errors
    /// Rejects when no OTP is awaited, no resend is offered, or the call fails.
    #[wasm_bindgen(js_name = resendOtp, unchecked_return_type = "Promise<CheckoutOutcome>")]
    pub fn resend_otp(&self) -> Result<js_sys::Promise, JsValue> {
        let this = self.clone_handle();
        promise(async move {
            let step = this.flow.borrow_mut().resend_otp();
            let next = this.advance(step);
            this.run(next).await.map_err(reject_with)
        })
    }
}
