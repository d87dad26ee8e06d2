//! Hardening of the backend, over real HTTP on loopback: body limits,
//! unknown fields, webhook signatures, the pages' CSP, one payment per
//! merchant order (receipt), and the HOSTILE_GATEWAY test mode.

mod common;
// The hostile test backend's fault injector (test support, not in the library).
#[allow(dead_code)]
#[path = "../examples/hostile_backend/hostile.rs"]
mod hostile;

use std::path::Path;

use common::WEBHOOK_SECRET as SANDBOX_WEBHOOK_SECRET;
use common::{count_orders, next_url, App};
use razorpay_demo::config::{SANDBOX_KEY_ID, SANDBOX_KEY_SECRET};
use razorpay_demo::crypto::hmac_hex;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn start_with(tag: &str, edit: impl FnOnce(&mut razorpay_demo::Config)) -> App {
    let dir = common::temp_dir(tag);
    let mut config = common::config(&dir);
    edit(&mut config);
    let handles = razorpay_demo::start(config).await.expect("app starts");
    App::with(handles, dir).await
}

/// The sandbox's orders with this receipt and their payments (its list API).
async fn sandbox_orders(app: &App, receipt: &str) -> (Vec<Value>, Vec<Value>) {
    let get = |path: String| {
        let http = app.http.clone();
        async move {
            let r = http
                .get(path)
                .basic_auth(SANDBOX_KEY_ID, Some(SANDBOX_KEY_SECRET))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
            r.json::<Value>().await.unwrap()
        }
    };
    let list = get(app.gateway(&format!("/v1/orders?count=100&receipt={receipt}"))).await;
    let orders = list["items"].as_array().unwrap().clone();
    let mut payments = Vec::new();
    for o in &orders {
        let p = get(app.gateway(&format!(
            "/v1/orders/{}/payments",
            o["id"].as_str().unwrap()
        )))
        .await;
        payments.extend(p["items"].as_array().unwrap().iter().cloned());
    }
    (orders, payments)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_post_route_refuses_a_body_over_the_limit_with_a_json_413() {
    let app = App::start("limit-all").await;
    let limit = razorpay_demo::body::BODY_LIMIT;
    let big = format!("{{\"padding\":\"{}\"}}", "x".repeat(limit));
    for path in [
        "/api/checkout",
        "/api/checkout/otp/generate",
        "/api/checkout/otp/submit",
        "/api/checkout/otp/resend",
        "/api/customers",
        "/api/recurring",
        "/api/verify",
        "/api/webhooks/razorpay",
    ] {
        // The backend answers 413 as soon as the body passes the limit and
        // closes the connection; on a busy machine the client can still be
        // sending and see the reset instead of the answer, so a transport
        // error is tried again (a few times), never counted as a pass.
        let mut tries = 0;
        let r = loop {
            let sent = app
                .http
                .post(app.url(path))
                .header("content-type", "application/json")
                .header("Idempotency-Key", "limit-1")
                .header(
                    "X-Razorpay-Signature",
                    hmac_hex(SANDBOX_WEBHOOK_SECRET, big.as_bytes()),
                )
                .body(big.clone())
                .send()
                .await;
            match sent {
                Ok(r) => break r,
                Err(e) if tries < 5 => {
                    tries += 1;
                    eprintln!("{path}: {e}; again");
                }
                Err(e) => panic!("{path}: {e}"),
            }
        };
        assert_eq!(r.status().as_u16(), 413, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], "BAD_REQUEST_ERROR", "{path}");
        assert!(
            e["error"]["description"]
                .as_str()
                .unwrap()
                .contains("65536"),
            "{e}"
        );
    }
    // At the limit exactly: read and judged on its content (not a 413).
    let at_limit = format!("{{\"padding\":\"{}\"}}", "x".repeat(limit - 14));
    assert_eq!(at_limit.len(), limit);
    let (status, _) = app
        .post("/api/verify", &serde_json::from_str(&at_limit).unwrap())
        .await;
    assert_ne!(status, 413);
    assert_eq!(count_orders(&app.dir.join("sandbox.sqlite")), 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_fields_are_refused_as_the_gateway_would() {
    let app = App::start("unknown").await;
    type AddKey = fn(&mut Value);
    // The crate's validator refuses them (as the browser does), on the
    // key's dotted path, with the gateway's words.
    let cases: [(&str, AddKey); 7] = [
        ("foo", |o| o["foo"] = json!(1)),
        ("payment_capture", |o| o["payment_capture"] = json!(1)),
        ("payment.bar", |o| o["payment"]["bar"] = json!("x")),
        ("payment.card.pin", |o| {
            o["payment"]["card"]["pin"] = json!("1234")
        }),
        ("payment.browser.plugins", |o| {
            o["payment"]["browser"]["plugins"] = json!([])
        }),
        ("payment.authentication.three_ds", |o| {
            o["payment"]["authentication"]["three_ds"] = json!(true)
        }),
        (
            "token.interval",
            |o| o["token"] = json!({ "max_amount": 1000, "frequency": "monthly", "interval": 1 }),
        ),
    ];
    for (i, (path, add)) in cases.into_iter().enumerate() {
        let key = path.rsplit('.').next().unwrap();
        let mut body = app.order("4111 1111 1111 1111", None).await;
        add(&mut body);
        let (status, e) = app.checkout(&format!("unknown-{i}"), &body).await;
        assert_eq!(status, 400, "{key}: {e}");
        assert_eq!(e["error"]["field"], path);
        assert_eq!(
            e["error"]["description"],
            format!("{key} is/are not required and should not be sent")
        );
    }
    assert_eq!(
        count_orders(&app.dir.join("sandbox.sqlite")),
        0,
        "nothing reached the gateway"
    );
    // The same order without them goes through.
    let (status, o) = app
        .checkout("known-1", &app.order("4111 1111 1111 1111", None).await)
        .await;
    assert_eq!(status, 200, "{o}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_with_a_tampered_body_or_no_secret_are_refused() {
    let app = App::start("webhook-tamper").await;
    let body = json!({ "entity": "event", "account_id": "acc_SandboxAcct001", "event": "payment.captured", "contains": ["payment"],
        "payload": { "payment": { "entity": { "id": "pay_TestWebhook0002", "entity": "payment", "amount": 100 } } }, "created_at": razorpay_demo::db::now_secs() })
    .to_string();
    let signature = hmac_hex(SANDBOX_WEBHOOK_SECRET, body.as_bytes());
    let post = |app: &App, body: String, sig: &str| {
        app.http
            .post(app.url("/api/webhooks/razorpay"))
            .header("content-type", "application/json")
            .header("X-Razorpay-Signature", sig)
            .body(body)
            .send()
    };
    let tampered = body.replace("\"amount\":100", "\"amount\":999");
    assert_ne!(tampered, body);
    for (b, sig) in [
        (tampered.clone(), signature.clone()), // the body changed
        (body.clone(), String::new()),         // empty
        (body.clone(), hmac_hex(SANDBOX_KEY_SECRET, body.as_bytes())), // the key secret, not the webhook's
        (body.clone(), format!("{signature}00")),                      // too long
        (body.clone(), signature[..32].to_string()),                   // truncated
        (body.clone(), format!("sha256={signature}")),                 // prefixed
    ] {
        let r = post(&app, b, &sig).await.unwrap();
        assert_eq!(r.status().as_u16(), 400, "{sig}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], "BAD_REQUEST_ERROR");
    }
    let (_, list) = app.webhooks().await;
    assert_eq!(list["count"], 0, "no refused event was recorded");
    assert_eq!(
        post(&app, body.clone(), &signature)
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    app.stop().await;

    // Against the real API without RAZORPAY_WEBHOOK_SECRET: every webhook is refused.
    let app = start_with("webhook-nosecret", |c| c.webhook_secret = None).await;
    assert_eq!(
        post(&app, body.clone(), &signature)
            .await
            .unwrap()
            .status()
            .as_u16(),
        400
    );
    let (_, list) = app.webhooks().await;
    assert_eq!(list["count"], 0);
    app.stop().await;
}

fn repo_www() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_answers_are_never_cached_or_sniffed_and_forms_post_only_home_or_to_the_gateway() {
    let www = repo_www();
    let app = start_with("headers", |c| c.www_dir = www.clone()).await;
    let body = r#"{"name":"A B","email":"a@example.com","contact":"9876543210"}"#;
    let requests = [
        app.http.get(app.url("/api/config")),
        app.http.get(app.url("/api/nowhere")),
        app.http.get(app.url("/api/payments/pay_AAAAAAAAAAAAAA")),
        app.http
            .post(app.url("/api/customers"))
            .header("content-type", "application/json")
            .body(body),
        app.http
            .post(app.url("/api/customers"))
            .header("content-type", "text/plain")
            .body(body),
        app.http
            .post(app.url("/api/checkout"))
            .header("content-type", "application/json")
            .body("{}"),
    ];
    for request in requests {
        let r = request.send().await.unwrap();
        let what = format!("{} {}", r.url().path(), r.status());
        assert_eq!(r.headers()["cache-control"], "no-store", "{what}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{what}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{what}"
        );
    }
    let gateway = app.handles.gateway_url.clone();
    for path in ["/", "/result.html"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        let form_action = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("form-action"));
        assert_eq!(
            form_action,
            Some(format!("form-action 'self' {gateway}").as_str()),
            "{csp}"
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_pages_send_a_strict_csp_and_have_no_inline_script() {
    let www = repo_www();
    let app = start_with("csp", |c| c.www_dir = www.clone()).await;
    for path in ["/", "/index.html", "/result.html", "/app.js"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.starts_with(razorpay_demo::static_files::CSP), "{path}");
        let directive = |name: &str| {
            csp.split(';')
                .map(str::trim)
                .find(|d| d.split_whitespace().next() == Some(name))
                .unwrap_or_else(|| panic!("no {name} in {csp}"))
                .to_string()
        };
        assert_eq!(
            directive("script-src"),
            "script-src 'self' 'wasm-unsafe-eval'"
        );
        assert_eq!(directive("default-src"), "default-src 'none'");
        assert_eq!(directive("base-uri"), "base-uri 'none'");
        assert_eq!(
            directive("require-trusted-types-for"),
            "require-trusted-types-for 'script'"
        );
        assert_eq!(directive("trusted-types"), "trusted-types 'none'");
        // Connections only to the backend's API and the modules' .wasm, at the page's origin.
        let origin = app.url("/").trim_end_matches('/').to_string();
        assert_eq!(
            directive("connect-src"),
            format!("connect-src {origin}/api/ {origin}/pkg/razorpay_checkout_wasm_bg.wasm {origin}/pkg/card/card_bg.wasm")
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    }
    // The pages themselves: every script from a file, no handler attributes,
    // no javascript: URLs.
    for entry in std::fs::read_dir(&www).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let html = std::fs::read_to_string(&path).unwrap().to_ascii_lowercase();
        let mut rest = html.as_str();
        while let Some(i) = rest.find("<script") {
            let tag_end = i + rest[i..].find('>').unwrap();
            let tag = &rest[i..tag_end];
            assert!(
                tag.contains(" src="),
                "inline script in {}: {tag}",
                path.display()
            );
            let close = tag_end + rest[tag_end..].find("</script>").unwrap();
            assert_eq!(
                rest[tag_end + 1..close].trim(),
                "",
                "inline script in {}",
                path.display()
            );
            rest = &rest[close..];
        }
        for word in [
            " onclick=",
            " onload=",
            " onerror=",
            " onsubmit=",
            " oninput=",
            "javascript:",
            " style=",
        ] {
            assert!(!html.contains(word), "{word} in {}", path.display());
        }
    }
    app.stop().await;
}

/// The status line and the headers (lower-cased names) and body of a raw answer.
fn parse_raw(answer: &str) -> (u16, Vec<(String, String)>, String) {
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((answer, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, body.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_stay_in_their_roots_with_their_types_and_headers() {
    let dir = common::temp_dir("static-roots");
    let (www, pkg) = (dir.join("www"), dir.join("pkg"));
    for d in [
        www.join("sub"),
        www.join("empty"),
        www.join("server"),
        pkg.join("snippets/x"),
    ] {
        std::fs::create_dir_all(d).unwrap();
    }
    let secret = "SECRET-OUTSIDE-THE-ROOTS";
    for (path, text) in [
        (dir.join("secret.txt"), secret),
        (www.join("index.html"), "<!doctype html><title>home</title>"),
        (
            www.join("sub/index.html"),
            "<!doctype html><title>sub</title>",
        ),
        (www.join("empty/note.txt"), "listed?"),
        (www.join(".env"), secret),
        (www.join("server/Cargo.toml"), secret),
        (www.join("style.css"), "body{}"),
        (www.join("favicon.svg"), "<svg/>"),
        (
            pkg.join("razorpay_checkout_wasm_bg.wasm"),
            "\0asm\x01\0\0\0",
        ),
        (pkg.join("index.js"), "export {};"),
        (pkg.join("index.d.ts"), "export {};"),
        (pkg.join("integrity.json"), "{}"),
        (pkg.join("snippets/x/shapes.js"), "export {};"),
    ] {
        std::fs::write(path, text).unwrap();
    }
    // A link out of the root is not followed; one that stays inside is.
    std::os::unix::fs::symlink(dir.join("secret.txt"), www.join("linked.txt")).unwrap();
    std::os::unix::fs::symlink(&dir, www.join("up")).unwrap();
    std::os::unix::fs::symlink(www.join("sub/index.html"), www.join("alias.html")).unwrap();
    let app = start_with("static-roots-app", |c| {
        c.www_dir = www.clone();
        c.pkg_dir = pkg.clone();
    })
    .await;
    let host = app.handles.demo_addr;
    let get = |path: &str, method: &str| {
        format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
    };
    // Escapes: plain, percent-encoded (either case, the slash too),
    // backslashes, hidden files, this crate's source, links out.
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/sub/../../secret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/pkg/../secret.txt",
        "/pkg/%2e%2e/secret.txt",
        "/pkg/..%2fsecret.txt",
        "/pkg/%2e%2e/www/.env",
        "/.env",
        "/%2eenv",
        "/server/Cargo.toml",
        "/%73erver/Cargo.toml",
        "/linked.txt",
        "/up/secret.txt",
        "/missing.js",
        "/pkg/missing.js",
        "/empty/",
        "/%ff",
    ] {
        let (status, headers, body) = parse_raw(&raw(&app, &get(path, "GET")).await.unwrap());
        assert!(status == 404 || status == 400, "{path}: {status}");
        assert!(
            !body.contains(secret) && !body.contains("note.txt"),
            "{path}: {body}"
        );
        let has = |name: &str| headers.iter().any(|(k, _)| k == name);
        assert!(status == 400 || !has("location"), "{path}: {headers:?}");
    }
    // Types, headers, HEAD.
    let origin = app.url("").trim_end_matches('/').to_string();
    for (path, content_type) in [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/sub/", "text/html; charset=utf-8"),
        ("/alias.html", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/empty/note.txt", "text/plain; charset=utf-8"),
        ("/pkg/razorpay_checkout_wasm_bg.wasm", "application/wasm"),
        ("/pkg/index.js", "text/javascript; charset=utf-8"),
        ("/pkg/index.d.ts", "text/plain; charset=utf-8"),
        ("/pkg/integrity.json", "application/json"),
        (
            "/pkg/snippets/x/shapes.js",
            "text/javascript; charset=utf-8",
        ),
    ] {
        for method in ["GET", "HEAD"] {
            let (status, headers, body) = parse_raw(&raw(&app, &get(path, method)).await.unwrap());
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or_else(|| panic!("{path}: no {name}"))
            };
            assert_eq!(status, 200, "{method} {path}");
            assert_eq!(header("content-type"), content_type, "{path}");
            assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
            assert_eq!(header("cache-control"), "no-cache", "{path}");
            assert_eq!(
                header("referrer-policy"),
                "strict-origin-when-cross-origin",
                "{path}"
            );
            let csp = header("content-security-policy");
            assert!(
                csp.starts_with(razorpay_demo::static_files::CSP),
                "{path}: {csp}"
            );
            assert!(
                csp.contains(&format!(
                    "; connect-src {origin}/api/ {origin}/pkg/razorpay_checkout_wasm_bg.wasm {origin}/pkg/card/card_bg.wasm;"
                )),
                "{path}: {csp}"
            );
            let length: usize = header("content-length").parse().unwrap();
            assert!(length > 0, "{path}");
            assert_eq!(
                body.len(),
                if method == "HEAD" { 0 } else { length },
                "{method} {path}"
            );
        }
    }
    // A directory without its slash goes to it (relative links need it), under /pkg/ too.
    for (path, to) in [
        ("/sub", "/sub/"),
        ("/pkg", "/pkg/"),
        ("/pkg/snippets", "/pkg/snippets/"),
    ] {
        let (status, headers, _) = parse_raw(&raw(&app, &get(path, "GET")).await.unwrap());
        assert!((300..400).contains(&status), "{path}: {status}");
        assert_eq!(
            headers
                .iter()
                .find(|(k, _)| k == "location")
                .map(|(_, v)| v.as_str()),
            Some(to),
            "{path}"
        );
    }
    // Files are read, never written.
    let (status, headers, _) = parse_raw(&raw(&app, &get("/index.html", "DELETE")).await.unwrap());
    assert_eq!(status, 405);
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "allow" && v.replace(' ', "") == "GET,HEAD"),
        "{headers:?}"
    );
    app.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_payment_per_merchant_order_across_keys() {
    let app = App::start("receipts").await;
    let cart = app.cart().await;
    let body = common::order_in(&cart, "4100 2800 0000 1007", None);
    // Two tabs at once: two keys, one order; both follow the same payment.
    let (a, b) = tokio::join!(app.checkout("tab-a", &body), app.checkout("tab-b", &body));
    assert_eq!(a.0, 200, "{}", a.1);
    assert_eq!(b.0, 200, "{}", b.1);
    assert_eq!(a.1["id"], b.1["id"]);
    assert_eq!(
        a.1["payment_workflow"]["razorpay_payment_id"],
        b.1["payment_workflow"]["razorpay_payment_id"]
    );
    // Another card for the same cart while that payment is under way: refused.
    let other = common::order_in(&cart, "5500 6700 0000 1002", None);
    let (status, e) = app.checkout("tab-c", &other).await;
    assert_eq!(status, 409, "{e}");
    assert_eq!(e["error"]["reason"], "order_payment_in_progress");
    assert_eq!(e["error"]["field"], "receipt");
    let (orders, payments) = sandbox_orders(&app, &cart).await;
    assert_eq!((orders.len(), payments.len()), (1, 1));

    // Paid: any further checkout of the cart is refused, the same order too.
    app.approve(&next_url(&a.1, "redirect"), "approve").await;
    for (key, b) in [("tab-d", &other), ("tab-e", &body)] {
        let (status, e) = app.checkout(key, b).await;
        assert_eq!(status, 409, "{e}");
        assert_eq!(e["error"]["reason"], "order_already_paid");
        assert_eq!(
            e["error"]["description"],
            "This order has already been paid."
        );
    }
    // The first tab's own retry (its key) still gets its answer back.
    assert_eq!(app.checkout("tab-a", &body).await.1, a.1);
    let (orders, payments) = sandbox_orders(&app, &cart).await;
    assert_eq!((orders.len(), payments.len()), (1, 1));
    assert_eq!(payments[0]["status"], "captured");

    // A declined card, then another card for the same cart: allowed.
    let declined_cart = app.cart().await;
    let declined = common::order_in(&declined_cart, "4000 0000 0000 0002", None);
    assert_eq!(app.checkout("decl-1", &declined).await.0, 400);
    let good = common::order_in(&declined_cart, "4111 1111 1111 1111", None);
    let (status, o) = app.checkout("decl-2", &good).await;
    assert_eq!(status, 200, "{o}");
    let (orders, payments) = sandbox_orders(&app, &declined_cart).await;
    assert_eq!(orders.len(), 2);
    let mut statuses: Vec<&str> = payments
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["created", "failed"]);

    // Every order pays a cart: one without a receipt is refused.
    let mut plain = app.order("4111 1111 1111 1111", None).await;
    plain.as_object_mut().unwrap().remove("receipt");
    let (status, e) = app.checkout("plain-1", &plain).await;
    assert_eq!(
        (status, e["error"]["field"].clone()),
        (400, json!("receipt")),
        "{e}"
    );
    assert_eq!(count_orders(&app.dir.join("sandbox.sqlite")), 1 + 2);
    app.stop().await;
}

/// One raw HTTP/1.1 exchange: what came back (possibly nothing).
async fn raw(app: &App, request: &str) -> Result<String, std::io::Error> {
    let mut conn = tokio::net::TcpStream::connect(app.handles.demo_addr).await?;
    conn.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        conn.read_to_end(&mut answer),
    )
    .await
    .expect("an answer or a close within 10 s");
    read.map(|_| String::from_utf8_lossy(&answer).into_owned())
}

fn hostile_request(scenario: &str) -> String {
    let body = "{}";
    format!(
        "POST /api/checkout HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nIdempotency-Key: hostile-1\r\n\
         X-Hostile-Scenario: {scenario}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hostile_mode_answers_only_when_on_and_asked() {
    let dir = common::temp_dir("hostile");
    let handles = hostile::start(common::config(&dir))
        .await
        .expect("the hostile backend starts");
    let app = App::with(handles, dir).await;
    // A reset: no byte of an answer.
    match raw(&app, &hostile_request("checkout:reset")).await {
        Ok(text) => assert_eq!(text, ""),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset),
    }
    let html = raw(&app, &hostile_request("checkout:html")).await.unwrap();
    assert!(html.starts_with("HTTP/1.1 200 OK\r\n"), "{html}");
    assert!(html.contains("Content-Type: text/html"), "{html}");
    let js = raw(&app, &hostile_request("checkout:javascript-url"))
        .await
        .unwrap();
    let json: Value = serde_json::from_str(js.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert!(json["payment_workflow"]["next"][0]["url"]
        .as_str()
        .unwrap()
        .starts_with("javascript:"));
    // The same header on another route, or no header: the real backend, with Connection: close.
    let normal = raw(&app, &hostile_request("otp-submit:html"))
        .await
        .unwrap();
    assert!(normal.starts_with("HTTP/1.1 400"), "{normal}");
    assert!(
        normal.to_ascii_lowercase().contains("connection: close"),
        "{normal}"
    );
    let (status, _) = app.get("/api/config").await;
    assert_eq!(status, 200);
    app.stop().await;

    // The backend itself (what the production binary serves): the header means nothing.
    let app = App::start("hostile-off").await;
    for scenario in ["checkout:reset", "checkout:html", "checkout:javascript-url"] {
        let answer = raw(&app, &hostile_request(scenario)).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
        assert!(answer.contains("BAD_REQUEST_ERROR"), "{answer}");
    }
    app.stop().await;
}

/// One request from another browser (its own cookie jar).
async fn from(
    client: &reqwest::Client,
    app: &App,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> u16 {
    let mut r = client.request(method, app.url(path)).header(
        "Idempotency-Key",
        format!("other-{}", razorpay_demo::crypto::random_alnum(8)),
    );
    if let Some(b) = body {
        r = r.json(&b);
    }
    App::send(r).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_cards_payments_and_mandates_only_from_that_customers_session() {
    let app = App::start("session").await;
    // The shopper signs in, pays and saves the card.
    let cust = app.customer().await;
    let mut body = app.order("4100280000001007", Some(&cust)).await;
    body["payment"]["save"] = json!(1);
    let (status, o) = app.checkout("session-1", &body).await;
    assert_eq!(status, 200, "{o}");
    app.approve(&next_url(&o, "redirect"), "approve").await;
    let pid = o["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, payment) = app.get(&format!("/api/payments/{pid}")).await;
    assert_eq!(status, 200, "{payment}");
    let token = payment["token_id"].as_str().unwrap().to_string();
    let (status, tokens) = app.get(&format!("/api/customers/{cust}/tokens")).await;
    assert_eq!((status, tokens["count"].clone()), (200, json!(1)));

    let mut saved = app.order("4100280000001007", Some(&cust)).await;
    saved["payment"]["card"] = json!({});
    saved["payment"]["token"] = json!(token);
    saved["receipt"] = json!(app.cart().await);
    // (Mandate debits are no session's business at all: operator only, see tests/money.rs.)
    let attempts = |client: reqwest::Client| {
        let (cust, token, pid, saved) = (cust.clone(), token.clone(), pid.clone(), saved.clone());
        let app = &app;
        async move {
            vec![
                from(
                    &client,
                    app,
                    reqwest::Method::GET,
                    &format!("/api/customers/{cust}/tokens"),
                    None,
                )
                .await,
                from(
                    &client,
                    app,
                    reqwest::Method::DELETE,
                    &format!("/api/customers/{cust}/tokens/{token}"),
                    None,
                )
                .await,
                from(
                    &client,
                    app,
                    reqwest::Method::GET,
                    &format!("/api/payments/{pid}"),
                    None,
                )
                .await,
                from(
                    &client,
                    app,
                    reqwest::Method::POST,
                    "/api/checkout",
                    Some(saved),
                )
                .await,
            ]
        }
    };
    // Another browser, signed in as nobody: 401 everywhere.
    assert_eq!(attempts(common::client()).await, vec![401; 4]);
    // Another browser signed in as another customer: 403 everywhere.
    let other = common::client();
    let signed = other
        .post(app.url("/api/customers"))
        .json(&json!({ "name": "Other Shopper", "email": "other@example.com", "contact": "9123456789" }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status().as_u16(), 200);
    assert_eq!(attempts(other).await, vec![403; 4]);
    // A forged cookie (another customer's id under this one's signature) is no session.
    let forged = reqwest::Client::builder().no_proxy().build().unwrap();
    let status = forged
        .get(app.url(&format!("/api/customers/{cust}/tokens")))
        .header(
            "Cookie",
            format!(
                "{}={cust}.{}",
                razorpay_demo::session::COOKIE,
                "00".repeat(32)
            ),
        )
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(status, 401);
    // Nothing was deleted or charged: the card is still there for its owner.
    let (_, tokens) = app.get(&format!("/api/customers/{cust}/tokens")).await;
    assert_eq!(tokens["count"], 1);
    // A guest payment (no customer) is shown to whoever holds its id.
    let (status, g) = app
        .checkout("session-guest", &app.order("5500670000001002", None).await)
        .await;
    assert_eq!(status, 200, "{g}");
    let gid = g["payment_workflow"]["razorpay_payment_id"]
        .as_str()
        .unwrap();
    assert_eq!(
        from(
            &common::client(),
            &app,
            reqwest::Method::GET,
            &format!("/api/payments/{gid}"),
            None
        )
        .await,
        200
    );
    app.stop().await;
}
