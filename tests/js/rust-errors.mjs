// Every error the Rust core can give, read from its source: each error
// construction outside `#[cfg(test)]` in src/error.rs, src/value.rs,
// src/wire.rs, src/card/*, src/checkout/* and src/wasm/*, as { kind, field, business,
// site }. tests/js/messages.test.mjs checks that each has a message, so a
// new error without one fails the test.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The source files read, relative to the repository root. */
export function rustFiles() {
  const dir = (d) => readdirSync(join(root, d)).filter((n) => n.endsWith('.rs')).sort().map((n) => `${d}/${n}`);
  return ['src/error.rs', 'src/value.rs', 'src/wire.rs', ...dir('src/card'), ...dir('src/checkout'), ...dir('src/wasm')];
}

/** Rust source without comments and without its `#[cfg(test)]` module (string literals kept). */
export function code(source) {
  const cut = source.search(/^#\[cfg\(test\)\]\s*\n\s*mod /m);
  const s = cut >= 0 ? source.slice(0, cut) : source;
  let out = '';
  for (let i = 0; i < s.length;) {
    if (s.startsWith('//', i)) { while (i < s.length && s[i] !== '\n') i++; continue; }
    if (s.startsWith('/*', i)) { const end = s.indexOf('*/', i + 2); i = end < 0 ? s.length : end + 2; continue; }
    const ch = s.match(/^'(?:\\.|[^\\'])'/, 'y') ?? s.slice(i).match(/^'(?:\\u\{[0-9a-fA-F]+\}|\\.|[^\\'\n])'/);
    if (s[i] === "'" && ch) { out += ch[0]; i += ch[0].length; continue; }
    if (s[i] === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      out += s.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    out += s[i++];
  }
  return out;
}

/** `ErrorKind::Variant` → its wire word, from `ErrorKind::as_str` in src/error.rs. */
export function kindWords() {
  const src = code(readFileSync(join(root, 'src/error.rs'), 'utf8'));
  const words = {};
  for (const m of src.matchAll(/ErrorKind::(\w+)\s*=>\s*"(\w+)"/g)) words[m[1]] = m[2];
  return words;
}

/** The validation kinds (`ErrorKind::is_validation`). */
export function validationKinds() {
  const src = code(readFileSync(join(root, 'src/error.rs'), 'utf8'));
  const body = src.slice(src.indexOf('fn is_validation'), src.indexOf('fn defaults'));
  const words = kindWords();
  return [...body.matchAll(/ErrorKind::(\w+)/g)].map((m) => words[m[1]]);
}

// The statement around a match: up to its `;` (or the end of the arm).
const statement = (src, at) => {
  const end = src.slice(at).search(/;|\n\s*\}\s*\n|,\n\s*(?:Some|None|Ok|Err|_)\b/);
  return src.slice(at, end < 0 ? src.length : at + end);
};
const FIELD = String.raw`(?:"([^"]*)"|([A-Za-z_]\w*))`;

/**
 * Every construction: { kind, field (a literal path, or null), ident (the
 * variable when the field is not a literal), business, site }.
 */
export function constructions() {
  const words = kindWords();
  const found = [];
  for (const file of rustFiles()) {
    const src = code(readFileSync(join(root, file), 'utf8'));
    const line = (at) => src.slice(0, at).split('\n').length;
    const add = (m, kind, literal, ident, viaBusinessHelper = false) => {
      const stmt = statement(src, m.index);
      found.push({
        kind, field: literal ?? null, ident: literal === undefined ? ident ?? null : null,
        // with_source("business") on it, or wrapped by a local `business` closure
        // (`business(type_error(…))`, `.map_err(business)`).
        business: viaBusinessHelper || /with_source\("business"\)|map_err\(business\)/.test(stmt)
          || /\bbusiness\(\s*$/.test(src.slice(Math.max(0, m.index - 12), m.index)),
        site: `${file}:${line(m.index)}`,
      });
    };
    for (const m of src.matchAll(new RegExp(String.raw`Error::invalid\(\s*ErrorKind::(\w+)\s*,\s*${FIELD}`, 'g'))) add(m, words[m[1]], m[2], m[3]);
    for (const m of src.matchAll(new RegExp(String.raw`\bbusiness\(\s*ErrorKind::(\w+)\s*,\s*${FIELD}`, 'g'))) add(m, words[m[1]], m[2], m[3], true);
    for (const m of src.matchAll(new RegExp(String.raw`Error::required\(\s*${FIELD}`, 'g'))) add(m, 'required', m[1], m[2]);
    for (const m of src.matchAll(new RegExp(String.raw`\btype_error\(\s*${FIELD}`, 'g'))) {
      if (!/fn\s+$/.test(src.slice(Math.max(0, m.index - 8), m.index))) add(m, 'invalid_type', m[1], m[2]);
    }
    // Loose::text / text_or_int: `invalid_type` on the field for a value of another type.
    for (const m of src.matchAll(new RegExp(String.raw`\.text(?:_or_int)?\(\s*${FIELD}\s*\)`, 'g'))) add(m, 'invalid_type', m[1], m[2]);
    // required_text(v, "field"): `required` or `invalid_type` on it.
    for (const m of src.matchAll(/\brequired_text\(\s*\w+\s*,\s*"([^"]*)"\s*\)/g)) {
      add(m, 'required', m[1]);
      add(m, 'invalid_type', m[1]);
    }
    for (const m of src.matchAll(/Error::new\(\s*ErrorKind::(\w+)/g)) add(m, words[m[1]], null, null);
  }
  return found;
}
