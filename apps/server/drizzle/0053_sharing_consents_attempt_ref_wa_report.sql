CREATE TABLE "guardian_sharing_consents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"guardian_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"given" boolean NOT NULL,
	"method" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"ip" text NOT NULL,
	"text_version" text NOT NULL,
	"text_agreed" text NOT NULL,
	"signed_name" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "safety_contact_attempts" ADD COLUMN "ref" text;--> statement-breakpoint
ALTER TABLE "wa_contacts" ADD COLUMN "report_flow" jsonb;--> statement-breakpoint
ALTER TABLE "guardian_sharing_consents" ADD CONSTRAINT "guardian_sharing_consents_guardian_id_users_id_fk" FOREIGN KEY ("guardian_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guardian_sharing_consents" ADD CONSTRAINT "guardian_sharing_consents_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "guardian_sharing_consents_student_idx" ON "guardian_sharing_consents" USING btree ("student_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "safety_contact_attempts_ref_key" ON "safety_contact_attempts" USING btree ("session_id","sender_id","ref") WHERE "safety_contact_attempts"."ref" is not null;