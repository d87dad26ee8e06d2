// Starts the demo backend with its in-process sandbox gateway on ephemeral
// loopback ports (fresh SQLite files), and a browser via playwright-core:
// Debian's Chromium, or with BROWSER=firefox Debian's Firefox ESR (stock, over
// WebDriver BiDi: Playwright's `moz-firefox` channel). Everything a page
// could leak through is recorded: every request and response (URL, headers,
// body), console output, navigations of every frame, and at the end of a
// flow each page's storage, cookies, title and URL (see `assertNoLeak`).
//
// In Firefox, Playwright's BiDi backend gives no request bodies
// (`request.postData()` is always null: its BidiRequest is built with
// `postDataBuffer = null`), so each context of a Firefox browser sends its
// traffic through a recording proxy of its own on 127.0.0.1 (wire.mjs) and a
// request's body is read from what the proxy saw on the wire.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium, firefox } from 'playwright-core';
import { startWire } from './wire.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const shots = join(root, 'build', 'screenshots');
/** The browser the e2e tests drive: 'chromium' (the default) or 'firefox' (BROWSER=firefox). */
export const BROWSER = process.env.BROWSER === 'firefox' ? 'firefox' : 'chromium';
if (!['', 'chromium', 'firefox'].includes(process.env.BROWSER ?? '')) throw new Error(`BROWSER=${process.env.BROWSER}: chromium or firefox`);
/**
 * Firefox's own report of a refusal to compile WebAssembly under a CSP
 * without 'wasm-unsafe-eval' (the package's probe), a page error there;
 * Chromium reports it only as the `securitypolicyviolation` the tests check.
 */
export const wasmRefusedReport = /blocked WebAssembly \(script-src\) from being executed/;

export async function startDemo(extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rzp-e2e-'));
  // HOSTILE_GATEWAY=1: the hostile test backend (www/server/examples/hostile_backend,
  // built by `cargo build -p razorpay-demo --examples`); the production binary has no such mode.
  const binary = extraEnv.HOSTILE_GATEWAY === '1'
    ? join(root, 'target', 'debug', 'examples', 'hostile_backend')
    : join(root, 'target', 'debug', 'razorpay-demo');
  const child = spawn(binary, [], {
    cwd: root,
    env: {
      ...process.env,
      LISTEN_ADDR: '127.0.0.1:0',
      SANDBOX_ADDR: '127.0.0.1:0',
      SANDBOX_DB: join(dir, 'sandbox.sqlite'),
      DEMO_DB: join(dir, 'demo.sqlite'),
      ACCESS_LOG: '0',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const urls = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`demo did not start: ${stderr}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const demo = out.match(/demo: (http:\/\/\S+?)\/?\n/);
      const gateway = out.match(/gateway: (http:\/\/\S+)\n/);
      if (demo && gateway) { clearTimeout(timer); resolve({ demo: `${demo[1]}/`, gateway: gateway[1] }); }
    });
    child.on('exit', (code) => reject(new Error(`demo exited ${code}: ${stderr}`)));
  });
  return { ...urls, dir, stop: () => child.kill(), stderr: () => stderr };
}

export async function launchBrowser() {
  mkdirSync(shots, { recursive: true });
  if (BROWSER === 'firefox') return launchFirefox();
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Firefox ESR over WebDriver BiDi. Every context (and `browser.newPage()`'s)
 * gets its own recording proxy, `context.wire`, closed with the context.
 */
async function launchFirefox() {
  const browser = await firefox.launch({
    channel: 'moz-firefox',
    executablePath: '/usr/bin/firefox-esr',
    // Loopback traffic through the proxy too (Firefox bypasses proxies for it by default).
    firefoxUserPrefs: { 'network.proxy.allow_hijacking_localhost': true },
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options = {}) => {
    const wire = await startWire();
    const context = await newContext({ ...options, proxy: { server: wire.url } });
    context.wire = wire;
    context.on('close', () => wire.close());
    const newPage = context.newPage.bind(context);
    context.newPage = async () => patchPage(await newPage());
    context.on('page', patchPage);
    return context;
  };
  browser.newPage = async (options) => {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const close = page.close.bind(page);
    page.close = async (o) => { await close(o); await context.close(); };
    return page;
  };
  return browser;
}

let pagePatched = false;
/**
 * Playwright-over-BiDi's `fill()` appends to an `<input type=email>` that
 * has a value instead of replacing it (shown on a bare page:
 * `<input type=email value="old@example.com">` filled with "new@…" reads
 * "old@example.comnew@…"; type=tel and text are replaced), while `fill('')`
 * does clear it: in Firefox, `fill` clears first.
 */
function patchPage(page) {
  if (pagePatched) return page;
  pagePatched = true;
  const proto = Object.getPrototypeOf(page);
  const fill = proto.fill;
  proto.fill = async function (selector, value, options) {
    if (value !== '') await fill.call(this, selector, '', options);
    return fill.call(this, selector, value, options);
  };
  // While Playwright takes a screenshot (its `<style>body {}</style>`, see
  // TOOL_NOISE), the page's CSP violations are marked `shot` (watchCsp); the
  // mark stays 100 ms after, for the violation event's task to run.
  const screenshot = proto.screenshot;
  proto.screenshot = async function (options) {
    await this.evaluate(() => { window.__e2eShot = true; }).catch(() => {});
    try {
      return await screenshot.call(this, options);
    } finally {
      await this.evaluate(() => new Promise((ok) => { setTimeout(() => { window.__e2eShot = false; ok(); }, 100); })).catch(() => {});
    }
  };
  return page;
}

/**
 * Console lines that are the test tools' or the browser's own, not the
 * page's (Firefox only; each checked to come from no page code):
 * - Playwright's screenshotter appends `<style>body {}</style>` to sync
 *   animations in Firefox (screenshotter.ts, inPagePrepareForScreenshots):
 *   the demo's CSP (style-src 'self') refuses it, and Firefox names its hash,
 *   sha256 of "body {}";
 * - Firefox fetches /favicon.ico by itself for a page without an icon link,
 *   under the page's CSP (default-src 'none'); Chromium's favicon fetch is
 *   not the page's.
 */
const TOOL_NOISE = [
  // (Firefox's text; a page error's message has no "Content-Security-Policy: " in front.)
  /blocked an inline style \(style-src-elem\).*'sha256-YjaKGiklmzC6wjXA513HAMmzus8VE61XCOT\+SmwNZWA='/,
  /blocked the loading of a resource \(img-src\) at http:\/\/127\.0\.0\.1:\d+\/favicon\.ico /,
];
export const toolNoise = (text) => BROWSER === 'firefox' && TOOL_NOISE.some((re) => re.test(text));
/**
 * The two above, as `securitypolicyviolation` events the page saw (Firefox
 * only): the favicon fetch, and an inline style refused while a screenshot
 * was being taken (the screenshotter's; a page's own inline style at another
 * time still counts).
 */
export const toolViolation = (v) => BROWSER === 'firefox' && ((v.directive === 'img-src' && /^http:\/\/127\.0\.0\.1:\d+\/favicon\.ico$/.test(v.blocked))
  || (v.shot === true && v.directive === 'style-src-elem' && v.blocked === 'inline'));

/** What a page (and its context) sent, printed, stored and showed. */
function record(context, page) {
  const rec = {
    page,
    context,
    requests: [], // { method, url, headers, body, frame } — every request of every page/frame/worker
    responses: [], // { url, status, headers, body }
    console: [], // console lines of every page
    problems: [], // console errors and uncaught exceptions
    navigations: [], // URL of every frame navigation, in order
    snapshots: [], // { when, url, title, localStorage, sessionStorage } per page load and at the end
    unread: [], // { url, type, error }: text responses whose body could not be read (not checked)
    pending: new Set(),
  };
  const track = (promise) => {
    const p = promise.catch(() => {}).finally(() => rec.pending.delete(p));
    rec.pending.add(p);
  };
  context.on('request', (r) => {
    let frame = '';
    try { frame = r.frame().url(); } catch { /* service worker request */ }
    const entry = { method: r.method(), url: r.url(), headers: r.headers(), body: r.postData() ?? '', frame };
    // Firefox: the body as the recording proxy saw it (read when first asked for).
    if (context.wire && !entry.body && !['GET', 'HEAD'].includes(entry.method)) {
      let body;
      Object.defineProperty(entry, 'body', { enumerable: true, get: () => (body ??= context.wire.claim(entry)) ?? '' });
    }
    rec.requests.push(entry);
  });
  context.on('response', (r) => {
    const entry = { url: r.url(), status: r.status(), headers: r.headers(), body: '' };
    rec.responses.push(entry);
    const type = r.headers()['content-type'] ?? '';
    // Text answers (JSON, HTML, JS, CSS); not wasm, images or redirects.
    if (r.status() < 300 || r.status() >= 400) {
      if (/json|html|text|javascript|css|xml|form/.test(type)) {
        // Chromium sometimes never delivers a body (seen for an answer
        // that arrives as the page navigates): a read that takes over 5 s is
        // listed as unread, like one that failed, instead of hanging the test.
        let timer;
        const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('body not delivered within 5 s')), 5000); });
        track(Promise.race([r.text(), late]).finally(() => clearTimeout(timer))
          .then((t) => { entry.body = t; }, (e) => { rec.unread.push({ url: r.url(), type, error: String(e).split('\n')[0] }); }));
      }
    }
  });
  const watch = (p) => {
    p.on('console', (m) => {
      if (toolNoise(m.text())) return;
      rec.console.push(m.text());
      if (m.type() === 'error') rec.problems.push(m.text());
    });
    // (Firefox reports a CSP refusal as a page error, Chromium as a console error.)
    p.on('pageerror', (e) => { if (!toolNoise(e.message) && !toolNoise(String(e))) rec.problems.push(String(e)); });
    p.on('framenavigated', (f) => rec.navigations.push(f.url()));
    p.on('load', () => track(snapshot(p, 'load').then((s) => { if (s) rec.snapshots.push(s); })));
  };
  watch(page);
  context.on('page', (p) => { if (p !== page) watch(p); });
  return rec;
}

/** The storage, title and URL a page shows now (null when it is gone). */
async function snapshot(page, when) {
  if (page.isClosed()) return null;
  try {
    const inPage = await page.evaluate(() => {
      const dump = (s) => { try { return Object.fromEntries(Object.entries(s)); } catch { return {}; } };
      return { title: document.title, href: location.href, localStorage: dump(localStorage), sessionStorage: dump(sessionStorage) };
    });
    return { when, url: page.url(), frames: page.frames().map((f) => f.url()), ...inPage };
  } catch {
    return null; // navigating: the next load takes its own snapshot
  }
}

/**
 * Every Content-Security-Policy violation any page of `context` reports (its
 * `securitypolicyviolation` events): `{ page, directive, blocked, sample }`.
 */
export async function watchCsp(context) {
  const violations = [];
  await context.exposeBinding('__e2eCspViolation', (_source, { shot, ...v }) => { if (!toolViolation({ shot, ...v })) violations.push(v); });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__e2eCspViolation({ page: location.href, directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, shot: window.__e2eShot === true });
    });
  });
  return violations;
}

/** A new page whose requests, console output, errors and CSP violations (`violations`) are recorded. */
export async function openPage(browser, url, { beforeGoto } = {}) {
  const context = await browser.newContext();
  const violations = await watchCsp(context);
  const page = await context.newPage();
  const rec = record(context, page);
  rec.violations = violations;
  if (beforeGoto) await beforeGoto(page);
  await page.goto(url);
  await page.waitForSelector('html[data-ready=true]');
  return rec;
}

export async function typeCard(page, { number, expiry = '12/30', cvv = '123', name = 'Gaurav Kumar' }) {
  await page.click('#number');
  await page.keyboard.type(number);
  await page.fill('#expiry', expiry);
  await page.fill('#cvv', cvv);
  await page.fill('#name', name);
}

export const checkoutPosts = (requests) =>
  requests.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/api/checkout');

// ------------------------------------------------------------------ leaks

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Patterns that find a card number: its digits with any separators a
 * form, a URL or a formatter could put between them (spaces, dashes, `+`,
 * `%20`), so "4100280000001007", "4100 2800 0000 1007" and
 * "4100+2800+0000+1007" all match.
 */
export function numberPattern(number) {
  const digits = String(number).replace(/\D/g, '');
  return new RegExp(digits.split('').join('(?:[\\s\\u00a0+\\-]|%20|%2B|%2D)*'));
}

/**
 * Patterns that find a CVV. A CVV is three or four digits, so its bare
 * digits turn up by chance (in a Content-Length, a timestamp, an amount, a
 * random id). It is matched (a) as the value of a field named cvv in JSON,
 * a query string, a form or a JS-ish dump (`"cvv":"837"`, `cvv=837`,
 * `cvv: 837`), anywhere; and (b) as a standalone token — not inside a run
 * of letters, digits, `_`, `.` or `-` — everywhere except in header
 * values, whose numbers (content-length) are not text a page chose.
 * Flows use distinctive CVVs (837, 8375) that none of the demo's amounts
 * (100, 100000) or fixed strings contain, so a standalone hit means the
 * CVV itself.
 */
export function cvvPatterns(cvv) {
  const v = escape(String(cvv));
  return {
    field: new RegExp(`cvv["'\\]]?\\s*(?:[:=]|%3A|%3D)\\s*(?:"|'|%22)?${v}(?![0-9])`, 'i'),
    token: new RegExp(`(?<![\\w.\\-])${v}(?![\\w.\\-])`),
  };
}

/** Waits for pending response bodies and takes each page's final snapshot. */
export async function finishRecording(rec) {
  for (const p of rec.context.pages()) {
    const s = await snapshot(p, 'end');
    if (s) rec.snapshots.push(s);
  }
  await Promise.allSettled([...rec.pending]);
  rec.cookies = await rec.context.cookies();
  return rec;
}

/** Every place a secret must not be, as [where, text] pairs. */
function surfaces(rec) {
  const out = [];
  rec.requests.forEach((r, i) => {
    out.push([`request ${i} ${r.method} URL`, r.url]);
    if (r.frame) out.push([`request ${i} frame URL`, r.frame]);
    for (const [k, v] of Object.entries(r.headers)) out.push([`request ${i} ${r.method} ${r.url} header ${k}`, v, k]);
    out.push([`request ${i} ${r.method} ${r.url} body`, r.body, null, r]);
  });
  // Firefox: what went through the context's proxy that no request above
  // claimed (one Playwright did not report), as it went on the wire.
  (rec.context.wire?.entries ?? []).forEach((e, i) => {
    if (e.claimed) return;
    out.push([`wire request ${i} ${e.method} URL`, e.url]);
    for (const [k, v] of Object.entries(e.headers)) out.push([`wire request ${i} ${e.method} ${e.url} header ${k}`, v, k]);
    out.push([`wire request ${i} ${e.method} ${e.url} body`, e.body]);
  });
  rec.responses.forEach((r, i) => {
    out.push([`response ${i} URL`, r.url]);
    for (const [k, v] of Object.entries(r.headers)) out.push([`response ${i} ${r.url} header ${k}`, v, k]);
    out.push([`response ${i} ${r.url} body`, r.body]);
  });
  rec.console.forEach((line, i) => out.push([`console line ${i}`, line]));
  rec.problems.forEach((line, i) => out.push([`page error ${i}`, line]));
  rec.navigations.forEach((url, i) => out.push([`navigation ${i}`, url]));
  rec.snapshots.forEach((s, i) => {
    const at = `snapshot ${i} (${s.when}, ${s.url})`;
    out.push([`${at} URL bar`, s.url], [`${at} location.href`, s.href], [`${at} title`, s.title]);
    s.frames.forEach((f, j) => out.push([`${at} frame ${j} URL`, f]));
    for (const area of ['localStorage', 'sessionStorage']) {
      for (const [k, v] of Object.entries(s[area])) out.push([`${at} ${area}[${k}]`, `${k}=${v}`]);
    }
  });
  for (const c of rec.cookies ?? []) out.push([`cookie ${c.name} (${c.domain})`, `${c.name}=${c.value}`]);
  return out;
}

/**
 * Asserts that the card `number` (any formatting) and the `cvv` appear
 * only in the body of a POST to the merchant's /api/checkout — nowhere in
 * any other request (URL, headers, body), response, console line, page
 * error, navigation, storage, cookie, title or URL bar. With `sent: true`
 * (the default when a checkout POST was made) each must appear in exactly
 * one such body, which shows the patterns find what they look for.
 * Returns the recording with its final snapshots.
 */
export async function assertNoLeak(rec, { number, cvv, sent } = {}) {
  await finishRecording(rec);
  const posts = checkoutPosts(rec.requests);
  const expectSent = sent ?? posts.length > 0;
  const checks = [];
  if (number) checks.push({ what: `card number ${number}`, field: numberPattern(number), token: null });
  if (cvv) {
    const p = cvvPatterns(cvv);
    checks.push({ what: `CVV ${cvv}`, field: p.field, token: String(cvv).length >= 3 ? p.token : null });
  }
  assert.ok(checks.length > 0, 'assertNoLeak needs a number or a CVV');
  // A body Chromium dropped before it could be read (an answer the page
  // fetched just before navigating away, e.g. /api/verify) cannot be
  // checked here. Such answers are listed, not silently skipped; what the
  // backend answers is checked natively (www/server/tests).
  if (rec.unread.length) {
    console.log(`# assertNoLeak: not checked (body gone after a navigation): ${rec.unread.map((u) => u.url).join(', ')}`);
  }
  const all = surfaces(rec);
  for (const { what, field, token } of checks) {
    const carriers = [];
    for (const [where, text, header, request] of all) {
      if (!text) continue;
      const hit = field.test(text) || (token && !header && token.test(text));
      if (!hit) continue;
      if (request && posts.includes(request)) { carriers.push(request); continue; }
      assert.fail(`${what} leaked: ${where}: ${String(text).slice(0, 300)}`);
    }
    if (expectSent) {
      assert.equal(carriers.length, 1, `${what} must be in exactly one /api/checkout body (found ${carriers.length})`);
      assert.ok(field.test(carriers[0].body), `${what} is in the checkout body as its field`);
    } else {
      assert.equal(carriers.length, 0, `${what} was sent to /api/checkout`);
    }
  }
  return rec;
}
