//! Whole-card validation: every field checked, every error reported at once,
//! and the normalised card ready for the payload.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::cvv::check_cvv;
use super::expiry::{check_combined, parse_month, parse_year, Expiry, YearMonth};
use super::name::check_name;
use super::network::{network_of, Network};
use super::number::CardNumber;
use crate::error::{Error, ErrorKind};
use crate::value::Loose;

/// A card as a page hands it over: any field may be missing or of the
/// wrong type. `expiry` is a combined `MM/YY` field, used when
/// `expiry_month` and `expiry_year` are both absent.
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
pub struct CardInput {
    /// The card number as typed.
    pub number: Loose,
    /// `1`–`12` or `01`–`12`.
    pub expiry_month: Loose,
    /// `YY` or `YYYY`.
    pub expiry_year: Loose,
    /// `MM/YY`, `MM / YYYY`, `MMYY`, `MM-YY`.
    pub expiry: Loose,
    /// The CVV.
    pub cvv: Loose,
    /// The cardholder name.
    pub name: Loose,
}

impl fmt::Debug for CardInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CardInput { .. }")
    }
}

/// How to validate.
#[derive(Clone, Copy, Debug)]
pub struct ValidateOptions {
    /// A saved (tokenised) card: the CVV is optional and, when blank, left
    /// out of the payload entirely; number, expiry and name are optional.
    pub tokenised: bool,
    /// The clock, in milliseconds since the Unix epoch.
    pub now_ms: f64,
    /// The network, when known from elsewhere (a saved card's token entity):
    /// it sets the CVV length when there is no number to tell it.
    pub network: Option<Network>,
}

impl ValidateOptions {
    /// A new card at time `now_ms`.
    pub fn at(now_ms: f64) -> ValidateOptions {
        ValidateOptions {
            tokenised: false,
            now_ms,
            network: None,
        }
    }
}

/// The normalised card, in the composite API's `payment.card` shape.
///
/// Fields that are `None` are left out of the JSON entirely (a tokenised
/// card without a CVV has no `cvv` key at all: never a dummy value).
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Card {
    /// The cardholder name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Digits only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<CardNumber>,
    /// The CVV, only when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvv: Option<String>,
    /// `MM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_month: Option<String>,
    /// `YY`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_year: Option<String>,
}

impl fmt::Debug for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Card")
            .field("number", &self.number)
            .field("cvv", &self.cvv.as_ref().map(|_| "***"))
            .field("expiry_month", &self.expiry_month)
            .field("expiry_year", &self.expiry_year)
            .finish_non_exhaustive()
    }
}

impl Drop for Card {
    fn drop(&mut self) {
        if let Some(cvv) = self.cvv.take() {
            wipe(cvv);
        }
    }
}

/// Overwrites a string's bytes before freeing it.
pub(crate) fn wipe(s: String) {
    let mut bytes = s.into_bytes();
    for b in bytes.iter_mut() {
        // SAFETY: `b` is a valid, aligned, exclusive reference.
        unsafe { std::ptr::write_volatile(b, 0) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// The verdict of [`validate_card`].
#[derive(Clone, Debug, Serialize)]
pub struct CardValidation {
    /// True when there are no errors.
    pub valid: bool,
    /// The network, when the number tells it (also for an invalid number:
    /// a Visa failing Luhn is still shown as Visa).
    pub network: Option<Network>,
    /// The last four digits, when the number is well-formed.
    pub last4: Option<String>,
    /// The card for the payload, `None` when invalid.
    pub card: Option<Card>,
    /// Every error, in field order: number, expiry_month, expiry_year, cvv, name.
    pub errors: Vec<Error>,
}

/// Validates a whole card and reports every error at once.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::card::{validate_card, CardInput, ValidateOptions, Network};
/// let card = CardInput {
///     number: "4100 2800 0000 1007".into(),
///     expiry_month: "12".into(),
///     expiry_year: "30".into(),
///     cvv: "123".into(),
///     name: "Gaurav Kumar".into(),
///     ..Default::default()
/// };
/// let v = validate_card(&card, &ValidateOptions::at(1_795_431_600_000.0));
/// assert!(v.valid);
/// assert_eq!(v.network, Some(Network::Visa));
/// assert_eq!(v.last4.as_deref(), Some("1007"));
/// ```
pub fn validate_card(input: &CardInput, options: &ValidateOptions) -> CardValidation {
    let now = YearMonth::earliest_at(options.now_ms);
    let mut errors = Vec::new();
    let tokenised = options.tokenised;

    // Number.
    let mut network = options.network;
    let mut last4 = None;
    let number = text_field(&input.number, "number", tokenised, &mut errors)
        .and_then(|text| keep(CardNumber::parse(text), &mut errors))
        .and_then(|n| {
            let net = network_of(n.digits().as_bytes());
            network = Some(net);
            last4 = Some(n.last4().to_owned());
            keep(number_rules(&n, net), &mut errors).map(|()| n)
        });

    // Expiry.
    let expiry = expiry(input, now, tokenised, &mut errors);

    // CVV.
    let cvv = text_field(&input.cvv, "cvv", tokenised, &mut errors)
        .and_then(|text| {
            keep(
                check_cvv(text, network.unwrap_or(Network::Unknown)),
                &mut errors,
            )
        })
        .map(str::to_owned);

    // Name.
    let name = text_field(&input.name, "name", tokenised, &mut errors)
        .and_then(|text| keep(check_name(text), &mut errors));

    let valid = errors.is_empty();
    let card = valid.then(|| {
        let fields = expiry.map(Expiry::fields);
        let (expiry_month, expiry_year) = match fields {
            Some(f) => (Some(f.expiry_month), Some(f.expiry_year)),
            None => (None, None),
        };
        Card {
            name,
            number,
            cvv,
            expiry_month,
            expiry_year,
        }
    });
    CardValidation {
        valid,
        network,
        last4,
        card,
        errors,
    }
}

/// A field that must be a string: `None` when it is absent (an error
/// unless the card is tokenised) or of the wrong type (an error), the
/// error pushed onto `errors`.
#[inline(never)]
fn text_field<'a>(
    value: &'a Loose,
    field: &'static str,
    tokenised: bool,
    errors: &mut Vec<Error>,
) -> Option<&'a str> {
    match value.text(field) {
        Ok(Some(text)) => Some(text),
        Ok(None) if tokenised => None,
        Ok(None) => {
            errors.push(Error::required(field));
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// Length for the network, then Luhn.
fn number_rules(n: &CardNumber, network: Network) -> Result<(), Error> {
    let len = n.as_str().len();
    // (`iter().any`, not `contains`: the slice search costs 0.3 KB.)
    if !network.lengths().iter().any(|&l| usize::from(l) == len) {
        return Err(Error::invalid(
            ErrorKind::InvalidLength,
            "number",
            length_description(network),
        ));
    }
    if !super::number::luhn(n.digits().as_bytes()) {
        return Err(Error::invalid(
            ErrorKind::FailedLuhn,
            "number",
            "The number is invalid",
        ));
    }
    Ok(())
}

fn length_description(network: Network) -> &'static str {
    match network {
        Network::Visa => "The number must be 13, 16 or 19 digits for Visa",
        Network::MasterCard => "The number must be 16 digits for MasterCard",
        Network::RuPay => "The number must be 16 digits for RuPay",
        Network::BajajFinserv => "The number must be 16 digits for Bajaj Finserv",
        Network::AmericanExpress => "The number must be 15 digits for American Express",
        Network::DinersClub => "The number must be 14, 16 or 19 digits for Diners Club",
        Network::Jcb => "The number must be between 15 and 19 digits for JCB",
        Network::UnionPay => "The number must be between 14 and 19 digits for Union Pay",
        Network::Discover => "The number must be between 16 and 19 digits for Discover",
        Network::Maestro | Network::Unknown => "The number must be between 12 and 19 digits",
    }
}

/// Month and year from the separate fields, or from the combined one;
/// `None` when they are not valid (their errors pushed onto `errors`) or
/// a tokenised card has no expiry. (Errors pushed, not returned as a
/// `Vec`: collecting them cost the card entry 0.5 KB gzip.)
fn expiry(
    input: &CardInput,
    now: YearMonth,
    tokenised: bool,
    errors: &mut Vec<Error>,
) -> Option<Expiry> {
    let separate = !input.expiry_month.is_blank() || !input.expiry_year.is_blank();
    if !separate {
        // The combined field's errors are on `expiry`; with no expiry at all
        // (no key, `undefined` or `null`: validateCard's JS sends `undefined`
        // as `null`, pay()'s walker leaves it out), on both separate fields.
        return match input.expiry.text("expiry") {
            Ok(None) if tokenised => None,
            Ok(None) if matches!(input.expiry, Loose::Absent | Loose::Null) => {
                errors.push(Error::required("expiry_month"));
                errors.push(Error::required("expiry_year"));
                None
            }
            Ok(None) => keep(Err(Error::required("expiry")), errors),
            Ok(Some(t)) => keep(check_combined(t, now), errors),
            Err(e) => keep(Err(e), errors),
        };
    }
    let month = keep(
        input
            .expiry_month
            .text_or_int("expiry_month", &mut [0; 20])
            .and_then(|t| parse_month(t.unwrap_or(""))),
        errors,
    );
    let year = keep(
        input
            .expiry_year
            .text_or_int("expiry_year", &mut [0; 20])
            .and_then(|t| parse_year(t.unwrap_or(""), now)),
        errors,
    );
    keep(
        Expiry {
            month: month?,
            year: year?,
        }
        .check(now),
        errors,
    )
}

/// `Some` for `Ok`, the error pushed onto `errors` for `Err`.
fn keep<T>(result: Result<T, Error>, errors: &mut Vec<Error>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-23T11:00:00Z
    const NOW: f64 = 1_795_431_600_000.0;

    fn card(number: &str, month: &str, year: &str, cvv: &str) -> CardInput {
        CardInput {
            number: number.into(),
            expiry_month: month.into(),
            expiry_year: year.into(),
            cvv: cvv.into(),
            name: "Gaurav Kumar".into(),
            ..Default::default()
        }
    }

    fn kinds(v: &CardValidation) -> Vec<(&str, ErrorKind)> {
        v.errors
            .iter()
            .map(|e| (e.field().unwrap_or(""), e.kind()))
            .collect()
    }

    /// Razorpay's published test cards (from the issue and the seed docs).
    const TEST_CARDS: &[(&str, Network)] = &[
        ("4100 2800 0000 1007", Network::Visa),
        ("5500 6700 0000 1002", Network::MasterCard),
        ("6527 6589 0000 1005", Network::RuPay),
        ("3608 280009 1007", Network::DinersClub),
        ("3402 560004 01007", Network::AmericanExpress),
        ("4718 6091 0820 4366", Network::Visa),
        ("4111 1111 1111 1111", Network::Visa),
    ];

    /// Appends the Luhn check digit.
    fn with_check_digit(body: &str) -> String {
        (0..10)
            .map(|d| format!("{body}{d}"))
            .find(|n| super::super::number::luhn(n.as_bytes()))
            .unwrap()
    }

    /// Constructed numbers (valid Luhn) for the networks without a
    /// published test card, RuPay ranges where the JS libraries go wrong.
    const CONSTRUCTED: &[(&str, Network)] = &[
        ("508500000000000", Network::RuPay),
        ("606985000000000", Network::RuPay),
        ("607984999999999", Network::RuPay),
        ("608001000000000", Network::RuPay),
        ("653149000000000", Network::RuPay),
        ("817200000000000", Network::RuPay),
        ("820199000000000", Network::RuPay),
        ("601100000000000", Network::Discover),
        ("652149000000000", Network::Discover),
        ("353011133330000", Network::Jcb),
        ("620000000000000", Network::UnionPay),
        ("203040000000000", Network::BajajFinserv),
        ("675964982643845", Network::Maestro),
        ("222100000000000", Network::MasterCard),
        ("272099999999999", Network::MasterCard),
    ];

    #[test]
    fn published_test_cards_are_valid_with_the_right_network() {
        let constructed: Vec<(String, Network)> = CONSTRUCTED
            .iter()
            .map(|(b, n)| (with_check_digit(b), *n))
            .collect();
        let all = TEST_CARDS
            .iter()
            .map(|(n, w)| (n.to_string(), *w))
            .chain(constructed);
        for (number, network) in all {
            let cvv = if network == Network::AmericanExpress {
                "1234"
            } else {
                "123"
            };
            let v = validate_card(&card(&number, "12", "30", cvv), &ValidateOptions::at(NOW));
            assert!(v.valid, "{number}: {:?}", v.errors);
            assert_eq!(v.network, Some(network), "{number}");
            let c = v.card.unwrap();
            assert_eq!(c.number.as_ref().unwrap().as_str(), number.replace(' ', ""));
            assert_eq!(c.expiry_month.as_deref(), Some("12"));
            assert_eq!(c.expiry_year.as_deref(), Some("30"));
        }
    }

    #[test]
    fn normalised_card_is_the_payload_shape() {
        let v = validate_card(
            &card("4100-2800-0000-1007", "1", "2030", " 092 "),
            &ValidateOptions::at(NOW),
        );
        let json = serde_json::to_value(v.card.unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "name": "Gaurav Kumar", "number": "4100280000001007", "cvv": "092",
                "expiry_month": "01", "expiry_year": "30"
            })
        );
    }

    #[test]
    fn all_errors_at_once_in_field_order() {
        let input = CardInput {
            number: "4100 2800 0000 1008".into(),
            expiry_month: "13".into(),
            expiry_year: "3".into(),
            cvv: "12".into(),
            ..Default::default()
        };
        let v = validate_card(&input, &ValidateOptions::at(NOW));
        assert!(!v.valid);
        assert!(v.card.is_none());
        assert_eq!(v.network, Some(Network::Visa));
        assert_eq!(
            kinds(&v),
            vec![
                ("number", ErrorKind::FailedLuhn),
                ("expiry_month", ErrorKind::InvalidMonth),
                ("expiry_year", ErrorKind::InvalidYear),
                ("cvv", ErrorKind::InvalidLength),
                ("name", ErrorKind::Required),
            ]
        );
        for e in &v.errors {
            assert_eq!(e.code(), "BAD_REQUEST_ERROR");
            assert_eq!(e.reason(), "input_validation_failed");
        }
        assert_eq!(v.errors[4].description(), "The name is required");
    }

    #[test]
    fn empty_card_says_what_is_required() {
        let v = validate_card(&CardInput::default(), &ValidateOptions::at(NOW));
        assert_eq!(
            kinds(&v),
            vec![
                ("number", ErrorKind::Required),
                ("expiry_month", ErrorKind::Required),
                ("expiry_year", ErrorKind::Required),
                ("cvv", ErrorKind::Required),
                ("name", ErrorKind::Required),
            ]
        );
        assert_eq!(v.errors[0].description(), "The number is required");
    }

    #[test]
    fn number_rules_table() {
        let table: &[(&str, Option<ErrorKind>)] = &[
            ("4100280000001007", None),
            ("4100 2800 0000 1008", Some(ErrorKind::FailedLuhn)),
            ("410028000000107", Some(ErrorKind::InvalidLength)), // 15-digit Visa
            ("55006700000010020", Some(ErrorKind::InvalidLength)),
            ("340256000401007", None),
            ("3402560004010070", Some(ErrorKind::InvalidLength)),
            ("9000 0000 0000 0001", None), // Unknown, Luhn ok: the gateway decides
            ("9000 0000 0000 0002", Some(ErrorKind::FailedLuhn)),
            ("4100 2800 0000 100x", Some(ErrorKind::InvalidCharacters)),
            ("41", Some(ErrorKind::InvalidLength)),
        ];
        for (number, want) in table {
            let v = validate_card(&card(number, "12", "30", "123"), &ValidateOptions::at(NOW));
            let got = v
                .errors
                .iter()
                .find(|e| e.field() == Some("number"))
                .map(|e| e.kind());
            assert_eq!(got, *want, "{number}");
        }
        let v = validate_card(
            &card("9000000000000001", "12", "30", "1234"),
            &ValidateOptions::at(NOW),
        );
        assert_eq!(v.network, Some(Network::Unknown));
        assert!(v.valid, "unknown network accepts a 4-digit CVV");
    }

    #[test]
    fn combined_expiry_field() {
        let mut input = card("4100280000001007", "", "", "123");
        input.expiry = "12 / 2030".into();
        let v = validate_card(&input, &ValidateOptions::at(NOW));
        assert!(v.valid, "{:?}", v.errors);
        assert_eq!(v.card.unwrap().expiry_year.as_deref(), Some("30"));
        // The combined field's errors are on `expiry`, whichever part is at fault.
        for (text, kind) in [
            ("10/26", ErrorKind::Expired),
            ("13/30", ErrorKind::InvalidMonth),
            ("12/3", ErrorKind::InvalidYear),
            ("12/2099", ErrorKind::TooFarAhead),
            ("1230x", ErrorKind::InvalidFormat),
            ("", ErrorKind::Required),
            ("  ", ErrorKind::Required),
        ] {
            input.expiry = text.into();
            let v = validate_card(&input, &ValidateOptions::at(NOW));
            assert_eq!(kinds(&v), vec![("expiry", kind)], "{text:?}");
        }
        input.expiry = "".into();
        let v = validate_card(&input, &ValidateOptions::at(NOW));
        assert_eq!(v.errors[0].description(), "The expiry is required");
        input.expiry = Loose::Int(1230);
        let v = validate_card(&input, &ValidateOptions::at(NOW));
        assert_eq!(kinds(&v), vec![("expiry", ErrorKind::InvalidType)]);
        // No expiry given at all: both separate fields are required.
        input.expiry = Loose::Null;
        let v = validate_card(&input, &ValidateOptions::at(NOW));
        assert_eq!(
            kinds(&v),
            vec![
                ("expiry_month", ErrorKind::Required),
                ("expiry_year", ErrorKind::Required)
            ]
        );
        input.expiry = Loose::Absent;
        let v = validate_card(&input, &ValidateOptions::at(NOW));
        assert_eq!(
            kinds(&v),
            vec![
                ("expiry_month", ErrorKind::Required),
                ("expiry_year", ErrorKind::Required)
            ]
        );
    }

    #[test]
    fn expiry_as_numbers_and_across_year_end() {
        let mut input = card("4100280000001007", "", "", "123");
        input.expiry_month = Loose::Int(1);
        input.expiry_year = Loose::Int(2027);
        assert!(validate_card(&input, &ValidateOptions::at(NOW)).valid);
        // 2027-01-01T13:00Z: December 2026 is over everywhere.
        input.expiry_month = Loose::Int(12);
        input.expiry_year = Loose::Int(26);
        let v = validate_card(&input, &ValidateOptions::at(1_798_808_400_000.0));
        assert_eq!(kinds(&v), vec![("expiry_year", ErrorKind::Expired)]);
        // 2027-01-01T05:00Z: still December in Hawaii.
        assert!(validate_card(&input, &ValidateOptions::at(1_798_779_600_000.0)).valid);
        input.expiry_year = "2047".into();
        let v = validate_card(&input, &ValidateOptions::at(NOW));
        assert_eq!(kinds(&v), vec![("expiry_year", ErrorKind::TooFarAhead)]);
    }

    #[test]
    fn tokenised_cards_make_cvv_optional_but_still_check_it() {
        let opts = ValidateOptions {
            tokenised: true,
            now_ms: NOW,
            network: Some(Network::Visa),
        };
        for absent in [
            Loose::Absent,
            Loose::Null,
            Loose::from(""),
            Loose::from("  "),
        ] {
            let input = CardInput {
                cvv: absent,
                ..Default::default()
            };
            let v = validate_card(&input, &opts);
            assert!(v.valid, "{:?}", v.errors);
            let json = serde_json::to_value(v.card.unwrap()).unwrap();
            assert_eq!(
                json,
                serde_json::json!({}),
                "no cvv key at all, never a dummy"
            );
        }
        let v = validate_card(
            &CardInput {
                cvv: "12".into(),
                ..Default::default()
            },
            &opts,
        );
        assert_eq!(kinds(&v), vec![("cvv", ErrorKind::InvalidLength)]);
        let v = validate_card(
            &CardInput {
                cvv: "123".into(),
                ..Default::default()
            },
            &opts,
        );
        assert_eq!(
            serde_json::to_value(v.card.unwrap()).unwrap(),
            serde_json::json!({"cvv": "123"})
        );
        // Without a network, 3 or 4 digits.
        let opts = ValidateOptions {
            network: None,
            ..opts
        };
        assert!(
            validate_card(
                &CardInput {
                    cvv: "1234".into(),
                    ..Default::default()
                },
                &opts
            )
            .valid
        );
        let v = validate_card(
            &CardInput {
                cvv: "12".into(),
                ..Default::default()
            },
            &opts,
        );
        assert_eq!(
            v.errors[0].description(),
            "The cvv must be between 3 and 4 digits"
        );
    }

    #[test]
    fn wrong_types_are_typed_errors() {
        let input = CardInput {
            number: Loose::Int(4_100_280_000_001_007),
            expiry_month: Loose::Compound,
            expiry_year: Loose::Bool(true),
            cvv: Loose::Int(123),
            name: Loose::Float(1.5),
            ..Default::default()
        };
        let v = validate_card(&input, &ValidateOptions::at(NOW));
        assert_eq!(
            kinds(&v),
            vec![
                ("number", ErrorKind::InvalidType),
                ("expiry_month", ErrorKind::InvalidType),
                ("expiry_year", ErrorKind::InvalidType),
                ("cvv", ErrorKind::InvalidType),
                ("name", ErrorKind::InvalidType),
            ]
        );
    }

    #[test]
    fn debug_never_shows_the_number_or_cvv() {
        let v = validate_card(
            &card("4100280000001007", "12", "30", "987"),
            &ValidateOptions::at(NOW),
        );
        let shown = format!("{v:?}");
        assert!(
            !shown.contains("4100280000001007") && !shown.contains("987"),
            "{shown}"
        );
        assert!(shown.contains("1007"));
    }
}
