// The hot exports' objects, read and built on the JS side: for
// inspectNumber (every keystroke) and validateCard, one call across the
// JS/wasm boundary with scalars is much cheaper than walking a JS object
// from Rust or writing JSON text in Rust and parsing it here. The tables
// follow the Rust enums (Network::ALL, NumberState); tests/web_card.rs pins
// every object to the pure Rust result, for every network and input type.
const NETWORKS = [null, 'Visa', 'MasterCard', 'American Express', 'Diners Club', 'RuPay',
  'Maestro', 'JCB', 'Union Pay', 'Bajaj Finserv', 'Discover', 'Unknown'];
const STATES = ['incomplete', 'complete', 'invalid'];

/**
 * `{ network, state, formatted, lengths, cvv_length }`: `network` 0 for
 * null, else 1 + its index in Network::ALL; `lengths` a bit mask (bit 0 is
 * 12 digits); `cvvLength` 0 for null.
 */
export function inspection(network, state, formatted, lengths, cvvLength) {
  const list = [];
  for (let n = 0; n < 8; n++) if (lengths & (1 << n)) list.push(n + 12);
  return {
    network: NETWORKS[network] ?? null,
    state: STATES[state],
    formatted,
    lengths: list,
    cvv_length: cvvLength === 0 ? null : cvvLength,
  };
}

const CARD_FIELDS = ['number', 'expiry_month', 'expiry_year', 'expiry', 'cvv', 'name'];
const own = Object.prototype.propertyIsEnumerable;

/**
 * validateCard's card object as one string, so the module reads it in one
 * crossing: for each of CARD_FIELDS a tag and the value, each field ended by
 * NUL. Tags: `a` absent, `z` null or undefined, `s` a string (a NUL inside
 * becomes U+FFFD: invalid in every card field either way), `i` a safe
 * integer, `f` another number, `b0`/`b1` a boolean, `o` an object or array.
 * Returns null (the module then decodes the object itself, as before) for
 * anything else: not a plain object, a function or symbol value, a getter
 * that throws.
 */
export function cardFields(card) {
  if (card === null || typeof card !== 'object' || Array.isArray(card)) return null;
  try {
    let out = '';
    for (const k of CARD_FIELDS) {
      if (!own.call(card, k)) { out += 'a\0'; continue; }
      const v = card[k];
      switch (typeof v) {
        case 'string': out += `s${v.includes('\0') ? v.replaceAll('\0', '\uFFFD') : v}\0`; break;
        case 'number': out += Number.isSafeInteger(v) ? `i${v}\0` : 'f\0'; break;
        case 'boolean': out += v ? 'b1\0' : 'b0\0'; break;
        case 'undefined': out += 'z\0'; break;
        case 'object': out += v === null ? 'z\0' : 'o\0'; break;
        default: return null;
      }
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * validateCard's `{ valid, network, last4, card, errors }`: `network` as in
 * inspection(); `card` only when `hasCard`, with the fields given (never a
 * key for an absent one); `errors` as JSON text, or undefined for none.
 */
export function cardValidation(valid, network, last4, hasCard, name, number, cvv, month, year, errors) {
  // Object literals and spreads define own properties (as JSON.parse
  // does): no setter a page put on Object.prototype ever sees the card.
  const all = name !== undefined && number !== undefined && cvv !== undefined
    && month !== undefined && year !== undefined;
  const card = !hasCard ? null : all
    ? { name, number, cvv, expiry_month: month, expiry_year: year }
    : {
      ...(name === undefined ? null : { name }),
      ...(number === undefined ? null : { number }),
      ...(cvv === undefined ? null : { cvv }),
      ...(month === undefined ? null : { expiry_month: month }),
      ...(year === undefined ? null : { expiry_year: year }),
    };
  return {
    valid,
    network: NETWORKS[network] ?? null,
    last4: last4 ?? null,
    card,
    errors: errors === undefined ? [] : JSON.parse(errors),
  };
}

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
const { defineProperty, keys } = Object;
const then = P.prototype.then;
const parseJson = JSON.parse;
const E = Error;
const S = String;
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

/**
 * A RazorpayCheckoutError: `description` is the message, and the fields
 * (JSON text: code, description, field, ..., and `errors` when given) are
 * own enumerable properties, defined (so no setter on Error.prototype runs).
 * Never throws (imported without `catch`, as ownJson).
 */
export function makeError(description, fields) {
  try {
    const error = new E(description);
    const own = (key, value) => defineProperty(error, key, { value, writable: true, enumerable: true, configurable: true });
    own('name', 'RazorpayCheckoutError');
    const object = parseJson(fields);
    const names = keys(object);
    for (let i = 0; i < names.length; i++) own(names[i], object[names[i]]);
    return error;
  } catch {
    return description;
  }
}

/** `Date.now()`. */
export function now() {
  return Date.now();
}

/** `new Date().getTimezoneOffset()`. */
export function timezoneOffset() {
  return new Date().getTimezoneOffset();
}

/** The page's URL (`location.href`), or '' where there is none. */
export function pageHref() {
  return typeof location === 'undefined' ? '' : location.href;
}

/** `[href without #fragment, protocol, hostname, username, password]` of `text` against `base`; throws when it is no URL. */
export function urlParts(text, base) {
  let url;
  try { url = new URL(text, base); } catch { url = new URL(text); }
  url.hash = '';
  return [url.href, url.protocol, url.hostname, url.username, url.password];
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
  apply(then, request(url, body, headers, ms, maxChars), [
    (reply) => deliver(done, [id, true, reply]),
    (code) => deliver(done, [id, false, code === 'timeout' || code === 'redirect' ? code : 'network']),
  ]);
}

async function request(url, body, headers, ms, maxChars) {
  const controller = new AbortController();
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
