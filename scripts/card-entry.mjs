// What a page that imports only `razorpay-checkout-wasm/card` downloads:
// pkg/card/card.js, every module it imports (followed transitively, static
// `import ... from '...'` and `import('...')`), and every `.wasm` those
// name with `new URL('...', import.meta.url)`. Used by bench/size.mjs (the
// budget line of `make bench`) and tests/pkg/package.test.mjs (the same
// budget, checked).
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

/** The card entry's budget: its .wasm + JS + anything it imports, gzip -9. */
export const CARD_BUDGET_GZIP = 14_000;

/** The files (absolute paths) the card entry loads, entry first. */
export function cardEntryFiles(pkgDir) {
  const seen = new Set();
  const queue = [resolve(pkgDir, 'card/card.js')];
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.js')) continue;
    const text = readFileSync(file, 'utf8');
    const specs = [
      ...text.matchAll(/\b(?:import|export)\s*(?:[\w*{}\s,$]*?\s*from\s*)?["']([^"']+)["']/g),
      ...text.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g),
      ...text.matchAll(/new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url\s*\)/g),
    ].map((m) => m[1]);
    for (const spec of specs) {
      if (/^[a-z][a-z0-9+.-]*:|^\/|^[@a-z]/i.test(spec) && !/^[\w.-]+\.(js|wasm)$/.test(spec)) throw new Error(`${file} imports ${spec}: the card entry must load only its own files`);
      queue.push(resolve(dirname(file), spec));
    }
  }
  return [...seen];
}

/** gzip -9 size of a file. */
export function gzipSize(file) {
  return execFileSync('gzip', ['-9', '-n', '-c', file], { maxBuffer: 1 << 28 }).length;
}

/** `{ files: [{ file, raw, gzip }], gzip, raw }` of the card entry. */
export function cardEntrySize(pkgDir) {
  const files = cardEntryFiles(pkgDir).map((file) => ({
    file: relative(pkgDir, file),
    raw: readFileSync(file).length,
    gzip: gzipSize(file),
  }));
  return { files, raw: files.reduce((a, f) => a + f.raw, 0), gzip: files.reduce((a, f) => a + f.gzip, 0) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = cardEntrySize(process.argv[2] ?? 'pkg');
  for (const f of size.files) console.log(`${f.file}: ${f.raw} B, ${f.gzip} B gzip -9`);
  console.log(`card entry: ${size.gzip} B gzip -9 (budget ${CARD_BUDGET_GZIP}): ${size.gzip <= CARD_BUDGET_GZIP ? 'PASS' : 'MISS'}`);
}

/**
 * The `<link rel="preload">` of the card module that README.md tells pages
 * to put in their `<head>` (its "Start-up" paragraph), with `href` pointing
 * at `wasmUrl`: the page bench/startup.mjs measures and
 * tests/e2e/card-entry.test.mjs checks use it as written there.
 */
export function cardPreloadHint(readme, wasmUrl) {
  const links = readme.match(/^<link rel="preload"[^\n]*card_bg\.wasm[^\n]*>$/gm) ?? [];
  if (links.length !== 1) throw new Error(`README.md: expected one <link rel="preload"> of card_bg.wasm, found ${links.length}`);
  return links[0].replace(/href="[^"]*"/, `href="${wasmUrl}"`);
}
