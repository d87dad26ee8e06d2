// Merges pkg-template/ into the wasm-pack output: package.json fields from
// pkg-template/package.json override wasm-pack's, other files are copied.
import { readFileSync, writeFileSync, readdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';

const [out, template] = process.argv.slice(2);
const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
const extra = JSON.parse(readFileSync(join(template, 'package.json'), 'utf8'));
const merged = { ...pkg, ...extra, version: pkg.version };
writeFileSync(join(out, 'package.json'), JSON.stringify(merged, null, 2) + '\n');
for (const name of readdirSync(template)) {
  if (name !== 'package.json') copyFileSync(join(template, name), join(out, name));
}
