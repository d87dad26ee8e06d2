//! Request validation the way Razorpay's API does it: unknown keys refused,
//! required fields, types, card rules, and Razorpay-style error objects.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::cards;
use crate::error::ApiError;

type Obj = Map<String, Value>;

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

/// A validated payment (the `payment` object of a composite order).
#[derive(Clone, Debug)]
pub struct PaymentReq {
    /// Paise.
    pub amount: i64,
    /// Customer email.
    pub email: String,
    /// Customer contact, normalised.
    pub contact: String,
    /// Notes (object, possibly empty).
    pub notes: Obj,
    /// The customer (payment's or order's).
    pub customer_id: Option<String>,
    /// `recurring: 1`.
    pub recurring: bool,
    /// `save: 1`.
    pub save: bool,
    /// A saved token to pay with.
    pub token: Option<String>,
    /// A new card.
    pub card: Option<NewCard>,
    /// How many digits the CVV sent with a token has (checked against the
    /// token's network).
    pub token_cvv_digits: Option<usize>,
    /// Where the bank page returns the shopper.
    pub callback_url: Option<String>,
    /// Description.
    pub description: Option<String>,
}

/// A validated order request.
#[derive(Clone, Debug)]
pub struct OrderReq {
    /// Paise.
    pub amount: i64,
    /// ISO code.
    pub currency: String,
    /// Merchant receipt.
    pub receipt: Option<String>,
    /// Notes.
    pub notes: Obj,
    /// Customer.
    pub customer_id: Option<String>,
    /// Mandate parameters (`token` object).
    pub mandate: Option<Mandate>,
    /// The composite payment, if any.
    pub payment: Option<PaymentReq>,
}

const ORDER_KEYS: &[&str] = &[
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
const MANDATE_KEYS: &[&str] = &["max_amount", "expire_at", "frequency", "notes"];
const PAYMENT_KEYS: &[&str] = &[
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
const CARD_KEYS: &[&str] = &["name", "number", "cvv", "expiry_month", "expiry_year"];
const AUTH_KEYS: &[&str] = &["authentication_channel"];
const BROWSER_KEYS: &[&str] = &[
    "java_enabled",
    "javascript_enabled",
    "timezone_offset",
    "color_depth",
    "screen_width",
    "screen_height",
    "language",
];
const BROWSER_REQUIRED: &[&str] = &[
    "java_enabled",
    "javascript_enabled",
    "timezone_offset",
    "color_depth",
    "screen_width",
    "screen_height",
];
/// Currencies the sandbox takes orders in.
pub const CURRENCIES: &[&str] = &[
    "INR", "USD", "EUR", "GBP", "SGD", "AED", "MYR", "AUD", "CAD",
];
/// Mandate frequencies Razorpay supports for cards today.
pub const FREQUENCIES: &[&str] = &["as_presented", "monthly"];

fn required(field: &str) -> ApiError {
    ApiError::validation(
        Some(field.to_string()),
        format!("The {field} field is required."),
    )
}

fn invalid(field: &str, description: impl Into<String>) -> ApiError {
    ApiError::validation(Some(field.to_string()), description)
}

/// Refuses any key of a composite order (at any level: the order, `token`,
/// `payment`, `payment.card`, `payment.authentication`, `payment.browser`)
/// that Razorpay does not take, with Razorpay's error. The backend runs it
/// on the browser's order before anything else.
pub fn composite_keys(order: &Obj) -> Result<(), ApiError> {
    no_extra_keys(order, ORDER_KEYS)?;
    if let Some(Value::Object(m)) = order.get("token") {
        no_extra_keys(m, MANDATE_KEYS)?;
    }
    let Some(Value::Object(p)) = order.get("payment") else {
        return Ok(());
    };
    no_extra_keys(p, PAYMENT_KEYS)?;
    for (key, allowed) in [
        ("card", CARD_KEYS),
        ("authentication", AUTH_KEYS),
        ("browser", BROWSER_KEYS),
    ] {
        if let Some(Value::Object(o)) = p.get(key) {
            no_extra_keys(o, allowed)?;
        }
    }
    Ok(())
}

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

fn is_blank(v: Option<&Value>) -> bool {
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

fn object<'a>(obj: &'a Obj, key: &str) -> Result<Option<&'a Obj>, ApiError> {
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

fn amount(obj: &Obj, key: &str) -> Result<i64, ApiError> {
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

fn http_url(s: &str) -> bool {
    reqwest::Url::parse(s)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

fn card(obj: &Obj, now: (u32, u32)) -> Result<NewCard, ApiError> {
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
fn cvv(obj: &Obj, needed: bool) -> Result<Option<usize>, ApiError> {
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

fn mandate(obj: &Obj, now_secs: i64) -> Result<Mandate, ApiError> {
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

fn browser_channel(p: &Obj) -> Result<(), ApiError> {
    let channel = match object(p, "authentication")? {
        Some(a) => {
            no_extra_keys(a, AUTH_KEYS)?;
            text(a, "authentication_channel")?.unwrap_or_else(|| "browser".into())
        }
        None => "browser".into(),
    };
    match channel.as_str() {
        "browser" => {}
        "app" => return Ok(()),
        _ => {
            return Err(invalid(
                "authentication_channel",
                "The selected authentication channel is invalid.",
            ))
        }
    }
    let b = object(p, "browser")?.ok_or_else(|| required("browser"))?;
    no_extra_keys(b, BROWSER_KEYS)?;
    for key in BROWSER_REQUIRED {
        match b.get(*key) {
            None | Some(Value::Null) => return Err(required(key)),
            Some(Value::Bool(_)) if key.ends_with("_enabled") => {}
            Some(Value::Number(n)) if !key.ends_with("_enabled") && n.is_i64() => {}
            Some(_) => return Err(invalid(key, format!("The {key} is invalid."))),
        }
    }
    let ip = req_text(p, "ip")?;
    if ip.parse::<std::net::IpAddr>().is_err() {
        return Err(invalid("ip", "The ip must be a valid IP address."));
    }
    let referer = req_text(p, "referer")?;
    if !http_url(&referer) {
        return Err(invalid("referer", "The referer format is invalid."));
    }
    Ok(())
}

fn payment(p: &Obj, order: &OrderReq, now: (u32, u32)) -> Result<PaymentReq, ApiError> {
    no_extra_keys(p, PAYMENT_KEYS)?;
    let amount = int(p, "amount")?.ok_or_else(|| required("amount"))?;
    if amount != order.amount {
        return Err(invalid(
            "amount",
            "The payment amount must be equal to the order amount.",
        ));
    }
    if let Some(c) = text(p, "currency")? {
        if c != order.currency {
            return Err(invalid(
                "currency",
                "The payment currency must be equal to the order currency.",
            ));
        }
    }
    let email = email(p)?;
    let contact = contact(p)?;
    if req_text(p, "method")? != "card" {
        return Err(invalid("method", "The selected method is invalid."));
    }
    let notes = notes(p, "notes")?;
    let pay_customer = text(p, "customer_id")?;
    if let (Some(a), Some(b)) = (&pay_customer, &order.customer_id) {
        if a != b {
            return Err(invalid(
                "customer_id",
                "The payment customer_id must match the order customer_id.",
            ));
        }
    }
    let customer_id = pay_customer.or_else(|| order.customer_id.clone());
    let recurring = flag(p, "recurring")?;
    let save = flag(p, "save")?;
    let token = text(p, "token")?;
    let card_obj = object(p, "card")?;
    let mut token_cvv_digits = None;
    let card = match (&token, card_obj) {
        (Some(_), Some(c)) => {
            no_extra_keys(c, CARD_KEYS)?;
            if !is_blank(c.get("number")) {
                return Err(invalid(
                    "number",
                    "The card number should not be sent with a token.",
                ));
            }
            token_cvv_digits = cvv(c, false)?;
            None
        }
        (Some(_), None) => None,
        (None, Some(c)) => Some(card(c, now)?),
        (None, None) => return Err(required("card")),
    };
    if (recurring || save) && customer_id.is_none() {
        return Err(required("customer_id"));
    }
    if recurring {
        if order.currency != "INR" {
            return Err(invalid(
                "currency",
                "Recurring card payments are supported in INR only.",
            ));
        }
        if token.is_none() && order.mandate.is_none() {
            return Err(required("token"));
        }
    }
    browser_channel(p)?;
    let callback_url = text(p, "callback_url")?;
    if callback_url.as_deref().is_some_and(|u| !http_url(u)) {
        return Err(invalid(
            "callback_url",
            "The callback url format is invalid.",
        ));
    }
    if let Some(Value::String(u)) = p.get("user_agent") {
        if u.len() > 512 {
            return Err(invalid(
                "user_agent",
                "The user agent may not be greater than 512 characters.",
            ));
        }
    }
    let description = text(p, "description")?;
    Ok(PaymentReq {
        amount,
        email,
        contact,
        notes,
        customer_id,
        recurring,
        save,
        token,
        card,
        token_cvv_digits,
        callback_url,
        description,
    })
}

/// Validates `POST /v1/orders` (plain or composite). `now` is (year, month).
pub fn order(body: &Obj, now: (u32, u32), now_secs: i64) -> Result<OrderReq, ApiError> {
    no_extra_keys(body, ORDER_KEYS)?;
    let amount = amount(body, "amount")?;
    let currency = currency(body)?;
    let receipt = text(body, "receipt")?;
    if receipt.as_ref().is_some_and(|r| r.chars().count() > 40) {
        return Err(invalid(
            "receipt",
            "The receipt may not be greater than 40 characters.",
        ));
    }
    let notes = notes(body, "notes")?;
    let customer_id = text(body, "customer_id")?;
    let mandate = object(body, "token")?
        .map(|m| mandate(m, now_secs))
        .transpose()?;
    let mut req = OrderReq {
        amount,
        currency,
        receipt,
        notes,
        customer_id,
        mandate,
        payment: None,
    };
    if let Some(p) = object(body, "payment")? {
        req.payment = Some(payment(p, &req, now)?);
    }
    Ok(req)
}

/// Validates `POST /v1/payments/create/recurring`.
pub struct RecurringReq {
    /// Customer email.
    pub email: String,
    /// Customer contact.
    pub contact: String,
    /// Paise.
    pub amount: i64,
    /// ISO code.
    pub currency: String,
    /// The order to pay.
    pub order_id: String,
    /// The customer.
    pub customer_id: String,
    /// The confirmed recurring token.
    pub token: String,
    /// Notes.
    pub notes: Obj,
    /// Description.
    pub description: Option<String>,
}

const RECURRING_KEYS: &[&str] = &[
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

/// Validates a subsequent (recurring) payment.
pub fn recurring(body: &Obj) -> Result<RecurringReq, ApiError> {
    no_extra_keys(body, RECURRING_KEYS)?;
    let r = RecurringReq {
        email: email(body)?,
        contact: contact(body)?,
        amount: amount(body, "amount")?,
        currency: currency(body)?,
        order_id: req_text(body, "order_id")?,
        customer_id: req_text(body, "customer_id")?,
        token: req_text(body, "token")?,
        notes: notes(body, "notes")?,
        description: text(body, "description")?,
    };
    if body.contains_key("recurring") && !flag(body, "recurring")? {
        return Err(invalid("recurring", "The selected recurring is invalid."));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Obj {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    fn composite() -> Value {
        json!({
            "amount": 100, "currency": "INR", "customer_id": "cust_1Aa00000000001",
            "payment": {
                "amount": 100, "email": "gaurav.kumar@example.com", "contact": "9876543210", "method": "card",
                "card": {"name": "Gaurav Kumar", "number": "4111 1111 1111 1111", "cvv": "123", "expiry_month": "11", "expiry_year": "30"},
                "authentication": {"authentication_channel": "browser"},
                "browser": {"java_enabled": false, "javascript_enabled": true, "timezone_offset": -330, "color_depth": 24, "screen_width": 1280, "screen_height": 800},
                "ip": "127.0.0.1", "referer": "http://127.0.0.1:8080/"
            }
        })
    }

    #[test]
    fn accepts_the_documented_shape() {
        let o = order(&obj(composite()), (2025, 1), 0).unwrap();
        let p = o.payment.unwrap();
        assert_eq!(p.contact, "+919876543210");
        assert_eq!(p.card.unwrap().number, "4111111111111111");
    }

    #[test]
    fn refuses_what_razorpay_refuses() {
        type Mutation = Box<dyn Fn(&mut Value)>;
        let cases: Vec<(Mutation, &str)> = vec![
            (Box::new(|v| v["foo"] = json!(1)), "foo"),
            (
                Box::new(|v| v["payment"]["card"]["cvv"] = json!("12")),
                "cvv",
            ),
            (
                Box::new(|v| v["payment"]["card"]["number"] = json!("4111111111111112")),
                "number",
            ),
            (Box::new(|v| v["payment"]["amount"] = json!(200)), "amount"),
            (Box::new(|v| v["payment"]["email"] = json!("nope")), "email"),
            (
                Box::new(|v| {
                    v["payment"].as_object_mut().unwrap().remove("ip");
                }),
                "ip",
            ),
            (
                Box::new(|v| {
                    v["payment"].as_object_mut().unwrap().remove("browser");
                }),
                "browser",
            ),
            (
                Box::new(|v| v["payment"]["card"]["expiry_year"] = json!("20")),
                "expiry_year",
            ),
            (
                Box::new(|v| v["token"] = json!({"max_amount": 100, "frequency": "monthly"})),
                "max_amount",
            ),
            (
                Box::new(|v| v["token"] = json!({"max_amount": 1000, "frequency": "daily"})),
                "frequency",
            ),
            (Box::new(|v| v["payment"]["recurring"] = json!(1)), "token"),
        ];
        for (mutate, field) in cases {
            let mut v = composite();
            mutate(&mut v);
            let e = order(&obj(v), (2025, 1), 0).unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field), "{}", e.description);
        }
    }

    #[test]
    fn the_cvv_has_the_networks_length() {
        // (number, cvv, accepted): American Express 4 digits, the others 3.
        let cases = [
            ("3782 822463 10005", "1234", true),
            ("3782 822463 10005", "123", false),
            ("3400 000000 00009", "837", false),
            ("4111 1111 1111 1111", "123", true),
            ("4111 1111 1111 1111", "1234", false),
            ("5500 6700 0000 1002", "8375", false),
            ("6527 6589 0000 1005", "8375", false),
            ("3608 280009 1007", "1234", false),
            ("3608 280009 1007", "123", true),
        ];
        for (number, cvv, accepted) in cases {
            let mut v = composite();
            v["payment"]["card"]["number"] = json!(number);
            v["payment"]["card"]["cvv"] = json!(cvv);
            match order(&obj(v), (2025, 1), 0) {
                Ok(_) => assert!(accepted, "{number} {cvv} accepted"),
                Err(e) => {
                    assert!(!accepted, "{number} {cvv}: {}", e.description);
                    assert_eq!(e.field.as_deref(), Some("cvv"));
                }
            }
        }
        // A saved card's CVV, when sent, is checked against the token's network.
        assert!(check_cvv_length(Some(4), "American Express").is_ok());
        assert!(check_cvv_length(Some(3), "American Express").is_err());
        assert!(check_cvv_length(Some(4), "Visa").is_err());
        assert!(check_cvv_length(None, "Visa").is_ok());
    }

    #[test]
    fn token_payment_needs_no_cvv() {
        let mut v = composite();
        v["payment"]["token"] = json!("token_1Aa00000000001");
        v["payment"]["card"] = json!({});
        assert!(order(&obj(v.clone()), (2025, 1), 0).is_ok());
        v["payment"]["card"] = json!({"cvv": ""});
        assert!(order(&obj(v.clone()), (2025, 1), 0).is_ok());
        v["payment"].as_object_mut().unwrap().remove("card");
        assert!(order(&obj(v), (2025, 1), 0).is_ok());
    }
}
