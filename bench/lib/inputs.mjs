// The inputs both libraries get.

/** Completes `prefix` to `length` digits with a valid Luhn check digit. */
export function luhnComplete(prefix, length) {
  const body = prefix.padEnd(length - 1, '0');
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

export { RUPAY } from './rupay.mjs';

/** A year far enough ahead for both libraries' "not too far" rules. */
const YY = String((new Date().getUTCFullYear() + 4) % 100).padStart(2, '0');
const YYYY = String(new Date().getUTCFullYear() + 4);

/** [label, number, expiry, cvv, name]: a realistic mix of what a checkout form submits. */
export const CARDS = [
  // Razorpay's test cards
  ['valid Visa (Razorpay test)', '4100 2800 0000 1007', `12/${YY}`, '123', 'Gaurav Kumar'],
  ['valid MasterCard (Razorpay test)', '5500 6700 0000 1002', `12/${YY}`, '123', 'Gaurav Kumar'],
  ['valid RuPay (Razorpay test)', '6527 6589 0000 1005', `12/${YY}`, '123', 'Gaurav Kumar'],
  ['valid Diners (Razorpay test)', '3608 280009 1007', `12/${YY}`, '123', 'Gaurav Kumar'],
  ['valid Amex (Razorpay test)', '3402 560004 01007', `12/${YY}`, '1234', 'Gaurav Kumar'],
  // every other network
  ['valid Visa', '4111111111111111', `06/${YYYY}`, '321', 'Gaurav Kumar'],
  ['valid MasterCard 2-series', '2223 0031 2200 3222', `01/${YY}`, '999', 'Gaurav Kumar'],
  ['valid Amex', '378282246310005', `11 / ${YYYY}`, '4321', 'Gaurav Kumar'],
  ['valid Discover', '6011 1111 1111 1117', `09/${YY}`, '123', 'Gaurav Kumar'],
  ['valid JCB', '3530 1113 3330 0000', `03/${YY}`, '123', 'Gaurav Kumar'],
  ['valid Diners', '3056 930902 5904', `10/${YY}`, '123', 'Gaurav Kumar'],
  ['valid UnionPay', luhnComplete('62', 16), `08/${YY}`, '123', 'Gaurav Kumar'],
  ['valid Maestro', '6759 6498 2643 8453', `07/${YY}`, '123', 'Gaurav Kumar'],
  ['valid RuPay 6521', luhnComplete('652150', 16), `05/${YY}`, '123', 'Gaurav Kumar'],
  ['valid RuPay 508', luhnComplete('508500', 16), `04/${YY}`, '123', 'Gaurav Kumar'],
  ['valid RuPay 607', luhnComplete('607000', 16), `02/${YY}`, '123', 'Gaurav Kumar'],
  // spaced, dashed, padded
  ['dashed Visa', '4100-2800-0000-1007', `12/${YY}`, '123', 'Gaurav Kumar'],
  ['padded Visa', ' 4100 2800 0000 1007 ', `12/${YY}`, '123', 'Gaurav Kumar'],
  ['MMYY expiry', '4100280000001007', `12${YY}`, '123', 'Gaurav Kumar'],
  // invalid
  ['Luhn failure', '4111 1111 1111 1112', `12/${YY}`, '123', 'Gaurav Kumar'],
  ['too short', '4111 1111 1111', `12/${YY}`, '123', 'Gaurav Kumar'],
  ['letters', '4111 abcd 1111 1111', `12/${YY}`, '123', 'Gaurav Kumar'],
  ['empty number', '', `12/${YY}`, '123', 'Gaurav Kumar'],
  ['expired', '4100 2800 0000 1007', '01/20', '123', 'Gaurav Kumar'],
  ['month 13', '4100 2800 0000 1007', `13/${YY}`, '123', 'Gaurav Kumar'],
  ['CVV too short', '5500 6700 0000 1002', `12/${YY}`, '12', 'Gaurav Kumar'],
  ['Amex with 3-digit CVV', '3402 560004 01007', `12/${YY}`, '123', 'Gaurav Kumar'],
  ['everything empty', '', '', '', ''],
  ['name missing', '4100 2800 0000 1007', `12/${YY}`, '123', ''],
  ['name all digits', '4100 2800 0000 1007', `12/${YY}`, '123', '4100280000001007'],
  // partial (a submit before the shopper finished)
  ['partial Visa', '4100 2800', `12/${YY}`, '123', 'Gaurav Kumar'],
  ['partial MasterCard', '5500 67', `1`, '', 'Gaurav Kumar'],
  ['partial Amex', '3402 5600 04', `12/${YY}`, '12', 'Gaurav Kumar'],
];

/** The as-you-type path: every prefix (1..n digits) of these numbers. */
export const TYPED = ['4100280000001007', '6527658900001005', '340256000401007'];

export const PREFIXES = TYPED.flatMap((n) => Array.from({ length: n.length }, (_, i) => n.slice(0, i + 1)));

/** A full composite order request, as the page hands it to `Checkout.pay`. */
export function compositeRequest() {
  return {
    amount: 50000,
    currency: 'INR',
    receipt: 'rcpt_bench_1',
    notes: { order: 'A-1001', channel: 'web' },
    payment: {
      email: 'gaurav.kumar@example.com',
      contact: '+919000090000',
      card: { number: '4100 2800 0000 1007', expiry: `12/${YY}`, cvv: '123', name: 'Gaurav Kumar' },
    },
  };
}

/** The same request with four errors: `pay()` rejects in validation, before posting. */
export function invalidCompositeRequest() {
  const r = compositeRequest();
  r.payment.email = 'not-an-email';
  r.payment.card = { number: '4111 1111 1111 1112', expiry: '01/20', cvv: '12', name: 'Gaurav Kumar' };
  return r;
}
