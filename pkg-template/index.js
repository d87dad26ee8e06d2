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
// - `init()` resolves `{ memory, cardMemory }`, not the modules' raw exports.
//
// The card functions (validateCard, inspectNumber, cardNetwork, parseExpiry)
// are the card entry's (card/card.js and card/card_bg.wasm, a module of its
// own, fetched with its SHA-384 too): `init()` starts both modules, and the
// main module carries no second card engine's exports (the checkout part a
// page downloads beyond the card entry: 58,796 -> under 55,000 B gzip -9).
import glueInit, * as glue from './razorpay_checkout_wasm.js';
import cardInit, * as card from './card/card.js';

const glueInitSync = glue.initSync;
const cardInitSync = card.initSync;
let ready = false;

function notReady() {
  const description = 'Call init() (and await it) before using razorpay-checkout-wasm';
  const error = new Error(description);
  error.name = 'RazorpayCheckoutError';
  return Object.assign(error, {
    code: 'BAD_REQUEST_ERROR',
    description,
    field: null,
    source: 'internal',
    step: 'payment_initiation',
    reason: 'invalid_state',
    kind: 'invalid_state',
  });
}

// Taken at import: a page that later patches Function.prototype.apply (or
// Reflect.apply) does not break the exports (tests/e2e/boundary.test.mjs).
const { apply } = Reflect;

/** The glue's function, refusing to run before `init()` has finished. */
function guarded(f) {
  return function (...args) {
    if (!ready) throw notReady();
    return apply(f, this, args);
  };
}

export const cardNetwork = guarded(card.cardNetwork);
export const collectBrowser = guarded(glue.collectBrowser);
export const inspectNumber = guarded(card.inspectNumber);
export const parseExpiry = guarded(card.parseExpiry);
export const parseOrderResponse = guarded(glue.parseOrderResponse);
export const validateCard = guarded(card.validateCard);

/** The glue's `Checkout`, refusing to be made before `init()` has finished. */
export class Checkout extends glue.Checkout {
  constructor(options) {
    if (!ready) throw notReady();
    super(options);
  }
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

/** What `init()` and `initSync()` resolve: the modules' memories, nothing internal. */
function started(exports, cardOutput) {
  ready = true;
  return { memory: exports[MEMORY_EXPORT], cardMemory: cardOutput.memory };
}

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

function blockedError({ reason, cause }) {
  const description = reason === 'webassembly_refused'
    ? `This page's Content-Security-Policy does not allow WebAssembly to be compiled: add 'wasm-unsafe-eval' to its script-src directive (${DIRECTIVE}).`
    : `WebAssembly is not available in this browser (switched off by a setting or a policy); where a Content-Security-Policy applies, it needs ${DIRECTIVE}.`;
  const error = new Error(description, cause === undefined ? undefined : { cause });
  error.name = 'RazorpayCheckoutError';
  return Object.assign(error, {
    code: 'BAD_REQUEST_ERROR',
    description,
    field: null,
    source: 'business',
    step: 'payment_initiation',
    reason,
    kind: 'wasm_blocked',
    metadata: { directive: DIRECTIVE },
  });
}

/** The glue's default URL, fetched with the shipped hash. */
function defaultRequest() {
  return new Request(new URL('razorpay_checkout_wasm_bg.wasm', import.meta.url), { integrity: WASM_INTEGRITY });
}

/** The card module's request (card/card_bg.wasm), with its hash. */
function cardRequest() {
  return new Request(new URL('card/card_bg.wasm', import.meta.url), { integrity: CARD_INTEGRITY });
}

/** A URL (or a string) becomes a request that carries the integrity hash. */
function withIntegrity(input) {
  if (typeof input === 'string' || input instanceof URL) return new Request(input, { integrity: WASM_INTEGRITY });
  return input;
}

/**
 * Both modules, instantiated on their fallbacks (fallback.js and
 * card/fallback.js) instead of WebAssembly: for the synchronous
 * `initSync()`s, `WebAssembly` is briefly an object whose `Instance` builds
 * a fallback's exports from the JS side's imports.
 */
async function initFallback() {
  const [main, cardFallback] = await Promise.all([import('./fallback.js'), import('./card/fallback.js')]);
  const real = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly');
  class Module {
    constructor(js) {
      this.js = js;
    }
  }
  function Instance(module, imports) {
    return { exports: module.js.instantiate(imports) };
  }
  Object.defineProperty(globalThis, 'WebAssembly', { value: { Module, Instance }, writable: true, configurable: true });
  try {
    return [glueInitSync({ module: new Module(main) }), cardInitSync(new Module(cardFallback))];
  } finally {
    if (real) Object.defineProperty(globalThis, 'WebAssembly', real);
    else delete globalThis.WebAssembly;
  }
}

let fellBack = null;

/**
 * Instantiates the module (once; later calls resolve the same exports).
 * Where the page may not compile WebAssembly, runs the JavaScript fallback
 * (unless `fallback: false`); throws a `RazorpayCheckoutError` with `kind:
 * 'wasm_blocked'` when that is refused too or not wanted.
 */
export default async function init(moduleOrPath) {
  let input = moduleOrPath;
  let fallback = true;
  if (input !== null && typeof input === 'object' && ('module_or_path' in input || 'fallback' in input)) {
    fallback = input.fallback !== false;
    input = input.module_or_path;
  }
  const refused = refusal();
  if (refused) {
    if (!fallback) throw blockedError(refused);
    fellBack ??= initFallback().then(([exports, cardOutput]) => {
      console.warn(`razorpay-checkout-wasm: ${blockedError(refused).description} Running the JavaScript fallback meanwhile (slower and larger).`);
      return started(exports, cardOutput);
    }, (cause) => {
      fellBack = null;
      const error = blockedError(refused);
      error.cause = cause;
      throw error;
    });
    return fellBack;
  }
  input = input === undefined ? defaultRequest() : withIntegrity(input);
  // (Both downloads at once; the card entry's own `init()` shares its one
  // download with a page that imports razorpay-checkout-wasm/card too.)
  const [exports, cardOutput] = await Promise.all([glueInit({ module_or_path: input }), cardInit(cardRequest())]);
  return started(exports, cardOutput);
}

/**
 * As the glue's `initSync()`, for both modules: `initSync({ module, card })`,
 * `module` the main module's bytes (or `WebAssembly.Module`), `card` the card
 * module's (card/card_bg.wasm); the same `wasm_blocked` error.
 */
export function initSync(modules) {
  const refused = refusal();
  if (refused) throw blockedError(refused);
  if (modules === null || typeof modules !== 'object' || modules.card == null) {
    const error = notReady();
    error.message = error.description = 'initSync() takes both modules: initSync({ module, card }), card being the bytes of card/card_bg.wasm';
    throw error;
  }
  return started(glueInitSync({ module: modules.module }), cardInitSync(modules.card));
}
