// The result page: what the backend verified, and the saved card's token.
const $ = (id) => document.getElementById(id);
const q = new URLSearchParams(location.search);

function row(term, value, id) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  if (id) dd.id = id;
  $('details').append(dt, dd);
}

async function api(method, path, idempotencyKey, body) {
  const headers = body ? { 'content-type': 'application/json' } : {};
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.error?.description ?? `HTTP ${response.status}`), data.error ?? {});
  return data;
}

// The verdict comes from the backend (which verified the signature and asked
// the gateway), never from this page's URL: the URL names the payment only.
const paymentId = q.get('payment_id');
const query = new URLSearchParams({ payment_id: paymentId ?? '', order_id: q.get('order_id') ?? '' });
const ask = () => api('GET', `/api/checkout/result?${query}`).catch(() => null);
const verdict = paymentId ? await ask() : null;

if (!verdict || verdict.verdict === 'failed') {
  $('headline').textContent = 'Payment failed';
  $('summary').textContent = verdict ? 'The payment was not completed.' : 'The payment was not completed, or this link is not one of your payments.';
  for (const key of ['code', 'description', 'source', 'step', 'reason']) {
    const value = verdict?.error?.[key];
    if (value) row(key, value, `error_${key}`);
  }
  if (verdict) row('Payment id', verdict.payment_id, 'payment-id');
} else if (verdict.verdict !== 'paid') {
  $('headline').textContent = 'Payment received';
  $('summary').textContent = 'The payment is being confirmed by the merchant.';
  row('Payment id', verdict.payment_id, 'payment-id');
  row('Order id', verdict.order_id, 'order-id');
  row('Status', verdict.status, 'payment-status');
} else {
  $('headline').textContent = 'Payment successful';
  // A late authorisation's return had no signature: its gateway's signed webhook stands in.
  const signed = verdict.signature_verified;
  $('summary').textContent = `The merchant verified ${signed ? 'the payment signature' : "the gateway's signed notification"} and its status with the gateway.`;
  row('Payment id', verdict.payment_id, 'payment-id');
  row('Order id', verdict.order_id, 'order-id');
  row('Signature check', signed ? 'valid' : 'webhook', 'signature');
  try {
    const payment = await api('GET', `/api/payments/${encodeURIComponent(paymentId)}`);
    row('Status', payment.status, 'payment-status');
    row('Token id', payment.token_id ?? 'none (card not saved)', 'token-id');
    if (payment.token_id && payment.customer_id) {
      const { items = [] } = await api('GET', `/api/customers/${payment.customer_id}/tokens`);
      const token = items.find((t) => t.id === payment.token_id);
      if (token?.recurring) {
        // The mandate is set up; debits start from the merchant's server only
        // (an operator secret this page never has), never from here.
        $('recurring').hidden = false;
        const max = typeof token.max_amount === 'number' ? ` up to ₹${(token.max_amount / 100).toFixed(2)}` : '';
        $('mandate-status').textContent = `Monthly payments are set up for this card${max} a month (mandate ${token.id}, ${token.recurring_details?.status ?? 'pending'}).`;
      }
    }
  } catch (e) {
    row('Details', e.message);
  }
}
document.documentElement.dataset.ready = 'true';

// A payment the bank has not confirmed yet (a late authorisation) may still
// be paid: ask again every 3 s for 2 minutes and show the new verdict.
if (verdict?.verdict === 'pending') {
  for (let i = 0; i < 40; i++) {
    await new Promise((done) => setTimeout(done, 3000));
    const next = await ask();
    if (next && next.verdict !== 'pending') {
      location.reload();
      break;
    }
  }
}
