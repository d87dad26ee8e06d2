//! Posting JSON to the merchant's backend: gloo-net, a timeout through an
//! `AbortController`, and a cap on how much of an answer is read.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::Request;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::error::{Error, ErrorKind};

/// Answers longer than this (in UTF-16 units) are refused unread into wasm
/// memory: no order response comes near it.
pub const MAX_RESPONSE_CHARS: u32 = 256 * 1024;

/// What came back: the HTTP status and the body text.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The body, as text (empty when there was none).
    pub text: String,
}

/// A `setTimeout` that aborts a controller, cleared on drop.
struct Deadline {
    id: JsValue,
    fired: Rc<Cell<bool>>,
    _callback: Closure<dyn FnMut()>,
}

impl Deadline {
    fn start(controller: &web_sys::AbortController, ms: u32) -> Option<Deadline> {
        let global = js_sys::global();
        let set_timeout = js_sys::Reflect::get(&global, &"setTimeout".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
        let fired = Rc::new(Cell::new(false));
        let (flag, controller) = (fired.clone(), controller.clone());
        let callback = Closure::<dyn FnMut()>::new(move || {
            flag.set(true);
            controller.abort();
        });
        let id = set_timeout.call2(&global, callback.as_ref(), &JsValue::from(ms)).ok()?;
        Some(Deadline { id, fired, _callback: callback })
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        let global = js_sys::global();
        if let Some(clear) = js_sys::Reflect::get(&global, &"clearTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        {
            let _ = clear.call1(&global, &self.id);
        }
    }
}

fn timeout_error() -> Error {
    Error::new(ErrorKind::Timeout, "The request to the merchant server timed out")
}

fn network_error() -> Error {
    Error::new(ErrorKind::Network, "The merchant server could not be reached")
}

/// POSTs `body` (JSON text) to `url` with `headers`, and reads the answer
/// within `timeout_ms` (headers and body together).
///
/// # Errors
/// `timeout` when the deadline passes, `network_error` when the request
/// fails (offline, refused, reset, CORS), `invalid_response` for an answer
/// over [`MAX_RESPONSE_CHARS`].
pub async fn post_json(url: &str, body: &str, headers: &[(String, String)], timeout_ms: u32) -> Result<Reply, Error> {
    let controller = web_sys::AbortController::new().map_err(|_| network_error())?;
    let deadline = Deadline::start(&controller, timeout_ms);
    let timed_out = || deadline.as_ref().is_some_and(|d| d.fired.get());

    let mut request = Request::post(url)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .abort_signal(Some(&controller.signal()));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let request = request.body(body).map_err(|_| network_error())?;
    let response = match request.send().await {
        Ok(r) => r,
        Err(_) if timed_out() => return Err(timeout_error()),
        Err(_) => return Err(network_error()),
    };
    let status = response.status();
    let raw: web_sys::Response = response.into();
    let text = match raw.text() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(e) => Err(e),
    };
    let text = match text {
        Ok(t) => t,
        Err(_) if timed_out() => return Err(timeout_error()),
        Err(_) => return Err(network_error()),
    };
    let length = text.dyn_ref::<js_sys::JsString>().map_or(0, |s| s.length());
    if length > MAX_RESPONSE_CHARS {
        return Err(Error::new(ErrorKind::InvalidResponse, "The merchant server's answer is too large").with_status(status));
    }
    Ok(Reply { status, text: text.as_string().unwrap_or_default() })
}
