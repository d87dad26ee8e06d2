//! The card verification value.

use super::network::Network;
use crate::error::{Error, ErrorKind};

/// Checks a CVV: digits only, exactly the network's length when the network
/// is known, otherwise 3 or 4 digits. Surrounding spaces are trimmed.
///
/// # Errors
/// `invalid_characters` or `invalid_length` on `cvv`, with Razorpay's
/// wording (`The cvv must be between 3 and 4 digits`).
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::card::{check_cvv, Network};
/// assert_eq!(check_cvv(" 123 ", Network::Visa).unwrap(), "123");
/// assert!(check_cvv("123", Network::AmericanExpress).is_err());
/// assert_eq!(check_cvv("12", Network::Unknown).unwrap_err().to_string(),
///            "The cvv must be between 3 and 4 digits");
/// ```
pub fn check_cvv(text: &str, network: Network) -> Result<&str, Error> {
    let t = super::trim(text);
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(
            ErrorKind::InvalidCharacters,
            "cvv",
            "The cvv may contain only digits",
        ));
    }
    let ok = match network.cvv_length() {
        Some(n) => t.len() == n,
        None => t.len() == 3 || t.len() == 4,
    };
    if ok {
        return Ok(t);
    }
    let description = match network.cvv_length() {
        Some(4) => "The cvv must be 4 digits",
        Some(_) => "The cvv must be 3 digits",
        None => "The cvv must be between 3 and 4 digits",
    };
    Err(Error::invalid(ErrorKind::InvalidLength, "cvv", description))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvv_table() {
        use Network::*;
        let table: &[(&str, Network, Option<ErrorKind>)] = &[
            ("123", Visa, None),
            ("092", MasterCard, None),
            ("1234", AmericanExpress, None),
            ("123", AmericanExpress, Some(ErrorKind::InvalidLength)),
            ("1234", Visa, Some(ErrorKind::InvalidLength)),
            ("12", Unknown, Some(ErrorKind::InvalidLength)),
            ("123", Unknown, None),
            ("1234", Unknown, None),
            ("12345", Unknown, Some(ErrorKind::InvalidLength)),
            ("12a", Visa, Some(ErrorKind::InvalidCharacters)),
            ("1 23", Visa, Some(ErrorKind::InvalidCharacters)),
            ("", Visa, Some(ErrorKind::InvalidLength)),
        ];
        for (cvv, network, want) in table {
            assert_eq!(
                check_cvv(cvv, *network).err().map(|e| e.kind()),
                *want,
                "{cvv} {network}"
            );
        }
    }
}
