/* The card entry's declarations (scripts/merge-card.mjs puts the card types of src/wasm/types.rs in place of the TYPES line). */
/* TYPES */

/**
 * The network of a (partial) card number, or `null` while the leading
 * digits cannot tell it (or the input is not a number).
 */
export function cardNetwork(number: string): NetworkName | null;

/**
 * The as-you-type view of a (partial) card number:
 * `{ network, state, formatted, lengths, cvv_length }`.
 *
 * Never throws: a value that is not a string is `invalid`, `null` and
 * `undefined` are an empty, `incomplete` number.
 */
export function inspectNumber(partial: string): NumberInspection;

/**
 * Parses a combined expiry (`MM/YY`, `MM / YYYY`, `MMYY`, `MM-YY`) and
 * checks it against the clock (`now` in ms since the epoch, default the
 * browser's clock). Returns `{ expiry_month: "MM", expiry_year: "YY" }`.
 *
 * # Errors
 * Throws a `RazorpayCheckoutError` (`kind` `required`, `invalid_format`,
 * `invalid_month`, `invalid_year`, `expired`, `too_far_ahead`) on the
 * `field` `expiry` (a bad `now` on `now`).
 */
export function parseExpiry(text: string, now?: number): ExpiryFields;

/**
 * Validates a whole card and reports every error at once.
 *
 * `card = { number, expiry_month?, expiry_year?, expiry?, cvv?, name? }`
 * (`expiry` is a combined `MM/YY` field); `options = { tokenised?, now?,
 * network? }`. Returns `{ valid, network, last4, card, errors }` where
 * `card` is the normalised card for the payload, or `null` when invalid.
 *
 * # Errors
 * Throws a `RazorpayCheckoutError` only when `card` is not an object or an
 * option has the wrong type; bad card input is reported in `errors`,
 * each `field` the card's own (`number`; `expiry` for the combined field).
 */
export function validateCard(card: CardInput, options?: ValidateOptions): CardValidation;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** What `init()` and `initSync()` return: the card module's memory (tests scan it). */
export interface InitOutput {
  readonly memory: WebAssembly.Memory;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the card module from its bytes or a compiled
 * `WebAssembly.Module`, synchronously (a second call does nothing).
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * Fetches (by default `card_bg.wasm` beside this file), compiles and
 * instantiates the card module; call it, and await it, before the other
 * functions (which otherwise throw a `RazorpayCheckoutError`,
 * `invalid_state`). A second call resolves to the same module.
 */
export default function __wbg_init(module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
