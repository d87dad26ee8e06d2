// The package's browser entry, index.js, in Node (which compiles WebAssembly,
// so no fallback is involved): before `init()` has finished every export
// throws a typed RazorpayCheckoutError saying to call it (not the glue's
// TypeError); `isRazorpayCheckoutError` tells the package's errors apart;
// `init()`/`initSync()` resolve `{ memory, cardMemory }` only (the card
// functions are the card entry's module, which they start too); index.js exports every
// export of the glue, which it has bundled in. Run after scripts/build-pkg.sh:
// `node --test tests/pkg/entry.test.mjs`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkgDir = join(root, 'pkg');
const entry = await import(pathToFileURL(join(pkgDir, 'index.js')).href);
const glue = await import(pathToFileURL(join(pkgDir, 'razorpay_checkout_wasm.js')).href);

function assertNotReady(call, what) {
  assert.throws(call, (e) => {
    assert.ok(e instanceof Error, `${what}: an Error`);
    assert.equal(e.name, 'RazorpayCheckoutError', what);
    assert.equal(e.kind, 'invalid_state', what);
    assert.equal(e.code, 'BAD_REQUEST_ERROR', what);
    assert.equal(e.field, null, what);
    assert.match(e.message, /Call init\(\)/, what);
    assert.equal(entry.isRazorpayCheckoutError(e), true, what);
    return true;
  }, what);
}

test('index.js exports every export of the glue, and the type guard', () => {
  for (const name of Object.keys(glue)) assert.ok(name in entry, `index.js does not export the glue's ${name}`);
  assert.equal(typeof entry.isRazorpayCheckoutError, 'function');
});

test('index.js has the glue and its snippets bundled in: it imports the card entry, and the two fallbacks only on demand', () => {
  const source = readFileSync(join(pkgDir, 'index.js'), 'utf8');
  const specifiers = [...source.matchAll(/\bimport\s*(?:[\w*{}\s,$]+from\s*)?\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(specifiers)].sort(), ['./card/card.js', './card/fallback.js', './fallback.js'], source.slice(0, 200));
  assert.match(source, /import\(\s*["']\.\/fallback\.js["']\s*\)/, 'a dynamic import()');
  assert.match(source, /import\(\s*["']\.\/card\/fallback\.js["']\s*\)/, 'a dynamic import()');
});

test('the card functions are the card entry\'s (one card engine for both entries)', async () => {
  const card = await import(pathToFileURL(join(pkgDir, 'card', 'card.js')).href);
  for (const name of ['validateCard', 'inspectNumber', 'cardNetwork', 'parseExpiry']) {
    assert.equal(typeof entry[name], 'function', name);
    assert.equal(name in glue, false, `the main module's glue has no ${name}`);
    assert.equal(typeof card[name], 'function', name);
  }
});

test('before init(), every export throws a RazorpayCheckoutError saying to call init()', () => {
  assertNotReady(() => entry.validateCard({ number: '4111111111111111' }), 'validateCard');
  assertNotReady(() => entry.inspectNumber('4111'), 'inspectNumber');
  assertNotReady(() => entry.cardNetwork('4111'), 'cardNetwork');
  assertNotReady(() => entry.parseExpiry('12/30'), 'parseExpiry');
  assertNotReady(() => entry.parseOrderResponse('{}'), 'parseOrderResponse');
  assertNotReady(() => entry.collectBrowser(), 'collectBrowser');
  assertNotReady(() => new entry.Checkout({ endpoint: '/api/checkout' }), 'new Checkout');
});

test('isRazorpayCheckoutError: only the package\'s errors', () => {
  assert.equal(entry.isRazorpayCheckoutError(new Error('x')), false);
  assert.equal(entry.isRazorpayCheckoutError(new TypeError('x')), false);
  assert.equal(entry.isRazorpayCheckoutError(null), false);
  assert.equal(entry.isRazorpayCheckoutError(undefined), false);
  assert.equal(entry.isRazorpayCheckoutError('RazorpayCheckoutError'), false);
  assert.equal(entry.isRazorpayCheckoutError({ name: 'RazorpayCheckoutError', kind: 'invalid_type' }), false, 'not an Error');
  const named = new Error('x');
  named.name = 'RazorpayCheckoutError';
  assert.equal(entry.isRazorpayCheckoutError(named), false, 'no kind');
});

test('initSync() takes both modules and resolves { memory, cardMemory } only; then the exports work and throw typed errors', () => {
  const main = readFileSync(join(pkgDir, 'razorpay_checkout_wasm_bg.wasm'));
  assert.throws(() => entry.initSync({ module: main }), (e) => entry.isRazorpayCheckoutError(e) && e.kind === 'invalid_state' && /initSync\(\{ module, card \}\)/.test(e.message));
  assertNotReady(() => entry.cardNetwork('4111'), 'cardNetwork after a refused initSync');
  const out = entry.initSync({ module: main, card: readFileSync(join(pkgDir, 'card', 'card_bg.wasm')) });
  assert.deepEqual(Object.keys(out), ['memory', 'cardMemory']);
  assert.ok(out.memory instanceof WebAssembly.Memory);
  assert.ok(out.cardMemory instanceof WebAssembly.Memory);
  assert.notEqual(out.memory, out.cardMemory);
  assert.equal(entry.cardNetwork('4111111111111111'), 'Visa');
  assert.equal(entry.validateCard({ number: '4111 1111 1111 1111', expiry: '12/40', cvv: '123', name: 'Asha Rao' }).valid, true);
  const checkout = new entry.Checkout({ endpoint: 'https://shop.example/api/checkout' });
  // (index.js has its own copy of the glue bundled in: its Checkout extends that copy's class.)
  assert.ok(checkout instanceof entry.Checkout);
  assert.ok(checkout instanceof Object.getPrototypeOf(entry.Checkout));
  assert.equal(typeof Object.getPrototypeOf(entry.Checkout).prototype.pay, 'function');
  assert.equal(checkout.state, 'idle');
  checkout.free();
  assert.throws(() => new entry.Checkout({ endpoint: '' }), (e) => entry.isRazorpayCheckoutError(e) && e.kind === 'invalid_configuration');
});
