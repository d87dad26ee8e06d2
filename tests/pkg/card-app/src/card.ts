// A page that validates cards and never pays: only the card entry.
import init, { bindCardFields, cardNetwork, inspectNumber, parseExpiry, validateCard } from 'razorpay-checkout-wasm/card';
import type {
  CardFields, CardFieldsState, CardInput, CardValidation, ExpiryFields, NetworkName, NumberInspection, RazorpayCheckoutError,
} from 'razorpay-checkout-wasm/card';

export async function start(): Promise<void> {
  await init();
  const view: NumberInspection = inspectNumber('4100 28');
  const state: 'incomplete' | 'complete' | 'invalid' = view.state;
  const network: NetworkName | null = cardNetwork('6083');
  const result: CardValidation = validateCard({ number: '4100280000001007', expiry: '12/30', cvv: '123', name: 'A B' }, { now: 0 });
  const first: string | null | undefined = result.errors[0]?.field;
  try {
    const expiry: ExpiryFields = parseExpiry('12/30');
    console.log(expiry.expiry_month, expiry.expiry_year);
  } catch (e) {
    const error = e as RazorpayCheckoutError;
    console.log(error.kind, error.field);
  }
  console.log(state, network, result.valid, result.card?.number, first, view.formatted, view.lengths.length);
}

// The card fields' binding: the page's own inputs.
export function bind(form: HTMLFormElement, badge: HTMLElement): CardFields {
  const input = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
  const fields = bindCardFields({
    number: input('number'), month: input('month'), year: input('year'), cvv: input('cvv'),
    errors: { number: badge }, live: badge, advance: false, optional: ' (optional)',
    message: (error) => `${error.field ?? ''}: ${error.kind ?? ''}`,
    onChange: (s: CardFieldsState) => { badge.textContent = s.network ?? ''; },
  });
  const now: CardFieldsState = fields.state;
  const complete: boolean = now.complete && now.valid;
  const card: CardInput = fields.card();
  fields.showErrors([{ field: 'payment.card.number', kind: 'failed_luhn', description: 'x' }]);
  fields.saved({ network: 'American Express' });
  fields.saved(null);
  console.log(complete, card.number, fields.check().errors[0]?.kind);
  return fields;
}
