//! The browser's reader of the one input model: a `JsValue` walked into a
//! [`Tree`], which the core's typed readers ([`FromTree`]) take apart.
//!
//! No serde on this path: the derive and the `Deserializer` over a
//! `JsValue` that it replaces were about 18 KB of the `.wasm` before
//! wasm-opt (twiggy, 2026-12-02); serde stays on servers, where it feeds
//! the same tree.
//!
//! Values are read as `JSON.stringify` would send them: an object entry
//! whose value is `undefined` is not there; a number that is a safe integer is an
//! integer, any other a float; strings, booleans, arrays and plain objects
//! (their own enumerable entries, through `Object.entries`) as themselves.
//! A function, a symbol or a `BigInt` is [`Loose::Compound`]: no scalar an
//! input takes, so it becomes a type error on its own field.
//!
//! Every read that can run page code (a getter, a Proxy's trap) is a
//! `catch` import (src/wasm/js.rs): a throw fails the walk, never unwinds
//! through the module. The walk is bounded: containers below
//! [`MAX_DEPTH`] are not walked (no input nests deeper), arrays longer
//! than [`MAX_SEQ_LEN`] and trees of more than [`MAX_NODES`] values fail.

use wasm_bindgen::JsValue;

use super::card::loose;
use super::js;
use crate::value::{FromTree, Loose, Tree};

/// A value that could not be read (a throwing getter or Proxy, an array
/// too long, a tree too large).
#[derive(Debug)]
pub struct WalkError;

/// How deep containers are walked: the request's deepest scalar is
/// `payment.card.number` (two objects below the root), a reply's
/// `payment_workflow.next[0].action` (three); an object or array at depth
/// 4 is [`Loose::Compound`], unread (a cycle, a DOM node passed by mistake).
pub const MAX_DEPTH: u32 = 4;

/// The longest array walked (a sparse `a.length = 2 ** 32 - 1`, a Proxy's
/// claim: refused unwalked).
pub const MAX_SEQ_LEN: u32 = 65_536;

/// The most values in one tree: far more than any request or reply holds.
pub const MAX_NODES: u32 = 100_000;

/// `value` read by `T`'s reader.
///
/// # Errors
/// [`WalkError`] when the value cannot be read (see the module docs).
pub fn read<T: FromTree>(value: JsValue) -> Result<T, WalkError> {
    tree(value).map(T::from_tree)
}

/// `value` as a [`Tree`].
///
/// # Errors
/// [`WalkError`] when the value cannot be read (see the module docs).
pub fn tree(value: JsValue) -> Result<Tree, WalkError> {
    let mut budget = MAX_NODES;
    walk(value, 0, &mut budget)
}

fn walk(value: JsValue, depth: u32, budget: &mut u32) -> Result<Tree, WalkError> {
    *budget = budget.checked_sub(1).ok_or(WalkError)?;
    // (As the card exports read a scalar: by wasm-bindgen's intrinsics,
    // which run no page code.)
    let l = loose(&value);
    if l != Loose::Compound || !value.is_object() {
        return Ok(Tree::Scalar(l));
    }
    if depth >= MAX_DEPTH {
        return Ok(Tree::Scalar(Loose::Compound));
    }
    if js::is_array(&value).map_err(|_| WalkError)? {
        let length = js::length(&value).map_err(|_| WalkError)?;
        if !(0.0..=f64::from(MAX_SEQ_LEN)).contains(&length) {
            return Err(WalkError);
        }
        let mut items = Vec::new();
        for i in 0..length as u32 {
            let item = js::at(&value, i).map_err(|_| WalkError)?;
            items.push(walk(item, depth + 1, budget)?);
        }
        return Ok(Tree::Array(items));
    }
    // `Object.entries` runs the object's getters (catch).
    let entries = js::entries(&value).map_err(|_| WalkError)?;
    let length = js::length(&entries).map_err(|_| WalkError)?;
    if length > f64::from(*budget) {
        return Err(WalkError);
    }
    let mut out = Vec::new();
    for i in 0..length as u32 {
        let pair = js::at(&entries, i).map_err(|_| WalkError)?;
        let item = js::at(&pair, 1).map_err(|_| WalkError)?;
        // A key whose value is `undefined` is not there (`JSON.stringify`
        // drops it too, so the merchant's server never sees it).
        if item.is_undefined() {
            continue;
        }
        let key = js::at(&pair, 0)
            .map_err(|_| WalkError)?
            .as_string()
            .ok_or(WalkError)?;
        out.push((key, walk(item, depth + 1, budget)?));
    }
    Ok(Tree::Object(out))
}
