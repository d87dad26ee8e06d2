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
pub use expiry::{
    check_combined, parse_combined, parse_month, parse_year, Expiry, ExpiryFields, YearMonth,
};
pub use inspect::{format_digits, inspect_number, Inspection, NumberState};
pub use name::check_name;
pub use network::{detect, network_of, Detection, Network};
pub use number::{luhn, CardNumber};
pub use validate::{validate_card, Card, CardInput, CardValidation, ValidateOptions};

// Two primitives in two builds. With the `checkout` feature (the main
// entry, whose checkout code links the std's versions anyway) they are the
// std's; without it (the card entry) small hand-written ones, which the
// tests below pin to the std's. Same answers, fewer bytes where it matters.

/// `str::trim`: Unicode White_Space off both ends.
pub(crate) fn trim(text: &str) -> &str {
    #[cfg(feature = "checkout")]
    return text.trim();
    #[cfg(not(feature = "checkout"))]
    return trim_small(text);
}

/// `bytes` as a `&str` when they are UTF-8: `std::str::from_utf8(bytes).ok()`.
pub fn utf8(bytes: &[u8]) -> Option<&str> {
    #[cfg(feature = "checkout")]
    return std::str::from_utf8(bytes).ok();
    #[cfg(not(feature = "checkout"))]
    return utf8_small(bytes);
}

/// [`trim`] in one forward pass: the std's two-ended searchers cost the
/// card entry 0.6 KB.
#[cfg(any(test, not(feature = "checkout")))]
fn trim_small(text: &str) -> &str {
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

/// [`utf8`] by a small validator, byte by byte (well-formed: shortest
/// form, no surrogate, at most U+10FFFF): the std's, built for speed, costs
/// the card entry 0.6 KB (a test compares the two on every sequence of up
/// to three bytes and a sample of four-byte ones).
#[cfg(any(test, not(feature = "checkout")))]
fn utf8_small(bytes: &[u8]) -> Option<&str> {
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        let (len, min) = match lead {
            0x00..=0x7f => {
                i += 1;
                continue;
            }
            0xc2..=0xdf => (2, 0x80),
            0xe0..=0xef => (3, 0x800),
            0xf0..=0xf4 => (4, 0x1_0000),
            _ => return None,
        };
        let mut code = u32::from(lead) & (0xff >> (len + 1));
        for k in 1..len {
            let next = *bytes.get(i + k)?;
            if next & 0xc0 != 0x80 {
                return None;
            }
            code = code << 6 | u32::from(next & 0x3f);
        }
        if code < min || (0xd800..=0xdfff).contains(&code) || code > 0x10_ffff {
            return None;
        }
        i += len;
    }
    // SAFETY: every sequence of `bytes` was checked above to be one
    // well-formed UTF-8 scalar value.
    Some(unsafe { std::str::from_utf8_unchecked(bytes) })
}

#[cfg(test)]
mod tests {
    #[test]
    fn utf8_is_std_from_utf8() {
        let same =
            |b: &[u8]| assert_eq!(super::utf8_small(b), std::str::from_utf8(b).ok(), "{b:x?}");
        for a in 0..=255u8 {
            same(&[a]);
            for b in 0..=255u8 {
                same(&[a, b]);
                if a >= 0xc0 {
                    for c in 0..=255u8 {
                        same(&[a, b, c]);
                    }
                }
            }
        }
        // Four-byte sequences around every boundary, and mixed text.
        for a in 0xe0..=0xffu8 {
            for b in [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff] {
                for c in [0x7f, 0x80, 0xbf, 0xc0] {
                    for d in [0x41, 0x7f, 0x80, 0xbf, 0xc0] {
                        same(&[a, b, c, d]);
                    }
                }
            }
        }
        for text in [
            "",
            "Gaurav Kumar",
            "गौरव कुमार",
            "Ngô Bảo Châu",
            "A😀B",
            "\u{10ffff}",
            "\u{feff}x",
        ] {
            same(text.as_bytes());
            same(&text.as_bytes()[..text.len().saturating_sub(1)]);
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for t in [
            "",
            " ",
            "a",
            " a ",
            "\u{a0}12\u{3000}",
            "\t\n x y \u{2028}",
            "é ",
            " \u{85}ü\u{feff}",
            "\u{200b}a",
        ] {
            assert_eq!(super::trim_small(t), t.trim(), "{t:?}");
        }
    }
}
