//! # razorpay-checkout-wasm
//!
//! A checkout helper for Razorpay's (and Curlec's) server-to-server card
//! APIs, compiled to WebAssembly for the shopper's browser.
//!
//! This file is only a table of contents:
//!
//! - [`card`]: the card engine (number, network, expiry, CVV, name) — pure Rust;
//! - [`checkout`]: the composite-order checkout core (payload, responses,
//!   next-action URLs, the OTP/redirect state machine) — pure Rust;
//! - [`error`]: the one error type, with Razorpay's error-object fields;
//! - [`value`]: lenient decoding of whatever a page passes in;
//! - [`json`]: a small serde serializer to JSON text (results and requests);
//! - `wasm` (only on `wasm32`): the `#[wasm_bindgen]` exports and the
//!   browser edge (js-sys, and src/wasm/shapes.js).

#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod card;
#[cfg(feature = "checkout")]
pub mod checkout;
pub mod error;
pub mod json;
pub mod value;
pub mod wire;

#[cfg(all(target_arch = "wasm32", feature = "edge"))]
pub mod wasm;

pub use error::{Error, ErrorKind, Result};
