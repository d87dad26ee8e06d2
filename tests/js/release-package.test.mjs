// Loads the RELEASE package (wasm-opt'd, as shipped in pkg/) and calls it:
// a build that does not instantiate, or whose exports misbehave after
// optimisation, fails here. Run with `node --test` after scripts/build-pkg.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const pkg = new URL('../../pkg/', import.meta.url);
// (The package's browser entry: its card functions are the card entry's module.)
const mod = await import(new URL('index.js', pkg));
mod.initSync({
  module: readFileSync(new URL('razorpay_checkout_wasm_bg.wasm', pkg)),
  card: readFileSync(new URL('card/card_bg.wasm', pkg)),
});

const NOW = Date.UTC(2026, 10, 23, 11);

test('release build validates every Razorpay test card', () => {
  const cards = [
    ['4100 2800 0000 1007', 'Visa', '123'],
    ['5500 6700 0000 1002', 'MasterCard', '123'],
    ['6527 6589 0000 1005', 'RuPay', '123'],
    ['3608 280009 1007', 'Diners Club', '123'],
    ['3402 560004 01007', 'American Express', '1234'],
  ];
  for (const [number, network, cvv] of cards) {
    const v = mod.validateCard({ number, expiry_month: '12', expiry_year: '30', cvv, name: 'Gaurav Kumar' }, { now: NOW });
    assert.equal(v.valid, true, number);
    assert.equal(v.network, network);
    assert.deepEqual(v.card, {
      name: 'Gaurav Kumar', number: number.replaceAll(' ', ''), cvv, expiry_month: '12', expiry_year: '30',
    });
    assert.deepEqual(v.errors, []);
  }
});

test('release build: tokenised card without CVV, and cvv "12" refused', () => {
  const ok = mod.validateCard({}, { tokenised: true, now: NOW });
  assert.equal(ok.valid, true);
  assert.deepEqual(ok.card, {});
  const bad = mod.validateCard({ cvv: '12' }, { tokenised: true, now: NOW });
  assert.equal(bad.valid, false);
  assert.deepEqual(bad.errors, [{
    code: 'BAD_REQUEST_ERROR', description: 'The cvv must be between 3 and 4 digits', field: 'cvv',
    source: 'customer', step: 'payment_initiation', reason: 'input_validation_failed', kind: 'invalid_length',
  }]);
});

test('release build: inspectNumber, cardNetwork, parseExpiry', () => {
  assert.deepEqual(mod.inspectNumber('3402 5600 0401 007'), {
    network: 'American Express', state: 'complete', formatted: '3402 560004 01007', lengths: [15], cvv_length: 4,
  });
  assert.equal(mod.cardNetwork('6521 50'), 'RuPay');
  assert.equal(mod.cardNetwork('65'), null);
  assert.deepEqual(mod.parseExpiry('12/2030', NOW), { expiry_month: '12', expiry_year: '30' });
  assert.throws(() => mod.parseExpiry('10/26', NOW), (e) =>
    e instanceof Error && e.name === 'RazorpayCheckoutError' && e.kind === 'expired' && e.code === 'BAD_REQUEST_ERROR');
});

test('release build never traps on hostile input', () => {
  const values = [undefined, null, 0, 1e308, NaN, -1, true, 'x'.repeat(100000), [], {}, () => 1, Symbol('s'), 10n,
    { number: {}, cvv: [], name: 5, expiry: {} }, { number: '4'.repeat(10000), expiry_month: 1e300 }];
  for (const v of values) {
    for (const call of [() => mod.validateCard(v), () => mod.validateCard({}, v), () => mod.inspectNumber(v),
      () => mod.cardNetwork(v), () => mod.parseExpiry(v), () => mod.parseExpiry('12/30', v)]) {
      try {
        call();
      } catch (e) {
        assert.equal(e.name, 'RazorpayCheckoutError', String(e));
        assert.equal(typeof e.kind, 'string');
      }
    }
  }
});
