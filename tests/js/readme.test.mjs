// The README's "Using it in a page" example, run against the release
// package as written (its import line swapped for the package in pkg/), and
// what its comments promise checked: the README cannot drift from the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const pkg = new URL('pkg/', root);
// (The package's browser entry: its card functions are the card entry's module.)
const mod = await import(new URL('index.js', pkg));
mod.initSync({
  module: readFileSync(new URL('razorpay_checkout_wasm_bg.wasm', pkg)),
  card: readFileSync(new URL('card/card_bg.wasm', pkg)),
});

const readme = readFileSync(new URL('README.md', root), 'utf8');
const section = readme.slice(readme.indexOf('## Using it in a page'));
const block = section.match(/```js\n([\s\S]*?)```/)?.[1] ?? '';

test('the README example runs as written and gives what its comments say', async () => {
  assert.match(block, /^import init, \{ validateCard, inspectNumber \} from 'razorpay-checkout-wasm';$/m);
  // Each expression statement's value is collected, in order.
  const body = block
    .split('\n')
    .filter((line) => !line.startsWith('import ') && line.trim() !== 'await init();')
    .map((line) => (/^(inspectNumber|validateCard)\(/.test(line) ? `results.push(${line.replace(/;\s*(\/\/.*)?$/, '')});` : line))
    .join('\n');
  const results = [];
  const run = new Function('validateCard', 'inspectNumber', 'results', `${body}\nreturn v;`);
  const v = run(mod.validateCard, mod.inspectNumber, results);

  assert.deepEqual(results[0], { network: 'RuPay', state: 'incomplete', formatted: '6527 65', lengths: [16], cvv_length: 3 });
  assert.match(block, /\/\/ \{ network: 'RuPay', state: 'incomplete', formatted: '6527 65', lengths: \[16\], cvv_length: 3 \}/);

  assert.equal(v.valid, true);
  assert.equal(v.network, 'Visa');
  assert.equal(v.last4, '1007');
  assert.deepEqual(v.card, { name: 'Gaurav Kumar', number: '4100280000001007', cvv: '123', expiry_month: '12', expiry_year: '30' });
  assert.match(block, /v\.valid === true, v\.network === 'Visa', v\.last4 === '1007'/);

  assert.deepEqual(results[1], {}, 'a saved card with a blank CVV: no cvv key at all');
  assert.match(block, /\.card;\s+\/\/ \{\} — no cvv key at all/);
  assert.equal(results[2], 'The cvv must be between 3 and 4 digits');
  assert.match(block, /\/\/ 'The cvv must be between 3 and 4 digits'/);
});

// The README's "Messages in the shopper's language" example, run as written
// against pkg/ (its imports swapped for the package's files): each line
// commented `// '…'` gives exactly that.
test("the README's messages example runs as written and gives what its comments say", async () => {
  const messages = await import(new URL('messages.js', pkg));
  const part = readme.slice(readme.indexOf("## Messages in the shopper's language"));
  const example = part.match(/```js\n([\s\S]*?)```/)?.[1] ?? '';
  assert.match(example, /^import \{ loadMessages, messageFor, progressMessage, formatAmount \} from 'razorpay-checkout-wasm\/messages';$/m);
  assert.match(example, /overrides:/, 'it shows an override');
  assert.match(example, /locale: 'hi'/, 'it shows choosing a locale');
  const checks = [];
  const body = example
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .map((line) => {
      const m = line.match(/^([^/].*?);\s*\/\/ '(.*)'$/);
      if (!m || /^(const|let) /.test(m[1])) return line;
      checks.push(m[2]);
      return `results.push(${m[1]});`;
    })
    .join('\n');
  assert.ok(checks.length >= 5, `${checks.length} checked lines`);
  const AsyncFunction = (async () => {}).constructor;
  const results = [];
  await new AsyncFunction('validateCard', 'loadMessages', 'messageFor', 'progressMessage', 'formatAmount', 'results', body)(
    mod.validateCard, messages.loadMessages, messages.messageFor, messages.progressMessage, messages.formatAmount, results,
  );
  assert.deepEqual(results, checks);
  // The npm README (pkg/README.md) shows the same example.
  assert.ok(readFileSync(new URL('README.md', pkg), 'utf8').includes(example));
});
