// Types of bindCardFields (src/wasm/fields.js, bundled into pkg/card/card.js),
// copied to pkg/card/fields.d.ts by scripts/merge-card.mjs and re-exported
// from pkg/card/card.d.ts.
import type { CardError, CardInput, NetworkName } from './card.js';

/** The inputs `bindCardFields` can own. */
export type CardFieldName = 'number' | 'expiry' | 'month' | 'year' | 'cvv' | 'name';

/**
 * An error to show on a field: validateCard's (`field` `number`,
 * `expiry_month`, ...), or a refused `pay()`'s (`payment.card.number`):
 * the shape `messageFor` of `razorpay-checkout-wasm/messages` reads.
 */
export interface FieldError {
  readonly field?: string | null;
  readonly kind?: string;
  readonly description?: string;
  readonly source?: string;
  readonly reason?: string;
}

/** What the fields hold, as the page shows it (a badge, the Pay button). */
export interface CardFieldsState {
  /** The network as soon as the leading digits tell it (a saved card's when one is used). */
  network: NetworkName | null;
  /** Every field in use is filled to its length (the CVV is optional for a saved card). */
  complete: boolean;
  /** Nothing to fix: validateCard finds no error in the fields in use. */
  valid: boolean;
  /** validateCard's errors for the fields in use (shown or not yet). */
  errors: CardError[];
}

export interface CardFieldsOptions {
  /** The card number input. */
  number?: HTMLInputElement;
  /** A combined expiry input, `MM/YY`. */
  expiry?: HTMLInputElement;
  /** A separate expiry month input (with `year`, instead of `expiry`). */
  month?: HTMLInputElement;
  /** A separate expiry year input, `YY` or `YYYY`. */
  year?: HTMLInputElement;
  /** The CVV input. */
  cvv?: HTMLInputElement;
  /** The cardholder name input. */
  name?: HTMLInputElement;
  /**
   * Where each field's error is shown (and `aria-describedby` points); for
   * a field without one, an empty `<span>` is created just after its input.
   */
  errors?: Partial<Record<CardFieldName, HTMLElement>>;
  /**
   * The one polite live region that announces the network and the errors;
   * without one, a `<div class="rzp-live" aria-live="polite">` is added at
   * the end of the number's form (style `.rzp-live` as you like, e.g.
   * visually hidden: no inline style is set, for strict CSPs).
   */
  live?: HTMLElement;
  /** The text shown and announced for an error (default its English `description`). */
  message?: (error: FieldError) => string;
  /** Appended to the CVV's label while a saved card is used (default `" (optional)"`). */
  optional?: string;
  /** Move the focus to the next field when one is complete. Off by default (WCAG 3.2.2). */
  advance?: boolean;
  /** Called after every change of a field's value. */
  onChange?: (state: CardFieldsState) => void;
}

/** A card form bound by `bindCardFields`. */
export interface CardFields {
  /** The fields' state now. */
  readonly state: CardFieldsState;
  /**
   * The card for `checkout.pay({ payment: { card } })`: the fields' values,
   * keyed as validateCard and pay() read them (`{ cvv }` only for a saved card).
   */
  card(): CardInput;
  /** On submit: shows and announces every error, and returns the state. */
  check(): CardFieldsState;
  /**
   * Shows errors from elsewhere (`pay()`'s `error.errors`, `field`
   * `payment.card.number` and the like) on their fields, and announces them.
   */
  showErrors(errors: readonly FieldError[]): void;
  /** Paying with a saved card (its network sets the CVV length; the CVV is optional), or `null` for a new card. */
  saved(token: { network?: NetworkName | null } | null): void;
  /** Removes every listener, attribute and element the binding added. */
  destroy(): void;
}

/**
 * Binds the merchant's own card inputs: grouping, caret, paste, IME and
 * autofill handling, `autocomplete` / `inputmode`, errors on blur and
 * submit, `aria-invalid` / `aria-describedby`, one polite live region.
 * Call after `init()`; the module touches no DOM until called.
 *
 * # Example
 * ```js
 * await init();
 * const fields = bindCardFields({ number: $('number'), expiry: $('expiry'), cvv: $('cvv'), name: $('name'),
 *   onChange: (s) => { $('badge').textContent = s.network ?? ''; } });
 * form.onsubmit = () => fields.check().valid && checkout.pay({ ..., payment: { ..., card: fields.card() } });
 * ```
 */
export function bindCardFields(options: CardFieldsOptions): CardFields;
