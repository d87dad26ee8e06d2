//! The typed readers of nested objects and key-value maps, over the one
//! value tree ([`Tree`]).
//!
//! [`Loose`] covers scalar fields. These cover the rest, with the same
//! promise: a value of the wrong JS type never fails reading, it is kept
//! as a marker that validation turns into a typed error on the right path.
//!
//! - [`LooseObject<T>`]: a nested object (`payment`, `payment.card`, …),
//!   read key by key by its [`FromObject`];
//! - [`LooseMap`]: a map of scalars (`notes`, an error's `metadata`);
//! - [`input_object!`]: an input object's keys, one list that both reads
//!   the object and tells which keys it does not take ([`UnknownKeys`]),
//!   so the browser and the merchant's server refuse the same keys;
//!   [`reply_object!`]: a reply's fields (other keys ignored).

use std::fmt;

use crate::value::{FromTree, Loose, Tree};

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

/// An object read key by key (its fields start at their defaults).
pub trait FromObject: Default {
    /// Reads the value of `key` (taking it).
    fn take(&mut self, key: String, value: Tree);

    /// The object of `entries`.
    fn from_entries(entries: Vec<(String, Tree)>) -> Self {
        let mut out = Self::default();
        for (key, value) in entries {
            out.take(key, value);
        }
        out
    }
}

impl<T: FromObject> FromTree for LooseObject<T> {
    fn from_tree(tree: Tree) -> LooseObject<T> {
        match tree {
            Tree::Scalar(Loose::Absent) => LooseObject::Absent,
            Tree::Scalar(Loose::Null) => LooseObject::Null,
            Tree::Object(entries) => LooseObject::Value(T::from_entries(entries)),
            _ => LooseObject::WrongType,
        }
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

impl FromTree for LooseMap {
    fn from_tree(tree: Tree) -> LooseMap {
        match tree {
            Tree::Scalar(Loose::Absent) => LooseMap::Absent,
            Tree::Scalar(Loose::Null) => LooseMap::Null,
            Tree::Object(entries) => LooseMap::Entries(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, Loose::from_tree(v)))
                    .collect(),
            ),
            Tree::Array(items) if items.is_empty() => LooseMap::Entries(Vec::new()),
            _ => LooseMap::WrongType,
        }
    }
}

/// The keys of an input object that it does not take, as dotted paths
/// relative to that object (`pin`; `card.pin` from `payment`;
/// `payment.card.pin` from the order), in the order given. Keys whose value
/// is `undefined` never reach it (`JSON.stringify` drops them too). Only
/// the key is kept, never its value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnknownKeys(pub Vec<String>);

/// An input object read key by key: the keys it takes (from
/// [`input_object!`]) into its fields, any other into its [`UnknownKeys`].
pub trait InputObject: FromObject {
    /// Every key taken, aliases included.
    const KEYS: &'static [&'static str];

    /// Reads `value` into the field of `key`; `false` for a key not taken.
    fn read_key(&mut self, key: &str, value: Tree) -> bool;

    /// The keys met that are not taken.
    fn unknown_keys(&mut self) -> &mut UnknownKeys;
}

/// Reads `value` into the field of `key`, or keeps `key` among the unknown
/// keys: the one rule of every input object's [`FromObject::take`].
pub fn take_input<T: InputObject>(object: &mut T, key: String, value: Tree) {
    if !object.read_key(&key, value) {
        object.unknown_keys().0.push(key);
    }
}

/// Reads a nested input object (the value of `key`), moving its unknown
/// keys into `unknown` as `key.<path>`.
pub fn read_nested<T: InputObject>(
    value: Tree,
    key: &str,
    unknown: &mut UnknownKeys,
) -> LooseObject<T> {
    let mut value = LooseObject::<T>::from_tree(value);
    if let LooseObject::Value(v) = &mut value {
        for k in v.unknown_keys().0.drain(..) {
            unknown.0.push(crate::error::concat(&[key, ".", &k]));
        }
    }
    value
}

/// An input object at the top (the checkout request): `None` unless
/// `tree` is an object.
pub fn top_object<T: FromObject>(tree: Tree) -> Option<T> {
    match tree {
        Tree::Object(entries) => Some(T::from_entries(entries)),
        _ => None,
    }
}

/// Declares an input object's keys, each once: `"key" | "alias" =>
/// field` reads the key as the field's type (a [`Loose`], a [`LooseMap`],
/// …, any [`FromTree`]); `"key" => field(read)` reads it with `read(value,
/// key, &mut self.unknown)` ([`read_nested`] for a [`LooseObject`] of
/// another [`InputObject`], whose unknown keys are kept with the key in
/// front). The struct needs an `unknown: UnknownKeys` field; it gets
/// [`InputObject`] and [`FromObject`], and natively `Deserialize` (an
/// object only).
macro_rules! input_object {
    ($ty:ty { $($key:literal $(| $alias:literal)* => $field:ident $(($read:path))?),* $(,)? }) => {
        impl $crate::checkout::lenient::InputObject for $ty {
            const KEYS: &'static [&'static str] = &[$($key, $($alias,)*)*];

            fn read_key(&mut self, key: &str, value: $crate::value::Tree) -> bool {
                match key {
                    $($key $(| $alias)* => input_object!(@read self, value, key, $field $(, $read)?),)*
                    _ => return false,
                }
                true
            }

            fn unknown_keys(&mut self) -> &mut $crate::checkout::lenient::UnknownKeys {
                &mut self.unknown
            }
        }

        impl $crate::checkout::lenient::FromObject for $ty {
            fn take(&mut self, key: String, value: $crate::value::Tree) {
                $crate::checkout::lenient::take_input(self, key, value)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                let tree = <$crate::value::Tree as serde::Deserialize>::deserialize(d)?;
                $crate::checkout::lenient::top_object(tree)
                    .ok_or_else(|| <D::Error as serde::de::Error>::custom("an object"))
            }
        }
    };
    (@read $self:ident, $value:ident, $key:ident, $field:ident, $read:path) => {
        $self.$field = $read($value, $key, &mut $self.unknown)
    };
    (@read $self:ident, $value:ident, $key:ident, $field:ident) => {
        $self.$field = $crate::value::FromTree::from_tree($value)
    };
}
pub(crate) use input_object;

/// Declares a reply object's fields: `"key" => field` reads the key as the
/// field's type (any [`FromTree`]); other keys are ignored.
macro_rules! reply_object {
    ($ty:ty { $($key:literal => $field:ident),* $(,)? }) => {
        impl $crate::checkout::lenient::FromObject for $ty {
            fn take(&mut self, key: String, value: $crate::value::Tree) {
                match key.as_str() {
                    $($key => self.$field = $crate::value::FromTree::from_tree(value),)*
                    _ => {}
                }
            }
        }
    };
}
pub(crate) use reply_object;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Leaf {
        a: Loose,
    }
    reply_object!(Leaf { "a" => a });

    #[derive(Debug, Default, PartialEq)]
    struct Inner {
        a: Loose,
        b: LooseObject<Leaf>,
    }
    reply_object!(Inner { "a" => a, "b" => b });

    fn object(json: &str) -> LooseObject<Inner> {
        LooseObject::from_tree(serde_json::from_str::<Tree>(json).unwrap())
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
            (
                "{\"b\":{\"a\":\"x\"},\"a\":1,\"a\":2}",
                LooseObject::Value(Inner {
                    a: Loose::Int(2),
                    b: LooseObject::Value(Leaf {
                        a: Loose::from("x"),
                    }),
                }),
            ),
        ];
        for (json, want) in cases {
            assert_eq!(&object(json), want, "{json}");
        }
        assert_eq!(
            LooseObject::<Inner>::from_tree(Tree::default()),
            LooseObject::Absent
        );
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
            let got = LooseMap::from_tree(serde_json::from_str::<Tree>(json).unwrap());
            assert_eq!(&got, want, "{json}");
        }
        let m = LooseMap::from_tree(serde_json::from_str::<Tree>("{\"k\":\"secret\"}").unwrap());
        assert_eq!(m.get("k"), Some(&Loose::from("secret")));
        assert_eq!(format!("{m:?}"), "[\"k\"]");
    }

    #[test]
    fn a_tree_debug_shows_no_value() {
        let tree: Tree =
            serde_json::from_str("{\"number\":\"4111111111111111\",\"n\":[1]}").unwrap();
        assert_eq!(
            format!("{tree:?}"),
            "{\"number\": Str(..), \"n\": [Int(..)]}"
        );
    }
}
