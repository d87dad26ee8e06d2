//! Webhook events, signed like Razorpay's and delivered in the background.
//!
//! Each event gets one id (`X-Razorpay-Event-Id`) and one signed body when it
//! is first sent; a delivery that fails or gets a non-2xx answer is sent
//! again, byte for byte, with the same id and signature ([`TRIES`] tries,
//! waiting the retry base, then twice, four times, … as long).

use std::time::Duration;

use serde_json::{json, Value};

use crate::crypto::{hmac_hex, random_alnum};
use crate::db::now_secs;

/// One event to deliver (`payment.captured`, `token.confirmed`, ...).
#[derive(Clone, Debug)]
pub struct Event {
    /// Event name.
    pub name: &'static str,
    /// The partner sub-merchant (or the sandbox's own account).
    pub account_id: String,
    /// `payload` members: `("payment", entity)`, `("token", entity)`.
    pub entities: Vec<(&'static str, Value)>,
}

impl Event {
    /// An event about one entity.
    pub fn new(name: &'static str, account_id: &str, kind: &'static str, entity: Value) -> Event {
        Event {
            name,
            account_id: account_id.to_string(),
            entities: vec![(kind, entity)],
        }
    }

    /// `order.paid`: the captured payment and the paid order (Razorpay's
    /// `contains: ["payment", "order"]`).
    pub fn order_paid(account_id: &str, payment: Value, order: Value) -> Event {
        Event {
            name: "order.paid",
            account_id: account_id.to_string(),
            entities: vec![("payment", payment), ("order", order)],
        }
    }

    /// The JSON body (seed 004 shape).
    pub fn body(&self) -> Value {
        let mut payload = serde_json::Map::new();
        for (kind, entity) in &self.entities {
            payload.insert((*kind).to_string(), json!({ "entity": entity }));
        }
        json!({
            "entity": "event",
            "account_id": self.account_id,
            "event": self.name,
            "contains": self.entities.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            "payload": payload,
            "created_at": now_secs(),
        })
    }
}

/// How many times one event is sent at most (the first delivery and its retries).
pub const TRIES: u32 = 6;

/// Default of the retry base (`SANDBOX_WEBHOOK_RETRY_MS`): the wait before
/// the first retry; each later wait doubles (1, 2, 4, 8, 16 s).
pub const RETRY_BASE_MS: u64 = 1000;

/// Delivers events to one URL, signed with the webhook secret.
#[derive(Clone)]
pub struct Sender {
    http: reqwest::Client,
    url: Option<String>,
    secret: Option<String>,
    retry_base: Duration,
}

impl Sender {
    /// A sender; with no URL or no secret, events are dropped (logged).
    pub fn new(http: reqwest::Client, url: Option<String>, secret: Option<String>) -> Sender {
        Sender {
            http,
            url,
            secret,
            retry_base: Duration::from_millis(RETRY_BASE_MS),
        }
    }

    /// The same sender with another retry base (tests use a few milliseconds).
    pub fn with_retry_base(mut self, base: Duration) -> Sender {
        self.retry_base = base;
        self
    }

    /// Sends `events` in order, in the background; never blocks the caller.
    pub fn send(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let (Some(url), Some(secret)) = (self.url.clone(), self.secret.clone()) else {
            return;
        };
        let http = self.http.clone();
        let base = self.retry_base;
        // Ids and bodies are made now, once: every retry repeats them.
        let signed: Vec<Signed> = events
            .iter()
            .map(|event| {
                let body = event.body().to_string();
                Signed {
                    name: event.name,
                    signature: hmac_hex(&secret, body.as_bytes()),
                    id: random_alnum(14),
                    body,
                }
            })
            .collect();
        // First tries go in order (authorized, captured, order.paid, …);
        // an event whose first try fails is retried on its own, so it
        // holds back no other event.
        tokio::spawn(async move {
            for event in signed {
                if !try_once(&http, &url, &event, 0).await {
                    let (http, url) = (http.clone(), url.clone());
                    tokio::spawn(async move { retry(&http, &url, base, &event).await });
                }
            }
        });
    }
}

/// An event as delivered: its id, body and signature never change between tries.
struct Signed {
    name: &'static str,
    id: String,
    body: String,
    signature: String,
}

/// The wait before try `attempt` (1-based retries): base, 2×, 4×, …
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(1 << attempt.saturating_sub(1).min(16))
}

/// One try; `true` when the receiver answered 2xx.
async fn try_once(http: &reqwest::Client, url: &str, event: &Signed, attempt: u32) -> bool {
    let event_id = &event.id;
    let sent = http
        .post(url)
        .header("content-type", "application/json")
        .header("x-razorpay-signature", &event.signature)
        .header("x-razorpay-event-id", event_id)
        .body(event.body.clone())
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => return true,
        Ok(r) => eprintln!(
            "sandbox: webhook {} ({event_id}) answered {}, try {} of {TRIES}",
            event.name,
            r.status().as_u16(),
            attempt + 1
        ),
        Err(e) => eprintln!(
            "sandbox: webhook {} ({event_id}) not delivered, try {} of {TRIES}: {}",
            event.name,
            attempt + 1,
            e.without_url()
        ),
    }
    false
}

/// The retries of an event whose first try failed.
async fn retry(http: &reqwest::Client, url: &str, base: Duration, event: &Signed) {
    for attempt in 1..TRIES {
        tokio::time::sleep(backoff(base, attempt)).await;
        if try_once(http, url, event, attempt).await {
            return;
        }
    }
    eprintln!(
        "sandbox: webhook {} ({}) given up after {TRIES} tries",
        event.name, event.id
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base() {
        let base = Duration::from_millis(1000);
        let waits: Vec<u64> = (1..TRIES)
            .map(|a| backoff(base, a).as_millis() as u64)
            .collect();
        assert_eq!(waits, [1000, 2000, 4000, 8000, 16000]);
    }

    #[test]
    fn order_paid_carries_both_entities() {
        let e = Event::order_paid(
            "acc_x",
            json!({ "id": "pay_1" }),
            json!({ "id": "order_1" }),
        );
        let body = e.body();
        assert_eq!(body["contains"], json!(["payment", "order"]));
        assert_eq!(body["payload"]["payment"]["entity"]["id"], "pay_1");
        assert_eq!(body["payload"]["order"]["entity"]["id"], "order_1");
    }
}
