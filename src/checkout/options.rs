//! The options a page passes to `new Checkout(options)` and to
//! `pay(request, options)`: which names exist. A misspelt option
//! (`allowedHost`, `timeout`) is refused with a typed error naming it,
//! never ignored: an ignored `allowedHost` would leave the page on the
//! default hosts without a word. The browser edge reads the values; this
//! decides which names are options.

use super::flow::AuthPreference;
use crate::card::Network;
use crate::error::{concat, Error, ErrorKind};

/// The time allowed for each call to the merchant's backend when
/// `timeoutMs` is not given.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// The longest `timeoutMs`: ten minutes.
pub const MAX_TIMEOUT_MS: u32 = 600_000;

/// An `invalid_configuration` error on an option, source `business`.
pub fn option_error(field: &'static str, description: &'static str) -> Error {
    Error::invalid(ErrorKind::InvalidConfiguration, field, description).with_source("business")
}

/// `timeoutMs`: `None` when not given (then [`DEFAULT_TIMEOUT_MS`]); a
/// value that is not a number is passed as `NaN`.
///
/// # Errors
/// `invalid_configuration` on `timeoutMs` unless 1 to [`MAX_TIMEOUT_MS`]
/// (a fraction is cut).
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::checkout::options::timeout_ms;
/// assert_eq!(timeout_ms(None).unwrap(), 30_000);
/// assert!(timeout_ms(Some(0.0)).is_err());
/// ```
pub fn timeout_ms(value: Option<f64>) -> Result<u32, Error> {
    match value {
        None => Ok(DEFAULT_TIMEOUT_MS),
        Some(ms) if (1.0..=f64::from(MAX_TIMEOUT_MS)).contains(&ms) => Ok(ms as u32),
        Some(_) => Err(option_error(
            "timeoutMs",
            "timeoutMs must be a number of milliseconds up to 600000",
        )),
    }
}

/// `parseOrderResponse`'s `status`: `None` when not given (then 200); a
/// value that is not a number is passed as `NaN`.
///
/// # Errors
/// `invalid_configuration` on `status` unless a whole number 100 to 599.
pub fn reply_status(value: Option<f64>) -> Result<u16, Error> {
    match value {
        None => Ok(200),
        Some(s) if s.fract() == 0.0 && (100.0..=599.0).contains(&s) => Ok(s as u16),
        Some(_) => Err(option_error(
            "status",
            "status must be an HTTP status, 100 to 599",
        )),
    }
}

/// `pay()`'s `network`: the saved card's network, by its name.
///
/// # Errors
/// `invalid_value` on `network` for a name that is no card network.
pub fn saved_card_network(name: Option<&str>) -> Result<Option<Network>, Error> {
    match name {
        None => Ok(None),
        Some(name) => Network::from_name(name).map(Some).ok_or_else(|| {
            Error::invalid(
                ErrorKind::InvalidValue,
                "network",
                "The network is not a known card network",
            )
            .with_source("business")
        }),
    }
}

/// `authentication`: `"otp"` (the default) or `"redirect"`.
///
/// # Errors
/// `invalid_configuration` on `authentication` for any other word.
pub fn auth_preference(value: Option<&str>) -> Result<AuthPreference, Error> {
    match value {
        None | Some("otp") => Ok(AuthPreference::Otp),
        Some("redirect") => Ok(AuthPreference::Redirect),
        Some(_) => Err(option_error(
            "authentication",
            "authentication must be \"otp\" or \"redirect\"",
        )),
    }
}

/// One entry of `headers` (`None` for a name or value that is not a
/// string): sent with every call, but never an `Idempotency-Key`, which
/// the checkout owns (a page's fixed key would make every payment one),
/// and never with a NUL (no HTTP header carries one: refused here, not
/// failed as a network error at `pay()`).
///
/// # Errors
/// `invalid_configuration` on `headers`.
pub fn header(name: Option<String>, value: Option<String>) -> Result<(String, String), Error> {
    match (name, value) {
        (Some(k), Some(v))
            if !k.eq_ignore_ascii_case("idempotency-key")
                && !k.contains('\0')
                && !v.contains('\0') =>
        {
            Ok((k, v))
        }
        _ => Err(headers_error()),
    }
}

/// `headers` that are not an object of strings.
pub fn headers_error() -> Error {
    option_error("headers", "headers must be an object of strings")
}

/// The options of `new Checkout(options)`.
pub const CHECKOUT_OPTIONS: &[&str] = &[
    "endpoint",
    "otpEndpoint",
    "timeoutMs",
    "allowedHosts",
    "allowLoopbackHttp",
    "authentication",
    "navigateTopWindow",
    "headers",
    "onProgress",
    "onNavigate",
];

/// The options of `checkout.pay(request, options)`.
pub const PAY_OPTIONS: &[&str] = &["network"];

/// The options of `parseOrderResponse(json, options)`.
pub const PARSE_OPTIONS: &[&str] = &["status", "allowedHosts", "allowLoopbackHttp"];

/// Checks the names an options object has (a name whose value is
/// `undefined` is not passed: it is not there) against `known`.
///
/// # Errors
/// [`ErrorKind::InvalidConfiguration`] (source `business`) on the first
/// unknown name, with the option it most likely means when one is close
/// (`allowedHost` → `allowedHosts`, `Endpoint` → `endpoint`).
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::checkout::options::{check_option_names, CHECKOUT_OPTIONS};
/// assert!(check_option_names(["endpoint", "timeoutMs"], CHECKOUT_OPTIONS, "Checkout").is_ok());
/// let e = check_option_names(["endpoint", "allowedHost"], CHECKOUT_OPTIONS, "Checkout").unwrap_err();
/// assert_eq!(e.field(), Some("allowedHost"));
/// assert_eq!(e.description(), "allowedHost is not an option of Checkout: did you mean allowedHosts?");
/// ```
pub fn check_option_names<'a>(
    names: impl IntoIterator<Item = &'a str>,
    known: &[&str],
    of: &str,
) -> Result<(), Error> {
    for name in names {
        if known.contains(&name) {
            continue;
        }
        let description = match closest(name, known) {
            Some(near) => concat(&[
                name,
                " is not an option of ",
                of,
                ": did you mean ",
                near,
                "?",
            ]),
            None => concat(&[name, " is not an option of ", of]),
        };
        return Err(Error::invalid(
            ErrorKind::InvalidConfiguration,
            name.to_owned(),
            description,
        )
        .with_source("business"));
    }
    Ok(())
}

/// Refuses a blank endpoint (`endpoint: ''`), which a URL parser would
/// resolve to the page's own URL: the order would be posted to the page.
///
/// # Errors
/// [`ErrorKind::InvalidConfiguration`] on `field` when `text` is empty or
/// only whitespace.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::checkout::options::check_endpoint_text;
/// assert!(check_endpoint_text("/api/checkout", "endpoint").is_ok());
/// assert_eq!(check_endpoint_text(" ", "endpoint").unwrap_err().field(), Some("endpoint"));
/// ```
pub fn check_endpoint_text(text: &str, field: &'static str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::invalid(
            ErrorKind::InvalidConfiguration,
            field,
            concat(&[
                "The ",
                field,
                " must not be empty: it is the merchant's URL (an empty one is the page itself)",
            ]),
        )
        .with_source("business"));
    }
    Ok(())
}

/// The known name within two edits of `name` (letter case ignored), if one.
fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let name = name.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (edits(&name, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance, by bytes (option names are ASCII), capped at 3
/// for long inputs (anything that far is no suggestion).
fn edits(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 2 || a.len() > 64 {
        return 3;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = i;
        let mut left = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let here = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(up).min(left)
            };
            diagonal = up;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = here;
            }
            left = here;
        }
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
    }
    row.last().copied().unwrap_or(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_status_and_network_table() {
        for (given, want) in [
            (None, Some(200)),
            (Some(100.0), Some(100)),
            (Some(502.0), Some(502)),
            (Some(599.0), Some(599)),
            (Some(99.0), None),
            (Some(600.0), None),
            (Some(200.5), None),
            (Some(f64::NAN), None),
        ] {
            let got = reply_status(given);
            assert_eq!(got.as_ref().ok().copied(), want, "{given:?}");
            if let Err(e) = got {
                assert_eq!(e.field(), Some("status"));
            }
        }
        assert_eq!(saved_card_network(None).unwrap(), None);
        assert!(saved_card_network(Some("Visa")).unwrap().is_some());
        let e = saved_card_network(Some("Vissa")).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidValue, Some("network"))
        );
    }

    #[test]
    fn timeout_authentication_and_headers_table() {
        let nan = f64::NAN;
        for (given, want) in [
            (None, Some(30_000)),
            (Some(1.0), Some(1)),
            (Some(1500.7), Some(1500)),
            (Some(600_000.0), Some(600_000)),
            (Some(600_001.0), None),
            (Some(0.0), None),
            (Some(0.5), None),
            (Some(-1.0), None),
            (Some(nan), None),
            (Some(f64::INFINITY), None),
        ] {
            let got = timeout_ms(given);
            assert_eq!(got.as_ref().ok().copied(), want, "{given:?}");
            if let Err(e) = got {
                assert_eq!(e.field(), Some("timeoutMs"));
            }
        }
        for (given, want) in [
            (None, Some(AuthPreference::Otp)),
            (Some("otp"), Some(AuthPreference::Otp)),
            (Some("redirect"), Some(AuthPreference::Redirect)),
            (Some("OTP"), None),
            (Some(""), None),
            (Some("3ds"), None),
        ] {
            let got = auth_preference(given);
            assert_eq!(got.as_ref().ok().copied(), want, "{given:?}");
            if let Err(e) = got {
                assert_eq!(e.field(), Some("authentication"));
            }
        }
        let s = |t: &str| Some(t.to_owned());
        for (name, value, ok) in [
            (s("X-Csrf-Token"), s("abc"), true),
            (s("x-idempotency"), s("1"), true),
            (s("Idempotency-Key"), s("mine"), false),
            (s("IDEMPOTENCY-KEY"), s("mine"), false),
            (s("X-A"), None, false),
            (s("X-A"), s("a\0b"), false),
            (s("X\0A"), s("a"), false),
            (None, s("v"), false),
        ] {
            let got = header(name.clone(), value);
            assert_eq!(got.is_ok(), ok, "{name:?}");
            if let Err(e) = got {
                assert_eq!(e.field(), Some("headers"));
            }
        }
    }

    /// Option names, and the refusal they get (its field and description).
    type Case = (
        &'static [&'static str],
        Option<(&'static str, &'static str)>,
    );

    #[test]
    fn unknown_option_names_are_refused_by_name() {
        let cases: &[Case] = &[
            (&[], None),
            (&["endpoint"], None),
            (CHECKOUT_OPTIONS, None),
            (
                &["endpoint", "allowedHost"],
                Some((
                    "allowedHost",
                    "allowedHost is not an option of Checkout: did you mean allowedHosts?",
                )),
            ),
            (
                &["Endpoint"],
                Some((
                    "Endpoint",
                    "Endpoint is not an option of Checkout: did you mean endpoint?",
                )),
            ),
            (
                &["endpoint", "timeout"],
                Some((
                    "timeout",
                    "timeout is not an option of Checkout: did you mean timeoutMs?",
                )),
            ),
            (
                &["onprogress"],
                Some((
                    "onprogress",
                    "onprogress is not an option of Checkout: did you mean onProgress?",
                )),
            ),
            (
                &["otp_endpoint"],
                Some((
                    "otp_endpoint",
                    "otp_endpoint is not an option of Checkout: did you mean otpEndpoint?",
                )),
            ),
            (&["key"], Some(("key", "key is not an option of Checkout"))),
            (&[""], Some(("", " is not an option of Checkout"))),
        ];
        for (names, want) in cases {
            let got = check_option_names(names.iter().copied(), CHECKOUT_OPTIONS, "Checkout");
            match want {
                None => assert!(got.is_ok(), "{names:?}: {got:?}"),
                Some((field, description)) => {
                    let e = got.unwrap_err();
                    assert_eq!(e.kind(), ErrorKind::InvalidConfiguration, "{names:?}");
                    assert_eq!(e.field(), Some(*field), "{names:?}");
                    assert_eq!(e.description(), *description, "{names:?}");
                    assert_eq!(e.error_source(), "business");
                }
            }
        }
        let e = check_option_names(["networks"], PAY_OPTIONS, "pay()").unwrap_err();
        assert_eq!(
            e.description(),
            "networks is not an option of pay(): did you mean network?"
        );
    }

    #[test]
    fn a_blank_endpoint_is_refused() {
        for (text, ok) in [
            ("", false),
            ("  ", false),
            ("\t\n", false),
            ("/api/checkout", true),
            ("https://shop.example/pay", true),
        ] {
            let got = check_endpoint_text(text, "otpEndpoint");
            assert_eq!(got.is_ok(), ok, "{text:?}");
            if let Err(e) = got {
                assert_eq!(
                    (e.kind(), e.field()),
                    (ErrorKind::InvalidConfiguration, Some("otpEndpoint"))
                );
                assert!(
                    e.description()
                        .starts_with("The otpEndpoint must not be empty"),
                    "{}",
                    e.description()
                );
            }
        }
    }

    #[test]
    fn edit_distance() {
        for (a, b, d) in [
            ("", "", 0),
            ("abc", "abc", 0),
            ("abc", "abd", 1),
            ("abc", "ab", 1),
            ("ab", "ba", 2),
            ("a", "abcd", 3),
        ] {
            assert_eq!(edits(a, b), d, "{a} {b}");
        }
        assert_eq!(edits(&"x".repeat(100), &"x".repeat(100)), 3);
    }
}
