CREATE TABLE "upload_counters" (
	"user_id" uuid NOT NULL,
	"window" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "upload_counters_user_id_window_starts_at_pk" PRIMARY KEY("user_id","window","starts_at")
);
--> statement-breakpoint
ALTER TABLE "questions" ADD COLUMN "waiting_tutors" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "questions" ADD COLUMN "close_reason" text;--> statement-breakpoint
ALTER TABLE "upload_counters" ADD CONSTRAINT "upload_counters_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "upload_counters_starts_idx" ON "upload_counters" USING btree ("starts_at");--> statement-breakpoint
CREATE INDEX "question_photos_unattached_idx" ON "question_photos" USING btree ("created_at") WHERE question_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "tutoring_sessions_tutor_open_instant_key" ON "tutoring_sessions" USING btree ("tutor_id") WHERE status = 'active' and kind = 'instant';