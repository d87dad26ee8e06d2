// The JavaScript fallback (`node scripts/fallback.mjs pkg`, and
// `node scripts/fallback.mjs pkg/card card_bg.wasm` for the card entry's
// module, which index.js starts too), run by
// scripts/build-pkg.sh after wasm-opt and before integrity.mjs: the shipped
// .wasm itself, turned into JavaScript by binaryen's wasm2js, as
// pkg/fallback.js. index.js imports it only when the page may not compile
// WebAssembly; the glue then runs on it unchanged.
//
// wasm2js cannot take wasm-bindgen's output as it is, for two reasons, each
// rewritten here in the module's text form (wasm-dis → edit → wasm-as):
// - a second table, of externref (`__wbindgen_externrefs`, the JS values
//   the module holds): wasm2js handles one table only. Its
//   `table.get/set/grow` become calls to three imports, and fallback.js
//   keeps the values in a JS array, which it also gives the glue as the
//   table (`get`, `set`, `grow`, `length`);
// - multi-value results (wasm-bindgen returns `(ptr, len)` pairs and
//   `(value, error, is_error)` triples from some exports): wasm2js has no
//   multi-value. Each such function returns its first value and leaves the
//   others in globals, read back through two exports (`__mv1`, `__mv2`);
//   fallback.js rebuilds the array the glue expects.
// Then binaryen lowers the post-MVP features wasm2js lacks
// (non-trapping float-to-int, sign extension, bulk memory), and wasm2js -O
// writes the JS. Memory growth detaches the old buffer (ArrayBuffer
// transfer), as WebAssembly's does, so the glue's cached views notice it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [out, wasmName = 'razorpay_checkout_wasm_bg.wasm'] = process.argv.slice(2);
if (!out) {
  console.error('usage: node scripts/fallback.mjs <dir> [<wasm file in it>]');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const fail = (message) => {
  console.error(`fallback: ${message}`);
  process.exit(1);
};
const work = join(root, 'build', 'fallback-work');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const FEATURES = ['--enable-reference-types', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
  '--enable-sign-ext', '--enable-mutable-globals', '--enable-multivalue'];
const run = (name, args) => execFileSync(bin(name), args, { stdio: ['ignore', 'pipe', 'inherit'] });

run('wasm-dis', [join(out, wasmName), ...FEATURES, '-o', join(work, 'in.wat')]);
let wat = readFileSync(join(work, 'in.wat'), 'utf8');

/** The index just past the S-expression that opens at `i`. */
function sexprEnd(text, i) {
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '(') {
      depth++;
    } else if (c === ')' && --depth === 0) {
      return i + 1;
    }
  }
  return fail('unbalanced module text');
}
/** The child S-expressions of the one spanning [start, end). */
function children(text, start, end) {
  const list = [];
  for (let i = start + 1; i < end - 1;) {
    if (text[i] === '(') {
      const e = sexprEnd(text, i);
      list.push(text.slice(i, e));
      i = e;
    } else {
      i++;
    }
  }
  return list;
}

// 1. An externref table becomes three imports (neither module has one today:
//    the main module is built without reference types, scripts/build-main.sh,
//    its JS values kept in the glue's array; the card module holds none).
const table = wat.match(/^ \(table (\$\w+) (\d+) externref\)\n/m);
const [tableLine, tableName, tableSize] = table ?? [null, null, 0];
let tableExport = null;
if (table) {
  wat = wat.replace(tableLine, '');
  for (const [op, fn] of [['get', '$__ext_get'], ['set', '$__ext_set'], ['grow', '$__ext_grow']]) {
    wat = wat.replaceAll(`(table.${op} ${tableName}\n`, `(call ${fn}\n`);
  }
  if (new RegExp(`\\(table\\.\\w+ \\${tableName}\\b`).test(wat)) fail(`an operation on ${tableName} is left`);
  // (Its export name: `__wbindgen_externrefs`, or the short name scripts/minify-names.mjs gave it.)
  tableExport = wat.match(new RegExp(`^ \\(export "([^"]+)" \\(table \\${tableName}\\)\\)\\n`, 'm'));
  if (!tableExport) fail(`${tableName} is not exported`);
  wat = wat.replace(tableExport[0], '');
  const firstImport = wat.indexOf(' (import ');
  wat = wat.slice(0, firstImport)
    + ' (import "__wbindgen_externrefs" "get" (func $__ext_get (param i32) (result externref)))\n'
    + ' (import "__wbindgen_externrefs" "set" (func $__ext_set (param i32 externref)))\n'
    + ' (import "__wbindgen_externrefs" "grow" (func $__ext_grow (param externref i32) (result i32)))\n'
    + wat.slice(firstImport);
}

// 2. Multi-value results: the first returned, the others in globals.
const multi = new Map(); // function name -> number of results
let rewritten = '';
let last = 0;
for (const m of wat.matchAll(/^ \(func (\$\w+)([^\n]*?) \(result ((?:i32 ?){2,3})\)\n/gm)) {
  const [header, name, params, results] = m;
  const count = results.trim().split(' ').length;
  const start = m.index + 1;
  const end = sexprEnd(wat, start);
  let body = wat.slice(m.index + header.length, end);
  body = body.replaceAll(`(result ${Array(count).fill('i32').join(' ')})`, '(result i32)');
  // (A block or `if` carrying the tuple out, as wasm-opt's --rereloop makes
  // them, names its multi-value type too, which goes below: drop the name.)
  body = body.replace(/\(type \$\w+\) \(result i32\)/g, '(result i32)');
  const at = body.indexOf('(tuple.make ');
  if (at < 0 || body.indexOf('(tuple.make ', at + 1) >= 0) fail(`${name}: not one tuple.make`);
  const tupleEnd = sexprEnd(body, at);
  const values = children(body, at, tupleEnd);
  if (values.length !== count) fail(`${name}: ${values.length} values for ${count} results`);
  const sets = values.map((v, k) => (k === 0 ? `(local.set $__mv0 ${v})` : `(global.set $__mv${k} ${v})`));
  body = `${body.slice(0, at)}(block (result i32) ${sets.join(' ')} (local.get $__mv0))${body.slice(tupleEnd)}`;
  rewritten += `${wat.slice(last, m.index)} (func ${name}${params} (result i32)\n  (local $__mv0 i32)\n${body}`;
  last = end;
  multi.set(name, count);
}
wat = rewritten + wat.slice(last);
if (/\btuple\./.test(wat)) fail('a tuple is left outside the functions rewritten');
wat = wat.replace(/^ \(type \$\w+ \(func[^\n]*\(result i32 i32( i32)?\)\)\)\n/gm, '');
const multiExports = {};
for (const m of wat.matchAll(/^ \(export "([^"]+)" \(func (\$\w+)\)\)$/gm)) {
  if (multi.has(m[2])) multiExports[m[1]] = multi.get(m[2]);
}
if (Object.keys(multiExports).length !== multi.size) fail('a multi-value function is not an export');
const firstExport = wat.indexOf(' (export ');
wat = wat.slice(0, firstExport)
  + ' (global $__mv1 (mut i32) (i32.const 0))\n (global $__mv2 (mut i32) (i32.const 0))\n'
  + ' (export "__mv1" (func $__mv1_get))\n (export "__mv2" (func $__mv2_get))\n'
  + ' (func $__mv1_get (result i32) (global.get $__mv1))\n (func $__mv2_get (result i32) (global.get $__mv2))\n'
  + wat.slice(firstExport);
writeFileSync(join(work, 'flat.wat'), wat);

// 3. Assemble without multi-value, lower, translate.
const MVP_PLUS = FEATURES.filter((f) => f !== '--enable-multivalue');
run('wasm-as', [join(work, 'flat.wat'), ...MVP_PLUS, '-o', join(work, 'flat.wasm')]);
run('wasm-opt', [join(work, 'flat.wasm'), ...MVP_PLUS, '--llvm-nontrapping-fptoint-lowering', '--signext-lowering',
  '--llvm-memory-copy-fill-lowering', '-o', join(work, 'lowered.wasm')]);
run('wasm2js', [join(work, 'lowered.wasm'), '--enable-reference-types', '--enable-mutable-globals', '-O', '-o', join(work, 'out.js')]);
let js = readFileSync(join(work, 'out.js'), 'utf8');

// 4. An ES module exporting `instantiate(imports)`: no imports of its own.
js = js.replace(/^import \* as \S+ from '[^']+';\n/gm, '');
const tail = js.indexOf('var retasmFunc = asmFunc(');
if (tail < 0 || /^import /m.test(js)) fail('unexpected wasm2js output (imports, retasmFunc)');
js = js.slice(0, tail);
const grow = `   var newBuffer = new ArrayBuffer(newPages << 16);
   var newHEAP8 = new Int8Array(newBuffer);
   newHEAP8.set(HEAP8);
`;
if (!js.includes(grow)) fail('unexpected wasm2js memory growth');
js = js.replace(grow, '   var newBuffer = growBuffer(buffer, newPages << 16);\n');

const module = `// Generated by scripts/fallback.mjs from ${wasmName} (binaryen wasm2js):
// the same module as JavaScript, for pages that may not compile WebAssembly.
// index.js imports it only then. Not for use on its own.
/** A larger copy of \`old\`, which is detached (as WebAssembly memory growth does). */
function growBuffer(old, length) {
  if (typeof old.transfer === 'function') return old.transfer(length);
  const next = new ArrayBuffer(length);
  new Uint8Array(next).set(new Uint8Array(old));
  structuredClone(old, { transfer: [old] });
  return next;
}
${js}
const MULTI_VALUE = ${JSON.stringify(multiExports)};
const TABLE_SIZE = ${Number(tableSize)};
const TABLE_EXPORT = ${JSON.stringify(tableExport?.[1] ?? null)};

/** The module's exports, built from the glue's imports, as WebAssembly.Instance#exports would be. */
export function instantiate(imports) {
  const refs = new Array(TABLE_SIZE).fill(undefined);
  const grow = (delta, init) => {
    const old = refs.length;
    for (let k = 0; k < delta; k++) refs.push(init);
    return old;
  };
  const raw = asmFunc({
    ...imports,
    __wbindgen_externrefs: { get: (i) => refs[i], set: (i, v) => { refs[i] = v; }, grow: (init, delta) => grow(delta, init) },
  });
  const exports = { ...raw };
  for (const [name, count] of Object.entries(MULTI_VALUE)) {
    const fn = raw[name];
    exports[name] = (...args) => {
      const first = fn(...args);
      return count === 2 ? [first, raw.__mv1()] : [first, raw.__mv1(), raw.__mv2()];
    };
  }
  if (TABLE_EXPORT !== null) exports[TABLE_EXPORT] = {
    get: (i) => refs[i],
    set: (i, v) => { refs[i] = v; },
    grow: (delta) => grow(delta, undefined),
    get length() { return refs.length; },
  };
  return exports;
}
`;
writeFileSync(join(out, 'fallback.js'), module);
execFileSync(bin('esbuild'), [join(out, 'fallback.js'), '--minify', '--format=esm', '--target=es2020', '--log-level=warning',
  `--outfile=${join(work, 'fallback.min.js')}`]);
writeFileSync(join(out, 'fallback.js'), readFileSync(join(work, 'fallback.min.js')));
