//! The main module's shared edge helpers: the one conversion of an
//! [`Error`] to a JS `Error`, a JS scalar read as a [`Loose`], and the
//! browser's clock.
//!
//! The card exports themselves (validateCard, inspectNumber, cardNetwork,
//! parseExpiry) are the card entry's (crates/card-wasm, its raw ABI over
//! src/wire.rs), which the main entry's index.js re-exports: the main
//! module carries no second copy of them (53,235 -> 50,455 B gzip -9 of
//! the .wasm, 2026-12-05).

use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::value::Loose;
use crate::wire;

/// `undefined` or `null`.
pub fn is_nullish(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// The one conversion of [`Error`] to a JS `Error`: `message` is the
/// description, `name` is `RazorpayCheckoutError`, and the Razorpay-style
/// fields (`code`, `description`, `field`, `source`, `step`, `reason`,
/// `kind`, `metadata`, `status`) are own properties.
pub fn js_error(error: &Error) -> JsValue {
    js_error_with(error, None)
}

/// [`js_error`], with `errors` (every validation error) when given.
pub fn js_error_with(error: &Error, all: Option<&[Error]>) -> JsValue {
    let mut fields = String::new();
    error.write_json(&mut fields);
    // `{...}` becomes `{...,"errors":[...]}`.
    if let Some(list) = all {
        if fields.pop() == Some('}') {
            fields.push_str(",\"errors\":");
            fields.push_str(&Error::list_json(list));
            fields.push('}');
        }
    }
    // makeError uses the Error and JSON.parse the module loaded with, and
    // never throws.
    make_error(error.description(), &fields)
}

/// One JS value as a [`Loose`], read by wasm-bindgen's intrinsics (none
/// of which runs page code): as the main entry's decoder reads it.
pub(super) fn loose(value: &JsValue) -> Loose {
    if value.is_undefined() {
        Loose::Absent
    } else if value.is_null() {
        Loose::Null
    } else if let Some(b) = value.as_bool() {
        Loose::Bool(b)
    } else if let Some(n) = value.as_f64() {
        wire::loose_number(n)
    } else if let Some(s) = value.as_string() {
        Loose::Str(s)
    } else {
        Loose::Compound
    }
}

/// `Date.now()`, NaN when the page made it throw or lie ([`wire::now`]
/// turns that into an error when the clock is needed).
fn clock() -> f64 {
    now_js().ok().and_then(|v| v.as_f64()).unwrap_or(f64::NAN)
}

/// `Date.now()`; an error when the page made it throw or lie.
pub fn browser_now() -> Result<f64, Error> {
    wire::now(&Loose::Absent, "now", clock)
}

#[wasm_bindgen(module = "/src/wasm/card.js")]
extern "C" {
    /// A `RazorpayCheckoutError` from its description and fields (JSON).
    /// Never throws (see card.js): no `catch`, whose wrapper a page can break.
    #[wasm_bindgen(js_name = makeError)]
    pub fn make_error(description: &str, fields: &str) -> JsValue;

    /// `Date.now()`.
    #[wasm_bindgen(js_name = now, catch)]
    pub fn now_js() -> Result<JsValue, JsValue>;

}
