// razorpay-checkout-wasm/server: the merchant's side of the checkout, for
// Node backends. The same checkout core as the browser and the Rust demo
// backend (crates/server-wasm over src/checkout), compiled to WebAssembly
// and instantiated synchronously from the file beside this module on first
// use. No side effect on import. docs/backend-contract.md is the contract
// each function implements a part of.
import { readFileSync } from 'node:fs';
import * as kit from './server/server_kit.js';

let ready = false;
function load() {
  if (!ready) {
    kit.initSync({ module: readFileSync(new URL('./server/server_kit_bg.wasm', import.meta.url)) });
    ready = true;
  }
}

const encoder = new TextEncoder();
/** A body as bytes: a string, a Buffer/Uint8Array, or (already parsed) a JSON value. */
function bytes(body, what) {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body !== undefined) return encoder.encode(JSON.stringify(body) ?? '');
  throw new TypeError(`${what}: the request body is required (the raw bytes, a string or the parsed JSON)`);
}

const parse = (text) => JSON.parse(text);
const header = (value) => (Array.isArray(value) ? value[0] : value) ?? undefined;

export function errorAnswer(status, fields) {
  load();
  return parse(kit.errorAnswer(status, JSON.stringify(fields ?? {})));
}

export function idempotencyKey(value) {
  load();
  const v = header(value);
  return parse(kit.idempotencyKey(typeof v === 'string' ? v : undefined));
}

export function prepareOrder(body, options) {
  load();
  const { price, ...rest } = options ?? {};
  const opts = { ...rest, now: rest.now ?? Date.now() };
  if (typeof price !== 'function') {
    return parse(kit.prepareOrder(bytes(body, 'prepareOrder'), JSON.stringify({ ...opts, price: price ?? null })));
  }
  // Validated first (the shopper's mistakes before the cart's), then priced.
  const built = parse(kit.prepareOrder(bytes(body, 'prepareOrder'), JSON.stringify(opts)));
  if (!built.ok) return built;
  const receipt = typeof built.order.receipt === 'string' ? built.order.receipt : null;
  return applyPrice(built.order, receipt === null ? null : price(receipt) ?? null);
}

export function applyPrice(order, price) {
  load();
  return parse(kit.applyPrice(JSON.stringify(order), JSON.stringify(price ?? null)));
}

export function receiptOf(body) {
  load();
  return parse(kit.receiptOf(bytes(body, 'receiptOf')));
}

export function otpRelay(action, body, options) {
  load();
  return parse(kit.otpRelay(String(action), bytes(body, 'otpRelay'), String(options?.gatewayUrl ?? '')));
}

export function verifyPaymentSignature(fields, keySecret) {
  load();
  const s = (v) => (typeof v === 'string' ? v : '');
  return kit.verifyPaymentSignature(s(keySecret), s(fields?.razorpay_order_id), s(fields?.razorpay_payment_id), s(fields?.razorpay_signature));
}

export function verifyWebhook(rawBody, signature, secrets, options) {
  load();
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new TypeError('verifyWebhook: pass the raw body (a Buffer or string), never the parsed JSON: the signature is over the bytes');
  }
  const list = (Array.isArray(secrets) ? secrets : [secrets])
    .filter((s) => s !== undefined && s !== null && s !== '')
    .map((s) => (typeof s === 'string' ? { secret: s } : { secret: s.secret, until: s.until instanceof Date ? Math.floor(s.until.getTime() / 1000) : s.until }));
  const sig = header(signature);
  const id = header(options?.eventId);
  const now = options?.now ?? Math.floor(Date.now() / 1000);
  return parse(kit.verifyWebhook(bytes(rawBody, 'verifyWebhook'), typeof sig === 'string' ? sig : undefined,
    typeof id === 'string' ? id : undefined, JSON.stringify(list), now));
}

export function readCallback(form, keySecret, options) {
  load();
  let fields;
  if (typeof form === 'string' || form instanceof Uint8Array) {
    fields = [...new URLSearchParams(typeof form === 'string' ? form : new TextDecoder().decode(form))];
  } else if (form instanceof URLSearchParams) {
    fields = [...form];
  } else {
    fields = Object.entries(form ?? {}).filter(([, v]) => typeof v === 'string');
  }
  const expected = options?.orderId;
  return parse(kit.readCallback(JSON.stringify(fields), String(keySecret ?? ''), typeof expected === 'string' ? expected : undefined));
}

export function paymentVerdict(payment, options) {
  load();
  const asked = options?.orderId;
  return parse(kit.paymentVerdict(JSON.stringify(payment ?? null), typeof asked === 'string' && asked !== '' ? asked : undefined,
    options?.signatureVerified === true, options?.fulfilled === true));
}

export function fulfilment(order, payment) {
  load();
  return parse(kit.fulfilment(JSON.stringify(order ?? null), JSON.stringify(payment ?? null)));
}
