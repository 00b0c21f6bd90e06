CREATE TABLE "lti_course_allowances" (
	"course_id" uuid PRIMARY KEY NOT NULL,
	"unit" text NOT NULL,
	"per_learner_monthly" integer NOT NULL,
	"set_by" uuid,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "lti_course_bookings" ADD COLUMN "allowance_unit" text;--> statement-breakpoint
ALTER TABLE "lti_course_bookings" ADD COLUMN "allowance_used" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "lti_course_bookings" ADD COLUMN "allowance_month" text;--> statement-breakpoint
ALTER TABLE "lti_course_bookings" ADD COLUMN "allowance_returned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "lti_course_allowances" ADD CONSTRAINT "lti_course_allowances_course_id_lti_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."lti_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_course_allowances" ADD CONSTRAINT "lti_course_allowances_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lti_course_bookings_draws_idx" ON "lti_course_bookings" USING btree ("course_id","user_id","allowance_month");