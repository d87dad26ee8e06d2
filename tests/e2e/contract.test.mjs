// docs/backend-contract.md, request by request, against both backends: the
// Rust demo backend (www/server) and the Express example (examples/express,
// razorpay-checkout-wasm/server), each in front of the same sandbox gateway.
// One suite, parameterised by backend, so the two cannot drift: every
// request the contract lists, each outcome's status and error shape, and
// fulfilment: the sandbox's own webhooks reach each backend through a
// recording proxy (webhookProxy below) that can hold them, lose the
// backend's first answer, or refuse them, so that the webhook and the
// callback arrive in either order, an event is redelivered under its id,
// and a real event can be forged.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { startDemo } from './harness.mjs';
import { startExpress, WEBHOOK_SECRET, SANDBOX_KEY_SECRET } from '../support/express.mjs';

const hmac = (secret, text) => createHmac('sha256', secret).update(text).digest('hex');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The webhook secret before the rotation: accepted until ROTATION_OVERLAP_S after a backend starts. */
const OLD_WEBHOOK_SECRET = 'express_e2e_webhook_secret_before_rotation';
const ROTATION_OVERLAP_S = 8;
const OPERATOR_SECRET = 'contract-operator-secret-0123456789';
/** A card that succeeds (Razorpay's published Visa test card), and the sandbox's late-authorisation card. */
const CARD = '4100280000001007';
const LATE_CARD = '4000000000000515';

/**
 * Both backends, started with the webhook secret rotated (the old one
 * accepted until `until`), the sandbox's webhooks to `hook` (retried 50 ms
 * apart), late authorisations 1.5 s after the Approve. `fulfilments(shop,
 * receipt)`: how many times the backend fulfilled that receipt's order —
 * the Rust backend's operator list, the Express example's `onFulfil` log.
 */
const env = (hook, until) => ({
  RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
  RAZORPAY_WEBHOOK_SECRET_PREVIOUS: OLD_WEBHOOK_SECRET,
  RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL: String(until),
  SANDBOX_WEBHOOK_URL: hook,
  SANDBOX_WEBHOOK_RETRY_MS: '50',
  SANDBOX_LATE_AUTH_MS: '1500',
});
const BACKENDS = {
  'Rust demo backend': {
    start: async (hook, until) => {
      const shop = await startDemo({ ...env(hook, until), OPERATOR_SECRET });
      return { ...shop, webhookUrl: new URL('/api/webhooks/razorpay', shop.demo).href };
    },
    fulfilments: async (shop, receipt) => {
      const r = await fetch(new URL('/api/fulfilments', shop.demo), { headers: { authorization: `Bearer ${OPERATOR_SECRET}` } });
      assert.equal(r.status, 200);
      return (await r.json()).items.filter((f) => f.receipt === receipt).length;
    },
  },
  'Express example': {
    start: async (hook, until) => {
      const shop = await startExpress(env(hook, until));
      return { ...shop, webhookUrl: new URL('/api/webhooks/razorpay', shop.express).href };
    },
    fulfilments: async (shop, receipt) => shop.output().split('\n').filter((l) => l.startsWith(`fulfil: ${receipt} `)).length,
  },
};

/**
 * A recording proxy between the sandbox and a backend's webhook URL
 * (`target`, set once the backend is up). `mode`, read when a delivery
 * arrives: 'forward'; 'hold' (forwarded once `open()` is called); 'lose'
 * (forwarded, but the first try of each event id is answered 500 to the
 * sandbox: the backend did the work, its answer was lost); 'refuse'
 * (answered 503, never forwarded). Each delivery: { id, event, body,
 * signature, answer: { status, json } once forwarded }.
 */
async function webhookProxy() {
  const deliveries = [];
  let release;
  let gate = new Promise((r) => { release = r; });
  const proxy = {
    mode: 'forward', target: null, deliveries,
    open() { release(); gate = new Promise((r) => { release = r; }); this.mode = 'forward'; },
    /** The deliveries of `event` about the payment `paymentId`. */
    of: (event, paymentId) => deliveries.filter((d) => d.event === event && d.body.includes(`"id":"${paymentId}"`)),
    /** Waits until `n` deliveries of `event` about `paymentId` were answered by the backend. */
    async answered(event, paymentId, n = 1) {
      for (let i = 0; i < 300; i++) {
        const done = proxy.of(event, paymentId).filter((d) => d.answer);
        if (done.length >= n) return done;
        await sleep(50);
      }
      assert.fail(`${n} answered ${event} for ${paymentId}: ${JSON.stringify(deliveries.map(({ id, event: e, answer }) => ({ id, e, answer })))}`);
    },
  };
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString();
    const id = req.headers['x-razorpay-event-id'] ?? '';
    const mode = proxy.mode;
    const earlier = deliveries.filter((d) => d.id === id).length;
    let event = '';
    try { event = JSON.parse(body).event; } catch { /* not JSON */ }
    const d = { id, event, body, signature: req.headers['x-razorpay-signature'] ?? '', answer: null };
    deliveries.push(d);
    if (mode === 'refuse') return res.writeHead(503).end('refused');
    if (mode === 'hold') await gate;
    const r = await fetch(proxy.target, { method: 'POST', body,
      headers: { 'content-type': req.headers['content-type'] ?? '', 'x-razorpay-signature': d.signature, 'x-razorpay-event-id': id } });
    const text = await r.text();
    d.answer = { status: r.status, json: (() => { try { return JSON.parse(text); } catch { return null; } })() };
    if (mode === 'lose' && earlier === 0) return res.writeHead(500).end('lost');
    return res.writeHead(r.status, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${server.address().port}/hook`;
  proxy.close = () => { release(); server.closeAllConnections(); server.close(); };
  return proxy;
}

/** The action and fields of the (single) form of a page: the bank page's return form. */
function formOf(html) {
  const unescape = (t) => t.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const action = unescape(/<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '');
  const fields = [...html.matchAll(/<input[^>]*name="([^"]*)"[^>]*value="([^"]*)"/g)].map(([, k, v]) => [unescape(k), unescape(v)]);
  return { action, fields: new URLSearchParams(fields) };
}

/** A browser as far as the backend can tell: it keeps cookies, sends same-origin JSON. */
function client(base) {
  const jar = new Map();
  const call = async (method, path, { body, headers = {}, raw } = {}) => {
    const h = { ...headers };
    if (jar.size) h.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined && !raw) h['content-type'] ??= 'application/json';
    const r = await fetch(new URL(path, base), { method, headers: h, body: body === undefined ? undefined : raw ? body : JSON.stringify(body), redirect: 'manual' });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: r.status, headers: r.headers, json, text };
  };
  return call;
}

/** Razorpay's error object, every field the page reads. */
function assertError(r, status, { field, reason } = {}) {
  assert.equal(r.status, status, r.text);
  const e = r.json?.error;
  assert.ok(e && typeof e === 'object', `no error object: ${r.text}`);
  for (const k of ['code', 'description', 'source', 'step', 'reason']) assert.equal(typeof e[k], 'string', `error.${k}: ${r.text}`);
  assert.ok('field' in e && 'metadata' in e, r.text);
  assert.ok(e.description.length > 0);
  if (field !== undefined) assert.equal(e.field, field, r.text);
  if (reason !== undefined) assert.equal(e.reason, reason, r.text);
}

/** The body pay() posts (the page's request plus browser, authentication, referer). */
function order(base, cart, { customer, card = { number: '5500670000001002', expiry_month: '12', expiry_year: '30', cvv: '837', name: 'Gaurav Kumar' }, ...extra } = {}) {
  return {
    amount: cart.amount, currency: cart.currency, receipt: cart.id, ...(customer ? { customer_id: customer } : {}),
    payment: {
      amount: cart.amount, email: 'gaurav.kumar@example.com', contact: '9000090000', method: 'card', card,
      authentication: { authentication_channel: 'browser' },
      browser: { java_enabled: false, javascript_enabled: true, timezone_offset: -330, color_depth: 24, screen_width: 1280, screen_height: 800 },
      referer: base,
    },
    ...extra,
  };
}

// The two backends side by side (each suite's own tests one after another): the rotation's
// overlap is waited out once, not twice.
describe('the backend contract', { concurrency: true }, () => {
  for (const [name, backend] of Object.entries(BACKENDS)) {
    describe(name, { concurrency: false }, () => {
      let shop;
      let proxy;
      let until;
      before(async () => {
        proxy = await webhookProxy();
        until = Math.floor(Date.now() / 1000) + ROTATION_OVERLAP_S;
        shop = await backend.start(proxy.url, until);
        proxy.target = shop.webhookUrl;
      });
      after(() => { shop?.stop(); proxy?.close(); });
      const fulfilments = (receipt) => backend.fulfilments(shop, receipt);
      /** Polls until `receipt`'s order is fulfilled (at least once); how many times. */
      async function fulfilled(receipt) {
        for (let i = 0; i < 100; i++) {
          const n = await fulfilments(receipt);
          if (n) return n;
          await sleep(50);
        }
        return 0;
      }
      /** A signed event the test makes up (not the sandbox's): about `paymentId`, signed with `secret`. */
      const postEvent = (c, { event = 'payment.authorized', paymentId, secret, id = `Evt${randomUUID().replace(/-/g, '').slice(0, 11)}` }) => {
        const raw = JSON.stringify({ entity: 'event', account_id: 'acc_SandboxAcct001', event, contains: ['payment'],
          payload: { payment: { entity: { id: paymentId, entity: 'payment', amount: 100, currency: 'INR', status: 'authorized' } } }, created_at: Math.floor(Date.now() / 1000) });
        return c('POST', '/api/webhooks/razorpay', { body: raw, raw: true,
          headers: { 'content-type': 'application/json', 'x-razorpay-signature': hmac(secret, raw), 'x-razorpay-event-id': id } });
      };

      async function signedIn() {
        const c = client(shop.demo);
        const config = await c('GET', '/api/config');
        const customer = await c('POST', '/api/customers', { body: { name: 'Gaurav Kumar', email: 'gaurav.kumar@example.com', contact: '9000090000' } });
        const cart = await c('POST', '/api/carts', { body: { product: 'tea_monthly' } });
        return { c, config, customer: customer.json, cart: cart.json };
      }
      const pay = (c, body, key = randomUUID()) => c('POST', '/api/checkout', { body, headers: { 'idempotency-key': key } });
      const nextUrl = (answer, action) => answer.json?.payment_workflow?.next?.find((n) => n.action === action)?.url
        ?? answer.json?.next?.find((n) => n.action === action)?.url;

      /** A cart paid on the bank page (redirect, Approve): the ids and the bank's return form, not yet posted. */
      async function approved(number = CARD) {
        const { c, cart } = await signedIn();
        const answer = await pay(c, order(shop.demo, cart, { card: { number, expiry_month: '12', expiry_year: '30', cvv: '123', name: 'Gaurav Kumar' } }));
        assert.equal(answer.status, 200, answer.text);
        const bank = await fetch(nextUrl(answer, 'redirect'), { method: 'POST', body: new URLSearchParams({ action: 'approve' }), redirect: 'manual' });
        assert.equal(bank.status, 200);
        const form = formOf(await bank.text());
        assert.equal(new URL(form.action).origin, new URL(shop.demo).origin, 'the callback_url is the backend\'s');
        return { c, cart, orderId: answer.json.id, paymentId: answer.json.payment_workflow.razorpay_payment_id, form };
      }
      /** The shopper presses Continue: the bank page's form, posted from the gateway's origin. */
      const postCallback = (c, form) => c('POST', form.action, { body: form.fields.toString(), raw: true,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(shop.gateway).origin } });
      const verdictOf = async (c, paymentId, orderId) => {
        const r = await c('GET', `/api/checkout/result?payment_id=${paymentId}&order_id=${orderId}`);
        assert.equal(r.status, 200, r.text);
        return [r.json.verdict, r.json.status, r.json.signature_verified, r.json.fulfilled];
      };
      const postRaw = (body, signature, id) => fetch(shop.webhookUrl, { method: 'POST', body,
        headers: { 'content-type': 'application/json', 'x-razorpay-event-id': id, ...(signature === undefined ? {} : { 'x-razorpay-signature': signature }) } })
        .then(async (r) => ({ status: r.status, json: await r.json() }));

      test('POST /api/webhooks/razorpay during a rotation: the old secret and the new one are accepted', async () => {
        assert.ok(Date.now() / 1000 < until - 1, 'the backend took the whole rotation overlap to start');
        const c = client(shop.demo);
        for (const [paymentId, secret] of [['pay_RotationOld001', OLD_WEBHOOK_SECRET], ['pay_RotationNew002', WEBHOOK_SECRET]]) {
          const r = await postEvent(c, { paymentId, secret });
          assert.deepEqual([r.status, r.json.status, r.json.fulfilment], [200, 'recorded', 'none'], r.text);
        }
        assertError(await postEvent(c, { paymentId: 'pay_RotationBad003', secret: 'a secret of no one at all' }), 400, { reason: 'invalid_signature' });
      });

      test('GET /api/config: the gateway host (with its port) and the key id, never the secret', async () => {
        const { config } = await signedIn();
        assert.equal(config.status, 200);
        assert.equal(config.json.gateway_host, new URL(shop.gateway).host);
        assert.match(config.json.key_id, /^rzp_/);
        assert.ok(!config.text.includes(SANDBOX_KEY_SECRET));
      });

      test('POST /api/carts and GET /api/carts/{id}: the price is the shop\'s', async () => {
        const { c, cart } = await signedIn();
        assert.match(cart.id, /^cart_[A-Za-z0-9]{14}$/);
        assert.deepEqual([cart.amount, cart.currency, cart.mandate], [100, 'INR', { max_amount: 100000, frequency: 'monthly' }]);
        assert.deepEqual((await c('GET', `/api/carts/${cart.id}`)).json, cart);
        assertError(await c('GET', '/api/carts/cart_ZZZZZZZZZZZZZZ'), 404, { field: 'id' });
        assertError(await c('POST', '/api/carts', { body: { product: 'caviar' } }), 400, { field: 'product' });
      });

      test('POST /api/customers signs in; GET /api/customers/{id}/tokens only for that customer', async () => {
        const { c, customer } = await signedIn();
        assert.match(customer.id, /^cust_/);
        const tokens = await c('GET', `/api/customers/${customer.id}/tokens`);
        assert.equal(tokens.status, 200);
        assert.ok(Array.isArray(tokens.json.items));
        assertError(await c('GET', '/api/customers/cust_ZZZZZZZZZZZZZZ/tokens'), 403);
      });

      test('POST /api/checkout refusals: key, media type, origin, validation (every error), price, customer', async () => {
        const { c, cart, customer } = await signedIn();
        const body = order(shop.demo, cart);
        assertError(await c('POST', '/api/checkout', { body }), 400, { field: 'Idempotency-Key' });
        assertError(await c('POST', '/api/checkout', { body, headers: { 'idempotency-key': 'has space' } }), 400, { field: 'Idempotency-Key' });
        assertError(await c('POST', '/api/checkout', { body: JSON.stringify(body), raw: true, headers: { 'content-type': 'text/plain', 'idempotency-key': randomUUID() } }), 415, { reason: 'unsupported_media_type' });
        assertError(await c('POST', '/api/checkout', { body, headers: { origin: 'https://evil.example', 'idempotency-key': randomUUID() } }), 403, { reason: 'cross_origin_request' });
        const bad = order(shop.demo, cart);
        bad.payment.email = 'not-an-email';
        bad.payment.card = { ...bad.payment.card, number: '4100280000001008' };
        const invalid = await pay(c, bad);
        assertError(invalid, 400);
        assert.deepEqual(invalid.json.error.metadata.errors.map((e) => e.field).sort(), ['payment.card.number', 'payment.email']);
        const cheap = order(shop.demo, { ...cart, amount: 1 });
        const priced = await pay(c, cheap);
        assertError(priced, 400, { field: 'amount' });
        assertError(await pay(c, order(shop.demo, cart, { customer: 'cust_ZZZZZZZZZZZZZZ' })), 403, { reason: 'customer_not_signed_in' });
        const guest = client(shop.demo);
        await guest('GET', '/api/config');
        assertError(await pay(guest, order(shop.demo, cart, { customer: customer.id })), 401, { reason: 'customer_not_signed_in' });
        assertError(await c('POST', '/api/nowhere', { body: {} }), 404);
      });

      test('POST /api/checkout, the OTP relay, /api/verify, the result, the payment, the callback, a webhook', async () => {
        const { c, cart } = await signedIn();
        const key = randomUUID();
        const body = order(shop.demo, cart);
        const first = await pay(c, body, key);
        assert.equal(first.status, 200, first.text);
        assert.match(first.json.id, /^order_/);
        const paymentId = first.json.payment_workflow.razorpay_payment_id;
        assert.match(paymentId, /^pay_/);
        // The same key and order: the same answer; another order under the key: refused.
        assert.equal((await pay(c, body, key)).json.id, first.json.id);
        assertError(await pay(c, order(shop.demo, cart, { card: { ...body.payment.card, number: '4100280000001007' } }), key), 422, { reason: 'idempotency_key_reused' });
        // A new key for the same cart: the same order follows the same payment; another one waits.
        assert.equal((await pay(c, body)).json.id, first.json.id);
        assertError(await pay(c, order(shop.demo, cart, { card: { ...body.payment.card, number: '4100280000001007' } })), 409, { reason: 'order_payment_in_progress' });
        // Another browser's checkout of this cart.
        const other = client(shop.demo);
        await other('GET', '/api/config');
        assertError(await pay(other, body), 403, { reason: 'order_belongs_to_another_checkout' });

        // OTP: generate, a wrong OTP, a resend, the right OTP. Only this browser, only the gateway's URLs.
        const generateUrl = nextUrl(first, 'otp_generate');
        assert.ok(generateUrl, first.text);
        assertError(await other('POST', '/api/checkout/otp/generate', { body: { url: generateUrl } }), 404, { field: 'url' });
        assertError(await c('POST', '/api/checkout/otp/generate', { body: { url: generateUrl.replace(new URL(shop.gateway).host, 'evil.example') } }), 400, { reason: 'unsafe_next_action_url' });
        const generated = await c('POST', '/api/checkout/otp/generate', { body: { url: generateUrl } });
        assert.equal(generated.status, 200, generated.text);
        const submitUrl = nextUrl(generated, 'otp_submit');
        const resendUrl = nextUrl(generated, 'otp_resend');
        assertError(await c('POST', '/api/checkout/otp/submit', { body: { url: resendUrl, otp: '123456' } }), 400, { reason: 'unsafe_next_action_url' });
        assertError(await c('POST', '/api/checkout/otp/submit', { body: { url: submitUrl } }), 400, { field: 'otp' });
        const wrong = await c('POST', '/api/checkout/otp/submit', { body: { url: submitUrl, otp: '123' } });
        assertError(wrong, 400);
        const resent = await c('POST', '/api/checkout/otp/resend', { body: { url: resendUrl } });
        assert.equal(resent.status, 200, resent.text);
        const paid = await c('POST', '/api/checkout/otp/submit', { body: { url: nextUrl(resent, 'otp_submit') ?? submitUrl, otp: '123456' } });
        assert.equal(paid.status, 200, paid.text);
        const { razorpay_payment_id, razorpay_order_id, razorpay_signature } = paid.json;
        assert.deepEqual([razorpay_payment_id, razorpay_order_id], [paymentId, first.json.id]);
        assert.equal(razorpay_signature, hmac(SANDBOX_KEY_SECRET, `${razorpay_order_id}|${razorpay_payment_id}`));

        // Paid: a new key for the cart is refused.
        assertError(await pay(c, order(shop.demo, cart, { card: { ...body.payment.card, number: '4100280000001007' } })), 409, { reason: 'order_already_paid' });

        // /api/verify: the signature over the stored order.
        assert.deepEqual((await c('POST', '/api/verify', { body: { razorpay_payment_id, razorpay_order_id, razorpay_signature: '0'.repeat(64) } })).json, { signature_valid: false });
        assert.deepEqual((await c('POST', '/api/verify', { body: { razorpay_payment_id, razorpay_order_id, razorpay_signature } })).json, { signature_valid: true });
        assertError(await c('POST', '/api/verify', { body: { razorpay_payment_id, razorpay_order_id } }), 400, { field: 'razorpay_signature' });

        // The verdict the result page shows, and the payment, for this browser only.
        const verdict = await c('GET', `/api/checkout/result?payment_id=${paymentId}&order_id=${razorpay_order_id}`);
        assert.equal(verdict.status, 200, verdict.text);
        assert.deepEqual([verdict.json.verdict, verdict.json.payment_id, verdict.json.order_id, verdict.json.signature_verified], ['paid', paymentId, razorpay_order_id, true]);
        assertError(await other('GET', `/api/checkout/result?payment_id=${paymentId}`), 404, { field: 'payment_id' });
        const payment = await c('GET', `/api/payments/${paymentId}`);
        assert.deepEqual([payment.status, payment.json.id, payment.json.order_id], [200, paymentId, razorpay_order_id]);

        // The callback form (as the bank page posts it): 303 to the result page, ids only.
        const form = new URLSearchParams({ razorpay_payment_id, razorpay_order_id, razorpay_signature }).toString();
        const cb = await c('POST', '/checkout/callback', { body: form, raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(shop.gateway).origin } });
        assert.equal(cb.status, 303);
        assert.equal(cb.headers.get('location'), `/result.html?payment_id=${paymentId}&order_id=${razorpay_order_id}`);
        const failedForm = new URLSearchParams({ 'error[code]': 'BAD_REQUEST_ERROR', 'error[description]': 'x', 'error[metadata]': JSON.stringify({ payment_id: paymentId, order_id: 'javascript:alert(1)' }) }).toString();
        const cbFailed = await c('POST', '/checkout/callback', { body: failedForm, raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        assert.deepEqual([cbFailed.status, cbFailed.headers.get('location')], [303, `/result.html?payment_id=${paymentId}`]);

        // A webhook over the raw body: recorded once, a redelivery is a duplicate, a bad signature refused.
        const entity = payment.json;
        const raw = JSON.stringify({ entity: 'event', account_id: 'acc_SandboxAcct001', event: 'payment.captured', contains: ['payment'],
          payload: { payment: { entity } }, created_at: Math.floor(Date.now() / 1000) - 100 }); // (not the sandbox's own event's second)
        const hook = (sig, id = 'EvtContract0001') => c('POST', '/api/webhooks/razorpay', { body: raw, raw: true,
          headers: { 'content-type': 'application/json', 'x-razorpay-signature': sig, 'x-razorpay-event-id': id } });
        assertError(await hook(hmac('not the secret', raw)), 400, { reason: 'invalid_signature' });
        assertError(await hook(hmac(WEBHOOK_SECRET, `${raw} `)), 400, { reason: 'invalid_signature' });
        const old = JSON.stringify({ ...JSON.parse(raw), created_at: Math.floor(Date.now() / 1000) - 3 * 86400 }); // signed, but 3 days old
        const replay = await c('POST', '/api/webhooks/razorpay', { body: old, raw: true,
          headers: { 'content-type': 'application/json', 'x-razorpay-signature': hmac(WEBHOOK_SECRET, old), 'x-razorpay-event-id': 'EvtContract0003' } });
        assertError(replay, 400, { reason: 'webhook_too_old' });
        const ahead = JSON.stringify({ ...JSON.parse(raw), created_at: Math.floor(Date.now() / 1000) + 600 }); // 10 min in the future
        assertError(await c('POST', '/api/webhooks/razorpay', { body: ahead, raw: true,
          headers: { 'content-type': 'application/json', 'x-razorpay-signature': hmac(WEBHOOK_SECRET, ahead), 'x-razorpay-event-id': 'EvtContract0004' } }), 400, { reason: 'webhook_too_old' });
        const recorded = await hook(hmac(WEBHOOK_SECRET, raw));
        assert.deepEqual([recorded.status, recorded.json.status], [200, 'recorded'], recorded.text);
        // Fulfilled already (by /api/verify above, or the sandbox's own webhooks): not again.
        assert.equal(recorded.json.fulfilment, 'already_fulfilled', recorded.text);
        assert.equal(await fulfilments(cart.id), 1);
        const again = await hook(hmac(WEBHOOK_SECRET, raw));
        assert.deepEqual([again.status, again.json.status], [200, 'duplicate']);
        // An event a backend does not handle is acknowledged and ignored.
        const unhandled = raw.replace('"payment.captured"', '"refund.created"');
        const ignored = await c('POST', '/api/webhooks/razorpay', { body: unhandled, raw: true,
          headers: { 'content-type': 'application/json', 'x-razorpay-signature': hmac(WEBHOOK_SECRET, unhandled), 'x-razorpay-event-id': 'EvtContract0002' } });
        assert.deepEqual([ignored.status, ignored.json.status], [200, 'ignored'], ignored.text);
      });

      test('the webhook before the callback: payment.captured and order.paid fulfil the order once', async () => {
        const { c, cart, orderId, paymentId, form } = await approved();
        const [captured] = await proxy.answered('payment.captured', paymentId);
        const [paid] = await proxy.answered('order.paid', paymentId);
        // order.paid as Razorpay sends it: both entities, its own event id, signed over the raw body.
        const event = JSON.parse(paid.body);
        const [o, p] = [event.payload.order.entity, event.payload.payment.entity];
        assert.deepEqual(event.contains, ['payment', 'order']);
        assert.deepEqual([o.id, o.status, o.amount_paid, o.amount_due, o.receipt], [orderId, 'paid', o.amount, 0, cart.id]);
        assert.deepEqual([p.id, p.status, p.order_id], [paymentId, 'captured', orderId]);
        assert.equal(paid.signature, hmac(WEBHOOK_SECRET, paid.body));
        assert.notEqual(paid.id, captured.id);
        assert.deepEqual([captured, paid].map((d) => [d.answer.status, d.answer.json.status]), [[200, 'recorded'], [200, 'recorded']]);
        assert.deepEqual([captured, paid].map((d) => d.answer.json.fulfilment).sort(), ['already_fulfilled', 'fulfilled']);
        assert.equal(await fulfilments(cart.id), 1);
        // The shopper's callback after them: verified, not fulfilled again.
        assert.match(form.fields.get('razorpay_signature'), /^[0-9a-f]{64}$/);
        const cb = await postCallback(c, form);
        assert.deepEqual([cb.status, cb.headers.get('location')], [303, `/result.html?payment_id=${paymentId}&order_id=${orderId}`]);
        assert.equal(await fulfilments(cart.id), 1);
        assert.deepEqual(await verdictOf(c, paymentId, orderId), ['paid', 'captured', true, true]);
      });

      test('the callback before the webhook: fulfilled from the callback, the webhooks after it do not fulfil again', async () => {
        proxy.mode = 'hold';
        let paying;
        try {
          paying = await approved();
          // The sandbox started sending (payment.authorized first; the others wait for it); the
          // proxy holds them, so the backend sees the callback first.
          for (let i = 0; i < 100 && !proxy.of('payment.authorized', paying.paymentId).length; i++) await sleep(50);
          assert.ok(proxy.of('payment.authorized', paying.paymentId).length, 'payment.authorized sent');
          const cb = await postCallback(paying.c, paying.form);
          assert.equal(cb.status, 303);
          assert.equal(await fulfilled(paying.cart.id), 1);
          assert.ok(proxy.deliveries.filter((d) => d.body.includes(paying.paymentId)).every((d) => !d.answer), 'a webhook reached the backend first');
        } finally {
          proxy.open();
        }
        const { c, cart, orderId, paymentId } = paying;
        const [captured] = await proxy.answered('payment.captured', paymentId);
        const [paid] = await proxy.answered('order.paid', paymentId);
        assert.deepEqual([captured, paid].map((d) => [d.answer.json.status, d.answer.json.fulfilment]), [['recorded', 'already_fulfilled'], ['recorded', 'already_fulfilled']]);
        assert.equal(await fulfilments(cart.id), 1);
        assert.deepEqual(await verdictOf(c, paymentId, orderId), ['paid', 'captured', true, true]);
      });

      test('a redelivery with the same event id (the first answer lost) is processed once', async () => {
        proxy.mode = 'lose';
        const tries = {};
        let paying;
        try {
          paying = await approved();
          for (const event of ['payment.captured', 'order.paid']) tries[event] = await proxy.answered(event, paying.paymentId, 2);
        } finally {
          proxy.mode = 'forward';
        }
        for (const [event, [first, again]] of Object.entries(tries)) {
          assert.deepEqual([again.id, again.body, again.signature], [first.id, first.body, first.signature], `${event}: the same event again`);
          assert.deepEqual([first.answer.status, first.answer.json.status], [200, 'recorded'], event);
          assert.deepEqual([again.answer.status, again.answer.json.status, again.answer.json.fulfilment], [200, 'duplicate', undefined], event);
        }
        assert.deepEqual(Object.values(tries).map(([first]) => first.answer.json.fulfilment).sort(), ['already_fulfilled', 'fulfilled']);
        assert.equal(await fulfilments(paying.cart.id), 1);
      });

      test('forged webhooks are refused and fulfil nothing; the signature is over the raw bytes', async () => {
        proxy.mode = 'refuse'; // the sandbox's own deliveries never reach the backend: this test posts them
        try {
          const { cart, paymentId } = await approved();
          let real;
          for (let i = 0; i < 100 && !(real = proxy.of('order.paid', paymentId)[0]); i++) await sleep(50);
          assert.ok(real, 'order.paid sent');
          const pretty = JSON.stringify(JSON.parse(real.body), null, 2);
          const changed = real.body.replace('"amount":100', '"amount":1');
          assert.notEqual(changed, real.body);
          const flipped = real.signature.replace(/^./, (ch) => (ch === '0' ? '1' : '0'));
          for (const [body, signature, what] of [
            [real.body, undefined, 'no signature'],
            [real.body, hmac('not the webhook secret', real.body), 'another secret'],
            [real.body, hmac(SANDBOX_KEY_SECRET, real.body), 'the key secret'],
            [changed, real.signature, 'a changed body'],
            [pretty, real.signature, 'the same JSON, other bytes'],
            [real.body, flipped, 'a mangled signature'],
            [real.body, real.signature.toUpperCase().slice(1), 'a short signature'],
          ]) {
            const r = await postRaw(body, signature, real.id);
            assert.deepEqual([r.status, r.json.error?.reason], [400, 'invalid_signature'], `${what}: ${JSON.stringify(r.json)}`);
          }
          assert.equal(await fulfilments(cart.id), 0);
          // Other bytes, signed as they are, pass: the signature is over the raw body.
          const honest = await postRaw(pretty, hmac(WEBHOOK_SECRET, pretty), real.id);
          assert.deepEqual([honest.status, honest.json.status, honest.json.fulfilment], [200, 'recorded', 'fulfilled'], JSON.stringify(honest.json));
          // The sandbox's bytes under the same event id, then under a made-up one: the same event.
          assert.equal((await postRaw(real.body, real.signature, real.id)).json.status, 'duplicate');
          assert.equal((await postRaw(real.body, real.signature, 'MadeUpEvent0001')).json.status, 'duplicate');
          assert.equal(await fulfilments(cart.id), 1);
        } finally {
          proxy.mode = 'forward';
        }
      });

      test('a webhook whose processing fails is answered 5xx and not recorded: its redelivery is processed again', async () => {
        // payment.captured for an order the gateway does not have: the fetch for its receipt fails.
        const raw = JSON.stringify({ entity: 'event', account_id: 'acc_SandboxAcct001', event: 'payment.captured', contains: ['payment'],
          payload: { payment: { entity: { id: 'pay_Unfetchable001', entity: 'payment', amount: 100, currency: 'INR', status: 'captured', order_id: 'order_Unfetchable001', captured: true } } },
          created_at: Math.floor(Date.now() / 1000) });
        for (const attempt of [1, 2]) {
          const r = await postRaw(raw, hmac(WEBHOOK_SECRET, raw), 'EvtUnfetchable1');
          assert.ok(r.status >= 500 && r.status <= 599 && typeof r.json.error?.description === 'string', `try ${attempt}: ${JSON.stringify(r)}`);
        }
      });

      test('a late authorisation (card 4000 0000 0000 0515): the callback carries the bank\'s error, the late webhooks fulfil once', async () => {
        const { c, cart, orderId, paymentId, form } = await approved(LATE_CARD);
        assert.equal(form.fields.get('razorpay_signature'), null);
        assert.deepEqual([form.fields.get('error[source]'), form.fields.get('error[reason]')], ['bank', 'bank_technical_error']);
        const cb = await postCallback(c, form);
        assert.deepEqual([cb.status, cb.headers.get('location')], [303, `/result.html?payment_id=${paymentId}&order_id=${orderId}`]);
        assert.deepEqual(await verdictOf(c, paymentId, orderId), ['pending', 'created', false, false], 'the callback\'s error is not final');
        assert.equal(await fulfilments(cart.id), 0);
        // SANDBOX_LATE_AUTH_MS later: authorised, captured, the order paid, and their webhooks.
        const [paid] = await proxy.answered('order.paid', paymentId);
        const [captured] = await proxy.answered('payment.captured', paymentId);
        assert.equal(JSON.parse(paid.body).payload.payment.entity.late_authorized, true);
        assert.deepEqual([captured, paid].map((d) => d.answer.json.fulfilment).sort(), ['already_fulfilled', 'fulfilled']);
        assert.equal(await fulfilments(cart.id), 1);
        assert.deepEqual(await verdictOf(c, paymentId, orderId), ['paid', 'captured', false, true], 'the signed webhook vouches for it');
      });

      test('after the rotation\'s overlap: the old webhook secret is refused, the new one accepted', async () => {
        while (Date.now() / 1000 < until) await sleep(100);
        const c = client(shop.demo);
        assertError(await postEvent(c, { paymentId: 'pay_RotationOld004', secret: OLD_WEBHOOK_SECRET }), 400, { reason: 'invalid_signature' });
        const r = await postEvent(c, { paymentId: 'pay_RotationNew005', secret: WEBHOOK_SECRET });
        assert.deepEqual([r.status, r.json.status], [200, 'recorded'], r.text);
      });
    });
  }
});
