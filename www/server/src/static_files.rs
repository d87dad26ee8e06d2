//! Static files: `www/` at `/`, the built npm package `pkg/` at `/pkg/`,
//! served by tower-http's [`ServeDir`] (GET and HEAD, `Last-Modified` /
//! `If-Modified-Since`, ranges, `index.html` for a directory, no listing)
//! with the page headers added as tower layers.
//!
//! What `ServeDir` does not decide is decided here, before it runs
//! (`resolve`) or on its answer (`page_headers`):
//!
//! - no hidden file (`.env`, `.git/`), no `www/server/` (this crate's
//!   source), no backslash, NUL or `:` in a segment, after percent-decoding
//!   (`ServeDir` refuses `..` itself; so does `resolve`);
//! - no file reached through a symbolic link that leads out of its root;
//! - one Content-Type table ([`mime_type`]): `.wasm` is `application/wasm`
//!   so `WebAssembly.instantiateStreaming` works, scripts and pages carry
//!   `charset=utf-8`, `integrity.json` and source maps `application/json`,
//!   `.d.ts` plain text (mime_guess would say `video/mp2t`);
//! - the page's Content-Security-Policy ([`csp`], per request: its
//!   `connect-src` names the origin the page was requested at), and on
//!   every answer `X-Content-Type-Options: nosniff`, `Cache-Control:
//!   no-cache` (revalidated each time: a rebuilt package is never stale)
//!   and `Referrer-Policy: strict-origin-when-cross-origin`;
//! - a 404 as plain text, the same for a missing file and a refused path.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

/// The MIME type for a file name.
pub fn mime_type(path: &Path) -> &'static str {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let ext = name.rsplit('.').next().unwrap_or_default();
    match ext {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" | "md" | "ts" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Percent-decodes a URL path; `None` when malformed or not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let v = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            out.push(v);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Maps a URL path (below the mount point) to a file under `root`, or
/// `None` when it may not be served: a segment that is hidden (`.env`, and
/// with it `..`), holds a backslash, NUL or `:`, a first segment in
/// `deny_first`, or a path that does not decode.
pub fn resolve(root: &Path, url_path: &str, deny_first: &[&str]) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut path = root.to_path_buf();
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments
        .first()
        .is_some_and(|first| deny_first.contains(first))
    {
        return None;
    }
    for seg in &segments {
        if seg.starts_with('.') || seg.contains('\\') || seg.contains('\0') || seg.contains(':') {
            return None;
        }
        path.push(seg);
    }
    Some(path)
}

/// The demo pages' Content-Security-Policy, the narrowest they work under
/// (README.md, "Content-Security-Policy", says why each source is there):
/// nothing by default; scripts only from this origin (plus
/// `'wasm-unsafe-eval'` to compile the module), no inline script or style;
/// the stylesheet and favicon from this origin; no `<base>`, no framing;
/// Trusted Types enforced with no policy (the pages and the package write
/// no HTML or script URL). [`csp`] adds `connect-src` and `form-action`.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self'; base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

/// The modules' `.wasm`s, the files under `/pkg/` the pages fetch (the
/// rest are scripts): the main entry's, and the card entry's (the card
/// fields' binding).
const WASM_PATHS: [&str; 2] = [
    "/pkg/razorpay_checkout_wasm_bg.wasm",
    "/pkg/card/card_bg.wasm",
];

/// [`CSP`] with `connect-src` (only the backend's `/api/` and the `.wasm`s,
/// at each of `origins`) and `form-action 'self' <gateway origin>` (the
/// bank page the module may reach by a form POST).
pub fn csp(origins: &[String], gateway_origin: &str) -> String {
    let connect: Vec<String> = origins
        .iter()
        .flat_map(|o| {
            std::iter::once(format!("{o}/api/"))
                .chain(WASM_PATHS.iter().map(move |p| format!("{o}{p}")))
        })
        .collect();
    let connect = if connect.is_empty() {
        "'self'".to_string()
    } else {
        connect.join(" ")
    };
    format!("{CSP}; connect-src {connect}; form-action 'self' {gateway_origin}")
}

/// The origins a page of this shop is served at: `PUBLIC_URL`'s, and the
/// one the request was addressed to (its `Host`, with `PUBLIC_URL`'s
/// scheme) when that differs, as the perimeter accepts both. Only an
/// origin made of host characters is used (a `Host` is the client's).
pub fn page_origins(public_url: &str, headers: &HeaderMap) -> Vec<String> {
    let origin = |url: &str| {
        reqwest::Url::parse(url)
            .ok()
            .filter(|u| {
                matches!(u.scheme(), "http" | "https")
                    && u.username().is_empty()
                    && u.password().is_none()
            })
            .filter(|u| u.path() == "/" && u.query().is_none() && u.fragment().is_none())
            .map(|u| u.origin().ascii_serialization())
            .filter(|o| {
                o.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:/[]".contains(c))
            })
    };
    let mut out = Vec::new();
    let public = reqwest::Url::parse(public_url).ok();
    if let Some(o) = public
        .as_ref()
        .and_then(|u| origin(&format!("{}://{}/", u.scheme(), u.authority())))
    {
        out.push(o);
    }
    let scheme = if public_url.starts_with("https:") {
        "https"
    } else {
        "http"
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(o) = host.and_then(|h| origin(&format!("{scheme}://{h}/"))) {
        if !out.contains(&o) {
            out.push(o);
        }
    }
    out
}

/// What the file service needs to know: its two roots, and the origins
/// that go into the pages' policy.
struct Site {
    www: PathBuf,
    pkg: PathBuf,
    public_url: String,
    gateway_origin: String,
}

/// The static-file service over `state`'s `www_dir` and `pkg_dir`: the
/// router's fallback ([`crate::backend_router`]).
pub fn service(state: &AppState) -> Router {
    let site = Arc::new(Site {
        www: state.www_dir.clone(),
        pkg: state.pkg_dir.clone(),
        public_url: state.public_url.clone(),
        gateway_origin: state.gateway.base().origin().ascii_serialization(),
    });
    let header =
        |name, value| SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value));
    Router::new()
        .fallback(files)
        .layer(axum::middleware::from_fn_with_state(
            site.clone(),
            page_headers,
        ))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::CACHE_CONTROL, "no-cache"))
        .layer(header(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .with_state(site)
}

/// True when the file at `path` (a directory: its `index.html` too), once
/// every symbolic link is followed, is still under `root`. A path that does
/// not exist passes: `ServeDir` answers 404 for it.
async fn stays_inside(root: &Path, path: &Path) -> bool {
    let Ok(real) = tokio::fs::canonicalize(path).await else {
        return true;
    };
    let Ok(root) = tokio::fs::canonicalize(root).await else {
        return false;
    };
    if !real.starts_with(&root) {
        return false;
    }
    match tokio::fs::canonicalize(real.join("index.html")).await {
        Ok(index) if real.is_dir() => index.starts_with(&root),
        _ => true,
    }
}

/// `/pkg/…` from the package root, everything else from `www/`, each
/// through `resolve` and `stays_inside` first; `ServeDir` answers.
async fn files(State(site): State<Arc<Site>>, mut req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if path == "/pkg" {
        return (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, "/pkg/")],
        )
            .into_response();
    }
    let (root, rest, mount, deny_first): (&Path, &str, &str, &[&str]) =
        match path.strip_prefix("/pkg/") {
            Some(rest) => (&site.pkg, rest, "/pkg", &[]),
            None => (&site.www, path.trim_start_matches('/'), "", &["server"]),
        };
    let Some(file) = resolve(root, rest, deny_first) else {
        return not_found();
    };
    if !stays_inside(root, &file).await {
        return not_found();
    }
    if !mount.is_empty() {
        // `ServeDir` sees the path below its root.
        let below = match req.uri().query() {
            Some(q) => format!("/{rest}?{q}"),
            None => format!("/{rest}"),
        };
        match below.parse::<Uri>() {
            Ok(uri) => *req.uri_mut() = uri,
            Err(_) => return not_found(),
        }
    }
    let Ok(mut resp) = ServeDir::new(root)
        .oneshot(req)
        .await
        .map(|r| r.map(Body::new));
    if resp.status() == StatusCode::NOT_FOUND {
        return not_found();
    }
    // A directory's redirect to its slash names the path below the root.
    if let Some(to) = resp
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
    {
        match HeaderValue::from_str(&format!("{mount}{to}")) {
            Ok(v) => {
                resp.headers_mut().insert(header::LOCATION, v);
            }
            Err(_) => return not_found(),
        }
    }
    resp
}

/// The Content-Type from [`mime_type`] (by the decoded request path; a
/// directory is its `index.html`) and the page's [`csp`] for the origin the
/// request was addressed to.
async fn page_headers(State(site): State<Arc<Site>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let mut file = percent_decode(path).unwrap_or_else(|| path.to_owned());
    if file.ends_with('/') {
        file.push_str("index.html");
    }
    let policy = csp(
        &page_origins(&site.public_url, req.headers()),
        &site.gateway_origin,
    );
    let mut resp = next.run(req).await;
    let ok = resp.status().is_success();
    let headers = resp.headers_mut();
    if ok && headers.contains_key(header::CONTENT_TYPE) {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(mime_type(Path::new(&file))),
        );
    }
    if let Ok(v) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    resp
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Not found\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_connect_src_names_the_api_and_the_wasm_at_the_page_origins() {
        let headers = |host: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, host.parse().unwrap());
            h
        };
        let public = "https://shop.example/";
        assert_eq!(
            page_origins(public, &headers("shop.example")),
            ["https://shop.example"]
        );
        // Behind a proxy that keeps the Host, or reached by another name: both.
        assert_eq!(
            page_origins(public, &headers("127.0.0.1:8080")),
            ["https://shop.example", "https://127.0.0.1:8080"]
        );
        // A Host that would break out of the directive is not used.
        for hostile in ["a;b", "a b", "a/b", "u@a", "a?b", "a#b", "'self'"] {
            assert_eq!(
                page_origins(public, &headers(hostile)),
                ["https://shop.example"],
                "{hostile}"
            );
        }
        let policy = csp(
            &page_origins(public, &HeaderMap::new()),
            "https://api.razorpay.com",
        );
        assert!(policy.starts_with(CSP), "{policy}");
        assert!(policy.ends_with(
            "; connect-src https://shop.example/api/ https://shop.example/pkg/razorpay_checkout_wasm_bg.wasm \
             https://shop.example/pkg/card/card_bg.wasm; form-action 'self' https://api.razorpay.com"
        ), "{policy}");
        assert!(csp(&[], "https://api.razorpay.com").contains("; connect-src 'self'; "));
    }

    #[test]
    fn mime() {
        assert_eq!(mime_type(Path::new("a/b.wasm")), "application/wasm");
        assert_eq!(
            mime_type(Path::new("x.mjs")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            mime_type(Path::new("x.JS")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            mime_type(Path::new("index.html")),
            "text/html; charset=utf-8"
        );
    }

    #[test]
    fn refuses_escapes() {
        let root = Path::new("/srv");
        assert!(resolve(root, "../etc/passwd", &[]).is_none());
        assert!(resolve(root, "%2e%2e/etc/passwd", &[]).is_none());
        assert!(resolve(root, "a/.git/config", &[]).is_none());
        assert!(resolve(root, "server/Cargo.toml", &["server"]).is_none());
        assert_eq!(
            resolve(root, "a/b%20c.js", &[]),
            Some(PathBuf::from("/srv/a/b c.js"))
        );
    }
}
