//! Which keys a request may send: any other is refused with Razorpay's
//! words ("x is/are not required and should not be sent").

use super::*;

pub(super) const ORDER_KEYS: &[&str] = &[
    "amount",
    "currency",
    "receipt",
    "notes",
    "customer_id",
    "token",
    "payment",
    "partial_payment",
    "payment_capture",
    "method",
];

pub(super) const MANDATE_KEYS: &[&str] = &["max_amount", "expire_at", "frequency", "notes"];

pub(super) const PAYMENT_KEYS: &[&str] = &[
    "amount",
    "currency",
    "email",
    "contact",
    "method",
    "notes",
    "customer_id",
    "recurring",
    "save",
    "token",
    "card",
    "authentication",
    "browser",
    "ip",
    "referer",
    "user_agent",
    "callback_url",
    "description",
];

pub(super) const CARD_KEYS: &[&str] = &["name", "number", "cvv", "expiry_month", "expiry_year"];

pub(super) const AUTH_KEYS: &[&str] = &["authentication_channel"];

pub(super) const BROWSER_KEYS: &[&str] = &[
    "java_enabled",
    "javascript_enabled",
    "timezone_offset",
    "color_depth",
    "screen_width",
    "screen_height",
    "language",
];

pub(super) const RECURRING_KEYS: &[&str] = &[
    "email",
    "contact",
    "amount",
    "currency",
    "order_id",
    "customer_id",
    "token",
    "recurring",
    "description",
    "notes",
];

/// Refuses keys outside `allowed`, like Razorpay ("x is/are not required and should not be sent").
pub fn no_extra_keys(obj: &Obj, allowed: &[&str]) -> Result<(), ApiError> {
    let mut extra: Vec<&str> = obj
        .keys()
        .map(String::as_str)
        .filter(|k| !allowed.contains(k))
        .collect();
    if extra.is_empty() {
        return Ok(());
    }
    extra.sort_unstable();
    let first = extra.first().copied().unwrap_or_default().to_string();
    Err(invalid(
        &first,
        format!(
            "{} is/are not required and should not be sent",
            extra.join(", ")
        ),
    ))
}
