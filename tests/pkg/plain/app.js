// No bundler: the browser resolves the bare name through the import map in
// index.html to the installed package, and the package fetches its .wasm
// from beside itself. Prints what the exports returned into #result; when the
// page may not compile WebAssembly, the typed error's fields, and tells the
// shopper in #status (textContent only: the page runs under Trusted Types).
import init, { Checkout, cardNetwork, collectBrowser, inspectNumber, parseExpiry, validateCard } from 'razorpay-checkout-wasm';

const NOW = Date.UTC(2026, 10, 23, 11);
const out = document.getElementById('result');

async function run() {
  // ?fallback=off: the typed error instead of the JavaScript fallback.
  // (checkout: true: both modules now, as this page calls collectBrowser().)
  await init({ checkout: true, fallback: new URLSearchParams(location.search).get('fallback') !== 'off' });
  let expiryError = null;
  try {
    parseExpiry('10/26', NOW);
  } catch (e) {
    expiryError = { name: e.name, kind: e.kind, code: e.code, isError: e instanceof Error };
  }
  const checkout = new Checkout({ endpoint: '/api/checkout', timeoutMs: 5000 });
  const stateBefore = checkout.state;
  const rejection = await checkout
    .pay({ amount: 49900, currency: 'INR', payment: { email: 'gaurav@example.com', contact: '+919000090000', card: { number: '4111 1111 1111 1112', expiry: '13/30' } } })
    .then(() => null, (e) => ({ kind: e.kind, fields: e.errors.map((x) => x.field) }));
  return {
    rupay: validateCard({ number: '6527 6589 0000 1005', expiry: '12/30', cvv: '123', name: 'Gaurav Kumar' }, { now: NOW }),
    invalid: validateCard({ number: '4111 1111 1111 1112', expiry_month: 13, expiry_year: '30', cvv: '1' }, { now: NOW }),
    inspection: inspectNumber('6527 6589 0000 1005'),
    partial: inspectNumber('3402 56'),
    network: cardNetwork('6521 50'),
    expiry: parseExpiry('12 / 2030', NOW),
    expiryError,
    browser: collectBrowser(),
    stateBefore,
    state: checkout.state,
    rejection,
  };
}

run().then(
  (result) => { out.textContent = JSON.stringify({ ok: true, result }); },
  (e) => {
    if (e?.kind === 'wasm_blocked') {
      document.getElementById('status').textContent = 'Card payments cannot load on this page. Please choose another way to pay.';
    }
    const { name, kind, code, description, field, source, step, reason, metadata } = e ?? {};
    out.textContent = JSON.stringify({
      ok: false, error: String(e), isError: e instanceof Error, name, kind, code, description, field, source, step, reason, metadata,
    });
  },
);
