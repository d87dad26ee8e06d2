//! Reading the shopper's browser for the composite API's `payment.browser`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::to_js;
use super::js;
use crate::checkout::{referer_from_url, BrowserInfo, RawBrowser};

/// A number property of a JS object, if it is one.
fn number(target: &JsValue, key: &str) -> Option<f64> {
    js::get(target, &JsValue::from_str(key)).as_f64()
}

/// Reads `navigator`, `screen` and `Date` and normalises what they say.
/// Missing objects or odd values get safe defaults; this never throws.
pub fn read_browser() -> BrowserInfo {
    let global = js_sys::global();
    let navigator = js::get(&global, &"navigator".into());
    let screen = js::get(&global, &"screen".into());
    // `navigator.javaEnabled()` where it exists (it always answers false today).
    let java_enabled = js::get(&navigator, &"javaEnabled".into())
        .dyn_into::<js_sys::Function>()
        .ok()
        .and_then(|f| f.call0(&navigator).ok())
        .and_then(|v| v.as_bool());
    BrowserInfo::from_raw(RawBrowser {
        java_enabled,
        javascript_enabled: Some(true),
        timezone_offset: js::timezone_offset().ok().and_then(|v| v.as_f64()),
        screen_width: number(&screen, "width"),
        screen_height: number(&screen, "height"),
        color_depth: number(&screen, "colorDepth"),
    })
}

/// The page URL without its `#fragment`, for `payment.referer`.
pub fn read_referer() -> String {
    let href = js::page_href()
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    referer_from_url(&href)
}

/// The composite API's `payment.browser` object, read from this browser:
/// `{ java_enabled, javascript_enabled, timezone_offset, screen_width,
/// screen_height, color_depth }`. `color_depth` is rounded down to the
/// EMV 3-D Secure set (a reported 30 becomes 24). Never throws once the
/// checkout module is loaded (through the package's `index.js`: await
/// `loadCheckout()` first, else an `invalid_state` error).
#[wasm_bindgen(js_name = collectBrowser, unchecked_return_type = "BrowserObject")]
pub fn collect_browser() -> JsValue {
    to_js(&read_browser())
}
