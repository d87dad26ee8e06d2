// Integrity hashes for the package (`node scripts/integrity.mjs pkg`), run by
// scripts/build-pkg.sh after merge-template.mjs:
// 1. the .wasm's SHA-384 is written into index.js (its WASM_INTEGRITY, and
//    card/card_bg.wasm's into CARD_INTEGRITY), so
//    `init()` fetches the module with `integrity` and the browser refuses
//    other bytes; index.js is then bundled and minified (esbuild): the glue
//    and its snippets are inlined, so a page fetches two files (index.js and
//    the .wasm) instead of five (four JS modules and the .wasm), 7,471 → 6,502 B gzip -9 of JS; fallback.js
//    and the card entry (card/card.js, card/fallback.js) stay their own files, imported only when WebAssembly is refused. The glue
//    and snippets are still shipped, for the Node entry (node.js);
// 2. integrity.json gets the SHA-384 (SRI form, `sha384-<base64>`) of every
//    file the browser loads: every .js and .wasm of the package but the Node-only ones (node.js
//    with the glue and snippets/ it imports, server.js and server/), keyed by its path inside the package. Pages use it in
//    an import map's `integrity` or `<link rel="modulepreload" integrity>`;
// 3. package.json: integrity.json is added to `files`, and exported as
//    `razorpay-checkout-wasm/integrity.json`.
// Run once per build, on the index.js merge-template.mjs just wrote: each run
// bundles and minifies index.js again, so a second run gives other bytes (the
// hashes written then match those bytes).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const [out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node scripts/integrity.mjs <package dir>');
  process.exit(2);
}
const sri = (path) => `sha384-${createHash('sha384').update(readFileSync(path)).digest('base64')}`;

const entry = join(out, 'index.js');
const source = readFileSync(entry, 'utf8');
// The two SRI literals of index.js, WASM_INTEGRITY (the main .wasm) and
// CARD_INTEGRITY (card/card_bg.wasm, the card entry's, which init() starts
// too): the template's placeholders, or the hashes of a previous run.
const literal = (name) => new RegExp(`const ${name} = (["'])sha384-[A-Za-z0-9+/=-]+\\1;`, 'g');
for (const name of ['WASM_INTEGRITY', 'CARD_INTEGRITY']) {
  if ((source.match(literal(name)) ?? []).length !== 1) {
    console.error(`integrity: ${entry} must hold exactly one ${name} sha384 literal`);
    process.exit(1);
  }
}
// The memory's export name (scripts/minify-names.mjs shortens every export's),
// read from the .wasm, into index.js's MEMORY_EXPORT.
const wasmPath = join(out, 'razorpay_checkout_wasm_bg.wasm');
const memories = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(wasmPath)))
  .filter((e) => e.kind === 'memory');
const memoryPattern = /const MEMORY_EXPORT = (["'])[^"'\n]*\1;/g;
if (memories.length !== 1 || (source.match(memoryPattern) ?? []).length !== 1) {
  console.error(`integrity: the .wasm must export one memory (it exports ${memories.length}) and ${entry} hold one MEMORY_EXPORT`);
  process.exit(1);
}
writeFileSync(entry, source
  .replace(literal('WASM_INTEGRITY'), `const WASM_INTEGRITY = '${sri(wasmPath)}';`)
  .replace(literal('CARD_INTEGRITY'), `const CARD_INTEGRITY = '${sri(join(out, 'card', 'card_bg.wasm'))}';`)
  .replace(memoryPattern, `const MEMORY_EXPORT = ${JSON.stringify(memories[0].name)};`));
const esbuild = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'esbuild');
execFileSync(esbuild, [entry, '--bundle', '--external:./fallback.js', '--external:./card/card.js', '--external:./card/fallback.js', '--minify', '--format=esm', '--target=es2020',
  '--log-level=warning', `--outfile=${entry}.min`]);
writeFileSync(entry, readFileSync(`${entry}.min`));
rmSync(`${entry}.min`);

// Loaded by Node only, never by a page: the node entry, the glue and snippets
// it imports (index.js has them bundled in), and the server kit.
const isNodeOnly = (path) => ['node.js', 'server.js', 'razorpay_checkout_wasm.js'].includes(path)
  || path.startsWith('server/') || path.startsWith('snippets/');
const walk = (dir) => readdirSync(dir, { withFileTypes: true })
  .flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
const browserFiles = walk(out)
  .map((path) => relative(out, path).split(sep).join('/'))
  .filter((path) => /\.(js|wasm)$/.test(path) && !isNodeOnly(path))
  .sort();
const hashes = Object.fromEntries(browserFiles.map((path) => [path, sri(join(out, path))]));
writeFileSync(join(out, 'integrity.json'), JSON.stringify(hashes, null, 2) + '\n');

const manifestPath = join(out, 'package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
manifest.files ??= [];
if (!manifest.files.includes('integrity.json')) manifest.files.push('integrity.json');
if (manifest.exports) manifest.exports['./integrity.json'] = './integrity.json';
writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
