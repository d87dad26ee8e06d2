//! The one input model: a value tree, and its leniently read scalars.
//!
//! Merchant pages pass whatever their forms hold: strings, numbers, `null`,
//! `undefined`, sometimes an object by mistake. Whatever comes in (a JS
//! value in the browser, JSON on a server) is first a [`Tree`]: in the
//! browser src/wasm/walk.rs builds it from the `JsValue`, natively serde
//! does ([`Tree`]'s one `Deserialize`). Typed readers ([`FromTree`]) then
//! take it apart. A scalar is a [`Loose`], which accepts any JS type, so
//! that a wrong type becomes a typed validation error on the right field
//! rather than a decoding failure for the whole object.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

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
    /// An array or an object (or a function, a symbol, a `BigInt`: no
    /// scalar an input takes).
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

/// `n` in decimal, without the std's integer formatting (`core::fmt`'s
/// `Display` for integers and its padding: 0.5 KB gzip of the main entry's
/// `.wasm`, 2026-12-02).
pub fn int_text(n: i64) -> String {
    let mut buf = [0; 20];
    let digits = decimal(n.unsigned_abs(), &mut buf);
    if n < 0 {
        concat(&["-", digits])
    } else {
        digits.to_owned()
    }
}

/// `The <field> must be <what>` as an [`ErrorKind::InvalidType`] error.
pub(crate) fn type_error(field: &'static str, what: &str) -> Error {
    Error::invalid(
        ErrorKind::InvalidType,
        field,
        concat(&["The ", crate::error::leaf(field), " must be ", what]),
    )
}

/// `Number.MAX_SAFE_INTEGER`: JS numbers up to it are exact integers.
pub const SAFE_INT: f64 = 9_007_199_254_740_991.0;

/// One input value, whole: a scalar, or an array or object of values. An
/// object keeps its keys in the order given (a repeated key: each, in
/// turn; the readers keep the last, as `JSON.parse` does).
#[derive(Clone, PartialEq)]
pub enum Tree {
    /// A string, number, boolean or `null` ([`Loose::Absent`] for a value
    /// not there; [`Loose::Compound`] for one not walked).
    Scalar(Loose),
    /// An array.
    Array(Vec<Tree>),
    /// An object's own `[key, value]` entries.
    Object(Vec<(String, Tree)>),
}

impl Default for Tree {
    fn default() -> Tree {
        Tree::Scalar(Loose::Absent)
    }
}

impl fmt::Debug for Tree {
    // Shapes and keys only: a tree may hold a card number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tree::Scalar(l) => l.fmt(f),
            Tree::Array(items) => f.debug_list().entries(items).finish(),
            Tree::Object(entries) => f
                .debug_map()
                .entries(entries.iter().map(|(k, v)| (k, v)))
                .finish(),
        }
    }
}

/// A typed reader of a [`Tree`]: it never fails, a wrong type is kept as
/// a marker that validation turns into an error on the right field.
pub trait FromTree: Sized {
    /// Reads `tree` (taking its strings, never copying them).
    fn from_tree(tree: Tree) -> Self;
}

impl FromTree for Loose {
    /// The scalar; an array or object is [`Loose::Compound`].
    fn from_tree(tree: Tree) -> Loose {
        match tree {
            Tree::Scalar(l) => l,
            _ => Loose::Compound,
        }
    }
}

/// Implements `Deserialize` for [`FromTree`] types through [`Tree`]: how
/// servers and tests decode them with serde (the browser never does).
#[macro_export]
#[doc(hidden)]
macro_rules! deserialize_by_tree {
    ($($ty:ty),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                <$crate::value::Tree as serde::Deserialize>::deserialize(d)
                    .map(<$ty as $crate::value::FromTree>::from_tree)
            }
        }
    )*};
}

deserialize_by_tree!(Loose);

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tree, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

fn scalar<E>(l: Loose) -> Result<Tree, E> {
    Ok(Tree::Scalar(l))
}

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Tree, E> {
        scalar(Loose::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Tree, E> {
        scalar(Loose::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Tree, E> {
        scalar(
            i64::try_from(v)
                .map(Loose::Int)
                .unwrap_or(Loose::Float(v as f64)),
        )
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Tree, E> {
        scalar(crate::wire::loose_number(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Tree, E> {
        scalar(Loose::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Tree, E> {
        scalar(Loose::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Tree, E> {
        scalar(Loose::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Tree, E> {
        scalar(Loose::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Tree, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Tree>()? {
            items.push(item);
        }
        Ok(Tree::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Tree>()? {
            entries.push(entry);
        }
        Ok(Tree::Object(entries))
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
    fn int_text_is_display() {
        for n in [0, 7, -7, 65_535, i64::MAX, i64::MIN, -9_007_199_254_740_991] {
            assert_eq!(int_text(n), n.to_string());
        }
    }

    #[test]
    fn debug_never_shows_the_value() {
        assert_eq!(format!("{:?}", Loose::from("4111111111111111")), "Str(..)");
    }
}
