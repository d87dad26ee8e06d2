//! Test helpers shared by the checkout modules' tests (test builds only).

use serde_json::{json, Map, Value};

use super::response::Body;

/// How the browser edge turns a reply's text into a [`Body`].
pub(crate) fn body(text: &str) -> Body {
    if text.trim().is_empty() {
        Body::Empty
    } else {
        serde_json::from_str(text).unwrap_or(Body::NotJson)
    }
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
