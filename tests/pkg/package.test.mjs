// The npm package as merchants get it. Run after scripts/build-pkg.sh:
//   node --test tests/pkg/
// 1. `npm pack pkg/` into build/pkg-consumer/; version and contents checked;
// 2. `attw` (are the types wrong) on the tarball;
// 3. the tarball installed (a file: dependency, offline) into four fresh
//    projects copied from tests/pkg/: a Vite app, a webpack 5 app, a plain
//    page with no bundler, a Node server script;
// 4. `tsc --strict` over the consumers (every export used, and each
//    `@ts-expect-error` mistake proven to fail on its own) and over the
//    README's examples as shipped;
// 5. `vite build`, then both pages served on 127.0.0.1 under the narrowest
//    CSP (strictCsp: default-src 'none', Trusted Types enforced) and run in
//    headless Chromium (and, with BROWSER=firefox, in Firefox ESR: then only
//    the tests that use a browser run, the others are the Chromium pass's): the exports' results are checked, the .wasm must come
//    with Content-Type application/wasm from beside the module, and no CSP
//    violation may be reported;
// 6. the plain page under the nonce-based and the hash-based variants, with
//    the import map's `integrity` from the package's integrity.json; a
//    tampered module or .wasm is refused; without 'wasm-unsafe-eval' (or
//    without WebAssembly) init() throws the typed `wasm_blocked` error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import webpack from 'webpack';
import { serve } from './serve.mjs';
// The browser: Chromium, or Firefox ESR with BROWSER=firefox (tests/e2e/harness.mjs).
import { launchBrowser, toolNoise, toolViolation, wasmRefusedReport, BROWSER } from '../e2e/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const pkgDir = join(root, 'pkg');
const work = join(root, 'build', 'pkg-consumer');
const bin = (name) => join(root, 'node_modules', ...name.split('/'));
const NAME = 'razorpay-checkout-wasm';

/** Runs a command; on failure the assertion message carries its output. */
function run(cmd, args, cwd, { expectFailure = false, anyStatus = false } = {}) {
  try {
    const out = execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    if (expectFailure) assert.fail(`${cmd} ${args.join(' ')} succeeded, but it must fail:\n${out}`);
    return out;
  } catch (e) {
    if (e.code === 'ERR_ASSERTION') throw e;
    if (expectFailure) return `${e.stdout ?? ''}${e.stderr ?? ''}`;
    if (anyStatus && typeof e.stdout === 'string') return e.stdout;
    assert.fail(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}
const npm = (args, cwd) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], cwd);
const tsc = (project, opts) => run(process.execPath, [bin('typescript/bin/tsc'), '-p', project], dirname(project), opts);

/** A test that uses no browser: it runs in the Chromium pass only. */
const once = BROWSER === 'firefox' ? { skip: 'uses no browser: run by the Chromium pass' } : {};

let tarball;
let packed;
let browser;
const apps = {};

before(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  [packed] = JSON.parse(npm(['pack', pkgDir, '--pack-destination', work, '--json'], work));
  tarball = join(work, packed.filename);
  for (const app of ['vite-app', 'webpack-app', 'plain', 'node-app']) {
    const dir = join(work, app);
    cpSync(join(here, app), dir, { recursive: true, filter: (src) => !/node_modules|dist/.test(src.slice(here.length)) });
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    manifest.dependencies = { [NAME]: `file:../${packed.filename}` };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    if (app === 'webpack-app') {
      mkdirSync(join(dir, 'src'));
      cpSync(join(here, 'plain', 'app.js'), join(dir, 'src', 'index.js'));
    }
    npm(['install', '--offline', '--ignore-scripts', '--no-package-lock'], dir);
    apps[app] = dir;
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('the version is Cargo.toml\'s, in the tarball, and has a CHANGELOG entry', once, () => {
  const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
  const installed = JSON.parse(readFileSync(join(apps['vite-app'], 'node_modules', NAME, 'package.json'), 'utf8'));
  assert.equal(packed.version, cargo);
  assert.equal(installed.version, cargo);
  assert.equal(packed.filename, `${NAME}-${cargo}.tgz`);
  const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
  const released = [...changelog.matchAll(/^## \[(\d[^\]]*)\] - (\d{4}-\d{2}-\d{2})$/gm)].map((m) => m[1]);
  assert.equal(released[0], cargo, 'the newest released CHANGELOG entry is the package version');
  assert.equal(readFileSync(join(apps['vite-app'], 'node_modules', NAME, 'CHANGELOG.md'), 'utf8'), changelog);
});

test('the tarball holds the package files and nothing else; the manifest is complete', once, () => {
  // wasm-bindgen names the snippet folder after the crate and a hash.
  const files = packed.files.map((f) => f.path.replace(/^(card\/)?snippets\/razorpay-checkout-wasm-[0-9a-f]+\//, '$1snippets/<crate>/')).sort();
  assert.deepEqual(files, [
    'CHANGELOG.md', 'LICENSE-APACHE', 'LICENSE-MIT', 'README.md',
    // The card entry (tests/pkg/card.test.mjs).
    'card/card.d.ts', 'card/card.js', 'card/card_bg.wasm', 'card/fallback.js', 'card/fields.d.ts', 'card/package.json',
    'fallback.js', 'index.d.ts', 'index.js', 'integrity.json',
    ...['bn', 'en', 'gu', 'hi', 'kn', 'mr', 'ms', 'ta', 'te'].flatMap((l) => [`locales/${l}.d.ts`, `locales/${l}.js`]),
    'messages.d.ts', 'messages.js', 'node.d.ts', 'node.js', 'package.json',
    'razorpay_checkout_wasm.d.ts', 'razorpay_checkout_wasm.js', 'razorpay_checkout_wasm_bg.wasm',
    // The server kit (razorpay-checkout-wasm/server), for Node backends only.
    'server.d.ts', 'server.js', 'server/server_kit.js', 'server/server_kit_bg.wasm',
    // (The glue's card.js snippet is the card entry's card.js: scripts/build-pkg.sh.)
    'snippets/<crate>/src/wasm/shapes.js', 'types.d.ts',
  ]);
  const manifest = JSON.parse(readFileSync(join(apps.plain, 'node_modules', NAME, 'package.json'), 'utf8'));
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.sideEffects, false);
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  assert.ok(manifest.description && manifest.keywords.includes('rupay') && manifest.repository.url);
  assert.deepEqual(Object.keys(manifest.exports['.']), ['types', 'default'], 'types first');
  assert.deepEqual(Object.keys(manifest.exports['./card']), ['types', 'default']);
  assert.deepEqual(Object.keys(manifest.exports['./node']), ['types', 'default']);
  assert.deepEqual(Object.keys(manifest.exports['./server']), ['types', 'default']);
  assert.deepEqual(Object.keys(manifest.exports['./messages']), ['types', 'default']);
  assert.deepEqual(Object.keys(manifest.exports['./locales/*']), ['types', 'default']);
  assert.equal(manifest.exports['.'].default, './index.js');
  assert.equal(manifest.exports['./integrity.json'], './integrity.json');
  const size = (file) => {
    const path = join(apps.plain, 'node_modules', NAME, file);
    const gz = execFileSync('gzip', ['-9', '-c', path]).length;
    return `${file} ${statSync(path).size} B (${gz} B gzip -9)`;
  };
  console.log(`tarball ${packed.filename}: ${statSync(tarball).size} B packed, ${packed.unpackedSize} B unpacked; ` +
    `${size('razorpay_checkout_wasm_bg.wasm')}; ${size('razorpay_checkout_wasm.js')}; ${size('index.js')}; ${size('fallback.js')}`);
});

test('integrity.json holds the SHA-384 of every file the browser loads, and index.js pins the .wasm\'s', once, () => {
  const dir = join(apps.plain, 'node_modules', NAME);
  const integrity = JSON.parse(readFileSync(join(dir, 'integrity.json'), 'utf8'));
  // Not the Node-only files: the node entry with the glue and snippets it imports (index.js has
  // them bundled in), and the server kit.
  const nodeOnly = (p) => ['node.js', 'server.js', 'razorpay_checkout_wasm.js'].includes(p)
    || p.startsWith('server/') || p.startsWith('snippets/');
  const browserFiles = packed.files.map((f) => f.path).filter((p) => /\.(js|wasm)$/.test(p) && !nodeOnly(p)).sort();
  assert.deepEqual(Object.keys(integrity).sort(), browserFiles);
  assert.ok(browserFiles.includes('index.js') && browserFiles.includes('razorpay_checkout_wasm_bg.wasm'), String(browserFiles));
  for (const [path, hash] of Object.entries(integrity)) {
    assert.equal(hash, `sha384-${createHash('sha384').update(readFileSync(join(dir, path))).digest('base64')}`, path);
  }
  assert.ok(readFileSync(join(dir, 'index.js'), 'utf8').includes(`"${integrity['razorpay_checkout_wasm_bg.wasm']}"`));
  // (And the card module's, which index.js's init() fetches too.)
  assert.ok(readFileSync(join(dir, 'index.js'), 'utf8').includes(`"${integrity['card/card_bg.wasm']}"`));
});

test('attw finds no problem (ESM-only profile)', once, () => {
  // `--profile esm-only` ignores exactly one finding, CJSResolvesToESM under
  // node16-cjs: the package is ES modules only (the wasm-bindgen glue needs
  // import.meta.url), so `require()` from CommonJS is not offered; node10
  // resolution is checked too and must pass.
  const report = JSON.parse(run(process.execPath, [bin('@arethetypeswrong/cli/dist/index.js'), tarball, '--format', 'json'], work, { anyStatus: true }));
  const problems = Object.values(report.problems).flat()
    .filter((p) => !(p.kind === 'CJSResolvesToESM' && p.resolutionKind === 'node16-cjs'));
  assert.deepEqual(problems, []);
  assert.deepEqual(Object.keys(report.analysis.entrypoints).sort(), ['.', './card', './integrity.json', './locales/*', './messages', './node', './package.json', './server']);
  const text = run(process.execPath, [bin('@arethetypeswrong/cli/dist/index.js'), tarball, '--profile', 'esm-only'], work);
  assert.match(text, /bundler: 🟢/);
  assert.doesNotMatch(text, /❌|💀|🐛|❗️/u);
});

test('tsc --strict: every export used correctly compiles, the README examples compile', once, () => {
  const readme = readFileSync(join(apps['vite-app'], 'node_modules', NAME, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 2, 'the README has its JS examples');
  blocks.forEach((code, i) => writeFileSync(join(apps['vite-app'], 'src', `readme-example-${i}.js`), code));
  tsc(join(apps['vite-app'], 'tsconfig.json'));
  tsc(join(apps['node-app'], 'tsconfig.json'));
  // Nothing typed `any` reaches the consumer (comments aside).
  for (const file of ['razorpay_checkout_wasm.d.ts', 'node.d.ts', 'server.d.ts', 'types.d.ts', 'messages.d.ts', 'locales/hi.d.ts']) {
    const dts = readFileSync(join(apps.plain, 'node_modules', NAME, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(dts, /\bany\b/, file);
  }
});

test('tsc --strict: each misspelt field or wrong type fails to compile, by itself', once, () => {
  const dir = join(work, 'mistakes');
  rmSync(dir, { recursive: true, force: true });
  cpSync(apps['vite-app'], dir, { recursive: true, filter: (src) => !src.includes('/src/readme-example') });
  const source = readFileSync(join(dir, 'src', 'types.ts'), 'utf8').split('\n');
  const expected = [];
  const stripped = [];
  for (const line of source) {
    if (/^\s*\/\/ @ts-expect-error/.test(line)) {
      expected.push(stripped.length + 1); // the next line, 1-based
    } else {
      stripped.push(line);
    }
  }
  assert.ok(expected.length >= 15, `${expected.length} expected errors`);
  writeFileSync(join(dir, 'src', 'types.ts'), stripped.join('\n'));
  const output = tsc(join(dir, 'tsconfig.json'), { expectFailure: true });
  const lines = [...output.matchAll(/^src\/types\.ts\((\d+),\d+\): error TS\d+/gm)].map((m) => Number(m[1]));
  assert.deepEqual([...new Set(lines)].sort((a, b) => a - b), expected, output);
  assert.doesNotMatch(output.replace(/^src\/types\.ts.*$/gm, ''), /error TS/, 'no error elsewhere');
});

/**
 * A bundler's two emitted .wasm assets, `[main, card]`, each the package's
 * file byte for byte (their names are hashed).
 */
function wasmAssets(dir, bundler) {
  const assets = readdirSync(dir).filter((f) => f.endsWith('.wasm'));
  const find = (file) => {
    const bytes = readFileSync(join(pkgDir, file));
    const found = assets.find((a) => readFileSync(join(dir, a)).equals(bytes));
    assert.ok(found, `${bundler} emitted ${file} as an asset: ${assets}`);
    return found;
  };
  assert.equal(assets.length, 2, `${bundler}: ${assets}`);
  return [find('razorpay_checkout_wasm_bg.wasm'), find('card/card_bg.wasm')];
}

/**
 * Loads `url` in a fresh page; returns what #result printed, the wasm
 * responses, the console, the CSP violations the page saw
 * (`securitypolicyviolation` events) and what #status told the shopper.
 */
async function load(url, { before: prepare } = {}) {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`);
    });
  });
  if (prepare) await page.addInitScript(prepare);
  const wasm = [];
  const scripts = [];
  const console_ = [];
  page.on('response', (r) => {
    const type = r.headers()['content-type'] ?? '';
    if (r.url().endsWith('.wasm')) wasm.push({ url: r.url(), status: r.status(), type });
    if (type.startsWith('text/javascript')) scripts.push(r.url());
  });
  page.on('console', (m) => { if (!toolNoise(m.text())) console_.push(`${m.type()}: ${m.text()}`); });
  // (Firefox also reports a refused WebAssembly compile as a page error; the violation event is checked.)
  page.on('pageerror', (e) => { if (!toolNoise(e.message) && !wasmRefusedReport.test(e.message)) console_.push(`pageerror: ${e.message}`); });
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'loading', null, { timeout: 15000 });
  const result = JSON.parse(await page.textContent('#result'));
  await page.waitForTimeout(200); // a violation's event is queued as a task
  const violations = (await page.evaluate(() => window.__violations))
    .filter((v) => !toolViolation({ directive: v.slice(0, v.indexOf(' ')), blocked: v.slice(v.indexOf(' ') + 1) }));
  const status = (await page.$('#status')) ? await page.textContent('#status') : null;
  await page.close();
  return { result, wasm, scripts, console: console_, violations, status };
}

/** Loads a page that never gets to print (a refused module): the console and the requests. */
async function loadRefused(url) {
  const page = await browser.newPage();
  const console_ = [];
  const requests = [];
  page.on('console', (m) => { if (!toolNoise(m.text())) console_.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => { if (!toolNoise(e.message)) console_.push(`pageerror: ${e.message}`); });
  page.on('requestfinished', (r) => requests.push(r.url()));
  await page.goto(url);
  await page.waitForTimeout(1000);
  const result = await page.textContent('#result');
  await page.close();
  return { result, console: console_, requests };
}

/** The checks both pages make of the same calls. */
function checkResults(got) {
  assert.equal(got.ok, true, JSON.stringify(got));
  const r = got.result;
  assert.deepEqual(r.rupay, {
    valid: true, network: 'RuPay', last4: '1005', errors: [],
    card: { name: 'Gaurav Kumar', number: '6527658900001005', cvv: '123', expiry_month: '12', expiry_year: '30' },
  });
  assert.equal(r.invalid.valid, false);
  assert.equal(r.invalid.card, null);
  const byField = Object.fromEntries(r.invalid.errors.map((e) => [e.field, e.kind]));
  assert.equal(byField.number, 'failed_luhn');
  assert.equal(byField.expiry_month, 'invalid_month');
  assert.equal(byField.cvv, 'invalid_length');
  for (const e of r.invalid.errors) assert.equal(e.code, 'BAD_REQUEST_ERROR');
  assert.deepEqual(r.inspection, { network: 'RuPay', state: 'complete', formatted: '6527 6589 0000 1005', lengths: [16], cvv_length: 3 });
  assert.deepEqual(r.partial, { network: 'American Express', state: 'incomplete', formatted: '3402 56', lengths: [15], cvv_length: 4 });
  assert.equal(r.network, 'RuPay');
  assert.deepEqual(r.expiry, { expiry_month: '12', expiry_year: '30' });
  assert.deepEqual(r.expiryError, { name: 'RazorpayCheckoutError', kind: 'expired', code: 'BAD_REQUEST_ERROR', isError: true });
  assert.equal(r.browser.javascript_enabled, true);
  assert.ok(r.browser.screen_width > 0 && [1, 4, 8, 15, 16, 24, 32, 48].includes(r.browser.color_depth), JSON.stringify(r.browser));
  assert.ok(r.rejection, 'pay() rejected the invalid card before posting');
  assert.ok(r.rejection.fields.includes('payment.card.number') && r.rejection.fields.includes('payment.card.expiry'), JSON.stringify(r.rejection));
  // A new checkout is idle; a validation rejection fails it (a corrected card may pay again).
  assert.equal(r.stateBefore, 'idle');
  assert.equal(r.state, 'failed');
}

/**
 * The narrowest policy the package works under: the README's, as shipped
 * (its "Content-Security-Policy" section), for this server's origin and
 * where the .wasm is served. Nothing by default; scripts from `scriptSrc`
 * (the README's `'self' 'wasm-unsafe-eval'`, or a nonce's or hashes'
 * variant); connections only to the .wasm and the merchant endpoint
 * ('/api/checkout' and its /otp/… paths); forms only to the gateway; no base
 * URL or framing; Trusted Types enforced with no policy allowed (or the
 * page's own, `trustedTypes`). No style-src: the package sets no styles.
 */
function strictCsp(origin, scriptSrc, wasmPath, trustedTypes = "'none'", cardWasmPath = wasmPath.replace(/razorpay_checkout_wasm_bg\.wasm$/, 'card/card_bg.wasm')) {
  const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
  const block = readme.slice(readme.indexOf('## Content-Security-Policy')).match(/```\n([\s\S]*?)```/)[1];
  const directives = block.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]);
  const policy = Object.fromEntries(directives.map(([name, ...sources]) => [name, sources.join(' ')]));
  assert.equal(policy['script-src'], "'self' 'wasm-unsafe-eval'");
  assert.equal(policy['trusted-types'], "'none'");
  policy['script-src'] = scriptSrc;
  policy['trusted-types'] = trustedTypes;
  policy['connect-src'] = policy['connect-src']
    .replaceAll('https://shop.example/assets/razorpay_checkout_wasm_bg.wasm', `${origin}${wasmPath}`)
    .replaceAll('https://shop.example/assets/card/card_bg.wasm', `${origin}${cardWasmPath}`)
    .replaceAll('https://shop.example', origin);
  return Object.entries(policy).map(([name, sources]) => `${name} ${sources}`).join('; ');
}

test('a fresh Vite 7 project builds with the tarball and runs it in Chromium, from a sub-path', async () => {
  const app = apps['vite-app'];
  run(process.execPath, [bin('vite/bin/vite.js'), 'build', '--logLevel', 'warn'], app);
  const [wasmAsset, cardAsset] = wasmAssets(join(app, 'dist', 'assets'), 'vite');

  const server = await serve(join(app, 'dist'), {
    prefix: '/shop/checkout/',
    csp: ({ origin }) => strictCsp(origin, "'self' 'wasm-unsafe-eval'", `/shop/checkout/assets/${wasmAsset}`, undefined, `/shop/checkout/assets/${cardAsset}`),
  });
  try {
    const got = await load(server.url);
    checkResults(got.result);
    assert.deepEqual(got.violations, []);
    // The main module and the card entry's, each once.
    assert.equal(got.wasm.length, 2, JSON.stringify(got.wasm));
    // Relative to the module that loads it: the entry chunk, in assets/.
    const entry = got.scripts.find((u) => /\/assets\/index-[^/]+\.js$/.test(u));
    assert.ok(entry, JSON.stringify(got.scripts));
    assert.deepEqual(got.wasm.map((w) => w.url).sort(), [new URL(wasmAsset, entry).href, new URL(cardAsset, entry).href].sort());
    for (const wasm of got.wasm) {
      assert.equal(wasm.status, 200);
      assert.equal(wasm.type, 'application/wasm');
      assert.ok(wasm.url.startsWith(server.url), 'served from under the sub-path');
    }
    assert.deepEqual(got.console, []);
  } finally {
    await server.close();
  }
});

test('a fresh webpack 5 project builds with the tarball and runs it in Chromium, from a sub-path', async () => {
  const app = apps['webpack-app'];
  const { default: config } = await import(join(app, 'webpack.config.js'));
  const stats = await new Promise((resolve, reject) =>
    webpack(config, (err, result) => (err ? reject(err) : resolve(result))));
  assert.equal(stats.hasErrors(), false, stats.toString('errors-only'));
  assert.equal(stats.hasWarnings(), false, stats.toString('errors-warnings'));
  cpSync(join(app, 'index.html'), join(app, 'dist', 'index.html'));
  const [wasmAsset, cardAsset] = wasmAssets(join(app, 'dist', 'assets'), 'webpack');

  const server = await serve(join(app, 'dist'), {
    prefix: '/shop/checkout/',
    csp: ({ origin }) => strictCsp(origin, "'self' 'wasm-unsafe-eval'", `/shop/checkout/assets/${wasmAsset}`, undefined, `/shop/checkout/assets/${cardAsset}`),
  });
  try {
    const got = await load(server.url);
    checkResults(got.result);
    assert.deepEqual(got.violations, []);
    assert.deepEqual(got.wasm.sort((a, b) => (a.url < b.url ? -1 : 1)), [wasmAsset, cardAsset].sort()
      .map((a) => ({ url: new URL(`assets/${a}`, server.url).href, status: 200, type: 'application/wasm' })));
    assert.deepEqual(got.console, []);
  } finally {
    await server.close();
  }
});

test('the Vite dev server serves the package (optimizeDeps.exclude, as the README says)', async () => {
  const app = apps['vite-app'];
  const server = await createServer({
    root: app, configFile: join(app, 'vite.config.js'), logLevel: 'warn', clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false },
  });
  await server.listen();
  try {
    const got = await load(`http://127.0.0.1:${server.httpServer.address().port}/`);
    checkResults(got.result);
    assert.equal(got.wasm.length, 2, JSON.stringify(got.wasm));
    for (const wasm of got.wasm) assert.equal(wasm.type, 'application/wasm');
    assert.deepEqual(got.wasm.map((w) => w.url.replace(/^.*\/node_modules\/razorpay-checkout-wasm\//, '')).sort(), ['card/card_bg.wasm', 'razorpay_checkout_wasm_bg.wasm']);
  } finally {
    await server.close();
  }
});

const PLAIN_PAGES = ['index.html', 'nonce.html', 'hash.html'];
const wasmPath = `/node_modules/${NAME}/razorpay_checkout_wasm_bg.wasm`;

/**
 * Fills the plain pages' import maps with the installed package's
 * integrity.json (as a merchant's build would): every module the page
 * imports is then checked by Chromium.
 */
function pinPlainPages() {
  const integrity = JSON.parse(readFileSync(join(apps.plain, 'node_modules', NAME, 'integrity.json'), 'utf8'));
  const map = {
    imports: { [NAME]: `./node_modules/${NAME}/index.js` },
    integrity: Object.fromEntries(Object.entries(integrity).filter(([path]) => path.endsWith('.js'))
      .map(([path, hash]) => [`./node_modules/${NAME}/${path}`, hash])),
  };
  for (const page of PLAIN_PAGES) {
    const file = join(apps.plain, page);
    writeFileSync(file, readFileSync(file, 'utf8')
      .replace(/(<script type="importmap"[^>]*>)[\s\S]*?(<\/script>)/, `$1${JSON.stringify(map)}$2`));
  }
}

/** The `'sha256-…'` source of each inline script of a plain page. */
function inlineHashes(page) {
  const html = readFileSync(join(apps.plain, page), 'utf8');
  return [...html.matchAll(/<script(?: type="importmap")?>([^<]+)<\/script>/g)]
    .map((m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
}

/** The plain pages' policies: the allowlist (the import map by its hash), the nonce and the hash variants. */
const plainPolicies = {
  'index.html': (origin, extra = '') => strictCsp(origin, `'self' ${extra}${inlineHashes('index.html').join(' ')}`, wasmPath),
  'nonce.html': (origin, extra, nonce) => strictCsp(origin, `'nonce-${nonce}' 'strict-dynamic' ${extra}`.trim(), wasmPath),
  // The loader's Trusted Types policy is the page's, not the package's (which creates none).
  'hash.html': (origin, extra = '') => strictCsp(origin, `${inlineHashes('hash.html').join(' ')} 'strict-dynamic' ${extra}`.trim(), wasmPath, 'loader'),
};

for (const page of PLAIN_PAGES) {
  test(`a plain page (import map with integrity, no bundler) runs in Chromium under the narrowest CSP: ${page}`, async () => {
    if (page === PLAIN_PAGES[0]) pinPlainPages();
    const policy = plainPolicies[page];
    const server = await serve(apps.plain, { csp: ({ origin, nonce }) => policy(origin, "'wasm-unsafe-eval' ", nonce) });
    try {
      const got = await load(new URL(page, server.url).href);
      checkResults(got.result);
      // Two modules of the package (index.js, the glue bundled in, and the
      // card entry's card.js) and the two .wasm beside them.
      const entry = new URL(`node_modules/${NAME}/index.js`, server.url).href;
      assert.deepEqual(got.scripts.filter((u) => u.includes(`/node_modules/${NAME}/`)).sort(), [new URL('card/card.js', entry).href, entry]);
      assert.deepEqual(got.wasm.sort((a, b) => (a.url < b.url ? -1 : 1)), ['card/card_bg.wasm', 'razorpay_checkout_wasm_bg.wasm']
        .map((f) => ({ url: new URL(f, entry).href, status: 200, type: 'application/wasm' })));
      assert.deepEqual(got.violations, []);
      assert.deepEqual(got.console, []);
    } finally {
      await server.close();
    }
  });
}

test('Chromium refuses a tampered module (import map integrity) and a tampered .wasm (index.js\'s integrity)', async () => {
  const dir = join(apps.plain, 'node_modules', NAME);
  const tampered = (file, edit) => ({ [`/node_modules/${NAME}/${file}`]: edit(readFileSync(join(dir, file))) });
  const csp = ({ origin }) => plainPolicies['index.html'](origin, "'wasm-unsafe-eval' ");
  // A module: one byte more (a comment) and its hash no longer matches.
  for (const file of ['index.js']) {
    const server = await serve(apps.plain, { csp, tamper: tampered(file, (b) => Buffer.concat([b, Buffer.from('//')])) });
    try {
      const got = await loadRefused(server.url);
      assert.equal(got.result, 'loading', `${file}: nothing ran`);
      assert.ok(got.console.some((l) => /integrity/i.test(l) && l.includes(file)), `${file}: ${got.console.join('\n')}`);
    } finally {
      await server.close();
    }
  }
  // The .wasm: one byte flipped in its last (data) section; init() rejects and nothing runs.
  const flip = (b) => { const c = Buffer.from(b); c[c.length - 1] ^= 1; return c; };
  const server = await serve(apps.plain, { csp, tamper: tampered('razorpay_checkout_wasm_bg.wasm', flip) });
  try {
    const got = await load(server.url);
    assert.equal(got.result.ok, false);
    assert.ok(got.console.some((l) => /integrity/i.test(l) && l.includes('razorpay_checkout_wasm_bg.wasm')), got.console.join('\n'));
  } finally {
    await server.close();
  }
});

/** What init() threw when the page may not compile WebAssembly, and what the shopper was told. */
function checkBlocked(got, reason) {
  assert.equal(got.result.ok, false);
  const { error, ...fields } = got.result;
  assert.deepEqual(fields, {
    ok: false, isError: true, name: 'RazorpayCheckoutError', kind: 'wasm_blocked', code: 'BAD_REQUEST_ERROR',
    description: fields.description, field: null, source: 'business', step: 'payment_initiation', reason,
    metadata: { directive: "script-src 'wasm-unsafe-eval'" },
  });
  assert.ok(error.includes("script-src 'wasm-unsafe-eval'"), error);
  assert.ok(error.endsWith(fields.description), error);
  assert.doesNotMatch(error, /CompileError|instantiat|violates/);
  assert.equal(got.status, 'Card payments cannot load on this page. Please choose another way to pay.');
  assert.deepEqual(got.wasm, [], 'nothing fetched: the .wasm is not downloaded for nothing');
}

const FALLBACK_WARNING = "warning: razorpay-checkout-wasm: This page's Content-Security-Policy does not allow WebAssembly to be compiled: "
  + "add 'wasm-unsafe-eval' to its script-src directive (script-src 'wasm-unsafe-eval'). Running the JavaScript fallback meanwhile (slower and larger).";

for (const page of PLAIN_PAGES) {
  test(`without 'wasm-unsafe-eval' init() runs the JavaScript fallback, fetched only then, and warns with the directive: ${page}`, async () => {
    const policy = plainPolicies[page];
    const server = await serve(apps.plain, { csp: ({ origin, nonce }) => policy(origin, '', nonce) });
    try {
      const got = await load(new URL(page, server.url).href);
      checkResults(got.result);
      assert.deepEqual(got.wasm, [], 'the .wasm is not downloaded');
      assert.ok(got.scripts.includes(new URL(`node_modules/${NAME}/fallback.js`, server.url).href), JSON.stringify(got.scripts));
      assert.deepEqual(got.console, [FALLBACK_WARNING]);
      // Chromium did refuse (the 8-byte probe; its report is the page's business).
      assert.deepEqual(got.violations, ['script-src wasm-eval'], JSON.stringify(got.violations));
    } finally {
      await server.close();
    }
  });

  test(`without 'wasm-unsafe-eval', init({ fallback: false }) throws the typed wasm_blocked error naming the directive: ${page}`, async () => {
    const policy = plainPolicies[page];
    const server = await serve(apps.plain, { csp: ({ origin, nonce }) => policy(origin, '', nonce) });
    try {
      const got = await load(new URL(`${page}?fallback=off`, server.url).href);
      checkBlocked(got, 'webassembly_refused');
      assert.ok(!got.scripts.some((u) => u.endsWith('/fallback.js')), 'the fallback is not fetched');
      assert.deepEqual(got.violations, ['script-src wasm-eval'], JSON.stringify(got.violations));
    } finally {
      await server.close();
    }
  });
}

test('when the fallback cannot load either (refused, tampered), init() throws wasm_blocked', async () => {
  const dir = join(apps.plain, 'node_modules', NAME);
  const tamper = { [`/node_modules/${NAME}/fallback.js`]: Buffer.concat([readFileSync(join(dir, 'fallback.js')), Buffer.from('//')]) };
  const server = await serve(apps.plain, { csp: ({ origin }) => plainPolicies['index.html'](origin, ''), tamper });
  try {
    const got = await load(server.url);
    checkBlocked(got, 'webassembly_refused');
    assert.ok(got.console.some((l) => /integrity/i.test(l) && l.includes('fallback.js')), got.console.join('\n'));
  } finally {
    await server.close();
  }
});

test('with WebAssembly switched off, init() runs the fallback; with fallback: false, wasm_blocked (webassembly_unavailable)', async () => {
  const server = await serve(apps.plain, { csp: ({ origin }) => plainPolicies['index.html'](origin, "'wasm-unsafe-eval' ") });
  try {
    const off = () => { delete globalThis.WebAssembly; };
    const got = await load(server.url, { before: off });
    checkResults(got.result);
    assert.deepEqual(got.wasm, []);
    assert.equal(got.console.length, 1);
    assert.match(got.console[0], /^warning: razorpay-checkout-wasm: WebAssembly is not available in this browser/);
    const blocked = await load(new URL('?fallback=off', server.url).href, { before: off });
    checkBlocked(blocked, 'webassembly_unavailable');
    assert.deepEqual(blocked.violations, []);
  } finally {
    await server.close();
  }
});

test('node: razorpay-checkout-wasm/server checks, prepares and verifies without init()', once, () => {
  const got = JSON.parse(run(process.execPath, ['server-check.js'], apps['node-app']));
  assert.deepEqual(got, { ip: '203.0.113.7', signatureValid: true, secretIndex: 1, relay: 'pay_AAAAAAAAAAAAAA', field: 'otp', refused: 400 });
});

test('node: razorpay-checkout-wasm/node re-validates without init()', once, () => {
  const got = JSON.parse(run(process.execPath, ['check.js'], apps['node-app']));
  assert.equal(got.rupay.valid, true);
  assert.equal(got.rupay.network, 'RuPay');
  assert.equal(got.rupay.card.number, '6527658900001005');
  assert.equal(got.network, 'Visa');
  assert.ok(got.kinds.includes('failed_luhn'), JSON.stringify(got.kinds));
  assert.equal(got.inspection.network, 'American Express');
  assert.deepEqual(got.expiry, { expiry_month: '12', expiry_year: '30' });
  assert.deepEqual(got.order, {
    order_id: 'order_QqsMZ12p7MytBA', status: 'attempted', amount: 100, payment_id: 'pay_QqsMa9GhrUxvtx',
    next: [{ action: 'redirect', url: 'https://api.razorpay.com/v1/payments/pay_QqsMa9GhrUxvtx/authorize' }],
  });
});
