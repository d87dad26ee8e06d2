//! Shared test helpers: start the backend + sandbox on ephemeral loopback
//! ports with temporary SQLite files, and drive them over real HTTP.
//!
//! The backend's store: SQLite (`demo.sqlite` in the test's directory), or
//! with `STORE=postgres` a fresh database per app in the PostgreSQL at
//! `TEST_DATABASE_URL` (scripts/test.sh starts a throwaway cluster with
//! scripts/pg.sh and runs the backend tests once per store).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use razorpay_demo::{Config, Handles};
use reqwest::redirect::Policy;
use serde_json::{json, Value};

/// A running app with its temporary directory.
pub struct App {
    pub handles: Handles,
    pub dir: PathBuf,
    pub http: reqwest::Client,
}

/// A fresh temporary directory (removed by [`App::stop`]).
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "razorpay-demo-{tag}-{}-{}",
        std::process::id(),
        razorpay_demo::crypto::random_alnum(8)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The webhook secret of the test configuration.
pub const WEBHOOK_SECRET: &str = "test_webhook_secret_of_the_backend_tests";
/// The operator secret (`OPERATOR_SECRET`) of the test configuration.
pub const OPERATOR_SECRET: &str = "test_operator_token_of_the_backend_tests";
/// The session secret of the test configuration.
pub const SESSION_SECRET: &str = "test_session_secret_of_the_backend_tests";

/// Test configuration: port 0 everywhere, files under `dir`, known secrets.
pub fn config(dir: &Path) -> Config {
    let mut c = Config::sandbox_defaults();
    c.webhook_secret = Some(WEBHOOK_SECRET.to_string());
    c.operator_secret = Some(OPERATOR_SECRET.to_string());
    c.session_secret = SESSION_SECRET.to_string();
    c.listen_addr = "127.0.0.1:0".parse().unwrap();
    c.sandbox_addr = "127.0.0.1:0".parse().unwrap();
    c.sandbox_db = dir.join("sandbox.sqlite");
    c.demo_db = dir.join("demo.sqlite");
    c.database_url = postgres_database(dir);
    c.www_dir = dir.join("www");
    c.pkg_dir = dir.join("pkg");
    c.access_log = false;
    c
}

/// `STORE=postgres`: the database of the test directory `dir` in the
/// `TEST_DATABASE_URL` cluster (created empty the first time, so an app
/// restarted in the same directory finds its state, as with SQLite), as a
/// URL; otherwise `None` (SQLite).
///
/// # Panics
/// When `STORE` is neither unset, `sqlite` nor `postgres`, or the cluster
/// cannot be reached: a test run asked for PostgreSQL never falls back.
pub fn postgres_database(dir: &Path) -> Option<String> {
    match std::env::var("STORE").unwrap_or_default().as_str() {
        "" | "sqlite" => return None,
        "postgres" => {}
        other => panic!("STORE must be sqlite or postgres, not {other:?}"),
    }
    let base = std::env::var("TEST_DATABASE_URL")
        .expect("STORE=postgres needs TEST_DATABASE_URL (scripts/pg.sh start)");
    let name = format!(
        "t_{}",
        &razorpay_demo::crypto::hmac_hex("test-database", dir.to_string_lossy().as_bytes())[..24]
    );
    let (url, db) = (base.clone(), name.clone());
    // Its own thread and runtime: callers may be inside a runtime already.
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .expect("TEST_DATABASE_URL reachable");
            tokio::spawn(conn);
            if let Err(e) = client.batch_execute(&format!("CREATE DATABASE {db}")).await {
                // 42P04: it exists (the same directory's earlier app).
                assert_eq!(
                    e.code().map(|c| c.code()),
                    Some("42P04"),
                    "CREATE DATABASE: {e}"
                );
            }
        })
    })
    .join()
    .unwrap();
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL ends with /database");
    Some(format!("{prefix}/{name}"))
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .cookie_store(true)
        .no_proxy()
        .build()
        .unwrap()
}

impl App {
    pub async fn start(tag: &str) -> App {
        let dir = temp_dir(tag);
        App::start_in(dir).await
    }

    pub async fn start_in(dir: PathBuf) -> App {
        let handles = razorpay_demo::start(config(&dir))
            .await
            .expect("app starts");
        App::with(handles, dir).await
    }

    /// An app around started servers, with a client that loaded the page's
    /// `/api/config` (which starts its checkout session, as the page's does).
    pub async fn with(handles: Handles, dir: PathBuf) -> App {
        let app = App {
            handles,
            dir,
            http: client(),
        };
        let (status, _) = app.get("/api/config").await;
        assert_eq!(status, 200);
        app
    }

    pub async fn stop(self) {
        self.handles.shutdown().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handles.demo_url)
    }

    pub fn gateway(&self, path: &str) -> String {
        format!("{}{path}", self.handles.gateway_url)
    }

    /// Sends a request; answers its status and JSON body (`null` if none).
    pub async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        Self::send(self.http.post(self.url(path)).json(body)).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        Self::send(self.http.get(self.url(path))).await
    }

    /// `POST /api/checkout` with an `Idempotency-Key`.
    pub async fn checkout(&self, key: &str, body: &Value) -> (u16, Value) {
        Self::send(
            self.http
                .post(self.url("/api/checkout"))
                .header("Idempotency-Key", key)
                .json(body),
        )
        .await
    }

    pub async fn customer(&self) -> String {
        let (status, c) =
            self.post("/api/customers", &json!({ "name": "Gaurav Kumar", "email": "gaurav.kumar@example.com", "contact": "9876543210" })).await;
        assert_eq!(status, 200, "{c}");
        c["id"].as_str().unwrap().to_string()
    }

    /// Approves on the bank page and follows the return form to the
    /// callback; answers the callback's `Location`.
    pub async fn approve(&self, redirect_url: &str, action: &str) -> String {
        let page = self.http.get(redirect_url).send().await.unwrap();
        assert_eq!(page.status().as_u16(), 200);
        assert!(page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let html = page.text().await.unwrap();
        assert!(
            html.contains("Approve") && html.contains("Decline"),
            "{html}"
        );
        let back = self
            .http
            .post(redirect_url)
            .form(&[("action", action)])
            .send()
            .await
            .unwrap();
        assert_eq!(back.status().as_u16(), 200);
        let html = back.text().await.unwrap();
        let (target, fields) = parse_form(&html);
        assert_eq!(target, self.url("/checkout/callback"), "{html}");
        let cb = self.http.post(&target).form(&fields).send().await.unwrap();
        assert_eq!(cb.status().as_u16(), 303);
        cb.headers()["location"].to_str().unwrap().to_string()
    }

    /// The result page's verdict for a callback `Location` (`GET /api/checkout/result`).
    pub async fn verdict(&self, location: &str) -> Value {
        let q = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let (status, v) = self.get(&format!("/api/checkout/result?{q}")).await;
        assert_eq!(status, 200, "{v}");
        v
    }

    /// `GET /api/webhooks` as the operator.
    pub async fn webhooks(&self) -> (u16, Value) {
        Self::send(
            self.http
                .get(self.url("/api/webhooks"))
                .bearer_auth(OPERATOR_SECRET),
        )
        .await
    }

    /// Polls `GET /api/webhooks` until `event` for `entity_id` is recorded.
    pub async fn wait_for_webhook(&self, event: &str, entity_id: &str) -> bool {
        for _ in 0..100 {
            let (_, list) = self.webhooks().await;
            let found = list["items"].as_array().is_some_and(|items| {
                items
                    .iter()
                    .any(|i| i["event"] == event && i["entity_id"] == entity_id)
            });
            if found {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        false
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!("{name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = start + tag[start..].find('"')?;
    Some(unescape(&tag[start..end]))
}

/// The action and hidden fields of the (single) form in a page.
pub fn parse_form(html: &str) -> (String, Vec<(String, String)>) {
    let form_start = html.find("<form").expect("a form");
    let form_tag_end = form_start + html[form_start..].find('>').unwrap();
    let action = attr(&html[form_start..form_tag_end], "action").unwrap();
    let mut fields = Vec::new();
    let mut rest = &html[form_tag_end..];
    while let Some(i) = rest.find("<input") {
        let end = i + rest[i..].find('>').unwrap();
        let tag = &rest[i..end];
        if let (Some(n), Some(v)) = (attr(tag, "name"), attr(tag, "value")) {
            fields.push((n, v));
        }
        rest = &rest[end..];
    }
    (action, fields)
}

/// A query string parameter of a `Location`.
pub fn query_param(location: &str, name: &str) -> Option<String> {
    let q = location.split_once('?')?.1;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The demo shop's product most tests buy (₹1.00, monthly mandate up to ₹1,000).
pub const PRODUCT: &str = "tea_monthly";

/// A new cart with `product` on the backend at `demo_url` (its JSON).
pub async fn new_cart(demo_url: &str, product: &str) -> Value {
    let (status, cart) = App::send(
        client()
            .post(format!("{demo_url}/api/carts"))
            .json(&json!({ "product": product })),
    )
    .await;
    assert_eq!(status, 200, "{cart}");
    cart
}

impl App {
    /// A new cart of [`PRODUCT`]: its id, an order's receipt.
    pub async fn cart(&self) -> String {
        new_cart(&self.handles.demo_url, PRODUCT).await["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// [`order_in`] a new cart of [`PRODUCT`] (the backend lets one payment
    /// through per cart).
    pub async fn order(&self, card_number: &str, customer_id: Option<&str>) -> Value {
        order_in(&self.cart().await, card_number, customer_id)
    }
}

/// A composite order in the wire shape (no `ip`), for a new card, paying
/// `cart` (its receipt) at the price of [`PRODUCT`].
pub fn order_in(cart: &str, card_number: &str, customer_id: Option<&str>) -> Value {
    let mut o = json!({
        "amount": 100,
        "currency": "INR",
        "receipt": cart,
        "notes": { "key1": "value1" },
        "payment": {
            "amount": 100,
            "email": "gaurav.kumar@example.com",
            "contact": "9876543210",
            "method": "card",
            "card": { "name": "Gaurav Kumar", "number": card_number, "cvv": "123", "expiry_month": "12", "expiry_year": "35" },
            "authentication": { "authentication_channel": "browser" },
            "browser": { "java_enabled": false, "javascript_enabled": true, "timezone_offset": -330, "color_depth": 24, "screen_width": 1440, "screen_height": 900 },
            "referer": "http://127.0.0.1:8080/checkout"
        }
    });
    if let Some(c) = customer_id {
        o["customer_id"] = json!(c);
    }
    o
}

/// The URL of a next action.
pub fn next_url(order: &Value, action: &str) -> String {
    order["payment_workflow"]["next"]
        .as_array()
        .and_then(|n| n.iter().find(|a| a["action"] == action))
        .and_then(|a| a["url"].as_str())
        .unwrap_or_else(|| panic!("no {action} in {order}"))
        .to_string()
}

/// Number of orders in a sandbox database file.
pub fn count_orders(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))
        .unwrap()
}
