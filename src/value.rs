//! A leniently decoded input value.
//!
//! Merchant pages pass whatever their forms hold: strings, numbers, `null`,
//! `undefined`, sometimes an object by mistake. [`Loose`] accepts any of them
//! during decoding so that a wrong type becomes a typed validation error on
//! the right field rather than a decoding failure for the whole object.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::{concat, Error, ErrorKind};

/// One input value of any JS type.
#[derive(Clone, PartialEq, Default)]
pub enum Loose {
    /// The property is not there (or is `undefined`).
    #[default]
    Absent,
    /// `null`.
    Null,
    /// A string, as given (not trimmed).
    Str(String),
    /// An integer (a JS number with no fraction, within ±2^53).
    Int(i64),
    /// A number with a fraction, or out of the safe-integer range.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// An array or an object.
    Compound,
}

impl fmt::Debug for Loose {
    // Never prints the value: a `Loose` may hold a card number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Loose::Absent => "Absent",
            Loose::Null => "Null",
            Loose::Str(_) => "Str(..)",
            Loose::Int(_) => "Int(..)",
            Loose::Float(_) => "Float(..)",
            Loose::Bool(_) => "Bool(..)",
            Loose::Compound => "Compound",
        })
    }
}

impl From<&str> for Loose {
    fn from(s: &str) -> Loose {
        Loose::Str(s.to_owned())
    }
}

impl Loose {
    /// True when absent, `null`, or a string that is blank after trimming.
    pub fn is_blank(&self) -> bool {
        match self {
            Loose::Absent | Loose::Null => true,
            Loose::Str(s) => s.chars().all(char::is_whitespace),
            _ => false,
        }
    }

    /// The value as text, for fields that must be strings (a card number,
    /// a CVV: a JS number would have lost leading zeros).
    ///
    /// `Ok(None)` when blank.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidType`] on `field` for any non-string value.
    pub fn text(&self, field: &'static str) -> Result<Option<&str>, Error> {
        match self {
            _ if self.is_blank() => Ok(None),
            Loose::Str(s) => Ok(Some(s.as_str())),
            _ => Err(type_error(field, "a string")),
        }
    }

    /// The value as text, accepting integers too (expiry months and years
    /// arrive as numbers from token entities and `<input type=number>`).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidType`] on `field` for other types.
    /// An integer is written into `buf` (no allocation), a string borrowed.
    pub fn text_or_int<'a>(
        &'a self,
        field: &'static str,
        buf: &'a mut [u8; 20],
    ) -> Result<Option<&'a str>, Error> {
        match self {
            Loose::Int(i) if *i >= 0 => Ok(Some(decimal(i.unsigned_abs(), buf))),
            _ => self.text(field),
        }
    }
}

/// `n` in decimal in `buf`, without the std's integer formatting (0.1 KB
/// in the card entry). (From the end: a JS safe integer has at most 16
/// digits, a `u64` 20.)
fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        i -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.get(i..).and_then(crate::card::utf8).unwrap_or("")
}

/// `The <field> must be <what>` as an [`ErrorKind::InvalidType`] error.
pub(crate) fn type_error(field: &'static str, what: &str) -> Error {
    Error::invalid(
        ErrorKind::InvalidType,
        field,
        concat(&["The ", crate::error::leaf(field), " must be ", what]),
    )
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Loose, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
}

struct LooseVisitor;

/// `Number.MAX_SAFE_INTEGER`: JS numbers up to it are exact integers.
pub const SAFE_INT: f64 = 9_007_199_254_740_991.0;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Loose, E> {
        Ok(Loose::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose, E> {
        Ok(Loose::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose, E> {
        Ok(i64::try_from(v)
            .map(Loose::Int)
            .unwrap_or(Loose::Float(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose, E> {
        if v.fract() == 0.0 && v.abs() <= SAFE_INT {
            Ok(Loose::Int(v as i64))
        } else {
            Ok(Loose::Float(v))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose, E> {
        Ok(Loose::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Loose, E> {
        Ok(Loose::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Loose, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Loose::Compound)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose::Compound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_json_type() {
        let cases: &[(&str, Loose)] = &[
            ("\"12\"", Loose::Str("12".into())),
            ("12", Loose::Int(12)),
            ("1.5", Loose::Float(1.5)),
            ("null", Loose::Null),
            ("true", Loose::Bool(true)),
            ("[1,2]", Loose::Compound),
            ("{\"a\":{\"b\":1}}", Loose::Compound),
        ];
        for (json, want) in cases {
            let got: Loose = serde_json::from_str(json).unwrap();
            assert_eq!(&got, want, "{json}");
        }
    }

    #[test]
    fn text_refuses_non_strings() {
        assert_eq!(
            Loose::Int(4).text("cvv").unwrap_err().kind(),
            ErrorKind::InvalidType
        );
        assert_eq!(Loose::Null.text("cvv").unwrap(), None);
        assert_eq!(Loose::from("  ").text("cvv").unwrap(), None);
        assert_eq!(
            Loose::Int(7)
                .text_or_int("expiry_month", &mut [0; 20])
                .unwrap(),
            Some("7")
        );
        assert_eq!(
            Loose::Int(9_007_199_254_740_991)
                .text_or_int("expiry_year", &mut [0; 20])
                .unwrap(),
            Some("9007199254740991")
        );
        assert_eq!(
            Loose::from("12")
                .text_or_int("expiry_month", &mut [0; 20])
                .unwrap(),
            Some("12")
        );
        assert!(Loose::Int(-7)
            .text_or_int("expiry_month", &mut [0; 20])
            .is_err());
    }

    #[test]
    fn debug_never_shows_the_value() {
        assert_eq!(format!("{:?}", Loose::from("4111111111111111")), "Str(..)");
    }
}
