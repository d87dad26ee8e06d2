// The demo in the shopper's language (razorpay-checkout-wasm/messages), in
// headless Chromium against the backend and sandbox: Hindi by ?lang=hi,
// Tamil chosen from the page's language menu, Malay from the browser's
// languages. An invalid card shows each field's message in that language
// next to the field and in the live region (#form-status, role=status);
// only the chosen locale's module is fetched. Screenshots in
// build/screenshots/invalid-card-<code>.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDemo, launchBrowser, typeCard, checkoutPosts, shots, assertNoLeak, openPage } from './harness.mjs';

const pkg = new URL('../../pkg/', import.meta.url);
const messages = {};
for (const code of ['en', 'hi', 'ta', 'ms']) messages[code] = (await import(new URL(`locales/${code}.js`, pkg))).default;

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

const BAD = { number: '4100280000001008', expiry: '01/20', cvv: '83', name: '' };

/** Pays with BAD and checks every message of `code` next to its field and in the live region. */
async function invalidCardIn(rec, code) {
  const { page, requests } = rec;
  const m = messages[code];
  assert.equal(await page.getAttribute('html', 'lang'), code);
  assert.equal(await page.inputValue('#lang'), code);
  await page.click('input[name=auth][value=redirect]');
  await typeCard(page, BAD);
  await page.click('#pay');
  const expected = { number: 'number.failed_luhn', expiry: 'expiry_year.expired', cvv: 'cvv.invalid_length', name: 'name.required' };
  for (const [field, key] of Object.entries(expected)) {
    assert.equal(await page.getAttribute(`#${field}`, 'aria-invalid'), 'true', field);
    assert.equal(await page.textContent(`#${field}-error`), m[key], `${code}: next to ${field}`);
    assert.notEqual(m[key], messages.en[key], `${code} ${key} is not English`);
  }
  const live = page.locator('[role=status][aria-live=polite]');
  assert.equal(await live.count(), 1);
  assert.equal(await live.textContent(), `${m['ui.fix_fields']} ${m['number.failed_luhn']}`, `${code}: the live region`);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'number');
  assert.equal(checkoutPosts(requests).length, 0);
  await page.screenshot({ path: join(shots, `invalid-card-${code}.png`), fullPage: true });
}

/** The locale modules the page fetched. */
const localeFetches = (requests) =>
  requests.map((r) => new URL(r.url).pathname).filter((p) => p.startsWith('/pkg/locales/'));

test('?lang=hi: an invalid card shows Hindi next to each field and in the live region; only hi.js is fetched', async () => {
  const rec = await openPage(browser, `${demo.demo}?lang=hi`);
  const { page, problems, context } = rec;
  // Amounts with Intl for hi-IN, the button in Hindi.
  assert.equal(await page.textContent('#amount'), '₹1.00');
  assert.equal(await page.textContent('#pay'), messages.hi['ui.pay'].replace('{amount}', '₹1.00'));
  await invalidCardIn(rec, 'hi');
  assert.deepEqual(localeFetches(rec.requests), ['/pkg/locales/hi.js']);
  assert.deepEqual(problems, []);
  await assertNoLeak(rec, { number: BAD.number, cvv: BAD.cvv, sent: false });
  await context.close();
});

test('Tamil chosen from the language menu (the page reloads in it, same cart): an invalid card shows Tamil', async () => {
  const rec = await openPage(browser, `${demo.demo}?lang=hi`);
  const { page, problems, context } = rec;
  const cart = new URL(page.url()).searchParams.get('cart');
  assert.match(cart, /^cart_/);
  await Promise.all([page.waitForURL(/lang=ta/), page.selectOption('#lang', 'ta')]);
  await page.waitForSelector('html[data-ready=true]');
  assert.equal(new URL(page.url()).searchParams.get('cart'), cart, 'the same cart');
  await invalidCardIn(rec, 'ta');
  assert.deepEqual(problems, []);
  await assertNoLeak(rec, { number: BAD.number, cvv: BAD.cvv, sent: false });
  await context.close();
});

test('no ?lang: the browser languages choose (ms-MY → Malay); an unknown ?lang falls back the same way', async () => {
  for (const url of [demo.demo, `${demo.demo}?lang=fr`]) {
    const context = await browser.newContext({ locale: 'ms-MY' });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('html[data-ready=true]');
    assert.equal(await page.getAttribute('html', 'lang'), 'ms', url);
    await page.fill('#cvv', '12');
    await page.locator('#cvv').blur();
    assert.equal(await page.textContent('#cvv-error'), messages.ms['cvv.invalid_length']);
    await context.close();
  }
});
