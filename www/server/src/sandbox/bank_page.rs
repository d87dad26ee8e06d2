//! The simulated bank (3-D Secure) page behind the `redirect` next action:
//! plain HTML, no script. Approve/Decline post back here; the answer is a
//! page whose form returns the shopper to the merchant's `callback_url`
//! with Razorpay's callback fields.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use super::payments::{self, Answer};
use super::{cards, db, Sandbox};
use crate::body::RawBody;
use crate::error::ApiError;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{title} – Sandbox Bank</title>\n<style>\nbody{{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}\n\
h1{{font-size:1.4rem}} dl{{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}} dt{{font-weight:600}}\n\
button{{font-size:1rem;padding:.6rem 1.2rem;margin:.3rem .5rem .3rem 0;border-radius:.3rem;border:1px solid #333;cursor:pointer}}\n\
button:focus-visible{{outline:3px solid #1a56db;outline-offset:2px}} .approve{{background:#0b6e2e;color:#fff}} .decline{{background:#fff;color:#8a1010;border-color:#8a1010}}\n\
.note{{color:#555;font-size:.9rem}}\n</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        title = escape(title)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; form-action http: https:; frame-ancestors 'none'"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response()
}

fn error_page(err: &ApiError) -> Response {
    page(
        err.status,
        "Payment error",
        &format!(
            "<h1>Payment error</h1>\n<p role=\"alert\">{}</p>",
            escape(&err.description)
        ),
    )
}

fn amount_text(payment: &Value) -> String {
    let paise = payment.get("amount").and_then(Value::as_i64).unwrap_or(0);
    let currency = payment
        .get("currency")
        .and_then(Value::as_str)
        .unwrap_or("INR");
    format!("{currency} {}.{:02}", paise / 100, paise % 100)
}

/// The query of the bank page: the secret issued with the redirect.
#[derive(Deserialize)]
pub struct BankQuery {
    auth: Option<String>,
}

fn not_yours() -> Response {
    page(
        StatusCode::FORBIDDEN,
        "Link not valid",
        "<h1>This link is not valid</h1>\n<p>Open the bank page from the merchant's checkout: only the link it sent you to can confirm this payment.</p>",
    )
}

/// The payment, when `auth` is its bank-page secret; the page to answer otherwise.
async fn payment_for(
    sb: &Sandbox,
    id: &str,
    auth: Option<&str>,
) -> Result<(Value, Value), Response> {
    let id2 = id.to_string();
    match sb.db.call(move |conn| db::payment(conn, &id2)).await {
        Ok(Some((p, i))) if payments::bank_page_secret_ok(&i, auth) => Ok((p, i)),
        // Unknown id or wrong secret: the same answer, so ids cannot be probed.
        Ok(_) => Err(not_yours()),
        Err(e) => Err(error_page(&e)),
    }
}

/// `GET /v1/payments/{id}/authorize?auth=…`.
pub async fn show(
    State(sb): State<Sandbox>,
    Path(id): Path<String>,
    Query(q): Query<BankQuery>,
) -> Response {
    let (payment, internal) = match payment_for(&sb, &id, q.auth.as_deref()).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let status = payment
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if status == "failed"
        && payment.get("error_reason").and_then(Value::as_str) == Some(payments::TIMED_OUT)
    {
        return page(
            StatusCode::GONE,
            "Payment expired",
            "<h1>Payment expired</h1>\n<p>This payment has expired: it was not confirmed in time. Return to the merchant and pay again.</p>",
        );
    }
    if status != "created" {
        return page(
            StatusCode::OK,
            "Payment already processed",
            &format!("<h1>Payment already processed</h1>\n<p>This payment is <strong>{}</strong>. You can close this page.</p>", escape(status)),
        );
    }
    let card = internal.get("card").cloned().unwrap_or(Value::Null);
    let last4 = card.get("last4").and_then(Value::as_str).unwrap_or("????");
    let network = card
        .get("network")
        .and_then(Value::as_str)
        .unwrap_or("Card");
    let failure_hint = match internal
        .get("behaviour")
        .and_then(|b| serde_json::from_value::<cards::Behaviour>(b.clone()).ok())
    {
        Some(cards::Behaviour::AuthenticationFails) => {
            "<p class=\"note\">Test card: authentication will fail even if you approve.</p>\n"
        }
        Some(cards::Behaviour::MandateRejected) => {
            "<p class=\"note\">Test card: the mandate (token) will be rejected.</p>\n"
        }
        Some(cards::Behaviour::LateAuthorization) => {
            "<p class=\"note\">Test card: the bank will not answer now; the authorisation arrives late.</p>\n"
        }
        _ => "",
    };
    let body = format!(
        "<h1>Sandbox Bank – confirm your payment</h1>\n\
<p class=\"note\">This is a simulated 3-D Secure page of the offline sandbox gateway. No real money moves.</p>\n\
<dl>\n<dt>Amount</dt><dd>{amount}</dd>\n<dt>Card</dt><dd>{network} ending {last4}</dd>\n<dt>Payment</dt><dd><code>{id}</code></dd>\n</dl>\n{failure_hint}\
<form method=\"post\" action=\"/v1/payments/{id}/authorize?auth={auth}\">\n\
<button type=\"submit\" name=\"action\" value=\"approve\" class=\"approve\">Approve</button>\n\
<button type=\"submit\" name=\"action\" value=\"decline\" class=\"decline\">Decline</button>\n</form>",
        amount = escape(&amount_text(&payment)),
        network = escape(network),
        last4 = escape(last4),
        id = escape(&id),
        auth = escape(q.auth.as_deref().unwrap_or_default()),
    );
    page(StatusCode::OK, "Confirm your payment", &body)
}

/// `POST /v1/payments/{id}/authorize?auth=…` with `action=approve|decline`.
pub async fn submit(
    State(sb): State<Sandbox>,
    Path(id): Path<String>,
    Query(q): Query<BankQuery>,
    body: Result<RawBody, ApiError>,
) -> Response {
    if let Err(page) = payment_for(&sb, &id, q.auth.as_deref()).await {
        return page;
    }
    let form: Vec<(String, String)> = match body {
        Ok(RawBody(b)) => serde_urlencoded::from_bytes(&b).unwrap_or_default(),
        Err(e) => return error_page(&e),
    };
    let action = form
        .iter()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let approve = match action {
        "approve" => true,
        "decline" => false,
        _ => {
            return error_page(&ApiError::validation(
                Some("action".into()),
                "Choose Approve or Decline.",
            ))
        }
    };
    let answer = sb
        .transition(move |conn, ctx| {
            if approve {
                payments::authenticate(conn, ctx, &id)
            } else {
                payments::decline(conn, &id)
            }
        })
        .await;
    match answer {
        Ok(a) => return_page(a),
        Err(e) => error_page(&e),
    }
}

/// The callback fields Razorpay posts to `callback_url`.
pub fn callback_fields(body: &Result<Value, ApiError>) -> Vec<(String, String)> {
    match body {
        Ok(v) => [
            "razorpay_payment_id",
            "razorpay_order_id",
            "razorpay_signature",
        ]
        .iter()
        .map(|k| {
            (
                k.to_string(),
                v.get(*k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect(),
        Err(e) => vec![
            ("error[code]".into(), e.code.clone()),
            ("error[description]".into(), e.description.clone()),
            ("error[source]".into(), e.source.clone()),
            ("error[step]".into(), e.step.clone()),
            ("error[reason]".into(), e.reason.clone()),
            (
                "error[metadata]".into(),
                Value::Object(e.metadata.clone()).to_string(),
            ),
        ],
    }
}

fn return_page(a: Answer) -> Response {
    let ok = a.body.is_ok();
    let heading = if ok {
        "Payment approved"
    } else {
        "Payment not completed"
    };
    let message = match &a.body {
        Ok(_) => "Your bank approved the payment.".to_string(),
        Err(e) => e.description.clone(),
    };
    let fields = callback_fields(&a.body);
    let Some(url) = a.callback_url else {
        let list: String = fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "<dt>{}</dt><dd><code>{}</code></dd>\n",
                    escape(k),
                    escape(v)
                )
            })
            .collect();
        return page(
            StatusCode::OK,
            heading,
            &format!(
                "<h1>{heading}</h1>\n<p>{}</p>\n<dl>\n{list}</dl>",
                escape(&message)
            ),
        );
    };
    let inputs: String = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                escape(k),
                escape(v)
            )
        })
        .collect();
    page(
        StatusCode::OK,
        heading,
        &format!(
            "<h1>{heading}</h1>\n<p role=\"status\">{}</p>\n<form method=\"post\" action=\"{}\">\n{inputs}<button type=\"submit\" class=\"approve\" autofocus>Continue to the merchant</button>\n</form>",
            escape(&message),
            escape(&url)
        ),
    )
}
