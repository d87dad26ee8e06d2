// The demo's card form in real headless Chromium (Debian's, via
// playwright-core): live formatting, network badge, errors only when a field
// is really wrong, and the release package loading under a strict CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../../scripts/static-server.mjs';

let server, browser, base;
const shots = new URL('../../build/screenshots/', import.meta.url);

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startStaticServer(0);
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => { await browser?.close(); server?.close(); });

async function openForm() {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(base);
  await page.waitForSelector('html[data-ready=true]');
  return { page, problems };
}

test('typing a card formats it, names the network, and never flags a valid prefix', async () => {
  const { page, problems } = await openForm();
  await page.click('#number');
  for (const ch of '6527658900001005') {
    await page.keyboard.type(ch);
    assert.notEqual(await page.getAttribute('#number', 'aria-invalid'), 'true', 'flagged while typing');
  }
  assert.equal(await page.inputValue('#number'), '6527 6589 0000 1005');
  assert.equal(await page.textContent('#network'), 'RuPay');
  await page.fill('#expiry', '12/30');
  await page.fill('#cvv', '123');
  await page.fill('#name', 'Gaurav Kumar');
  await page.click('#pay');
  assert.match(await page.textContent('#form-status'), /RuPay card ending 1005 is valid/);
  await page.screenshot({ path: new URL('card-form-valid.png', shots).pathname, fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('Amex groups 4-6-5; a wrong number, a past expiry and a short CVV are shown inline', async () => {
  const { page, problems } = await openForm();
  await page.type('#number', '340256000401007');
  assert.equal(await page.inputValue('#number'), '3402 560004 01007');
  assert.equal(await page.textContent('#network'), 'American Express');
  await page.fill('#number', '');
  await page.type('#number', '4100280000001008');
  await page.fill('#expiry', '01/20');
  await page.fill('#cvv', '12');
  await page.click('#pay');
  assert.equal(await page.getAttribute('#number', 'aria-invalid'), 'true');
  assert.equal(await page.textContent('#number-error'), 'The number is invalid');
  assert.equal(await page.textContent('#expiry-error'), 'The card has expired');
  assert.equal(await page.textContent('#cvv-error'), 'The cvv must be 3 digits');
  assert.equal(await page.textContent('#name-error'), 'The name is required');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'number');
  await page.screenshot({ path: new URL('card-form-errors.png', shots).pathname, fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});
