//! The card engine's exports.

use super::wipe::scrubbed;

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::convert::{from_js, is_nullish, js_error, json_text, to_js};
use crate::card::{
    detect, inspect_number, number::scan, number::Scan, parse_combined, validate_card, CardInput,
    Detection, Network, NumberState, ValidateOptions, YearMonth,
};
use crate::error::{Error, ErrorKind};
use crate::value::{type_error, Loose};

#[derive(Default, Deserialize)]
#[serde(default)]
struct RawOptions {
    tokenised: Loose,
    now: Loose,
    network: Loose,
}

/// Options for `validateCard`, decoded strictly: a wrong type is a
/// programming error on the merchant's side and is thrown.
fn options(value: JsValue) -> Result<ValidateOptions, Error> {
    let raw: RawOptions = if is_nullish(&value) { RawOptions::default() } else { from_js(value, "options", "an object")? };
    let tokenised = match raw.tokenised {
        Loose::Absent | Loose::Null => false,
        Loose::Bool(b) => b,
        _ => return Err(type_error("options.tokenised", "a boolean").with_source("business")),
    };
    let network = match raw.network.text("options.network") {
        Ok(None) => None,
        Ok(Some(name)) => Some(Network::from_name(name).ok_or_else(|| {
            Error::invalid(ErrorKind::InvalidValue, "options.network", "The network is not a known card network")
                .with_source("business")
        })?),
        Err(e) => return Err(e.with_source("business")),
    };
    Ok(ValidateOptions { tokenised, now_ms: now(&raw.now, "options.now")?, network })
}

/// A clock argument: absent means the browser's clock.
fn now(value: &Loose, field: &'static str) -> Result<f64, Error> {
    match value {
        Loose::Absent | Loose::Null => browser_now(),
        Loose::Int(i) => Ok(*i as f64),
        Loose::Float(f) if f.is_finite() => Ok(*f),
        _ => Err(type_error(field, "a number of milliseconds since the epoch").with_source("business")),
    }
}

/// `Date.now()`; an error when the page made it throw or lie.
pub fn browser_now() -> Result<f64, Error> {
    super::js::now()
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|ms| ms.is_finite())
        .ok_or_else(|| Error::new(ErrorKind::InvalidState, "The browser's clock could not be read"))
}

fn validate(card: JsValue, options_value: JsValue) -> Result<JsValue, Error> {
    let options = options(options_value)?;
    // (`catch` on every snippet import: a page's patched prototype that
    // throws comes back here as an error and Rust cleans up — wiping
    // included — instead of the exception unwinding through the module.)
    let fast = if is_nullish(&card) {
        None
    } else {
        card_fields(&card).ok().and_then(|v| v.as_string()).and_then(|t| parse_card_fields(&t))
    };
    let input: CardInput = match fast {
        Some(input) => input,
        None if is_nullish(&card) => CardInput::default(),
        None => from_js(card, "card", "an object")?,
    };
    let result = validate_card(&input, &options);
    let errors = if result.errors.is_empty() { None } else { Some(json_text(&result.errors)?) };
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
    Ok(built.unwrap_or_else(|_| to_js(&result)))
}

/// 0 for none, else 1 + the network's index in [`Network::ALL`] (the JS
/// tables of src/wasm/shapes.js follow it).
fn network_index(network: Option<Network>) -> u8 {
    network.and_then(|n| Network::ALL.iter().position(|&m| m == n)).map_or(0, |i| i as u8 + 1)
}

/// Reads [`card_fields`]' encoding (see src/wasm/shapes.js) into the same
/// [`CardInput`] the object would decode to; `None` when it is not that
/// encoding.
fn parse_card_fields(text: &str) -> Option<CardInput> {
    let mut parts = text.split('\0');
    let mut next = || -> Option<Loose> {
        let part = parts.next()?;
        let mut chars = part.chars();
        let tag = chars.next()?;
        let value = chars.as_str();
        Some(match tag {
            'a' => Loose::Absent,
            'z' => Loose::Null,
            's' => Loose::Str(value.to_owned()),
            'i' => Loose::Int(value.parse().ok()?),
            // Card fields never read a number with a fraction: it is a type error.
            'f' => Loose::Float(f64::NAN),
            'b' => Loose::Bool(value == "1"),
            'o' => Loose::Compound,
            _ => return None,
        })
    };
    let input = CardInput {
        number: next()?,
        expiry_month: next()?,
        expiry_year: next()?,
        expiry: next()?,
        cvv: next()?,
        name: next()?,
    };
    (parts.next() == Some("") && parts.next().is_none()).then_some(input)
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
/// option has the wrong type; bad card input is reported in `errors`.
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
pub fn inspect_number_js(#[wasm_bindgen(unchecked_param_type = "string")] partial: JsValue) -> JsValue {
    scrubbed(|| inspect(&partial))
}

#[wasm_bindgen(module = "/src/wasm/shapes.js")]
extern "C" {
    /// Builds `inspectNumber`'s plain object on the JS side from scalars
    /// (the keystroke path: cheaper than JSON text and `JSON.parse`).
    #[wasm_bindgen(js_name = inspection, catch)]
    fn inspection_object(network: u8, state: u8, formatted: &str, lengths: u32, cvv_length: u8) -> Result<JsValue, JsValue>;

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
    let network = network_index(inspection.network);
    let state = match inspection.state {
        NumberState::Incomplete => 0,
        NumberState::Complete => 1,
        NumberState::Invalid => 2,
    };
    let lengths = inspection
        .lengths
        .iter()
        .filter(|&&n| (12..=19).contains(&n))
        .fold(0_u32, |mask, &n| mask | 1 << (n - 12));
    let cvv = inspection.cvv_length.and_then(|n| u8::try_from(n).ok()).unwrap_or(0);
    inspection_object(network, state, &inspection.formatted, lengths, cvv).unwrap_or_else(|_| to_js(&inspection))
}

/// The network of a (partial) card number, or `null` while the leading
/// digits cannot tell it (or the input is not a number).
#[wasm_bindgen(js_name = cardNetwork, unchecked_return_type = "NetworkName | null")]
pub fn card_network_js(#[wasm_bindgen(unchecked_param_type = "string")] number: JsValue) -> JsValue {
    scrubbed(|| network(&number))
}

fn network(number: &JsValue) -> JsValue {
    let Some(s) = number.as_string() else { return JsValue::NULL };
    match scan(&s) {
        Scan::Digits(d) if !d.is_empty() => match detect(d.as_bytes()) {
            Detection::Known(n) => JsValue::from_str(n.as_str()),
            Detection::Undecided => JsValue::NULL,
        },
        _ => JsValue::NULL,
    }
}

fn expiry(text: JsValue, now_value: JsValue) -> Result<JsValue, Error> {
    let now_loose: Loose = if is_nullish(&now_value) { Loose::Absent } else { from_js(now_value, "now", "a number")? };
    let now_ym = YearMonth::earliest_at(now(&now_loose, "now")?);
    let Some(text) = text.as_string() else {
        return Err(if is_nullish(&text) { Error::required("expiry_month") } else { type_error("expiry", "a string") });
    };
    let parsed = parse_combined(&text, now_ym)?.check(now_ym)?;
    Ok(to_js(&parsed.fields()))
}

/// Parses a combined expiry (`MM/YY`, `MM / YYYY`, `MMYY`, `MM-YY`) and
/// checks it against the clock (`now` in ms since the epoch, default the
/// browser's clock). Returns `{ expiry_month: "MM", expiry_year: "YY" }`.
///
/// # Errors
/// Throws a `RazorpayCheckoutError` (`kind` `required`, `invalid_format`,
/// `invalid_month`, `invalid_year`, `expired`, `too_far_ahead`).
#[wasm_bindgen(js_name = parseExpiry, unchecked_return_type = "ExpiryFields")]
pub fn parse_expiry_js(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number")] now: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    expiry(text, now.unwrap_or(JsValue::UNDEFINED)).map_err(|e| js_error(&e))
}
