//! Conversions between the pure core and JS values.

use serde::Serialize;
use wasm_bindgen::JsValue;

use super::js;

use crate::error::{Error, ErrorKind};

/// A plain JS object (or array, string, …) from any `Serialize` value.
/// Maps become plain objects, `None` becomes `null` (see [`json_text`]).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    json_text(value)
        .ok()
        .map_or(JsValue::NULL, |text| js::own_json(&text))
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
    match js::number_text(v).as_string() {
        Some(text) => out.push_str(&text),
        // (Never reached: `String(n)` of a finite number.)
        None => out.push_str("null"),
    }
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
    let mut fields = json_text(error).unwrap_or_else(|_| "{}".to_owned());
    // `{...}` becomes `{...,"errors":[...]}`.
    if let Some(list) = all.and_then(|a| json_text(a).ok()) {
        if fields.pop() == Some('}') {
            fields.push_str(if fields.len() > 1 { ",\"errors\":" } else { "\"errors\":" });
            fields.push_str(&list);
            fields.push('}');
        }
    }
    // makeError uses the Error and JSON.parse the module loaded with, and
    // never throws.
    js::make_error(error.description(), &fields)
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
