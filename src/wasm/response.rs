//! `parseOrderResponse`: the pure order-response parser, for pages and tests.

use wasm_bindgen::prelude::*;

use super::convert::{js_error, to_js};
use super::js;
use crate::checkout::{check_next_url, parse_order_response, Body, UrlPolicy};
use crate::error::Error;

fn prop(obj: &JsValue, key: &str) -> JsValue {
    js::get(obj, &JsValue::from_str(key))
}

/// More allowed hosts than anyone configures (a Proxy can claim 2³² − 1).
pub const MAX_HOSTS: u32 = 1000;

/// `allowedHosts` that cannot be read.
pub fn hosts_error() -> Error {
    Error::invalid(crate::error::ErrorKind::InvalidConfiguration, "allowedHosts", "allowedHosts must be an array of host names")
        .with_source("business")
}

fn parse(json: JsValue, options: JsValue) -> Result<JsValue, Error> {
    let status = prop(&options, "status").as_f64().filter(|s| (100.0..=599.0).contains(s)).unwrap_or(200.0) as u16;
    let mut policy = UrlPolicy::default();
    let hosts = prop(&options, "allowedHosts");
    if js::is_array(&hosts) == Ok(true) {
        let hosts = js::items(&hosts, MAX_HOSTS).map_err(|_| hosts_error())?;
        policy.allowed_hosts = hosts.iter().filter_map(JsValue::as_string).collect();
    }
    policy.allow_loopback_http = prop(&options, "allowLoopbackHttp").as_bool().unwrap_or(false);
    let value = match json.as_string() {
        Some(text) if text.trim().is_empty() => None,
        Some(text) => Some(js::parse(&text).unwrap_or(JsValue::UNDEFINED)),
        None if json.is_undefined() || json.is_null() => None,
        None => Some(json),
    };
    let body = match value {
        None => Body::Empty,
        Some(v) if v.is_object() && js::is_array(&v) == Ok(false) => {
            super::de::from_value::<Body>(v).unwrap_or(Body::NotJson)
        }
        Some(_) => Body::NotJson,
    };
    let outcome = parse_order_response(status, body)?;
    for next in &outcome.next {
        if let Some(url) = &next.url {
            check_next_url(url, &policy)?;
        }
    }
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
/// Throws a `RazorpayCheckoutError`: Razorpay's own error object
/// (`kind: "gateway_error"`, with its `code`, `description`, `field`,
/// `source`, `step`, `reason`, `metadata`), `invalid_response` for an empty,
/// non-JSON or wrongly shaped body, `unsafe_url` for a next URL that is not
/// `https:` on an allowed host.
#[wasm_bindgen(js_name = parseOrderResponse, unchecked_return_type = "OrderOutcome")]
pub fn parse_order_response_js(
    #[wasm_bindgen(unchecked_param_type = "string | object")] json: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ParseOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    parse(json, options.unwrap_or(JsValue::UNDEFINED)).map_err(|e| js_error(&e))
}
