//! Configuration: from the environment for `main`, built by hand in tests.
//!
//! Secrets (`key_secret`, `webhook_secret`) live here and nowhere else; the
//! `Debug` impl redacts them so a stray `{:?}` cannot leak them to the logs.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The key id the sandbox gateway accepts when none is configured.
pub const SANDBOX_KEY_ID: &str = "rzp_test_sandbox";
/// The key secret the sandbox gateway accepts when none is configured.
pub const SANDBOX_KEY_SECRET: &str = "sandbox_key_secret_0000000000000000";
/// What a secret made up at start looks like: 43 random alphanumerics
/// (about 256 bits from the OS generator).
pub fn random_secret() -> String {
    crate::crypto::random_alnum(43)
}

/// Everything the process needs to start.
#[derive(Clone)]
pub struct Config {
    /// Where the merchant backend (and static files) listen. Port 0 picks one.
    pub listen_addr: SocketAddr,
    /// Where the in-process sandbox gateway listens (only used without `gateway_base_url`).
    pub sandbox_addr: SocketAddr,
    /// `RAZORPAY_BASE_URL`: a real (or external) gateway. `None` starts the sandbox.
    pub gateway_base_url: Option<String>,
    /// API key id (public; the page may see it).
    pub key_id: String,
    /// API key secret (never leaves the server).
    pub key_secret: String,
    /// Partner Auth: the sub-merchant sent as `X-Razorpay-Account`.
    pub account_id: Option<String>,
    /// Secret that signs webhooks (`X-Razorpay-Signature`). `None` rejects every webhook.
    /// With the sandbox and no `RAZORPAY_WEBHOOK_SECRET`: a random one per start.
    pub webhook_secret: Option<String>,
    /// A rotation's old webhook secret and the Unix time (seconds) until
    /// which it is still accepted beside `webhook_secret`
    /// (`RAZORPAY_WEBHOOK_SECRET_PREVIOUS`, `RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL`).
    pub webhook_secret_previous: Option<(String, i64)>,
    /// `SESSION_SECRET`: signs the shopper's session cookie; unset: a random
    /// one per start (every session ends when the process restarts).
    pub session_secret: String,
    /// The sandbox's SQLite file.
    pub sandbox_db: PathBuf,
    /// The backend's SQLite file (idempotency keys, webhook events), used
    /// when `database_url` is `None`.
    pub demo_db: PathBuf,
    /// `DATABASE_URL` (`postgres://…`): the backend's state in PostgreSQL
    /// (see [`crate::store`]), shared by every instance pointed at it.
    pub database_url: Option<String>,
    /// The backend's public base URL (for `callback_url`); `None`: from the bound address.
    pub public_url: Option<String>,
    /// Take the client IP from the first `X-Forwarded-For` hop.
    pub trust_x_forwarded_for: bool,
    /// Served at `/`.
    pub www_dir: PathBuf,
    /// Served at `/pkg/`.
    pub pkg_dir: PathBuf,
    /// Where the sandbox delivers webhooks; `None`: this backend's `/api/webhooks/razorpay`.
    pub sandbox_webhook_url: Option<String>,
    /// One stderr line per request (`ACCESS_LOG=0` turns it off).
    pub access_log: bool,
    /// `CHECKOUT_TIMEOUT_MS`: how long the demo page lets each checkout call
    /// take (sent to the page by `/api/config`); `None`: the page's 30 s.
    pub checkout_timeout_ms: Option<u32>,
    /// `GATEWAY_TIMEOUT_MS`: how long the backend waits for one gateway
    /// answer (default 30 s). A request that timed out may still have been
    /// done by the gateway: see [`crate::receipts`] for how it is reconciled.
    pub gateway_timeout_ms: u64,
    /// `OPERATOR_SECRET`: the bearer secret of the merchant's operator
    /// routes (`POST /api/recurring`, the `debit` command). `None`: those
    /// routes refuse every request. Never sent to a page.
    pub operator_secret: Option<String>,
    /// `SANDBOX_PAYMENT_EXPIRY_SECS`: the sandbox fails a payment still
    /// `created` (not authenticated) this long after it was made (default
    /// [`crate::sandbox::PAYMENT_EXPIRY_SECS`]).
    pub sandbox_payment_expiry_secs: i64,
    /// `SANDBOX_WEBHOOK_RETRY_MS`: the sandbox's wait before a failed
    /// webhook's first retry; each later wait doubles (default
    /// [`crate::sandbox::webhooks::RETRY_BASE_MS`]).
    pub sandbox_webhook_retry_ms: u64,
    /// `SANDBOX_LATE_AUTH_MS`: how long after the shopper's Approve (or
    /// right OTP) the late-authorisation test card's authorisation arrives
    /// (default [`crate::sandbox::LATE_AUTH_MS`]).
    pub sandbox_late_auth_ms: i64,
}

/// The longest overlap a rotation may configure: the old secret's end at
/// most this far ahead of the start (a forgotten old secret stays valid
/// no longer than this).
pub const MAX_ROTATION_OVERLAP_SECS: i64 = 30 * 86_400;

/// A time as Unix seconds, or as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub fn parse_instant(text: &str) -> Option<i64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().ok();
    }
    let b = t.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = t.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, mo, d, h, mi, sec) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let days = crate::sandbox::days_from_civil(y, mo, d);
    // 31 February and the like roll into the next month: refuse them.
    if crate::sandbox::year_month(days * 86_400) != (y as u32, mo as u32) {
        return None;
    }
    Some(days * 86_400 + h * 3600 + mi * 60 + sec)
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen_addr", &self.listen_addr)
            .field("sandbox_addr", &self.sandbox_addr)
            .field("gateway_base_url", &self.gateway_base_url)
            .field("key_id", &self.key_id)
            .field("key_secret", &"<redacted>")
            .field("account_id", &self.account_id)
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "webhook_secret_previous",
                &self
                    .webhook_secret_previous
                    .as_ref()
                    .map(|(_, until)| ("<redacted>", until)),
            )
            .field("session_secret", &"<redacted>")
            .field("sandbox_db", &self.sandbox_db)
            .field("demo_db", &self.demo_db)
            .field(
                "database_url",
                &self.database_url.as_ref().map(|_| "<redacted>"),
            )
            .field("public_url", &self.public_url)
            .field("trust_x_forwarded_for", &self.trust_x_forwarded_for)
            .field("www_dir", &self.www_dir)
            .field("pkg_dir", &self.pkg_dir)
            .field("sandbox_webhook_url", &self.sandbox_webhook_url)
            .field("access_log", &self.access_log)
            .field("checkout_timeout_ms", &self.checkout_timeout_ms)
            .field("gateway_timeout_ms", &self.gateway_timeout_ms)
            .field(
                "operator_secret",
                &self.operator_secret.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "sandbox_payment_expiry_secs",
                &self.sandbox_payment_expiry_secs,
            )
            .field("sandbox_webhook_retry_ms", &self.sandbox_webhook_retry_ms)
            .field("sandbox_late_auth_ms", &self.sandbox_late_auth_ms)
            .finish()
    }
}

/// The repository root: two levels above this crate's manifest, or the
/// current directory when the binary was moved elsewhere.
pub fn repo_root() -> PathBuf {
    let from_manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if from_manifest.join("Cargo.toml").is_file() {
        from_manifest.canonicalize().unwrap_or(from_manifest)
    } else {
        std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
    }
}

impl Config {
    /// Sandbox defaults: loopback ports 8080/8081, sandbox keys, files under
    /// `build/`, and a session secret and webhook secret made up now.
    pub fn sandbox_defaults() -> Config {
        let root = repo_root();
        Config {
            listen_addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            sandbox_addr: SocketAddr::from(([127, 0, 0, 1], 8081)),
            gateway_base_url: None,
            key_id: SANDBOX_KEY_ID.to_string(),
            key_secret: SANDBOX_KEY_SECRET.to_string(),
            account_id: None,
            webhook_secret: Some(random_secret()),
            session_secret: random_secret(),
            sandbox_db: root.join("build/sandbox.sqlite"),
            demo_db: root.join("build/demo.sqlite"),
            database_url: None,
            public_url: None,
            trust_x_forwarded_for: false,
            www_dir: root.join("www"),
            pkg_dir: root.join("pkg"),
            sandbox_webhook_url: None,
            access_log: true,
            checkout_timeout_ms: None,
            gateway_timeout_ms: 30_000,
            operator_secret: None,
            sandbox_payment_expiry_secs: crate::sandbox::PAYMENT_EXPIRY_SECS,
            webhook_secret_previous: None,
            sandbox_webhook_retry_ms: crate::sandbox::webhooks::RETRY_BASE_MS,
            sandbox_late_auth_ms: crate::sandbox::LATE_AUTH_MS,
        }
    }

    /// Reads the environment (see the crate docs for the variables).
    pub fn from_env() -> Result<Config, String> {
        Config::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Same as [`Config::from_env`] with an injectable lookup (for tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let mut c = Config::sandbox_defaults();
        let addr = |name: &str, default: SocketAddr| -> Result<SocketAddr, String> {
            match get(name) {
                Some(v) => v.parse().map_err(|_| {
                    format!("{name} must be an address like 127.0.0.1:8080, got {v:?}")
                }),
                None => Ok(default),
            }
        };
        c.listen_addr = addr("LISTEN_ADDR", c.listen_addr)?;
        c.sandbox_addr = addr("SANDBOX_ADDR", c.sandbox_addr)?;
        c.gateway_base_url = get("RAZORPAY_BASE_URL").map(|u| u.trim_end_matches('/').to_string());
        if let Some(base) = &c.gateway_base_url {
            let parsed = reqwest::Url::parse(base)
                .map_err(|_| format!("RAZORPAY_BASE_URL is not a URL: {base:?}"))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                return Err("RAZORPAY_BASE_URL must be an http(s) URL".into());
            }
            c.key_id = get("RAZORPAY_KEY_ID")
                .ok_or("RAZORPAY_KEY_ID is required when RAZORPAY_BASE_URL is set")?;
            c.key_secret = get("RAZORPAY_KEY_SECRET")
                .ok_or("RAZORPAY_KEY_SECRET is required when RAZORPAY_BASE_URL is set")?;
            c.webhook_secret = get("RAZORPAY_WEBHOOK_SECRET");
        } else {
            if let Some(k) = get("RAZORPAY_KEY_ID") {
                c.key_id = k;
            }
            if let Some(s) = get("RAZORPAY_KEY_SECRET") {
                c.key_secret = s;
            }
            if let Some(s) = get("RAZORPAY_WEBHOOK_SECRET") {
                c.webhook_secret = Some(s);
            }
        }
        c.account_id = get("RAZORPAY_ACCOUNT_ID");
        if let Some(s) = get("SESSION_SECRET") {
            if s.len() < 32 {
                return Err("SESSION_SECRET must be at least 32 characters".into());
            }
            c.session_secret = s;
        }
        if let Some(p) = get("SANDBOX_DB") {
            c.sandbox_db = PathBuf::from(p);
        }
        if let Some(p) = get("DEMO_DB") {
            c.demo_db = PathBuf::from(p);
        }
        if let Some(url) = get("DATABASE_URL") {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err("DATABASE_URL must be a postgres:// or postgresql:// URL".into());
            }
            c.database_url = Some(url);
        }
        c.public_url = get("PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string());
        c.trust_x_forwarded_for = matches!(
            get("TRUST_X_FORWARDED_FOR")
                .as_deref()
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("1" | "true" | "yes" | "on")
        );
        if let Some(p) = get("WWW_DIR") {
            c.www_dir = PathBuf::from(p);
        }
        if let Some(p) = get("PKG_DIR") {
            c.pkg_dir = PathBuf::from(p);
        }
        c.sandbox_webhook_url = get("SANDBOX_WEBHOOK_URL");
        c.access_log = !matches!(
            get("ACCESS_LOG").as_deref(),
            Some("0" | "false" | "off" | "no")
        );
        c.checkout_timeout_ms = match get("CHECKOUT_TIMEOUT_MS") {
            None => None,
            Some(v) => Some(
                v.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|ms| (1000..=600_000).contains(ms))
                    .ok_or_else(|| {
                        format!(
                            "CHECKOUT_TIMEOUT_MS must be 1000 to 600000 milliseconds, got {v:?}"
                        )
                    })?,
            ),
        };
        if let Some(v) = get("GATEWAY_TIMEOUT_MS") {
            c.gateway_timeout_ms = v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|ms| (100..=600_000).contains(ms))
                .ok_or_else(|| {
                    format!("GATEWAY_TIMEOUT_MS must be 100 to 600000 milliseconds, got {v:?}")
                })?;
        }
        c.operator_secret = match get("OPERATOR_SECRET") {
            Some(s) if s.len() < 16 => {
                return Err("OPERATOR_SECRET must be at least 16 characters".into())
            }
            other => other,
        };
        if let Some(v) = get("SANDBOX_PAYMENT_EXPIRY_SECS") {
            c.sandbox_payment_expiry_secs = v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|s| (1..=86_400).contains(s))
                .ok_or_else(|| {
                    format!("SANDBOX_PAYMENT_EXPIRY_SECS must be 1 to 86400 seconds, got {v:?}")
                })?;
        }
        if let Some(v) = get("SANDBOX_WEBHOOK_RETRY_MS") {
            c.sandbox_webhook_retry_ms = v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|ms| (1..=60_000).contains(ms))
                .ok_or_else(|| {
                    format!("SANDBOX_WEBHOOK_RETRY_MS must be 1 to 60000 milliseconds, got {v:?}")
                })?;
        }
        if let Some(v) = get("SANDBOX_LATE_AUTH_MS") {
            c.sandbox_late_auth_ms = v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|ms| (100..=86_400_000).contains(ms))
                .ok_or_else(|| {
                    format!("SANDBOX_LATE_AUTH_MS must be 100 to 86400000 milliseconds, got {v:?}")
                })?;
        }
        c.webhook_secret_previous = match (
            get("RAZORPAY_WEBHOOK_SECRET_PREVIOUS"),
            get("RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL"),
        ) {
            (None, None) => None,
            (Some(_), None) => {
                return Err("RAZORPAY_WEBHOOK_SECRET_PREVIOUS needs RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL (when the old secret stops being accepted)".into())
            }
            (None, Some(_)) => {
                return Err("RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL is set without RAZORPAY_WEBHOOK_SECRET_PREVIOUS".into())
            }
            (Some(secret), Some(until)) => {
                let at = parse_instant(&until).ok_or_else(|| {
                    format!("RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL must be Unix seconds or YYYY-MM-DDTHH:MM:SSZ, got {until:?}")
                })?;
                if at > crate::db::now_secs() + MAX_ROTATION_OVERLAP_SECS {
                    return Err("RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL may be at most 30 days ahead".into());
                }
                if c.webhook_secret.as_deref() == Some(secret.as_str()) {
                    return Err("RAZORPAY_WEBHOOK_SECRET_PREVIOUS is the same as RAZORPAY_WEBHOOK_SECRET".into());
                }
                Some((secret, at))
            }
        };
        Ok(c)
    }

    /// True when the in-process sandbox gateway is to be started.
    pub fn uses_sandbox(&self) -> bool {
        self.gateway_base_url.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn sandbox_by_default() {
        let c = Config::from_lookup(lookup(&[])).unwrap();
        assert!(c.uses_sandbox());
        assert_eq!(c.key_id, SANDBOX_KEY_ID);
        assert_eq!(c.listen_addr.port(), 8080);
        assert!(!c.trust_x_forwarded_for);
        assert_eq!(c.checkout_timeout_ms, None);
        assert_eq!(c.gateway_timeout_ms, 30_000);
        assert!(
            c.operator_secret.is_none(),
            "no operator route without a configured secret"
        );
        assert_eq!(
            c.sandbox_payment_expiry_secs,
            crate::sandbox::PAYMENT_EXPIRY_SECS
        );
    }

    #[test]
    fn gateway_timeout_operator_secret_and_expiry_window() {
        let c = Config::from_lookup(lookup(&[
            ("GATEWAY_TIMEOUT_MS", "500"),
            ("OPERATOR_SECRET", "operator-secret-0123456789"),
            ("SANDBOX_PAYMENT_EXPIRY_SECS", "2"),
        ]))
        .unwrap();
        assert_eq!(c.gateway_timeout_ms, 500);
        assert_eq!(c.sandbox_payment_expiry_secs, 2);
        assert!(!format!("{c:?}").contains("operator-secret"));
        for bad in [
            ("GATEWAY_TIMEOUT_MS", "5"),
            ("OPERATOR_SECRET", "short"),
            ("SANDBOX_PAYMENT_EXPIRY_SECS", "0"),
        ] {
            assert!(Config::from_lookup(lookup(&[bad])).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_rotation_names_the_old_secret_and_its_end() {
        let soon = crate::db::now_secs() + 86_400;
        let c = Config::from_lookup(lookup(&[
            ("RAZORPAY_WEBHOOK_SECRET", "new-webhook-secret"),
            ("RAZORPAY_WEBHOOK_SECRET_PREVIOUS", "old-webhook-secret"),
            ("RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL", &soon.to_string()),
            ("SANDBOX_WEBHOOK_RETRY_MS", "10"),
            ("SANDBOX_LATE_AUTH_MS", "1500"),
        ]))
        .unwrap();
        assert_eq!(
            c.webhook_secret_previous,
            Some(("old-webhook-secret".to_string(), soon))
        );
        assert_eq!(
            (c.sandbox_webhook_retry_ms, c.sandbox_late_auth_ms),
            (10, 1500)
        );
        assert!(!format!("{c:?}").contains("old-webhook-secret"));
        assert_eq!(parse_instant("2026-12-03T12:00:00Z"), Some(1_796_299_200));
        assert_eq!(parse_instant("1796299200"), Some(1_796_299_200));
        for bad in [
            "2026-02-30T00:00:00Z",
            "2026-12-03 12:00:00",
            "tomorrow",
            "2026-12-03T24:00:00Z",
            "",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
        let far = (crate::db::now_secs() + 31 * 86_400).to_string();
        for bad in [
            vec![("RAZORPAY_WEBHOOK_SECRET_PREVIOUS", "old")],
            vec![("RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL", "1796299200")],
            vec![
                ("RAZORPAY_WEBHOOK_SECRET_PREVIOUS", "old"),
                ("RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL", "soon"),
            ],
            vec![
                ("RAZORPAY_WEBHOOK_SECRET_PREVIOUS", "old"),
                ("RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL", far.as_str()),
            ],
            vec![
                ("RAZORPAY_WEBHOOK_SECRET", "same"),
                ("RAZORPAY_WEBHOOK_SECRET_PREVIOUS", "same"),
                ("RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL", "1796299200"),
            ],
            vec![("SANDBOX_WEBHOOK_RETRY_MS", "0")],
            vec![("SANDBOX_LATE_AUTH_MS", "5")],
        ] {
            assert!(Config::from_lookup(lookup(&bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_page_timeout_is_explicit() {
        let c = Config::from_lookup(lookup(&[("CHECKOUT_TIMEOUT_MS", "3000")])).unwrap();
        assert_eq!(c.checkout_timeout_ms, Some(3000));
        assert!(Config::from_lookup(lookup(&[("CHECKOUT_TIMEOUT_MS", "5")])).is_err());
        assert!(Config::from_lookup(lookup(&[("CHECKOUT_TIMEOUT_MS", "soon")])).is_err());
    }

    #[test]
    fn real_gateway_needs_keys() {
        assert!(
            Config::from_lookup(lookup(&[("RAZORPAY_BASE_URL", "https://api.razorpay.com")]))
                .is_err()
        );
        let c = Config::from_lookup(lookup(&[
            ("RAZORPAY_BASE_URL", "https://api.razorpay.com/"),
            ("RAZORPAY_KEY_ID", "rzp_test_x"),
            ("RAZORPAY_KEY_SECRET", "s3cret"),
            ("TRUST_X_FORWARDED_FOR", "true"),
        ]))
        .unwrap();
        assert_eq!(
            c.gateway_base_url.as_deref(),
            Some("https://api.razorpay.com")
        );
        assert!(c.trust_x_forwarded_for);
        assert!(c.webhook_secret.is_none());
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[test]
    fn secrets_are_made_up_per_start_unless_configured() {
        let a = Config::from_lookup(lookup(&[])).unwrap();
        let b = Config::from_lookup(lookup(&[])).unwrap();
        assert_ne!(a.session_secret, b.session_secret);
        assert_ne!(a.webhook_secret, b.webhook_secret);
        // The constant the sandbox used to sign webhooks with.
        assert_ne!(
            a.webhook_secret.as_deref(),
            Some("sandbox_webhook_secret_00000000")
        );
        assert!(a.session_secret.len() >= 32 && a.operator_secret.is_none());
        let s = "s".repeat(40);
        let t = "t".repeat(40);
        let c = Config::from_lookup(lookup(&[("SESSION_SECRET", &s), ("OPERATOR_SECRET", &t)]))
            .unwrap();
        assert_eq!(
            (c.session_secret.as_str(), c.operator_secret.as_deref()),
            (s.as_str(), Some(t.as_str()))
        );
        assert!(!format!("{c:?}").contains(&s) && !format!("{c:?}").contains(&t));
        assert!(Config::from_lookup(lookup(&[("SESSION_SECRET", "short")])).is_err());
        assert!(Config::from_lookup(lookup(&[("OPERATOR_SECRET", "short")])).is_err());
    }
}
