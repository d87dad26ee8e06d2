//! The card entry, `razorpay-checkout-wasm/card`: `validateCard`,
//! `inspectNumber`, `cardNetwork` and `parseExpiry`, and `bindCardFields`
//! (the card fields' binding, src/wasm/fields.js, over `editField`).
//!
//! No card rule here: the exports are thin raw-ABI shims over the main
//! crate's card engine (`src/card`) and its text protocol (`src/wire.rs`,
//! shared with the main entry and tested natively), linked with the main
//! crate's `checkout` feature off, so no checkout code, no serde, no JSON
//! writer and no wasm-bindgen reach this module. The JS side is one
//! hand-written file, `crates/card-wasm/card.js` (bundled with the
//! builders of src/wasm/card.js by scripts/build-card.sh). The module's one
//! import, `u.a`, is the browser's `/^\p{Alphabetic}$/u` for a name's
//! characters beyond ASCII (feature `platform-unicode`, src/card/name.rs);
//! it has no start function, and `init()` only compiles and instantiates it.
//!
//! ## The ABI
//!
//! - `a(len) -> ptr`: a zeroed buffer of `len` bytes (JS asks 3 bytes per
//!   UTF-16 unit), which JS fills (ASCII byte by byte, the rest with
//!   `TextEncoder.encodeInto`) and hands to one export, which owns and
//!   frees it;
//! - an export with a text answer returns the address of a static header,
//!   `[ptr, len, cap]` (three `u32`), for the text of src/wire.rs's
//!   `encode_*`, left where Rust wrote it; JS reads the header and the text,
//!   then frees the text with `f(ptr, cap)`. Both buffers are freed through
//!   the zero-on-free allocator, and each export runs in [`scrubbed`], so no
//!   card data is left in the linear memory (tests/e2e/card-entry.test.mjs
//!   scans it; scripts/test.sh shows the scan failing without wiping);
//! - `v(ptr, cap, card_len, options_len, flags, clock, start, end)`
//!   validateCard:
//!   the buffer holds the card's tagged string then the options' (bit 0 of
//!   `flags`: the card was nullish, bit 1: the options were); `clock` is
//!   `Date.now()` (NaN when it threw), used only when `now` is not given.
//!   With bit 2 or 3 of `flags` set it is parseExpiry or inspectNumber
//!   instead (one export for the three, 0.2 KB gzip less than three): the
//!   buffer holds the text (`card_len` bytes) and bits 4–5 are its kind (0
//!   a string, 1 nullish, 2 another type). For parseExpiry bits 6–7 are the
//!   kind of `now` (0 nullish, 1 a number, 2 another type) and `clock` is
//!   `now` when it is a number, else `Date.now()`.
//! - (cardNetwork has no export of its own: it is inspectNumber's
//!   network, which `wire::tests::card_network_is_the_inspections` pins
//!   to the main entry's `wire::network_of_partial`; 0.1 KB gzip);
//! - with bit 8 of `flags` set it is editField (bindCardFields's one
//!   call, src/wasm/fields.js; not a public export): the buffer holds the
//!   field's value (`card_len` bytes) then the edit's text (`options_len`),
//!   bits 12–15 are the `inputType`'s index (15 for none), bits 16–23 the
//!   field, and `start`, `end` (the export's last two arguments, unused
//!   otherwise) the selection; the answer is [`wire::edit_field`]'s, read
//!   as it is (no `K`).
//!
//! ## Adding an export
//!
//! 1. The decision in plain Rust in `src/card` (native tests), its text in
//!    and out in `src/wire.rs` (an `encode_*` function, native tests).
//! 2. Here, a branch of `v` on a new bit of `flags` (one export for all:
//!    each export of its own cost about 0.1 KB gzip), a few lines: `text(..)`
//!    for each string argument in the buffer, numbers in `flags` or the
//!    last arguments, a text answer returned for `result`.
//! 3. In crates/card-wasm/card.js, the JS function (`put` the strings, call
//!    `w.v` with the flag, `take` the answer's parts, decode them) and its
//!    export, and its declaration in crates/card-wasm/card.d.ts (the same
//!    signature as the main entry's, if it has one: tests/pkg/card.test.mjs
//!    compares them).
//! 4. Add its name to scripts/merge-card.mjs's list and cases to the
//!    input-by-input comparison in card.test.mjs; check the size with
//!    `node scripts/card-entry.mjs pkg` (budget 14,000 B gzip -9).
//!
//! The global allocator is a bump allocator that starts over whenever
//! nothing is live (`alloc::Bump`: between two calls; 0.1 KB gzip smaller
//! than `lol_alloc`'s free list, which was itself 2 KB smaller than the
//! standard dlmalloc), wrapped in the same zero-on-free [`WipingAlloc`] as
//! the main entry's. Keep no heap state between calls: a block kept alive
//! would stop the heap from starting over (and would be in memory when the
//! scan runs).
//!
//! [`WipingAlloc`]: razorpay_checkout_wasm::wasm::wipe::WipingAlloc
//! [`scrubbed`]: razorpay_checkout_wasm::wasm::wipe::scrubbed

#![deny(missing_docs)]

#[cfg(target_arch = "wasm32")]
mod exports {
    use razorpay_checkout_wasm::card::{inspect_number, utf8, validate_card};
    use razorpay_checkout_wasm::error::Error;
    use razorpay_checkout_wasm::value::Loose;
    use razorpay_checkout_wasm::wasm::wipe::scrubbed;
    use razorpay_checkout_wasm::wire;

    /// A zeroed buffer of `len` bytes for JS to write into.
    #[export_name = "a"]
    pub extern "C" fn alloc(len: usize) -> *mut u8 {
        std::mem::ManuallyDrop::new(vec![0_u8; len]).as_mut_ptr()
    }

    /// Frees (and so wipes) a buffer of [`alloc`] or an answer's text
    /// (`cap` its capacity, from the answer's header).
    ///
    /// # Safety
    /// `ptr` and `cap` are one such buffer's, freed once.
    #[export_name = "f"]
    pub unsafe extern "C" fn free(ptr: *mut u8, cap: usize) {
        // SAFETY: the caller's contract: a `Vec<u8>`'s buffer of capacity `cap`.
        drop(unsafe { Vec::from_raw_parts(ptr, 0, cap) });
    }

    /// Takes back the buffer of [`alloc`]: `cap` bytes, of which JS wrote
    /// the first ones (with `encodeInto`, so never split in a char).
    ///
    /// # Safety
    /// As [`free`]'s, for `ptr` and `cap`.
    unsafe fn input(ptr: *mut u8, cap: usize) -> Vec<u8> {
        // SAFETY: the caller's contract; all `cap` bytes were initialised (zeroed).
        unsafe { Vec::from_raw_parts(ptr, cap, cap) }
    }

    fn text(bytes: &[u8], from: usize, len: usize) -> &str {
        bytes
            .get(from..from.saturating_add(len))
            .and_then(utf8)
            .unwrap_or("")
    }

    /// The last answer's `[ptr, len, cap]`, which JS reads right after the
    /// call that returned its address (one thread: wasm in a page).
    struct Answer(std::cell::UnsafeCell<[usize; 3]>);
    // SAFETY: wasm32 without the atomics feature has a single thread.
    unsafe impl Sync for Answer {}
    static ANSWER: Answer = Answer(std::cell::UnsafeCell::new([0; 3]));

    /// An answer: its text left in place (no copy), its header in [`ANSWER`];
    /// JS frees the text with [`free`].
    fn out(text: String) -> *const usize {
        let mut text = std::mem::ManuallyDrop::new(text.into_bytes());
        let header = ANSWER.0.get();
        // SAFETY: one thread, and no reference to ANSWER is alive.
        unsafe { *header = [text.as_mut_ptr() as usize, text.len(), text.capacity()] };
        header.cast()
    }

    fn result(r: Result<String, Error>) -> *const usize {
        out(r.unwrap_or_else(|e| wire::encode_thrown(&e)))
    }

    /// validateCard, and parseExpiry, inspectNumber and editField by
    /// `flags` (see the module comment).
    ///
    /// # Safety
    /// `ptr`/`cap` a buffer of [`alloc`], given up.
    #[export_name = "v"]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn validate(
        ptr: *mut u8,
        cap: usize,
        card_len: usize,
        options_len: usize,
        flags: u32,
        clock: f64,
        start: u32,
        end: u32,
    ) -> *const usize {
        // SAFETY: the caller's contract.
        let buf = unsafe { input(ptr, cap) };
        scrubbed(|| {
            result((|| {
                if flags & 256 != 0 {
                    // editField (see the module comment).
                    return Ok(wire::edit_field(
                        flags >> 16,
                        (flags >> 12) & 15,
                        text(&buf, 0, card_len),
                        start,
                        end,
                        text(&buf, card_len, options_len),
                    ));
                }
                if flags & 8 != 0 {
                    // inspectNumber (see the module comment).
                    let s = match (flags >> 4) & 3 {
                        0 => text(&buf, 0, card_len),
                        1 => "",
                        _ => "x",
                    };
                    return Ok(wire::encode_inspection(&inspect_number(s)));
                }
                if flags & 4 != 0 {
                    // parseExpiry (see the module comment).
                    let now_value = match flags >> 6 {
                        0 => Loose::Absent,
                        // (As a float: `wire::now` reads an integer and a
                        // float of the same value alike, and refuses one
                        // that is not finite.)
                        1 => Loose::Float(clock),
                        _ => Loose::Compound,
                    };
                    let arg = match (flags >> 4) & 3 {
                        0 => wire::Arg::Text(text(&buf, 0, card_len)),
                        1 => wire::Arg::Nullish,
                        _ => wire::Arg::Other,
                    };
                    return wire::expiry(arg, &now_value, || clock)
                        .map(|f| wire::encode_expiry(&f.expiry_month, &f.expiry_year));
                }
                let options = wire::options(
                    (flags & 2 == 0).then(|| text(&buf, card_len, options_len)),
                    || clock,
                )?;
                let card = wire::card_input((flags & 1 == 0).then(|| text(&buf, 0, card_len)))?;
                Ok(wire::encode_validation(&validate_card(&card, &options)))
            })())
        })
    }
}

#[cfg(target_arch = "wasm32")]
mod alloc {
    use std::alloc::{GlobalAlloc, Layout};
    use std::cell::Cell;

    /// A bump allocator that starts over once every block is freed.
    ///
    /// Every export frees all it allocated before it returns, except its
    /// answer, which JS frees right after reading it (the buffer JS writes
    /// the arguments into is allocated just before the call and freed by
    /// it): between two calls nothing is live, so the heap is empty again
    /// and the next call reuses it from the start. A call needs at most the
    /// sum of its allocations (a few hundred bytes for a card; the memory
    /// grows for a larger argument and is reused after). About 0.13 KB gzip
    /// less than lol_alloc's free list (132 B). The blocks are zeroed as
    /// they are
    /// freed by the [`WipingAlloc`] around it, so the reused heap holds no
    /// card data either (tests/pkg/card.test.mjs checks that the memory
    /// stops growing over many calls).
    ///
    /// [`WipingAlloc`]: razorpay_checkout_wasm::wasm::wipe::WipingAlloc
    pub struct Bump {
        /// Where the heap starts (the memory's end when first used; 0: not yet).
        base: Cell<usize>,
        /// The end of the last block.
        top: Cell<usize>,
        /// How many blocks are live.
        live: Cell<usize>,
    }

    // SAFETY: wasm32 without the atomics feature has a single thread.
    unsafe impl Sync for Bump {}

    const PAGE: usize = 65_536;

    // SAFETY: a block is `size` bytes at an `align`-aligned address past
    // every other live block (the heap is reset only when none is live),
    // in memory the module owns (grown for it); fresh pages are zeroed.
    unsafe impl GlobalAlloc for Bump {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            use core::arch::wasm32::{memory_grow, memory_size};
            if self.base.get() == 0 {
                self.base.set(memory_size(0) * PAGE);
                self.top.set(self.base.get());
            }
            // (`align` is a power of two; no block is near the 4 GiB end.)
            let start = (self.top.get() + layout.align() - 1) & !(layout.align() - 1);
            let Some(end) = start.checked_add(layout.size()) else {
                return std::ptr::null_mut();
            };
            let have = memory_size(0) * PAGE;
            if end > have && memory_grow(0, (end - have).div_ceil(PAGE)) == usize::MAX {
                return std::ptr::null_mut();
            }
            self.top.set(end);
            self.live.set(self.live.get() + 1);
            start as *mut u8
        }

        unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {
            self.live.set(self.live.get() - 1);
            if self.live.get() == 0 {
                self.top.set(self.base.get());
            }
        }
    }

    #[cfg(not(feature = "insecure-no-wipe"))]
    #[global_allocator]
    static ALLOCATOR: razorpay_checkout_wasm::wasm::wipe::WipingAlloc<Bump> =
        razorpay_checkout_wasm::wasm::wipe::WipingAlloc(Bump {
            base: Cell::new(0),
            top: Cell::new(0),
            live: Cell::new(0),
        });

    // The negative control of the memory scan: the same allocator, not wiping.
    #[cfg(feature = "insecure-no-wipe")]
    #[global_allocator]
    static ALLOCATOR: Bump = Bump {
        base: Cell::new(0),
        top: Cell::new(0),
        live: Cell::new(0),
    };
}
