//! Two backend processes on one PostgreSQL, a round-robin in front, and
//! faults: the proof that a retry landing on the other instance does not
//! pay again (`make load-cluster`, which starts a throwaway PostgreSQL with
//! scripts/pg.sh and runs this with `--database-url` and `--pg-dir`).
//!
//! On loopback: the sandbox gateway in this process (its own SQLite file),
//! two `razorpay-demo` processes (`--backend`, default: the binary next to
//! this example) with `DATABASE_URL` and the same `SESSION_SECRET` (a
//! browser's checkout-session cookie is good on both), and a TCP
//! round-robin proxy (one backend per connection, the other when the first
//! refuses).
//!
//! **Steady phase** (`--seconds`, 30): `--shoppers` (16) browsers, each
//! with its own cookies, buy carts (made through the proxy). Each order goes
//! to one instance; every `--dup-every`-th is sent twice at once with the
//! same key, one to each instance; the next is retried later with the same
//! key on the other instance; the one after is sent again with a new key
//! from the same browser on the other instance (a second tab). It fails
//! unless every request got a 200 and the sandbox holds exactly one order
//! and one payment per unique key and per receipt, and every duplicate got
//! its original's order. `--inject-fault` makes one more order for a paid
//! receipt straight at the sandbox (a lost de-duplication): it must fail.
//! `--separate-stores` gives each instance its own SQLite file instead of
//! the shared PostgreSQL (what a second instance had before the store
//! interface): it must fail too, with double orders.
//!
//! **Fault phase** (`--fault-seconds`, 15; skipped with `--inject-fault` or
//! `--no-faults`): the shoppers go through the proxy only, each retrying a
//! failed request (a reset, a 5xx, a 409 `idempotency_key_in_use`) with the
//! same key. After 3 s instance A is killed with SIGKILL, requests in
//! flight; after 7 s PostgreSQL is restarted (`scripts/pg.sh restart`).
//! It fails if any request hangs past its 25 s timeout, if any receipt has
//! more than one order or payment at the sandbox, if a key's 200 names
//! another order than the sandbox's one for its receipt, or if a key ends
//! with neither a 200 nor a reconciled 409 (`order_payment_in_progress`:
//! the gateway has its payment waiting at the bank).
//!
//! The instances run with `GATEWAY_TIMEOUT_MS=3000`, so a claim left by
//! the killed instance is stale after 11 s (see
//! `razorpay_demo::single_flight::stale_after_secs`) and the retry on the
//! survivor reconciles with the gateway within its timeout.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use razorpay_demo::config::{SANDBOX_KEY_ID, SANDBOX_KEY_SECRET};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;

struct Options {
    seconds: f64,
    fault_seconds: f64,
    shoppers: usize,
    dup_every: u64,
    inject_fault: bool,
    faults: bool,
    database_url: String,
    pg_dir: Option<PathBuf>,
    backend: PathBuf,
    separate_stores: bool,
}

fn options() -> Result<Options, String> {
    let here = std::env::current_exe().map_err(|e| e.to_string())?;
    let default_backend = here
        .parent()
        .and_then(|examples| examples.parent())
        .map(|dir| dir.join("razorpay-demo"))
        .unwrap_or_default();
    let mut o = Options {
        seconds: 30.0,
        fault_seconds: 15.0,
        shoppers: 16,
        dup_every: 10,
        inject_fault: false,
        faults: true,
        database_url: std::env::var("DATABASE_URL").unwrap_or_default(),
        pg_dir: None,
        backend: default_backend,
        separate_stores: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--short" => {
                o.seconds = 3.0;
                o.fault_seconds = 10.0;
            }
            "--inject-fault" => o.inject_fault = true,
            "--no-faults" => o.faults = false,
            "--separate-stores" => o.separate_stores = true,
            "--seconds" => o.seconds = value("--seconds")?.parse().map_err(|_| "--seconds: a number")?,
            "--fault-seconds" => {
                o.fault_seconds = value("--fault-seconds")?.parse().map_err(|_| "--fault-seconds: a number")?
            }
            "--shoppers" => o.shoppers = value("--shoppers")?.parse().map_err(|_| "--shoppers: a number")?,
            "--dup-every" => o.dup_every = value("--dup-every")?.parse().map_err(|_| "--dup-every: a number")?,
            "--database-url" => o.database_url = value("--database-url")?,
            "--pg-dir" => o.pg_dir = Some(PathBuf::from(value("--pg-dir")?)),
            "--backend" => o.backend = PathBuf::from(value("--backend")?),
            "-h" | "--help" => {
                return Err("usage: load_cluster --database-url postgres://… [--pg-dir DIR] [--short | --seconds S] [--fault-seconds S] [--shoppers N] [--dup-every K] [--inject-fault] [--separate-stores] [--no-faults] [--backend BIN]".into())
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if !o.database_url.starts_with("postgres") {
        return Err("--database-url postgres://… (or DATABASE_URL) is required".into());
    }
    if o.faults && !o.inject_fault && o.pg_dir.is_none() {
        return Err(
            "the fault phase restarts PostgreSQL: --pg-dir DIR (scripts/pg.sh's), or --no-faults"
                .into(),
        );
    }
    if !(o.seconds > 0.0 && o.seconds <= 3600.0)
        || o.fault_seconds < 8.0
        || o.shoppers == 0
        || o.shoppers > 256
        || o.dup_every < 3
    {
        return Err(
            "--seconds in (0, 3600], --fault-seconds ≥ 8, --shoppers in 1..=256, --dup-every ≥ 3"
                .into(),
        );
    }
    Ok(o)
}

const PRODUCT: &str = "tea_monthly";
const SESSION_SECRET: &str = "load_cluster_shared_session_secret_0123456789";

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

fn browser(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        // A new connection per request: the round-robin spreads requests.
        .pool_max_idle_per_host(0)
        .cookie_store(true)
        .build()
        .expect("a reqwest client")
}

async fn new_cart(http: &reqwest::Client, base: &str) -> Result<String, String> {
    let r = http
        .post(format!("{base}/api/carts"))
        .json(&json!({ "product": PRODUCT }))
        .send()
        .await
        .map_err(|e| format!("POST /api/carts: transport error: {e}"))?;
    let status = r.status().as_u16();
    let v: Value = r
        .json()
        .await
        .map_err(|e| format!("POST /api/carts: HTTP {status}: {e}"))?;
    match v["id"].as_str() {
        Some(id) if status == 200 => Ok(id.to_string()),
        _ => Err(format!("POST /api/carts: HTTP {status}: {v}")),
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
    status: Option<u16>,
    reason: Option<String>,
    order_id: Option<String>,
    timed_out: bool,
}

async fn send(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    body: &Value,
    kind: Kind,
    receipt: &str,
) -> Sample {
    let start = Instant::now();
    let result = http
        .post(format!("{base}/api/checkout"))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await;
    let (status, reason, order_id, timed_out) = match result {
        Err(e) => (None, Some(format!("transport: {e}")), None, e.is_timeout()),
        Ok(r) => {
            let status = r.status().as_u16();
            match r.json::<Value>().await {
                Ok(v) => {
                    let reason = v
                        .pointer("/error/reason")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    (Some(status), reason, order_id(&v), false)
                }
                Err(e) => (
                    Some(status),
                    Some(format!("body: {e}")),
                    None,
                    e.is_timeout(),
                ),
            }
        }
    };
    Sample {
        kind,
        receipt: receipt.to_string(),
        latency: start.elapsed(),
        status,
        reason,
        order_id,
        timed_out,
    }
}

/// Steady phase: originals on one instance, duplicates on the other.
async fn steady_shopper(
    id: usize,
    proxy: String,
    instances: [String; 2],
    deadline: Instant,
    dup_every: u64,
    out: Arc<Mutex<Vec<Sample>>>,
    errors: Arc<Mutex<Vec<String>>>,
) {
    let http = browser(Duration::from_secs(30));
    if let Err(e) = http.get(format!("{proxy}/api/config")).send().await {
        errors.lock().await.push(format!("GET /api/config: {e}"));
        return;
    }
    let mut samples = Vec::new();
    let mut previous: Vec<(String, String, Value, usize)> = Vec::new();
    let mut n: u64 = 0;
    while Instant::now() < deadline {
        n += 1;
        let receipt = match new_cart(&http, &proxy).await {
            Ok(c) => c,
            Err(e) => {
                errors.lock().await.push(e);
                break;
            }
        };
        let key = format!("key-{id}-{n}");
        let body = order(&receipt);
        let here = (id + n as usize) % 2;
        let (a, b) = (&instances[here], &instances[1 - here]);
        if n.is_multiple_of(dup_every) {
            let (x, y) = tokio::join!(
                send(&http, a, &key, &body, Kind::Unique, &receipt),
                send(&http, b, &key, &body, Kind::SameKeyConcurrent, &receipt)
            );
            samples.push(x);
            samples.push(y);
        } else if n % dup_every == 1 && !previous.is_empty() {
            samples.push(send(&http, a, &key, &body, Kind::Unique, &receipt).await);
            let (k, r, b2, was) = previous.last().cloned().unwrap_or_default();
            samples.push(send(&http, &instances[1 - was], &k, &b2, Kind::SameKeyRetry, &r).await);
        } else if n % dup_every == 2 && !previous.is_empty() {
            samples.push(send(&http, a, &key, &body, Kind::Unique, &receipt).await);
            let (_, r, b2, was) = previous.last().cloned().unwrap_or_default();
            samples.push(
                send(
                    &http,
                    &instances[1 - was],
                    &format!("tab2-{id}-{n}"),
                    &b2,
                    Kind::NewKeySameBody,
                    &r,
                )
                .await,
            );
        } else {
            samples.push(send(&http, a, &key, &body, Kind::Unique, &receipt).await);
        }
        previous.push((key, receipt, body, here));
        if previous.len() > 4 {
            previous.remove(0);
        }
    }
    out.lock().await.extend(samples);
}

/// How one key of the fault phase ended.
struct Ending {
    receipt: String,
    order_id: Option<String>,
    outcome: &'static str, // "paid" (a 200), "reconciled" (a 409 naming the gateway's payment), "gave up", "hung"
    attempts: usize,
}

/// Fault phase: through the proxy only, retrying with the same key.
async fn fault_shopper(
    id: usize,
    proxy: String,
    deadline: Instant,
    out: Arc<Mutex<Vec<Sample>>>,
    endings: Arc<Mutex<Vec<Ending>>>,
) {
    let http = browser(Duration::from_secs(25));
    let mut n = 0u64;
    // The session may need a few tries while an instance dies.
    for _ in 0..20 {
        if http.get(format!("{proxy}/api/config")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    while Instant::now() < deadline {
        n += 1;
        let mut receipt = None;
        for _ in 0..40 {
            match new_cart(&http, &proxy).await {
                Ok(c) => {
                    receipt = Some(c);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
            }
        }
        let Some(receipt) = receipt else {
            endings.lock().await.push(Ending {
                receipt: String::new(),
                order_id: None,
                outcome: "gave up",
                attempts: 0,
            });
            break;
        };
        let key = format!("fault-{id}-{n}");
        let body = order(&receipt);
        let mut ending = Ending {
            receipt: receipt.clone(),
            order_id: None,
            outcome: "gave up",
            attempts: 0,
        };
        let mut first = true;
        for attempt in 1..=60 {
            ending.attempts = attempt;
            let sample = if first && n.is_multiple_of(4) {
                // A double click: the same key twice at once (two connections, so both instances).
                let (x, y) = tokio::join!(
                    send(&http, &proxy, &key, &body, Kind::Unique, &receipt),
                    send(
                        &http,
                        &proxy,
                        &key,
                        &body,
                        Kind::SameKeyConcurrent,
                        &receipt
                    )
                );
                out.lock().await.push(y);
                x
            } else {
                send(
                    &http,
                    &proxy,
                    &key,
                    &body,
                    if first {
                        Kind::Unique
                    } else {
                        Kind::SameKeyRetry
                    },
                    &receipt,
                )
                .await
            };
            first = false;
            let (status, reason, oid, timed_out) = (
                sample.status,
                sample.reason.clone(),
                sample.order_id.clone(),
                sample.timed_out,
            );
            out.lock().await.push(sample);
            if timed_out {
                ending.outcome = "hung";
                break;
            }
            match (status, reason.as_deref()) {
                (Some(200), _) => {
                    ending.outcome = "paid";
                    ending.order_id = oid;
                    break;
                }
                (Some(409), Some("order_payment_in_progress")) if oid.is_some() => {
                    ending.outcome = "reconciled";
                    ending.order_id = oid;
                    break;
                }
                // A reset, a 5xx (PostgreSQL away), a key or receipt still in flight: again.
                _ => tokio::time::sleep(Duration::from_millis(300)).await,
            }
        }
        endings.lock().await.push(ending);
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn figures(label: &str, samples: &[Sample], elapsed: Duration) {
    let mut latencies: Vec<Duration> = samples.iter().map(|s| s.latency).collect();
    latencies.sort();
    println!(
        "{label}: {} requests in {:.2} s = {:.0} req/s; latency p50 {} p95 {} p99 {} max {}",
        samples.len(),
        elapsed.as_secs_f64(),
        samples.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.95)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
}

/// Per receipt: its orders, their payments, the order ids.
type Books = HashMap<String, (i64, i64, Vec<String>)>;

/// The sandbox's orders and payments per receipt.
fn books(sandbox_db: &std::path::Path) -> rusqlite::Result<Books> {
    let conn = rusqlite::Connection::open(sandbox_db)?;
    let mut stmt = conn.prepare(
        "SELECT json_extract(o.data, '$.receipt'), o.id, (SELECT COUNT(*) FROM payments p WHERE p.order_id = o.id) FROM orders o",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?.unwrap_or_default(),
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut out: Books = HashMap::new();
    for row in rows {
        let (receipt, id, payments) = row?;
        let e = out.entry(receipt).or_default();
        e.0 += 1;
        e.1 += payments;
        e.2.push(id);
    }
    Ok(out)
}

/// A free loopback port (bound, then released for the child to bind).
fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The round-robin: one backend per connection, the next one when it refuses.
async fn proxy(listener: TcpListener, backends: Vec<SocketAddr>) {
    let next = Arc::new(AtomicUsize::new(0));
    loop {
        let Ok((mut client, _)) = listener.accept().await else {
            continue;
        };
        let backends = backends.clone();
        let next = next.clone();
        tokio::spawn(async move {
            let first = next.fetch_add(1, Ordering::Relaxed);
            for i in 0..backends.len() {
                let addr = backends[(first + i) % backends.len()];
                if let Ok(Ok(mut upstream)) =
                    tokio::time::timeout(Duration::from_secs(1), TcpStream::connect(addr)).await
                {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    return;
                }
            }
        });
    }
}

struct Instance {
    child: std::process::Child,
    url: String,
    addr: SocketAddr,
}

fn spawn_instance(
    o: &Options,
    name: &str,
    gateway: &str,
    proxy_url: &str,
    dir: &std::path::Path,
) -> Result<Instance, String> {
    let port = free_port().map_err(|e| e.to_string())?;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let log = std::fs::File::create(dir.join(format!("{name}.log"))).map_err(|e| e.to_string())?;
    let child = std::process::Command::new(&o.backend)
        .env("LISTEN_ADDR", addr.to_string())
        .env("RAZORPAY_BASE_URL", gateway)
        .env("RAZORPAY_KEY_ID", SANDBOX_KEY_ID)
        .env("RAZORPAY_KEY_SECRET", SANDBOX_KEY_SECRET)
        .env(
            "DATABASE_URL",
            if o.separate_stores {
                ""
            } else {
                &o.database_url
            },
        )
        .env("SESSION_SECRET", SESSION_SECRET)
        .env("PUBLIC_URL", proxy_url)
        .env("GATEWAY_TIMEOUT_MS", "3000")
        .env("ACCESS_LOG", "0")
        .env("DEMO_DB", dir.join(format!("{name}-unused.sqlite")))
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", o.backend.display()))?;
    Ok(Instance {
        child,
        url: format!("http://{addr}"),
        addr,
    })
}

async fn wait_ready(url: &str) -> bool {
    let http = browser(Duration::from_secs(2));
    for _ in 0..100 {
        if let Ok(r) = http.get(format!("{url}/api/config")).send().await {
            if r.status().is_success() {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let dir = std::env::temp_dir().join(format!(
        "razorpay-load-cluster-{}-{}",
        std::process::id(),
        razorpay_demo::crypto::random_alnum(6)
    ));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let code = run(&o, &dir).await;
    if code == ExitCode::SUCCESS {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        println!("(the instances' logs are in {})", dir.display());
    }
    code
}

async fn run(o: &Options, dir: &std::path::Path) -> ExitCode {
    // ---- the sandbox gateway, in this process
    let sandbox_listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let gateway = format!(
        "http://{}",
        sandbox_listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default()
    );
    let sender = razorpay_demo::sandbox::webhooks::Sender::new(reqwest::Client::new(), None, None);
    let sandbox_db = dir.join("sandbox.sqlite");
    let sandbox = match razorpay_demo::sandbox::Sandbox::open(
        &sandbox_db,
        SANDBOX_KEY_ID,
        SANDBOX_KEY_SECRET,
        &gateway,
        sender,
    ) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let app = sandbox.router();
    tokio::spawn(async move {
        let _ = axum::serve(
            sandbox_listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });

    // ---- the proxy and the two instances
    let proxy_listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("proxy: {e}");
            return ExitCode::FAILURE;
        }
    };
    let proxy_url = format!(
        "http://{}",
        proxy_listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default()
    );
    let mut instances = Vec::new();
    for name in ["instance-a", "instance-b"] {
        match spawn_instance(o, name, &gateway, &proxy_url, dir) {
            Ok(i) => instances.push(i),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let stop_all = |instances: &mut Vec<Instance>| {
        for i in instances.iter_mut() {
            let _ = i.child.kill();
            let _ = i.child.wait();
        }
    };
    for i in &instances {
        if !wait_ready(&i.url).await {
            eprintln!("{} did not start (see its log in {})", i.url, dir.display());
            stop_all(&mut instances);
            return ExitCode::FAILURE;
        }
    }
    tokio::spawn(proxy(
        proxy_listener,
        instances.iter().map(|i| i.addr).collect(),
    ));
    println!(
        "load-cluster: {} shoppers, 2 backend processes ({}, {}) on one PostgreSQL, round-robin {}, gateway {}",
        o.shoppers, instances[0].url, instances[1].url, proxy_url, gateway
    );

    // ---- steady phase
    let mut failures: Vec<String> = Vec::new();
    let samples = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(o.seconds);
    let urls = [instances[0].url.clone(), instances[1].url.clone()];
    let tasks: Vec<_> = (0..o.shoppers)
        .map(|id| {
            tokio::spawn(steady_shopper(
                id,
                proxy_url.clone(),
                urls.clone(),
                deadline,
                o.dup_every,
                samples.clone(),
                errors.clone(),
            ))
        })
        .collect();
    for t in tasks {
        if t.await.is_err() {
            failures.push("a shopper task panicked".into());
        }
    }
    let elapsed = started.elapsed();
    let steady = std::mem::take(&mut *samples.lock().await);
    failures.extend(std::mem::take(&mut *errors.lock().await));
    if o.inject_fault {
        let paid = steady
            .iter()
            .find(|s| s.kind == Kind::Unique && s.status == Some(200))
            .map(|s| s.receipt.clone())
            .unwrap_or_default();
        let mut body = order(&paid);
        body["payment"]["ip"] = json!("127.0.0.1");
        body["payment"]["callback_url"] = json!(format!("{proxy_url}/checkout/callback"));
        let answer = reqwest::Client::new()
            .post(format!("{gateway}/v1/orders"))
            .basic_auth(SANDBOX_KEY_ID, Some(SANDBOX_KEY_SECRET))
            .json(&body)
            .send()
            .await
            .map(|r| format!("HTTP {}", r.status().as_u16()))
            .unwrap_or_else(|e| e.to_string());
        println!(
            "injected fault: a second order for receipt {paid} straight at the sandbox: {answer}"
        );
    }
    figures("steady", &steady, elapsed);
    let mut by_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for s in &steady {
        *by_kind.entry(s.kind).or_default() += 1;
    }
    println!(
        "steady by kind: unique {} · same key at once on both instances {} · same key retried on the other instance {} · second tab on the other instance {}",
        by_kind.get(&Kind::Unique).unwrap_or(&0),
        by_kind.get(&Kind::SameKeyConcurrent).unwrap_or(&0),
        by_kind.get(&Kind::SameKeyRetry).unwrap_or(&0),
        by_kind.get(&Kind::NewKeySameBody).unwrap_or(&0),
    );
    let bad: Vec<&Sample> = steady.iter().filter(|s| s.status != Some(200)).collect();
    println!(
        "steady errors: {} (transport {}, 5xx {}, other non-200 {})",
        bad.len(),
        bad.iter().filter(|s| s.status.is_none()).count(),
        bad.iter()
            .filter(|s| s.status.is_some_and(|c| c >= 500))
            .count(),
        bad.iter()
            .filter(|s| s.status.is_some_and(|c| c < 500))
            .count()
    );
    for s in bad.iter().take(5) {
        failures.push(format!(
            "{:?} {}: HTTP {:?} {:?}",
            s.kind, s.receipt, s.status, s.reason
        ));
    }
    let mut first_order: HashMap<&str, &str> = HashMap::new();
    for s in steady.iter().filter(|s| s.kind == Kind::Unique) {
        if let Some(id) = &s.order_id {
            if let Some(prev) = first_order.insert(&s.receipt, id) {
                failures.push(format!(
                    "receipt {} sent twice as unique ({prev}, {id})",
                    s.receipt
                ));
            }
        }
    }
    for s in steady.iter().filter(|s| s.kind != Kind::Unique) {
        let original = first_order.get(s.receipt.as_str()).copied();
        if s.order_id.as_deref() != original {
            failures.push(format!(
                "{:?} of {} answered {:?}, the original {:?}",
                s.kind, s.receipt, s.order_id, original
            ));
        }
    }
    let steady_receipts: HashSet<&str> = first_order.keys().copied().collect();
    match books(&sandbox_db) {
        Err(e) => failures.push(format!("cannot read the sandbox database: {e}")),
        Ok(b) => {
            let (orders, payments): (i64, i64) =
                b.values().fold((0, 0), |(o, p), v| (o + v.0, p + v.1));
            let keys = first_order.len();
            println!(
                "steady sandbox: {orders} orders = {payments} payments = {keys} keys (receipts)"
            );
            if orders != keys as i64 || payments != keys as i64 {
                failures.push(format!(
                    "{keys} unique keys made {orders} orders and {payments} payments"
                ));
            }
            for (receipt, (n, p, _)) in &b {
                if *n != 1 || *p != 1 {
                    failures.push(format!("receipt {receipt}: {n} orders, {p} payments"));
                }
                if !steady_receipts.contains(receipt.as_str()) {
                    failures.push(format!(
                        "receipt {receipt}: an order no successful request asked for"
                    ));
                }
            }
        }
    }
    if !failures.is_empty() || o.inject_fault || !o.faults {
        stop_all(&mut instances);
        return report(failures);
    }

    // ---- fault phase
    let samples = Arc::new(Mutex::new(Vec::new()));
    let endings = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(o.fault_seconds);
    let tasks: Vec<_> = (0..o.shoppers)
        .map(|id| {
            tokio::spawn(fault_shopper(
                id,
                proxy_url.clone(),
                deadline,
                samples.clone(),
                endings.clone(),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let in_flight_at_kill = samples.lock().await.len();
    let _ = instances[0].child.kill(); // SIGKILL
    let _ = instances[0].child.wait();
    println!(
        "fault: {} killed with SIGKILL at {:.1} s ({in_flight_at_kill} requests answered so far)",
        instances[0].url,
        started.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(4)).await;
    if let Some(pg_dir) = &o.pg_dir {
        let t = Instant::now();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg.sh");
        let pg_dir = pg_dir.clone();
        let status = tokio::task::spawn_blocking(move || {
            std::process::Command::new(script)
                .arg("restart")
                .arg(pg_dir)
                .status()
        })
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))
        .and_then(|r| r);
        println!(
            "fault: PostgreSQL restarted at {:.1} s (took {:.1} s): {:?}",
            started.elapsed().as_secs_f64(),
            t.elapsed().as_secs_f64(),
            status.map(|s| s.success())
        );
    }
    for t in tasks {
        if t.await.is_err() {
            failures.push("a fault-phase shopper task panicked".into());
        }
    }
    let elapsed = started.elapsed();
    let faulty = std::mem::take(&mut *samples.lock().await);
    let endings = std::mem::take(&mut *endings.lock().await);
    stop_all(&mut instances);
    figures("faults", &faulty, elapsed);
    let count = |what: &str| endings.iter().filter(|e| e.outcome == what).count();
    println!(
        "fault keys: {} · paid {} · reconciled (409 naming the gateway's open payment) {} · gave up {} · hung {}; requests: transport errors {}, 5xx {}, retries {}",
        endings.len(), count("paid"), count("reconciled"), count("gave up"), count("hung"),
        faulty.iter().filter(|s| s.status.is_none()).count(),
        faulty.iter().filter(|s| s.status.is_some_and(|c| c >= 500)).count(),
        faulty.iter().filter(|s| s.kind == Kind::SameKeyRetry).count(),
    );
    let max_attempts = endings.iter().map(|e| e.attempts).max().unwrap_or(0);
    println!(
        "fault keys: most attempts for one key {max_attempts}; slowest request {}",
        ms(faulty.iter().map(|s| s.latency).max().unwrap_or_default())
    );
    for e in endings
        .iter()
        .filter(|e| e.outcome == "hung" || e.outcome == "gave up")
        .take(10)
    {
        failures.push(format!(
            "key for receipt {:?}: {} after {} attempts",
            e.receipt, e.outcome, e.attempts
        ));
    }
    match books(&sandbox_db) {
        Err(e) => failures.push(format!("cannot read the sandbox database: {e}")),
        Ok(b) => {
            let mut charged_twice = 0;
            let (mut orders, mut payments) = (0, 0);
            for e in &endings {
                let (n, p, ids) = b.get(&e.receipt).cloned().unwrap_or_default();
                orders += n;
                payments += p;
                if n > 1 || p > 1 {
                    charged_twice += 1;
                    failures.push(format!(
                        "receipt {}: {n} orders, {p} payments (charged twice)",
                        e.receipt
                    ));
                }
                if let Some(id) = &e.order_id {
                    if !ids.contains(id) {
                        failures.push(format!(
                            "receipt {}: the answer named {id}, the sandbox has {ids:?}",
                            e.receipt
                        ));
                    }
                }
                if e.outcome == "paid" && (n, p) != (1, 1) {
                    failures.push(format!(
                        "receipt {}: answered 200 but the sandbox has {n} orders, {p} payments",
                        e.receipt
                    ));
                }
            }
            println!("fault sandbox: {orders} orders, {payments} payments for {} keys; receipts charged twice: {charged_twice}", endings.len());
        }
    }
    report(failures)
}

fn report(failures: Vec<String>) -> ExitCode {
    if failures.is_empty() {
        println!("ok: no errors; one order and one payment per key and per receipt; after SIGKILL and a PostgreSQL restart nothing was charged twice and no request hung");
        ExitCode::SUCCESS
    } else {
        println!("FAILED ({} problems):", failures.len());
        for f in failures.iter().take(20) {
            println!("  {f}");
        }
        ExitCode::FAILURE
    }
}
