//! Card rules: the number, expiry, name and the network's CVV length.

use super::*;

/// A new card as sent (number digits only).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NewCard {
    /// Digits only.
    pub number: String,
    /// Cardholder name.
    pub name: String,
    /// 1–12.
    pub expiry_month: u32,
    /// Four-digit year.
    pub expiry_year: u32,
}

pub(super) fn card(obj: &Obj, now: (u32, u32)) -> Result<NewCard, ApiError> {
    no_extra_keys(obj, CARD_KEYS)?;
    let raw = req_text(obj, "number")?;
    let number: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if !number.bytes().all(|b| b.is_ascii_digit())
        || !(12..=19).contains(&number.len())
        || !cards::luhn(&number)
    {
        return Err(invalid("number", "The card number is invalid."));
    }
    let name = req_text(obj, "name")?;
    if name.chars().count() > 100 {
        return Err(invalid(
            "name",
            "The name may not be greater than 100 characters.",
        ));
    }
    let month_text = req_text(obj, "expiry_month")?;
    let month = month_text
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=12).contains(m) && month_text.len() <= 2)
        .ok_or_else(|| invalid("expiry_month", "The expiry month is invalid."))?;
    let year_text = req_text(obj, "expiry_year")?;
    let year = match (year_text.len(), year_text.parse::<u32>()) {
        (2, Ok(y)) => 2000 + y,
        (4, Ok(y)) => y,
        _ => return Err(invalid("expiry_year", "The expiry year is invalid.")),
    };
    let (now_year, now_month) = now;
    if (year, month) < (now_year, now_month) {
        let mut e = ApiError::validation(
            Some("expiry_year".into()),
            "Your payment could not be completed as this card has expired. Try another card.",
        );
        e.reason = "card_expired".into();
        return Err(e);
    }
    if year > now_year + 50 {
        return Err(invalid("expiry_year", "The expiry year is invalid."));
    }
    let cvv_digits = cvv(obj, true)?;
    check_cvv_length(cvv_digits, cards::network_of(&number))?;
    Ok(NewCard {
        number,
        name,
        expiry_month: month,
        expiry_year: year,
    })
}

/// CVV: required for a new card, optional (absent, null or empty) for a
/// token. Answers how many digits it has.
pub(super) fn cvv(obj: &Obj, needed: bool) -> Result<Option<usize>, ApiError> {
    match text(obj, "cvv")? {
        None if needed => Err(required("cvv")),
        None => Ok(None),
        Some(c) if (3..=4).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(Some(c.len()))
        }
        Some(_) => Err(invalid("cvv", "The cvv must be between 3 and 4 digits")),
    }
}

/// The network's CVV length, as Razorpay checks it: 4 digits for American
/// Express, 3 for every other network.
///
/// # Errors
/// 400 on `cvv` for a CVV of the other length.
pub fn check_cvv_length(digits: Option<usize>, network: &str) -> Result<(), ApiError> {
    let want = cards::cvv_length(network);
    match digits {
        Some(n) if n != want => Err(invalid(
            "cvv",
            if want == 4 {
                "The cvv must be 4 digits for an American Express card"
            } else {
                "The cvv must be 3 digits for this card"
            },
        )),
        _ => Ok(()),
    }
}
