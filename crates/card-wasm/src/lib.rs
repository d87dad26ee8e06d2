//! The card entry, `razorpay-checkout-wasm/card`: `validateCard`,
//! `inspectNumber`, `cardNetwork` and `parseExpiry`, and `bindCardFields`
//! (the card fields' binding, src/wasm/fields.js, over `editField`).
//!
//! No code of its own beyond the allocator: the exports are the main
//! crate's `src/wasm/card.rs` (the same functions the main entry exports),
//! over the card engine of `src/card`, linked with the main crate's
//! `checkout` feature off, so no checkout code, no serde and no JSON
//! writer reach this module. Its global allocator is `lol_alloc`'s free
//! list (about 2 KB smaller than the standard dlmalloc) wrapped in the same
//! zero-on-free [`WipingAlloc`] as the main entry's.

#![deny(missing_docs)]

#[cfg(target_arch = "wasm32")]
pub use razorpay_checkout_wasm::wasm::card::{card_network_js, inspect_number_js, parse_expiry_js, validate_card_js};
// The card fields' edits, for `bindCardFields` (src/wasm/fields.js).
#[cfg(target_arch = "wasm32")]
pub use razorpay_checkout_wasm::wasm::fields::edit_field_js;

#[cfg(target_arch = "wasm32")]
mod alloc {
    use lol_alloc::{AssumeSingleThreaded, FreeListAllocator};

    /// lol_alloc's free list; wasm in the browser has one thread.
    type Inner = AssumeSingleThreaded<FreeListAllocator>;

    #[cfg(not(feature = "insecure-no-wipe"))]
    #[global_allocator]
    // SAFETY: wasm32 without the atomics feature has a single thread.
    static ALLOCATOR: razorpay_checkout_wasm::wasm::wipe::WipingAlloc<Inner> =
        razorpay_checkout_wasm::wasm::wipe::WipingAlloc(unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) });

    // The negative control of the memory scan: the same allocator, not wiping.
    #[cfg(feature = "insecure-no-wipe")]
    #[global_allocator]
    // SAFETY: as above.
    static ALLOCATOR: Inner = unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) };
}
