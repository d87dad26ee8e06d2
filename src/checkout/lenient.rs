//! Lenient decoding of nested objects and key-value maps.
//!
//! [`Loose`] covers scalar fields. These two cover the rest, with the same
//! promise: a value of the wrong JS type never fails decoding, it is kept
//! as a marker that validation turns into a typed error on the right path.
//!
//! - [`LooseObject<T>`]: a nested object (`payment`, `payment.card`, …);
//! - [`LooseMap`]: a map of scalars (`notes`, an error's `metadata`);
//! - [`input_object!`]: an input object's keys, one list that both decodes
//!   the object and tells which keys it does not take ([`UnknownKeys`]),
//!   so the browser and the merchant's server refuse the same keys.

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::value::Loose;

/// A nested object as a page (or a server) hands it over.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum LooseObject<T> {
    /// The property is not there (or is `undefined`).
    #[default]
    Absent,
    /// `null`.
    Null,
    /// An object, decoded as `T`.
    Value(T),
    /// A string, a number, a boolean or an array: not an object.
    WrongType,
}

impl<T> LooseObject<T> {
    /// The object, when there is one.
    pub fn get(&self) -> Option<&T> {
        match self {
            LooseObject::Value(v) => Some(v),
            _ => None,
        }
    }

    /// True when absent or `null`.
    pub fn is_missing(&self) -> bool {
        matches!(self, LooseObject::Absent | LooseObject::Null)
    }
}

impl<T> From<T> for LooseObject<T> {
    fn from(v: T) -> LooseObject<T> {
        LooseObject::Value(v)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for LooseObject<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LooseObject<T>, D::Error> {
        d.deserialize_any(ObjectVisitor(std::marker::PhantomData))
    }
}

struct ObjectVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = LooseObject<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LooseObject<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(LooseObject::Value)
    }
    fn visit_unit<E: de::Error>(self) -> Result<LooseObject<T>, E> {
        Ok(LooseObject::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<LooseObject<T>, E> {
        Ok(LooseObject::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<LooseObject<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LooseObject<T>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(LooseObject::WrongType)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<LooseObject<T>, E> {
        Ok(LooseObject::WrongType)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<LooseObject<T>, E> {
        Ok(LooseObject::WrongType)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<LooseObject<T>, E> {
        Ok(LooseObject::WrongType)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<LooseObject<T>, E> {
        Ok(LooseObject::WrongType)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<LooseObject<T>, E> {
        Ok(LooseObject::WrongType)
    }
}

/// A map of scalar values (`notes`, `metadata`), keys in the order given.
///
/// Values keep their JS type as a [`Loose`] (objects and arrays become
/// [`Loose::Compound`]). An empty array counts as an empty map: Razorpay's
/// own entities write `"notes": []`.
#[derive(Clone, Default, PartialEq)]
pub enum LooseMap {
    /// The property is not there (or is `undefined`).
    #[default]
    Absent,
    /// `null`.
    Null,
    /// An object (or an empty array).
    Entries(Vec<(String, Loose)>),
    /// A string, a number, a boolean or a non-empty array.
    WrongType,
}

impl fmt::Debug for LooseMap {
    // Keys only: values may be anything a merchant put there.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LooseMap::Absent => f.write_str("Absent"),
            LooseMap::Null => f.write_str("Null"),
            LooseMap::WrongType => f.write_str("WrongType"),
            LooseMap::Entries(e) => f.debug_list().entries(e.iter().map(|(k, _)| k)).finish(),
        }
    }
}

impl LooseMap {
    /// The value under `key`, if any (the first, when repeated).
    pub fn get(&self, key: &str) -> Option<&Loose> {
        match self {
            LooseMap::Entries(e) => e.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entries, empty unless this is a map.
    pub fn entries(&self) -> &[(String, Loose)] {
        match self {
            LooseMap::Entries(e) => e,
            _ => &[],
        }
    }
}

impl<const N: usize> From<[(&str, Loose); N]> for LooseMap {
    fn from(entries: [(&str, Loose); N]) -> LooseMap {
        LooseMap::Entries(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }
}

impl<'de> Deserialize<'de> for LooseMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LooseMap, D::Error> {
        d.deserialize_any(MapVisitor)
    }
}

struct MapVisitor;

impl<'de> Visitor<'de> for MapVisitor {
    type Value = LooseMap;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LooseMap, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Loose>()? {
            entries.push((k, v));
        }
        Ok(LooseMap::Entries(entries))
    }
    fn visit_unit<E: de::Error>(self) -> Result<LooseMap, E> {
        Ok(LooseMap::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<LooseMap, E> {
        Ok(LooseMap::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<LooseMap, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LooseMap, A::Error> {
        let mut empty = true;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            empty = false;
        }
        Ok(if empty {
            LooseMap::Entries(Vec::new())
        } else {
            LooseMap::WrongType
        })
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<LooseMap, E> {
        Ok(LooseMap::WrongType)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<LooseMap, E> {
        Ok(LooseMap::WrongType)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<LooseMap, E> {
        Ok(LooseMap::WrongType)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<LooseMap, E> {
        Ok(LooseMap::WrongType)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<LooseMap, E> {
        Ok(LooseMap::WrongType)
    }
}

/// The keys of an input object that it does not take, as dotted paths
/// relative to that object (`pin`; `card.pin` from `payment`;
/// `payment.card.pin` from the order), in the order given. Keys whose value
/// is `undefined` never reach it (`JSON.stringify` drops them too). Only
/// the key is kept, never its value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnknownKeys(pub Vec<String>);

/// An input object decoded key by key: the keys it takes (from
/// [`input_object!`]) into its fields, any other into its [`UnknownKeys`].
pub trait InputObject: Default {
    /// Every key taken, aliases included.
    const KEYS: &'static [&'static str];

    /// Reads the value of `key` into its field; `false` for a key not taken
    /// (its value is then still to be read).
    ///
    /// # Errors
    /// The decoder's, when the value cannot be read at all.
    fn read_key<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error>;

    /// The keys met that are not taken.
    fn unknown_keys(&mut self) -> &mut UnknownKeys;
}

/// The one visitor of every [`InputObject`].
pub struct InputVisitor<T>(std::marker::PhantomData<T>);

impl<T> Default for InputVisitor<T> {
    fn default() -> InputVisitor<T> {
        InputVisitor(std::marker::PhantomData)
    }
}

impl<'de, T: InputObject> Visitor<'de> for InputVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut out = T::default();
        while let Some(key) = map.next_key::<String>()? {
            if !out.read_key(&key, &mut map)? {
                map.next_value::<IgnoredAny>()?;
                out.unknown_keys().0.push(key);
            }
        }
        Ok(out)
    }
}

/// Reads a nested input object under `key`, moving its unknown keys into
/// `unknown` as `key.<path>`.
///
/// # Errors
/// The decoder's.
pub fn read_nested<'de, A: MapAccess<'de>, T: InputObject + Deserialize<'de>>(
    map: &mut A,
    key: &str,
    unknown: &mut UnknownKeys,
) -> Result<LooseObject<T>, A::Error> {
    let mut value: LooseObject<T> = map.next_value()?;
    if let LooseObject::Value(v) = &mut value {
        for k in v.unknown_keys().0.drain(..) {
            unknown.0.push(crate::error::concat(&[key, ".", &k]));
        }
    }
    Ok(value)
}

/// Declares an input object's keys, each once: `"key" | "alias" =>
/// field` reads the key as the field's type (a [`Loose`], a [`LooseMap`],
/// …); `"key" => field(read)` reads it with `read(map, key, &mut
/// self.unknown)` ([`read_nested`] for a [`LooseObject`] of another
/// [`InputObject`], whose unknown keys are kept with the key in front).
/// The struct needs an `unknown: UnknownKeys` field; it gets
/// `Deserialize` and [`InputObject`].
macro_rules! input_object {
    ($ty:ty { $($key:literal $(| $alias:literal)* => $field:ident $(($read:path))?),* $(,)? }) => {
        impl $crate::checkout::lenient::InputObject for $ty {
            const KEYS: &'static [&'static str] = &[$($key, $($alias,)*)*];

            fn read_key<'de, A: serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
                match key {
                    $($key $(| $alias)* => input_object!(@read self, map, key, $field $(, $read)?),)*
                    _ => return Ok(false),
                }
                Ok(true)
            }

            fn unknown_keys(&mut self) -> &mut $crate::checkout::lenient::UnknownKeys {
                &mut self.unknown
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                d.deserialize_map($crate::checkout::lenient::InputVisitor::<$ty>::default())
            }
        }
    };
    (@read $self:ident, $map:ident, $key:ident, $field:ident, $read:path) => {
        $self.$field = $read($map, $key, &mut $self.unknown)?
    };
    (@read $self:ident, $map:ident, $key:ident, $field:ident) => {
        $self.$field = $map.next_value()?
    };
}
pub(crate) use input_object;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    #[serde(default)]
    struct Inner {
        a: Loose,
        b: LooseObject<Box<Inner>>,
    }

    #[test]
    fn objects_of_every_type() {
        let cases: &[(&str, LooseObject<Inner>)] = &[
            ("null", LooseObject::Null),
            ("\"x\"", LooseObject::WrongType),
            ("1", LooseObject::WrongType),
            ("-1", LooseObject::WrongType),
            ("1.5", LooseObject::WrongType),
            ("true", LooseObject::WrongType),
            ("[1]", LooseObject::WrongType),
            ("[]", LooseObject::WrongType),
            ("{}", LooseObject::Value(Inner::default())),
            (
                "{\"a\":1,\"zzz\":{\"q\":[1]},\"b\":\"s\"}",
                LooseObject::Value(Inner {
                    a: Loose::Int(1),
                    b: LooseObject::WrongType,
                }),
            ),
        ];
        for (json, want) in cases {
            let got: LooseObject<Inner> = serde_json::from_str(json).unwrap();
            assert_eq!(&got, want, "{json}");
        }
        #[derive(Debug, Default, serde::Deserialize)]
        #[serde(default)]
        struct Outer {
            o: LooseObject<Inner>,
        }
        let got: Outer = serde_json::from_str("{}").unwrap();
        assert_eq!(got.o, LooseObject::Absent);
    }

    #[test]
    fn maps_of_every_type() {
        let cases: &[(&str, LooseMap)] = &[
            ("null", LooseMap::Null),
            ("[]", LooseMap::Entries(vec![])),
            ("[1]", LooseMap::WrongType),
            ("\"x\"", LooseMap::WrongType),
            ("7", LooseMap::WrongType),
            ("false", LooseMap::WrongType),
            (
                "{\"k\":\"v\",\"n\":2,\"o\":{\"x\":1},\"z\":null}",
                LooseMap::Entries(vec![
                    ("k".into(), Loose::from("v")),
                    ("n".into(), Loose::Int(2)),
                    ("o".into(), Loose::Compound),
                    ("z".into(), Loose::Null),
                ]),
            ),
        ];
        for (json, want) in cases {
            let got: LooseMap = serde_json::from_str(json).unwrap();
            assert_eq!(&got, want, "{json}");
        }
        let m: LooseMap = serde_json::from_str("{\"k\":\"secret\"}").unwrap();
        assert_eq!(m.get("k"), Some(&Loose::from("secret")));
        assert_eq!(format!("{m:?}"), "[\"k\"]");
    }
}
