// The demo checkout page: razorpay-checkout-wasm in a page a shopper can use.
// No framework; no inline script (the page runs under a strict CSP).
// The card number and CVV go to one place only: the merchant backend's
// /api/checkout, inside the Checkout's request.
import init, { Checkout, loadCheckout } from '/pkg/index.js';
// The card inputs are the card entry's (bindCardFields): grouping, caret,
// paste, autofill, errors and their announcements. The page keeps only
// what is the shop's.
import initCard, { bindCardFields } from '/pkg/card/card.js';
import {
  LOCALES, LOCALE_NAMES, formatAmount, loadMessages, messageFor, progressMessage, text,
} from '/pkg/messages.js';

// The shopper's language: ?lang=hi, else the browser's languages, else
// English. Only the chosen locale's module is fetched.
const catalogue = await loadMessages({ locale: new URLSearchParams(location.search).get('lang') ?? undefined });
document.documentElement.lang = catalogue.locale;
const say = (key, vars) => text(key, catalogue, vars);

// A page whose CSP (or browser) refuses WebAssembly runs the package's
// JavaScript fallback (the console names the directive to add); if that is
// refused too, init() throws the typed error (kind 'wasm_blocked', naming
// the directive): the shopper is told below, the merchant's console gets
// the fix.
let wasmBlocked = null;
let cardEntry = true;
try {
  await init({ fallback: false });
} catch (e) {
  if (e?.kind !== 'wasm_blocked') throw e;
  // The card entry has no JavaScript fallback: its inputs stay plain ones
  // (pay() still validates the card).
  cardEntry = false;
  try {
    // (Both fallbacks now, the checkout's too: a page that cannot take the
    // payment says so before the shopper types a card.)
    await init({ checkout: true });
  } catch (e2) {
    if (e2?.kind !== 'wasm_blocked') throw e2;
    wasmBlocked = e2;
  }
}
if (cardEntry) await initCard();
// init() started the card module only; the checkout module (the larger
// download) is fetched once the page is idle, so that the first pay() does
// not wait for it (pay() would load it itself). Its failure is pay()'s to report.
if (cardEntry) {
  const idle = window.requestIdleCallback ?? ((f) => setTimeout(f, 200));
  idle(() => loadCheckout().catch(() => {}));
}

const $ = (id) => document.getElementById(id);
const form = $('card-form');
const status = $('form-status');
const payButton = $('pay');
const inputs = {
  number: $('number'), expiry: $('expiry'), cvv: $('cvv'), name: $('name'), email: $('email'), contact: $('contact'),
};
const CARD_INPUTS = ['number', 'expiry', 'cvv', 'name'];
// (Errors in the shopper's language; the badge from the fields' network.)
const fields = cardEntry ? bindCardFields({
  number: inputs.number, expiry: inputs.expiry, cvv: inputs.cvv, name: inputs.name,
  errors: { number: $('number-error'), expiry: $('expiry-error'), cvv: $('cvv-error'), name: $('name-error') },
  // The page's one polite live region: the network once, then any error.
  live: status,
  message: (error) => messageFor(error, catalogue),
  onChange: ({ network }) => { $('network').textContent = network && network !== 'Unknown' ? network : ''; },
}) : null;

// The language menu: choosing one reloads the page in it (the cart stays, by its id in the URL).
const langSelect = $('lang');
for (const code of LOCALES) langSelect.append(new Option(LOCALE_NAMES[code], code, false, code === catalogue.locale));
langSelect.addEventListener('change', () => {
  const params = new URLSearchParams(location.search);
  params.set('lang', langSelect.value);
  location.assign(`${location.pathname}?${params}${location.hash}`);
});

// ---------------------------------------------------------------- backend

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.error?.description ?? `HTTP ${response.status}`), data.error ?? {});
  return data;
}

// ---------------------------------------------------------------- the cart

// The shop's cart, kept and priced by the backend (POST /api/carts): the
// page shows its price and sends it back, and the backend refuses an order
// at any other amount, currency or mandate limit. Its id is the order's
// `receipt`. It is the same for every attempt on this page, after a
// reload, and in another tab opened on this URL: the backend lets one
// payment through per cart, so a retry or a second tab never charges
// twice. It is in the URL (never card data: only this id).
const PRODUCT = 'tea_monthly';
async function loadCart() {
  const params = new URLSearchParams(location.search);
  const given = params.get('cart');
  if (given && /^cart_[A-Za-z0-9]{14}$/.test(given)) {
    const known = await api('GET', `/api/carts/${given}`).catch(() => null);
    if (known) return known;
  }
  const cart = await api('POST', '/api/carts', { product: PRODUCT });
  params.set('cart', cart.id);
  history.replaceState(history.state, '', `${location.pathname}?${params}${location.hash}`);
  return cart;
}

/** ₹1.00: an amount in subunits, as the shopper reads it, in the chosen locale. */
const money = (amount, currency) => formatAmount(amount, currency, catalogue);

let config = null;
let customer = null;
let cart = null;
try {
  config = await api('GET', '/api/config');
  cart = await loadCart();
  const price = money(cart.amount, cart.currency);
  $('amount').textContent = price;
  payButton.textContent = say('ui.pay', { amount: price });
  $('mandate').closest('label').hidden = !cart.mandate;
} catch {
  showStatus('fail', say('ui.server_unreachable'));
}

// ---------------------------------------------------------------- field errors

/** The input that shows a card or payment error. */
function inputFor(field) {
  const leaf = String(field ?? '').split('.').pop();
  if (leaf === 'expiry_month' || leaf === 'expiry_year') return 'expiry';
  return inputs[leaf] ? leaf : null;
}

/** The shop's own fields' errors (the card fields show theirs). */
function showError(name, message) {
  inputs[name].setAttribute('aria-invalid', message ? 'true' : 'false');
  $(`${name}-error`).textContent = message || '';
}

function clearErrors() {
  for (const name of ['email', 'contact']) showError(name, '');
}

function showStatus(kind, text, errorKind = '') {
  status.className = `status ${kind}`;
  status.textContent = text;
  status.dataset.kind = errorKind;
}

// ---------------------------------------------------------------- saved cards

let selectedToken = null; // { id, network } when paying with a saved card

function selectCard(token) {
  selectedToken = token;
  const saved = token !== null;
  for (const name of ['number', 'expiry', 'name']) inputs[name].closest('.field').hidden = saved;
  $('save').closest('label').hidden = saved;
  $('cvv').placeholder = saved ? '' : '123';
  // The CVV's length by the saved card's network, optional, and labelled so.
  fields?.saved(saved ? { network: token.network ?? null } : null);
  clearErrors();
}

async function loadSavedCards() {
  if (!customer) return;
  const list = $('saved-list');
  const { items = [] } = await api('GET', `/api/customers/${customer.id}/tokens`).catch(() => ({}));
  list.replaceChildren();
  for (const token of items) {
    const li = document.createElement('li');
    const label = document.createElement('label');
    const radio = Object.assign(document.createElement('input'), { type: 'radio', name: 'card-choice', value: token.id });
    radio.addEventListener('change', () => selectCard({ id: token.id, network: token.card?.network }));
    const month = String(token.card?.expiry_month ?? '').padStart(2, '0');
    const year = String(token.card?.expiry_year ?? '').slice(-2);
    label.append(radio, ` ${token.card?.network ?? 'Card'} •••• ${token.card?.last4 ?? ''} (${month}/${year})${token.recurring ? ' · monthly' : ''}`);
    const remove = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Delete' });
    remove.setAttribute('aria-label', `Delete ${token.card?.network ?? 'card'} ending ${token.card?.last4 ?? ''}`);
    remove.addEventListener('click', async () => {
      remove.disabled = true;
      try {
        await api('DELETE', `/api/customers/${customer.id}/tokens/${token.id}`);
        if (selectedToken?.id === token.id) { $('choice-new').checked = true; selectCard(null); }
        showStatus('ok', 'The card was deleted.');
      } catch (e) {
        showStatus('fail', e.message);
      }
      await loadSavedCards();
    });
    li.append(label, remove);
    list.append(li);
  }
  $('saved-cards').hidden = items.length === 0;
}

$('choice-new').addEventListener('change', () => selectCard(null));

if (config) {
  try {
    customer = await api('POST', '/api/customers', { name: 'Gaurav Kumar', email: inputs.email.value, contact: inputs.contact.value });
    await loadSavedCards();
  } catch (e) {
    showStatus('fail', e.message);
  }
}

// ---------------------------------------------------------------- the card

/** payment.card: the bound fields' card (the page never reads the number). */
function cardInput() {
  if (fields) return fields.card();
  if (selectedToken) return { cvv: inputs.cvv.value };
  return { number: inputs.number.value, expiry: inputs.expiry.value, cvv: inputs.cvv.value, name: inputs.name.value };
}

// ---------------------------------------------------------------- paying


let checkout = null;
function getCheckout() {
  const authentication = form.elements.auth.value;
  if (!checkout || checkout.authentication !== authentication) {
    checkout = new Checkout({
      endpoint: '/api/checkout',
      allowedHosts: [config.gateway_host],
      allowLoopbackHttp: config.gateway_host.startsWith('127.0.0.1') || config.gateway_host.startsWith('localhost'),
      authentication,
      timeoutMs: config.timeout_ms ?? 30000,
      onProgress: (event) => {
        // awaiting_otp and failed are told by the OTP dialog and showFailure.
        const line = event.state === 'awaiting_otp' || event.state === 'failed' ? '' : progressMessage(event.state, catalogue);
        if (line) showStatus('progress', line);
        payButton.disabled = event.state === 'posting' || event.state === 'validating' || event.state === 'redirecting';
      },
    });
    checkout.authentication = authentication;
  }
  return checkout;
}

function request() {
  const mandate = !selectedToken && $('mandate').checked;
  const payment = {
    email: inputs.email.value,
    contact: inputs.contact.value,
    method: 'card',
    card: cardInput(),
  };
  const body = { amount: cart.amount, currency: cart.currency, customer_id: customer?.id, receipt: cart.id, payment };
  if (selectedToken) {
    payment.token = selectedToken.id;
  } else if (mandate) {
    payment.recurring = 1;
    body.token = { max_amount: cart.mandate.max_amount, frequency: cart.mandate.frequency };
  } else if ($('save').checked) {
    payment.save = 1;
  }
  return body;
}

// What the shopper reads for each failure: messageFor (razorpay-checkout-wasm/messages)
// in the chosen language; the error's own description stays for logs.

/** Shows a failed attempt; keeps everything the shopper typed except the CVV. */
function showFailure(error) {
  const errors = error.errors?.length ? error.errors : [error];
  let first = null;
  const card = errors.filter((e) => CARD_INPUTS.includes(inputFor(e.field)));
  fields?.showErrors(card);
  for (const e of errors) {
    const name = inputFor(e.field);
    if (name && !inputs[name].closest('.field').hidden) {
      if (!CARD_INPUTS.includes(name) || !fields) showError(name, messageFor(e, catalogue));
      first ??= name;
    }
  }
  const line = first ? `${say('ui.fix_fields')} ${$(`${first}-error`).textContent}` : messageFor(error, catalogue);
  showStatus('fail', line, error.kind ?? '');
  if (first) inputs[first].focus();
  inputs.cvv.value = ''; // never keep a CVV after a failed attempt
}

async function finish(outcome) {
  if (outcome.status === 'awaiting_otp') return openOtp(outcome);
  if (outcome.status === 'paid') {
    const { signature_valid } = await api('POST', '/api/verify', outcome).catch(() => ({ signature_valid: false }));
    const q = new URLSearchParams({
      payment_id: outcome.razorpay_payment_id, order_id: outcome.razorpay_order_id, signature_valid: String(signature_valid),
    });
    location.assign(`/result.html?${q}`);
  }
  if (outcome.status === 'pending') {
    // Nothing left for the shopper to do: the result page asks the backend for the payment's status.
    location.assign(`/result.html?${new URLSearchParams({ payment_id: outcome.payment_id ?? '', order_id: outcome.order_id ?? '' })}`);
  }
  // 'redirecting': the browser is already on its way to the bank page.
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors();
  // Every card error shown next to its field; the live region says the first.
  const verdict = fields?.check();
  if (verdict && !verdict.valid) {
    const first = inputFor(verdict.errors[0].field);
    showStatus('fail', `${say('ui.fix_fields')} ${messageFor(verdict.errors[0], catalogue)}`, verdict.errors[0].kind);
    inputs[first].focus();
    return;
  }
  if (!config || !customer || !cart) {
    showStatus('fail', say('ui.server_unreachable'));
    return;
  }
  try {
    await finish(await getCheckout().pay(request(), selectedToken ? { network: selectedToken.network } : undefined));
  } catch (error) {
    if (error.kind === 'payment_in_progress') return; // a double click: the first one goes on
    showFailure(error);
    payButton.disabled = false;
  }
});

// ---------------------------------------------------------------- OTP

const otpDialog = $('otp-dialog');
function openOtp(outcome) {
  $('otp').value = '';
  $('otp-error').textContent = '';
  $('otp').setAttribute('aria-invalid', 'false');
  const m = outcome.metadata;
  // "SBI has sent an OTP…": the bank by its name from the issuer code (the code itself when unknown).
  $('otp-help').textContent = progressMessage('awaiting_otp', catalogue, { issuer: m?.issuer });
  $('otp-card').textContent = m?.last4 ? say('ui.card_ending', { last4: m.last4 }) : '';
  showStatus('progress', $('otp-help').textContent);
  if (!otpDialog.open) otpDialog.showModal();
  $('otp').focus();
}

$('otp-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('otp-submit').disabled = true;
  try {
    const outcome = await checkout.submitOtp($('otp').value);
    if (outcome.status !== 'awaiting_otp') otpDialog.close();
    await finish(outcome);
  } catch (error) {
    $('otp').setAttribute('aria-invalid', 'true');
    $('otp-error').textContent = messageFor(error, catalogue);
    if (checkout.state !== 'awaiting_otp') { otpDialog.close(); showFailure(error); payButton.disabled = false; }
  } finally {
    $('otp-submit').disabled = false;
  }
});

$('otp-resend').addEventListener('click', async () => {
  $('otp-resend').disabled = true;
  try {
    await checkout.resendOtp();
    $('otp-error').textContent = '';
    $('otp-help').textContent = progressMessage('otp_resent', catalogue);
  } catch (error) {
    $('otp-error').textContent = messageFor(error, catalogue);
  } finally {
    $('otp-resend').disabled = false;
  }
});

otpDialog.addEventListener('cancel', () => { showStatus('fail', progressMessage('cancelled', catalogue)); payButton.disabled = false; });

if (wasmBlocked) {
  for (const fieldset of form.querySelectorAll('fieldset')) fieldset.disabled = true;
  payButton.disabled = true;
  showStatus('fail', say('ui.wasm_blocked'), wasmBlocked.kind);
  console.error(wasmBlocked.message);
}
document.documentElement.dataset.ready = 'true';
