//! `parseOrderResponse`: the pure order-response parser, for pages and tests.

use wasm_bindgen::prelude::*;

use super::convert::{js_error, to_js};
use super::http::JsText;
use super::js;
use crate::checkout::options::{reply_status, PARSE_OPTIONS};
use crate::checkout::{body_from_text, parse_order_response, Body, UrlPolicy};
use crate::error::{Error, ErrorKind};

fn prop(obj: &JsValue, key: &str) -> JsValue {
    js::get(obj, &JsValue::from_str(key))
}

/// More allowed hosts than anyone configures (a Proxy can claim 2³² − 1).
pub const MAX_HOSTS: u32 = 1000;

/// `allowedHosts` that cannot be read.
pub fn hosts_error() -> Error {
    Error::invalid(
        crate::error::ErrorKind::InvalidConfiguration,
        "allowedHosts",
        "allowedHosts must be an array of host names",
    )
    .with_source("business")
}

fn option_error(field: &'static str, description: &'static str) -> Error {
    Error::invalid(ErrorKind::InvalidConfiguration, field, description).with_source("business")
}

/// The URL policy options (`allowedHosts`, `allowLoopbackHttp`) of
/// `options`, as both `new Checkout()` and `parseOrderResponse` take them;
/// wrong types are refused, never read as the default.
pub fn url_policy(options: &JsValue) -> Result<UrlPolicy, Error> {
    let given = |v: &JsValue| !(v.is_undefined() || v.is_null());
    let mut policy = UrlPolicy::default();
    let hosts = prop(options, "allowedHosts");
    if given(&hosts) {
        if js::is_array(&hosts) != Ok(true) {
            return Err(hosts_error());
        }
        let hosts = js::items(&hosts, MAX_HOSTS).map_err(|_| hosts_error())?;
        policy.allowed_hosts = hosts
            .iter()
            .map(|h| h.as_string().ok_or_else(hosts_error))
            .collect::<Result<_, _>>()?;
    }
    policy.allow_loopback_http = match prop(options, "allowLoopbackHttp") {
        v if !given(&v) => false,
        v => v.as_bool().ok_or_else(|| {
            option_error("allowLoopbackHttp", "allowLoopbackHttp must be a boolean")
        })?,
    };
    Ok(policy)
}

fn parse(json: JsValue, options: JsValue) -> Result<JsValue, Error> {
    let given = |v: &JsValue| !(v.is_undefined() || v.is_null());
    if given(&options) {
        if !options.is_object() {
            return Err(option_error("options", "The options must be an object"));
        }
        super::checkout::check_names(&options, PARSE_OPTIONS, "parseOrderResponse")?;
    }
    // Wrong types are refused, never read as the default.
    let status = match prop(&options, "status") {
        v if !given(&v) => None,
        v => Some(v.as_f64().unwrap_or(f64::NAN)),
    };
    let status = reply_status(status)?;
    let policy = url_policy(&options)?;
    // Text is read by the core's one rule (blank, not JSON, JSON), where
    // it is; any other value as the JSON it would have parsed to (read
    // leniently: an array or a scalar is "JSON that is not an object").
    let body = if json.is_string() {
        body_from_text(&JsText(&json))
    } else if json.is_undefined() || json.is_null() {
        Body::Empty
    } else {
        super::walk::read::<Body>(json).unwrap_or(Body::NotJson)
    };
    let outcome = parse_order_response(status, body)?;
    outcome.check_urls(&policy)?;
    Ok(to_js(&outcome))
}

/// Parses a composite order response (its JSON text or the parsed object)
/// into `{ order_id, status, amount, payment_id, next: [{ action, url }] }`,
/// checking every next-action URL.
///
/// `options = { status?, allowedHosts?, allowLoopbackHttp? }`: `status` is
/// the HTTP status the body came with (default 200).
///
/// # Errors
/// Throws a `RazorpayCheckoutError`: `invalid_configuration` for an option
/// it does not have or of the wrong type; Razorpay's own error object
/// (`kind: "gateway_error"`, with its `code`, `description`, `field`,
/// `source`, `step`, `reason`, `metadata`), `invalid_response` for an empty,
/// non-JSON or wrongly shaped body, `unsafe_url` for a next URL that is not
/// `https:` on an allowed host; through the package's `index.js`,
/// `invalid_state` before the checkout module is loaded (await
/// `loadCheckout()` first).
#[wasm_bindgen(js_name = parseOrderResponse, unchecked_return_type = "OrderOutcome")]
pub fn parse_order_response_js(
    #[wasm_bindgen(unchecked_param_type = "string | object")] json: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ParseOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    parse(json, options.unwrap_or(JsValue::UNDEFINED)).map_err(|e| js_error(&e))
}
