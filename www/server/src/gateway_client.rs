//! The backend's HTTP client for the gateway (Razorpay or the sandbox):
//! Basic auth with the key pair, `X-Razorpay-Account` under Partner Auth,
//! JSON both ways, the gateway's status and body passed back as they are.

use std::time::Duration;

use reqwest::{Method, Url};
use serde_json::Value;

use crate::error::ApiError;

/// A gateway answer: its HTTP status and JSON body.
#[derive(Clone, Debug)]
pub struct GatewayAnswer {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: Value,
}

/// Client for one gateway base URL.
#[derive(Clone)]
pub struct GatewayClient {
    http: reqwest::Client,
    base: Url,
    key_id: String,
    key_secret: String,
    account_id: Option<String>,
}

/// A reqwest client with timeouts (`timeout`: the whole exchange) and no
/// proxy lookup.
pub fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5).min(timeout))
        .timeout(timeout)
        .user_agent(concat!("razorpay-demo/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

impl GatewayClient {
    /// A client for `base_url` (like `https://api.razorpay.com`).
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        key_id: &str,
        key_secret: &str,
        account_id: Option<String>,
    ) -> Result<GatewayClient, String> {
        let base =
            Url::parse(base_url).map_err(|e| format!("bad gateway URL {base_url:?}: {e}"))?;
        Ok(GatewayClient {
            http,
            base,
            key_id: key_id.into(),
            key_secret: key_secret.into(),
            account_id,
        })
    }

    /// The base URL.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `host[:port]` of the gateway (the port only when not the scheme's default).
    pub fn host(&self) -> String {
        let host = self.base.host_str().unwrap_or_default();
        match self.base.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        }
    }

    /// True when `url` has the gateway's scheme, host and port.
    pub fn same_origin(&self, url: &Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
            && url.username().is_empty()
            && url.password().is_none()
    }

    /// Calls `path` (like `/v1/orders`) relative to the base.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<GatewayAnswer, ApiError> {
        let mut url = self.base.clone();
        let joined = format!("{}{}", self.base.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        self.call_url(method, url, body).await
    }

    /// `GET path?query` (like `/v1/orders?receipt=…`), the query encoded.
    pub async fn get_query(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<GatewayAnswer, ApiError> {
        let mut url = self.base.clone();
        let joined = format!("{}{}", self.base.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        url.query_pairs_mut().extend_pairs(query);
        self.call_url(Method::GET, url, None).await
    }

    /// Calls an absolute gateway URL (a next-action URL, already origin-checked).
    pub async fn call_url(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<GatewayAnswer, ApiError> {
        let mut req = self
            .http
            .request(method, url)
            .basic_auth(&self.key_id, Some(&self.key_secret));
        if let Some(acc) = &self.account_id {
            req = req.header("X-Razorpay-Account", acc);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| {
            let timeout = e.is_timeout();
            eprintln!("gateway request failed: {}", e.without_url());
            if timeout {
                ApiError::gateway_unreachable("The payment gateway did not answer in time")
            } else {
                ApiError::gateway_unreachable("The payment gateway could not be reached")
            }
        })?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.map_err(|_| {
            ApiError::gateway_unreachable("The payment gateway's answer could not be read")
        })?;
        let body: Value = serde_json::from_slice(&bytes).map_err(|_| {
            ApiError::gateway_unreachable(format!(
                "The payment gateway answered {status} without JSON"
            ))
        })?;
        Ok(GatewayAnswer { status, body })
    }
}
