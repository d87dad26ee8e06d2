// Start-up in headless Chromium: pkg/ and the card-validator bundle served
// from 127.0.0.1, each load in a fresh browser context (empty cache) with
// `Cache-Control: no-store`; performance marks around each step. Prints JSON.
//
//   node bench/startup.mjs <pkg-dir> <work-dir> [loads]
//
// <work-dir> holds card-validator-checks.min.js (size.mjs writes it).
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve } from 'node:path';

import { stats } from './lib/stats.mjs';

const [pkgDir, workDir] = process.argv.slice(2, 4).map((p) => p && resolve(p));
const LOADS = Number(process.argv[4] ?? 11);
if (!pkgDir || !workDir) throw new Error('usage: startup.mjs <pkg-dir> <work-dir> [loads]');
const bundle = join(workDir, 'card-validator-checks.min.js');
if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run size.mjs first`);

// playwright-core lives in the repository's root node_modules.
const require = createRequire(new URL('../package.json', import.meta.url));
const { chromium } = require('playwright-core');

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const PAGE = '<!doctype html><meta charset="utf-8"><title>bench</title><body>bench</body>';
const roots = { '/pkg/': pkgDir, '/anchors/': workDir };

const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  const headers = {
    'Cache-Control': 'no-store',
    // Cross-origin isolation: performance.now() at full resolution.
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  if (path === '/') {
    res.writeHead(200, { ...headers, 'Content-Type': 'text/html' });
    res.end(PAGE);
    return;
  }
  for (const [prefix, dir] of Object.entries(roots)) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(dir) || !existsSync(file)) break;
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
    return;
  }
  res.writeHead(404, headers);
  res.end();
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

// --- what each fresh page does ---------------------------------------------------
const CARD = { number: '4100 2800 0000 1007', expiry: '12/30', cvv: '123', name: 'Gaurav Kumar' };

/**
 * One entry's first load: import its JS (`url`: the main entry's glue or the
 * card entry), `await init()` (fetch + compile + instantiate), one check.
 */
async function firstLoad({ url, card }) {
  const span = (name, from, to) => performance.measure(name, from, to).duration;
  performance.mark('a');
  const m = await import(url);
  performance.mark('b');
  await m.default();
  performance.mark('c');
  const ok = m.validateCard(card).valid;
  performance.mark('d');
  if (!ok) throw new Error(`validateCard failed (${url})`);
  return {
    isolated: crossOriginIsolated,
    glueImport: span('glue', 'a', 'b'),
    init: span('init', 'b', 'c'),
    firstCheck: span('check', 'c', 'd'),
    total: span('total', 'a', 'd'),
  };
}
const OURS = { url: '/pkg/razorpay_checkout_wasm.js', card: CARD };
const CARD_ENTRY = { url: '/pkg/card/card.js', card: CARD };

/** Ours, split: compileStreaming (fetch + compile) apart from instantiate. */
async function oursSplit() {
  const span = (name, from, to) => performance.measure(name, from, to).duration;
  const m = await import('/pkg/razorpay_checkout_wasm.js');
  performance.mark('a');
  const module = await WebAssembly.compileStreaming(fetch('/pkg/razorpay_checkout_wasm_bg.wasm'));
  performance.mark('b');
  await m.default({ module_or_path: module });
  performance.mark('c');
  return { fetchCompile: span('compile', 'a', 'b'), instantiate: span('instantiate', 'b', 'c') };
}

/** The anchor: dynamic import of the card-validator bundle, then one check. */
async function anchor(card) {
  const span = (name, from, to) => performance.measure(name, from, to).duration;
  performance.mark('a');
  const cv = await import('/anchors/card-validator-checks.min.js');
  performance.mark('b');
  const n = cv.number(card.number);
  const ok = n.isValid && cv.expirationDate(card.expiry).isValid && cv.cvv(card.cvv, n.card.code.size).isValid
    && cv.cardholderName(card.name).isValid;
  performance.mark('c');
  if (!ok) throw new Error('card-validator failed');
  return { import: span('import', 'a', 'b'), firstCheck: span('check', 'b', 'c'), total: span('total', 'a', 'c') };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const runs = { oursFull: [], oursSplit: [], anchor: [], cardFull: [] };
try {
  async function fresh(fn, arg) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      return await page.evaluate(fn, arg);
    } finally {
      await context.close();
    }
  }
  // One throw-away round warms the browser process itself (not any cache: every load is a new context).
  await fresh(firstLoad, OURS);
  await fresh(anchor, CARD);
  await fresh(firstLoad, CARD_ENTRY);
  for (let i = 0; i < LOADS; i++) {
    runs.oursFull.push(await fresh(firstLoad, OURS));
    runs.oursSplit.push(await fresh(oursSplit));
    runs.anchor.push(await fresh(anchor, CARD));
    runs.cardFull.push(await fresh(firstLoad, CARD_ENTRY));
  }
} finally {
  await browser.close();
  server.close();
}

const summary = (list) => Object.fromEntries(
  Object.keys(list[0]).filter((k) => typeof list[0][k] === 'number').map((k) => [k, stats(list.map((r) => r[k]))]),
);
console.log(JSON.stringify({
  chromium: browser.version(),
  loads: LOADS,
  crossOriginIsolated: runs.oursFull.every((r) => r.isolated),
  oursFull: summary(runs.oursFull),
  oursSplit: summary(runs.oursSplit),
  anchor: summary(runs.anchor),
  cardFull: summary(runs.cardFull),
}, null, 1));
