// A stand-in merchant backend for the wasm-bindgen browser tests
// (tests/web_checkout.rs). It answers each scenario with a documented
// Razorpay response (seed 004), or a broken or hostile one, and records every
// request so a test can assert what was sent and how often.
// The test page is served from another port, so it answers CORS.
// A second listener on port + 1 stands for a foreign origin: the redirect
// scenarios send their Location there, and it records whatever reaches it
// (GET /foreign on the main port lists it) so a test can show nothing did.
// Usage: node tests/support/mock-merchant.mjs [port]   (default 18455)
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 18455);
const log = [];
const foreignLog = [];
const foreign = `http://127.0.0.1:${port + 1}`;

const workflow = (next) => ({
  amount: 100, amount_due: 100, amount_paid: 0, attempts: 1, created_at: 1752043784, currency: 'INR',
  entity: 'order', id: 'order_QqsMZ12p7MytBA', notes: { key1: 'value3', key2: 'value2' }, offer_id: null,
  payment_workflow: { next, razorpay_payment_id: 'pay_QqsMa9GhrUxvtx' }, receipt: null, status: 'attempted',
});
// Verbatim from the Composite Order API docs.
const documented = workflow([
  { action: 'redirect', url: 'https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/authorize' },
  { action: 'otp_generate', url: 'https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp_generate?track_id=FVmAtLUe9XZSGM&key_id=<YOUR_KEY_ID>' },
]);
const otpChallenge = {
  razorpay_payment_id: 'pay_FVmAstJWfsD3SO',
  next: [
    { action: 'otp_submit', url: 'https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp/submit' },
    { action: 'otp_resend', url: 'https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp/resend' },
  ],
  metadata: { issuer: 'HDFC', network: 'VISA', last4: '1007', iin: '410028' },
};
const badOtp = {
  error: {
    code: 'BAD_REQUEST_ERROR', description: 'Payment processing failed because of incorrect OTP', source: 'customer',
    step: 'payment_authentication', reason: 'incorrect_otp', metadata: { payment_id: 'pay_FVmAstJWfsD3SO' },
  },
  next: ['otp_submit', 'otp_resend'],
};
const paid = { razorpay_payment_id: 'pay_FVmAstJWfsD3SO', razorpay_order_id: 'order_QqsMZ12p7MytBA', razorpay_signature: '9ef4dffbfd84f1318f6739a3ce19f9d85851857ae648f114332d8401e0949a3d' };
const cvvError = {
  error: {
    code: 'BAD_REQUEST_ERROR', description: 'The cvv must be between 3 and 4 digits', source: 'business',
    step: 'payment_initiation', reason: 'input_validation_failed', field: 'cvv', metadata: {},
  },
};

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

// A redirect to the foreign origin (keeping the path, as a hijacked or
// misconfigured proxy would).
const redirect = (res, status) => {
  res.writeHead(status, { location: `${foreign}/steal`, 'content-type': 'application/json' });
  res.end('{}');
};

const scenarios = {
  redirect_301: (res) => redirect(res, 301),
  redirect_302: (res) => redirect(res, 302),
  redirect_303: (res) => redirect(res, 303),
  redirect_307: (res) => redirect(res, 307),
  redirect_308: (res) => redirect(res, 308),
  // The order answer offers OTP only (no redirect to fall back on); its OTP generate call is redirected.
  otp_redirect_generate: (res) => json(res, 200, workflow([documented.payment_workflow.next[1]])),
  // The order answer and OTP generate are fine; submit (307) and resend (308) are redirected.
  otp_redirect: (res) => json(res, 200, documented),
  documented: (res) => json(res, 200, documented),
  redirect_only: (res) => json(res, 200, workflow([documented.payment_workflow.next[0]])),
  no_next: (res) => json(res, 200, workflow(undefined)),
  gateway_error: (res) => json(res, 400, cvvError),
  html_500: (res) => { res.writeHead(500, { 'content-type': 'text/html' }); res.end('<html><body>Internal Server Error</body></html>'); },
  malformed: (res) => json(res, 200, '{"payment_workflow": {"next": ['),
  empty: (res) => { res.writeHead(200); res.end(); },
  wrong_shape: (res) => json(res, 200, { payment_workflow: 'yes' }),
  javascript_url: (res) => json(res, 200, workflow([{ action: 'redirect', url: 'javascript:alert(document.cookie)' }])),
  data_url: (res) => json(res, 200, workflow([{ action: 'redirect', url: 'data:text/html,<script>alert(1)</script>' }])),
  foreign_host: (res) => json(res, 200, workflow([{ action: 'redirect', url: 'https://api.razorpay.com.evil.example/v1/payments/pay_x/authorize' }])),
  plain_http: (res) => json(res, 200, workflow([{ action: 'redirect', url: 'http://api.razorpay.com/v1/payments/pay_x/authorize' }])),
  empty_next: (res) => json(res, 200, { payment_workflow: { next: [] } }),
  unknown_action: (res) => json(res, 200, workflow([{ action: 'upi_collect', url: 'https://api.razorpay.com/v1/x' }])),
  slow: (res) => setTimeout(() => json(res, 200, documented), 3000),
  // Answers after 5 s; a client that gives up first is recorded (`aborted`).
  hold: (res, entry) => {
    const t = setTimeout(() => json(res, 200, documented), 5000);
    res.on('close', () => { if (!res.writableEnded) { entry.aborted = true; clearTimeout(t); } });
  },
  drip: (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    let n = 0;
    const t = setInterval(() => { res.write(' '); if (++n > 30) { clearInterval(t); res.end('{}'); } }, 100);
    res.on('close', () => clearInterval(t));
  },
  reset: (res) => res.socket.destroy(),
};

const otp = {
  generate: (body, res) => json(res, 200, otpChallenge),
  resend: (body, res) => json(res, 200, otpChallenge),
  submit: (body, res) => (body.otp === '123456' ? json(res, 200, paid) : json(res, 400, badOtp)),
};

createServer((req, res) => {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-allow-headers', 'content-type, idempotency-key, x-csrf-token');
  res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
  if (req.method === 'OPTIONS') { res.writeHead(204); res.end(); return; }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const path = new URL(req.url, 'http://x').pathname;
    const text = Buffer.concat(chunks).toString('utf8');
    if (path === '/requests') return json(res, 200, log);
    if (path === '/foreign') return json(res, 200, foreignLog);
    if (path === '/clear') { log.length = 0; foreignLog.length = 0; return json(res, 200, {}); }
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { /* recorded as text */ }
    log.push({ method: req.method, path, headers: req.headers, body, text });
    const m = path.match(/^\/checkout\/([a-z_0-9]+)(?:\/otp\/(generate|submit|resend))?$/);
    if (!m) return json(res, 404, { error: { code: 'NOT_FOUND', description: 'no such scenario' } });
    const [, scenario, otpAction] = m;
    if (scenario === 'otp_redirect_generate' && otpAction === 'generate') return redirect(res, 307);
    if (scenario === 'otp_redirect' && otpAction === 'submit') return redirect(res, 307);
    if (scenario === 'otp_redirect' && otpAction === 'resend') return redirect(res, 308);
    if (otpAction) return otp[otpAction](body ?? {}, res);
    const answer = scenarios[scenario];
    if (!answer) return json(res, 404, { error: { code: 'NOT_FOUND', description: 'no such scenario' } });
    answer(res, log[log.length - 1]);
  });
}).listen(port, '127.0.0.1', () => console.log(`mock merchant: http://127.0.0.1:${port}/`));

// The foreign origin: records every request (preflights too) and answers
// CORS as permissively as a thief would, so a followed redirect completes.
createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    foreignLog.push({ method: req.method, path: req.url, headers: req.headers, text: Buffer.concat(chunks).toString('utf8') });
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type, idempotency-key, x-csrf-token');
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    if (req.method === 'OPTIONS') { res.writeHead(204); res.end(); return; }
    json(res, 200, {});
  });
}).listen(port + 1, '127.0.0.1', () => console.log(`mock foreign origin: ${foreign}/`));
