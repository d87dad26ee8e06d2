//! Razorpay-style error answers, shared by the backend and the sandbox:
//! `{ "error": { "code", "description", "field", "source", "step", "reason", "metadata" } }`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// `code` for errors caused by the request.
pub const BAD_REQUEST: &str = "BAD_REQUEST_ERROR";
/// `code` for failures on the gateway's (or backend's) side.
pub const SERVER_ERROR: &str = "SERVER_ERROR";
/// `code` when an upstream gateway could not be reached or answered nonsense.
pub const GATEWAY_ERROR: &str = "GATEWAY_ERROR";

/// An error answer with Razorpay's error-object fields and an HTTP status
/// (boxed, so `Result<_, ApiError>` stays small; fields via `Deref`).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError(pub Box<ErrorBody>);

impl std::ops::Deref for ApiError {
    type Target = ErrorBody;
    fn deref(&self) -> &ErrorBody {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut ErrorBody {
        &mut self.0
    }
}

/// The fields of an [`ApiError`].
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorBody {
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// `BAD_REQUEST_ERROR`, `SERVER_ERROR`, `GATEWAY_ERROR`.
    pub code: String,
    /// Human-readable description.
    pub description: String,
    /// The offending field, if any.
    pub field: Option<String>,
    /// Who caused it: `customer`, `business`, `bank`, `gateway`, `internal`.
    pub source: String,
    /// Payment step: `payment_initiation`, `payment_authentication`, ...
    pub step: String,
    /// Machine reason: `input_validation_failed`, `incorrect_otp`, ...
    pub reason: String,
    /// Extra context (payment_id, order_id, ...).
    pub metadata: Map<String, Value>,
    /// Extra top-level members next to `error` (the OTP answer's `next`).
    pub extra: Map<String, Value>,
}

impl ApiError {
    /// A `400 BAD_REQUEST_ERROR` from input validation (`source: business`).
    pub fn validation(
        field: impl Into<Option<String>>,
        description: impl Into<String>,
    ) -> ApiError {
        ApiError(Box::new(ErrorBody {
            status: StatusCode::BAD_REQUEST,
            code: BAD_REQUEST.into(),
            description: description.into(),
            field: field.into(),
            source: "business".into(),
            step: "payment_initiation".into(),
            reason: "input_validation_failed".into(),
            metadata: Map::new(),
            extra: Map::new(),
        }))
    }

    /// Any error; the caller sets every field.
    pub fn new(
        status: StatusCode,
        code: &str,
        description: impl Into<String>,
        source: &str,
        step: &str,
        reason: &str,
    ) -> ApiError {
        ApiError(Box::new(ErrorBody {
            status,
            code: code.into(),
            description: description.into(),
            field: None,
            source: source.into(),
            step: step.into(),
            reason: reason.into(),
            metadata: Map::new(),
            extra: Map::new(),
        }))
    }

    /// Sets `field`.
    pub fn with_field(mut self, field: &str) -> ApiError {
        self.field = Some(field.into());
        self
    }

    /// Adds a `metadata` entry.
    pub fn with_meta(mut self, key: &str, value: impl Into<Value>) -> ApiError {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Adds a top-level member beside `error`.
    pub fn with_extra(mut self, key: &str, value: Value) -> ApiError {
        self.extra.insert(key.into(), value);
        self
    }

    /// The `{ "error": {...} }` body.
    pub fn body(&self) -> Value {
        let mut top = Map::new();
        top.insert(
            "error".into(),
            json!({
                "code": self.code,
                "description": self.description,
                "field": self.field,
                "source": self.source,
                "step": self.step,
                "reason": self.reason,
                "metadata": Value::Object(self.metadata.clone()),
            }),
        );
        for (k, v) in &self.extra {
            top.insert(k.clone(), v.clone());
        }
        Value::Object(top)
    }

    /// 404 for an unknown id (Razorpay: "The id provided does not exist").
    pub fn not_found(description: &str) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            BAD_REQUEST,
            description,
            "business",
            "payment_initiation",
            "input_validation_failed",
        )
    }

    /// 413 for a request body over the limit.
    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            BAD_REQUEST,
            format!("The request body must not be larger than {limit} bytes"),
            "business",
            "payment_initiation",
            "request_too_large",
        )
    }

    /// 502: the gateway could not be reached or answered something that is not JSON.
    pub fn gateway_unreachable(description: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            GATEWAY_ERROR,
            description,
            "gateway",
            "payment_initiation",
            "gateway_unreachable",
        )
    }

    /// 500 for a failure inside this server (database, ...). The detail is logged, not sent.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        eprintln!("internal error: {detail}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            SERVER_ERROR,
            "The server encountered an error. Please try again.",
            "internal",
            "payment_initiation",
            "server_error",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::internal(format!("database: {e}"))
    }
}
