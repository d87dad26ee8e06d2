// Start-up in headless Chromium: pkg/ and the card-validator bundle served
// from 127.0.0.1, each load in a fresh browser context (empty cache) with
// `Cache-Control: no-store`; performance marks around each step. Prints JSON.
//
//   node bench/startup.mjs <pkg-dir> <work-dir> [loads]
//
// <work-dir> holds card-validator-checks.min.js (size.mjs writes it).
//
// The card entry is measured as the main entry is (import() and init()
// from page.evaluate once the page has loaded) on two pages: the bare one
// (the budget's figure before 2026-12-02's card-init branch) and one whose
// <head> has README.md's preload hint of the .wasm (the budget's page now:
// bench/README.md says why). Beside them, for what a shopper's page sees
// while it loads: a module script that imports the card entry and awaits
// init() at once, with and without the hint.
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve } from 'node:path';

import { stats } from './lib/stats.mjs';
import { cardPreloadHint } from '../scripts/card-entry.mjs';

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
const CARD = { number: '4100 2800 0000 1007', expiry: '12/30', cvv: '123', name: 'Gaurav Kumar' };

// The merchant's page of the card entry: its module script imports the
// entry statically and awaits init() at once (README.md's example), then
// one check; `window.result` the marks, and the .wasm's Resource Timing
// entry (fetch: request start to last byte; afterFetch: from the later of
// init() called and the last byte to init() resolved, i.e. compile +
// instantiate + the bytes reaching the page).
const CARD_PAGE_JS = `import init, { validateCard } from '/pkg/card/card.js';
const t0 = performance.now();
await init();
const t1 = performance.now();
const ok = validateCard(${JSON.stringify(CARD)}).valid;
const t2 = performance.now();
const [wasm] = performance.getEntriesByName(new URL('/pkg/card/card_bg.wasm', location.href).href);
window.result = {
  ok, isolated: crossOriginIsolated, wasmRequests: performance.getEntriesByName(wasm.name).length,
  init: t1 - t0, firstCheck: t2 - t1, ready: t2,
  fetch: wasm.responseEnd - wasm.startTime, afterFetch: t1 - Math.max(t0, wasm.responseEnd),
};
`;
const HINT = cardPreloadHint(readFileSync(new URL('../README.md', import.meta.url), 'utf8'), '/pkg/card/card_bg.wasm');
const cardPage = (head) => `<!doctype html><meta charset="utf-8"><title>bench</title>${head}<script type="module" src="/card-page.js"></script><body>bench</body>`;
const PAGES = {
  '/': PAGE,
  '/hint': PAGE.replace('<body>', `${HINT}<body>`),
  '/card': cardPage(''),
  '/card-hint': cardPage(HINT),
};

const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  const headers = {
    'Cache-Control': 'no-store',
    // Cross-origin isolation: performance.now() at full resolution.
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  if (PAGES[path]) {
    res.writeHead(200, { ...headers, 'Content-Type': 'text/html' });
    res.end(PAGES[path]);
    return;
  }
  if (path === '/card-page.js') {
    res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' });
    res.end(CARD_PAGE_JS);
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

/**
 * One entry's first load: import its JS (`url`: the main entry's glue or the
 * card entry), `await init()` (fetch + compile + instantiate), one check.
 */
async function firstLoad({ url, wasm, card, options }) {
  const span = (name, from, to) => performance.measure(name, from, to).duration;
  performance.mark('a');
  const m = await import(url);
  const b = performance.mark('b').startTime;
  await m.default(options);
  const c = performance.mark('c').startTime;
  const ok = m.validateCard(card).valid;
  performance.mark('d');
  if (!ok) throw new Error(`validateCard failed (${url})`);
  // The .wasm's Resource Timing entry: request start to last byte, and
  // what init() spent after it (compile + instantiate + the bytes reaching the page).
  const [w] = performance.getEntriesByName(new URL(wasm, location.href).href);
  return {
    isolated: crossOriginIsolated,
    wasmRequests: performance.getEntriesByName(w.name).length,
    glueImport: span('glue', 'a', 'b'),
    init: span('init', 'b', 'c'),
    fetch: w.responseEnd - w.startTime,
    afterFetch: c - Math.max(b, w.responseEnd),
    firstCheck: span('check', 'c', 'd'),
    total: span('total', 'a', 'd'),
  };
}
// (The main entry's init() starts only the card module; `checkout: true`
// loads the checkout module too: the start-up of a page that pays.)
const OURS = { url: '/pkg/index.js', wasm: '/pkg/razorpay_checkout_wasm_bg.wasm', card: CARD, options: { checkout: true } };
const CARD_ENTRY = { url: '/pkg/card/card.js', wasm: '/pkg/card/card_bg.wasm', card: CARD };

/** Ours, split: compileStreaming (fetch + compile) apart from instantiate. */
async function oursSplit() {
  const span = (name, from, to) => performance.measure(name, from, to).duration;
  // (index.js, the package's browser entry, glue bundled in: what a page imports.)
  const m = await import('/pkg/index.js');
  performance.mark('a');
  const module = await WebAssembly.compileStreaming(fetch('/pkg/razorpay_checkout_wasm_bg.wasm'));
  performance.mark('b');
  await m.default({ module_or_path: module, checkout: true });
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
const runs = { oursFull: [], oursSplit: [], anchor: [], cardFull: [], cardHinted: [], cardModule: [], cardModuleHint: [] };
try {
  async function fresh(fn, arg, path = '/') {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${origin}${path}`);
      return await page.evaluate(fn, arg);
    } finally {
      await context.close();
    }
  }
  /** The merchant's page of the card entry (`/card` or `/card-hint`), loaded in a fresh context. */
  async function cardPageLoad(path) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${origin}${path}`);
      const r = await (await page.waitForFunction(() => window.result)).jsonValue();
      if (!r.ok || r.wasmRequests !== 1) throw new Error(`${path}: ${JSON.stringify(r)}`);
      return r;
    } finally {
      await context.close();
    }
  }
  // One throw-away round warms the browser process itself (not any cache: every load is a new context).
  await fresh(firstLoad, OURS);
  await fresh(anchor, CARD);
  await fresh(firstLoad, CARD_ENTRY);
  await fresh(firstLoad, CARD_ENTRY, '/hint');
  await cardPageLoad('/card');
  await cardPageLoad('/card-hint');
  for (let i = 0; i < LOADS; i++) {
    runs.oursFull.push(await fresh(firstLoad, OURS));
    runs.oursSplit.push(await fresh(oursSplit));
    runs.anchor.push(await fresh(anchor, CARD));
    runs.cardFull.push(await fresh(firstLoad, CARD_ENTRY));
    runs.cardHinted.push(await fresh(firstLoad, CARD_ENTRY, '/hint'));
    runs.cardModule.push(await cardPageLoad('/card'));
    runs.cardModuleHint.push(await cardPageLoad('/card-hint'));
  }
} finally {
  await browser.close();
  server.close();
}
// (The hint must be taken: one download of the .wasm, not the preload's and init()'s.)
for (const r of [...runs.cardHinted, ...runs.cardModuleHint]) {
  if (r.wasmRequests !== 1) throw new Error(`the preload hint was not taken: ${r.wasmRequests} downloads of card_bg.wasm`);
}

const summary = (list) => Object.fromEntries(
  Object.keys(list[0]).filter((k) => typeof list[0][k] === 'number').map((k) => [k, stats(list.map((r) => r[k]))]),
);
console.log(JSON.stringify({
  chromium: browser.version(),
  loads: LOADS,
  crossOriginIsolated: Object.values(runs).flat().every((r) => r.isolated !== false),
  oursFull: summary(runs.oursFull),
  oursSplit: summary(runs.oursSplit),
  anchor: summary(runs.anchor),
  cardFull: summary(runs.cardFull),
  cardHinted: summary(runs.cardHinted),
  cardModule: summary(runs.cardModule),
  cardModuleHint: summary(runs.cardModuleHint),
  hint: HINT,
}, null, 1));
