CREATE TABLE "guardian_card_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"guardian_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"status" text NOT NULL,
	"ip" text NOT NULL,
	"text_version" text NOT NULL,
	"text_agreed" text NOT NULL,
	"signed_name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"checkout_id" uuid,
	"amount_minor" integer,
	"currency" text,
	"payment_id" uuid,
	"evidence_id" uuid,
	"settled_at" timestamp with time zone,
	"refund_status" text,
	"refunded_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "checkouts" ADD COLUMN "consent_request_id" uuid;--> statement-breakpoint
ALTER TABLE "guardian_card_checks" ADD CONSTRAINT "guardian_card_checks_guardian_id_users_id_fk" FOREIGN KEY ("guardian_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guardian_card_checks" ADD CONSTRAINT "guardian_card_checks_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guardian_card_checks" ADD CONSTRAINT "guardian_card_checks_evidence_id_guardian_consent_evidence_id_fk" FOREIGN KEY ("evidence_id") REFERENCES "public"."guardian_consent_evidence"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "guardian_card_checks_pair_idx" ON "guardian_card_checks" USING btree ("guardian_id","student_id","created_at");--> statement-breakpoint
CREATE INDEX "checkouts_consent_request_idx" ON "checkouts" USING btree ("consent_request_id");