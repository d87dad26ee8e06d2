// bindCardFields: the card entry's binding of the merchant's own <input>s
// (issue 13). Every decision about an edit is the pure core's
// (src/card/edit.rs, through `editField`); this file only reads events and
// values, calls the exports, and writes the value, the caret and the ARIA
// state. Nothing here runs when the module is imported (server-side
// rendering): `window` and `document` are only reached through the bound
// elements. No inline style or script (strict CSP). It is the card
// entry's: crates/card-wasm/card.js (the glue) re-exports it, and
// scripts/build-card.sh bundles both into pkg/card/card.js.
//
// Every byte ships to shoppers (the card entry's budget, 14,000 B gzip -9):
// one table, one event handler, one attribute helper.
import { editField, inspectNumber, validateCard } from '../../crates/card-wasm/card.js';

// The inputs, in order, with editField's field code (-1 none, -2 the CVV's:
// its length) and their `autocomplete` after `cc-`.
const KEYS = ['number', 'expiry', 'month', 'year', 'cvv', 'name'];
const CODES = [0, 1, 2, 4, -2, -1];
const AUTO = ['number', 'exp', 'exp-month', 'exp-year', 'csc', 'name'];
// The inputTypes the core models, by index: INPUT_NAMES of src/card/edit.rs.
const TYPES = ' insertText insertFromPaste insertReplacementText insertFromYank deleteContentBackward deleteByCut deleteContentForward'.split(' ');
const EVENTS = ['beforeinput', 'compositionend', 'input', 'change', 'blur'];
let made = 0;

/** @param {import('./fields.js').CardFieldsOptions} o */
export function bindCardFields(o) {
  /** @type {Record<string, HTMLInputElement>} */
  const els = {};
  const errs = {};
  const undo = [];
  let saved = null;
  let said;
  let optional;
  const keys = () => KEYS.filter((k) => els[k] && (!saved || k === 'cvv'));
  const first = o[KEYS.find((k) => o[k])];
  if (!first) throw new TypeError('bindCardFields: no input to bind');
  const doc = first.ownerDocument;
  // Sets an attribute (unless `keep` and the merchant set it), putting the
  // merchant's back on destroy().
  const attr = (el, name, value, keep) => {
    const old = el.getAttribute(name);
    if (keep && old !== null) return;
    el.setAttribute(name, value);
    undo.push(() => (old === null ? el.removeAttribute(name) : el.setAttribute(name, old)));
  };
  const create = (tag, after) => {
    const el = doc.createElement(tag);
    el.id = `rzp-card-${++made}`;
    after.after(el);
    undo.push(() => el.remove());
    return el;
  };
  const live = o.live ?? create('div', first.form?.lastElementChild ?? first);
  if (!o.live) live.className = 'rzp-live';
  attr(live, 'aria-live', 'polite', 1);
  const say = (text) => text && (live.textContent = text);

  const inspect = () => inspectNumber(els.number?.value ?? '');
  const cvvLength = () => (saved ? (saved.network === 'American Express' ? 4 : saved.network ? 3 : null) : inspect().cvv_length);
  // validateCard's and pay()'s error fields → the input that shows them.
  const target = (field) => {
    const leaf = `${field}`.split('.').pop();
    return els.expiry && /^expiry_/.test(leaf) ? 'expiry' : leaf.replace('expiry_', '');
  };
  const card = () => Object.fromEntries(keys().map((k) => [k === 'month' || k === 'year' ? `expiry_${k}` : k, els[k].value]));
  // Filled to its length (a 16-digit Visa failing Luhn is not: 19 digits may follow).
  const full = (k) => {
    const n = els[k].value.length;
    return k === 'number' ? inspect().state !== 'incomplete'
      : k === 'cvv' ? saved || n >= (cvvLength() ?? 3)
        : k === 'name' ? els[k].value.trim() !== '' : n === (k === 'expiry' ? 5 : 2) || (k === 'year' && n === 4);
  };
  function state() {
    const ks = keys();
    const errors = validateCard(card(), saved ? { tokenised: true, network: saved.network ?? undefined } : undefined)
      .errors.filter((e) => ks.includes(target(e.field)));
    return { network: saved ? saved.network ?? null : inspect().network, complete: ks.every(full), valid: !errors.length, errors };
  }
  const show = (k, text) => {
    errs[k].textContent = text;
    els[k].setAttribute('aria-invalid', !!text);
  };
  /** Shows the errors of `ks` (the rest of them cleared) and announces them. */
  const showErrors = (errors, ks = keys()) => {
    const text = {};
    for (const e of errors) {
      const k = target(e.field);
      text[k] ??= o.message ? o.message(e) : e.description ?? '';
    }
    for (const k of ks) show(k, text[k] ?? '');
    say(ks.map((k) => text[k]).filter(Boolean).join(' '));
  };
  const code = (k) => {
    const c = CODES[KEYS.indexOf(k)];
    return c < -1 ? cvvLength() ?? 4 : c;
  };
  // An editField answer: the value then the caret (not for `''` or `-`).
  const write = (el, r, c = r.charCodeAt(r.length - 1) - 48) => {
    if (r.length < 2) return;
    if (el.value !== r.slice(0, -1)) el.value = r.slice(0, -1);
    if (doc.activeElement === el) el.setSelectionRange(c, c);
  };
  // A value the browser changed itself (IME, autofill, undo, drop): cleaned
  // and grouped, the caret after the same digits.
  const reformat = (el, k) => {
    const caret = el.selectionEnd ?? el.value.length;
    if (code(k) >= 0) write(el, editField(code(k), 0, el.value, caret, caret, ''));
  };

  for (const k of KEYS) {
    const el = o[k];
    if (!el) continue;
    els[k] = el;
    attr(el, 'autocomplete', `cc-${AUTO[KEYS.indexOf(k)]}`, 1);
    if (k !== 'name') attr(el, 'inputmode', 'numeric', 1);
    const err = (errs[k] = o.errors?.[k] ?? create('span', el));
    const ids = (el.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    if (!ids.includes(err.id)) attr(el, 'aria-describedby', [...ids, err.id].join(' '));
    attr(el, 'aria-invalid', 'false');
    const handle = (e) => {
      const t = e.type;
      if (t === 'beforeinput') {
        const c = code(k);
        if (e.isComposing || !e.cancelable || c < 0) return;
        // (Left to the browser, `''`: the reformat of `input` below.)
        const r = editField(c, TYPES.indexOf(e.inputType), el.value, el.selectionStart ?? 0, el.selectionEnd ?? 0,
          e.data ?? e.dataTransfer?.getData('text/plain') ?? '');
        if (!r) return;
        e.preventDefault();
        if (r === '-') return;
        write(el, r);
      } else if (t === 'change' || t === 'blur') {
        // The field's error, if it has a value (autofill fires `change`).
        reformat(el, k);
        return el.value.trim() ? showErrors(state().errors, [k]) : show(k, '');
      } else if (e.isComposing) {
        return;
      } else {
        reformat(el, k);
      }
      show(k, '');
      const s = state();
      if (k === 'number') {
        if (s.network !== 'Unknown' && s.network !== said) say(s.network);
        said = s.network;
      }
      if (o.advance && doc.activeElement === el && el.selectionEnd === el.value.length && full(k)) {
        els[keys()[keys().indexOf(k) + 1]]?.focus();
      }
      o.onChange?.(s);
    };
    for (const t of EVENTS) el.addEventListener(t, handle);
    undo.push(() => EVENTS.map((t) => el.removeEventListener(t, handle)));
    reformat(el, k);
  }

  return {
    get state() { return state(); },
    card,
    check() {
      const s = state();
      showErrors(s.errors);
      return s;
    },
    showErrors: (errors) => showErrors(errors),
    saved(token) {
      saved = token ?? null;
      optional?.remove();
      optional = null;
      const label = els.cvv?.labels?.[0];
      if (saved && label) {
        optional = doc.createElement('span');
        optional.textContent = o.optional ?? ' (optional)';
        label.append(optional);
      }
      for (const k in els) show(k, '');
      o.onChange?.(state());
    },
    destroy() {
      optional?.remove();
      while (undo.length) undo.pop()();
    },
  };
}
