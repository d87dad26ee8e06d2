//! The sandbox's own card knowledge: Luhn, networks by IIN, and the table of
//! failure-scenario test cards. Deliberately independent of the wasm crate's
//! card engine, so the two can catch each other's mistakes.

use serde::{Deserialize, Serialize};

/// What a test card does besides succeeding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    /// Any other Luhn-valid card: authentication and capture succeed.
    Succeed,
    /// Declined by the issuing bank when the payment is created.
    DeclinedByBank,
    /// Declined for insufficient funds when the payment is created.
    InsufficientFunds,
    /// Created fine, but fails at authentication (bank page Approve or a right OTP).
    AuthenticationFails,
    /// Payment succeeds, but the recurring mandate (token) is rejected.
    MandateRejected,
    /// Late authorisation: the bank does not answer when the shopper
    /// authenticates (the callback carries an error, the payment stays
    /// `created` or times out to `failed`); its authorisation arrives
    /// `SANDBOX_LATE_AUTH_MS` later, and the payment is captured then.
    LateAuthorization,
}

/// The failure-scenario cards (Luhn-valid; any expiry in the future, any CVV).
pub const FAILURE_CARDS: &[(&str, Behaviour)] = &[
    ("4000000000000002", Behaviour::DeclinedByBank),
    ("4000000000009995", Behaviour::InsufficientFunds),
    ("4000000000003220", Behaviour::AuthenticationFails),
    ("4000000000000127", Behaviour::MandateRejected),
    ("4000000000000515", Behaviour::LateAuthorization),
];

/// The behaviour of a (digits-only) card number.
pub fn behaviour_of(digits: &str) -> Behaviour {
    FAILURE_CARDS
        .iter()
        .find(|(n, _)| *n == digits)
        .map(|(_, b)| *b)
        .unwrap_or(Behaviour::Succeed)
}

/// The Luhn (mod 10) check.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

fn prefix(digits: &str, n: usize) -> u32 {
    digits.get(..n).and_then(|p| p.parse().ok()).unwrap_or(0)
}

/// Razorpay's network name for a card number.
pub fn network_of(digits: &str) -> &'static str {
    let p1 = prefix(digits, 1);
    let p2 = prefix(digits, 2);
    let p3 = prefix(digits, 3);
    let p4 = prefix(digits, 4);
    match () {
        _ if p1 == 4 => "Visa",
        _ if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) => "MasterCard",
        _ if p2 == 34 || p2 == 37 => "American Express",
        _ if p2 == 36 || p2 == 38 || p2 == 39 || (300..=305).contains(&p3) => "Diners Club",
        _ if (3528..=3589).contains(&p4) => "JCB",
        _ if p4 == 6011 || (644..=649).contains(&p3) => "Discover",
        _ if p2 == 60 || p2 == 65 || p2 == 81 || p2 == 82 || p3 == 508 => "RuPay",
        _ if p2 == 62 => "Union Pay",
        _ if p2 == 50 || (56..=69).contains(&p2) => "Maestro",
        _ => "Unknown",
    }
}

/// How many digits a network's CVV has: 4 on American Express (the CID on
/// the front), 3 on every other network.
pub fn cvv_length(network: &str) -> usize {
    if network == "American Express" {
        4
    } else {
        3
    }
}

/// A 4-letter issuer code for a card (deterministic from its IIN).
pub fn issuer_of(digits: &str) -> &'static str {
    const ISSUERS: [&str; 5] = ["HDFC", "ICIC", "UTIB", "SBIN", "KKBK"];
    let iin = prefix(digits, 6) as usize;
    ISSUERS[iin % ISSUERS.len()]
}

/// `credit` or `debit`.
pub fn type_of(network: &str) -> &'static str {
    if network == "RuPay" || network == "Maestro" {
        "debit"
    } else {
        "credit"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_success_cards() {
        for (n, net) in [
            ("4100280000001007", "Visa"),
            ("5500670000001002", "MasterCard"),
            ("6527658900001005", "RuPay"),
            ("36082800091007", "Diners Club"),
            ("340256000401007", "American Express"),
            ("4111111111111111", "Visa"),
        ] {
            assert!(luhn(n), "{n}");
            assert_eq!(network_of(n), net, "{n}");
            assert_eq!(behaviour_of(n), Behaviour::Succeed);
        }
    }

    #[test]
    fn failure_cards_are_luhn_valid() {
        for (n, _) in FAILURE_CARDS {
            assert!(luhn(n), "{n}");
        }
        assert!(!luhn("4111111111111112"));
    }
}
