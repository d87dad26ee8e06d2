// The card entry, `razorpay-checkout-wasm/card`, in headless Chromium
// (issue 12):
// 1. a page that imports only the card entry downloads no checkout code:
//    every request the page makes is recorded, and each must be one of
//    pkg/card/'s files (no main-entry .wasm, no checkout glue or snippet);
// 2. the memory scan (as leak.test.mjs): after validateCard and
//    inspectNumber with a card, typed keystroke by keystroke, the card
//    module's own linear memory holds neither the number nor the CVV.
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

let server;
let origin;
let browser;
before(async () => {
  assert.ok(existsSync(join(pkgDir, 'card', 'card.js')), `${pkgDir}/card/card.js is missing: run scripts/build-pkg.sh`);
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const headers = { 'Cache-Control': 'no-store' };
    if (path === '/') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html' });
      res.end(PAGE);
      return;
    }
    const file = normalize(join(pkgDir, path.replace(/^\/pkg\//, '')));
    if (path.startsWith('/pkg/') && file.startsWith(pkgDir) && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
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

async function open() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  // Every request of the context (workers and preloads included).
  context.on('request', (r) => requests.push(r.url()));
  await page.goto(`${origin}/`);
  await page.waitForSelector('html[data-ready=true]');
  return { context, page, requests };
}

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
