// The card entry, `razorpay-checkout-wasm/card`, in headless Chromium
// (issue 12):
// 1. a page that imports only the card entry downloads no checkout code:
//    every request the page makes is recorded, and each must be one of
//    pkg/card/'s files (no main-entry .wasm, no checkout glue or snippet);
// 2. the memory scan (as leak.test.mjs): after validateCard and
//    inspectNumber with a card, typed keystroke by keystroke, the card
//    module's own linear memory holds neither the number nor the CVV.
// 3. init(): README.md's preload hint is taken (one download of the .wasm;
//    and the hint without `crossorigin`, as a control, downloads it twice),
//    concurrent calls share one download and one instance, a .wasm sent
//    with the wrong MIME type still instantiates, and a failed download
//    rejects with the browser's error and can be retried.
// The page is served from 127.0.0.1 by a static server of pkg/ (or of
// $LEAK_PKG_DIR: scripts/test.sh points it at a card entry built with
// `insecure-no-wipe`, where the scan must find the card).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from './harness.mjs';
import { cardPreloadHint } from '../../scripts/card-entry.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const pkgDir = resolve(root, process.env.LEAK_PKG_DIR ?? 'pkg');
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
// The shop's page: it validates as the shopper types, and never pays.
const PAGE = `<!doctype html><meta charset="utf-8"><title>card entry</title>
<input id="number" autocomplete="cc-number">
<script type="module">
  import init, { inspectNumber, validateCard, cardNetwork, parseExpiry } from '/pkg/card/card.js';
  window.card = { inspectNumber, validateCard, cardNetwork, parseExpiry, init };
  await init();
  document.documentElement.dataset.ready = 'true';
</script>`;

// A page as README.md's "Start-up" paragraph tells merchants to write it:
// the preload hint in its <head> (`hint`), then the module that awaits init().
const hintPage = (hint) => `<!doctype html><meta charset="utf-8"><title>card entry</title>
${hint}
<script type="module">
  import init from '/pkg/card/card.js';
  await init();
  document.documentElement.dataset.ready = 'true';
</script>`;
// A shop's page on the main entry that validates as the shopper types:
// init() starts the card module only; the checkout module is loaded on demand.
const MAIN_PAGE = `<!doctype html><meta charset="utf-8"><title>main entry</title>
<input id="number" autocomplete="cc-number">
<script type="module">
  import * as m from '/pkg/index.js';
  window.main = m;
  await m.default();
  document.documentElement.dataset.ready = 'true';
</script>`;
const HINT = cardPreloadHint(readFileSync(join(root, 'README.md'), 'utf8'), '/pkg/card/card_bg.wasm');
const PAGES = {
  '/': PAGE,
  '/blank': '<!doctype html><meta charset="utf-8"><title>blank</title>',
  '/main': MAIN_PAGE,
  '/hint': hintPage(HINT),
  '/hint-without-crossorigin': hintPage(HINT.replace(/ crossorigin(="[^"]*")?/, '')),
};

let server;
let origin;
let browser;
before(async () => {
  assert.ok(existsSync(join(pkgDir, 'card', 'card.js')), `${pkgDir}/card/card.js is missing: run scripts/build-pkg.sh`);
  server = createServer((req, res) => {
    let path = new URL(req.url, 'http://x').pathname;
    const headers = { 'Cache-Control': 'no-store' };
    if (PAGES[path]) {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html' });
      res.end(PAGES[path]);
      return;
    }
    // (Under /wrong-mime/, pkg/ as a server that sends every .wasm as application/octet-stream.)
    const wrongMime = path.startsWith('/wrong-mime/');
    if (wrongMime) path = path.slice('/wrong-mime'.length);
    const file = normalize(join(pkgDir, path.replace(/^\/pkg\//, '')));
    if (path.startsWith('/pkg/') && file.startsWith(pkgDir) && existsSync(file) && statSync(file).isFile()) {
      const type = wrongMime && file.endsWith('.wasm') ? 'application/octet-stream' : TYPES[extname(file)];
      res.writeHead(200, { ...headers, 'Content-Type': type ?? 'application/octet-stream' });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(404, headers);
    res.end();
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  server?.close();
});

async function open(path = '/') {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  const messages = [];
  // Every request of the context (workers and preloads included).
  context.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => messages.push(m.text()));
  await page.goto(`${origin}${path}`);
  if (path !== '/blank') await page.waitForSelector('html[data-ready=true]');
  return { context, page, requests, messages };
}

/** How many times the page requested the card module. */
const wasmRequests = (requests) => requests.filter((u) => new URL(u).pathname.endsWith('/card/card_bg.wasm')).length;

test('a page importing only razorpay-checkout-wasm/card downloads no checkout code', async () => {
  const { context, page, requests } = await open();
  try {
    // Use every export, as a form would, then let anything lazy arrive.
    await page.click('#number');
    await page.keyboard.type('4100 2800 0000 1007');
    const verdict = await page.evaluate(() => {
      const c = window.card;
      const v = c.validateCard({ number: document.querySelector('#number').value, expiry: '12/30', cvv: '123', name: 'A B' });
      return [v.valid, c.inspectNumber('4100 28').state, c.cardNetwork('6083'), c.parseExpiry('12/30').expiry_month];
    });
    assert.deepEqual(verdict, [true, 'incomplete', 'RuPay', '12']);
    await page.waitForTimeout(300);
    const paths = requests.map((u) => new URL(u).pathname);
    assert.ok(paths.includes('/pkg/card/card_bg.wasm'), `the card module was not fetched: ${paths.join(', ')}`);
    const other = paths.filter((p) => p !== '/' && !p.startsWith('/pkg/card/'));
    assert.deepEqual(other, [], 'requests outside the card entry');
    const checkout = paths.filter((p) => /razorpay_checkout_wasm|shapes\.js|messages|locales/.test(p));
    assert.deepEqual(checkout, [], 'checkout code downloaded');
    const wasm = paths.filter((p) => p.endsWith('.wasm'));
    assert.deepEqual(wasm, ['/pkg/card/card_bg.wasm'], 'exactly one .wasm, the card module, once');
  } finally {
    await context.close();
  }
});

test('the main entry: a page that only validates downloads no checkout module; loadCheckout() or a Checkout\'s first pay() fetches it, once', { skip: !existsSync(join(pkgDir, 'index.js')) && 'no index.js in this package' }, async () => {
  const { context, page, requests } = await open('/main');
  const checkoutWasm = () => requests.filter((u) => new URL(u).pathname === '/pkg/razorpay_checkout_wasm_bg.wasm').length;
  try {
    await page.click('#number');
    await page.keyboard.type('4100 2800 0000 1007');
    const verdict = await page.evaluate(() => {
      const m = window.main;
      let early;
      try { m.collectBrowser(); } catch (e) { early = [e.name, e.kind]; }
      return [m.validateCard({ number: document.querySelector('#number').value, expiry: '12/30', cvv: '123', name: 'A B' }).valid,
        m.inspectNumber('4100 28').state, early];
    });
    assert.deepEqual(verdict, [true, 'incomplete', ['RazorpayCheckoutError', 'invalid_state']]);
    await page.waitForTimeout(300);
    assert.equal(checkoutWasm(), 0, `the checkout module was downloaded by a page that only validates: ${requests.join(', ')}`);
    assert.equal(requests.filter((u) => new URL(u).pathname === '/pkg/card/card_bg.wasm').length, 1);
    // A Checkout's first pay() loads it (here to refuse an invalid card: nothing is posted).
    const refused = await page.evaluate(async () => {
      const m = window.main;
      const checkout = new m.Checkout({ endpoint: '/api/checkout' });
      const state = checkout.state;
      const error = await checkout.pay({ amount: 100, currency: 'INR', payment: { email: 'a@example.com', contact: '9000090000', card: { number: '4111' } } }).then(() => null, (e) => e);
      return [state, error?.kind, error?.errors?.[0]?.field, checkout.state, (await m.loadCheckout()).memory instanceof WebAssembly.Memory, m.collectBrowser().javascript_enabled];
    });
    assert.deepEqual(refused, ['idle', 'invalid_length', 'payment.card.number', 'failed', true, true]);
    assert.equal(checkoutWasm(), 1, 'the checkout module, fetched once');
    assert.equal(requests.filter((u) => new URL(u).pathname === '/api/checkout').length, 0, 'nothing posted');
  } finally {
    await context.close();
  }
});

// A published test card no other test uses (a RuPay number, Luhn-valid), and a CVV.
const RUPAY = '6073849700004269';
const CVV = '472';
const spaced = (n) => n.replace(/(\d{4})(?=\d)/g, '$1 ');

test('after validateCard and inspectNumber with a card, the card module memory holds neither number nor CVV', async () => {
  const { context, page } = await open();
  try {
    const scan = await page.evaluate(async ({ number, cvv, typed }) => {
      const c = window.card;
      // As a form does: inspectNumber on every keystroke, then validateCard.
      for (let i = 1; i <= typed.length; i++) c.inspectNumber(typed.slice(0, i));
      c.cardNetwork(number);
      const ok = [
        c.validateCard({ number: typed, expiry: '12/30', cvv, name: 'Gaurav Kumar' }).valid,
        c.validateCard({ number, expiry_month: '12', expiry_year: '30', cvv, name: 'Gaurav Kumar' }).valid,
        c.validateCard({ number: `${number}9`, expiry: '13/30', cvv: `${cvv}x`, name: '1' }).valid,
      ];
      const w = await c.init(); // the instance the page uses (init returns it)
      const mem = new Uint8Array(w.memory.buffer);
      const find = (text) => {
        const needle = new TextEncoder().encode(text);
        const hits = [];
        outer: for (let i = mem.indexOf(needle[0]); i !== -1 && i <= mem.length - needle.length; i = mem.indexOf(needle[0], i + 1)) {
          for (let j = 1; j < needle.length; j++) if (mem[i + j] !== needle[j]) continue outer;
          hits.push(i);
        }
        return hits;
      };
      const needles = { digits: number, spaced: typed, prefix12: number.slice(0, 12), cvvJson: `"cvv":"${cvv}"`, cvvCard: `${cvv}x` };
      return { ok, size: mem.length, hits: Object.fromEntries(Object.entries(needles).map(([k, v]) => [k, find(v)])) };
    }, { number: RUPAY, cvv: CVV, typed: spaced(RUPAY) });
    assert.deepEqual(scan.ok, [true, true, false]);
    const found = Object.entries(scan.hits).filter(([, h]) => h.length).map(([k, h]) => `${k} ×${h.length} @${h.slice(0, 4).join(',')}`);
    assert.deepEqual(found, [], `card entry: card data left in wasm memory (${scan.size} B)`);
  } finally {
    await context.close();
  }
});

test('init() takes README.md\'s preload hint: the .wasm is downloaded once (without crossorigin, twice)', async () => {
  assert.match(HINT, /^<link rel="preload" href="\/pkg\/card\/card_bg\.wasm" as="fetch" crossorigin>$/);
  const { context, page, requests, messages } = await open('/hint');
  try {
    assert.equal(wasmRequests(requests), 1, `card_bg.wasm requested ${wasmRequests(requests)} times: ${requests.join(', ')}`);
    // (Resource Timing: one entry, which started before init() was called, i.e. the preload's.)
    assert.equal(await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/card_bg.wasm')).length), 1);
    await page.waitForTimeout(100);
    assert.deepEqual(messages.filter((t) => /preload/i.test(t)), [], 'a console warning about the preload');
  } finally {
    await context.close();
  }
  // The control: a hint the fetch cannot take (no-cors) is a second download, which the count above would see.
  const control = await open('/hint-without-crossorigin');
  try {
    assert.equal(wasmRequests(control.requests), 2, control.requests.join(', '));
  } finally {
    await control.context.close();
  }
});

test('init(): concurrent calls share one download and one instance; after it, initSync() and init() return the same', async () => {
  const { context, page, requests } = await open('/blank');
  try {
    const same = await page.evaluate(async () => {
      const m = await import('/pkg/card/card.js');
      const [a, b, c] = await Promise.all([m.default(), m.default(), m.default({ module_or_path: '/pkg/card/card_bg.wasm' })]);
      return [a === b, b === c, m.initSync(new Uint8Array(0)) === a, (await m.default()) === a, m.cardNetwork('6083')];
    });
    assert.deepEqual(same, [true, true, true, true, 'RuPay']);
    assert.equal(wasmRequests(requests), 1, `card_bg.wasm requested ${wasmRequests(requests)} times`);
  } finally {
    await context.close();
  }
});

test('init(): a .wasm served as application/octet-stream still instantiates; a failed download rejects and can be retried', async () => {
  const { context, page, requests } = await open('/blank');
  try {
    const out = await page.evaluate(async () => {
      // The entry served from a server that gets the .wasm's MIME type wrong: init()'s default URL.
      const wrong = await import('/wrong-mime/pkg/card/card.js');
      await wrong.default();
      const wrongOk = wrong.validateCard({ number: '4100 2800 0000 1007', expiry: '12/30', cvv: '123', name: 'Gaurav Kumar' }).valid;
      // A fresh copy of the entry (another URL, another module): a 404 first, then the right URL.
      const m = await import('/pkg/card/card.js?retry');
      const failed = await m.default('/pkg/card/missing.wasm').then(() => null, (e) => `${e.name}: ${e.message}`);
      await m.default();
      return { wrongOk, failed, network: m.cardNetwork('6083') };
    });
    assert.equal(out.wrongOk, true);
    // (The HTTP status, the same in every browser: not a compile error of the
    // 404's body, nor Firefox's complaint about the error page's MIME type.)
    assert.match(out.failed ?? 'resolved', /^TypeError: \S*\/pkg\/card\/missing\.wasm: HTTP status 404$/);
    assert.equal(out.network, 'RuPay');
    const paths = requests.map((u) => new URL(u).pathname).filter((p) => p.endsWith('.wasm'));
    assert.deepEqual(paths, ['/wrong-mime/pkg/card/card_bg.wasm', '/pkg/card/missing.wasm', '/pkg/card/card_bg.wasm']);
  } finally {
    await context.close();
  }
});
