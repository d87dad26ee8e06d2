// The package's browser entry: wasm-bindgen's glue, re-exported (the build
// bundles the glue and its snippets into this file: scripts/integrity.mjs), with its
// `init()` and `initSync()` wrapped so that
// - the .wasm is fetched with the SHA-384 this build shipped
//   (integrity.json; scripts/integrity.mjs writes it below), and the browser
//   refuses any other bytes;
// - a page that refuses to compile WebAssembly (a Content-Security-Policy
//   without 'wasm-unsafe-eval', a browser with WebAssembly switched off)
//   runs the same module as JavaScript (fallback.js, binaryen's wasm2js of
//   the .wasm, fetched only then; the console names the directive to add),
//   or, with `init({ fallback: false })` or when that fails, gets a
//   `RazorpayCheckoutError` of kind `wasm_blocked` naming the fix, before
//   the .wasm is downloaded: never a bare browser message;
// - an export called before `init()` has finished throws a
//   `RazorpayCheckoutError` (kind `invalid_state`) saying to await `init()`,
//   not the glue's `TypeError: Cannot read properties of undefined`;
// - `init()` resolves `{ cardMemory }` (and `memory` with `checkout: true`),
//   not the modules' raw exports.
//
// The card functions (validateCard, inspectNumber, cardNetwork, parseExpiry)
// are the card entry's (card/card.js and card/card_bg.wasm, a module of its
// own, fetched with its SHA-384 too), and `init()` starts only that module:
// a page that only validates never downloads the checkout module
// (razorpay_checkout_wasm_bg.wasm, the checkout part: under 55,000 B gzip
// -9). That module is loaded on demand: by `loadCheckout()` (a page calls it
// when idle, or awaits it before the synchronous `collectBrowser()` and
// `parseOrderResponse()`), by `new Checkout()` (which starts the download)
// and at the latest by the first `pay()`; `init({ checkout: true })` loads
// both at once.
import glueInit, * as glue from './razorpay_checkout_wasm.js';
import cardInit, * as card from './card/card.js';

const glueInitSync = glue.initSync;
const cardInitSync = card.initSync;
const GlueCheckout = glue.Checkout;

let config = null; // what init() (or initSync()) was given, for the checkout module's load: { input, fallback }
let ready = false; // the card module is started
let checkoutExports = null; // the checkout module's exports, once started
let checkoutLoading = null; // loadCheckout()'s promise while it loads

/** The one shape of this file's errors: a RazorpayCheckoutError of `kind`. */
function fail(description, kind, reason = kind, source = 'internal', code = 'BAD_REQUEST_ERROR') {
  const error = new Error(description);
  error.name = 'RazorpayCheckoutError';
  return Object.assign(error, { code, description, field: null, source, step: 'payment_initiation', reason, kind });
}

const notReady = () => fail('Call init() (and await it) before using razorpay-checkout-wasm', 'invalid_state');

// Taken at import: a page that later patches Function.prototype.apply (or
// Reflect.apply) does not break the exports (tests/e2e/boundary.test.mjs).
const { apply } = Reflect;

/**
 * The function `f`, refusing to run before `init()` has finished, and with
 * `checkout`, before the checkout module is loaded.
 */
function guarded(f, checkout) {
  return function (...args) {
    if (!ready) throw notReady();
    if (checkout && !checkoutExports) throw fail('Await loadCheckout() (or init({ checkout: true })) before collectBrowser() and parseOrderResponse()', 'invalid_state');
    return apply(f, this, args);
  };
}

export const cardNetwork = guarded(card.cardNetwork);
export const collectBrowser = guarded(glue.collectBrowser, true);
export const inspectNumber = guarded(card.inspectNumber);
export const parseExpiry = guarded(card.parseExpiry);
export const parseOrderResponse = guarded(glue.parseOrderResponse, true);
export const validateCard = guarded(card.validateCard);

/** Where a Checkout keeps its state (a key only this file has): `{ i, o, f }`. */
const STATE = Symbol();

/**
 * The glue's Checkout behind `self` (`i`), made from its options (`o`) once
 * the checkout module is loaded; `f`: freed.
 */
async function started(self) {
  const state = self[STATE];
  if (!state.i) {
    await loadCheckout();
    if (state.f) throw fail('This Checkout was freed', 'invalid_state');
    state.i ??= new GlueCheckout(state.o);
  }
  return state.i;
}

/**
 * The glue's `Checkout`, made when the checkout module is loaded: at once
 * when it is (the constructor then throws `invalid_configuration` as the
 * glue's does), else at the first `pay()`, `submitOtp()` or `resendOtp()`,
 * which reject with it; the constructor starts the download. Until then
 * `state` is `idle`. (No private fields: the package supports Firefox 79,
 * and esbuild's lowering of them costs 700 B gzip and calls WeakMap methods
 * a page can patch.)
 */
export class Checkout {
  constructor(options) {
    if (!ready) throw notReady();
    this[STATE] = { i: checkoutExports && new GlueCheckout(options), o: options, f: false };
    if (!checkoutExports) preload();
  }

  get state() {
    const { i } = this[STATE];
    return i ? i.state : 'idle';
  }

  free() {
    const state = this[STATE];
    const { i } = state;
    state.f = true;
    state.i = null;
    i?.free();
  }
}
// pay(), submitOtp(), resendOtp(): the glue Checkout's, once made. (`return
// await`: an async function that returns a promise calls its `then`, which
// a page may have patched; `await` does not.)
for (const name of ['pay', 'submitOtp', 'resendOtp']) {
  Checkout.prototype[name] = async function (a, b) {
    return await (await started(this))[name](a, b);
  };
}
if (typeof Symbol.dispose === 'symbol') Checkout.prototype[Symbol.dispose] = Checkout.prototype.free;

/** Starts loading the checkout module, for a caller that does not wait for it (pay() reports a failure). */
async function preload() {
  try {
    await loadCheckout();
  } catch {}
}

/**
 * Whether `value` is an error this package threw or rejected with (any
 * `kind`): the type guard for a `catch` clause.
 */
export function isRazorpayCheckoutError(value) {
  return value instanceof Error && value.name === 'RazorpayCheckoutError' && typeof value.kind === 'string';
}

/**
 * The memory's export name (filled in by scripts/integrity.mjs from the
 * .wasm: scripts/minify-names.mjs gives every export a one- or two-letter name).
 */
const MEMORY_EXPORT = 'memory';

/** The .wasm's SHA-384 (filled in by scripts/integrity.mjs at build time). */
const WASM_INTEGRITY = 'sha384-FILLED-IN-BY-THE-BUILD';
/** The card entry's .wasm's SHA-384 (filled in the same way). */
const CARD_INTEGRITY = 'sha384-CARD-FILLED-IN-BY-THE-BUILD';
const DIRECTIVE = "script-src 'wasm-unsafe-eval'";

/**
 * Why compiling WebAssembly is refused here, or null when it is allowed: the
 * smallest valid module (8 bytes), compiled synchronously, once (a page's
 * policy does not change, and each refused probe is one more CSP report).
 */
let probed;
function refusal() {
  return probed === undefined ? (probed = probe()) : probed;
}

function probe() {
  if (typeof WebAssembly !== 'object' || WebAssembly === null || typeof WebAssembly.Module !== 'function') {
    return { reason: 'webassembly_unavailable', cause: undefined };
  }
  try {
    new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    return null;
  } catch (cause) {
    return { reason: 'webassembly_refused', cause };
  }
}

/** The wasm_blocked error for `refused` (and what went wrong after, `cause`). */
function blockedError({ reason, cause: refusedBy }, cause = refusedBy) {
  const error = fail(reason === 'webassembly_refused'
    ? `This page's Content-Security-Policy does not allow WebAssembly to be compiled: add 'wasm-unsafe-eval' to its script-src directive (${DIRECTIVE}).`
    : `WebAssembly is not available in this browser (switched off by a setting or a policy); where a Content-Security-Policy applies, it needs ${DIRECTIVE}.`, 'wasm_blocked', reason, 'business');
  error.metadata = { directive: DIRECTIVE };
  if (cause !== undefined) error.cause = cause;
  return error;
}

/** A URL (or a string) becomes a request that carries the integrity hash; by default the file beside this one. */
function withIntegrity(input = new URL('razorpay_checkout_wasm_bg.wasm', import.meta.url)) {
  if (typeof input === 'string' || input instanceof URL) return new Request(input, { integrity: WASM_INTEGRITY });
  return input;
}

/**
 * The module of a wasm2js fallback (`js`), started by an `initSync` (given
 * `{ module }` when `wrapped`) instead of WebAssembly: meanwhile
 * `WebAssembly` is an object whose `Instance` builds the fallback's exports
 * from the JS side's imports. Warns once with the directive to add.
 */
let warned = false;
async function startFallback(refused, js, initSyncOf, wrapped) {
  let output;
  try {
    js = await js;
    const real = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly');
    function Module() {
      this.js = js;
    }
    function Instance(module, imports) {
      return { exports: module.js.instantiate(imports) };
    }
    Object.defineProperty(globalThis, 'WebAssembly', { value: { Module, Instance }, writable: true, configurable: true });
    try {
      const module = new Module();
      output = initSyncOf(wrapped ? { module } : module);
    } finally {
      if (real) Object.defineProperty(globalThis, 'WebAssembly', real);
      else delete globalThis.WebAssembly;
    }
  } catch (cause) {
    throw blockedError(refused, cause);
  }
  if (!warned) console.warn(`razorpay-checkout-wasm: ${blockedError(refused).description} Running the JavaScript fallback meanwhile (slower and larger).`);
  warned = true;
  return output;
}

/** The checkout module, started from what init() was given (or its fallback). */
async function startCheckout() {
  const refused = refusal();
  if (!refused) {
    try {
      return await glueInit({ module_or_path: withIntegrity(config.input) });
    } catch (cause) {
      const error = fail('The checkout module could not be loaded (nothing was sent): check the connection and try again', 'network_error', 'network_failure', 'network', 'NETWORK_ERROR');
      error.cause = cause;
      throw error;
    }
  }
  if (!config.fallback) throw blockedError(refused);
  return startFallback(refused, import('./fallback.js'), glueInitSync, true);
}

/**
 * Loads and starts the checkout module (once; later and concurrent calls
 * resolve the same `{ memory }`; after a failure the next call tries again).
 * `new Checkout()` starts it and `pay()` waits for it; a page calls this
 * when idle so that the first `pay()` does not wait, or awaits it before
 * `collectBrowser()` and `parseOrderResponse()`.
 */
export async function loadCheckout() {
  if (!checkoutExports) {
    if (!config) throw notReady();
    checkoutLoading ??= (async () => {
      try {
        checkoutExports = await startCheckout();
      } finally {
        checkoutLoading = null;
      }
    })();
    await checkoutLoading;
  }
  return { memory: checkoutExports[MEMORY_EXPORT] };
}

let cardStarting = null;

/**
 * Starts the card module (once; later calls resolve the same), and with
 * `checkout: true` the checkout module too. Where the page may not compile
 * WebAssembly, runs the JavaScript fallback (unless `fallback: false`);
 * throws a `RazorpayCheckoutError` with `kind: 'wasm_blocked'` when that is
 * refused too or not wanted.
 */
export default async function init(moduleOrPath) {
  let input = moduleOrPath;
  let fallback = true;
  let checkout = false;
  if (input !== null && typeof input === 'object' && ('module_or_path' in input || 'fallback' in input || 'checkout' in input)) {
    fallback = input.fallback !== false;
    checkout = input.checkout === true;
    input = input.module_or_path;
  }
  const refused = refusal();
  if (refused && !fallback) throw blockedError(refused);
  // (The checkout module's load uses this call's, until it has started.)
  if (!checkoutExports && !checkoutLoading) config = { input, fallback };
  cardStarting ??= (async () => {
    try {
      const output = await (refused
        ? startFallback(refused, import('./card/fallback.js'), cardInitSync)
        : cardInit(new Request(new URL('card/card_bg.wasm', import.meta.url), { integrity: CARD_INTEGRITY })));
      ready = true;
      return output;
    } catch (error) {
      cardStarting = null;
      throw error;
    }
  })();
  const [{ memory: cardMemory }, checkoutOutput] = await Promise.all([cardStarting, checkout && loadCheckout()]);
  return checkout ? { memory: checkoutOutput.memory, cardMemory } : { cardMemory };
}

/**
 * As the glue's `initSync()`: `initSync({ card, module })`, `card` the card
 * module's bytes (or `WebAssembly.Module`, card/card_bg.wasm), `module`
 * (optional) the checkout module's; the same `wasm_blocked` error.
 */
export function initSync(modules) {
  const refused = refusal();
  if (refused) throw blockedError(refused);
  if (modules?.card == null) {
    throw fail('initSync() takes { card, module? }: the bytes of card/card_bg.wasm and razorpay_checkout_wasm_bg.wasm', 'invalid_state');
  }
  config ??= { fallback: true };
  const { memory: cardMemory } = cardInitSync(modules.card);
  ready = true;
  if (modules.module == null) return { cardMemory };
  checkoutExports ??= glueInitSync({ module: modules.module });
  return { memory: checkoutExports[MEMORY_EXPORT], cardMemory };
}
