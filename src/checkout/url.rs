//! Next-action URL safety.
//!
//! A `payment_workflow.next[].url` is where the shopper's browser is sent
//! (or fetches from), so it must be `https:` on one of Razorpay's hosts and
//! nothing a lenient URL parser could read differently: no user info, no
//! backslashes, no whitespace or control characters, no percent-encoded or
//! non-ASCII host. The parser here is deliberately small and strict; what
//! it cannot read, it refuses.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::error::{concat, Error, ErrorKind};

/// The longest URL accepted.
pub const MAX_URL_LEN: usize = 8192;

/// The gateway's hosts: where a next-action URL may point by default, and
/// where the merchant's endpoint must never point.
pub const DEFAULT_HOSTS: [&str; 2] = ["api.razorpay.com", "api.curlec.com"];

/// Where next-action URLs may point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlPolicy {
    /// Allowed hosts, compared case-insensitively. An entry may carry a
    /// port (`127.0.0.1:8081`): then host and port must both match. An
    /// entry without a port matches the scheme's default port only.
    pub allowed_hosts: Vec<String>,
    /// Allow `http:` for loopback hosts (`127.0.0.0/8`, `localhost`,
    /// `[::1]`) that are also in `allowed_hosts`: for local test servers.
    pub allow_loopback_http: bool,
}

impl Default for UrlPolicy {
    /// `api.razorpay.com` and `api.curlec.com`, `https:` only.
    fn default() -> UrlPolicy {
        UrlPolicy {
            allowed_hosts: DEFAULT_HOSTS.iter().map(|h| (*h).to_owned()).collect(),
            allow_loopback_http: false,
        }
    }
}

/// A URL that passed [`check_next_url`]. The only way to make one, so a
/// value of this type is proof of the check.
#[derive(Clone, PartialEq, Eq)]
pub struct CheckedUrl {
    url: String,
    host: String,
    port: Option<u16>,
    https: bool,
}

impl CheckedUrl {
    /// The URL exactly as given.
    pub fn as_str(&self) -> &str {
        &self.url
    }
    /// The host, lower-case (`api.razorpay.com`, `[::1]`).
    pub fn host(&self) -> &str {
        &self.host
    }
    /// The port, when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }
    /// True for `https:`.
    pub fn is_https(&self) -> bool {
        self.https
    }
    /// The URL as a `String`.
    pub fn into_string(self) -> String {
        self.url
    }
}

impl fmt::Debug for CheckedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CheckedUrl").field(&self.url).finish()
    }
}

impl fmt::Display for CheckedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

impl AsRef<str> for CheckedUrl {
    fn as_ref(&self) -> &str {
        &self.url
    }
}

impl Serialize for CheckedUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.url)
    }
}

/// The pieces of an absolute `http(s)://host[:port]…` URL.
struct Parts<'a> {
    https: bool,
    /// As written (not lower-cased).
    host: &'a str,
    /// The explicit port, `None` when absent or equal to the default.
    port: Option<u16>,
}

impl Parts<'_> {
    fn default_port(&self) -> u16 {
        if self.https {
            443
        } else {
            80
        }
    }
}

/// Why a URL could not be read (the end of "The … URL …").
type Refusal = &'static str;

fn parse(url: &str) -> Result<Parts<'_>, Refusal> {
    if url.is_empty() {
        return Err("is empty");
    }
    if url.len() > MAX_URL_LEN {
        return Err("is too long");
    }
    for c in url.chars() {
        if c.is_whitespace() || c.is_control() {
            return Err("contains whitespace or control characters");
        }
        if c == '\\' {
            return Err("contains a backslash");
        }
        if !c.is_ascii() {
            return Err("contains non-ASCII characters");
        }
    }
    let (scheme, rest) = match url.split_once(':') {
        Some((s, r))
            if !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) =>
        {
            (s, r)
        }
        _ => return Err("is not absolute"),
    };
    let https = if scheme.eq_ignore_ascii_case("https") {
        true
    } else if scheme.eq_ignore_ascii_case("http") {
        false
    } else {
        return Err("must use https");
    };
    let Some(rest) = rest.strip_prefix("//") else {
        return Err("is not absolute");
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, _) = rest.split_at(end);
    if authority.contains('@') {
        return Err(USER_INFO);
    }
    if authority.is_empty() {
        return Err("has no host");
    }
    if authority.contains('%') {
        return Err("must not percent-encode its host");
    }
    let (host, port) = split_host_port(authority).ok_or("has an invalid host or port")?;
    let mut parts = Parts {
        https,
        host,
        port: None,
    };
    if let Some(p) = port {
        if p != parts.default_port() {
            parts.port = Some(p);
        }
    }
    Ok(parts)
}

/// `host` or `host:port`, `[v6]` or `[v6]:port`. The port must be 1–65535.
fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (host, after) = authority.split_at(close + 1);
        let inner = host.trim_start_matches('[').trim_end_matches(']');
        if inner.is_empty()
            || !inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return None;
        }
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            return None;
        }
        (host, port)
    };
    let port = match port {
        None => None,
        Some(p) => Some(parse_port(p)?),
    };
    Some((host, port))
}

fn parse_port(p: &str) -> Option<u16> {
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = p
        .bytes()
        .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
    u16::try_from(n).ok().filter(|&n| n != 0)
}

/// `localhost`, `[::1]` or a dotted-quad `127.x.y.z` (host lower-case).
pub fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    let mut octets = 0;
    for part in host.split('.') {
        let ok = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && part
                .bytes()
                .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'))
                <= 255;
        if !ok || (octets == 0 && part != "127") {
            return false;
        }
        octets += 1;
    }
    octets == 4
}

/// An entry's lower-case host and port.
fn entry_parts(entry: &str) -> Option<(String, Option<u16>)> {
    let entry = entry.trim().to_ascii_lowercase();
    let (host, port) = split_host_port(&entry)?;
    Some((host.to_owned(), port))
}

/// Does policy entry `entry` allow `host` (lower-case) on `parts`' port?
fn entry_allows(entry: &str, host: &str, parts: &Parts<'_>) -> bool {
    let Some((entry_host, entry_port)) = entry_parts(entry) else {
        return false;
    };
    if entry_host != host {
        return false;
    }
    match entry_port {
        None => parts.port.is_none(),
        Some(p) => p == parts.port.unwrap_or(parts.default_port()),
    }
}

fn unsafe_url(why: &str) -> Error {
    Error::new(ErrorKind::UnsafeUrl, concat(&["The next-action URL ", why]))
}

/// Checks a next-action URL against `policy`.
///
/// The scheme must be `https` (any case), or `http` only for a loopback
/// host when `policy.allow_loopback_http`; the host (compared lower-case)
/// must be an allowed entry on the right port.
///
/// # Errors
/// [`ErrorKind::UnsafeUrl`], saying why without quoting the URL:
/// relative URLs, `javascript:`/`data:` and other schemes, user info (`@`),
/// backslashes, whitespace or control characters anywhere, non-ASCII
/// characters, `%` in the host, an empty host, a bad port, or a host that
/// is not allowed.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::checkout::{check_next_url, UrlPolicy};
/// use razorpay_checkout_wasm::ErrorKind;
/// let policy = UrlPolicy::default();
/// let ok = check_next_url("https://api.razorpay.com/v1/payments/pay_X/authorize", &policy).unwrap();
/// assert_eq!(ok.host(), "api.razorpay.com");
/// let e = check_next_url("https://api.razorpay.com.evil.com/", &policy).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::UnsafeUrl);
/// ```
pub fn check_next_url(url: &str, policy: &UrlPolicy) -> Result<CheckedUrl, Error> {
    let parts = parse(url).map_err(unsafe_url)?;
    let host = parts.host.to_ascii_lowercase();
    // On loopback (a local test gateway) the error names the option to set,
    // and the allowedHosts entry with its port: the page's merchant reads it.
    let loopback = is_loopback(&host);
    if !(parts.https || (policy.allow_loopback_http && loopback)) {
        return Err(unsafe_url(if loopback {
            "uses http on a loopback host: for a local test gateway, set allowLoopbackHttp: true"
        } else {
            "must use https"
        }));
    }
    if !policy
        .allowed_hosts
        .iter()
        .any(|e| entry_allows(e, &host, &parts))
    {
        let known_host = policy
            .allowed_hosts
            .iter()
            .any(|e| entry_parts(e).is_some_and(|(h, _)| h == host));
        let hint = if loopback {
            concat(&[
                ": add \"",
                &host,
                ":",
                &crate::value::int_text(i64::from(parts.port.unwrap_or(parts.default_port()))),
                "\" to allowedHosts",
            ])
        } else {
            String::new()
        };
        let description = if known_host {
            concat(&[
                "The next-action URL points to ",
                &host,
                " on a port that is not allowed",
                &hint,
            ])
        } else if host.len() <= 253 {
            concat(&[
                "The next-action URL points to ",
                &host,
                ", which is not an allowed host",
                &hint,
            ])
        } else {
            "The next-action URL points to a host that is not allowed".to_owned()
        };
        return Err(Error::new(ErrorKind::UnsafeUrl, description));
    }
    Ok(CheckedUrl {
        url: url.to_owned(),
        host,
        port: parts.port,
        https: parts.https,
    })
}

/// The `USER_INFO` refusal of [`parse`].
const USER_INFO: Refusal = "must not carry a user name or password";

/// Checks the merchant's endpoint (`endpoint`, `otpEndpoint`): `text` as
/// given, and `resolved`, the absolute URL the browser resolved it to
/// against the page (`new URL(text, location.href)` without its fragment;
/// `None` when it is no URL). The endpoint must be the merchant's own
/// server over `https:` (plain `http:` only on a loopback host), with no
/// credentials in it, never a gateway host ([`DEFAULT_HOSTS`]) or a host
/// next-action URLs may point to (`policy.allowed_hosts`, but loopback:
/// a local test server may be both). Answers the URL to post to.
///
/// # Errors
/// [`ErrorKind::InvalidConfiguration`] on `field`, source `business`: a
/// blank text (it would post to the page itself), no URL, another scheme,
/// credentials, or a gateway host.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::checkout::{check_endpoint, UrlPolicy};
/// let p = UrlPolicy::default();
/// let ok = check_endpoint("/api/checkout", Some("https://shop.example/api/checkout"), "endpoint", &p);
/// assert_eq!(ok.unwrap(), "https://shop.example/api/checkout");
/// let e = check_endpoint("https://api.razorpay.com/v1/orders", Some("https://api.razorpay.com/v1/orders"), "endpoint", &p);
/// assert_eq!(e.unwrap_err().field(), Some("endpoint"));
/// ```
pub fn check_endpoint(
    text: &str,
    resolved: Option<&str>,
    field: &'static str,
    policy: &UrlPolicy,
) -> Result<String, Error> {
    let refuse = |description: &'static str| {
        Error::invalid(ErrorKind::InvalidConfiguration, field, description).with_source("business")
    };
    super::options::check_endpoint_text(text, field)?;
    let href = resolved.ok_or_else(|| refuse("The endpoint is not a valid URL"))?;
    let parts = parse(href).map_err(|why| match why {
        USER_INFO => refuse("The endpoint must not carry credentials"),
        "must use https" => refuse("The endpoint must use https: (http: only on loopback)"),
        _ => refuse("The endpoint is not a valid URL"),
    })?;
    // `api.razorpay.com.` (a trailing dot) is the same host.
    let host = parts.host.to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    let loopback = is_loopback(host);
    if !(parts.https || loopback) {
        return Err(refuse(
            "The endpoint must use https: (http: only on loopback)",
        ));
    }
    let next_action_host =
        |entry: &String| entry_parts(entry).is_some_and(|(h, _)| h.trim_end_matches('.') == host);
    if DEFAULT_HOSTS.contains(&host)
        || (!loopback && policy.allowed_hosts.iter().any(next_action_host))
    {
        return Err(refuse(
            "The endpoint must be the merchant's own server, never the gateway",
        ));
    }
    Ok(href.to_owned())
}

/// Checks a page URL the merchant or browser supplies (`referer`,
/// `callback_url`): absolute `http:` or `https:` on any host, read by the
/// same strict parser.
///
/// # Errors
/// [`ErrorKind::InvalidFormat`] on `field`, source `business`.
pub(crate) fn check_page_url(url: &str, field: &'static str, leaf: &str) -> Result<(), Error> {
    parse(url).map(|_| ()).map_err(|why| {
        Error::invalid(
            ErrorKind::InvalidFormat,
            field,
            concat(&[
                "The ",
                leaf,
                " must be an absolute http or https URL: it ",
                why,
            ]),
        )
        .with_source("business")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_policy_table() {
        let tester = UrlPolicy {
            allowed_hosts: vec![
                "api.razorpay.com".into(),
                "gateway.test:8443".into(),
                "127.0.0.1:8081".into(),
            ],
            allow_loopback_http: true,
        };
        // (text, as the browser resolved it, policy, accepted, or the description's start)
        let d = UrlPolicy::default();
        for (text, resolved, policy, want) in [
            (
                "/api/checkout",
                Some("https://shop.example/api/checkout"),
                &d,
                Ok(()),
            ),
            (
                "https://shop.example/pay?x=1",
                Some("https://shop.example/pay?x=1"),
                &d,
                Ok(()),
            ),
            (
                "https://[2001:db8::1]:8443/pay",
                Some("https://[2001:db8::1]:8443/pay"),
                &d,
                Ok(()),
            ),
            (
                "http://127.0.0.1:8080/api",
                Some("http://127.0.0.1:8080/api"),
                &d,
                Ok(()),
            ),
            (
                "http://localhost/api",
                Some("http://localhost/api"),
                &d,
                Ok(()),
            ),
            (
                "http://[::1]:3000/api",
                Some("http://[::1]:3000/api"),
                &d,
                Ok(()),
            ),
            // A loopback test server may be both the merchant and the gateway.
            (
                "http://127.0.0.1:8081/api",
                Some("http://127.0.0.1:8081/api"),
                &tester,
                Ok(()),
            ),
            ("", None, &d, Err("The endpoint must not be empty")),
            (" ", None, &d, Err("The endpoint must not be empty")),
            ("http://[", None, &d, Err("The endpoint is not a valid URL")),
            (
                "http://merchant.example/api",
                Some("http://merchant.example/api"),
                &d,
                Err("The endpoint must use https:"),
            ),
            (
                "http://127.merchant.example/",
                Some("http://127.merchant.example/"),
                &d,
                Err("The endpoint must use https:"),
            ),
            (
                "javascript:alert(1)",
                Some("javascript:alert(1)"),
                &d,
                Err("The endpoint must use https:"),
            ),
            (
                "data:text/plain,x",
                Some("data:text/plain,x"),
                &d,
                Err("The endpoint must use https:"),
            ),
            (
                "ftp://shop.example/",
                Some("ftp://shop.example/"),
                &d,
                Err("The endpoint must use https:"),
            ),
            (
                "https://user:pw@shop.example/x",
                Some("https://user:pw@shop.example/x"),
                &d,
                Err("The endpoint must not carry credentials"),
            ),
            (
                "https://:pw@shop.example/x",
                Some("https://:pw@shop.example/x"),
                &d,
                Err("The endpoint must not carry credentials"),
            ),
            (
                "https://api.razorpay.com/v1/orders",
                Some("https://api.razorpay.com/v1/orders"),
                &d,
                Err("The endpoint must be the merchant's own server"),
            ),
            (
                "https://API.Razorpay.com./v1",
                Some("https://api.razorpay.com./v1"),
                &d,
                Err("The endpoint must be the merchant's own server"),
            ),
            (
                "https://api.curlec.com/v1/orders",
                Some("https://api.curlec.com/v1/orders"),
                &d,
                Err("The endpoint must be the merchant's own server"),
            ),
            // A host next-action URLs may point to, on any port.
            (
                "https://gateway.test/api",
                Some("https://gateway.test/api"),
                &tester,
                Err("The endpoint must be the merchant's own server"),
            ),
            (
                "https://gateway.test:8443/",
                Some("https://gateway.test:8443/"),
                &tester,
                Err("The endpoint must be the merchant's own server"),
            ),
        ] {
            let got = check_endpoint(text, resolved, "otpEndpoint", policy);
            match (&got, want) {
                (Ok(url), Ok(())) => assert_eq!(Some(url.as_str()), resolved, "{text:?}"),
                (Err(e), Err(start)) => {
                    assert_eq!(
                        (e.kind(), e.field(), e.error_source()),
                        (
                            ErrorKind::InvalidConfiguration,
                            Some("otpEndpoint"),
                            "business"
                        ),
                        "{text:?}"
                    );
                    let description = e.description().replace("otpEndpoint", "endpoint");
                    assert!(description.starts_with(start), "{text:?}: {description}");
                }
                _ => panic!("{text:?}: {got:?}"),
            }
        }
    }

    fn local(allow_http: bool) -> UrlPolicy {
        UrlPolicy {
            allowed_hosts: vec![
                "api.razorpay.com".into(),
                "127.0.0.1:8081".into(),
                "LOCALHOST:3000".into(),
                "[::1]:9000".into(),
                "api.curlec.com:8443".into(),
            ],
            allow_loopback_http: allow_http,
        }
    }

    #[test]
    fn default_policy_table() {
        let p = UrlPolicy::default();
        let table: &[(&str, bool)] = &[
            ("https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/authorize", true),
            ("https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp_generate?track_id=FVmAtLUe9XZSGM&key_id=<YOUR_KEY_ID>", true),
            ("HTTPS://API.RAZORPAY.COM/x", true),
            ("https://Api.Razorpay.Com", true),
            ("https://api.razorpay.com?x=1", true),
            ("https://api.razorpay.com#f", true),
            ("https://api.razorpay.com:443/v1", true),
            ("https://api.curlec.com/v1/payments/pay_1/authorize", true),
            // Foreign and look-alike hosts.
            ("https://api.razorpay.com.evil.com/", false),
            ("https://evil.com/api.razorpay.com", false),
            ("https://evilapi.razorpay.com/", false),
            ("https://razorpay.com/", false),
            ("https://api.razorpay.com./", false),
            ("https://xn--pi-razorpay-xyz.com/", false),
            // User info and parser confusion.
            ("https://api.razorpay.com@evil.com/", false),
            ("https://user:pw@api.razorpay.com/", false),
            ("https://evil.com\\@api.razorpay.com", false),
            ("https://api.razorpay.com\\.evil.com/", false),
            ("https:\\\\api.razorpay.com/", false),
            ("https://api.razorpay.com%2eevil.com/", false),
            ("https://api%2Erazorpay.com/", false),
            ("https://api.razorpay.com:/", false),
            ("https://api.razorpay.com:0/", false),
            ("https://api.razorpay.com:99999/", false),
            ("https://api.razorpay.com:444/", false),
            ("https://api.razorpay.com:443:443/", false),
            ("https://api.razorpay.com:abc/", false),
            ("https://api.razоrpay.com/", false), // Cyrillic о
            ("https:///api.razorpay.com/", false),
            ("https://", false),
            ("https:/api.razorpay.com/", false),
            ("https:api.razorpay.com/", false),
            ("https://[::1]/", false),
            ("https://[/", false),
            // Whitespace and control characters anywhere.
            (" https://api.razorpay.com/", false),
            ("https://api.razorpay.com/ ", false),
            ("https://api.razorpay.com/\tx", false),
            ("https://api.razorpay.com/\nx", false),
            ("https://api.razorpay.com/\u{0}", false),
            ("https://api.razorpay.com/\u{a0}", false),
            ("https://api.razorpay.com/\u{2028}", false),
            ("java\nscript:alert(1)", false),
            // Other schemes and relative URLs.
            ("http://api.razorpay.com/", false),
            ("HTTP://api.razorpay.com/", false),
            ("javascript:alert(1)", false),
            (" javascript:alert(1)", false),
            ("JavaScript://api.razorpay.com/%0aalert(1)", false),
            ("data:text/html,<script>alert(1)</script>", false),
            ("data:text/html;base64,PHNjcmlwdD4=", false),
            ("vbscript:msgbox(1)", false),
            ("blob:https://api.razorpay.com/uuid", false),
            ("ftp://api.razorpay.com/", false),
            ("wss://api.razorpay.com/", false),
            ("/v1/payments/pay_1/authorize", false),
            ("//evil.com/", false),
            ("//api.razorpay.com/", false),
            ("v1/payments", false),
            ("?x=https://api.razorpay.com", false),
            ("#https://api.razorpay.com", false),
            ("", false),
            (":", false),
            // Loopback needs an allowed entry (and http an opt-in).
            ("http://127.0.0.1:8081/", false),
            ("https://127.0.0.1:8081/", false),
            ("http://localhost/", false),
        ];
        for (url, ok) in table {
            let got = check_next_url(url, &p);
            assert_eq!(got.is_ok(), *ok, "{url:?}: {got:?}");
            if let Err(e) = got {
                assert_eq!(e.kind(), ErrorKind::UnsafeUrl);
                assert!(
                    e.description().starts_with("The next-action URL "),
                    "{}",
                    e.description()
                );
                if url.len() > 12 {
                    assert!(
                        !e.description().contains(url),
                        "quotes the URL: {}",
                        e.description()
                    );
                }
                assert_eq!(e.code(), "SERVER_ERROR");
                assert_eq!(e.reason(), "unsafe_next_action_url");
            }
        }
        let long = concat(&["https://api.razorpay.com/", &"a".repeat(MAX_URL_LEN)]);
        assert!(check_next_url(&long, &p).is_err());
    }

    #[test]
    fn loopback_and_ports_table() {
        let table: &[(&str, bool, bool)] = &[
            // (url, ok without loopback http, ok with)
            ("http://127.0.0.1:8081/v1/pay", false, true),
            ("https://127.0.0.1:8081/v1/pay", true, true),
            ("http://127.0.0.1/", false, false),
            ("http://127.0.0.1:8082/", false, false),
            ("http://127.0.0.2:8081/", false, false),
            ("http://127.1:8081/", false, false),
            ("http://localhost:3000/", false, true),
            ("http://LocalHost:3000/", false, true),
            ("http://localhost:3001/", false, false),
            ("http://[::1]:9000/", false, true),
            ("http://[0:0:0:0:0:0:0:1]:9000/", false, false),
            ("http://api.razorpay.com/", false, false),
            ("https://api.curlec.com:8443/x", true, true),
            ("https://api.curlec.com/x", false, false),
            ("http://evil.com:8081/", false, false),
            ("http://127.0.0.1.evil.com:8081/", false, false),
            ("http://127.0.0.1:8081@evil.com/", false, false),
        ];
        for (url, strict, lax) in table {
            assert_eq!(
                check_next_url(url, &local(false)).is_ok(),
                *strict,
                "strict {url}"
            );
            assert_eq!(check_next_url(url, &local(true)).is_ok(), *lax, "lax {url}");
        }
        let ok = check_next_url("http://127.0.0.1:8081/v1", &local(true)).unwrap();
        assert_eq!(
            (ok.host(), ok.port(), ok.is_https()),
            ("127.0.0.1", Some(8081), false)
        );
        assert_eq!(
            serde_json::to_string(&ok).unwrap(),
            "\"http://127.0.0.1:8081/v1\""
        );
        // An entry naming the default port explicitly matches the bare host.
        let p = UrlPolicy {
            allowed_hosts: vec!["api.razorpay.com:443".into()],
            allow_loopback_http: false,
        };
        assert!(check_next_url("https://api.razorpay.com/", &p).is_ok());
        assert!(check_next_url("https://api.razorpay.com:8443/", &p).is_err());
        // Loopback http on a host that is not loopback stays refused.
        let p = UrlPolicy {
            allowed_hosts: vec!["shop.local:8081".into()],
            allow_loopback_http: true,
        };
        assert!(check_next_url("http://shop.local:8081/", &p).is_err());
        assert!(check_next_url("https://shop.local:8081/", &p).is_ok());
    }

    #[test]
    fn loopback_detection() {
        let table = [
            ("127.0.0.1", true),
            ("127.255.255.254", true),
            ("127.000.0.1", true),
            ("localhost", true),
            ("[::1]", true),
            ("127.0.0.256", false),
            ("127.0.0", false),
            ("127.0.0.1.1", false),
            ("128.0.0.1", false),
            ("127..0.1", false),
            ("127.0.0.1a", false),
            ("localhost.evil.com", false),
        ];
        for (host, want) in table {
            assert_eq!(is_loopback(host), want, "{host}");
        }
    }

    #[test]
    fn messages_say_why() {
        let p = UrlPolicy::default();
        let why = |u: &str| check_next_url(u, &p).unwrap_err().description().to_owned();
        assert_eq!(
            why("javascript:alert(1)"),
            "The next-action URL must use https"
        );
        assert_eq!(why("/v1/x"), "The next-action URL is not absolute");
        assert_eq!(
            why("https://a@b/"),
            "The next-action URL must not carry a user name or password"
        );
        assert_eq!(
            why("https://evil.com/"),
            "The next-action URL points to evil.com, which is not an allowed host"
        );
        assert_eq!(
            why("https://api.razorpay.com:444/"),
            "The next-action URL points to api.razorpay.com on a port that is not allowed"
        );
        assert_eq!(
            why("https://a.com/ x"),
            "The next-action URL contains whitespace or control characters"
        );
    }

    #[test]
    fn on_loopback_the_message_names_the_option_to_set() {
        let policy = |hosts: &[&str], http: bool| UrlPolicy {
            allowed_hosts: hosts.iter().map(|h| (*h).to_owned()).collect(),
            allow_loopback_http: http,
        };
        let why =
            |u: &str, p: &UrlPolicy| check_next_url(u, p).unwrap_err().description().to_owned();
        let table: &[(&str, &[&str], bool, &str)] = &[
            ("http://127.0.0.1:8081/v1/x", &["127.0.0.1:8081"], false,
                "The next-action URL uses http on a loopback host: for a local test gateway, set allowLoopbackHttp: true"),
            // (Then, with allowLoopbackHttp set, the next row's error.)
            ("http://127.0.0.1:8081/v1/x", &["127.0.0.1"], false,
                "The next-action URL uses http on a loopback host: for a local test gateway, set allowLoopbackHttp: true"),
            ("http://127.0.0.1:8081/v1/x", &["127.0.0.1"], true,
                "The next-action URL points to 127.0.0.1 on a port that is not allowed: add \"127.0.0.1:8081\" to allowedHosts"),
            ("http://localhost:3000/", &["api.razorpay.com"], true,
                "The next-action URL points to localhost, which is not an allowed host: add \"localhost:3000\" to allowedHosts"),
            ("https://[::1]/", &[], false,
                "The next-action URL points to [::1], which is not an allowed host: add \"[::1]:443\" to allowedHosts"),
            // Elsewhere, no hint that would have a page allow a stranger's host.
            ("http://evil.com/", &["127.0.0.1:8081"], true, "The next-action URL must use https"),
            ("https://evil.com:8081/", &["127.0.0.1:8081"], true, "The next-action URL points to evil.com, which is not an allowed host"),
        ];
        for (url, hosts, http, want) in table {
            assert_eq!(
                why(url, &policy(hosts, *http)),
                *want,
                "{url} {hosts:?} {http}"
            );
        }
    }

    /// xorshift64*: a deterministic search for inputs that panic or slip through.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn random_urls_never_panic_and_never_slip_through() {
        const PIECES: &[&str] = &[
            "https://",
            "http://",
            "HTTPS://",
            "//",
            "/",
            "\\",
            "@",
            ":",
            ":443",
            ":8081",
            ":0",
            ":99999",
            "[",
            "]",
            "[::1]",
            "api.razorpay.com",
            "API.razorpay.COM",
            "api.curlec.com",
            "127.0.0.1",
            "localhost",
            "evil.com",
            ".",
            "%2e",
            "%",
            "?",
            "#",
            "javascript:",
            "data:",
            " ",
            "\t",
            "\n",
            "\u{0}",
            "\u{a0}",
            "é",
            "оr",
            "x",
            "v1/payments",
            "-",
            "_",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let policies = [UrlPolicy::default(), local(true), local(false)];
        let mut accepted = 0;
        for _ in 0..20_000 {
            let n = 1 + rng.below(8);
            let url: String = (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect();
            for policy in &policies {
                if let Ok(ok) = check_next_url(&url, policy) {
                    accepted += 1;
                    let lower = url.to_ascii_lowercase();
                    assert!(
                        lower.starts_with("https://") || lower.starts_with("http://"),
                        "{url:?}"
                    );
                    assert!(
                        ok.is_https() || (policy.allow_loopback_http && is_loopback(ok.host())),
                        "{url:?}"
                    );
                    assert!(
                        !url.chars().any(|c| c.is_whitespace()
                            || c.is_control()
                            || c == '\\'
                            || !c.is_ascii()),
                        "{url:?}"
                    );
                    let rest = url.split_once("//").map_or("", |(_, r)| r);
                    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
                    assert!(
                        !authority.contains('@') && !authority.contains('%'),
                        "{url:?}"
                    );
                    assert!(
                        policy
                            .allowed_hosts
                            .iter()
                            .any(|e| entry_parts(e).is_some_and(|(h, _)| h == ok.host())),
                        "{url:?}"
                    );
                }
                let _ = check_page_url(&url, "payment.referer", "referer");
            }
        }
        assert!(accepted > 0, "the search reaches accepted URLs too");
    }

    #[test]
    fn page_urls() {
        for ok in [
            "https://merchansite.com/example/paybill",
            "http://localhost:8080/checkout?x=1",
            "HTTP://SHOP.EXAMPLE",
        ] {
            assert!(
                check_page_url(ok, "payment.referer", "referer").is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "",
            "file:///tmp/x.html",
            "/pay",
            "https://a b/",
            "javascript:x",
            "https://u@shop/",
        ] {
            let e = check_page_url(bad, "payment.referer", "referer").unwrap_err();
            assert_eq!(
                (e.kind(), e.field(), e.error_source()),
                (
                    ErrorKind::InvalidFormat,
                    Some("payment.referer"),
                    "business"
                )
            );
        }
    }
}
