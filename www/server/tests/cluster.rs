//! Two backend instances on one store (the SQLite file of the test's
//! directory, or with `STORE=postgres` its PostgreSQL database) and one
//! gateway: a request that lands on the other instance finds the first
//! one's row. The row claims themselves are raced through two `Store`s.

mod common;

use common::{count_orders, App};
use razorpay_demo::config::{SANDBOX_KEY_ID, SANDBOX_KEY_SECRET};
use razorpay_demo::store::{Store, Table};
use serde_json::Value;

/// A second instance: the first one's gateway and store, the same session secret.
async fn second_instance(a: &App) -> razorpay_demo::Handles {
    let mut c = common::config(&a.dir);
    c.gateway_base_url = Some(a.handles.gateway_url.clone());
    c.key_id = SANDBOX_KEY_ID.to_string();
    c.key_secret = SANDBOX_KEY_SECRET.to_string();
    razorpay_demo::start(c)
        .await
        .expect("second instance starts")
}

async fn checkout_at(app: &App, base: &str, key: &str, body: &Value) -> (u16, Value) {
    App::send(
        app.http
            .post(format!("{base}/api/checkout"))
            .header("Idempotency-Key", key)
            .json(body),
    )
    .await
}

/// A store on the test directory's state, as an instance opens it.
async fn store_of(dir: &std::path::Path) -> Store {
    let store = match common::postgres_database(dir) {
        Some(url) => Store::postgres(&url, 8).unwrap(),
        None => Store::sqlite(
            &dir.join("demo.sqlite"),
            &[razorpay_demo::state::SCHEMA, razorpay_demo::carts::SCHEMA].concat(),
            razorpay_demo::state::MIGRATIONS,
        )
        .unwrap(),
    };
    store.prepare().await.unwrap();
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_key_at_once_on_both_instances_makes_one_order() {
    let a = App::start("cluster-key").await;
    let b = second_instance(&a).await;
    for round in 0..5 {
        let body = a.order("4100280000001007", None).await;
        let key = format!("both-{round}");
        let (x, y) = tokio::join!(
            checkout_at(&a, &a.handles.demo_url, &key, &body),
            checkout_at(&a, &b.demo_url, &key, &body)
        );
        assert_eq!((x.0, y.0), (200, 200), "{} {}", x.1, y.1);
        assert_eq!(x.1["id"], y.1["id"]);
        assert_eq!(count_orders(&a.dir.join("sandbox.sqlite")), round + 1);
    }
    b.shutdown().await;
    a.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_and_a_second_tab_on_the_other_instance_get_the_first_order() {
    let a = App::start("cluster-tab").await;
    let b = second_instance(&a).await;
    let body = a.order("4100280000001007", None).await;
    let (status, first) = checkout_at(&a, &a.handles.demo_url, "tab-1", &body).await;
    assert_eq!(status, 200, "{first}");
    // The retry, on the other instance: replayed.
    let r = a
        .http
        .post(format!("{}/api/checkout", b.demo_url))
        .header("Idempotency-Key", "tab-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()
            .get("idempotent-replayed")
            .map(|v| v.to_str().unwrap()),
        Some("true")
    );
    assert_eq!(r.json::<Value>().await.unwrap()["id"], first["id"]);
    // A second tab (a new key, the same browser), on the other instance.
    let (status, tab) = checkout_at(&a, &b.demo_url, "tab-2", &body).await;
    assert_eq!(status, 200, "{tab}");
    assert_eq!(tab["id"], first["id"]);
    // Another browser, on the other instance: not its order.
    let other = common::client();
    let _ = other
        .get(format!("{}/api/config", b.demo_url))
        .send()
        .await
        .unwrap();
    let (status, e) = App::send(
        other
            .post(format!("{}/api/checkout", b.demo_url))
            .header("Idempotency-Key", "tab-3")
            .json(&body),
    )
    .await;
    assert_eq!(status, 403, "{e}");
    assert_eq!(e["error"]["reason"], "order_belongs_to_another_checkout");
    assert_eq!(count_orders(&a.dir.join("sandbox.sqlite")), 1);
    b.shutdown().await;
    a.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_many_claims_on_two_stores_exactly_one_wins_and_one_take_over() {
    let dir = common::temp_dir("cluster-claims");
    let stores = [store_of(&dir).await, store_of(&dir).await];
    for table in [Table::Idempotency, Table::Receipts] {
        let key = format!("race-{table:?}");
        let tasks: Vec<_> = (0..24)
            .map(|i| {
                let (store, key) = (stores[i % 2].clone(), key.clone());
                tokio::spawn(async move {
                    store
                        .claim_new(table, &key, "fp", Some("owner"))
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut won = 0;
        for t in tasks {
            won += usize::from(t.await.unwrap());
        }
        assert_eq!(won, 1, "{table:?}: claims won");
        let row = stores[0].read(table, &key).await.unwrap().unwrap();
        assert_eq!((row.state.as_str(), row.version), ("pending", 1));
        assert!(stores[1].mark_unknown(table, &key, 1).await.unwrap());
        // Two requests judged the same `unknown` row: one takes it over.
        let seen = stores[0].read(table, &key).await.unwrap().unwrap().version;
        let (x, y) = tokio::join!(
            stores[0].take_over(table, &key, seen, "fp", Some("owner")),
            stores[1].take_over(table, &key, seen, "fp", Some("owner"))
        );
        assert_eq!(
            u8::from(x.unwrap()) + u8::from(y.unwrap()),
            1,
            "{table:?}: take-overs won"
        );
        // The stale claimer cannot overwrite the new attempt's row.
        assert!(!stores[0]
            .finish(table, &key, seen, 200, "{}", None)
            .await
            .unwrap());
        assert!(stores[1]
            .finish(table, &key, seen + 1, 200, "{}", None)
            .await
            .unwrap());
        assert_eq!(
            stores[0].read(table, &key).await.unwrap().unwrap().state,
            "done"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The tables an earlier version made (before the store interface).
const OLD_SCHEMA: &str = "
CREATE TABLE idempotency (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, state TEXT NOT NULL,
    status INTEGER, response TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE receipts (receipt TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, state TEXT NOT NULL,
    status INTEGER, response TEXT, payment_id TEXT, updated_at INTEGER NOT NULL, owner TEXT);
INSERT INTO idempotency VALUES ('checkout:old', 'fp', 'done', 200, '{\"id\":\"order_old\"}', 1, 1);
INSERT INTO receipts VALUES ('cart_old', 'fp', 'unknown', NULL, NULL, NULL, 1, 'owner');
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earlier_versions_sqlite_file_keeps_its_rows() {
    let dir = common::temp_dir("cluster-migrate");
    let path = dir.join("demo.sqlite");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(OLD_SCHEMA)
        .unwrap();
    let store = Store::sqlite(
        &path,
        &[razorpay_demo::state::SCHEMA, razorpay_demo::carts::SCHEMA].concat(),
        razorpay_demo::state::MIGRATIONS,
    )
    .unwrap();
    let old = store
        .read(Table::Idempotency, "checkout:old")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (old.state.as_str(), old.status, old.version),
        ("done", Some(200), 1)
    );
    assert!(!store
        .claim_new(Table::Idempotency, "checkout:old", "fp", None)
        .await
        .unwrap());
    let unknown = store
        .read(Table::Receipts, "cart_old")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (unknown.state.as_str(), unknown.owner.as_deref()),
        ("unknown", Some("owner"))
    );
    assert!(store
        .take_over(
            Table::Receipts,
            "cart_old",
            unknown.version,
            "fp",
            Some("owner")
        )
        .await
        .unwrap());
    assert!(store
        .claim_new(Table::Receipts, "cart_new", "fp", Some("owner"))
        .await
        .unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}
