//! The fuzz harness: one `run_*` function per target, shared by the
//! `cargo fuzz` targets (fuzz_targets/*.rs, nightly) and by the stable
//! regression test `tests/fuzz_regressions.rs`, which includes this file
//! with `#[path]` and replays every committed corpus file and crash input.
//!
//! Each function decodes the raw fuzz bytes the same way on both sides
//! (no `arbitrary`: a tiny reader below), calls the crate's pure Rust API
//! and asserts invariants beyond "no panic". Only `razorpay_checkout_wasm`
//! and `serde_json` are used here, both available to the root crate's
//! tests.
//!
//! Input formats (so hand-made seeds are readable):
//! - `card_number`: the bytes are the typed text (lossy UTF-8);
//! - `expiry`: `[flags]` then a clock (see [`run_expiry`]), then the text;
//!   `month|year` for the separate fields;
//! - `cvv`: `[network][flags]` then the CVV text;
//! - `order_request`: `[mode][ctx]` then JSON text (mode even), or bytes
//!   driving a structured generator (mode odd);
//! - `gateway_response`: `[options]` then records separated by NUL bytes,
//!   each `[kind][3 status digits][body]`;
//! - `next_url`: `[flags]` then the URL (custom allowlists: `hosts\n url`).

// The file is also compiled as a module of an integration test, where not
// every item is used.
#![allow(dead_code)]

use razorpay_checkout_wasm::card::{
    check_cvv, detect, format_digits, inspect_number, luhn, network_of, parse_combined,
    parse_month, parse_year, validate_card, CardInput, CardNumber, CardValidation, Detection,
    Expiry, Network, NumberState, ValidateOptions, YearMonth,
};
use razorpay_checkout_wasm::checkout::{
    build_order_request, check_next_url, offered_actions, parse_order_response, parse_otp_generate,
    parse_otp_submit, resend_offered, retry_offered, AuthPreference, Body, BrowserInfo,
    BuildContext, CheckedUrl, CheckoutInput, Flow, FlowOptions, OrderRequest, Progress, RawBrowser,
    Step, UrlPolicy,
};
use razorpay_checkout_wasm::value::Loose;
use razorpay_checkout_wasm::{Error, ErrorKind};

/// Longest input any target reads (scripts/fuzz.sh passes `-max_len`).
pub const MAX_LEN: usize = 1 << 16;

/// 2026-11-23T11:00:00Z, the clock the crate's own tests use.
pub const NOW_MS: f64 = 1_795_431_600_000.0;

/// Every network, plus "none given".
const NETWORKS: [Network; 11] = Network::ALL;

// ---------------------------------------------------------------- reader

/// Reads fuzz bytes front to back; past the end it yields zeros.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `data`.
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data }
    }
    /// One byte (0 past the end).
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }
    /// Up to `n` bytes.
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        head
    }
    /// A little-endian integer of `N` bytes (zero-padded).
    pub fn uint<const N: usize>(&mut self) -> u64 {
        let mut buf = [0u8; 8];
        for (slot, b) in buf.iter_mut().zip(self.take(N.min(8))) {
            *slot = *b;
        }
        u64::from_le_bytes(buf)
    }
    /// A number below `n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n.max(1)
    }
    /// The rest, as lossy UTF-8.
    pub fn rest_text(&mut self) -> String {
        let s = String::from_utf8_lossy(self.data).into_owned();
        self.data = &[];
        s
    }
    /// The rest, raw.
    pub fn rest(&mut self) -> &'a [u8] {
        let r = self.data;
        self.data = &[];
        r
    }
    /// True when nothing is left.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

// ---------------------------------------------------------------- helpers

fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A validated card number: digits only, 12–19 of them, Luhn-valid when
/// `luhn_checked`.
fn assert_card_number(n: &str, luhn_checked: bool) {
    assert!(
        (12..=19).contains(&n.len()),
        "card number of {} digits accepted",
        n.len()
    );
    assert!(
        n.bytes().all(|b| b.is_ascii_digit()),
        "card number with a non-digit accepted"
    );
    if luhn_checked {
        assert!(luhn(n.as_bytes()), "card number failing Luhn accepted");
    }
}

/// `text` (a Debug or error rendering) must not show the full `number`.
fn assert_masked(text: &str, number: &str, what: &str) {
    if number.len() >= 12 {
        assert!(!text.contains(number), "{what} shows the full card number");
    }
}

fn assert_two_digits(s: &str, what: &str) {
    assert!(
        s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()),
        "{what} is not two digits: {s:?}"
    );
}

/// Serialising must work and give JSON that parses back.
fn assert_serialises<T: serde::Serialize>(v: &T, what: &str) -> serde_json::Value {
    let text = match serde_json::to_string(v) {
        Ok(t) => t,
        Err(e) => panic!("{what} does not serialise: {e}"),
    };
    match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => panic!("{what} serialises to invalid JSON: {e}"),
    }
}

fn month_index(y: u32, m: u32) -> i64 {
    i64::from(y) * 12 + i64::from(m) - 1
}

fn is_card_field(field: Option<&str>) -> bool {
    matches!(
        field,
        Some("number" | "cvv" | "expiry" | "expiry_month" | "expiry_year" | "name")
    )
}

// ---------------------------------------------------------------- 1. number

/// The card number: parse, as-you-type inspection, network, Luhn,
/// formatting, whole-card number rules.
pub fn run_card_number(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let s: &str = &text;

    // Raw bytes through the byte-level functions.
    let _ = luhn(data);
    let _ = detect(data);
    let _ = network_of(data);
    for n in NETWORKS {
        let f = format_digits(data.get(..64).unwrap_or(data), n);
        assert!(f.len() >= data.len().min(64), "format_digits dropped bytes");
        let _ = n.gaps(data.len());
    }
    let _ = Network::from_name(s);

    let parsed = CardNumber::parse(s);
    let inspection = inspect_number(s);
    let digits = digits_of(s);
    let only_digits_and_separators = s.chars().all(|c| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '\t' | '\u{a0}' | '\u{2007}' | '\u{202f}')
    });

    match &parsed {
        Ok(n) => {
            assert_card_number(n.as_str(), false);
            assert_eq!(n.as_str(), digits, "parse changed the digits");
            assert!(
                only_digits_and_separators,
                "parse accepted a character that is not a digit or separator"
            );
            assert_eq!(n.last4(), &digits[digits.len() - 4..]);
            assert_masked(
                &format!("{n:?} {:?}", n.digits()),
                n.as_str(),
                "CardNumber Debug",
            );
            let d = n.digits();
            for k in 0..=20 {
                let v = d.prefix_value(k);
                if k <= 9 {
                    let want: u32 = digits
                        .get(..k.min(digits.len()))
                        .and_then(|p| p.parse().ok())
                        .unwrap_or(0);
                    assert_eq!(v, want, "prefix_value({k})");
                }
            }
            let json = assert_serialises(n, "CardNumber");
            assert_eq!(json.as_str(), Some(n.as_str()));
        }
        Err(e) => {
            assert_eq!(e.field(), Some("number"));
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::Required | ErrorKind::InvalidCharacters | ErrorKind::InvalidLength
                ),
                "unexpected kind {:?}",
                e.kind()
            );
            assert_masked(&format!("{e:?} {e}"), &digits, "number error");
            if only_digits_and_separators {
                assert!(
                    digits.len() < 12 || digits.len() > 19,
                    "well-formed number refused"
                );
            }
        }
    }

    // Inspection.
    let len = digits.len();
    if only_digits_and_separators && len <= 19 {
        let f = &inspection.formatted;
        assert_eq!(f.replace(' ', ""), digits, "formatted digits differ");
        assert!(
            !f.starts_with(' ') && !f.ends_with(' ') && !f.contains("  "),
            "bad grouping {f:?}"
        );
        if let Some(net) = inspection.network {
            assert_eq!(
                network_of(digits.as_bytes()),
                net,
                "inspect and network_of disagree"
            );
            assert_eq!(inspection.cvv_length, net.cvv_length());
            assert_eq!(inspection.lengths, net.lengths());
        } else {
            assert_eq!(detect(digits.as_bytes()), Detection::Undecided);
        }
    } else {
        assert_eq!(
            inspection.state,
            NumberState::Invalid,
            "unparseable number not invalid"
        );
        assert!(inspection.formatted.is_empty());
    }
    if inspection.state == NumberState::Complete {
        assert!(parsed.is_ok(), "complete number does not parse");
        assert_card_number(&digits, true);
        let net = inspection.network.unwrap_or(Network::Unknown);
        assert!(
            net.lengths().contains(&(len as u8)),
            "complete number of a wrong length"
        );
    }
    assert_masked(
        &format!("{inspection:?}").replace(' ', ""),
        &digits,
        "Inspection Debug (ungrouped)",
    );

    // The whole-card validator agrees with the inspection about the number.
    let input = CardInput {
        number: Loose::Str(s.to_owned()),
        ..CardInput::default()
    };
    let v = validate_card(&input, &ValidateOptions::at(NOW_MS));
    let number_ok = !v.errors.iter().any(|e| e.field() == Some("number"));
    assert_eq!(
        number_ok,
        inspection.state == NumberState::Complete,
        "validate_card and inspect_number disagree on the number"
    );
    assert!(!v.valid, "a card without expiry, CVV and name is valid");
    check_validation(&v, &digits);
}

/// Invariants of any [`CardValidation`].
fn check_validation(v: &CardValidation, typed_digits: &str) {
    assert_eq!(v.valid, v.errors.is_empty());
    assert_eq!(v.valid, v.card.is_some());
    let debug = format!("{v:?}");
    assert_masked(&debug, typed_digits, "CardValidation Debug");
    for e in &v.errors {
        assert!(
            is_card_field(e.field()),
            "card error on field {:?}",
            e.field()
        );
        assert!(
            e.kind().is_validation(),
            "card error of kind {:?}",
            e.kind()
        );
        assert_masked(&format!("{e:?}"), typed_digits, "card error");
    }
    if let Some(last4) = &v.last4 {
        assert!(last4.len() == 4 && last4.bytes().all(|b| b.is_ascii_digit()));
    }
    if let Some(card) = &v.card {
        check_card(card);
    }
    let _ = assert_serialises(v, "CardValidation");
}

fn check_card(card: &razorpay_checkout_wasm::card::Card) {
    if let Some(n) = &card.number {
        assert_card_number(n.as_str(), true);
        assert_masked(&format!("{card:?}"), n.as_str(), "Card Debug");
    }
    if let Some(cvv) = &card.cvv {
        assert!(
            (3..=4).contains(&cvv.len()) && cvv.bytes().all(|b| b.is_ascii_digit()),
            "bad CVV in card"
        );
        assert!(
            format!("{card:?}").contains("cvv: Some(\"***\")"),
            "Card Debug shows the CVV"
        );
    }
    assert_eq!(card.expiry_month.is_some(), card.expiry_year.is_some());
    if let (Some(m), Some(y)) = (&card.expiry_month, &card.expiry_year) {
        assert_two_digits(m, "expiry_month");
        assert_two_digits(y, "expiry_year");
        assert!(("01"..="12").contains(&m.as_str()), "month {m}");
    }
    if let Some(name) = &card.name {
        assert!(
            !name.trim().is_empty() && name.trim() == name,
            "bad name {name:?}"
        );
    }
}

// ---------------------------------------------------------------- 2. expiry

/// The clock and the text: `flags & 3` picks the clock: 0 = a realistic
/// clock shifted by an `i32` of minutes, 1 = any `f64` (8 bytes), 2 = any
/// `YearMonth` (two `u32`s, outside the documented domain too), 3 = any
/// year with a month of 1–12.
pub fn run_expiry(data: &[u8]) {
    let mut r = Reader::new(data);
    let flags = r.byte();
    let (now, now_ms) = match flags & 3 {
        0 => {
            let minutes = r.uint::<4>() as u32 as i32;
            let ms = NOW_MS + f64::from(minutes) * 60_000.0;
            (YearMonth::earliest_at(ms), Some(ms))
        }
        1 => {
            let ms = f64::from_bits(r.uint::<8>());
            (YearMonth::earliest_at(ms), Some(ms))
        }
        2 => (
            YearMonth {
                year: r.uint::<4>() as u32,
                month: r.uint::<4>() as u32,
            },
            None,
        ),
        _ => (
            YearMonth {
                year: r.uint::<4>() as u32,
                month: 1 + r.below(12) as u32,
            },
            None,
        ),
    };
    let sane_now = now.year <= 9999 && (1..=12).contains(&now.month);
    if let Some(ms) = now_ms {
        assert!(sane_now, "earliest_at({ms}) gave {now:?}");
    }
    let text = r.rest_text();
    let (m_text, y_text) = text.split_once('|').unwrap_or((&text, ""));

    // Month.
    match parse_month(m_text) {
        Ok(m) => {
            assert!((1..=12).contains(&m), "month {m}");
            let t = m_text.trim();
            assert!(
                t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()),
                "month accepted from {t:?}"
            );
        }
        Err(e) => assert_eq!(e.field(), Some("expiry_month")),
    }

    // Year.
    let year = parse_year(y_text, now);
    match &year {
        Ok(y) => {
            let t = y_text.trim();
            assert!(
                (t.len() == 2 || t.len() == 4) && t.bytes().all(|b| b.is_ascii_digit()),
                "year accepted from {t:?}"
            );
            let typed: u32 = t.parse().unwrap_or(u32::MAX);
            if t.len() == 4 {
                assert_eq!(*y, typed);
            } else {
                if sane_now && now.year >= 100 {
                    assert_eq!(y % 100, typed, "two-digit year {t} became {y}");
                    let (lo, hi) = (i64::from(now.year) - 50, i64::from(now.year) + 49);
                    assert!(
                        (lo..=hi).contains(&i64::from(*y)),
                        "{t} at {now:?} became {y}"
                    );
                }
            }
        }
        Err(e) => assert_eq!(e.field(), Some("expiry_year")),
    }

    // Combined, then checked against the clock.
    let combined = parse_combined(&text, now);
    if let Ok(e) = &combined {
        assert!((1..=12).contains(&e.month));
        check_expiry(*e, now, sane_now);
    }
    // Any expiry at all (the struct's fields are public).
    let mut r2 = Reader::new(data);
    let raw = Expiry {
        month: r2.uint::<4>() as u32,
        year: r2.uint::<4>() as u32,
    };
    let _ = raw.check(now);
    let f = raw.fields();
    assert_two_digits(&f.expiry_month, "fields().expiry_month");
    assert_two_digits(&f.expiry_year, "fields().expiry_year");

    // validate_card agrees with the parsers.
    if let Some(ms) = now_ms {
        let opts = ValidateOptions::at(ms);
        let input = CardInput {
            expiry: Loose::Str(text.clone()),
            ..CardInput::default()
        };
        let v = validate_card(&input, &opts);
        let expiry_errors = v
            .errors
            .iter()
            .filter(|e| e.field() == Some("expiry"))
            .count();
        let direct = combined.and_then(|e| e.check(now));
        assert_eq!(
            expiry_errors == 0,
            direct.is_ok(),
            "validate_card and parse_combined disagree"
        );
        check_validation(&v, "");

        let input = CardInput {
            expiry_month: Loose::Str(m_text.to_owned()),
            expiry_year: Loose::Str(y_text.to_owned()),
            ..CardInput::default()
        };
        check_validation(&validate_card(&input, &opts), "");
    }
}

fn check_expiry(e: Expiry, now: YearMonth, sane_now: bool) {
    let f = e.fields();
    assert_two_digits(&f.expiry_month, "expiry_month");
    assert_two_digits(&f.expiry_year, "expiry_year");
    assert_eq!(f.expiry_month.parse::<u32>().ok(), Some(e.month));
    assert_eq!(f.expiry_year.parse::<u32>().ok(), Some(e.year % 100));
    match e.check(now) {
        Ok(c) => {
            assert_eq!(c, e);
            if sane_now {
                let (this, then) = (
                    month_index(e.year, e.month),
                    month_index(now.year, now.month),
                );
                assert!(this >= then, "expired card accepted: {e:?} at {now:?}");
                assert!(
                    this <= then + 240,
                    "card too far ahead accepted: {e:?} at {now:?}"
                );
            }
        }
        Err(err) => {
            assert!(
                matches!(err.kind(), ErrorKind::Expired | ErrorKind::TooFarAhead),
                "{:?}",
                err.kind()
            );
            assert!(matches!(err.field(), Some("expiry_month" | "expiry_year")));
        }
    }
}

// ---------------------------------------------------------------- 3. cvv

/// `[network][flags]` then the CVV text. `network % 12`: one of the 11
/// networks or 11 = none known. Flags: 1 = tokenised, 2 = pass the CVV as
/// a JS number, 4 = leave it out, 8 = add a valid number and expiry.
pub fn run_cvv(data: &[u8]) {
    let mut r = Reader::new(data);
    let pick = r.below(12);
    let flags = r.byte();
    let network = NETWORKS.get(pick).copied();
    let text = r.rest_text();

    let net = network.unwrap_or(Network::Unknown);
    match check_cvv(&text, net) {
        Ok(t) => {
            assert_eq!(t, text.trim());
            assert!(
                t.bytes().all(|b| b.is_ascii_digit()),
                "CVV with a non-digit accepted"
            );
            match net.cvv_length() {
                Some(n) => assert_eq!(t.len(), n, "{net} CVV of {} digits accepted", t.len()),
                None => assert!(
                    t.len() == 3 || t.len() == 4,
                    "CVV of {} digits accepted",
                    t.len()
                ),
            }
        }
        Err(e) => {
            assert_eq!(e.field(), Some("cvv"));
            assert!(matches!(
                e.kind(),
                ErrorKind::InvalidCharacters | ErrorKind::InvalidLength
            ));
        }
    }

    let tokenised = flags & 1 != 0;
    let cvv = if flags & 4 != 0 {
        Loose::Absent
    } else if flags & 2 != 0 {
        text.trim()
            .parse::<i64>()
            .map_or(Loose::Str(text.clone()), Loose::Int)
    } else {
        Loose::Str(text.clone())
    };
    let with_card = flags & 8 != 0;
    let (number, name) = if with_card {
        (
            Loose::from("4100 2800 0000 1007"),
            Loose::from("Gaurav Kumar"),
        )
    } else {
        (Loose::Absent, Loose::Absent)
    };
    let expiry = if with_card {
        Loose::from("12/30")
    } else {
        Loose::Absent
    };
    let input = CardInput {
        number,
        expiry,
        cvv: cvv.clone(),
        name,
        ..CardInput::default()
    };
    let options = ValidateOptions {
        tokenised,
        now_ms: NOW_MS,
        network,
    };
    let v = validate_card(&input, &options);
    check_validation(&v, if with_card { "4100280000001007" } else { "" });
    let cvv_errors: Vec<&Error> = v
        .errors
        .iter()
        .filter(|e| e.field() == Some("cvv"))
        .collect();
    // The network the validator used for the CVV: the number's, else the option's.
    let used = if with_card { Network::Visa } else { net };
    match &cvv {
        Loose::Str(s) if !s.trim().is_empty() => {
            assert_eq!(
                cvv_errors.is_empty(),
                check_cvv(s, used).is_ok(),
                "validate_card and check_cvv disagree"
            );
        }
        Loose::Absent => {
            assert_eq!(
                cvv_errors.is_empty(),
                tokenised,
                "a missing CVV: error iff not tokenised"
            );
        }
        Loose::Int(_) => assert_eq!(
            cvv_errors.len(),
            1,
            "a numeric CVV must be refused (leading zeros)"
        ),
        _ => {}
    }
    if let Some(card) = &v.card {
        match &cvv {
            Loose::Absent => assert!(card.cvv.is_none(), "a CVV made up for a tokenised card"),
            Loose::Str(s) if s.trim().is_empty() => assert!(card.cvv.is_none(), "a blank CVV kept"),
            Loose::Str(s) => assert_eq!(card.cvv.as_deref(), Some(s.trim())),
            _ => {}
        }
        if tokenised && card.cvv.is_none() {
            let json = assert_serialises(card, "Card");
            assert!(json.get("cvv").is_none(), "a blank CVV is sent as a key");
        }
    }
}

// ---------------------------------------------------------------- 4. order request

/// `[mode][ctx]` then the input: JSON text when `mode` is even, otherwise
/// bytes that drive [`gen_checkout`]. `ctx`: bit 0 = the browser edge's
/// context (browser and referer given) rather than the server's; bits 1–2
/// = the saved card's network (none, RuPay, Visa, Amex); bit 3 = a clock
/// from the next 8 bytes.
pub fn run_order_request(data: &[u8]) {
    let mut r = Reader::new(data);
    let mode = r.byte();
    let ctx_flags = r.byte();
    let now_ms = if ctx_flags & 8 != 0 {
        f64::from_bits(r.uint::<8>())
    } else {
        NOW_MS
    };
    let input: CheckoutInput = if mode % 2 == 0 {
        let bytes = r.rest();
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
            return;
        };
        // Straight from the text (a server's path): any object decodes,
        // unless it repeats a key, which serde's derive refuses.
        if let Err(e) = serde_json::from_slice::<CheckoutInput>(bytes) {
            let why = e.to_string();
            assert!(
                !value.is_object() || why.contains("duplicate field"),
                "a JSON object failed to decode: {why}"
            );
        }
        // From a parsed value (the browser edge's path: no duplicates):
        // every object decodes.
        match serde_json::from_value::<CheckoutInput>(value.clone()) {
            Ok(i) => i,
            Err(e) => {
                assert!(
                    !value.is_object(),
                    "a JSON object failed to decode as CheckoutInput: {e}"
                );
                return;
            }
        }
    } else {
        let value = gen_checkout(&mut r);
        match serde_json::from_value(value) {
            Ok(i) => i,
            Err(e) => panic!("a generated JSON object failed to decode as CheckoutInput: {e}"),
        }
    };
    let _ = format!("{input:?}");
    let saved_card_network = match (ctx_flags >> 1) & 3 {
        0 => None,
        1 => Some(Network::RuPay),
        2 => Some(Network::Visa),
        _ => Some(Network::AmericanExpress),
    };
    let ctx = if ctx_flags & 1 != 0 {
        BuildContext {
            now_ms,
            browser: Some(BrowserInfo::from_raw(RawBrowser::default())),
            referer: Some("https://shop.example/pay#card".to_owned()),
            saved_card_network,
        }
    } else {
        BuildContext {
            saved_card_network,
            ..BuildContext::server(now_ms)
        }
    };
    let typed_number = match input
        .payment
        .get()
        .and_then(|p| p.card.get())
        .map(|c| &c.number)
    {
        Some(Loose::Str(s)) => digits_of(s),
        _ => String::new(),
    };
    match build_order_request(&input, &ctx) {
        Ok(req) => check_order_request(&req, &input, &ctx),
        Err(errors) => {
            assert!(!errors.is_empty(), "failed without an error");
            for e in &errors {
                assert!(
                    e.kind().is_validation(),
                    "a validation error of kind {:?}",
                    e.kind()
                );
                assert!(
                    e.field().is_some_and(|f| !f.is_empty()),
                    "an error without a field: {e:?}"
                );
                // (The request's card errors are on `payment.card.<field>`.)
                if is_card_field(e.field().and_then(|f| f.strip_prefix("payment.card."))) {
                    assert_masked(&format!("{e:?} {e}"), &typed_number, "card error");
                }
                let _ = assert_serialises(e, "Error");
            }
        }
    }
}

fn check_order_request(req: &OrderRequest, input: &CheckoutInput, ctx: &BuildContext) {
    assert!(
        req.amount >= 1 && req.amount <= 1 << 53,
        "amount {}",
        req.amount
    );
    assert_eq!(req.amount, req.payment.amount);
    assert!(
        req.currency.len() == 3 && req.currency.bytes().all(|b| b.is_ascii_uppercase()),
        "currency {}",
        req.currency
    );
    if let Some(receipt) = &req.receipt {
        assert!(receipt.chars().count() <= 40);
    }
    for notes in [&req.notes, &req.payment.notes].into_iter().flatten() {
        assert!(
            !notes.0.is_empty() && notes.0.len() <= 15,
            "{} notes",
            notes.0.len()
        );
    }
    let p = &req.payment;
    assert!(
        !p.email.is_empty() && p.email.chars().count() <= 254 && p.email.contains('@'),
        "email"
    );
    assert!(!p.contact.is_empty(), "contact");
    if let (Some(a), Some(b)) = (&req.customer_id, &p.customer_id) {
        assert_eq!(a, b);
    }
    for id in [&req.customer_id, &p.customer_id].into_iter().flatten() {
        assert!(id.starts_with("cust_"), "customer id {id}");
    }
    if let Some(token) = &p.token {
        assert_eq!(p.save, Some(1), "a saved card without save: 1");
        assert!(p.customer_id.is_some(), "a saved card without a customer");
        assert!(!token.trim().is_empty());
    }
    if p.recurring == Some(1) {
        assert!(p.customer_id.is_some(), "a mandate without a customer");
        if p.token.is_none() {
            assert!(req.token.is_some(), "a new-card mandate without token");
        }
    }
    assert!(p.recurring.is_none_or(|r| r <= 1) && p.save.is_none_or(|s| s <= 1));
    if p.token.is_none() {
        let card = p.card.as_ref();
        assert!(
            card.is_some_and(|c| c.number.is_some() && c.cvv.is_some()),
            "a new card without number or CVV"
        );
    }
    if let Some(card) = &p.card {
        check_card(card);
        if let Some(n) = &card.number {
            // The merchant's own fields (notes, receipt) may repeat digits,
            // so only the card's part of the Debug output is judged.
            assert_masked(
                &format!("{:?}", p.card),
                n.as_str(),
                "OrderRequest card Debug",
            );
            assert_masked(&format!("{input:?}"), n.as_str(), "CheckoutInput Debug");
        }
    }
    if ctx.referer.is_some() {
        assert_eq!(p.referer, "https://shop.example/pay");
    }
    assert!(!p.referer.contains('#'), "referer keeps its fragment");
    let json = assert_serialises(req, "OrderRequest");
    assert!(json.pointer("/payment/ip").is_none(), "ip is sent");
    assert_eq!(
        json.pointer("/payment/method").and_then(|m| m.as_str()),
        Some("card")
    );
    assert_eq!(
        json.pointer("/payment/authentication/authentication_channel")
            .and_then(|m| m.as_str()),
        Some("browser")
    );
}

/// A checkout input shaped like the real thing, every choice taken from
/// the fuzz bytes: mostly valid values with the occasional wrong type,
/// blank, huge or hostile value.
pub fn gen_checkout(r: &mut Reader<'_>) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let mut card = Map::new();
    const CARDS: [&str; 8] = [
        "4100 2800 0000 1007",
        "5500 6700 0000 1002",
        "6527 6589 0000 1005",
        "3608 280009 1007",
        "3402 560004 01007",
        "4718 6091 0820 4366",
        "4111111111111111",
        "4100-2800-0000-1008",
    ];
    put(r, &mut card, "number", |r| {
        Value::from(CARDS[r.below(CARDS.len())])
    });
    if r.byte() % 2 == 0 {
        put(r, &mut card, "expiry_month", |r| {
            Value::from(format!("{:02}", r.below(14)))
        });
        put(r, &mut card, "expiry_year", |r| match r.below(3) {
            0 => Value::from(format!("{}", 2020 + r.below(40))),
            1 => Value::from(20 + r.below(40)),
            _ => Value::from(format!("{:02}", r.below(100))),
        });
    } else {
        put(r, &mut card, "expiry", |r| {
            Value::from(format!("{}/{}", 1 + r.below(12), 20 + r.below(40)))
        });
    }
    put(r, &mut card, "cvv", |r| {
        Value::from(["123", "1234", "12", "", " 007 "][r.below(5)])
    });
    put(r, &mut card, "name", |r| {
        Value::from(["Gaurav Kumar", "", "A", "Ünïcode Náme", "x\u{0}y"][r.below(5)])
    });

    let mut payment = Map::new();
    put(r, &mut payment, "email", |r| {
        Value::from(["gaurav.kumar@example.com", "no-at", "", "a@b.co"][r.below(4)])
    });
    put(r, &mut payment, "contact", |r| {
        Value::from(["9876543210", "+91 98765-43210", "abc", ""][r.below(4)])
    });
    put(r, &mut payment, "amount", amount);
    put(r, &mut payment, "method", |r| {
        Value::from(["card", "upi", "CARD"][r.below(3)])
    });
    put(r, &mut payment, "recurring", |r| {
        [json!(1), json!(0), json!("1"), json!(true), json!(2)][r.below(5)].clone()
    });
    put(r, &mut payment, "token", |r| {
        Value::from(["token_4lsdksD31GaZ09", "", "card_x"][r.below(3)])
    });
    put(r, &mut payment, "save", |r| {
        [json!(1), json!(0), json!(false), json!("yes")][r.below(4)].clone()
    });
    put(r, &mut payment, "customer_id", |r| {
        Value::from(["cust_4lsdkfldlteskf", "cust_", "cust_x!"][r.below(3)])
    });
    put(r, &mut payment, "card", |_| Value::Object(card.clone()));
    put(r, &mut payment, "authentication", |r| {
        let channel = ["browser", "app"][r.below(2)];
        json!({"authentication_channel": channel})
    });
    put(r, &mut payment, "browser", |r| {
        let (java, tz, depth) = (r.byte() % 2 == 0, i64::from(r.byte() as i8) * 8, r.byte());
        let (width, height) = (r.uint::<2>(), r.uint::<3>());
        json!({"java_enabled": java, "javascript_enabled": true, "timezone_offset": tz,
               "color_depth": depth, "screen_width": width, "screen_height": height})
    });
    put(r, &mut payment, "referer", |r| {
        Value::from(
            [
                "https://shop.example/pay",
                "javascript:alert(1)",
                "/relative",
                "http://x.test/#f",
            ][r.below(4)],
        )
    });
    put(r, &mut payment, "callback_url", |r| {
        Value::from(["https://shop.example/cb", "ftp://x", ""][r.below(3)])
    });
    put(r, &mut payment, "notes", notes);

    let mut order = Map::new();
    put(r, &mut order, "amount", amount);
    put(r, &mut order, "currency", |r| {
        Value::from(["INR", "MYR", "inr", "RUPEES", ""][r.below(5)])
    });
    put(r, &mut order, "receipt", |r| {
        Value::from(["rcpt_1", "", &"r".repeat(41)][r.below(3)])
    });
    put(r, &mut order, "customer_id", |r| {
        Value::from(["cust_4lsdkfldlteskf", "cust_Other1"][r.below(2)])
    });
    put(r, &mut order, "notes", notes);
    put(r, &mut order, "token", |r| {
        let max_amount =
            [json!(1500), json!(499), json!(100_000_001), json!("1500")][r.below(4)].clone();
        let expire_at = [
            json!(2_000_000_000i64),
            json!(1),
            json!(4_102_444_800_000i64),
            json!(-5),
        ][r.below(4)]
        .clone();
        let frequency = ["as_presented", "monthly", "weekly"][r.below(3)];
        json!({"max_amount": max_amount, "expire_at": expire_at, "frequency": frequency})
    });
    put(r, &mut order, "payment", |_| Value::Object(payment.clone()));
    Value::Object(order)
}

/// Sets `key` to `make(r)` most of the time, else to a hostile value, or
/// leaves it out.
fn put(
    r: &mut Reader<'_>,
    map: &mut serde_json::Map<String, serde_json::Value>,
    key: &str,
    make: impl FnOnce(&mut Reader<'_>) -> serde_json::Value,
) {
    use serde_json::{json, Value};
    let v = match r.byte() {
        0..=175 => make(r),
        176..=199 => return,
        200..=205 => Value::Null,
        206..=211 => json!(r.uint::<8>() as i64),
        212..=215 => json!(f64::from_bits(r.uint::<8>()).is_finite().then_some(1.5)),
        216..=221 => json!(true),
        222..=227 => json!([]),
        228..=233 => json!({}),
        234..=239 => {
            let n = usize::from(r.byte());
            Value::from(String::from_utf8_lossy(r.take(n)).into_owned())
        }
        240..=245 => Value::from("9".repeat(usize::from(r.byte()) * 16)),
        _ => Value::from(" "),
    };
    map.insert(key.to_owned(), v);
}

fn amount(r: &mut Reader<'_>) -> serde_json::Value {
    use serde_json::json;
    match r.below(6) {
        0 => json!(100),
        1 => json!("100"),
        2 => json!(r.uint::<8>()),
        3 => json!(-1),
        4 => json!(1.5),
        _ => json!(9_007_199_254_740_993u64),
    }
}

fn notes(r: &mut Reader<'_>) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for i in 0..r.below(18) {
        let v = match r.below(4) {
            0 => serde_json::Value::from(i),
            1 => serde_json::Value::from("x".repeat(r.below(300))),
            2 => serde_json::Value::Null,
            _ => serde_json::Value::from(0.5),
        };
        m.insert(format!("k{i}"), v);
    }
    serde_json::Value::Object(m)
}

// ---------------------------------------------------------------- 5. gateway responses

/// A body as the browser edge makes one: the core's one rule
/// (`body_from_text`: blank → `Empty`; not JSON → `NotJson`; any JSON read
/// leniently), over serde_json here.
pub fn body_of(bytes: &[u8]) -> Body {
    struct Bytes<'a>(&'a [u8]);
    impl razorpay_checkout_wasm::checkout::ReplyText for Bytes<'_> {
        fn is_blank(&self) -> bool {
            std::str::from_utf8(self.0).is_ok_and(|t| t.trim().is_empty())
        }
        fn parse(&self) -> Option<Body> {
            serde_json::from_slice::<Body>(self.0).ok()
        }
    }
    razorpay_checkout_wasm::checkout::body_from_text(&Bytes(bytes))
}

/// The policy a test page uses: Razorpay plus loopback test servers.
pub fn local_policy() -> UrlPolicy {
    UrlPolicy {
        allowed_hosts: vec![
            "api.razorpay.com".into(),
            "127.0.0.1:8081".into(),
            "LOCALHOST:3000".into(),
            "[::1]:9000".into(),
            "api.curlec.com:8443".into(),
        ],
        allow_loopback_http: true,
    }
}

/// The three reply parsers on one `[status][body]`.
fn check_parsers(status: u16, bytes: &[u8], body: &Body) {
    let has_error_object = match body {
        Body::Json(b) => b.get().is_some_and(|f| f.error.get().is_some()),
        _ => false,
    };
    if has_error_object {
        let json = serde_json::from_slice::<serde_json::Value>(bytes).ok();
        assert!(json
            .as_ref()
            .and_then(|v| v.get("error"))
            .is_some_and(serde_json::Value::is_object));
    }
    let ok_status = (200..300).contains(&status);
    let order = parse_order_response(status, body.clone());
    let generate = parse_otp_generate(status, body.clone());
    let submit = parse_otp_submit(status, body.clone());
    let errors = [
        order.as_ref().err(),
        generate.as_ref().err(),
        submit.as_ref().err(),
    ];
    for e in errors.into_iter().flatten() {
        assert_eq!(e.status(), Some(status), "an error without its HTTP status");
        if has_error_object {
            assert_eq!(
                e.kind(),
                ErrorKind::Gateway,
                "an error object not reported as a gateway error"
            );
        } else {
            assert_eq!(e.kind(), ErrorKind::InvalidResponse);
        }
        let _ = (offered_actions(e), retry_offered(e), resend_offered(e));
        let _ = assert_serialises(e, "gateway Error");
        let _ = format!("{e:?} {e}");
    }
    if order.is_ok() || generate.is_ok() || submit.is_ok() {
        assert!(ok_status, "HTTP {status} accepted as a success");
        assert!(!has_error_object, "a reply with an error object accepted");
    }
    if let Ok(o) = &order {
        let _ = assert_serialises(o, "OrderOutcome");
    }
    if let Ok(c) = &generate {
        let _ = (c.submit_url(), c.resend_url());
        let _ = assert_serialises(c, "OtpChallenge");
    }
    if let Ok(s) = &submit {
        assert!(!s.razorpay_payment_id.trim().is_empty());
        let _ = assert_serialises(s, "PaymentSuccess");
    }
}

/// Every URL a step carries passed the policy, and re-checks the same.
fn check_step(step: &Step, policy: &UrlPolicy) {
    let urls: Vec<&CheckedUrl> = match step {
        Step::Navigate { url, .. }
        | Step::GenerateOtp { url }
        | Step::SubmitOtp { url, .. }
        | Step::ResendOtp { url } => {
            vec![url]
        }
        Step::AwaitOtp {
            submit_url,
            resend_url,
            ..
        } => std::iter::once(submit_url).chain(resend_url).collect(),
        _ => Vec::new(),
    };
    for u in urls {
        check_accepted_url(u, policy);
    }
    let json = assert_serialises(step, "Step");
    if let Step::SubmitOtp { otp, .. } = step {
        assert!(json.get("otp").is_none(), "the OTP is serialised");
        assert_eq!(format!("{otp:?}"), "Otp(..)");
    }
}

/// The gateway replies, alone and driving a [`Flow`]: `[options]` (bit 0 =
/// prefer redirect, bit 1 = the local test policy), then NUL-separated
/// records `[kind][3 status digits][body]`. Kinds: `o` order reply, `g`
/// OTP generate reply, `s` submit the body as the OTP, `u` OTP submit
/// reply, `r` ask for a resend, `n` resend reply, `t` start again, `x` a
/// transport failure; other bytes pick one of these.
pub fn run_gateway_response(data: &[u8]) {
    let mut r = Reader::new(data);
    let options = r.byte();
    let policy = if options & 2 != 0 {
        local_policy()
    } else {
        UrlPolicy::default()
    };
    let preference = if options & 1 != 0 {
        AuthPreference::Redirect
    } else {
        AuthPreference::Otp
    };
    let mut flow = Flow::new(FlowOptions {
        policy: policy.clone(),
        preference,
    });
    let input = valid_checkout_input();
    let ctx = BuildContext::server(NOW_MS);
    assert!(
        flow.start(&input, &ctx).is_ok(),
        "the valid input is refused"
    );

    for (i, record) in r.rest().split(|b| *b == 0).enumerate() {
        if i >= 64 {
            break;
        }
        let mut rr = Reader::new(record);
        let kind = rr.byte();
        let status_bytes = rr.take(3);
        let status = if status_bytes.len() == 3 && status_bytes.iter().all(u8::is_ascii_digit) {
            status_bytes
                .iter()
                .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'))
        } else {
            let mut s = [0u8; 3];
            s.iter_mut().zip(status_bytes).for_each(|(d, b)| *d = *b);
            u16::from_le_bytes([s[0], s[1]]) ^ u16::from(s[2])
        };
        let bytes = rr.rest();
        let parsed = body_of(bytes);
        check_parsers(status, bytes, &parsed);
        let body_of = |_: &[u8]| parsed.clone();
        let body = bytes;

        let before = flow.progress();
        let transport = || Error::new(ErrorKind::Network, "The connection was reset");
        let step = match kind {
            b'o' => flow.on_order_response(parse_order_response(status, body_of(body))),
            b'g' => flow.on_otp_generated(parse_otp_generate(status, body_of(body))),
            b's' => flow.submit_otp(&String::from_utf8_lossy(body)),
            b'u' => flow.on_otp_submitted(parse_otp_submit(status, body_of(body))),
            b'r' => flow.resend_otp(),
            b'n' => flow.on_otp_resent(parse_otp_generate(status, body_of(body))),
            b't' => match flow.start(&input, &ctx) {
                Ok(_) => {
                    assert!(
                        matches!(before, Progress::Validating | Progress::Failed),
                        "started from {before:?}"
                    );
                    continue;
                }
                Err(_) => {
                    assert_eq!(flow.progress(), before, "a refused start changed the state");
                    continue;
                }
            },
            b'x' => match flow.progress() {
                Progress::Posting => flow.on_order_response(Err(transport())),
                _ => flow.on_otp_submitted(Err(transport())),
            },
            k => match (k % 4, flow.progress()) {
                (_, Progress::Posting) => {
                    match flow.on_order_response(parse_order_response(status, body_of(body))) {
                        Err(_) => flow.on_otp_generated(parse_otp_generate(status, body_of(body))),
                        ok => ok,
                    }
                }
                (0, _) => flow.submit_otp("123456"),
                (1, _) => flow.on_otp_submitted(parse_otp_submit(status, body_of(body))),
                (2, _) => flow.resend_otp(),
                _ => flow.on_otp_resent(parse_otp_generate(status, body_of(body))),
            },
        };
        match step {
            Ok(step) => {
                check_step(&step, &policy);
                let after = flow.progress();
                match &step {
                    Step::Navigate { .. } => assert_eq!(after, Progress::Redirecting),
                    Step::Paid(_) => assert_eq!(after, Progress::Paid),
                    Step::Done { .. } => assert_eq!(after, Progress::Pending),
                    Step::Failed(_) => assert_eq!(after, Progress::Failed),
                    Step::AwaitOtp { .. } | Step::SubmitOtp { .. } | Step::ResendOtp { .. } => {
                        assert_eq!(after, Progress::AwaitingOtp)
                    }
                    Step::GenerateOtp { .. } => assert_eq!(after, Progress::Posting),
                }
            }
            Err(e) => {
                assert_eq!(flow.progress(), before, "a refused event changed the state");
                let _ = assert_serialises(&e, "flow Error");
            }
        }
    }
}

/// A checkout input every rule accepts (server side).
pub fn valid_checkout_input() -> CheckoutInput {
    let text = r#"{"amount": 100, "currency": "INR",
      "payment": {"email": "gaurav.kumar@example.com", "contact": "9876543210",
        "browser": {"java_enabled": false, "javascript_enabled": true, "timezone_offset": -330,
                    "color_depth": 24, "screen_width": 1920, "screen_height": 1080},
        "referer": "https://shop.example/pay",
        "card": {"number": "4100 2800 0000 1007", "expiry": "12/30", "cvv": "123", "name": "Gaurav Kumar"}}}"#;
    match serde_json::from_str(text) {
        Ok(i) => i,
        Err(e) => panic!("valid input: {e}"),
    }
}

// ---------------------------------------------------------------- 6. next url

/// The policy of a `next_url` input: `flags & 3`: 0 = default, 1 = the
/// local test policy, 2 = default with loopback http, 3 = hosts from the
/// input (`host,host\nurl`). Returns the policy, whether it is a fixed one
/// (for the WHATWG comparison), and the URL.
pub fn next_url_input(data: &[u8]) -> (UrlPolicy, bool, String) {
    let mut r = Reader::new(data);
    let flags = r.byte();
    let text = r.rest_text();
    match flags & 3 {
        0 => (UrlPolicy::default(), true, text),
        1 => (local_policy(), true, text),
        2 => (
            UrlPolicy {
                allow_loopback_http: true,
                ..UrlPolicy::default()
            },
            true,
            text,
        ),
        _ => {
            let (hosts, url) = text.split_once('\n').unwrap_or(("", &text));
            let allowed_hosts = hosts.split(',').map(str::to_owned).collect();
            (
                UrlPolicy {
                    allowed_hosts,
                    allow_loopback_http: flags & 4 != 0,
                },
                false,
                url.to_owned(),
            )
        }
    }
}

/// The next-action URL checker; returns the accepted URL (if any) so the
/// fuzz target can compare it with a WHATWG parser.
pub fn run_next_url(data: &[u8]) -> Option<(CheckedUrl, UrlPolicy, bool)> {
    let (policy, fixed, url) = next_url_input(data);
    match check_next_url(&url, &policy) {
        Ok(c) => {
            assert_eq!(c.as_str(), url);
            check_accepted_url(&c, &policy);
            Some((c, policy, fixed))
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::UnsafeUrl);
            let _ = assert_serialises(&e, "URL Error");
            None
        }
    }
}

/// What an accepted next-action URL must be.
pub fn check_accepted_url(c: &CheckedUrl, policy: &UrlPolicy) {
    let url = c.as_str();
    assert!(url.len() <= 8192, "a URL of {} bytes accepted", url.len());
    assert!(
        url.bytes().all(|b| b.is_ascii_graphic() && b != b'\\'),
        "a URL with whitespace, control, non-ASCII or backslash accepted: {url:?}"
    );
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        assert!(c.is_https());
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        assert!(!c.is_https());
        assert!(
            policy.allow_loopback_http,
            "http accepted without allow_loopback_http: {url}"
        );
        let h = c.host();
        let loopback = h == "localhost" || h == "[::1]" || h.starts_with("127.");
        assert!(
            loopback,
            "http accepted for a host that is not loopback: {url}"
        );
        rest
    } else {
        panic!("a URL that is neither https nor http accepted: {url:?}");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    assert!(
        !authority.contains('@') && !authority.contains('%'),
        "user info or escapes in the host: {url}"
    );
    let host = c.host();
    assert_eq!(host, host.to_ascii_lowercase());
    assert!(
        authority.starts_with(host),
        "host {host} is not the URL's authority {authority}"
    );
    let default_port = if c.is_https() { 443 } else { 80 };
    let port = c.port().unwrap_or(default_port);
    let allowed = policy.allowed_hosts.iter().any(|entry| {
        let e = entry.trim().to_ascii_lowercase();
        let (h, p) = match e.rsplit_once(':') {
            Some((h, p))
                if !h.ends_with(':')
                    && p.bytes().all(|b| b.is_ascii_digit())
                    && (h.ends_with(']') || !h.starts_with('[')) =>
            {
                (h.to_owned(), p.parse::<u16>().ok())
            }
            _ => (e.clone(), None),
        };
        h == host && p.map_or(c.port().is_none(), |p| p == port)
    });
    assert!(
        allowed,
        "host {host} port {port} is not in the allowlist {:?}",
        policy.allowed_hosts
    );
    // Accepted again, identically.
    match check_next_url(url, policy) {
        Ok(again) => assert!(again == *c),
        Err(e) => panic!("an accepted URL is refused on a second check: {e}"),
    }
}

/// Every target, for replaying a file whose target is known by name.
pub fn run(target: &str, data: &[u8]) {
    if data.len() > MAX_LEN {
        return;
    }
    match target {
        "card_number" => run_card_number(data),
        "expiry" => run_expiry(data),
        "cvv" => run_cvv(data),
        "order_request" => run_order_request(data),
        "gateway_response" => run_gateway_response(data),
        "next_url" => {
            let _ = run_next_url(data);
        }
        other => panic!("no fuzz target named {other}"),
    }
}

/// The targets' names.
pub const TARGETS: [&str; 6] = [
    "card_number",
    "expiry",
    "cvv",
    "order_request",
    "gateway_response",
    "next_url",
];
