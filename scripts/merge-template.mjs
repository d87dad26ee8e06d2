// Merges pkg-template/ into the wasm-pack output (`node scripts/merge-template.mjs pkg pkg-template`):
// - package.json: pkg-template's fields override wasm-pack's, except `name` and
//   `version`, which stay Cargo.toml's (wasm-pack writes them); `files` is the
//   union of both lists;
// - every other file of pkg-template/ is copied, and CHANGELOG.md from the
//   repository root, which must have an entry for the version;
// - the generated .d.ts (the shipped one: `files` leaves out
//   razorpay_checkout_wasm_bg.wasm.d.ts, the raw module's): wasm-bindgen declares the raw wasm exports of
//   `InitOutput` (what `init()` resolves to, never called by a page) with
//   `any` for JS values; they become `unknown`, so no `any` reaches a
//   merchant's code;
// - the block of src/wasm/types.rs (between its markers) is also written
//   alone to types.d.ts, which node.d.ts imports, without the DOM types
//   that the browser entry's `init()` names.
// The build fails if any `any` is left in a shipped .d.ts, or if a file
// that `files` or `exports` names is missing.
// - locales/ is copied, each locale gets a .d.ts, and messages.d.ts its
//   MessageKey union from locales/en.js (every locale must have exactly
//   English's keys).
// Idempotent: running it twice over the same output changes nothing.
import { readFileSync, writeFileSync, readdirSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [out, template] = process.argv.slice(2);
if (!out || !template) {
  console.error('usage: node scripts/merge-template.mjs <wasm-pack out dir> <template dir>');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fail = (message) => {
  console.error(`merge-template: ${message}`);
  process.exit(1);
};

// package.json
const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
const extra = JSON.parse(readFileSync(join(template, 'package.json'), 'utf8'));
const files = [...new Set([...(pkg.files ?? []), ...(extra.files ?? [])])];
const merged = { ...pkg, ...extra, name: pkg.name, version: pkg.version, files };
writeFileSync(join(out, 'package.json'), JSON.stringify(merged, null, 2) + '\n');

// Files (and the locales/ folder, one level down).
for (const entry of readdirSync(template, { withFileTypes: true })) {
  if (entry.isDirectory()) {
    mkdirSync(join(out, entry.name), { recursive: true });
    for (const name of readdirSync(join(template, entry.name))) {
      copyFileSync(join(template, entry.name, name), join(out, entry.name, name));
    }
  } else if (entry.name !== 'package.json') {
    copyFileSync(join(template, entry.name), join(out, entry.name));
  }
}

// Messages: the MessageKey union of messages.d.ts is written from
// locales/en.js's keys, and each locale gets its .d.ts; the build fails if
// a locale's keys differ from English's.
{
  const localeDir = join(out, 'locales');
  const keysOf = async (code) => Object.keys((await import(pathToFileURL(join(localeDir, `${code}.js`)).href)).default);
  const en = await keysOf('en');
  const codes = readdirSync(localeDir).filter((n) => n.endsWith('.js')).map((n) => n.slice(0, -3));
  for (const code of codes) {
    const keys = await keysOf(code);
    const missing = en.filter((k) => !keys.includes(k));
    const extraKeys = keys.filter((k) => !en.includes(k));
    if (missing.length || extraKeys.length) fail(`locales/${code}.js: missing ${missing.join(', ') || '-'}; unknown ${extraKeys.join(', ') || '-'}`);
    writeFileSync(join(localeDir, `${code}.d.ts`),
      `import type { Messages } from '../messages.js';\n/** The ${code} messages of razorpay-checkout-wasm/messages. */\ndeclare const messages: Messages;\nexport default messages;\n`);
  }
  const dtsPath = join(out, 'messages.d.ts');
  const union = en.map((k) => `\n  | '${k}'`).join('');
  const source = readFileSync(dtsPath, 'utf8');
  if (!source.includes('/* MESSAGE_KEYS */ string')) fail('messages.d.ts lacks its /* MESSAGE_KEYS */ marker');
  writeFileSync(dtsPath, source.replace('/* MESSAGE_KEYS */ string', union));
}
const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
const escaped = pkg.version.replaceAll('.', '\\.');
if (!new RegExp(`^## \\[${escaped}\\]`, 'm').test(changelog)) {
  fail(`CHANGELOG.md has no "## [${pkg.version}]" entry for the version Cargo.toml gives`);
}
copyFileSync(join(root, 'CHANGELOG.md'), join(out, 'CHANGELOG.md'));

// Declarations.
const dts = join(out, `${pkg.name.replaceAll('-', '_')}.d.ts`);
let text = readFileSync(dts, 'utf8');
text = text.replace(/export interface InitOutput \{[^}]*\}/, (block) => block.replace(/\bany\b/g, 'unknown'));
writeFileSync(dts, text);
const block = text.match(/^\/\* razorpay-checkout-wasm types: begin[^\n]*\n([\s\S]*?)^\/\* razorpay-checkout-wasm types: end \*\/$/m);
if (!block) fail(`${dts} lacks the types block of src/wasm/types.rs (its begin/end markers)`);
writeFileSync(join(out, 'types.d.ts'),
  '/* The shapes the exports take and return (from src/wasm/types.rs); node.d.ts uses them. */\n' + block[1]);

const withoutComments = (source) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
for (const name of files.filter((n) => n.endsWith('.d.ts'))) {
  const code = withoutComments(readFileSync(join(out, name), 'utf8'));
  const line = code.split('\n').find((l) => /\bany\b/.test(l));
  if (line !== undefined) fail(`${name} still declares \`any\`: ${line.trim()}`);
}

// Everything the manifest points at exists.
const targets = (value) =>
  typeof value === 'string' ? [value] : Object.values(value ?? {}).flatMap(targets);
for (const path of [...files, merged.main, merged.module, merged.types, ...targets(merged.exports)]) {
  if (path?.includes('*')) {
    // A subpath pattern (./locales/*.js): every locale must have the file.
    const [dir, suffix] = [dirname(path), path.slice(path.indexOf('*') + 1)];
    for (const code of readdirSync(join(out, 'locales')).filter((n) => n.endsWith('.js')).map((n) => n.slice(0, -3))) {
      if (!existsSync(join(out, dir, code + suffix))) fail(`package.json names ${path}, which is not in ${out}/ for ${code}`);
    }
  } else if (path && !existsSync(join(out, path))) fail(`package.json names ${path}, which is not in ${out}/`);
}
