//! The as-you-type view of a card number: its network as soon as it can be
//! told, whether it is still incomplete, complete or beyond repair, and the
//! digits grouped for display.

use std::fmt;

use serde::Serialize;

use super::network::{detect, Detection, Network};
use super::number::{luhn, scan, Scan, MAX_DIGITS, MIN_DIGITS};

/// Where a number being typed stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberState {
    /// A prefix that can still become a valid number: never flag it.
    Incomplete,
    /// A valid number (right length for its network, Luhn passes). More
    /// digits may still be valid too (Visa 16 → 19).
    Complete,
    /// No more typing can make it valid.
    Invalid,
}

/// The result of [`inspect_number`]. Its `Debug` output shows only the
/// last four digits of `formatted`.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Inspection {
    /// The network, or `None` until the leading digits tell it.
    pub network: Option<Network>,
    /// Incomplete, complete or invalid.
    pub state: NumberState,
    /// The digits grouped with single spaces for display (`4100 2800 0000 1007`).
    /// Empty when the input holds characters that are not digits or separators.
    pub formatted: String,
    /// The lengths the number may have.
    pub lengths: &'static [u8],
    /// The CVV length, `None` while unknown (3 or 4 are then accepted).
    pub cvv_length: Option<usize>,
}

impl fmt::Debug for Inspection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `formatted` is the card number: mask it as `CardNumber` does.
        let digits: Vec<char> = self
            .formatted
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let last4: String = digits.iter().skip(digits.len().saturating_sub(4)).collect();
        f.debug_struct("Inspection")
            .field("network", &self.network)
            .field("state", &self.state)
            .field("formatted", &format_args!("\"**** {last4}\""))
            .field("lengths", &self.lengths)
            .field("cvv_length", &self.cvv_length)
            .finish()
    }
}

const ANY_LENGTH: &[u8] = &[12, 13, 14, 15, 16, 17, 18, 19];

/// Inspects a (possibly partial) card number as the shopper types it.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::card::{inspect_number, Network, NumberState};
/// let i = inspect_number("3402 56");
/// assert_eq!(i.network, Some(Network::AmericanExpress));
/// assert_eq!(i.state, NumberState::Incomplete);
/// assert_eq!(i.formatted, "3402 56");
/// assert_eq!(inspect_number("3402560004010070").state, NumberState::Invalid);
/// ```
pub fn inspect_number(input: &str) -> Inspection {
    let digits = match scan(input) {
        Scan::Digits(d) => d,
        Scan::TooLong | Scan::BadCharacter => return invalid(None),
    };
    let bytes = digits.as_bytes();
    let network = match detect(bytes) {
        Detection::Known(n) => Some(n),
        Detection::Undecided => None,
    };
    let (lengths, max) = match network {
        Some(n) => (n.lengths(), n.max_length()),
        None => (ANY_LENGTH, MAX_DIGITS),
    };
    let len = bytes.len();
    let state =
        if len >= MIN_DIGITS && lengths.iter().any(|&l| usize::from(l) == len) && luhn(bytes) {
            NumberState::Complete
        } else if len < max {
            NumberState::Incomplete
        } else {
            NumberState::Invalid
        };
    Inspection {
        network,
        state,
        formatted: format_digits(bytes, network.unwrap_or(Network::Unknown)),
        lengths,
        cvv_length: network.and_then(Network::cvv_length),
    }
}

fn invalid(network: Option<Network>) -> Inspection {
    Inspection {
        network,
        state: NumberState::Invalid,
        formatted: String::new(),
        lengths: ANY_LENGTH,
        cvv_length: None,
    }
}

/// Groups digits for display by the network's pattern.
pub fn format_digits(digits: &[u8], network: Network) -> String {
    let gaps = network.gaps(digits.len());
    let mut out = String::with_capacity(digits.len() + gaps.len());
    for (i, &b) in digits.iter().enumerate() {
        if i > 0 && gaps.contains(&i) {
            out.push(' ');
        }
        out.push(char::from(b));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use NumberState::*;

    #[test]
    fn debug_masks_the_number() {
        // Found by fuzz/ (card_number): the derived Debug showed `formatted`.
        let shown = format!("{:?}", inspect_number("4100 2800 0000 1007"));
        assert!(!shown.replace(' ', "").contains("41002800"), "{shown}");
        assert!(
            shown.contains("\"**** 1007\"") && shown.contains("Complete"),
            "{shown}"
        );
    }

    #[test]
    fn states_while_typing() {
        let table: &[(&str, Option<Network>, NumberState, &str)] = &[
            ("", None, Incomplete, ""),
            ("4", Some(Network::Visa), Incomplete, "4"),
            ("41002", Some(Network::Visa), Incomplete, "4100 2"),
            (
                "4100280000001007",
                Some(Network::Visa),
                Complete,
                "4100 2800 0000 1007",
            ),
            // 16 digits failing Luhn: a 19-digit Visa is still possible.
            (
                "4100280000001008",
                Some(Network::Visa),
                Incomplete,
                "4100 2800 0000 1008",
            ),
            (
                "4100280000001008000",
                Some(Network::Visa),
                Invalid,
                "4100 2800 0000 1008 000",
            ),
            (
                "5500670000001002",
                Some(Network::MasterCard),
                Complete,
                "5500 6700 0000 1002",
            ),
            (
                "5500670000001003",
                Some(Network::MasterCard),
                Invalid,
                "5500 6700 0000 1003",
            ),
            (
                "55006700000010021",
                Some(Network::MasterCard),
                Invalid,
                "5500 6700 0000 1002 1",
            ),
            (
                "6527 6589 0000 1005",
                Some(Network::RuPay),
                Complete,
                "6527 6589 0000 1005",
            ),
            (
                "340256000401007",
                Some(Network::AmericanExpress),
                Complete,
                "3402 560004 01007",
            ),
            (
                "36082800091007",
                Some(Network::DinersClub),
                Complete,
                "3608 280009 1007",
            ),
            ("3608", Some(Network::DinersClub), Incomplete, "3608"),
            ("65", None, Incomplete, "65"),
            ("4100 28ab", None, Invalid, ""),
        ];
        for (input, network, state, formatted) in table {
            let i = inspect_number(input);
            assert_eq!(i.network, *network, "{input:?}");
            assert_eq!(i.state, *state, "{input:?}");
            assert_eq!(i.formatted, *formatted, "{input:?}");
        }
    }

    #[test]
    fn every_prefix_of_a_valid_number_is_incomplete() {
        for n in [
            "4100280000001007",
            "6527658900001005",
            "340256000401007",
            "36082800091007",
        ] {
            for end in 0..n.len() {
                assert_eq!(inspect_number(&n[..end]).state, Incomplete, "{}", &n[..end]);
            }
            assert_eq!(inspect_number(n).state, Complete, "{n}");
        }
    }

    #[test]
    fn cvv_length_follows_the_network() {
        assert_eq!(inspect_number("37").cvv_length, Some(4));
        assert_eq!(inspect_number("4").cvv_length, Some(3));
        assert_eq!(inspect_number("").cvv_length, None);
        assert_eq!(inspect_number("9").cvv_length, None);
    }

    #[test]
    fn huge_input_is_invalid_not_slow() {
        assert_eq!(inspect_number(&"1".repeat(10_000)).state, Invalid);
    }
}
