// The card entry's JS, `razorpay-checkout-wasm/card` (pkg/card/card.js,
// bundled with the builders of src/wasm/card.js by scripts/build-card.sh):
// init() and the four exports over the module's raw ABI (see
// crates/card-wasm/src/lib.rs). The module imports one function (below); every decision
// is in Rust (src/card, src/wire.rs): this file only encodes the arguments
// into the module's memory, reads the answer back and builds the objects,
// which are the main entry's, key for key (tests/pkg/card.test.mjs).
import { alphabetic, cardFields, cardValidation, inspection, makeError, optionFields } from '../../src/wasm/card.js';

// Every ErrorKind the card engine gives (src/wire.rs KINDS order, its first
// CARD_KINDS): the kind, then its default code, reason, source and step
// (src/error.rs ErrorKind::defaults), each left out when it is a validation
// error's (the defaults of `error()` below). A native test,
// `the_js_defaults_table_is_error_kinds`, pins this table to Rust's, and
// tests/pkg/card.test.mjs checks that the card engine constructs no other kind.
/* DEFAULTS */ const DEFAULTS = `
required
invalid_type
invalid_characters
invalid_length
failed_luhn
invalid_month
invalid_year
invalid_format
expired
too_far_ahead
invalid_value
too_many
not_supported
invalid_state BAD_REQUEST_ERROR invalid_state internal
`.trim().split('\n');

// The module's one import: Unicode's Alphabetic property, for a name's
// characters beyond ASCII (src/card/name.rs, feature platform-unicode).
const imports = { u: { a: (c) => +alphabetic(c) } };

let w; // the module's exports, once instantiated
let api; // what init() and initSync() return
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An optional part: empty for none (`missing`), else `=` + the text. */
const opt = (part, missing) => (part ? part.slice(1) : missing);

// Taken when the module loads: a page that later patches
// String.prototype.split, Array.isArray or the array iterator (as
// tests/e2e/boundary.test.mjs does, through both entries) changes nothing
// here. Nothing below destructures or spreads an array (which runs the
// iterator); splitting is `apply` of the split taken here.
const { apply } = Reflect;
const split = String.prototype.split;
/** Each kind's defaults as parts (split here, at load). */
const DEFAULT_PARTS = DEFAULTS.map((line) => line.split(' '));

/** One error's plain object from its seven parts at `p[i]` (src/wire.rs). */
function error(p, i) {
  const d = DEFAULT_PARTS[p[i].charCodeAt(0) - 97];
  const kind = d[0];
  const code = d[1] ?? 'BAD_REQUEST_ERROR';
  const reason = d[2] ?? 'input_validation_failed';
  const source = d[3] ?? 'customer';
  const step = d[4] ?? 'payment_initiation';
  return {
    code: opt(p[i + 5], code),
    description: p[i + 2],
    field: opt(p[i + 1], null),
    source: opt(p[i + 3], source),
    step: opt(p[i + 4], step),
    reason: opt(p[i + 6], reason),
    kind,
  };
}

// Captured when the module loads, as src/wasm/card.js's.
const stringify = JSON.stringify;

/** The RazorpayCheckoutError of error parts `p` (from index 0). */
function thrown(p) {
  const fields = error(p, 0);
  return makeError(fields.description, stringify(fields));
}

let bytes = new Uint8Array(0); // the module's memory, viewed again once it grows
let words; // the same memory as 32-bit words (an answer's header)

/** The module's memory as bytes (new views after `memory.grow`, which detaches the old buffer). */
const memory = () => (bytes.buffer === w.memory.buffer ? bytes
  : ((words = new Uint32Array(w.memory.buffer)), (bytes = new Uint8Array(w.memory.buffer))));

/**
 * Writes `s` as UTF-8 at `at` (room: `cap` bytes); the bytes written. ASCII
 * byte by byte, the rest with `encodeInto` (short strings: faster than
 * calling it for all, as wasm-bindgen's glue does too).
 */
function write(s, at, cap) {
  const m = memory();
  const n = s.length;
  let i = 0;
  for (let c; i < n && (c = s.charCodeAt(i)) < 128; i++) m[at + i] = c;
  return i === n ? n : i + encoder.encodeInto(s.slice(i), m.subarray(at + i, at + cap)).written;
}

/** Writes `a` then `b` into a fresh buffer of the module: `[ptr, cap, a bytes, b bytes]`. */
function put(a, b = '') {
  if (!w) throw thrown(['n', '', 'Call init() (and await it) before the card entry’s functions']);
  const cap = (a.length + b.length) * 3;
  const ptr = w.a(cap);
  const x = write(a, ptr, cap);
  return [ptr, cap, x, b ? write(b, ptr + x, cap - x) : 0];
}

/** An answer's text (the module's buffer read, then freed and so wiped). */
function read(header) {
  const m = memory();
  const i = header >> 2; // (the header is three aligned u32s)
  const ptr = words[i];
  const text = decoder.decode(m.subarray(ptr, ptr + words[i + 1]));
  w.f(ptr, words[i + 2]);
  return text;
}

/** An answer's parts; throws a thrown error. */
function take(header) {
  const text = read(header);
  const p = apply(split, text.slice(1), ['\0']);
  if (text[0] === 'E') throw thrown(p);
  return p;
}

/** `Date.now()`, NaN when a page made it throw or lie (the module decides). */
function clock() {
  try {
    const t = Date.now();
    return typeof t === 'number' ? t : NaN;
  } catch {
    return NaN;
  }
}

/** 0 a string, 1 null or undefined, 2 another type. */
const kindOf = (v) => (typeof v === 'string' ? 0 : v == null ? 1 : 2);

export function validateCard(card, options) {
  const args = put(
    card == null ? '' : cardFields(card) ?? '',
    options == null ? '' : optionFields(options) ?? '',
  );
  const p = take(w.v(args[0], args[1], args[2], args[3], (card == null) | ((options == null) << 1), clock()));
  // (JSON text, parsed by cardValidation: no array method or setter a page
  // put on Array.prototype runs.)
  let errors = '[';
  for (let i = 9; i < p.length - 1; i += 7) errors += (i > 9 ? ',' : '') + stringify(error(p, i));
  return cardValidation(p[0] === '1', p[1].charCodeAt(0) - 48, opt(p[2]), p[3] !== '', opt(p[4]), opt(p[5]), opt(p[6]), opt(p[7]), opt(p[8]), `${errors}]`);
}

export function inspectNumber(partial) {
  const kind = kindOf(partial);
  const a = put(kind ? '' : partial);
  // (validateCard's export, flag 8: inspectNumber, the kind in bits 4–5.)
  // (One part, `K`, the four scalars, the formatted digits: no NUL to split
  // at, on the keystroke path. src/wire.rs encode_inspection.)
  const text = read(w.v(a[0], a[1], a[2], 0, 8 | (kind << 4), 0));
  if (text[0] === 'E') throw thrown(apply(split, text.slice(1), ['\0']));
  const t = text.slice(1);
  const n = (i) => t.charCodeAt(i) - 256;
  return inspection(n(0), n(1), t.slice(4), n(2), n(3));
}

export function cardNetwork(number) {
  // (inspectNumber's network: the same rule as the main entry's cardNetwork,
  // src/wire.rs network_of_partial, pinned by a native test there; a value
  // that is not a string is no number, as the empty one.)
  return inspectNumber(kindOf(number) ? '' : number).network;
}

export function parseExpiry(text, now) {
  const kind = kindOf(text);
  const nowKind = now == null ? 0 : typeof now === 'number' ? 1 : 2;
  const a = put(kind ? '' : text);
  // (validateCard's export, flag 4: parseExpiry, the kinds in bits 4–5 and 6–7.)
  const p = take(w.v(a[0], a[1], a[2], 0, 4 | (kind << 4) | (nowKind << 6), nowKind === 1 ? now : nowKind ? 0 : clock()));
  return { expiry_month: p[0], expiry_year: p[1] };
}

/**
 * The card fields' edit (src/wire.rs `edit_field`): `''` the browser's,
 * `'-'` refused, else the value then the caret as a character. Only
 * bindCardFields (src/wasm/fields.js) calls it; not in card.d.ts.
 */
export function editField(field, input, value, start, end, data) {
  // (validateCard's export, flag 256: editField, the inputType's index in
  // bits 12–15, the field in bits 16–23.)
  const a = put(value, data);
  return read(w.v(a[0], a[1], a[2], a[3], 256 | ((input & 15) << 12) | (field << 16), 0, start, end));
}

export { bindCardFields } from '../../src/wasm/fields.js';

// For the main module's glue (scripts/build-pkg.sh points its src/wasm/card.js
// snippet here): the main entry loads this file anyway, so the three helpers
// its module imports are not sent twice. Not in card.d.ts.
export { alphabetic, makeError, now } from '../../src/wasm/card.js';

function ready(instance) {
  w = instance.exports;
  return (api = { memory: w.memory });
}

/** Instantiates the card module from its bytes or a compiled `WebAssembly.Module`, synchronously. */
export function initSync(module) {
  if (w) return api;
  const m = module?.module ?? module;
  return ready(new WebAssembly.Instance(m instanceof WebAssembly.Module ? m : new WebAssembly.Module(m), imports));
}

let loading; // init()'s promise: concurrent calls share one download

/**
 * Fetches (by default card_bg.wasm beside this file), compiles and
 * instantiates the card module; once: later and concurrent calls resolve
 * the same object (after a failure, the next call tries again).
 */
export default function init(input) {
  return (loading ??= load(input).catch((e) => {
    loading = undefined;
    throw e;
  }));
}

async function load(input) {
  if (w) return api;
  let m = input && Object.getPrototypeOf(input) === Object.prototype ? input.module_or_path : input;
  // The default URL is fetched at once, in init()'s own task (no await
  // first), and compiled as it arrives; the fetch takes the page's
  // `<link rel="preload" as="fetch" crossorigin>` of the same URL.
  m = m == null ? fetch(new URL('card_bg.wasm', import.meta.url)) : await m;
  if (typeof m === 'string' || m instanceof URL || (typeof Request === 'function' && m instanceof Request)) m = fetch(m);
  const r = await (m instanceof Promise || (typeof Response === 'function' && m instanceof Response)
    ? WebAssembly.instantiateStreaming(m, imports).catch(async (e) => {
      // (A server that does not send application/wasm: compiled from the
      // bytes, which streaming left unread. Anything else is rethrown.)
      // A failed download says its HTTP status in every browser (Firefox
      // would name the error page's MIME type instead).
      const res = await m;
      if (!res.ok) throw new TypeError(`${res.url}: HTTP status ${res.status}`);
      if (res.bodyUsed || res.headers.get('Content-Type') === 'application/wasm') throw e;
      return WebAssembly.instantiate(await res.arrayBuffer(), imports);
    })
    : WebAssembly.instantiate(m, imports));
  return w ? api : ready(r.instance ?? r);
}
