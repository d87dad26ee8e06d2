//! Card numbers: normalising what the shopper typed, the Luhn check, and a
//! type that never shows the number in `Debug` output.

use std::fmt;

use crate::error::{Error, ErrorKind};

/// The most digits any card number has.
pub const MAX_DIGITS: usize = 19;
/// The fewest digits any card number has.
pub const MIN_DIGITS: usize = 12;

/// Characters a shopper may type between digits: spaces and dashes.
pub(crate) fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '\t' | '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// Up to [`MAX_DIGITS`] ASCII digits, held inline (no heap copy of a card
/// number) and wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Digits {
    buf: [u8; MAX_DIGITS],
    len: u8,
}

/// What [`scan`] found in a typed number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scan {
    /// Only digits and separators, at most [`MAX_DIGITS`] digits.
    Digits(Digits),
    /// Only digits and separators, but more than [`MAX_DIGITS`] digits.
    TooLong,
    /// Something that is neither a digit nor a separator.
    BadCharacter,
}

/// Strips separators from `input` and sorts it into a [`Scan`].
///
/// Runs in one pass and stops copying at [`MAX_DIGITS`], so a 10 000
/// character paste costs one scan and no allocation.
pub fn scan(input: &str) -> Scan {
    let mut d = Digits {
        buf: [0; MAX_DIGITS],
        len: 0,
    };
    let mut too_long = false;
    for c in input.chars() {
        if c.is_ascii_digit() {
            match d.buf.get_mut(usize::from(d.len)) {
                Some(slot) => {
                    *slot = c as u8;
                    d.len += 1;
                }
                None => too_long = true,
            }
        } else if !is_separator(c) {
            return Scan::BadCharacter;
        }
    }
    if too_long {
        Scan::TooLong
    } else {
        Scan::Digits(d)
    }
}

impl Digits {
    /// The digits as a string slice.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        super::utf8(self.as_bytes()).unwrap_or("")
    }
    /// The digits as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or(&[])
    }
    /// How many digits.
    pub fn len(&self) -> usize {
        self.len as usize
    }
    /// True when there are no digits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The last four digits (fewer when shorter).
    pub fn last4(&self) -> &str {
        let s = self.as_str();
        s.get(s.len().saturating_sub(4)..).unwrap_or(s)
    }
    /// The first `n` digits as a number (fewer when shorter), saturating
    /// at `u32::MAX` (ten digits or more can overflow).
    pub fn prefix_value(&self, n: usize) -> u32 {
        self.as_bytes().iter().take(n).fold(0u32, |acc, b| {
            acc.saturating_mul(10)
                .saturating_add(u32::from(b.wrapping_sub(b'0')))
        })
    }
}

impl Drop for Digits {
    fn drop(&mut self) {
        for b in self.buf.iter_mut() {
            // Volatile so the wipe is not optimised away.
            // SAFETY: `b` is a valid, aligned, exclusive reference.
            unsafe { std::ptr::write_volatile(b, 0) };
        }
        std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
    }
}

impl fmt::Debug for Digits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("**** ")?;
        f.write_str(self.last4())
    }
}

/// The Luhn (mod 10) check.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::card::luhn;
/// assert!(luhn(b"4100280000001007"));
/// assert!(!luhn(b"4100280000001008"));
/// ```
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.iter().rev().enumerate() {
        let mut d = u32::from(b.wrapping_sub(b'0'));
        if d > 9 {
            return false;
        }
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

/// A card number that passed the format checks: digits only, 12–19 of them.
///
/// Its `Debug` output shows only the last four digits, and its memory is
/// wiped when it is dropped.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::card::CardNumber;
/// let n = CardNumber::parse("4100 2800 0000 1007").unwrap();
/// assert_eq!(n.as_str(), "4100280000001007");
/// assert_eq!(format!("{n:?}"), "CardNumber(**** 1007)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(Digits);

impl CardNumber {
    /// Normalises and checks the format (not Luhn, not the network).
    ///
    /// # Errors
    /// `required`, `invalid_characters` or `invalid_length` on `number`.
    pub fn parse(input: &str) -> Result<CardNumber, Error> {
        match scan(input) {
            Scan::BadCharacter => Err(Error::invalid(
                ErrorKind::InvalidCharacters,
                "number",
                "The number may contain only digits, spaces and dashes",
            )),
            Scan::TooLong => Err(length_error()),
            Scan::Digits(d) if d.is_empty() => Err(Error::required("number")),
            Scan::Digits(d) if d.len() < MIN_DIGITS => Err(length_error()),
            Scan::Digits(d) => Ok(CardNumber(d)),
        }
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
    /// The digits, borrowed as [`Digits`].
    pub fn digits(&self) -> &Digits {
        &self.0
    }
    /// The last four digits.
    pub fn last4(&self) -> &str {
        self.0.last4()
    }
}

pub(crate) fn length_error() -> Error {
    Error::invalid(
        ErrorKind::InvalidLength,
        "number",
        "The number must be between 12 and 19 digits",
    )
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CardNumber(")?;
        fmt::Debug::fmt(&self.0, f)?;
        f.write_str(")")
    }
}

impl serde::Serialize for CardNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_table() {
        let table: &[(&str, bool)] = &[
            ("4100280000001007", true),
            ("5500670000001002", true),
            ("6527658900001005", true),
            ("36082800091007", true),
            ("340256000401007", true),
            ("4111111111111111", true),
            ("4111111111111112", false),
            ("0000000000000", true),
            ("79927398713", true),
            ("79927398710", false),
            ("", false),
        ];
        for (n, want) in table {
            assert_eq!(luhn(n.as_bytes()), *want, "{n}");
        }
    }

    #[test]
    fn parse_table() {
        let ok: &[(&str, &str)] = &[
            ("4100 2800 0000 1007", "4100280000001007"),
            ("4100-2800-0000-1007", "4100280000001007"),
            ("  4100280000001007 ", "4100280000001007"),
            ("4100\u{a0}2800\t0000 1007", "4100280000001007"),
            ("123456789012", "123456789012"),
            ("1234567890123456789", "1234567890123456789"),
        ];
        for (input, want) in ok {
            assert_eq!(CardNumber::parse(input).unwrap().as_str(), *want);
        }
        let bad: &[(&str, ErrorKind)] = &[
            ("", ErrorKind::Required),
            ("   ", ErrorKind::Required),
            ("4100 2800 0000 100a", ErrorKind::InvalidCharacters),
            ("4100.2800.0000.1007", ErrorKind::InvalidCharacters),
            (
                "４１００２８００００００１００７",
                ErrorKind::InvalidCharacters,
            ),
            ("12345678901", ErrorKind::InvalidLength),
            ("12345678901234567890", ErrorKind::InvalidLength),
        ];
        for (input, kind) in bad {
            let e = CardNumber::parse(input).unwrap_err();
            assert_eq!(e.kind(), *kind, "{input:?}");
            assert_eq!(e.field(), Some("number"));
        }
        let huge = "4".repeat(10_000);
        assert_eq!(
            CardNumber::parse(&huge).unwrap_err().kind(),
            ErrorKind::InvalidLength
        );
    }

    #[test]
    fn prefix_value_saturates() {
        // Found by fuzz/ (card_number): ten digits or more overflowed.
        let n = CardNumber::parse("9999999999999999").unwrap();
        assert_eq!(n.digits().prefix_value(6), 999_999);
        assert_eq!(n.digits().prefix_value(19), u32::MAX);
        assert_eq!(n.digits().prefix_value(0), 0);
    }

    #[test]
    fn debug_masks_to_last_four() {
        let n = CardNumber::parse("4100280000001007").unwrap();
        let shown = format!("{n:?} {:?}", n.digits());
        assert!(!shown.contains("41002800"), "{shown}");
        assert!(shown.contains("1007"));
    }
}
