// The card entry, `razorpay-checkout-wasm/card` (pkg/card/, issue 12). Run
// after scripts/build-pkg.sh: `node --test tests/pkg/card.test.mjs`.
// - its size: pkg/card/card.js + everything it loads ≤ 14,000 B gzip -9;
// - no build machine path in its .wasm, no `any` in its .d.ts;
// - its module: one import, the raw ABI, a typed error before init(), and a
//   JS error table that covers every kind the card engine constructs;
// - the same results and typed errors as the main entry's card exports,
//   input by input (both are src/wasm/card.rs over src/card);
// - `tsc --strict` over a consumer importing only the card entry, from the
//   packed tarball (attw over `./card` is in package.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CARD_BUDGET_GZIP, cardEntryFiles, cardEntrySize } from '../../scripts/card-entry.mjs';
import { constructions } from '../js/rust-errors.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const pkgDir = join(root, 'pkg');

test('the card entry loads only pkg/card/ files', () => {
  const files = cardEntryFiles(pkgDir).map((f) => f.slice(pkgDir.length + 1));
  assert.equal(files[0], 'card/card.js');
  assert.ok(files.includes('card/card_bg.wasm'), files.join(', '));
  for (const f of files) assert.match(f, /^card\//, `${f}: the card entry must load nothing outside pkg/card/`);
  assert.ok(!files.some((f) => /shapes\.js|razorpay_checkout_wasm/.test(f)), `checkout code in the card entry: ${files.join(', ')}`);
});

// 18,401 B before the card-diet branch (wasm-bindgen glue + snippet + .wasm),
// 12,334 B after it (one JS file + the .wasm); with the card-field binding
// (issue 13, bindCardFields: +2,912 B) 15,246 B on 2026-12-02, over the
// 14,000 B that issues 12 and 13 set; 13,692 B after the card-size branch
// (/work/notes/card-size.md: a bump allocator, errors pushed not collected,
// one raw export, wasm-opt passes, ...).
test('the card entry is within its budget', () => {
  const size = cardEntrySize(pkgDir);
  console.log(`card entry: ${size.files.map((f) => `${f.file} ${f.gzip} B`).join(' + ')} = ${size.gzip} B gzip -9`);
  assert.ok(size.gzip <= CARD_BUDGET_GZIP, `card entry ${size.gzip} B gzip -9 > ${CARD_BUDGET_GZIP} B`);
});

test('no build machine path, panic message or fmt text in the card .wasm', () => {
  const wasm = readFileSync(join(pkgDir, 'card', 'card_bg.wasm'));
  const text = wasm.toString('latin1');
  for (const needle of ['/rustc/', '/root/', '.cargo/', 'registry/src', '/rustlib/', root, '.rs:', 'panicked', 'called `Option::unwrap()`', 'capacity overflow']) {
    assert.ok(!text.includes(needle), `card_bg.wasm contains ${JSON.stringify(needle)}`);
  }
  // The same check with `strings`, as a reviewer would run it.
  const strings = execFileSync('strings', ['-n', '6', join(pkgDir, 'card', 'card_bg.wasm')], { encoding: 'utf8' });
  assert.doesNotMatch(strings, /\/rustc\/|\.cargo|registry|\.rs\b/);
});

test('card.d.ts: the four exports and init, typed, no `any`', () => {
  const dts = readFileSync(join(pkgDir, 'card', 'card.d.ts'), 'utf8');
  assert.doesNotMatch(dts, /\bany\b/);
  for (const f of ['validateCard', 'inspectNumber', 'cardNetwork', 'parseExpiry', 'initSync']) assert.match(dts, new RegExp(`export function ${f}\\(`));
  assert.match(dts, /export default function __wbg_init/);
  assert.doesNotMatch(dts, /\bCheckout\b|parseOrderResponse|collectBrowser/);
  // The main entry's are these very declarations (its card functions are this module's).
  const index = readFileSync(join(pkgDir, 'index.d.ts'), 'utf8');
  assert.match(index, /^export \{ validateCard, inspectNumber, cardNetwork, parseExpiry \} from '\.\/card\/card\.js';$/m);
  const glue = readFileSync(join(pkgDir, 'razorpay_checkout_wasm.d.ts'), 'utf8');
  for (const f of ['validateCard', 'inspectNumber', 'cardNetwork', 'parseExpiry']) {
    assert.doesNotMatch(glue, new RegExp(`export function ${f}\\(`), `the main module declares no ${f} of its own`);
  }
});

test('the card module: one import, the raw ABI, a typed error before init(), only `memory` from init()', async () => {
  const bytes = readFileSync(join(pkgDir, 'card', 'card_bg.wasm'));
  const module = new WebAssembly.Module(bytes);
  // Unicode's Alphabetic property from the browser, and nothing else (no wasm-bindgen).
  assert.deepEqual(WebAssembly.Module.imports(module), [{ module: 'u', name: 'a', kind: 'function' }]);
  // (One export, `v`, for validateCard and, by flag, parseExpiry, inspectNumber
  // and editField, the card fields' edits of bindCardFields; cardNetwork is
  // inspectNumber's.)
  assert.deepEqual(WebAssembly.Module.exports(module).map((e) => e.name).sort(), ['a', 'f', 'memory', 'v']);
  // A fresh instance of the entry (the query string makes it another module).
  const fresh = await import(`${pathToFileURL(join(pkgDir, 'card', 'card.js')).href}?before-init`);
  for (const call of [() => fresh.inspectNumber('4'), () => fresh.validateCard({}), () => fresh.cardNetwork('4'), () => fresh.parseExpiry('12/30')]) {
    assert.throws(call, (e) => e instanceof Error && e.name === 'RazorpayCheckoutError' && e.kind === 'invalid_state'
      && e.code === 'BAD_REQUEST_ERROR' && /init\(\)/.test(e.message) && e.description === e.message);
  }
  const out = fresh.initSync({ module: bytes });
  assert.deepEqual(Object.keys(out), ['memory']);
  assert.ok(out.memory instanceof WebAssembly.Memory);
  assert.equal(fresh.initSync({ module: bytes }), out, 'a second initSync is the same instance');
  assert.equal(await fresh.default(), out, 'init() after initSync() resolves to it');
  assert.equal(fresh.cardNetwork('6083'), 'RuPay');
});

// The card module's allocator (crates/card-wasm/src/lib.rs `alloc::Bump`)
// starts its heap over once nothing is live, which is after every call: a
// block one export left live (or a heap that never started over) would
// grow the memory call after call.
test('the card module frees all it allocates: its memory stops growing', async () => {
  const fresh = await import(`${pathToFileURL(join(pkgDir, 'card', 'card.js')).href}?memory`);
  const { memory } = fresh.initSync({ module: readFileSync(join(pkgDir, 'card', 'card_bg.wasm')) });
  const long = '4'.repeat(30_000);
  const round = () => {
    for (const n of ['4100 2800 0000 1007', long, 'x', '']) {
      fresh.inspectNumber(n);
      fresh.cardNetwork(n);
      fresh.validateCard({ number: n, expiry: '12/30', cvv: '123', name: `Élodie ${n}` });
      fresh.validateCard({ number: n, expiry_month: 13, expiry_year: 'x', cvv: 'a', name: 'Зоя' }, { tokenised: true, network: 'RuPay' });
      assert.throws(() => fresh.validateCard(n));
      assert.throws(() => fresh.parseExpiry(`12/${n}`, 0));
      assert.throws(() => fresh.parseExpiry(n.slice(0, 5), 'x'));
      fresh.parseExpiry('12/2030', Date.UTC(2026, 5, 15));
      fresh.editField(0, 1, n, 2, 2, '5');
      fresh.editField(1, 2, n, 0, n.length, '12/2030');
    }
  };
  round();
  const size = memory.buffer.byteLength;
  for (let i = 0; i < 300; i++) round();
  assert.equal(memory.buffer.byteLength, size, 'the memory grew after the first round');
});

// The card entry's JS fills an error's code, reason, source and step from
// its DEFAULTS table, which holds only the kinds the card engine gives
// (src/wire.rs CARD_KINDS; a native test pins the rows to ErrorKind's).
test('the card engine constructs only the error kinds of the card entry\'s table', () => {
  const js = readFileSync(join(root, 'crates', 'card-wasm', 'card.js'), 'utf8');
  const table = js.split('/* DEFAULTS */')[1].split('`')[1].trim().split('\n').map((row) => row.split(' ')[0]);
  // Every source file the card entry links that constructs errors (rust-errors.mjs's reader).
  const card = constructions().filter((c) => /^src\/(card\/|value\.rs|wire\.rs|error\.rs|json\.rs)/.test(c.site));
  assert.ok(card.length > 30, `the source read found only ${card.length} constructions`);
  for (const c of card) assert.ok(table.includes(c.kind), `${c.site}: kind ${c.kind} is not in crates/card-wasm/card.js's DEFAULTS`);
  // And the table is not wider than needed: every row is a kind the engine gives, or a validation kind.
  assert.deepEqual(table.slice(-1), ['invalid_state']);
});

/** Each export's answer (a result, or the thrown error's fields) as JSON text. */
function answer(fn, ...args) {
  try {
    return JSON.stringify({ ok: fn(...args) });
  } catch (e) {
    return JSON.stringify({ threw: { name: e?.name, message: e?.message, ...e } });
  }
}

const UNICODE_NAMES = ['गौरव कुमार', 'Зоя Ким', '王小明', 'محمد علي', 'Ngô Bảo Châu', 'Ａｂ', 'A😀', 'A\u0301', '\u0301', 'A ½', 'ǅ ⅷ',
  'A\u200dB', 'Ⓐ', 'A\uFFFDB', 'ᾼ', 'Ǆ', 'ஶ்ரீ', 'ক্ষ', '𐐀𐐁', 'A\u0345', 'Ⅻ'];

test('a name beyond ASCII: the browser entries (the RegExp\'s Alphabetic) and the server kit (Rust\'s table) agree', async () => {
  const card = await import(pathToFileURL(join(pkgDir, 'card', 'card.js')).href);
  const main = await mainEntry();
  const { prepareOrder } = await import(pathToFileURL(join(pkgDir, 'server.js')).href);
  card.initSync({ module: readFileSync(join(pkgDir, 'card', 'card_bg.wasm')) });
  const now = Date.UTC(2026, 11, 2, 12);
  const verdicts = { valid: 0, refused: 0 };
  for (const name of UNICODE_NAMES) {
    const card0 = { name, number: '4100280000001007', cvv: '837', expiry_month: '12', expiry_year: '30' };
    const body = {
      amount: 100, currency: 'INR', receipt: 'cart_AAAAAAAAAAAAAA',
      payment: {
        amount: 100, email: 'gaurav.kumar@example.com', contact: '9000090000', method: 'card', card: card0,
        authentication: { authentication_channel: 'browser' },
        browser: { java_enabled: false, javascript_enabled: true, timezone_offset: -330, color_depth: 24, screen_width: 1280, screen_height: 800 },
        referer: 'http://127.0.0.1:3000/',
      },
    };
    const server = prepareOrder(body, { ip: '127.0.0.1', callbackUrl: 'http://127.0.0.1:3000/cb', now, price: { amount: 100, currency: 'INR' } });
    const serverRefuses = !server.ok && [server.body.error, ...(server.body.error.metadata?.errors ?? [])]
      .some((e) => e.field === 'payment.card.name');
    assert.ok(server.ok || serverRefuses, `${JSON.stringify(name)}: the server refused something else: ${JSON.stringify(server.body)}`);
    for (const [entry, m] of [['card entry', card], ['main entry', main]]) {
      const v = m.validateCard(card0, { now });
      const refuses = v.errors.some((e) => e.field === 'name');
      assert.equal(refuses, serverRefuses, `${JSON.stringify(name)}: the ${entry} ${refuses ? 'refuses' : 'takes'} it, the server kit ${serverRefuses ? 'refuses' : 'takes'} it`);
    }
    verdicts[serverRefuses ? 'refused' : 'valid']++;
  }
  // Both verdicts occur, so the check can fail either way.
  assert.ok(verdicts.valid >= 5 && verdicts.refused >= 5, JSON.stringify(verdicts));
});

/**
 * The main entry, index.js, started with both modules: its card functions
 * are the card entry's, behind its init() guard.
 */
async function mainEntry() {
  const main = await import(pathToFileURL(join(pkgDir, 'index.js')).href);
  main.initSync({
    module: readFileSync(join(pkgDir, 'razorpay_checkout_wasm_bg.wasm')),
    card: readFileSync(join(pkgDir, 'card', 'card_bg.wasm')),
  });
  return main;
}

// (Until 2026-12-06 the main module had card exports of its own, through
// wasm-bindgen, and this compared the two engines. There is one now: this
// checks the main entry hands every argument, result and throw of the card
// entry's functions through unchanged; the answers themselves are pinned by
// src/wire.rs's native tests and tests/e2e/card-entry.test.mjs.)
test('the card entry answers exactly as the main entry, input by input', async () => {
  const card = await import(pathToFileURL(join(pkgDir, 'card', 'card.js')).href);
  const main = await mainEntry();
  card.initSync({ module: readFileSync(join(pkgDir, 'card', 'card_bg.wasm')) });
  const now = Date.UTC(2026, 5, 15);
  // (Every network: the card entry sends a network as one character, `0` + its index.)
  const numbers = ['', '4', '41', '4100 2800 0000 1007', '4100280000001008', '6521', '6083 2600 0000 0006', '3402 560004 01007',
    '6011 1111 1111 1117', '3530 1113 3330 0000', '6200 0000 0000 0005', '6759 6498 2643 8453', '2030 4000 0000 0000', '9999 9999 9999 9995', '5105105105105100',
    '5555-5555-5555-4444', '36227206271667', 'abcd', '4111 1111 1111 1111 1111', null, undefined, 4111, {}, [], true];
  const cards = [
    { number: '4100 2800 0000 1007', expiry: '12/30', cvv: '123', name: 'Gaurav Kumar' },
    { number: '4100280000001007', expiry_month: 12, expiry_year: 2030, cvv: '123', name: 'A B' },
    { number: '4100280000001008', expiry: '13/20', cvv: '12', name: '1' },
    { number: '', expiry: '', cvv: '', name: '' },
    { number: 4100280000001007, expiry_month: 1.5, expiry_year: 'x', cvv: 123, name: {} },
    { number: '3402 560004 01007', expiry: '01/26', cvv: '1234', name: 'Élodie Ñúñez' },
    { number: '6083260000000006', expiry: '06/2026', name: 'R K' },
    { number: '4100280000001007', expiry: '12/99', cvv: '123', name: 'A B' },
    { number: '4100280000001007', expiry: '12/2099', cvv: '123', name: 'A B' },
    {}, null, undefined, 'not a card', 42, [], ['4100280000001007'],
  ];
  for (const number of numbers.slice(8, 15)) cards.push({ number, expiry: '12/30', cvv: '123', name: 'A B' }, { number, expiry: '12/30', cvv: '1234' });
  // Names beyond ASCII: both browser entries ask the browser's RegExp for
  // Unicode's Alphabetic property (feature platform-unicode); the server kit
  // (checked against them below) has Rust's table.
  for (const name of UNICODE_NAMES) {
    cards.push({ number: '4100280000001007', expiry: '12/30', cvv: '123', name });
  }
  const options = [undefined, null, {}, { now }, { tokenised: true, now }, { tokenised: 'yes' }, { now: 'today' },
    { network: 'RuPay', tokenised: true, now }, { network: 'Nope' }, 'opts', [], { now: Infinity }];
  const expiries = ['12/30', '1/30', '12 / 2030', '1230', '12-30', '13/30', '00/30', '12/20', '12/99', '12/2099', '', 'ab', null, undefined, 1230];
  let compared = 0;
  const same = (name, ...args) => {
    assert.equal(answer(card[name], ...args), answer(main[name], ...args), `${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`);
    compared++;
  };
  for (const n of numbers) {
    same('inspectNumber', n);
    same('cardNetwork', n);
  }
  for (const c of cards) for (const o of options) same('validateCard', c, o);
  for (const e of expiries) for (const n of [undefined, now, now + 0.5, Infinity, NaN, -1, 'x', null]) same('parseExpiry', e, n);
  // Thrown errors are RazorpayCheckoutErrors with the typed fields.
  assert.throws(() => card.validateCard('not a card'), (e) => e.name === 'RazorpayCheckoutError' && e.kind === 'invalid_type' && e.field === 'card');
  assert.throws(() => card.parseExpiry('13/30', now), (e) => e instanceof Error && e.kind === 'invalid_month' && e.code === 'BAD_REQUEST_ERROR');
  const v = card.validateCard({ number: '4100280000001008', expiry: '12/30', cvv: '123', name: 'A B' }, { now });
  assert.equal(v.valid, false);
  assert.deepEqual(v.errors.map((e) => [e.field, e.kind]), [['number', 'failed_luhn']]);
  console.log(`${compared} calls compared`);
});

test('tsc --strict: a consumer of only the card entry compiles from the tarball', () => {
  const work = join(root, 'build', 'pkg-card-consumer');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
  const [packed] = JSON.parse(npm(['pack', pkgDir, '--pack-destination', work, '--json'], work));
  assert.ok(packed.files.some((f) => f.path === 'card/card_bg.wasm'), 'the tarball ships card/');
  const app = join(work, 'card-app');
  cpSync(join(here, 'card-app'), app, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
  manifest.dependencies = { 'razorpay-checkout-wasm': `file:../${packed.filename}` };
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  npm(['install', '--offline', '--ignore-scripts', '--no-package-lock'], app);
  const tsc = (project) => execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: app, encoding: 'utf8' });
  tsc(join(app, 'tsconfig.json'));
  // The mistakes file must fail, each line by itself (as the main entry's types.ts).
  const bad = join(app, 'tsconfig.bad.json');
  assert.throws(() => tsc(bad), (e) => {
    const out = `${e.stdout}`;
    const errors = out.split('\n').filter((l) => /error TS/.test(l));
    assert.equal(errors.length, 6, out);
    return true;
  });
});
