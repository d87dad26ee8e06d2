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
// 5. `vite build`, then both pages served on 127.0.0.1 under a strict CSP and
//    run in headless Chromium: the exports' results are checked, and the
//    .wasm must come with Content-Type application/wasm from beside the module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import webpack from 'webpack';
import { serve } from './serve.mjs';

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
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
});

after(async () => {
  await browser?.close();
});

test('the version is Cargo.toml\'s, in the tarball, and has a CHANGELOG entry', () => {
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

test('the tarball holds the package files and nothing else; the manifest is complete', () => {
  // wasm-bindgen names the snippet folder after the crate and a hash.
  const files = packed.files.map((f) => f.path.replace(/^(card\/)?snippets\/razorpay-checkout-wasm-[0-9a-f]+\//, '$1snippets/<crate>/')).sort();
  assert.deepEqual(files, [
    'CHANGELOG.md', 'LICENSE-APACHE', 'LICENSE-MIT', 'README.md',
    // The card entry (tests/pkg/card.test.mjs).
    'card/card.d.ts', 'card/card.js', 'card/card_bg.wasm', 'card/package.json', 'card/snippets/<crate>/src/wasm/card.js',
    ...['bn', 'en', 'gu', 'hi', 'kn', 'mr', 'ms', 'ta', 'te'].flatMap((l) => [`locales/${l}.d.ts`, `locales/${l}.js`]),
    'messages.d.ts', 'messages.js', 'node.d.ts', 'node.js', 'package.json',
    'razorpay_checkout_wasm.d.ts', 'razorpay_checkout_wasm.js', 'razorpay_checkout_wasm_bg.wasm',
    'snippets/<crate>/src/wasm/card.js', 'snippets/<crate>/src/wasm/shapes.js', 'types.d.ts',
  ]);
  const manifest = JSON.parse(readFileSync(join(apps.plain, 'node_modules', NAME, 'package.json'), 'utf8'));
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.sideEffects, false);
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  assert.ok(manifest.description && manifest.keywords.includes('rupay') && manifest.repository.url);
  assert.deepEqual(Object.keys(manifest.exports['.']), ['types', 'default'], 'types first');
  assert.deepEqual(Object.keys(manifest.exports['./card']), ['types', 'default']);
  assert.deepEqual(Object.keys(manifest.exports['./node']), ['types', 'default']);
  assert.deepEqual(Object.keys(manifest.exports['./messages']), ['types', 'default']);
  assert.deepEqual(Object.keys(manifest.exports['./locales/*']), ['types', 'default']);
  const size = (file) => {
    const path = join(apps.plain, 'node_modules', NAME, file);
    const gz = execFileSync('gzip', ['-9', '-c', path]).length;
    return `${file} ${statSync(path).size} B (${gz} B gzip -9)`;
  };
  console.log(`tarball ${packed.filename}: ${statSync(tarball).size} B packed, ${packed.unpackedSize} B unpacked; ` +
    `${size('razorpay_checkout_wasm_bg.wasm')}; ${size('razorpay_checkout_wasm.js')}`);
});

test('attw finds no problem (ESM-only profile)', () => {
  // `--profile esm-only` ignores exactly one finding, CJSResolvesToESM under
  // node16-cjs: the package is ES modules only (the wasm-bindgen glue needs
  // import.meta.url), so `require()` from CommonJS is not offered; node10
  // resolution is checked too and must pass.
  const report = JSON.parse(run(process.execPath, [bin('@arethetypeswrong/cli/dist/index.js'), tarball, '--format', 'json'], work, { anyStatus: true }));
  const problems = Object.values(report.problems).flat()
    .filter((p) => !(p.kind === 'CJSResolvesToESM' && p.resolutionKind === 'node16-cjs'));
  assert.deepEqual(problems, []);
  assert.deepEqual(Object.keys(report.analysis.entrypoints).sort(), ['.', './card', './locales/*', './messages', './node', './package.json']);
  const text = run(process.execPath, [bin('@arethetypeswrong/cli/dist/index.js'), tarball, '--profile', 'esm-only'], work);
  assert.match(text, /bundler: 🟢/);
  assert.doesNotMatch(text, /❌|💀|🐛|❗️/u);
});

test('tsc --strict: every export used correctly compiles, the README examples compile', () => {
  const readme = readFileSync(join(apps['vite-app'], 'node_modules', NAME, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 2, 'the README has its JS examples');
  blocks.forEach((code, i) => writeFileSync(join(apps['vite-app'], 'src', `readme-example-${i}.js`), code));
  tsc(join(apps['vite-app'], 'tsconfig.json'));
  tsc(join(apps['node-app'], 'tsconfig.json'));
  // Nothing typed `any` reaches the consumer (comments aside).
  for (const file of ['razorpay_checkout_wasm.d.ts', 'node.d.ts', 'types.d.ts', 'messages.d.ts', 'locales/hi.d.ts']) {
    const dts = readFileSync(join(apps.plain, 'node_modules', NAME, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(dts, /\bany\b/, file);
  }
});

test('tsc --strict: each misspelt field or wrong type fails to compile, by itself', () => {
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

/** Loads `url` in a fresh page; returns what #result printed, the wasm responses and the console. */
async function load(url) {
  const page = await browser.newPage();
  const wasm = [];
  const scripts = [];
  const console_ = [];
  page.on('response', (r) => {
    const type = r.headers()['content-type'] ?? '';
    if (r.url().endsWith('.wasm')) wasm.push({ url: r.url(), status: r.status(), type });
    if (type.startsWith('text/javascript')) scripts.push(r.url());
  });
  page.on('console', (m) => console_.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console_.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'loading', null, { timeout: 15000 });
  const result = JSON.parse(await page.textContent('#result'));
  await page.close();
  return { result, wasm, scripts, console: console_ };
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
  assert.ok(r.rejection.fields.includes('number') && r.rejection.fields.includes('expiry_month'), JSON.stringify(r.rejection));
  // A validation rejection leaves the checkout ready for the corrected card.
  assert.equal(r.state, 'validating');
}

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; object-src 'none'; base-uri 'none'";

test('a fresh Vite 7 project builds with the tarball and runs it in Chromium, from a sub-path', async () => {
  const app = apps['vite-app'];
  run(process.execPath, [bin('vite/bin/vite.js'), 'build', '--logLevel', 'warn'], app);
  const assets = readdirSync(join(app, 'dist', 'assets'));
  const wasmAsset = assets.find((f) => f.endsWith('.wasm'));
  assert.ok(wasmAsset, `vite emitted the .wasm as an asset: ${assets}`);
  assert.deepEqual(readFileSync(join(app, 'dist', 'assets', wasmAsset)), readFileSync(join(pkgDir, 'razorpay_checkout_wasm_bg.wasm')));

  const server = await serve(join(app, 'dist'), { prefix: '/shop/checkout/', csp: CSP });
  try {
    const got = await load(server.url);
    checkResults(got.result);
    assert.equal(got.wasm.length, 1, JSON.stringify(got.wasm));
    const [wasm] = got.wasm;
    assert.equal(wasm.status, 200);
    assert.equal(wasm.type, 'application/wasm');
    // Relative to the module that loads it: the entry chunk, in assets/.
    const entry = got.scripts.find((u) => /\/assets\/index-[^/]+\.js$/.test(u));
    assert.ok(entry, JSON.stringify(got.scripts));
    assert.equal(wasm.url, new URL(wasmAsset, entry).href);
    assert.ok(wasm.url.startsWith(server.url), 'served from under the sub-path');
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
  const wasmAsset = readdirSync(join(app, 'dist', 'assets')).find((f) => f.endsWith('.wasm'));
  assert.ok(wasmAsset, 'webpack emitted the .wasm as an asset');
  assert.deepEqual(readFileSync(join(app, 'dist', 'assets', wasmAsset)), readFileSync(join(pkgDir, 'razorpay_checkout_wasm_bg.wasm')));

  const server = await serve(join(app, 'dist'), { prefix: '/shop/checkout/', csp: CSP });
  try {
    const got = await load(server.url);
    checkResults(got.result);
    assert.deepEqual(got.wasm, [{ url: new URL(`assets/${wasmAsset}`, server.url).href, status: 200, type: 'application/wasm' }]);
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
    assert.equal(got.wasm.length, 1, JSON.stringify(got.wasm));
    assert.equal(got.wasm[0].type, 'application/wasm');
    assert.match(got.wasm[0].url, /\/node_modules\/razorpay-checkout-wasm\/razorpay_checkout_wasm_bg\.wasm$/);
  } finally {
    await server.close();
  }
});

/** The plain page's CSP: the inline import map is allowed by its hash. */
function plainCsp(scriptSrc) {
  const html = readFileSync(join(apps.plain, 'index.html'), 'utf8');
  const map = html.match(/<script type="importmap">([\s\S]*?)<\/script>/)[1];
  const hash = createHash('sha256').update(map).digest('base64');
  return `default-src 'self'; script-src ${scriptSrc} 'sha256-${hash}'; connect-src 'self'; object-src 'none'`;
}

test('a plain page (import map, no bundler) imports the installed ES module and runs it in Chromium', async () => {
  const server = await serve(apps.plain, { csp: plainCsp("'self' 'wasm-unsafe-eval'") });
  try {
    const got = await load(server.url);
    checkResults(got.result);
    const module = new URL(`node_modules/${NAME}/razorpay_checkout_wasm.js`, server.url).href;
    assert.ok(got.scripts.includes(module), JSON.stringify(got.scripts));
    assert.deepEqual(got.wasm, [{ url: new URL('razorpay_checkout_wasm_bg.wasm', module).href, status: 200, type: 'application/wasm' }]);
    assert.deepEqual(got.console, []);
  } finally {
    await server.close();
  }
});

test('without \'wasm-unsafe-eval\' in the CSP the module cannot compile (the README\'s CSP advice is needed)', async () => {
  const server = await serve(apps.plain, { csp: plainCsp("'self'") });
  try {
    const got = await load(server.url);
    assert.equal(got.result.ok, false);
    assert.match(got.result.error, /CompileError|WebAssembly/);
  } finally {
    await server.close();
  }
});

test('node: razorpay-checkout-wasm/node re-validates without init()', () => {
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
