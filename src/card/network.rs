//! Card networks, told apart by IIN (the leading digits), with each
//! network's lengths, CVV length and display grouping.

use std::fmt;

/// A card network, named exactly as Razorpay's token entity names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Network {
    /// `Visa`
    Visa,
    /// `MasterCard`
    MasterCard,
    /// `American Express`
    AmericanExpress,
    /// `Diners Club`
    DinersClub,
    /// `RuPay`
    RuPay,
    /// `Maestro`
    Maestro,
    /// `JCB`
    Jcb,
    /// `Union Pay`
    UnionPay,
    /// `Bajaj Finserv`
    BajajFinserv,
    /// `Discover`
    Discover,
    /// `Unknown`: no known IIN range. Still accepted when its length and
    /// Luhn pass; the gateway decides.
    Unknown,
}

/// The networks' names, in the order of [`Network::ALL`].
const NAMES: [&str; 11] = [
    "Visa",
    "MasterCard",
    "American Express",
    "Diners Club",
    "RuPay",
    "Maestro",
    "JCB",
    "Union Pay",
    "Bajaj Finserv",
    "Discover",
    "Unknown",
];

impl Network {
    /// Every network, `Unknown` last, in declaration order (the
    /// discriminant is the index: a test checks it).
    pub const ALL: [Network; 11] = [
        Network::Visa,
        Network::MasterCard,
        Network::AmericanExpress,
        Network::DinersClub,
        Network::RuPay,
        Network::Maestro,
        Network::Jcb,
        Network::UnionPay,
        Network::BajajFinserv,
        Network::Discover,
        Network::Unknown,
    ];

    /// The wire name (`"American Express"`, `"RuPay"`, …).
    pub fn as_str(self) -> &'static str {
        // (`ALL` is in declaration order, so the discriminant is the index.)
        NAMES.get(self as usize).copied().unwrap_or("Unknown")
    }

    /// Parses a wire name (case-insensitive, so `"Mastercard"` and `"RUPAY"`
    /// from other sources are understood).
    pub fn from_name(name: &str) -> Option<Network> {
        let name = super::trim(name);
        let i = NAMES.iter().position(|n| n.eq_ignore_ascii_case(name))?;
        Network::ALL.get(i).copied()
    }

    /// The numbers of digits a card of this network may have.
    pub fn lengths(self) -> &'static [u8] {
        match self {
            Network::Visa => &[13, 16, 19],
            Network::MasterCard | Network::RuPay | Network::BajajFinserv => &[16],
            Network::AmericanExpress => &[15],
            Network::DinersClub => &[14, 16, 19],
            Network::Jcb => &[15, 16, 17, 18, 19],
            Network::UnionPay => &[14, 15, 16, 17, 18, 19],
            Network::Discover => &[16, 17, 18, 19],
            Network::Maestro | Network::Unknown => &[12, 13, 14, 15, 16, 17, 18, 19],
        }
    }

    /// The longest number this network allows.
    pub fn max_length(self) -> usize {
        self.lengths().last().map_or(19, |&l| usize::from(l))
    }

    /// The CVV length: 4 for American Express, 3 for the others, `None`
    /// (3 or 4) when the network is unknown.
    pub fn cvv_length(self) -> Option<usize> {
        match self {
            Network::AmericanExpress => Some(4),
            Network::Unknown => None,
            _ => Some(3),
        }
    }

    /// Where spaces go when showing a number of `len` digits: the digit
    /// counts after which a gap comes. 4-4-4-4(-3); Amex 4-6-5; a 14- or
    /// 15-digit Diners Club 4-6-4.
    pub fn gaps(self, len: usize) -> &'static [usize] {
        match self {
            Network::AmericanExpress => &[4, 10],
            Network::DinersClub if len <= 14 => &[4, 10],
            _ => &[4, 8, 12, 16],
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Network {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One IIN range: numbers whose first `digits` digits lie in `lo..=hi`.
#[derive(Clone, Copy, Debug)]
pub struct IinRange {
    /// The lowest prefix.
    pub lo: u32,
    /// The highest prefix.
    pub hi: u32,
    /// How many leading digits the bounds cover.
    pub digits: u8,
    /// The network.
    pub network: Network,
}

const fn r(lo: u32, hi: u32, digits: u8, network: Network) -> IinRange {
    IinRange {
        lo,
        hi,
        digits,
        network,
    }
}

use Network::*;

/// The IIN table, in priority order: the first range that matches wins.
///
/// RuPay's published ranges come first so that they win over Discover,
/// Maestro and Union Pay, which the JavaScript libraries get wrong.
pub const IIN_RANGES: &[IinRange] = &[
    r(508500, 508999, 6, RuPay),
    r(606985, 607984, 6, RuPay),
    r(608001, 608500, 6, RuPay),
    r(652150, 653149, 6, RuPay),
    r(817200, 820199, 6, RuPay),
    r(203040, 203040, 6, BajajFinserv),
    r(34, 34, 2, AmericanExpress),
    r(37, 37, 2, AmericanExpress),
    r(300, 305, 3, DinersClub),
    r(3095, 3095, 4, DinersClub),
    r(36, 36, 2, DinersClub),
    r(38, 39, 2, DinersClub),
    r(3528, 3589, 4, Jcb),
    r(2131, 2131, 4, Jcb),
    r(1800, 1800, 4, Jcb),
    r(2221, 2720, 4, MasterCard),
    r(51, 55, 2, MasterCard),
    r(6011, 6011, 4, Discover),
    r(644, 649, 3, Discover),
    r(65, 65, 2, Discover),
    r(62, 62, 2, UnionPay),
    r(810, 817, 3, UnionPay),
    r(50, 50, 2, Maestro),
    r(56, 59, 2, Maestro),
    r(63, 63, 2, Maestro),
    r(67, 67, 2, Maestro),
    r(4, 4, 1, Visa),
];

/// What the leading digits tell about the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detection {
    /// Every number with these leading digits is of this network
    /// (`Unknown` when no range can match any more).
    Known(Network),
    /// More digits are needed to tell.
    Undecided,
}

const POW10: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/// Tells the network from the leading digits of a number (all of it, or a
/// prefix while the shopper types).
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::card::{detect, Detection, Network};
/// assert_eq!(detect(b"6527658900001005"), Detection::Known(Network::RuPay));
/// assert_eq!(detect(b"65"), Detection::Undecided); // RuPay or Discover
/// assert_eq!(detect(b"4"), Detection::Known(Network::Visa));
/// assert_eq!(detect(b"9"), Detection::Known(Network::Unknown));
/// ```
pub fn detect(digits: &[u8]) -> Detection {
    let k = digits.len().min(6);
    let mut candidate: Option<Network> = None;
    for range in IIN_RANGES {
        let d = usize::from(range.digits);
        let (low, high) = if k >= d {
            let v = prefix(digits, d);
            (v, v)
        } else {
            // All completions of the typed prefix to `d` digits.
            let scale = POW10.get(d - k).copied().unwrap_or(1);
            let p = prefix(digits, k);
            (p * scale, (p + 1) * scale - 1)
        };
        let (lo, hi) = (u64::from(range.lo), u64::from(range.hi));
        if high < lo || low > hi {
            continue;
        }
        match candidate {
            Some(n) if n != range.network => return Detection::Undecided,
            _ => candidate = Some(range.network),
        }
        if lo <= low && high <= hi {
            return Detection::Known(range.network);
        }
    }
    match candidate {
        // Some completions match, others may end up in no range.
        Some(_) => Detection::Undecided,
        None => Detection::Known(Network::Unknown),
    }
}

fn prefix(digits: &[u8], n: usize) -> u64 {
    digits
        .iter()
        .take(n)
        .fold(0, |acc, b| acc * 10 + u64::from(b.wrapping_sub(b'0') % 10))
}

/// The network of a whole number (at least six digits tell it for sure).
pub fn network_of(digits: &[u8]) -> Network {
    match detect(digits) {
        Detection::Known(n) => n,
        Detection::Undecided => Network::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pad(prefix: u32, digits: u8) -> String {
        let mut s = prefix.to_string();
        while s.len() < usize::from(digits) {
            s.push('0');
        }
        while s.len() < 16 {
            s.push('0');
        }
        s
    }

    #[test]
    fn first_and_last_of_every_range() {
        for range in IIN_RANGES {
            for edge in [range.lo, range.hi] {
                let n = pad(edge, range.digits);
                assert_eq!(network_of(n.as_bytes()), range.network, "{n} {range:?}");
            }
        }
    }

    #[test]
    fn just_outside_the_rupay_ranges() {
        let table: &[(&str, Network)] = &[
            ("508499", Maestro),
            ("508500", RuPay),
            ("508999", RuPay),
            ("509000", Maestro),
            ("606984", Unknown),
            ("606985", RuPay),
            ("607984", RuPay),
            ("607985", Unknown),
            ("608000", Unknown),
            ("608001", RuPay),
            ("608500", RuPay),
            ("608501", Unknown),
            ("652149", Discover),
            ("652150", RuPay),
            ("653149", RuPay),
            ("653150", Discover),
            ("817199", UnionPay),
            ("817200", RuPay),
            ("820199", RuPay),
            ("820200", Unknown),
            ("222099", Unknown),
            ("222100", MasterCard),
            ("272099", MasterCard),
            ("272100", Unknown),
            ("203039", Unknown),
            ("203040", BajajFinserv),
            ("203041", Unknown),
        ];
        for (p, want) in table {
            assert_eq!(
                network_of(pad(p.parse().unwrap(), 6).as_bytes()),
                *want,
                "{p}"
            );
        }
    }

    #[test]
    fn partial_prefixes() {
        use Detection::*;
        let table: &[(&str, Detection)] = &[
            ("", Undecided),
            ("4", Known(Visa)),
            ("5", Undecided),
            ("51", Known(MasterCard)),
            ("2", Undecided),
            ("22", Undecided),
            ("2221", Known(MasterCard)),
            ("34", Known(AmericanExpress)),
            ("3", Undecided),
            ("36", Known(DinersClub)),
            ("35", Undecided),
            ("3528", Known(Jcb)),
            ("6", Undecided),
            ("65", Undecided),
            ("652", Undecided),
            ("6527", Known(RuPay)),
            ("6540", Known(Discover)),
            ("6011", Known(Discover)),
            ("508", Undecided),
            ("5085", Known(RuPay)),
            ("8", Undecided),
            ("81", Undecided),
            ("818", Known(RuPay)),
            ("9", Known(Unknown)),
            ("7", Known(Unknown)),
            ("62", Known(UnionPay)),
        ];
        for (p, want) in table {
            assert_eq!(detect(p.as_bytes()), *want, "{p:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for n in Network::ALL {
            assert_eq!(Network::from_name(n.as_str()), Some(n));
        }
        assert_eq!(Network::from_name("Mastercard"), Some(MasterCard));
        assert_eq!(Network::from_name(" rupay "), Some(RuPay));
        assert_eq!(Network::from_name("Amex"), None);
        // `ALL` is in declaration order: as_str, from_name and the wire's
        // network index read a network's discriminant as its index.
        for (i, n) in Network::ALL.into_iter().enumerate() {
            assert_eq!(n as usize, i, "{n:?}");
        }
        let names: Vec<_> = Network::ALL.iter().map(|n| format!("{n:?}")).collect();
        assert_eq!(
            names,
            [
                "Visa",
                "MasterCard",
                "AmericanExpress",
                "DinersClub",
                "RuPay",
                "Maestro",
                "Jcb",
                "UnionPay",
                "BajajFinserv",
                "Discover",
                "Unknown"
            ]
        );
        assert_eq!(AmericanExpress.as_str(), "American Express");
        assert_eq!(Jcb.as_str(), "JCB");
    }

    #[test]
    fn per_network_rules() {
        assert_eq!(AmericanExpress.cvv_length(), Some(4));
        assert_eq!(RuPay.cvv_length(), Some(3));
        assert_eq!(Unknown.cvv_length(), None);
        assert_eq!(AmericanExpress.gaps(15), &[4, 10]);
        assert_eq!(DinersClub.gaps(14), &[4, 10]);
        assert_eq!(DinersClub.gaps(16), &[4, 8, 12, 16]);
        assert_eq!(Visa.max_length(), 19);
        assert_eq!(MasterCard.max_length(), 16);
    }
}
