//! The card engine's exports, in both entries: the main entry's module
//! and the card entry's (crates/card-wasm links this crate with the
//! `checkout` feature off, and with it only this file and `wipe`).
//!
//! No serde and no JSON writer on this path: a card and its options cross
//! as one tagged string each (`cardFields`, `optionFields` of
//! src/wasm/card.js), results are built on the JS side from scalars, and
//! only a validation's errors cross as JSON text, written by
//! [`Error::write_json`].

use super::wipe::scrubbed;

use wasm_bindgen::prelude::*;

use crate::card::{inspect_number, validate_card, CardInput, ValidateOptions};
use crate::error::{Error, ErrorKind};
use crate::value::Loose;
use crate::wire::{self, network_index};

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

/// validateCard's options (the clock read only when `now` is not given).
fn options(value: JsValue) -> Result<ValidateOptions, Error> {
    if is_nullish(&value) {
        return wire::options(None, clock);
    }
    let text = option_fields(&value)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    wire::options(Some(&text), clock)
}

fn validate(card: JsValue, options_value: JsValue) -> Result<JsValue, Error> {
    let options = options(options_value)?;
    // (`catch` on every snippet import: a page's patched prototype that
    // throws comes back here as an error and Rust cleans up — wiping
    // included — instead of the exception unwinding through the module.)
    let input = if is_nullish(&card) {
        CardInput::default()
    } else {
        // Not a plain object (an array, a string), a function, symbol or
        // bigint in a field, a getter that throws: not a card.
        wire::card_input(Some(
            &card_fields(&card)
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default(),
        ))?
    };
    let result = validate_card(&input, &options);
    let errors = if result.errors.is_empty() {
        None
    } else {
        Some(Error::list_json(&result.errors))
    };
    let card = result.card.as_ref();
    let built = card_validation_object(
        result.valid,
        network_index(result.network),
        result.last4.as_deref(),
        card.is_some(),
        card.and_then(|c| c.name.as_deref()),
        card.and_then(|c| c.number.as_ref()).map(|n| n.as_str()),
        card.and_then(|c| c.cvv.as_deref()),
        card.and_then(|c| c.expiry_month.as_deref()),
        card.and_then(|c| c.expiry_year.as_deref()),
        errors.as_deref(),
    );
    // (Only a page that broke object literals makes the builder throw.)
    built.map_err(|_| Error::new(ErrorKind::InvalidState, "The result could not be built"))
}

/// Validates a whole card and reports every error at once.
///
/// `card = { number, expiry_month?, expiry_year?, expiry?, cvv?, name? }`
/// (`expiry` is a combined `MM/YY` field); `options = { tokenised?, now?,
/// network? }`. Returns `{ valid, network, last4, card, errors }` where
/// `card` is the normalised card for the payload, or `null` when invalid.
///
/// # Errors
/// Throws a `RazorpayCheckoutError` only when `card` is not an object or an
/// option has the wrong type; bad card input is reported in `errors`,
/// each `field` the card's own (`number`; `expiry` for the combined field).
#[wasm_bindgen(js_name = validateCard, unchecked_return_type = "CardValidation")]
pub fn validate_card_js(
    #[wasm_bindgen(unchecked_param_type = "CardInput")] card: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    scrubbed(|| validate(card, options.unwrap_or(JsValue::UNDEFINED)).map_err(|e| js_error(&e)))
}

/// The as-you-type view of a (partial) card number:
/// `{ network, state, formatted, lengths, cvv_length }`.
///
/// Never throws: a value that is not a string is `invalid`, `null` and
/// `undefined` are an empty, `incomplete` number.
#[wasm_bindgen(js_name = inspectNumber, unchecked_return_type = "NumberInspection")]
pub fn inspect_number_js(
    #[wasm_bindgen(unchecked_param_type = "string")] partial: JsValue,
) -> JsValue {
    scrubbed(|| inspect(&partial))
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

    /// validateCard's options as one tagged string (or `null`).
    #[wasm_bindgen(js_name = optionFields, catch)]
    fn option_fields(options: &JsValue) -> Result<JsValue, JsValue>;

    /// parseExpiry's `{ expiry_month, expiry_year }`.
    #[wasm_bindgen(js_name = expiryFields, catch)]
    fn expiry_fields(month: &str, year: &str) -> Result<JsValue, JsValue>;

    /// Builds `inspectNumber`'s plain object on the JS side from scalars
    /// (the keystroke path: cheaper than JSON text and `JSON.parse`).
    #[wasm_bindgen(js_name = inspection, catch)]
    fn inspection_object(
        network: u8,
        state: u8,
        formatted: &str,
        lengths: u32,
        cvv_length: u8,
    ) -> Result<JsValue, JsValue>;

    /// `validateCard`'s card object as one tagged string (or `null`).
    #[wasm_bindgen(js_name = cardFields, catch)]
    fn card_fields(card: &JsValue) -> Result<JsValue, JsValue>;

    /// Builds `validateCard`'s result object on the JS side.
    #[wasm_bindgen(js_name = cardValidation, catch)]
    #[allow(clippy::too_many_arguments)]
    fn card_validation_object(
        valid: bool,
        network: u8,
        last4: Option<&str>,
        has_card: bool,
        name: Option<&str>,
        number: Option<&str>,
        cvv: Option<&str>,
        expiry_month: Option<&str>,
        expiry_year: Option<&str>,
        errors: Option<&str>,
    ) -> Result<JsValue, JsValue>;
}

fn inspect(partial: &JsValue) -> JsValue {
    let inspection = match partial.as_string() {
        Some(s) => inspect_number(&s),
        None if is_nullish(partial) => inspect_number(""),
        None => inspect_number("x"),
    };
    let [network, state, lengths, cvv] = wire::inspection_scalars(&inspection);
    // (Only a page that broke object literals makes the builder throw: then
    // `null`, as for an input that is no card number.)
    inspection_object(network, state, &inspection.formatted, lengths.into(), cvv)
        .unwrap_or(JsValue::NULL)
}

/// The network of a (partial) card number, or `null` while the leading
/// digits cannot tell it (or the input is not a number).
#[wasm_bindgen(js_name = cardNetwork, unchecked_return_type = "NetworkName | null")]
pub fn card_network_js(
    #[wasm_bindgen(unchecked_param_type = "string")] number: JsValue,
) -> JsValue {
    scrubbed(|| network(&number))
}

fn network(number: &JsValue) -> JsValue {
    match number
        .as_string()
        .as_deref()
        .and_then(wire::network_of_partial)
    {
        Some(n) => JsValue::from_str(n.as_str()),
        None => JsValue::NULL,
    }
}

fn expiry(text: JsValue, now_value: JsValue) -> Result<JsValue, Error> {
    let string = text.as_string();
    let arg = match &string {
        Some(s) => wire::Arg::Text(s),
        None if is_nullish(&text) => wire::Arg::Nullish,
        None => wire::Arg::Other,
    };
    let fields = wire::expiry(arg, &loose(&now_value), clock)?;
    expiry_fields(&fields.expiry_month, &fields.expiry_year)
        .map_err(|_| Error::new(ErrorKind::InvalidState, "The result could not be built"))
}

/// Parses a combined expiry (`MM/YY`, `MM / YYYY`, `MMYY`, `MM-YY`) and
/// checks it against the clock (`now` in ms since the epoch, default the
/// browser's clock). Returns `{ expiry_month: "MM", expiry_year: "YY" }`.
///
/// # Errors
/// Throws a `RazorpayCheckoutError` (`kind` `required`, `invalid_format`,
/// `invalid_month`, `invalid_year`, `expired`, `too_far_ahead`) on the
/// `field` `expiry` (a bad `now` on `now`).
#[wasm_bindgen(js_name = parseExpiry, unchecked_return_type = "ExpiryFields")]
pub fn parse_expiry_js(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number")] now: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    expiry(text, now.unwrap_or(JsValue::UNDEFINED)).map_err(|e| js_error(&e))
}
