// Finishes the card entry's declarations (`node scripts/merge-card.mjs pkg/card`):
// wasm-bindgen's card.d.ts declares the raw wasm exports of `InitOutput`
// (what `init()` resolves to, never called by a page) with `any`; they
// become `unknown`, as merge-template.mjs does for the main entry. The
// build fails if any `any` is left.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node scripts/merge-card.mjs <card out dir>');
  process.exit(2);
}
const path = join(out, 'card.d.ts');
// The card fields' binding (src/wasm/fields.js, copied by build-card.sh) and its types.
copyFileSync(new URL('../src/wasm/fields.d.ts', import.meta.url), join(out, 'fields.d.ts'));
const dts = `${readFileSync(path, 'utf8').replace(/\bany\b/g, 'unknown')}
export { bindCardFields } from './fields.js';
export type { CardFieldName, CardFields, CardFieldsOptions, CardFieldsState, FieldError } from './fields.js';
`;
writeFileSync(path, dts);
const stray = dts.split('\n').filter((line) => /\bany\b/.test(line));
if (stray.length) {
  console.error(`merge-card: ${path} still has \`any\`:\n${stray.join('\n')}`);
  process.exit(1);
}
for (const name of ['validateCard', 'inspectNumber', 'cardNetwork', 'parseExpiry', 'bindCardFields']) {
  if (!new RegExp(`export function ${name}\\(|export \\{ ${name} \\}`).test(dts)) {
    console.error(`merge-card: ${path} does not export ${name}`);
    process.exit(1);
  }
}
