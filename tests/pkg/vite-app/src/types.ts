// The type test: `tsc --noEmit --strict` over this file, against the .d.ts
// of the installed tarball. Every export is used as a merchant would; each
// `// @ts-expect-error` line is a mistake that must fail to compile (tsc
// reports an unused directive otherwise), and tests/pkg/package.test.mjs also
// strips the directives and checks that each of those lines, and only those,
// is an error. Not bundled: main.ts does not import it.
import init, {
  Checkout, cardNetwork, collectBrowser, initSync, inspectNumber, isRazorpayCheckoutError, parseExpiry, parseOrderResponse,
  validateCard,
} from 'razorpay-checkout-wasm';
import type {
  BrowserObject, CardError, CardField, CardInput, CardValidation, CheckoutOptions, CheckoutOutcome,
  CheckoutProgress, CheckoutRequest, CheckoutState, CheckoutValidationError, ErrorFields, ErrorKind,
  ExpiryFields, InitOutput, NetworkName, NormalizedCard, NumberInspection, NumberState, OrderOutcome,
  RazorpayCheckoutError, ValidateOptions, WasmBlockedError,
} from 'razorpay-checkout-wasm';

import * as web from 'razorpay-checkout-wasm';
import * as server from 'razorpay-checkout-wasm/node';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(_: T): void {}

// `any` would make every Equal below true for the wrong reason: these are false for `any`.
type IsAny<T> = 0 extends 1 & T ? true : false;
assertType<Equal<IsAny<ReturnType<typeof validateCard>>, false>>(true);
assertType<Equal<IsAny<Parameters<typeof validateCard>[0]>, false>>(true);
assertType<Equal<InitOutput, { readonly memory?: WebAssembly.Memory; readonly cardMemory: WebAssembly.Memory }>>(true);
assertType<Equal<Awaited<ReturnType<typeof web.loadCheckout>>, { readonly memory: WebAssembly.Memory }>>(true);

// Network names are a closed string union.
assertType<Equal<NetworkName,
  | 'Visa' | 'MasterCard' | 'American Express' | 'Diners Club' | 'RuPay'
  | 'Maestro' | 'JCB' | 'Union Pay' | 'Bajaj Finserv' | 'Discover' | 'Unknown'>>(true);
assertType<Equal<CheckoutState,
  'idle' | 'validating' | 'posting' | 'redirecting' | 'awaiting_otp' | 'pending' | 'paid' | 'failed'>>(true);
assertType<Equal<NumberState, 'incomplete' | 'complete' | 'invalid'>>(true);
assertType<Equal<CardField, 'number' | 'expiry' | 'expiry_month' | 'expiry_year' | 'cvv' | 'name'>>(true);
assertType<Equal<CheckoutOutcome['status'], 'redirecting' | 'awaiting_otp' | 'paid' | 'pending'>>(true);
assertType<Equal<ReturnType<typeof cardNetwork>, NetworkName | null>>(true);
assertType<Equal<ReturnType<typeof validateCard>, CardValidation>>(true);
assertType<Equal<ReturnType<typeof inspectNumber>, NumberInspection>>(true);
assertType<Equal<ReturnType<typeof parseExpiry>, ExpiryFields>>(true);
assertType<Equal<ReturnType<typeof collectBrowser>, BrowserObject>>(true);
assertType<Equal<ReturnType<typeof parseOrderResponse>, OrderOutcome>>(true);
assertType<Equal<ReturnType<Checkout['pay']>, Promise<CheckoutOutcome>>>(true);
assertType<Equal<ReturnType<Checkout['submitOtp']>, Promise<CheckoutOutcome>>>(true);
assertType<Equal<ReturnType<Checkout['resendOtp']>, Promise<CheckoutOutcome>>>(true);
assertType<Equal<Checkout['state'], CheckoutState>>(true);

// The Node entry's helpers are the browser entry's, with the same types.
assertType<Equal<typeof server.validateCard, typeof web.validateCard>>(true);
assertType<Equal<typeof server.inspectNumber, typeof web.inspectNumber>>(true);
assertType<Equal<typeof server.cardNetwork, typeof web.cardNetwork>>(true);
assertType<Equal<typeof server.parseExpiry, typeof web.parseExpiry>>(true);
assertType<Equal<typeof server.parseOrderResponse, typeof web.parseOrderResponse>>(true);
assertType<Equal<server.CardValidation, web.CardValidation>>(true);

export async function merchantPage(form: { number: string; expiry: string; cvv: string; name: string }): Promise<string> {
  const output: InitOutput = await init();
  output.cardMemory.buffer.byteLength.toFixed();
  // @ts-expect-error the checkout module's memory is there only once it is loaded
  output.memory.buffer.byteLength.toFixed();
  (await web.loadCheckout()).memory.buffer.byteLength.toFixed();
  (await init({ checkout: true })).memory?.buffer.byteLength.toFixed();
  // @ts-expect-error init() resolves the memory only, none of the module's internals
  void output.validateCard;
  try {
    validateCard({ number: form.number });
  } catch (e: unknown) {
    if (isRazorpayCheckoutError(e)) {
      const kind: ErrorKind = e.kind;
      const description: string = e.description;
      void [kind, description];
    }
  }
  await init({ module_or_path: new URL('razorpay_checkout_wasm_bg.wasm', import.meta.url) });
  initSync({ module: new Uint8Array(8), card: new Uint8Array(8) });
  // @ts-expect-error initSync() needs the card module too
  initSync({ module: new Uint8Array(8) });

  // Card validation.
  const card: CardInput = { number: form.number, expiry: form.expiry, cvv: form.cvv, name: form.name };
  const options: ValidateOptions = { tokenised: false, now: Date.now(), network: 'RuPay' };
  const v: CardValidation = validateCard(card, options);
  validateCard({ number: '4100280000001007', expiry_month: 12, expiry_year: '2030', cvv: null });
  validateCard({}, { tokenised: true });
  const network: NetworkName | null = v.network;
  const last4: string | null = v.last4;
  const normalized: NormalizedCard | null = v.card;
  const digits: string | undefined = normalized?.number;
  for (const error of v.errors) {
    const e: CardError = error;
    const field: CardField = e.field;
    const kind: ErrorKind = e.kind;
    const code: 'BAD_REQUEST_ERROR' = e.code;
    const reason: 'input_validation_failed' = e.reason;
    void [field, kind, code, reason, e.description, e.source, e.step];
  }
  const inspection = inspectNumber('6527 65');
  const cvvLength: 3 | 4 | null = inspection.cvv_length;
  const lengths: number[] = inspection.lengths;
  const formatted: string = inspection.formatted;
  const expiry: ExpiryFields = parseExpiry('12/30');
  parseExpiry('12/30', Date.now());
  const browser: BrowserObject = collectBrowser();
  const depth: 1 | 4 | 8 | 15 | 16 | 24 | 32 | 48 = browser.color_depth;

  // The checkout.
  const progress: CheckoutProgress[] = [];
  const checkoutOptions: CheckoutOptions = {
    endpoint: '/api/checkout',
    otpEndpoint: '/api/checkout/otp',
    timeoutMs: 30_000,
    allowedHosts: ['api.razorpay.com'],
    allowLoopbackHttp: false,
    authentication: 'otp',
    navigateTopWindow: true,
    headers: { 'X-CSRF-Token': 'token' },
    onProgress: (event) => { progress.push(event); },
    onNavigate: (url, method) => { void [url.length, method === 'POST']; },
  };
  const checkout = new Checkout(checkoutOptions);
  const request: CheckoutRequest = {
    amount: 49900,
    currency: 'INR',
    receipt: 'order_rcptid_11',
    customer_id: 'cust_4xbQrmEoA5WJ0G',
    notes: { cart: 'A-1', items: 3 },
    token: { max_amount: 500000, expire_at: 2_000_000_000, frequency: 'monthly' },
    payment: {
      email: 'gaurav.kumar@example.com', contact: '+919000090000', method: 'card',
      recurring: 1, save: true, card,
    },
  };
  let message = '';
  try {
    const outcome = await checkout.pay(request, { network: 'Visa' });
    switch (outcome.status) {
      case 'redirecting': message = outcome.url; break;
      case 'awaiting_otp': {
        const issuer: string | null = outcome.metadata.issuer;
        const next = await checkout.submitOtp('123456');
        if (next.status === 'paid') message = `${next.razorpay_payment_id} ${next.razorpay_signature ?? ''} ${issuer ?? ''}`;
        await checkout.resendOtp();
        break;
      }
      case 'paid': message = outcome.razorpay_payment_id; break;
      case 'pending': message = outcome.payment_id; break;
      default: {
        const never: never = outcome;
        return never;
      }
    }
  } catch (e) {
    const error = e as CheckoutValidationError;
    const all: ErrorFields[] = error.errors;
    const name: 'RazorpayCheckoutError' = error.name;
    const asError: Error = error;
    const status: number | undefined = error.status;
    message = `${all.length} ${name} ${asError.message} ${status ?? ''} ${error.metadata?.['errors'] ?? ''}`;
  }
  const state: CheckoutState = checkout.state;
  checkout.free();

  // A response parsed alone.
  const order: OrderOutcome = parseOrderResponse('{"id":"order_1"}', { status: 200, allowedHosts: ['api.razorpay.com'] });
  parseOrderResponse({ id: 'order_1' });
  const action: string = order.next[0]?.action ?? '';
  const gatewayError: RazorpayCheckoutError | null = null;

  return [network, last4, digits, cvvLength, lengths, formatted, expiry.expiry_month, depth, state, action,
    gatewayError, message].join(' ');
}

/** A page that refuses WebAssembly: init()'s typed error, told apart by `kind`. */
export async function refusedPage(status: HTMLElement): Promise<void> {
  try {
    await init({ fallback: false });
  } catch (e) {
    const error = e as WasmBlockedError | Error;
    if ('kind' in error && error.kind === 'wasm_blocked') {
      const directive: "script-src 'wasm-unsafe-eval'" = error.metadata.directive;
      const reason: 'webassembly_refused' | 'webassembly_unavailable' = error.reason;
      status.textContent = `${error.description} (${directive}, ${reason}, ${error.code})`;
      void init({ fallback: true, module_or_path: '/static/checkout.wasm' });
      // @ts-expect-error the blocked error has no field
      const field: string = error.field;
      void field;
    }
  }
}

export function mistakes(checkout: Checkout, v: CardValidation, outcome: CheckoutOutcome, event: CheckoutProgress): void {
  // @ts-expect-error misspelt card field (`expiry_moth`)
  validateCard({ number: '4100280000001007', expiry_moth: '12' });
  // @ts-expect-error card number as a number, not a string
  validateCard({ number: 4100280000001007 });
  // @ts-expect-error unknown option (`tokenized`)
  validateCard({}, { tokenized: true });
  // @ts-expect-error not a network name
  validateCard({}, { network: 'Mastercard' });
  // @ts-expect-error validateCard needs the card
  validateCard();
  // @ts-expect-error misspelt result field (`netwrk`)
  void v.netwrk;
  // @ts-expect-error `network` may be null
  v.network.toUpperCase();
  // @ts-expect-error inspectNumber takes a string
  inspectNumber(4100);
  // @ts-expect-error no such network in the union
  const n: NetworkName = 'Amex';
  // @ts-expect-error misspelt option (`endpiont`), and `endpoint` missing
  new Checkout({ endpiont: '/api/checkout' });
  // @ts-expect-error timeoutMs is a number
  new Checkout({ endpoint: '/api/checkout', timeoutMs: '30s' });
  // @ts-expect-error amount in paise is a number
  void checkout.pay({ amount: '499.00', currency: 'INR', payment: { email: 'a@b.c', contact: '9' } });
  // @ts-expect-error payment.email is required
  void checkout.pay({ amount: 49900, currency: 'INR', payment: { contact: '9' } });
  // @ts-expect-error mandate frequency is 'as_presented' | 'monthly'
  void checkout.pay({ amount: 1, currency: 'INR', token: { frequency: 'weekly' }, payment: { email: 'a', contact: '9' } });
  // @ts-expect-error `url` only exists on the 'redirecting' outcome
  void outcome.url;
  // @ts-expect-error not a checkout state
  const s: CheckoutState = 'done';
  // @ts-expect-error state is read-only
  checkout.state = 'paid';
  // @ts-expect-error progress events carry `state`, not `status`
  void event.status;
  // @ts-expect-error submitOtp takes the OTP as a string
  void checkout.submitOtp(123456);
  // @ts-expect-error parseExpiry's clock is a number
  parseExpiry('12/30', new Date());
  void [n, s];
}

// razorpay-checkout-wasm/messages and its locale modules: typed, no `any`.
import {
  bankName, formatAmount, loadMessages, messageFor, progressMessage, text as messageText,
} from 'razorpay-checkout-wasm/messages';
import type { Catalogue, Locale, MessageKey, Messages } from 'razorpay-checkout-wasm/messages';
import hindi from 'razorpay-checkout-wasm/locales/hi';

assertType<Equal<IsAny<Messages>, false>>(true);
assertType<Equal<IsAny<typeof hindi>, false>>(true);
assertType<Equal<typeof hindi, Messages>>(true);
export async function localised(error: CardError): Promise<string> {
  const catalogue: Catalogue = await loadMessages({
    locale: ['hi-IN', 'en'],
    overrides: (locale: Locale) => (locale === 'hi' ? { 'number.failed_luhn': 'कार्ड नंबर दोबारा देखें' } : undefined),
  });
  const key: MessageKey = 'progress.paid';
  const name: string | null = bankName('SBIN');
  // @ts-expect-error: not a message key
  await loadMessages({ overrides: { 'number.misspelt': 'x' } });
  // @ts-expect-error: not a progress state
  progressMessage('charging', catalogue);
  // @ts-expect-error: subunits are a number
  formatAmount('100', 'INR', catalogue);
  return `${messageFor(error, catalogue)} ${messageText(key, catalogue)} ${name ?? ''} ${hindi['ui.pay']}`;
}
