/**
 * razorpay-checkout-wasm/server: the merchant's side of the checkout, for
 * Node backends (`import { prepareOrder } from 'razorpay-checkout-wasm/server'`).
 * The same checkout core as the browser and the Rust demo backend, loaded
 * synchronously on first call (no `init()`). Every function is pure: it
 * decides, you store and send. docs/backend-contract.md is the contract.
 * Nothing here needs the DOM lib.
 */

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Razorpay's error object: what the page reads from `body.error`. */
export interface ErrorObject {
  /** `BAD_REQUEST_ERROR`, `SERVER_ERROR`, `GATEWAY_ERROR`. */
  code: string;
  /** What the page shows (its messages map it to the shopper's language). */
  description: string;
  /** The input it is about: `payment.email`, `payment.card.number`, `otp`, `url`, `Idempotency-Key`, … */
  field: string | null;
  /** `business`, `customer`, `bank`, `gateway`. */
  source: string;
  /** `payment_initiation`, `payment_authentication`, `webhook`, … */
  step: string;
  /** `input_validation_failed`, `customer_not_signed_in`, `unsafe_next_action_url`, `invalid_signature`, … */
  reason: string;
  /** `errors` (every validation error, each with its `kind`), `cart` (the price that differs), … */
  metadata: JsonObject;
}

/** The body of every error answer: `{ error: { … } }`. */
export interface ErrorBody {
  error: ErrorObject;
}

/** An error answer: send `res.status(a.status).json(a.body)`. */
export interface ErrorAnswer {
  ok: false;
  status: number;
  body: ErrorBody;
}

/** What `errorAnswer` takes; the rest defaults by status (400s: `BAD_REQUEST_ERROR`, `input_validation_failed`). */
export interface ErrorFields {
  description: string;
  code?: string;
  field?: string | null;
  source?: string;
  step?: string;
  reason?: string;
  metadata?: JsonObject;
}

/** A request body: the raw bytes (best), the text, or the parsed JSON. */
export type RequestBody = string | Uint8Array | ArrayBuffer | JsonValue;

/** The merchant's price of a cart: the order must charge exactly this. */
export interface Price {
  /** In currency subunits (paise). */
  amount: number;
  /** ISO 4217 (`INR`, `MYR`). */
  currency: string;
  /** The mandate the shopper may set up with this payment, if any. */
  mandate?: { max_amount: number; frequency: "as_presented" | "monthly" | "weekly" | "daily" | "yearly" | (string & {}) } | null;
}

/** What only your server knows about a checkout. */
export interface PrepareOptions {
  /** The shopper's IP (`req.socket.remoteAddress`, or your trusted proxy's header). */
  ip: string;
  /** Your `POST /checkout/callback`, absolute. */
  callbackUrl: string;
  /** The signed-in customer of the shopper's session (never from the body); absent for a guest. */
  customerId?: string | null;
  /** The cart's price, or a look-up by the order's `receipt` (`null`: no such cart). */
  price?: Price | null | ((receipt: string) => Price | null | undefined);
  /** The clock, ms since the epoch (default `Date.now()`). */
  now?: number;
}

/** A card as the gateway takes it. */
export interface GatewayCard {
  number?: string;
  name?: string;
  expiry_month?: string;
  expiry_year?: string;
  cvv?: string;
}

/** The body of the gateway's `POST /v1/orders` (the composite order). */
export interface GatewayOrder {
  amount: number;
  currency: string;
  receipt?: string;
  customer_id?: string;
  notes?: { [key: string]: string | number };
  token?: { max_amount?: number; expire_at?: number; frequency: "as_presented" | "monthly" };
  payment: {
    amount: number;
    email: string;
    contact: string;
    method: "card";
    notes?: { [key: string]: string | number };
    customer_id?: string;
    recurring?: 0 | 1;
    token?: string;
    save?: 0 | 1;
    card?: GatewayCard;
    authentication: { authentication_channel: "browser" };
    browser: {
      java_enabled: boolean;
      javascript_enabled: boolean;
      timezone_offset: number;
      color_depth: number;
      screen_width: number;
      screen_height: number;
    };
    referer: string;
    callback_url: string;
    ip: string;
  };
}

/** The order to send, or the answer to give the page. */
export type Prepared = { ok: true; order: GatewayOrder } | ErrorAnswer;

/**
 * Checks the page's `POST /api/checkout` body with the checkout core's
 * validator (the browser's rules), adds `payment.ip` and
 * `payment.callback_url`, puts the session's customer in both places (401/403
 * when the order names another), and holds it to your price (400 on the
 * field that differs). Send `order` to `POST /v1/orders`.
 */
export declare function prepareOrder(body: RequestBody, options: PrepareOptions): Prepared;
/** Holds an order `prepareOrder` built to a price you looked up yourself (`null`: no such cart). */
export declare function applyPrice(order: GatewayOrder, price: Price | null): Prepared;
/**
 * What to store beside an order's `Idempotency-Key` and `receipt` to tell a
 * retry of the same order from another: hex SHA-256 of the order without
 * `ip`, `callback_url` and the CVV, with only the card's last 4 digits (never
 * a hash of the full card data, which could be brute-forced).
 */
export declare function orderFingerprint(order: GatewayOrder): string;
/** The body's `receipt` (your cart id), or `null`. */
export declare function receiptOf(body: RequestBody): string | null;

/** The `Idempotency-Key` header checked: 1–64 of `A-Z a-z 0-9 _ -`. */
export declare function idempotencyKey(value: string | string[] | undefined | null): { ok: true; key: string } | ErrorAnswer;

/** The gateway call an OTP relay request stands for. */
export interface OtpRelay {
  method: "POST";
  /** The gateway's next-action URL, checked: your gateway's origin and exactly this action's path. */
  url: string;
  /** The payment it acts on: answer 404 unless this shopper's checkout started it. */
  paymentId: string;
  /** `{ otp }` for submit; `null` (no body) for generate and resend. */
  body: { otp: string } | null;
}

/**
 * Checks the page's `POST /api/checkout/otp/{generate,submit,resend}` body
 * (`{ url, otp? }`) and maps it to its gateway call; `gatewayUrl` is your
 * gateway's base (`https://api.razorpay.com`; `http:` only on loopback).
 */
export declare function otpRelay(
  action: "generate" | "submit" | "resend",
  body: RequestBody,
  options: { gatewayUrl: string },
): { ok: true; relay: OtpRelay } | ErrorAnswer;

/** What the OTP-submit answer and the callback carry, and `POST /api/verify` receives. */
export interface PaymentSignatureFields {
  /** The order id **you stored** for this checkout. */
  razorpay_order_id: string;
  razorpay_payment_id: string;
  razorpay_signature: string;
}

/** HMAC-SHA256 of `order_id|payment_id` with your key secret, compared in constant time. */
export declare function verifyPaymentSignature(fields: PaymentSignatureFields, keySecret: string): boolean;

/**
 * A webhook secret; during a rotation the old one with the instant it stops
 * being accepted (`until`: a Date, Unix seconds, or text: digits or an ISO
 * instant). An `until` that cannot be read has already passed.
 */
export type WebhookSecret = string | { secret: string; until?: number | Date | string | null };

/** A verified webhook. */
export interface Webhook {
  /** `payment.captured`, `order.paid`, `payment.failed`, … */
  event: string;
  /** `X-Razorpay-Event-Id` (the same on every redelivery): de-duplicate on it. */
  eventId: string | null;
  /** SHA-256 of the signed `event|entity id|created_at`: the same for a replay under a made-up id. */
  dedupeKey: string;
  /** `payload.<contains[0]>.entity.id`. */
  entityId: string | null;
  /** The signed `created_at` (Unix seconds). */
  createdAt: number;
  /** Which of `secrets` matched (0: the first). */
  secretIndex: number;
  /** One of the events a backend records (`order.paid`, `payment.captured`, `payment.authorized`, `token.confirmed`, `token.rejected`); others are answered `{ status: "ignored" }`. */
  recorded: boolean;
  /** The event as sent. */
  payload: JsonObject;
}

/**
 * Verifies `X-Razorpay-Signature` over the **raw** body (a Buffer from
 * `express.raw()`, never re-serialised JSON) against each secret still valid,
 * and the event's signed `created_at` (at most 48 h old). 400 otherwise.
 */
export declare function verifyWebhook(
  rawBody: string | Uint8Array,
  signature: string | string[] | undefined | null,
  secrets: WebhookSecret | readonly WebhookSecret[],
  options?: { eventId?: string | string[] | null; now?: number },
): { ok: true; webhook: Webhook } | ErrorAnswer;

/** What the callback form says. */
export interface CallbackResult {
  paymentId: string | null;
  orderId: string | null;
  /** The signature verified (against `options.orderId` when given). */
  signatureValid: boolean;
  /** The form's error, when it carries one (not final: ask the gateway). */
  error: { code: string | null; description: string | null; source: string | null; step: string | null; reason: string | null } | null;
}

/** Reads `POST /checkout/callback`'s form (the raw text, `URLSearchParams`, or flat fields) and verifies its signature. */
export declare function readCallback(
  form: string | Uint8Array | URLSearchParams | { [name: string]: string | undefined },
  keySecret: string,
  options?: { orderId?: string },
): CallbackResult;

/** The body of `GET /api/checkout/result`, what the result page reads. */
export interface PaymentVerdict {
  verdict: "paid" | "failed" | "pending";
  payment_id: string;
  order_id: string;
  status: string;
  signature_verified: boolean;
  fulfilled: boolean;
  error?: { code: JsonValue; description: JsonValue; source: JsonValue; step: JsonValue; reason: JsonValue };
}

/** The verdict on the gateway's payment: `paid` only when verified (or fulfilled) and authorized/captured for that order. */
export declare function paymentVerdict(
  payment: JsonObject,
  options: { orderId?: string | null; signatureVerified: boolean; fulfilled?: boolean },
): PaymentVerdict;

/** What to claim, once, when an order is paid in full. */
export interface Fulfilment {
  order_id: string;
  payment_id: string;
  receipt: string | null;
  amount: number;
  currency: string | null;
}

/** The claim when the gateway's `order` is `paid` in full and `payment` is `captured` for it, else `null`. */
export declare function fulfilment(order: JsonObject, payment: JsonObject): Fulfilment | null;

/** An error answer in the shape the page reads. */
export declare function errorAnswer(status: number, fields: ErrorFields): ErrorAnswer;

/** What is stored for an earlier attempt under its `Idempotency-Key` or `receipt`. */
export interface Attempt {
  /** The checkout session that made it. */
  owner: string;
  /** `orderFingerprint` of its order. */
  print: string;
  /** No answer yet: in flight, or lost. */
  pending: boolean;
  /** Pending with its answer lost (or pending longer than an answer can take): ask the gateway (`reconcile`). */
  unknown?: boolean;
  /** When it was claimed (ms since the epoch). */
  since?: number;
  /** The gateway's HTTP status and body, once answered. */
  status?: number;
  body?: JsonValue;
  /** The payment and order it started. */
  paymentId?: string | null;
  orderId?: string | null;
}

/** What to do with an attempt (see docs/backend-contract.md, "De-duplication"). */
export type Admission =
  | { ok: true; action: "send" | "replay_key" | "replay_receipt" | "reconcile" }
  | { ok: true; action: "check"; paymentId: string }
  | ErrorAnswer;

/**
 * Whether an attempt may move money: from what you stored for its key and its
 * receipt. On `check`, fetch that payment's status and ask again with it.
 */
export declare function admitAttempt(input: {
  byKey?: Attempt | null;
  byReceipt?: Attempt | null;
  print: string;
  owner: string;
  paymentStatus?: string;
}): Admission;

/**
 * After a lost answer (`reconcile`): what the gateway has for the receipt —
 * `GET /v1/orders?receipt=…`'s items, each with `payments`, its
 * `GET /v1/orders/{id}/payments` items. `send` when no payment is live; 409
 * when one is paid or still open; 502 on any doubt.
 */
export declare function reconcileAttempt(
  orders: readonly { id: string; receipt: string; payments: readonly { id: string; status: string }[] }[],
  receipt: string,
): { ok: true; action: "send" } | ErrorAnswer;

/** The payment and order an order answer (or its error's metadata) names. */
export declare function idsOf(body: JsonValue): { paymentId: string | null; orderId: string | null };

/** A gateway answer: status and JSON body (`unknown` when the answer was lost). */
export interface GatewayAnswer {
  ok: boolean;
  status: number;
  body: JsonValue & object;
  unknown?: boolean;
}

/** `(method, path or absolute URL, body?) → answer`, with your key. */
export interface GatewayClient {
  (method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", pathOrUrl: string, body?: JsonValue): Promise<GatewayAnswer>;
  readonly baseUrl: string;
  readonly timeoutMs: number;
}

export declare function gatewayClient(options: {
  /** Default `https://api.razorpay.com`. */
  baseUrl?: string;
  keyId: string;
  keySecret: string;
  /** Partner Auth: sent as `X-Razorpay-Account`. */
  accountId?: string;
  /** Default 30000. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}): GatewayClient;

/**
 * Where the backend keeps its rows (tables `key`, `receipt`, `payment`, `event`, `fulfilment` and
 * their `*_claim`s). `putIfAbsent` is true only for the call that inserted the row, and must be
 * atomic across every process that shares the store (`INSERT … ON CONFLICT DO NOTHING`):
 * docs/backend-contract.md, "More than one process".
 */
export interface CheckoutStore {
  get(table: string, id: string): JsonValue | object | undefined | Promise<JsonValue | object | undefined>;
  put(table: string, id: string, value: object): void | Promise<void>;
  putIfAbsent(table: string, id: string, value: object): boolean | Promise<boolean>;
}

/** A store in this process's memory, the only one shipped: one process only (a demo, a test). */
export declare function memoryStore(): CheckoutStore;

/** An answer to send: `res.status(a.status).json(a.body)` (`location` for the callback's 303). */
export type BackendAnswer = GatewayAnswer | ErrorAnswer | { ok: true; status: number; body: JsonValue; replayed?: boolean; location?: string };

/** The contract's requests, each one call; your framework only routes and passes what only it knows. */
export interface Backend {
  /** `POST /api/checkout`. `owner`: this browser's checkout session id. */
  checkout(request: {
    body: RequestBody;
    idempotencyKey: string | string[] | undefined | null;
    ip: string;
    callbackUrl: string;
    customerId?: string | null;
    owner: string;
    price?: PrepareOptions["price"];
  }): Promise<BackendAnswer>;
  /** `POST /api/checkout/otp/{generate,submit,resend}`. */
  otp(action: "generate" | "submit" | "resend" | (string & {}), request: { body: RequestBody | undefined; owner: string }): Promise<BackendAnswer>;
  /** `POST /api/verify`. */
  verify(request: { body: RequestBody | undefined }): Promise<BackendAnswer>;
  /** `POST /checkout/callback`: answer `303` to `location`. */
  callback(request: { body: string | Uint8Array | undefined }): Promise<{ ok: true; status: 303; location: string; body: null }>;
  /** `GET /api/checkout/result?payment_id&order_id`. */
  result(request: { paymentId: unknown; orderId?: unknown; owner: string }): Promise<BackendAnswer>;
  /** `GET /api/payments/{id}`. */
  payment(request: { paymentId: unknown; owner: string }): Promise<BackendAnswer>;
  /** `POST /api/webhooks/razorpay` (the raw body). */
  webhook(request: { rawBody: string | Uint8Array; signature: string | string[] | undefined | null; eventId?: string | string[] | null }): Promise<BackendAnswer>;
}

export declare function createBackend(options: {
  gateway: GatewayClient;
  keySecret: string;
  /** The current secret first; during a rotation the old one with its `until`. */
  webhookSecrets?: WebhookSecret | readonly (WebhookSecret | { secret?: string; until?: number | Date | string | null })[];
  store?: CheckoutStore;
  /**
   * Ship the goods: called once per merchant order (receipt). If it throws, the claim is marked
   * failed and the error goes on (a webhook is then redelivered, and that claim calls it again).
   */
  onFulfil?: (claim: Fulfilment) => void | Promise<void>;
}): Backend;
