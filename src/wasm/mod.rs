//! The browser edge: the only code that touches wasm-bindgen, js-sys and
//! web-sys. Everything here decodes `JsValue`s inside functions that return
//! `Result`, calls the pure core, and hands plain objects back.
//!
//! - [`convert`] — `Error` → JS `Error`, values → plain objects;
//! - [`browser`] — `collectBrowser` (navigator, screen, Date);
//! - [`card`] — the one `Error` → JS `Error` conversion, a JS scalar as a
//!   `Loose`, the clock (the card functions, `validateCard` and the rest,
//!   are the card entry's module, crates/card-wasm, which the main entry's
//!   index.js re-exports);
//! - [`checkout`] — the `Checkout` class (post, next actions, OTP);
//! - [`http`] — JSON over `fetch` with a timeout, no redirect followed;
//! - [`js`] — every call into the page's JS that can throw, `catch`;
//! - [`response`] — `parseOrderResponse`;
//! - [`task`] — the async exports' task queue and promises;
//! - [`types`] — the TypeScript declarations merchants' editors see;
//! - [`walk`] — a `JsValue` read into the core's value tree (no serde);
//! - [`wipe`] — zero-on-free global allocator and stack scrubbing, so no
//!   card number outlives its call in the module's memory.

#[cfg(feature = "checkout")]
pub mod browser;
#[cfg(feature = "checkout")]
pub mod card;
#[cfg(feature = "checkout")]
pub mod checkout;
#[cfg(feature = "checkout")]
pub mod convert;
#[cfg(feature = "checkout")]
pub mod http;
#[cfg(feature = "checkout")]
pub mod js;
#[cfg(feature = "checkout")]
pub mod response;
#[cfg(feature = "checkout")]
pub mod task;
#[cfg(feature = "checkout")]
mod types;
#[cfg(feature = "checkout")]
pub mod walk;
pub mod wipe;

#[cfg(feature = "panic-hook")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}
