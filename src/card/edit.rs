//! The card fields' edits: what one keystroke, paste, deletion, IME
//! composition or autofill does to a card field, decided here and only
//! applied by the browser edge (`bindCardFields` in src/wasm/fields.js).
//!
//! An edit is the field's value *before* the browser changes it, the
//! selection (UTF-16 offsets, as `selectionStart` / `selectionEnd`), the
//! `beforeinput` event's `inputType` and its text. The answer is the new
//! value and caret, a refusal (nothing changes, not even the caret), or
//! "let the browser do it" for edits this module does not model (undo,
//! word deletion, drag and drop, IME composition): the edge then hands the
//! browser's result back as a [`Kind::Reformat`] (input type `""`), which
//! cleans and groups it keeping the caret after the same digits.
//!
//! Every field is a string of ASCII digits underneath; the value shown is
//! those digits with the field's separators (the network's group spaces,
//! the expiry's `/`), and a caret is "after the k-th digit". That is what
//! keeps the caret where the shopper edits, and why a backspace just after
//! a group space (or the expiry's slash) removes the digit before it.
//!
//! The README's edit table is this module's test table (`edit_table`).

use super::network::{detect, Detection, Network};
use super::number::MAX_DIGITS;

/// Which card field an edit is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The card number: grouped by its network, at most the network's
    /// longest length.
    Number,
    /// A combined expiry, shown `MM/YY`.
    Expiry,
    /// A separate expiry month, `MM`.
    Month,
    /// Plain digits, at most this many: the expiry year (4), the CVV (the
    /// network's CVV length, 4 while unknown).
    Digits(u8),
}

/// What an edit does.
#[derive(Clone, PartialEq, Eq)]
pub enum Edit {
    /// Show `value` with the caret at `caret` (a UTF-16 offset).
    Set {
        /// The new value.
        value: String,
        /// The caret.
        caret: usize,
    },
    /// Refused: the field stays exactly as it is.
    Refused,
    /// Not modelled: let the browser apply it, then reformat.
    Browser,
}

/// The edits that are modelled, by `inputType`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Text typed, pasted or put in by the browser (autocorrect).
    Insert,
    /// Backspace, cut: the selection, or the digit before the caret.
    Back,
    /// Delete: the selection, or the digit after the caret.
    Forward,
    /// The value was changed without a modelled edit (IME composition,
    /// autofill, undo): clean it and keep the caret after the same digits.
    Reformat,
}

/// Characters dropped from typed or pasted text: spaces, dashes, dots,
/// slashes and the no-break spaces copied from web pages and PDFs.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '.' | '/' | '\t' | '\u{a0}' | '\u{2007}' | '\u{202f}'
    )
}

/// The ASCII digits of `text`, and how many of them come before the UTF-16
/// offset `at`; `None` when `strict` and `text` holds anything but digits
/// and separators.
fn digits(text: &str, at: usize, strict: bool) -> Option<(Vec<u8>, usize)> {
    let (mut out, mut before, mut offset) = (Vec::new(), 0, 0);
    for c in text.chars() {
        if c.is_ascii_digit() {
            out.push(c as u8);
            if offset < at {
                before += 1;
            }
        } else if strict && !is_separator(c) {
            return None;
        }
        offset += c.len_utf16();
    }
    Some((out, before))
}

/// An expiry's digits from pasted or autofilled text: `12/2030`,
/// `12 / 30`, `1/30`, `122030` and `1230` all become `1230`. `None` for
/// anything but digits and separators, or more than two groups.
fn expiry_digits(text: &str) -> Option<Vec<u8>> {
    let mut groups: Vec<Vec<u8>> = Vec::new();
    let mut open = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            match groups.last_mut() {
                Some(g) if open => g.push(c as u8),
                _ => groups.push(vec![c as u8]),
            }
            open = true;
        } else if is_separator(c) {
            open = false;
        } else {
            return None;
        }
    }
    // `2030` is `30`.
    let year = |y: &[u8]| {
        y.get(if y.len() == 4 { 2 } else { 0 }..)
            .unwrap_or(y)
            .to_vec()
    };
    Some(match groups.as_slice() {
        [] => Vec::new(),
        [one] if one.len() == 6 => {
            [one.get(..2).unwrap_or(one), one.get(4..).unwrap_or(&[])].concat()
        }
        [one] => one.clone(),
        [month, rest] => {
            let mut d = month.clone();
            if d.len() == 1 {
                d.insert(0, b'0');
            }
            d.extend(year(rest));
            d
        }
        _ => return None,
    })
}

/// A month as typed: a first digit 2–9 is `0d` (`4` → `04`), `1` then 3–9
/// is `01` then the year's first digit (`13` → `01/3`); `00` is refused.
/// Moves `caret` (a digit index) with the digit it added.
fn month_rules(d: &mut Vec<u8>, caret: &mut usize) -> bool {
    let pad = match d.as_slice() {
        [b'2'..=b'9', ..] | [b'1', b'3'..=b'9', ..] => true,
        _ => false,
    };
    if pad {
        d.insert(0, b'0');
        *caret += 1;
    }
    !d.starts_with(b"00")
}

/// The most digits the field takes, given its digits so far.
fn max_digits(field: Field, d: &[u8]) -> usize {
    match field {
        Field::Number => match detect(d) {
            Detection::Known(n) => n.max_length(),
            Detection::Undecided => MAX_DIGITS,
        },
        Field::Expiry => 4,
        Field::Month => 2,
        Field::Digits(n) => usize::from(n),
    }
}

/// The value shown for `d`, and the UTF-16 offset just after its first
/// `k` digits.
fn show(field: Field, d: &[u8], k: usize) -> (String, usize) {
    let (gaps, slash): (&[usize], bool) = match field {
        Field::Number => {
            let network = match detect(d) {
                Detection::Known(n) => n,
                Detection::Undecided => Network::Unknown,
            };
            (network.gaps(d.len()), false)
        }
        // `12/` as soon as the month is whole, so the caret is after the
        // slash and the next digit is the year's.
        Field::Expiry if d.len() >= 2 => (&[2], true),
        _ => (&[], false),
    };
    let mut value = String::with_capacity(d.len() + 4);
    let mut caret = 0;
    for (i, &b) in d.iter().enumerate() {
        if i > 0 && gaps.contains(&i) && !slash {
            value.push(' ');
        }
        value.push(char::from(b));
        if slash && i == 1 {
            value.push('/');
        }
        if i < k {
            caret = value.len();
        }
    }
    (value, caret)
}

/// The edit `input_type` (a `beforeinput` event's `inputType`, or `""` for
/// a value the browser already changed) with its text `data`, on `value`
/// with the selection `start..end` (UTF-16 offsets; for `""`, the caret
/// the browser left).
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::card::edit::{edit, Edit, Field};
/// // A digit typed in the middle of a number: grouped, the caret after it.
/// let typed = edit(Field::Number, "4111 1111", 2, 2, "insertText", "5");
/// assert!(typed == Edit::Set { value: "4151 1111 1".into(), caret: 3 });
/// // Backspace just after a group space removes the digit before it.
/// let back = edit(Field::Number, "4111 1111", 5, 5, "deleteContentBackward", "");
/// assert!(back == Edit::Set { value: "4111 111".into(), caret: 3 });
/// // A letter changes nothing.
/// assert!(edit(Field::Number, "4111", 4, 4, "insertText", "a") == Edit::Refused);
/// // `1230` typed in the expiry is `12/30`.
/// let expiry = edit(Field::Expiry, "", 0, 0, "insertText", "1230");
/// assert!(expiry == Edit::Set { value: "12/30".into(), caret: 5 });
/// ```
pub fn edit(
    field: Field,
    value: &str,
    start: usize,
    end: usize,
    input_type: &str,
    data: &str,
) -> Edit {
    let kind = match input_type {
        "insertText" | "insertFromPaste" | "insertReplacementText" | "insertFromYank" => {
            Kind::Insert
        }
        "deleteContentBackward" | "deleteByCut" => Kind::Back,
        "deleteContentForward" => Kind::Forward,
        "" => Kind::Reformat,
        _ => return Edit::Browser,
    };
    let (start, end) = (start.min(end), start.max(end));
    let Some((d, a)) = digits(value, start, false) else {
        return Edit::Refused;
    };
    let b = digits(value, end, false).map_or(a, |(_, b)| b);
    let whole = a == 0 && b == d.len();
    let (mut new, mut k) = match kind {
        Kind::Insert => {
            let ins = match field {
                Field::Expiry if whole => expiry_digits(data),
                _ => digits(data, 0, true).map(|(i, _)| i),
            };
            let Some(ins) = ins else { return Edit::Refused };
            if ins.is_empty() {
                // `/` typed after a one-digit month: `1` → `01/`.
                return match (field, d.as_slice()) {
                    (Field::Expiry, [m]) if a == 1 && data.contains('/') => {
                        set(field, vec![b'0', *m], 2)
                    }
                    _ => Edit::Refused,
                };
            }
            let k = a + ins.len();
            (
                [d.get(..a).unwrap_or(&[]), &ins, d.get(b..).unwrap_or(&[])].concat(),
                k,
            )
        }
        Kind::Back | Kind::Forward => {
            let (a, b) = match (a == b, kind) {
                (false, _) => (a, b),
                (true, Kind::Back) if a > 0 => (a - 1, a),
                (true, Kind::Forward) if b < d.len() => (b, b + 1),
                _ => return Edit::Refused,
            };
            (
                [d.get(..a).unwrap_or(&[]), d.get(b..).unwrap_or(&[])].concat(),
                a,
            )
        }
        Kind::Reformat => match field {
            Field::Expiry => match expiry_digits(value) {
                Some(e) if e != d => {
                    let k = e.len();
                    (e, k)
                }
                _ => (d, a),
            },
            _ => (d, a),
        },
    };
    if matches!(field, Field::Expiry | Field::Month) && kind != Kind::Back && kind != Kind::Forward
    {
        if !month_rules(&mut new, &mut k) {
            if kind != Kind::Reformat {
                return Edit::Refused;
            }
            new.truncate(1);
            k = k.min(1);
        }
    }
    let max = max_digits(field, &new);
    if new.len() > max {
        if kind != Kind::Reformat {
            return Edit::Refused;
        }
        // The browser already put the text in (an IME, autofill): keep the
        // digits up to the longest length, dropping those just typed (the
        // ones before the caret) first.
        let extra = new.len() - max;
        let from = k.saturating_sub(extra);
        new.drain(from..from + extra.min(new.len() - from));
        k = from;
        new.truncate(max_digits(field, &new));
    }
    set(field, new, k)
}

fn set(field: Field, d: Vec<u8>, k: usize) -> Edit {
    let (value, caret) = show(field, &d, k);
    Edit::Set { value, caret }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `4111 1‸111` or `4111 [1111]`: the value and the selection.
    fn parse_state(cell: &str) -> (String, usize, usize) {
        let mut value = String::new();
        let (mut start, mut end) = (None, None);
        for c in cell.chars() {
            let at = value.encode_utf16().count();
            match c {
                '‸' => {
                    start = Some(at);
                    end = Some(at);
                }
                '[' => start = Some(at),
                ']' => end = Some(at),
                _ => value.push(c),
            }
        }
        let at = value.encode_utf16().count();
        (value, start.unwrap_or(at), end.unwrap_or(at))
    }

    fn show_state(value: &str, caret: usize) -> String {
        let mut out = String::new();
        let mut at = 0;
        for c in value.chars() {
            if at == caret {
                out.push('‸');
            }
            out.push(c);
            at += c.len_utf16();
        }
        if at == caret {
            out.push('‸');
        }
        out
    }

    /// The text between backticks, with `\u00a0` for a no-break space.
    fn code(cell: &str) -> String {
        let inner = cell.trim().trim_start_matches('`').trim_end_matches('`');
        inner.replace("\\u00a0", "\u{a0}")
    }

    /// What the browser does with an edit the module leaves to it (and
    /// what an IME or autofill does): put the text in, caret after it.
    fn browser_insert(value: &str, start: usize, end: usize, text: &str) -> (String, usize) {
        let units: Vec<u16> = value.encode_utf16().collect();
        let mut out: Vec<u16> = units.get(..start).unwrap_or(&[]).to_vec();
        out.extend(text.encode_utf16());
        let caret = out.len();
        out.extend(units.get(end..).unwrap_or(&[]));
        (String::from_utf16_lossy(&out), caret)
    }

    /// Runs one row's action the way the browser edge does.
    fn run(field: Field, state: (String, usize, usize), action: &str) -> (String, usize) {
        let (mut value, mut start, mut end) = state;
        let (verb, rest) = action.trim().split_once(' ').unwrap_or((action.trim(), ""));
        let steps: Vec<(&str, String)> = match verb {
            "type" => code(rest)
                .chars()
                .map(|c| ("insertText", c.to_string()))
                .collect(),
            "paste" => vec![("insertFromPaste", code(rest))],
            "Backspace" => vec![("deleteContentBackward", String::new())],
            "Delete" => vec![("deleteContentForward", String::new())],
            // An IME's composition, or autofill: the browser changes the
            // value, then the edge reformats it.
            "compose" | "autofill" => {
                let (v, c) = if verb == "autofill" {
                    let v = code(rest);
                    let c = v.encode_utf16().count();
                    (v, c)
                } else {
                    browser_insert(&value, start, end, &code(rest))
                };
                vec![("", format!("{c}\u{0}{v}"))]
            }
            other => panic!("unknown action {other:?}"),
        };
        for (input_type, data) in steps {
            let result = if input_type.is_empty() {
                let (c, v) = data.split_once('\u{0}').unwrap();
                let c: usize = c.parse().unwrap();
                edit(field, v, c, c, "", "")
            } else {
                edit(field, &value, start, end, input_type, &data)
            };
            match result {
                Edit::Set { value: v, caret } => {
                    value = v;
                    start = caret;
                    end = caret;
                }
                Edit::Refused => {}
                Edit::Browser => panic!("{action}: left to the browser"),
            }
        }
        assert_eq!(start, end);
        (value, start)
    }

    fn field_of(cell: &str) -> Field {
        match cell.trim() {
            "number" => Field::Number,
            "expiry" => Field::Expiry,
            "month" => Field::Month,
            "year" => Field::Digits(4),
            "cvv (Visa)" => Field::Digits(3),
            "cvv (Amex)" => Field::Digits(4),
            other => panic!("unknown field {other:?}"),
        }
    }

    /// The README's edit table: every row, as the browser edge runs it
    /// (tests/e2e/card-fields.test.mjs runs the same rows with real keys).
    #[test]
    fn edit_table() {
        let readme = include_str!("../../README.md");
        let table = readme
            .split("<!-- edit-table -->")
            .nth(1)
            .and_then(|t| t.split("<!-- /edit-table -->").next())
            .expect("README has the edit table");
        let mut rows = 0;
        for line in table
            .lines()
            .filter(|l| l.starts_with("| ") && l.contains(" | `"))
        {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            let [field, before, action, after, ..] = cells.as_slice() else {
                panic!("row {line:?}")
            };
            let (value, caret) = run(field_of(field), parse_state(&code(before)), action);
            assert_eq!(show_state(&value, caret), code(after), "row: {line}");
            rows += 1;
        }
        assert!(rows >= 30, "only {rows} rows");
    }

    #[test]
    fn refusals_and_the_browser() {
        let refused = |f, v: &str, s, t: &str, d: &str| edit(f, v, s, s, t, d) == Edit::Refused;
        assert!(refused(Field::Number, "", 0, "insertText", " "));
        assert!(refused(Field::Number, "", 0, "deleteContentBackward", ""));
        assert!(refused(
            Field::Number,
            "4111",
            4,
            "deleteContentForward",
            ""
        ));
        assert!(refused(Field::Digits(3), "123", 3, "insertText", "4"));
        assert!(refused(Field::Month, "0", 1, "insertText", "0"));
        assert!(refused(Field::Expiry, "", 0, "insertFromPaste", "12/30/40"));
        for t in [
            "historyUndo",
            "insertCompositionText",
            "deleteWordBackward",
            "insertFromDrop",
        ] {
            assert!(
                edit(Field::Number, "4111", 4, 4, t, "1") == Edit::Browser,
                "{t}"
            );
        }
    }

    #[test]
    fn offsets_are_utf16() {
        // An emoji (two UTF-16 units) the browser let in before a reformat.
        let r = edit(Field::Number, "41😀11", 4, 4, "", "");
        assert!(
            r == Edit::Set {
                value: "4111".into(),
                caret: 2
            }
        );
    }

    #[test]
    fn a_huge_paste_is_refused_not_slow() {
        assert!(
            edit(
                Field::Number,
                "",
                0,
                0,
                "insertFromPaste",
                &"4".repeat(100_000)
            ) == Edit::Refused
        );
        let r = edit(
            Field::Number,
            &"4".repeat(100_000),
            100_000,
            100_000,
            "",
            "",
        );
        assert!(matches!(r, Edit::Set { ref value, .. } if value == "4444 4444 4444 4444 444"));
    }
}
