//! Conversions between the pure core and JS values.

use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{Error, ErrorKind};

/// A plain JS object (or array, string, …) from any `Serialize` value.
/// Maps become plain objects, `None` becomes `null` (see [`json_text`]).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    json_text(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

/// The JSON text of a value, written in Rust (see [`crate::json`]);
/// non-integral numbers are printed by JavaScript's `Number#toString`.
///
/// # Errors
/// [`ErrorKind::InvalidState`] for a value JSON cannot carry (a non-finite number).
pub fn json_text<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    crate::json::to_json(value, js_float)
        .map_err(|_| Error::new(ErrorKind::InvalidState, "The request could not be encoded"))
}

fn js_float(v: f64, out: &mut String) {
    if let Ok(text) = js_sys::Number::from(v).to_string_with_radix(10).map(String::from) {
        out.push_str(&text);
    }
}

/// The one conversion of [`Error`] to a JS `Error`: `message` is the
/// description, `name` is `RazorpayCheckoutError`, and the Razorpay-style
/// fields (`code`, `description`, `field`, `source`, `step`, `reason`,
/// `kind`, `metadata`, `status`) are own properties.
pub fn js_error(error: &Error) -> JsValue {
    let js = js_sys::Error::new(error.description());
    js.set_name("RazorpayCheckoutError");
    if let Some(fields) = to_js(error).dyn_ref::<js_sys::Object>() {
        js_sys::Object::assign(js.unchecked_ref(), fields);
    }
    js.into()
}

/// Decodes a JS value (see [`super::de`]); a value of the wrong shape
/// becomes an `invalid_type` error on `field`.
pub fn from_js<T: serde::de::DeserializeOwned>(
    value: JsValue,
    field: &'static str,
    what: &'static str,
) -> Result<T, Error> {
    super::de::from_value(value).map_err(|_| {
        Error::invalid(ErrorKind::InvalidType, field, crate::error::concat(&["The ", field, " must be ", what]))
            .with_source("business")
    })
}

/// `undefined` or `null`.
pub fn is_nullish(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}
