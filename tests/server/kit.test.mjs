// razorpay-checkout-wasm/server as a Node backend calls it: the release
// package's pkg/server.js (the Rust core, crates/server-wasm, in wasm).
// Signatures are made here with node:crypto, independently of the kit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  prepareOrder, applyPrice, receiptOf, idempotencyKey, otpRelay, verifyPaymentSignature, verifyWebhook,
  readCallback, paymentVerdict, fulfilment, errorAnswer,
} from '../../pkg/server.js';

const hmac = (secret, text) => createHmac('sha256', secret).update(text).digest('hex');
const CUST = 'cust_AAAAAAAAAAAAAA';
const ORDER = 'order_AAAAAAAAAAAAAA';
const PAY = 'pay_AAAAAAAAAAAAAA';
const NOW = Date.UTC(2026, 11, 2, 12);
const PRICE = { amount: 100, currency: 'INR', mandate: { max_amount: 100000, frequency: 'monthly' } };

/** What the page posts (pay() adds browser, authentication and referer). */
function pageBody(extra = {}) {
  return {
    amount: 100, currency: 'INR', receipt: 'cart_AAAAAAAAAAAAAA',
    payment: {
      amount: 100, email: 'gaurav.kumar@example.com', contact: '9000090000', method: 'card',
      card: { name: 'Gaurav Kumar', number: '4100280000001007', cvv: '837', expiry_month: '12', expiry_year: '30' },
      authentication: { authentication_channel: 'browser' },
      browser: { java_enabled: false, javascript_enabled: true, timezone_offset: -330, color_depth: 24, screen_width: 1280, screen_height: 800 },
      referer: 'http://127.0.0.1:3000/',
    },
    ...extra,
  };
}
const opts = (more = {}) => ({ ip: '127.0.0.1', callbackUrl: 'http://127.0.0.1:3000/checkout/callback', now: NOW, price: PRICE, ...more });

test('prepareOrder: the raw body, a string or parsed JSON give the same gateway order, with ip and callback_url', () => {
  const body = pageBody();
  body.payment.ip = '6.6.6.6';
  const a = prepareOrder(Buffer.from(JSON.stringify(body)), opts());
  const b = prepareOrder(JSON.stringify(body), opts());
  const c = prepareOrder(body, opts());
  assert.equal(a.ok, true);
  assert.deepEqual(a, b);
  assert.deepEqual(a, c);
  if (!a.ok) return;
  assert.equal(a.order.payment.ip, '127.0.0.1');
  assert.equal(a.order.payment.callback_url, 'http://127.0.0.1:3000/checkout/callback');
  assert.deepEqual(a.order.payment.authentication, { authentication_channel: 'browser' });
  assert.equal(a.order.receipt, 'cart_AAAAAAAAAAAAAA');
});

test('prepareOrder: every validation error of the core, in the shape the page reads', () => {
  const body = pageBody();
  body.payment.email = 'nope';
  body.payment.card.number = '4100280000001008';
  const r = prepareOrder(body, opts());
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'BAD_REQUEST_ERROR');
  assert.deepEqual(r.body.error.metadata.errors.map((e) => e.field).sort(), ['payment.card.number', 'payment.email']);
  for (const bad of ['[]', 'null', '{', '']) {
    const e = prepareOrder(bad, opts());
    assert.equal(e.ok, false, bad);
    if (!e.ok) assert.equal(e.body.error.description, 'The request body is not a valid order request');
  }
  assert.equal(prepareOrder(undefined, opts()).status, 400, 'no body at all');
});

test('prepareOrder: the customer is the session\'s, in both places; 401 and 403 otherwise', () => {
  const body = pageBody({ customer_id: CUST });
  assert.equal(prepareOrder(body, opts()).status, 401);
  assert.equal(prepareOrder(body, opts({ customerId: 'cust_BBBBBBBBBBBBBB' })).status, 403);
  const r = prepareOrder(body, opts({ customerId: CUST }));
  assert.equal(r.ok, true);
  if (r.ok) assert.deepEqual([r.order.customer_id, r.order.payment.customer_id], [CUST, CUST]);
});

test('prepareOrder: the merchant\'s price, given or looked up by receipt, after the shopper\'s mistakes', () => {
  const cheap = pageBody({ amount: 1 });
  cheap.payment.amount = 1;
  const r = prepareOrder(cheap, opts());
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.body.error.field, 'amount');
    assert.equal(r.body.error.metadata.cart, 100);
  }
  const carts = new Map([['cart_AAAAAAAAAAAAAA', PRICE]]);
  assert.equal(prepareOrder(pageBody(), opts({ price: (receipt) => carts.get(receipt) })).ok, true);
  const unknown = prepareOrder(pageBody({ receipt: 'cart_ZZZZZZZZZZZZZZ' }), opts({ price: (receipt) => carts.get(receipt) }));
  assert.equal(unknown.ok === false && unknown.body.error.description, 'The cart does not exist.');
  const noReceipt = pageBody();
  delete noReceipt.receipt;
  const n = prepareOrder(noReceipt, opts({ price: () => PRICE }));
  assert.equal(n.ok === false && n.body.error.field, 'receipt');
  // The shopper's mistake is reported before the cart's.
  const both = pageBody({ receipt: 'cart_ZZZZZZZZZZZZZZ' });
  both.payment.email = 'nope';
  const e = prepareOrder(both, opts({ price: (receipt) => carts.get(receipt) }));
  assert.equal(e.ok === false && e.body.error.field, 'payment.email');
  // applyPrice alone, for an asynchronous look-up.
  const built = prepareOrder(pageBody(), opts({ price: null }));
  assert.equal(built.ok, true);
  if (built.ok) assert.equal(applyPrice(built.order, { amount: 200, currency: 'INR' }).status, 400);
  assert.equal(receiptOf(JSON.stringify(pageBody())), 'cart_AAAAAAAAAAAAAA');
  // A merchant's mistake is a 500 that says which option.
  const m = prepareOrder(pageBody(), { ip: '127.0.0.1', now: NOW });
  assert.equal(m.status, 500);
  assert.match(m.ok === false ? m.body.error.description : '', /callbackUrl/);
});

test('idempotencyKey: required, 1-64 of A-Z a-z 0-9 _ -', () => {
  assert.deepEqual(idempotencyKey('0b7c4e1a-9f3d'), { ok: true, key: '0b7c4e1a-9f3d' });
  assert.deepEqual(idempotencyKey(['k1', 'k2']), { ok: true, key: 'k1' });
  for (const bad of [undefined, null, '', 'a b', 'x'.repeat(65)]) {
    const r = idempotencyKey(bad);
    assert.equal(r.ok === false && r.body.error.field, 'Idempotency-Key', String(bad));
  }
});

test('otpRelay: each page call maps to its one gateway call; anything else is refused', () => {
  const gatewayUrl = 'http://127.0.0.1:8081';
  const url = (suffix) => `${gatewayUrl}/v1/payments/${PAY}/${suffix}`;
  const submit = otpRelay('submit', JSON.stringify({ url: url('otp/submit'), otp: '123456' }), { gatewayUrl });
  assert.deepEqual(submit, { ok: true, relay: { method: 'POST', url: url('otp/submit'), paymentId: PAY, body: { otp: '123456' } } });
  const resend = otpRelay('resend', { url: url('otp/resend') }, { gatewayUrl });
  assert.equal(resend.ok && resend.relay.body, null);
  for (const [action, u] of [['submit', url('otp/resend')], ['submit', `http://127.0.0.1:9999/v1/payments/${PAY}/otp/submit`],
    ['resend', 'https://evil.example/v1/payments/pay_AAAAAAAAAAAAAA/otp/resend'], ['generate', url('capture')]]) {
    const r = otpRelay(action, { url: u }, { gatewayUrl });
    assert.equal(r.ok === false && r.body.error.reason, 'unsafe_next_action_url', u);
  }
  const noOtp = otpRelay('submit', { url: url('otp/submit') }, { gatewayUrl });
  assert.equal(noOtp.ok === false && noOtp.body.error.field, 'otp');
});

test('verifyPaymentSignature: HMAC-SHA256 of order_id|payment_id with the key secret', () => {
  const razorpay_signature = hmac('key_secret', `${ORDER}|${PAY}`);
  const fields = { razorpay_order_id: ORDER, razorpay_payment_id: PAY, razorpay_signature };
  assert.equal(verifyPaymentSignature(fields, 'key_secret'), true);
  assert.equal(verifyPaymentSignature(fields, 'other_secret'), false);
  assert.equal(verifyPaymentSignature({ ...fields, razorpay_order_id: 'order_BBBBBBBBBBBBBB' }, 'key_secret'), false);
  assert.equal(verifyPaymentSignature({ ...fields, razorpay_signature: '' }, 'key_secret'), false);
});

test('verifyWebhook: over the raw body, with the old secret accepted until its end', () => {
  const now = Math.floor(NOW / 1000);
  const raw = Buffer.from(JSON.stringify({ entity: 'event', event: 'order.paid', contains: ['payment', 'order'],
    payload: { payment: { entity: { id: PAY, order_id: ORDER } }, order: { entity: { id: ORDER } } }, created_at: now - 5 }));
  const secrets = ['new_secret', { secret: 'old_secret', until: new Date((now + 60) * 1000) }];
  const a = verifyWebhook(raw, hmac('new_secret', raw), secrets, { eventId: 'EvtAAAAAAAAAAAA', now });
  assert.equal(a.ok, true);
  if (a.ok) assert.deepEqual([a.webhook.event, a.webhook.eventId, a.webhook.entityId, a.webhook.secretIndex], ['order.paid', 'EvtAAAAAAAAAAAA', PAY, 0]);
  const b = verifyWebhook(raw.toString(), hmac('old_secret', raw), secrets, { now });
  assert.equal(b.ok && b.webhook.secretIndex, 1);
  assert.equal(verifyWebhook(raw, hmac('old_secret', raw), secrets, { now: now + 61 }).status, 400);
  // Re-serialised JSON is not what was signed.
  const reparsed = JSON.stringify(JSON.parse(raw.toString()), null, 1);
  assert.equal(verifyWebhook(reparsed, hmac('new_secret', raw), secrets, { now }).status, 400);
  assert.throws(() => verifyWebhook(JSON.parse(raw.toString()), hmac('new_secret', raw), secrets), /raw body/);
  // until as text: digits (Unix seconds) or an ISO instant; unreadable: already over.
  const iso = new Date((now + 60) * 1000).toISOString();
  for (const [until, ok] of [[String(now + 60), true], [iso, true], [String(now + 1), true], [String(now), false], [String(now - 1), false], ['soon', false], [Number.NaN, false]]) {
    assert.equal(verifyWebhook(raw, hmac('old_secret', raw), ['new_secret', { secret: 'old_secret', until }], { now }).ok, ok, String(until));
  }
  const missing = verifyWebhook(raw, undefined, secrets, { now });
  assert.equal(missing.ok === false && missing.body.error.reason, 'invalid_signature');
});

test('readCallback: the form, signature checked against the stored order; an error form is not final', () => {
  const sig = hmac('key_secret', `${ORDER}|${PAY}`);
  const form = `razorpay_payment_id=${PAY}&razorpay_order_id=${ORDER}&razorpay_signature=${sig}`;
  assert.deepEqual(readCallback(form, 'key_secret'), { paymentId: PAY, orderId: ORDER, signatureValid: true, error: null });
  assert.equal(readCallback(new URLSearchParams(form), 'key_secret', { orderId: 'order_BBBBBBBBBBBBBB' }).signatureValid, false);
  const failed = new URLSearchParams({ 'error[code]': 'BAD_REQUEST_ERROR', 'error[reason]': 'payment_declined',
    'error[metadata]': JSON.stringify({ payment_id: PAY, order_id: ORDER }) });
  const f = readCallback(failed.toString(), 'key_secret');
  assert.deepEqual([f.paymentId, f.orderId, f.signatureValid, f.error?.reason], [PAY, ORDER, false, 'payment_declined']);
});

test('paymentVerdict and fulfilment', () => {
  const payment = { id: PAY, order_id: ORDER, status: 'captured' };
  assert.equal(paymentVerdict(payment, { signatureVerified: true }).verdict, 'paid');
  assert.equal(paymentVerdict(payment, { signatureVerified: false }).verdict, 'pending');
  assert.equal(paymentVerdict(payment, { signatureVerified: false, fulfilled: true }).verdict, 'paid');
  assert.equal(paymentVerdict(payment, { orderId: 'order_BBBBBBBBBBBBBB', signatureVerified: true }).verdict, 'pending');
  const failed = paymentVerdict({ ...payment, status: 'failed', error_reason: 'payment_declined' }, { signatureVerified: false });
  assert.equal(failed.error?.reason, 'payment_declined');
  const order = { id: ORDER, status: 'paid', amount: 100, amount_paid: 100, currency: 'INR', receipt: 'cart_1' };
  assert.deepEqual(fulfilment(order, payment), { order_id: ORDER, payment_id: PAY, receipt: 'cart_1', amount: 100, currency: 'INR' });
  assert.equal(fulfilment({ ...order, amount_paid: 50 }, payment), null);
});

test('errorAnswer: every field the page reads, defaults by status', () => {
  assert.deepEqual(errorAnswer(404, { description: 'No such payment.', field: 'payment_id', reason: 'payment_not_found' }), {
    ok: false, status: 404,
    body: { error: { code: 'BAD_REQUEST_ERROR', description: 'No such payment.', field: 'payment_id', source: 'business',
      step: 'payment_initiation', reason: 'payment_not_found', metadata: {} } },
  });
  assert.equal(errorAnswer(502, { description: 'The gateway did not answer.', code: 'GATEWAY_ERROR' }).body.error.code, 'GATEWAY_ERROR');
});
