//! The backend's perimeter under attack, over real HTTP on loopback: the
//! operator-only webhook list, secrets made up per start and expiring
//! session cookies, webhook replays, cross-site and non-JSON POSTs, another
//! browser's OTP calls and receipts, and result links made by hand.

mod common;

use common::{next_url, App, OPERATOR_SECRET, SESSION_SECRET, WEBHOOK_SECRET};
use razorpay_demo::crypto::hmac_hex;
use razorpay_demo::db::now_secs;
use serde_json::{json, Value};

async fn start_with(tag: &str, edit: impl FnOnce(&mut razorpay_demo::Config)) -> App {
    let dir = common::temp_dir(tag);
    let mut config = common::config(&dir);
    edit(&mut config);
    let handles = razorpay_demo::start(config).await.expect("app starts");
    App::with(handles, dir).await
}

/// Another browser: its own cookie jar, its own page load.
async fn stranger(app: &App) -> reqwest::Client {
    let http = common::client();
    let r = http.get(app.url("/api/config")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    http
}

fn event(name: &str, payment_id: &str, created_at: i64) -> String {
    json!({ "entity": "event", "account_id": "acc_SandboxAcct001", "event": name, "contains": ["payment"],
        "payload": { "payment": { "entity": { "id": payment_id, "entity": "payment", "amount": 100 } } }, "created_at": created_at })
    .to_string()
}

async fn post_webhook(app: &App, secret: &str, body: &str, event_id: Option<&str>) -> (u16, Value) {
    let mut r = app
        .http
        .post(app.url("/api/webhooks/razorpay"))
        .header("content-type", "application/json")
        .header("X-Razorpay-Signature", hmac_hex(secret, body.as_bytes()))
        .body(body.to_string());
    if let Some(id) = event_id {
        r = r.header("X-Razorpay-Event-Id", id);
    }
    App::send(r).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_list_is_for_the_operator_only() {
    let app = App::start("operator").await;
    let body = event("payment.captured", "pay_TestOperator001", now_secs());
    assert_eq!(post_webhook(&app, WEBHOOK_SECRET, &body, None).await.0, 200);
    let list = app.http.get(app.url("/api/webhooks"));
    let (status, e) = App::send(list).await;
    assert_eq!(status, 401, "{e}");
    assert_eq!(e["error"]["reason"], "operator_authentication_failed");
    assert!(!e.to_string().contains("pay_TestOperator001"));
    let wrong = app
        .http
        .get(app.url("/api/webhooks"))
        .bearer_auth(format!("{OPERATOR_SECRET}x"));
    assert_eq!(App::send(wrong).await.0, 401);
    let (status, list) = app.webhooks().await;
    assert_eq!(status, 200);
    assert_eq!(list["items"][0]["entity_id"], "pay_TestOperator001");
    app.stop().await;

    // No OPERATOR_SECRET configured: nobody.
    let app = start_with("operator-none", |c| c.operator_secret = None).await;
    assert_eq!(app.webhooks().await.0, 403);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_forged_with_the_old_constant_key_or_expired_are_refused() {
    // The secrets of a start with nothing configured.
    let app = start_with("secrets", |c| {
        let defaults = razorpay_demo::Config::sandbox_defaults();
        c.session_secret = defaults.session_secret;
        c.webhook_secret = defaults.webhook_secret;
    })
    .await;
    let customer = app.customer().await;
    let tokens = app.url(&format!("/api/customers/{customer}/tokens"));
    assert_eq!(
        App::send(app.http.get(&tokens)).await.0,
        200,
        "the real cookie works"
    );
    // The old cookie: the customer id MAC'd with a key derived from the
    // sandbox's public key secret.
    let old_key = hmac_hex(
        razorpay_demo::config::SANDBOX_KEY_SECRET,
        b"razorpay-demo shopper session v1",
    );
    let forged = format!(
        "rzp_demo_customer={customer}.{}",
        hmac_hex(&old_key, customer.as_bytes())
    );
    let other = common::client();
    let (status, e) = App::send(other.get(&tokens).header("cookie", forged)).await;
    assert_eq!(
        status, 401,
        "a cookie forged with the old constant key: {e}"
    );
    // The old constant webhook secret signs nothing.
    let body = event("payment.captured", "pay_TestConstant001", now_secs());
    assert_eq!(
        post_webhook(&app, "sandbox_webhook_secret_00000000", &body, None)
            .await
            .0,
        400
    );
    app.stop().await;

    // With a known session secret: a cookie older than MAX_AGE_SECS is refused.
    let app = App::start("expiry").await;
    let customer = app.customer().await;
    let tokens = app.url(&format!("/api/customers/{customer}/tokens"));
    let max = razorpay_demo::session::MAX_AGE_SECS;
    let at = |issued: i64| {
        format!(
            "rzp_demo_customer={}",
            razorpay_demo::session::cookie_value(SESSION_SECRET, &customer, issued)
        )
    };
    let other = common::client();
    assert_eq!(
        App::send(other.get(&tokens).header("cookie", at(now_secs() - 60)))
            .await
            .0,
        200
    );
    let (status, e) = App::send(
        other
            .get(&tokens)
            .header("cookie", at(now_secs() - max - 60)),
    )
    .await;
    assert_eq!(status, 401, "an expired cookie: {e}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_or_old_webhook_is_not_recorded_again() {
    let app = App::start("replay").await;
    let body = event("payment.captured", "pay_TestReplay00001", now_secs());
    let (status, r) = post_webhook(&app, WEBHOOK_SECRET, &body, None).await;
    assert_eq!((status, r["status"].as_str()), (200, Some("recorded")));
    // Again without an event id, and with made-up ones: the same signed event.
    for id in [None, Some("evt_1"), Some("evt_2")] {
        let (status, r) = post_webhook(&app, WEBHOOK_SECRET, &body, id).await;
        assert_eq!(
            (status, r["status"].as_str()),
            (200, Some("duplicate")),
            "{id:?}"
        );
    }
    // Signed, but from 2001 (or the future, or without a time): refused.
    for created_at in [
        978_307_200,
        now_secs() - razorpay_demo::routes::webhooks::MAX_AGE_SECS - 60,
        now_secs() + 3600,
    ] {
        let old = event("payment.captured", "pay_TestReplay00002", created_at);
        let (status, e) = post_webhook(&app, WEBHOOK_SECRET, &old, Some("evt_3")).await;
        assert_eq!(status, 400, "{created_at}: {e}");
        assert_eq!(e["error"]["reason"], "webhook_too_old");
    }
    let untimed = body.replace(
        &format!(
            ",\"created_at\":{}",
            body.split("\"created_at\":")
                .nth(1)
                .unwrap()
                .trim_end_matches('}')
        ),
        "",
    );
    assert!(!untimed.contains("created_at"), "{untimed}");
    assert_eq!(
        post_webhook(&app, WEBHOOK_SECRET, &untimed, None).await.0,
        400
    );
    // Another event for the same payment is its own.
    let authorized = event("payment.authorized", "pay_TestReplay00001", now_secs());
    assert_eq!(
        post_webhook(&app, WEBHOOK_SECRET, &authorized, None)
            .await
            .1["status"],
        "recorded"
    );
    let (_, list) = app.webhooks().await;
    assert_eq!(list["count"], 2, "{list}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_and_non_json_posts_are_refused() {
    let app = App::start("csrf").await;
    let sign_in = r#"{"name":"Mallory","email":"mallory@example.com","contact":"9876543210"}"#;
    let post = |content_type: &str, origin: Option<&str>| {
        let mut r = app
            .http
            .post(app.url("/api/customers"))
            .header("content-type", content_type)
            .body(sign_in);
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        App::send(r)
    };
    // The login CSRF: a cross-site text/plain form.
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let (status, e) = post(content_type, None).await;
        assert_eq!(status, 415, "{content_type}: {e}");
        assert_eq!(e["error"]["code"], "BAD_REQUEST_ERROR");
        assert_eq!(e["error"]["reason"], "unsupported_media_type");
    }
    let (status, e) = post("text/plain", Some("http://evil.example")).await;
    assert_eq!(status, 403, "{e}");
    let (status, e) = post("application/json", Some("http://evil.example")).await;
    assert_eq!(status, 403, "{e}");
    assert_eq!(e["error"]["reason"], "cross_origin_request");
    assert_eq!(post("application/json", Some("null")).await.0, 403);
    let cross_site = app
        .http
        .post(app.url("/api/customers"))
        .header("content-type", "application/json")
        .header("sec-fetch-site", "cross-site")
        .body(sign_in);
    assert_eq!(App::send(cross_site).await.0, 403);
    let own = app.handles.demo_url.clone();
    assert_eq!(
        post("application/json; charset=utf-8", Some(&own)).await.0,
        200
    );
    assert_eq!(post("application/json", None).await.0, 200);

    // The bank's return form: urlencoded, from no origin, null or the gateway.
    let form = "razorpay_payment_id=pay_TestCallback001&razorpay_order_id=order_TestCallback01&razorpay_signature=00";
    let callback = |content_type: &str, origin: Option<&str>| {
        let mut r = app
            .http
            .post(app.url("/checkout/callback"))
            .header("content-type", content_type)
            .body(form);
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        r.send()
    };
    let gateway = app.handles.gateway_url.clone();
    for origin in [None, Some("null"), Some(gateway.as_str())] {
        assert_eq!(
            callback("application/x-www-form-urlencoded", origin)
                .await
                .unwrap()
                .status()
                .as_u16(),
            303,
            "{origin:?}"
        );
    }
    let r = callback(
        "application/x-www-form-urlencoded",
        Some("http://evil.example"),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(
        callback("application/json", None)
            .await
            .unwrap()
            .status()
            .as_u16(),
        415
    );

    // Webhooks: server to server, never from a browser.
    let body = event("payment.captured", "pay_TestCsrfHook001", now_secs());
    let hook = |content_type: &str, origin: Option<&str>| {
        let mut r = app
            .http
            .post(app.url("/api/webhooks/razorpay"))
            .header("content-type", content_type)
            .header(
                "X-Razorpay-Signature",
                hmac_hex(WEBHOOK_SECRET, body.as_bytes()),
            )
            .body(body.clone());
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        r.send()
    };
    assert_eq!(
        hook("application/json", Some(&own))
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        hook("text/plain", None).await.unwrap().status().as_u16(),
        415
    );
    assert_eq!(
        hook("application/json", None)
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strangers_otp_calls_do_not_touch_the_shoppers_payment() {
    let app = App::start("otp-owner").await;
    let (status, o) = app
        .checkout("otp-owner-1", &app.order("6527 6589 0000 1005", None).await)
        .await;
    assert_eq!(status, 200, "{o}");
    let generate = next_url(&o, "otp_generate");
    let payment_id = o["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap()
        .to_string();
    let submit = generate
        .split('?')
        .next()
        .unwrap()
        .replace("otp_generate", "otp/submit");
    // Another browser knows the payment id: generate, then six wrong OTPs.
    let other = stranger(&app).await;
    let call = |path: &str, body: Value| App::send(other.post(app.url(path)).json(&body));
    let (status, e) = call("/api/checkout/otp/generate", json!({ "url": generate })).await;
    assert_eq!(status, 404, "{e}");
    for _ in 0..6 {
        let (status, e) = call(
            "/api/checkout/otp/submit",
            json!({ "url": submit, "otp": "000000" }),
        )
        .await;
        assert_eq!(status, 404, "{e}");
        assert_eq!(e["error"]["reason"], "payment_not_found");
    }
    let (status, e) = call(
        "/api/checkout/otp/resend",
        json!({ "url": submit.replace("submit", "resend") }),
    )
    .await;
    assert_eq!(status, 404, "{e}");
    // The shopper's payment is untouched: one OTP away from paid.
    let (status, gen) = app
        .post("/api/checkout/otp/generate", &json!({ "url": generate }))
        .await;
    assert_eq!(status, 200, "{gen}");
    let (status, ok) = app
        .post(
            "/api/checkout/otp/submit",
            &json!({ "url": submit, "otp": "123456" }),
        )
        .await;
    assert_eq!(status, 200, "{ok}");
    assert_eq!(ok["razorpay_payment_id"], payment_id.as_str());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_belongs_to_the_checkout_that_started_it() {
    let app = App::start("receipt-owner").await;
    let body = app.order("6527 6589 0000 1005", None).await;
    let (status, mine) = app.checkout("receipt-owner-1", &body).await;
    assert_eq!(status, 200, "{mine}");
    // Another browser with the cart id, the very same order, its own key.
    let other = stranger(&app).await;
    let theirs = other
        .post(app.url("/api/checkout"))
        .header("Idempotency-Key", "receipt-owner-2")
        .json(&body);
    let (status, e) = App::send(theirs).await;
    assert_eq!(status, 403, "{e}");
    assert_eq!(e["error"]["reason"], "order_belongs_to_another_checkout");
    assert!(
        !e.to_string().contains("pay_"),
        "nothing of the shopper's payment: {e}"
    );
    // The shopper's own retry (another tab, another key) still follows the payment.
    let (status, again) = app.checkout("receipt-owner-3", &body).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["id"], mine["id"]);
    assert_eq!(common::count_orders(&app.dir.join("sandbox.sqlite")), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_result_verdict_comes_from_the_backend_not_the_link() {
    let app = App::start("verdict").await;
    let (status, o) = app
        .checkout("verdict-1", &app.order("4111 1111 1111 1111", None).await)
        .await;
    assert_eq!(status, 200, "{o}");
    let payment_id = o["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap()
        .to_string();
    let order_id = o["id"].as_str().unwrap().to_string();
    // A hand-made link before any payment: not paid, whatever it says.
    let made =
        format!("/result.html?payment_id={payment_id}&order_id={order_id}&signature_valid=true");
    let v = app.verdict(&made).await;
    assert_eq!(v["verdict"], "pending", "{v}");
    assert_eq!(v["signature_verified"], false);
    // A callback with a bad signature redirects with ids only, and is not a verdict.
    let form = [
        ("razorpay_payment_id", payment_id.as_str()),
        ("razorpay_order_id", order_id.as_str()),
        ("razorpay_signature", &"00".repeat(32)),
    ];
    let r = app
        .http
        .post(app.url("/checkout/callback"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        location,
        format!("/result.html?payment_id={payment_id}&order_id={order_id}")
    );
    assert_eq!(app.verdict(&location).await["verdict"], "pending");
    // An error form's text never reaches the page's URL.
    let error = [
        ("error[code]", "BAD_REQUEST_ERROR"),
        ("error[description]", "Call +91 00000 to get a refund"),
        ("error[reason]", "x"),
    ];
    let r = app
        .http
        .post(app.url("/checkout/callback"))
        .form(&error)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/result.html?");
    // The real approval: paid.
    let location = app.approve(&next_url(&o, "redirect"), "approve").await;
    assert_eq!(app.verdict(&location).await["verdict"], "paid");
    // Another browser gets no verdict for this payment.
    let other = stranger(&app).await;
    let (status, _) =
        App::send(other.get(app.url(&format!("/api/checkout/result?payment_id={payment_id}"))))
            .await;
    assert_eq!(status, 404);
    app.stop().await;
}
