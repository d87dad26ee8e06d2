//! Request validation the way Razorpay's API does it: unknown keys refused,
//! required fields, types, card rules, and Razorpay-style error objects.
//!
//! By what it checks: [`keys`] (which keys may be sent), [`fields`] (one
//! field's type and format), [`card`], [`mandate`], and [`request`] (whole
//! orders and recurring payments, built from the others).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::cards;
use crate::error::ApiError;

pub mod card;
pub mod fields;
pub mod keys;
pub mod mandate;
pub mod request;

pub use card::*;
pub use fields::*;
pub use keys::*;
pub use mandate::*;
pub use request::*;

type Obj = Map<String, Value>;

fn required(field: &str) -> ApiError {
    ApiError::validation(
        Some(field.to_string()),
        format!("The {field} field is required."),
    )
}

fn invalid(field: &str, description: impl Into<String>) -> ApiError {
    ApiError::validation(Some(field.to_string()), description)
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
