//! A bounded load test of the merchant backend and the sandbox gateway on
//! loopback.
//!
//! Starts both (`razorpay_demo::start`) on ephemeral ports with fresh
//! SQLite files, runs `--shoppers` concurrent shoppers for `--seconds`
//! through `POST /api/checkout` (each order with its own Idempotency-Key
//! and a cart of its own from `POST /api/carts`: the receipt; the backend
//! prices it), and mixes in deliberate duplicates:
//!
//! - every `--dup-every`-th order is sent twice at the same time with the
//!   same key (a double click / a retry racing the first request);
//! - the one after it is sent again later with the same key (a retry after
//!   a timeout);
//! - the one after that is sent again with a new key and the same body (a
//!   second tab: the backend makes one order per receipt).
//!
//! Then it checks, from the sandbox's SQLite file after shutdown: no 5xx,
//! no transport error, no other failed request; exactly one order and one
//! payment per receipt (so per unique key), none for the duplicates; every
//! duplicate got the same order id as its original. It prints requests/s,
//! latency p50/p95/p99/max and the counts, and exits non-zero when a check
//! fails.
//!
//! ```sh
//! cargo run --release -p razorpay-demo --example load                 # 30 s, 16 shoppers
//! cargo run --release -p razorpay-demo --example load -- --short      # 3 s (for tests)
//! cargo run --release -p razorpay-demo --example load -- --seconds 60 --shoppers 32 --dup-every 5
//! cargo run --release -p razorpay-demo --example load -- --short --inject-fault   # must FAIL
//! ```
//!
//! `--inject-fault` shows the checks can fail: after the run it creates one
//! more order for an existing receipt directly at the sandbox (as a backend
//! that lost its de-duplication would), and the run must report it.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use razorpay_demo::Config;
use serde_json::{json, Value};
use tokio::sync::Mutex;

struct Options {
    seconds: f64,
    shoppers: usize,
    dup_every: u64,
    fault: bool,
}

/// Orders, payments, and (receipt, orders, payments) per receipt.
type Books = (i64, i64, Vec<(String, i64, i64)>);

fn options() -> Result<Options, String> {
    let mut o = Options {
        seconds: 30.0,
        shoppers: 16,
        dup_every: 10,
        fault: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--short" => o.seconds = 3.0,
            "--inject-fault" => o.fault = true,
            "--seconds" => {
                o.seconds = value("--seconds")?
                    .parse()
                    .map_err(|_| "--seconds: a number")?
            }
            "--shoppers" => {
                o.shoppers = value("--shoppers")?
                    .parse()
                    .map_err(|_| "--shoppers: a number")?
            }
            "--dup-every" => {
                o.dup_every = value("--dup-every")?
                    .parse()
                    .map_err(|_| "--dup-every: a number")?
            }
            "-h" | "--help" => {
                return Err("usage: load [--short | --seconds S] [--shoppers N] [--dup-every K] [--inject-fault]".into());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if !(o.seconds > 0.0 && o.seconds <= 3600.0)
        || o.shoppers == 0
        || o.shoppers > 1024
        || o.dup_every < 3
    {
        return Err("--seconds in (0, 3600], --shoppers in 1..=1024, --dup-every ≥ 3".into());
    }
    Ok(o)
}

/// The product every shopper buys (₹1.00 in the backend's catalogue).
const PRODUCT: &str = "tea_monthly";

/// A new cart from the backend: its id (the order's receipt).
async fn new_cart(http: &reqwest::Client, demo_url: &str) -> Result<String, String> {
    let r = http
        .post(format!("{demo_url}/api/carts"))
        .json(&json!({ "product": PRODUCT }))
        .send()
        .await
        .map_err(|e| format!("POST /api/carts: transport error: {e}"))?;
    let status = r.status().as_u16();
    let v: Value = r
        .json()
        .await
        .map_err(|e| format!("POST /api/carts: HTTP {status}, body not JSON: {e}"))?;
    match v["id"].as_str() {
        Some(id) if status == 200 && v["amount"] == 100 => Ok(id.to_string()),
        _ => Err(format!("POST /api/carts: HTTP {status}: {v}")),
    }
}

/// The composite order of one shopper's checkout, in the wire shape the
/// page posts (no `ip`, no `callback_url`: the backend adds them), at the
/// cart's price.
fn order(receipt: &str) -> Value {
    json!({
        "amount": 100,
        "currency": "INR",
        "receipt": receipt,
        "payment": {
            "amount": 100,
            "email": "gaurav.kumar@example.com",
            "contact": "9876543210",
            "method": "card",
            "card": { "name": "Gaurav Kumar", "number": "4100280000001007", "cvv": "123", "expiry_month": "12", "expiry_year": "35" },
            "authentication": { "authentication_channel": "browser" },
            "browser": { "java_enabled": false, "javascript_enabled": true, "timezone_offset": -330, "color_depth": 24, "screen_width": 1440, "screen_height": 900 },
            "referer": "http://127.0.0.1/checkout"
        }
    })
}

/// The first `order_…` id anywhere in an answer.
fn order_id(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.starts_with("order_") => Some(s.clone()),
        Value::Array(a) => a.iter().find_map(order_id),
        Value::Object(m) => m
            .get("razorpay_order_id")
            .or_else(|| m.get("order_id"))
            .and_then(order_id)
            .or_else(|| m.values().find_map(order_id)),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Unique,
    SameKeyConcurrent,
    SameKeyRetry,
    NewKeySameBody,
}

struct Sample {
    kind: Kind,
    receipt: String,
    latency: Duration,
    status: Option<u16>, // None: transport error
    order_id: Option<String>,
    replayed: bool,
}

#[derive(Default)]
struct Totals {
    samples: Vec<Sample>,
    errors: Vec<String>,
}

async fn send(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    body: &Value,
    kind: Kind,
    receipt: &str,
) -> (Sample, Option<String>) {
    let start = Instant::now();
    let result = http
        .post(url)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await;
    let (status, order_id, replayed, error) = match result {
        Err(e) => (
            None,
            None,
            false,
            Some(format!("{kind:?} {key}: transport error: {e}")),
        ),
        Ok(r) => {
            let status = r.status().as_u16();
            let replayed = r
                .headers()
                .get("idempotent-replayed")
                .is_some_and(|v| v == "true");
            match r.json::<Value>().await {
                Ok(v) => {
                    let error =
                        (status != 200).then(|| format!("{kind:?} {key}: HTTP {status}: {v}"));
                    (Some(status), order_id(&v), replayed, error)
                }
                Err(e) => (
                    Some(status),
                    None,
                    replayed,
                    Some(format!("{kind:?} {key}: HTTP {status}, body not JSON: {e}")),
                ),
            }
        }
    };
    let sample = Sample {
        kind,
        receipt: receipt.to_string(),
        latency: start.elapsed(),
        status,
        order_id,
        replayed,
    };
    (sample, error)
}

async fn shopper(
    id: usize,
    http: reqwest::Client,
    demo_url: String,
    deadline: Instant,
    dup_every: u64,
    totals: Arc<Mutex<Totals>>,
) {
    let url = format!("{demo_url}/api/checkout");
    // The page loads /api/config first: that starts its checkout session.
    let _ = http.get(format!("{demo_url}/api/config")).send().await;
    let mut samples = Vec::new();
    let mut errors = Vec::new();
    let mut cart_errors = Vec::new();
    let mut keep = |(s, e): (Sample, Option<String>)| {
        samples.push(s);
        errors.extend(e);
    };
    // The previous orders, for the retry and second-tab duplicates.
    let mut previous: Vec<(String, String, Value)> = Vec::new();
    let mut n: u64 = 0;
    while Instant::now() < deadline {
        n += 1;
        let receipt = match new_cart(&http, &demo_url).await {
            Ok(cart) => cart,
            Err(e) => {
                cart_errors.push(e);
                break;
            }
        };
        let key = format!("key-{id}-{n}");
        let body = order(&receipt);
        if n.is_multiple_of(dup_every) {
            // Two at once with the same key.
            let (a, b) = tokio::join!(
                send(&http, &url, &key, &body, Kind::Unique, &receipt),
                send(&http, &url, &key, &body, Kind::SameKeyConcurrent, &receipt)
            );
            keep(a);
            keep(b);
        } else if n % dup_every == 1 && !previous.is_empty() {
            keep(send(&http, &url, &key, &body, Kind::Unique, &receipt).await);
            let (k, r, b) = previous.last().cloned().unwrap_or_default();
            keep(send(&http, &url, &k, &b, Kind::SameKeyRetry, &r).await);
        } else if n % dup_every == 2 && !previous.is_empty() {
            keep(send(&http, &url, &key, &body, Kind::Unique, &receipt).await);
            let (_, r, b) = previous.last().cloned().unwrap_or_default();
            keep(
                send(
                    &http,
                    &url,
                    &format!("tab2-{id}-{n}"),
                    &b,
                    Kind::NewKeySameBody,
                    &r,
                )
                .await,
            );
        } else {
            keep(send(&http, &url, &key, &body, Kind::Unique, &receipt).await);
        }
        previous.push((key, receipt, body));
        if previous.len() > 4 {
            previous.remove(0);
        }
    }
    let mut t = totals.lock().await;
    t.samples.extend(samples);
    t.errors.extend(errors);
    t.errors.extend(cart_errors);
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    let opts = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "razorpay-load-{}-{}",
        std::process::id(),
        razorpay_demo::crypto::random_alnum(6)
    ));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut config = Config::sandbox_defaults();
    config.listen_addr = ([127, 0, 0, 1], 0).into();
    config.sandbox_addr = ([127, 0, 0, 1], 0).into();
    config.sandbox_db = dir.join("sandbox.sqlite");
    config.demo_db = dir.join("demo.sqlite");
    config.access_log = false;
    let handles = match razorpay_demo::start(config).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("the demo did not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "load: {} shoppers for {} s against {} (gateway {}), duplicates every {} orders",
        opts.shoppers, opts.seconds, handles.demo_url, handles.gateway_url, opts.dup_every
    );
    // One browser per shopper: its own cookies (the checkout session that
    // owns its receipts), started by loading the page's /api/config.
    let browser = || {
        reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .cookie_store(true)
            .build()
            .expect("a reqwest client")
    };
    let http = browser();

    let totals = Arc::new(Mutex::new(Totals::default()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(opts.seconds);
    let tasks: Vec<_> = (0..opts.shoppers)
        .map(|id| {
            tokio::spawn(shopper(
                id,
                browser(),
                handles.demo_url.clone(),
                deadline,
                opts.dup_every,
                totals.clone(),
            ))
        })
        .collect();
    let mut panicked = 0;
    for t in tasks {
        if t.await.is_err() {
            panicked += 1;
        }
    }
    let elapsed = started.elapsed();
    if opts.fault {
        let key = Config::sandbox_defaults();
        let paid = totals
            .lock()
            .await
            .samples
            .iter()
            .find(|s| s.kind == Kind::Unique && s.status == Some(200))
            .map(|s| s.receipt.clone());
        let receipt = paid.unwrap_or_default();
        let mut body = order(&receipt);
        body["payment"]["ip"] = json!("127.0.0.1");
        body["payment"]["callback_url"] = json!(format!("{}/checkout/callback", handles.demo_url));
        let injected = http
            .post(format!("{}/v1/orders", handles.gateway_url))
            .basic_auth(&key.key_id, Some(&key.key_secret))
            .json(&body)
            .send()
            .await;
        let answer = match injected {
            Ok(r) => format!("HTTP {}", r.status().as_u16()),
            Err(e) => e.to_string(),
        };
        println!("injected fault: a second order for receipt {receipt} straight at the sandbox: {answer}");
    }
    handles.shutdown().await;

    let totals = std::mem::take(&mut *totals.lock().await);
    let samples = totals.samples;
    let mut failures: Vec<String> = totals.errors;
    if panicked > 0 {
        failures.push(format!("{panicked} shopper tasks panicked"));
    }

    // ---- latency and throughput
    let mut latencies: Vec<Duration> = samples.iter().map(|s| s.latency).collect();
    latencies.sort();
    let transport = samples.iter().filter(|s| s.status.is_none()).count();
    let server_errors = samples
        .iter()
        .filter(|s| s.status.is_some_and(|c| c >= 500))
        .count();
    let other = samples
        .iter()
        .filter(|s| s.status.is_some_and(|c| c != 200 && c < 500))
        .count();
    let mut by_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for s in &samples {
        *by_kind.entry(s.kind).or_default() += 1;
    }
    println!(
        "requests: {} in {:.2} s = {:.0} req/s; latency p50 {} p95 {} p99 {} max {}",
        samples.len(),
        elapsed.as_secs_f64(),
        samples.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.95)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
    println!(
        "by kind: unique {} · same key at once {} · same key retried {} · new key, same body (second tab) {}",
        by_kind.get(&Kind::Unique).unwrap_or(&0),
        by_kind.get(&Kind::SameKeyConcurrent).unwrap_or(&0),
        by_kind.get(&Kind::SameKeyRetry).unwrap_or(&0),
        by_kind.get(&Kind::NewKeySameBody).unwrap_or(&0),
    );
    println!("errors: {transport} transport, {server_errors} 5xx, {other} other non-200");
    // Of two same-key requests at once, either may be the one replayed;
    // a second tab (new key) is matched by its receipt, not replayed.
    let replayed = samples.iter().filter(|s| s.replayed).count();
    println!("answers with Idempotent-Replayed: true: {replayed}");

    // ---- every duplicate got its original's order
    let mut first_order: HashMap<&str, &str> = HashMap::new();
    for s in samples.iter().filter(|s| s.kind == Kind::Unique) {
        match &s.order_id {
            Some(o) => {
                if let Some(prev) = first_order.insert(&s.receipt, o) {
                    failures.push(format!(
                        "receipt {} sent twice as unique ({prev}, {o})",
                        s.receipt
                    ));
                }
            }
            None if s.status == Some(200) => {
                failures.push(format!("no order id in the answer for {}", s.receipt))
            }
            None => {}
        }
    }
    for s in samples.iter().filter(|s| s.kind != Kind::Unique) {
        let original = first_order.get(s.receipt.as_str()).copied();
        if s.order_id.as_deref() != original {
            failures.push(format!(
                "{:?} of {} answered {:?}, the original {:?}",
                s.kind, s.receipt, s.order_id, original
            ));
        }
    }

    // ---- the sandbox's books
    let books = (|| -> rusqlite::Result<Books> {
        let conn = rusqlite::Connection::open(dir.join("sandbox.sqlite"))?;
        let orders: i64 = conn.query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))?;
        let payments: i64 = conn.query_row("SELECT COUNT(*) FROM payments", [], |r| r.get(0))?;
        let mut stmt = conn.prepare(
            "SELECT json_extract(o.data, '$.receipt'), COUNT(DISTINCT o.id), COUNT(p.id)
             FROM orders o LEFT JOIN payments p ON p.order_id = o.id
             GROUP BY json_extract(o.data, '$.receipt')",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    r.get(1)?,
                    r.get(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((orders, payments, rows))
    })();
    match books {
        Err(e) => failures.push(format!("cannot read the sandbox database: {e}")),
        Ok((orders, payments, rows)) => {
            let unique = first_order.len() as i64;
            println!(
                "sandbox: {orders} orders, {payments} payments for {unique} unique keys (receipts)"
            );
            if orders != unique || payments != unique {
                failures.push(format!(
                    "{unique} unique keys made {orders} orders and {payments} payments"
                ));
            }
            for (receipt, o, p) in rows {
                if o != 1 || p != 1 {
                    failures.push(format!("receipt {receipt}: {o} orders, {p} payments"));
                }
                if !first_order.contains_key(receipt.as_str()) {
                    failures.push(format!(
                        "receipt {receipt}: an order no successful request asked for"
                    ));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);

    if failures.is_empty() {
        println!("ok: no errors; one order and one payment per unique key; duplicates made none");
        ExitCode::SUCCESS
    } else {
        println!("FAILED ({} problems):", failures.len());
        for f in failures.iter().take(20) {
            println!("  {f}");
        }
        ExitCode::FAILURE
    }
}
