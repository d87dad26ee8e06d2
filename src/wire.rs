//! The card exports' text protocol, in plain Rust (native tests below):
//! what crosses between a page's JS and the card engine of [`crate::card`].
//!
//! **In.** A card and validateCard's options cross as one *tagged string*
//! each, written by `tagged()` in src/wasm/card.js: for each field of
//! [`CARD_FIELDS`] (of [`OPTION_FIELDS`]) a tag and the value, each field
//! ended by NUL. Tags: `a` absent, `z` null or undefined, `s` a string (a
//! NUL inside becomes U+FFFD), `i` a safe integer, `f` another number,
//! `b0`/`b1` a boolean, `o` an object or array. Anything that is not that
//! encoding (`tagged()` gives `null` for a value that is not a plain object,
//! the card entry then sends an empty string) is `invalid_type`. Both
//! entries decode with [`card_input`] and [`options`].
//!
//! **Out** (the card entry only; the main entry builds its objects through
//! wasm-bindgen imports): one text per call, read by crates/card-wasm/card.js.
//! - [`encode_validation`]: `K` then NUL-ended parts: valid (`0`/`1`), the
//!   network index ([`network_index`]), last4, card (`=` or empty), name,
//!   number, cvv, expiry_month, expiry_year, then every error;
//! - [`encode_inspection`]: `K`, then the network index, state, length mask
//!   and CVV length as one character each (U+0100 + the number, so never a
//!   NUL), then `formatted`;
//! - [`encode_expiry`]: `K`, expiry_month, NUL, expiry_year;
//! - [`edit_field`] (the card fields' edits, for `bindCardFields`,
//!   src/wasm/fields.js): `""` to leave the edit to the browser, `-` for a
//!   refused one, else the new value then the caret as one character
//!   (`0` + the caret; no `K`: its own reader, `editField` in card.js);
//! - [`encode_error`] (a thrown error: `E` then the error's parts), seven
//!   NUL-ended parts per error: the kind's index in [`KINDS`] as a letter
//!   (`a` + index), field, description, then the source, step, code and
//!   reason *only when they differ from the kind's defaults* (empty
//!   otherwise): the JS side holds the defaults' table (`DEFAULTS` in
//!   crates/card-wasm/card.js, pinned to [`ErrorKind`]'s by a test here), so
//!   the module carries neither the table nor a JSON writer.
//!
//! An optional part is empty for `None` and `=` + the text for `Some`. No
//! text the engine puts out holds a NUL: card values come in through
//! `tagged()` (which replaces NUL), descriptions and field names are the
//! engine's own. Card-path errors have no `metadata` or `status` (those come
//! from the gateway), so the compact error has neither.

use crate::card::number::{scan, Scan};
use crate::card::{
    check_combined, detect, CardInput, CardValidation, Detection, ExpiryFields, Inspection,
    Network, NumberState, ValidateOptions, YearMonth,
};
use crate::error::{concat, Error, ErrorKind};
use crate::value::{type_error, Loose, SAFE_INT};

/// The card's fields, in the order of the tagged string.
pub const CARD_FIELDS: [&str; 6] = [
    "number",
    "expiry_month",
    "expiry_year",
    "expiry",
    "cvv",
    "name",
];
/// validateCard's options, in the order of the tagged string.
pub const OPTION_FIELDS: [&str; 3] = ["tokenised", "now", "network"];

/// Every [`ErrorKind`], in the order of the compact error's kind index: the
/// [`CARD_KINDS`] the card engine gives first, then the checkout's.
pub const KINDS: [ErrorKind; 22] = {
    use ErrorKind::*;
    [
        Required,
        InvalidType,
        InvalidCharacters,
        InvalidLength,
        FailedLuhn,
        InvalidMonth,
        InvalidYear,
        InvalidFormat,
        Expired,
        TooFarAhead,
        InvalidValue,
        TooMany,
        NotSupported,
        InvalidState,
        PaymentInProgress,
        InvalidConfiguration,
        UnsafeUrl,
        UnsupportedAction,
        Timeout,
        Network,
        InvalidResponse,
        Gateway,
    ]
};

/// How many of [`KINDS`] the card engine can give: the validation kinds and
/// `invalid_state`. The card entry's JS table (`DEFAULTS` in
/// crates/card-wasm/card.js) holds exactly these; tests/pkg/card.test.mjs
/// checks that the card engine's sources construct no other kind.
pub const CARD_KINDS: usize = 14;

/// A wrong type for a whole argument: `The <what> must be <shape>`.
pub fn shape_error(field: &'static str, shape: &'static str) -> Error {
    Error::invalid(
        ErrorKind::InvalidType,
        field,
        concat(&["The ", field, " must be ", shape]),
    )
    .with_source("business")
}

/// The values of a tagged string into `out`, one per slot; `None` when it
/// is not that encoding or has not exactly `out.len()` fields.
pub fn read_fields(text: &str, out: &mut [Loose]) -> Option<()> {
    // By bytes (every tag and the NUL are ASCII, so each cut is on a char
    // boundary): `str::split` and `chars` cost the card entry 0.5 KB. Into
    // slots, not a `Vec`: 0.1 KB.
    let bytes = text.as_bytes();
    if bytes.last() != Some(&0) {
        return None;
    }
    let mut slots = out.iter_mut();
    let mut start = 0;
    for (end, &b) in bytes.iter().enumerate() {
        if b != 0 {
            continue;
        }
        let tag = *bytes.get(start..end)?.first()?;
        let value = text.get(start + 1..end)?;
        start = end + 1;
        *slots.next()? = match tag {
            b'a' => Loose::Absent,
            b'z' => Loose::Null,
            b's' => Loose::Str(value.to_owned()),
            b'i' => Loose::Int(int(value)?),
            // Card fields never read a number with a fraction: it is a type error.
            b'f' => Loose::Float(f64::NAN),
            b'b' => Loose::Bool(value == "1"),
            b'o' => Loose::Compound,
            _ => return None,
        };
    }
    slots.next().is_none().then_some(())
}

/// A safe integer as JS writes it (`-12`, `0`): at most 16 digits, so no
/// overflow. (By hand: `str::parse::<i64>` cost the card entry 0.3 KB.)
fn int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut n = 0_i64;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some(if negative { -n } else { n })
}

/// validateCard's card from its tagged string (`None`: the card was
/// `null` or `undefined`, an empty card).
///
/// # Errors
/// `invalid_type` on `card` when the text is not the encoding of a card
/// (the value was not a plain object, a field held a function, a getter threw).
pub fn card_input(text: Option<&str>) -> Result<CardInput, Error> {
    let Some(text) = text else {
        return Ok(CardInput::default());
    };
    let mut f: [Loose; 6] = Default::default();
    read_fields(text, &mut f).ok_or_else(|| shape_error("card", "an object"))?;
    let [number, expiry_month, expiry_year, expiry, cvv, name] = f;
    Ok(CardInput {
        number,
        expiry_month,
        expiry_year,
        expiry,
        cvv,
        name,
    })
}

/// validateCard's options from their tagged string (`None`: `null` or
/// `undefined`, the defaults); `clock` reads the browser's clock, only
/// when `now` is not given.
///
/// # Errors
/// `invalid_type` (source `business`) for a wrong type; `invalid_value`
/// for an unknown network; `invalid_state` when the clock cannot be read.
pub fn options(text: Option<&str>, clock: impl FnOnce() -> f64) -> Result<ValidateOptions, Error> {
    let mut f: [Loose; 3] = Default::default();
    if let Some(text) = text {
        read_fields(text, &mut f).ok_or_else(|| shape_error("options", "an object"))?;
    }
    let [tokenised, now_ms, network] = f;
    let business = |e: Error| e.with_source("business");
    let tokenised = match tokenised {
        Loose::Absent | Loose::Null => false,
        Loose::Bool(b) => b,
        _ => return Err(business(type_error("options.tokenised", "a boolean"))),
    };
    let network = match network.text("options.network").map_err(business)? {
        None => None,
        Some(name) => Some(Network::from_name(name).ok_or_else(|| {
            business(Error::invalid(
                ErrorKind::InvalidValue,
                "options.network",
                "The network is not a known card network",
            ))
        })?),
    };
    Ok(ValidateOptions {
        tokenised,
        now_ms: now(&now_ms, "options.now", clock)?,
        network,
    })
}

/// A clock argument: absent or `null` means `clock()`, the browser's clock
/// (`Date.now()`, NaN when the page made it throw or lie), called only then.
///
/// # Errors
/// `invalid_type` on `field` for a value that is not a finite number;
/// `invalid_state` when the browser's clock is needed and unreadable.
pub fn now(value: &Loose, field: &'static str, clock: impl FnOnce() -> f64) -> Result<f64, Error> {
    match value {
        Loose::Absent | Loose::Null => Some(clock()).filter(|ms| ms.is_finite()).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidState,
                "The browser's clock could not be read",
            )
        }),
        Loose::Int(i) => Ok(*i as f64),
        Loose::Float(f) if f.is_finite() => Ok(*f),
        _ => Err(
            type_error(field, "a number of milliseconds since the epoch").with_source("business"),
        ),
    }
}

/// cardNetwork: the network of a (partial) number, `None` while its
/// leading digits cannot tell it or it is not a number.
pub fn network_of_partial(text: &str) -> Option<Network> {
    match scan(text) {
        Scan::Digits(d) if !d.is_empty() => match detect(d.as_bytes()) {
            Detection::Known(n) => Some(n),
            Detection::Undecided => None,
        },
        _ => None,
    }
}

/// A string argument as the page gave it.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    /// A string.
    Text(&'a str),
    /// `null` or `undefined`.
    Nullish,
    /// Any other type.
    Other,
}

/// parseExpiry: `text` parsed and checked against `now` (absent: `clock()`).
///
/// # Errors
/// `required` for no text, `invalid_type` for one that is not a string,
/// the errors of [`crate::card::check_combined`] (all on `expiry`), and
/// [`now`]'s.
pub fn expiry(
    text: Arg<'_>,
    now_value: &Loose,
    clock: impl FnOnce() -> f64,
) -> Result<ExpiryFields, Error> {
    let now_ym = YearMonth::earliest_at(now(now_value, "now", clock)?);
    match text {
        Arg::Text(text) => Ok(check_combined(text, now_ym)?.fields()),
        Arg::Nullish => Err(Error::required("expiry")),
        Arg::Other => Err(type_error("expiry", "a string")),
    }
}

/// A number as a [`Loose`]: the one number rule of every input, whether the
/// browser's walker read it from a JS value (`src/wasm/card.rs`) or serde
/// from JSON (`value::Tree`'s `Deserialize`). A whole number within
/// ±(2^53 − 1) is an [`Loose::Int`], anything else a [`Loose::Float`].
pub fn loose_number(n: f64) -> Loose {
    if n.fract() == 0.0 && n.abs() <= SAFE_INT {
        Loose::Int(n as i64)
    } else {
        Loose::Float(n)
    }
}

/// 0 for none, else 1 + the network's index in [`Network::ALL`] (the JS
/// tables of src/wasm/card.js follow it).
pub fn network_index(network: Option<Network>) -> u8 {
    // (`Network::ALL` is in declaration order: the discriminant is the index.)
    network.map_or(0, |n| n as u8 + 1)
}

/// inspectNumber's scalars: network index, state (0 incomplete, 1
/// complete, 2 invalid), the lengths as a bit mask (bit 0 is 12 digits),
/// the CVV length (0 for unknown).
pub fn inspection_scalars(inspection: &Inspection) -> [u8; 4] {
    let state = match inspection.state {
        NumberState::Incomplete => 0,
        NumberState::Complete => 1,
        NumberState::Invalid => 2,
    };
    let lengths = inspection
        .lengths
        .iter()
        .filter(|&&n| (12..=19).contains(&n))
        .fold(0_u8, |mask, &n| mask | 1 << (n - 12));
    let cvv = inspection
        .cvv_length
        .and_then(|n| u8::try_from(n).ok())
        .unwrap_or(0);
    [network_index(inspection.network), state, lengths, cvv]
}

fn part(out: &mut String, text: &str) {
    out.push_str(text);
    out.push('\0');
}

fn opt(out: &mut String, text: Option<&str>) {
    if let Some(t) = text {
        out.push('=');
        out.push_str(t);
    }
    out.push('\0');
}

/// Appends an error's seven parts (see the module comment).
pub fn encode_error(out: &mut String, error: &Error) {
    let index = KINDS.iter().position(|&k| k == error.kind()).unwrap_or(0);
    out.push(char::from(b'a' + index as u8));
    out.push('\0');
    opt(out, error.field());
    part(out, error.description());
    for given in error.overrides() {
        opt(out, given);
    }
}

/// A thrown error: `E` and its parts.
pub fn encode_thrown(error: &Error) -> String {
    // (Room for a whole answer at once: every reallocation is a copy, a
    // wipe and a free.)
    let mut out = String::with_capacity(128);
    out.push('E');
    encode_error(&mut out, error);
    out
}

/// validateCard's result (see the module comment).
pub fn encode_validation(result: &CardValidation) -> String {
    let mut out = String::with_capacity(256);
    out.push('K');
    part(&mut out, if result.valid { "1" } else { "0" });
    out.push(char::from(b'0' + network_index(result.network)));
    out.push('\0');
    opt(&mut out, result.last4.as_deref());
    let card = result.card.as_ref();
    opt(&mut out, card.map(|_| ""));
    opt(&mut out, card.and_then(|c| c.name.as_deref()));
    opt(
        &mut out,
        card.and_then(|c| c.number.as_ref()).map(|n| n.as_str()),
    );
    opt(&mut out, card.and_then(|c| c.cvv.as_deref()));
    opt(&mut out, card.and_then(|c| c.expiry_month.as_deref()));
    opt(&mut out, card.and_then(|c| c.expiry_year.as_deref()));
    for e in &result.errors {
        encode_error(&mut out, e);
    }
    out
}

/// inspectNumber's result (see the module comment).
pub fn encode_inspection(inspection: &Inspection) -> String {
    let mut out = String::with_capacity(8 + inspection.formatted.len());
    out.push('K');
    for n in inspection_scalars(inspection) {
        out.push(char::from_u32(0x100 | u32::from(n)).unwrap_or(' '));
    }
    out.push_str(&inspection.formatted);
    out
}

/// parseExpiry's result (see the module comment).
pub fn encode_expiry(month: &str, year: &str) -> String {
    concat(&["K", month, "\0", year])
}

/// One edit of a card field ([`crate::card::edit::edit_as`]), as the card
/// entry's `editField` asks it: `field` 0 the number, 1 a combined expiry,
/// 2 an expiry month, 3 or more plain digits of at most that many (the
/// year 4, the CVV 3 or 4); `input` the `inputType`'s index in
/// [`crate::card::edit::INPUT_NAMES`] (any other: left to the browser).
/// The answer's text is in the module comment.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::wire::edit_field;
/// // `5` typed after `41` (insertText is index 1): grouped, caret 3.
/// assert_eq!(edit_field(0, 1, "4111 1111", 2, 2, "5"), "4151 1111 13");
/// assert_eq!(edit_field(0, 1, "4111", 4, 4, "a"), "-");
/// assert_eq!(edit_field(0, 99, "4111", 4, 4, "a"), "");
/// ```
pub fn edit_field(field: u32, input: u32, value: &str, start: u32, end: u32, data: &str) -> String {
    use crate::card::edit::{edit_as, Edit, Field, Input, INPUTS};
    let field = match field {
        0 => Field::Number,
        1 => Field::Expiry,
        2 => Field::Month,
        n => Field::Digits(n.min(255) as u8),
    };
    let input = INPUTS.get(input as usize).copied().unwrap_or(Input::Other);
    let (mut value, c) = match edit_as(field, value, start as usize, end as usize, input, data) {
        Edit::Browser => return String::new(),
        Edit::Refused => (String::new(), b'-'),
        Edit::Set { value, caret } => (value, b'0' + caret.min(99) as u8),
    };
    value.push(char::from(c));
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::{inspect_number, validate_card};

    #[test]
    fn edit_field_encodes_the_three_answers() {
        // Backspace (index 5) just after a group space: the digit before it.
        assert_eq!(edit_field(0, 5, "4111 1111", 5, 5, ""), "4111 1113");
        // A reformat (index 0) of an expiry: `1230` → `12/30`, caret at the end.
        assert_eq!(edit_field(1, 0, "1230", 4, 4, ""), "12/305");
        // Digits of at most 3 (a Visa CVV): a fourth refused.
        assert_eq!(edit_field(3, 1, "123", 3, 3, "4"), "-");
        // A month field refuses `00`.
        assert_eq!(edit_field(2, 1, "0", 1, 1, "0"), "-");
        // An input type it does not model: the browser's.
        assert_eq!(edit_field(0, 8, "4111", 4, 4, "1"), "");
        // A caret past 9 is still one character.
        assert_eq!(
            edit_field(0, 1, "4111 1111 1", 11, 11, "1"),
            "4111 1111 11<"
        );
    }

    fn tagged(values: &[&str]) -> String {
        values.iter().map(|v| format!("{v}\0")).collect()
    }

    #[test]
    fn reads_a_card_and_refuses_what_is_not_one() {
        let text = tagged(&["s4100 2800 0000 1007", "i12", "s30", "a", "s123", "sA B"]);
        let card = card_input(Some(&text)).unwrap();
        assert_eq!(card.number, Loose::Str("4100 2800 0000 1007".into()));
        assert_eq!(card.expiry_month, Loose::Int(12));
        assert_eq!(card.expiry, Loose::Absent);
        assert!(card_input(None).unwrap().number == Loose::Absent);
        for bad in [
            "",
            "\0",
            "s1\0",
            "x\0a\0a\0a\0a\0a\0",
            "s1",
            "iz\0a\0a\0a\0a\0a\0",
        ] {
            let e = card_input(Some(bad)).err().unwrap();
            assert_eq!(
                (e.kind(), e.field(), e.error_source()),
                (ErrorKind::InvalidType, Some("card"), "business"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn integers_as_js_writes_them() {
        for (text, want) in [
            ("0", Some(0)),
            ("12", Some(12)),
            ("-7", Some(-7)),
            ("9007199254740991", Some(9_007_199_254_740_991)),
        ] {
            assert_eq!(int(text), want, "{text}");
        }
        for bad in [
            "",
            "-",
            "1.5",
            "1e3",
            "+1",
            "12345678901234567",
            " 1",
            "--1",
        ] {
            assert_eq!(int(bad), None, "{bad}");
        }
    }

    #[test]
    fn options_and_the_clock() {
        let o = options(None, || 5.0).unwrap();
        assert_eq!((o.tokenised, o.now_ms, o.network), (false, 5.0, None));
        let o = options(Some(&tagged(&["b1", "i7", "sRuPay"])), || 5.0).unwrap();
        assert_eq!(
            (o.tokenised, o.now_ms, o.network),
            (true, 7.0, Some(Network::RuPay))
        );
        let field = |text: &str, clock: f64| {
            let e = options(Some(text), || clock).err().unwrap();
            (
                e.kind(),
                e.field().map(str::to_owned),
                e.error_source().to_owned(),
            )
        };
        let business = |kind, f: &str| (kind, Some(f.to_owned()), "business".to_owned());
        assert_eq!(
            field(&tagged(&["s1", "a", "a"]), 1.0),
            business(ErrorKind::InvalidType, "options.tokenised")
        );
        assert_eq!(
            field(&tagged(&["a", "f", "a"]), 1.0),
            business(ErrorKind::InvalidType, "options.now")
        );
        assert_eq!(
            field(&tagged(&["a", "a", "sNope"]), 1.0),
            business(ErrorKind::InvalidValue, "options.network")
        );
        assert_eq!(
            field(&tagged(&["a", "a", "i1"]), 1.0),
            business(ErrorKind::InvalidType, "options.network")
        );
        assert_eq!(field("", 1.0), business(ErrorKind::InvalidType, "options"));
        let e = options(None, || f64::NAN).err().unwrap();
        assert_eq!(
            (e.kind(), e.error_source()),
            (ErrorKind::InvalidState, "internal")
        );
        assert_eq!(now(&loose_number(1.5), "now", || 0.0).unwrap(), 1.5);
        assert!(now(&loose_number(f64::INFINITY), "now", || 0.0).is_err());
        assert!(now(&Loose::Str("x".into()), "now", || 0.0).is_err());
    }

    /// Splits an encoded text back into its parts, as card.js does.
    fn parts(text: &str) -> Vec<&str> {
        text.split('\0').collect()
    }

    #[test]
    fn a_validation_as_text() {
        let input = card_input(Some(&tagged(&[
            "s4100280000001007",
            "s12",
            "s30",
            "a",
            "s123",
            "sA B",
        ])))
        .unwrap();
        let ok = validate_card(&input, &ValidateOptions::at(1.78e12));
        assert_eq!(
            parts(&encode_validation(&ok)),
            [
                "K1",
                "1",
                "=1007",
                "=",
                "=A B",
                "=4100280000001007",
                "=123",
                "=12",
                "=30",
                ""
            ]
        );
        let input = card_input(Some(&tagged(&[
            "s4100280000001008",
            "s12",
            "s30",
            "a",
            "a",
            "a",
        ])))
        .unwrap();
        let bad = validate_card(&input, &ValidateOptions::at(1.78e12));
        let text = encode_validation(&bad);
        let p = parts(&text);
        assert_eq!(p[..10], ["K0", "1", "=1008", "", "", "", "", "", "", "e"]);
        assert!(p.len() > 10 + 7);
        // Errors: kind letter, field, description, then no overrides.
        assert_eq!(
            p[10..16],
            ["=number", "The number is invalid", "", "", "", ""][..]
        );
    }

    #[test]
    fn an_error_sends_only_what_differs_from_its_kind() {
        let e = shape_error("card", "an object");
        assert_eq!(
            parts(&encode_thrown(&e)),
            [
                "Eb",
                "=card",
                "The card must be an object",
                "=business",
                "",
                "",
                "",
                ""
            ]
        );
        #[cfg(feature = "checkout")]
        {
            let e = Error::new(ErrorKind::InvalidState, "x")
                .with_step("s")
                .with_code("C")
                .with_reason("r");
            assert_eq!(
                parts(&encode_thrown(&e)),
                [
                    &format!("E{}", char::from(b'a' + 13)),
                    "",
                    "x",
                    "",
                    "=s",
                    "=C",
                    "=r",
                    ""
                ]
            );
        }
    }

    #[test]
    fn an_inspection_as_text() {
        let text = encode_inspection(&inspect_number("4100 28"));
        let codes: Vec<u32> = text
            .chars()
            .skip(1)
            .take(4)
            .map(|c| u32::from(c) - 0x100)
            .collect();
        assert_eq!(codes, [1, 0, 0b1001_0010, 3]);
        assert!(text.ends_with("4100 28"));
        assert_eq!(encode_expiry("12", "30"), "K12\x0030");
        assert_eq!(network_index(network_of_partial("6083")), 5);
        assert_eq!(network_index(network_of_partial("4")), 1);
        assert_eq!(network_index(network_of_partial("")), 0);
        assert_eq!(network_index(network_of_partial("4x")), 0);
    }

    /// The card entry's cardNetwork is inspectNumber's network
    /// (crates/card-wasm/card.js): the same as this function, input by input.
    #[test]
    fn card_network_is_the_inspections() {
        let mut inputs: Vec<String> = [
            "",
            " ",
            "4",
            "41",
            "6083",
            "60832600",
            "2030",
            "34",
            "3",
            "5",
            "62",
            "9",
            "4100 2800 0000 1007",
            "4111 1111 1111 1111 1111",
            "41111111111111111111",
            "4x",
            "x",
            "4-1",
            "4\u{a0}1",
            "٤",
            "6",
            "65",
            "6521",
            "8",
            "0",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for prefix in 0..1000 {
            inputs.push(prefix.to_string());
            inputs.push(format!("{prefix:03}"));
        }
        for n in 1..=22 {
            inputs.push("4".repeat(n));
            inputs.push("6".repeat(n));
        }
        for text in &inputs {
            assert_eq!(
                network_of_partial(text),
                inspect_number(text).network,
                "{text:?}"
            );
        }
    }

    #[test]
    fn kinds_are_every_kind_in_order() {
        let words: Vec<_> = KINDS.iter().map(|k| k.as_str()).collect();
        let mut distinct = words.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 22, "every kind once");
        // The card kinds first: the validation kinds, then invalid_state.
        let (card, checkout) = KINDS.split_at(CARD_KINDS);
        assert!(card[..CARD_KINDS - 1].iter().all(|k| k.is_validation()));
        assert_eq!(card[CARD_KINDS - 1], ErrorKind::InvalidState);
        assert!(checkout.iter().all(|k| !k.is_validation()));
    }

    /// The JS defaults table (crates/card-wasm/card.js) is ErrorKind's:
    /// every card kind's code, reason, source and step, read from the file, the
    /// words a row leaves out being a validation error's (as `error()` there).
    #[test]
    fn the_js_defaults_table_is_error_kinds() {
        let js = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/crates/card-wasm/card.js"
        ))
        .unwrap();
        let table = js
            .split("/* DEFAULTS */")
            .nth(1)
            .expect("the DEFAULTS marker in card.js");
        let rows: Vec<&str> = table
            .split('`')
            .nth(1)
            .unwrap()
            .trim()
            .lines()
            .map(str::trim)
            .collect();
        assert_eq!(rows.len(), CARD_KINDS, "one row per card kind");
        let fallback = [
            "BAD_REQUEST_ERROR",
            "input_validation_failed",
            "customer",
            "payment_initiation",
        ];
        // (card.js reads a row's words by index, the fallback of each after `??`.)
        for (i, (name, word)) in ["code", "reason", "source", "step"]
            .iter()
            .zip(fallback)
            .enumerate()
        {
            let line = format!("const {name} = d[{}] ?? '{word}';", i + 1);
            assert!(js.contains(&line), "card.js: {line}");
        }
        for (row, kind) in rows.iter().zip(KINDS) {
            let mut words = row.split(' ');
            assert_eq!(words.next(), Some(kind.as_str()));
            let given: Vec<&str> = words.collect();
            let read: Vec<&str> = (0..4)
                .map(|i| given.get(i).copied().unwrap_or(fallback[i]))
                .collect();
            let e = Error::new(kind, "");
            assert_eq!(
                read,
                [e.code(), e.reason(), e.error_source(), e.step()],
                "{row}"
            );
        }
    }

    /// pkg-template/index.js builds its own errors (`fail()`: before
    /// `init()`, the checkout module not loaded or not downloadable): those
    /// of a kind Rust has carry Rust's code, reason, source and step.
    #[test]
    fn the_browser_entrys_errors_are_error_kinds() {
        let js = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/pkg-template/index.js"
        ))
        .unwrap();
        let signature = "function fail(description, kind, reason = kind, source = 'internal', code = 'BAD_REQUEST_ERROR') {";
        assert!(js.contains(signature), "index.js: {signature}");
        assert!(js.contains("step: 'payment_initiation', reason, kind }"));
        let invalid = Error::new(ErrorKind::InvalidState, "");
        assert_eq!(
            [
                invalid.code(),
                invalid.reason(),
                invalid.error_source(),
                invalid.step()
            ],
            [
                "BAD_REQUEST_ERROR",
                "invalid_state",
                "internal",
                "payment_initiation"
            ]
        );
        assert_eq!(
            js.matches(", 'invalid_state')").count(),
            4,
            "index.js: fail(…, 'invalid_state') with the defaults"
        );
        let network = Error::new(ErrorKind::Network, "");
        let call = format!(
            "'network_error', '{}', '{}', '{}')",
            network.reason(),
            network.error_source(),
            network.code()
        );
        assert_eq!(network.step(), "payment_initiation");
        assert!(js.contains(&call), "index.js: {call}");
    }
}
