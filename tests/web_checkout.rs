//! The checkout flow in headless Chromium against a stand-in merchant
//! backend (tests/support/mock-merchant.mjs on 127.0.0.1:18455, started by
//! scripts/test.sh): collection, the posted request, every documented
//! response, and every broken or hostile one.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Reflect, JSON};
use razorpay_checkout_wasm::wasm::browser::collect_browser;
use razorpay_checkout_wasm::wasm::checkout::Checkout;
use razorpay_checkout_wasm::wasm::response::parse_order_response_js;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MOCK: &str = "http://127.0.0.1:18455";

fn json(s: &str) -> JsValue {
    JSON::parse(s).unwrap()
}

fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |acc, k| {
        let key = match k.parse::<u32>() {
            Ok(i) => JsValue::from(i),
            Err(_) => JsValue::from_str(k),
        };
        Reflect::get(&acc, &key).unwrap_or(JsValue::UNDEFINED)
    })
}

fn s(v: &JsValue, path: &str) -> Option<String> {
    get(v, path).as_string()
}

/// Records navigations instead of leaving the test page.
fn recorder() -> (Function, Array) {
    let log = Array::new();
    let f = Function::new_with_args("url, method", "this.push([url, method])").bind0(&log);
    (f, log)
}

fn checkout(scenario: &str, extra: &str, navigate: &Function) -> Checkout {
    let opts = json(&format!(
        r#"{{"endpoint": "{MOCK}/checkout/{scenario}", "timeoutMs": 1500 {extra}}}"#
    ));
    Reflect::set(&opts, &"onNavigate".into(), navigate).unwrap();
    Checkout::new(opts).unwrap()
}

fn request() -> JsValue {
    json(
        r#"{
        "amount": 100, "currency": "INR", "customer_id": "cust_KhOZydVZbcThjW",
        "notes": {"key1": "notes debugging 1", "key2": "notes debugging 2"},
        "payment": {
            "email": "gaurav.kumar@example.com", "contact": "9876543210",
            "notes": {"key1": "paymentvalue3", "key2": "paymentvalue2"},
            "card": {"number": "4100 2800 0000 1007", "expiry_month": "12", "expiry_year": "30", "cvv": "123", "name": "Gaurav Kumar"}
        }}"#,
    )
}

async fn recorded() -> JsValue {
    let r = gloo_net::http::Request::get(&format!("{MOCK}/requests"))
        .send()
        .await
        .unwrap();
    JSON::parse(&r.text().await.unwrap()).unwrap()
}

async fn clear() {
    gloo_net::http::Request::get(&format!("{MOCK}/clear"))
        .send()
        .await
        .unwrap();
}

/// What the async exports return: a `Promise`, or (since they may throw
/// a RazorpayCheckoutError when no promise can be made) a `Result` of one.
trait IntoPromise {
    fn into_promise(self) -> Result<js_sys::Promise, JsValue>;
}

impl IntoPromise for js_sys::Promise {
    fn into_promise(self) -> Result<js_sys::Promise, JsValue> {
        Ok(self)
    }
}

impl IntoPromise for Result<js_sys::Promise, JsValue> {
    fn into_promise(self) -> Result<js_sys::Promise, JsValue> {
        self
    }
}

async fn settle(p: impl IntoPromise) -> Result<JsValue, JsValue> {
    JsFuture::from(p.into_promise()?).await
}

/// What reached the foreign origin (the mock's second listener).
async fn foreign() -> JsValue {
    let r = gloo_net::http::Request::get(&format!("{MOCK}/foreign"))
        .send()
        .await
        .unwrap();
    JSON::parse(&r.text().await.unwrap()).unwrap()
}

/// A refused redirect: a RazorpayCheckoutError saying so, not a bare TypeError.
fn assert_redirect_refused(err: &JsValue, what: &str) {
    assert!(err.is_instance_of::<js_sys::Error>(), "{what}: {err:?}");
    assert_eq!(
        s(err, "name").as_deref(),
        Some("RazorpayCheckoutError"),
        "{what}: {err:?}"
    );
    assert_eq!(
        s(err, "kind").as_deref(),
        Some("invalid_response"),
        "{what}: {err:?}"
    );
    assert!(
        s(err, "description").is_some_and(|d| d.contains("redirect")),
        "{what}: {:?}",
        s(err, "description")
    );
}

#[wasm_bindgen_test]
fn collect_browser_matches_what_js_reports() {
    let b = collect_browser();
    let screen = Reflect::get(&js_sys::global(), &"screen".into()).unwrap();
    assert_eq!(
        get(&b, "screen_width").as_f64(),
        get(&screen, "width").as_f64()
    );
    assert_eq!(
        get(&b, "screen_height").as_f64(),
        get(&screen, "height").as_f64()
    );
    assert_eq!(
        get(&b, "timezone_offset").as_f64(),
        Some(js_sys::Date::new_0().get_timezone_offset())
    );
    assert_eq!(get(&b, "javascript_enabled"), JsValue::TRUE);
    assert_eq!(get(&b, "java_enabled"), JsValue::FALSE);
    let reported = get(&screen, "colorDepth").as_f64().unwrap();
    let allowed = [1.0, 4.0, 8.0, 15.0, 16.0, 24.0, 32.0, 48.0];
    let want = allowed
        .iter()
        .copied()
        .filter(|d| *d <= reported)
        .fold(1.0, f64::max);
    assert_eq!(get(&b, "color_depth").as_f64(), Some(want));
    let keys: Vec<String> = js_sys::Object::keys(b.unchecked_ref::<js_sys::Object>())
        .iter()
        .map(|k| k.as_string().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "java_enabled",
            "javascript_enabled",
            "timezone_offset",
            "color_depth",
            "screen_width",
            "screen_height"
        ]
    );
}

#[wasm_bindgen_test]
async fn a_typed_card_becomes_the_documented_request_posted_once_then_redirects() {
    clear().await;
    let (nav, navigations) = recorder();
    let c = checkout("documented", r#", "authentication": "redirect""#, &nav);
    let outcome = settle(c.pay(request(), None)).await.unwrap();
    assert_eq!(s(&outcome, "status").as_deref(), Some("redirecting"));
    let bank = "https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/authorize";
    assert_eq!(s(&outcome, "url").as_deref(), Some(bank));
    assert_eq!(
        s(&outcome, "payment_id").as_deref(),
        Some("pay_QqsMa9GhrUxvtx")
    );
    assert_eq!(
        s(&outcome, "order_id").as_deref(),
        Some("order_QqsMZ12p7MytBA")
    );
    assert_eq!(navigations.length(), 1);
    assert_eq!(s(&navigations.get(0), "0").as_deref(), Some(bank));
    assert_eq!(c.state(), "redirecting");

    let log = recorded().await;
    assert_eq!(
        get(&log, "length").as_f64(),
        Some(1.0),
        "posted exactly once"
    );
    let sent = get(&log, "0");
    assert_eq!(s(&sent, "method").as_deref(), Some("POST"));
    assert!(s(&sent, "headers.idempotency-key").is_some_and(|k| k.len() >= 32));
    assert_eq!(
        s(&sent, "headers.content-type").as_deref(),
        Some("application/json")
    );
    // Field for field, the Composite Order API's documented shape (no ip:
    // the backend adds it).
    let body = get(&sent, "body");
    let expected_href = web_sys::window().unwrap().location().href().unwrap();
    let browser = JSON::stringify(&collect_browser())
        .unwrap()
        .as_string()
        .unwrap();
    let expected = json(&format!(
        r#"{{"amount":100,"currency":"INR","customer_id":"cust_KhOZydVZbcThjW",
        "notes":{{"key1":"notes debugging 1","key2":"notes debugging 2"}},
        "payment":{{"amount":100,"email":"gaurav.kumar@example.com","contact":"9876543210","method":"card",
        "notes":{{"key1":"paymentvalue3","key2":"paymentvalue2"}},"customer_id":"cust_KhOZydVZbcThjW",
        "card":{{"name":"Gaurav Kumar","number":"4100280000001007","cvv":"123","expiry_month":"12","expiry_year":"30"}},
        "authentication":{{"authentication_channel":"browser"}},
        "browser":{browser},"referer":"{}"}}}}"#,
        expected_href.split('#').next().unwrap()
    ));
    assert_eq!(
        JSON::stringify(&body).unwrap().as_string().unwrap(),
        JSON::stringify(&expected).unwrap().as_string().unwrap()
    );
}

#[wasm_bindgen_test]
async fn the_browser_refuses_what_the_backend_refuses_before_any_request() {
    clear().await;
    let (nav, _) = recorder();
    let c = checkout("documented", r#", "authentication": "redirect""#, &nav);
    fn set(o: &JsValue, key: &str, v: JsValue) {
        Reflect::set(o, &key.into(), &v).unwrap();
    }
    // (the change, the field refused, its kind)
    type Change = fn(&JsValue);
    let cases: [(Change, &str, &str); 6] = [
        (
            |r| set(&get(r, "payment.card"), "pin", "1234".into()),
            "payment.card.pin",
            "not_supported",
        ),
        (
            |r| set(r, "reciept", "r-1".into()),
            "reciept",
            "not_supported",
        ),
        (|r| set(r, "amount", "100".into()), "amount", "invalid_type"),
        (
            |r| set(&get(r, "payment"), "contact", 9_000_090_000.0.into()),
            "payment.contact",
            "invalid_type",
        ),
        // A function is no scalar: a type error on its own field (the value
        // tree's walker reads it as a compound, never as the whole request).
        (
            |r| {
                set(
                    &get(r, "payment.card"),
                    "number",
                    Function::new_no_args("").into(),
                )
            },
            // (A path from the request's root, as every error of pay() has.)
            "payment.card.number",
            "invalid_type",
        ),
        // A cycle is walked only as deep as an input nests: a type error, no hang.
        (
            |r| {
                let cycle = js_sys::Object::new();
                set(&cycle, "self", cycle.clone().into());
                set(&get(r, "notes"), "key1", cycle.into());
            },
            "notes.key1",
            "invalid_type",
        ),
    ];
    for (change, field, kind) in cases {
        let bad = request();
        change(&bad);
        let err = settle(c.pay(bad, None)).await.unwrap_err();
        assert_eq!(
            s(&err, "field").as_deref(),
            Some(field),
            "{field}: {:?}",
            s(&err, "description")
        );
        assert_eq!(s(&err, "kind").as_deref(), Some(kind), "{field}");
        assert_eq!(
            s(&get(&err, "errors.0"), "field").as_deref(),
            Some(field),
            "{field}"
        );
    }
    let err = settle(c.pay(request(), Some(json(r#"{"netwrk": "Visa"}"#))))
        .await
        .unwrap_err();
    assert_eq!(s(&err, "field").as_deref(), Some("netwrk"));
    assert_eq!(
        get(&recorded().await, "length").as_f64(),
        Some(0.0),
        "nothing was posted"
    );
    // A misspelt option is refused by name; one holding `undefined` is not there.
    let opts = json(&format!(
        r#"{{"endpoint": "{MOCK}/checkout/documented", "allowedHost": ["api.razorpay.com"]}}"#
    ));
    let err = Checkout::new(opts).err().unwrap();
    assert_eq!(s(&err, "kind").as_deref(), Some("invalid_configuration"));
    assert_eq!(s(&err, "field").as_deref(), Some("allowedHost"));
    assert_eq!(
        s(&err, "description").as_deref(),
        Some("allowedHost is not an option of Checkout: did you mean allowedHosts?")
    );
    let opts = json(&format!(r#"{{"endpoint": "{MOCK}/checkout/documented"}}"#));
    Reflect::set(&opts, &"allowedHost".into(), &JsValue::UNDEFINED).unwrap();
    assert!(Checkout::new(opts).is_ok());
    // A card key holding `undefined` is not there either (JSON.stringify drops it).
    let fine = request();
    Reflect::set(
        &get(&fine, "payment.card"),
        &"pin".into(),
        &JsValue::UNDEFINED,
    )
    .unwrap();
    Reflect::set(&fine, &"receipt".into(), &JsValue::UNDEFINED).unwrap();
    assert!(settle(c.pay(fine, None)).await.is_ok());
    assert_eq!(get(&recorded().await, "length").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
async fn otp_flow_wrong_otp_resend_then_right_otp() {
    clear().await;
    let (nav, navigations) = recorder();
    let states = Array::new();
    let c = {
        let opts = json(&format!(r#"{{"endpoint": "{MOCK}/checkout/documented"}}"#));
        Reflect::set(&opts, &"onNavigate".into(), &nav).unwrap();
        let progress = Function::new_with_args("e", "this.push(e.state)").bind0(&states);
        Reflect::set(&opts, &"onProgress".into(), &progress).unwrap();
        Checkout::new(opts).unwrap()
    };
    let outcome = settle(c.pay(request(), None)).await.unwrap();
    assert_eq!(s(&outcome, "status").as_deref(), Some("awaiting_otp"));
    assert_eq!(s(&outcome, "metadata.last4").as_deref(), Some("1007"));
    let blank = settle(c.submit_otp("  ".into())).await.unwrap_err();
    assert_eq!(s(&blank, "kind").as_deref(), Some("required"));
    // A number is a wrong type (it would lose a leading zero), not a missing OTP.
    let number = settle(c.submit_otp(123_456.into())).await.unwrap_err();
    assert_eq!(s(&number, "kind").as_deref(), Some("invalid_type"));
    assert_eq!(s(&number, "field").as_deref(), Some("otp"));
    assert_eq!(c.state(), "awaiting_otp");
    let wrong = settle(c.submit_otp("000".into())).await.unwrap_err();
    assert_eq!(s(&wrong, "reason").as_deref(), Some("incorrect_otp"));
    assert_eq!(s(&wrong, "kind").as_deref(), Some("gateway_error"));
    // What the gateway still offers: `next`, and the older comma-joined form.
    assert!(Array::is_array(&get(&wrong, "next")));
    assert_eq!(s(&wrong, "next.0").as_deref(), Some("otp_submit"));
    assert_eq!(s(&wrong, "next.1").as_deref(), Some("otp_resend"));
    assert_eq!(
        s(&wrong, "metadata.next_actions").as_deref(),
        Some("otp_submit,otp_resend")
    );
    assert_eq!(
        s(&wrong, "metadata.payment_id").as_deref(),
        Some("pay_FVmAstJWfsD3SO")
    );
    assert_eq!(c.state(), "awaiting_otp");
    let resent = settle(c.resend_otp()).await.unwrap();
    assert_eq!(s(&resent, "status").as_deref(), Some("awaiting_otp"));
    let paid = settle(c.submit_otp("123456".into())).await.unwrap();
    assert_eq!(s(&paid, "status").as_deref(), Some("paid"));
    assert_eq!(
        s(&paid, "razorpay_order_id").as_deref(),
        Some("order_QqsMZ12p7MytBA")
    );
    assert!(s(&paid, "razorpay_signature").is_some());
    assert_eq!(c.state(), "paid");
    assert_eq!(navigations.length(), 0);

    let log = recorded().await;
    let paths: Vec<String> = Array::from(&log)
        .iter()
        .map(|r| s(&r, "path").unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/checkout/documented",
            "/checkout/documented/otp/generate",
            "/checkout/documented/otp/submit",
            "/checkout/documented/otp/resend",
            "/checkout/documented/otp/submit"
        ]
    );
    // The OTP calls carry the gateway URLs from the generate step.
    assert_eq!(
        s(&get(&log, "4"), "body.url").as_deref(),
        Some("https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp/submit")
    );
    let seen: Vec<String> = states.iter().map(|v| v.as_string().unwrap()).collect();
    assert!(
        seen.starts_with(&["validating".into(), "posting".into()]),
        "{seen:?}"
    );
    assert!(
        seen.contains(&"awaiting_otp".into()) && seen.last().map(String::as_str) == Some("paid"),
        "{seen:?}"
    );
}

#[wasm_bindgen_test]
async fn a_double_click_makes_one_request() {
    clear().await;
    let (nav, _) = recorder();
    let c = checkout("documented", r#", "authentication": "redirect""#, &nav);
    let first = c.pay(request(), None);
    let second = c.pay(request(), None);
    let err = settle(second).await.unwrap_err();
    assert_eq!(s(&err, "kind").as_deref(), Some("payment_in_progress"));
    assert!(settle(first).await.is_ok());
    assert_eq!(get(&recorded().await, "length").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
async fn invalid_input_sends_nothing_and_lists_every_error() {
    clear().await;
    let (nav, _) = recorder();
    let c = checkout("documented", "", &nav);
    let states = Array::new();
    let watched = {
        let opts = json(&format!(r#"{{"endpoint": "{MOCK}/checkout/documented"}}"#));
        let progress =
            Function::new_with_args("e", "this.push([e.state, e.error && e.error.field])")
                .bind0(&states);
        Reflect::set(&opts, &"onProgress".into(), &progress).unwrap();
        Checkout::new(opts).unwrap()
    };
    assert_eq!(watched.state(), "idle");
    assert!(settle(watched.pay(json(r#"{"amount": 100}"#), None))
        .await
        .is_err());
    assert_eq!(watched.state(), "failed");
    let seen: Vec<String> = states
        .iter()
        .map(|v| JSON::stringify(&v).unwrap().as_string().unwrap())
        .collect();
    assert_eq!(seen, [r#"["validating",null]"#, r#"["failed","currency"]"#]);
    let bad = json(
        r#"{"amount": -5, "currency": "inr", "payment": {"email": "nope", "contact": "12",
        "card": {"number": "4100 2800 0000 1008", "expiry": "13/30", "cvv": "12"}}}"#,
    );
    let err = settle(c.pay(bad, None)).await.unwrap_err();
    assert_eq!(s(&err, "code").as_deref(), Some("BAD_REQUEST_ERROR"));
    let fields: Vec<String> = Array::from(&get(&err, "errors"))
        .iter()
        .filter_map(|e| s(&e, "field"))
        .collect();
    for f in [
        "amount",
        "currency",
        "payment.email",
        "payment.contact",
        "payment.card.number",
        "payment.card.expiry",
        "payment.card.cvv",
        "payment.card.name",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
    }
    assert_eq!(get(&recorded().await, "length").as_f64(), Some(0.0));
    assert_eq!(
        c.state(),
        "failed",
        "refused input fails the checkout (a corrected pay() starts again)"
    );
}

#[wasm_bindgen_test]
async fn every_broken_or_hostile_answer_is_a_typed_error_and_nothing_navigates() {
    let cases = [
        ("gateway_error", "gateway_error"),
        ("html_500", "invalid_response"),
        ("malformed", "invalid_response"),
        ("empty", "invalid_response"),
        ("wrong_shape", "invalid_response"),
        ("javascript_url", "unsafe_url"),
        ("data_url", "unsafe_url"),
        ("foreign_host", "unsafe_url"),
        ("plain_http", "unsafe_url"),
        ("empty_next", "invalid_response"),
        ("unknown_action", "unsupported_action"),
        ("slow", "timeout"),
        ("drip", "timeout"),
        ("reset", "network_error"),
    ];
    for (scenario, kind) in cases {
        let (nav, navigations) = recorder();
        let c = checkout(scenario, "", &nav);
        let err = settle(c.pay(request(), None)).await.expect_err(scenario);
        assert!(err.is_instance_of::<js_sys::Error>(), "{scenario}");
        assert_eq!(
            s(&err, "kind").as_deref(),
            Some(kind),
            "{scenario}: {:?}",
            s(&err, "description")
        );
        assert!(s(&err, "description").is_some_and(|d| !d.is_empty()));
        assert_eq!(navigations.length(), 0, "{scenario} navigated");
        assert_eq!(c.state(), "failed", "{scenario}");
    }
    // The gateway's own error object arrives field for field.
    let (nav, _) = recorder();
    let err = settle(checkout("gateway_error", "", &nav).pay(request(), None))
        .await
        .unwrap_err();
    assert_eq!(
        s(&err, "description").as_deref(),
        Some("The cvv must be between 3 and 4 digits")
    );
    assert_eq!(s(&err, "field").as_deref(), Some("cvv"));
    assert_eq!(s(&err, "source").as_deref(), Some("business"));
    assert_eq!(s(&err, "step").as_deref(), Some("payment_initiation"));
    assert_eq!(
        s(&err, "reason").as_deref(),
        Some("input_validation_failed")
    );
    assert_eq!(get(&err, "status").as_f64(), Some(400.0));
}

#[wasm_bindgen_test]
async fn a_retry_after_a_timeout_keeps_the_idempotency_key() {
    clear().await;
    let (nav, _) = recorder();
    let c = checkout("slow", "", &nav);
    assert!(settle(c.pay(request(), None)).await.is_err());
    assert!(settle(c.pay(request(), None)).await.is_err());
    let log = recorded().await;
    assert_eq!(get(&log, "length").as_f64(), Some(2.0));
    let k1 = s(&get(&log, "0"), "headers.idempotency-key");
    assert!(k1.is_some());
    assert_eq!(k1, s(&get(&log, "1"), "headers.idempotency-key"));
    // A different request is a new attempt with a new key.
    let other = request();
    Reflect::set(&other, &"amount".into(), &200.into()).unwrap();
    assert!(settle(c.pay(other, None)).await.is_err());
    let log = recorded().await;
    assert_ne!(k1, s(&get(&log, "2"), "headers.idempotency-key"));
}

#[wasm_bindgen_test]
fn unsafe_endpoints_are_refused_at_construction() {
    for endpoint in [
        "http://merchant.example/api/checkout",
        "http://127.merchant.example/api/checkout",
        "https://api.razorpay.com/v1/orders",
        "https://API.Razorpay.com./v1/orders",
        "https://api.curlec.com/v1/orders",
        "https://user:pw@merchant.example/x",
        "javascript:alert(1)",
        "",
        " ",
    ] {
        let opts = json(&format!(r#"{{"endpoint": "{endpoint}"}}"#));
        let err = Checkout::new(opts).err().expect(endpoint);
        assert_eq!(
            s(&err, "kind").as_deref(),
            Some("invalid_configuration"),
            "{endpoint}"
        );
    }
    assert!(Checkout::new(JsValue::UNDEFINED).is_err());
    // An empty endpoint would post to the page itself.
    let err = Checkout::new(json(r#"{"endpoint": ""}"#)).err().unwrap();
    assert_eq!(s(&err, "field").as_deref(), Some("endpoint"));
    let err = Checkout::new(json(r#"{"endpoint": "/api/checkout", "otpEndpoint": ""}"#))
        .err()
        .unwrap();
    assert_eq!(s(&err, "field").as_deref(), Some("otpEndpoint"));
    // A new checkout is idle: nothing has happened yet.
    assert_eq!(
        Checkout::new(json(r#"{"endpoint": "/api/checkout"}"#))
            .unwrap()
            .state(),
        "idle"
    );
    assert!(Checkout::new(json(r#"{"endpoint": "/api/checkout"}"#)).is_ok());
    assert!(Checkout::new(json(
        r#"{"endpoint": "https://merchant.example/api/checkout"}"#
    ))
    .is_ok());
}

#[wasm_bindgen_test]
fn parse_order_response_reads_the_documented_answer_and_refuses_hostile_ones() {
    let documented = r#"{"amount": 100,"amount_due": 100,"amount_paid": 0,"attempts": 1,"created_at": 1752043784,"currency": "INR","entity": "order","id": "order_QqsMZ12p7MytBA","notes": {"key1": "value3","key2": "value2"},"offer_id": null,"payment_workflow": {"next": [{"action": "redirect","url": "https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/authorize"},{"action": "otp_generate","url": "https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp_generate?track_id=FVmAtLUe9XZSGM&key_id=<YOUR_KEY_ID>"}],"razorpay_payment_id": "pay_QqsMa9GhrUxvtx"},"receipt": null,"status": "attempted"}"#;
    let o = parse_order_response_js(documented.into(), None).unwrap();
    assert_eq!(s(&o, "payment_id").as_deref(), Some("pay_QqsMa9GhrUxvtx"));
    assert_eq!(s(&o, "order_id").as_deref(), Some("order_QqsMZ12p7MytBA"));
    assert_eq!(s(&o, "next.0.action").as_deref(), Some("redirect"));
    assert_eq!(s(&o, "next.1.action").as_deref(), Some("otp_generate"));
    let same = parse_order_response_js(json(documented), None).unwrap();
    assert_eq!(
        JSON::stringify(&same).unwrap(),
        JSON::stringify(&o).unwrap()
    );
    let hostile = r#"{"payment_workflow": {"razorpay_payment_id": "pay_x", "next": [{"action": "redirect", "url": "javascript:alert(1)"}]}}"#;
    let e = parse_order_response_js(hostile.into(), None).unwrap_err();
    assert_eq!(s(&e, "kind").as_deref(), Some("unsafe_url"));
    let e = parse_order_response_js(
        r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "Bad"}}"#.into(),
        Some(json(r#"{"status": 400}"#)),
    )
    .unwrap_err();
    assert_eq!(s(&e, "kind").as_deref(), Some("gateway_error"));
    for junk in ["", "<html>", "[]", "42"] {
        let e = parse_order_response_js(junk.into(), None).unwrap_err();
        assert_eq!(
            s(&e, "kind").as_deref(),
            Some("invalid_response"),
            "{junk:?}"
        );
    }
    // Its options: a misspelt one or a wrong type is refused, never read as the default.
    for (options, field) in [
        (r#"{"allowedHost": ["api.razorpay.com"]}"#, "allowedHost"),
        (r#"{"status": "200"}"#, "status"),
        (r#"{"allowedHosts": "api.razorpay.com"}"#, "allowedHosts"),
        (r#"{"allowLoopbackHttp": 1}"#, "allowLoopbackHttp"),
    ] {
        let e = parse_order_response_js(documented.into(), Some(json(options))).unwrap_err();
        assert_eq!(
            s(&e, "kind").as_deref(),
            Some("invalid_configuration"),
            "{options}"
        );
        assert_eq!(s(&e, "field").as_deref(), Some(field), "{options}");
    }
    assert!(parse_order_response_js(
        documented.into(),
        Some(json(
            r#"{"status": 200, "allowedHosts": ["api.razorpay.com"]}"#
        ))
    )
    .is_ok());
}

#[wasm_bindgen_test]
async fn a_redirect_from_the_endpoint_is_never_followed_and_nothing_reaches_the_other_origin() {
    clear().await;
    for code in [301, 302, 303, 307, 308] {
        let scenario = format!("redirect_{code}");
        let (nav, navigations) = recorder();
        let c = checkout(&scenario, "", &nav);
        let err = settle(c.pay(request(), None)).await.expect_err(&scenario);
        assert_redirect_refused(&err, &scenario);
        assert_eq!(navigations.length(), 0, "{scenario} navigated");
        assert_eq!(c.state(), "failed", "{scenario}");
    }
    // Each POST reached the endpoint once, and nothing (no preflight, no
    // GET, no re-POSTed card) reached the origin the Location named.
    assert_eq!(get(&recorded().await, "length").as_f64(), Some(5.0));
    let stolen = foreign().await;
    assert_eq!(
        get(&stolen, "length").as_f64(),
        Some(0.0),
        "{:?}",
        JSON::stringify(&stolen)
    );
}

#[wasm_bindgen_test]
async fn the_otp_calls_never_follow_a_redirect_either() {
    clear().await;
    let (nav, _) = recorder();
    // OTP generate answered 307.
    let c = checkout("otp_redirect_generate", "", &nav);
    assert_redirect_refused(
        &settle(c.pay(request(), None)).await.unwrap_err(),
        "otp generate",
    );
    // OTP submit answered 307.
    let c = checkout("otp_redirect", "", &nav);
    let outcome = settle(c.pay(request(), None)).await.unwrap();
    assert_eq!(s(&outcome, "status").as_deref(), Some("awaiting_otp"));
    assert_redirect_refused(
        &settle(c.submit_otp("123456".into())).await.unwrap_err(),
        "otp submit",
    );
    // OTP resend answered 308.
    let c = checkout("otp_redirect", "", &nav);
    let outcome = settle(c.pay(request(), None)).await.unwrap();
    assert_eq!(s(&outcome, "status").as_deref(), Some("awaiting_otp"));
    assert_redirect_refused(&settle(c.resend_otp()).await.unwrap_err(), "otp resend");
    let paths: Vec<String> = Array::from(&recorded().await)
        .iter()
        .map(|r| s(&r, "path").unwrap())
        .collect();
    assert!(
        paths.iter().any(|p| p.ends_with("/otp/submit"))
            && paths.iter().any(|p| p.ends_with("/otp/resend")),
        "{paths:?}"
    );
    let stolen = foreign().await;
    assert_eq!(
        get(&stolen, "length").as_f64(),
        Some(0.0),
        "{:?}",
        JSON::stringify(&stolen)
    );
}

/// Waits `ms` milliseconds (the page's `setTimeout`).
async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_request_whose_future_is_dropped_is_aborted() {
    use std::future::Future;
    use std::task::Poll;
    clear().await;
    let url = format!("{MOCK}/checkout/hold");
    let mut post = Box::pin(razorpay_checkout_wasm::wasm::http::post_json(
        &url,
        "{}",
        &[],
        10_000,
    ));
    let started = std::future::poll_fn(|cx| Poll::Ready(post.as_mut().poll(cx).is_pending()));
    assert!(started.await);
    // Once the backend has it, the future is dropped (a payment given up on).
    for _ in 0..40 {
        if get(&recorded().await, "length").as_f64() == Some(1.0) {
            break;
        }
        sleep(50).await;
    }
    drop(post);
    // The backend sees the connection closed long before its 5 s answer.
    let mut aborted = false;
    for _ in 0..40 {
        if get(&recorded().await, "0.aborted").as_bool() == Some(true) {
            aborted = true;
            break;
        }
        sleep(50).await;
    }
    assert!(aborted, "the fetch went on after its future was dropped");
}
