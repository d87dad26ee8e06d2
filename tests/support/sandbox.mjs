// Reads the sandbox gateway's orders and payments over its Razorpay-style
// API (GET /v1/orders?receipt=…, GET /v1/orders/{id}/payments,
// GET /v1/payments), with the sandbox's Basic auth: the counts the
// double-charge and hostile-gateway tests assert.
const KEY_ID = 'rzp_test_sandbox';
const KEY_SECRET = 'sandbox_key_secret_0000000000000000';
const auth = `Basic ${Buffer.from(`${KEY_ID}:${KEY_SECRET}`).toString('base64')}`;

export async function sandboxGet(gateway, path) {
  const response = await fetch(`${gateway}${path}`, { headers: { authorization: auth } });
  const body = await response.json();
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Every item of a collection, 100 at a time. */
async function all(gateway, path) {
  const items = [];
  for (let skip = 0; ; skip += 100) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await sandboxGet(gateway, `${path}${sep}count=100&skip=${skip}`);
    items.push(...page.items);
    if (page.items.length < 100) return items;
  }
}

/** The orders with this receipt, and all their payments. */
export async function ordersFor(gateway, receipt) {
  const orders = await all(gateway, `/v1/orders?receipt=${encodeURIComponent(receipt)}`);
  const payments = [];
  for (const order of orders) {
    payments.push(...(await sandboxGet(gateway, `/v1/orders/${order.id}/payments`)).items);
  }
  return { orders, payments };
}

/** How many orders and payments the sandbox holds in all. */
export async function totals(gateway) {
  return { orders: (await all(gateway, '/v1/orders')).length, payments: (await all(gateway, '/v1/payments')).length };
}

/** The cart id (the order's receipt) of a demo checkout page. */
export const cartOf = (page) => new URL(page.url()).searchParams.get('cart');

/** A new cart of the demo shop's (POST /api/carts on the backend): its id, for `?cart=`. */
export async function newCart(demo, product = 'tea_monthly') {
  const response = await fetch(new URL('/api/carts', demo), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ product }),
  });
  const cart = await response.json();
  if (!response.ok) throw new Error(`POST /api/carts: ${response.status} ${JSON.stringify(cart)}`);
  return cart.id;
}
