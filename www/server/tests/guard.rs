//! Who pays and what it costs, over real HTTP on loopback: the customer
//! comes from the session (never from the body), and the backend prices the
//! cart itself (issue 11, findings 1 and 7).

mod common;

use common::{count_orders, next_url, App};
use razorpay_demo::config::{SANDBOX_KEY_ID, SANDBOX_KEY_SECRET};
use serde_json::{json, Value};

/// A sandbox entity, read with the merchant's keys.
async fn sandbox_get(app: &App, path: &str) -> Value {
    let r = common::client()
        .get(app.gateway(path))
        .basic_auth(SANDBOX_KEY_ID, Some(SANDBOX_KEY_SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{path}");
    r.json().await.unwrap()
}

/// `POST /api/checkout` from `client` (its own cookie jar).
async fn checkout_from(client: &reqwest::Client, app: &App, body: &Value) -> (u16, Value) {
    let key = format!("k-{}", razorpay_demo::crypto::random_alnum(10));
    App::send(
        client
            .post(app.url("/api/checkout"))
            .header("Idempotency-Key", key)
            .json(body),
    )
    .await
}

/// The victim signs in, pays with a new card and saves it: their customer
/// id and token.
async fn victim_with_a_saved_card(app: &App) -> (String, String) {
    let cust = app.customer().await;
    let mut body = app.order("4100280000001007", Some(&cust)).await;
    body["payment"]["save"] = json!(1);
    let (status, o) = app.checkout("victim-1", &body).await;
    assert_eq!(status, 200, "{o}");
    app.approve(&next_url(&o, "redirect"), "approve").await;
    let pid = o["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap();
    let (_, p) = app.get(&format!("/api/payments/{pid}")).await;
    (
        cust,
        p["token_id"].as_str().expect("a saved card").to_string(),
    )
}

/// Finding 1, exactly as reported: the victim's `cust_…` and `token_…` in
/// `payment.customer_id` / `payment.token`, no top-level `customer_id`, no
/// cookie; and a new card with `save: 1` onto the victim.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_victims_customer_id_on_the_payment_alone_pays_and_saves_nothing() {
    let app = App::start("guard-victim").await;
    let (victim, token) = victim_with_a_saved_card(&app).await;
    let sandbox_db = app.dir.join("sandbox.sqlite");
    let orders_before = count_orders(&sandbox_db);

    // Pay with the victim's saved card: no card, no CVV.
    let mut steal = app.order("4100280000001007", None).await;
    steal["payment"]["card"] = json!({});
    steal["payment"]["token"] = json!(token);
    steal["payment"]["customer_id"] = json!(victim);
    // Save the attacker's card onto the victim.
    let mut plant = app.order("5500670000001002", None).await;
    plant["payment"]["customer_id"] = json!(victim);
    plant["payment"]["save"] = json!(1);

    // No cookie at all: 401.
    let nobody = common::client();
    for body in [&steal, &plant] {
        let (status, e) = checkout_from(&nobody, &app, body).await;
        assert_eq!(status, 401, "{e}");
        assert_eq!(e["error"]["reason"], "customer_not_signed_in");
    }
    // Signed in as another customer: 403, with the victim named in either
    // place or in both.
    let attacker = common::client();
    let signed = attacker
        .post(app.url("/api/customers"))
        .json(
            &json!({ "name": "Mallory", "email": "mallory@example.com", "contact": "9123456789" }),
        )
        .send()
        .await
        .unwrap();
    let mallory = signed.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for body in [&steal, &plant] {
        let (status, e) = checkout_from(&attacker, &app, body).await;
        assert_eq!(status, 403, "{e}");
        let mut both = body.clone();
        both["customer_id"] = json!(victim);
        assert_eq!(checkout_from(&attacker, &app, &both).await.0, 403);
        // Their own id on top, the victim's on the payment: the two disagree.
        let mut mixed = body.clone();
        mixed["customer_id"] = json!(mallory);
        let (status, e) = checkout_from(&attacker, &app, &mixed).await;
        assert_eq!(status, 400, "{e}");
        assert_eq!(e["error"]["field"], "payment.customer_id");
    }
    assert_eq!(
        count_orders(&sandbox_db),
        orders_before,
        "nothing reached the gateway"
    );
    // The victim still has exactly their own card.
    let (_, tokens) = app.get(&format!("/api/customers/{victim}/tokens")).await;
    assert_eq!(tokens["count"], 1, "{tokens}");
    assert_eq!(tokens["items"][0]["card"]["last4"], "1007");

    // The victim's own session may name itself on the payment alone; the
    // order the gateway gets names the session's customer in both places.
    let (status, o) = app.checkout("victim-2", &steal).await;
    assert_eq!(status, 200, "{o}");
    let oid = o["id"].as_str().unwrap();
    assert_eq!(
        sandbox_get(&app, &format!("/v1/orders/{oid}")).await["customer_id"],
        victim.as_str()
    );
    let pid = o["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap();
    let p = sandbox_get(&app, &format!("/v1/payments/{pid}")).await;
    assert_eq!(
        (p["customer_id"].as_str(), p["token_id"].as_str()),
        (Some(victim.as_str()), Some(token.as_str()))
    );
    app.stop().await;
}

/// The sandbox, like Razorpay, pays with a token only for its own customer:
/// the order's and the payment's customer must agree, and the token must be
/// that customer's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_refuses_a_token_that_is_not_the_paying_customers() {
    let app = App::start("guard-sandbox").await;
    let (victim, token) = victim_with_a_saved_card(&app).await;
    let http = common::client();
    let auth =
        |rb: reqwest::RequestBuilder| rb.basic_auth(SANDBOX_KEY_ID, Some(SANDBOX_KEY_SECRET));
    let (status, m) = App::send(auth(http.post(app.gateway("/v1/customers"))).json(
        &json!({ "name": "Mallory", "email": "mallory@example.com", "contact": "9123456789" }),
    ))
    .await;
    assert_eq!(status, 200, "{m}");
    let mallory = m["id"].as_str().unwrap();
    let before = count_orders(&app.dir.join("sandbox.sqlite"));
    // (order customer, payment customer, field refused)
    let cases = [
        (Some(mallory), Some(victim.as_str()), "customer_id"),
        (Some(victim.as_str()), Some(mallory), "customer_id"),
        (Some(mallory), None, "token"),
        (None, Some(mallory), "token"),
        (None, None, "token"),
    ];
    for (top, on_payment, field) in cases {
        let mut o = app.order("", top).await;
        o["payment"]["card"] = json!({});
        o["payment"]["token"] = json!(token);
        o["payment"]["ip"] = json!("127.0.0.1");
        if let Some(c) = on_payment {
            o["payment"]["customer_id"] = json!(c);
        }
        let (status, e) = App::send(auth(http.post(app.gateway("/v1/orders"))).json(&o)).await;
        assert_eq!(status, 400, "{top:?} {on_payment:?}: {e}");
        assert_eq!(e["error"]["field"], field, "{top:?} {on_payment:?}: {e}");
    }
    assert_eq!(count_orders(&app.dir.join("sandbox.sqlite")), before);

    // Finding 15: the CVV has the network's length, for a saved card too
    // (the victim's Visa token: 3 digits, not 4).
    let mut saved = app.order("", Some(&victim)).await;
    saved["payment"]["card"] = json!({ "cvv": "8375" });
    saved["payment"]["token"] = json!(token);
    let (status, e) = app.checkout("cvv-saved", &saved).await;
    assert_eq!(
        (status, e["error"]["field"].clone()),
        (400, json!("cvv")),
        "{e}"
    );
    saved["payment"]["card"] = json!({ "cvv": "837" });
    let (status, o) = app.checkout("cvv-saved-2", &saved).await;
    assert_eq!(status, 200, "{o}");
    // And for a new card: an American Express CVV has 4 digits, any other 3.
    for (number, cvv, want) in [
        ("378282246310005", "837", 400),
        ("4111111111111111", "8375", 400),
        ("378282246310005", "8375", 200),
    ] {
        let mut o = app.order(number, None).await;
        o["payment"]["card"]["cvv"] = json!(cvv);
        let (status, e) = app.checkout(&format!("cvv-{number}-{cvv}"), &o).await;
        assert_eq!(status, want, "{number} {cvv}: {e}");
        if want == 400 {
            assert_eq!(e["error"]["field"], "payment.card.cvv", "{e}");
        }
    }
    app.stop().await;
}

/// Finding 7: the backend prices the cart; a body with another amount,
/// currency or mandate limit is refused before anything reaches the
/// gateway, and every order must name a cart of the shop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cart_sets_the_price_not_the_page() {
    let app = App::start("guard-price").await;
    let cust = app.customer().await;
    let tea = common::new_cart(&app.handles.demo_url, "tea_monthly").await;
    let (status, again) = app
        .get(&format!("/api/carts/{}", tea["id"].as_str().unwrap()))
        .await;
    assert_eq!((status, &again), (200, &tea));
    assert_eq!(
        (tea["amount"].clone(), tea["currency"].clone()),
        (json!(100), json!("INR"))
    );
    assert_eq!(
        tea["mandate"],
        json!({ "max_amount": 100000, "frequency": "monthly" })
    );
    let gift = common::new_cart(&app.handles.demo_url, "gift_box").await;
    assert_eq!(
        (gift["amount"].clone(), gift["mandate"].clone()),
        (json!(49900), Value::Null)
    );
    let (status, e) = app
        .post("/api/carts", &json!({ "product": "free_lunch" }))
        .await;
    assert_eq!(
        (status, e["error"]["field"].clone()),
        (400, json!("product")),
        "{e}"
    );
    let (status, e) = app.get("/api/carts/cart_AAAAAAAAAAAAAA").await;
    assert_eq!(
        (status, e["error"]["code"].clone()),
        (404, json!("BAD_REQUEST_ERROR")),
        "{e}"
    );

    let tea_id = tea["id"].as_str().unwrap();
    let gift_id = gift["id"].as_str().unwrap();
    let mandate = |cart: &str| {
        let mut o = common::order_in(cart, "4718609108204366", Some(&cust));
        o["payment"]["recurring"] = json!(1);
        o["token"] = json!({ "max_amount": 100000, "frequency": "monthly" });
        o
    };
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(Value, Edit, &str)> = vec![
        // One paisa for the ₹1.00 cart.
        (
            common::order_in(tea_id, "4111111111111111", None),
            Box::new(|o| {
                o["amount"] = json!(1);
                o["payment"]["amount"] = json!(1)
            }),
            "amount",
        ),
        // The tea's price for the ₹499 gift box.
        (
            common::order_in(gift_id, "4111111111111111", None),
            Box::new(|_| {}),
            "amount",
        ),
        (
            common::order_in(tea_id, "4111111111111111", None),
            Box::new(|o| o["currency"] = json!("MYR")),
            "currency",
        ),
        // A mandate the shop never offered, or a higher limit than the cart's.
        (
            mandate(tea_id),
            Box::new(|o| o["token"]["max_amount"] = json!(100_000_000)),
            "token.max_amount",
        ),
        (
            mandate(tea_id),
            Box::new(|o| o["token"]["frequency"] = json!("as_presented")),
            "token.frequency",
        ),
        (
            mandate(gift_id),
            Box::new(|o| {
                o["amount"] = json!(49900);
                o["payment"]["amount"] = json!(49900)
            }),
            "token",
        ),
        // No cart, or not one of this shop's.
        (
            common::order_in(tea_id, "4111111111111111", None),
            Box::new(|o| {
                o.as_object_mut().unwrap().remove("receipt");
            }),
            "receipt",
        ),
        (
            common::order_in("cart_AAAAAAAAAAAAAA", "4111111111111111", None),
            Box::new(|_| {}),
            "receipt",
        ),
        (
            common::order_in("rcpt_anything", "4111111111111111", None),
            Box::new(|_| {}),
            "receipt",
        ),
    ];
    for (i, (mut body, edit, field)) in cases.into_iter().enumerate() {
        edit(&mut body);
        let (status, e) = app.checkout(&format!("price-{i}"), &body).await;
        assert_eq!(status, 400, "case {i} ({field}): {e}");
        assert_eq!(e["error"]["field"], field, "case {i}: {e}");
        assert_eq!(e["error"]["code"], "BAD_REQUEST_ERROR");
    }
    assert_eq!(
        count_orders(&app.dir.join("sandbox.sqlite")),
        0,
        "nothing reached the gateway"
    );

    // The cart's own price goes through; a mandate without a limit gets the cart's.
    let (status, o) = app
        .checkout(
            "price-ok",
            &common::order_in(gift_id, "4111111111111111", None).tap(|o| {
                o["amount"] = json!(49900);
                o["payment"]["amount"] = json!(49900);
            }),
        )
        .await;
    assert_eq!(status, 200, "{o}");
    assert_eq!(
        sandbox_get(&app, &format!("/v1/orders/{}", o["id"].as_str().unwrap())).await["amount"],
        49900
    );
    let mut reg = mandate(tea_id);
    reg["token"].as_object_mut().unwrap().remove("max_amount");
    let (status, o) = app.checkout("price-mandate", &reg).await;
    assert_eq!(status, 200, "{o}");
    app.approve(&next_url(&o, "redirect"), "approve").await;
    let (_, tokens) = app.get(&format!("/api/customers/{cust}/tokens")).await;
    assert_eq!(tokens["items"][0]["max_amount"], 100000, "{tokens}");
    app.stop().await;
}

trait Tap: Sized {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}
impl Tap for Value {}
