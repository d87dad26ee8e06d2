// The Express example (examples/express, razorpay-checkout-wasm/server) as
// the merchant backend of the real demo page, in headless Chromium, against
// the Rust demo binary's sandbox gateway: OTP with a wrong OTP and a resend,
// the bank redirect with a card saved, that saved card without a CVV, and a
// declined card, and the sandbox's late-authorisation card (fulfilled once
// from the late webhook, the result page turning to success by itself).
// Each flow ends with assertNoLeak, as the Rust backend's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, openPage, typeCard, checkoutPosts, shots, assertNoLeak } from './harness.mjs';
import { startExpress } from '../support/express.mjs';

const CVV = '837';
let shop;
let browser;
const shot = (page, name) => page.screenshot({ path: join(shots, `express-${name}.png`), fullPage: true });

before(async () => {
  // The late-authorisation card's bank answers 2 s after the Approve (Razorpay's: minutes to days).
  shop = await startExpress({ SANDBOX_LATE_AUTH_MS: '2000' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  shop?.stop();
});

async function approveOnBankPage(page) {
  await page.click('button[value=approve]');
  await Promise.all([page.waitForURL(/\/result\.html/), page.click('text=Continue to the merchant')]);
  await page.waitForSelector('html[data-ready=true]');
}

/** The verdict the result page got from GET /api/checkout/result. */
async function verdict(rec) {
  const answer = rec.responses.find((r) => new URL(r.url).pathname === '/api/checkout/result');
  assert.ok(answer, 'the result page asked for the verdict');
  for (let i = 0; i < 50 && !answer.body; i++) await new Promise((r) => setTimeout(r, 100));
  return JSON.parse(answer.body);
}

/** Waits until the Express app logged the fulfilment of `receipt`'s order (webhook or callback, once). */
async function fulfilled(receipt) {
  for (let i = 0; i < 100; i++) {
    const lines = shop.output().split('\n').filter((l) => l.startsWith(`fulfil: ${receipt} `));
    if (lines.length) return lines;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no fulfilment of ${receipt}: ${shop.output()}`);
}

test('Express: OTP on the page, a wrong OTP, a resend, the right OTP; fulfilled once', async () => {
  const rec = await openPage(browser, shop.demo);
  const { page, problems, context } = rec;
  await typeCard(page, { number: '5500 6700 0000 1002', cvv: CVV });
  await page.click('#pay');
  await page.waitForSelector('#otp-dialog[open]');
  await page.fill('#otp', '123');
  await page.click('#otp-submit');
  await page.waitForFunction(() => document.getElementById('otp-error').textContent !== '');
  assert.match(await page.textContent('#otp-error'), /incorrect OTP/i);
  await page.click('#otp-resend');
  await page.waitForFunction(() => document.getElementById('otp-help').textContent.includes('A new OTP has been sent'));
  await page.fill('#otp', '123456');
  await Promise.all([page.waitForURL(/\/result\.html/), page.click('#otp-submit')]);
  await page.waitForSelector('html[data-ready=true]');
  assert.equal(await page.textContent('#headline'), 'Payment successful');
  assert.equal(await page.textContent('#signature'), 'valid');
  assert.equal((await verdict(rec)).signature_verified, true, 'the OTP answer\'s signature, verified by /api/verify');
  await shot(page, 'otp-success');
  assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), [], 'only the wrong OTP\'s 400');
  const { receipt } = JSON.parse(checkoutPosts(rec.requests)[0].body);
  assert.equal((await fulfilled(receipt)).length, 1, 'one fulfilment for the cart, though the callback and two webhooks could each claim it');
  await assertNoLeak(rec, { number: '5500670000001002', cvv: CVV });
  await context.close();
});

test('Express: new card saved, bank page, approve: paid, with a token', async () => {
  const rec = await openPage(browser, shop.demo);
  const { page, requests, problems, context } = rec;
  await page.click('input[name=auth][value=redirect]');
  await typeCard(page, { number: '4100 2800 0000 1007', cvv: CVV });
  await page.check('#save');
  await Promise.all([page.waitForURL(/\/authorize\?auth=\w+$/), page.click('#pay')]);
  assert.ok(page.url().startsWith(shop.gateway));
  await approveOnBankPage(page);
  assert.equal(await page.textContent('#headline'), 'Payment successful');
  assert.equal(await page.textContent('#signature'), 'valid');
  assert.match(await page.textContent('#token-id'), /^token_/);
  assert.equal((await verdict(rec)).signature_verified, true, 'the callback form\'s signature, verified');
  assert.equal(checkoutPosts(requests).length, 1);
  await shot(page, 'redirect-success');
  assert.deepEqual(problems, []);
  await assertNoLeak(rec, { number: '4100280000001007', cvv: CVV });
  await context.close();
});

test('Express: the saved card without a CVV: no cvv key is sent, paid', async () => {
  const rec = await openPage(browser, shop.demo);
  const { page, requests, problems, context } = rec;
  await page.waitForSelector('#saved-cards:not([hidden])');
  await page.click('#saved-list input[type=radio]');
  await page.click('input[name=auth][value=redirect]');
  await Promise.all([page.waitForURL(/\/authorize\?auth=\w+$/), page.click('#pay')]);
  const body = JSON.parse(checkoutPosts(requests)[0].body);
  assert.match(body.payment.token, /^token_/);
  assert.ok(!('cvv' in (body.payment.card ?? {})), 'a CVV key was sent for a saved card');
  await approveOnBankPage(page);
  assert.equal(await page.textContent('#headline'), 'Payment successful');
  assert.equal((await verdict(rec)).signature_verified, true);
  await shot(page, 'saved-card-success');
  assert.deepEqual(problems, []);
  await assertNoLeak(rec, { number: '4100280000001007', sent: false });
  await context.close();
});

test("Express: a declined card shows the gateway's error and keeps the shopper's input", async () => {
  const rec = await openPage(browser, shop.demo);
  const { page, context } = rec;
  await typeCard(page, { number: '4000 0000 0000 0002', cvv: CVV });
  await page.click('#pay');
  await page.waitForSelector('#form-status.fail');
  assert.match(await page.textContent('#form-status'), /declined/i);
  assert.equal(await page.inputValue('#number'), '4000 0000 0000 0002');
  assert.equal(await page.inputValue('#cvv'), '', 'the CVV is cleared after a failure');
  await shot(page, 'declined');
  await assertNoLeak(rec, { number: '4000000000000002', cvv: CVV });
  await context.close();
});

// Late authorisation (the sandbox's card 4000 0000 0000 0515): the callback
// form carries the bank's error and no signature; the payment is authorised
// and captured 2 s later, and its webhooks (payment.captured, order.paid) fulfil
// the order once. The result page says "Payment received", asks again while the
// verdict is pending, and shows success without the shopper reloading it.
test('Express: a late authorisation is fulfilled once from the late webhook, and the result page turns to success', async () => {
  const rec = await openPage(browser, shop.demo);
  const { page, problems, context } = rec;
  await page.click('input[name=auth][value=redirect]');
  await typeCard(page, { number: '4000 0000 0000 0515', cvv: CVV });
  await Promise.all([page.waitForURL(/\/authorize\?auth=\w+$/), page.click('#pay')]);
  const { receipt } = JSON.parse(checkoutPosts(rec.requests)[0].body);
  await approveOnBankPage(page);
  assert.equal(await page.textContent('#headline'), 'Payment received');
  assert.equal(await page.textContent('#payment-status'), 'created');
  const first = await verdict(rec);
  assert.deepEqual([first.verdict, first.signature_verified, first.fulfilled], ['pending', false, false], JSON.stringify(first));
  assert.ok(!shop.output().includes(`fulfil: ${receipt} `), 'fulfilled before the bank answered');
  await page.waitForFunction(() => document.querySelector('#headline')?.textContent === 'Payment successful', null, { timeout: 20000 });
  await page.waitForSelector('html[data-ready=true]');
  assert.equal(await page.textContent('#payment-status'), 'captured');
  assert.equal(await page.textContent('#signature'), 'webhook', 'the signed webhook, not a payment signature, confirmed it');
  // (Its body is read as it arrives: wait for the reads under way, slower over Firefox's BiDi.)
  await Promise.allSettled([...rec.pending]);
  // The last answer with a body: Express sends an ETag, and Firefox revalidates a repeated poll
  // (a 304, the page reading its cached body).
  const last = rec.responses.filter((r) => new URL(r.url).pathname === '/api/checkout/result' && r.status === 200).at(-1);
  assert.deepEqual((({ verdict: v, signature_verified: s, fulfilled: f }) => [v, s, f])(JSON.parse(last.body)), ['paid', false, true], last.body);
  // payment.captured and order.paid both arrived (a second claim would log a second line).
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal((await fulfilled(receipt)).length, 1, shop.output());
  await shot(page, 'late-authorisation');
  assert.deepEqual(problems, []);
  await assertNoLeak(rec, { number: '4000000000000515', cvv: CVV });
  await context.close();
});
