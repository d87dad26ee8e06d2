//! Customers, saved cards (tokens) and payments, proxied to the gateway.
//! Path ids are checked (`cust_`/`token_`/`pay_` + 14 alphanumerics) before
//! they are put into a gateway URL.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method};
use axum::response::Response;
use serde_json::{json, Value};

use super::gateway_response;
use crate::body::JsonObject;
use crate::crypto::is_id;
use crate::error::ApiError;
use crate::session;
use crate::state::AppState;

fn check_id(value: &str, prefix: &str, field: &str) -> Result<(), ApiError> {
    if is_id(value, prefix) {
        Ok(())
    } else {
        Err(ApiError::validation(
            Some(field.into()),
            format!("The {field} is invalid."),
        ))
    }
}

/// `POST /api/customers` `{ name, email, contact }` → `POST /v1/customers` with `fail_existing: "0"`.
pub async fn create_customer(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let mut customer = serde_json::Map::new();
    for key in ["name", "email", "contact"] {
        match body.get(key) {
            Some(Value::String(s)) => {
                customer.insert(key.into(), json!(s.trim()));
            }
            Some(Value::Number(n)) if key == "contact" => {
                customer.insert(key.into(), json!(n.to_string()));
            }
            None | Some(Value::Null) => {}
            Some(_) => {
                return Err(ApiError::validation(
                    Some(key.into()),
                    format!("The {key} must be a string."),
                ))
            }
        }
    }
    customer.insert("fail_existing".into(), json!("0"));
    let answer = state
        .gateway
        .call(
            Method::POST,
            "/v1/customers",
            Some(&Value::Object(customer)),
        )
        .await?;
    // Signed in as this customer from now on (see [`session`]).
    let id = answer
        .body
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut response = gateway_response(answer);
    if let Some(cookie) = id
        .filter(|id| response.status().is_success() && is_id(id, "cust"))
        .and_then(|id| {
            session::set_cookie(
                &state.session_secret,
                state.public_url.starts_with("https:"),
                &id,
            )
        })
    {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// `GET /api/customers/{id}/tokens` → `GET /v1/customers/{id}/tokens`.
pub async fn list_tokens(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    check_id(&id, "cust", "customer_id")?;
    session::require(&state.session_secret, &headers, &id)?;
    let answer = state
        .gateway
        .call(Method::GET, &format!("/v1/customers/{id}/tokens"), None)
        .await?;
    Ok(gateway_response(answer))
}

/// `DELETE /api/customers/{customer_id}/tokens/{token_id}` → the gateway's DELETE.
pub async fn delete_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((customer_id, token_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    check_id(&customer_id, "cust", "customer_id")?;
    check_id(&token_id, "token", "token_id")?;
    session::require(&state.session_secret, &headers, &customer_id)?;
    let answer = state
        .gateway
        .call(
            Method::DELETE,
            &format!("/v1/customers/{customer_id}/tokens/{token_id}"),
            None,
        )
        .await?;
    Ok(gateway_response(answer))
}

/// `GET /api/payments/{id}` → `GET /v1/payments/{id}` (to read `token_id`).
/// A customer's payment is shown only to that customer's session; a guest
/// payment (no `customer_id`) to whoever holds its unguessable id.
pub async fn fetch_payment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    check_id(&id, "pay", "payment_id")?;
    let answer = state
        .gateway
        .call(Method::GET, &format!("/v1/payments/{id}"), None)
        .await?;
    if let Some(customer_id) = answer.body.get("customer_id").and_then(Value::as_str) {
        session::require(&state.session_secret, &headers, customer_id)?;
    }
    Ok(gateway_response(answer))
}
