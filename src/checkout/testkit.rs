//! Test helpers shared by the checkout modules' tests (test builds only).

use serde_json::{json, Map, Value};

use super::response::Body;
use super::talk::{body_from_text, ReplyText};

/// A reply's text natively, parsed by serde_json.
pub(crate) struct Text<'a>(pub(crate) &'a str);

impl ReplyText for Text<'_> {
    fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
    fn parse(&self) -> Option<Body> {
        serde_json::from_str(self.0).ok()
    }
}

/// A reply's text as a [`Body`], by the core's one rule (as the browser
/// edge reads it).
pub(crate) fn body(text: &str) -> Body {
    body_from_text(&Text(text))
}

/// xorshift64*: deterministic, no dependency.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A random JSON value whose object keys come from `keys`, so that the
    /// search reaches the fields the code reads.
    pub(crate) fn json(&mut self, keys: &[&str], depth: u32) -> Value {
        const STRINGS: &[&str] = &[
            "",
            " ",
            "1",
            "0",
            "card",
            "monthly",
            "INR",
            "cust_KhOZydVZbcThjW",
            "token_QqsJMAhHRmIPio",
            "pay_1",
            "a@b.co",
            "9876543210",
            "4100280000001007",
            "12/30",
            "123",
            "redirect",
            "otp_generate",
            "otp_submit",
            "otp_resend",
            "https://api.razorpay.com/v1/x",
            "https://evil.com/",
            "javascript:alert(1)",
            "browser",
            "é",
            "\u{0}",
            "12",
        ];
        let max = if depth == 0 { 6 } else { 9 };
        match self.below(max) {
            0 => Value::Null,
            1 => json!(self.below(2) == 1),
            2 => json!(self.next() as i64 >> self.below(64)),
            3 => json!((self.next() as f64) / 1e6 - 9e12),
            4 | 5 => json!(self.pick(STRINGS)),
            6 => Value::Array(
                (0..self.below(4))
                    .map(|_| self.json(keys, depth - 1))
                    .collect(),
            ),
            _ => {
                let mut m = Map::new();
                for _ in 0..self.below(6) {
                    let k = (*self.pick(keys)).to_owned();
                    let v = self.json(keys, depth - 1);
                    m.insert(k, v);
                }
                Value::Object(m)
            }
        }
    }
}
