// credit-card-type alone: network detection only.
export { default } from 'credit-card-type';
