// A merchant's Node backend with razorpay-checkout-wasm/server, as installed
// from the tarball. Type-checked by tsc (module NodeNext, strict, checkJs),
// then run by tests/pkg/package.test.mjs; prints JSON.
import { createHmac } from 'node:crypto';
import {
  prepareOrder, verifyPaymentSignature, verifyWebhook, otpRelay, errorAnswer, createBackend, gatewayClient, memoryStore,
} from 'razorpay-checkout-wasm/server';

const body = JSON.stringify({
  amount: 100, currency: 'INR', receipt: 'cart_AAAAAAAAAAAAAA',
  payment: {
    amount: 100, email: 'gaurav.kumar@example.com', contact: '9000090000', method: 'card',
    card: { name: 'Gaurav Kumar', number: '4100280000001007', cvv: '123', expiry_month: '12', expiry_year: '30' },
    authentication: { authentication_channel: 'browser' },
    browser: { java_enabled: false, javascript_enabled: true, timezone_offset: -330, color_depth: 24, screen_width: 1280, screen_height: 800 },
    referer: 'https://shop.example/pay',
  },
});
/** @type {import('razorpay-checkout-wasm/server').Prepared} */
const prepared = prepareOrder(Buffer.from(body), {
  ip: '203.0.113.7', callbackUrl: 'https://shop.example/checkout/callback', customerId: null,
  price: (receipt) => (receipt === 'cart_AAAAAAAAAAAAAA' ? { amount: 100, currency: 'INR' } : null),
});
/** @type {string | null} */
const ip = prepared.ok ? prepared.order.payment.ip : null;
const sig = createHmac('sha256', 'secret').update('order_AAAAAAAAAAAAAA|pay_AAAAAAAAAAAAAA').digest('hex');
const signatureValid = verifyPaymentSignature({ razorpay_order_id: 'order_AAAAAAAAAAAAAA', razorpay_payment_id: 'pay_AAAAAAAAAAAAAA', razorpay_signature: sig }, 'secret');
const raw = JSON.stringify({ event: 'order.paid', contains: ['order'], payload: {}, created_at: Math.floor(Date.now() / 1000) });
const hook = verifyWebhook(raw, createHmac('sha256', 'old').update(raw).digest('hex'), ['new', { secret: 'old', until: new Date(Date.now() + 60000) }]);
const relay = otpRelay('resend', { url: 'https://api.razorpay.com/v1/payments/pay_AAAAAAAAAAAAAA/otp/resend' }, { gatewayUrl: 'https://api.razorpay.com' });
/** @type {import('razorpay-checkout-wasm/server').ErrorBody} */
const shape = errorAnswer(400, { description: 'The otp field is required.', field: 'otp' }).body;
const backend = createBackend({ gateway: gatewayClient({ keyId: 'rzp_test_x', keySecret: 'secret' }), keySecret: 'secret', store: memoryStore() });
const refused = await backend.checkout({ body: '{}', idempotencyKey: undefined, ip: '203.0.113.7', callbackUrl: 'https://shop.example/cb', owner: 'session-1' });
console.log(JSON.stringify({
  ip, signatureValid, secretIndex: hook.ok ? hook.webhook.secretIndex : -1, relay: relay.ok ? relay.relay.paymentId : null,
  field: shape.error.field, refused: refused.status,
}));
