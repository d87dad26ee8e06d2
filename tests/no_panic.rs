//! A seeded random search over every parser: no input may panic (debug
//! builds also trap on integer overflow), and verdicts stay consistent.
#![cfg(not(target_arch = "wasm32"))]

use razorpay_checkout_wasm::card::{
    check_cvv, check_name, inspect_number, parse_combined, parse_month, parse_year, validate_card,
    CardInput, Network, NumberState, ValidateOptions, YearMonth,
};
use razorpay_checkout_wasm::value::Loose;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", " ", "-", "/", ".", "a", "Z",
            "\u{a0}", "\t", "é", "१", "４", "\u{200b}", "\0", "🙂", "'", "  ", "65", "4100", "12",
            "2030", "\u{202e}",
        ];
        let len = match self.below(10) {
            0 => self.below(400),
            _ => self.below(24),
        };
        (0..len).map(|_| PIECES[self.below(PIECES.len())]).collect()
    }
    fn loose(&mut self) -> Loose {
        match self.below(9) {
            0 => Loose::Absent,
            1 => Loose::Null,
            2 => Loose::Int(self.next() as i64),
            3 => Loose::Float(f64::from_bits(self.next())),
            4 => Loose::Bool(self.below(2) == 0),
            5 => Loose::Compound,
            _ => Loose::Str(self.text()),
        }
    }
}

#[test]
fn no_parser_panics_on_random_input() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let now = YearMonth {
        year: 2026,
        month: 11,
    };
    for i in 0..60_000 {
        let t = rng.text();
        let inspection = inspect_number(&t);
        if inspection.state == NumberState::Complete {
            assert!(!inspection.formatted.is_empty());
        }
        let _ = parse_combined(&t, now);
        let _ = parse_month(&t);
        let _ = parse_year(&t, now);
        let _ = check_cvv(&t, Network::ALL[i % Network::ALL.len()]);
        let _ = check_name(&t);
        let input = CardInput {
            number: rng.loose(),
            expiry_month: rng.loose(),
            expiry_year: rng.loose(),
            expiry: rng.loose(),
            cvv: rng.loose(),
            name: rng.loose(),
        };
        let options = ValidateOptions {
            tokenised: rng.below(2) == 0,
            now_ms: f64::from_bits(rng.next()),
            network: None,
        };
        let v = validate_card(&input, &options);
        assert_eq!(v.valid, v.errors.is_empty());
        assert_eq!(v.valid, v.card.is_some());
    }
}

#[test]
fn extreme_clocks_do_not_panic() {
    for ms in [
        f64::MIN,
        -1.0,
        0.0,
        1e20,
        f64::MAX,
        f64::INFINITY,
        f64::NAN,
        253_402_300_799_999.0,
    ] {
        let ym = YearMonth::earliest_at(ms);
        assert!((1..=12).contains(&ym.month));
        let _ = parse_combined("12/99", ym);
        let _ = parse_year("99", ym);
    }
}
