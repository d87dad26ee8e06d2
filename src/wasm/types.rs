//! TypeScript declarations for the shapes the exports take and return, so
//! that merchants' editors check field names. Kept beside the exports; the
//! consumer type test (tests/types) fails when they drift.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A card network, named exactly as Razorpay's token entity names it. */
export type NetworkName =
  | "Visa" | "MasterCard" | "American Express" | "Diners Club" | "RuPay"
  | "Maestro" | "JCB" | "Union Pay" | "Bajaj Finserv" | "Discover" | "Unknown";

/** The stable machine word of an error (`kind`). */
export type ErrorKind =
  | "required" | "invalid_type" | "invalid_characters" | "invalid_length"
  | "failed_luhn" | "invalid_month" | "invalid_year" | "invalid_format"
  | "expired" | "too_far_ahead" | "invalid_value" | "too_many" | "not_supported"
  | "payment_in_progress" | "invalid_configuration" | "unsafe_url"
  | "unsupported_action" | "timeout" | "network_error" | "invalid_response"
  | "gateway_error" | "invalid_state";

/** Razorpay's error-object fields, plus `kind`. */
export interface ErrorFields {
  code: string;
  description: string;
  field: string | null;
  source: string;
  step: string;
  reason: string;
  kind: ErrorKind;
  metadata?: Record<string, string>;
  /** The HTTP status, when the error came with a response. */
  status?: number;
}

/** What every export throws: a JS `Error` carrying the fields. */
export interface RazorpayCheckoutError extends Error, ErrorFields {
  name: "RazorpayCheckoutError";
}

/** The card fields a validation error can point at. */
export type CardField = "number" | "expiry_month" | "expiry_year" | "cvv" | "name";

/** One card validation error. */
export interface CardError extends ErrorFields {
  code: "BAD_REQUEST_ERROR";
  reason: "input_validation_failed";
  field: CardField;
}

/** A card as the page's form holds it. */
export interface CardInput {
  number?: string | null;
  /** `1`–`12` or `01`–`12`. */
  expiry_month?: string | number | null;
  /** `YY` or `YYYY`. */
  expiry_year?: string | number | null;
  /** A combined field: `MM/YY`, `MM / YYYY`, `MMYY`, `MM-YY`. */
  expiry?: string | null;
  cvv?: string | null;
  name?: string | null;
}

export interface ValidateOptions {
  /** A saved (tokenised) card: CVV optional, never a dummy value. */
  tokenised?: boolean;
  /** The clock, in ms since the epoch (default: `Date.now()`). */
  now?: number;
  /** A saved card's network (from its token), to know the CVV length. */
  network?: NetworkName;
}

/** The card in the composite API's `payment.card` shape. */
export interface NormalizedCard {
  name?: string;
  /** Digits only. */
  number?: string;
  /** Present only when given. */
  cvv?: string;
  /** `MM`. */
  expiry_month?: string;
  /** `YY`. */
  expiry_year?: string;
}

export interface CardValidation {
  valid: boolean;
  network: NetworkName | null;
  last4: string | null;
  /** Ready for the payload; `null` when invalid. */
  card: NormalizedCard | null;
  errors: CardError[];
}

export type NumberState = "incomplete" | "complete" | "invalid";

export interface NumberInspection {
  /** `null` until the leading digits tell the network. */
  network: NetworkName | null;
  state: NumberState;
  /** Digits grouped for display: `4100 2800 0000 1007`, Amex `3402 560004 01007`. */
  formatted: string;
  lengths: number[];
  cvv_length: 3 | 4 | null;
}

export interface ExpiryFields {
  /** `MM` */
  expiry_month: string;
  /** `YY` */
  expiry_year: string;
}
"#;
