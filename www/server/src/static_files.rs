//! Static files: `www/` at `/`, the built npm package `pkg/` at `/pkg/`.
//!
//! GET and HEAD only; `..`, hidden files and `www/server/` (this crate's
//! source) are never served; `.wasm` is `application/wasm` so
//! `WebAssembly.instantiateStreaming` works.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};

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

/// Maps a URL path (below the mount point) to a file under `root`, or `None` when unsafe.
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

async fn serve(
    csp: &str,
    root: &Path,
    url_path: &str,
    full_path: &str,
    deny_first: &[&str],
    head: bool,
) -> Response {
    let Some(mut path) = resolve(root, url_path, deny_first) else {
        return not_found();
    };
    if tokio::fs::metadata(&path).await.is_ok_and(|m| m.is_dir()) {
        if !full_path.ends_with('/') {
            // Relative links in an index page need the trailing slash.
            return (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, format!("{full_path}/"))],
            )
                .into_response();
        }
        path.push("index.html");
    }
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let len = bytes.len();
            let body = if head {
                Body::empty()
            } else {
                Body::from(bytes)
            };
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, mime_type(&path).to_string()),
                    (header::CONTENT_LENGTH, len.to_string()),
                    (header::CACHE_CONTROL, "no-cache".to_string()),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
                    (header::CONTENT_SECURITY_POLICY, csp.to_string()),
                    (header::REFERRER_POLICY, "strict-origin-when-cross-origin".to_string()),
                ],
                body,
            )
                .into_response()
        }
        Err(_) => not_found(),
    }
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
const WASM_PATHS: [&str; 2] = ["/pkg/razorpay_checkout_wasm_bg.wasm", "/pkg/card/card_bg.wasm"];

/// [`CSP`] with `connect-src` (only the backend's `/api/` and the `.wasm`s,
/// at each of `origins`) and `form-action 'self' <gateway origin>` (the
/// bank page the module may reach by a form POST).
pub fn csp(origins: &[String], gateway_origin: &str) -> String {
    let connect: Vec<String> = origins
        .iter()
        .flat_map(|o| std::iter::once(format!("{o}/api/")).chain(WASM_PATHS.iter().map(move |p| format!("{o}{p}"))))
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
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.username().is_empty() && u.password().is_none())
            .filter(|u| u.path() == "/" && u.query().is_none() && u.fragment().is_none())
            .map(|u| u.origin().ascii_serialization())
            .filter(|o| o.chars().all(|c| c.is_ascii_alphanumeric() || ".-:/[]".contains(c)))
    };
    let mut out = Vec::new();
    let public = reqwest::Url::parse(public_url).ok();
    if let Some(o) = public.as_ref().and_then(|u| origin(&format!("{}://{}/", u.scheme(), u.authority()))) {
        out.push(o);
    }
    let scheme = if public_url.starts_with("https:") { "https" } else { "http" };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(o) = host.and_then(|h| origin(&format!("{scheme}://{h}/"))) {
        if !out.contains(&o) {
            out.push(o);
        }
    }
    out
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Not found\n",
    )
        .into_response()
}

/// The fallback handler: `/pkg/…` from `pkg_dir`, everything else from `www_dir`.
pub async fn handler(State(state): State<AppState>, req: Request) -> Response {
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let path = req.uri().path();
    let origins = page_origins(&state.public_url, req.headers());
    let csp = csp(&origins, &state.gateway.base().origin().ascii_serialization());
    if path == "/pkg" {
        return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/pkg/")]).into_response();
    }
    if let Some(rest) = path.strip_prefix("/pkg/") {
        return serve(&csp, &state.pkg_dir, rest, path, &[], head).await;
    }
    serve(
        &csp,
        &state.www_dir,
        path.trim_start_matches('/'),
        path,
        &["server"],
        head,
    )
    .await
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
        assert_eq!(page_origins(public, &headers("shop.example")), ["https://shop.example"]);
        // Behind a proxy that keeps the Host, or reached by another name: both.
        assert_eq!(
            page_origins(public, &headers("127.0.0.1:8080")),
            ["https://shop.example", "https://127.0.0.1:8080"]
        );
        // A Host that would break out of the directive is not used.
        for hostile in ["a;b", "a b", "a/b", "u@a", "a?b", "a#b", "'self'"] {
            assert_eq!(page_origins(public, &headers(hostile)), ["https://shop.example"], "{hostile}");
        }
        let policy = csp(&page_origins(public, &HeaderMap::new()), "https://api.razorpay.com");
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
