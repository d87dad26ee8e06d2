//! The composite `POST /v1/orders` request: an order and its card payment
//! in one call.
//!
//! [`CheckoutInput`] is what a page (or a merchant server) hands over,
//! decoded leniently; [`build_order_request`] checks all of it at once and
//! returns the [`OrderRequest`] to send, or every error. Three flows:
//!
//! - a new card (no `payment.token`): the card is validated in full;
//! - a mandate registration with a new card (`payment.recurring: 1`): also
//!   needs `customer_id` and the top-level `token: { frequency, … }`;
//! - a saved card (`payment.token: "token_…"`): `save: 1`, the card
//!   validated as tokenised (CVV optional, never a dummy), `customer_id`
//!   required; a RuPay saved card cannot register a mandate.
//!
//! Errors carry the dotted path of the field from the request's root
//! (`payment.email`, `token.max_amount`, `payment.card.number`; a combined
//! expiry's errors on `payment.card.expiry`): a page maps them to its inputs
//! by their last segment. Fields the
//! merchant supplies have source `business`; card, email and contact
//! errors keep source `customer` (the shopper types them).

use std::fmt;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::browser::{referer_from_url, Authentication, BrowserInfo, RawBrowser};
use super::lenient::{
    input_object, read_nested, FromObject, InputObject, LooseMap, LooseObject, UnknownKeys,
};
use super::url::check_page_url;
use crate::card::{validate_card, Card, CardInput, Network, ValidateOptions};
use crate::error::{concat, Error, ErrorKind};
use crate::value::{type_error, FromTree, Loose, Tree};

/// The largest amount, in currency subunits: 2^53.
pub const MAX_AMOUNT: u64 = 1 << 53;
/// The most keys a `notes` object may have.
pub const MAX_NOTES: usize = 15;
/// The most characters in a note's key or value.
pub const MAX_NOTE_CHARS: usize = 256;
/// The most characters in a `receipt`.
pub const MAX_RECEIPT_CHARS: usize = 40;
/// The most characters in an email address.
pub const MAX_EMAIL_CHARS: usize = 254;
/// `token.max_amount` bounds, in subunits.
pub const MANDATE_MAX_AMOUNT: std::ops::RangeInclusive<i64> = 500..=100_000_000;
/// A `token.expire_at` above this is taken for milliseconds (year 5138).
const MAX_UNIX_SECONDS: i64 = 100_000_000_000;

// ---------------------------------------------------------------- input

/// The checkout request as handed over, shaped exactly like the wire
/// request. Every scalar is a [`Loose`] and every object a
/// [`LooseObject`], so a wrong JS type becomes a typed error on its field,
/// never a decoding failure. A key no object here takes (`payment.ip`,
/// `payment.card.pin`, a misspelt `reciept`) is kept in [`unknown`] and
/// refused by [`build_order_request`], in the browser and on the server
/// alike. The keys taken are each input type's
/// [`InputObject::KEYS`](super::lenient::InputObject::KEYS) and
/// [`CARD_KEYS`].
///
/// [`unknown`]: CheckoutInput::unknown
#[derive(Clone, Debug, Default)]
pub struct CheckoutInput {
    /// In currency subunits (paise).
    pub amount: Loose,
    /// `INR`, `MYR`, …
    pub currency: Loose,
    /// The merchant's reference, at most 40 characters.
    pub receipt: Loose,
    /// `cust_…`: required for a mandate or a saved card.
    pub customer_id: Loose,
    /// The order's notes.
    pub notes: LooseMap,
    /// The mandate (`max_amount`, `expire_at`, `frequency`), for a
    /// recurring payment.
    pub token: LooseObject<MandateInput>,
    /// The payment.
    pub payment: LooseObject<PaymentInput>,
    /// The keys met that no object takes, as dotted paths (`payment.card.pin`).
    pub unknown: UnknownKeys,
}

input_object!(CheckoutInput {
    "amount" => amount,
    "currency" => currency,
    "receipt" => receipt,
    "customer_id" => customer_id,
    "notes" => notes,
    "token" => token(read_nested),
    "payment" => payment(read_nested),
});

/// The top-level `token` object of a mandate registration.
#[derive(Clone, Debug, Default)]
pub struct MandateInput {
    /// 500..=100000000 subunits.
    pub max_amount: Loose,
    /// Unix seconds, in the future.
    pub expire_at: Loose,
    /// `as_presented` or `monthly`.
    pub frequency: Loose,
    /// The keys met that it does not take.
    pub unknown: UnknownKeys,
}

input_object!(MandateInput {
    "max_amount" => max_amount,
    "expire_at" => expire_at,
    "frequency" => frequency,
});

/// The `payment` object.
#[derive(Clone, Debug, Default)]
pub struct PaymentInput {
    /// Filled in from the order's amount when absent.
    pub amount: Loose,
    /// The shopper's email.
    pub email: Loose,
    /// The shopper's phone number.
    pub contact: Loose,
    /// `card` (the default).
    pub method: Loose,
    /// The payment's notes.
    pub notes: LooseMap,
    /// Copied from the order's `customer_id` when absent.
    pub customer_id: Loose,
    /// `0` or `1` (or `false` / `true`; a string is a type error).
    pub recurring: Loose,
    /// A saved card's `token_…` (also read from `token_id`).
    pub token: Loose,
    /// `0` or `1` (or `false` / `true`); forced to `1` with a saved card.
    pub save: Loose,
    /// The card as typed (see [`CardInput`]).
    pub card: LooseObject<CardInput>,
    /// Only `{ "authentication_channel": "browser" }` is supported.
    pub authentication: LooseObject<AuthenticationInput>,
    /// The browser, when the caller (a server) passes it on.
    pub browser: LooseObject<BrowserInput>,
    /// The page URL, when the caller (a server) passes it on (also read
    /// from `referrer`).
    pub referer: Loose,
    /// Where Razorpay sends the shopper after authentication.
    pub callback_url: Loose,
    /// The shopper's IP, as Razorpay's examples carry it: taken (a string)
    /// and never sent on. The merchant's server sets it from the shopper's
    /// connection; what a page or a copied example says is not evidence.
    pub ip: Loose,
    /// The keys met that it does not take (`card.pin` for one of the card's).
    pub unknown: UnknownKeys,
}

input_object!(PaymentInput {
    "amount" => amount,
    "email" => email,
    "contact" => contact,
    "method" => method,
    "notes" => notes,
    "customer_id" => customer_id,
    "recurring" => recurring,
    "token" | "token_id" => token,
    "save" => save,
    "card" => card(read_card),
    "authentication" => authentication(read_nested),
    "browser" => browser(read_nested),
    "referer" | "referrer" => referer,
    "callback_url" => callback_url,
    "ip" => ip,
});

/// The keys `payment.card` takes: the card engine's [`CardInput`]
/// (`expiry` is the combined `MM/YY` field, sent on as `expiry_month` and
/// `expiry_year`).
pub const CARD_KEYS: &[&str] = <CardObject as InputObject>::KEYS;

/// `payment.card` while it is decoded: the card and its unknown keys.
#[derive(Default)]
struct CardObject {
    card: CardInput,
    unknown: UnknownKeys,
}

macro_rules! card_keys {
    ($($key:literal => $field:ident),* $(,)?) => {
        impl InputObject for CardObject {
            const KEYS: &'static [&'static str] = &[$($key),*];

            fn read_key(&mut self, key: &str, value: Tree) -> bool {
                match key {
                    $($key => self.card.$field = Loose::from_tree(value),)*
                    _ => return false,
                }
                true
            }

            fn unknown_keys(&mut self) -> &mut UnknownKeys {
                &mut self.unknown
            }
        }

        impl FromObject for CardObject {
            fn take(&mut self, key: String, value: Tree) {
                crate::checkout::lenient::take_input(self, key, value)
            }
        }
    };
}

card_keys! {
    "number" => number,
    "expiry_month" => expiry_month,
    "expiry_year" => expiry_year,
    "expiry" => expiry,
    "cvv" => cvv,
    "name" => name,
}

/// `payment.card`, its unknown keys kept as `card.<key>`.
fn read_card(value: Tree, key: &str, unknown: &mut UnknownKeys) -> LooseObject<CardInput> {
    match read_nested::<CardObject>(value, key, unknown) {
        LooseObject::Value(c) => LooseObject::Value(c.card),
        LooseObject::Absent => LooseObject::Absent,
        LooseObject::Null => LooseObject::Null,
        LooseObject::WrongType => LooseObject::WrongType,
    }
}

/// The `payment.authentication` object as handed over.
#[derive(Clone, Debug, Default)]
pub struct AuthenticationInput {
    /// `browser`, or absent.
    pub authentication_channel: Loose,
    /// The keys met that it does not take.
    pub unknown: UnknownKeys,
}

input_object!(AuthenticationInput {
    "authentication_channel" => authentication_channel,
});

/// The `payment.browser` object as handed over (by a server).
#[derive(Clone, Debug, Default)]
pub struct BrowserInput {
    /// A boolean.
    pub java_enabled: Loose,
    /// A boolean (always sent as true).
    pub javascript_enabled: Loose,
    /// A number of minutes.
    pub timezone_offset: Loose,
    /// A number of bits.
    pub color_depth: Loose,
    /// A number of pixels.
    pub screen_width: Loose,
    /// A number of pixels.
    pub screen_height: Loose,
    /// The keys met that it does not take.
    pub unknown: UnknownKeys,
}

input_object!(BrowserInput {
    "java_enabled" => java_enabled,
    "javascript_enabled" => javascript_enabled,
    "timezone_offset" => timezone_offset,
    "color_depth" => color_depth,
    "screen_width" => screen_width,
    "screen_height" => screen_height,
});

/// What the caller knows besides the input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BuildContext {
    /// The clock, in milliseconds since the Unix epoch.
    pub now_ms: f64,
    /// The browser, collected by the browser edge: overrides `payment.browser`.
    pub browser: Option<BrowserInfo>,
    /// The page URL, from the browser edge: overrides `payment.referer`
    /// (its `#fragment` is dropped).
    pub referer: Option<String>,
    /// A saved card's network (from its token entity): sets the CVV length
    /// and refuses a RuPay mandate on a saved token.
    pub saved_card_network: Option<Network>,
}

impl BuildContext {
    /// A server's context: no overrides, so `payment.browser` and
    /// `payment.referer` are required from the input.
    pub fn server(now_ms: f64) -> BuildContext {
        BuildContext {
            now_ms,
            ..BuildContext::default()
        }
    }
}

// ---------------------------------------------------------------- output

/// The composite order request, ready to serialise. Field order follows
/// the API's examples; absent optional fields are left out. `ip` is never
/// set: the merchant's backend adds the shopper's IP.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrderRequest {
    /// In subunits.
    pub amount: u64,
    /// Three upper-case letters.
    pub currency: String,
    /// The merchant's reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    /// `cust_…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// The order's notes (left out when empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Notes>,
    /// The mandate, for a recurring payment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<MandateToken>,
    /// The payment.
    pub payment: PaymentRequest,
}

/// The top-level `token` object of a mandate registration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MandateToken {
    /// In subunits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_amount: Option<u64>,
    /// Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_at: Option<u64>,
    /// How often the customer may be charged.
    pub frequency: Frequency,
}

/// `token.frequency`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// `as_presented`
    AsPresented,
    /// `monthly`
    Monthly,
}

/// `payment.method`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// `card`
    #[default]
    Card,
}

/// The `payment` object of the request.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PaymentRequest {
    /// Equal to the order's amount.
    pub amount: u64,
    /// Trimmed.
    pub email: String,
    /// Spaces and dashes removed; an optional leading `+`.
    pub contact: String,
    /// Always `card`.
    pub method: Method,
    /// The payment's notes (left out when empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Notes>,
    /// `cust_…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// `0` or `1`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring: Option<u8>,
    /// A saved card's `token_…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// `0` or `1`; always `1` with a saved card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub save: Option<u8>,
    /// The normalised card; left out for a saved card with nothing to add
    /// (a blank CVV is never sent, not even as a key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    /// Always `{ "authentication_channel": "browser" }`.
    pub authentication: Authentication,
    /// The shopper's browser.
    pub browser: BrowserInfo,
    /// The page URL, without its fragment.
    pub referer: String,
    /// Where Razorpay sends the shopper after authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

/// A checked `notes` object, keys in the order given.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Notes(pub Vec<(String, NoteValue)>);

/// A note's value: a string or a finite number, kept as given.
#[derive(Clone, Debug, PartialEq)]
pub enum NoteValue {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A finite number with a fraction.
    Float(f64),
}

impl Serialize for Notes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl Serialize for NoteValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            NoteValue::Str(v) => s.serialize_str(v),
            NoteValue::Int(v) => s.serialize_i64(*v),
            NoteValue::Float(v) => s.serialize_f64(*v),
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Frequency::AsPresented => "as_presented",
            Frequency::Monthly => "monthly",
        })
    }
}

// ---------------------------------------------------------------- build

/// Checks a checkout input and builds the composite order request.
///
/// `ctx.browser` and `ctx.referer` (collected by the browser edge) override
/// the input's `payment.browser` and `payment.referer`; when they are
/// `None` (on a server), the input's are required and checked.
///
/// # Errors
/// Every error at once, in wire order: order fields, `token.*`, then
/// `payment.*` with the card's errors (fields `payment.card.number`,
/// `payment.card.expiry` or `payment.card.expiry_month` /
/// `payment.card.expiry_year`, `payment.card.cvv`, `payment.card.name`) in
/// the place of `payment.card`.
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::checkout::{build_order_request, BrowserInfo, BuildContext, CheckoutInput, RawBrowser};
/// let input: CheckoutInput = serde_json::from_str(r#"{
///   "amount": 100, "currency": "INR",
///   "payment": { "email": "gaurav.kumar@example.com", "contact": "9876543210",
///     "card": { "number": "4100 2800 0000 1007", "expiry_month": "12", "expiry_year": "30",
///               "cvv": "123", "name": "Gaurav Kumar" } }
/// }"#).unwrap();
/// let ctx = BuildContext {
///     now_ms: 1_795_431_600_000.0,
///     browser: Some(BrowserInfo::from_raw(RawBrowser::default())),
///     referer: Some("https://shop.example/pay#card".into()),
///     saved_card_network: None,
/// };
/// let request = build_order_request(&input, &ctx).unwrap();
/// assert_eq!(request.payment.amount, 100);
/// assert_eq!(request.payment.referer, "https://shop.example/pay");
/// ```
pub fn build_order_request(
    input: &CheckoutInput,
    ctx: &BuildContext,
) -> Result<OrderRequest, Vec<Error>> {
    let mut errs = Errors(Vec::new());

    // Keys nothing here takes: refused, never dropped (the gateway would refuse them too).
    for path in &input.unknown.0 {
        errs.push(unknown_key(path));
    }

    // The order.
    let amount = errs.take(
        positive_amount(&input.amount, "amount")
            .and_then(|a| a.ok_or_else(|| Error::required("amount").with_source("business"))),
    );
    let currency = errs.take(currency(&input.currency));
    let receipt = errs.take(receipt(&input.receipt));
    let customer_id = errs.take(check_customer_id(&input.customer_id, "customer_id"));
    let notes = check_notes(&input.notes, "notes", &mut errs);

    let payment = match &input.payment {
        LooseObject::Value(p) => Some(p),
        LooseObject::WrongType => {
            errs.push(type_error("payment", "an object").with_source("business"));
            None
        }
        _ => {
            errs.push(Error::required("payment").with_source("business"));
            None
        }
    };
    let Some(p) = payment else {
        return Err(errs.0);
    };

    // Which flow.
    let recurring = errs.take(flag(&p.recurring, "payment.recurring"));
    // `None` when `payment.recurring` itself is wrong: then the mandate's
    // presence is not judged (its error would only repeat that one).
    let is_recurring = recurring.map(|r| r == Some(1));
    let recurring = recurring.flatten();
    let saved = !p.token.is_blank();

    // The mandate.
    let token = errs
        .take(mandate(&input.token, is_recurring, saved, ctx.now_ms))
        .flatten();
    let is_recurring = is_recurring.unwrap_or(false);

    // The payment.
    let payment_amount = errs
        .take(positive_amount(&p.amount, "payment.amount"))
        .flatten();
    if let (Some(a), Some(pa)) = (amount, payment_amount) {
        if a != pa {
            errs.push(business(
                ErrorKind::InvalidValue,
                "payment.amount",
                "The payment amount must equal the order amount",
            ));
        }
    }
    let email = errs.take(email(&p.email));
    let contact = errs.take(contact(&p.contact));
    let method = errs.take(method(&p.method));
    let payment_notes = check_notes(&p.notes, "payment.notes", &mut errs);
    let payment_customer_id = errs.take(check_customer_id(&p.customer_id, "payment.customer_id"));
    let customer_id = customer_id.flatten();
    let payment_customer_id = payment_customer_id.flatten();
    if (is_recurring || saved) && input.customer_id.is_blank() && p.customer_id.is_blank() {
        errs.push(business(
            ErrorKind::Required,
            "customer_id",
            if saved {
                "The customer_id is required to pay with a saved card"
            } else {
                "The customer_id is required for a recurring payment"
            },
        ));
    }
    if let (Some(a), Some(b)) = (&customer_id, &payment_customer_id) {
        if a != b {
            errs.push(business(
                ErrorKind::InvalidValue,
                "payment.customer_id",
                "The payment customer_id must equal the order's customer_id",
            ));
        }
    }
    let payment_customer_id = payment_customer_id.or_else(|| customer_id.clone());
    let saved_token = if saved {
        errs.take(saved_token(&p.token)).flatten()
    } else {
        None
    };
    if saved && is_recurring && ctx.saved_card_network == Some(Network::RuPay) {
        errs.push(business(
            ErrorKind::NotSupported,
            "payment.token",
            "RuPay does not support mandate registration with a saved card token",
        ));
    }
    let save = errs.take(flag(&p.save, "payment.save")).flatten();
    let save = if saved { Some(1) } else { save };
    let card = card(&p.card, saved, ctx, &mut errs);
    if let Err(e) = authentication(&p.authentication) {
        errs.push(e);
    }
    let browser = match ctx.browser {
        Some(b) => Some(b),
        None => browser(&p.browser, &mut errs),
    };
    let referer = errs.take(referer(ctx.referer.as_deref(), &p.referer));
    let callback_url = errs.take(callback_url(&p.callback_url)).flatten();
    if let Err(e) = p.ip.text("payment.ip") {
        errs.push(e.with_source("business"));
    }

    if !errs.0.is_empty() {
        return Err(errs.0);
    }
    match (amount, currency, email, contact, method, browser, referer) {
        (
            Some(amount),
            Some(currency),
            Some(email),
            Some(contact),
            Some(method),
            Some(browser),
            Some(referer),
        ) => Ok(OrderRequest {
            amount,
            currency,
            receipt: receipt.flatten(),
            customer_id,
            notes: notes.flatten(),
            token,
            payment: PaymentRequest {
                amount,
                email,
                contact,
                method,
                notes: payment_notes.flatten(),
                customer_id: payment_customer_id,
                recurring,
                token: saved_token,
                save,
                card: card.flatten(),
                authentication: Authentication::BROWSER,
                browser,
                referer,
                callback_url,
            },
        }),
        // Unreachable: every `None` above comes with an error.
        _ => Err(vec![Error::new(
            ErrorKind::InvalidState,
            "The order request could not be built",
        )]),
    }
}

/// The server-side form of [`build_order_request`]: no browser overrides,
/// so the input's `payment.browser` and `payment.referer` are required and
/// checked, and no saved-card network is known (a saved card's CVV may be
/// 3 or 4 digits).
///
/// # Errors
/// As [`build_order_request`].
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::checkout::{validate_order_request, CheckoutInput};
/// let input: CheckoutInput = serde_json::from_str(r#"{"amount": 100, "currency": "INR"}"#).unwrap();
/// let errors = validate_order_request(&input, 1_795_431_600_000.0).unwrap_err();
/// assert_eq!(errors[0].field(), Some("payment"));
/// ```
pub fn validate_order_request(
    input: &CheckoutInput,
    now_ms: f64,
) -> Result<OrderRequest, Vec<Error>> {
    build_order_request(input, &BuildContext::server(now_ms))
}

// ---------------------------------------------------------------- rules

struct Errors(Vec<Error>);

impl Errors {
    /// The value, or `None` with the error recorded.
    fn take<T>(&mut self, r: Result<T, Error>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }
    fn push(&mut self, e: Error) {
        self.0.push(e);
    }
}

/// A key the request does not take, with Razorpay's words for it; `field`
/// is its dotted path.
fn unknown_key(path: &str) -> Error {
    Error::invalid(
        ErrorKind::NotSupported,
        path.to_owned(),
        concat(&[leaf(path), " is/are not required and should not be sent"]),
    )
    .with_source("business")
}

fn business(kind: ErrorKind, field: &'static str, description: &'static str) -> Error {
    Error::invalid(kind, field, description).with_source("business")
}

fn leaf(field: &str) -> &str {
    field.rsplit('.').next().unwrap_or(field)
}

/// An integer: a JS number, never a string of digits (`"49900"` is a
/// type error, as on the merchant's server: one rule, no coercion).
/// `Ok(None)` when blank (absent, `null`, an empty string).
fn integer(v: &Loose, field: &'static str) -> Result<Option<i64>, Error> {
    match v {
        _ if v.is_blank() => Ok(None),
        Loose::Int(i) => Ok(Some(*i)),
        Loose::Float(_) => Err(whole_number(field)),
        _ => Err(type_error(field, "a number").with_source("business")),
    }
}

fn whole_number(field: &'static str) -> Error {
    Error::invalid(
        ErrorKind::InvalidValue,
        field,
        concat(&["The ", leaf(field), " must be a whole number"]),
    )
    .with_source("business")
}

/// A positive amount in subunits, at most 2^53. `Ok(None)` when blank.
fn positive_amount(v: &Loose, field: &'static str) -> Result<Option<u64>, Error> {
    let Some(n) = integer(v, field)? else {
        return Ok(None);
    };
    match u64::try_from(n) {
        Ok(n) if n > 0 && n <= MAX_AMOUNT => Ok(Some(n)),
        _ => Err(Error::invalid(
            ErrorKind::InvalidValue,
            field,
            concat(&[
                "The ",
                leaf(field),
                " must be a positive whole number of subunits, at most 2^53",
            ]),
        )
        .with_source("business")),
    }
}

fn required_text<'a>(v: &'a Loose, field: &'static str) -> Result<&'a str, Error> {
    match v.text(field) {
        Ok(Some(t)) => Ok(t.trim()),
        Ok(None) => Err(Error::required(field)),
        Err(e) => Err(e),
    }
}

fn currency(v: &Loose) -> Result<String, Error> {
    let t = required_text(v, "currency").map_err(|e| e.with_source("business"))?;
    if t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(t.to_owned())
    } else {
        Err(business(
            ErrorKind::InvalidFormat,
            "currency",
            "The currency must be a 3-letter ISO code in capitals, such as INR",
        ))
    }
}

fn receipt(v: &Loose) -> Result<Option<String>, Error> {
    let Some(t) = v.text("receipt").map_err(|e| e.with_source("business"))? else {
        return Ok(None);
    };
    let t = t.trim();
    if t.chars().count() > MAX_RECEIPT_CHARS {
        return Err(business(
            ErrorKind::InvalidLength,
            "receipt",
            "The receipt may have at most 40 characters",
        ));
    }
    Ok(Some(t.to_owned()))
}

/// `prefix` then 1..=40 ASCII letters and digits.
fn is_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        (1..=40).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

fn check_customer_id(v: &Loose, field: &'static str) -> Result<Option<String>, Error> {
    let Some(t) = v.text(field).map_err(|e| e.with_source("business"))? else {
        return Ok(None);
    };
    let t = t.trim();
    if is_id(t, "cust_") {
        Ok(Some(t.to_owned()))
    } else {
        Err(Error::invalid(
            ErrorKind::InvalidFormat,
            field,
            concat(&[
                "The ",
                leaf(field),
                " must be cust_ followed by up to 40 letters and digits",
            ]),
        )
        .with_source("business"))
    }
}

fn saved_token(v: &Loose) -> Result<Option<String>, Error> {
    let Some(t) = v
        .text("payment.token")
        .map_err(|e| e.with_source("business"))?
    else {
        return Ok(None);
    };
    let t = t.trim();
    if is_id(t, "token_") {
        Ok(Some(t.to_owned()))
    } else {
        Err(business(
            ErrorKind::InvalidFormat,
            "payment.token",
            "The token must be token_ followed by up to 40 letters and digits",
        ))
    }
}

/// `0` or `1` (or `false` / `true`); a string (`"1"`) is a type error.
fn flag(v: &Loose, field: &'static str) -> Result<Option<u8>, Error> {
    let bad = || {
        Error::invalid(
            ErrorKind::InvalidValue,
            field,
            concat(&["The ", leaf(field), " must be 0 or 1"]),
        )
        .with_source("business")
    };
    match v {
        _ if v.is_blank() => Ok(None),
        Loose::Int(0) | Loose::Bool(false) => Ok(Some(0)),
        Loose::Int(1) | Loose::Bool(true) => Ok(Some(1)),
        Loose::Int(_) | Loose::Float(_) => Err(bad()),
        _ => Err(type_error(field, "0 or 1").with_source("business")),
    }
}

fn method(v: &Loose) -> Result<Method, Error> {
    match v
        .text("payment.method")
        .map_err(|e| e.with_source("business"))?
    {
        None => Ok(Method::Card),
        Some(t) if t.trim().eq_ignore_ascii_case("card") => Ok(Method::Card),
        Some(_) => Err(business(
            ErrorKind::NotSupported,
            "payment.method",
            "The method must be card",
        )),
    }
}

/// One `@`, a non-empty local part, a dotted domain, no whitespace.
fn plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

fn email(v: &Loose) -> Result<String, Error> {
    let t = required_text(v, "payment.email")?;
    if t.chars().count() > MAX_EMAIL_CHARS {
        return Err(Error::invalid(
            ErrorKind::InvalidLength,
            "payment.email",
            "The email may have at most 254 characters",
        ));
    }
    if !plausible_email(t) {
        return Err(Error::invalid(
            ErrorKind::InvalidFormat,
            "payment.email",
            "The email must be a valid email address",
        ));
    }
    Ok(t.to_owned())
}

/// An optional leading `+`, then 8–15 digits once spaces and dashes are
/// removed. A string: a JS number (`9000090000`) is a type error (it
/// would have lost a leading `+` or `0`).
fn contact(v: &Loose) -> Result<String, Error> {
    let t = match v.text("payment.contact")? {
        Some(t) => t,
        None => return Err(Error::required("payment.contact")),
    };
    let t = t.trim();
    let (plus, rest) = match t.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let mut out = String::with_capacity(16);
    if plus {
        out.push('+');
    }
    for c in rest.chars() {
        match c {
            '0'..='9' => out.push(c),
            ' ' | '-' => {}
            _ => {
                return Err(Error::invalid(
                    ErrorKind::InvalidCharacters,
                    "payment.contact",
                    "The contact may contain only digits, spaces, dashes and a leading +",
                ))
            }
        }
    }
    let digits = out.len() - usize::from(plus);
    if (8..=15).contains(&digits) {
        Ok(out)
    } else {
        Err(Error::invalid(
            ErrorKind::InvalidLength,
            "payment.contact",
            "The contact must have between 8 and 15 digits",
        ))
    }
}

/// Checks a notes map; `Some(None)` when absent or empty.
fn check_notes(map: &LooseMap, field: &'static str, errs: &mut Errors) -> Option<Option<Notes>> {
    let entries = match map {
        LooseMap::Absent | LooseMap::Null => return Some(None),
        LooseMap::WrongType => {
            errs.push(type_error(field, "an object").with_source("business"));
            return None;
        }
        LooseMap::Entries(e) => e,
    };
    let before = errs.0.len();
    if entries.len() > MAX_NOTES {
        errs.push(business(
            ErrorKind::TooMany,
            field,
            "The notes may have at most 15 keys",
        ));
        return None;
    }
    let mut out = Vec::with_capacity(entries.len());
    for (i, (key, value)) in entries.iter().enumerate() {
        if key.trim().is_empty() || key.chars().count() > MAX_NOTE_CHARS {
            errs.push(business(
                ErrorKind::InvalidLength,
                field,
                "A note's key must have between 1 and 256 characters",
            ));
            continue;
        }
        let path = concat(&[field, ".", key]);
        if entries.iter().take(i).any(|(k, _)| k == key) {
            errs.push(
                Error::invalid(
                    ErrorKind::InvalidValue,
                    path,
                    "A note's key may appear only once",
                )
                .with_source("business"),
            );
            continue;
        }
        let v = match value {
            Loose::Str(s) if s.chars().count() <= MAX_NOTE_CHARS => NoteValue::Str(s.clone()),
            Loose::Str(_) => {
                errs.push(
                    Error::invalid(
                        ErrorKind::InvalidLength,
                        path,
                        "A note's value may have at most 256 characters",
                    )
                    .with_source("business"),
                );
                continue;
            }
            Loose::Int(n) => NoteValue::Int(*n),
            Loose::Float(f) if f.is_finite() => NoteValue::Float(*f),
            _ => {
                errs.push(
                    Error::invalid(
                        ErrorKind::InvalidType,
                        path,
                        "A note's value must be a string or a number",
                    )
                    .with_source("business"),
                );
                continue;
            }
        };
        out.push((key.clone(), v));
    }
    if errs.0.len() > before {
        None
    } else if out.is_empty() {
        Some(None)
    } else {
        Some(Some(Notes(out)))
    }
}

/// The top-level `token` object: required for a mandate with a new card,
/// optional with a saved card, refused without `recurring: 1`
/// (`recurring` is `None` when it could not be read: presence unjudged).
fn mandate(
    v: &LooseObject<MandateInput>,
    recurring: Option<bool>,
    saved: bool,
    now_ms: f64,
) -> Result<Option<MandateToken>, Error> {
    let m = match v {
        LooseObject::WrongType => {
            return Err(type_error("token", "an object").with_source("business"))
        }
        LooseObject::Absent | LooseObject::Null if recurring == Some(true) && !saved => {
            return Err(business(
                ErrorKind::Required,
                "token",
                "The token (max_amount, expire_at, frequency) is required for a recurring payment",
            ))
        }
        LooseObject::Absent | LooseObject::Null => return Ok(None),
        LooseObject::Value(_) if recurring == Some(false) => {
            return Err(business(
                ErrorKind::InvalidValue,
                "token",
                "The token is only for a recurring payment (payment.recurring: 1)",
            ))
        }
        LooseObject::Value(m) => m,
    };
    let max_amount = match integer(&m.max_amount, "token.max_amount")? {
        None => None,
        Some(n) if MANDATE_MAX_AMOUNT.contains(&n) => u64::try_from(n).ok(),
        Some(_) => {
            return Err(business(
                ErrorKind::InvalidValue,
                "token.max_amount",
                "The max_amount must be between 500 and 100000000",
            ))
        }
    };
    let now_s = if now_ms.is_finite() && now_ms > 0.0 {
        (now_ms / 1000.0).floor() as i64
    } else {
        0
    };
    let expire_at = match integer(&m.expire_at, "token.expire_at")? {
        None => None,
        Some(n) if n > MAX_UNIX_SECONDS => {
            return Err(business(
                ErrorKind::InvalidValue,
                "token.expire_at",
                "The expire_at must be in Unix seconds, not milliseconds",
            ))
        }
        Some(n) if n > now_s => u64::try_from(n).ok(),
        Some(_) => {
            return Err(business(
                ErrorKind::InvalidValue,
                "token.expire_at",
                "The expire_at must be in the future",
            ))
        }
    };
    let frequency = match required_text(&m.frequency, "token.frequency")
        .map_err(|e| e.with_source("business"))?
    {
        "as_presented" => Frequency::AsPresented,
        "monthly" => Frequency::Monthly,
        _ => {
            return Err(business(
                ErrorKind::InvalidValue,
                "token.frequency",
                "The frequency must be as_presented or monthly",
            ))
        }
    };
    Ok(Some(MandateToken {
        max_amount,
        expire_at,
        frequency,
    }))
}

/// The card: in full for a new card; tokenised (CVV optional, no number)
/// for a saved one. `Some(None)` when a saved card has nothing to send.
fn card(
    v: &LooseObject<CardInput>,
    saved: bool,
    ctx: &BuildContext,
    errs: &mut Errors,
) -> Option<Option<Card>> {
    let default_card = CardInput::default();
    let input = match v {
        LooseObject::WrongType => {
            errs.push(type_error("payment.card", "an object").with_source("business"));
            return None;
        }
        LooseObject::Absent | LooseObject::Null if saved => return Some(None),
        LooseObject::Absent | LooseObject::Null => &default_card,
        LooseObject::Value(c) => c,
    };
    if saved && !input.number.is_blank() {
        errs.push(Error::invalid(
            ErrorKind::InvalidValue,
            "payment.card.number",
            "A saved card is paid with its token: leave the number out",
        ));
        return None;
    }
    let options = ValidateOptions {
        tokenised: saved,
        now_ms: ctx.now_ms,
        network: if saved { ctx.saved_card_network } else { None },
    };
    let v = validate_card(input, &options);
    // The card engine's fields are the card's (`cvv`); the request's are
    // paths from its root (`payment.card.cvv`).
    errs.0.extend(v.errors.into_iter().map(|e| match e.field() {
        Some(f) => {
            let path = concat(&["payment.card.", f]);
            e.with_field(path)
        }
        None => e,
    }));
    let card = v.card?;
    let empty = card.name.is_none()
        && card.number.is_none()
        && card.cvv.is_none()
        && card.expiry_month.is_none()
        && card.expiry_year.is_none();
    Some(if empty { None } else { Some(card) })
}

fn authentication(v: &LooseObject<AuthenticationInput>) -> Result<(), Error> {
    match v {
        LooseObject::Absent | LooseObject::Null => Ok(()),
        LooseObject::WrongType => {
            Err(type_error("payment.authentication", "an object").with_source("business"))
        }
        LooseObject::Value(a) => {
            let field = "payment.authentication.authentication_channel";
            match a
                .authentication_channel
                .text(field)
                .map_err(|e| e.with_source("business"))?
            {
                None => Ok(()),
                Some(t) if t.trim().eq_ignore_ascii_case("browser") => Ok(()),
                Some(_) => Err(business(
                    ErrorKind::NotSupported,
                    field,
                    "The authentication_channel must be browser",
                )),
            }
        }
    }
}

/// A browser object from the input (a server's): types checked, values
/// normalised as [`BrowserInfo::from_raw`] does.
fn browser(v: &LooseObject<BrowserInput>, errs: &mut Errors) -> Option<BrowserInfo> {
    let b = match v {
        LooseObject::Value(b) => b,
        LooseObject::WrongType => {
            errs.push(type_error("payment.browser", "an object").with_source("business"));
            return None;
        }
        _ => {
            errs.push(Error::required("payment.browser").with_source("business"));
            return None;
        }
    };
    let before = errs.0.len();
    let raw = RawBrowser {
        java_enabled: errs
            .take(boolean(&b.java_enabled, "payment.browser.java_enabled"))
            .flatten(),
        javascript_enabled: errs
            .take(boolean(
                &b.javascript_enabled,
                "payment.browser.javascript_enabled",
            ))
            .flatten(),
        timezone_offset: errs
            .take(number(
                &b.timezone_offset,
                "payment.browser.timezone_offset",
            ))
            .flatten(),
        screen_width: errs
            .take(number(&b.screen_width, "payment.browser.screen_width"))
            .flatten(),
        screen_height: errs
            .take(number(&b.screen_height, "payment.browser.screen_height"))
            .flatten(),
        color_depth: errs
            .take(number(&b.color_depth, "payment.browser.color_depth"))
            .flatten(),
    };
    (errs.0.len() == before).then(|| BrowserInfo::from_raw(raw))
}

fn boolean(v: &Loose, field: &'static str) -> Result<Option<bool>, Error> {
    match v {
        Loose::Absent | Loose::Null => Ok(None),
        Loose::Bool(b) => Ok(Some(*b)),
        _ => Err(type_error(field, "a boolean").with_source("business")),
    }
}

fn number(v: &Loose, field: &'static str) -> Result<Option<f64>, Error> {
    match v {
        Loose::Absent | Loose::Null => Ok(None),
        Loose::Int(i) => Ok(Some(*i as f64)),
        Loose::Float(f) => Ok(Some(*f)),
        _ => Err(type_error(field, "a number").with_source("business")),
    }
}

fn referer(from_browser: Option<&str>, v: &Loose) -> Result<String, Error> {
    let given = match from_browser {
        Some(r) => r,
        None => required_text(v, "payment.referer").map_err(|e| e.with_source("business"))?,
    };
    let r = referer_from_url(given.trim());
    check_page_url(&r, "payment.referer", "referer")?;
    Ok(r)
}

fn callback_url(v: &Loose) -> Result<Option<String>, Error> {
    let Some(t) = v
        .text("payment.callback_url")
        .map_err(|e| e.with_source("business"))?
    else {
        return Ok(None);
    };
    let t = t.trim();
    check_page_url(t, "payment.callback_url", "callback_url")?;
    Ok(Some(t.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::Network as Net;
    use serde_json::{json, Value};

    /// 2026-11-23T11:00:00Z
    const NOW: f64 = 1_795_431_600_000.0;

    fn browser_ctx() -> BuildContext {
        BuildContext {
            now_ms: NOW,
            browser: Some(BrowserInfo::from_raw(RawBrowser {
                java_enabled: Some(false),
                timezone_offset: Some(-330.0),
                screen_width: Some(1440.0),
                screen_height: Some(900.0),
                color_depth: Some(30.0),
                ..Default::default()
            })),
            referer: Some("https://shop.example/checkout?cart=9#pay".into()),
            saved_card_network: None,
        }
    }

    fn new_card() -> Value {
        json!({
            "amount": 100,
            "currency": "INR",
            "payment": {
                "email": "gaurav.kumar@example.com",
                "contact": "9876543210",
                "card": {
                    "number": "4100 2800 0000 1007", "expiry_month": "12", "expiry_year": "30",
                    "cvv": "123", "name": "Gaurav Kumar"
                }
            }
        })
    }

    fn recurring() -> Value {
        let mut v = new_card();
        v["customer_id"] = json!("cust_KhOZydVZbcThjW");
        v["token"] =
            json!({"max_amount": 500, "expire_at": 2_709_971_120_u64, "frequency": "monthly"});
        v["payment"]["recurring"] = json!(1);
        v
    }

    fn saved() -> Value {
        json!({
            "amount": 100,
            "currency": "INR",
            "customer_id": "cust_P6BCqqddZzNkJa",
            "payment": {
                "email": "gaurav.kumar@example.com",
                "contact": "9876543210",
                "token": "token_QqsJMAhHRmIPio"
            }
        })
    }

    fn input(v: &Value) -> CheckoutInput {
        serde_json::from_value(v.clone()).unwrap()
    }

    fn build(v: &Value, ctx: &BuildContext) -> Result<OrderRequest, Vec<Error>> {
        build_order_request(&input(v), ctx)
    }

    fn fields(r: &Result<OrderRequest, Vec<Error>>) -> Vec<(String, ErrorKind)> {
        match r {
            Ok(_) => vec![],
            Err(e) => e
                .iter()
                .map(|e| (e.field().unwrap_or("").to_owned(), e.kind()))
                .collect(),
        }
    }

    /// Sets (or, with `None`, removes) the value at a `/`-separated path.
    fn patch(mut v: Value, path: &str, value: Option<Value>) -> Value {
        let (parent, key) = path.rsplit_once('/').unwrap_or(("", path));
        let target = if parent.is_empty() {
            &mut v
        } else {
            v.pointer_mut(&concat(&["/", parent])).unwrap()
        };
        let obj = target.as_object_mut().unwrap();
        match value {
            Some(x) => {
                obj.insert(key.to_owned(), x);
            }
            None => {
                obj.remove(key);
            }
        }
        v
    }

    const SEED_SAVED: &str = include_str!("../../tests/fixtures/order_request_saved_card.json");
    const SEED_RECURRING: &str =
        include_str!("../../tests/fixtures/order_request_recurring_new_card.json");

    #[test]
    fn seed_saved_card_request_round_trips_on_the_server() {
        let input: CheckoutInput = serde_json::from_str(SEED_SAVED).unwrap();
        let request = validate_order_request(&input, NOW).unwrap();
        // The seed, without `ip` (the backend adds it), with the browser
        // normalised (javascript_enabled is true; color depth 23 → 16).
        let want = r#"{"amount":100,"currency":"INR","notes":{"key1":"value3","key2":"value2"},"payment":{"amount":100,"email":"gaurav.kumar@example.com","contact":"9876543210","method":"card","notes":{"key1":"value3","key2":"value2"},"customer_id":"cust_P6BCqqddZzNkJa","recurring":1,"token":"token_QqsJMAhHRmIPio","save":1,"authentication":{"authentication_channel":"browser"},"browser":{"java_enabled":false,"javascript_enabled":true,"timezone_offset":11,"color_depth":16,"screen_width":23,"screen_height":100},"referer":"https://merchansite.com/example/paybill"}}"#;
        assert_eq!(serde_json::to_string(&request).unwrap(), want);

        // In the browser, with the token's network known.
        let ctx = BuildContext {
            saved_card_network: Some(Net::Visa),
            ..browser_ctx()
        };
        assert!(build_order_request(&input, &ctx).is_ok());
        let ctx = BuildContext {
            saved_card_network: Some(Net::RuPay),
            ..browser_ctx()
        };
        let errors = build_order_request(&input, &ctx).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].field(), errors[0].kind()),
            (Some("payment.token"), ErrorKind::NotSupported)
        );
        assert_eq!(
            errors[0].description(),
            "RuPay does not support mandate registration with a saved card token"
        );
        assert_eq!(errors[0].error_source(), "business");
    }

    #[test]
    fn seed_recurring_request_only_fails_on_its_max_amount() {
        let mut seed: Value = serde_json::from_str(SEED_RECURRING).unwrap();
        let errors = fields(&build(&seed, &BuildContext::server(NOW)));
        assert_eq!(
            errors,
            vec![("token.max_amount".to_owned(), ErrorKind::InvalidValue)]
        );
        seed["token"]["max_amount"] = json!(500);
        let request = build(&seed, &BuildContext::server(NOW)).unwrap();
        let want = r#"{"amount":100,"currency":"INR","customer_id":"cust_KhOZydVZbcThjW","notes":{"key1":"notes debugging 1","key2":"notes debugging 2"},"token":{"max_amount":500,"expire_at":2709971120,"frequency":"monthly"},"payment":{"amount":100,"email":"gaurav.kumar@example.com","contact":"9876543210","method":"card","notes":{"key1":"paymentvalue3","key2":"paymentvalue2"},"customer_id":"cust_KhOZydVZbcThjW","recurring":1,"card":{"name":"Gaurav Kumar","number":"4718609108204366","cvv":"092","expiry_month":"11","expiry_year":"30"},"authentication":{"authentication_channel":"browser"},"browser":{"java_enabled":false,"javascript_enabled":true,"timezone_offset":11,"color_depth":16,"screen_width":23,"screen_height":100},"referer":"https://merchansite.com/example/paybill"}}"#;
        assert_eq!(serde_json::to_string(&request).unwrap(), want);
    }

    #[test]
    fn new_card_in_the_browser() {
        let request = build(&new_card(), &browser_ctx()).unwrap();
        let want = r#"{"amount":100,"currency":"INR","payment":{"amount":100,"email":"gaurav.kumar@example.com","contact":"9876543210","method":"card","card":{"name":"Gaurav Kumar","number":"4100280000001007","cvv":"123","expiry_month":"12","expiry_year":"30"},"authentication":{"authentication_channel":"browser"},"browser":{"java_enabled":false,"javascript_enabled":true,"timezone_offset":-330,"color_depth":24,"screen_width":1440,"screen_height":900},"referer":"https://shop.example/checkout?cart=9"}}"#;
        assert_eq!(serde_json::to_string(&request).unwrap(), want);
        let shown = format!("{request:?}");
        assert!(
            !shown.contains("4100280000001007") && !shown.contains("\"123\""),
            "{shown}"
        );
        let shown = format!("{:?}", input(&new_card()));
        assert!(!shown.contains("4100") && !shown.contains("123"), "{shown}");
    }

    #[test]
    fn browser_context_overrides_the_input() {
        let mut v = new_card();
        v["payment"]["browser"] = json!("garbage");
        v["payment"]["referer"] = json!({"not": "a url"});
        v["payment"]["ip"] = json!("1.2.3.4");
        let request = build(&v, &browser_ctx()).unwrap();
        assert_eq!(
            request.payment.referer,
            "https://shop.example/checkout?cart=9"
        );
        assert_eq!(request.payment.browser.timezone_offset, -330);
        assert!(
            !serde_json::to_string(&request).unwrap().contains("1.2.3.4"),
            "ip is never sent"
        );
        // On the server the same input is refused.
        assert_eq!(
            fields(&build(&v, &BuildContext::server(NOW))),
            vec![
                ("payment.browser".to_owned(), ErrorKind::InvalidType),
                ("payment.referer".to_owned(), ErrorKind::InvalidType),
            ]
        );
        // The server accepts `referrer` too, and drops the fragment.
        v["payment"]["browser"] = json!({"java_enabled": true, "timezone_offset": -330, "color_depth": 24,
                                         "screen_width": 390, "screen_height": 844});
        v["payment"].as_object_mut().unwrap().remove("referer");
        v["payment"]["referrer"] = json!("https://shop.example/pay#x");
        let r = build(&v, &BuildContext::server(NOW)).unwrap();
        assert_eq!(r.payment.referer, "https://shop.example/pay");
        assert!(r.payment.browser.java_enabled);
    }

    /// One change to a valid input, and the one error it must cause.
    type Case = (
        &'static str,
        Option<Value>,
        Option<(&'static str, ErrorKind)>,
    );

    fn run(base: fn() -> Value, ctx: &BuildContext, table: &[Case]) {
        assert!(
            build(&base(), ctx).is_ok(),
            "base input is valid: {:?}",
            fields(&build(&base(), ctx))
        );
        for (path, value, want) in table {
            let v = patch(base(), path, value.clone());
            let got = fields(&build(&v, ctx));
            let want: Vec<(String, ErrorKind)> =
                want.iter().map(|(f, k)| ((*f).to_owned(), *k)).collect();
            assert_eq!(got, want, "{path} = {value:?}");
        }
    }

    #[test]
    fn new_card_rules_table() {
        use ErrorKind::*;
        let long = |n: usize| Some(json!("x".repeat(n)));
        let many: serde_json::Map<String, Value> =
            (0..16).map(|i| (format!("k{i}"), json!("v"))).collect();
        let fifteen: serde_json::Map<String, Value> =
            (0..15).map(|i| (format!("k{i}"), json!(i))).collect();
        let table: &[Case] = &[
            // amount
            ("amount", None, Some(("amount", Required))),
            ("amount", Some(json!(null)), Some(("amount", Required))),
            ("amount", Some(json!("")), Some(("amount", Required))),
            ("amount", Some(json!(0)), Some(("amount", InvalidValue))),
            ("amount", Some(json!(-100)), Some(("amount", InvalidValue))),
            ("amount", Some(json!(100.5)), Some(("amount", InvalidValue))),
            ("amount", Some(json!("1e2")), Some(("amount", InvalidType))),
            (
                "amount",
                Some(json!(9_007_199_254_740_994_u64)),
                Some(("amount", InvalidValue)),
            ),
            ("amount", Some(json!(true)), Some(("amount", InvalidType))),
            (
                "amount",
                Some(json!({"value": 100})),
                Some(("amount", InvalidType)),
            ),
            // a number, never a string of digits (no coercion, as on the server)
            ("amount", Some(json!("100")), Some(("amount", InvalidType))),
            (
                "amount",
                Some(json!("49900")),
                Some(("amount", InvalidType)),
            ),
            ("amount", Some(json!(100.0)), None),
            // currency
            ("currency", None, Some(("currency", Required))),
            (
                "currency",
                Some(json!("inr")),
                Some(("currency", InvalidFormat)),
            ),
            (
                "currency",
                Some(json!("INRR")),
                Some(("currency", InvalidFormat)),
            ),
            (
                "currency",
                Some(json!("IN1")),
                Some(("currency", InvalidFormat)),
            ),
            (
                "currency",
                Some(json!(356)),
                Some(("currency", InvalidType)),
            ),
            ("currency", Some(json!(" MYR ")), None),
            // receipt
            ("receipt", long(40), None),
            ("receipt", long(41), Some(("receipt", InvalidLength))),
            (
                "receipt",
                Some(json!(12345)),
                Some(("receipt", InvalidType)),
            ),
            ("receipt", Some(json!("12345")), None),
            ("receipt", Some(json!([1])), Some(("receipt", InvalidType))),
            // customer_id (optional for a one-time new card)
            ("customer_id", Some(json!("cust_KhOZydVZbcThjW")), None),
            (
                "customer_id",
                Some(json!("cus_KhOZydVZbcThjW")),
                Some(("customer_id", InvalidFormat)),
            ),
            (
                "customer_id",
                Some(json!("cust_")),
                Some(("customer_id", InvalidFormat)),
            ),
            (
                "customer_id",
                Some(json!("cust_ab-c")),
                Some(("customer_id", InvalidFormat)),
            ),
            (
                "customer_id",
                Some(json!(12)),
                Some(("customer_id", InvalidType)),
            ),
            // notes
            ("notes", Some(json!({"a": "b", "n": 1, "f": 1.5})), None),
            ("notes", Some(json!([])), None),
            ("notes", Some(json!(null)), None),
            ("notes", Some(Value::Object(fifteen)), None),
            ("notes", Some(Value::Object(many)), Some(("notes", TooMany))),
            ("notes", Some(json!("x")), Some(("notes", InvalidType))),
            ("notes", Some(json!(["x"])), Some(("notes", InvalidType))),
            (
                "notes",
                Some(json!({"k": true})),
                Some(("notes.k", InvalidType)),
            ),
            (
                "notes",
                Some(json!({"k": null})),
                Some(("notes.k", InvalidType)),
            ),
            (
                "notes",
                Some(json!({"k": {"x": 1}})),
                Some(("notes.k", InvalidType)),
            ),
            ("notes", Some(json!({"k": "v".repeat(256)})), None),
            (
                "notes",
                Some(json!({"k": "v".repeat(257)})),
                Some(("notes.k", InvalidLength)),
            ),
            (
                "notes",
                Some(json!({"": "v"})),
                Some(("notes", InvalidLength)),
            ),
            (
                "payment/notes",
                Some(json!({"k": false})),
                Some(("payment.notes.k", InvalidType)),
            ),
            // the mandate belongs to recurring payments only
            (
                "token",
                Some(json!({"frequency": "monthly"})),
                Some(("token", InvalidValue)),
            ),
            (
                "token",
                Some(json!("token_QqsJMAhHRmIPio")),
                Some(("token", InvalidType)),
            ),
            // payment
            ("payment", None, Some(("payment", Required))),
            (
                "payment",
                Some(json!("card")),
                Some(("payment", InvalidType)),
            ),
            ("payment/amount", Some(json!(100)), None),
            (
                "payment/amount",
                Some(json!("100")),
                Some(("payment.amount", InvalidType)),
            ),
            (
                "payment/amount",
                Some(json!(200)),
                Some(("payment.amount", InvalidValue)),
            ),
            (
                "payment/amount",
                Some(json!(0)),
                Some(("payment.amount", InvalidValue)),
            ),
            // email
            ("payment/email", None, Some(("payment.email", Required))),
            (
                "payment/email",
                Some(json!("  ")),
                Some(("payment.email", Required)),
            ),
            (
                "payment/email",
                Some(json!(" a.b+c@mail.example.co.in ")),
                None,
            ),
            (
                "payment/email",
                Some(json!("a@b")),
                Some(("payment.email", InvalidFormat)),
            ),
            (
                "payment/email",
                Some(json!("@b.com")),
                Some(("payment.email", InvalidFormat)),
            ),
            (
                "payment/email",
                Some(json!("a@@b.com")),
                Some(("payment.email", InvalidFormat)),
            ),
            (
                "payment/email",
                Some(json!("a@b@c.com")),
                Some(("payment.email", InvalidFormat)),
            ),
            (
                "payment/email",
                Some(json!("a b@c.com")),
                Some(("payment.email", InvalidFormat)),
            ),
            (
                "payment/email",
                Some(json!("a@b..com")),
                Some(("payment.email", InvalidFormat)),
            ),
            (
                "payment/email",
                Some(json!("a@.b.com")),
                Some(("payment.email", InvalidFormat)),
            ),
            (
                "payment/email",
                Some(json!("a@b.com.")),
                Some(("payment.email", InvalidFormat)),
            ),
            (
                "payment/email",
                Some(json!("gaurav.kumar.example.com")),
                Some(("payment.email", InvalidFormat)),
            ),
            (
                "payment/email",
                Some(json!(format!("{}@example.com", "a".repeat(243)))),
                Some(("payment.email", InvalidLength)),
            ),
            (
                "payment/email",
                Some(json!(format!("{}@example.com", "a".repeat(242)))),
                None,
            ),
            (
                "payment/email",
                Some(json!(42)),
                Some(("payment.email", InvalidType)),
            ),
            // contact
            ("payment/contact", None, Some(("payment.contact", Required))),
            ("payment/contact", Some(json!("+91 98765-43210")), None),
            (
                "payment/contact",
                Some(json!(9_876_543_210_u64)),
                Some(("payment.contact", InvalidType)),
            ),
            (
                "payment/contact",
                Some(json!(9_000_090_000_u64)),
                Some(("payment.contact", InvalidType)),
            ),
            ("payment/contact", Some(json!("12345678")), None),
            (
                "payment/contact",
                Some(json!("1234567")),
                Some(("payment.contact", InvalidLength)),
            ),
            (
                "payment/contact",
                Some(json!("1234567890123456")),
                Some(("payment.contact", InvalidLength)),
            ),
            (
                "payment/contact",
                Some(json!("+")),
                Some(("payment.contact", InvalidLength)),
            ),
            (
                "payment/contact",
                Some(json!("98765abc10")),
                Some(("payment.contact", InvalidCharacters)),
            ),
            (
                "payment/contact",
                Some(json!("9876+543210")),
                Some(("payment.contact", InvalidCharacters)),
            ),
            (
                "payment/contact",
                Some(json!("(987) 6543210")),
                Some(("payment.contact", InvalidCharacters)),
            ),
            (
                "payment/contact",
                Some(json!(true)),
                Some(("payment.contact", InvalidType)),
            ),
            // method
            ("payment/method", Some(json!("card")), None),
            ("payment/method", Some(json!("CARD")), None),
            (
                "payment/method",
                Some(json!("upi")),
                Some(("payment.method", NotSupported)),
            ),
            (
                "payment/method",
                Some(json!(1)),
                Some(("payment.method", InvalidType)),
            ),
            // recurring and save flags
            ("payment/recurring", Some(json!(0)), None),
            (
                "payment/recurring",
                Some(json!("0")),
                Some(("payment.recurring", InvalidType)),
            ),
            ("payment/recurring", Some(json!(false)), None),
            (
                "payment/recurring",
                Some(json!(2)),
                Some(("payment.recurring", InvalidValue)),
            ),
            (
                "payment/recurring",
                Some(json!("yes")),
                Some(("payment.recurring", InvalidType)),
            ),
            (
                "payment/recurring",
                Some(json!(0.5)),
                Some(("payment.recurring", InvalidValue)),
            ),
            (
                "payment/recurring",
                Some(json!({})),
                Some(("payment.recurring", InvalidType)),
            ),
            ("payment/save", Some(json!(1)), None),
            ("payment/save", Some(json!(true)), None),
            (
                "payment/save",
                Some(json!("1")),
                Some(("payment.save", InvalidType)),
            ),
            (
                "payment/save",
                Some(json!(-1)),
                Some(("payment.save", InvalidValue)),
            ),
            (
                "payment/save",
                Some(json!([])),
                Some(("payment.save", InvalidType)),
            ),
            // payment.customer_id alone is fine for a one-time payment
            (
                "payment/customer_id",
                Some(json!("cust_KhOZydVZbcThjW")),
                None,
            ),
            (
                "payment/customer_id",
                Some(json!("cust_!")),
                Some(("payment.customer_id", InvalidFormat)),
            ),
            // authentication
            (
                "payment/authentication",
                Some(json!({"authentication_channel": "browser"})),
                None,
            ),
            ("payment/authentication", Some(json!({})), None),
            (
                "payment/authentication",
                Some(json!({"authentication_channel": "app"})),
                Some((
                    "payment.authentication.authentication_channel",
                    NotSupported,
                )),
            ),
            (
                "payment/authentication",
                Some(json!({"authentication_channel": 1})),
                Some(("payment.authentication.authentication_channel", InvalidType)),
            ),
            (
                "payment/authentication",
                Some(json!("browser")),
                Some(("payment.authentication", InvalidType)),
            ),
            // callback_url
            (
                "payment/callback_url",
                Some(json!("https://shop.example/done")),
                None,
            ),
            (
                "payment/callback_url",
                Some(json!("javascript:alert(1)")),
                Some(("payment.callback_url", InvalidFormat)),
            ),
            (
                "payment/callback_url",
                Some(json!("/done")),
                Some(("payment.callback_url", InvalidFormat)),
            ),
            (
                "payment/callback_url",
                Some(json!(1)),
                Some(("payment.callback_url", InvalidType)),
            ),
            // the card keeps the card engine's fields
            (
                "payment/card/number",
                Some(json!("4100 2800 0000 1008")),
                Some(("payment.card.number", FailedLuhn)),
            ),
            (
                "payment/card/cvv",
                None,
                Some(("payment.card.cvv", Required)),
            ),
            (
                "payment/card/cvv",
                Some(json!(123)),
                Some(("payment.card.cvv", InvalidType)),
            ),
            ("payment/card/expiry_year", Some(json!("2030")), None),
            (
                "payment/card/expiry_month",
                Some(json!("13")),
                Some(("payment.card.expiry_month", InvalidMonth)),
            ),
            (
                "payment/card",
                Some(json!("4100280000001007")),
                Some(("payment.card", InvalidType)),
            ),
            // `ip` is taken (a string) and never sent; an unknown key is refused
            ("payment/ip", Some(json!("105.106.107.108")), None),
            (
                "payment/ip",
                Some(json!(105)),
                Some(("payment.ip", InvalidType)),
            ),
            (
                "surprise",
                Some(json!({"deep": [1, 2, {"x": null}]})),
                Some(("surprise", NotSupported)),
            ),
        ];
        run(new_card, &browser_ctx(), table);
    }

    #[test]
    fn missing_card_asks_for_every_card_field() {
        let v = patch(new_card(), "payment/card", None);
        let got = fields(&build(&v, &browser_ctx()));
        let want: Vec<(String, ErrorKind)> =
            ["number", "expiry_month", "expiry_year", "cvv", "name"]
                .iter()
                .map(|f| (concat(&["payment.card.", f]), ErrorKind::Required))
                .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn server_browser_and_referer_table() {
        use ErrorKind::*;
        fn server_input() -> Value {
            let mut v = new_card();
            v["payment"]["browser"] = json!({"java_enabled": false, "javascript_enabled": true, "timezone_offset": -330,
                                             "color_depth": 24, "screen_width": 1440, "screen_height": 900});
            v["payment"]["referer"] = json!("https://shop.example/checkout");
            v
        }
        let table: &[Case] = &[
            ("payment/browser", None, Some(("payment.browser", Required))),
            (
                "payment/browser",
                Some(json!(null)),
                Some(("payment.browser", Required)),
            ),
            (
                "payment/browser",
                Some(json!([])),
                Some(("payment.browser", InvalidType)),
            ),
            ("payment/browser", Some(json!({})), None),
            (
                "payment/browser/color_depth",
                Some(json!("24")),
                Some(("payment.browser.color_depth", InvalidType)),
            ),
            ("payment/browser/color_depth", Some(json!(30)), None),
            ("payment/browser/timezone_offset", Some(json!(99999)), None),
            (
                "payment/browser/timezone_offset",
                Some(json!(true)),
                Some(("payment.browser.timezone_offset", InvalidType)),
            ),
            ("payment/browser/screen_width", Some(json!(-5)), None),
            (
                "payment/browser/screen_height",
                Some(json!({})),
                Some(("payment.browser.screen_height", InvalidType)),
            ),
            (
                "payment/browser/java_enabled",
                Some(json!("false")),
                Some(("payment.browser.java_enabled", InvalidType)),
            ),
            (
                "payment/browser/javascript_enabled",
                Some(json!(0)),
                Some(("payment.browser.javascript_enabled", InvalidType)),
            ),
            ("payment/referer", None, Some(("payment.referer", Required))),
            (
                "payment/referer",
                Some(json!("")),
                Some(("payment.referer", Required)),
            ),
            (
                "payment/referer",
                Some(json!("file:///tmp/pay.html")),
                Some(("payment.referer", InvalidFormat)),
            ),
            (
                "payment/referer",
                Some(json!("/checkout")),
                Some(("payment.referer", InvalidFormat)),
            ),
            (
                "payment/referer",
                Some(json!("https://shop.example/a b")),
                Some(("payment.referer", InvalidFormat)),
            ),
            (
                "payment/referer",
                Some(json!("http://localhost:8080/pay#frag")),
                None,
            ),
        ];
        run(server_input, &BuildContext::server(NOW), table);
        let r = build(
            &patch(
                server_input(),
                "payment/browser/timezone_offset",
                Some(json!(99999)),
            ),
            &BuildContext::server(NOW),
        );
        assert_eq!(
            r.unwrap().payment.browser.timezone_offset,
            0,
            "normalised like the browser edge does"
        );
    }

    #[test]
    fn recurring_new_card_table() {
        use ErrorKind::*;
        let table: &[Case] = &[
            ("customer_id", None, Some(("customer_id", Required))),
            ("token", None, Some(("token", Required))),
            ("token", Some(json!(null)), Some(("token", Required))),
            ("token", Some(json!(7)), Some(("token", InvalidType))),
            ("token/frequency", None, Some(("token.frequency", Required))),
            ("token/frequency", Some(json!("as_presented")), None),
            (
                "token/frequency",
                Some(json!("weekly")),
                Some(("token.frequency", InvalidValue)),
            ),
            (
                "token/frequency",
                Some(json!(30)),
                Some(("token.frequency", InvalidType)),
            ),
            ("token/max_amount", None, None),
            (
                "token/max_amount",
                Some(json!(499)),
                Some(("token.max_amount", InvalidValue)),
            ),
            ("token/max_amount", Some(json!(100_000_000)), None),
            (
                "token/max_amount",
                Some(json!(100_000_001)),
                Some(("token.max_amount", InvalidValue)),
            ),
            (
                "token/max_amount",
                Some(json!(999.5)),
                Some(("token.max_amount", InvalidValue)),
            ),
            (
                "token/max_amount",
                Some(json!("9999900")),
                Some(("token.max_amount", InvalidType)),
            ),
            ("token/expire_at", None, None),
            ("token/expire_at", Some(json!(1_795_431_601_u64)), None),
            (
                "token/expire_at",
                Some(json!(1_795_431_600_u64)),
                Some(("token.expire_at", InvalidValue)),
            ),
            (
                "token/expire_at",
                Some(json!(1_000_000_000)),
                Some(("token.expire_at", InvalidValue)),
            ),
            (
                "token/expire_at",
                Some(json!(2_709_971_120_000_u64)),
                Some(("token.expire_at", InvalidValue)),
            ),
            (
                "token/expire_at",
                Some(json!("soon")),
                Some(("token.expire_at", InvalidType)),
            ),
            (
                "token/expire_at",
                Some(json!("2709971120")),
                Some(("token.expire_at", InvalidType)),
            ),
            (
                "token/expire_at",
                Some(json!(false)),
                Some(("token.expire_at", InvalidType)),
            ),
            (
                "payment/recurring",
                Some(json!("1")),
                Some(("payment.recurring", InvalidType)),
            ),
            ("payment/recurring", Some(json!(true)), None),
            (
                "payment/customer_id",
                Some(json!("cust_KhOZydVZbcThjW")),
                None,
            ),
            (
                "payment/customer_id",
                Some(json!("cust_OTHER0000000")),
                Some(("payment.customer_id", InvalidValue)),
            ),
        ];
        run(recurring, &browser_ctx(), table);
        let r = build(&recurring(), &browser_ctx()).unwrap();
        assert_eq!(
            r.payment.customer_id.as_deref(),
            Some("cust_KhOZydVZbcThjW"),
            "copied to the payment"
        );
        assert_eq!(r.payment.recurring, Some(1));
        // customer_id on the payment alone is enough (as in the saved-card seed).
        let v = patch(
            patch(recurring(), "customer_id", None),
            "payment/customer_id",
            Some(json!("cust_KhOZydVZbcThjW")),
        );
        let r = build(&v, &browser_ctx()).unwrap();
        assert_eq!(
            (r.customer_id, r.payment.customer_id.as_deref()),
            (None, Some("cust_KhOZydVZbcThjW"))
        );
        // A mandate with a new RuPay card is fine: only saved tokens are refused.
        let mut v = recurring();
        v["payment"]["card"]["number"] = json!("6527 6589 0000 1005");
        let ctx = BuildContext {
            saved_card_network: Some(Net::RuPay),
            ..browser_ctx()
        };
        assert!(build(&v, &ctx).is_ok());
    }

    /// The order's and the payment's `customer_id` name one customer in
    /// every flow: a payment naming another customer than its order is
    /// refused on `payment.customer_id` (a backend must never forward a
    /// customer from the body it did not check; issue 11, finding 1).
    #[test]
    fn the_two_customer_ids_must_agree_in_every_flow() {
        const A: &str = "cust_KhOZydVZbcThjW";
        const B: &str = "cust_P6BCqqddZzNkJa";
        fn server_input() -> Value {
            let mut v = saved();
            v["payment"]["browser"] = json!({"java_enabled": false, "javascript_enabled": true, "timezone_offset": -330,
                                             "color_depth": 24, "screen_width": 1440, "screen_height": 900});
            v["payment"]["referer"] = json!("https://shop.example/checkout");
            v
        }
        type Flow = (&'static str, fn() -> Value);
        // (top-level, on the payment, what the payment gets or the refused field)
        type AgreeCase = (
            Option<&'static str>,
            Option<&'static str>,
            Result<&'static str, &'static str>,
        );
        let flows: [Flow; 4] = [
            ("new card", new_card),
            ("recurring", recurring),
            ("saved card", saved),
            ("server", server_input),
        ];
        let cases: [AgreeCase; 6] = [
            (Some(A), None, Ok(A)),
            (None, Some(A), Ok(A)),
            (Some(A), Some(A), Ok(A)),
            (Some(A), Some(" cust_KhOZydVZbcThjW "), Ok(A)),
            (Some(A), Some(B), Err("payment.customer_id")),
            (
                Some(B),
                Some("cust_khozydvzbcthjw"),
                Err("payment.customer_id"),
            ),
        ];
        for (flow, base) in flows {
            for (top, on_payment, want) in cases {
                let mut v = patch(base(), "customer_id", top.map(|c| json!(c)));
                v = patch(v, "payment/customer_id", on_payment.map(|c| json!(c)));
                let r = if flow == "server" {
                    validate_order_request(&input(&v), NOW)
                } else {
                    build(&v, &browser_ctx())
                };
                match (want, r) {
                    (Ok(c), Ok(r)) => assert_eq!(
                        r.payment.customer_id.as_deref(),
                        Some(c),
                        "{flow} {top:?} {on_payment:?}"
                    ),
                    (Err(field), Err(errors)) => {
                        assert_eq!(errors.len(), 1, "{flow}: {errors:?}");
                        assert_eq!(
                            (errors[0].field(), errors[0].kind()),
                            (Some(field), ErrorKind::InvalidValue),
                            "{flow}"
                        );
                        assert_eq!(errors[0].error_source(), "business");
                    }
                    (want, got) => {
                        panic!("{flow} {top:?} {on_payment:?}: want {want:?}, got {got:?}")
                    }
                }
            }
        }
    }

    #[test]
    fn saved_card_table() {
        use ErrorKind::*;
        let table: &[Case] = &[
            ("customer_id", None, Some(("customer_id", Required))),
            (
                "payment/token",
                Some(json!("tok_QqsJMAhHRmIPio")),
                Some(("payment.token", InvalidFormat)),
            ),
            (
                "payment/token",
                Some(json!("token_")),
                Some(("payment.token", InvalidFormat)),
            ),
            (
                "payment/token",
                Some(json!(["token_QqsJMAhHRmIPio"])),
                Some(("payment.token", InvalidType)),
            ),
            ("payment/save", Some(json!(0)), None),
            ("payment/card", Some(json!({})), None),
            ("payment/card", Some(json!({"cvv": ""})), None),
            ("payment/card", Some(json!({"cvv": null})), None),
            ("payment/card", Some(json!({"cvv": "123"})), None),
            (
                "payment/card",
                Some(json!({"cvv": "1234"})),
                Some(("payment.card.cvv", InvalidLength)),
            ),
            (
                "payment/card",
                Some(json!({"cvv": "12a"})),
                Some(("payment.card.cvv", InvalidCharacters)),
            ),
            (
                "payment/card",
                Some(json!({"number": "4100280000001007", "cvv": "123"})),
                Some(("payment.card.number", InvalidValue)),
            ),
            (
                "payment/card",
                Some(json!({"expiry_month": "12", "expiry_year": "30"})),
                None,
            ),
            (
                "payment/card",
                Some(json!({"expiry_month": "10", "expiry_year": "26"})),
                Some(("payment.card.expiry_month", Expired)),
            ),
            (
                "payment/card",
                Some(json!(true)),
                Some(("payment.card", InvalidType)),
            ),
            ("payment/recurring", Some(json!(1)), None),
            (
                "token",
                Some(json!({"frequency": "monthly"})),
                Some(("token", InvalidValue)),
            ),
        ];
        let ctx = BuildContext {
            saved_card_network: Some(Net::Visa),
            ..browser_ctx()
        };
        run(saved, &ctx, table);

        let r = build(&patch(saved(), "payment/save", Some(json!(0))), &ctx).unwrap();
        assert_eq!(
            r.payment.save,
            Some(1),
            "save is forced to 1 with a saved card"
        );
        // A blank CVV: no `cvv` key, and no `card` at all.
        for cvv in [json!(""), json!("   "), json!(null)] {
            let r = build(
                &patch(saved(), "payment/card", Some(json!({"cvv": cvv}))),
                &ctx,
            )
            .unwrap();
            let text = serde_json::to_string(&r).unwrap();
            assert!(
                !text.contains("cvv") && !text.contains("\"card\":"),
                "{text}"
            );
        }
        let r = build(
            &patch(saved(), "payment/card", Some(json!({"cvv": " 123 "}))),
            &ctx,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&r.payment.card).unwrap(),
            json!({"cvv": "123"})
        );
        // Amex saved card: 4 digits.
        let amex = BuildContext {
            saved_card_network: Some(Net::AmericanExpress),
            ..browser_ctx()
        };
        assert!(build(
            &patch(saved(), "payment/card", Some(json!({"cvv": "1234"}))),
            &amex
        )
        .is_ok());
        // Unknown network (the server): 3 or 4.
        let server = BuildContext {
            saved_card_network: None,
            ..browser_ctx()
        };
        assert!(build(
            &patch(saved(), "payment/card", Some(json!({"cvv": "1234"}))),
            &server
        )
        .is_ok());
        // `token_id` is read as `payment.token`.
        let mut v = saved();
        let t = v["payment"]
            .as_object_mut()
            .unwrap()
            .remove("token")
            .unwrap();
        v["payment"]["token_id"] = t;
        assert_eq!(
            build(&v, &ctx).unwrap().payment.token.as_deref(),
            Some("token_QqsJMAhHRmIPio")
        );
        // RuPay: a one-time payment is fine, a mandate is not.
        let rupay = BuildContext {
            saved_card_network: Some(Net::RuPay),
            ..browser_ctx()
        };
        assert!(build(&saved(), &rupay).is_ok());
        let got = fields(&build(
            &patch(saved(), "payment/recurring", Some(json!(1))),
            &rupay,
        ));
        assert_eq!(
            got,
            vec![("payment.token".to_owned(), ErrorKind::NotSupported)]
        );
    }

    #[test]
    fn every_error_at_once_in_wire_order_with_sources() {
        let v = json!({
            "amount": "ten",
            "currency": "rupees",
            "receipt": "r".repeat(41),
            "notes": "n",
            "token": {"frequency": "daily"},
            "payment": {
                "amount": 5,
                "email": "nobody",
                "contact": "12",
                "method": "netbanking",
                "recurring": 1,
                "save": 3,
                "card": {"number": "4100 2800 0000 1008", "expiry": "13/30", "cvv": "12"},
                "authentication": {"authentication_channel": "app"},
                "callback_url": "data:text/html,x"
            }
        });
        let errors = build(&v, &BuildContext::server(NOW)).unwrap_err();
        let got: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field().unwrap_or(""), e.error_source()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("amount", "business"),
                ("currency", "business"),
                ("receipt", "business"),
                ("notes", "business"),
                ("token.frequency", "business"),
                ("payment.email", "customer"),
                ("payment.contact", "customer"),
                ("payment.method", "business"),
                ("customer_id", "business"),
                ("payment.save", "business"),
                ("payment.card.number", "customer"),
                ("payment.card.expiry", "customer"),
                ("payment.card.cvv", "customer"),
                ("payment.card.name", "customer"),
                ("payment.authentication.authentication_channel", "business"),
                ("payment.browser", "business"),
                ("payment.referer", "business"),
                ("payment.callback_url", "business"),
            ]
        );
        for e in &errors {
            assert_eq!(e.code(), "BAD_REQUEST_ERROR");
            assert_eq!(e.reason(), "input_validation_failed");
            assert!(e.kind().is_validation(), "{e:?}");
        }
    }

    #[test]
    fn wrong_types_everywhere_never_fail_decoding() {
        let hostile = [
            json!({}),
            json!({"amount": [], "currency": {}, "receipt": true, "customer_id": 1.5, "notes": 3, "token": [], "payment": 7}),
            json!({"payment": {"email": {}, "contact": [], "method": null, "notes": [1], "customer_id": false,
                               "recurring": [], "token": {}, "save": "x", "card": [], "authentication": 1,
                               "browser": "b", "referer": 1, "callback_url": []}}),
            json!({"payment": {"card": {"number": {}, "expiry_month": [], "expiry_year": null, "cvv": true, "name": 5}}}),
        ];
        for v in hostile {
            let input: CheckoutInput = serde_json::from_value(v.clone()).unwrap();
            let errors = build_order_request(&input, &BuildContext::server(NOW)).unwrap_err();
            assert!(!errors.is_empty(), "{v}");
            for e in &errors {
                assert!(e.kind().is_validation(), "{v}: {e:?}");
                assert!(e.field().is_some(), "{v}: {e:?}");
            }
        }
        // A top-level value that is not an object or array is the caller's to refuse.
        assert!(serde_json::from_str::<CheckoutInput>("\"x\"").is_err());
    }

    #[test]
    fn random_inputs_never_panic() {
        use crate::checkout::testkit::Rng;
        const KEYS: &[&str] = &[
            "amount",
            "currency",
            "receipt",
            "customer_id",
            "notes",
            "token",
            "payment",
            "max_amount",
            "expire_at",
            "frequency",
            "email",
            "contact",
            "method",
            "recurring",
            "save",
            "card",
            "number",
            "expiry",
            "expiry_month",
            "expiry_year",
            "cvv",
            "name",
            "authentication",
            "authentication_channel",
            "browser",
            "color_depth",
            "timezone_offset",
            "screen_width",
            "screen_height",
            "java_enabled",
            "referer",
            "callback_url",
            "k",
        ];
        const PATHS: &[&str] = &[
            "amount",
            "currency",
            "receipt",
            "customer_id",
            "notes",
            "token",
            "payment/amount",
            "payment/email",
            "payment/contact",
            "payment/method",
            "payment/notes",
            "payment/customer_id",
            "payment/recurring",
            "payment/token",
            "payment/save",
            "payment/card",
            "payment/card/number",
            "payment/card/cvv",
            "payment/card/expiry_year",
            "payment/authentication",
            "payment/browser",
            "payment/referer",
            "payment/callback_url",
        ];
        let mut rng = Rng(0x5eed_1234_abcd_0042);
        let contexts = [
            BuildContext::server(NOW),
            browser_ctx(),
            BuildContext {
                saved_card_network: Some(Net::RuPay),
                ..browser_ctx()
            },
            BuildContext {
                now_ms: f64::NAN,
                ..BuildContext::server(-1.0)
            },
        ];
        let bases: [fn() -> Value; 3] = [new_card, recurring, saved];
        let mut built = 0;
        for _ in 0..5_000 {
            let v = if rng.below(3) == 0 {
                rng.json(KEYS, 4)
            } else {
                let mut v = rng.pick(&bases)();
                for _ in 0..1 + rng.below(3) {
                    let path = *rng.pick(PATHS);
                    let parent_is_object = path.rsplit_once('/').is_none_or(|(p, _)| {
                        v.pointer(&concat(&["/", p])).is_some_and(Value::is_object)
                    });
                    if parent_is_object {
                        let x = rng.json(KEYS, 2);
                        v = patch(v, path, Some(x));
                    }
                }
                v
            };
            let Ok(input) = serde_json::from_value::<CheckoutInput>(v.clone()) else {
                assert!(!v.is_object(), "an object always decodes: {v}");
                continue;
            };
            for ctx in &contexts {
                match build_order_request(&input, ctx) {
                    Ok(r) => {
                        built += 1;
                        let text = serde_json::to_string(&r).unwrap();
                        assert!(!text.contains("\"ip\""), "{text}");
                        assert!(r.amount > 0 && r.amount == r.payment.amount, "{text}");
                    }
                    Err(errors) => {
                        assert!(!errors.is_empty());
                        for e in &errors {
                            assert!(e.kind().is_validation(), "{v}: {e:?}");
                            assert!(e.field().is_some(), "{v}: {e:?}");
                        }
                    }
                }
            }
        }
        assert!(built > 0, "the search reaches valid inputs too");
    }

    /// What the browser posts, the server re-validates to the same request.
    #[test]
    fn browser_request_round_trips_through_the_server() {
        type Case = (fn() -> Value, Option<Net>);
        let cases: [Case; 4] = [
            (new_card, None),
            (recurring, None),
            (saved, Some(Net::Visa)),
            (saved, Some(Net::AmericanExpress)),
        ];
        for (make, network) in cases {
            let mut v = make();
            v["receipt"] = json!("rcptid #1");
            v["notes"] = json!({"key1": "value", "n": 2, "f": 0.5});
            v["payment"]["notes"] = json!({"p": "q"});
            v["payment"]["callback_url"] = json!("https://shop.example/done");
            if network == Some(Net::AmericanExpress) {
                v["payment"]["card"] = json!({"cvv": "1234"});
            }
            let ctx = BuildContext {
                saved_card_network: network,
                ..browser_ctx()
            };
            let sent = build(&v, &ctx).unwrap();
            let wire = serde_json::to_value(&sent).unwrap();
            let again = validate_order_request(&input(&wire), NOW).unwrap();
            assert_eq!(again, sent, "{wire}");
        }
    }

    #[test]
    fn unknown_keys_are_refused_at_every_level_on_their_dotted_path() {
        fn server_input() -> Value {
            let mut v = recurring();
            v["payment"]["browser"] = json!({"java_enabled": false, "javascript_enabled": true, "timezone_offset": -330,
                                             "color_depth": 24, "screen_width": 1440, "screen_height": 900});
            v["payment"]["referer"] = json!("https://shop.example/checkout");
            v["payment"]["authentication"] = json!({"authentication_channel": "browser"});
            v
        }
        // (where the key goes, its dotted path); the value never matters.
        let table: &[(&str, &str)] = &[
            ("surprise", "surprise"),
            ("reciept", "reciept"),
            ("payment_capture", "payment_capture"),
            ("payment/bar", "payment.bar"),
            ("payment/ip_address", "payment.ip_address"),
            ("payment/card/pin", "payment.card.pin"),
            ("payment/card/numbr", "payment.card.numbr"),
            ("payment/browser/plugins", "payment.browser.plugins"),
            (
                "payment/authentication/three_ds",
                "payment.authentication.three_ds",
            ),
            ("token/interval", "token.interval"),
        ];
        let browser = || {
            let mut v = recurring();
            v["payment"]["browser"] = json!({});
            v["payment"]["authentication"] = json!({});
            v
        };
        let contexts: [(fn() -> Value, BuildContext); 2] = [
            (browser, browser_ctx()),
            (server_input, BuildContext::server(NOW)),
        ];
        for (base, ctx) in &contexts {
            assert!(
                build(&base(), ctx).is_ok(),
                "{:?}",
                fields(&build(&base(), ctx))
            );
            for (at, path) in table {
                let v = patch(base(), at, Some(json!({"deep": {"x": "4100280000001007"}})));
                let errors = build(&v, ctx).unwrap_err();
                assert_eq!(
                    fields(&Err(errors.clone())),
                    vec![((*path).to_owned(), ErrorKind::NotSupported)],
                    "{at}"
                );
                let leaf = path.rsplit('.').next().unwrap();
                assert_eq!(
                    errors[0].description(),
                    format!("{leaf} is/are not required and should not be sent")
                );
                assert_eq!(errors[0].error_source(), "business");
                assert!(
                    !format!("{errors:?}").contains("4100"),
                    "only the key, never its value"
                );
            }
        }
        // Every one at once, first, in the order given; then the other errors.
        let mut v = patch(new_card(), "payment/card/pin", Some(json!("1234")));
        v["payment"]["card"]["cvv"] = json!(123);
        v["zzz"] = json!(null);
        assert_eq!(
            fields(&build(&v, &browser_ctx())),
            vec![
                ("payment.card.pin".to_owned(), ErrorKind::NotSupported),
                ("zzz".to_owned(), ErrorKind::NotSupported),
                ("payment.card.cvv".to_owned(), ErrorKind::InvalidType),
            ]
        );
        // A key taken, with any value, is never refused as unknown; the aliases too.
        let objects: [(&str, &[&str]); 6] = [
            ("", CheckoutInput::KEYS),
            ("token/", MandateInput::KEYS),
            ("payment/", PaymentInput::KEYS),
            ("payment/card/", CARD_KEYS),
            ("payment/browser/", BrowserInput::KEYS),
            ("payment/authentication/", AuthenticationInput::KEYS),
        ];
        for (at, keys) in objects {
            for key in keys {
                for value in [json!(null), json!("x"), json!(1), json!({})] {
                    let v = patch(server_input(), &concat(&[at, key]), Some(value.clone()));
                    let errors = build(&v, &BuildContext::server(NOW))
                        .err()
                        .unwrap_or_default();
                    assert!(
                        !errors
                            .iter()
                            .any(|e| e.description().ends_with("should not be sent")),
                        "{at}{key} = {value}: {errors:?}"
                    );
                }
            }
        }
        assert!(
            CARD_KEYS.contains(&"expiry")
                && PaymentInput::KEYS.contains(&"token_id")
                && PaymentInput::KEYS.contains(&"referrer")
        );
    }

    #[test]
    fn a_wrong_recurring_flag_is_reported_once() {
        let v = patch(recurring(), "payment/recurring", Some(json!("yes")));
        assert_eq!(
            fields(&build(&v, &browser_ctx())),
            vec![("payment.recurring".to_owned(), ErrorKind::InvalidType)]
        );
        let v = patch(
            patch(recurring(), "payment/recurring", Some(json!(7))),
            "token",
            None,
        );
        assert_eq!(
            fields(&build(&v, &browser_ctx())),
            vec![("payment.recurring".to_owned(), ErrorKind::InvalidValue)]
        );
    }
}
