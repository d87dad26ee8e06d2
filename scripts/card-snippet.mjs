// Points the main glue's src/wasm/card.js snippet at the card entry
// (`node scripts/card-snippet.mjs <package dir>`, after scripts/build-card.sh):
// the glue imports `alphabetic`, `makeError` and `now` from
// ./card/card.js, which exports the same functions (bundled from the same
// src/wasm/card.js), and the snippet file is removed. The main entry loads
// card/card.js anyway (its card functions are the card entry's), so a page
// gets these once: about 300 B gzip -9 less in index.js (2026-12-06).
// Run by scripts/build-pkg.sh and by scripts/test.sh for its no-wipe package.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node scripts/card-snippet.mjs <package dir>');
  process.exit(2);
}
const glue = join(out, 'razorpay_checkout_wasm.js');
const text = readFileSync(glue, 'utf8');
const snippet = /(["'])\.\/(snippets\/razorpay-checkout-wasm-[0-9a-f]+\/src\/wasm\/card\.js)\1/g;
const found = [...text.matchAll(snippet)];
if (found.length !== 1) {
  console.error(`card-snippet: ${glue} imports the card.js snippet ${found.length} times (once expected)`);
  process.exit(1);
}
const card = readFileSync(join(out, 'card', 'card.js'), 'utf8');
const names = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']\.\/snippets\/[^"']*\/card\.js["']/g)]
  .flatMap((m) => m[1].split(',').map((part) => part.trim().split(/\s+as\s+/)[0]).filter(Boolean));
for (const name of names) {
  if (!new RegExp(`export\\s*\\{[^}]*\\b${name}\\b`).test(card) && !card.includes(`export function ${name}(`)) {
    console.error(`card-snippet: ${out}/card/card.js does not export ${name}, which the glue imports`);
    process.exit(1);
  }
}
writeFileSync(glue, text.replace(snippet, '"./card/card.js"'));
rmSync(join(out, found[0][2]));
