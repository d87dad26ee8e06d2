//! One log line per request: who served it, method, path (no query), status,
//! duration. Never headers or bodies (they carry keys, card data, OTPs).

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// Middleware for `axum::middleware::from_fn_with_state(name, log)`.
pub async fn log(
    axum::extract::State(name): axum::extract::State<&'static str>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = Instant::now();
    let resp = next.run(req).await;
    eprintln!(
        "{name}: {method} {path} {} {:.1}ms",
        resp.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    resp
}
