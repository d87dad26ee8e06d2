// Short import, export and import-module names for the main module
// (`node scripts/minify-names.mjs <out dir>`, run by scripts/build-main.sh
// before wasm-opt, on wasm-bindgen's unminified glue).
//
// wasm-bindgen names each import `__wbg_<name>_<16 hex digits>` under the
// module "./razorpay_checkout_wasm_bg.js" or the snippet's path, and each
// export by its Rust name: 47 imports and 26 exports whose names every
// shopper downloads twice, in the .wasm's import and export sections and as
// the glue's object keys and `wasm.<name>` lookups. binaryen's
// `--minify-imports-and-exports-and-modules` renames them all to one or two
// letters under one module "a" (what Emscripten does for release builds);
// this script makes the glue match:
// - the import object's keys are renamed, and the snippets' functions that
//   the .wasm imports directly join that one object;
// - every `wasm.<export>` becomes `wasm.<short name>`.
// The renaming is read by comparing the module's import and export lists
// before and after the pass (binaryen renames in place, in order), not from
// the pass's printed map. Anything the script does not recognise in the glue
// (a key or an export it cannot find, a `wasm.` lookup of no export) stops
// the build: a new wasm-bindgen that shapes its glue otherwise fails here,
// not in a shopper's browser. The memory keeps no name of its own:
// scripts/integrity.mjs writes its short name into index.js.
// Measured 2026-12-05 (gzip -9): .wasm 55,846 → 54,722 B, the shipped glue
// (pkg/index.js, which bundles it) 6,518 → 5,544 B.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [out, flag] = process.argv.slice(2);
if (!out || (flag !== undefined && flag !== '--keep-names')) {
  console.error('usage: node scripts/minify-names.mjs <out dir> [--keep-names]');
  process.exit(2);
}
const fail = (why) => {
  console.error(`minify-names: ${why}`);
  process.exit(1);
};

const wasmPath = join(out, 'razorpay_checkout_wasm_bg.wasm');
const gluePath = join(out, 'razorpay_checkout_wasm.js');
const lists = (bytes) => {
  const module = new WebAssembly.Module(bytes);
  return { imports: WebAssembly.Module.imports(module), exports: WebAssembly.Module.exports(module) };
};

const before = lists(readFileSync(wasmPath));
const wasmOpt = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'wasm-opt');
execFileSync(wasmOpt, [wasmPath, '--minify-imports-and-exports-and-modules', ...(flag ? ['-g'] : []),
  '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
  '-o', `${wasmPath}.min`], { stdio: ['ignore', 'ignore', 'inherit'] });
const after = lists(readFileSync(`${wasmPath}.min`));

if (before.imports.length !== after.imports.length || before.exports.length !== after.exports.length) {
  fail('wasm-opt changed the number of imports or exports');
}
const imports = before.imports.map((old, i) => {
  const now = after.imports[i];
  if (old.kind !== now.kind) fail(`import ${i} changed kind (${old.kind} → ${now.kind})`);
  return { module: old.module, name: old.name, to: now.name, toModule: now.module };
});
const exportNames = new Map(before.exports.map((old, i) => {
  if (old.kind !== after.exports[i].kind) fail(`export ${old.name} changed kind`);
  return [old.name, after.exports[i].name];
}));
const modules = new Set(imports.map((i) => i.toModule));
if (modules.size !== 1) fail(`expected one import module after the pass, found ${[...modules].join(', ')}`);
const [toModule] = modules;

let glue = readFileSync(gluePath, 'utf8');

// 1. The returned import object: `"<module>": importN,` per module.
const returned = /\n    return \{\n        __proto__: null,\n((?:        "[^"\n]+": import\d+,\n)+)    \};\n\}/;
const found = glue.match(returned);
if (!found) fail('the glue has no import object of the expected shape (`return { __proto__: null, "<module>": importN, … }`)');
const bindings = new Map();
for (const line of found[1].trim().split('\n')) {
  const [, spec, variable] = line.trim().match(/^"([^"]+)": (import\d+),$/);
  if (!bindings.has(spec)) bindings.set(spec, variable);
}
const own = bindings.get('./razorpay_checkout_wasm_bg.js');
if (!own) fail('the import object has no "./razorpay_checkout_wasm_bg.js" entry');

// 2. The glue's own imports are keys of its `const importN = {` literal
//    (each at the literal's indentation: `        <name>: function`); the
//    snippets' are their module namespace's functions.
const literal = new RegExp(`\\n    const ${own} = \\{\\n        __proto__: null,\\n[\\s\\S]*?\\n    \\};\\n`);
const ownBlock = glue.match(literal);
if (!ownBlock) fail(`the glue has no \`const ${own} = {\` literal`);
let block = ownBlock[0];
const direct = [];
for (const imp of imports) {
  if (imp.module === './razorpay_checkout_wasm_bg.js') {
    const key = new RegExp(`\\n        ${imp.name.replace(/\$/g, '\\$')}: `, 'g');
    const hits = block.match(key)?.length ?? 0;
    if (hits !== 1) fail(`import ${imp.name}: ${hits} keys in the import object, not 1`);
    block = block.replace(key, `\n        ${imp.to}: `);
  } else {
    const variable = bindings.get(imp.module);
    if (!variable) fail(`import ${imp.name} is from ${imp.module}, which the import object does not list`);
    direct.push(`        ${imp.to}: ${variable}.${imp.name},\n`);
  }
}
block = block.replace(/\n    \};\n$/, `\n${direct.join('')}    };\n`);
glue = glue.replace(ownBlock[0], block);
glue = glue.replace(returned, `\n    return {\n        __proto__: null,\n        ${JSON.stringify(toModule)}: ${own},\n    };\n}`);
// wasm-bindgen imports a snippet's namespace once per import of it (the
// object listed it under one key several times): those no longer read go.
const used = new Set(direct.map((line) => line.trim().split(/[:.]/)[1].trim()));
glue = glue.replace(/^import \* as (import\d+) from "[^"\n]+";?\n/gm, (line, variable) => (used.has(variable) ? line : ''));

// 3. Every export lookup.
glue = glue.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (whole, name) => {
  const to = exportNames.get(name);
  if (to === undefined) fail(`the glue reads wasm.${name}, which the module does not export`);
  return `wasm.${to}`;
});

writeFileSync(gluePath, glue);
writeFileSync(wasmPath, readFileSync(`${wasmPath}.min`));
rmSync(`${wasmPath}.min`);
