#![no_main]
//! See fuzz/src/lib.rs (`run_next_url`) for the input format and
//! invariants. Here, besides: a URL the checker accepts must mean the same
//! to a WHATWG parser (the `url` crate, which follows the spec browsers
//! implement): same scheme, an allowed host, same port, no user info.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((checked, policy, fixed)) = harness::run_next_url(data) else {
        return;
    };
    let parsed = match url::Url::parse(checked.as_str()) {
        Ok(u) => u,
        Err(e) => panic!("an accepted URL does not parse as WHATWG: {e}"),
    };
    assert_eq!(parsed.scheme(), if checked.is_https() { "https" } else { "http" });
    assert_eq!(parsed.username(), "", "user info in an accepted URL");
    assert_eq!(parsed.password(), None, "password in an accepted URL");
    assert_eq!(parsed.port(), checked.port(), "the browser would use another port");
    let host = parsed.host_str().unwrap_or("").to_ascii_lowercase();
    assert_eq!(host, checked.host(), "the browser would go to another host");
    if fixed {
        // With a fixed allowlist, the WHATWG host itself must be allowed.
        let port = parsed.port_or_known_default();
        let ok = policy.allowed_hosts.iter().any(|e| {
            let e = e.to_ascii_lowercase();
            e == host || port.is_some_and(|p| e == format!("{host}:{p}"))
        });
        assert!(ok, "the browser would go to {host}, not allowed");
    }
});
