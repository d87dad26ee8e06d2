// Size: the shipped .wasm and glue, raw / gzip -9 / brotli (quality 11),
// beside the JavaScript anchors bundled and minified with esbuild; and what
// takes the space in the .wasm (twiggy). Prints JSON on stdout.
//
//   node bench/size.mjs <pkg-dir> <work-dir> [names-wasm]
//
// <work-dir> receives the esbuild bundles (startup.mjs serves them).
// [names-wasm] is a copy of the shipped .wasm built the same way but keeping
// its name section (run.sh makes it), so twiggy can name every item.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import * as esbuild from 'esbuild';
import { cardEntrySize } from '../scripts/card-entry.mjs';

const [pkgDir, workDir, namesWasm] = process.argv.slice(2).map((p) => p && resolve(p));
if (!pkgDir || !workDir) throw new Error('usage: size.mjs <pkg-dir> <work-dir> [names-wasm]');
mkdirSync(workDir, { recursive: true });
const here = new URL('.', import.meta.url).pathname;
const twiggy = process.env.TWIGGY ?? `${process.env.CARGO_HOME ?? `${homedir()}/.cargo`}/bin/twiggy`;

function sizes(bytes) {
  return {
    raw: bytes.length,
    gzip: execFileSync('gzip', ['-9', '-n', '-c'], { input: bytes, maxBuffer: 1 << 30 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

// --- ours ---------------------------------------------------------------------
const wasmPath = `${pkgDir}/razorpay_checkout_wasm_bg.wasm`;
const wasm = readFileSync(wasmPath);
const glue = readFileSync(`${pkgDir}/razorpay_checkout_wasm.js`);
// The JS modules the glue imports (wasm-bindgen snippets), each sent as its own file.
const snippetFiles = [];
const walk = (dir) => {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) walk(p); else if (p.endsWith('.js')) snippetFiles.push(p);
  }
};
walk(`${pkgDir}/snippets`);
const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
const ours = {
  wasm: sizes(wasm),
  glue: sizes(glue),
  snippets: snippetFiles.map((f) => sizes(readFileSync(f))).reduce(add, { raw: 0, gzip: 0, brotli: 0 }),
  snippetCount: snippetFiles.length,
};
// The browser entry that wraps the glue's init() (index.js), when the package has one.
const entrySource = existsSync(`${pkgDir}/index.js`) ? readFileSync(`${pkgDir}/index.js`) : null;
ours.entry = entrySource ? sizes(entrySource) : { raw: 0, gzip: 0, brotli: 0 };
// Whether index.js has the glue and snippets bundled in (scripts/integrity.mjs): then a page
// fetches index.js and the .wasm only, and the glue and snippets files are the Node entry's.
ours.bundled = entrySource !== null && !/from\s*["']\.\/razorpay_checkout_wasm\.js["']/.test(entrySource.toString('utf8'));
ours.total = ours.bundled
  ? add(ours.wasm, ours.entry)
  : add(add(add(ours.wasm, ours.glue), ours.snippets), ours.entry);
// Glue minified the way a merchant's bundler would (wasm-bindgen ships it unminified).
const glueMin = await esbuild.build({
  entryPoints: [`${pkgDir}/razorpay_checkout_wasm.js`], bundle: true, minify: true, format: 'esm',
  platform: 'browser', target: 'es2020', write: false, logLevel: 'silent',
});
ours.glueMinified = sizes(Buffer.from(glueMin.outputFiles[0].contents));
// razorpay-checkout-wasm/messages and each locale module (fetched only when chosen), as shipped.
ours.messages = existsSync(`${pkgDir}/messages.js`) ? sizes(readFileSync(`${pkgDir}/messages.js`)) : null;
ours.locales = existsSync(`${pkgDir}/locales`)
  ? readdirSync(`${pkgDir}/locales`).filter((n) => n.endsWith('.js')).sort()
    .map((n) => ({ locale: n.slice(0, -3), ...sizes(readFileSync(`${pkgDir}/locales/${n}`)) }))
  : [];

// --- the anchors --------------------------------------------------------------
const anchors = [];
for (const [name, entry, note] of [
  ['card-validator + credit-card-type (number, expirationDate, cvv, cardholderName; RuPay added)', 'card-validator-checks', 'the same checks as validateCard'],
  ['card-validator + credit-card-type, every export, no RuPay', 'card-validator-all', 'as published'],
  ['credit-card-type alone', 'credit-card-type', 'network detection only'],
]) {
  const out = `${workDir}/${entry}.min.js`;
  await esbuild.build({
    entryPoints: [`${here}entries/${entry}.mjs`], bundle: true, minify: true, format: 'esm',
    platform: 'browser', target: 'es2020', outfile: out, logLevel: 'silent',
  });
  anchors.push({ name, file: `${entry}.min.js`, note, ...sizes(readFileSync(out)) });
}

// --- the .wasm, section by section ------------------------------------------------
function leb(buf, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return [value, at];
  }
}
const SECTION = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount', 'tag'];
function sections(buf) {
  const out = [];
  let at = 8;
  while (at < buf.length) {
    const start = at;
    const id = buf[at++];
    let size;
    [size, at] = leb(buf, at);
    let name = SECTION[id] ?? `id ${id}`;
    if (id === 0) {
      const [len, p] = leb(buf, at);
      name = `custom "${buf.subarray(p, p + len).toString()}"`;
    }
    at += size;
    out.push({ name, bytes: at - start });
  }
  return out;
}
const shippedSections = sections(wasm);

// --- twiggy -------------------------------------------------------------------------
function twiggyTop(file, n) {
  return JSON.parse(execFileSync(twiggy, ['top', '-n', String(n), '-f', 'json', file], { maxBuffer: 1 << 28 }).toString());
}

/** Which crate (or kind of item) a twiggy item belongs to. */
function owner(name) {
  if (/^data segment/.test(name)) return ['static data (.rodata, .data)', null];
  if (/ shim$|^__wbindgen_|^__wbg_|^__externref_/.test(name)) {
    return ['wasm-bindgen export shims (Rust bodies inlined into them)', null];
  }
  if (/^(type|import|export|elem|table|global|memory|func)\b|^custom section|^code\[|^data\[|"[^"]*" subsection/.test(name)) {
    return ['module structure (types, imports, exports, tables)', null];
  }
  const clean = name.replace(/\[[0-9a-f]{16}\]/g, '').replace(/::h[0-9a-f]{16}$/, '');
  // `<T as Trait>::f` belongs to T's crate, unless T is a primitive or a reference.
  let path = clean;
  const m = /^<(.+?) as (.+?)>::/.exec(clean);
  if (m) path = /^[a-z_][a-z0-9_]*::/.test(m[1]) ? m[1] : m[2];
  path = path.replace(/^<+/, '').replace(/^(impl |&(mut )?|dyn )/, '');
  const crate = /^([a-z_][a-z0-9_]*)::/.exec(path)?.[1];
  if (!crate) return [/^(memcmp|memcpy|memset|memmove)$/.test(name) ? 'compiler_builtins (mem*)' : 'other (unnamed, C)', null];
  if (crate === 'razorpay_checkout_wasm') {
    const module = path.split('::').slice(1, 3).filter((s) => /^[a-z_][a-z0-9_]*$/.test(s)).slice(0, 2).join('::') || '(root)';
    const derive = /serde_core::(de|ser)::|__Visitor|__FieldVisitor|_::<impl serde/.test(clean);
    return [derive ? 'razorpay_checkout_wasm: serde (derive and (de)serializers)' : 'razorpay_checkout_wasm: own code', module];
  }
  if (['core', 'alloc', 'std'].includes(crate)) return [`${crate} (Rust standard library)`, null];
  return [crate, null];
}

let breakdown = null;
if (namesWasm) {
  const named = readFileSync(namesWasm);
  const namedSections = sections(named);
  // The names copy must be the shipped module plus a name section.
  const bytesOf = (list, n) => list.filter((s) => s.name === n).reduce((a, s) => a + s.bytes, 0);
  const differ = ['code', 'data', 'type', 'import', 'export', 'function', 'element']
    .filter((n) => bytesOf(namedSections, n) !== bytesOf(shippedSections, n))
    .map((n) => ({ name: n, shipped: bytesOf(shippedSections, n), named: bytesOf(namedSections, n) }));
  const same = differ.length === 0;
  const items = twiggyTop(namesWasm, 1e6).filter((i) => !/ subsection$/.test(i.name) && !/^custom section 'name'/.test(i.name));
  const shipped = wasm.length;
  const top = items.slice(0, 20).map((i) => ({ name: i.name, bytes: i.shallow_size, percent: (100 * i.shallow_size) / shipped }));
  const byCrate = new Map();
  const byModule = new Map();
  for (const i of items) {
    const [crate, module] = owner(i.name);
    byCrate.set(crate, (byCrate.get(crate) ?? 0) + i.shallow_size);
    if (module) byModule.set(module, (byModule.get(module) ?? 0) + i.shallow_size);
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => ({ name, bytes, percent: (100 * bytes) / shipped }));
  breakdown = { matchesShipped: same, differ, namedFile: namesWasm, top, byCrate: sorted(byCrate), byModule: sorted(byModule) };
}
// twiggy on the shipped file as it is (names stripped: items are code[N]).
const shippedTop = twiggyTop(wasmPath, 10).map((i) => ({ name: i.name, bytes: i.shallow_size }));

// The card entry: pkg/card/card.js and everything it loads.
const card = cardEntrySize(pkgDir);

console.log(JSON.stringify({ ours, card, anchors, sections: shippedSections, breakdown, shippedTop }, null, 1));
