//! Leaving no card data in the module's linear memory once a call is over.
//!
//! Two places can keep a copy after its owner is gone: freed heap blocks
//! and the dead part of the shadow stack (wasm's linear-memory stack, where
//! moved values such as the inline digits of a `CardNumber` are copied and
//! never dropped). [`WipingAlloc`] zeroes every heap block as it is freed;
//! [`scrubbed`] and [`Scrubbed`] zero the stack below a call once it
//! returns.
//!
//! ## The allocator
//!
//! The main entry's global allocator is lol_alloc's free list (not std's
//! dlmalloc: the `.wasm` 59,525 → 57,481 B gzip -9, 2026-12-02), the card entry's a bump
//! allocator, each with every block zeroed before it is freed.
//!
//! Card numbers and CVVs cross the heap in many transient copies: the
//! UTF-8 string wasm-bindgen copies in for each JS string argument (the
//! typed, spaced number on every keystroke), the decoded request, the JSON
//! text of the request body (grown by reallocation), the results handed
//! back. Wiping each one at its owner is brittle: one forgotten `String`,
//! or a `realloc` that moves a buffer and frees the old one as is, leaves
//! the number in memory that anything later reading the linear memory can
//! see. Zeroing here covers every allocation at once, including those made
//! by wasm-bindgen's glue and by dependencies. `realloc` never lets the
//! allocator move a block behind our back: it allocates, copies, and wipes
//! then frees the old block.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// An allocator (by default [`System`]) with zero-on-free and
/// zero-on-move. The main entry wraps lol_alloc's free list; the card entry
/// (crates/card-wasm) wraps its bump allocator.
pub struct WipingAlloc<A = System>(pub A);

/// Zeroes `len` bytes at `ptr` with volatile stores (never elided as dead
/// stores before the free), eight bytes at a time where aligned.
///
/// # Safety
/// `ptr..ptr + len` must be writable memory of one allocation.
unsafe fn wipe(ptr: *mut u8, len: usize) {
    // The card entry (no `checkout`): byte by byte, 0.1 KB smaller; its
    // blocks are a few hundred bytes.
    #[cfg(not(feature = "checkout"))]
    for i in 0..len {
        // SAFETY: `ptr + i` is inside the block (caller's contract).
        unsafe { std::ptr::write_volatile(ptr.wrapping_add(i), 0) };
    }
    #[cfg(feature = "checkout")]
    {
        let mut p = ptr;
        let end = ptr.wrapping_add(len);
        while (p as usize) % 8 != 0 && p < end {
            // SAFETY: `p` is inside the block (caller's contract).
            unsafe { std::ptr::write_volatile(p, 0) };
            p = p.wrapping_add(1);
        }
        while (end as usize).wrapping_sub(p as usize) >= 8 {
            // SAFETY: `p` is 8-aligned and `p..p + 8` is inside the block.
            unsafe { std::ptr::write_volatile(p.cast::<u64>(), 0) };
            p = p.wrapping_add(8);
        }
        while p < end {
            // SAFETY: `p` is inside the block.
            unsafe { std::ptr::write_volatile(p, 0) };
            p = p.wrapping_add(1);
        }
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

// SAFETY: every method forwards to the inner allocator with the layouts it
// was given; `realloc` is `alloc` + copy + `dealloc`, which `GlobalAlloc` allows.
unsafe impl<A: GlobalAlloc> GlobalAlloc for WipingAlloc<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is a live block of `layout.size()` bytes.
        unsafe {
            wipe(ptr, layout.size());
            self.0.dealloc(ptr, layout);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size`, rounded up to the
        // alignment, does not overflow `isize` (GlobalAlloc::realloc).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: `new_layout` has a non-zero size (the caller's contract).
        let new = unsafe { self.0.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are live, distinct, and at least
            // `min(old, new)` bytes long; the old one is then freed as ours.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

/// The main entry's heap: lol_alloc's free list (wasm32 without atomics is
/// single-threaded, which `AssumeSingleThreaded` asks).
#[cfg(feature = "checkout")]
pub type Heap = lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator>;

#[cfg(feature = "checkout")]
const fn heap() -> Heap {
    // SAFETY: wasm32-unknown-unknown without the atomics feature runs one
    // thread: the allocator is never entered twice at once.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) }
}

// The `insecure-no-wipe` feature (tests only) leaves the same heap without
// the wrapper. Without the `checkout` feature the crate is linked into the
// card entry, which sets its own (crates/card-wasm/src/lib.rs).
#[cfg(all(feature = "checkout", not(feature = "insecure-no-wipe")))]
#[global_allocator]
static ALLOCATOR: WipingAlloc<Heap> = WipingAlloc(heap());

#[cfg(all(feature = "checkout", feature = "insecure-no-wipe"))]
#[global_allocator]
static ALLOCATOR: Heap = heap();

// ------------------------------------------------------------------ stack

/// How much stack below the caller the async exports (`pay()`,
/// `submitOtp()`, `resendOtp()`) zero after every poll. The deepest export
/// measured is `pay()` at about 8.6 KiB below the top of the stack
/// (measured by filling the stack from JS and calling it); 64 KiB leaves a
/// wide margin and is one `memory.fill`, next to a network round trip.
pub const SCRUB_BYTES: usize = 64 * 1024;

/// The same for the synchronous card exports, which run on every
/// keystroke: validateCard reaches 1.4 KiB, inspectNumber 0.2 KiB. 8 KiB
/// leaves more than 5× margin and costs nothing measurable, where 64 KiB
/// cost about 0.38 µs a call (inspectNumber 0.90 vs 1.28 µs in node).
/// tests/e2e/leak.test.mjs scans the whole memory right after these calls,
/// so an export that outgrew its scrub would fail there.
pub const CARD_SCRUB_BYTES: usize = 8 * 1024;

/// Zeroes `N` bytes of stack below the caller's frame: everything the
/// calls it made before left in their (now dead) frames.
#[inline(never)]
pub fn scrub_stack<const N: usize>() {
    if cfg!(feature = "insecure-no-wipe") {
        return;
    }
    let mut area = std::mem::MaybeUninit::<[u8; N]>::uninit();
    // One `memory.fill`; `black_box` makes the zeroes observable, so the
    // fill of this dead area is not removed as a dead store.
    // SAFETY: writes exactly the bytes of `area`.
    unsafe { std::ptr::write_bytes(area.as_mut_ptr().cast::<u8>(), 0, N) };
    std::hint::black_box(&mut area);
}

/// Runs `f` in its own frame, then zeroes the stack it used.
#[inline(never)]
pub fn scrubbed<T>(f: impl FnOnce() -> T) -> T {
    let out = run(f);
    scrub_stack::<CARD_SCRUB_BYTES>();
    out
}

#[inline(never)]
fn run<T>(f: impl FnOnce() -> T) -> T {
    f()
}

/// A future whose every poll is followed by [`scrub_stack`]: an `async`
/// body keeps its temporaries (a decoded request, the built order) in the
/// frame of its `poll`, which ends before the scrub.
pub struct Scrubbed<F>(Pin<Box<F>>);

/// Wraps `future` in [`Scrubbed`].
pub fn scrubbed_future<F: Future>(future: F) -> Scrubbed<F> {
    Scrubbed(Box::pin(future))
}

impl<F: Future> Future for Scrubbed<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let out = poll_once(self.0.as_mut(), cx);
        scrub_stack::<SCRUB_BYTES>();
        out
    }
}

#[inline(never)]
fn poll_once<F: Future>(future: Pin<&mut F>, cx: &mut Context<'_>) -> Poll<F::Output> {
    future.poll(cx)
}
