//! The hostile test backend: `razorpay-demo` with the fault injector of
//! [`hostile`] (requests with an `X-Hostile-Scenario` header get hostile
//! answers). Test support only: `tests/e2e/harness.mjs` starts
//! `target/debug/examples/hostile_backend` when a test asks for
//! `HOSTILE_GATEWAY=1`; the production binary has none of this.

mod hostile;

#[tokio::main]
async fn main() {
    let config = match razorpay_demo::Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("hostile_backend: {e}");
            std::process::exit(2);
        }
    };
    eprintln!(
        "hostile_backend: test mode: requests with an X-Hostile-Scenario header get hostile answers ({})",
        hostile::Scenario::NAMES.join(", ")
    );
    match hostile::start(config).await {
        Ok(handles) => handles.announce_and_run().await,
        Err(e) => {
            eprintln!("hostile_backend: {e}");
            std::process::exit(1);
        }
    }
}
