// The result page shows the backend's verdict, never its own URL's: a
// hand-made link with signature_valid=true and an attacker's error text
// shows no success and none of that text (issue 11, finding 13).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, openPage } from './harness.mjs';

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
