//! The shop's carts and their prices: the backend, never the page, says
//! what an order costs.
//!
//! A real shop keeps the cart on its server: the shopper picks products, the
//! server prices them, and the checkout charges that price whatever the
//! browser sends. The demo's catalogue is [`CATALOGUE`] (a few products, each
//! with its price and, for a subscription, the mandate's terms).
//! `POST /api/carts` `{ "product": "…" }` puts a product in a new cart and
//! answers the cart (id, product, price, mandate terms); `GET /api/carts/{id}`
//! reads it again (the page keeps the id in its URL across reloads and tabs).
//!
//! The cart id is the order's `receipt` (one payment per cart, see
//! [`crate::receipts`]). [`price`] makes every `/api/checkout` order name a
//! cart of this shop and charge exactly its price: `amount`, `currency` and,
//! for a mandate, `token.max_amount` and `token.frequency` must be the
//! cart's, or the order is refused with a 400 on the field that differs;
//! the order sent to the gateway carries the cart's values.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::body::JsonObject;
use crate::crypto::{is_id, random_id};
use crate::error::ApiError;
use crate::state::AppState;

/// The carts table (in the backend's SQLite database).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS carts (
    id TEXT PRIMARY KEY,
    product TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
";

/// A mandate's terms, set by the shop: the most one debit may take and how
/// often.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MandateTerms {
    /// In currency subunits.
    pub max_amount: u64,
    /// Razorpay's `token.frequency`.
    pub frequency: &'static str,
}

/// A product of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Product {
    /// Its id (`POST /api/carts` `{ "product": id }`).
    pub id: &'static str,
    /// What the shopper reads.
    pub name: &'static str,
    /// The price, in currency subunits.
    pub amount: u64,
    /// ISO 4217 code.
    pub currency: &'static str,
    /// The mandate a shopper may set up with the first payment, if any.
    pub mandate: Option<MandateTerms>,
}

/// The demo shop's catalogue.
pub const CATALOGUE: &[Product] = &[
    Product {
        id: "tea_monthly",
        name: "Assam tea, 100 g (monthly refills available)",
        amount: 100,
        currency: "INR",
        mandate: Some(MandateTerms {
            max_amount: 100_000,
            frequency: "monthly",
        }),
    },
    Product {
        id: "tea_club",
        name: "Tea club: a pack with every delivery, billed as delivered",
        amount: 100,
        currency: "INR",
        mandate: Some(MandateTerms {
            max_amount: 100_000,
            frequency: "as_presented",
        }),
    },
    Product {
        id: "gift_box",
        name: "Tea gift box",
        amount: 49_900,
        currency: "INR",
        mandate: None,
    },
];

/// The catalogue's product with this id.
pub fn product(id: &str) -> Option<&'static Product> {
    CATALOGUE.iter().find(|p| p.id == id)
}

/// A cart as the page reads it.
pub fn cart_json(id: &str, p: &Product) -> Value {
    json!({
        "id": id,
        "product": p.id,
        "name": p.name,
        "amount": p.amount,
        "currency": p.currency,
        "mandate": p.mandate.map(|m| json!({ "max_amount": m.max_amount, "frequency": m.frequency })),
    })
}

/// `POST /api/carts` `{ "product": "tea_monthly" }`: a new cart.
pub async fn create(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    if let Some(key) = body.keys().find(|k| *k != "product") {
        return Err(ApiError::validation(
            Some(key.clone()),
            format!("{key} is/are not required and should not be sent"),
        ));
    }
    let p = match body.get("product") {
        Some(Value::String(s)) => product(s.trim()).ok_or_else(|| {
            ApiError::validation(Some("product".into()), "The product does not exist.")
        })?,
        None | Some(Value::Null) => {
            return Err(ApiError::validation(
                Some("product".into()),
                "The product field is required.",
            ))
        }
        Some(_) => {
            return Err(ApiError::validation(
                Some("product".into()),
                "The product must be a string.",
            ))
        }
    };
    let id = random_id("cart");
    state.store.insert_cart(&id, p.id).await?;
    Ok(Json(cart_json(&id, p)).into_response())
}

/// `GET /api/carts/{id}`: the cart, or a 404.
pub async fn fetch(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    match find(&state, &id).await? {
        Some(p) => Ok(Json(cart_json(&id, p)).into_response()),
        None => {
            let mut e = no_such_cart("id");
            e.status = axum::http::StatusCode::NOT_FOUND;
            Err(e)
        }
    }
}

fn no_such_cart(field: &str) -> ApiError {
    ApiError::validation(Some(field.into()), "The cart does not exist.")
}

/// The product in the cart with this id (`None`: no such cart).
pub async fn find(state: &AppState, id: &str) -> Result<Option<&'static Product>, ApiError> {
    if !is_id(id, "cart") {
        return Ok(None);
    }
    let product_id = state.store.cart_product(id).await?;
    Ok(product_id.and_then(|p| product(&p)))
}

/// Prices a validated order (the checkout crate's output): it must name a
/// cart of this shop as its `receipt` and charge exactly the cart's price;
/// see [`apply`].
///
/// Returns the order's `receipt` as the order carries it (the cart it
/// pays, the key of the one-payment-per-cart rule).
///
/// # Errors
/// 400 on `receipt` (none, or not a cart of this shop), or [`apply`]'s.
pub async fn price(state: &AppState, order: &mut Value) -> Result<String, ApiError> {
    let named = order
        .get("receipt")
        .and_then(Value::as_str)
        .filter(|r| !r.trim().is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            ApiError::validation(
                Some("receipt".into()),
                "The receipt is required: it names the cart to pay (POST /api/carts).",
            )
        })?;
    let p = find(state, named.trim())
        .await?
        .ok_or_else(|| no_such_cart("receipt"))?;
    apply(order, p)?;
    Ok(named)
}

fn differs(field: &str, description: String, cart: Value) -> ApiError {
    ApiError::validation(Some(field.into()), description).with_meta("cart", cart)
}

/// Checks the order against the cart's product and writes the product's
/// values into it: `amount` (and `payment.amount`), `currency`, and for a
/// mandate `token.max_amount` and `token.frequency` (set when the order
/// leaves them out).
///
/// # Errors
/// 400 on `amount`, `currency`, `token` (a mandate on a product without
/// one), `token.max_amount` or `token.frequency` when the order differs.
pub fn apply(order: &mut Value, p: &Product) -> Result<(), ApiError> {
    let Some(o) = order.as_object_mut() else {
        return Err(ApiError::validation(None, "The order request is invalid."));
    };
    if o.get("amount").and_then(Value::as_u64) != Some(p.amount) {
        return Err(differs(
            "amount",
            format!(
                "The amount must be the cart's price, {} (in subunits).",
                p.amount
            ),
            json!(p.amount),
        ));
    }
    if !o
        .get("currency")
        .and_then(Value::as_str)
        .is_some_and(|c| c.eq_ignore_ascii_case(p.currency))
    {
        return Err(differs(
            "currency",
            format!("The currency must be the cart's, {}.", p.currency),
            json!(p.currency),
        ));
    }
    o.insert("currency".into(), json!(p.currency));
    if let Some(pay) = o.get_mut("payment").and_then(Value::as_object_mut) {
        pay.insert("amount".into(), json!(p.amount));
    }
    let Some(token) = o.get_mut("token").filter(|t| !t.is_null()) else {
        return Ok(());
    };
    let Some(terms) = p.mandate else {
        return Err(ApiError::validation(
            Some("token".into()),
            "This cart cannot be paid with a mandate.",
        ));
    };
    let Some(t) = token.as_object_mut() else {
        return Err(ApiError::validation(
            Some("token".into()),
            "The token must be an object.",
        ));
    };
    match t.get("max_amount") {
        None | Some(Value::Null) => {}
        Some(m) if m.as_u64() == Some(terms.max_amount) => {}
        Some(_) => {
            return Err(differs(
                "token.max_amount",
                format!("The max_amount must be the cart's, {}.", terms.max_amount),
                json!(terms.max_amount),
            ))
        }
    }
    match t.get("frequency") {
        None | Some(Value::Null) => {}
        Some(f) if f.as_str() == Some(terms.frequency) => {}
        Some(_) => {
            return Err(differs(
                "token.frequency",
                format!("The frequency must be the cart's, {}.", terms.frequency),
                json!(terms.frequency),
            ))
        }
    }
    t.insert("max_amount".into(), json!(terms.max_amount));
    t.insert("frequency".into(), json!(terms.frequency));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Value {
        json!({ "amount": 100, "currency": "INR", "receipt": "cart_AAAAAAAAAAAAAA",
            "payment": { "amount": 100, "email": "a@example.com" } })
    }

    #[test]
    fn the_cart_sets_the_price() {
        let tea = product("tea_monthly").unwrap();
        let gift = product("gift_box").unwrap();
        let mut o = order();
        apply(&mut o, tea).unwrap();
        assert_eq!(
            (o["amount"].clone(), o["payment"]["amount"].clone()),
            (json!(100), json!(100))
        );
        // (mutation, product, field refused)
        type Edit = fn(&mut Value);
        let cases: [(Edit, &Product, &str); 8] = [
            (|o| o["amount"] = json!(1), tea, "amount"),
            (|o| o["amount"] = json!("100"), tea, "amount"),
            (|_| {}, gift, "amount"),
            (|o| o["currency"] = json!("MYR"), tea, "currency"),
            (
                |o| o["token"] = json!({ "max_amount": 100_000_000, "frequency": "monthly" }),
                tea,
                "token.max_amount",
            ),
            (
                |o| o["token"] = json!({ "max_amount": 100_000, "frequency": "as_presented" }),
                tea,
                "token.frequency",
            ),
            (
                |o| {
                    o["amount"] = json!(49_900);
                    o["token"] = json!({ "frequency": "monthly" })
                },
                gift,
                "token",
            ),
            (|o| o["token"] = json!("monthly"), tea, "token"),
        ];
        for (edit, p, field) in cases {
            let mut o = order();
            edit(&mut o);
            let e = apply(&mut o, p).unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field), "{}", e.description);
            assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST);
        }
        // The cart's mandate terms fill in what the order leaves out.
        let mut o = order();
        o["currency"] = json!("inr");
        o["token"] = json!({ "expire_at": 2_709_971_120_u64 });
        apply(&mut o, tea).unwrap();
        assert_eq!(o["currency"], "INR");
        assert_eq!(
            o["token"],
            json!({ "expire_at": 2_709_971_120_u64, "max_amount": 100_000, "frequency": "monthly" })
        );
    }

    #[test]
    fn the_catalogue_is_sane() {
        for p in CATALOGUE {
            assert!(p.amount > 0 && p.currency.len() == 3, "{p:?}");
            assert_eq!(product(p.id), Some(p));
            if let Some(m) = p.mandate {
                assert!((500..=100_000_000).contains(&m.max_amount) && m.max_amount >= p.amount);
            }
        }
    }
}
