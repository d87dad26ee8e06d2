// card-validator as published (every export), without RuPay.
export { default } from 'card-validator';
