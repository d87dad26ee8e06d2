//! The merchant's operator routes (today `POST /api/recurring`): started
//! from the merchant's own server (the `razorpay-demo debit` command, a
//! cron job), never from a shopper's page. A request must carry
//! `Authorization: Bearer <OPERATOR_SECRET>`; a session cookie counts for
//! nothing here. Without a configured secret every request is refused.

use axum::http::{header, HeaderMap, StatusCode};

use crate::error::{ApiError, BAD_REQUEST};

fn refused(status: StatusCode, description: &str) -> ApiError {
    ApiError::new(
        status,
        BAD_REQUEST,
        description,
        "business",
        "payment_initiation",
        "operator_authentication_failed",
    )
    .with_field("Authorization")
}

/// Ok when `headers` carry the operator secret as a bearer token.
pub fn require(secret: Option<&str>, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(secret) = secret else {
        return Err(refused(
            StatusCode::FORBIDDEN,
            "Operator routes are disabled: the server has no OPERATOR_SECRET.",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(g) if crate::perimeter::constant_time_eq(g, secret) => Ok(()),
        Some(_) => Err(refused(
            StatusCode::UNAUTHORIZED,
            "The operator secret is wrong.",
        )),
        None => Err(refused(
            StatusCode::UNAUTHORIZED,
            "This route is for the merchant's server: send Authorization: Bearer <OPERATOR_SECRET>.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_bearer_secret_opens_the_operator_routes() {
        let secret = "operator-secret-0123456789";
        let mut h = HeaderMap::new();
        assert_eq!(require(Some(secret), &h).unwrap_err().status, 401);
        h.insert(
            header::COOKIE,
            "rzp_demo_session=cust_x.00".parse().unwrap(),
        );
        assert_eq!(require(Some(secret), &h).unwrap_err().status, 401);
        h.insert(
            header::AUTHORIZATION,
            "Bearer wrong-secret-0123456789".parse().unwrap(),
        );
        assert_eq!(require(Some(secret), &h).unwrap_err().status, 401);
        h.insert(
            header::AUTHORIZATION,
            format!("Bearer {secret}").parse().unwrap(),
        );
        assert!(require(Some(secret), &h).is_ok());
        assert_eq!(require(None, &h).unwrap_err().status, 403);
    }
}
