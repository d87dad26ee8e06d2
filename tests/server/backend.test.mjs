// createBackend over a scripted gateway (a fetch stand-in): what reaches
// the gateway, and how often, for retries, lost answers, other browsers and
// webhooks. The real sandbox is tests/e2e/contract.test.mjs's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createBackend, gatewayClient, memoryStore } from '../../pkg/server.js';

const GATEWAY = 'https://api.razorpay.com';
const ORDER = 'order_AAAAAAAAAAAAAA';
const PAY = 'pay_AAAAAAAAAAAAAA';
const CART = 'cart_AAAAAAAAAAAAAA';
const hmac = (secret, text) => createHmac('sha256', secret).update(text).digest('hex');

/** A gateway that answers `routes[method + ' ' + path]` (a function of the body, or an Error to throw) and counts calls. */
function scripted(routes) {
  const calls = [];
  const fetch = async (url, init) => {
    const u = new URL(url);
    const route = `${init.method} ${u.pathname}${u.search}`;
    calls.push(route);
    const answer = routes[route] ?? routes[`${init.method} ${u.pathname}`];
    if (!answer) return new Response(JSON.stringify({ error: { code: 'BAD_REQUEST_ERROR', description: `no route ${route}` } }), { status: 400 });
    const got = typeof answer === 'function' ? answer(init.body ? JSON.parse(init.body) : undefined) : answer;
    if (got instanceof Error) throw got;
    const wrapped = typeof got.status === 'number' && 'body' in got; // { status, body }, else the body itself
    return new Response(JSON.stringify(wrapped ? got.body : got), { status: wrapped ? got.status : 200 });
  };
  return { calls, gateway: gatewayClient({ baseUrl: GATEWAY, keyId: 'rzp_test_x', keySecret: 'secret', fetch }) };
}

const orderAnswer = { id: ORDER, entity: 'order', receipt: CART, payment_workflow: { razorpay_payment_id: PAY,
  next: [{ action: 'otp_generate', url: `${GATEWAY}/v1/payments/${PAY}/otp_generate?track_id=t` }] } };

function body(card = '4100280000001007') {
  return JSON.stringify({
    amount: 100, currency: 'INR', receipt: CART,
    payment: {
      amount: 100, email: 'gaurav.kumar@example.com', contact: '9000090000', method: 'card',
      card: { name: 'Gaurav Kumar', number: card, cvv: '837', expiry_month: '12', expiry_year: '30' },
      authentication: { authentication_channel: 'browser' },
      browser: { java_enabled: false, javascript_enabled: true, timezone_offset: -330, color_depth: 24, screen_width: 1280, screen_height: 800 },
      referer: 'https://shop.example/pay',
    },
  });
}
const attempt = (backend, key, { owner = 'chk_1', card } = {}) => backend.checkout({
  body: body(card), idempotencyKey: key, ip: '203.0.113.7', callbackUrl: 'https://shop.example/checkout/callback',
  owner, price: (receipt) => (receipt === CART ? { amount: 100, currency: 'INR' } : null),
});

test('one order per key; the gateway is called once; another browser is refused without a call', async () => {
  const g = scripted({ 'POST /v1/orders': orderAnswer });
  const backend = createBackend({ gateway: g.gateway, keySecret: 'secret' });
  const first = await attempt(backend, 'k1');
  assert.deepEqual([first.status, first.body.id], [200, ORDER]);
  const again = await attempt(backend, 'k1');
  assert.deepEqual([again.status, again.body.id, again.replayed], [200, ORDER, true]);
  assert.equal((await attempt(backend, 'k2', { owner: 'chk_2' })).body.error.reason, 'order_belongs_to_another_checkout');
  const relay = await backend.otp('generate', { body: JSON.stringify({ url: `${GATEWAY}/v1/payments/${PAY}/otp_generate?track_id=t` }), owner: 'chk_2' });
  assert.equal(relay.status, 404);
  assert.deepEqual(g.calls, ['POST /v1/orders']);
});

test('a lost answer is never sent again blindly: the retry asks the gateway first', async () => {
  for (const [payments, want] of [
    [[{ id: PAY, status: 'captured' }], 'order_already_paid'],
    [[{ id: PAY, status: 'created' }], 'order_payment_in_progress'],
    [[{ id: PAY, status: 'failed' }], 'sent again'],
    [[], 'sent again'],
  ]) {
    let posts = 0;
    const g = scripted({
      'POST /v1/orders': () => (++posts === 1 ? Object.assign(new Error('reset'), { name: 'TypeError' }) : orderAnswer),
      [`GET /v1/orders?receipt=${CART}&count=100`]: { entity: 'collection', items: [{ id: ORDER, receipt: CART }] },
      [`GET /v1/orders/${ORDER}/payments`]: { entity: 'collection', items: payments },
    });
    const backend = createBackend({ gateway: g.gateway, keySecret: 'secret', store: memoryStore() });
    const lost = await attempt(backend, 'k1');
    assert.deepEqual([lost.status, lost.unknown], [502, true]);
    const retry = await attempt(backend, 'k1');
    if (want === 'sent again') {
      assert.deepEqual([retry.status, retry.body.id, posts], [200, ORDER, 2], JSON.stringify(payments));
    } else {
      assert.equal(retry.body.error.reason, want, JSON.stringify(payments));
      assert.equal(posts, 1, 'nothing sent again');
    }
    // A new key for the cart (a second tab) is judged the same way.
    if (want !== 'sent again') assert.equal((await attempt(backend, 'k2')).body.error.reason, want);
  }
  // The gateway cannot say: 502, nothing sent.
  const g = scripted({ 'POST /v1/orders': Object.assign(new Error('timeout'), { name: 'TimeoutError' }) });
  const backend = createBackend({ gateway: g.gateway, keySecret: 'secret' });
  assert.equal((await attempt(backend, 'k1')).status, 504);
  const retry = await attempt(backend, 'k1');
  assert.deepEqual([retry.status, retry.body.error.reason], [502, 'gateway_unreachable']);
  assert.equal(g.calls.filter((c) => c === 'POST /v1/orders').length, 1);
});

test('webhooks: fulfilled once per cart, a redelivery is a duplicate, payment.captured fetches the order', async () => {
  const order = { id: ORDER, entity: 'order', status: 'paid', amount: 100, amount_paid: 100, currency: 'INR', receipt: CART };
  const payment = { id: PAY, entity: 'payment', status: 'captured', order_id: ORDER, amount: 100 };
  const g = scripted({ [`GET /v1/orders/${ORDER}`]: order });
  const shipped = [];
  const backend = createBackend({ gateway: g.gateway, keySecret: 'secret', webhookSecrets: ['whsec'], onFulfil: (c) => { shipped.push(c); } });
  const event = (name, id, contains) => {
    const raw = JSON.stringify({ entity: 'event', event: name, contains, payload: { payment: { entity: payment }, ...(contains.includes('order') ? { order: { entity: order } } : {}) }, created_at: Math.floor(Date.now() / 1000) });
    return backend.webhook({ rawBody: Buffer.from(raw), signature: hmac('whsec', raw), eventId: id });
  };
  assert.deepEqual((await event('order.paid', 'Evt1', ['payment', 'order'])).body, { status: 'recorded', fulfilment: 'fulfilled' });
  assert.deepEqual((await event('order.paid', 'Evt1', ['payment', 'order'])).body, { status: 'duplicate' });
  assert.deepEqual((await event('payment.captured', 'Evt2', ['payment'])).body, { status: 'recorded', fulfilment: 'already_fulfilled' });
  assert.deepEqual((await event('payment.failed', 'Evt3', ['payment'])).body, { status: 'ignored' });
  assert.deepEqual(shipped, [{ order_id: ORDER, payment_id: PAY, receipt: CART, amount: 100, currency: 'INR' }]);
  assert.deepEqual(g.calls, [`GET /v1/orders/${ORDER}`]);
  const bad = await backend.webhook({ rawBody: '{}', signature: hmac('other', '{}'), eventId: 'Evt4' });
  assert.equal(bad.body.error.reason, 'invalid_signature');
});

test('two new attempts at once for a cart whose payment failed: one reaches the gateway, the other waits', async () => {
  let posts = 0;
  const g = scripted({
    'POST /v1/orders': () => { posts += 1; return orderAnswer; },
    [`GET /v1/payments/${PAY}`]: { id: PAY, entity: 'payment', status: 'failed', order_id: ORDER },
  });
  // Two processes over one (atomic) store: createBackend's claims may rely on putIfAbsent only.
  const store = memoryStore();
  const [one, two] = [createBackend({ gateway: g.gateway, keySecret: 'secret', store }), createBackend({ gateway: g.gateway, keySecret: 'secret', store })];
  assert.equal((await attempt(one, 'k1')).status, 200);
  const both = await Promise.all([attempt(one, 'k2', { card: '5500670000001002' }), attempt(two, 'k3', { card: '4111111111111111' })]);
  assert.deepEqual(both.map((a) => a.status).sort(), [200, 409], JSON.stringify(both.map((a) => a.body)));
  assert.equal(both.find((a) => a.status === 409).body.error.reason, 'order_payment_in_progress');
  assert.equal(posts, 2, 'the cart was sent to the gateway twice at once');
  // Once that one failed too, the next attempt goes on.
  assert.equal((await attempt(two, 'k4', { card: '4386289407660153' })).status, 200);
  assert.equal(posts, 3);
});

test('an onFulfil that throws: the webhook fails (redelivered), and the redelivery runs onFulfil again, once', async () => {
  const order = { id: ORDER, entity: 'order', status: 'paid', amount: 100, amount_paid: 100, currency: 'INR', receipt: CART };
  const payment = { id: PAY, entity: 'payment', status: 'captured', order_id: ORDER, amount: 100 };
  const g = scripted({ [`GET /v1/orders/${ORDER}`]: order });
  let calls = 0;
  const backend = createBackend({ gateway: g.gateway, keySecret: 'secret', webhookSecrets: ['whsec'],
    onFulfil: () => { calls += 1; if (calls === 1) throw new Error('the warehouse is down'); } });
  const raw = JSON.stringify({ entity: 'event', event: 'order.paid', contains: ['payment', 'order'], payload: { payment: { entity: payment }, order: { entity: order } }, created_at: Math.floor(Date.now() / 1000) });
  const deliver = () => backend.webhook({ rawBody: Buffer.from(raw), signature: hmac('whsec', raw), eventId: 'Evt1' });
  await assert.rejects(deliver(), /warehouse/);
  assert.deepEqual((await deliver()).body, { status: 'recorded', fulfilment: 'fulfilled' });
  assert.deepEqual((await deliver()).body, { status: 'duplicate' });
  const captured = JSON.stringify({ entity: 'event', event: 'payment.captured', contains: ['payment'], payload: { payment: { entity: payment } }, created_at: Math.floor(Date.now() / 1000) });
  assert.deepEqual((await backend.webhook({ rawBody: captured, signature: hmac('whsec', captured), eventId: 'Evt2' })).body, { status: 'recorded', fulfilment: 'already_fulfilled' });
  assert.equal(calls, 2);
});

test('two orders of one cart both paid (a late authorisation after a retry): fulfilled once, by receipt', async () => {
  const ORDER2 = 'order_BBBBBBBBBBBBBB';
  const PAY2 = 'pay_BBBBBBBBBBBBBB';
  const shipped = [];
  const backend = createBackend({ gateway: scripted({}).gateway, keySecret: 'secret', webhookSecrets: ['whsec'], onFulfil: (c) => { shipped.push(c.order_id); } });
  const paid = (orderId, paymentId, id) => {
    const raw = JSON.stringify({ entity: 'event', event: 'order.paid', contains: ['payment', 'order'], created_at: Math.floor(Date.now() / 1000),
      payload: { payment: { entity: { id: paymentId, entity: 'payment', status: 'captured', order_id: orderId, amount: 100 } },
        order: { entity: { id: orderId, entity: 'order', status: 'paid', amount: 100, amount_paid: 100, currency: 'INR', receipt: CART } } } });
    return backend.webhook({ rawBody: raw, signature: hmac('whsec', raw), eventId: id });
  };
  assert.equal((await paid(ORDER2, PAY2, 'Evt1')).body.fulfilment, 'fulfilled');
  assert.equal((await paid(ORDER, PAY, 'Evt2')).body.fulfilment, 'already_fulfilled');
  assert.deepEqual(shipped, [ORDER2]);
});
