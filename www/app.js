// The demo checkout page: live card validation with razorpay-checkout-wasm.
// No framework; no inline script (the page runs under a strict CSP).
import init, { inspectNumber, validateCard } from '/pkg/razorpay_checkout_wasm.js';

await init();

const $ = (id) => document.getElementById(id);
const form = $('card-form');
const inputs = { number: $('number'), expiry: $('expiry'), cvv: $('cvv'), name: $('name') };
const status = $('form-status');

/** Maps a card error's field to the input that shows it. */
const inputFor = (field) => (field === 'expiry_month' || field === 'expiry_year' ? 'expiry' : field);

function showError(name, message) {
  inputs[name].setAttribute('aria-invalid', message ? 'true' : 'false');
  $(`${name}-error`).textContent = message || '';
}

function cardInput() {
  return {
    number: inputs.number.value,
    expiry: inputs.expiry.value,
    cvv: inputs.cvv.value,
    name: inputs.name.value,
  };
}

/** Validates the card and shows the errors of the given fields only. */
function check(fields) {
  const verdict = validateCard(cardInput());
  for (const name of fields) {
    const error = verdict.errors.find((e) => inputFor(e.field) === name);
    showError(name, error ? error.description : '');
  }
  return verdict;
}

// As the shopper types the number: group the digits, show the network, flag
// it only when no more typing can make it valid.
inputs.number.addEventListener('input', () => {
  const el = inputs.number;
  const digitsBeforeCaret = el.value.slice(0, el.selectionStart ?? el.value.length).replace(/\D/g, '').length;
  const view = inspectNumber(el.value);
  $('network').textContent = view.network && view.network !== 'Unknown' ? view.network : '';
  inputs.cvv.maxLength = view.cvv_length ?? 4;
  if (view.state === 'invalid') {
    showError('number', view.formatted ? 'This card number is not valid' : 'Use digits only');
    return;
  }
  showError('number', '');
  if (view.formatted !== el.value) {
    el.value = view.formatted;
    // Put the caret back after the same number of digits.
    let pos = 0;
    for (let seen = 0; pos < el.value.length && seen < digitsBeforeCaret; pos++) {
      if (/\d/.test(el.value[pos])) seen++;
    }
    el.setSelectionRange(pos, pos);
  }
});

// Other fields: errors appear when the shopper leaves a field, and clear as
// soon as the field becomes right.
for (const name of Object.keys(inputs)) {
  inputs[name].addEventListener('blur', () => {
    if (inputs[name].value.trim() !== '') check([name]);
  });
  inputs[name].addEventListener('input', () => {
    if (inputs[name].getAttribute('aria-invalid') === 'true' && name !== 'number') check([name]);
  });
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const verdict = check(Object.keys(inputs));
  if (!verdict.valid) {
    status.className = 'status fail';
    status.textContent = 'Please correct the highlighted fields.';
    inputs[inputFor(verdict.errors[0].field)].focus();
    return;
  }
  status.className = 'status ok';
  status.textContent = `${verdict.network} card ending ${verdict.last4} is valid.`;
});

document.documentElement.dataset.ready = 'true';
