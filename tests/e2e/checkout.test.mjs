// Every demo flow, as a shopper would do it, in real headless Chromium
// against the demo backend and its sandbox gateway. Screenshots of each
// final state go to build/screenshots/. Each flow ends with assertNoLeak:
// the card number and CVV went only into the one /api/checkout body.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDemo, launchBrowser, openPage, typeCard, checkoutPosts, shots, assertNoLeak, BROWSER, wasmRefusedReport } from './harness.mjs';
import { sandboxGet } from '../support/sandbox.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

// A CVV no amount, id or fixed string of the demo contains (see cvvPatterns).
const CVV = '837';

let demo;
let browser;
const shot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

// The merchant's operator secret (debits start from its server, never the page).
const OPERATOR_SECRET = 'e2e-operator-secret-0123456789';

/** `razorpay-demo debit …` as the merchant's server runs it: its exit code and output. */
function operatorDebit(args) {
  return new Promise((resolve) => {
    execFile(join(root, 'target', 'debug', 'razorpay-demo'), ['debit', ...args], { env: { ...process.env, OPERATOR_SECRET } },
      (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

before(async () => {
  demo = await startDemo({ OPERATOR_SECRET });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  demo?.stop();
});

async function approveOnBankPage(page) {
  await page.click('button[value=approve]');
  await Promise.all([page.waitForURL(/\/result\.html/), page.click('text=Continue to the merchant')]);
  await page.waitForSelector('html[data-ready=true]');
}

test('typing formats the number, names the network, and never flags a valid prefix', async () => {
  const rec = await openPage(browser, demo.demo);
  const { page, problems, context } = rec;
  await page.click('#number');
  for (const ch of '6527658900001005') {
    await page.keyboard.type(ch);
    assert.notEqual(await page.getAttribute('#number', 'aria-invalid'), 'true', 'flagged while typing');
  }
  assert.equal(await page.inputValue('#number'), '6527 6589 0000 1005');
  assert.equal(await page.textContent('#network'), 'RuPay');
  await page.fill('#number', '');
  await page.type('#number', '340256000401007');
  assert.equal(await page.inputValue('#number'), '3402 560004 01007');
  assert.equal(await page.textContent('#network'), 'American Express');
  await shot(page, 'typing-amex');
  assert.deepEqual(problems, []);
  assert.deepEqual(rec.violations, []);
  await assertNoLeak(rec, { number: '6527658900001005', sent: false });
  await assertNoLeak(rec, { number: '340256000401007', sent: false });
  await context.close();
});

test('an invalid card shows inline errors and sends no request', async () => {
  const rec = await openPage(browser, demo.demo);
  const { page, requests, problems, context } = rec;
  await page.click('input[name=auth][value=redirect]');
  await typeCard(page, { number: '4100280000001008', expiry: '01/20', cvv: '83', name: '' });
  await page.click('#pay');
  assert.equal(await page.getAttribute('#number', 'aria-invalid'), 'true');
  // The shopper's words (razorpay-checkout-wasm/messages, English by default), not the API's descriptions.
  assert.equal(await page.textContent('#number-error'), 'This card number is not valid. Please check it');
  assert.equal(await page.textContent('#expiry-error'), 'This card has expired');
  assert.equal(await page.textContent('#cvv-error'), 'Enter the full CVV from your card');
  assert.equal(await page.textContent('#name-error'), 'Enter the name on your card');
  assert.equal(await page.textContent('#form-status'), 'Please correct the highlighted fields. This card number is not valid. Please check it');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'number');
  assert.equal(checkoutPosts(requests).length, 0);
  await shot(page, 'invalid-card');
  assert.deepEqual(problems, []);
  assert.deepEqual(rec.violations, []);
  await assertNoLeak(rec, { number: '4100280000001008', cvv: '83', sent: false });
  await context.close();
});

test('new card, saved: bank page, approve, success with a token and a valid signature', async () => {
  const rec = await openPage(browser, demo.demo);
  const { page, requests, problems, context } = rec;
  await page.click('input[name=auth][value=redirect]');
  await typeCard(page, { number: '4100 2800 0000 1007', cvv: CVV });
  await page.check('#save');
  await Promise.all([page.waitForURL(/\/authorize\?auth=\w+$/), page.click('#pay')]);
  assert.ok(page.url().startsWith(demo.gateway));
  await shot(page, 'bank-page');
  await approveOnBankPage(page);
  assert.equal(await page.textContent('#headline'), 'Payment successful');
  assert.equal(await page.textContent('#signature'), 'valid');
  assert.match(await page.textContent('#payment-id'), /^pay_/);
  assert.match(await page.textContent('#order-id'), /^order_/);
  assert.match(await page.textContent('#token-id'), /^token_/);
  assert.equal(checkoutPosts(requests).length, 1);
  await shot(page, 'redirect-success');
  assert.deepEqual(problems, []);
  assert.deepEqual(rec.violations, []);
  await assertNoLeak(rec, { number: '4100280000001007', cvv: CVV });
  await context.close();
});

test('OTP on the page: wrong OTP, resend, right OTP', async () => {
  const rec = await openPage(browser, demo.demo);
  const { page, problems, context } = rec;
  await typeCard(page, { number: '5500 6700 0000 1002', cvv: CVV });
  await page.click('#pay');
  await page.waitForSelector('#otp-dialog[open]');
  await page.fill('#otp', '123');
  await page.click('#otp-submit');
  await page.waitForFunction(() => document.getElementById('otp-error').textContent !== '');
  assert.match(await page.textContent('#otp-error'), /incorrect OTP/i);
  assert.equal(await page.getAttribute('#otp', 'aria-invalid'), 'true');
  await shot(page, 'otp-wrong');
  await page.click('#otp-resend');
  await page.waitForFunction(() => document.getElementById('otp-help').textContent.includes('A new OTP has been sent'));
  await page.fill('#otp', '123456');
  await Promise.all([page.waitForURL(/\/result\.html/), page.click('#otp-submit')]);
  await page.waitForSelector('html[data-ready=true]');
  assert.equal(await page.textContent('#headline'), 'Payment successful');
  assert.equal(await page.textContent('#signature'), 'valid');
  await shot(page, 'otp-success');
  // The wrong OTP's 400 is logged by Chromium as a failed load (Firefox logs no failed fetch); nothing else.
  assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), []);
  assert.equal(problems.length, BROWSER === 'firefox' ? 0 : 1);
  assert.deepEqual(rec.violations, []);
  await assertNoLeak(rec, { number: '5500670000001002', cvv: CVV });
  await context.close();
});

test('pay with the saved card without a CVV: no cvv key is sent', async () => {
  const rec = await openPage(browser, demo.demo);
  const { page, requests, problems, context } = rec;
  await page.waitForSelector('#saved-cards:not([hidden])');
  await page.click('#saved-list input[type=radio]');
  assert.equal(await page.isHidden('#number'), true);
  await page.click('input[name=auth][value=redirect]');
  await Promise.all([page.waitForURL(/\/authorize\?auth=\w+$/), page.click('#pay')]);
  const [post] = checkoutPosts(requests);
  const body = JSON.parse(post.body);
  assert.match(body.payment.token, /^token_/);
  assert.equal(body.payment.save, 1);
  assert.ok(!('cvv' in (body.payment.card ?? {})), 'a CVV key was sent for a saved card');
  assert.ok(!('number' in (body.payment.card ?? {})));
  await approveOnBankPage(page);
  assert.equal(await page.textContent('#headline'), 'Payment successful');
  await shot(page, 'saved-card-success');
  assert.deepEqual(problems, []);
  assert.deepEqual(rec.violations, []);
  // The saved card's number (paid with in an earlier flow) is never shown or sent.
  await assertNoLeak(rec, { number: '4100280000001007', sent: false });
  await context.close();
});

test("mandate registration on the page, then the month's debit from the merchant's server", async () => {
  const rec = await openPage(browser, demo.demo);
  const { page, problems, context } = rec;
  await page.click('input[name=auth][value=redirect]');
  await typeCard(page, { number: '4718 6091 0820 4366', cvv: CVV });
  await page.check('#mandate');
  await Promise.all([page.waitForURL(/\/authorize\?auth=/), page.click('#pay')]);
  await approveOnBankPage(page);
  // The page shows the mandate; it has no way to debit it.
  await page.waitForSelector('#recurring:not([hidden])');
  assert.match(await page.textContent('#mandate-status'), /^Monthly payments are set up for this card up to ₹1000\.00 a month \(mandate token_\w+, confirmed\)\.$/);
  assert.equal(await page.locator('#recurring button').count(), 0);
  await shot(page, 'mandate-set-up');
  // The merchant's server debits it: the operator command, with the operator secret.
  const paymentId = await page.textContent('#payment-id');
  const registration = await sandboxGet(demo.gateway, `/v1/payments/${paymentId}`);
  const debit = (key) => operatorDebit(['--customer', registration.customer_id, '--token', registration.token_id,
    '--amount', '100000', '--email', 'gaurav.kumar@example.com', '--contact', '9876543210', '--key', key, '--url', demo.demo]);
  const first = await debit('e2e-month-1');
  assert.equal(first.code, 0, first.stderr);
  const charged = JSON.parse(first.stdout);
  assert.match(charged.razorpay_payment_id, /^pay_/);
  assert.equal((await sandboxGet(demo.gateway, `/v1/payments/${charged.razorpay_payment_id}`)).status, 'captured');
  // The same command again replays it; another debit this month is refused.
  assert.deepEqual(JSON.parse((await debit('e2e-month-1')).stdout), charged);
  const second = await debit('e2e-month-2');
  assert.equal(second.code, 1);
  assert.equal(JSON.parse(second.stdout).error.reason, 'mandate_frequency_exceeded');
  assert.deepEqual(problems, []);
  assert.deepEqual(rec.violations, []);
  // The shopper's page (its cookie) cannot debit (its 401 is the only console error).
  const fromPage = await page.evaluate(async (body) => {
    const r = await fetch('/api/recurring', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'page-1' }, body });
    return r.status;
  }, JSON.stringify({ customer_id: registration.customer_id, token: registration.token_id, amount: 100, email: 'a@example.com', contact: '9876543210' }));
  assert.equal(fromPage, 401);
  assert.ok(problems.every((p) => /status of 401/.test(p)), problems.join('\n'));
  await assertNoLeak(rec, { number: '4718609108204366', cvv: CVV });
  await context.close();
});

test("a declined test card shows the gateway's error and keeps the shopper's input", async () => {
  const rec = await openPage(browser, demo.demo);
  const { page, context } = rec;
  await typeCard(page, { number: '4000 0000 0000 0002', cvv: CVV });
  await page.click('#pay');
  await page.waitForSelector('#form-status.fail');
  assert.match(await page.textContent('#form-status'), /declined/i);
  assert.equal(await page.inputValue('#number'), '4000 0000 0000 0002');
  assert.equal(await page.inputValue('#cvv'), '', 'the CVV is cleared after a failure');
  assert.equal(await page.isEnabled('#pay'), true);
  await shot(page, 'declined');
  await assertNoLeak(rec, { number: '4000000000000002', cvv: CVV });
  await context.close();
});

test('a double click on Pay creates one order', async () => {
  const rec = await openPage(browser, demo.demo);
  const { page, requests, context } = rec;
  await page.click('input[name=auth][value=redirect]');
  await typeCard(page, { number: '4111 1111 1111 1111', cvv: CVV });
  await Promise.all([page.waitForURL(/\/authorize\?auth=\w+$/), page.dblclick('#pay')]);
  assert.equal(checkoutPosts(requests).length, 1);
  await shot(page, 'double-click-one-order');
  await assertNoLeak(rec, { number: '4111111111111111', cvv: CVV });
  await context.close();
});

test('the page shows and sends the price of the cart the backend keeps, not its own', async () => {
  // A ₹499 gift-box cart (no mandate on offer), made on the backend.
  const made = await fetch(new URL('/api/carts', demo.demo), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ product: 'gift_box' }),
  });
  const cart = await made.json();
  const rec = await openPage(browser, `${demo.demo}?cart=${cart.id}`);
  const { page, requests, context } = rec;
  assert.equal(new URL(page.url()).searchParams.get('cart'), cart.id, 'the page kept the cart');
  assert.equal(await page.textContent('#amount'), '₹499.00');
  assert.equal(await page.textContent('#pay'), 'Pay ₹499.00');
  assert.equal(await page.isVisible('#mandate'), false, 'no mandate on a cart that offers none');
  await page.click('input[name=auth][value=redirect]');
  await typeCard(page, { number: '4111 1111 1111 1111', cvv: CVV });
  await Promise.all([page.waitForURL(/\/authorize\?auth=/), page.click('#pay')]);
  const [post] = checkoutPosts(requests);
  const sent = JSON.parse(post.body);
  assert.deepEqual([sent.amount, sent.currency, sent.receipt], [49900, 'INR', cart.id]);
  await context.close();

  // A cart id the backend does not know: the page gets a new cart of its own.
  const other = await openPage(browser, `${demo.demo}?cart=cart_AAAAAAAAAAAAAA`);
  const fresh = new URL(other.page.url()).searchParams.get('cart');
  assert.match(fresh, /^cart_[A-Za-z0-9]{14}$/);
  assert.notEqual(fresh, 'cart_AAAAAAAAAAAAAA');
  assert.equal(await other.page.textContent('#amount'), '₹1.00');
  await other.context.close();
});

test('the pages run under the narrowest CSP: default-src \'none\', Trusted Types, connect-src only /api/ and the .wasm', async () => {
  const rec = await openPage(browser, demo.demo);
  const { page, responses, context } = rec;
  const policy = responses.find((r) => r.url.startsWith(demo.demo) && /html/.test(r.headers['content-type'] ?? ''))
    .headers['content-security-policy'];
  const origin = new URL(demo.demo).origin;
  const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...v]) => [name, v.join(' ')]));
  assert.equal(directives['default-src'], "'none'");
  assert.equal(directives['script-src'], "'self' 'wasm-unsafe-eval'");
  assert.equal(directives['connect-src'], `${origin}/api/ ${origin}/pkg/razorpay_checkout_wasm_bg.wasm ${origin}/pkg/card/card_bg.wasm`);
  assert.equal(directives['require-trusted-types-for'], "'script'");
  assert.equal(directives['trusted-types'], "'none'");
  assert.doesNotMatch(policy, /unsafe-inline|'unsafe-eval'/);
  // A whole payment (bank page, result page) reports no violation.
  await page.click('input[name=auth][value=redirect]');
  await typeCard(page, { number: '4111 1111 1111 1111', cvv: CVV });
  await Promise.all([page.waitForURL(/\/authorize\?auth=/), page.click('#pay')]);
  await approveOnBankPage(page);
  assert.equal(await page.textContent('#headline'), 'Payment successful');
  assert.deepEqual(rec.violations, []);
  assert.deepEqual(rec.problems, []);
  await context.close();
});

/** The demo page, its CSP without 'wasm-unsafe-eval'; `abort` matches URLs refused outright. */
function withoutWasmEval(abort = null) {
  const origin = new URL(demo.demo).origin;
  return {
    beforeGoto: (page) => page.route((url) => url.origin === origin, async (route) => {
      if (abort?.test(route.request().url())) return route.abort();
      if (route.request().resourceType() !== 'document') return route.continue();
      const response = await route.fetch();
      const headers = { ...response.headers() };
      headers['content-security-policy'] = headers['content-security-policy'].replace(" 'wasm-unsafe-eval'", '');
      return route.fulfill({ response, headers });
    }),
  };
}

test("under a CSP without 'wasm-unsafe-eval' the page runs on the JavaScript fallback, and the console names the directive", async () => {
  const rec = await openPage(browser, demo.demo, withoutWasmEval());
  const { page, requests, problems, console: lines, context } = rec;
  // The card entry has no JavaScript fallback: the card inputs are plain ones here.
  await page.type('#number', '6527658900001005');
  assert.equal(await page.inputValue('#number'), '6527658900001005');
  await page.fill('#number', '4111 1111 1111 1112');
  await page.fill('#expiry', '13/30');
  await page.click('#pay');
  await page.waitForFunction(() => document.getElementById('number-error').textContent !== '');
  assert.equal(await page.getAttribute('#number', 'aria-invalid'), 'true');
  assert.equal(checkoutPosts(requests).length, 0, 'the invalid card was refused on the page');
  assert.equal(requests.filter((r) => r.url.endsWith('.wasm')).length, 0, 'the .wasm is not downloaded');
  assert.equal(requests.filter((r) => r.url.endsWith('/pkg/fallback.js')).length, 1);
  // A whole payment on the fallback: the checkout posts, the OTP is taken on the page.
  await page.fill('#number', '');
  await typeCard(page, { number: '5500 6700 0000 1002', cvv: CVV });
  await page.click('#pay');
  await page.waitForSelector('#otp-dialog[open]');
  await page.fill('#otp', '123456');
  await Promise.all([page.waitForURL(/\/result\.html/), page.click('#otp-submit')]);
  await page.waitForSelector('html[data-ready=true]');
  assert.equal(await page.textContent('#headline'), 'Payment successful');
  assert.equal(await page.textContent('#signature'), 'valid');
  assert.equal(checkoutPosts(requests).length, 1);
  assert.ok(lines.some((l) => l.includes("add 'wasm-unsafe-eval' to its script-src directive") && l.includes('JavaScript fallback')), lines.join('\n'));
  assert.deepEqual(problems.filter((p) => !wasmRefusedReport.test(p)), []);
  assert.deepEqual(rec.violations.map((v) => v.directive), ['script-src'], JSON.stringify(rec.violations));
  await context.close();
});

test("when the fallback cannot load either, the page tells the shopper, and the console names the directive to add", async () => {
  const rec = await openPage(browser, demo.demo, withoutWasmEval(/\/pkg\/fallback\.js$/));
  const { page, requests, problems, context } = rec;
  assert.equal(await page.textContent('#form-status'), 'Card payments cannot load on this page. Please choose another way to pay.');
  assert.equal(await page.getAttribute('#form-status', 'data-kind'), 'wasm_blocked');
  assert.equal(await page.isDisabled('#pay'), true);
  assert.equal(await page.isDisabled('#number'), true);
  assert.deepEqual(problems.filter((p) => !/Failed to load resource/.test(p) && !wasmRefusedReport.test(p)), [
    "This page's Content-Security-Policy does not allow WebAssembly to be compiled: add 'wasm-unsafe-eval' to its script-src directive (script-src 'wasm-unsafe-eval').",
  ]);
  assert.equal(requests.filter((r) => r.url.endsWith('.wasm')).length, 0, 'the .wasm is not downloaded');
  await context.close();
});
