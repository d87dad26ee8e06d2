//! The backend's request handling, fuzzed on stable Rust: a bounded,
//! seeded random run of mutated bodies for every POST route through the
//! axum router in process (the harness the `backend_request` cargo-fuzz
//! target runs, fuzz/src/backend.rs), then the committed corpus of that
//! target (fuzz/corpus/backend_request/, fuzz/regressions/backend_request/).
//!
//! `REQUEST_FUZZ_CASES` (default 3000) and `REQUEST_FUZZ_SEED` (default
//! fixed, so a failure repeats) change the run.

#[path = "../../../fuzz/src/backend.rs"]
mod backend;

use std::path::Path;

use backend::{as_form, check, mutate, Backend, Rng, ROUTES};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn mutated_bodies_for_every_post_route_keep_the_invariants() {
    let b = Backend::start();
    let cases = env_u64("REQUEST_FUZZ_CASES", 3000);
    let seed = env_u64("REQUEST_FUZZ_SEED", 0x5EC_6A2D);
    let mut rng = Rng(seed);
    let mut failures = Vec::new();
    let mut per_route = vec![0usize; ROUTES.len()];
    let mut statuses = std::collections::BTreeMap::new();
    // Every seed once as it is (they must pass too), then mutations.
    let seeds = b.seeds.clone();
    for i in 0..(seeds.len() as u64 + cases) {
        let (route, seed_body) = &seeds[if (i as usize) < seeds.len() {
            i as usize
        } else {
            rng.below(seeds.len())
        }];
        let mut body = if (i as usize) < seeds.len() {
            seed_body.to_string().into_bytes()
        } else {
            mutate(&mut rng, seed_body)
        };
        if ROUTES[*route] == "/checkout/callback" {
            body = as_form(&body);
        }
        let signed_in = rng.below(2) == 0;
        let answer = b.post(*route, &body, signed_in);
        per_route[*route] += 1;
        *statuses.entry(answer.status).or_insert(0usize) += 1;
        if let Err(e) = check(ROUTES[*route], &body, &answer) {
            failures.push(format!(
                "case {i} {}{}: {e}\n  body: {}\n  answer {}: {}",
                ROUTES[*route],
                if signed_in { " (signed in)" } else { "" },
                String::from_utf8_lossy(&body)
                    .chars()
                    .take(600)
                    .collect::<String>(),
                answer.status,
                String::from_utf8_lossy(&answer.body)
                    .chars()
                    .take(600)
                    .collect::<String>()
            ));
        }
    }
    eprintln!("request fuzz: seed {seed:#x}, {cases} mutated bodies; per route {per_route:?}; statuses {statuses:?}");
    assert!(
        per_route.iter().all(|n| *n > 0),
        "every route was reached: {per_route:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {} answers broke an invariant:\n{}",
        failures.len(),
        cases,
        failures[..failures.len().min(10)].join("\n")
    );
}

/// `REQUEST_FUZZ_WRITE_SEEDS=<dir>`: writes every seed as a `backend_request`
/// input (route byte, flags byte, body) into `<dir>` (scripts/fuzz.sh seeds
/// the target from them; fuzz/corpus/backend_request/ was made so).
#[test]
fn seeds_as_fuzz_inputs() {
    let Ok(dir) = std::env::var("REQUEST_FUZZ_WRITE_SEEDS") else {
        return;
    };
    let b = Backend::start();
    std::fs::create_dir_all(&dir).unwrap();
    for (i, (route, body)) in b.seeds.iter().enumerate() {
        let mut body = body.to_string().into_bytes();
        if ROUTES[*route] == "/checkout/callback" {
            body = as_form(&body);
        }
        for signed_in in [0u8, 1] {
            let mut data = vec![*route as u8, signed_in];
            data.extend_from_slice(&body);
            std::fs::write(
                Path::new(&dir).join(format!("seed-{i:02}-{signed_in}")),
                data,
            )
            .unwrap();
        }
    }
}

#[test]
fn the_backend_request_corpus_replays() {
    let b = Backend::start();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut n = 0;
    for kind in ["regressions", "corpus"] {
        let Ok(entries) = std::fs::read_dir(root.join(kind).join("backend_request")) else {
            continue;
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| b.run(&data)));
            assert!(run.is_ok(), "{} fails", f.display());
            n += 1;
        }
    }
    eprintln!("request fuzz: {n} corpus and regression inputs replayed");
}

#[test]
fn the_invariants_refuse_what_they_must() {
    let order = br#"{"payment":{"card":{"number":"4111 1111 1111 1111"}}}"#;
    let answer = |status: u16, body: &str| backend::Answer {
        status,
        location: None,
        body: body.as_bytes().to_vec(),
    };
    let error = r#"{"error":{"code":"BAD_REQUEST_ERROR","description":"d","field":null,"source":"business","step":"payment_initiation","reason":"r","metadata":{}}}"#;
    assert!(check("/api/checkout", order, &answer(400, error)).is_ok());
    assert!(check("/api/checkout", order, &answer(502, error)).is_ok());
    assert!(check("/api/checkout", order, &answer(500, error)).is_err());
    assert!(check("/api/checkout", order, &answer(400, "<html>")).is_err());
    assert!(check("/api/checkout", order, &answer(400, r#"{"error":"x"}"#)).is_err());
    assert!(check(
        "/api/checkout",
        order,
        &answer(400, &error.replace(r#""metadata":{}"#, r#""metadata":[]"#))
    )
    .is_err());
    assert!(check("/api/checkout", order, &answer(200, "[]")).is_err());
    for echoed in [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
    ] {
        let body = format!(r#"{{"id":"order_1","note":"{echoed}"}}"#);
        assert!(
            check("/api/checkout", order, &answer(200, &body)).is_err(),
            "{echoed}"
        );
    }
    let redirect = |l: &str| backend::Answer {
        status: 303,
        location: Some(l.into()),
        body: vec![],
    };
    assert!(check("/checkout/callback", b"", &redirect("/result.html?x=1")).is_ok());
    assert!(check(
        "/checkout/callback",
        b"",
        &redirect("https://evil.example/")
    )
    .is_err());
}
