// bindCardFields (issue 13), the card entry's binding of the merchant's own
// inputs, in headless Chromium, on a desktop and on a touch phone (Chromium's
// mobile emulation, playwright-core's "Pixel 7"):
// 1. the README's edit table, every row, with real key presses, a real
//    clipboard paste (Ctrl+V), a real IME composition (CDP
//    Input.imeSetComposition + insertText: compositionstart, beforeinput
//    insertCompositionText, compositionend) and autofill as Chromium does it
//    (the value set, `input` and `change` events, no key events);
// 2. autofill of the whole form at once, validated; errors only on blur or
//    submit; the one live region says the network once and an error;
//    aria-invalid / aria-describedby; no focus move unless opted in;
//    a saved card's optional CVV; destroy() leaves the inputs as they were;
//    no CSP violation under the strict CSP; the card module's memory holds
//    no card number after typing one;
// 3. the module imports in Node (server-side rendering) without a DOM;
// 4. axe-core finds no violation on the demo page, which uses the binding.
// The test page is served from 127.0.0.1 by a static server of pkg/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { devices } from 'playwright-core';
import { launchBrowser, startDemo } from './harness.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// ($LEAK_PKG_DIR: a package built with `insecure-no-wipe`, where the memory scan must find the card.)
const pkgDir = resolve(root, process.env.LEAK_PKG_DIR ?? 'pkg');
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
// The demo's own policy, minus connect-src's origin list: no inline script or style.
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; "
  + "require-trusted-types-for 'script'; trusted-types 'none'";
const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>card fields</title>
<form id="a"><label for="number">Card number</label><input id="number">
<label for="expiry">Expiry</label><input id="expiry">
<label for="cvv">CVV</label><input id="cvv">
<label for="name">Name</label><input id="name" autocomplete="name">
<p id="number-error"></p><p id="live"></p></form>
<form id="b"><label for="number2">Card number</label><input id="number2">
<label for="month">Month</label><input id="month"><label for="year">Year</label><input id="year">
<label for="cvv2">CVV</label><input id="cvv2"></form>
<script type="module" src="/page.js"></script></html>`;
// The page's script: binds both forms, and records what tests read.
const SCRIPT = `
import init, { bindCardFields } from '/pkg/card/card.js';
const $ = (id) => document.getElementById(id);
window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective));
await init();
window.said = [];
new MutationObserver(() => { if ($('live').textContent) window.said.push($('live').textContent); })
  .observe($('live'), { childList: true, characterData: true, subtree: true });
window.states = [];
window.bind = bindCardFields;
window.a = bindCardFields({ number: $('number'), expiry: $('expiry'), cvv: $('cvv'), name: $('name'),
  errors: { number: $('number-error') }, live: $('live'), onChange: (s) => window.states.push(s) });
window.b = bindCardFields({ number: $('number2'), month: $('month'), year: $('year'), cvv: $('cvv2') });
document.documentElement.dataset.ready = 'true';
`;

/** The README's edit table: [{ field, before, action, after }]. */
function editTable() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const table = readme.split('<!-- edit-table -->')[1].split('<!-- /edit-table -->')[0];
  const code = (cell) => cell.trim().replace(/^`|`$/g, '').replaceAll('\\u00a0', '\u00a0');
  return table.split('\n').filter((l) => l.startsWith('| ') && l.includes(' | `')).map((line) => {
    const [field, before, action, after] = line.replace(/^\| | \|$/g, '').split(' | ');
    const [verb, ...rest] = action.trim().split(' ');
    return { line, field: field.trim(), before: code(before), verb, text: code(rest.join(' ')), after: code(after) };
  });
}

/** `4111 1‸111` / `[4111] 1111` → { value, start, end } (UTF-16 offsets). */
function parseState(cell) {
  let value = '';
  let start;
  let end;
  for (const c of cell) {
    if (c === '‸') { start = value.length; end = value.length; } else if (c === '[') start = value.length;
    else if (c === ']') end = value.length;
    else value += c;
  }
  return { value, start: start ?? value.length, end: end ?? value.length };
}
const showState = ({ value, start, end }) => (start === end
  ? `${value.slice(0, start)}‸${value.slice(start)}`
  : `${value.slice(0, start)}[${value.slice(start, end)}]${value.slice(end)}`);

const INPUT = { number: '#number', expiry: '#expiry', month: '#month', year: '#year', 'cvv (Visa)': '#cvv', 'cvv (Amex)': '#cvv' };
const NUMBER_FOR = { 'cvv (Visa)': '4111 1111 1111 1111', 'cvv (Amex)': '3402 560004 01007' };

let server;
let origin;
let browser;
before(async () => {
  assert.match(readFileSync(join(pkgDir, 'card', 'card.js'), 'utf8'), /bindCardFields/, 'pkg/card/ has no bindCardFields: run scripts/build-pkg.sh');
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const headers = { 'Cache-Control': 'no-store', 'Content-Security-Policy': CSP };
    if (path === '/' || path === '/page.js') {
      res.writeHead(200, { ...headers, 'Content-Type': path === '/' ? 'text/html' : 'text/javascript' });
      res.end(path === '/' ? PAGE : SCRIPT);
      return;
    }
    const file = normalize(join(pkgDir, path.replace(/^\/pkg\//, '')));
    if (path.startsWith('/pkg/') && file.startsWith(pkgDir) && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(404, headers);
    res.end();
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  server?.close();
});

const DEVICES = { desktop: {}, 'mobile (Pixel 7)': devices['Pixel 7'] };

async function open(device = {}) {
  const context = await browser.newContext({ ...device });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${origin}/`);
  await page.waitForSelector('html[data-ready=true]');
  return { context, page, problems };
}

/** Focuses `selector` (a tap on a touch device), then sets its value and selection without events. */
async function place(page, selector, state, touch) {
  if (touch) await page.tap(selector);
  else await page.click(selector);
  await page.evaluate(({ selector, state }) => {
    const el = document.querySelector(selector);
    el.value = state.value;
    el.setSelectionRange(state.start, state.end);
  }, { selector, state });
}

async function read(page, selector) {
  return page.evaluate((s) => {
    const el = document.querySelector(s);
    return { value: el.value, start: el.selectionStart, end: el.selectionEnd };
  }, selector);
}

/** One row's action, as a shopper (or the browser) does it. */
async function act(page, cdp, selector, { verb, text }) {
  switch (verb) {
    case 'type': await page.keyboard.type(text); break;
    case 'Backspace': case 'Delete': await page.keyboard.press(verb); break;
    case 'paste':
      await page.evaluate((t) => navigator.clipboard.writeText(t), text);
      await page.keyboard.press('Control+V');
      break;
    case 'compose':
      // An Android keyboard's composition: the text composed, then committed.
      await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
      await cdp.send('Input.insertText', { text });
      break;
    case 'autofill':
      // As Chromium's autofill fills a field: the value, `input`, `change`; no key events.
      await page.evaluate(({ selector, text }) => {
        const el = document.querySelector(selector);
        el.value = text;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }, { selector, text });
      break;
    default: throw new Error(`unknown action ${verb}`);
  }
}

for (const [name, device] of Object.entries(DEVICES)) {
  test(`the README's edit table, every row, with real keys (${name})`, async () => {
    const rows = editTable();
    assert.ok(rows.length >= 30, `only ${rows.length} rows`);
    const { context, page, problems } = await open(device);
    const cdp = await context.newCDPSession(page);
    const failed = [];
    try {
      for (const row of rows) {
        const selector = INPUT[row.field];
        assert.ok(selector, `unknown field in ${row.line}`);
        const number = NUMBER_FOR[row.field];
        if (number) await page.evaluate((n) => { document.querySelector('#number').value = n; }, number);
        await place(page, selector, parseState(row.before), device.hasTouch);
        await act(page, cdp, selector, row);
        const got = showState(await read(page, selector));
        if (got !== row.after) failed.push(`${row.line}\n    got ${got}`);
        await page.evaluate(() => { for (const el of document.querySelectorAll('input')) el.value = ''; });
      }
    } finally {
      await context.close();
    }
    assert.deepEqual(failed, [], `${failed.length} of ${rows.length} rows differ`);
    assert.deepEqual(problems, []);
  });
}

test('autofill of the whole form (values set, input and change, no key events) is formatted and validated', async () => {
  const { context, page } = await open();
  try {
    const result = await page.evaluate(() => {
      const keys = [];
      for (const type of ['keydown', 'keyup', 'beforeinput']) document.addEventListener(type, () => keys.push(type), true);
      const fill = { number: '4100280000001007', expiry: '12/2030', cvv: '123', name: 'Gaurav Kumar' };
      for (const [id, value] of Object.entries(fill)) document.getElementById(id).value = value;
      for (const id of Object.keys(fill)) {
        const el = document.getElementById(id);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }
      const state = window.a.state;
      const values = Object.keys(fill).map((id) => document.getElementById(id).value);
      // An autofilled card that expired: its error shows without a blur.
      const expiry = document.getElementById('expiry');
      expiry.value = '01/2020';
      expiry.dispatchEvent(new Event('input', { bubbles: true }));
      expiry.dispatchEvent(new Event('change', { bubbles: true }));
      const error = document.getElementById(expiry.getAttribute('aria-describedby')).textContent;
      return { keys, values, state, invalid: expiry.getAttribute('aria-invalid'), expiry: expiry.value, error, card: window.a.card() };
    });
    assert.deepEqual(result.keys, []);
    assert.deepEqual(result.values, ['4100 2800 0000 1007', '12/30', '123', 'Gaurav Kumar']);
    assert.equal(result.state.valid, true, JSON.stringify(result.state.errors));
    assert.equal(result.state.complete, true);
    assert.equal(result.state.network, 'Visa');
    assert.equal(result.expiry, '01/20');
    assert.equal(result.invalid, 'true');
    assert.match(result.error, /expired/i);
    assert.deepEqual(result.card, { number: '4100 2800 0000 1007', expiry: '01/20', cvv: '123', name: 'Gaurav Kumar' });
  } finally {
    await context.close();
  }
});

test('errors show on blur and submit only; the live region says the network once, then the error', async () => {
  const { context, page, problems } = await open();
  try {
    await page.click('#number');
    const invalid = [];
    // A 16-digit Visa failing Luhn is still a valid prefix (19 digits are possible): no error while typing.
    for (const key of '4100280000001008') {
      await page.keyboard.type(key);
      invalid.push(await page.getAttribute('#number', 'aria-invalid'));
    }
    assert.deepEqual([...new Set(invalid)], ['false']);
    assert.equal(await page.textContent('#number-error'), '');
    assert.deepEqual(await page.evaluate(() => window.said), ['Visa']);
    const states = await page.evaluate(() => window.states.map((s) => [s.network, s.complete, s.valid]));
    assert.deepEqual(states.at(-1), ['Visa', false, false]);
    await page.keyboard.press('Tab');
    assert.equal(await page.getAttribute('#number', 'aria-invalid'), 'true');
    assert.ok((await page.getAttribute('#number', 'aria-describedby')).split(' ').includes('number-error'));
    const error = await page.textContent('#number-error');
    assert.ok(error, 'no error shown on blur');
    assert.deepEqual(await page.evaluate(() => window.said), ['Visa', error]);
    // The focus went where Tab sends it, and nowhere else while typing.
    assert.equal(await page.evaluate(() => document.activeElement.id), 'expiry');
    // Editing clears the error; a submit shows every error at once.
    await page.click('#number');
    await page.keyboard.press('Backspace');
    assert.equal(await page.getAttribute('#number', 'aria-invalid'), 'false');
    const check = await page.evaluate(() => {
      const s = window.a.check();
      return { valid: s.valid, fields: s.errors.map((e) => e.field), invalid: ['number', 'expiry', 'cvv', 'name'].map((id) => document.getElementById(id).getAttribute('aria-invalid')) };
    });
    assert.equal(check.valid, false);
    assert.deepEqual(check.invalid, ['true', 'true', 'true', 'true']);
    assert.ok((await page.evaluate(() => window.said.at(-1))).length > error.length, 'the submit announced every error');
    assert.deepEqual(await page.evaluate(() => window.violations), [], 'CSP violations');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('attributes the merchant left out are set, its own are kept; an error element is created when none is given', async () => {
  const { context, page } = await open();
  try {
    const attrs = await page.evaluate(() => ['number', 'expiry', 'cvv', 'name', 'month', 'year'].map((id) => {
      const el = document.getElementById(id);
      const described = document.getElementById(el.getAttribute('aria-describedby'));
      return [id, el.getAttribute('autocomplete'), el.getAttribute('inputmode'), described?.tagName ?? null];
    }));
    assert.deepEqual(attrs, [
      ['number', 'cc-number', 'numeric', 'P'],
      ['expiry', 'cc-exp', 'numeric', 'SPAN'],
      ['cvv', 'cc-csc', 'numeric', 'SPAN'],
      ['name', 'name', null, 'SPAN'],
      ['month', 'cc-exp-month', 'numeric', 'SPAN'],
      ['year', 'cc-exp-year', 'numeric', 'SPAN'],
    ]);
  } finally {
    await context.close();
  }
});

test('focus moves to the next field only when the merchant opts in', async () => {
  const { context, page } = await open();
  try {
    await page.click('#month');
    await page.keyboard.type('12');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'month');
    await page.evaluate(() => {
      window.b.destroy();
      const $ = (id) => document.getElementById(id);
      window.b = window.bind({ number: $('number2'), month: $('month'), year: $('year'), cvv: $('cvv2'), advance: true });
      $('month').value = '';
    });
    await page.click('#month');
    await page.keyboard.type('12');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'year');
  } finally {
    await context.close();
  }
});

test('a saved card: the CVV is optional, labelled so, and as long as its network says', async () => {
  const { context, page } = await open();
  try {
    await page.evaluate(() => window.a.saved({ network: 'American Express' }));
    assert.equal(await page.textContent('label[for=cvv]'), 'CVV (optional)');
    assert.deepEqual(await page.evaluate(() => { const s = window.a.state; return [s.valid, s.complete, s.network]; }), [true, true, 'American Express']);
    await page.click('#cvv');
    await page.keyboard.type('12345');
    assert.equal(await page.inputValue('#cvv'), '1234');
    assert.deepEqual(await page.evaluate(() => window.a.card()), { cvv: '1234' });
    await page.evaluate(() => window.a.saved(null));
    assert.equal(await page.textContent('label[for=cvv]'), 'CVV');
  } finally {
    await context.close();
  }
});

test('destroy() removes every listener, attribute and element the binding added', async () => {
  const { context, page } = await open();
  try {
    const html = await page.evaluate(() => {
      const $ = (id) => document.getElementById(id);
      window.b.destroy();
      const before = $('b').outerHTML;
      const c = window.bind({ number: $('number2'), month: $('month'), year: $('year'), cvv: $('cvv2'), name: $('number2') });
      const during = $('b').outerHTML;
      c.saved({ network: 'Visa' });
      c.destroy();
      window.a.destroy();
      return { before, during, after: $('b').outerHTML, left: document.querySelectorAll('[id^=rzp-card], [aria-invalid], .rzp-live').length };
    });
    assert.notEqual(html.during, html.before);
    assert.equal(html.after, html.before);
    assert.equal(html.left, 0);
    await page.click('#number');
    await page.keyboard.type('41a');
    assert.equal(await page.inputValue('#number'), '41a');
    await page.keyboard.press('Tab');
    assert.equal(await page.getAttribute('#number', 'aria-invalid'), null);
  } finally {
    await context.close();
  }
});

test('after typing a card through the binding, the card module memory holds no card number', async () => {
  const { context, page } = await open();
  try {
    await page.click('#number');
    await page.keyboard.type('6527658900001005');
    await page.click('#cvv');
    await page.keyboard.type('472');
    const hits = await page.evaluate(async () => {
      const w = await (await import('/pkg/card/card.js')).default();
      const mem = new Uint8Array(w.memory.buffer);
      const count = (text) => {
        const needle = new TextEncoder().encode(text);
        let n = 0;
        outer: for (let i = mem.indexOf(needle[0]); i !== -1 && i <= mem.length - needle.length; i = mem.indexOf(needle[0], i + 1)) {
          for (let j = 1; j < needle.length; j++) if (mem[i + j] !== needle[j]) continue outer;
          n++;
        }
        return n;
      };
      return { digits: count('6527658900001005'), spaced: count('6527 6589 0000 1005'), prefix: count('652765890000') };
    });
    assert.deepEqual(hits, { digits: 0, spaced: 0, prefix: 0 }, 'card fields: card data left in wasm memory');
  } finally {
    await context.close();
  }
});

test('the card entry imports without a DOM (server-side rendering) and touches none until bound', async () => {
  assert.equal(typeof globalThis.document, 'undefined');
  const card = await import(pathToFileURL(join(pkgDir, 'card', 'card.js')).href);
  assert.equal(typeof card.bindCardFields, 'function');
  assert.equal(typeof card.validateCard, 'function');
});

test('axe-core finds no accessibility violation on the demo page, which binds its card inputs', async () => {
  const demo = await startDemo();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.goto(demo.demo);
    await page.waitForSelector('html[data-ready=true]');
    // The demo's inputs are bound: a letter is refused, the number grouped.
    await page.click('#number');
    await page.keyboard.type('4100a2800');
    assert.equal(await page.inputValue('#number'), '4100 2800');
    // The page's one polite live region said the network (and the badge shows it).
    assert.equal(await page.textContent('[role=status][aria-live=polite]'), 'Visa');
    assert.equal(await page.textContent('#network'), 'Visa');
    await page.keyboard.press('Tab');
    // On blur, the incomplete number's error, there and next to the field.
    const error = await page.textContent('#number-error');
    assert.ok(error);
    assert.equal(await page.textContent('[role=status][aria-live=polite]'), error);
    // (Through CDP, so the page's CSP does not apply to the scanner.)
    await page.evaluate(readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const violations = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    assert.deepEqual(violations, []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    demo.stop();
  }
});
