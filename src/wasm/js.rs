//! Every call into the page's JS that can throw, as a `catch` import.
//!
//! A JS exception must never unwind through the module: it skips Rust's
//! clean-up (a decoded card is never dropped, so never wiped; a `RefCell`
//! stays borrowed), leaks the frames of the shadow stack it crossed (after
//! some 1,500 throws every export traps), and leaves a payment's promise
//! unsettled. So the browser edge calls nothing that can throw except
//! through the functions here, each of which returns a `Result`: the
//! functions of src/wasm/shapes.js, `Array.isArray`, `Object.entries`, and
//! js-sys's own `catch` imports (`Reflect.get`, `Function#call`).
//!
//! What stays non-`catch` cannot throw: wasm-bindgen's own intrinsics
//! (`typeof` tests, `instanceof` checks, which its glue wraps in
//! `try`/`catch`, string and number reads of a value), and the functions
//! of shapes.js that catch everything themselves (`makeError`, `ownJson`,
//! `numberText`, and the task queue's `schedule`, `deferred`, `invoke`):
//! they are how errors, results and settled promises get out even when the
//! page broke `Function.prototype.apply`, which wasm-bindgen's `catch`
//! wrapper calls.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// (The two both entries need are declared with the card exports, whose
// src/wasm/card.js holds them.)
pub use super::card::{make_error, now_js as now};

#[wasm_bindgen(module = "/src/wasm/shapes.js")]
extern "C" {
    /// `JSON.parse` as the module loaded it, of a JS string.
    #[wasm_bindgen(js_name = parse, catch)]
    pub fn parse_text(text: &JsValue) -> Result<JsValue, JsValue>;

    /// True for a JS string of whitespace only (or none). Never throws.
    #[wasm_bindgen(js_name = isBlank)]
    pub fn is_blank(text: &JsValue) -> bool;

    /// The JS text of a number; never throws (as `make_error`).
    #[wasm_bindgen(js_name = numberText)]
    pub fn number_text(n: f64) -> JsValue;

    /// Runs the task queue's closure in a microtask. Never throws.
    pub fn schedule(run: &JsValue);

    /// `[promise, settle]`, or `null`. Never throws.
    pub fn deferred() -> JsValue;

    /// `f(a, b)`. Never throws.
    pub fn invoke(f: &JsValue, a: &JsValue, b: &JsValue);

    /// The module's own JSON text as objects; never throws (as `make_error`).
    #[wasm_bindgen(js_name = ownJson)]
    pub fn own_json(text: &str) -> JsValue;

    /// `new Date().getTimezoneOffset()`.
    #[wasm_bindgen(js_name = timezoneOffset, catch)]
    pub fn timezone_offset() -> Result<JsValue, JsValue>;

    /// `location.href`.
    #[wasm_bindgen(js_name = pageHref, catch)]
    pub fn page_href() -> Result<JsValue, JsValue>;

    /// `new URL(text, base).href` without its fragment.
    #[wasm_bindgen(js_name = resolveUrl, catch)]
    pub fn resolve_url(text: &str, base: &str) -> Result<JsValue, JsValue>;

    /// A fresh idempotency key.
    #[wasm_bindgen(js_name = randomKey, catch)]
    pub fn random_key() -> Result<JsValue, JsValue>;

    /// Navigates to the bank's page.
    #[wasm_bindgen(catch)]
    pub fn navigate(url: &str, post: bool, top: bool) -> Result<(), JsValue>;

    /// Aborts the POST `id` (its `done` is then never called). Never throws.
    pub fn abort(id: u32);

    /// Starts a POST; its end is reported to `done(id, ok, value)`.
    #[wasm_bindgen(catch)]
    pub fn post(
        url: &str,
        body: &str,
        headers: &str,
        ms: u32,
        max_chars: u32,
        id: u32,
        done: &JsValue,
    ) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, which throws on a revoked Proxy.
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn is_array_js(value: &JsValue) -> Result<JsValue, JsValue>;

    /// `Object.entries`, which runs getters (and so may throw).
    #[wasm_bindgen(js_namespace = Object, js_name = entries, catch)]
    pub fn entries(value: &JsValue) -> Result<JsValue, JsValue>;
}

/// `Array.isArray(value)`; `Err` when it threw.
pub fn is_array(value: &JsValue) -> Result<bool, JsValue> {
    is_array_js(value).map(|v| v.as_bool() == Some(true))
}

/// `target[key]`, `undefined` when reading it threw.
pub fn get(target: &JsValue, key: &JsValue) -> JsValue {
    js_sys::Reflect::get(target, key).unwrap_or(JsValue::UNDEFINED)
}

/// `target[index]`, `undefined` when reading it threw.
pub fn item(target: &JsValue, index: u32) -> JsValue {
    get(target, &JsValue::from(index))
}

/// `target.length` and `target[index]` as `Reflect.get` reads them:
/// `Err` when the read threw (a Proxy, a getter, a patched `Object.entries`
/// that answered with one).
pub fn length(target: &JsValue) -> Result<f64, JsValue> {
    Ok(js_sys::Reflect::get(target, &"length".into())?
        .as_f64()
        .unwrap_or(0.0))
}

/// See [`length`].
pub fn at(target: &JsValue, index: u32) -> Result<JsValue, JsValue> {
    js_sys::Reflect::get(target, &JsValue::from(index))
}

/// `array[index]` of an array this module's JS made (or the engine, as
/// `Object.entries` does): its items are own data properties, so the read
/// runs no page code and cannot throw, whatever `Reflect.get` has become.
pub fn own_item(array: &JsValue, index: u32) -> JsValue {
    array.unchecked_ref::<js_sys::Array>().get(index)
}

/// The items of an array (or array-like Proxy), read one by one; `Err`
/// when a read throws or it has more than `max`.
pub fn items(array: &JsValue, max: u32) -> Result<Vec<JsValue>, JsValue> {
    let length = length(array)?;
    if !(0.0..=f64::from(max)).contains(&length) {
        return Err(JsValue::UNDEFINED);
    }
    (0..length as u32).map(|i| at(array, i)).collect()
}
