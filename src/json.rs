//! A small serde `Serializer` that writes JSON text.
//!
//! The browser edge turns every result into a plain JS object and every
//! request into JSON text. Writing the text here and handing it to the
//! platform's `JSON.parse` (or straight to `fetch`) keeps the shipped `.wasm`
//! small: no serde-wasm-bindgen serializer, no `core::fmt` number printing.
//! Integers are written by hand; the rare non-integral number (a merchant's
//! note) is written by a formatter the caller passes in (in the browser:
//! JavaScript's own `Number.prototype.toString`).
//!
//! Maps and structs become objects, `None` and unit become `null`, unit
//! enum variants their name: the JSON a `serde_json` user would expect.
//!
//! # Example
//! ```
//! use razorpay_checkout_wasm::json::to_json;
//! #[derive(serde::Serialize)]
//! struct Card<'a> { number: &'a str, cvv: Option<&'a str>, amount: u32 }
//! let text = to_json(&Card { number: "41", cvv: None, amount: 100 }, |v, out| out.push_str(&v.to_string())).unwrap();
//! assert_eq!(text, r#"{"number":"41","cvv":null,"amount":100}"#);
//! ```

use std::fmt;

use serde::ser::{self, Serialize};

use crate::value::SAFE_INT;

/// Writes a finite non-integral `f64` as JSON (the caller's choice of formatter).
pub type FloatWriter = fn(f64, &mut String);

/// A value that cannot be written as JSON (a non-finite number, a map key
/// that is not a string, bytes). It carries no message, for size.
#[derive(Debug, PartialEq, Eq)]
pub struct JsonError;

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the value cannot be written as JSON")
    }
}

impl std::error::Error for JsonError {}

impl ser::Error for JsonError {
    fn custom<T: fmt::Display>(_: T) -> JsonError {
        JsonError
    }
}

/// The JSON text of `value`.
///
/// # Errors
/// [`JsonError`] for a non-finite number, a non-string map key or bytes.
pub fn to_json<T: Serialize + ?Sized>(value: &T, float: FloatWriter) -> Result<String, JsonError> {
    let mut w = Writer {
        out: String::with_capacity(256),
        float,
    };
    value.serialize(&mut w)?;
    Ok(w.out)
}

struct Writer {
    out: String,
    float: FloatWriter,
}

impl Writer {
    fn uint(&mut self, mut v: u64) {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        loop {
            i -= 1;
            if let Some(slot) = buf.get_mut(i) {
                *slot = b'0' + (v % 10) as u8;
            }
            v /= 10;
            if v == 0 || i == 0 {
                break;
            }
        }
        for &b in buf.get(i..).unwrap_or(&[]) {
            self.out.push(char::from(b));
        }
    }

    fn int(&mut self, v: i64) {
        if v < 0 {
            self.out.push('-');
        }
        self.uint(v.unsigned_abs());
    }

    fn float(&mut self, v: f64) -> Result<(), JsonError> {
        if !v.is_finite() {
            return Err(JsonError);
        }
        if v.fract() == 0.0 && v.abs() <= SAFE_INT {
            self.int(v as i64);
        } else {
            (self.float)(v, &mut self.out);
        }
        Ok(())
    }

    fn string(&mut self, s: &str) {
        push_str_literal(&mut self.out, s);
    }
}

/// Appends `s` to `out` as a JSON string literal (no serde: the card
/// entry's errors are written with it, see [`crate::error::Error::write_json`]).
pub fn push_str_literal(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Copy runs of plain text whole; only `"`, `\\` and control
    // characters (all ASCII, so every cut is on a char boundary) are escaped.
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        start = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            out.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

/// An object or array being written.
pub struct Compound<'a> {
    w: &'a mut Writer,
    first: bool,
    close: char,
}

impl Compound<'_> {
    fn comma(&mut self) {
        if !self.first {
            self.w.out.push(',');
        }
        self.first = false;
    }

    fn end(self) {
        self.w.out.push(self.close);
    }
}

fn open(w: &mut Writer, open: char, close: char) -> Compound<'_> {
    w.out.push(open);
    Compound {
        w,
        first: true,
        close,
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = ser::Impossible<(), JsonError>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = ser::Impossible<(), JsonError>;

    fn serialize_bool(self, v: bool) -> Result<(), JsonError> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), JsonError> {
        self.int(v.into());
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<(), JsonError> {
        self.int(v.into());
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<(), JsonError> {
        self.int(v.into());
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), JsonError> {
        self.int(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), JsonError> {
        self.uint(v.into());
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<(), JsonError> {
        self.uint(v.into());
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), JsonError> {
        self.uint(v.into());
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), JsonError> {
        self.uint(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), JsonError> {
        self.float(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), JsonError> {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Result<(), JsonError> {
        let mut buf = [0u8; 4];
        self.string(v.encode_utf8(&mut buf));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), JsonError> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_none(self) -> Result<(), JsonError> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), JsonError> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), JsonError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), JsonError> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        self.out.push('{');
        self.string(variant);
        self.out.push(':');
        value.serialize(&mut *self)?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, JsonError> {
        Ok(open(self, '[', ']'))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, JsonError> {
        Ok(open(self, '[', ']'))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, JsonError> {
        Ok(open(self, '[', ']'))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, JsonError> {
        Err(JsonError)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, JsonError> {
        Ok(open(self, '{', '}'))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, JsonError> {
        Ok(open(self, '{', '}'))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, JsonError> {
        Err(JsonError)
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        self.comma();
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), JsonError> {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), JsonError> {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), JsonError> {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), JsonError> {
        self.comma();
        key.serialize(KeyWriter(&mut *self.w))?;
        self.w.out.push(':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), JsonError> {
        Compound::end(self);
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        self.comma();
        self.w.string(key);
        self.w.out.push(':');
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), JsonError> {
        Compound::end(self);
        Ok(())
    }
}

/// Map keys: strings only (as in JSON).
struct KeyWriter<'a>(&'a mut Writer);

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = ser::Impossible<(), JsonError>;
    type SerializeTuple = ser::Impossible<(), JsonError>;
    type SerializeTupleStruct = ser::Impossible<(), JsonError>;
    type SerializeTupleVariant = ser::Impossible<(), JsonError>;
    type SerializeMap = ser::Impossible<(), JsonError>;
    type SerializeStruct = ser::Impossible<(), JsonError>;
    type SerializeStructVariant = ser::Impossible<(), JsonError>;

    fn serialize_str(self, v: &str) -> Result<(), JsonError> {
        self.0.string(v);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), JsonError> {
        self.0.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_i8(self, _: i8) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_i16(self, _: i16) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_i32(self, _: i32) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_i64(self, _: i64) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_u8(self, _: u8) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_u16(self, _: u16) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_u32(self, _: u32) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_u64(self, _: u64) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_f32(self, _: f32) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_f64(self, _: f64) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_char(self, _: char) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_none(self) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_unit(self) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), JsonError> {
        Err(JsonError)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, JsonError> {
        Err(JsonError)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, JsonError> {
        Err(JsonError)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, JsonError> {
        Err(JsonError)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, JsonError> {
        Err(JsonError)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, JsonError> {
        Err(JsonError)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, JsonError> {
        Err(JsonError)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, JsonError> {
        Err(JsonError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn std_float(v: f64, out: &mut String) {
        out.push_str(&v.to_string());
    }

    fn same_as_serde_json<T: Serialize>(value: &T) {
        let ours = to_json(value, std_float).unwrap();
        let parsed: Value = serde_json::from_str(&ours).unwrap_or_else(|e| panic!("{ours}: {e}"));
        assert_eq!(parsed, serde_json::to_value(value).unwrap(), "{ours}");
    }

    #[test]
    fn writes_what_serde_json_writes() {
        same_as_serde_json(&json!({
            "s": "quote \" backslash \\ newline \n tab \t bell \u{7} unicode é ₹ 😀",
            "i": -9_007_199_254_740_991_i64, "u": u64::MAX, "zero": 0, "f": 1.5, "neg": -0.25,
            "big": 1e300, "t": true, "f2": false, "n": null,
            "a": [1, "two", [], {}], "o": {"nested": {"k": [null]}}
        }));
        same_as_serde_json(&Some(3_u8));
        same_as_serde_json(&None::<u8>);
        same_as_serde_json(&vec![(1_i32, "x")]);
        same_as_serde_json(&'x');
    }

    #[test]
    fn integral_floats_are_integers_and_others_use_the_callers_formatter() {
        assert_eq!(to_json(&100.0_f64, std_float).unwrap(), "100");
        assert_eq!(to_json(&-330.0_f64, std_float).unwrap(), "-330");
        assert_eq!(
            to_json(&0.5_f64, |_, out| out.push_str("HALF")).unwrap(),
            "HALF"
        );
        assert_eq!(to_json(&f64::NAN, std_float), Err(JsonError));
        assert_eq!(to_json(&f64::INFINITY, std_float), Err(JsonError));
    }

    #[test]
    fn derived_shapes_match_serde_json() {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        enum Kind {
            UnitVariant,
        }
        #[derive(serde::Serialize)]
        #[serde(tag = "status", rename_all = "snake_case")]
        enum Outcome {
            Paid { payment_id: String },
            Redirecting { url: Option<String> },
        }
        #[derive(serde::Serialize)]
        struct S {
            kind: Kind,
            #[serde(skip_serializing_if = "Option::is_none")]
            skipped: Option<u8>,
            outcomes: Vec<Outcome>,
            map: std::collections::BTreeMap<String, u32>,
        }
        same_as_serde_json(&S {
            kind: Kind::UnitVariant,
            skipped: None,
            outcomes: vec![
                Outcome::Paid {
                    payment_id: "pay_1".into(),
                },
                Outcome::Redirecting { url: None },
            ],
            map: [("a".to_owned(), 1)].into_iter().collect(),
        });
    }

    #[test]
    fn non_string_keys_and_bytes_are_errors_not_panics() {
        let m: std::collections::BTreeMap<u8, u8> = [(1, 2)].into_iter().collect();
        assert_eq!(to_json(&m, std_float), Err(JsonError));
        assert_eq!(to_json(&serde_bytes_like(), std_float), Err(JsonError));
    }

    struct Bytes;
    impl Serialize for Bytes {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(b"x")
        }
    }
    fn serde_bytes_like() -> Bytes {
        Bytes
    }
}
