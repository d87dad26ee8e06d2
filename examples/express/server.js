// A merchant backend in Express with razorpay-checkout-wasm/server, serving the demo checkout page
// (../../www) and the package: docs/backend-contract.md, every request. The kit decides; this file
// routes, signs the shopper in and keeps the shop's carts. memoryStore() is for one process: give
// createBackend your database's store (the contract lists its rows).
import express from 'express';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createBackend, errorAnswer, gatewayClient } from 'razorpay-checkout-wasm/server';

const env = process.env;
const gateway = gatewayClient({ baseUrl: env.RAZORPAY_BASE_URL, keyId: env.RAZORPAY_KEY_ID, keySecret: env.RAZORPAY_KEY_SECRET });
const backend = createBackend({
  gateway,
  keySecret: env.RAZORPAY_KEY_SECRET,
  webhookSecrets: [env.RAZORPAY_WEBHOOK_SECRET, { secret: env.RAZORPAY_WEBHOOK_SECRET_PREVIOUS, until: env.RAZORPAY_WEBHOOK_SECRET_PREVIOUS_UNTIL }],
  onFulfil: (order) => console.log(`fulfil: ${order.receipt} (${order.order_id}, ${order.payment_id})`), // Ship the goods here.
});
const PRODUCTS = { tea_monthly: { name: 'Assam tea, 100 g', amount: 100, currency: 'INR', mandate: { max_amount: 100000, frequency: 'monthly' } } };
const [sessions, carts] = [new Map(), new Map()];
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const newId = (prefix) => `${prefix}_${[...randomBytes(14)].map((b) => ALNUM[b % 62]).join('')}`;
const send = (res, answer) => res.status(answer.status).json(answer.body);
const fail = (res, status, description, field, reason) => send(res, errorAnswer(status, { description, field, reason }));
const origin = (req) => `${req.protocol}://${req.get('host')}`;
const json = express.raw({ type: 'application/json' });

const app = express();
app.use((req, res, next) => { // This browser's session (use your own sessions); state-changing calls: same-origin JSON only.
  req.sid = /(?:^|;\s*)sid=(sid_\w{14})\b/.exec(req.get('cookie') ?? '')?.[1];
  if (!sessions.has(req.sid)) sessions.set((req.sid = newId('sid')), {}) && res.cookie('sid', req.sid, { httpOnly: true, sameSite: 'strict' });
  req.session = sessions.get(req.sid);
  if (req.method === 'GET' || ['/checkout/callback', '/api/webhooks/razorpay'].includes(req.path)) return next();
  if (req.get('origin') && req.get('origin') !== origin(req)) return fail(res, 403, 'Cross-origin requests are refused.', null, 'cross_origin_request');
  return req.is('application/json') ? next() : fail(res, 415, 'The Content-Type must be application/json.', null, 'unsupported_media_type');
});
app.get('/api/config', (req, res) => res.json({ gateway_host: new URL(gateway.baseUrl).host, key_id: env.RAZORPAY_KEY_ID }));
app.post('/api/carts', express.json(), (req, res) => {
  const cart = Object.hasOwn(PRODUCTS, req.body?.product) && { id: newId('cart'), product: req.body.product, ...PRODUCTS[req.body.product] };
  return cart ? res.json(carts.set(cart.id, cart).get(cart.id)) : fail(res, 400, 'The product does not exist.', 'product');
});
app.get('/api/carts/:id', (req, res) => (carts.has(req.params.id)
  ? res.json(carts.get(req.params.id)) : fail(res, 404, 'The cart does not exist.', 'id')));
app.post('/api/customers', express.json(), async (req, res) => { // A stand-in sign-in: the customer with this email and phone.
  const answer = await gateway('POST', '/v1/customers', { name: req.body?.name, email: req.body?.email, contact: req.body?.contact, fail_existing: '0' });
  if (answer.status === 200) req.session.customer = answer.body.id;
  send(res, answer);
});
app.get('/api/customers/:id/tokens', async (req, res) => (req.params.id === req.session.customer
  ? send(res, await gateway('GET', `/v1/customers/${req.params.id}/tokens`))
  : fail(res, 403, 'This customer is not the one signed in.', null, 'customer_not_signed_in')));
app.post('/api/checkout', json, async (req, res) => send(res, await backend.checkout({
  body: req.body, idempotencyKey: req.get('idempotency-key'), ip: req.ip, callbackUrl: `${origin(req)}/checkout/callback`,
  customerId: req.session.customer, owner: req.sid, price: (receipt) => carts.get(receipt) })));
app.post('/api/checkout/otp/:action', json, async (req, res) => send(res, await backend.otp(req.params.action, { body: req.body, owner: req.sid })));
app.post('/api/verify', json, async (req, res) => send(res, await backend.verify({ body: req.body })));
app.post('/checkout/callback', express.raw({ type: () => true }), async (req, res) => res.redirect(303,
  (await backend.callback({ body: req.body })).location));
app.get('/api/checkout/result', async (req, res) => send(res,
  await backend.result({ paymentId: req.query.payment_id, orderId: req.query.order_id, owner: req.sid })));
app.get('/api/payments/:id', async (req, res) => send(res, await backend.payment({ paymentId: req.params.id, owner: req.sid })));
app.post('/api/webhooks/razorpay', express.raw({ type: () => true }), async (req, res) => send(res,
  await backend.webhook({ rawBody: req.body, signature: req.get('x-razorpay-signature'), eventId: req.get('x-razorpay-event-id') })));
app.use('/api', (req, res) => fail(res, 404, 'The requested URL was not found on the server.'));
app.use(express.static(fileURLToPath(new URL('../../www', import.meta.url))));
app.use('/pkg', express.static(fileURLToPath(new URL('./node_modules/razorpay-checkout-wasm', import.meta.url))));
const server = app.listen(Number(env.PORT ?? 3000), '127.0.0.1', () => console.log(`express: http://127.0.0.1:${server.address().port}/`));
