//! `razorpay-demo`: the demo backend (and, without `RAZORPAY_BASE_URL`, the
//! offline sandbox gateway). Configuration comes from the environment; see
//! the library docs.
//!
//! `razorpay-demo debit --customer cust_… --token token_… --amount 100000
//! --email … --contact … --key <idempotency key> [--currency INR]
//! [--url http://127.0.0.1:8080]`: the merchant's server debits a mandate
//! through a running backend's operator route, with `OPERATOR_SECRET` from
//! the environment (see `razorpay_demo::operator`). Run it again with the
//! same `--key` after a lost answer: it gets the same debit back.

use std::collections::HashMap;

const DEBIT_USAGE: &str = "usage: razorpay-demo debit --customer cust_… --token token_… --amount <subunits> \
--email <email> --contact <phone> --key <idempotency key> [--currency INR] [--url http://127.0.0.1:8080]";

/// `debit`: one operator debit; exit 0 when the backend answered 2xx.
async fn debit(args: &[String]) -> i32 {
    let mut opts = HashMap::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let Some(name) = flag.strip_prefix("--") else {
            eprintln!("razorpay-demo debit: unexpected {flag:?}\n{DEBIT_USAGE}");
            return 2;
        };
        let Some(value) = it.next() else {
            eprintln!("razorpay-demo debit: {flag} needs a value\n{DEBIT_USAGE}");
            return 2;
        };
        opts.insert(name.to_string(), value.clone());
    }
    let known = [
        "customer", "token", "amount", "email", "contact", "key", "currency", "url",
    ];
    if let Some(bad) = opts.keys().find(|k| !known.contains(&k.as_str())) {
        eprintln!("razorpay-demo debit: unknown option --{bad}\n{DEBIT_USAGE}");
        return 2;
    }
    let need = ["customer", "token", "amount", "email", "contact", "key"];
    if let Some(missing) = need.iter().find(|k| !opts.contains_key(**k)) {
        eprintln!("razorpay-demo debit: --{missing} is required\n{DEBIT_USAGE}");
        return 2;
    }
    let Some(secret) = std::env::var("OPERATOR_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("razorpay-demo debit: set OPERATOR_SECRET (the backend's operator secret)");
        return 2;
    };
    let Ok(amount) = opts["amount"].parse::<i64>() else {
        eprintln!("razorpay-demo debit: --amount must be a whole number of subunits");
        return 2;
    };
    let url = opts
        .get("url")
        .map_or("http://127.0.0.1:8080", String::as_str)
        .trim_end_matches('/')
        .to_string();
    let body = serde_json::json!({
        "customer_id": opts["customer"],
        "token": opts["token"],
        "amount": amount,
        "currency": opts.get("currency").map_or("INR", String::as_str),
        "email": opts["email"],
        "contact": opts["contact"],
    });
    let http = razorpay_demo::gateway_client::http_client(std::time::Duration::from_secs(60));
    let sent = http
        .post(format!("{url}/api/recurring"))
        .bearer_auth(secret)
        .header("Idempotency-Key", &opts["key"])
        .json(&body)
        .send()
        .await;
    match sent {
        Ok(r) => {
            let ok = r.status().is_success();
            println!("{}", r.text().await.unwrap_or_default());
            if ok {
                0
            } else {
                1
            }
        }
        Err(e) => {
            eprintln!("razorpay-demo debit: {url}: {}", e.without_url());
            1
        }
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("debit") {
        std::process::exit(debit(&args[1..]).await);
    }
    let config = match razorpay_demo::Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("razorpay-demo: {e}");
            std::process::exit(2);
        }
    };
    match razorpay_demo::start(config).await {
        Ok(handles) => handles.announce_and_run().await,
        Err(e) => {
            eprintln!("razorpay-demo: {e}");
            std::process::exit(1);
        }
    }
}
