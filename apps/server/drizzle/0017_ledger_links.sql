ALTER TABLE "ledger_transactions" ADD COLUMN "payment_id" uuid;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD COLUMN "booking_id" uuid;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD COLUMN "question_id" uuid;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD COLUMN "refund_id" uuid;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD COLUMN "funded_by_id" uuid;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_refund_id_refunds_id_fk" FOREIGN KEY ("refund_id") REFERENCES "public"."refunds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_funded_by_id_ledger_transactions_id_fk" FOREIGN KEY ("funded_by_id") REFERENCES "public"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_transactions_payment_idx" ON "ledger_transactions" USING btree ("payment_id","kind");--> statement-breakpoint
CREATE INDEX "ledger_transactions_booking_idx" ON "ledger_transactions" USING btree ("booking_id");--> statement-breakpoint
CREATE INDEX "ledger_transactions_question_idx" ON "ledger_transactions" USING btree ("question_id");--> statement-breakpoint
CREATE INDEX "ledger_transactions_refund_idx" ON "ledger_transactions" USING btree ("refund_id");--> statement-breakpoint
CREATE INDEX "ledger_transactions_funded_by_idx" ON "ledger_transactions" USING btree ("funded_by_id");