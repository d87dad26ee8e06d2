//! The fuzz corpus as a regression suite on stable Rust.
//!
//! Replays, through the very harness the `cargo fuzz` targets run
//! (fuzz/src/lib.rs, included below), every input that ever made a target
//! fail (fuzz/regressions/<target>/) and the whole committed, minimized
//! corpus (fuzz/corpus/<target>/). A panic or a broken invariant fails the
//! test and names the file. Debug builds also trap integer overflow, as the
//! fuzzed build does.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Replays every file under `fuzz/<kind>/<target>/`; returns how many.
fn replay(kind: &str, target: &str) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let files = files(&dir);
    let mut failed = Vec::new();
    for path in &files {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if catch_unwind(AssertUnwindSafe(|| harness::run(target, &data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: {} input(s) fail: {failed:#?}",
        failed.len()
    );
    files.len()
}

/// The inputs that found bugs (and harness mistakes), by target.
#[test]
fn committed_crash_inputs_pass() {
    let mut total = 0;
    for target in harness::TARGETS {
        total += replay("regressions", target);
    }
    // Four were found while the fuzz targets were written (see
    // fuzz/README.md); the directory must not silently empty.
    assert!(total >= 4, "only {total} regression inputs found");
}

macro_rules! corpus_test {
    ($name:ident) => {
        #[test]
        fn $name() {
            let n = replay("corpus", stringify!($name));
            assert!(n > 0, "fuzz/corpus/{} is empty", stringify!($name));
        }
    };
}

mod corpus {
    use super::replay;
    corpus_test!(card_number);
    corpus_test!(expiry);
    corpus_test!(cvv);
    corpus_test!(order_request);
    corpus_test!(gateway_response);
    corpus_test!(next_url);
}

/// The bugs the fuzzer found, pinned by name as well.
#[test]
fn found_bugs_stay_fixed() {
    use razorpay_checkout_wasm::card::{inspect_number, CardNumber, Expiry, YearMonth};
    // card_number: `Digits::prefix_value` overflowed past nine digits.
    let n = CardNumber::parse("5085000000000000000").unwrap();
    assert_eq!(n.digits().prefix_value(19), u32::MAX);
    // card_number: `Inspection`'s derived Debug showed the whole number.
    assert!(!format!("{:?}", inspect_number("5085 0000 0000 0000")).contains("5085"));
    // expiry: `Expiry::check` overflowed on a far year or a month 0.
    let now = YearMonth {
        year: 2026,
        month: 11,
    };
    assert!(Expiry {
        month: 0,
        year: u32::MAX
    }
    .check(now)
    .is_err());
    assert!(Expiry {
        month: 12,
        year: 2030
    }
    .check(YearMonth {
        year: u32::MAX,
        month: 0
    })
    .is_err());
}
