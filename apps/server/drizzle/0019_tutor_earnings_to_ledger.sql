-- Issue #14: a tutor's earnings come from the ledger only. help's tutor_earnings held a copy of each answered
-- question's earning: help wrote it beside billing's ledger posting since issue #7, and alone before that. Each row
-- the ledger lacks (no 'earning:question:<question id>' transaction) becomes that ledger earning here, posted as
-- billing posts one (LedgerService.questionEarning): debit platform_expense:tutor_earnings, credit
-- tutor_payable:<tutor>, in the row's amount and currency, at the row's own time, linked to its question, with
-- data.migratedFrom = 'tutor_earnings'. A row of zero (none is written; the ledger refuses zero amounts) is left out.
-- The migration after this one drops tutor_earnings.
INSERT INTO "ledger_accounts" ("code", "kind", "owner_id", "currency", "created_at")
SELECT a.code, a.kind, a.owner_id, a.currency, min(a.created_at)
FROM (
  SELECT 'platform_expense:tutor_earnings' AS code, 'expense' AS kind, NULL::uuid AS owner_id, te.currency, te.created_at
  FROM "tutor_earnings" te WHERE te.amount_minor > 0
  UNION ALL
  SELECT 'tutor_payable:' || te.tutor_id, 'payable', te.tutor_id, te.currency, te.created_at
  FROM "tutor_earnings" te WHERE te.amount_minor > 0
) a
GROUP BY a.code, a.kind, a.owner_id, a.currency
ON CONFLICT ("code", "currency") DO NOTHING;
--> statement-breakpoint
WITH missing AS (
  SELECT te.*, coalesce('earning:question:' || te.question_id, 'earning:tutor_earnings:' || te.id) AS key
  FROM "tutor_earnings" te
  WHERE te.amount_minor > 0
    AND NOT EXISTS (
      SELECT 1 FROM "ledger_transactions" l
      WHERE l.idempotency_key = coalesce('earning:question:' || te.question_id, 'earning:tutor_earnings:' || te.id)
    )
),
posted AS (
  INSERT INTO "ledger_transactions" ("id", "kind", "idempotency_key", "description", "occurred_at", "created_at", "question_id", "data")
  SELECT gen_random_uuid(), 'earning', m.key, 'Answered question', m.created_at, m.created_at, m.question_id,
    jsonb_build_object('tutorId', m.tutor_id, 'migratedFrom', 'tutor_earnings')
  FROM missing m
  RETURNING "id", "idempotency_key"
)
INSERT INTO "ledger_entries" ("transaction_id", "account_id", "amount_minor", "currency", "created_at")
SELECT p.id, a.id, m.amount_minor, m.currency, m.created_at
FROM posted p
JOIN missing m ON m.key = p.idempotency_key
JOIN "ledger_accounts" a ON a.code = 'platform_expense:tutor_earnings' AND a.currency = m.currency
UNION ALL
SELECT p.id, a.id, -m.amount_minor, m.currency, m.created_at
FROM posted p
JOIN missing m ON m.key = p.idempotency_key
JOIN "ledger_accounts" a ON a.code = 'tutor_payable:' || m.tutor_id AND a.currency = m.currency;
