// The pure helpers for Node (a merchant's server re-validating what the page
// sent): the same WebAssembly as the browser build, instantiated synchronously
// from the file beside this module on first use. No side effect on import.
import { readFileSync } from 'node:fs';
import * as wasm from './razorpay_checkout_wasm.js';
import * as cardEntry from './card/card.js';

// The card functions are the card entry's module (as in the browser entry),
// parseOrderResponse the main module's: each started on its first use.
let ready = false;
function load() {
  if (!ready) {
    wasm.initSync({ module: readFileSync(new URL('./razorpay_checkout_wasm_bg.wasm', import.meta.url)) });
    ready = true;
  }
}
let cardReady = false;
function loadCard() {
  if (!cardReady) {
    cardEntry.initSync({ module: readFileSync(new URL('./card/card_bg.wasm', import.meta.url)) });
    cardReady = true;
  }
}

export function validateCard(card, options) {
  loadCard();
  return cardEntry.validateCard(card, options);
}

export function inspectNumber(partial) {
  loadCard();
  return cardEntry.inspectNumber(partial);
}

export function cardNetwork(number) {
  loadCard();
  return cardEntry.cardNetwork(number);
}

export function parseExpiry(text, now) {
  loadCard();
  return cardEntry.parseExpiry(text, now);
}

export function parseOrderResponse(json, options) {
  load();
  return wasm.parseOrderResponse(json, options);
}
