//! `razorpay-demo`: the demo backend (and, without `RAZORPAY_BASE_URL`, the
//! offline sandbox gateway). Configuration comes from the environment; see
//! the library docs.

#[tokio::main]
async fn main() {
    let config = match razorpay_demo::Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("razorpay-demo: {e}");
            std::process::exit(2);
        }
    };
    match razorpay_demo::start(config).await {
        Ok(handles) => {
            println!("demo: {}/", handles.demo_url);
            match handles.sandbox_addr {
                Some(_) => println!("sandbox gateway: {}", handles.gateway_url),
                None => println!("gateway: {}", handles.gateway_url),
            }
            handles.run_until_signal().await;
        }
        Err(e) => {
            eprintln!("razorpay-demo: {e}");
            std::process::exit(1);
        }
    }
}
