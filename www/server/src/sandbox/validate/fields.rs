//! One field's type and format: integers, strings, flags, notes, email,
//! contact, amount, currency, URLs.

use super::*;

/// Currencies the sandbox takes orders in.
pub const CURRENCIES: &[&str] = &[
    "INR", "USD", "EUR", "GBP", "SGD", "AED", "MYR", "AUD", "CAD",
];

pub(super) fn is_blank(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        _ => false,
    }
}

/// An integer field (a JSON integer or a string of digits).
pub fn int(obj: &Obj, key: &str) -> Result<Option<i64>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| invalid(key, format!("The {key} must be an integer."))),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| invalid(key, format!("The {key} must be an integer."))),
        Some(_) => Err(invalid(key, format!("The {key} must be an integer."))),
    }
}

/// A string field (numbers are accepted and turned into strings).
pub fn text(obj: &Obj, key: &str) -> Result<Option<String>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(invalid(key, format!("The {key} must be a string."))),
    }
}

/// A required string field.
pub fn req_text(obj: &Obj, key: &str) -> Result<String, ApiError> {
    text(obj, key)?.ok_or_else(|| required(key))
}

/// A `0`/`1` flag (also `true`/`false`, `"0"`/`"1"`).
pub fn flag(obj: &Obj, key: &str) -> Result<bool, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::Number(n)) if n.as_i64() == Some(0) => Ok(false),
        Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok(true),
        Some(Value::String(s)) if matches!(s.trim(), "0" | "false") => Ok(false),
        Some(Value::String(s)) if matches!(s.trim(), "1" | "true") => Ok(true),
        Some(_) => Err(invalid(key, format!("The selected {key} is invalid."))),
    }
}

pub(super) fn object<'a>(obj: &'a Obj, key: &str) -> Result<Option<&'a Obj>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(invalid(key, format!("The {key} must be an object."))),
    }
}

/// Notes: at most 15 keys, values of at most 256 characters (`[]` counts as empty).
pub fn notes(obj: &Obj, key: &str) -> Result<Obj, ApiError> {
    let m = match obj.get(key) {
        None | Some(Value::Null) => return Ok(Obj::new()),
        Some(Value::Array(a)) if a.is_empty() => return Ok(Obj::new()),
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(invalid(
                key,
                "The notes must be an object of key-value pairs.",
            ))
        }
    };
    if m.len() > 15 {
        return Err(invalid(
            key,
            "Number of fields in notes should be less than or equal to 15",
        ));
    }
    for (k, v) in m {
        let len = match v {
            Value::String(s) => s.chars().count(),
            Value::Number(n) => n.to_string().len(),
            Value::Bool(_) | Value::Null => 0,
            _ => {
                return Err(invalid(
                    key,
                    format!("The notes value for {k} must be a string"),
                ))
            }
        };
        if len > 256 {
            return Err(invalid(
                key,
                format!("The notes value for {k} may not be greater than 256 characters"),
            ));
        }
    }
    Ok(m.clone())
}

/// Email: something@domain.tld without spaces.
pub fn email(obj: &Obj) -> Result<String, ApiError> {
    let e = req_text(obj, "email")?;
    let ok = e.len() <= 254
        && !e.contains(char::is_whitespace)
        && e.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        });
    if ok {
        Ok(e)
    } else {
        Err(invalid("email", "The email must be a valid email address."))
    }
}

/// Contact: 8–15 digits with an optional `+`; 10 Indian digits become `+91…`.
pub fn contact(obj: &Obj) -> Result<String, ApiError> {
    let c = req_text(obj, "contact")?;
    let cleaned: String = c.chars().filter(|ch| !matches!(ch, ' ' | '-')).collect();
    let digits = cleaned.strip_prefix('+').unwrap_or(&cleaned);
    if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("contact", "The contact format is invalid."));
    }
    if !cleaned.starts_with('+') && digits.len() == 10 {
        return Ok(format!("+91{digits}"));
    }
    Ok(cleaned)
}

pub(super) fn amount(obj: &Obj, key: &str) -> Result<i64, ApiError> {
    let a = int(obj, key)?.ok_or_else(|| required(key))?;
    if a < 100 {
        return Err(invalid(
            key,
            "Order amount less than minimum amount allowed",
        ));
    }
    Ok(a)
}

/// The currency (default INR), from the allowed list.
pub fn currency(obj: &Obj) -> Result<String, ApiError> {
    let c = text(obj, "currency")?.unwrap_or_else(|| "INR".into());
    if CURRENCIES.contains(&c.as_str()) {
        Ok(c)
    } else {
        Err(invalid(
            "currency",
            "The currency provided is not supported.",
        ))
    }
}

pub(super) fn http_url(s: &str) -> bool {
    reqwest::Url::parse(s)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}
