//! Conversions between the pure core and JS values.

use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{Error, ErrorKind};

/// A plain JS object (or array, string, …) from any `Serialize` value.
/// Maps become plain objects, `None` becomes `null`.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
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

/// Decodes a JS value with serde-wasm-bindgen; a value of the wrong shape
/// becomes an `invalid_type` error on `field`.
pub fn from_js<T: serde::de::DeserializeOwned>(
    value: JsValue,
    field: &'static str,
    what: &'static str,
) -> Result<T, Error> {
    serde_wasm_bindgen::from_value(value).map_err(|_| {
        Error::invalid(ErrorKind::InvalidType, field, crate::error::concat(&["The ", field, " must be ", what]))
            .with_source("business")
    })
}

/// `undefined` or `null`.
pub fn is_nullish(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}
