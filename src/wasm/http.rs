//! Posting JSON to the merchant's backend: `fetch` (in src/wasm/shapes.js)
//! with a timeout, aborted when the request's future is dropped (as
//! reqwest's `AbortGuard` does), no redirect followed, and a cap on how
//! much of an answer is read. The answer's text stays a JS string: the
//! core's [`body_from_text`] reads it through [`JsText`], and `JSON.parse`
//! parses it where it is, never copied into wasm memory first.
//!
//! Not gloo-net: its web-sys bindings (`fetch`, `Headers`, `Response`,
//! `AbortController`) are imports without `catch`, so a page that patched
//! one of them to throw unwound through the module (issue 11, finding 8);
//! dropping gloo-net, web-sys and wasm-bindgen-futures from the shipped
//! module also cut the `.wasm` from 76,673 to 74,110 B gzip -9.

use wasm_bindgen::JsValue;

use super::js;
use super::task;
use crate::checkout::{body_from_text, Body, ReplyText};
use crate::error::{Error, ErrorKind};

/// Answers longer than this (in UTF-16 units) are refused unread into wasm
/// memory: no order response comes near it.
pub const MAX_RESPONSE_CHARS: u32 = 256 * 1024;

/// A reply's text, where `fetch` left it: a JS string.
pub struct JsText<'a>(pub &'a JsValue);

impl ReplyText for JsText<'_> {
    fn is_blank(&self) -> bool {
        js::is_blank(self.0)
    }
    fn parse(&self) -> Option<Body> {
        // (Any JSON value is read: an object leniently, the rest as "not
        // an object".)
        js::parse_text(self.0)
            .ok()
            .map(|v| super::walk::read::<Body>(v).unwrap_or(Body::NotJson))
    }
}

fn network_error() -> Error {
    Error::new(
        ErrorKind::Network,
        "The merchant server could not be reached",
    )
}

/// POSTs `body` (JSON text) to `url` with `headers`, and reads the answer
/// within `timeout_ms` (headers and body together): its status and body. A redirect is never
/// followed: the body holds the card number and CVV, and a 307 or 308
/// would send it on to whatever origin its `Location` names.
///
/// # Errors
/// `timeout` when the deadline passes, `network_error` when the request
/// fails (offline, refused, reset, CORS), `invalid_response` for a redirect
/// (any 3xx) or an answer over [`MAX_RESPONSE_CHARS`].
pub async fn post_json(
    url: &str,
    body: &str,
    headers: &[(String, String)],
    timeout_ms: u32,
) -> Result<(u16, Body), Error> {
    let mut joined = String::new();
    for (name, value) in headers {
        for part in [name, value] {
            if part.contains('\0') {
                return Err(network_error());
            }
            joined.push_str(part);
            joined.push('\0');
        }
    }
    let (ok, value) = task::post(url, body, &joined, timeout_ms, MAX_RESPONSE_CHARS).await;
    if !ok {
        return Err(match value.as_string().as_deref() {
            Some("timeout") => Error::new(ErrorKind::Timeout, "The request to the merchant server timed out"),
            Some("redirect") => Error::new(
                ErrorKind::InvalidResponse,
                "The merchant server answered with a redirect, which is never followed: the card is sent to the endpoint only",
            ),
            _ => network_error(),
        });
    }
    let status = js::own_item(&value, 0)
        .as_f64()
        .filter(|s| (0.0..=999.0).contains(s))
        .unwrap_or(0.0) as u16;
    match js::own_item(&value, 1) {
        text if text.is_string() => Ok((status, body_from_text(&JsText(&text)))),
        _ => Err(Error::new(
            ErrorKind::InvalidResponse,
            "The merchant server's answer is too large",
        )
        .with_status(status)),
    }
}
