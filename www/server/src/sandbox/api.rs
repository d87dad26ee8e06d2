//! The sandbox's JSON API handlers (Basic auth checked by the router layer).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::payments::{self, Answer, Ctx};
use super::validate::{self, no_extra_keys};
use super::{db, entities, year_month, Account, Sandbox};
use crate::body::JsonObject;
use crate::db::now_secs;
use crate::error::ApiError;

type ApiResult = Result<Response, ApiError>;

fn no_such_id(field: &str) -> ApiError {
    ApiError::validation(Some(field.to_string()), "The id provided does not exist")
}

impl Sandbox {
    /// The facts a payment transition needs.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            key_secret: &self.key_secret,
            key_id: &self.key_id,
            base_url: &self.base_url,
            late_auth_ms: self.late_auth_ms,
        }
    }

    /// Runs a transition on the database, then sends its webhooks.
    pub(super) async fn transition<F>(&self, f: F) -> Result<Answer, ApiError>
    where
        F: FnOnce(&mut rusqlite::Connection, &Ctx) -> Result<Answer, ApiError> + Send + 'static,
    {
        let me = self.clone();
        let answer = self.db.call(move |conn| f(conn, &me.ctx())).await?;
        self.webhooks.send(answer.events.clone());
        Ok(answer)
    }
}

fn answer(a: Answer) -> ApiResult {
    match a.body {
        Ok(v) => Ok(Json(v).into_response()),
        Err(e) => Err(e),
    }
}

/// `POST /v1/customers`.
pub async fn create_customer(State(sb): State<Sandbox>, JsonObject(body): JsonObject) -> ApiResult {
    no_extra_keys(
        &body,
        &[
            "name",
            "email",
            "contact",
            "fail_existing",
            "notes",
            "gstin",
        ],
    )?;
    let name = validate::req_text(&body, "name")?;
    if name.chars().count() > 50 {
        return Err(ApiError::validation(
            Some("name".into()),
            "The name may not be greater than 50 characters.",
        ));
    }
    let email = validate::email(&body)?;
    let contact = validate::contact(&body)?;
    let notes = validate::notes(&body, "notes")?;
    let gstin = validate::text(&body, "gstin")?;
    let fail_existing = match validate::text(&body, "fail_existing")?.as_deref() {
        None | Some("1") | Some("true") => true,
        Some("0") | Some("false") => false,
        Some(_) => {
            return Err(ApiError::validation(
                Some("fail_existing".into()),
                "The selected fail existing is invalid.",
            ))
        }
    };
    let customer = sb
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            if let Some(existing) = db::customer_by_identity(&tx, &name, &email, &contact)? {
                if fail_existing {
                    return Err(ApiError::validation(
                        None,
                        "Customer already exists for the merchant",
                    ));
                }
                return Ok(existing);
            }
            let c = entities::customer(&name, &email, &contact, gstin, &notes, now_secs());
            db::insert_customer(&tx, &c)?;
            tx.commit()?;
            Ok(c)
        })
        .await?;
    Ok(Json(customer).into_response())
}

/// `GET /v1/customers/{id}`.
pub async fn fetch_customer(State(sb): State<Sandbox>, Path(id): Path<String>) -> ApiResult {
    let c = sb
        .db
        .call(move |conn| db::customer(conn, &id)?.ok_or_else(|| no_such_id("id")))
        .await?;
    Ok(Json(c).into_response())
}

/// `GET /v1/customers/{id}/tokens`: active tokens only.
pub async fn list_tokens(State(sb): State<Sandbox>, Path(id): Path<String>) -> ApiResult {
    let items = sb
        .db
        .call(move |conn| {
            db::customer(conn, &id)?.ok_or_else(|| no_such_id("id"))?;
            let now = now_secs();
            Ok(db::customer_tokens(conn, &id)?
                .into_iter()
                .filter(|t| entities::token_is_listed(t, now))
                .collect())
        })
        .await?;
    Ok(Json(entities::collection(items)).into_response())
}

/// `GET /v1/customers/{customer_id}/tokens/{token_id}`.
pub async fn fetch_token(
    State(sb): State<Sandbox>,
    Path((customer_id, token_id)): Path<(String, String)>,
) -> ApiResult {
    let t = sb
        .db
        .call(move |conn| match db::token(conn, &token_id)? {
            Some((t, false))
                if t.get("customer_id").and_then(Value::as_str) == Some(customer_id.as_str()) =>
            {
                Ok(t)
            }
            _ => Err(no_such_id("token_id")),
        })
        .await?;
    Ok(Json(t).into_response())
}

/// `DELETE /v1/customers/{customer_id}/tokens/{token_id}`.
pub async fn delete_token(
    State(sb): State<Sandbox>,
    Path((customer_id, token_id)): Path<(String, String)>,
) -> ApiResult {
    sb.db
        .call(move |conn| match db::token(conn, &token_id)? {
            Some((t, false))
                if t.get("customer_id").and_then(Value::as_str) == Some(customer_id.as_str()) =>
            {
                db::delete_token(conn, &token_id)
            }
            _ => Err(no_such_id("token_id")),
        })
        .await?;
    Ok(Json(json!({ "deleted": true })).into_response())
}

/// `POST /v1/orders` (plain or composite).
pub async fn create_order(
    State(sb): State<Sandbox>,
    Extension(Account(account)): Extension<Account>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let now = now_secs();
    let req = validate::order(&body, year_month(now), now)?;
    let a = sb
        .transition(move |conn, ctx| payments::create_order(conn, ctx, req, account))
        .await?;
    answer(a)
}

/// `GET /v1/orders/{id}`.
pub async fn fetch_order(State(sb): State<Sandbox>, Path(id): Path<String>) -> ApiResult {
    let o = sb
        .db
        .call(move |conn| {
            db::order(conn, &id)?
                .map(|(o, _)| o)
                .ok_or_else(|| no_such_id("id"))
        })
        .await?;
    Ok(Json(o).into_response())
}

/// `count` (1–100, default 10) and `skip` (default 0) of a list request,
/// checked as Razorpay does.
fn page(q: &HashMap<String, String>, allowed: &[&str]) -> Result<(i64, i64), ApiError> {
    if let Some(extra) = q.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ApiError::validation(
            Some(extra.clone()),
            format!("{extra} is/are not required and should not be sent"),
        ));
    }
    let number = |key: &str, default: i64, range: std::ops::RangeInclusive<i64>| match q.get(key) {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                ApiError::validation(
                    Some(key.to_string()),
                    format!(
                        "The {key} must be between {} and {}.",
                        range.start(),
                        range.end()
                    ),
                )
            }),
    };
    Ok((
        number("count", 10, 1..=100)?,
        number("skip", 0, 0..=i64::from(u32::MAX))?,
    ))
}

/// `GET /v1/orders?count&skip&receipt`: orders, newest first.
pub async fn list_orders(
    State(sb): State<Sandbox>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let (count, skip) = page(&q, &["count", "skip", "receipt"])?;
    let items = sb
        .db
        .call(move |conn| {
            let filter = q.get("receipt").map(|r| ("receipt", r.as_str()));
            db::list(conn, db::Listable::Orders, filter, count, skip)
        })
        .await?;
    Ok(Json(entities::collection(items)).into_response())
}

/// `GET /v1/orders/{id}/payments`: the order's payments, newest first.
pub async fn list_order_payments(State(sb): State<Sandbox>, Path(id): Path<String>) -> ApiResult {
    let items = sb
        .db
        .call(move |conn| {
            db::order(conn, &id)?.ok_or_else(|| no_such_id("id"))?;
            db::list(
                conn,
                db::Listable::Payments,
                Some(("order_id", id.as_str())),
                100,
                0,
            )
        })
        .await?;
    Ok(Json(entities::collection(items)).into_response())
}

/// `GET /v1/payments?count&skip`: payments, newest first.
pub async fn list_payments(
    State(sb): State<Sandbox>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let (count, skip) = page(&q, &["count", "skip"])?;
    let items = sb
        .db
        .call(move |conn| db::list(conn, db::Listable::Payments, None, count, skip))
        .await?;
    Ok(Json(entities::collection(items)).into_response())
}

/// `GET /v1/payments/{id}`.
pub async fn fetch_payment(State(sb): State<Sandbox>, Path(id): Path<String>) -> ApiResult {
    let p = sb
        .db
        .call(move |conn| {
            db::payment(conn, &id)?
                .map(|(p, _)| p)
                .ok_or_else(|| no_such_id("id"))
        })
        .await?;
    Ok(Json(p).into_response())
}

/// `POST /v1/payments/{id}/otp_generate?track_id=…&key_id=…`.
pub async fn otp_generate(
    State(sb): State<Sandbox>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    if q.get("key_id").is_some_and(|k| *k != sb.key_id) {
        return Err(ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            crate::error::BAD_REQUEST,
            "The api key provided is invalid",
            "NA",
            "NA",
            "NA",
        ));
    }
    let me = sb.clone();
    let v = sb
        .db
        .call(move |conn| {
            payments::otp_send(
                conn,
                &me.ctx(),
                &id,
                q.get("track_id").map(String::as_str),
                false,
            )
        })
        .await?;
    Ok(Json(v).into_response())
}

/// `POST /v1/payments/{id}/otp/resend`.
pub async fn otp_resend(State(sb): State<Sandbox>, Path(id): Path<String>) -> ApiResult {
    let me = sb.clone();
    let v = sb
        .db
        .call(move |conn| payments::otp_send(conn, &me.ctx(), &id, None, true))
        .await?;
    Ok(Json(v).into_response())
}

/// `POST /v1/payments/{id}/otp/submit` `{ "otp": "…" }`.
pub async fn otp_submit(
    State(sb): State<Sandbox>,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    no_extra_keys(&body, &["otp"])?;
    let otp = validate::req_text(&body, "otp")?;
    let a = sb
        .transition(move |conn, ctx| payments::otp_submit(conn, ctx, &id, &otp))
        .await?;
    answer(a)
}

/// `POST /v1/payments/create/recurring`.
pub async fn create_recurring(
    State(sb): State<Sandbox>,
    Extension(Account(account)): Extension<Account>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let req = validate::recurring(&body)?;
    let a = sb
        .transition(move |conn, ctx| payments::recurring(conn, ctx, req, account))
        .await?;
    answer(a)
}
