//! The merchant backend's request handling, fuzzed in process: a body for
//! one of its POST routes goes through the axum router
//! (`tower::ServiceExt::oneshot`) with the sandbox gateway running on
//! loopback behind it, and every answer must keep the invariants in
//! [`check`]:
//!
//! - no 5xx other than a gateway's 502/504 (no 500: nothing inside the
//!   backend fails on any input), and no panic;
//! - every answer is JSON, and every error has Razorpay's shape
//!   `{ error: { code, description, field, source, step, reason, metadata } }`
//!   (`POST /checkout/callback` answers the bank page's form with a 303 to
//!   the result page instead);
//! - the card number sent in `payment.card.number` never comes back, in any
//!   form (spaced, dashed or bare digits).
//!
//! Shared, through `#[path]`, by the `backend_request` cargo-fuzz target
//! (fuzz/fuzz_targets/backend_request.rs: libFuzzer's bytes are the body)
//! and by the bounded, seeded replay on stable Rust
//! (www/server/tests/request_fuzz.rs: thousands of mutated bodies from the
//! seeds below, for every POST route).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Mutex;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request};
use axum::Router;
use razorpay_demo::{Config, Handles};
use serde_json::{json, Map, Value};
use tower::ServiceExt;

/// Every POST route of the backend.
pub const ROUTES: &[&str] = &[
    "/api/carts",
    "/api/checkout",
    "/api/checkout/otp/generate",
    "/api/checkout/otp/submit",
    "/api/checkout/otp/resend",
    "/api/recurring",
    "/api/customers",
    "/api/verify",
    "/api/webhooks/razorpay",
    "/checkout/callback",
];

/// The backend under test: a runtime, the app (backend + sandbox) started
/// on loopback, and an in-process router over the same gateway.
pub struct Backend {
    rt: tokio::runtime::Runtime,
    router: Router,
    handles: Option<Handles>,
    dir: std::path::PathBuf,
    /// A signed-in shopper's `Cookie` header value.
    pub cookie: String,
    /// A valid body per route (the seeds mutations start from), in
    /// [`ROUTES`] order; some routes have several.
    pub seeds: Vec<(usize, Value)>,
    counter: Mutex<u64>,
}

/// One answer.
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// `Location`, if any.
    pub location: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Backend {
    /// Starts the app with fresh SQLite files in a temporary directory.
    pub fn start() -> Backend {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let dir = std::env::temp_dir().join(format!(
            "razorpay-fuzz-backend-{}-{}",
            std::process::id(),
            razorpay_demo::crypto::random_alnum(8)
        ));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let mut config = Config::sandbox_defaults();
        config.listen_addr = ([127, 0, 0, 1], 0).into();
        config.sandbox_addr = ([127, 0, 0, 1], 0).into();
        config.sandbox_db = dir.join("sandbox.sqlite");
        config.demo_db = dir.join("demo.sqlite");
        config.www_dir = dir.join("www");
        config.pkg_dir = dir.join("pkg");
        config.access_log = false;
        let handles = rt
            .block_on(razorpay_demo::start(config.clone()))
            .expect("the app starts");
        // The app's own state and router (the perimeter included), on a
        // database of its own, calling the running sandbox.
        let mut in_process = config.clone();
        in_process.demo_db = dir.join("in-process.sqlite");
        let state = razorpay_demo::app_state(
            &in_process,
            razorpay_demo::gateway_client::http_client(std::time::Duration::from_secs(30)),
            &handles.gateway_url,
            &handles.demo_url,
        )
        .expect("the backend's state");
        let router = razorpay_demo::backend_router(state);
        let mut backend = Backend {
            rt,
            router,
            handles: Some(handles),
            dir,
            cookie: String::new(),
            seeds: Vec::new(),
            counter: Mutex::new(0),
        };
        backend.make_seeds();
        backend
    }

    fn route(path: &str) -> usize {
        ROUTES.iter().position(|r| *r == path).expect("a route")
    }

    /// Valid bodies for every route, made through the router itself (a
    /// shopper, carts, an order and its OTP URLs).
    fn make_seeds(&mut self) {
        let shopper = json!({ "name": "Gaurav Kumar", "email": "gaurav.kumar@example.com", "contact": "9876543210" });
        let signed_in = self.post_raw(
            Self::route("/api/customers"),
            &shopper.to_string(),
            None,
            "application/json",
        );
        assert_eq!(
            signed_in.0.status,
            200,
            "{}",
            String::from_utf8_lossy(&signed_in.0.body)
        );
        self.cookie = signed_in.1.expect("a session cookie");
        let cust: Value = serde_json::from_slice(&signed_in.0.body).expect("JSON");
        let cust = cust["id"].as_str().expect("a customer id").to_string();
        let cart = |b: &Backend| -> String {
            let a = b
                .post_raw(
                    Self::route("/api/carts"),
                    r#"{"product":"tea_monthly"}"#,
                    None,
                    "application/json",
                )
                .0;
            let v: Value = serde_json::from_slice(&a.body).expect("JSON");
            v["id"].as_str().expect("a cart id").to_string()
        };
        let order = |cart: String, number: &str| {
            json!({
                "amount": 100, "currency": "INR", "receipt": cart, "customer_id": cust,
                "notes": { "key1": "value1" },
                "payment": {
                    "amount": 100, "email": "gaurav.kumar@example.com", "contact": "9876543210", "method": "card",
                    "customer_id": cust,
                    "card": { "name": "Gaurav Kumar", "number": number, "cvv": "123", "expiry_month": "12", "expiry_year": "35" },
                    "authentication": { "authentication_channel": "browser" },
                    "browser": { "java_enabled": false, "javascript_enabled": true, "timezone_offset": -330, "color_depth": 24, "screen_width": 1440, "screen_height": 900 },
                    "referer": "http://127.0.0.1:8080/checkout"
                }
            })
        };
        let checkout = Self::route("/api/checkout");
        let first = order(cart(self), "4111 1111 1111 1111");
        let placed = self.post(checkout, first.to_string().as_bytes(), true);
        let placed: Value = serde_json::from_slice(&placed.body).expect("JSON");
        let next = |action: &str| {
            placed["payment_workflow"]["next"]
                .as_array()
                .and_then(|n| n.iter().find(|a| a["action"] == action))
                .and_then(|a| a["url"].as_str())
                .unwrap_or("http://127.0.0.1:1/v1/payments/pay_AAAAAAAAAAAAAA/otp_generate")
                .to_string()
        };
        let otp_generate = next("otp_generate");
        let pid = placed["payment_workflow"]["razorpay_payment_id"]
            .as_str()
            .unwrap_or("pay_AAAAAAAAAAAAAA")
            .to_string();
        let otp_base = otp_generate
            .split("/otp_generate")
            .next()
            .unwrap_or_default()
            .to_string();
        let mut seeds = vec![
            (
                Self::route("/api/carts"),
                json!({ "product": "tea_monthly" }),
            ),
            (Self::route("/api/carts"), json!({ "product": "gift_box" })),
            (checkout, first),
            (checkout, order(cart(self), "5500-6700-0000-1002")),
            (checkout, order(cart(self), "378282246310005")),
        ];
        let mut saved = order(cart(self), "");
        saved["payment"]["card"] = json!({ "cvv": "" });
        saved["payment"]["token"] = json!("token_AAAAAAAAAAAAAA");
        seeds.push((checkout, saved));
        let mut mandate = order(cart(self), "4718609108204366");
        mandate["payment"]["recurring"] = json!(1);
        mandate["token"] = json!({ "max_amount": 100000, "frequency": "monthly" });
        seeds.push((checkout, mandate));
        seeds.extend([
            (Self::route("/api/checkout/otp/generate"), json!({ "url": otp_generate })),
            (Self::route("/api/checkout/otp/submit"), json!({ "url": format!("{otp_base}/otp/submit"), "otp": "123456" })),
            (Self::route("/api/checkout/otp/resend"), json!({ "url": format!("{otp_base}/otp/resend") })),
            (
                Self::route("/api/recurring"),
                json!({ "customer_id": cust, "token": "token_AAAAAAAAAAAAAA", "amount": 100, "email": "a@example.com", "contact": "9876543210" }),
            ),
            (Self::route("/api/customers"), shopper),
            (
                Self::route("/api/verify"),
                json!({ "razorpay_order_id": placed["id"], "razorpay_payment_id": pid, "razorpay_signature": "00".repeat(32) }),
            ),
            (
                Self::route("/api/webhooks/razorpay"),
                json!({ "entity": "event", "account_id": "acc_SandboxAcct001", "event": "payment.captured", "contains": ["payment"],
                    "payload": { "payment": { "entity": { "id": pid, "entity": "payment", "amount": 100 } } }, "created_at": 1_751_876_065 }),
            ),
            (
                Self::route("/checkout/callback"),
                json!({ "razorpay_payment_id": pid, "razorpay_order_id": placed["id"], "razorpay_signature": "00" }),
            ),
            (
                Self::route("/checkout/callback"),
                json!({ "error[code]": "BAD_REQUEST_ERROR", "error[description]": "Payment failed", "error[metadata]": format!("{{\"payment_id\":\"{pid}\"}}") }),
            ),
        ]);
        self.seeds = seeds;
    }

    /// Sends `body` to `ROUTES[route]`; answers the answer and its
    /// `Set-Cookie` value (name=value), if any.
    fn post_raw(
        &self,
        route: usize,
        body: &str,
        cookie: Option<&str>,
        content_type: &str,
    ) -> (Answer, Option<String>) {
        let key = {
            let mut n = self.counter.lock().unwrap_or_else(|p| p.into_inner());
            *n += 1;
            format!("fuzz-{n}")
        };
        let mut req = Request::builder()
            .method("POST")
            .uri(ROUTES[route % ROUTES.len()])
            .header(header::CONTENT_TYPE, content_type)
            .header("idempotency-key", key);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let mut req = req.body(Body::from(body.to_owned())).expect("a request");
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))));
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("the router is infallible");
            let status = resp.status().as_u16();
            let location = resp
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let cookie = resp
                .headers()
                .get(header::SET_COOKIE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .map(str::to_string);
            let body = axum::body::to_bytes(resp.into_body(), 1 << 24)
                .await
                .map(|b| b.to_vec())
                .unwrap_or_default();
            (
                Answer {
                    status,
                    location,
                    body,
                },
                cookie,
            )
        })
    }

    /// Sends raw `body` bytes to `ROUTES[route]` (form-encoded for the
    /// callback, JSON otherwise), signed in or not.
    pub fn post(&self, route: usize, body: &[u8], signed_in: bool) -> Answer {
        let route = route % ROUTES.len();
        let content_type = if ROUTES[route] == "/checkout/callback" {
            "application/x-www-form-urlencoded"
        } else {
            "application/json"
        };
        let cookie = signed_in.then_some(self.cookie.as_str());
        self.post_raw(route, &String::from_utf8_lossy(body), cookie, content_type)
            .0
    }

    /// The fuzz entry point: `data[0]` picks the route, bit 0 of `data[1]`
    /// the session, the rest is the body. Panics on a broken invariant.
    pub fn run(&self, data: &[u8]) {
        let (Some(&route), Some(&flags)) = (data.first(), data.get(1)) else {
            return;
        };
        let route = usize::from(route) % ROUTES.len();
        let body = &data[2..];
        let answer = self.post(route, body, flags & 1 == 1);
        if let Err(e) = check(ROUTES[route], body, &answer) {
            panic!(
                "{} {}: {e}\nbody: {}\nanswer {}: {}",
                ROUTES[route],
                if flags & 1 == 1 { "(signed in)" } else { "" },
                String::from_utf8_lossy(body),
                answer.status,
                String::from_utf8_lossy(&answer.body)
            );
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Some(h) = self.handles.take() {
            self.rt.block_on(h.shutdown());
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The card number a body carries in `payment.card.number`, as digits.
fn card_digits(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let n = v.pointer("/payment/card/number")?;
    let text = match n {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 12).then_some(digits)
}

/// The invariants of one answer (see the module's documentation).
///
/// # Errors
/// What is broken.
pub fn check(route: &str, body: &[u8], answer: &Answer) -> Result<(), String> {
    let status = answer.status;
    if status >= 500 && status != 502 && status != 504 {
        return Err(format!("HTTP {status}"));
    }
    if let Some(digits) = card_digits(body) {
        let text = String::from_utf8_lossy(&answer.body);
        let squeezed: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
            .collect();
        if squeezed.contains(&digits)
            || answer
                .location
                .as_deref()
                .is_some_and(|l| l.contains(&digits))
        {
            return Err("the card number came back".into());
        }
    }
    if route == "/checkout/callback" && status == 303 {
        return match answer.location.as_deref() {
            Some(l) if l.starts_with("/result.html?") => Ok(()),
            other => Err(format!("303 to {other:?}")),
        };
    }
    let json: Value = serde_json::from_slice(&answer.body).map_err(|e| format!("not JSON: {e}"))?;
    if status >= 400 {
        let e = json
            .get("error")
            .and_then(Value::as_object)
            .ok_or("no error object")?;
        for key in ["code", "description", "source", "step", "reason"] {
            if !e.get(key).is_some_and(Value::is_string) {
                return Err(format!("error.{key} is not a string"));
            }
        }
        if !e.get("field").is_some_and(|f| f.is_string() || f.is_null()) {
            return Err("error.field is neither a string nor null".into());
        }
        if !e.get("metadata").is_some_and(Value::is_object) {
            return Err("error.metadata is not an object".into());
        }
    } else if !json.is_object() {
        return Err("a success that is not a JSON object".into());
    }
    Ok(())
}

// ---------------------------------------------------------------- mutations

/// A small deterministic generator (SplitMix64).
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Odd values a field could get.
fn odd_value(rng: &mut Rng) -> Value {
    match rng.below(24) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(0),
        3 => json!(-1),
        4 => json!(1.5),
        5 => json!(1e308),
        6 => json!(9_007_199_254_740_993_u64),
        7 => json!(u64::MAX),
        8 => json!(i64::MIN),
        9 => json!(""),
        10 => json!(" "),
        11 => json!("x".repeat(rng.below(5000) + 1)),
        12 => json!("ünïcödé ☃ \u{202e} \u{0}"),
        13 => json!("<script>alert(1)</script>"),
        14 => json!("cust_AAAAAAAAAAAAAA"),
        15 => json!("token_AAAAAAAAAAAAAA"),
        16 => json!("cart_AAAAAAAAAAAAAA"),
        17 => json!("https://evil.example/x"),
        18 => json!([]),
        19 => json!([1, "a", null, {}]),
        20 => json!({}),
        21 => json!({ "a": { "b": { "c": [[[]]] } } }),
        22 => json!("100"),
        _ => json!("4111111111111111"),
    }
}

/// Every node path of `v` (object keys, array indices), depth first.
fn paths(v: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                prefix.push(k.clone());
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                prefix.push(i.to_string());
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn node<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let mut cur = v;
    for p in path {
        cur = match cur {
            Value::Object(m) => m.get_mut(p)?,
            Value::Array(a) => a.get_mut(p.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// One to four structural mutations of a seed (replace a value, remove or
/// add a key, wrap a value in an array), then, one time in four, a byte-level
/// one (truncate, flip, insert) of its text.
pub fn mutate(rng: &mut Rng, seed: &Value) -> Vec<u8> {
    let mut v = seed.clone();
    for _ in 0..=rng.below(4) {
        let mut all = Vec::new();
        paths(&v, &mut Vec::new(), &mut all);
        if all.is_empty() {
            v = odd_value(rng);
            continue;
        }
        let path = all[rng.below(all.len())].clone();
        let (parent_path, last) = path.split_at(path.len() - 1);
        match rng.below(6) {
            0 | 1 => {
                if let Some(n) = node(&mut v, &path) {
                    *n = odd_value(rng);
                }
            }
            2 => {
                if let Some(Value::Object(m)) = node(&mut v, parent_path) {
                    m.remove(&last[0]);
                }
            }
            3 => {
                if let Some(Value::Object(m)) = node(&mut v, parent_path) {
                    let key = [
                        "foo",
                        "ip",
                        "callback_url",
                        "customer_id",
                        "amount",
                        "token",
                        "save",
                        "__proto__",
                        "",
                    ][rng.below(9)];
                    m.insert(key.to_string(), odd_value(rng));
                }
            }
            4 => {
                if let Some(n) = node(&mut v, &path) {
                    *n = Value::Array(vec![n.take()]);
                }
            }
            _ => {
                if let Some(Value::String(s)) = node(&mut v, &path) {
                    let cut = rng.below(s.len() + 1);
                    let cut = (0..=cut)
                        .rev()
                        .find(|i| s.is_char_boundary(*i))
                        .unwrap_or(0);
                    s.truncate(cut);
                }
            }
        }
    }
    let mut bytes = v.to_string().into_bytes();
    if rng.below(4) == 0 && !bytes.is_empty() {
        let at = rng.below(bytes.len());
        match rng.below(3) {
            0 => bytes.truncate(at),
            1 => bytes[at] ^= 1 << rng.below(8),
            _ => {
                let junk: &[u8] = [
                    &b"{"[..],
                    b"}",
                    b"\"",
                    b"\\",
                    b",",
                    b"\xff",
                    b"\0",
                    b"[[[[[[[[",
                ][rng.below(8)];
                bytes.splice(at..at, junk.iter().copied());
            }
        }
    }
    bytes
}

/// The callback's seeds are forms: a flat object as `k=v&…`.
pub fn as_form(bytes: &[u8]) -> Vec<u8> {
    match serde_json::from_slice::<Map<String, Value>>(bytes) {
        Ok(m) => {
            let pairs: Vec<(String, String)> = m
                .into_iter()
                .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                .collect();
            serde_urlencoded::to_string(pairs)
                .unwrap_or_default()
                .into_bytes()
        }
        Err(_) => bytes.to_vec(),
    }
}
