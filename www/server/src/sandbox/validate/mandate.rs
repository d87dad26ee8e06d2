//! A mandate (`token` of a registration order): amount, expiry, frequency.

use super::*;

/// Mandate frequencies Razorpay supports for cards today.
pub const FREQUENCIES: &[&str] = &["as_presented", "monthly"];

/// The mandate (`token` object of a registration order).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Mandate {
    /// Largest debit in paise (500–100000000; default 9999900).
    pub max_amount: i64,
    /// Unix time the mandate ends, if given.
    pub expire_at: Option<i64>,
    /// `as_presented` or `monthly`.
    pub frequency: String,
}

pub(super) fn mandate(obj: &Obj, now_secs: i64) -> Result<Mandate, ApiError> {
    no_extra_keys(obj, MANDATE_KEYS)?;
    let max_amount = int(obj, "max_amount")?.unwrap_or(9_999_900);
    if !(500..=100_000_000).contains(&max_amount) {
        return Err(invalid(
            "max_amount",
            "The max amount must be between 500 and 100000000.",
        ));
    }
    let expire_at = int(obj, "expire_at")?;
    if expire_at.is_some_and(|t| t <= now_secs) {
        return Err(invalid(
            "expire_at",
            "The expire at must be a timestamp in the future.",
        ));
    }
    let frequency = req_text(obj, "frequency")?;
    if !FREQUENCIES.contains(&frequency.as_str()) {
        return Err(invalid("frequency", "The selected frequency is invalid."));
    }
    Ok(Mandate {
        max_amount,
        expire_at,
        frequency,
    })
}
