// razorpay-checkout-wasm/messages and its nine locale modules, as shipped in
// pkg/: every key in every locale, none empty, placeholders the same as
// English's and all filled, each locale in its own script; every error the
// Rust core can produce (read from its source, tests/js/rust-errors.mjs)
// has a message; bank names, Intl amounts and dates; overrides; no browser
// global touched at import (server-side rendering).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { constructions, kindWords, validationKinds } from './rust-errors.mjs';

const pkg = new URL('../../pkg/', import.meta.url);
assert.equal(typeof globalThis.window, 'undefined');
assert.equal(typeof globalThis.document, 'undefined');
// Imported with no window and no document: nothing runs at import but definitions.
const m = await import(new URL('messages.js', pkg));
const { LOCALES } = m;
const locales = {};
for (const code of LOCALES) locales[code] = (await import(new URL(`locales/${code}.js`, pkg))).default;
const en = locales.en;
const keys = Object.keys(en);
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();

test('the nine locales of the issue ship, each a module of its own in package.json exports', () => {
  assert.deepEqual([...LOCALES].sort(), ['bn', 'en', 'gu', 'hi', 'kn', 'mr', 'ms', 'ta', 'te']);
  const manifest = JSON.parse(readFileSync(new URL('package.json', pkg), 'utf8'));
  assert.deepEqual(manifest.exports['./locales/*'], { types: './locales/*.d.ts', default: './locales/*.js' });
  assert.deepEqual(manifest.exports['./messages'], { types: './messages.d.ts', default: './messages.js' });
  // Nothing of the messages in the .wasm.
  const wasm = readFileSync(new URL('razorpay_checkout_wasm_bg.wasm', pkg));
  for (const code of ['hi', 'ta', 'ms']) assert.equal(wasm.includes(Buffer.from(locales[code]['number.required'])), false, code);
});

test('every key in every locale, no extra key, none empty, the same placeholders as English', () => {
  assert.ok(keys.length >= 70, `${keys.length} keys`);
  for (const code of LOCALES) {
    const messages = locales[code];
    assert.deepEqual(Object.keys(messages).sort(), [...keys].sort(), code);
    for (const key of keys) {
      const text = messages[key];
      assert.equal(typeof text, 'string', `${code} ${key}`);
      assert.notEqual(text.trim(), '', `${code} ${key} is empty`);
      assert.equal(text, text.trim(), `${code} ${key} has stray spaces`);
      assert.deepEqual(placeholders(text), placeholders(en[key]), `${code} ${key}: placeholders differ from English`);
      assert.ok(text.length <= 160, `${code} ${key} is ${text.length} characters: keep it short`);
    }
  }
});

test('no placeholder is left unfilled: every message formatted with its variables has no { } left', async () => {
  const vars = { amount: '₹1.00', last4: '1007', bank: 'SBI' };
  for (const code of LOCALES) {
    const catalogue = await m.loadMessages(code);
    for (const key of keys) {
      const out = m.text(key, catalogue, vars);
      assert.doesNotMatch(out, /[{}]/, `${code} ${key}: ${out}`);
      for (const name of placeholders(en[key])) assert.ok(out.includes(vars[name]), `${code} ${key} lost {${name}}`);
    }
    // A missing variable is left empty, never shown as {bank}.
    assert.doesNotMatch(m.format(catalogue.messages['ui.pay'], {}), /[{}]/);
  }
});

// The script each locale is written in. Latin is allowed inside an Indian
// message only for the tokens banking apps keep in Latin letters.
const SCRIPT = {
  en: /\p{Script=Latin}/u, ms: /\p{Script=Latin}/u,
  hi: /\p{Script=Devanagari}/u, mr: /\p{Script=Devanagari}/u, bn: /\p{Script=Bengali}/u, gu: /\p{Script=Gujarati}/u,
  ta: /\p{Script=Tamil}/u, te: /\p{Script=Telugu}/u, kn: /\p{Script=Kannada}/u,
};
const LATIN_TOKENS = /\b(?:OTP|CVV|MM|YY)\b/g;

test('each locale is in its own script: Devanagari for hi and mr; Bengali, Gujarati, Tamil, Telugu, Kannada; Latin for en and ms', () => {
  for (const code of LOCALES) {
    for (const key of keys) {
      const text = locales[code][key].replace(/\{\w+\}/g, '');
      const rest = code === 'en' || code === 'ms' ? text : text.replace(LATIN_TOKENS, '');
      const letters = [...rest].filter((c) => /[\p{L}\p{M}]/u.test(c));
      assert.ok(letters.length > 0, `${code} ${key} has no words`);
      const foreign = letters.filter((c) => !SCRIPT[code].test(c) && !/\p{Script=Inherited}/u.test(c));
      assert.deepEqual(foreign, [], `${code} ${key}: letters outside its script: ${text}`);
    }
    // An Indian locale is not English in disguise: no message is the English one.
    if (code !== 'en') {
      const same = keys.filter((k) => locales[code][k] === en[k]);
      assert.deepEqual(same, [], `${code}: untranslated`);
    }
  }
  // Hindi and Marathi share a script but not their words.
  assert.ok(keys.filter((k) => locales.hi[k] === locales.mr[k]).length < 3);
});

// ---------------------------------------------------------------- every error the Rust code can produce

// Sites whose field is a variable, not a literal (and not already a
// merchant error by `.with_source("business")` / `business(...)`): what
// the variable can be. A new such site fails the test until listed here.
const DYNAMIC = {
  // Loose::text / text_or_int / type_error: the callers' literals are read by rust-errors.mjs.
  'src/value.rs:invalid_type:field': 'helper',
  // required_text(v, "…"): its callers' literals are read by rust-errors.mjs.
  'src/checkout/payload.rs:required:field': 'helper',
  'src/checkout/payload.rs:invalid_type:field': 'helper',
  // validate.rs text_field(value, "…"): required, or a wrong type, on the three text fields it reads.
  'src/card/validate.rs:required:field': ['number', 'cvv', 'name'],
  'src/card/validate.rs:invalid_type:field': ['number', 'cvv', 'name'],
  // Expiry::check: expired in the current year is on the month, else on the year.
  'src/card/expiry.rs:expired:field': ['expiry_month', 'expiry_year'],
};
// Errors without `source: "business"` on fields a shopper never types
// (options and objects the page's code builds): the kind's general message.
const PAGE_FIELDS = ['options.network', 'payment'];

function producedPairs() {
  const pairs = [];
  for (const c of constructions()) {
    if (c.field === null && c.ident === null) { pairs.push({ ...c, field: undefined }); continue; }
    if (c.field !== null) { pairs.push(c); continue; }
    if (c.business) { pairs.push({ ...c, field: `merchant.${c.ident}` }); continue; }
    const known = DYNAMIC[`${c.site.split(':')[0]}:${c.kind}:${c.ident}`];
    assert.ok(known, `${c.site}: a ${c.kind} error on the variable \`${c.ident}\`: list what it can be in DYNAMIC`);
    if (Array.isArray(known)) for (const field of known) pairs.push({ ...c, field });
  }
  return pairs;
}

test('the source read finds the errors it must (so the coverage check below cannot pass by reading nothing)', () => {
  const pairs = producedPairs();
  const has = (kind, field) => pairs.some((p) => p.kind === kind && p.field === field && !p.business);
  for (const [kind, field] of [
    ['failed_luhn', 'number'], ['invalid_length', 'number'], ['required', 'number'], ['invalid_characters', 'number'],
    ['invalid_month', 'expiry_month'], ['expired', 'expiry_year'], ['too_far_ahead', 'expiry_year'],
    ['invalid_length', 'cvv'], ['required', 'name'], ['invalid_format', 'payment.email'],
    ['invalid_length', 'payment.contact'], ['required', 'otp'], ['invalid_value', 'payment.card.number'], ['required', 'expiry'],
  ]) assert.ok(has(kind, field), `${kind} on ${field} not found in the Rust source`);
  for (const kind of ['timeout', 'network_error', 'unsafe_url', 'gateway_error', 'payment_in_progress']) {
    assert.ok(pairs.some((p) => p.kind === kind), kind);
  }
  assert.ok(pairs.length > 100, `${pairs.length} constructions`);
  assert.ok(pairs.filter((p) => p.business).length > 30, 'the merchant errors are told apart');
});

test('every kind × field the card engine, the request validator and the flow produce has a message in every locale', () => {
  const words = Object.values(kindWords());
  assert.ok(words.length >= 22);
  // Every kind has its general message (the fallback), in every locale.
  for (const kind of words) assert.ok(keys.includes(`error.${kind}`), `no error.${kind}`);
  const validation = new Set(validationKinds());
  for (const pair of producedPairs()) {
    const error = { kind: pair.kind, field: pair.field, source: pair.business ? 'business' : 'customer' };
    const key = m.messageKey(error, en);
    const where = `${pair.site} (${pair.kind} on ${pair.field ?? '-'})`;
    const raw = (pair.field ?? '').split('.').pop();
    const leaf = raw === 'expiry' ? (`expiry_month.${pair.kind}` in en ? 'expiry_month' : 'expiry_year') : raw;
    if (pair.business) {
      assert.equal(key, 'error.business', where);
    } else if (m.SHOPPER_FIELDS.includes(leaf)) {
      // A field the shopper types: a message of its own, not the general one.
      assert.equal(key, `${leaf}.${pair.kind}`, `${where}: add the key ${leaf}.${pair.kind} to every locale`);
    } else if (pair.field !== undefined) {
      assert.ok(PAGE_FIELDS.includes(pair.field), `${where}: a ${pair.kind} error the shopper may see on ${pair.field}, with no message`);
      assert.equal(key, `error.${pair.kind}`, where);
    } else {
      assert.ok(!validation.has(pair.kind) || pair.kind === 'required', where);
      assert.equal(key, `error.${pair.kind}`, where);
    }
    for (const code of LOCALES) assert.ok(locales[code][key], `${code} lacks ${key} (${where})`);
  }
});

test('the MessageKey union of messages.d.ts is exactly the keys, and no .d.ts says any', () => {
  const dts = readFileSync(new URL('messages.d.ts', pkg), 'utf8');
  const union = dts.match(/export type MessageKey =([^;]*);/)[1];
  assert.deepEqual([...union.matchAll(/'([^']+)'/g)].map((x) => x[1]).sort(), [...keys].sort());
  for (const name of ['messages.d.ts', 'locales/hi.d.ts']) {
    assert.doesNotMatch(readFileSync(new URL(name, pkg), 'utf8').replace(/\/\*[\s\S]*?\*\//g, ''), /\bany\b/);
  }
});

// ---------------------------------------------------------------- the API

test('messageFor: the field message in the chosen language, the general ones for the flow, English gateway words kept', async () => {
  const hi = await m.loadMessages({ locale: 'hi' });
  const ta = await m.loadMessages('ta-IN');
  const enc = await m.loadMessages('en');
  const luhn = { kind: 'failed_luhn', field: 'number', source: 'customer', description: 'The number is invalid' };
  assert.equal(m.messageFor(luhn, hi), 'यह कार्ड नंबर सही नहीं है। कृपया जाँचें');
  assert.equal(m.messageFor(luhn, ta), locales.ta['number.failed_luhn']);
  assert.equal(m.messageFor(luhn, enc), 'This card number is not valid. Please check it');
  assert.equal(luhn.description, 'The number is invalid', 'the description is left as it is');
  assert.equal(m.messageFor({ kind: 'required', field: 'payment.email' }, hi), locales.hi['email.required']);
  assert.equal(m.messageFor({ kind: 'invalid_type', field: 'expiry' }, hi), locales.hi['expiry_month.invalid_type']);
  // The combined field (pay()'s `payment.card.expiry`): the month's or the year's message for its kind.
  assert.equal(m.messageFor({ kind: 'too_far_ahead', field: 'payment.card.expiry' }, hi), locales.hi['expiry_year.too_far_ahead']);
  assert.equal(m.messageFor({ kind: 'invalid_year', field: 'expiry' }, ta), locales.ta['expiry_year.invalid_year']);
  assert.equal(m.messageFor({ kind: 'expired', field: 'payment.card.expiry' }, enc), locales.en['expiry_month.expired']);
  assert.equal(m.messageFor({ kind: 'timeout' }, hi), locales.hi['error.timeout']);
  assert.equal(m.messageFor({ kind: 'invalid_format', field: 'currency', source: 'business' }, ta), locales.ta['error.business']);
  assert.equal(m.messageFor({ kind: 'something_new' }, ta), locales.ta['error.unknown']);
  assert.equal(m.messageFor(null, ta), locales.ta['error.unknown']);
  const declined = { kind: 'gateway_error', reason: 'payment_declined', description: 'Your payment could not be completed as it was declined by your bank.' };
  assert.equal(m.messageFor(declined, hi), locales.hi['gateway.payment_declined']);
  const other = { kind: 'gateway_error', reason: 'order_in_progress', description: 'This order is already being paid in another tab or window.' };
  assert.equal(m.messageFor(other, enc), other.description);
  assert.equal(m.messageFor(other, hi), locales.hi['error.gateway_error']);
  // The backend's own refusals come as gateway errors with source "business": the shopper's message, not "shop not set up".
  const busy = { kind: 'gateway_error', source: 'business', reason: 'order_payment_in_progress', field: 'receipt', description: 'This order is already being paid in another tab or window.' };
  assert.equal(m.messageFor(busy, hi), locales.hi['gateway.order_payment_in_progress']);
  const refused = { kind: 'gateway_error', source: 'business', reason: 'mandate_frequency_exceeded', description: 'This mandate was already debited in this period.' };
  assert.equal(m.messageFor(refused, enc), refused.description);
  assert.equal(m.messageFor(refused, hi), locales.hi['error.gateway_error']);
});

test('a merchant can override any message: at load (an object or a function of the locale) or per call', async () => {
  const a = await m.loadMessages({ locale: 'hi', overrides: { 'number.failed_luhn': 'कार्ड नंबर दोबारा देखें' } });
  assert.equal(m.messageFor({ kind: 'failed_luhn', field: 'number' }, a), 'कार्ड नंबर दोबारा देखें');
  assert.equal(a.messages['cvv.required'], locales.hi['cvv.required'], 'the others stay');
  const b = await m.loadMessages({ locale: 'ms', overrides: (locale) => (locale === 'ms' ? { 'progress.paid': 'Terima kasih!' } : {}) });
  assert.equal(m.progressMessage('paid', b), 'Terima kasih!');
  assert.equal(m.messageFor({ kind: 'timeout' }, b, { 'error.timeout': 'Cuba lagi' }), 'Cuba lagi');
  const c = await m.loadMessages({ locale: 'en', overrides: { 'error.gateway_error': 'Payment failed' } });
  assert.equal(m.messageFor({ kind: 'gateway_error', description: 'Order has already been paid' }, c, { 'error.gateway_error': 'Payment failed' }), 'Payment failed');
  // Loading again gives the shipped text: overrides never leak into the module.
  assert.equal((await m.loadMessages('hi')).messages['number.failed_luhn'], locales.hi['number.failed_luhn']);
});

test('the locale: the option, then navigator.languages, then English', async () => {
  assert.equal(m.chooseLocale('ta'), 'ta');
  assert.equal(m.chooseLocale(['fr-FR', 'bn-IN']), 'bn');
  assert.equal(m.chooseLocale('MS_my'), 'ms');
  assert.equal(m.chooseLocale('fr'), 'en');
  assert.equal(m.chooseLocale(), 'en');
  Object.defineProperty(globalThis, 'navigator', { value: { languages: ['de-DE', 'kn-IN', 'en'] }, configurable: true });
  try {
    assert.equal(m.chooseLocale(), 'kn');
    assert.equal(m.chooseLocale('gu'), 'gu', 'the option wins');
    assert.equal((await m.loadMessages()).locale, 'kn');
  } finally {
    Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true });
  }
});

test('progress states and the OTP dialog: bank names from the issuer code, the code when unknown', async () => {
  const hi = await m.loadMessages('hi');
  for (const state of ['validating', 'posting', 'redirecting', 'otp_resent', 'pending', 'paid', 'failed', 'cancelled']) {
    assert.equal(m.progressMessage(state, hi), locales.hi[`progress.${state}`], state);
  }
  assert.equal(m.progressMessage('awaiting_otp', hi, { issuer: 'SBIN' }), 'SBI ने आपके रजिस्टर्ड मोबाइल नंबर पर OTP भेजा है');
  assert.equal(m.progressMessage('awaiting_otp', hi, {}), locales.hi['progress.otp_sent_no_bank']);
  const banks = {
    SBIN: 'SBI', HDFC: 'HDFC Bank', ICIC: 'ICICI Bank', UTIB: 'Axis Bank', KKBK: 'Kotak Mahindra Bank',
    PUNB: 'Punjab National Bank', BARB: 'Bank of Baroda', CNRB: 'Canara Bank', UBIN: 'Union Bank of India',
    IDFB: 'IDFC FIRST Bank', YESB: 'Yes Bank', INDB: 'IndusInd Bank', MBBE: 'Maybank', CIBB: 'CIMB Bank',
    PBBE: 'Public Bank', RHBB: 'RHB Bank', HLBB: 'Hong Leong Bank', ARBK: 'AmBank',
  };
  for (const [code, name] of Object.entries(banks)) assert.equal(m.bankName(code), name, code);
  assert.equal(m.bankName('icic'), 'ICICI Bank');
  assert.equal(m.bankName('ZZZB'), 'ZZZB', 'unknown: the code as given');
  assert.equal(m.bankName(''), null);
  assert.equal(m.bankName(undefined), null);
  // Every issuer code the sandbox gateway gives has a name.
  const cards = readFileSync(new URL('../../www/server/src/sandbox/cards.rs', import.meta.url), 'utf8');
  const issuers = cards.match(/const ISSUERS: \[&str; \d+\] = \[([^\]]*)\]/)[1].match(/"(\w+)"/g).map((s) => s.slice(1, -1));
  assert.ok(issuers.length >= 5);
  for (const code of issuers) assert.notEqual(m.bankName(code), code, `sandbox issuer ${code}`);
});

test('amounts, numbers and dates with Intl for the chosen locale: ₹1,00,000.00 in en-IN and hi, RM for ms', async () => {
  const c = {};
  for (const code of LOCALES) c[code] = await m.loadMessages(code);
  assert.equal(m.formatAmount(10000000, 'INR', c.en), '₹1,00,000.00');
  assert.equal(m.formatAmount(10000000, 'INR', c.hi), '₹1,00,000.00');
  for (const code of ['bn', 'mr', 'gu', 'ta', 'te', 'kn']) {
    assert.match(m.formatAmount(10000000, 'INR', c[code]), /^₹\s?1,00,000\.00$/, code);
  }
  assert.match(m.formatAmount(100000, 'MYR', c.ms), /^RM\s?1,000\.00$/);
  assert.equal(m.formatAmount(100, 'INR', 'hi-IN'), '₹1.00');
  assert.equal(m.formatNumber(1234567, c.mr), '12,34,567');
  assert.equal(m.formatNumber(1234567, c.ms), '1,234,567');
  const day = Date.UTC(2026, 11, 1, 12);
  assert.match(m.formatDate(day, c.hi, { dateStyle: 'long', timeZone: 'UTC' }), /दिसंबर/);
  assert.match(m.formatDate(day, c.ms, { dateStyle: 'long', timeZone: 'UTC' }), /Disember/);
  assert.match(m.formatDate(day, c.ta, { dateStyle: 'long', timeZone: 'UTC' }), /டிசம்பர்/);
});
