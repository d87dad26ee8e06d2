//! Whole requests: an order (plain or composite, with its payment and
//! the browser's authentication channel) and a recurring payment.

use super::*;

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

pub(super) const BROWSER_REQUIRED: &[&str] = &[
    "java_enabled",
    "javascript_enabled",
    "timezone_offset",
    "color_depth",
    "screen_width",
    "screen_height",
];

pub(super) fn browser_channel(p: &Obj) -> Result<(), ApiError> {
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

pub(super) fn payment(p: &Obj, order: &OrderReq, now: (u32, u32)) -> Result<PaymentReq, ApiError> {
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
