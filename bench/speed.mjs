// Speed: the shipped package (pkg/, loaded with initSync) and card-validator
// in ONE node process, the same inputs through both, samples interleaved so
// every ratio is measured in the same run. Prints JSON on stdout.
//
//   node bench/speed.mjs [pkg-dir] [samples]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { CARDS, PREFIXES, RUPAY, compositeRequest, invalidCompositeRequest } from './lib/inputs.mjs';
import { stats } from './lib/stats.mjs';

const pkgDir = resolve(process.argv[2] ?? new URL('../pkg', import.meta.url).pathname);
const SAMPLES = Number(process.argv[3] ?? 15);
const PAIRS = 8; // mini-batch pairs per sample
const BATCH_MS = 3; // target wall time of one mini-batch
const WARMUP_MS = 400; // per side, before sampling

const require = createRequire(import.meta.url);
const cardValidator = require('card-validator');
cardValidator.creditCardType.addCard(RUPAY);

// The main entry (index.js): its card functions are the card entry's module,
// behind index.js's init() guard.
const ours = await import(pathToFileURL(`${pkgDir}/index.js`).href);
ours.initSync({ module: readFileSync(`${pkgDir}/razorpay_checkout_wasm_bg.wasm`), card: readFileSync(`${pkgDir}/card/card_bg.wasm`) });

// The card entry (razorpay-checkout-wasm/card, pkg/card/): its own module.
const card = await import(pathToFileURL(`${pkgDir}/card/card.js`).href);
card.initSync({ module: readFileSync(`${pkgDir}/card/card_bg.wasm`) });

let sink = 0; // keeps every result alive so no work is optimised away

// --- the workloads -------------------------------------------------------
const forms = CARDS.map(([, number, expiry, cvv, name]) => ({ number, expiry, cvv, name }));

function oursCheck(f) {
  const r = ours.validateCard(f);
  sink ^= r.valid ? 1 : r.errors.length;
  return r.valid;
}

function theirsCheck(f) {
  const n = cardValidator.number(f.number);
  const e = cardValidator.expirationDate(f.expiry);
  const c = cardValidator.cvv(f.cvv, n.card ? n.card.code.size : 3);
  const h = cardValidator.cardholderName(f.name);
  const valid = n.isValid && e.isValid && c.isValid && h.isValid;
  sink ^= valid ? 1 : n.isPotentiallyValid ? 2 : 4;
  return valid;
}

function oursInspect(p) {
  const r = ours.inspectNumber(p);
  sink ^= r.formatted.length;
}

function cardCheck(f) {
  const r = card.validateCard(f);
  sink ^= r.valid ? 1 : r.errors.length;
  return r.valid;
}

function cardInspect(p) {
  const r = card.inspectNumber(p);
  sink ^= r.formatted.length;
}

function theirsInspect(p) {
  const r = cardValidator.number(p);
  sink ^= r.isPotentiallyValid ? (r.card ? r.card.gaps.length : 1) : 0;
}

// Checkout.pay in node: a minimal browser shim (window, location, screen)
// and an in-process fetch that answers with a canned composite reply (a
// 3-D Secure redirect, handed to onNavigate). Nothing leaves the process.
globalThis.Window = class Window {
  static [Symbol.hasInstance](x) {
    return x === globalThis;
  }
};
globalThis.location = { href: 'https://shop.example/checkout' };
globalThis.screen = { width: 1440, height: 900, colorDepth: 24 };
const CANNED = JSON.stringify({
  id: 'order_bench_1',
  entity: 'order',
  amount: 50000,
  currency: 'INR',
  status: 'created',
  payment_workflow: {
    razorpay_payment_id: 'pay_bench_1',
    next: [{ action: 'redirect', url: 'https://api.razorpay.com/v1/payments/pay_bench_1/authorize' }],
  },
});
let posted = 0;
globalThis.fetch = async (input, init) => {
  // (The module calls fetch(url, { body, ... }) since its catch-import
  // rewrite; a Request is still read for the harness's own stubOnly.)
  posted += (init?.body !== undefined ? String(init.body) : await input.text()).length;
  return new Response(CANNED, { status: 200, headers: { 'content-type': 'application/json' } });
};
const noop = () => {};

async function oursPay() {
  const checkout = new ours.Checkout({ endpoint: 'https://shop.example/api/checkout', onNavigate: noop });
  const outcome = await checkout.pay(compositeRequest());
  checkout.free();
  sink ^= outcome.status.length;
}

async function oursPayInvalid() {
  const checkout = new ours.Checkout({ endpoint: 'https://shop.example/api/checkout', onNavigate: noop });
  try {
    await checkout.pay(invalidCompositeRequest());
    throw new Error('the invalid request was not rejected');
  } catch (e) {
    if (!e.errors) throw e;
    sink ^= e.errors.length;
  }
  checkout.free();
}

// What the stubbed round trip alone costs (Request + stub + Response + text),
// to read the pay() figure against.
async function stubOnly() {
  const r = await globalThis.fetch(new Request('https://shop.example/api/checkout', {
    method: 'POST', body: '{"amount":50000}', headers: { 'content-type': 'application/json' },
  }));
  sink ^= (await r.text()).length;
}

// A hand-written JS reference for the composite path: card-validator's
// three checks plus a few regexes and JSON.stringify of the same payload.
// It validates far less than pay() (no amount/currency/notes/referer rules,
// no browser object reading, no response parsing): scale only, no budget.
function jsComposite() {
  const req = compositeRequest();
  const card = req.payment.card;
  const n = cardValidator.number(card.number);
  const e = cardValidator.expirationDate(card.expiry);
  const c = cardValidator.cvv(card.cvv, n.card ? n.card.code.size : 3);
  const ok = n.isValid && e.isValid && c.isValid && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(req.payment.email)
    && /^\+?\d{8,15}$/.test(req.payment.contact) && Number.isInteger(req.amount) && /^[A-Z]{3}$/.test(req.currency);
  const body = JSON.stringify({
    ...req,
    payment: {
      ...req.payment,
      amount: req.amount,
      method: 'card',
      card: { name: card.name, number: card.number.replace(/\D/g, ''), cvv: card.cvv, expiry_month: e.month, expiry_year: e.year.slice(-2) },
      authentication: { authentication_channel: 'browser' },
      browser: { java_enabled: false, javascript_enabled: true, timezone_offset: new Date().getTimezoneOffset(), color_depth: 24, screen_width: 1440, screen_height: 900 },
      referer: 'https://shop.example/checkout',
    },
  });
  sink ^= ok ? body.length : 0;
}

// --- timing ------------------------------------------------------------------
/** ns per op of `pass` (one pass = `opsPerPass` ops) run `reps` times. */
function timeSync(pass, reps, opsPerPass) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) pass();
  return Number(process.hrtime.bigint() - t0) / (reps * opsPerPass);
}

async function timeAsync(pass, reps, opsPerPass) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) await pass();
  return Number(process.hrtime.bigint() - t0) / (reps * opsPerPass);
}

/** How many passes make one mini-batch of about BATCH_MS, after a warm-up. */
async function calibrate(pass, timer) {
  let reps = 1;
  const until = Date.now() + WARMUP_MS;
  let perPass = Infinity;
  while (Date.now() < until) {
    const ns = (await timer(pass, reps, 1)) * reps;
    perPass = Math.min(perPass, ns / reps);
    if (ns < 1e6) reps *= 2;
  }
  return Math.max(1, Math.round((BATCH_MS * 1e6) / perPass));
}

const median = (v) => stats(v).median;

/**
 * SAMPLES samples of `a` (ours) and `b` (the anchor, optional). One sample is
 * PAIRS back-to-back mini-batches of each, alternating which goes first, so a
 * burst of load from other processes hits both sides alike; its value is the
 * median mini-batch time per op, and its ratio the median of the pair ratios
 * b / a (how many times faster we are).
 */
async function compare(name, a, b, opsPerPass, isAsync = false) {
  const timer = isAsync ? timeAsync : timeSync;
  const repsA = await calibrate(a, timer);
  const repsB = b ? await calibrate(b, timer) : 0;
  const sa = [];
  const sb = [];
  const ratios = [];
  for (let i = 0; i < SAMPLES; i++) {
    const ta = [];
    const tb = [];
    const r = [];
    for (let j = 0; j < PAIRS; j++) {
      let x;
      let y;
      if (!b || j % 2 === 0) {
        x = await timer(a, repsA, opsPerPass);
        if (b) y = await timer(b, repsB, opsPerPass);
      } else {
        y = await timer(b, repsB, opsPerPass);
        x = await timer(a, repsA, opsPerPass);
      }
      ta.push(x);
      if (b) {
        tb.push(y);
        r.push(y / x);
      }
    }
    sa.push(median(ta));
    if (b) {
      sb.push(median(tb));
      ratios.push(median(r));
    }
  }
  return {
    name,
    opsPerPass,
    ours: stats(sa),
    theirs: b ? stats(sb) : null,
    ratio: b ? stats(ratios) : null,
  };
}

// --- agreement: the same verdicts, so the work compared is the same -----------
const disagreements = [];
for (let i = 0; i < forms.length; i++) {
  const a = oursCheck(forms[i]);
  const b = theirsCheck(forms[i]);
  if (a !== b) disagreements.push({ input: CARDS[i][0], ours: a, cardValidator: b });
  if (cardCheck(forms[i]) !== a) disagreements.push({ input: CARDS[i][0], ours: a, cardEntry: !a });
}
await oursPay();
if (posted === 0) throw new Error('pay() did not post');

const results = [];
results.push(await compare('validateCard vs number+expirationDate+cvv+cardholderName', () => forms.forEach(oursCheck), () => forms.forEach(theirsCheck), forms.length));
results.push(await compare('inspectNumber vs number, each prefix', () => PREFIXES.forEach(oursInspect), () => PREFIXES.forEach(theirsInspect), PREFIXES.length));
results.push(await compare('Checkout.pay: build + validate + post (stub) + parse', oursPay, null, 1, true));
results.push(await compare('Checkout.pay, invalid request (rejects in validation)', oursPayInvalid, null, 1, true));
results.push(await compare('stubbed fetch round trip alone (harness)', stubOnly, null, 1, true));
results.push(await compare('JS reference: card-validator + JSON.stringify of the payload', jsComposite, null, 1));
// (Appended, so results[0] and [1] stay the main entry's for report.mjs.)
results.push(await compare('card entry: validateCard vs number+expirationDate+cvv+cardholderName', () => forms.forEach(cardCheck), () => forms.forEach(theirsCheck), forms.length));
results.push(await compare('card entry: inspectNumber vs number, each prefix', () => PREFIXES.forEach(cardInspect), () => PREFIXES.forEach(theirsInspect), PREFIXES.length));

const cvPkg = require('card-validator/package.json');
const ctPkg = require('credit-card-type/package.json');
console.log(JSON.stringify({
  node: process.version,
  samples: SAMPLES,
  pairs: PAIRS,
  batchMs: BATCH_MS,
  inputs: { cards: forms.length, prefixes: PREFIXES.length },
  anchors: { 'card-validator': cvPkg.version, 'credit-card-type': ctPkg.version },
  disagreements,
  results,
  sink,
}, null, 1));
