CREATE TABLE "safety_blocks" (
	"student_id" uuid NOT NULL,
	"tutor_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "safety_blocks_student_id_tutor_id_pk" PRIMARY KEY("student_id","tutor_id")
);
--> statement-breakpoint
CREATE TABLE "safety_contact_attempts" (
	"id" serial PRIMARY KEY NOT NULL,
	"sender_id" uuid NOT NULL,
	"session_id" uuid,
	"surface" text NOT NULL,
	"original" text NOT NULL,
	"categories" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "safety_flags" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"user_id" uuid NOT NULL,
	"session_id" uuid,
	"dedupe_key" text NOT NULL,
	"detail" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "safety_flags_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "safety_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"reporter_id" uuid NOT NULL,
	"reported_id" uuid NOT NULL,
	"category" text NOT NULL,
	"text" text NOT NULL,
	"source" text NOT NULL,
	"severe" boolean NOT NULL,
	"status" text NOT NULL,
	"blocked" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"resolution" text
);
--> statement-breakpoint
ALTER TABLE "safety_blocks" ADD CONSTRAINT "safety_blocks_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_blocks" ADD CONSTRAINT "safety_blocks_tutor_id_users_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_contact_attempts" ADD CONSTRAINT "safety_contact_attempts_sender_id_users_id_fk" FOREIGN KEY ("sender_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_flags" ADD CONSTRAINT "safety_flags_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_reports" ADD CONSTRAINT "safety_reports_reporter_id_users_id_fk" FOREIGN KEY ("reporter_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_reports" ADD CONSTRAINT "safety_reports_reported_id_users_id_fk" FOREIGN KEY ("reported_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_reports" ADD CONSTRAINT "safety_reports_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "safety_blocks_tutor_idx" ON "safety_blocks" USING btree ("tutor_id");--> statement-breakpoint
CREATE INDEX "safety_contact_attempts_sender_idx" ON "safety_contact_attempts" USING btree ("sender_id","created_at");--> statement-breakpoint
CREATE INDEX "safety_contact_attempts_session_idx" ON "safety_contact_attempts" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "safety_flags_created_idx" ON "safety_flags" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "safety_reports_status_idx" ON "safety_reports" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "safety_reports_session_idx" ON "safety_reports" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "safety_reports_reported_idx" ON "safety_reports" USING btree ("reported_id","status");