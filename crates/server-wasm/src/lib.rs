//! # razorpay-checkout-wasm-server
//!
//! The merchant's side of the checkout, for a Node backend
//! (`razorpay-checkout-wasm/server`): the same checkout core as the browser
//! and the Rust demo backend (`razorpay_checkout_wasm::checkout`), plus what
//! only a server does. Pure Rust, tested natively; `wasm` (on `wasm32`
//! only) is the thin `#[wasm_bindgen]` edge the Node entry calls.
//!
//! - [`answer`]: error answers in the shape the page reads;
//! - [`api`]: the Node entry's functions, JSON text in and out;
//! - [`ledger`]: whether an attempt may move money (its key, its receipt);
//! - [`order`]: the page's `POST /api/checkout` body checked and turned into
//!   the gateway's `POST /v1/orders` body;
//! - [`otp`]: the page's OTP relay calls checked and mapped to the gateway
//!   call each stands for;
//! - [`signature`]: payment signatures, webhooks over the raw body (several
//!   secrets, for a rotation), the callback form;
//! - [`verdict`]: what the result page is told about a payment.

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

pub mod answer;
pub mod api;
pub mod ledger;
pub mod order;
pub mod otp;
pub mod signature;
pub mod verdict;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use answer::Answer;
