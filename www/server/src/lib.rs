//! # razorpay-demo
//!
//! The merchant backend of the razorpay-checkout-wasm demo, and an offline
//! Razorpay-compatible sandbox gateway, in one process.
//!
//! - The backend (`LISTEN_ADDR`, default `127.0.0.1:8080`) serves `www/` at
//!   `/`, the npm package `pkg/` at `/pkg/`, and the `/api/…` routes that
//!   re-validate the shopper's order and talk to the gateway with the key
//!   secret (see [`routes`], [`callback`]).
//! - The sandbox gateway (`SANDBOX_ADDR`, default `127.0.0.1:8081`) starts
//!   only when `RAZORPAY_BASE_URL` is unset; the backend then calls it over
//!   real HTTP exactly as it would call `https://api.razorpay.com`
//!   (see [`sandbox`]).
//!
//! [`start`] binds both (port 0 picks a free port), returns their addresses
//! in [`Handles`], and serves until [`Handles::shutdown`].

#![deny(missing_docs)]

pub mod access_log;
pub mod body;
pub mod callback;
pub mod carts;
pub mod config;
pub mod crypto;
pub mod db;
pub mod error;
pub mod fulfilment;
pub mod gateway_client;
pub mod idempotency;
pub mod operator;
pub mod perimeter;
pub mod receipts;
pub mod routes;
pub mod sandbox;
pub mod session;
pub mod single_flight;
pub mod state;
pub mod static_files;
pub mod store;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::Config;

/// The running servers.
pub struct Handles {
    /// Where the backend listens.
    pub demo_addr: SocketAddr,
    /// Where the sandbox gateway listens (when started).
    pub sandbox_addr: Option<SocketAddr>,
    /// The backend's base URL, like `http://127.0.0.1:8080`.
    pub demo_url: String,
    /// The gateway base URL the backend uses (the sandbox's, or `RAZORPAY_BASE_URL`).
    pub gateway_url: String,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Handles {
    /// Stops accepting connections, finishes in-flight requests and returns.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }

    /// Prints where the servers listen, as the two lines that `make demo`'s
    /// reader and the e2e harness parse (`demo: <url>/`, then
    /// `sandbox gateway: <url>` or `gateway: <url>`), then serves until
    /// Ctrl-C (or SIGTERM).
    pub async fn announce_and_run(self) {
        println!("demo: {}/", self.demo_url);
        match self.sandbox_addr {
            Some(_) => println!("sandbox gateway: {}", self.gateway_url),
            None => println!("gateway: {}", self.gateway_url),
        }
        self.run_until_signal().await;
    }

    /// Serves until Ctrl-C (or SIGTERM), then shuts down.
    pub async fn run_until_signal(self) {
        shutdown_signal().await;
        self.shutdown().await;
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// The backend's state for `config`, calling the gateway at `gateway_url`
/// with `http`; `public_url` is the base of `payment.callback_url`.
///
/// # Errors
/// When the gateway client or the backend's database cannot be set up.
pub fn app_state(
    config: &Config,
    http: reqwest::Client,
    gateway_url: &str,
    public_url: &str,
) -> Result<state::AppState, String> {
    Ok(state::AppState {
        gateway: gateway_client::GatewayClient::new(
            http,
            gateway_url,
            &config.key_id,
            &config.key_secret,
            config.account_id.clone(),
        )?,
        store: match &config.database_url {
            Some(url) => store::Store::postgres(url, 16)?,
            None => store::Store::sqlite(
                &config.demo_db,
                &[state::SCHEMA, carts::SCHEMA].concat(),
                state::MIGRATIONS,
            )?,
        },
        key_id: config.key_id.clone(),
        key_secret: config.key_secret.clone(),
        session_secret: config.session_secret.clone(),
        webhook_secret: config.webhook_secret.clone(),
        webhook_secret_previous: config.webhook_secret_previous.clone(),
        public_url: public_url.trim_end_matches('/').to_string(),
        trust_x_forwarded_for: config.trust_x_forwarded_for,
        www_dir: config.www_dir.clone(),
        pkg_dir: config.pkg_dir.clone(),
        checkout_timeout_ms: config.checkout_timeout_ms,
        operator_secret: config.operator_secret.clone(),
        stale_after_secs: single_flight::stale_after_secs(config.gateway_timeout_ms),
        key_locks: Arc::new(Mutex::new(HashMap::new())),
    })
}

/// The backend's router over `state`: the `/api` routes, the static files
/// and the perimeter (`perimeter::guard`). [`start`] serves it; tests and
/// the request fuzzer drive it in process.
pub fn backend_router(state: state::AppState) -> Router {
    routes::router()
        .fallback_service(static_files::service(&state))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            perimeter::guard,
        ))
        .with_state(state)
}

/// A URL base for a bound address (`0.0.0.0` becomes `127.0.0.1`).
fn url_for(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

fn spawn_server<L>(listener: L, app: Router, mut stop: watch::Receiver<bool>) -> JoinHandle<()>
where
    L: axum::serve::Listener<Addr = SocketAddr>,
    SocketAddr: for<'a> axum::extract::connect_info::Connected<axum::serve::IncomingStream<'a, L>>,
{
    tokio::spawn(async move {
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await;
        if let Err(e) = served {
            eprintln!("server error: {e}");
        }
    })
}

/// [`spawn_server`] for a plain TCP listener (outside [`start_with`], whose
/// `where` clause would otherwise stand in for this one's).
fn spawn_tcp(listener: TcpListener, app: Router, stop: watch::Receiver<bool>) -> JoinHandle<()> {
    spawn_server(listener, app, stop)
}

/// Binds and starts the backend (and the sandbox when no gateway URL is configured).
pub async fn start(config: Config) -> Result<Handles, String> {
    start_with(config, |app| app, Ok).await
}

/// [`start`] with two hooks for test harnesses (the hostile test backend,
/// `examples/hostile_backend/`): `wrap` gets the backend's router (inside
/// the access log) and `listen` the bound listener, and what they answer is
/// served. Nothing of the kind is in the production binary.
///
/// # Errors
/// [`start`]'s, and `listen`'s.
pub async fn start_with<L, W, F>(config: Config, wrap: W, listen: F) -> Result<Handles, String>
where
    W: FnOnce(Router) -> Router,
    F: FnOnce(TcpListener) -> Result<L, String>,
    L: axum::serve::Listener<Addr = SocketAddr>,
    SocketAddr: for<'a> axum::extract::connect_info::Connected<axum::serve::IncomingStream<'a, L>>,
{
    let demo_listener = TcpListener::bind(config.listen_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen_addr))?;
    let demo_addr = demo_listener.local_addr().map_err(|e| e.to_string())?;
    let demo_url = url_for(demo_addr);
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| demo_url.clone());
    let http =
        gateway_client::http_client(std::time::Duration::from_millis(config.gateway_timeout_ms));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = Vec::new();

    let (gateway_url, sandbox_addr) = match &config.gateway_base_url {
        Some(url) => (url.clone(), None),
        None => {
            let listener = TcpListener::bind(config.sandbox_addr)
                .await
                .map_err(|e| format!("cannot listen on {} (sandbox): {e}", config.sandbox_addr))?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            let base = url_for(addr);
            let webhook_url = config
                .sandbox_webhook_url
                .clone()
                .unwrap_or_else(|| format!("{demo_url}/api/webhooks/razorpay"));
            let sender = sandbox::webhooks::Sender::new(
                http.clone(),
                Some(webhook_url),
                config.webhook_secret.clone(),
            )
            .with_retry_base(std::time::Duration::from_millis(
                config.sandbox_webhook_retry_ms,
            ));
            let sb = sandbox::Sandbox::open(
                &config.sandbox_db,
                &config.key_id,
                &config.key_secret,
                &base,
                sender,
            )?
            .with_payment_expiry(config.sandbox_payment_expiry_secs)
            .with_late_auth(config.sandbox_late_auth_ms);
            tasks.push(sb.clone().spawn_clock(stop_rx.clone()));
            let mut app = sb.router();
            if config.access_log {
                app = app.layer(axum::middleware::from_fn_with_state(
                    "sandbox",
                    access_log::log,
                ));
            }
            tasks.push(spawn_tcp(listener, app, stop_rx.clone()));
            (base, Some(addr))
        }
    };

    let state = app_state(&config, http, &gateway_url, &public_url)?;
    state.store.prepare().await?;
    let mut app = wrap(backend_router(state));
    if config.access_log {
        app = app.layer(axum::middleware::from_fn_with_state(
            "demo",
            access_log::log,
        ));
    }
    tasks.push(spawn_server(listen(demo_listener)?, app, stop_rx));

    Ok(Handles {
        demo_addr,
        sandbox_addr,
        demo_url,
        gateway_url,
        shutdown: stop_tx,
        tasks,
    })
}
