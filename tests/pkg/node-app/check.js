// A merchant's server re-validating the card the page sent, with the Node
// entry (no init()). Type-checked by tsc (module NodeNext, strict, checkJs),
// then run by tests/pkg/package.test.mjs; prints JSON.
import { validateCard, inspectNumber, cardNetwork, parseExpiry, parseOrderResponse } from 'razorpay-checkout-wasm/node';

const now = Date.UTC(2026, 10, 23, 11);
/** @type {import('razorpay-checkout-wasm/node').CardValidation} */
const rupay = validateCard({ number: '6527 6589 0000 1005', expiry: '12/30', cvv: '123', name: 'Gaurav Kumar' }, { now });
/** @type {import('razorpay-checkout-wasm/node').NetworkName | null} */
const network = cardNetwork('4100 28');
const invalid = validateCard({ number: '4111 1111 1111 1112', cvv: '12' }, { now });
/** @type {string[]} */
const kinds = invalid.errors.map((e) => e.kind);
const order = parseOrderResponse({
  id: 'order_QqsMZ12p7MytBA', entity: 'order', amount: 100, status: 'attempted',
  payment_workflow: {
    razorpay_payment_id: 'pay_QqsMa9GhrUxvtx',
    next: [{ action: 'redirect', url: 'https://api.razorpay.com/v1/payments/pay_QqsMa9GhrUxvtx/authorize' }],
  },
});
console.log(JSON.stringify({
  rupay, network, kinds, inspection: inspectNumber('3402 56'), expiry: parseExpiry('12/30', now), order,
}));
