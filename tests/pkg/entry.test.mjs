// The package's browser entry, index.js, in Node (which compiles WebAssembly,
// so no fallback is involved): before `init()` has finished every export
// throws a typed RazorpayCheckoutError saying to call it (not the glue's
// TypeError); `isRazorpayCheckoutError` tells the package's errors apart;
// `init()`/`initSync()` start the card entry's module (whose card functions
// index.js re-exports) and the checkout module only when asked (else it
// loads on demand: `loadCheckout()`, a Checkout's first `pay()`); index.js exports every
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

test('initSync({ card }) starts the card module only; the checkout module loads on demand (a Checkout made before reads its options then; a failed load is a typed network_error and is retried)', async () => {
  const main = readFileSync(join(pkgDir, 'razorpay_checkout_wasm_bg.wasm'));
  assert.throws(() => entry.initSync({ module: main }), (e) => entry.isRazorpayCheckoutError(e) && e.kind === 'invalid_state' && /initSync\(\) takes \{ card, module\? \}/.test(e.message));
  assertNotReady(() => entry.cardNetwork('4111'), 'cardNetwork after a refused initSync');
  const out = entry.initSync({ card: readFileSync(join(pkgDir, 'card', 'card_bg.wasm')) });
  assert.deepEqual(Object.keys(out), ['cardMemory']);
  assert.ok(out.cardMemory instanceof WebAssembly.Memory);
  assert.equal(entry.cardNetwork('4111111111111111'), 'Visa');
  assert.equal(entry.validateCard({ number: '4111 1111 1111 1111', expiry: '12/40', cvv: '123', name: 'Asha Rao' }).valid, true);
  // The checkout module's synchronous functions say what to await.
  for (const [what, call] of [['collectBrowser', () => entry.collectBrowser()], ['parseOrderResponse', () => entry.parseOrderResponse('{}')]]) {
    assert.throws(call, (e) => entry.isRazorpayCheckoutError(e) && e.kind === 'invalid_state' && /Await loadCheckout\(\)/.test(e.message), what);
  }
  const realFetch = globalThis.fetch;
  const fetched = [];
  try {
    // Offline: the Checkout made now starts the download, which fails; its
    // pay() tries again and rejects with the typed error (nothing was posted).
    globalThis.fetch = async (request) => {
      fetched.push(String(request.url ?? request));
      throw new TypeError('offline');
    };
    const early = new entry.Checkout({ endpoint: '' });
    assert.equal(early.state, 'idle');
    await assert.rejects(early.pay({ amount: 100, currency: 'INR' }), (e) => entry.isRazorpayCheckoutError(e) && e.kind === 'network_error'
      && e.code === 'NETWORK_ERROR' && e.source === 'network' && e.cause instanceof TypeError);
    assert.ok(fetched.length >= 1 && fetched.every((url) => url.endsWith('/razorpay_checkout_wasm_bg.wasm')), fetched.join(' '));
    assert.equal(early.state, 'idle');
    // Online: the next call loads it; the early Checkout's options are read
    // now (the endpoint '' is refused as the constructor would have).
    globalThis.fetch = async () => new Response(main, { headers: { 'content-type': 'application/wasm' } });
    await assert.rejects(early.pay({ amount: 100, currency: 'INR' }), (e) => entry.isRazorpayCheckoutError(e) && e.kind === 'invalid_configuration');
    const loaded = await entry.loadCheckout();
    assert.deepEqual(Object.keys(loaded), ['memory']);
    assert.ok(loaded.memory instanceof WebAssembly.Memory);
    assert.notEqual(loaded.memory, out.cardMemory);
    assert.equal(await entry.loadCheckout().then((again) => again.memory), loaded.memory, 'once');
  } finally {
    globalThis.fetch = realFetch;
  }
  // (Loaded: it parses, here to its own verdict on a reply without payment_workflow.)
  assert.throws(() => entry.parseOrderResponse(JSON.stringify({ id: 'order_1', entity: 'order', status: 'created', amount: 100 })), (e) => entry.isRazorpayCheckoutError(e) && e.kind === 'invalid_response');
  // Loaded: the constructor checks its options at once, as the glue's does.
  const checkout = new entry.Checkout({ endpoint: 'https://shop.example/api/checkout' });
  assert.ok(checkout instanceof entry.Checkout);
  assert.equal(checkout.state, 'idle');
  checkout.free();
  await assert.rejects(checkout.pay({}), (e) => entry.isRazorpayCheckoutError(e) && e.kind === 'invalid_state', 'a freed Checkout');
  assert.throws(() => new entry.Checkout({ endpoint: '' }), (e) => entry.isRazorpayCheckoutError(e) && e.kind === 'invalid_configuration');
  assert.deepEqual(Object.keys(entry.initSync({ card: new Uint8Array(0), module: new Uint8Array(0) })), ['memory', 'cardMemory'], 'once started, initSync() resolves the same');
});
