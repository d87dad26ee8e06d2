// The pure helpers for Node (a merchant's server re-validating what the page
// sent): the same WebAssembly as the browser build, instantiated synchronously
// from the file beside this module on first use. No side effect on import.
import { readFileSync } from 'node:fs';
import * as wasm from './razorpay_checkout_wasm.js';

let ready = false;
function load() {
  if (!ready) {
    wasm.initSync({ module: readFileSync(new URL('./razorpay_checkout_wasm_bg.wasm', import.meta.url)) });
    ready = true;
  }
}

export function validateCard(card, options) {
  load();
  return wasm.validateCard(card, options);
}

export function inspectNumber(partial) {
  load();
  return wasm.inspectNumber(partial);
}

export function cardNetwork(number) {
  load();
  return wasm.cardNetwork(number);
}

export function parseExpiry(text, now) {
  load();
  return wasm.parseExpiry(text, now);
}

export function parseOrderResponse(json, options) {
  load();
  return wasm.parseOrderResponse(json, options);
}
