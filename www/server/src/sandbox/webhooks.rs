//! Webhook events, signed like Razorpay's and delivered in the background.

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

/// Delivers events to one URL, signed with the webhook secret.
#[derive(Clone)]
pub struct Sender {
    http: reqwest::Client,
    url: Option<String>,
    secret: Option<String>,
}

impl Sender {
    /// A sender; with no URL or no secret, events are dropped (logged).
    pub fn new(http: reqwest::Client, url: Option<String>, secret: Option<String>) -> Sender {
        Sender { http, url, secret }
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
        tokio::spawn(async move {
            for event in events {
                deliver(&http, &url, &secret, &event).await;
            }
        });
    }
}

async fn deliver(http: &reqwest::Client, url: &str, secret: &str, event: &Event) {
    let body = event.body().to_string();
    let signature = hmac_hex(secret, body.as_bytes());
    let event_id = random_alnum(14);
    for attempt in 0..3u32 {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt))).await;
        }
        let sent = http
            .post(url)
            .header("content-type", "application/json")
            .header("x-razorpay-signature", &signature)
            .header("x-razorpay-event-id", &event_id)
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => return,
            Ok(r) => eprintln!(
                "sandbox: webhook {} answered {}",
                event.name,
                r.status().as_u16()
            ),
            Err(e) => eprintln!(
                "sandbox: webhook {} not delivered: {}",
                event.name,
                e.without_url()
            ),
        }
    }
}
