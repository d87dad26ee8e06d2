// The checkout's calls into the page (the main entry only; the card
// exports' objects and the error maker are in src/wasm/card.js, which both
// entries load).
// ------------------------------------------------------------------ the edge
// Every other call the module makes into the page's JS goes through the
// functions below (src/wasm/js.rs), each imported with `catch`: a throw (a
// built-in the page patched, a Proxy, a getter) comes back to Rust as an
// error that becomes a RazorpayCheckoutError, with Rust's clean-up (and the
// wipe) done, instead of unwinding through the module.
//
// What the module's own machinery needs (its task queue and promises, the
// JSON of its own answers, its error objects) is captured here when the
// module loads, so that a page patching Promise, queueMicrotask, JSON.parse
// or Error later can never leave a payment's promise unsettled. Everything
// about the page (fetch, URL, Date, crypto, navigator, location) is looked up
// when it is used.
const P = Promise;
const { apply } = Reflect;
const then = P.prototype.then;
const parseJson = JSON.parse;
const E = Error;
const S = String;
const trim = S.prototype.trim;
const microtask = queueMicrotask;
const later = setTimeout;
// (No WebAssembly at all where the page runs the JavaScript fallback.)
const Trap = typeof WebAssembly === 'object' ? WebAssembly.RuntimeError : undefined;

// Calls one of the module's two closures (the task queue, a request's
// `done`). wasm-bindgen's closure wrapper spreads its arguments, so a page
// that broke `Array.prototype[Symbol.iterator]` makes the call throw before
// it reaches Rust: then it is tried again later, until it goes through, and
// nothing is lost (no payment's promise is left unsettled once the page
// stops breaking it).
function deliver(f, args) {
  try {
    apply(f, undefined, args);
  } catch (e) {
    // (A trap is a bug in the module, not the page: never retried.)
    if (!(Trap !== undefined && e instanceof Trap)) later(() => deliver(f, args), 20);
  }
}

/** JSON.parse as the module loaded it, for text from the page or the network (may throw). */
export function parse(text) {
  return parseJson(text);
}

/** True for a string of whitespace only (String#trim as the module loaded it). Never throws. */
export function isBlank(text) {
  try { return apply(trim, text, []) === ''; } catch { return false; }
}

/**
 * The module's own JSON text (its results) as objects. Never throws (null
 * if it could): imported without `catch`, since wasm-bindgen's `catch`
 * wrapper itself calls `Function.prototype.apply`, which a page can break.
 */
export function ownJson(text) {
  try { return parseJson(text); } catch { return null; }
}

/** The JS text of a number (what `String(n)` and `JSON.stringify` print). Never throws (as ownJson). */
export function numberText(n) {
  try { return S(n); } catch { return 'null'; }
}

// The task queue's three calls are imported without `catch` (wasm-bindgen's
// `catch` wrapper calls `Function.prototype.apply`, which a page can break):
// they use only what was captured above, and catch everything themselves.

/** Runs `run` (the module's task queue) in a microtask. Never throws. */
export function schedule(run) {
  try { microtask(() => deliver(run, [])); } catch { later(() => deliver(run, []), 0); }
}

/** `[promise, settle]`: `settle(ok, value)` resolves or rejects `promise`. Never throws (null if it could). */
export function deferred() {
  try {
    let settle;
    const promise = new P((resolve, reject) => { settle = (ok, value) => (ok ? resolve : reject)(value); });
    return [promise, settle];
  } catch {
    return null;
  }
}

/** Calls `f(a, b)` (no page-patched `Function.prototype.call` involved). Never throws. */
export function invoke(f, a, b) {
  try { apply(f, undefined, [a, b]); } catch { /* a settle function does not throw */ }
}

/** `new Date().getTimezoneOffset()`. */
export function timezoneOffset() {
  return new Date().getTimezoneOffset();
}

/** The page's URL (`location.href`), or '' where there is none. */
export function pageHref() {
  return typeof location === 'undefined' ? '' : location.href;
}

/** `new URL(text, base).href` without its #fragment (the core checks it); throws when it is no URL. */
export function resolveUrl(text, base) {
  let url;
  try { url = new URL(text, base); } catch { url = new URL(text); }
  url.hash = '';
  return url.href;
}

/** A fresh idempotency key: `crypto.randomUUID()`, else 16 random bytes in hex; throws without a random source. */
export function randomKey() {
  try {
    const key = crypto.randomUUID();
    if (typeof key === 'string' && key.length >= 32) return key;
  } catch { /* getRandomValues below */ }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let key = '';
  for (let i = 0; i < 16; i++) key += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  if (key.length !== 32) throw new E('no random source');
  return key;
}

/** Navigates (the top window when `top`) to `url`, by GET or by a POSTed form. */
export function navigate(url, post, top) {
  const target = top ? (window.top ?? window) : window;
  if (!post) {
    // `href` is the one Location member a cross-origin top window lets us set.
    target.location.href = url;
    return;
  }
  const form = document.createElement('form');
  form.method = 'post';
  form.action = url;
  if (top) form.target = '_top';
  document.body.appendChild(form);
  form.submit();
}

/**
 * POSTs JSON text `body` to `url` with `headers` (`name\0value\0...`),
 * never following a redirect, aborted after `ms` (headers and body
 * together), and calls `done(id, true, [status, text])` (`text` null when
 * longer than `maxChars`: never read into wasm memory) or `done(id, false,
 * 'timeout' | 'redirect' | 'network')`. Never throws after it started.
 */
export function post(url, body, headers, ms, maxChars, id, done) {
  const controller = new AbortController();
  inFlight[id] = controller;
  // (Once aborted by `abort(id)`, the id may be another request's: no `done`.)
  const mine = () => inFlight[id] === controller && delete inFlight[id];
  apply(then, request(url, body, headers, ms, maxChars, controller), [
    (reply) => { if (mine()) deliver(done, [id, true, reply]); },
    (code) => { if (mine()) deliver(done, [id, false, code === 'timeout' || code === 'redirect' ? code : 'network']); },
  ]);
}

// The requests in flight, by id: `abort(id)` when Rust drops one's future.
// (No prototype: nothing the page patches runs when it is read or written.)
const inFlight = Object.create(null);

/** Aborts the request `id` (its future was dropped): its `done` is never called. Never throws. */
export function abort(id) {
  try {
    const controller = inFlight[id];
    delete inFlight[id];
    if (controller !== undefined) controller.abort();
  } catch { /* nothing left to abort */ }
}

async function request(url, body, headers, ms, maxChars, controller) {
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, ms);
  try {
    const h = new Headers();
    h.set('Content-Type', 'application/json');
    h.set('Accept', 'application/json');
    const parts = headers === '' ? [] : headers.split('\0');
    for (let i = 0; i + 1 < parts.length; i += 2) h.set(parts[i], parts[i + 1]);
    // `manual`: a 3xx is never followed (a 307/308 would re-send the body,
    // card and all, to whatever origin `Location` names); it arrives as an
    // opaque redirect, refused below.
    const response = await fetch(url, { method: 'POST', headers: h, body, redirect: 'manual', signal: controller.signal, credentials: 'same-origin' });
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) throw 'redirect';
    const text = await response.text();
    return [response.status, text.length > maxChars ? null : text];
  } catch (e) {
    throw timedOut ? 'timeout' : e === 'redirect' ? e : 'network';
  } finally {
    clearTimeout(timer);
  }
}
