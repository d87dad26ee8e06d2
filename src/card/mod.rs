//! The card engine: pure Rust, no browser APIs, tested natively.
//!
//! - [`number`]: normalising typed numbers, Luhn, [`CardNumber`] (masked `Debug`);
//! - [`network`]: IIN ranges, per-network lengths, CVV length and grouping;
//! - [`inspect`]: the as-you-type view ([`inspect_number`]);
//! - [`expiry`]: `MM`, `YY`/`YYYY` and combined expiry fields;
//! - [`cvv`] and [`name`]: the other fields;
//! - [`validate`]: the whole card at once ([`validate_card`]).

pub mod cvv;
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

/// `str::trim` (Unicode White_Space at both ends), in one forward pass:
/// the std's two-ended searchers cost the card entry 0.6 KB.
pub(crate) fn trim(text: &str) -> &str {
    let mut start = None;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if !c.is_whitespace() {
            start.get_or_insert(i);
            end = i + c.len_utf8();
        }
    }
    start.and_then(|s| text.get(s..end)).unwrap_or("")
}

#[cfg(test)]
mod tests {
    #[test]
    fn trim_is_str_trim() {
        for t in ["", " ", "a", " a ", "\u{a0}12\u{3000}", "\t\n x y \u{2028}", "é ", " \u{85}ü\u{feff}", "\u{200b}a"] {
            assert_eq!(super::trim(t), t.trim(), "{t:?}");
        }
    }
}
