// The result page shows the backend's verdict, never its own URL's: a
// hand-made link with signature_valid=true and an attacker's error text
// shows no success and none of that text (issue 11, finding 13).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, openPage, typeCard } from './harness.mjs';

let demo;
let browser;

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  demo?.stop();
});

test('a hand-made result link with signature_valid=true shows no success and no text from the link', async () => {
  const bait = 'Call +91 00000 00000 for your refund';
  const links = [
    `result.html?payment_id=pay_AAAAAAAAAAAAAA&order_id=order_AAAAAAAAAAAAAA&signature_valid=true`,
    `result.html?${new URLSearchParams({ error_code: 'BAD_REQUEST_ERROR', error_description: bait, error_reason: bait })}`,
    `result.html?${new URLSearchParams({ payment_id: 'pay_AAAAAAAAAAAAAA', error_description: bait })}`,
  ];
  for (const link of links) {
    const { page, context } = await openPage(browser, `${demo.demo}${link}`);
    const text = await page.textContent('main');
    assert.notEqual(await page.textContent('#headline'), 'Payment successful', link);
    assert.ok(!text.includes('successful') && !text.includes(bait), `${link}: ${text}`);
    await context.close();
  }
});

// Late authorisation (the sandbox's card 4000 0000 0000 0515): the bank does
// not answer at Approve, the callback carries an error and no signature, and
// the authorisation arrives later with its webhooks. The result page says the
// payment is being confirmed, then shows success by itself once the backend
// fulfilled the order from the late webhook.
test('a late authorisation shows "Payment received", then success without a reload by the shopper', async () => {
  const late = await startDemo({ SANDBOX_LATE_AUTH_MS: '2000' });
  try {
    const { page, context, problems } = await openPage(browser, late.demo);
    await page.click('input[name=auth][value=redirect]');
    await typeCard(page, { number: '4000 0000 0000 0515', cvv: '123' });
    await Promise.all([page.waitForURL(/\/authorize\?auth=\w+$/), page.click('#pay')]);
    await page.click('button[value=approve]');
    await Promise.all([page.waitForURL(/\/result\.html/), page.click('text=Continue to the merchant')]);
    await page.waitForSelector('html[data-ready=true]');
    assert.equal(await page.textContent('#headline'), 'Payment received');
    assert.equal(await page.textContent('#payment-status'), 'created');
    await page.waitForFunction(() => document.querySelector('#headline')?.textContent === 'Payment successful', null, { timeout: 20000 });
    await page.waitForSelector('html[data-ready=true]');
    assert.equal(await page.textContent('#payment-status'), 'captured');
    assert.equal(await page.textContent('#signature'), 'webhook');
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    late.stop();
  }
});
