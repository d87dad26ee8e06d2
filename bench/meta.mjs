// The facts of this run that the report states: date, machine, load at the
// start, what pkg/ was built from. Prints JSON.   node bench/meta.mjs <pkg-dir>
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';

const pkgDir = resolve(process.argv[2] ?? 'pkg');
const git = (...args) => {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};
const esbuild = JSON.parse(readFileSync(new URL('node_modules/esbuild/package.json', import.meta.url), 'utf8')).version;
console.log(JSON.stringify({
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  cpu: cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU',
  cores: cpus().length,
  load: loadavg().map((l) => l.toFixed(2)).join(' / '),
  commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
  dirty: git('status', '--porcelain', '--', 'src', 'Cargo.toml', 'Cargo.lock', 'scripts/build-pkg.sh') !== '',
  pkgBuilt: statSync(`${pkgDir}/razorpay_checkout_wasm_bg.wasm`).mtime.toISOString().replace(/\.\d+Z$/, 'Z'),
  esbuild,
  built: process.env.BENCH_BUILT === '1',
}));
