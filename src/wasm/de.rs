//! A small serde `Deserializer` over a `JsValue`.
//!
//! It replaces serde-wasm-bindgen on the decoding side for one reason:
//! size. Its error type carries no message (every caller turns a decoding
//! failure into its own typed [`Error`](crate::error::Error) anyway), so
//! serde's formatting of "invalid type: floating point `1.5`, expected …"
//! — and with it the float-printing code of `core` — never reaches the
//! `.wasm` that ships to shoppers.
//!
//! Values decode as serde-wasm-bindgen decodes them: `undefined` and `null`
//! are unit / `None`; a number that is a safe integer visits `i64`, any
//! other number `f64`; strings, booleans, arrays and plain objects (through
//! `Object.entries`, so unknown keys and aliases work; an entry whose value
//! is `undefined` is skipped, as `JSON.stringify` skips it) as themselves.
//! Anything else (functions, symbols, `BigInt`s) is an error.

use std::fmt;

use serde::de::value::StringDeserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use wasm_bindgen::JsValue;

use super::js;

use crate::value::SAFE_INT;

/// A decoding failure, without a message (see the module docs).
#[derive(Debug)]
pub struct DeError;

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the value does not have the expected shape")
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    // The message is dropped unformatted: see the module docs.
    fn custom<T: fmt::Display>(_: T) -> DeError {
        DeError
    }
}

/// Decodes `value` as a `T`.
///
/// # Errors
/// [`DeError`] when the value does not have `T`'s shape.
pub fn from_value<T: de::DeserializeOwned>(value: JsValue) -> Result<T, DeError> {
    T::deserialize(JsDeserializer(value))
}

/// One JS value being decoded.
pub struct JsDeserializer(pub JsValue);

impl JsDeserializer {
    fn is_nullish(&self) -> bool {
        self.0.is_undefined() || self.0.is_null()
    }
}

/// What a JS value is, for serde's data model.
enum Kind {
    Unit,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// An array, or a Proxy of one (whose reads may throw), and its length.
    Seq(JsValue, u32),
    /// A plain object's own enumerable `[key, value]` pairs.
    Map(JsValue),
    Other,
}

fn classify(value: JsValue) -> Kind {
    if value.is_undefined() || value.is_null() {
        return Kind::Unit;
    }
    if let Some(b) = value.as_bool() {
        return Kind::Bool(b);
    }
    if let Some(n) = value.as_f64() {
        return if n.fract() == 0.0 && n.abs() <= SAFE_INT {
            Kind::Int(n as i64)
        } else {
            Kind::Float(n)
        };
    }
    if let Some(s) = value.as_string() {
        return Kind::Str(s);
    }
    match js::is_array(&value) {
        // A length past MAX_SEQ_LEN (a sparse `a.length = 2 ** 32 - 1`, a
        // Proxy's claim) is refused unwalked: no input holds such an array.
        Ok(true) => {
            return match js::length(&value) {
                Ok(n) if (0.0..=f64::from(MAX_SEQ_LEN)).contains(&n) => Kind::Seq(value, n as u32),
                _ => Kind::Other,
            }
        }
        Ok(false) => {}
        Err(_) => return Kind::Other,
    }
    if value.is_object() {
        // A getter that throws, a revoked Proxy: a decoding error, never
        // an exception unwinding through the module.
        return js::entries(&value).map_or(Kind::Other, Kind::Map);
    }
    Kind::Other
}

impl<'de> de::Deserializer<'de> for JsDeserializer {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        // The JS-facing part is not generic, so each visitor's copy is small.
        match classify(self.0) {
            Kind::Unit => visitor.visit_unit(),
            Kind::Bool(b) => visitor.visit_bool(b),
            Kind::Int(n) => visitor.visit_i64(n),
            Kind::Float(n) => visitor.visit_f64(n),
            Kind::Str(s) => visitor.visit_string(s),
            Kind::Seq(array, length) => visitor.visit_seq(SeqAccess {
                array,
                length,
                index: 0,
            }),
            Kind::Map(entries) => visitor.visit_map(MapAccess {
                entries,
                index: 0,
                value: None,
            }),
            Kind::Other => Err(DeError),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.is_nullish() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        // Only unit variants, named by a string (`"browser"`).
        match self.0.as_string() {
            Some(s) => visitor.visit_enum(IntoDeserializer::<DeError>::into_deserializer(s)),
            None => Err(DeError),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        // Nothing to walk: the value stays on the JS side.
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// The longest array decoded (longer ones are a decoding error).
pub const MAX_SEQ_LEN: u32 = 65_536;

struct SeqAccess {
    array: JsValue,
    length: u32,
    index: u32,
}

impl<'de> de::SeqAccess<'de> for SeqAccess {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if self.index >= self.length {
            return Ok(None);
        }
        // Read through `Reflect.get` (catch): a Proxy's trap may throw.
        let item = js::at(&self.array, self.index).map_err(|_| DeError)?;
        self.index += 1;
        seed.deserialize(JsDeserializer(item)).map(Some)
    }
}

struct MapAccess {
    entries: JsValue,
    index: u32,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for MapAccess {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let length = js::length(&self.entries).map_err(|_| DeError)?;
        // A key whose value is `undefined` is not there (`JSON.stringify`
        // drops it too, so the merchant's server never sees it).
        let (key, value) = loop {
            if f64::from(self.index) >= length {
                return Ok(None);
            }
            let pair = js::at(&self.entries, self.index).map_err(|_| DeError)?;
            self.index += 1;
            let value = js::at(&pair, 1).map_err(|_| DeError)?;
            if !value.is_undefined() {
                break (
                    js::at(&pair, 0)
                        .map_err(|_| DeError)?
                        .as_string()
                        .ok_or(DeError)?,
                    value,
                );
            }
        };
        self.value = Some(value);
        let key: StringDeserializer<DeError> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let value = self.value.take().unwrap_or(JsValue::UNDEFINED);
        seed.deserialize(JsDeserializer(value))
    }
}
