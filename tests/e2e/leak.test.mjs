// After a payment, the card number is no longer in the modules' memory:
// the demo page's wasm linear memories (the main module's, and the card
// entry's, whose card functions the main entry re-exports) are scanned from JS for the number's
// ASCII digits (plain and as typed, with spaces, and any 12-digit prefix a
// keystroke left behind) and for the CVV as a JSON field.
//
// The scan reads the page's own instance: app.js imports /pkg/index.js (the
// glue bundled in), whose `init()` on an initialised module resolves the same
// instance's `{ memory }` (the glue's `if (wasm !== undefined) return wasm`),
// so `(await import('/pkg/index.js')).default()` in the page is the instance
// app.js uses. Importing the glue file itself would make a second instance
// (index.js has its own copy of the glue): every scan checks the .wasm was
// fetched only once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, openPage, typeCard, checkoutPosts, assertNoLeak } from './harness.mjs';

let demo;
let browser;
before(async () => {
  demo = await startDemo(process.env.LEAK_PKG_DIR ? { PKG_DIR: process.env.LEAK_PKG_DIR } : {});
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  demo?.stop();
});

// Published test cards (Razorpay's domestic Mastercard and international
// Visa, the networks' Amex) used by no other test, so nothing else puts them
// in memory.
const MC = '5267318187975449';
const VISA = '4012888888881881';
const AMEX = '378282246310005';
const CVV = '837';

const spaced = (n) => n.replace(/(\d{4})(?=\d)/g, '$1 ');

/** The needles: full number plain and spaced, 12-digit prefix plain and spaced, CVV as a JSON field. */
function needles(number, cvv) {
  const out = { digits: number, spaced: spaced(number), prefix12: number.slice(0, 12), spacedPrefix12: spaced(number.slice(0, 12)) };
  if (cvv) Object.assign(out, { cvvJson: `"cvv":"${cvv}"`, cvvToken: cvv });
  return out;
}

/**
 * Scans the page's wasm memory for each needle (ASCII bytes). A CVV token
 * counts only when no ASCII letter, digit or `_.-` is next to it. Returns
 * counts, and for each hit its offset and the printable bytes around it.
 * Fails unless it read the page's own instance (the .wasm fetched once).
 */
async function scanMemory(page, needleMap) {
  const scan = await page.evaluate(async (needleMap) => {
    const m = await import('/pkg/index.js');
    const w = await m.default({ checkout: true });
    // Both modules' memories (the card functions are the card entry's module),
    // one after the other with a gap no needle spans.
    const main = new Uint8Array(w.memory.buffer);
    const card = new Uint8Array(w.cardMemory.buffer);
    const mem = new Uint8Array(main.length + 64 + card.length);
    mem.set(main);
    mem.set(card, main.length + 64);
    const isWord = (b) => (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 95 || b === 46 || b === 45;
    const fetches = (file) => performance.getEntriesByType('resource').filter((e) => e.name.endsWith(file)).length;
    const result = { size: mem.length, cardSize: card.length,
      wasmFetches: fetches('/razorpay_checkout_wasm_bg.wasm'), cardFetches: fetches('/card/card_bg.wasm'), hits: {} };
    for (const [name, text] of Object.entries(needleMap)) {
      const needle = new TextEncoder().encode(text);
      const token = name === 'cvvToken';
      const hits = [];
      const first = needle[0];
      outer: for (let i = mem.indexOf(first); i !== -1 && i <= mem.length - needle.length; i = mem.indexOf(first, i + 1)) {
        for (let j = 1; j < needle.length; j++) if (mem[i + j] !== needle[j]) continue outer;
        if (token && (isWord(mem[i - 1]) || isWord(mem[i + needle.length]))) continue;
        const around = Array.from(mem.subarray(Math.max(0, i - 24), i + needle.length + 24), (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
        hits.push({ offset: i, around });
      }
      result.hits[name] = hits;
    }
    return result;
  }, needleMap);
  assert.equal(scan.wasmFetches, 1, "the scan must read the page's own instance");
  assert.equal(scan.cardFetches, 1, "the scan must read the page's own card instance");
  assert.ok(scan.cardSize > 0, 'the card module memory is scanned too');
  return scan;
}

function assertClean(scan, what, baseline) {
  const found = Object.entries(scan.hits)
    .filter(([name, hits]) => hits.length > (name === 'cvvToken' ? baseline.hits.cvvToken.length : 0))
    .map(([name, hits]) => `${name} ×${hits.length}: ${hits.slice(0, 4).map((h) => `@${h.offset} «${h.around}»`).join(' ')}`);
  assert.deepEqual(found, [], `${what}: card data left in wasm memory (${scan.size} B)`);
}

test('after validateCard, inspectNumber, pay() and the OTP (paid), the number and CVV are not in wasm memory', async () => {
  const rec = await openPage(browser, demo.demo);
  const { page, context, requests } = rec;
  const want = needles(MC, CVV);
  const baseline = await scanMemory(page, want);
  // Typing calls inspectNumber on every keystroke, blur calls validateCard.
  await typeCard(page, { number: spaced(MC), cvv: CVV });
  await page.click('#pay');
  await page.waitForSelector('#otp-dialog[open]'); // pay() resolved: awaiting_otp
  assert.equal(checkoutPosts(requests).length, 1);
  assert.ok(checkoutPosts(requests)[0].body.includes(`"number":"${MC}"`), 'the number was sent (the scan looks for what was there)');
  const scan = await scanMemory(page, want);
  assertClean(scan, 'after pay()', baseline);
  // The OTP completes the payment. The page's move to the result page is
  // answered 204 (which leaves the document in place), so the same memory
  // is scanned once the payment is paid.
  await page.route('**/result.html*', (route) => route.fulfill({ status: 204 }));
  await page.fill('#otp', '123456');
  await Promise.all([page.waitForRequest(/\/result\.html\?.*signature_valid=true/), page.click('#otp-submit')]);
  assertClean(await scanMemory(page, want), 'after the payment was paid', baseline);
  await assertNoLeak(rec, { number: MC, cvv: CVV });
  await context.close();
});

test('after a redirect pay() and direct calls with the number, the number and CVV are not in wasm memory', async () => {
  const rec = await openPage(browser, demo.demo);
  const { page, context } = rec;
  const want = needles(VISA, CVV);
  const baseline = await scanMemory(page, want);
  const outcome = await page.evaluate(async ({ number, cvv }) => {
    const m = await import('/pkg/index.js');
    await m.default();
    const card = { number, expiry: '12/30', cvv, name: 'Gaurav Kumar' };
    let typed = '';
    for (const ch of number) { typed += ch; m.inspectNumber(typed); m.cardNetwork(typed); }
    const verdict = m.validateCard(card);
    const config = await (await fetch('/api/config')).json();
    const customer = await (await fetch('/api/customers', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Gaurav Kumar', email: 'gaurav.kumar@example.com', contact: '9000090000' }) })).json();
    let navigatedTo = null;
    const checkout = new m.Checkout({
      endpoint: '/api/checkout', allowedHosts: [config.gateway_host], allowLoopbackHttp: true, authentication: 'redirect',
      onNavigate: (url) => { navigatedTo = url; },
    });
    const cart = await (await fetch('/api/carts', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ product: 'tea_monthly' }) })).json();
    const out = await checkout.pay({ amount: cart.amount, currency: cart.currency, customer_id: customer.id, receipt: cart.id,
      payment: { email: 'gaurav.kumar@example.com', contact: '9000090000', method: 'card', card } });
    return { valid: verdict.valid, status: out.status, navigatedTo };
  }, { number: spaced(VISA), cvv: CVV });
  assert.equal(outcome.valid, true);
  assert.equal(outcome.status, 'redirecting');
  assert.ok(outcome.navigatedTo.startsWith(demo.gateway));
  assertClean(await scanMemory(page, want), 'after redirect pay()', baseline);
  await assertNoLeak(rec, { number: VISA, cvv: CVV });
  await context.close();
});

test('right after validateCard and inspectNumber (the last calls), the number and CVV are not in wasm memory', async () => {
  // No later call overwrites what these two left on the stack or the heap.
  const { page, context } = await openPage(browser, demo.demo);
  const want = needles(AMEX, '8375');
  want.spaced = '3782 822463 10005'; // Amex groups 4-6-5
  want.spacedPrefix12 = '3782 822463 10';
  const baseline = await scanMemory(page, want);
  const verdicts = await page.evaluate(async ({ number, cvv }) => {
    const m = await import('/pkg/index.js');
    await m.default();
    const views = [];
    let typed = '';
    for (const ch of number) { typed += ch; views.push(m.inspectNumber(typed).formatted); }
    const verdict = m.validateCard({ number: views.at(-1), expiry: '12/30', cvv, name: 'Gaurav Kumar' });
    return { formatted: views.at(-1), valid: verdict.valid, normalised: verdict.card?.number };
  }, { number: AMEX, cvv: '8375' });
  assert.equal(verdicts.formatted, want.spaced);
  assert.equal(verdicts.valid, true);
  assert.equal(verdicts.normalised, AMEX, 'validateCard handed the number back (it was in memory)');
  assertClean(await scanMemory(page, want), 'after validateCard', baseline);
  await context.close();
});

test('after pay() calls during which a page-patched built-in threw, the number and CVV are not in wasm memory, and each pay() rejected typed', async () => {
  // Before every call into the page was a `catch` import, such a throw
  // unwound through the module past the Rust code that drops (and so
  // wipes) the decoded card, and pay()'s promise never settled.
  const { page, context } = await openPage(browser, demo.demo);
  await page.route('**/leak-sink*', (route) => route.fulfill({ status: 400, contentType: 'application/json',
    body: '{"error":{"code":"BAD_REQUEST_ERROR","description":"Stand-in refusal"}}' }));
  const number = '5104060000000008'; // Razorpay's test Mastercard, used by no other test
  const cvv = '468';
  const want = needles(number, cvv);
  const baseline = await scanMemory(page, want);
  const outcomes = await page.evaluate(async ({ number, cvv }) => {
    const m = await import('/pkg/index.js');
    await m.default();
    const { Promise: P, setTimeout: later } = window;
    const boom = () => { throw new Error('patched'); };
    // Each is called after pay() decoded the card (the clock and the
    // browser for the order, then the request itself).
    const patches = {
      'Date.now': [Date, 'now'], Date: [window, 'Date'], fetch: [window, 'fetch'], Headers: [window, 'Headers'],
      AbortController: [window, 'AbortController'], 'Date.prototype.getTimezoneOffset': [Date.prototype, 'getTimezoneOffset'],
    };
    const out = {};
    for (const [name, [owner, key]] of Object.entries(patches)) {
      const saved = Object.getOwnPropertyDescriptor(owner, key);
      Object.defineProperty(owner, key, { ...saved, value: typeof saved.value === 'function' && /^[A-Z]/.test(key) ? new Proxy(saved.value, { construct: boom, apply: boom }) : boom });
      const checkout = new m.Checkout({ endpoint: '/leak-sink', authentication: 'redirect', onNavigate: () => {} });
      let pay;
      try { pay = checkout.pay({ amount: 100, currency: 'INR', payment: { email: 'gaurav.kumar@example.com', contact: '9000090000', method: 'card',
        card: { number: number.replace(/(\d{4})(?=\d)/g, '$1 '), expiry: '12/30', cvv, name: 'Gaurav Kumar' } } }); } catch (e) { pay = P.reject(e); }
      out[name] = await new P((resolve) => {
        later(() => resolve('unsettled'), 3000);
        pay.then(() => resolve('resolved'), (e) => resolve(e?.name === 'RazorpayCheckoutError' ? `typed ${e.kind}` : `other: ${e?.name}: ${e?.message}`));
      });
      Object.defineProperty(owner, key, saved);
      checkout.free();
    }
    return out;
  }, { number, cvv });
  assertClean(await scanMemory(page, want), 'after pay() calls during which a built-in threw', baseline);
  for (const [name, outcome] of Object.entries(outcomes)) {
    assert.ok(outcome.startsWith('typed'), `${name}: pay() ${outcome}`);
  }
  await context.close();
});
