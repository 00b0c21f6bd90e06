CREATE TABLE "class_attendance" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"class_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "class_enrolments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"class_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"status" text NOT NULL,
	"enrolled_at" timestamp with time zone NOT NULL,
	"held_until" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"left_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "classes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tutor_id" uuid NOT NULL,
	"subject_id" text NOT NULL,
	"level" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"language" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"capacity" integer NOT NULL,
	"enrolled_count" integer DEFAULT 0 NOT NULL,
	"price_minor" integer NOT NULL,
	"currency" text NOT NULL,
	"lobby" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"series_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"cancelled_at" timestamp with time zone,
	"settled_at" timestamp with time zone,
	"tutor_joined_at" timestamp with time zone,
	CONSTRAINT "classes_capacity" CHECK ("classes"."capacity" between 1 and 30),
	CONSTRAINT "classes_seats" CHECK ("classes"."enrolled_count" between 0 and "classes"."capacity"),
	CONSTRAINT "classes_times" CHECK ("classes"."ends_at" > "classes"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "checkouts" ADD COLUMN "class_enrolment_id" uuid;--> statement-breakpoint
ALTER TABLE "class_attendance" ADD CONSTRAINT "class_attendance_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "class_attendance" ADD CONSTRAINT "class_attendance_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "class_enrolments" ADD CONSTRAINT "class_enrolments_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "class_enrolments" ADD CONSTRAINT "class_enrolments_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classes" ADD CONSTRAINT "classes_tutor_id_users_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "class_attendance_class_idx" ON "class_attendance" USING btree ("class_id","user_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "class_enrolments_one_live" ON "class_enrolments" USING btree ("class_id","student_id") WHERE "class_enrolments"."status" in ('held', 'enrolled');--> statement-breakpoint
CREATE INDEX "class_enrolments_held_idx" ON "class_enrolments" USING btree ("held_until") WHERE "class_enrolments"."status" = 'held';--> statement-breakpoint
CREATE INDEX "class_enrolments_student_idx" ON "class_enrolments" USING btree ("student_id");--> statement-breakpoint
CREATE INDEX "classes_starts_idx" ON "classes" USING btree ("starts_at");--> statement-breakpoint
CREATE INDEX "classes_tutor_starts_idx" ON "classes" USING btree ("tutor_id","starts_at");--> statement-breakpoint
CREATE INDEX "classes_status_ends_idx" ON "classes" USING btree ("status","ends_at");--> statement-breakpoint
ALTER TABLE "checkouts" ADD CONSTRAINT "checkouts_class_enrolment_id_class_enrolments_id_fk" FOREIGN KEY ("class_enrolment_id") REFERENCES "public"."class_enrolments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "checkouts_class_enrolment_idx" ON "checkouts" USING btree ("class_enrolment_id");