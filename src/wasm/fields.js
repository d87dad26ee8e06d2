// bindCardFields: the card entry's binding of the merchant's own <input>s
// (issue 13). Every decision about an edit is the pure core's
// (src/card/edit.rs, through `editField`); this file only reads events and
// values, calls the exports, and writes the value, the caret and the ARIA
// state. Nothing here runs when the module is imported (server-side
// rendering): `window` and `document` are only reached through the bound
// elements. No inline style or script (strict CSP). It is the card
// entry's: crates/card-wasm/card.js (the glue) re-exports it, and
// scripts/build-card.sh bundles both into pkg/card/card.js.
import { editField, inspectNumber, validateCard } from '../../crates/card-wasm/card.js';

// Each input: [editField's field code (-1 none, -2 the CVV's: its length),
// autocomplete, validateCard's key].
const FIELDS = {
  number: [0, 'cc-number', 'number'],
  expiry: [1, 'cc-exp', 'expiry'],
  month: [2, 'cc-exp-month', 'expiry_month'],
  year: [4, 'cc-exp-year', 'expiry_year'],
  cvv: [-2, 'cc-csc', 'cvv'],
  name: [-1, 'cc-name', 'name'],
};
// The inputTypes the core models, by index: INPUT_NAMES of src/card/edit.rs.
const TYPES = ['', 'insertText', 'insertFromPaste', 'insertReplacementText', 'insertFromYank',
  'deleteContentBackward', 'deleteByCut', 'deleteContentForward'];
let made = 0;

/** @param {import('./fields.js').CardFieldsOptions} o */
export function bindCardFields(o) {
  /** @type {Record<string, HTMLInputElement>} */
  const els = {};
  const errs = {};
  const undo = [];
  let saved = null;
  let said = null;
  let optional = null;
  const first = Object.keys(FIELDS).map((k) => o[k]).find(Boolean);
  if (!first) throw new TypeError('bindCardFields: no input to bind');
  const doc = first.ownerDocument;
  const on = (el, type, fn) => {
    el.addEventListener(type, fn);
    undo.push(() => el.removeEventListener(type, fn));
  };
  // Sets an attribute, putting the merchant's back on destroy().
  const attr = (el, name, value) => {
    const old = el.getAttribute(name);
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
  if (!live.hasAttribute('aria-live')) attr(live, 'aria-live', 'polite');
  const say = (text) => { live.textContent = text; };

  const inspect = () => inspectNumber(els.number?.value ?? '');
  const network = () => (saved ? saved.network ?? null : inspect().network);
  const cvvLength = () => (saved ? (saved.network === 'American Express' ? 4 : saved.network ? 3 : null) : inspect().cvv_length);
  const code = (k) => (FIELDS[k][0] === -2 ? cvvLength() ?? 4 : FIELDS[k][0]);
  // validateCard's and pay()'s error fields → the input that shows them.
  const target = (field) => {
    const leaf = String(field).split('.').pop();
    return /^expiry_/.test(leaf) && els.expiry ? 'expiry' : leaf.replace('expiry_', '');
  };
  const active = () => Object.keys(els).filter((k) => !saved || k === 'cvv');

  const card = () => Object.fromEntries(active().map((k) => [FIELDS[k][2], els[k].value]));
  // Filled to its length (a 16-digit Visa failing Luhn is not: 19 digits may follow).
  const full = (k) => {
    const v = els[k].value;
    return k === 'number' ? inspect().state !== 'incomplete'
      : k === 'cvv' ? saved !== null || v.length >= (cvvLength() ?? 3)
        : k === 'name' ? v.trim() !== '' : v.length === (k === 'expiry' ? 5 : 2) || (k === 'year' && v.length === 4);
  };
  function state() {
    const keys = active();
    const errors = validateCard(card(), saved ? { tokenised: true, network: saved.network ?? undefined } : undefined)
      .errors.filter((e) => keys.includes(target(e.field)));
    return { network: network(), complete: keys.every(full), valid: errors.length === 0, errors };
  }

  function show(k, text) {
    errs[k].textContent = text;
    els[k].setAttribute('aria-invalid', text ? 'true' : 'false');
  }
  /** Shows the errors of `keys` (the rest of them cleared) and announces them. */
  function showErrors(errors, keys = active()) {
    const text = {};
    for (const e of errors) {
      const k = target(e.field);
      if (keys.includes(k)) text[k] ??= o.message ? o.message(e) : e.description ?? '';
    }
    for (const k of keys) show(k, text[k] ?? '');
    const all = keys.map((k) => text[k]).filter(Boolean).join(' ');
    if (all) say(all);
  }

  const write = (el, r) => {
    if (el.value !== r.slice(1)) el.value = r.slice(1);
    if (doc.activeElement === el) el.setSelectionRange(r.charCodeAt(0) - 48, r.charCodeAt(0) - 48);
  };
  function changed(k) {
    show(k, '');
    const s = state();
    if (k === 'number') {
      if (s.network && s.network !== 'Unknown' && s.network !== said) say(s.network);
      said = s.network;
    }
    const el = els[k];
    if (o.advance && doc.activeElement === el && el.selectionEnd === el.value.length && full(k)) {
      els[active()[active().indexOf(k) + 1]]?.focus();
    }
    o.onChange?.(s);
  }
  // A value the browser changed itself (IME, autofill, undo, drop): cleaned
  // and grouped, the caret after the same digits.
  const reformat = (k) => {
    const el = els[k];
    const caret = el.selectionEnd ?? el.value.length;
    const r = code(k) < 0 ? '' : editField(code(k), 0, el.value, caret, caret, '');
    if (r && r !== '-') write(el, r);
  };
  // Blur or change (autofill fires it): the field's error, if it has a value.
  const settle = (k) => {
    reformat(k);
    if (els[k].value.trim()) showErrors(state().errors, [k]);
    else show(k, '');
  };

  for (const k of Object.keys(FIELDS)) {
    const el = o[k];
    if (!el) continue;
    els[k] = el;
    if (!el.hasAttribute('autocomplete')) attr(el, 'autocomplete', FIELDS[k][1]);
    if (k !== 'name' && !el.hasAttribute('inputmode')) attr(el, 'inputmode', 'numeric');
    const err = (errs[k] = o.errors?.[k] ?? create('span', el));
    const ids = (el.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    if (!ids.includes(err.id)) attr(el, 'aria-describedby', [...ids, err.id].join(' '));
    attr(el, 'aria-invalid', 'false');
    on(el, 'beforeinput', (e) => {
      if (e.isComposing || !e.cancelable || code(k) < 0) return;
      const r = editField(code(k), TYPES.indexOf(e.inputType), el.value, el.selectionStart ?? 0, el.selectionEnd ?? 0,
        e.data ?? e.dataTransfer?.getData('text/plain') ?? '');
      if (!r) return;
      e.preventDefault();
      if (r !== '-') {
        write(el, r);
        changed(k);
      }
    });
    on(el, 'compositionend', () => { reformat(k); changed(k); });
    on(el, 'input', (e) => {
      if (e.isComposing) return;
      reformat(k);
      changed(k);
    });
    on(el, 'change', () => settle(k));
    on(el, 'blur', () => settle(k));
    reformat(k);
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
      for (const k of Object.keys(els)) show(k, '');
      o.onChange?.(state());
    },
    destroy() {
      optional?.remove();
      while (undo.length) undo.pop()();
    },
  };
}
