//! The card engine: pure Rust, no browser APIs, tested natively.
//!
//! - [`number`]: normalising typed numbers, Luhn, [`CardNumber`] (masked `Debug`);
//! - [`network`]: IIN ranges, per-network lengths, CVV length and grouping;
//! - [`inspect`]: the as-you-type view ([`inspect_number`]);
//! - [`expiry`]: `MM`, `YY`/`YYYY` and combined expiry fields;
//! - [`cvv`] and [`name`]: the other fields;
//! - [`edit`]: what a keystroke, paste, IME or autofill does to a card field;
//! - [`validate`]: the whole card at once ([`validate_card`]).

pub mod cvv;
pub mod edit;
pub mod expiry;
pub mod inspect;
pub mod name;
pub mod network;
pub mod number;
pub mod validate;

pub use cvv::check_cvv;
pub use expiry::{parse_combined, parse_month, parse_year, Expiry, ExpiryFields, YearMonth};
pub use inspect::{format_digits, inspect_number, Inspection, NumberState};
pub use name::check_name;
pub use network::{detect, network_of, Detection, Network};
pub use number::{luhn, CardNumber};
pub use validate::{validate_card, Card, CardInput, CardValidation, ValidateOptions};
