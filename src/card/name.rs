//! The cardholder name.

use crate::error::{Error, ErrorKind};

/// The most characters a cardholder name may have.
pub const MAX_NAME_CHARS: usize = 50;

/// The description of a name over [`MAX_NAME_CHARS`] (a constant, not
/// composed: the card entry has no integer formatting; a test pins the
/// figure to the limit).
const TOO_LONG: &str = "The name may have at most 50 characters";

/// Checks and normalises a cardholder name: trimmed, inner runs of spaces
/// collapsed, letters (any script) with spaces and `.`, `'`, `-`; at least
/// one letter; at most [`MAX_NAME_CHARS`] characters.
///
/// # Errors
/// `invalid_characters`, `invalid_format` or `invalid_length` on `name`.
pub fn check_name(text: &str) -> Result<String, Error> {
    let mut out = String::with_capacity(text.len().min(4 * MAX_NAME_CHARS));
    let mut chars = 0usize;
    let mut letters = 0usize;
    // Words split on Unicode White_Space and joined by one space, in one
    // pass over the chars (`split_whitespace`'s searcher cost the card
    // entry 0.3 KB); a name already past the limit at the end of a word
    // stops there, as it did word by word.
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if chars > MAX_NAME_CHARS {
                break;
            }
            space = !out.is_empty();
            continue;
        }
        if is_letter(c) {
            letters += 1;
        } else if !matches!(c, '.' | '\'' | '-' | '’') {
            return Err(Error::invalid(
                ErrorKind::InvalidCharacters,
                "name",
                "The name may contain only letters, spaces and . ' -",
            ));
        }
        if space {
            out.push(' ');
            chars += 1;
            space = false;
        }
        out.push(c);
        chars += 1;
    }
    if chars > MAX_NAME_CHARS {
        return Err(Error::invalid(ErrorKind::InvalidLength, "name", TOO_LONG));
    }
    if letters == 0 {
        return Err(Error::invalid(
            ErrorKind::InvalidFormat,
            "name",
            "The name must contain letters",
        ));
    }
    Ok(out)
}

/// A letter of any script: Unicode's `Alphabetic` property (`char::is_alphabetic`).
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        alphabetic(c)
    }
}

#[cfg(not(all(target_arch = "wasm32", feature = "platform-unicode")))]
fn alphabetic(c: char) -> bool {
    c.is_alphabetic()
}

/// The browser builds (feature `platform-unicode`, wasm only) ask the
/// browser instead of carrying Unicode's table (1.4 KB gzip, a tenth of the
/// card entry's module): `/^\p{Alphabetic}$/u`, the same property
/// (src/wasm/card.js `alphabetic`). Only for a name's characters beyond ASCII.
/// The card entry has no wasm-bindgen: its module imports the function raw,
/// as `u.a` (crates/card-wasm/card.js).
#[cfg(all(
    target_arch = "wasm32",
    feature = "platform-unicode",
    not(feature = "checkout")
))]
fn alphabetic(c: char) -> bool {
    #[link(wasm_import_module = "u")]
    extern "C" {
        #[link_name = "a"]
        fn browser_alphabetic(c: u32) -> u32;
    }
    // SAFETY: a JS function of a number that returns 0 or 1 and touches no memory.
    unsafe { browser_alphabetic(c.into()) != 0 }
}

/// The main entry's (scripts/build-main.sh builds it with `platform-unicode`):
/// the same function, through wasm-bindgen.
#[cfg(all(
    target_arch = "wasm32",
    feature = "platform-unicode",
    feature = "checkout"
))]
fn alphabetic(c: char) -> bool {
    #[wasm_bindgen::prelude::wasm_bindgen(module = "/src/wasm/card.js")]
    extern "C" {
        #[wasm_bindgen(js_name = alphabetic)]
        fn browser_alphabetic(c: u32) -> bool;
    }
    browser_alphabetic(c.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_table() {
        assert_eq!(check_name("  Gaurav   Kumar ").unwrap(), "Gaurav Kumar");
        assert_eq!(
            check_name("Anne-Marie O'Neil Jr.").unwrap(),
            "Anne-Marie O'Neil Jr."
        );
        assert_eq!(check_name("गौरव कुमार").unwrap(), "गौरव कुमार");
        assert_eq!(
            check_name("Gaurav 2").unwrap_err().kind(),
            ErrorKind::InvalidCharacters
        );
        assert_eq!(
            check_name("<script>").unwrap_err().kind(),
            ErrorKind::InvalidCharacters
        );
        assert_eq!(
            check_name("...").unwrap_err().kind(),
            ErrorKind::InvalidFormat
        );
        let long = "A".repeat(51);
        let e = check_name(&long).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidLength);
        assert_eq!(e.to_string(), "The name may have at most 50 characters");
        assert!(check_name(&"A".repeat(50)).is_ok());
        assert!(check_name(&"Ab ".repeat(5000)).is_err());
    }

    /// The word-by-word rule this file had before the one-pass loop: the
    /// oracle the loop must equal, input by input.
    fn word_by_word(text: &str) -> Result<String, Error> {
        let mut out = String::new();
        let (mut chars, mut letters) = (0usize, 0usize);
        for word in text.split_whitespace() {
            for c in word.chars() {
                if c.is_alphabetic() {
                    letters += 1;
                } else if !matches!(c, '.' | '\'' | '-' | '’') {
                    return Err(Error::invalid(ErrorKind::InvalidCharacters, "name", "x"));
                }
            }
            if !out.is_empty() {
                out.push(' ');
                chars += 1;
            }
            out.push_str(word);
            chars += word.chars().count();
            if chars > MAX_NAME_CHARS {
                break;
            }
        }
        if chars > MAX_NAME_CHARS {
            return Err(Error::invalid(ErrorKind::InvalidLength, "name", "x"));
        }
        if letters == 0 {
            return Err(Error::invalid(ErrorKind::InvalidFormat, "name", "x"));
        }
        Ok(out)
    }

    #[test]
    fn one_pass_equals_word_by_word() {
        let alphabet = ['A', 'é', ' ', '\u{a0}', '\t', '1', '.', '-', 'क'];
        let mut inputs = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = inputs
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            inputs.extend(longer);
        }
        inputs.sort();
        inputs.dedup();
        for n in 45..56 {
            for tail in ["", " A1", " 1", "1 A", " ..", "  Ab c"] {
                inputs.push(format!("{}{tail}", "A".repeat(n)));
                inputs.push(format!("{} {}{tail}", "B".repeat(n / 2), "C".repeat(n / 2)));
            }
        }
        for text in &inputs {
            let (got, want) = (check_name(text), word_by_word(text));
            assert_eq!(
                got.as_ref().map_err(Error::kind),
                want.as_ref().map_err(Error::kind),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_too_long_description_names_the_limit() {
        assert_eq!(
            TOO_LONG,
            format!("The name may have at most {MAX_NAME_CHARS} characters")
        );
    }
}
