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

const paymentId = q.get('payment_id');
const errorDescription = q.get('error_description');

if (errorDescription || !paymentId) {
  $('headline').textContent = 'Payment failed';
  $('summary').textContent = errorDescription ?? 'The payment was not completed.';
  for (const key of ['error_code', 'error_source', 'error_step', 'error_reason']) {
    if (q.get(key)) row(key.replace('error_', ''), q.get(key), key);
  }
  if (paymentId) row('Payment id', paymentId, 'payment-id');
} else {
  const valid = q.get('signature_valid') === 'true';
  $('headline').textContent = valid ? 'Payment successful' : 'Payment received';
  $('summary').textContent = valid
    ? 'The merchant verified the payment signature.'
    : 'The payment is being confirmed by the merchant.';
  row('Payment id', paymentId, 'payment-id');
  row('Order id', q.get('order_id') ?? '', 'order-id');
  row('Signature check', q.has('signature_valid') ? (valid ? 'valid' : 'INVALID') : 'not checked', 'signature');
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
