// Writes the card entry's declarations (`node scripts/merge-card.mjs pkg/card`):
// crates/card-wasm/card.d.ts with the card types of src/wasm/types.rs
// (TS_CARD_TYPES, the block the main entry's .d.ts carries too) in place of
// its TYPES line, and the card fields' binding's, src/wasm/fields.d.ts
// (copied beside it, re-exported). The build fails if an `any` or an
// export is missing.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node scripts/merge-card.mjs <card out dir>');
  process.exit(2);
}
const types = readFileSync(join(root, 'src/wasm/types.rs'), 'utf8').match(/const TS_CARD_TYPES: &'static str = r#"\n([\s\S]*?)"#;/)?.[1];
if (!types) {
  console.error('merge-card: TS_CARD_TYPES not found in src/wasm/types.rs');
  process.exit(1);
}
const template = readFileSync(join(root, 'crates/card-wasm/card.d.ts'), 'utf8');
// The card fields' binding (src/wasm/fields.js, bundled into card.js) and its types.
copyFileSync(join(root, 'src/wasm/fields.d.ts'), join(out, 'fields.d.ts'));
const dts = `${template.replace('/* TYPES */\n', types)}
export { bindCardFields } from './fields.js';
export type { CardFieldName, CardFields, CardFieldsOptions, CardFieldsState, FieldError } from './fields.js';
`;
const path = join(out, 'card.d.ts');
writeFileSync(path, dts);
const stray = dts.split('\n').filter((line) => /\bany\b/.test(line));
if (stray.length) {
  console.error(`merge-card: ${path} has \`any\`:\n${stray.join('\n')}`);
  process.exit(1);
}
const js = await import(pathToFileURL(join(out, 'card.js')).href);
for (const name of ['validateCard', 'inspectNumber', 'cardNetwork', 'parseExpiry', 'bindCardFields', 'initSync', 'default']) {
  if (name !== 'default' && !new RegExp(`export function ${name}\\(|export \\{ ${name} \\}`).test(dts)) {
    console.error(`merge-card: ${path} does not declare ${name}`);
    process.exit(1);
  }
  if (typeof js[name] !== 'function') {
    console.error(`merge-card: ${out}/card.js does not export ${name}`);
    process.exit(1);
  }
}
