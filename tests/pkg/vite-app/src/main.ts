// The page the Vite build bundles: imports the installed package by name,
// calls the exports, and prints what they returned as JSON into #result for
// tests/pkg/package.test.mjs to check.
import init, {
  Checkout, cardNetwork, collectBrowser, inspectNumber, parseExpiry, validateCard,
  type CheckoutValidationError, type RazorpayCheckoutError,
} from 'razorpay-checkout-wasm';

const NOW = Date.UTC(2026, 10, 23, 11);
const out = document.getElementById('result') as HTMLPreElement;

async function run(): Promise<Record<string, unknown>> {
  await init();
  const expiryError = (() => {
    try {
      parseExpiry('10/26', NOW);
      return null;
    } catch (e) {
      const error = e as RazorpayCheckoutError;
      return { name: error.name, kind: error.kind, code: error.code, isError: error instanceof Error };
    }
  })();
  const checkout = new Checkout({ endpoint: '/api/checkout', timeoutMs: 5000 });
  const stateBefore = checkout.state;
  const rejection = await checkout
    .pay({ amount: 49900, currency: 'INR', payment: { email: 'gaurav@example.com', contact: '+919000090000', card: { number: '4111 1111 1111 1112', expiry: '13/30' } } })
    .then(() => null, (e: CheckoutValidationError) => ({ kind: e.kind, fields: e.errors.map((x) => x.field) }));
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
  (e: unknown) => { out.textContent = JSON.stringify({ ok: false, error: String(e) }); },
);
