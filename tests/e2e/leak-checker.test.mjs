// The leak checker itself (assertNoLeak of harness.mjs), on recordings built
// by hand: a clean one passes, and the card number or the CVV put in each
// place a page could leak it (console, storage, cookie, title, URL bar,
// navigation, another request's URL, header or body, a response) fails it.
// Without this, a checker that never matches would pass every e2e flow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoLeak } from './harness.mjs';

const NUMBER = '4100280000001007';
const CVV = '837';
const ORIGIN = 'http://127.0.0.1:8080';

function recording(extra = {}) {
  const checkout = {
    method: 'POST',
    url: `${ORIGIN}/api/checkout`,
    // A header whose value is the CVV's digits by chance: headers are only
    // checked for the field form (`cvv: 837`), not for a bare token.
    headers: { 'content-type': 'application/json', 'content-length': '837' },
    body: JSON.stringify({ amount: 100, payment: { card: { number: NUMBER, cvv: CVV, expiry_month: '12', expiry_year: '30' } } }),
    frame: `${ORIGIN}/`,
  };
  const snapshot = {
    when: 'end', url: `${ORIGIN}/result.html?payment_id=pay_1`, href: `${ORIGIN}/result.html?payment_id=pay_1`,
    title: 'Payment successful', frames: [`${ORIGIN}/result.html`], localStorage: {}, sessionStorage: {},
  };
  return {
    context: { pages: () => [], cookies: async () => extra.cookies ?? [] },
    requests: [
      { method: 'GET', url: `${ORIGIN}/app.js`, headers: {}, body: '', frame: `${ORIGIN}/` },
      ...(extra.noCheckout ? [] : [checkout]),
      ...(extra.twoCheckouts ? [checkout] : []),
      ...(extra.requests ?? []),
    ],
    responses: extra.responses ?? [{ url: `${ORIGIN}/api/checkout`, status: 200, headers: {}, body: '{"id":"order_1","amount":100}' }],
    console: extra.console ?? ['progress posting', 'receipt cart_8370 and id_837x'],
    problems: [],
    navigations: extra.navigations ?? [`${ORIGIN}/`, `${ORIGIN}/result.html?payment_id=pay_1`],
    snapshots: [{ ...snapshot, ...(extra.snapshot ?? {}) }],
    unread: [],
    pending: new Set(),
  };
}

const secrets = { number: NUMBER, cvv: CVV };

test('a clean recording passes (the number and CVV only in the one /api/checkout body)', async () => {
  await assertNoLeak(recording(), secrets);
});

const leaks = [
  ['console, plain', { console: [`card ${NUMBER}`] }],
  ['console, spaced as typed', { console: ['number 4100 2800 0000 1007'] }],
  ['console, the CVV as a field', { console: ['{ cvv: 837 }'] }],
  ['console, the CVV as a word', { console: ['code 837 sent'] }],
  ['localStorage', { snapshot: { localStorage: { draft: `{"n":"${NUMBER}"}` } } }],
  ['sessionStorage, the CVV', { snapshot: { sessionStorage: { form: '{"cvv":"837"}' } } }],
  ['a cookie, +-separated', { cookies: [{ name: 'c', value: '4100+2800+0000+1007', domain: '127.0.0.1' }] }],
  ['the title', { snapshot: { title: `Paying with ${NUMBER}` } }],
  ['the URL bar', { snapshot: { url: `${ORIGIN}/?n=4100%202800%200000%201007` } }],
  ['a navigation', { navigations: [`${ORIGIN}/result.html?cvv=837`] }],
  ['another request URL', { requests: [{ method: 'GET', url: `${ORIGIN}/log?card=${NUMBER}`, headers: {}, body: '', frame: '' }] }],
  ['another request header', { requests: [{ method: 'GET', url: `${ORIGIN}/x`, headers: { 'x-card': NUMBER }, body: '', frame: '' }] }],
  ['another request body', { requests: [{ method: 'POST', url: `${ORIGIN}/api/otp/submit`, headers: {}, body: '{"otp":"1","cvv":"837"}', frame: '' }] }],
  ['a foreign request body', { requests: [{ method: 'POST', url: 'https://evil.example/collect', headers: {}, body: `n=${NUMBER}`, frame: '' }] }],
  ['a response echoing it', { responses: [{ url: `${ORIGIN}/api/checkout`, status: 200, headers: {}, body: `{"card":"${NUMBER}"}` }] }],
  ['the checkout body twice', { twoCheckouts: true }],
];

for (const [where, extra] of leaks) {
  test(`a leak through ${where} fails the check`, async () => {
    await assert.rejects(assertNoLeak(recording(extra), secrets), assert.AssertionError);
  });
}

test('a payment that was expected but never posted fails the check', async () => {
  await assert.rejects(assertNoLeak(recording({ noCheckout: true }), { ...secrets, sent: true }), assert.AssertionError);
});

test('a checkout body carrying the card when none was expected fails the check', async () => {
  await assert.rejects(assertNoLeak(recording(), { ...secrets, sent: false }), assert.AssertionError);
});
