// Finishes the card entry's declarations (`node scripts/merge-card.mjs pkg/card`):
// wasm-bindgen's card.d.ts declares the raw wasm exports of `InitOutput`
// (what `init()` resolves to, never called by a page) with `any`; they
// become `unknown`, as merge-template.mjs does for the main entry. The
// build fails if any `any` is left.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node scripts/merge-card.mjs <card out dir>');
  process.exit(2);
}
const path = join(out, 'card.d.ts');
const dts = readFileSync(path, 'utf8').replace(/\bany\b/g, 'unknown');
writeFileSync(path, dts);
const stray = dts.split('\n').filter((line) => /\bany\b/.test(line));
if (stray.length) {
  console.error(`merge-card: ${path} still has \`any\`:\n${stray.join('\n')}`);
  process.exit(1);
}
for (const name of ['validateCard', 'inspectNumber', 'cardNetwork', 'parseExpiry']) {
  if (!new RegExp(`export function ${name}\\(`).test(dts)) {
    console.error(`merge-card: ${path} does not export ${name}`);
    process.exit(1);
  }
}
