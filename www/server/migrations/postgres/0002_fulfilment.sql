-- Fulfilment the Razorpay way (see src/fulfilment.rs): each merchant order
-- is fulfilled once, from a signed webhook (order.paid, payment.captured)
-- or from a gateway fetch after a verified callback, whichever comes first.

-- One row per fulfilled order, claimed with INSERT … ON CONFLICT DO NOTHING:
-- exactly one claimer (on any instance) inserts it and ships. `receipt` is
-- the merchant's order (the cart): unique too, so two Razorpay orders of one
-- cart that both end up paid (a late authorisation after a retry) are
-- fulfilled once.
CREATE TABLE IF NOT EXISTS fulfilments (
    order_id TEXT PRIMARY KEY,
    receipt TEXT NOT NULL UNIQUE,
    payment_id TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    source TEXT NOT NULL,
    fulfilled_at BIGINT NOT NULL
);

-- Webhook deliveries are de-duplicated on X-Razorpay-Event-Id as well as on
-- the signed body's key (`event_id`).
ALTER TABLE webhook_events ADD COLUMN IF NOT EXISTS delivery_id TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS webhook_events_delivery ON webhook_events (delivery_id);
