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
function bytes(body) {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  // No body at all (a framework that parsed nothing) is an empty one: the answer says so.
  return encoder.encode(body === undefined ? '' : JSON.stringify(body) ?? '');
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
    return parse(kit.prepareOrder(bytes(body), JSON.stringify({ ...opts, price: price ?? null })));
  }
  // Validated first (the shopper's mistakes before the cart's), then priced.
  const built = parse(kit.prepareOrder(bytes(body), JSON.stringify(opts)));
  if (!built.ok) return built;
  const receipt = typeof built.order.receipt === 'string' ? built.order.receipt : null;
  return applyPrice(built.order, receipt === null ? null : price(receipt) ?? null);
}

export function applyPrice(order, price) {
  load();
  return parse(kit.applyPrice(JSON.stringify(order), JSON.stringify(price ?? null)));
}

export function orderFingerprint(order) {
  load();
  return parse(kit.orderFingerprint(JSON.stringify(order ?? null)));
}

export function receiptOf(body) {
  load();
  return parse(kit.receiptOf(bytes(body)));
}

export function otpRelay(action, body, options) {
  load();
  return parse(kit.otpRelay(String(action), bytes(body), String(options?.gatewayUrl ?? '')));
}

export function verifyPaymentSignature(fields, keySecret) {
  load();
  const s = (v) => (typeof v === 'string' ? v : '');
  return kit.verifyPaymentSignature(s(keySecret), s(fields?.razorpay_order_id), s(fields?.razorpay_payment_id), s(fields?.razorpay_signature));
}

/**
 * A secret's end as Unix seconds: a Date, seconds, or text (digits, or an ISO
 * instant such as 2026-12-03T00:00:00Z). Given but unreadable, it has already
 * ended: an old secret is never accepted for ever by mistake.
 */
function untilOf(until) {
  if (until === undefined || until === null || until === '') return {};
  const ms = until instanceof Date ? until.getTime()
    : typeof until === 'number' ? until * 1000
      : /^\d+$/.test(String(until).trim()) ? Number(String(until).trim()) * 1000 : Date.parse(String(until));
  return { until: Number.isFinite(ms) ? Math.floor(ms / 1000) : 0 };
}

export function verifyWebhook(rawBody, signature, secrets, options) {
  load();
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new TypeError('verifyWebhook: pass the raw body (a Buffer or string), never the parsed JSON: the signature is over the bytes');
  }
  const list = (Array.isArray(secrets) ? secrets : [secrets])
    .filter((s) => (typeof s === 'string' ? s !== '' : typeof s?.secret === 'string' && s.secret !== ''))
    .map((s) => (typeof s === 'string' ? { secret: s } : { secret: s.secret, ...untilOf(s.until) }));
  const sig = header(signature);
  const id = header(options?.eventId);
  const now = options?.now ?? Math.floor(Date.now() / 1000);
  return parse(kit.verifyWebhook(bytes(rawBody), typeof sig === 'string' ? sig : undefined,
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

export function admitAttempt(input) {
  load();
  return parse(kit.admitAttempt(JSON.stringify(input ?? {})));
}

export function reconcileAttempt(orders, receipt) {
  load();
  return parse(kit.reconcileAttempt(JSON.stringify(orders ?? null), String(receipt ?? '')));
}

export function idsOf(body) {
  load();
  return parse(kit.idsOf(JSON.stringify(body ?? null)));
}

// ------------------------------------------------------------------ the backend
// The calls in an order, over a store: what docs/backend-contract.md asks of a
// backend, each decision taken by the functions above (the Rust core).

/**
 * A client of the gateway's REST API (Basic auth with your key): `(method,
 * pathOrUrl, body?) → { status, body }`. A network failure or timeout is a
 * 502/504 `GATEWAY_ERROR` answer with `unknown: true`: the gateway may have
 * done the work.
 */
export function gatewayClient({ baseUrl = 'https://api.razorpay.com', keyId, keySecret, accountId, timeoutMs = 30000, fetch: fetchImpl = globalThis.fetch } = {}) {
  if (!keyId || !keySecret) throw new TypeError('gatewayClient: keyId and keySecret are required');
  const base = String(baseUrl).replace(/\/+$/, '');
  const headers = { authorization: `Basic ${Buffer.from(`${keyId}:${keySecret}`).toString('base64')}`, 'content-type': 'application/json' };
  if (accountId) headers['x-razorpay-account'] = accountId;
  const call = async (method, pathOrUrl, body) => {
    const url = /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${base}${pathOrUrl}`;
    let response;
    try {
      response = await fetchImpl(url, { method, headers, body: body == null ? undefined : JSON.stringify(body), redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const timeout = e?.name === 'TimeoutError';
      return { ...errorAnswer(timeout ? 504 : 502, { code: 'GATEWAY_ERROR', description: timeout ? 'The payment gateway did not answer in time.' : 'The payment gateway could not be reached.', reason: timeout ? 'gateway_timeout' : 'gateway_unreachable' }), unknown: true };
    }
    const text = await response.text().catch(() => null);
    try {
      return { ok: response.status < 300, status: response.status, body: text ? JSON.parse(text) : {} };
    } catch {
      return { ...errorAnswer(502, { code: 'GATEWAY_ERROR', description: 'The payment gateway answered with something that is not JSON.', reason: 'gateway_invalid_response' }), unknown: response.status < 300 };
    }
  };
  call.baseUrl = base;
  call.timeoutMs = timeoutMs;
  return call;
}

/** A store in this process's memory: for one process (a demo, a test). Use your database's for anything else. */
export function memoryStore() {
  const tables = new Map();
  const table = (name) => tables.get(name) ?? tables.set(name, new Map()).get(name);
  return {
    get: (name, id) => table(name).get(id),
    put: (name, id, value) => { table(name).set(id, value); },
    putIfAbsent: (name, id, value) => (table(name).has(id) ? false : (table(name).set(id, value), true)),
  };
}

const ok = (body) => ({ ok: true, status: 200, body });

export function createBackend({ gateway, keySecret, webhookSecrets = [], store = memoryStore(), onFulfil = () => {} } = {}) {
  if (typeof gateway !== 'function' || !gateway.baseUrl) throw new TypeError('createBackend: gateway must be a gatewayClient()');
  if (!keySecret) throw new TypeError('createBackend: keySecret is required');
  const notFound = (field) => errorAnswer(404, { description: 'The id provided does not exist', field, reason: 'payment_not_found' });
  const mine = async (paymentId, owner) => {
    const row = typeof paymentId === 'string' && owner ? await store.get('payment', paymentId) : undefined;
    return row?.owner === owner ? row : undefined;
  };
  // Fulfils once per merchant order (receipt): whoever claims first ships. An onFulfil that throws
  // marks the claim failed and throws on (a webhook is answered 5xx and redelivered); the next claim
  // takes a failed one over (a putIfAbsent of its next generation) and runs onFulfil again.
  const claim = async (order, payment) => {
    const c = fulfilment(order, payment);
    if (!c) return 'none';
    const id = c.receipt ?? c.order_id;
    let generation = 0;
    if (!(await store.putIfAbsent('fulfilment', id, { ...c, state: 'shipping', generation }))) {
      const row = await store.get('fulfilment', id);
      if (row?.state !== 'failed') return 'already_fulfilled';
      generation = (row.generation ?? 0) + 1;
      if (!(await store.putIfAbsent('fulfilment_claim', `${id}#${generation}`, { since: Date.now() }))) return 'already_fulfilled';
      await store.put('fulfilment', id, { ...c, state: 'shipping', generation });
    }
    try {
      await onFulfil(c);
    } catch (e) {
      await store.put('fulfilment', id, { ...c, state: 'failed', generation });
      throw e;
    }
    await store.put('fulfilment', id, { ...c, state: 'fulfilled', generation });
    return 'fulfilled';
  };
  const verified = async (fields) => {
    const row = typeof fields?.razorpay_payment_id === 'string' ? await store.get('payment', fields.razorpay_payment_id) : undefined;
    if (!row || !verifyPaymentSignature({ ...fields, razorpay_order_id: row.orderId }, keySecret)) return false;
    await store.put('payment', fields.razorpay_payment_id, { ...row, verified: true });
    // The callback may come before the webhook: fulfil from a fetch. A failed fetch or onFulfil never
    // fails the shopper's answer: it leaves the order to the webhook.
    const [payment, order] = await Promise.all([gateway('GET', `/v1/payments/${fields.razorpay_payment_id}`), gateway('GET', `/v1/orders/${row.orderId}`)]);
    if (payment.status === 200 && order.status === 200) await claim(order.body, payment.body).catch(() => 'none');
    return true;
  };
  // What the gateway has for a receipt: its orders and their payments, judged by reconcileAttempt.
  const reconcile = async (receipt) => {
    const doubt = () => errorAnswer(502, { code: 'GATEWAY_ERROR', description: 'The payment gateway could not tell whether an earlier attempt of this order went through; nothing was sent. Try again shortly.', reason: 'gateway_unreachable' });
    if (typeof receipt !== 'string') return doubt();
    const list = await gateway('GET', `/v1/orders?receipt=${encodeURIComponent(receipt)}&count=100`);
    if (list.status !== 200 || !Array.isArray(list.body.items)) return doubt();
    const orders = [];
    for (const o of list.body.items) {
      if (o?.receipt !== receipt) continue;
      if (!/^order_[A-Za-z0-9]{14}$/.test(o.id ?? '')) return doubt();
      const payments = await gateway('GET', `/v1/orders/${o.id}/payments`);
      if (payments.status !== 200 || !Array.isArray(payments.body.items)) return doubt();
      orders.push({ id: o.id, receipt, payments: payments.body.items });
    }
    return reconcileAttempt(orders, receipt);
  };
  return {
    async checkout({ body, idempotencyKey: header, ip, callbackUrl, customerId, owner, price }) {
      const key = idempotencyKey(header);
      if (!key.ok) return key;
      const prepared = prepareOrder(body, { ip, callbackUrl, customerId, price });
      if (!prepared.ok) return prepared;
      const { order } = prepared, print = orderFingerprint(order), receipt = order.receipt ?? `key:${key.key}`;
      // A pending row is unknown once its answer was lost, or it is older than an answer can take.
      const lost = (row) => row && { ...row, unknown: row.pending === true && (row.unknown === true || Date.now() - (row.since ?? 0) > 2 * (gateway.timeoutMs ?? 30000) + 5000) };
      const byKey = lost(await store.get('key', key.key)), byReceipt = lost(await store.get('receipt', receipt));
      let d = admitAttempt({ byKey, byReceipt, print, owner });
      if (d.ok && d.action === 'check') {
        const earlier = await gateway('GET', `/v1/payments/${d.paymentId}`);
        if (earlier.status !== 200) return earlier;
        d = admitAttempt({ byKey, byReceipt, print, owner, paymentStatus: earlier.body.status });
      }
      let reconciled = false;
      if (d.ok && d.action === 'reconcile') {
        const r = await reconcile(order.receipt);
        if (!r.ok) return r;
        reconciled = true;
      }
      if (!d.ok) return d;
      if (d.action === 'replay_key') return { ok: byKey.status < 300, status: byKey.status, body: byKey.body, replayed: true };
      if (d.action === 'replay_receipt') {
        await store.put('key', key.key, { ...byReceipt, generation: 0 });
        return { ok: byReceipt.status < 300, status: byReceipt.status, body: byReceipt.body, replayed: true };
      }
      // Claim the key and the receipt before calling the gateway. A new row is one putIfAbsent; taking
      // over a row an earlier attempt left (its payment failed, its answer lost) is a putIfAbsent of
      // that row's next generation: of two attempts at once, in one process or two over one store,
      // exactly one wins, the other is refused, and the gateway is called once.
      const pending = { owner, print, pending: true, since: Date.now() };
      const claimRow = async (table, id, earlier) => {
        if (!earlier) return (await store.putIfAbsent(table, id, { ...pending, generation: 0 })) ? 0 : null;
        const generation = (earlier.generation ?? 0) + 1;
        if (!(await store.putIfAbsent(`${table}_claim`, `${id}#${generation}`, { owner, since: pending.since }))) return null;
        await store.put(table, id, { ...pending, generation });
        return generation;
      };
      const keyGen = await claimRow('key', key.key, reconciled ? byKey : undefined);
      if (keyGen === null) return admitAttempt({ byKey: pending, print, owner });
      const receiptGen = await claimRow('receipt', receipt, byReceipt);
      if (receiptGen === null) {
        // Another attempt has the receipt: this key's answer is that refusal (the same key, the same answer).
        const refused = admitAttempt({ byReceipt: pending, print, owner });
        await store.put('key', key.key, { owner, print, pending: false, status: refused.status, body: refused.body, generation: keyGen });
        return refused;
      }
      const both = async (row) => {
        await store.put('key', key.key, { ...row, generation: keyGen });
        await store.put('receipt', receipt, { ...row, generation: receiptGen });
      };
      const answer = await gateway('POST', '/v1/orders', order);
      if (answer.unknown) {
        // Lost: the gateway may have it. Never sent again blindly: the next attempt reconciles.
        await both({ ...pending, unknown: true });
        return answer;
      }
      const { paymentId, orderId } = idsOf(answer.body);
      await both({ owner, print, pending: false, status: answer.status, body: answer.body, paymentId, orderId });
      if (paymentId) await store.put('payment', paymentId, { owner, orderId, receipt: order.receipt ?? null, verified: false });
      return answer;
    },
    async otp(action, { body, owner }) {
      const r = otpRelay(action, body ?? '', { gatewayUrl: gateway.baseUrl });
      if (!r.ok) return r;
      if (!(await mine(r.relay.paymentId, owner))) return notFound('url');
      return gateway(r.relay.method, r.relay.url, r.relay.body ?? undefined);
    },
    async verify({ body }) {
      let fields = body;
      if (typeof body === 'string' || body instanceof Uint8Array) {
        try { fields = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)); } catch { fields = null; }
      }
      if (fields === null || typeof fields !== 'object') return errorAnswer(400, { description: 'The request body must be a JSON object.' });
      for (const k of ['razorpay_order_id', 'razorpay_payment_id', 'razorpay_signature']) {
        if (typeof fields[k] !== 'string' || fields[k] === '') return errorAnswer(400, { description: `The ${k} field is required.`, field: k });
      }
      return ok({ signature_valid: await verified(fields) });
    },
    async callback({ body }) {
      const form = readCallback(body ?? '', keySecret);
      const fields = Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : new TextDecoder().decode(body ?? new Uint8Array())));
      if (form.signatureValid) await verified(fields);
      const q = new URLSearchParams(Object.entries({ payment_id: form.paymentId, order_id: form.orderId }).filter(([, v]) => v));
      return { ok: true, status: 303, location: `/result.html?${q}`, body: null };
    },
    async result({ paymentId, orderId, owner }) {
      const row = await mine(paymentId, owner);
      if (!row) return notFound('payment_id');
      const payment = await gateway('GET', `/v1/payments/${paymentId}`);
      if (payment.status !== 200) return payment;
      const shipped = row.receipt ? await store.get('fulfilment', row.receipt) : undefined;
      return ok(paymentVerdict(payment.body, { orderId: typeof orderId === 'string' ? orderId : null, signatureVerified: row.verified === true, fulfilled: shipped?.payment_id === paymentId && shipped.state !== 'failed' }));
    },
    async payment({ paymentId, owner }) {
      return (await mine(paymentId, owner)) ? gateway('GET', `/v1/payments/${paymentId}`) : notFound('payment_id');
    },
    async webhook({ rawBody, signature, eventId }) {
      const v = verifyWebhook(rawBody, signature, webhookSecrets, { eventId });
      if (!v.ok) return v;
      const { event, dedupeKey, payload } = v.webhook, ids = [v.webhook.eventId, dedupeKey].filter(Boolean);
      if (!v.webhook.recorded) return ok({ status: 'ignored' });
      for (const id of ids) if (await store.get('event', id)) return ok({ status: 'duplicate' });
      // Processed first, recorded after: an event whose processing failed is answered 5xx and redelivered.
      const payment = payload.payload?.payment?.entity, order = payload.payload?.order?.entity;
      let outcome = 'none';
      if (event === 'order.paid' && order && payment) outcome = await claim(order, payment);
      if (event === 'payment.captured' && /^order_[A-Za-z0-9]{14}$/.test(payment?.order_id ?? '')) {
        const fetched = await gateway('GET', `/v1/orders/${payment.order_id}`);
        if (fetched.status !== 200) return errorAnswer(503, { code: 'GATEWAY_ERROR', description: 'The order could not be fetched: send the event again.', reason: 'gateway_unreachable' });
        outcome = await claim(fetched.body, payment);
      }
      for (const id of ids) await store.put('event', id, { event, at: v.webhook.createdAt });
      return ok({ status: 'recorded', fulfilment: outcome });
    },
  };
}
