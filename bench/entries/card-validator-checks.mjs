// What a merchant ships for the same checks: card-validator's number,
// expiry, CVV and name API, with RuPay added to credit-card-type.
import cardValidator from 'card-validator';
import { RUPAY } from '../lib/rupay.mjs';

cardValidator.creditCardType.addCard(RUPAY);

export const { number, expirationDate, cvv, cardholderName } = cardValidator;
