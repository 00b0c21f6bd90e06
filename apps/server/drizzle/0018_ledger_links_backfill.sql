-- Issue #14: what a ledger transaction belongs to is a column with a foreign key (the migration before this one adds
-- them), filled here from the keys of `data` that held it until now:
--   payment_id    paymentId (a payment; a refund), fundedByPaymentId (a question earning or used credit it paid for),
--                 lessonPaymentId (a booked lesson's earning)
--   booking_id    bookingId (a booked lesson's payment, its earning); a refund of that payment takes its booking
--   question_id   questionId (an answered question's earning, the credit a question used)
--   refund_id     refundId (a refund)
--   funded_by_id  fundedBy (the pack payment or grant a used credit counts against)
-- A reversal's data is a copy of its original's, so it gets the same links. A key is removed from `data` once its
-- column holds it; a key naming no existing row (none is known) stays in `data`, and its column stays empty.
--
-- ledger_transactions is append-only: migration 0009's row trigger ledger_transactions_append_only refuses UPDATE.
-- It is switched off for the statements below only, inside this migration's transaction, and on again before the
-- commit; ALTER TABLE holds an exclusive lock on the table until then, so no other writer sees it off.
ALTER TABLE "ledger_transactions" DISABLE TRIGGER "ledger_transactions_append_only";
--> statement-breakpoint
WITH ids AS (
  SELECT t.id,
    CASE WHEN k.payment ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN k.payment::uuid END AS payment,
    CASE WHEN k.booking ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN k.booking::uuid END AS booking,
    CASE WHEN k.question ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN k.question::uuid END AS question,
    CASE WHEN k.refund ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN k.refund::uuid END AS refund,
    CASE WHEN k.funded_by ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN k.funded_by::uuid END AS funded_by
  FROM "ledger_transactions" t
  CROSS JOIN LATERAL (
    SELECT coalesce(t.data->>'paymentId', t.data->>'fundedByPaymentId', t.data->>'lessonPaymentId') AS payment,
      t.data->>'bookingId' AS booking, t.data->>'questionId' AS question, t.data->>'refundId' AS refund, t.data->>'fundedBy' AS funded_by
  ) k
  WHERE t.data <> '{}'::jsonb
),
links AS (
  SELECT ids.id, p.id AS payment_id, b.id AS booking_id, q.id AS question_id, r.id AS refund_id, f.id AS funded_by_id
  FROM ids
  LEFT JOIN "payments" p ON p.id = ids.payment
  LEFT JOIN "bookings" b ON b.id = ids.booking
  LEFT JOIN "questions" q ON q.id = ids.question
  LEFT JOIN "refunds" r ON r.id = ids.refund
  LEFT JOIN "ledger_transactions" f ON f.id = ids.funded_by
)
UPDATE "ledger_transactions" t
SET payment_id = l.payment_id, booking_id = l.booking_id, question_id = l.question_id, refund_id = l.refund_id, funded_by_id = l.funded_by_id
FROM links l
WHERE l.id = t.id;
--> statement-breakpoint
-- The refund of a booked lesson's payment belongs to that booking too (the revenue report tells lesson money by it).
UPDATE "ledger_transactions" r
SET booking_id = p.booking_id
FROM "ledger_transactions" p
WHERE r.kind = 'refund' AND r.booking_id IS NULL AND r.payment_id IS NOT NULL
  AND p.kind = 'payment' AND p.payment_id = r.payment_id AND p.booking_id IS NOT NULL;
--> statement-breakpoint
UPDATE "ledger_transactions"
SET data = data
  - (CASE WHEN payment_id IS NOT NULL THEN ARRAY['paymentId', 'fundedByPaymentId', 'lessonPaymentId'] ELSE ARRAY[]::text[] END)
  - (CASE WHEN booking_id IS NOT NULL THEN ARRAY['bookingId'] ELSE ARRAY[]::text[] END)
  - (CASE WHEN question_id IS NOT NULL THEN ARRAY['questionId'] ELSE ARRAY[]::text[] END)
  - (CASE WHEN refund_id IS NOT NULL THEN ARRAY['refundId'] ELSE ARRAY[]::text[] END)
  - (CASE WHEN funded_by_id IS NOT NULL THEN ARRAY['fundedBy'] ELSE ARRAY[]::text[] END)
WHERE payment_id IS NOT NULL OR booking_id IS NOT NULL OR question_id IS NOT NULL OR refund_id IS NOT NULL OR funded_by_id IS NOT NULL;
--> statement-breakpoint
ALTER TABLE "ledger_transactions" ENABLE TRIGGER "ledger_transactions_append_only";
