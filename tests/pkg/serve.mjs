// A small static file server on 127.0.0.1 for the consumption tests: real
// MIME types (`.wasm` as application/wasm), an optional path prefix (to prove
// the built page works from a sub-path) and an optional
// Content-Security-Policy header: a string, or a function of `{ origin,
// nonce }` for a policy naming the server's own URLs or a fresh nonce (every
// `__NONCE__` in an HTML page is replaced by that response's nonce). Files
// can be overridden by path (`tamper`, for the integrity tests). Records
// every request it answered.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, extname, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/**
 * Serves `root` under `prefix` (e.g. '/shop/checkout/'; default '/').
 * `tamper` maps a URL path to the bytes served instead of the file's.
 * Resolves `{ url, origin, requests, close }`; `url` ends with the prefix.
 */
export async function serve(root, { prefix = '/', csp = null, tamper = {} } = {}) {
  const requests = [];
  let origin = '';
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const record = (status, type) => requests.push({ path, status, type });
    const send = (status, type, body) => {
      const headers = { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
      if (csp && type.startsWith('text/html')) {
        const nonce = randomBytes(16).toString('base64');
        headers['Content-Security-Policy'] = typeof csp === 'function' ? csp({ origin, nonce }) : csp;
        body = String(body).replaceAll('__NONCE__', nonce);
      }
      res.writeHead(status, headers);
      res.end(body);
      record(status, type);
    };
    if (path === '/favicon.ico') return send(204, 'image/x-icon', ''); // asked for by every page
    if (!path.startsWith(prefix)) return send(404, 'text/plain', 'not found');
    let file = normalize(join(root, path.slice(prefix.length)));
    if (file !== root && !file.startsWith(root + sep)) return send(403, 'text/plain', 'forbidden');
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      send(200, TYPES[extname(file)] ?? 'application/octet-stream', tamper[path] ?? await readFile(file));
    } catch {
      send(404, 'text/plain', 'not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  const url = `${origin}${prefix}`;
  return { url, origin, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}
