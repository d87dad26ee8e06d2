//! TypeScript declarations for the shapes the exports take and return, so
//! that merchants' editors check field names. Kept beside the exports; the
//! consumer type test (tests/pkg/vite-app/src/types.ts, run by
//! tests/pkg/package.test.mjs) fails when they drift. The block between the
//! begin/end markers must need no DOM type: it is also shipped alone as
//! types.d.ts, for the Node entry (node.d.ts).

use wasm_bindgen::prelude::*;

// The card exports' shapes: in both entries (the card entry's card.d.ts).
#[wasm_bindgen(typescript_custom_section)]
const TS_CARD_TYPES: &'static str = r#"
/* razorpay-checkout-wasm types: begin (scripts/merge-template.mjs copies this block to types.d.ts for node.d.ts) */
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
  /**
   * The actions the gateway still offers beside its error (a wrong OTP:
   * `["otp_submit", "otp_resend"]`). Also in `metadata.next_actions`,
   * comma-joined, as earlier versions had it.
   */
  next?: string[];
  /** The HTTP status, when the error came with a response. */
  status?: number;
}

/** What every export throws: a JS `Error` carrying the fields. */
export interface RazorpayCheckoutError extends Error, ErrorFields {
  name: "RazorpayCheckoutError";
}

/** The card fields a validation error can point at (`expiry`: the combined `MM/YY` field). */
export type CardField = "number" | "expiry" | "expiry_month" | "expiry_year" | "cvv" | "name";

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

// The checkout's shapes: the main entry only (merge-template.mjs still
// finds one begin/end block in its .d.ts: the two sections are adjacent).
#[cfg(feature = "checkout")]
#[wasm_bindgen(typescript_custom_section)]
const TS_CHECKOUT_TYPES: &'static str = r#"
/** The composite API's `payment.browser` object, as `collectBrowser()` reads it. */
export interface BrowserObject {
  java_enabled: boolean;
  javascript_enabled: boolean;
  /** Minutes, UTC minus local (India is -330). */
  timezone_offset: number;
  /** One of 1, 4, 8, 15, 16, 24, 32, 48. */
  color_depth: 1 | 4 | 8 | 15 | 16 | 24 | 32 | 48;
  screen_width: number;
  screen_height: number;
}

/** Notes: at most 15 keys, values at most 256 characters. */
export type Notes = Record<string, string | number>;

/** The composite `POST /v1/orders` request as the page hands it over;
 *  `payment.card` is the raw card (validated and normalised before sending),
 *  `browser`, `authentication` and `referer` are filled in, `ip` is added by
 *  the merchant's backend. */
export interface CheckoutRequest {
  /** In currency subunits (paise): a positive integer. */
  amount: number;
  /** Three upper-case letters, e.g. "INR". */
  currency: string;
  /** At most 40 characters. */
  receipt?: string;
  /** `cust_…`: required for a mandate or a saved card. */
  customer_id?: string;
  notes?: Notes;
  /** The mandate, for a recurring registration with a new card. */
  token?: {
    /** 500–100000000 subunits. */
    max_amount?: number;
    /** Unix seconds, in the future. */
    expire_at?: number;
    frequency: "as_presented" | "monthly";
  };
  payment: {
    /** Filled in from `amount` when absent; must equal it. */
    amount?: number;
    email: string;
    contact: string;
    method?: "card";
    notes?: Notes;
    customer_id?: string;
    recurring?: 0 | 1;
    save?: 0 | 1 | boolean;
    /** A saved card: `token_…` (CVV then optional, number absent). */
    token?: string;
    card?: CardInput;
  };
}

/** Where a checkout stands. */
export type CheckoutState =
  | "idle" | "validating" | "posting" | "redirecting" | "awaiting_otp" | "pending" | "paid" | "failed";

/** What `onProgress` receives. */
export interface CheckoutProgress {
  state: CheckoutState;
  payment_id?: string;
  /** Set when `state` is "failed", or beside "awaiting_otp" after a wrong OTP. */
  error?: ErrorFields;
}

export interface CheckoutOptions {
  /** The merchant backend's checkout URL (same origin, or https:; http: only on loopback). */
  endpoint: string;
  /** Where OTP calls go: `${otpEndpoint}/generate|submit|resend` (default `${endpoint}/otp`). */
  otpEndpoint?: string;
  /** Per call to the backend (default 30000). */
  timeoutMs?: number;
  /** Hosts next-action URLs may point to (default api.razorpay.com, api.curlec.com). */
  allowedHosts?: string[];
  /** Allow http: next-action URLs on loopback (a local sandbox). */
  allowLoopbackHttp?: boolean;
  /** Which to follow when the gateway offers both (default "otp"). */
  authentication?: "otp" | "redirect";
  /** Navigate the top window when the checkout runs in an iframe. */
  navigateTopWindow?: boolean;
  /** Extra headers for the backend (a CSRF token, say). */
  headers?: Record<string, string>;
  onProgress?: (event: CheckoutProgress) => void;
  /** Replaces the default navigation (show the bank page in a modal, say). */
  onNavigate?: (url: string, method: "GET" | "POST") => void;
}

export interface PayOptions {
  /** A saved card's network (from its token): sets the CVV length, refuses a RuPay mandate. */
  network?: NetworkName;
}

export interface OtpMetadata {
  issuer: string | null;
  network: string | null;
  last4: string | null;
  iin: string | null;
}

/** How `pay()`, `submitOtp()` and `resendOtp()` end when they do not reject. */
export type CheckoutOutcome =
  | { status: "redirecting"; url: string; payment_id: string | null; order_id: string | null }
  | { status: "awaiting_otp"; payment_id: string | null; metadata: OtpMetadata }
  | { status: "paid"; razorpay_payment_id: string; razorpay_order_id: string | null; razorpay_signature: string | null }
  | { status: "pending"; payment_id: string; order_id: string | null };

/** A rejected `pay()` for invalid input carries every error. */
export interface CheckoutValidationError extends RazorpayCheckoutError {
  errors: ErrorFields[];
}
export type NextActionName = "redirect" | "otp_generate" | "otp_submit" | "otp_resend" | (string & {});

/** A parsed composite order response. */
export interface OrderOutcome {
  order_id: string | null;
  status: string | null;
  amount: number | null;
  payment_id: string | null;
  next: { action: NextActionName; url?: string }[];
}

export interface ParseOptions {
  /** The HTTP status the body came with (default 200). */
  status?: number;
  allowedHosts?: string[];
  allowLoopbackHttp?: boolean;
}

declare global {
  /** `Checkout` declares `[Symbol.dispose]()` (for `using`): this is the
   *  declaration TypeScript's lib.esnext.disposable makes, repeated so that
   *  the types compile with any `lib` setting (ES2020, ES2022, ...). */
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
/* razorpay-checkout-wasm types: end */
"#;
