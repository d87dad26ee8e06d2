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
//! browser's result back as a [`Input::Reformat`] (input type `""`), which
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

/// An edit's `inputType`, as far as this module tells them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// Text typed, pasted or put in by the browser (autocorrect).
    Insert,
    /// Backspace, cut: the selection, or the digit before the caret.
    Back,
    /// Delete: the selection, or the digit after the caret.
    Forward,
    /// The value was changed without a modelled edit (IME composition,
    /// autofill, undo): clean it and keep the caret after the same digits.
    Reformat,
    /// Anything else (undo, word deletion, drag and drop, composition):
    /// left to the browser, then reformatted.
    Other,
}

/// The `inputType`s modelled, in the order of [`INPUTS`]; the browser
/// edge passes an input type as its index here (src/wasm/fields.js has
/// the same list), `""` being a reformat.
pub const INPUT_NAMES: [&str; 8] = [
    "",
    "insertText",
    "insertFromPaste",
    "insertReplacementText",
    "insertFromYank",
    "deleteContentBackward",
    "deleteByCut",
    "deleteContentForward",
];

/// What each of [`INPUT_NAMES`] is.
pub const INPUTS: [Input; 8] = [
    Input::Reformat,
    Input::Insert,
    Input::Insert,
    Input::Insert,
    Input::Insert,
    Input::Back,
    Input::Back,
    Input::Forward,
];

impl Input {
    /// An `inputType` (`""` for a reformat).
    ///
    /// # Example
    /// ```
    /// use razorpay_checkout_wasm::card::edit::Input;
    /// assert_eq!(Input::from_name("insertFromPaste"), Input::Insert);
    /// assert_eq!(Input::from_name("insertCompositionText"), Input::Other);
    /// ```
    pub fn from_name(name: &str) -> Input {
        INPUT_NAMES
            .iter()
            .position(|&n| n == name)
            .and_then(|i| INPUTS.get(i))
            .copied()
            .unwrap_or(Input::Other)
    }
}

/// The most digits an edit holds (a field's longest is 19): beyond, an
/// edit is refused and a reformat keeps the first ones.
const CAP: usize = 24;

/// Up to [`CAP`] ASCII digits; `n` counts every digit seen, so `n > CAP`
/// tells an overflow.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Ds {
    b: [u8; CAP],
    n: usize,
}

impl Ds {
    const EMPTY: Ds = Ds { b: [0; CAP], n: 0 };

    fn push(&mut self, digit: u8) {
        if let Some(slot) = self.b.get_mut(self.n) {
            *slot = digit;
        }
        self.n += 1;
    }

    fn get(&self) -> &[u8] {
        self.b.get(..self.n.min(CAP)).unwrap_or(&[])
    }

    /// Replaces the digits `a..b` with `with`; `false` when they would
    /// not fit.
    fn splice(&mut self, a: usize, b: usize, with: &[u8]) -> bool {
        let n = self.n.min(CAP);
        let tail = b.min(n);
        let len = a + with.len() + n.saturating_sub(tail);
        if len > CAP || a > tail {
            return false;
        }
        self.b.copy_within(tail..n, a + with.len());
        for (slot, &d) in self.b.iter_mut().skip(a).zip(with) {
            *slot = d;
        }
        self.n = len;
        true
    }
}

/// What [`digits`] found.
struct Scan {
    /// The digits.
    d: Ds,
    /// How many digits come before each of the two UTF-16 offsets asked.
    before: [usize; 2],
    /// How many runs of digits there are.
    runs: usize,
}

/// The ASCII digits of `text`, and how many of them come before each of
/// the UTF-16 offsets `at`. `None` when `strict` and `text` holds anything
/// but digits and separators: dashes, dots, slashes and white space (tabs,
/// and the no-break spaces U+00A0, U+2007, U+202F copied from web pages
/// and PDFs).
fn digits(text: &str, at: [usize; 2], strict: bool) -> Option<Scan> {
    let mut scan = Scan {
        d: Ds::EMPTY,
        before: [0; 2],
        runs: 0,
    };
    let (mut offset, mut open) = (0, false);
    for c in text.chars() {
        let digit = c.is_ascii_digit();
        if digit {
            scan.d.push(c as u8);
            for (n, &at) in scan.before.iter_mut().zip(&at) {
                *n += usize::from(offset < at);
            }
            scan.runs += usize::from(!open);
        } else if strict && !(matches!(c, '-' | '.' | '/') || c.is_whitespace()) {
            return None;
        }
        open = digit;
        offset += c.len_utf16();
    }
    Some(scan)
}

/// An expiry's digits from pasted or autofilled text, in place: `12/2030`,
/// `12 / 30`, `122030` and `1230` all become `1230` (and `1/30`, `130`,
/// `01/30`: the month rule of [`edit_as`]). `false` (and `d` as it was)
/// for more than two groups of digits.
fn expiry_digits(d: &mut Ds, runs: usize) -> bool {
    // `MMYYYY`: the year's last two digits.
    let ok = runs <= 2;
    if ok && d.n == 6 {
        d.splice(2, 4, &[]);
    }
    ok
}

/// The network the digits tell, `None` while undecided.
fn network(d: &[u8]) -> Option<Network> {
    match detect(d) {
        Detection::Known(n) => Some(n),
        Detection::Undecided => None,
    }
}

/// The most digits the field takes, given its digits so far.
fn max_digits(field: Field, d: &Ds) -> usize {
    match field {
        Field::Number => network(d.get()).map_or(MAX_DIGITS, Network::max_length),
        Field::Expiry => 4,
        Field::Month => 2,
        Field::Digits(n) => usize::from(n),
    }
}

/// The value shown for `d`, and the UTF-16 offset just after its first
/// `k` digits: the number's digits grouped by its network; the expiry
/// `MM/` as soon as the month is whole, so the caret is after the slash
/// and the next digit is the year's.
fn set(field: Field, d: &Ds, k: usize) -> Edit {
    let d = d.get();
    let gaps = match field {
        Field::Number => network(d).unwrap_or(Network::Unknown).gaps(d.len()),
        _ => &[],
    };
    let mut value = String::with_capacity(32);
    let mut caret = 0;
    for (i, &b) in d.iter().enumerate() {
        if gaps.contains(&i) {
            value.push(' ');
        }
        value.push(char::from(b));
        if field == Field::Expiry && i == 1 {
            value.push('/');
        }
        if i < k {
            caret = value.len();
        }
    }
    Edit::Set { value, caret }
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
    edit_as(field, value, start, end, Input::from_name(input_type), data)
}

/// [`edit`], with the input type already told (the browser edge passes
/// an index into [`INPUTS`]).
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::card::edit::{edit_as, Edit, Field, Input};
/// // An IME put `3` in a full MasterCard number: the typed digit goes.
/// let r = edit_as(Field::Number, "5500 6700 0000 10023", 20, 20, Input::Reformat, "");
/// assert!(r == Edit::Set { value: "5500 6700 0000 1002".into(), caret: 19 });
/// ```
pub fn edit_as(
    field: Field,
    value: &str,
    start: usize,
    end: usize,
    input: Input,
    data: &str,
) -> Edit {
    if input == Input::Other {
        return Edit::Browser;
    }
    let Some(Scan {
        mut d,
        before: [a, b],
        runs,
    }) = digits(value, [start.min(end), start.max(end)], false)
    else {
        return Edit::Refused;
    };
    let mut k = a;
    let mut slash = false;
    let typing = input != Input::Reformat;
    match input {
        Input::Insert => {
            let Some(Scan {
                d: mut ins, runs, ..
            }) = digits(data, [0; 2], true)
            else {
                return Edit::Refused;
            };
            // The whole expiry replaced (a paste, autofill): `12/2030` too.
            if field == Field::Expiry && a == 0 && b == d.n && !expiry_digits(&mut ins, runs) {
                return Edit::Refused;
            }
            // Nothing but separators is refused, but for a `/` typed after a
            // one-digit month: `1` → `01/` (the month rule below).
            slash = field == Field::Expiry && data == "/" && a == 1 && d.n == 1;
            if (ins.n == 0 && !slash) || ins.n > CAP || !d.splice(a, b, ins.get()) {
                return Edit::Refused;
            }
            k = a + ins.n;
        }
        Input::Back | Input::Forward => {
            let (a, b) = match (a == b, input) {
                (false, _) => (a, b),
                (true, Input::Back) if a > 0 => (a - 1, a),
                (true, Input::Forward) if b < d.n => (b, b + 1),
                _ => return Edit::Refused,
            };
            d.splice(a, b, &[]);
            k = a;
        }
        _ => {
            let n = d.n;
            if field == Field::Expiry && expiry_digits(&mut d, runs) && d.n != n {
                k = d.n;
            }
            // More digits than any field takes: the first ones.
            d.n = d.n.min(CAP);
            k = k.min(d.n);
        }
    }
    // A month as typed: a first digit 2–9 is `0d` (`4` → `04`), `1` then
    // 3–9 is `01` then the year's first digit (`13` → `01/3`); `00` is
    // refused.
    if matches!(field, Field::Expiry | Field::Month)
        && matches!(input, Input::Insert | Input::Reformat)
    {
        if (slash || matches!(d.get(), [b'2'..=b'9', ..] | [b'1', b'3'..=b'9', ..]))
            && d.splice(0, 0, b"0")
        {
            k += 1;
        }
        if matches!(d.get(), [b'0', b'0', ..]) {
            if typing {
                return Edit::Refused;
            }
            d.n = 1;
            k = k.min(1);
        }
    }
    let max = max_digits(field, &d);
    if d.n > max {
        if typing {
            return Edit::Refused;
        }
        // The browser already put the text in (an IME, autofill): keep the
        // digits up to the longest length, dropping those just typed (the
        // ones before the caret) first.
        let from = k.saturating_sub(d.n - max);
        d.splice(from, k, &[]);
        k = from;
        d.n = d.n.min(max_digits(field, &d));
    }
    set(field, &d, k)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `4111 1‸111` or `4111 [1111]`: the value and the selection.
    fn parse_state(cell: &str) -> (String, usize, usize) {
        let mut value = String::with_capacity(32);
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
