-- The ledger's rules, enforced by the database and not only by the code (issue #7):
-- 1. ledger_entries and ledger_transactions are append-only: UPDATE, DELETE and TRUNCATE raise an error.
-- 2. The entries of a transaction sum to zero per currency, checked at commit (a deferred constraint trigger),
--    so a transaction may insert its entries one by one.
-- 3. Amounts are never zero, and every entry's currency is its account's currency.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % is not allowed; post a reversing transaction instead', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'P0001';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON "ledger_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON "ledger_transactions"
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON "ledger_transactions"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_nonzero" CHECK ("amount_minor" <> 0);
--> statement-breakpoint
CREATE FUNCTION ledger_check_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  account_currency text;
  unbalanced record;
BEGIN
  SELECT currency INTO account_currency FROM ledger_accounts WHERE id = NEW.account_id;
  IF account_currency IS DISTINCT FROM NEW.currency THEN
    RAISE EXCEPTION 'ledger entry currency % does not match its account''s currency %', NEW.currency, account_currency
      USING ERRCODE = '23514';
  END IF;
  SELECT currency, sum(amount_minor) AS total INTO unbalanced
    FROM ledger_entries WHERE transaction_id = NEW.transaction_id
    GROUP BY currency HAVING sum(amount_minor) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transaction % does not balance in %: entries sum to %', NEW.transaction_id, unbalanced.currency, unbalanced.total
      USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON "ledger_entries"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_check_entry();
--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_reverses_fk" FOREIGN KEY ("reverses_id") REFERENCES "ledger_transactions"("id");
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_status_check" CHECK ("status" IN ('incomplete', 'trialing', 'active', 'past_due', 'lapsed', 'canceled', 'refunded'));
--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_refund_bounds" CHECK ("refunded_minor" >= 0 AND "refunded_minor" <= "amount_minor");
--> statement-breakpoint
ALTER TABLE "billing_prices" ADD CONSTRAINT "billing_prices_positive" CHECK ("amount_minor" > 0);
--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_positive" CHECK ("amount_minor" > 0);
