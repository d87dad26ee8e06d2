/** RuPay's IIN ranges, as a merchant adds them with `creditCardType.addCard`
 *  (credit-card-type ships without RuPay). */
export const RUPAY = {
  niceType: 'RuPay',
  type: 'rupay',
  patterns: [[508500, 508999], [606985, 607984], [608001, 608500], [652150, 653149], 81, 82],
  gaps: [4, 8, 12],
  lengths: [16],
  code: { name: 'CVV', size: 3 },
};
