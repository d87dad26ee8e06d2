//! Fulfilment the Razorpay way, over real HTTP: the sandbox's `order.paid`
//! beside `payment.captured`, its retries with the same event id, its late
//! authorisation card; the backend fulfilling each order once whichever of
//! the webhooks and the callback comes first, de-duplicating deliveries by
//! event id, verifying signatures over the raw body, and accepting a rotated
//! webhook secret for the overlap only.
//!
//! The sandbox's webhooks go through a recording proxy in this file (the
//! backend's own URL behind it), which can hold deliveries, lose the
//! backend's answer, or refuse them.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use common::{next_url, parse_form, query_param, App, OPERATOR_SECRET, WEBHOOK_SECRET};
use razorpay_demo::crypto::hmac_hex;
use razorpay_demo::db::now_secs;
use razorpay_demo::Config;
use serde_json::{json, Value};

/// The late-authorisation test card (www/server/README.md).
const LATE_CARD: &str = "4000000000000515";
/// A card that simply succeeds (Razorpay's published Visa test card).
const CARD: &str = "4100280000001007";

/// What the proxy does with a delivery.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    /// Passes it to the backend and its answer back.
    Forward,
    /// Waits until [`Proxy::open`], then forwards.
    Hold,
    /// Forwards, but answers 500 to the first try of each event id (the
    /// backend processed it; its answer was lost).
    LoseFirstAnswer,
    /// Answers 503 to the first `n` tries of each event id without
    /// forwarding, then forwards.
    Refuse(usize),
}

/// One delivery as the proxy saw it.
#[derive(Clone, Debug)]
struct Delivery {
    id: String,
    event: String,
    body: String,
    signature: String,
    at: Instant,
    /// The backend's answer, when forwarded.
    answer: Option<(u16, Value)>,
}

struct ProxyState {
    mode: Mode,
    target: Mutex<Option<String>>,
    deliveries: Mutex<Vec<Delivery>>,
    gate: tokio::sync::watch::Sender<bool>,
    http: reqwest::Client,
}

#[derive(Clone)]
struct Proxy {
    url: String,
    state: Arc<ProxyState>,
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn hook(
    State(p): State<Arc<ProxyState>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let text = String::from_utf8_lossy(&body).into_owned();
    let id = header(&headers, "x-razorpay-event-id");
    let event = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v["event"].as_str().map(str::to_string))
        .unwrap_or_default();
    let tries_before = p
        .deliveries
        .lock()
        .unwrap()
        .iter()
        .filter(|d| d.id == id)
        .count();
    let index = {
        let mut list = p.deliveries.lock().unwrap();
        list.push(Delivery {
            id: id.clone(),
            event,
            body: text.clone(),
            signature: header(&headers, "x-razorpay-signature"),
            at: Instant::now(),
            answer: None,
        });
        list.len() - 1
    };
    match p.mode {
        Mode::Refuse(n) if tries_before < n => {
            return (StatusCode::SERVICE_UNAVAILABLE, "refused".into())
        }
        Mode::Hold => {
            let _ = p.gate.subscribe().wait_for(|open| *open).await;
        }
        _ => {}
    }
    let target = p
        .target
        .lock()
        .unwrap()
        .clone()
        .expect("the backend's URL is set");
    let sent = p
        .http
        .post(target)
        .header("content-type", header(&headers, "content-type"))
        .header(
            "x-razorpay-signature",
            header(&headers, "x-razorpay-signature"),
        )
        .header("x-razorpay-event-id", &id)
        .body(text)
        .send()
        .await
        .unwrap();
    let status = sent.status().as_u16();
    let answer: Value = sent.json().await.unwrap_or(Value::Null);
    p.deliveries.lock().unwrap()[index].answer = Some((status, answer.clone()));
    if p.mode == Mode::LoseFirstAnswer && tries_before == 0 {
        return (StatusCode::INTERNAL_SERVER_ERROR, "lost".into());
    }
    (StatusCode::from_u16(status).unwrap(), answer.to_string())
}

impl Proxy {
    async fn start(mode: Mode) -> Proxy {
        let state = Arc::new(ProxyState {
            mode,
            target: Mutex::new(None),
            deliveries: Mutex::new(Vec::new()),
            gate: tokio::sync::watch::channel(false).0,
            http: common::client(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(hook))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Proxy { url, state }
    }

    fn open(&self) {
        self.state.gate.send_replace(true);
    }

    fn deliveries(&self) -> Vec<Delivery> {
        self.state.deliveries.lock().unwrap().clone()
    }

    /// The deliveries of `event` about `entity_id` (the payment's or order's id in the body).
    fn of(&self, event: &str, entity_id: &str) -> Vec<Delivery> {
        self.deliveries()
            .into_iter()
            .filter(|d| d.event == event && d.body.contains(&format!("\"id\":\"{entity_id}\"")))
            .collect()
    }

    /// Waits until `n` deliveries of `event` about `entity_id` were answered by the backend.
    async fn wait_answered(&self, event: &str, entity_id: &str, n: usize) -> Vec<Delivery> {
        wait_for(|| {
            let answered: Vec<Delivery> = self
                .of(event, entity_id)
                .into_iter()
                .filter(|d| d.answer.is_some())
                .collect();
            (answered.len() >= n).then_some(answered)
        })
        .await
        .unwrap_or_else(|| {
            panic!(
                "{n} answered {event} for {entity_id}: {:#?}",
                self.deliveries()
            )
        })
    }
}

/// Polls `f` for up to 15 s.
async fn wait_for<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let end = Instant::now() + Duration::from_secs(15);
    while Instant::now() < end {
        if let Some(v) = f() {
            return Some(v);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

/// The backend and sandbox, webhooks through `proxy`, retries 20 ms apart.
async fn start(tag: &str, proxy: &Proxy, tweak: impl FnOnce(&mut Config)) -> App {
    let dir = common::temp_dir(tag);
    let mut c = common::config(&dir);
    c.sandbox_webhook_url = Some(format!("{}/hook", proxy.url));
    c.sandbox_webhook_retry_ms = 20;
    tweak(&mut c);
    let handles = razorpay_demo::start(c).await.expect("app starts");
    *proxy.state.target.lock().unwrap() =
        Some(format!("{}/api/webhooks/razorpay", handles.demo_url));
    App::with(handles, dir).await
}

/// `GET /api/fulfilments` as the operator: its items.
async fn fulfilments(app: &App) -> Vec<Value> {
    let (status, list) = App::send(
        app.http
            .get(app.url("/api/fulfilments"))
            .bearer_auth(OPERATOR_SECRET),
    )
    .await;
    assert_eq!(status, 200, "{list}");
    list["items"].as_array().cloned().unwrap_or_default()
}

/// Polls until `order_id` is fulfilled; its row.
async fn wait_fulfilled(app: &App, order_id: &str) -> Value {
    for _ in 0..600 {
        if let Some(f) = fulfilments(app)
            .await
            .into_iter()
            .find(|f| f["order_id"] == order_id)
        {
            return f;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{order_id} never fulfilled: {:?}", fulfilments(app).await);
}

/// A paid-for order in the works: the checkout answer's ids and bank page.
struct Paying {
    cart: String,
    order_id: String,
    payment_id: String,
    redirect: String,
}

async fn checkout(app: &App, card: &str) -> Paying {
    let cart = app.cart().await;
    let (status, order) = app
        .checkout(&format!("k-{cart}"), &common::order_in(&cart, card, None))
        .await;
    assert_eq!(status, 200, "{order}");
    Paying {
        cart,
        order_id: order["id"].as_str().unwrap().to_string(),
        payment_id: order["payment_workflow"]["razorpay_payment_id"]
            .as_str()
            .unwrap()
            .to_string(),
        redirect: next_url(&order, "redirect"),
    }
}

/// Approves on the bank page; the return form's target and fields (the
/// callback not yet posted: the shopper has not pressed Continue).
async fn approve(app: &App, redirect: &str) -> (String, Vec<(String, String)>) {
    let back = app
        .http
        .post(redirect)
        .form(&[("action", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(back.status().as_u16(), 200);
    parse_form(&back.text().await.unwrap())
}

/// Posts the return form to the callback; its `Location`.
async fn callback(app: &App, form: &(String, Vec<(String, String)>)) -> String {
    let cb = app.http.post(&form.0).form(&form.1).send().await.unwrap();
    assert_eq!(cb.status().as_u16(), 303);
    cb.headers()["location"].to_str().unwrap().to_string()
}

fn field<'a>(form: &'a (String, Vec<(String, String)>), name: &str) -> Option<&'a str> {
    form.1
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn post_webhook(
    app: &App,
    body: &str,
    signature: Option<&str>,
    event_id: &str,
) -> (u16, Value) {
    let mut r = app
        .http
        .post(app.url("/api/webhooks/razorpay"))
        .header("content-type", "application/json")
        .header("X-Razorpay-Event-Id", event_id)
        .body(body.to_string());
    if let Some(s) = signature {
        r = r.header("X-Razorpay-Signature", s);
    }
    App::send(r).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_paid_and_payment_captured_both_delivered_fulfil_the_order_once() {
    let proxy = Proxy::start(Mode::Forward).await;
    let app = start("ff-both", &proxy, |_| {}).await;
    let p = checkout(&app, CARD).await;
    // The shopper approves and closes the tab: only the webhooks arrive.
    approve(&app, &p.redirect).await;
    let captured = proxy
        .wait_answered("payment.captured", &p.payment_id, 1)
        .await;
    let paid = proxy.wait_answered("order.paid", &p.order_id, 1).await;
    assert_eq!((captured.len(), paid.len()), (1, 1));
    // order.paid as Razorpay shapes it: both entities, its own event id, signed over the body.
    let body: Value = serde_json::from_str(&paid[0].body).unwrap();
    assert_eq!(body["entity"], "event");
    assert_eq!(body["contains"], json!(["payment", "order"]));
    let order = &body["payload"]["order"]["entity"];
    let payment = &body["payload"]["payment"]["entity"];
    assert_eq!(
        (
            order["id"].as_str(),
            order["status"].as_str(),
            order["receipt"].as_str()
        ),
        (
            Some(p.order_id.as_str()),
            Some("paid"),
            Some(p.cart.as_str())
        )
    );
    assert_eq!(
        (order["amount_paid"].as_i64(), order["amount_due"].as_i64()),
        (Some(100), Some(0))
    );
    assert_eq!(
        (
            payment["id"].as_str(),
            payment["status"].as_str(),
            payment["order_id"].as_str()
        ),
        (
            Some(p.payment_id.as_str()),
            Some("captured"),
            Some(p.order_id.as_str())
        )
    );
    assert_eq!(
        paid[0].signature,
        hmac_hex(WEBHOOK_SECRET, paid[0].body.as_bytes())
    );
    assert_ne!(paid[0].id, captured[0].id, "each event has its own id");
    assert_eq!(paid[0].id.len(), 14);
    // payment.captured came first and fulfilled; order.paid found it done.
    assert_eq!(
        captured[0].answer.as_ref().unwrap().1["fulfilment"],
        "fulfilled"
    );
    assert_eq!(
        paid[0].answer.as_ref().unwrap().1["fulfilment"],
        "already_fulfilled"
    );
    // The list is the operator's only.
    let (status, _) = App::send(app.http.get(app.url("/api/fulfilments"))).await;
    assert_eq!(status, 401);
    let all = fulfilments(&app).await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(
        (
            all[0]["order_id"].as_str(),
            all[0]["receipt"].as_str(),
            all[0]["payment_id"].as_str()
        ),
        (
            Some(p.order_id.as_str()),
            Some(p.cart.as_str()),
            Some(p.payment_id.as_str())
        )
    );
    assert_eq!(
        (all[0]["source"].as_str(), all[0]["amount"].as_i64()),
        (Some("payment.captured"), Some(100))
    );
    // Both events are recorded, once each.
    assert!(app.wait_for_webhook("order.paid", &p.payment_id).await);
    let (_, list) = app.webhooks().await;
    let events: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["event"].as_str())
        .collect();
    assert_eq!(
        events.iter().filter(|e| **e == "order.paid").count(),
        1,
        "{events:?}"
    );
    assert_eq!(
        events.iter().filter(|e| **e == "payment.captured").count(),
        1,
        "{events:?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_before_the_callback_fulfils_once() {
    let proxy = Proxy::start(Mode::Forward).await;
    let app = start("ff-webhook-first", &proxy, |_| {}).await;
    let p = checkout(&app, CARD).await;
    let form = approve(&app, &p.redirect).await;
    let first = wait_fulfilled(&app, &p.order_id).await;
    assert_eq!(first["source"], "payment.captured");
    proxy.wait_answered("order.paid", &p.order_id, 1).await;
    // Now the shopper presses Continue: the callback verifies and finds it fulfilled.
    let location = callback(&app, &form).await;
    let verdict = app.verdict(&location).await;
    assert_eq!(
        (verdict["verdict"].as_str(), verdict["fulfilled"].as_bool()),
        (Some("paid"), Some(true)),
        "{verdict}"
    );
    let all = fulfilments(&app).await;
    assert_eq!(all, vec![first], "fulfilled once, by the webhook");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_callback_before_the_webhook_fulfils_once() {
    let proxy = Proxy::start(Mode::Hold).await;
    let app = start("ff-callback-first", &proxy, |_| {}).await;
    let p = checkout(&app, CARD).await;
    let form = approve(&app, &p.redirect).await;
    let location = callback(&app, &form).await;
    // The webhooks are held: the callback's fetch fulfilled the order.
    let all = fulfilments(&app).await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(
        (all[0]["order_id"].as_str(), all[0]["source"].as_str()),
        (Some(p.order_id.as_str()), Some("callback"))
    );
    assert!(
        proxy.deliveries().iter().all(|d| d.answer.is_none()),
        "nothing delivered yet"
    );
    let verdict = app.verdict(&location).await;
    assert_eq!(
        (verdict["verdict"].as_str(), verdict["fulfilled"].as_bool()),
        (Some("paid"), Some(true)),
        "{verdict}"
    );
    // The late webhooks change nothing.
    proxy.open();
    let captured = proxy
        .wait_answered("payment.captured", &p.payment_id, 1)
        .await;
    let paid = proxy.wait_answered("order.paid", &p.order_id, 1).await;
    for d in captured.iter().chain(&paid) {
        let (status, answer) = d.answer.clone().unwrap();
        assert_eq!(
            (
                status,
                answer["status"].as_str(),
                answer["fulfilment"].as_str()
            ),
            (200, Some("recorded"), Some("already_fulfilled")),
            "{}",
            d.event
        );
    }
    assert_eq!(fulfilments(&app).await, all);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivery_with_the_same_event_id_is_processed_once() {
    let proxy = Proxy::start(Mode::LoseFirstAnswer).await;
    let app = start("ff-redelivery", &proxy, |_| {}).await;
    let p = checkout(&app, CARD).await;
    approve(&app, &p.redirect).await;
    // Each event's first answer is lost: the sandbox sends it again.
    for (event, id) in [
        ("payment.captured", &p.payment_id),
        ("order.paid", &p.order_id),
    ] {
        let tries = proxy.wait_answered(event, id, 2).await;
        assert_eq!(tries.len(), 2, "{event} tried twice: {tries:#?}");
        assert_eq!(tries[0].id, tries[1].id, "{event}: the same event id");
        assert_eq!(
            (&tries[0].body, &tries[0].signature),
            (&tries[1].body, &tries[1].signature),
            "{event}: byte for byte"
        );
        let answers: Vec<&str> = tries
            .iter()
            .map(|t| t.answer.as_ref().unwrap().1["status"].as_str().unwrap())
            .collect();
        assert_eq!(answers, ["recorded", "duplicate"], "{event}");
    }
    assert_eq!(fulfilments(&app).await.len(), 1);
    let (_, list) = app.webhooks().await;
    let captured = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["event"] == "payment.captured")
        .count();
    assert_eq!(captured, 1, "{list}");
    // A redelivery is known by its event id even when its body was made
    // again (another created_at, signed anew): processed once.
    let first = &proxy.of("payment.captured", &p.payment_id)[0];
    let mut again: Value = serde_json::from_str(&first.body).unwrap();
    again["created_at"] = json!(again["created_at"].as_i64().unwrap() + 1);
    let again = again.to_string();
    let (status, r) = post_webhook(
        &app,
        &again,
        Some(&hmac_hex(WEBHOOK_SECRET, again.as_bytes())),
        &first.id,
    )
    .await;
    assert_eq!(
        (status, r["status"].as_str()),
        (200, Some("duplicate")),
        "{r}"
    );
    // The same made-up body under a new id is a new delivery (and still fulfils nothing twice).
    let (status, r) = post_webhook(
        &app,
        &again,
        Some(&hmac_hex(WEBHOOK_SECRET, again.as_bytes())),
        "NewDelivery001",
    )
    .await;
    assert_eq!(
        (status, r["status"].as_str(), r["fulfilment"].as_str()),
        (200, Some("recorded"), Some("already_fulfilled")),
        "{r}"
    );
    assert_eq!(fulfilments(&app).await.len(), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_delivery_is_retried_with_backoff_then_given_up() {
    // Two refusals, then taken: three tries of one event id, waits doubling.
    let proxy = Proxy::start(Mode::Refuse(2)).await;
    let app = start("ff-retry", &proxy, |c| c.sandbox_webhook_retry_ms = 100).await;
    let p = checkout(&app, CARD).await;
    approve(&app, &p.redirect).await;
    let fulfilled = wait_fulfilled(&app, &p.order_id).await;
    // Each event is retried on its own: either may be taken first.
    assert!(
        ["payment.captured", "order.paid"].contains(&fulfilled["source"].as_str().unwrap()),
        "{fulfilled}"
    );
    let tries = proxy.of("payment.captured", &p.payment_id);
    assert_eq!(tries.len(), 3, "{tries:#?}");
    assert!(tries
        .iter()
        .all(|t| t.id == tries[0].id && t.body == tries[0].body));
    let waits: Vec<Duration> = tries.windows(2).map(|w| w[1].at - w[0].at).collect();
    assert!(
        waits[0] >= Duration::from_millis(100) && waits[1] >= Duration::from_millis(200),
        "{waits:?}"
    );
    app.stop().await;

    // Refused every time: six tries, then the sandbox gives up.
    let proxy = Proxy::start(Mode::Refuse(usize::MAX)).await;
    let app = start("ff-give-up", &proxy, |c| c.sandbox_webhook_retry_ms = 10).await;
    let p = checkout(&app, CARD).await;
    approve(&app, &p.redirect).await;
    let six =
        wait_for(|| (proxy.of("payment.captured", &p.payment_id).len() >= 6).then_some(())).await;
    assert!(six.is_some(), "{:#?}", proxy.deliveries());
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(proxy.of("payment.captured", &p.payment_id).len(), 6);
    assert!(
        fulfilments(&app).await.is_empty(),
        "no delivery reached the backend"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_authorisation_is_fulfilled_from_the_late_webhook() {
    let proxy = Proxy::start(Mode::Forward).await;
    let app = start("ff-late", &proxy, |c| c.sandbox_late_auth_ms = 1500).await;
    let p = checkout(&app, LATE_CARD).await;
    let form = approve(&app, &p.redirect).await;
    // The bank did not answer: the return carries an error, no signature.
    assert_eq!(
        field(&form, "error[reason]"),
        Some("bank_technical_error"),
        "{form:?}"
    );
    assert_eq!(field(&form, "razorpay_signature"), None);
    let location = callback(&app, &form).await;
    assert_eq!(
        query_param(&location, "payment_id").as_deref(),
        Some(p.payment_id.as_str())
    );
    let verdict = app.verdict(&location).await;
    assert_eq!(
        (
            verdict["verdict"].as_str(),
            verdict["status"].as_str(),
            verdict["fulfilled"].as_bool()
        ),
        (Some("pending"), Some("created"), Some(false)),
        "{verdict}"
    );
    assert!(fulfilments(&app).await.is_empty());
    // Nobody can approve it again meanwhile.
    let again = app
        .http
        .post(&p.redirect)
        .form(&[("action", "approve")])
        .send()
        .await
        .unwrap();
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("processing this payment"));
    // The authorisation arrives: authorized (late), captured, order paid.
    let fulfilled = wait_fulfilled(&app, &p.order_id).await;
    assert_eq!(
        (
            fulfilled["source"].as_str(),
            fulfilled["payment_id"].as_str()
        ),
        (Some("payment.captured"), Some(p.payment_id.as_str()))
    );
    let authorized = proxy
        .wait_answered("payment.authorized", &p.payment_id, 1)
        .await;
    let body: Value = serde_json::from_str(&authorized[0].body).unwrap();
    assert_eq!(
        body["payload"]["payment"]["entity"]["late_authorized"],
        true
    );
    proxy.wait_answered("order.paid", &p.order_id, 1).await;
    // The shopper's result page (reloaded) now says paid, from the signed webhook.
    let verdict = app.verdict(&location).await;
    assert_eq!(
        (
            verdict["verdict"].as_str(),
            verdict["status"].as_str(),
            verdict["fulfilled"].as_bool(),
            verdict["signature_verified"].as_bool()
        ),
        (Some("paid"), Some("captured"), Some(true), Some(false)),
        "{verdict}"
    );
    assert_eq!(fulfilments(&app).await.len(), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_authorisation_after_the_payment_timed_out_moves_failed_to_paid() {
    let proxy = Proxy::start(Mode::Forward).await;
    let app = start("ff-late-expired", &proxy, |c| {
        c.sandbox_payment_expiry_secs = 1;
        c.sandbox_late_auth_ms = 5000;
    })
    .await;
    let p = checkout(&app, LATE_CARD).await;
    let location = callback(&app, &approve(&app, &p.redirect).await).await;
    // Left unauthenticated by the bank past the window: failed, payment.failed sent.
    let failed = proxy
        .wait_answered("payment.failed", &p.payment_id, 1)
        .await;
    let body: Value = serde_json::from_str(&failed[0].body).unwrap();
    assert_eq!(
        body["payload"]["payment"]["entity"]["error_reason"],
        "payment_timed_out"
    );
    let verdict = app.verdict(&location).await;
    assert_eq!(verdict["verdict"], "failed", "{verdict}");
    // Then the bank's late answer: failed → authorized → captured, fulfilled once.
    wait_fulfilled(&app, &p.order_id).await;
    let verdict = app.verdict(&location).await;
    assert_eq!(
        (verdict["verdict"].as_str(), verdict["status"].as_str()),
        (Some("paid"), Some("captured")),
        "{verdict}"
    );
    let (status, payment) = App::send(
        app.http
            .get(app.gateway(&format!("/v1/payments/{}", p.payment_id)))
            .basic_auth(
                razorpay_demo::config::SANDBOX_KEY_ID,
                Some(razorpay_demo::config::SANDBOX_KEY_SECRET),
            ),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            payment["late_authorized"].as_bool(),
            payment["error_reason"].as_str()
        ),
        (Some(true), None),
        "{payment}"
    );
    assert_eq!(fulfilments(&app).await.len(), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_authorisation_by_otp_answers_the_banks_error_then_is_fulfilled() {
    let proxy = Proxy::start(Mode::Forward).await;
    let app = start("ff-late-otp", &proxy, |c| c.sandbox_late_auth_ms = 1000).await;
    let cart = app.cart().await;
    let (status, order) = app
        .checkout(
            &format!("k-{cart}"),
            &common::order_in(&cart, LATE_CARD, None),
        )
        .await;
    assert_eq!(status, 200, "{order}");
    let order_id = order["id"].as_str().unwrap().to_string();
    let (status, gen) = app
        .post(
            "/api/checkout/otp/generate",
            &json!({ "url": next_url(&order, "otp_generate") }),
        )
        .await;
    assert_eq!(status, 200, "{gen}");
    let submit = gen["next"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "otp_submit")
        .unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    // A right OTP, but the bank does not answer: the bank's error, no signature.
    let (status, e) = app
        .post(
            "/api/checkout/otp/submit",
            &json!({ "url": submit, "otp": "123456" }),
        )
        .await;
    assert_eq!(status, 400, "{e}");
    assert_eq!(
        (e["error"]["reason"].as_str(), e["error"]["source"].as_str()),
        (Some("bank_technical_error"), Some("bank")),
        "{e}"
    );
    assert!(e.get("razorpay_signature").is_none());
    // The OTP cannot be sent again meanwhile; the authorisation arrives later.
    let (status, again) = app
        .post(
            "/api/checkout/otp/submit",
            &json!({ "url": submit, "otp": "123456" }),
        )
        .await;
    assert_eq!(
        (status, again["error"]["reason"].as_str()),
        (400, Some("payment_already_processed")),
        "{again}"
    );
    let fulfilled = wait_fulfilled(&app, &order_id).await;
    assert_eq!(fulfilled["receipt"], cart.as_str());
    app.stop().await;
}

/// The cart a late authorisation pays twice: it timed out, the shopper paid
/// again with another card, then the first payment's authorisation arrived.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cart_paid_twice_by_a_late_authorisation_is_fulfilled_once() {
    let proxy = Proxy::start(Mode::Forward).await;
    let app = start("ff-paid-twice", &proxy, |c| {
        c.sandbox_payment_expiry_secs = 1;
        c.sandbox_late_auth_ms = 5000;
    })
    .await;
    let first = checkout(&app, LATE_CARD).await;
    callback(&app, &approve(&app, &first.redirect).await).await;
    proxy
        .wait_answered("payment.failed", &first.payment_id, 1)
        .await;
    // The first payment failed: the backend lets the cart be paid again.
    let (status, second) = app
        .checkout(
            &format!("k2-{}", first.cart),
            &common::order_in(&first.cart, CARD, None),
        )
        .await;
    assert_eq!(status, 200, "{second}");
    let second_order = second["id"].as_str().unwrap().to_string();
    assert_ne!(second_order, first.order_id);
    callback(&app, &approve(&app, &next_url(&second, "redirect")).await).await;
    assert_eq!(
        wait_fulfilled(&app, &second_order).await["receipt"],
        first.cart.as_str()
    );
    // The late authorisation: the first order is paid too, and not fulfilled again.
    let late = proxy.wait_answered("order.paid", &first.order_id, 1).await;
    let (status, answer) = late[0].answer.clone().unwrap();
    assert_eq!(
        (status, answer["fulfilment"].as_str()),
        (200, Some("already_fulfilled")),
        "{answer}"
    );
    let all = fulfilments(&app).await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["order_id"], second_order.as_str());
    app.stop().await;
}

/// A signed event of the test's own making (no order behind it: it is
/// recorded, and fulfils nothing).
fn event(name: &str, payment_id: &str) -> String {
    json!({ "entity": "event", "account_id": "acc_SandboxAcct001", "event": name, "contains": ["payment"],
        "payload": { "payment": { "entity": { "id": payment_id, "entity": "payment", "amount": 100 } } }, "created_at": now_secs() })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_webhook_secret_is_accepted_during_the_overlap_only() {
    const NEW: &str = "the_new_webhook_secret_after_rotation";
    const OLD: &str = "the_old_webhook_secret_before_rotation";
    let until = now_secs() + 6;
    let proxy = Proxy::start(Mode::Forward).await;
    let app = start("ff-rotation", &proxy, |c| {
        c.webhook_secret = Some(NEW.into());
        c.webhook_secret_previous = Some((OLD.into(), until));
    })
    .await;
    let send = |secret: &'static str, n: u32| {
        let body = event("payment.authorized", &format!("pay_Rotation{n:06}"));
        let app = &app;
        async move {
            post_webhook(
                app,
                &body,
                Some(&hmac_hex(secret, body.as_bytes())),
                &format!("Rotation{n:06}"),
            )
            .await
        }
    };
    // During the overlap: both secrets.
    assert_eq!(send(OLD, 1).await.1["status"], "recorded");
    assert_eq!(send(NEW, 2).await.1["status"], "recorded");
    let (status, e) = send("some_other_secret_of_no_one", 3).await;
    assert_eq!(
        (status, e["error"]["reason"].as_str()),
        (400, Some("invalid_signature"))
    );
    // The sandbox (signing with the new one) is still taken.
    let p = checkout(&app, CARD).await;
    approve(&app, &p.redirect).await;
    wait_fulfilled(&app, &p.order_id).await;
    // After the end: the old secret is refused, the new one taken.
    while now_secs() < until {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, e) = send(OLD, 4).await;
    assert_eq!(
        (status, e["error"]["reason"].as_str()),
        (400, Some("invalid_signature")),
        "{e}"
    );
    assert_eq!(send(NEW, 5).await.1["status"], "recorded");
    let (_, list) = app.webhooks().await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["entity_id"].as_str())
        .filter(|i| i.starts_with("pay_Rotation"))
        .collect();
    assert_eq!(
        ids,
        [
            "pay_Rotation000001",
            "pay_Rotation000002",
            "pay_Rotation000005"
        ]
    );
    app.stop().await;
}

/// `signature` with its last hex digit changed, so it always differs (the old
/// `to_uppercase().replace('A', "B")` left a signature with no `a` valid, since
/// hex is read case-blind: a 1-in-60 flake).
fn mangled(signature: &str) -> String {
    let (head, last) = signature.split_at(signature.len() - 1);
    format!("{head}{}", if last == "0" { '1' } else { '0' })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_signature_is_refused_and_fulfils_nothing() {
    // The sandbox's deliveries never reach the backend: this test posts them.
    let proxy = Proxy::start(Mode::Refuse(usize::MAX)).await;
    let app = start("ff-forged", &proxy, |c| c.sandbox_webhook_retry_ms = 5000).await;
    let p = checkout(&app, CARD).await;
    approve(&app, &p.redirect).await;
    let real = wait_for(|| proxy.of("order.paid", &p.order_id).pop())
        .await
        .expect("order.paid sent");
    assert_eq!(
        real.signature,
        hmac_hex(WEBHOOK_SECRET, real.body.as_bytes())
    );
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&real.body).unwrap()).unwrap();
    let forged = [
        (real.body.clone(), None), // no signature
        (
            real.body.clone(),
            Some(hmac_hex("not_the_webhook_secret", real.body.as_bytes())),
        ), // another secret
        (
            real.body.clone(),
            Some(hmac_hex(
                razorpay_demo::config::SANDBOX_KEY_SECRET,
                real.body.as_bytes(),
            )),
        ), // the key secret
        (
            real.body.replace("\"amount\":100", "\"amount\":1"),
            Some(real.signature.clone()),
        ), // a changed body
        (pretty.clone(), Some(real.signature.clone())), // the same JSON, other bytes
        (real.body.clone(), Some(mangled(&real.signature))), // a mangled signature: one hex digit changed
    ];
    for (body, signature) in &forged {
        let (status, e) = post_webhook(&app, body, signature.as_deref(), &real.id).await;
        assert_eq!(
            (status, e["error"]["reason"].as_str()),
            (400, Some("invalid_signature")),
            "{signature:?} {body}"
        );
    }
    assert!(fulfilments(&app).await.is_empty());
    // The signature is over the raw bytes: other bytes signed as they are pass.
    let (status, r) = post_webhook(
        &app,
        &pretty,
        Some(&hmac_hex(WEBHOOK_SECRET, pretty.as_bytes())),
        &real.id,
    )
    .await;
    assert_eq!(
        (status, r["fulfilment"].as_str()),
        (200, Some("fulfilled")),
        "{r}"
    );
    let all = fulfilments(&app).await;
    assert_eq!(
        (all.len(), all[0]["source"].as_str()),
        (1, Some("order.paid"))
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fulfilment_claims_are_atomic_across_two_instances() {
    use razorpay_demo::fulfilment::Fulfilment;
    use razorpay_demo::store::Store;
    let dir = common::temp_dir("ff-claims");
    let open = || async {
        let store = match common::postgres_database(&dir) {
            Some(url) => Store::postgres(&url, 8).unwrap(),
            None => Store::sqlite(
                &dir.join("demo.sqlite"),
                &[razorpay_demo::state::SCHEMA, razorpay_demo::carts::SCHEMA].concat(),
                razorpay_demo::state::MIGRATIONS,
            )
            .unwrap(),
        };
        store.prepare().await.unwrap();
        store
    };
    let (a, b) = (open().await, open().await);
    let f = |order: &str, receipt: &str, source: &str| Fulfilment {
        order_id: order.into(),
        receipt: receipt.into(),
        payment_id: "pay_Claims00000001".into(),
        amount: 100,
        currency: "INR".into(),
        source: source.into(),
        fulfilled_at: 0,
    };
    for round in 0..5 {
        let (order, receipt) = (
            format!("order_Claims0000000{round}"),
            format!("cart_claims{round}"),
        );
        let mut racers = Vec::new();
        for i in 0..8 {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            let claim = f(
                &order,
                &receipt,
                if i % 2 == 0 { "order.paid" } else { "callback" },
            );
            racers.push(tokio::spawn(async move {
                store.claim_fulfilment(&claim).await.unwrap()
            }));
        }
        let mut won = 0;
        for r in racers {
            won += usize::from(r.await.unwrap());
        }
        assert_eq!(
            won, 1,
            "round {round}: one claimer of eight, on two instances"
        );
        // Another Razorpay order of the same cart (a late authorisation after a retry): not again.
        assert!(!b
            .claim_fulfilment(&f(
                &format!("order_Claims0000001{round}"),
                &receipt,
                "payment.captured"
            ))
            .await
            .unwrap());
    }
    assert_eq!(a.latest_fulfilments(100).await.unwrap().len(), 5);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_sqlite_file_gains_the_delivery_id_and_the_fulfilments() {
    use razorpay_demo::store::Store;
    let dir = common::temp_dir("ff-old-sqlite");
    let path = dir.join("demo.sqlite");
    // The webhook table as the previous version made it, with one event.
    let old = rusqlite::Connection::open(&path).unwrap();
    old.execute_batch(
        "CREATE TABLE webhook_events (id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT UNIQUE,
           event TEXT NOT NULL, entity_id TEXT, created_at INTEGER NOT NULL, received_at INTEGER NOT NULL,
           payload TEXT NOT NULL);
         INSERT INTO webhook_events (event_id, event, created_at, received_at, payload)
           VALUES ('k0', 'payment.captured', 1, 1, '{}');",
    )
    .unwrap();
    drop(old);
    let store = Store::sqlite(
        &path,
        &[razorpay_demo::state::SCHEMA, razorpay_demo::carts::SCHEMA].concat(),
        razorpay_demo::state::MIGRATIONS,
    )
    .unwrap();
    assert!(store.webhook_seen("k0", None).await.unwrap());
    assert!(store
        .record_webhook("k1", Some("Delivery000001"), "order.paid", None, 2, "{}")
        .await
        .unwrap());
    // The same delivery id under another key: a duplicate (the new unique index).
    assert!(!store
        .record_webhook("k2", Some("Delivery000001"), "order.paid", None, 3, "{}")
        .await
        .unwrap());
    assert!(store
        .webhook_seen("k9", Some("Delivery000001"))
        .await
        .unwrap());
    assert!(store.latest_fulfilments(10).await.unwrap().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
