CREATE TABLE "lti_course_bookings" (
	"booking_id" uuid PRIMARY KEY NOT NULL,
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"tagged_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lti_deep_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"registration_id" uuid NOT NULL,
	"deployment_id" text NOT NULL,
	"course_id" uuid,
	"user_id" uuid NOT NULL,
	"return_url" text NOT NULL,
	"data" text,
	"accept_multiple" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "lti_placed_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"registration_id" uuid NOT NULL,
	"course_id" uuid,
	"kind" text NOT NULL,
	"spec" jsonb NOT NULL,
	"title" text NOT NULL,
	"line_item" jsonb,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "lti_pending_links" ADD COLUMN "display_name" text;--> statement-breakpoint
ALTER TABLE "lti_pending_links" ADD COLUMN "email" text;--> statement-breakpoint
ALTER TABLE "lti_pending_links" ADD COLUMN "landing_path" text;--> statement-breakpoint
ALTER TABLE "lti_course_bookings" ADD CONSTRAINT "lti_course_bookings_course_id_lti_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."lti_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_course_bookings" ADD CONSTRAINT "lti_course_bookings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_deep_links" ADD CONSTRAINT "lti_deep_links_registration_id_lti_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."lti_registrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_deep_links" ADD CONSTRAINT "lti_deep_links_course_id_lti_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."lti_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_deep_links" ADD CONSTRAINT "lti_deep_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_placed_items" ADD CONSTRAINT "lti_placed_items_registration_id_lti_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."lti_registrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_placed_items" ADD CONSTRAINT "lti_placed_items_course_id_lti_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."lti_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lti_placed_items" ADD CONSTRAINT "lti_placed_items_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lti_course_bookings_course_idx" ON "lti_course_bookings" USING btree ("course_id");--> statement-breakpoint
CREATE INDEX "lti_placed_items_course_idx" ON "lti_placed_items" USING btree ("course_id");