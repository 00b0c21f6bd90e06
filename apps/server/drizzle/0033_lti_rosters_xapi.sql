CREATE TABLE "lti_roster_entries" (
	"course_id" uuid NOT NULL,
	"sub" text NOT NULL,
	"name" text,
	"course_role" text NOT NULL,
	"status" text NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "lti_roster_entries_course_id_sub_pk" PRIMARY KEY("course_id","sub")
);
--> statement-breakpoint
CREATE TABLE "lti_xapi_statements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"registration_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"activity_kind" text NOT NULL,
	"activity_id" text NOT NULL,
	"statement" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "lti_course_members" ADD COLUMN "left_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "lti_courses" ADD COLUMN "memberships_url" text;--> statement-breakpoint
ALTER TABLE "lti_courses" ADD COLUMN "roster_synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "lti_roster_entries" ADD CONSTRAINT "lti_roster_entries_course_id_lti_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."lti_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_xapi_statements" ADD CONSTRAINT "lti_xapi_statements_registration_id_lti_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."lti_registrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_xapi_statements" ADD CONSTRAINT "lti_xapi_statements_course_id_lti_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."lti_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_xapi_statements" ADD CONSTRAINT "lti_xapi_statements_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lti_xapi_statements_activity_key" ON "lti_xapi_statements" USING btree ("course_id","user_id","activity_kind","activity_id");