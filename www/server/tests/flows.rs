//! End-to-end flows over real HTTP: backend → sandbox gateway → webhooks.

mod common;

use common::{count_orders, next_url, query_param, App};
use razorpay_checkout_wasm::checkout::{default_otp_endpoint, OtpCall, OtpRequest};
use razorpay_demo::crypto::payment_signature;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_flow_saves_the_card() {
    let app = App::start("redirect").await;
    let cust = app.customer().await;
    // fail_existing "0": the same customer again.
    assert_eq!(app.customer().await, cust);

    let mut body = app.order("4100 2800 0000 1007", Some(&cust)).await;
    body["payment"]["save"] = json!(1);
    let (status, o) = app.checkout("redirect-1", &body).await;
    assert_eq!(status, 200, "{o}");
    assert_eq!(o["entity"], "order");
    assert_eq!(o["status"], "attempted");
    let payment_id = o["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap()
        .to_string();
    let order_id = o["id"].as_str().unwrap().to_string();
    assert!(
        payment_id.starts_with("pay_") && payment_id.len() == 18,
        "{payment_id}"
    );
    let redirect = next_url(&o, "redirect");
    // The bank page's URL, with the secret only the redirected shopper gets.
    let bank_page = app.gateway(&format!("/v1/payments/{payment_id}/authorize?auth="));
    assert!(redirect.starts_with(&bank_page), "{redirect}");
    assert_eq!(redirect.len(), bank_page.len() + 32, "{redirect}");
    assert!(next_url(&o, "otp_generate").contains("track_id="));

    let location = app.approve(&redirect, "approve").await;
    assert!(location.starts_with("/result.html?"), "{location}");
    assert_eq!(
        app.verdict(&location).await["verdict"],
        "paid",
        "{location}"
    );
    assert_eq!(
        query_param(&location, "payment_id").as_deref(),
        Some(payment_id.as_str())
    );
    assert_eq!(
        query_param(&location, "order_id").as_deref(),
        Some(order_id.as_str())
    );

    let (status, p) = app.get(&format!("/api/payments/{payment_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(p["status"], "captured");
    assert_eq!(p["captured"], true);
    assert_eq!(p["contact"], "+919876543210");
    let token_id = p["token_id"]
        .as_str()
        .expect("token_id once saved")
        .to_string();

    let (status, tokens) = app.get(&format!("/api/customers/{cust}/tokens")).await;
    assert_eq!(status, 200);
    assert_eq!(tokens["entity"], "collection");
    let items = tokens["items"].as_array().unwrap();
    assert!(items.iter().any(|t| t["id"] == token_id.as_str()
        && t["card"]["last4"] == "1007"
        && t["card"]["network"] == "Visa"));

    assert!(
        app.wait_for_webhook("payment.authorized", &payment_id)
            .await
    );
    assert!(app.wait_for_webhook("payment.captured", &payment_id).await);

    // The bank page again: already processed, no second capture.
    let again = app
        .http
        .post(&redirect)
        .form(&[("action", "approve")])
        .send()
        .await
        .unwrap();
    assert_ne!(again.status().as_u16(), 200);

    // Delete the token: gone from the list.
    let del = app
        .http
        .delete(app.url(&format!("/api/customers/{cust}/tokens/{token_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(del.status().as_u16(), 200);
    assert_eq!(
        del.json::<Value>().await.unwrap(),
        json!({ "deleted": true })
    );
    let (_, tokens) = app.get(&format!("/api/customers/{cust}/tokens")).await;
    assert!(!tokens["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == token_id.as_str()));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decline_on_the_bank_page_returns_the_error_fields() {
    let app = App::start("decline").await;
    let (status, o) = app
        .checkout("decline-1", &app.order("5500 6700 0000 1002", None).await)
        .await;
    assert_eq!(status, 200, "{o}");
    let location = app.approve(&next_url(&o, "redirect"), "decline").await;
    // The page's URL carries ids only; the verdict and its error come from the backend.
    assert_eq!(query_param(&location, "error_reason"), None, "{location}");
    let verdict = app.verdict(&location).await;
    assert_eq!(verdict["verdict"], "failed", "{verdict}");
    assert_eq!(verdict["error"]["reason"], "payment_cancelled");
    assert_eq!(verdict["error"]["code"], "BAD_REQUEST_ERROR");
    let payment_id = o["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap();
    assert_eq!(
        query_param(&location, "payment_id").as_deref(),
        Some(payment_id)
    );
    let (_, p) = app.get(&format!("/api/payments/{payment_id}")).await;
    assert_eq!(p["status"], "failed");
    assert_eq!(p["error_reason"], "payment_cancelled");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otp_flow_wrong_then_resend_then_right() {
    let app = App::start("otp").await;
    let (status, o) = app
        .checkout("otp-1", &app.order("6527 6589 0000 1005", None).await)
        .await;
    assert_eq!(status, 200, "{o}");
    // The routes and bodies the browser's Checkout sends: the crate's
    // contract (razorpay_checkout_wasm::checkout::talk), not copies of it.
    let route = |call: OtpCall| call.url(&default_otp_endpoint("/api/checkout"));
    let otp_body =
        |url: &str, otp: Option<&str>| serde_json::to_value(OtpRequest { url, otp }).unwrap();
    let generate = next_url(&o, "otp_generate");
    let (status, gen) = app
        .post(&route(OtpCall::Generate), &otp_body(&generate, None))
        .await;
    assert_eq!(status, 200, "{gen}");
    assert_eq!(gen["metadata"]["network"], "RuPay");
    assert_eq!(gen["metadata"]["last4"], "1005");
    let submit = gen["next"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "otp_submit")
        .unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let resend = gen["next"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "otp_resend")
        .unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();

    let (status, wrong) = app
        .post(&route(OtpCall::Submit), &otp_body(&submit, Some("123")))
        .await;
    assert_eq!(status, 400, "{wrong}");
    assert_eq!(wrong["error"]["reason"], "incorrect_otp");
    assert_eq!(
        wrong["error"]["description"],
        "Payment processing failed because of incorrect OTP"
    );
    assert_eq!(wrong["error"]["source"], "customer");
    assert_eq!(wrong["error"]["step"], "payment_authentication");
    assert_eq!(wrong["next"], json!(["otp_submit", "otp_resend"]));

    let (status, again) = app
        .post(&route(OtpCall::Resend), &otp_body(&resend, None))
        .await;
    assert_eq!(status, 200, "{again}");
    assert!(again["next"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["action"] == "otp_submit"));

    let (status, ok) = app
        .post(&route(OtpCall::Submit), &otp_body(&submit, Some("123456")))
        .await;
    assert_eq!(status, 200, "{ok}");
    let (oid, pid, sig) = (
        ok["razorpay_order_id"].as_str().unwrap(),
        ok["razorpay_payment_id"].as_str().unwrap(),
        ok["razorpay_signature"].as_str().unwrap(),
    );
    assert_eq!(
        sig,
        payment_signature(razorpay_demo::config::SANDBOX_KEY_SECRET, oid, pid)
    );
    let (_, v) = app.post("/api/verify", &json!({ "razorpay_order_id": oid, "razorpay_payment_id": pid, "razorpay_signature": sig })).await;
    assert_eq!(v, json!({ "signature_valid": true }));
    let (_, v) = app.post("/api/verify", &json!({ "razorpay_order_id": oid, "razorpay_payment_id": pid, "razorpay_signature": "00".repeat(32) })).await;
    assert_eq!(v, json!({ "signature_valid": false }));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_card_pays_without_cvv() {
    let app = App::start("saved").await;
    let cust = app.customer().await;
    let mut first = app.order("5500670000001002", Some(&cust)).await;
    first["payment"]["save"] = json!(1);
    let (_, o) = app.checkout("saved-1", &first).await;
    app.approve(&next_url(&o, "redirect"), "approve").await;
    let (_, p) = app
        .get(&format!(
            "/api/payments/{}",
            o["payment_workflow"]["razorpay_payment_id"]
                .as_str()
                .unwrap()
        ))
        .await;
    let token = p["token_id"].as_str().unwrap().to_string();

    // The saved card: a token and no card object at all (so no cvv key).
    let mut second = app.order("", Some(&cust)).await;
    let payment = second["payment"].as_object_mut().unwrap();
    payment.remove("card");
    payment.insert("token".into(), json!(token));
    let (status, o2) = app.checkout("saved-2", &second).await;
    assert_eq!(status, 200, "{o2}");
    // And with the CVV left empty, as a page that keeps the field would send it
    // (another merchant order: a receipt of its own).
    second["payment"]["card"] = json!({ "cvv": "" });
    second["receipt"] = json!(app.cart().await);
    let (status, o3) = app.checkout("saved-3", &second).await;
    assert_eq!(status, 200, "{o3}");
    let location = app.approve(&next_url(&o2, "redirect"), "approve").await;
    assert_eq!(
        app.verdict(&location).await["verdict"],
        "paid",
        "{location}"
    );
    let (_, p2) = app
        .get(&format!(
            "/api/payments/{}",
            o2["payment_workflow"]["razorpay_payment_id"]
                .as_str()
                .unwrap()
        ))
        .await;
    assert_eq!(p2["status"], "captured");
    assert_eq!(p2["token_id"], token.as_str());
    app.stop().await;
}

/// The operator secret of the tests that debit mandates.
const OPERATOR: &str = common::OPERATOR_SECRET;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mandate_registration_then_a_recurring_debit() {
    let dir = common::temp_dir("mandate");
    let config = common::config(&dir);
    let app = App {
        handles: razorpay_demo::start(config).await.expect("app starts"),
        dir,
        http: common::client(),
    };
    let cust = app.customer().await;
    let mut reg = app.order("4718609108204366", Some(&cust)).await;
    reg["token"] = json!({ "max_amount": 100000, "frequency": "monthly" });
    reg["payment"]["recurring"] = json!(1);
    let (status, o) = app.checkout("mandate-1", &reg).await;
    assert_eq!(status, 200, "{o}");
    let location = app.approve(&next_url(&o, "redirect"), "approve").await;
    assert_eq!(
        app.verdict(&location).await["verdict"],
        "paid",
        "{location}"
    );
    let (_, p) = app
        .get(&format!(
            "/api/payments/{}",
            o["payment_workflow"]["razorpay_payment_id"]
                .as_str()
                .unwrap()
        ))
        .await;
    let token = p["token_id"].as_str().unwrap().to_string();
    let (_, tokens) = app.get(&format!("/api/customers/{cust}/tokens")).await;
    let t = tokens["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == token.as_str())
        .unwrap()
        .clone();
    assert_eq!(t["recurring"], true);
    assert_eq!(t["recurring_details"]["status"], "confirmed");
    assert_eq!(t["max_amount"], 100000);
    assert!(app.wait_for_webhook("token.confirmed", &token).await);

    let debit = json!({ "customer_id": cust, "token": token, "amount": 5000, "email": "gaurav.kumar@example.com", "contact": "9876543210" });
    // Debits come from the merchant's server (the operator secret), not the shopper's cookie.
    let operator = |key: &str, body: &Value| {
        app.http
            .post(app.url("/api/recurring"))
            .bearer_auth(OPERATOR)
            .header("Idempotency-Key", key)
            .json(body)
    };
    let r = operator("debit-1", &debit).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let d: Value = r.json().await.unwrap();
    let (oid, pid, sig) = (
        d["razorpay_order_id"].as_str().unwrap(),
        d["razorpay_payment_id"].as_str().unwrap(),
        d["razorpay_signature"].as_str().unwrap(),
    );
    assert_eq!(
        sig,
        payment_signature(razorpay_demo::config::SANDBOX_KEY_SECRET, oid, pid)
    );
    let (_, p) = app.get(&format!("/api/payments/{pid}")).await;
    assert_eq!(p["status"], "captured");
    assert_eq!(p["amount"], 5000);
    assert_eq!(p["token_id"], token.as_str());
    assert!(app.wait_for_webhook("payment.captured", pid).await);

    // Without an Idempotency-Key: refused (a debit must be retry-safe).
    let r = app
        .http
        .post(app.url("/api/recurring"))
        .bearer_auth(OPERATOR)
        .json(&debit)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    // With the same key again: the same debit.
    let r = operator("debit-1", &debit).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap(), d);

    // Above the mandate's max_amount: refused (by the backend, before the gateway).
    let mut big = debit.clone();
    big["amount"] = json!(110000);
    let r = operator("debit-2", &big).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["field"], "amount");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_scenario_cards_are_declined() {
    let app = App::start("declined").await;
    for (card, reason) in [
        ("4000 0000 0000 0002", "payment_declined"),
        ("4000 0000 0000 9995", "insufficient_funds"),
    ] {
        let (status, e) = app
            .checkout(&format!("declined-{reason}"), &app.order(card, None).await)
            .await;
        assert_eq!(status, 400, "{e}");
        assert_eq!(e["error"]["code"], "BAD_REQUEST_ERROR");
        assert_eq!(e["error"]["reason"], reason);
        let pid = e["error"]["metadata"]["payment_id"].as_str().unwrap();
        assert!(e["error"]["metadata"]["order_id"]
            .as_str()
            .unwrap()
            .starts_with("order_"));
        let (_, p) = app.get(&format!("/api/payments/{pid}")).await;
        assert_eq!(p["status"], "failed");
        assert_eq!(p["error_reason"], reason);
    }
    // Authentication fails even with a right OTP.
    let (_, o) = app
        .checkout("declined-auth", &app.order("4000000000003220", None).await)
        .await;
    let (_, gen) = app
        .post(
            "/api/checkout/otp/generate",
            &json!({ "url": next_url(&o, "otp_generate") }),
        )
        .await;
    let submit = gen["next"][0]["url"].as_str().unwrap();
    let (status, e) = app
        .post(
            "/api/checkout/otp/submit",
            &json!({ "url": submit, "otp": "1234" }),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["reason"], "authentication_failed");

    // The mandate is rejected: the payment is captured, the token is not usable.
    let cust = app.customer().await;
    let mut reg = app.order("4000000000000127", Some(&cust)).await;
    reg["token"] = json!({ "max_amount": 100000, "frequency": "monthly" });
    reg["payment"]["recurring"] = json!(1);
    let (status, o) = app.checkout("declined-mandate", &reg).await;
    assert_eq!(status, 200, "{o}");
    app.approve(&next_url(&o, "redirect"), "approve").await;
    let (_, p) = app
        .get(&format!(
            "/api/payments/{}",
            o["payment_workflow"]["razorpay_payment_id"]
                .as_str()
                .unwrap()
        ))
        .await;
    assert_eq!(p["status"], "captured");
    let token = p["token_id"].as_str().unwrap();
    assert!(app.wait_for_webhook("token.rejected", token).await);
    let (_, tokens) = app.get(&format!("/api/customers/{cust}/tokens")).await;
    assert_eq!(tokens["count"], 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_side_validation_refuses_bad_orders() {
    let app = App::start("validation").await;
    let mut bad = app.order("4111111111111112", None).await;
    bad["payment"]["email"] = json!("not-an-email");
    let (status, e) = app.checkout("bad-1", &bad).await;
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["code"], "BAD_REQUEST_ERROR");
    assert!(
        e["error"]["metadata"]["errors"].as_array().unwrap().len() >= 2,
        "{e}"
    );
    // No key, or a bad key.
    let r = app
        .http
        .post(app.url("/api/checkout"))
        .json(&app.order("4111111111111111", None).await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = app
        .http
        .post(app.url("/api/checkout"))
        .header("Idempotency-Key", "bad key!")
        .json(&app.order("4111111111111111", None).await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["field"],
        "Idempotency-Key"
    );
    // The browser cannot choose the IP or the callback URL; nothing reaches the gateway unvalidated.
    assert_eq!(count_orders(&app.dir.join("sandbox.sqlite")), 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_order_per_idempotency_key_under_concurrency() {
    let app = App::start("idem").await;
    let body = app.order("4111 1111 1111 1111", None).await;
    let (a, b) = tokio::join!(
        app.checkout("double-click", &body),
        app.checkout("double-click", &body)
    );
    assert_eq!(a.0, 200, "{}", a.1);
    assert_eq!(a, b);
    assert_eq!(count_orders(&app.dir.join("sandbox.sqlite")), 1);
    // A third, later: replayed, with the header.
    let r = app
        .http
        .post(app.url("/api/checkout"))
        .header("Idempotency-Key", "double-click")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()
            .get("idempotent-replayed")
            .map(|v| v.to_str().unwrap()),
        Some("true")
    );
    assert_eq!(r.json::<Value>().await.unwrap(), a.1);
    // The same key for another order is refused.
    let mut other = body.clone();
    other["payment"]["card"]["number"] = json!("5500670000001002");
    let (status, e) = app.checkout("double-click", &other).await;
    assert_eq!(status, 422, "{e}");
    assert_eq!(count_orders(&app.dir.join("sandbox.sqlite")), 1);
    // A new key for the same merchant order (another tab): the same order back.
    let (status, again) = app.checkout("other-tab", &body).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["id"], a.1["id"]);
    assert_eq!(count_orders(&app.dir.join("sandbox.sqlite")), 1);
    // A new key and a new receipt: a new order.
    let mut next = body.clone();
    next["receipt"] = json!(app.cart().await);
    assert_eq!(app.checkout("second-order", &next).await.0, 200);
    assert_eq!(count_orders(&app.dir.join("sandbox.sqlite")), 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otp_urls_for_other_hosts_or_endpoints_are_refused() {
    let app = App::start("otp-host").await;
    let (_, o) = app
        .checkout("host-1", &app.order("4111111111111111", None).await)
        .await;
    let good = next_url(&o, "otp_generate");
    let pid = o["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap();
    let port = app.handles.sandbox_addr.unwrap().port();
    for url in [
        good.replace("127.0.0.1", "evil.example"),
        good.replace(
            &format!(":{port}"),
            &format!(":{}", app.handles.demo_addr.port()),
        ),
        good.replace("http://", "https://"),
        format!("http://127.0.0.1:{port}/v1/payments/{pid}/capture"),
        format!("http://127.0.0.1:{port}/v1/customers"),
        format!("http://user:pw@127.0.0.1:{port}/v1/payments/{pid}/otp_generate"),
        "not a url".to_string(),
    ] {
        let (status, e) = app
            .post("/api/checkout/otp/generate", &json!({ "url": url }))
            .await;
        assert_eq!(status, 400, "{url}: {e}");
        assert_eq!(e["error"]["field"], "url");
    }
    // Submit with a generate URL is refused too.
    let (status, _) = app
        .post(
            "/api/checkout/otp/submit",
            &json!({ "url": good, "otp": "1234" }),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .post("/api/checkout/otp/generate", &json!({ "url": good }))
        .await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_need_the_right_signature() {
    let app = App::start("webhooks").await;
    let body = json!({ "entity": "event", "account_id": "acc_SandboxAcct001", "event": "payment.captured", "contains": ["payment"],
        "payload": { "payment": { "entity": { "id": "pay_TestWebhook0001", "entity": "payment" } } }, "created_at": razorpay_demo::db::now_secs() })
    .to_string();
    let post = |sig: Option<String>| {
        let mut r = app
            .http
            .post(app.url("/api/webhooks/razorpay"))
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(s) = sig {
            r = r.header("X-Razorpay-Signature", s);
        }
        r.send()
    };
    assert_eq!(post(None).await.unwrap().status().as_u16(), 400);
    assert_eq!(
        post(Some("deadbeef".into()))
            .await
            .unwrap()
            .status()
            .as_u16(),
        400
    );
    let wrong = razorpay_demo::crypto::hmac_hex("not-the-secret", body.as_bytes());
    assert_eq!(post(Some(wrong)).await.unwrap().status().as_u16(), 400);
    let (_, list) = app.webhooks().await;
    assert_eq!(list["count"], 0);
    let right = razorpay_demo::crypto::hmac_hex(common::WEBHOOK_SECRET, body.as_bytes());
    let r = post(Some(right)).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (_, list) = app.webhooks().await;
    assert_eq!(list["items"][0]["event"], "payment.captured");
    assert_eq!(list["items"][0]["entity_id"], "pay_TestWebhook0001");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_64_kib_get_a_json_413() {
    let app = App::start("limit").await;
    let mut big = app.order("4111111111111111", None).await;
    big["notes"] = json!({ "padding": "x".repeat(70 * 1024) });
    let (status, e) = app.checkout("big-1", &big).await;
    assert_eq!(status, 413);
    assert_eq!(e["error"]["code"], "BAD_REQUEST_ERROR");
    // Chunked (no Content-Length) too, over a raw connection.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(app.handles.demo_addr)
        .await
        .unwrap();
    let head = "POST /api/webhooks/razorpay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Razorpay-Signature: 00\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    conn.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("400\r\n{}\r\n", " ".repeat(1024));
    for _ in 0..80 {
        if conn.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = conn.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = conn.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("BAD_REQUEST_ERROR"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_state_survives_a_restart() {
    let dir = common::temp_dir("restart");
    let app = App::start_in(dir.clone()).await;
    let cust = app.customer().await;
    let mut body = app.order("4100280000001007", Some(&cust)).await;
    body["payment"]["save"] = json!(1);
    let (_, o) = app.checkout("restart-1", &body).await;
    app.approve(&next_url(&o, "redirect"), "approve").await;
    let pid = o["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, before) = app.get(&format!("/api/payments/{pid}")).await;
    app.handles.shutdown().await;

    let app = App::start_in(dir).await;
    // A new client is a new browser: a customer's payment needs its session.
    let (status, _) = app.get(&format!("/api/payments/{pid}")).await;
    assert_eq!(status, 401);
    assert_eq!(app.customer().await, cust);
    let (status, after) = app.get(&format!("/api/payments/{pid}")).await;
    assert_eq!(status, 200);
    assert_eq!(after, before);
    let (_, tokens) = app.get(&format!("/api/customers/{cust}/tokens")).await;
    assert_eq!(tokens["count"], 1);
    // The idempotency record survived too: the same key replays the same order.
    let (_, replay) = app.checkout("restart-1", &body).await;
    assert_eq!(replay["id"], o["id"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_requires_basic_auth_and_validates_like_razorpay() {
    let app = App::start("auth").await;
    let http = common::client();
    let r = http
        .post(app.gateway("/v1/orders"))
        .json(&json!({ "amount": 100, "currency": "INR" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "BAD_REQUEST_ERROR");
    let r = http
        .post(app.gateway("/v1/orders"))
        .basic_auth("rzp_test_sandbox", Some("wrong"))
        .json(&json!({ "amount": 100, "currency": "INR" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["description"],
        "The api key provided is invalid"
    );

    let auth = |rb: reqwest::RequestBuilder| {
        rb.basic_auth(
            razorpay_demo::config::SANDBOX_KEY_ID,
            Some(razorpay_demo::config::SANDBOX_KEY_SECRET),
        )
    };
    let r = auth(http.post(app.gateway("/v1/orders")))
        .json(&json!({ "amount": 100, "currency": "INR", "foo": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["description"],
        "foo is/are not required and should not be sent"
    );
    let r = auth(http.post(app.gateway("/v1/orders")))
        .json(&json!({ "amount": 100, "currency": "INR" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let o: Value = r.json().await.unwrap();
    assert_eq!(o["status"], "created");
    assert_eq!(o["notes"], json!([]));
    // Composite without ip (the backend always adds it): refused.
    let mut composite = app.order("4111111111111111", None).await;
    composite["payment"]["card"]["expiry_year"] = json!("35");
    let r = auth(http.post(app.gateway("/v1/orders")))
        .json(&composite)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "ip");
    // Partner Auth header.
    let r = auth(http.post(app.gateway("/v1/orders")))
        .header("X-Razorpay-Account", "acc_KBrJAIEqre5ucn")
        .json(&json!({ "amount": 100, "currency": "INR" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_and_static_files() {
    let dir = common::temp_dir("static");
    std::fs::create_dir_all(dir.join("www")).unwrap();
    std::fs::create_dir_all(dir.join("pkg/snippets")).unwrap();
    std::fs::write(
        dir.join("www/index.html"),
        "<!doctype html><title>demo</title>",
    )
    .unwrap();
    std::fs::write(
        dir.join("pkg/razorpay_checkout_wasm_bg.wasm"),
        b"\0asm\x01\0\0\0",
    )
    .unwrap();
    std::fs::write(
        dir.join("pkg/razorpay_checkout_wasm.js"),
        "export default 1;",
    )
    .unwrap();
    let app = App::start_in(dir).await;
    let (status, c) = app.get("/api/config").await;
    assert_eq!(status, 200);
    assert_eq!(c["key_id"], "rzp_test_sandbox");
    assert_eq!(
        c["gateway_host"],
        format!("127.0.0.1:{}", app.handles.sandbox_addr.unwrap().port())
    );
    assert!(!c
        .to_string()
        .contains(razorpay_demo::config::SANDBOX_KEY_SECRET));

    let get = |p: &str| app.http.get(app.url(p)).send();
    let r = get("/").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    let r = get("/pkg/razorpay_checkout_wasm_bg.wasm").await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/wasm");
    let r = get("/pkg/razorpay_checkout_wasm.js").await.unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(get("/pkg/missing.js").await.unwrap().status().as_u16(), 404);
    assert_eq!(
        get("/pkg/../www/index.html")
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        get("/server/Cargo.toml").await.unwrap().status().as_u16(),
        404
    );
    let (status, e) = app.get("/api/nope").await;
    assert_eq!(status, 404);
    assert_eq!(e["error"]["code"], "BAD_REQUEST_ERROR");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_external_gateway_and_partner_auth_are_configuration() {
    // App A runs the sandbox; app B uses A's sandbox as "RAZORPAY_BASE_URL".
    let a = App::start("external-a").await;
    let dir = common::temp_dir("external-b");
    let mut c = common::config(&dir);
    c.gateway_base_url = Some(a.handles.gateway_url.clone());
    c.account_id = Some("acc_KBrJAIEqre5ucn".into());
    let b = razorpay_demo::start(c.clone()).await.unwrap();
    assert!(b.sandbox_addr.is_none());
    let http = common::client();
    let cfg: Value = http
        .get(format!("{}/api/config", b.demo_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        cfg["gateway_host"],
        format!("127.0.0.1:{}", a.handles.sandbox_addr.unwrap().port())
    );
    let r = http
        .post(format!("{}/api/checkout", b.demo_url))
        .header("Idempotency-Key", "ext-1")
        .json(&common::order_in(
            common::new_cart(&b.demo_url, common::PRODUCT).await["id"]
                .as_str()
                .unwrap(),
            "4111111111111111",
            None,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(count_orders(&a.dir.join("sandbox.sqlite")), 1);
    b.shutdown().await;

    // The header is really sent: a malformed account id is refused by the gateway.
    c.account_id = Some("not-an-account".into());
    c.listen_addr = "127.0.0.1:0".parse().unwrap();
    let b = razorpay_demo::start(c).await.unwrap();
    let r = http
        .post(format!("{}/api/customers", b.demo_url))
        .json(&json!({ "name": "A B", "email": "a@example.com", "contact": "9876543210" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    b.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
    a.stop().await;
}
