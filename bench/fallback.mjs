// The JavaScript fallback (pkg/fallback.js, binaryen's wasm2js of the .wasm,
// loaded only where a page may not compile WebAssembly) beside the .wasm:
// size (and the card entry's card/fallback.js beside card/card_bg.wasm), and
// the speed of the card calls through the same card.js on each, in
// one node process, samples interleaved. Prints JSON on stdout.
//
//   node bench/fallback.mjs [pkg-dir] [samples]
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { CARDS, PREFIXES } from './lib/inputs.mjs';
import { stats } from './lib/stats.mjs';

const pkgDir = resolve(process.argv[2] ?? new URL('../pkg', import.meta.url).pathname);
const SAMPLES = Number(process.argv[3] ?? 15);
const BATCH_MS = 20;
const WARMUP_MS = 500;

const size = (file) => {
  const path = `${pkgDir}/${file}`;
  return { raw: statSync(path).size, gzip: execFileSync('gzip', ['-9', '-n', '-c', path]).length };
};

// Two instances of the main glue: one on the .wasm, one on fallback.js (as
// index.js's initFallback does it: WebAssembly briefly a stub whose Instance
// builds fallback.js's exports), timed for initSync; and two of the card
// entry's card.js (the card functions of both entries) the same way, on
// card/card_bg.wasm and card/fallback.js, for the speed of the calls.
const real = globalThis.WebAssembly;
/** `init(module)` with WebAssembly a stub whose Instance evaluates the fallback `file`. */
async function onFallback(file, init) {
  const { instantiate } = await import(pathToFileURL(`${pkgDir}/${file}`).href);
  class Module {}
  globalThis.WebAssembly = { Module, Instance: function Instance(_m, imports) { return { exports: instantiate(imports) }; } };
  try {
    init(new Module());
  } finally {
    globalThis.WebAssembly = real;
  }
}
const glue = pathToFileURL(`${pkgDir}/razorpay_checkout_wasm.js`).href;
const mainWasm = await import(`${glue}?wasm`);
const t0 = performance.now();
mainWasm.initSync({ module: readFileSync(`${pkgDir}/razorpay_checkout_wasm_bg.wasm`) });
const wasmInitMs = performance.now() - t0;
const mainJs = await import(`${glue}?fallback`);
const t1 = performance.now();
await onFallback('fallback.js', (module) => mainJs.initSync({ module }));
const fallbackInitMs = performance.now() - t1;

const cardJs = pathToFileURL(`${pkgDir}/card/card.js`).href;
const wasm = await import(`${cardJs}?wasm`);
wasm.initSync({ module: readFileSync(`${pkgDir}/card/card_bg.wasm`) });
const js = await import(`${cardJs}?fallback`);
await onFallback('card/fallback.js', (module) => js.initSync(module));

const forms = CARDS.map(([, number, expiry, cvv, name]) => ({ number, expiry, cvv, name }));
let sink = 0;
const workloads = {
  validateCard: (m) => { for (const f of forms) sink ^= m.validateCard(f).valid ? 1 : 2; return forms.length; },
  inspectNumber: (m) => { for (const p of PREFIXES) sink ^= m.inspectNumber(p).formatted.length; return PREFIXES.length; },
};
// Same answers first.
for (const f of forms) {
  if (JSON.stringify(wasm.validateCard(f)) !== JSON.stringify(js.validateCard(f))) throw new Error(`validateCard differs: ${f.number}`);
}
for (const p of PREFIXES) {
  if (JSON.stringify(wasm.inspectNumber(p)) !== JSON.stringify(js.inspectNumber(p))) throw new Error(`inspectNumber differs: ${p}`);
}

/** ns per call over one batch of `reps` passes. */
function batch(fn, m, reps) {
  let ops = 0;
  const start = performance.now();
  for (let i = 0; i < reps; i++) ops += fn(m);
  return ((performance.now() - start) * 1e6) / ops;
}
/** Passes that take about BATCH_MS on `m`, after WARMUP_MS of calls. */
function calibrate(fn, m) {
  const until = performance.now() + WARMUP_MS;
  let reps = 0;
  while (performance.now() < until) { fn(m); reps++; }
  return Math.max(1, Math.round((reps * BATCH_MS) / WARMUP_MS));
}
const speed = {};
for (const [name, fn] of Object.entries(workloads)) {
  const repsWasm = calibrate(fn, wasm);
  const repsJs = calibrate(fn, js);
  const w = [], f = [], ratio = [];
  for (let i = 0; i < SAMPLES; i++) {
    const a = i % 2 ? batch(fn, js, repsJs) : batch(fn, wasm, repsWasm);
    const b = i % 2 ? batch(fn, wasm, repsWasm) : batch(fn, js, repsJs);
    const [nsWasm, nsJs] = i % 2 ? [b, a] : [a, b];
    w.push(nsWasm); f.push(nsJs); ratio.push(nsJs / nsWasm);
  }
  speed[name] = { wasmNs: stats(w), fallbackNs: stats(f), slowdown: stats(ratio) };
}
console.log(JSON.stringify({
  node: process.version,
  samples: SAMPLES,
  size: { wasm: size('razorpay_checkout_wasm_bg.wasm'), fallback: size('fallback.js'), cardWasm: size('card/card_bg.wasm'), cardFallback: size('card/fallback.js') },
  initMs: { wasm: wasmInitMs, fallback: fallbackInitMs },
  speed,
  sink,
}, null, 2));
