// Shopper-facing messages, in the languages Razorpay's checkout speaks
// (`razorpay-checkout-wasm/messages`). Plain JS, nothing of it in the .wasm;
// each locale is its own module under ./locales/, fetched only when chosen.
// Safe to import during server-side rendering: nothing here touches
// `window`, `document` or `navigator` until a function is called.
//
// The errors keep Razorpay's `description` for the merchant's logs and
// mapping; these messages are what the shopper reads.

/** Every locale shipped, in the order a language menu lists them. */
export const LOCALES = ['en', 'hi', 'bn', 'mr', 'gu', 'ta', 'te', 'kn', 'ms'];

/** Each locale's own name, for a language menu. */
export const LOCALE_NAMES = {
  en: 'English', hi: 'हिन्दी', bn: 'বাংলা', mr: 'मराठी', gu: 'ગુજરાતી', ta: 'தமிழ்', te: 'తెలుగు', kn: 'ಕನ್ನಡ',
  ms: 'Bahasa Melayu',
};

// The Intl locale of each (Latin digits everywhere: amounts and card digits
// as the shopper's card and bank SMS show them).
const INTL = {
  en: 'en-IN', hi: 'hi-IN', bn: 'bn-IN', mr: 'mr-IN', gu: 'gu-IN', ta: 'ta-IN', te: 'te-IN', kn: 'kn-IN', ms: 'ms-MY',
};

// One literal import() per locale, so bundlers split each into its own chunk.
const LOADERS = {
  en: () => import('./locales/en.js'),
  hi: () => import('./locales/hi.js'),
  bn: () => import('./locales/bn.js'),
  mr: () => import('./locales/mr.js'),
  gu: () => import('./locales/gu.js'),
  ta: () => import('./locales/ta.js'),
  te: () => import('./locales/te.js'),
  kn: () => import('./locales/kn.js'),
  ms: () => import('./locales/ms.js'),
};

/**
 * The form fields whose errors have messages of their own (the leaf of
 * `field`; `expiry` is the combined MM/YY field, whose messages are the
 * month's or the year's).
 */
export const SHOPPER_FIELDS = ['number', 'expiry', 'expiry_month', 'expiry_year', 'cvv', 'name', 'email', 'contact', 'otp'];

const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

/**
 * The first supported locale among `preferred` (BCP 47 tags such as
 * `hi-IN`, or locale codes), else among `navigator.languages` when there is
 * a navigator, else `en`.
 */
export function chooseLocale(preferred) {
  const wanted = [];
  for (const tag of [].concat(preferred ?? [])) if (typeof tag === 'string') wanted.push(tag);
  if (typeof navigator !== 'undefined' && navigator && navigator.languages) wanted.push(...navigator.languages);
  for (const tag of wanted) {
    const base = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (LOCALES.includes(base)) return base;
  }
  return 'en';
}

/**
 * Loads one locale's messages: `locale` (a code, a tag or a list of them)
 * if supported, else the browser's languages, else English. `overrides`
 * (an object of messages, or a function of the chosen locale returning
 * one) replaces any message.
 */
export async function loadMessages(options = {}) {
  const opts = typeof options === 'string' || Array.isArray(options) ? { locale: options } : options ?? {};
  const locale = chooseLocale(opts.locale);
  const { default: base } = await LOADERS[locale]();
  const extra = typeof opts.overrides === 'function' ? opts.overrides(locale) : opts.overrides;
  const messages = { ...base };
  for (const [key, text] of Object.entries(extra ?? {})) {
    if (typeof text === 'string' && text !== '') messages[key] = text;
  }
  return { locale, intl: INTL[locale], messages };
}

/** `{name}` placeholders filled from `vars`; a missing one is left empty, never shown as `{name}`. */
export function format(template, vars = {}) {
  return template.replace(/\{(\w+)\}/g, (_, name) => (vars[name] == null ? '' : String(vars[name])));
}

/**
 * The message key for an error (`{ kind, field?, source?, reason? }`, as
 * `validateCard` and `Checkout` give them): `<field>.<kind>` for a field
 * the shopper can fix, `gateway.<reason>` for a known gateway refusal,
 * `error.business` for the merchant's own mistakes, else `error.<kind>`,
 * else `error.unknown`.
 */
export function messageKey(error, messages) {
  const kind = typeof error?.kind === 'string' ? error.kind : '';
  const field = typeof error?.field === 'string' ? error.field : '';
  const raw = field.split('.').pop();
  // The combined MM/YY field: the month's message for its kind, else the year's.
  const leaf = raw === 'expiry' ? (has(messages, `expiry_month.${kind}`) ? 'expiry_month' : 'expiry_year') : raw;
  const business = error?.source === 'business' || kind === 'invalid_configuration';
  if (leaf && !business && SHOPPER_FIELDS.includes(leaf) && has(messages, `${leaf}.${kind}`)) return `${leaf}.${kind}`;
  if (kind === 'gateway_error' && typeof error?.reason === 'string' && has(messages, `gateway.${error.reason}`)) {
    return `gateway.${error.reason}`;
  }
  // A gateway refusal's source is Razorpay's attribution (a merchant rule such as
  // "order already paid" is `business`): still the gateway's message.
  if (business && kind !== 'gateway_error') return 'error.business';
  return has(messages, `error.${kind}`) ? `error.${kind}` : 'error.unknown';
}

/**
 * What the shopper reads for an error, in the catalogue's language.
 * `overrides` (per call) win over the catalogue. In English a gateway
 * refusal with no message of its own shows the gateway's description
 * (Razorpay words those for shoppers); in other languages, the generic one.
 */
export function messageFor(error, catalogue, overrides) {
  const messages = overrides ? { ...catalogue.messages, ...overrides } : catalogue.messages;
  const key = messageKey(error, messages);
  if (key === 'error.gateway_error' && catalogue.locale === 'en' && !overrides?.[key]
    && typeof error?.description === 'string' && error.description !== '') {
    return error.description;
  }
  return format(messages[key] ?? messages['error.unknown'] ?? '', {});
}

/**
 * A progress state of `Checkout`'s `onProgress` (`validating`, `posting`,
 * `redirecting`, `awaiting_otp`, `pending`, `paid`, `failed`) or `otp_resent`
 * / `cancelled`, as a sentence. `awaiting_otp` names the bank when
 * `vars.issuer` is a code `bankName` knows (or any other code, shown as is).
 */
export function progressMessage(state, catalogue, vars = {}) {
  const m = catalogue.messages;
  if (state === 'awaiting_otp' || state === 'otp_sent') {
    const bank = bankName(vars.issuer);
    return bank ? format(m['progress.otp_sent'], { bank }) : m['progress.otp_sent_no_bank'];
  }
  const key = `progress.${state}`;
  return has(m, key) ? format(m[key], vars) : '';
}

/** One message by key, placeholders filled (`ui.pay` with `{ amount }`, `ui.card_ending` with `{ last4 }`). */
export function text(key, catalogue, vars = {}) {
  return format(catalogue.messages[key] ?? '', vars);
}

// Card `issuer` codes as Razorpay gives them (the bank's 4-letter IFSC
// prefix in India; the SWIFT bank code in Malaysia), plus the short names
// some gateways use. Brand names: the same in every language.
const BANKS = {
  SBIN: 'SBI', SBI: 'SBI',
  HDFC: 'HDFC Bank',
  ICIC: 'ICICI Bank', ICICI: 'ICICI Bank',
  UTIB: 'Axis Bank', AXIS: 'Axis Bank',
  KKBK: 'Kotak Mahindra Bank', KOTAK: 'Kotak Mahindra Bank',
  PUNB: 'Punjab National Bank', PNB: 'Punjab National Bank',
  BARB: 'Bank of Baroda', BOB: 'Bank of Baroda',
  CNRB: 'Canara Bank', CANARA: 'Canara Bank',
  UBIN: 'Union Bank of India', UNION: 'Union Bank of India',
  IDFB: 'IDFC FIRST Bank', IDFC: 'IDFC FIRST Bank',
  YESB: 'Yes Bank', YES: 'Yes Bank',
  INDB: 'IndusInd Bank', INDUSIND: 'IndusInd Bank',
  MBBE: 'Maybank', MAYBANK: 'Maybank',
  CIBB: 'CIMB Bank', CIMB: 'CIMB Bank',
  PBBE: 'Public Bank', PUBLIC: 'Public Bank',
  RHBB: 'RHB Bank', RHB: 'RHB Bank',
  HLBB: 'Hong Leong Bank', HLB: 'Hong Leong Bank',
  ARBK: 'AmBank', AMBANK: 'AmBank',
};

/** The bank's name for an issuer code (`SBIN` → `SBI`); an unknown code as given; `null` for none. */
export function bankName(issuer) {
  if (typeof issuer !== 'string' || issuer.trim() === '') return null;
  const code = issuer.trim().toUpperCase();
  return BANKS[code] ?? issuer.trim();
}

const intlOf = (c) => (typeof c === 'string' ? INTL[chooseLocale(c)] : c.intl) + '-u-nu-latn';

// Indian grouping (1,00,000) for every Indian locale: CLDR gives it to
// en-IN, hi, bn, gu, ta and te but not (yet) to mr and kn, whose banking
// apps write lakhs too. The integer digits and separators come from en-IN;
// symbol, spacing and order stay the locale's.
function formatIndian(locale, value, options) {
  const parts = new Intl.NumberFormat(locale, options).formatToParts(value);
  if (locale.startsWith('ms')) return parts.map((p) => p.value).join('');
  const run = new Intl.NumberFormat('en-IN', options).formatToParts(value)
    .filter((p) => p.type === 'integer' || p.type === 'group').map((p) => p.value).join('');
  let done = false;
  return parts.map((p) => {
    if (p.type !== 'integer' && p.type !== 'group') return p.value;
    if (done) return '';
    done = true;
    return run;
  }).join('');
}

/**
 * An amount in subunits (paise, sen) as the shopper reads it:
 * `formatAmount(10000000, 'INR', catalogue)` → `₹1,00,000.00` in en and hi;
 * `RM 1,000.00` for MYR in ms.
 */
export function formatAmount(subunits, currency, catalogue) {
  const locale = intlOf(catalogue);
  const options = { style: 'currency', currency };
  const digits = new Intl.NumberFormat(locale, options).resolvedOptions().maximumFractionDigits ?? 2;
  return formatIndian(locale, Number(subunits) / 10 ** digits, options);
}

/** A number in the catalogue's locale (Indian grouping for the Indian ones). */
export function formatNumber(value, catalogue, options = {}) {
  return formatIndian(intlOf(catalogue), value, options);
}

/** A date (a `Date`, or milliseconds) in the catalogue's locale; `{ dateStyle: 'medium' }` unless told. */
export function formatDate(date, catalogue, options = { dateStyle: 'medium' }) {
  return new Intl.DateTimeFormat(intlOf(catalogue), options).format(typeof date === 'number' ? new Date(date) : date);
}
