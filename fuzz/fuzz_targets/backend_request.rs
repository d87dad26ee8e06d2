#![no_main]
//! The merchant backend's request handling in process: see
//! fuzz/src/backend.rs for the input format (route byte, flags byte, body)
//! and the invariants. The app (backend + sandbox on loopback) starts once.
#[path = "../src/backend.rs"]
mod backend;

static BACKEND: std::sync::OnceLock<backend::Backend> = std::sync::OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| BACKEND.get_or_init(backend::Backend::start).run(data));
