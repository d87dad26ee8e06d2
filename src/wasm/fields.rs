//! The card fields' one export, `editField`, for the binding of
//! src/wasm/fields.js (`bindCardFields`, in the card entry only: this
//! module is compiled when the `checkout` feature is off, as
//! crates/card-wasm links the crate).
//!
//! The decision is [`crate::card::edit::edit`]'s; this only encodes it in
//! one string, so a keystroke is one crossing with no object built.

use wasm_bindgen::prelude::*;

use super::wipe::scrubbed;
use crate::card::edit::{edit_as, Edit, Field, Input, INPUTS};

/// One edit of a card field (see [`crate::card::edit::edit`]); `field` is
/// 0 the number, 1 a combined expiry, 2 an expiry month, 3 or more plain
/// digits of at most that many (the year 4, the CVV 3 or 4); `input` the
/// `inputType`'s index in [`crate::card::edit::INPUT_NAMES`] (fields.js
/// has the same list; any other number: left to the browser).
///
/// Returns `""` to let the browser apply the edit (the binding reformats
/// the result: input type `""`), `"-"` for a refused edit, else the caret
/// as one character (`'0'` + the caret: a value is at most 23 characters)
/// followed by the new value. Not in the `.d.ts`: only fields.js calls it.
///
/// # Errors
/// Never throws: every input, of any length or content, gets one of the
/// three answers.
#[wasm_bindgen(js_name = editField, skip_typescript, unchecked_return_type = "string")]
pub fn edit_field_js(
    field: u8,
    input: u8,
    value: JsValue,
    start: u32,
    end: u32,
    data: JsValue,
) -> JsValue {
    // (A `JsValue`, not a `String`: wasm-bindgen's string intrinsic, which
    // the card entry has already, rather than a returned buffer to free.)
    scrubbed(|| {
        let field = match field {
            0 => Field::Number,
            1 => Field::Expiry,
            2 => Field::Month,
            n => Field::Digits(n),
        };
        let input = INPUTS
            .get(usize::from(input))
            .copied()
            .unwrap_or(Input::Other);
        let (value, data) = (
            value.as_string().unwrap_or_default(),
            data.as_string().unwrap_or_default(),
        );
        let out = match edit_as(field, &value, start as usize, end as usize, input, &data) {
            Edit::Browser => String::new(),
            Edit::Refused => String::from("-"),
            Edit::Set { value, caret } => {
                let mut out = String::with_capacity(value.len() + 1);
                out.push(char::from(b'0' + caret.min(99) as u8));
                out.push_str(&value);
                out
            }
        };
        JsValue::from_str(&out)
    })
}
