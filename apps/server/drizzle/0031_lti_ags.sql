CREATE TABLE "lti_ags_endpoints" (
	"course_id" uuid PRIMARY KEY NOT NULL,
	"line_items_url" text NOT NULL,
	"scopes" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lti_ags_line_items" (
	"course_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"url" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "lti_ags_line_items_course_id_kind_pk" PRIMARY KEY("course_id","kind")
);
--> statement-breakpoint
CREATE TABLE "lti_ags_outcomes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"source_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lti_ags_scores" (
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"score_given" integer NOT NULL,
	"timestamp" timestamp (3) with time zone NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "lti_ags_scores_course_id_user_id_kind_pk" PRIMARY KEY("course_id","user_id","kind")
);
--> statement-breakpoint
ALTER TABLE "lti_ags_endpoints" ADD CONSTRAINT "lti_ags_endpoints_course_id_lti_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."lti_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_ags_line_items" ADD CONSTRAINT "lti_ags_line_items_course_id_lti_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."lti_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_ags_outcomes" ADD CONSTRAINT "lti_ags_outcomes_course_id_lti_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."lti_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_ags_outcomes" ADD CONSTRAINT "lti_ags_outcomes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_ags_scores" ADD CONSTRAINT "lti_ags_scores_course_id_lti_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."lti_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_ags_scores" ADD CONSTRAINT "lti_ags_scores_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lti_ags_outcomes_once" ON "lti_ags_outcomes" USING btree ("course_id","user_id","kind","source_id");--> statement-breakpoint
CREATE INDEX "lti_ags_outcomes_user_idx" ON "lti_ags_outcomes" USING btree ("user_id");