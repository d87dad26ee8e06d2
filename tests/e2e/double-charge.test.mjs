// No double charge, counted in the sandbox gateway (its orders and
// payments, read over its API): a burst of clicks on Pay, a retry after the
// answer was lost to the page's timeout, and the same cart paid from two
// tabs at once. Real demo page, headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDemo, launchBrowser, openPage, typeCard, checkoutPosts, shots } from './harness.mjs';
import { cartOf, newCart, ordersFor, totals } from '../support/sandbox.mjs';

const TIMEOUT_MS = 3000;
let demo;
let browser;

before(async () => {
  // The hostile mode only for `slow-after-success` (a request without the header is served normally).
  demo = await startDemo({ HOSTILE_GATEWAY: '1', CHECKOUT_TIMEOUT_MS: String(TIMEOUT_MS) });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  demo?.stop();
});

const shot = (page, name) => page.screenshot({ path: join(shots, `double-charge-${name}.png`), fullPage: true });

async function payWithOtp(page) {
  await page.waitForSelector('#otp-dialog[open]');
  await page.fill('#otp', '123456');
  await Promise.all([page.waitForURL(/\/result\.html/), page.click('#otp-submit')]);
  await page.waitForSelector('html[data-ready=true]');
  assert.equal(await page.textContent('#headline'), 'Payment successful');
}

test('a double click, and five submits in one tick, make one order and one payment', async () => {
  const before = await totals(demo.gateway);
  const { page, requests, context } = await openPage(browser, demo.demo);
  const cart = cartOf(page);
  await page.click('input[name=auth][value=redirect]');
  await typeCard(page, { number: '4111 1111 1111 1111' });
  await Promise.all([page.waitForURL(/\/authorize\?auth=\w+$/), page.dblclick('#pay')]);
  assert.equal(checkoutPosts(requests).length, 1);
  let counted = await ordersFor(demo.gateway, cart);
  assert.equal(counted.orders.length, 1);
  assert.equal(counted.payments.length, 1);

  // Five submits before the first answer: the Checkout lets one through.
  const second = await openPage(browser, demo.demo);
  const cart2 = cartOf(second.page);
  await typeCard(second.page, { number: '5500 6700 0000 1002' });
  await second.page.evaluate(() => {
    const form = document.getElementById('card-form');
    for (let i = 0; i < 5; i++) form.requestSubmit();
  });
  await payWithOtp(second.page);
  assert.equal(checkoutPosts(second.requests).length, 1);
  counted = await ordersFor(demo.gateway, cart2);
  assert.equal(counted.orders.length, 1);
  assert.equal(counted.payments.length, 1);
  assert.equal(counted.payments[0].status, 'captured');
  assert.deepEqual(await totals(demo.gateway), { orders: before.orders + 2, payments: before.payments + 2 });
  await shot(second.page, 'five-submits');
  await context.close();
  await second.context.close();
});

test('a retry after a timeout reuses the Idempotency-Key and gets the first order back', async () => {
  const before = await totals(demo.gateway);
  const { page, requests, context } = await openPage(browser, demo.demo);
  const cart = cartOf(page);
  // The backend creates the order, then holds its answer past the page's timeout.
  await context.setExtraHTTPHeaders({ 'x-hostile-scenario': 'checkout:slow-after-success' });
  await typeCard(page, { number: '4100 2800 0000 1007' });
  await page.click('#pay');
  await page.waitForSelector('#form-status.fail', { timeout: TIMEOUT_MS + 10000 });
  assert.equal(await page.getAttribute('#form-status', 'data-kind'), 'timeout');
  assert.match(await page.textContent('#form-status'), /did not answer in time.*not be charged twice/);
  assert.equal(await page.inputValue('#number'), '4100 2800 0000 1007');
  assert.equal(await page.inputValue('#cvv'), '');
  // The first attempt did reach the gateway.
  let counted = await ordersFor(demo.gateway, cart);
  assert.equal(counted.orders.length, 1);
  assert.equal(counted.payments.length, 1);

  // The shopper types the CVV again and presses Pay.
  await page.fill('#cvv', '123');
  const replayed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/checkout');
  await page.click('#pay');
  const answer = await replayed;
  assert.equal(answer.headers()['idempotent-replayed'], 'true');
  await payWithOtp(page);

  const posts = checkoutPosts(requests);
  assert.equal(posts.length, 2);
  const [first, retry] = posts.map((p) => p.headers['idempotency-key']);
  assert.match(first, /^[0-9a-f-]{32,36}$/);
  assert.equal(retry, first, 'the retry must reuse the Idempotency-Key');
  assert.equal(posts[1].body, posts[0].body, 'the same request was retried');
  counted = await ordersFor(demo.gateway, cart);
  assert.equal(counted.orders.length, 1);
  assert.equal(counted.payments.length, 1);
  assert.equal(counted.payments[0].status, 'captured');
  assert.equal(counted.payments[0].id, await page.textContent('#payment-id'));
  assert.deepEqual(await totals(demo.gateway), { orders: before.orders + 1, payments: before.payments + 1 });
  await shot(page, 'retry-after-timeout');
  await context.close();
});

test('two tabs paying the same cart at once: one order, one payment', async () => {
  const before = await totals(demo.gateway);
  const cart = await newCart(demo.demo);
  const url = `${demo.demo}?cart=${cart}`;
  const a = await openPage(browser, url);
  // The second tab of the same browser (same cookies, same cart URL).
  const pageB = await a.context.newPage();
  const requestsB = [];
  pageB.on('request', (r) => requestsB.push({ method: r.method(), url: r.url(), headers: r.headers(), body: r.postData() ?? '' }));
  await pageB.goto(url);
  await pageB.waitForSelector('html[data-ready=true]');
  for (const page of [a.page, pageB]) await typeCard(page, { number: '6527 6589 0000 1005' });

  await Promise.all([a.page.click('#pay'), pageB.click('#pay')]);
  for (const page of [a.page, pageB]) await page.waitForSelector('#otp-dialog[open]');
  // Two Checkouts, two keys, two POSTs: the backend de-duplicates by the cart (receipt).
  // (The harness may record the whole context: count distinct keys over both lists.)
  const keys = new Set([...checkoutPosts(a.requests), ...checkoutPosts(requestsB)].map((p) => p.headers['idempotency-key']));
  assert.equal(keys.size, 2);
  assert.equal(checkoutPosts(requestsB).length, 1);
  let counted = await ordersFor(demo.gateway, cart);
  assert.equal(counted.orders.length, 1);
  assert.equal(counted.payments.length, 1);

  // Tab A pays; tab B's OTP for the same, now captured, payment is refused.
  await payWithOtp(a.page);
  await pageB.fill('#otp', '123456');
  await pageB.click('#otp-submit');
  await pageB.waitForSelector('#form-status.fail');
  // Paying again from tab B: the backend answers that the cart is paid.
  await pageB.fill('#cvv', '123');
  await pageB.click('#pay');
  await pageB.waitForFunction(() => /already been paid/.test(document.getElementById('form-status').textContent));
  assert.equal(await pageB.getAttribute('#form-status', 'data-kind'), 'gateway_error');
  await shot(pageB, 'second-tab-already-paid');

  counted = await ordersFor(demo.gateway, cart);
  assert.equal(counted.orders.length, 1);
  assert.equal(counted.payments.length, 1);
  assert.equal(counted.payments[0].status, 'captured');
  assert.deepEqual(await totals(demo.gateway), { orders: before.orders + 1, payments: before.payments + 1 });
  await a.context.close();
});

test('two tabs, same cart, different cards: the second is refused while the first is under way', async () => {
  const before = await totals(demo.gateway);
  const cart = await newCart(demo.demo);
  const a = await openPage(browser, `${demo.demo}?cart=${cart}`);
  // A second tab of the same browser (its cookies: the same checkout session).
  const b = { page: await a.context.newPage() };
  await b.page.goto(`${demo.demo}?cart=${cart}`);
  await b.page.waitForSelector('html[data-ready=true]');
  await typeCard(a.page, { number: '4100 2800 0000 1007' });
  await typeCard(b.page, { number: '5500 6700 0000 1002' });
  await a.page.click('#pay');
  await a.page.waitForSelector('#otp-dialog[open]');
  await b.page.click('#pay');
  await b.page.waitForSelector('#form-status.fail');
  assert.match(await b.page.textContent('#form-status'), /already being paid in another tab or window/);
  assert.equal(await b.page.inputValue('#number'), '5500 6700 0000 1002');
  assert.equal(await b.page.inputValue('#cvv'), '');
  await payWithOtp(a.page);
  const counted = await ordersFor(demo.gateway, cart);
  assert.equal(counted.orders.length, 1);
  assert.equal(counted.payments.length, 1);
  assert.equal(counted.payments[0].status, 'captured');
  assert.deepEqual(await totals(demo.gateway), { orders: before.orders + 1, payments: before.payments + 1 });
  await a.context.close();
});
