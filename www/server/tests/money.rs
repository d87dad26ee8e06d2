//! No double charge when the gateway is slow, an earlier attempt is left
//! open, or a mandate is debited again (issue 11, findings 2, 3, 5, 15):
//! over real HTTP on loopback, counted at the sandbox gateway.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use common::{new_cart, next_url, order_in, App};
use razorpay_demo::config::{SANDBOX_KEY_ID, SANDBOX_KEY_SECRET};
use serde_json::{json, Value};

const OPERATOR: &str = common::OPERATOR_SECRET;
/// The backend's gateway timeout in these tests, and how late the stand-in answers.
const TIMEOUT_MS: u64 = 300;
const LATE_MS: u64 = 1200;

async fn start_with(tag: &str, edit: impl FnOnce(&mut razorpay_demo::Config)) -> App {
    let dir = common::temp_dir(tag);
    let mut config = common::config(&dir);
    edit(&mut config);
    let handles = razorpay_demo::start(config).await.expect("app starts");
    App {
        handles,
        dir,
        http: common::client(),
    }
}

/// What the stand-in gateway does with a slow route.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    /// Forwards and answers at once.
    Pass,
    /// Forwards (the gateway does the work), answers after the backend's timeout.
    Late,
    /// Never forwards; answers nothing until after the backend's timeout.
    Lost,
}

/// A stand-in gateway in front of the sandbox: passes every request on,
/// except that `POST <slow>` is answered late (or lost) while told so.
struct StandIn {
    upstream: String,
    slow: &'static str,
    mode: Mutex<Mode>,
    forwarded: AtomicUsize,
    http: reqwest::Client,
}

impl StandIn {
    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }
}

async fn stand_in(
    State(s): State<Arc<StandIn>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let slow = method == Method::POST && uri.path() == s.slow;
    let mode = if slow {
        *s.mode.lock().unwrap()
    } else {
        Mode::Pass
    };
    if mode == Mode::Lost {
        tokio::time::sleep(Duration::from_millis(LATE_MS)).await;
        return (axum::http::StatusCode::GATEWAY_TIMEOUT, "lost").into_response();
    }
    if slow {
        s.forwarded.fetch_add(1, Ordering::SeqCst);
    }
    let url = format!(
        "{}{}",
        s.upstream,
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let mut req = s.http.request(method, url).body(body.to_vec());
    for name in ["authorization", "content-type", "x-razorpay-account"] {
        if let Some(v) = headers.get(name) {
            req = req.header(name, v.clone());
        }
    }
    let answer = req.send().await.unwrap();
    let status = answer.status();
    let bytes = answer.bytes().await.unwrap();
    if mode == Mode::Late {
        tokio::time::sleep(Duration::from_millis(LATE_MS)).await;
    }
    (
        status,
        [("content-type", "application/json")],
        bytes.to_vec(),
    )
        .into_response()
}

/// The stand-in in front of `upstream`, and its base URL.
async fn start_stand_in(upstream: &str, slow: &'static str) -> (Arc<StandIn>, String) {
    let s = Arc::new(StandIn {
        upstream: upstream.to_string(),
        slow,
        mode: Mutex::new(Mode::Pass),
        forwarded: AtomicUsize::new(0),
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(stand_in).with_state(s.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (s, url)
}

/// A backend whose gateway is `gateway_url`, with a short gateway timeout.
async fn backend_behind(tag: &str, gateway_url: &str) -> App {
    let url = gateway_url.to_string();
    start_with(tag, move |c| {
        c.gateway_base_url = Some(url);
        c.gateway_timeout_ms = TIMEOUT_MS;
        c.operator_secret = Some(OPERATOR.into());
    })
    .await
}

/// GET on the sandbox's API with its key.
async fn sandbox_get(app: &App, path: &str) -> Value {
    let r = app
        .http
        .get(app.gateway(path))
        .basic_auth(SANDBOX_KEY_ID, Some(SANDBOX_KEY_SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{path}");
    r.json().await.unwrap()
}

/// POST on the sandbox's API with its key.
async fn sandbox_post(app: &App, path: &str, body: &Value) -> (u16, Value) {
    App::send(
        app.http
            .post(app.gateway(path))
            .basic_auth(SANDBOX_KEY_ID, Some(SANDBOX_KEY_SECRET))
            .json(body),
    )
    .await
}

/// The sandbox's orders with this receipt and all their payments.
async fn at_gateway(app: &App, receipt: &str) -> (Vec<Value>, Vec<Value>) {
    let list = sandbox_get(app, &format!("/v1/orders?count=100&receipt={receipt}")).await;
    let orders = list["items"].as_array().unwrap().clone();
    let mut payments = Vec::new();
    for o in &orders {
        let p = sandbox_get(
            app,
            &format!("/v1/orders/{}/payments", o["id"].as_str().unwrap()),
        )
        .await;
        payments.extend(p["items"].as_array().unwrap().iter().cloned());
    }
    (orders, payments)
}

/// Every payment the sandbox made with this token (registration included).
async fn payments_on_token(app: &App, token: &str) -> Vec<Value> {
    let list = sandbox_get(app, "/v1/payments?count=100").await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["token_id"] == token)
        .cloned()
        .collect()
}

/// Registers a mandate (as the signed-in shopper on `app`): (customer, token).
async fn mandate(app: &App, frequency: &str, max_amount: i64) -> (String, String) {
    let cust = app.customer().await;
    // The shop's product whose mandate has these terms (the cart sets them).
    let product = match frequency {
        "monthly" => "tea_monthly",
        _ => "tea_club",
    };
    let cart = new_cart(&app.handles.demo_url, product).await;
    assert_eq!(
        (
            cart["mandate"]["frequency"].as_str(),
            cart["mandate"]["max_amount"].as_i64()
        ),
        (Some(frequency), Some(max_amount))
    );
    let mut reg = order_in(
        cart["id"].as_str().unwrap(),
        "4718609108204366",
        Some(&cust),
    );
    reg["amount"] = cart["amount"].clone();
    reg["payment"]["amount"] = cart["amount"].clone();
    reg["token"] = json!({ "max_amount": max_amount, "frequency": frequency });
    reg["payment"]["recurring"] = json!(1);
    let (status, o) = app
        .checkout(
            &format!("reg-{}", razorpay_demo::crypto::random_alnum(8)),
            &reg,
        )
        .await;
    assert_eq!(status, 200, "{o}");
    app.approve(&next_url(&o, "redirect"), "approve").await;
    let pid = o["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap();
    let p = sandbox_get(app, &format!("/v1/payments/{pid}")).await;
    assert_eq!(p["status"], "captured");
    (cust, p["token_id"].as_str().unwrap().to_string())
}

/// `POST /api/recurring` as the merchant's server (bearer secret, no cookie).
async fn operator_debit(app: &App, key: &str, body: &Value) -> (u16, Value) {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    App::send(
        http.post(app.url("/api/recurring"))
            .bearer_auth(OPERATOR)
            .header("Idempotency-Key", key)
            .json(body),
    )
    .await
}

fn debit_body(cust: &str, token: &str, amount: i64) -> Value {
    json!({ "customer_id": cust, "token": token, "amount": amount, "email": "gaurav.kumar@example.com", "contact": "9876543210" })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_answered_after_the_timeout_is_reconciled_not_sent_again() {
    // The sandbox fails an unauthenticated payment after 5 s here.
    let gw = start_with("late-gw", |c| c.sandbox_payment_expiry_secs = 5).await;
    let (stand_in, url) = start_stand_in(&gw.handles.gateway_url, "/v1/orders").await;
    let app = backend_behind("late-backend", &url).await;
    let slow_cart = app.cart().await;
    let body = order_in(&slow_cart, "4100 2800 0000 1007", None);

    // The gateway makes the order but answers after the backend gave up.
    stand_in.set(Mode::Late);
    let (status, e) = app.checkout("slow-1", &body).await;
    assert_eq!(status, 502, "{e}");
    tokio::time::sleep(Duration::from_millis(LATE_MS + 300)).await;
    stand_in.set(Mode::Pass);
    let (orders, payments) = at_gateway(&gw, &slow_cart).await;
    assert_eq!(
        (orders.len(), payments.len()),
        (1, 1),
        "the first attempt did reach the gateway"
    );
    let first = payments[0]["id"].clone();

    // The retry (same key) and another tab (new key): what the gateway has,
    // an open payment; nothing is sent again.
    for key in ["slow-1", "slow-2"] {
        let (status, e) = app.checkout(key, &body).await;
        assert_eq!(status, 409, "{key}: {e}");
        assert_eq!(e["error"]["reason"], "order_payment_in_progress", "{e}");
        assert_eq!(e["error"]["metadata"]["payment_id"], first, "{e}");
    }
    assert_eq!(
        stand_in.forwarded.load(Ordering::SeqCst),
        1,
        "one POST /v1/orders reached the gateway"
    );
    let (orders, payments) = at_gateway(&gw, &slow_cart).await;
    assert_eq!((orders.len(), payments.len()), (1, 1));

    // Once the gateway has failed that payment (not authenticated in time), the retry pays again.
    tokio::time::sleep(Duration::from_millis(6000)).await;
    let (status, o) = app.checkout("slow-1", &body).await;
    assert_eq!(status, 200, "{o}");
    let (orders, payments) = at_gateway(&gw, &slow_cart).await;
    assert_eq!(orders.len(), 2);
    let mut statuses: Vec<&str> = payments
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["created", "failed"]);

    // A request that never reached the gateway: the retry sends it (once).
    let lost_cart = app.cart().await;
    let other = order_in(&lost_cart, "5500 6700 0000 1002", None);
    stand_in.set(Mode::Lost);
    assert_eq!(app.checkout("lost-1", &other).await.0, 502);
    stand_in.set(Mode::Pass);
    let (status, o) = app.checkout("lost-1", &other).await;
    assert_eq!(status, 200, "{o}");
    let (orders, payments) = at_gateway(&gw, &lost_cart).await;
    assert_eq!((orders.len(), payments.len()), (1, 1));
    assert_eq!(
        app.checkout("lost-1", &other).await.1,
        o,
        "and replays it afterwards"
    );
    app.stop().await;
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recurring_debit_answered_after_the_timeout_is_replayed_not_sent_again() {
    let gw = App::start("late-debit-gw").await;
    let (cust, token) = mandate(&gw, "monthly", 100_000).await;
    let (stand_in, url) =
        start_stand_in(&gw.handles.gateway_url, "/v1/payments/create/recurring").await;
    let app = backend_behind("late-debit-backend", &url).await;
    let body = debit_body(&cust, &token, 100_000);

    stand_in.set(Mode::Late);
    let (status, e) = operator_debit(&app, "debit-slow-1", &body).await;
    assert_eq!(status, 502, "{e}");
    tokio::time::sleep(Duration::from_millis(LATE_MS + 300)).await;
    stand_in.set(Mode::Pass);

    // The retry gets the debit the gateway made, with its signature.
    let (status, d) = operator_debit(&app, "debit-slow-1", &body).await;
    assert_eq!(status, 200, "{d}");
    let (oid, pid) = (
        d["razorpay_order_id"].as_str().unwrap(),
        d["razorpay_payment_id"].as_str().unwrap(),
    );
    assert_eq!(
        d["razorpay_signature"],
        razorpay_demo::crypto::payment_signature(SANDBOX_KEY_SECRET, oid, pid)
    );
    assert_eq!(operator_debit(&app, "debit-slow-1", &body).await.1, d);
    assert_eq!(
        stand_in.forwarded.load(Ordering::SeqCst),
        1,
        "one debit reached the gateway"
    );
    let captured: Vec<Value> = payments_on_token(&gw, &token)
        .await
        .into_iter()
        .filter(|p| p["status"] == "captured")
        .collect();
    assert_eq!(
        captured.len(),
        2,
        "the registration and one debit: {captured:?}"
    );
    assert!(captured.iter().any(|p| p["id"] == pid));
    app.stop().await;
    gw.stop().await;
}

/// Makes a sandbox payment look `minutes` older (its row and its entity).
fn backdate(app: &App, payment_id: &str, minutes: i64) {
    let conn = rusqlite::Connection::open(app.dir.join("sandbox.sqlite")).unwrap();
    let secs = minutes * 60;
    let changed = conn
        .execute(
            "UPDATE payments SET created_at = created_at - ?2,
               data = json_set(data, '$.created_at', json_extract(data, '$.created_at') - ?2) WHERE id = ?1",
            rusqlite::params![payment_id, secs],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_left_open_past_the_window_cannot_be_approved_after_a_new_one() {
    let app = App::start("expired-attempt").await;
    let open_cart = app.cart().await;
    let first = order_in(&open_cart, "4100 2800 0000 1007", None);
    let (status, a) = app.checkout("open-1", &first).await;
    assert_eq!(status, 200, "{a}");
    let first_pid = a["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap()
        .to_string();
    // The shopper left the bank page open for 20 minutes (the window is 15).
    backdate(&app, &first_pid, 20);
    let second = order_in(&open_cart, "5500 6700 0000 1002", None);
    let (status, b) = app.checkout("open-2", &second).await;
    assert_eq!(status, 200, "{b}");
    // The first bank page refuses the expired payment...
    let url = next_url(&a, "redirect");
    let page = app.http.get(&url).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(!html.contains("Approve"), "{html}");
    assert!(html.contains("expired"), "{html}");
    let back = app
        .http
        .post(&url)
        .form(&[("action", "approve")])
        .send()
        .await
        .unwrap();
    assert!(back.status().is_client_error(), "{}", back.status());
    // ...the second is approved: one captured payment for the cart.
    app.approve(&next_url(&b, "redirect"), "approve").await;
    let (orders, payments) = at_gateway(&app, &open_cart).await;
    assert_eq!(orders.len(), 2);
    let captured: Vec<&Value> = payments
        .iter()
        .filter(|p| p["status"] == "captured")
        .collect();
    assert_eq!(captured.len(), 1, "{payments:?}");
    let expired = payments
        .iter()
        .find(|p| p["id"] == first_pid.as_str())
        .unwrap();
    assert_eq!(expired["status"], "failed");
    assert_eq!(expired["error_reason"], "payment_timed_out");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_fails_a_payment_not_authenticated_within_its_window() {
    let app = start_with("window", |c| c.sandbox_payment_expiry_secs = 1).await;
    let (status, o) = app
        .checkout("window-1", &app.order("4111 1111 1111 1111", None).await)
        .await;
    assert_eq!(status, 200, "{o}");
    let pid = o["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        sandbox_get(&app, &format!("/v1/payments/{pid}")).await["status"],
        "created"
    );
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let p = sandbox_get(&app, &format!("/v1/payments/{pid}")).await;
    assert_eq!(p["status"], "failed", "{p}");
    assert_eq!(p["error_reason"], "payment_timed_out");
    // Neither the bank page nor the OTP route takes it any more.
    let page = app.http.get(next_url(&o, "redirect")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 410);
    let (status, e) = App::send(
        app.http
            .post(next_url(&o, "otp_generate"))
            .basic_auth(SANDBOX_KEY_ID, Some(SANDBOX_KEY_SECRET)),
    )
    .await;
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["reason"], "payment_expired");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debits_start_from_the_merchants_server_once_a_month_within_max_amount() {
    let app = start_with("operator", |c| c.operator_secret = Some(OPERATOR.into())).await;
    let (cust, token) = mandate(&app, "monthly", 100_000).await;
    let body = debit_body(&cust, &token, 100_000);
    // The shopper's signed-in browser (its cookie) cannot debit.
    let (status, e) = App::send(
        app.http
            .post(app.url("/api/recurring"))
            .header("Idempotency-Key", "page-1")
            .json(&body),
    )
    .await;
    assert_eq!(status, 401, "{e}");
    assert_eq!(e["error"]["reason"], "operator_authentication_failed");
    let wrong = reqwest::Client::builder().no_proxy().build().unwrap();
    let (status, _) = App::send(
        wrong
            .post(app.url("/api/recurring"))
            .bearer_auth("not-the-operator-secret")
            .header("Idempotency-Key", "w-1")
            .json(&body),
    )
    .await;
    assert_eq!(status, 401);
    // Above the mandate's max_amount: refused before anything reaches the gateway.
    let orders_before = common::count_orders(&app.dir.join("sandbox.sqlite"));
    let (status, e) = operator_debit(&app, "op-big", &debit_body(&cust, &token, 100_001)).await;
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["field"], "amount");
    assert_eq!(e["error"]["reason"], "amount_exceeds_mandate");
    assert_eq!(
        common::count_orders(&app.dir.join("sandbox.sqlite")),
        orders_before
    );
    // The month's debit, replayed for its own key...
    let (status, d) = operator_debit(&app, "op-1", &body).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(operator_debit(&app, "op-1", &body).await.1, d);
    // ...and refused for any other this month.
    for key in ["op-2", "op-3"] {
        let (status, e) = operator_debit(&app, key, &debit_body(&cust, &token, 500)).await;
        assert_eq!(status, 409, "{e}");
        assert_eq!(e["error"]["reason"], "mandate_frequency_exceeded");
        assert_eq!(e["error"]["field"], "token");
    }
    let captured = payments_on_token(&app, &token)
        .await
        .into_iter()
        .filter(|p| p["status"] == "captured")
        .count();
    assert_eq!(captured, 2, "the registration and one debit");
    app.stop().await;

    // No OPERATOR_SECRET configured: no debits at all.
    let app = start_with("operator-off", |c| c.operator_secret = None).await;
    let (status, e) = App::send(
        app.http
            .post(app.url("/api/recurring"))
            .bearer_auth(OPERATOR)
            .header("Idempotency-Key", "x-1")
            .json(&body),
    )
    .await;
    assert_eq!(status, 403, "{e}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bank_page_takes_only_the_redirect_it_issued() {
    let app = App::start("bank-token").await;
    let (status, o) = app
        .checkout("bank-1", &app.order("4111 1111 1111 1111", None).await)
        .await;
    assert_eq!(status, 200, "{o}");
    let url = next_url(&o, "redirect");
    let pid = o["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap();
    // Only the payment id (as anyone who saw it could): refused, nothing changes.
    let bare = app.gateway(&format!("/v1/payments/{pid}/authorize"));
    assert_ne!(url, bare, "the redirect carries more than the payment id");
    let forged = format!("{bare}?auth=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    for u in [&bare, &forged] {
        let page = app.http.get(u).send().await.unwrap();
        assert_eq!(page.status().as_u16(), 403, "{u}");
        let back = app
            .http
            .post(u)
            .form(&[("action", "approve")])
            .send()
            .await
            .unwrap();
        assert_eq!(back.status().as_u16(), 403, "{u}");
    }
    assert_eq!(
        sandbox_get(&app, &format!("/v1/payments/{pid}")).await["status"],
        "created"
    );
    // The shopper who was redirected approves.
    app.approve(&url, "approve").await;
    assert_eq!(
        sandbox_get(&app, &format!("/v1/payments/{pid}")).await["status"],
        "captured"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_refuses_a_second_debit_in_the_same_period() {
    let app = App::start("sandbox-frequency").await;
    let debit = |cust: String, token: String| {
        let app = &app;
        async move {
            let (status, o) = sandbox_post(
                app,
                "/v1/orders",
                &json!({ "amount": 500, "currency": "INR", "customer_id": cust }),
            )
            .await;
            assert_eq!(status, 200, "{o}");
            let p = json!({ "email": "gaurav.kumar@example.com", "contact": "9876543210", "amount": 500, "currency": "INR",
                "order_id": o["id"], "customer_id": cust, "token": token, "recurring": "1" });
            sandbox_post(app, "/v1/payments/create/recurring", &p).await
        }
    };
    let (cust, token) = mandate(&app, "monthly", 100_000).await;
    assert_eq!(debit(cust.clone(), token.clone()).await.0, 200);
    let (status, e) = debit(cust.clone(), token.clone()).await;
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["reason"], "mandate_frequency_exceeded");
    assert_eq!(e["error"]["field"], "token");
    // `as_presented` mandates have no period.
    let (cust, token) = mandate(&app, "as_presented", 100_000).await;
    assert_eq!(debit(cust.clone(), token.clone()).await.0, 200);
    assert_eq!(debit(cust, token).await.0, 200);
    app.stop().await;
}
