//! The async exports' runtime: a small single-threaded task queue, and the
//! bridge from a Rust future to the `Promise` an export returns.
//!
//! It replaces wasm-bindgen-futures, whose queue and `JsFuture` call
//! `queueMicrotask`, `new Promise` and `promise.then` as the page has them
//! when they run, without `catch`: a page that patched one of them to throw
//! unwound through the module and wedged its queue (`is_scheduled` stays
//! set), so no payment's promise ever settled again. Here every call into
//! JS is a `catch` import of src/wasm/shapes.js, whose `Promise`,
//! `queueMicrotask` and `then` are the ones the module loaded with.
//!
//! Two closures are made, once, and kept: the queue runner and the
//! `done(id, ok, value)` callback of [`post`].

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::js;

type Task = Pin<Box<dyn Future<Output = ()>>>;

/// A reply slot of a request in flight: its outcome, and who waits for it.
#[derive(Default)]
struct Slot {
    outcome: Option<(bool, JsValue)>,
    waker: Option<Waker>,
}

struct Runtime {
    /// Tasks by id; `None` for a free id or a task being polled.
    tasks: RefCell<Vec<Option<Task>>>,
    /// Tasks whose futures were woken (ids; a stale one is a harmless poll).
    ready: RefCell<VecDeque<usize>>,
    scheduled: Cell<bool>,
    /// Requests in flight, by id.
    slots: RefCell<Vec<Option<Rc<RefCell<Slot>>>>>,
    run: JsValue,
    done: JsValue,
}

thread_local! {
    static RUNTIME: Runtime = Runtime {
        tasks: RefCell::new(Vec::new()),
        ready: RefCell::new(VecDeque::new()),
        scheduled: Cell::new(false),
        slots: RefCell::new(Vec::new()),
        run: Closure::<dyn FnMut()>::new(run_ready).into_js_value(),
        done: Closure::<dyn FnMut(u32, bool, JsValue)>::new(settled).into_js_value(),
    };
}

/// Puts `value` in the first free place of `list`, and returns its index.
fn insert<T>(list: &mut Vec<Option<T>>, value: T) -> usize {
    if let Some((i, place)) = list.iter_mut().enumerate().find(|(_, p)| p.is_none()) {
        *place = Some(value);
        return i;
    }
    list.push(Some(value));
    list.len() - 1
}

fn wake_id(id: usize) {
    RUNTIME.with(|rt| {
        rt.ready.borrow_mut().push_back(id);
        if !rt.scheduled.replace(true) {
            js::schedule(&rt.run);
        }
    });
}

// The waker's data is the task id, not a pointer: nothing to own or free.
const VTABLE: RawWakerVTable = RawWakerVTable::new(
    |data| RawWaker::new(data, &VTABLE),
    |data| wake_id(data as usize),
    |data| wake_id(data as usize),
    |_| {},
);

fn waker(id: usize) -> Waker {
    // SAFETY: the vtable's functions only read the id (no pointer is
    // dereferenced), and wasm32 without atomics is single-threaded.
    unsafe { Waker::from_raw(RawWaker::new(id as *const (), &VTABLE)) }
}

fn run_ready() {
    let count = RUNTIME.with(|rt| {
        rt.scheduled.set(false);
        rt.ready.borrow().len()
    });
    for _ in 0..count {
        let Some(id) = RUNTIME.with(|rt| rt.ready.borrow_mut().pop_front()) else {
            break;
        };
        // Taken out while polled: the future may spawn or wake (borrows).
        let Some(mut task) =
            RUNTIME.with(|rt| rt.tasks.borrow_mut().get_mut(id).and_then(Option::take))
        else {
            continue;
        };
        let waker = waker(id);
        if task
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
        {
            RUNTIME.with(|rt| {
                if let Some(place) = rt.tasks.borrow_mut().get_mut(id) {
                    *place = Some(task);
                }
            });
        }
    }
}

/// Runs `future` to completion on the queue.
fn spawn(future: impl Future<Output = ()> + 'static) {
    let id = RUNTIME.with(|rt| insert(&mut rt.tasks.borrow_mut(), Box::pin(future)));
    wake_id(id);
}

/// The `Promise` an async export returns: it settles with `future`'s
/// outcome. `Err` (thrown by the export) only when no promise can be made
/// (never seen: shapes.js makes it with the `Promise` it loaded with).
pub fn promise(
    future: impl Future<Output = Result<JsValue, JsValue>> + 'static,
) -> Result<js_sys::Promise, JsValue> {
    let pair = js::deferred();
    if !pair.is_object() {
        let error = crate::error::Error::new(
            crate::error::ErrorKind::InvalidState,
            "No promise could be made",
        );
        return Err(super::convert::js_error(&error));
    }
    let settle = js::own_item(&pair, 1);
    spawn(async move {
        let (ok, value) = match future.await {
            Ok(v) => (true, v),
            Err(e) => (false, e),
        };
        js::invoke(&settle, &JsValue::from_bool(ok), &value);
    });
    Ok(js::own_item(&pair, 0).unchecked_into())
}

fn settled(id: u32, ok: bool, value: JsValue) {
    let slot = RUNTIME.with(|rt| {
        rt.slots
            .borrow_mut()
            .get_mut(id as usize)
            .and_then(Option::take)
    });
    if let Some(slot) = slot {
        let waker = {
            let mut slot = slot.borrow_mut();
            slot.outcome = Some((ok, value));
            slot.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// A POST in flight (see `post` in src/wasm/shapes.js). Dropped before it
/// settled, it aborts the request (reqwest's `AbortGuard` does the same):
/// a payment given up on leaves no `fetch` running.
struct Reply {
    slot: Rc<RefCell<Slot>>,
    id: usize,
}

impl Drop for Reply {
    fn drop(&mut self) {
        // Still held by the table too: `done` has not been called.
        if Rc::strong_count(&self.slot) > 1 {
            RUNTIME.with(|rt| rt.slots.borrow_mut().get_mut(self.id).map(Option::take));
            js::abort(self.id as u32);
        }
    }
}

impl Future for Reply {
    type Output = (bool, JsValue);
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<(bool, JsValue)> {
        let mut slot = self.slot.borrow_mut();
        match slot.outcome.take() {
            Some(outcome) => Poll::Ready(outcome),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// POSTs `body` to `url` (see `post` in src/wasm/shapes.js): `(true,
/// [status, text | null])`, or `(false, "timeout" | "redirect" | "network")`.
pub async fn post(
    url: &str,
    body: &str,
    headers: &str,
    ms: u32,
    max_chars: u32,
) -> (bool, JsValue) {
    let slot = Rc::new(RefCell::new(Slot::default()));
    let (id, done) = RUNTIME.with(|rt| {
        (
            insert(&mut rt.slots.borrow_mut(), slot.clone()),
            rt.done.clone(),
        )
    });
    if js::post(url, body, headers, ms, max_chars, id as u32, &done).is_err() {
        RUNTIME.with(|rt| rt.slots.borrow_mut().get_mut(id).and_then(Option::take));
        return (false, JsValue::from_str("network"));
    }
    Reply { slot, id }.await
}
