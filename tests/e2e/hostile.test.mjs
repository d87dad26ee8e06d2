// Hostile and broken answers to the real demo page, in headless Chromium.
// The backend runs in its HOSTILE_GATEWAY=1 test mode (www/server/src/hostile.rs):
// a request carrying `X-Hostile-Scenario: <route>:<scenario>` gets that
// answer. For each scenario the shopper must see a typed error in the
// page's status region, nothing may navigate or be fetched off the demo's
// origin, and the form must keep what the shopper typed except the CVV;
// then the same page, with the header gone, pays normally.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDemo, launchBrowser, openPage, typeCard, checkoutPosts, shots } from './harness.mjs';
import { cartOf, ordersFor } from '../support/sandbox.mjs';

const TIMEOUT_MS = 3000; // the page's timeout for each call (CHECKOUT_TIMEOUT_MS)
let demo;
let browser;

before(async () => {
  demo = await startDemo({ HOSTILE_GATEWAY: '1', CHECKOUT_TIMEOUT_MS: String(TIMEOUT_MS), ACCESS_LOG: process.env.DEBUG_ACCESS_LOG ?? '0' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  demo?.stop();
  if (process.env.DEBUG_ACCESS_LOG) console.log(demo?.stderr());
});

const CARD = { number: '4111 1111 1111 1111', expiry: '12/30', cvv: '123', name: 'Gaurav Kumar' };

// What the shopper reads for each kind (pkg-template/locales/en.js, through messageFor in www/app.js).
const MESSAGE = {
  unsafe_url: /payment was stopped: the payment server tried to send you to a page that is not your bank's/,
  invalid_response: /answer that cannot be used, so the payment was stopped/,
  unsupported_action: /asked for a step this checkout does not support/,
  timeout: /did not answer in time/,
  network_error: /could not be reached/,
};

/** A page on the demo with its navigations recorded. */
async function open() {
  const opened = await openPage(browser, demo.demo);
  const navigations = [];
  opened.page.on('framenavigated', (frame) => navigations.push(frame.url()));
  opened.navigations = navigations;
  await opened.page.fill('#email', 'shopper.hostile@example.com');
  await opened.page.fill('#contact', '9123456780');
  return opened;
}

async function failsSafely({ page, requests, navigations, problems }, urlBefore, kind, shotName) {
  await page.waitForSelector('#form-status.fail', { timeout: TIMEOUT_MS + 10000 });
  // A typed error, in words the shopper understands.
  assert.equal(await page.getAttribute('#form-status', 'data-kind'), kind);
  assert.match(await page.textContent('#form-status'), MESSAGE[kind]);
  // No navigation, nothing fetched anywhere but the merchant's own origin.
  assert.equal(page.url(), urlBefore);
  assert.deepEqual(navigations, [], 'the page navigated');
  const origin = new URL(demo.demo).origin;
  const foreign = requests.filter((r) => new URL(r.url).origin !== origin);
  assert.deepEqual(foreign.map((r) => r.url), [], 'a request left the merchant origin');
  assert.ok(!requests.some((r) => /^(javascript|data):/i.test(r.url)));
  // The form keeps what the shopper typed, except the CVV.
  assert.equal(await page.inputValue('#number'), CARD.number);
  assert.equal(await page.inputValue('#expiry'), CARD.expiry);
  assert.equal(await page.inputValue('#name'), CARD.name);
  assert.equal(await page.inputValue('#email'), 'shopper.hostile@example.com');
  assert.equal(await page.inputValue('#contact'), '9123456780');
  assert.equal(await page.inputValue('#cvv'), '', 'the CVV is cleared');
  assert.equal(await page.isEnabled('#pay'), true);
  assert.equal(await page.isVisible('#otp-dialog'), false);
  // Chromium logs a failed or reset fetch as a console error; nothing else may appear.
  assert.deepEqual(problems.filter((p) => !/Failed to load resource/.test(p)), []);
  await page.screenshot({ path: join(shots, `hostile-${shotName}.png`), fullPage: true });
}

/** With the scenario header gone, the same page pays: OTP, then the result page. */
async function retryPays({ page, context }) {
  await context.setExtraHTTPHeaders({});
  await page.fill('#cvv', CARD.cvv);
  await page.click('#pay');
  await page.waitForSelector('#otp-dialog[open]');
  await page.fill('#otp', '123456');
  await Promise.all([page.waitForURL(/\/result\.html/), page.click('#otp-submit')]);
  await page.waitForSelector('html[data-ready=true]');
  assert.equal(await page.textContent('#headline'), 'Payment successful');
  assert.equal(await page.textContent('#signature'), 'valid');
}

// The order reply itself is hostile: nothing reaches the gateway.
const checkoutScenarios = [
  ['javascript-url', 'unsafe_url'],
  ['data-url', 'unsafe_url'],
  ['foreign-host', 'unsafe_url'],
  ['http-url', 'unsafe_url'],
  ['empty-next', 'invalid_response'],
  ['unknown-actions', 'unsupported_action'],
  ['huge-body', 'invalid_response'],
  ['html', 'invalid_response'],
  ['slow-drip', 'timeout'],
  ['reset', 'network_error'],
];

for (const [scenario, kind] of checkoutScenarios) {
  test(`checkout answer "${scenario}": ${kind} shown, no navigation, form kept but the CVV, retry pays`, async () => {
    const opened = await open();
    const { page, context, requests } = opened;
    await context.setExtraHTTPHeaders({ 'x-hostile-scenario': `checkout:${scenario}` });
    await typeCard(page, CARD);
    const urlBefore = page.url();
    await page.click('#pay');
    await failsSafely(opened, urlBefore, kind, `checkout-${scenario}`);
    assert.equal(checkoutPosts(requests).length, 1, 'one POST: the package never retries on its own');
    const cart = new URL(urlBefore).searchParams.get('cart');
    assert.equal((await ordersFor(demo.gateway, cart)).orders.length, 0, 'the hostile answer came before any order reached the gateway');
    await retryPays(opened);
    const { orders, payments } = await ordersFor(demo.gateway, cart);
    assert.equal(orders.length, 1);
    assert.equal(payments.length, 1);
    assert.equal(payments[0].status, 'captured');
    await context.close();
  });
}

// The order is real; the OTP step's answer is hostile.
const otpScenarios = [
  ['otp-generate', 'javascript-url', 'unsafe_url'],
  ['otp-generate', 'data-url', 'unsafe_url'],
  ['otp-generate', 'foreign-host', 'unsafe_url'],
  ['otp-generate', 'http-url', 'unsafe_url'],
  ['otp-submit', 'html', 'invalid_response'],
  ['otp-submit', 'huge-body', 'invalid_response'],
];

for (const [route, scenario, kind] of otpScenarios) {
  test(`${route} answer "${scenario}": ${kind} shown, no navigation, retry pays the same order once`, async () => {
    const opened = await open();
    const { page, context } = opened;
    await context.setExtraHTTPHeaders({ 'x-hostile-scenario': `${route}:${scenario}` });
    await typeCard(page, CARD);
    const urlBefore = page.url();
    const cart = cartOf(page);
    await page.click('#pay');
    if (route === 'otp-submit') {
      await page.waitForSelector('#otp-dialog[open]');
      await page.fill('#otp', '123456');
      await page.click('#otp-submit');
    }
    await failsSafely(opened, urlBefore, kind, `${route}-${scenario}`);
    await retryPays(opened);
    // The retry continued the same order and payment (the backend's receipt rule).
    const { orders, payments } = await ordersFor(demo.gateway, cart);
    assert.equal(orders.length, 1);
    assert.equal(payments.length, 1);
    assert.equal(payments[0].status, 'captured');
    await context.close();
  });
}

// No answer at all to the OTP submit: the OTP may never have arrived, so
// the checkout keeps awaiting it (the dialog stays open with the error) and
// the same OTP sent again pays the same payment, once.
for (const [scenario, kind, message] of [
  ['slow-drip', 'timeout', /did not answer in time/],
  ['reset', 'network_error', /could not be reached/],
]) {
  test(`otp-submit answer "${scenario}": ${kind} shown in the OTP dialog, which stays open; sending the OTP again pays once`, async () => {
    const opened = await open();
    const { page, context, requests } = opened;
    await context.setExtraHTTPHeaders({ 'x-hostile-scenario': `otp-submit:${scenario}` });
    await typeCard(page, CARD);
    const urlBefore = page.url();
    const cart = cartOf(page);
    await page.click('#pay');
    await page.waitForSelector('#otp-dialog[open]');
    await page.fill('#otp', '123456');
    await page.click('#otp-submit');
    await page.waitForFunction(() => document.querySelector('#otp-error').textContent.trim() !== '', null, { timeout: 15000 });
    assert.match(await page.textContent('#otp-error'), message);
    assert.equal(await page.getAttribute('#otp', 'aria-invalid'), 'true');
    assert.equal(await page.isVisible('#otp-dialog'), true, 'still awaiting the OTP');
    assert.equal(page.url(), urlBefore, 'nothing navigated');
    assert.ok(!requests.some((r) => /^(javascript|data):/i.test(r.url)));
    assert.equal(await page.inputValue('#otp'), '123456', 'the OTP is kept to send again');
    await page.screenshot({ path: join(shots, `hostile-otp-submit-${scenario}.png`), fullPage: true });

    await context.setExtraHTTPHeaders({});
    await Promise.all([page.waitForURL(/\/result\.html/), page.click('#otp-submit')]);
    await page.waitForSelector('html[data-ready=true]');
    assert.equal(await page.textContent('#headline'), 'Payment successful');
    const { orders, payments } = await ordersFor(demo.gateway, cart);
    assert.equal(orders.length, 1);
    assert.equal(payments.length, 1);
    assert.equal(payments[0].status, 'captured');
    await context.close();
  });
}

test('without HOSTILE_GATEWAY the scenario header does nothing', async () => {
  const plain = await startDemo();
  try {
    const response = await fetch(`${plain.demo}api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'hostile-off-1', 'x-hostile-scenario': 'checkout:javascript-url' },
      body: '{}',
    });
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error.code, 'BAD_REQUEST_ERROR');
    const html = await fetch(`${plain.demo}api/checkout`, {
      method: 'POST', headers: { 'x-hostile-scenario': 'checkout:html' }, body: '{}',
    });
    assert.match(html.headers.get('content-type'), /application\/json/);
  } finally {
    plain.stop();
  }
});
