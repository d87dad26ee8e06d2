// Each line is one mistake tsc --strict must refuse (card.test.mjs counts 6).
import { bindCardFields, inspectNumber, parseExpiry, validateCard } from 'razorpay-checkout-wasm/card';

export const a: number = inspectNumber('4').state;
export const b = validateCard({ numbr: '4100280000001007' });
export const c = validateCard({ number: '4100280000001007' }, { tokenized: true });
export const d: number = parseExpiry('12/30').expiry_month;
export const e = bindCardFields({ numbr: document.createElement('input') });
export const f: string = bindCardFields({}).state.network;
