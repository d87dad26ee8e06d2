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

pub use super::card::{is_nullish, js_error, js_error_with};

/// Reads a JS object as the input object `T` (see [`super::walk`]); a
/// value that is no object, or cannot be read, becomes an `invalid_type`
/// error on `field`.
pub fn from_js<T: crate::checkout::FromObject>(
    value: JsValue,
    field: &'static str,
    what: &'static str,
) -> Result<T, Error> {
    let tree = super::walk::tree(value).ok();
    tree.and_then(crate::checkout::top_object).ok_or_else(|| {
        Error::invalid(
            ErrorKind::InvalidType,
            field,
            crate::error::concat(&["The ", field, " must be ", what]),
        )
        .with_source("business")
    })
}
