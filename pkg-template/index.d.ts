/* The package's browser entry (index.js): the glue's exports, with init() and initSync() wrapped. */
import type { ErrorFields, InitInput, RazorpayCheckoutError, SyncInitInput } from './razorpay_checkout_wasm.js';
export type { InitInput, SyncInitInput } from './razorpay_checkout_wasm.js';

export * from './razorpay_checkout_wasm.js';
/* The card functions are the card entry's (razorpay-checkout-wasm/card), which init() starts too. */
export { validateCard, inspectNumber, cardNetwork, parseExpiry } from './card/card.js';

/**
 * What `init()` and `initSync()` resolve: the memory of the card entry's
 * module and, once the checkout module is started (`init({ checkout: true })`,
 * `initSync({ card, module })`), the checkout module's (for a page that wants
 * to check what they hold), none of the modules' internals.
 */
export interface InitOutput {
  readonly memory?: WebAssembly.Memory;
  readonly cardMemory: WebAssembly.Memory;
}

/** What `loadCheckout()` resolves: the checkout module's memory. */
export interface CheckoutModuleOutput {
  readonly memory: WebAssembly.Memory;
}

/**
 * Loads and starts the checkout module (razorpay_checkout_wasm_bg.wasm,
 * fetched with its SHA-384, or its JavaScript fallback where the page
 * refuses WebAssembly, as `init()` decided): once; concurrent and later
 * calls resolve the same; after a failure the next call tries again.
 * `init()` does not load it, so a page that only validates never downloads
 * it; `new Checkout()` starts the download and `pay()` waits for it. Call
 * this when the page is idle so the first `pay()` does not wait, and await
 * it before `collectBrowser()` and `parseOrderResponse()`.
 *
 * # Example
 * ```ts
 * await init();
 * requestIdleCallback(() => loadCheckout().catch(() => {}));
 * ```
 *
 * @throws {RazorpayCheckoutError} `invalid_state` before `init()`;
 * `network_error` when the module cannot be fetched or its bytes are
 * refused (nothing was sent); {@link WasmBlockedError} as `init()`.
 */
export function loadCheckout(): Promise<CheckoutModuleOutput>;

/**
 * Whether `value` is an error this package threw or rejected with: the
 * `RazorpayCheckoutError` of every export (any `kind`, `wasm_blocked`
 * included, and `invalid_state` for an export called before `init()` has
 * finished).
 *
 * # Example
 * ```ts
 * try { validateCard(card); } catch (e) {
 *   if (isRazorpayCheckoutError(e)) show(e.description); else throw e;
 * }
 * ```
 */
export function isRazorpayCheckoutError(value: unknown): value is RazorpayCheckoutError;

/**
 * What `init()` and `initSync()` throw when the page may not compile
 * WebAssembly: a Content-Security-Policy without `'wasm-unsafe-eval'`
 * (`reason: 'webassembly_refused'`), or a browser with WebAssembly switched
 * off (`reason: 'webassembly_unavailable'`). `message` names the directive
 * to add; nothing was downloaded. Show the shopper another way to pay.
 */
export interface WasmBlockedError extends Error, Omit<ErrorFields, 'kind' | 'reason' | 'metadata'> {
  name: "RazorpayCheckoutError";
  kind: "wasm_blocked";
  code: "BAD_REQUEST_ERROR";
  reason: "webassembly_refused" | "webassembly_unavailable";
  field: null;
  metadata: { directive: "script-src 'wasm-unsafe-eval'" };
  /** The browser's own error, when there was one. */
  cause?: unknown;
}

/** What `init()` takes as an object. */
export interface InitOptions {
  /** The .wasm (default: beside this module), fetched with its SHA-384 when a URL. */
  module_or_path?: InitInput | Promise<InitInput>;
  /**
   * Where the page may not compile WebAssembly, run the same module as
   * JavaScript (fallback.js, fetched only then; slower and larger): the
   * default. `false`: throw the `wasm_blocked` error instead.
   */
  fallback?: boolean;
  /** Also load the checkout module now (as `loadCheckout()`), not on demand. */
  checkout?: boolean;
}

/**
 * Fetches (from beside this module, with the SHA-384 of integrity.json) and
 * instantiates the card entry's module (`card/card_bg.wasm`, whose card
 * functions this entry re-exports); later calls resolve the same. The
 * checkout module is loaded on demand (`loadCheckout()`, `new Checkout()`,
 * the first `pay()`), or now with `checkout: true`. A URL or string given is
 * the checkout module's, fetched with the same integrity check when it is
 * loaded (the card module is always the one beside `card/card.js`). Where
 * the page may not compile WebAssembly, runs the JavaScript fallbacks and
 * warns in the console with the directive to add.
 *
 * # Example
 * ```ts
 * const { cardMemory } = await init();
 * const { memory } = await init({ checkout: true }); // both modules now
 * ```
 *
 * @throws {WasmBlockedError} when the page may not compile WebAssembly and
 * the fallback is refused too, or `fallback` is `false`.
 */
export default function init(module_or_path?: InitOptions | InitInput | Promise<InitInput>): Promise<InitOutput>;

/**
 * Instantiates the modules synchronously: `card`, the card entry's bytes or
 * `WebAssembly.Module` (card/card_bg.wasm), and `module` (optional; else
 * loaded on demand), the checkout module's (razorpay_checkout_wasm_bg.wasm).
 *
 * # Example
 * ```ts
 * initSync({ module: mainBytes, card: cardBytes });
 * ```
 *
 * @throws {WasmBlockedError} when the page may not compile WebAssembly; a
 * `RazorpayCheckoutError` (`kind: 'invalid_state'`) without `card`.
 */
export function initSync(modules: { module?: SyncInitInput; card: SyncInitInput }): InitOutput;
