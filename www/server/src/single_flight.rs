//! One gateway call per row: the loop shared by idempotency keys
//! ([`crate::idempotency`]) and receipts ([`crate::receipts`]).
//!
//! A request claims the row for its key (a new row, see
//! [`Store::claim_new`]) and makes the call; any other request, on this
//! instance or another one sharing the store, finds the row and asks its
//! `judge` what to do with it: wait (it is `pending`), take it over (the
//! earlier attempt failed, or was `unknown` and the gateway has nothing),
//! replay the stored answer, settle it with what the gateway has, or
//! refuse. A take-over is a compare-and-set on the row's version, so of two
//! requests that judged the same row only one goes on; the other reads the
//! row again.
//!
//! Once a request may have reached the gateway its row is never deleted:
//! without an answer (an error from `call`: a timeout, a reset) it becomes
//! `unknown`, and a `pending` row older than [`stale_after_secs`] (a crash,
//! a killed instance, a store that went away before the answer was
//! written) is judged the same way: the judge reconciles with the gateway
//! before anything is sent again.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::db::now_secs;
use crate::error::ApiError;
use crate::gateway_client::GatewayAnswer;
use crate::receipts::payment_id_of;
use crate::state::AppState;
use crate::store::{Row, Table};

/// Seconds after which an unfinished claim is considered abandoned, for a
/// gateway timeout of `gateway_timeout_ms`: longer than any claim can be
/// in flight (a call makes at most two gateway requests, each bounded by
/// the timeout), plus a margin. 65 s with the default 30 s timeout.
pub fn stale_after_secs(gateway_timeout_ms: u64) -> i64 {
    i64::try_from(gateway_timeout_ms.saturating_mul(2).div_ceil(1000)).unwrap_or(i64::MAX / 2) + 5
}

/// True when `row` is `pending` and recent: someone is calling the gateway.
pub fn in_flight(state: &AppState, row: &Row) -> bool {
    row.state == "pending" && now_secs() - row.updated_at < state.stale_after_secs
}

/// What to do with a row another request made.
pub enum Step {
    /// It is in flight: look again shortly.
    Wait,
    /// Take it over and call (with a hint for `call`: an order the gateway
    /// already has for it).
    Take(Option<String>),
    /// Answer this, as stored earlier.
    Replay(GatewayAnswer),
    /// The gateway has it: store this answer on the row and give it.
    Settle(GatewayAnswer),
    /// Refuse.
    Refuse(ApiError),
}

/// A row to claim.
pub struct Slot<'a> {
    /// Its table.
    pub table: Table,
    /// Its key.
    pub key: &'a str,
    /// This request's fingerprint.
    pub fingerprint: &'a str,
    /// The checkout session claiming it (receipts).
    pub owner: Option<&'a str>,
    /// The refusal after waiting for a row in flight until it would be stale.
    pub busy: fn() -> ApiError,
}

/// The answer and whether it was replayed from an earlier request.
pub struct Flown {
    /// The gateway's status and body.
    pub answer: GatewayAnswer,
    /// True when it came from the row, not from this request's call.
    pub replayed: bool,
}

/// Runs `call` for `slot` unless `judge` decides otherwise (see the module docs).
pub async fn run<J, JF, F, Fut>(
    state: &AppState,
    slot: Slot<'_>,
    mut judge: J,
    call: F,
) -> Result<Flown, ApiError>
where
    J: FnMut(Row) -> JF,
    JF: Future<Output = Result<Step, ApiError>>,
    F: FnOnce(Option<String>) -> Fut,
    Fut: Future<Output = Result<GatewayAnswer, ApiError>>,
{
    // Requests of this process for the same row queue here instead of
    // polling the store; other processes are seen through the store.
    let local = format!("{}:{}", slot.table as u8, slot.key);
    let lock = {
        let mut locks = state.key_locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(local.clone()).or_default().clone()
    };
    let result = {
        let _guard = lock.lock().await;
        claim_and_call(state, &slot, &mut judge, call).await
    };
    {
        let mut locks = state.key_locks.lock().unwrap_or_else(|p| p.into_inner());
        // Ours plus the map's: nobody else is waiting on it.
        if Arc::strong_count(&lock) <= 2 {
            locks.remove(&local);
        }
    }
    result
}

async fn claim_and_call<J, JF, F, Fut>(
    state: &AppState,
    slot: &Slot<'_>,
    judge: &mut J,
    call: F,
) -> Result<Flown, ApiError>
where
    J: FnMut(Row) -> JF,
    JF: Future<Output = Result<Step, ApiError>>,
    F: FnOnce(Option<String>) -> Fut,
    Fut: Future<Output = Result<GatewayAnswer, ApiError>>,
{
    let store = &state.store;
    let started = tokio::time::Instant::now();
    let wait_limit = Duration::from_secs(u64::try_from(state.stale_after_secs).unwrap_or(60) + 1);
    let (version, hint) = loop {
        if store
            .claim_new(slot.table, slot.key, slot.fingerprint, slot.owner)
            .await?
        {
            break (1, None);
        }
        let Some(row) = store.read(slot.table, slot.key).await? else {
            continue;
        };
        let seen = row.version;
        match judge(row).await? {
            Step::Wait => {
                if started.elapsed() > wait_limit {
                    return Err((slot.busy)());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Step::Take(hint) => {
                if store
                    .take_over(slot.table, slot.key, seen, slot.fingerprint, slot.owner)
                    .await?
                {
                    break (seen + 1, hint);
                }
            }
            Step::Replay(answer) => {
                return Ok(Flown {
                    answer,
                    replayed: true,
                })
            }
            Step::Settle(answer) => {
                let body = answer.body.to_string();
                let pid = payment_id_of(&answer.body);
                store
                    .finish(
                        slot.table,
                        slot.key,
                        seen,
                        answer.status,
                        &body,
                        pid.as_deref(),
                    )
                    .await?;
                return Ok(Flown {
                    answer,
                    replayed: false,
                });
            }
            Step::Refuse(e) => return Err(e),
        }
    };
    match call(hint).await {
        Ok(answer) => {
            let body = answer.body.to_string();
            let pid = payment_id_of(&answer.body);
            store
                .finish(
                    slot.table,
                    slot.key,
                    version,
                    answer.status,
                    &body,
                    pid.as_deref(),
                )
                .await?;
            Ok(Flown {
                answer,
                replayed: false,
            })
        }
        Err(e) => {
            // No answer: the gateway may have done it. Never deleted. (If
            // the store is gone too, the row stays `pending` and goes stale.)
            let _ = store.mark_unknown(slot.table, slot.key, version).await;
            Err(e)
        }
    }
}
