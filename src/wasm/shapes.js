// Plain objects for the hot exports, built on the JS side from scalars:
// on the keystroke path (inspectNumber) this is cheaper than writing JSON
// text in Rust and parsing it here. The tables follow the Rust enums
// (Network::ALL, NumberState); tests/web_card.rs checks every network.
const NETWORKS = [null, 'Visa', 'MasterCard', 'American Express', 'Diners Club', 'RuPay',
  'Maestro', 'JCB', 'Union Pay', 'Bajaj Finserv', 'Discover', 'Unknown'];
const STATES = ['incomplete', 'complete', 'invalid'];

/**
 * `{ network, state, formatted, lengths, cvv_length }`: `network` 0 for
 * null, else 1 + its index in Network::ALL; `lengths` a bit mask (bit 0 is
 * 12 digits); `cvvLength` 0 for null.
 */
export function inspection(network, state, formatted, lengths, cvvLength) {
  const list = [];
  for (let n = 0; n < 8; n++) if (lengths & (1 << n)) list.push(n + 12);
  return {
    network: NETWORKS[network] ?? null,
    state: STATES[state],
    formatted,
    lengths: list,
    cvv_length: cvvLength === 0 ? null : cvvLength,
  };
}
