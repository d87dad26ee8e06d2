// The card exports' objects, read and built on the JS side (bundled into the
// card entry's crates/card-wasm/card.js, whose card functions both entries
// export; the main module imports alphabetic, makeError and now from there:
// scripts/card-snippet.mjs): for
// inspectNumber (every keystroke) and validateCard, one call across the
// JS/wasm boundary with scalars is much cheaper than walking a JS object
// from Rust or writing JSON text in Rust and parsing it here. The tables
// follow the Rust enums (Network::ALL, NumberState), pinned by src/wire.rs's
// native tests and tests/e2e/card-entry.test.mjs.
const NETWORKS = [null, 'Visa', 'MasterCard', 'American Express', 'Diners Club', 'RuPay',
  'Maestro', 'JCB', 'Union Pay', 'Bajaj Finserv', 'Discover', 'Unknown'];
const STATES = ['incomplete', 'complete', 'invalid'];
// Captured when the module loads: a page patching them later changes nothing.
const own = Object.prototype.propertyIsEnumerable;
const parseJson = JSON.parse;
const { defineProperty, keys } = Object;
const { isArray } = Array;
const { apply } = Reflect;
const { fromCodePoint } = String;
const E = Error;
const test = RegExp.prototype.test;
const ALPHABETIC = /^\p{Alphabetic}$/u;

/**
 * Whether the code point `c` has Unicode's Alphabetic property: the card
 * engine asks this for a name's characters beyond ASCII (src/card/name.rs,
 * feature platform-unicode) instead of carrying Unicode's table.
 */
export function alphabetic(c) {
  // (`apply` taken at load, not `test.call`: a page's patched
  // Function.prototype.call must not throw through the module.)
  return apply(test, ALPHABETIC, [fromCodePoint(c)]);
}

/**
 * `{ network, state, formatted, lengths, cvv_length }`: `network` 0 for
 * null, else 1 + its index in Network::ALL; `lengths` a bit mask (bit 0 is
 * 12 digits); `cvvLength` 0 for null.
 */
export function inspection(network, state, formatted, lengths, cvvLength) {
  // (No `push`, which a page can patch: the list is JSON text, parsed by
  // the JSON.parse captured at load, which defines own properties.)
  let list = '[';
  for (let n = 0; n < 8; n++) if (lengths & (1 << n)) list += (list.length > 1 ? ',' : '') + (n + 12);
  return {
    network: NETWORKS[network] ?? null,
    state: STATES[state],
    formatted,
    lengths: parseJson(`${list}]`),
    cvv_length: cvvLength === 0 ? null : cvvLength,
  };
}

const CARD_FIELDS = ['number', 'expiry_month', 'expiry_year', 'expiry', 'cvv', 'name'];
const OPTION_FIELDS = ['tokenised', 'now', 'network'];

/**
 * validateCard's card object as one string, so the module reads it in one
 * crossing: for each of CARD_FIELDS (of OPTION_FIELDS for optionFields) a
 * tag and the value, each field ended by NUL. Tags: `a` absent, `z` null or undefined, `s` a string (a NUL inside
 * becomes U+FFFD: invalid in every card field either way), `i` a safe
 * integer, `f` another number, `b0`/`b1` a boolean, `o` an object or array.
 * Returns null (the module then decodes the object itself, as before) for
 * anything else: not a plain object, a function or symbol value, a getter
 * that throws.
 */
export function cardFields(card) {
  return tagged(card, CARD_FIELDS);
}

/** validateCard's options object, as cardFields reads the card. */
export function optionFields(options) {
  return tagged(options, OPTION_FIELDS);
}

function tagged(card, names) {
  if (card === null || typeof card !== 'object') return null;
  try {
    // (Array.isArray of a revoked Proxy throws: in the try, so it is "not a card".)
    if (isArray(card)) return null;
    let out = '';
    for (let i = 0; i < names.length; i++) {
      const k = names[i];
      if (!apply(own, card, [k])) { out += 'a\0'; continue; }
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
    errors: errors === undefined ? [] : parseJson(errors),
  };
}

/** parseExpiry's `{ expiry_month, expiry_year }`. */
export function expiryFields(month, year) {
  return { expiry_month: month, expiry_year: year };
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

