/**
 * The pure helpers for Node: `import { validateCard } from 'razorpay-checkout-wasm/node'`.
 * The WebAssembly module is loaded synchronously from the package on first
 * call: no `init()`. The browser-only exports (`Checkout`, `collectBrowser`)
 * are not here. The shapes come from ./types.d.ts (the same declarations as
 * the browser entry's, without its DOM-typed `init()`), so a Node project
 * type-checks without the DOM lib.
 */
import type {
    CardInput, CardValidation, ExpiryFields, NetworkName, NumberInspection, OrderOutcome, ParseOptions,
    ValidateOptions,
} from './types.js';

export type * from './types.js';

/** Validates a whole card and reports every error at once (see the browser entry). */
export declare function validateCard(card: CardInput, options?: ValidateOptions): CardValidation;
/** The as-you-type view of a (partial) card number. Never throws. */
export declare function inspectNumber(partial: string): NumberInspection;
/** The network of a (partial) card number, or `null` while undecided. */
export declare function cardNetwork(number: string): NetworkName | null;
/** Parses a combined expiry and checks it against the clock (`now`, ms since the epoch). */
export declare function parseExpiry(text: string, now?: number): ExpiryFields;
/** Parses a composite order response (JSON text or object), checking every next-action URL. */
export declare function parseOrderResponse(json: string | object, options?: ParseOptions): OrderOutcome;
