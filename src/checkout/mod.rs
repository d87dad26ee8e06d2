//! The composite-order checkout core: pure Rust (no web-sys, no
//! wasm-bindgen), tested natively. The browser edge (`crate::wasm`) and the
//! merchant's server both build on it.
//!
//! - [`browser`]: `payment.browser`, `payment.authentication`, `referer`;
//! - [`url`]: next-action URL safety ([`check_next_url`]);
//! - [`lenient`]: lenient decoding of nested objects and maps;
//! - [`payload`]: the `POST /v1/orders` request ([`build_order_request`],
//!   [`validate_order_request`]);
//! - [`response`]: the replies (order, OTP generate, OTP submit, errors);
//! - [`flow`]: the next-action state machine ([`Flow`]);
//! - [`talk`]: the conversation with the merchant's backend: what each
//!   step makes the browser do, what a call settles with and reports to
//!   `onProgress`, and the OTP routes' contract (shared with `www/server`);
//! - [`options`]: which option names `Checkout` and `pay()` take.

pub mod browser;
pub mod flow;
pub mod lenient;
pub mod options;
pub mod payload;
pub mod response;
pub mod talk;
pub mod url;

#[cfg(test)]
mod testkit;

pub use browser::{
    referer_from_url, Authentication, AuthenticationChannel, BrowserInfo, RawBrowser,
};
pub use flow::{
    fingerprint, may_retry_with_key, AuthPreference, Flow, FlowOptions, NavMethod, Otp, Progress,
    Step,
};
pub use lenient::{top_object, FromObject, LooseMap, LooseObject};
pub use payload::{
    build_order_request, validate_order_request, BuildContext, CheckoutInput, Frequency,
    MandateToken, Method, NoteValue, Notes, OrderRequest, PaymentInput, PaymentRequest,
};
pub use response::{
    offered_actions, parse_order_response, parse_otp_generate, parse_otp_submit, resend_offered,
    retry_offered, Action, Body, NextAction, OrderOutcome, OtpChallenge, OtpMetadata,
    PaymentSuccess, ResponseBody,
};
pub use talk::{
    body_from_text, default_otp_endpoint, Move, OtpCall, OtpRequest, Outcome, ProgressEvent,
    Rejection, Reply, ReplyText, Started,
};
pub use url::{check_endpoint, check_next_url, CheckedUrl, UrlPolicy};
