// A recording HTTP proxy on 127.0.0.1 for one Firefox context (harness.mjs):
// every request the browser sends goes through it, and its method, URL,
// headers and body are recorded as they went on the wire, because
// Playwright's WebDriver BiDi backend reports no request bodies. It forwards
// only to loopback hosts (the tests' servers; anything else gets a 502:
// nothing here may reach the internet), streams both ways without
// buffering (the hostile backend's slow drip arrives as it drips), and
// passes a connection reset on as a reset.
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Starts a proxy: `{ url, entries, claim(request), close() }`. */
export async function startWire() {
  const entries = []; // { method, url, headers, body, claimed }
  const sockets = new Set();
  const server = createServer((req, res) => {
    let target;
    try { target = new URL(req.url); } catch { res.writeHead(400).end(); return; }
    const chunks = [];
    const entry = { method: req.method, url: target.href, headers: { ...req.headers }, body: null, claimed: false };
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { entry.body = Buffer.concat(chunks).toString('utf8'); entries.push(entry); });
    if (target.protocol !== 'http:' || !LOOPBACK.has(target.hostname)) {
      req.resume();
      res.writeHead(502, { 'content-type': 'text/plain' }).end('wire.mjs: only loopback http is forwarded');
      return;
    }
    const headers = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (!/^proxy-/i.test(req.rawHeaders[i])) headers.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
    }
    const upstream = httpRequest({ host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port || 80, method: req.method,
      path: `${target.pathname}${target.search}`, headers, setHost: false }, (answer) => {
      const out = [];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) out.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
      res.writeHead(answer.statusCode, answer.statusMessage, out);
      res.flushHeaders();
      answer.on('data', (c) => res.write(c));
      answer.on('end', () => res.end());
      answer.on('error', () => res.socket?.destroy());
      answer.on('aborted', () => res.socket?.destroy());
    });
    // A reset (or any failure) upstream is a reset for the browser too.
    upstream.on('error', () => res.socket?.destroy());
    res.on('close', () => { if (!res.writableFinished) upstream.destroy(); });
    req.pipe(upstream);
  });
  // A CONNECT tunnel, to loopback only, unrecorded: Playwright's own fetches
  // (`route.fetch()`, made by the test, not the page) use the context's proxy so.
  server.on('connect', (req, socket, head) => {
    const [host, port] = [req.url.slice(0, req.url.lastIndexOf(':')), Number(req.url.slice(req.url.lastIndexOf(':') + 1))];
    if (!LOOPBACK.has(host)) { socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'); return; }
    const upstream = connect(port, host.replace(/^\[|\]$/g, ''), () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    entries,
    /**
     * The body of the wire request that is `request` (a harness request
     * record): the first unclaimed one with its method, URL and
     * Idempotency-Key; null while none has arrived.
     */
    claim(request) {
      const key = request.headers['idempotency-key'];
      const hit = entries.find((e) => !e.claimed && e.method === request.method && e.url === request.url
        && e.headers['idempotency-key'] === key);
      if (!hit) return null;
      hit.claimed = true;
      return hit.body;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}
