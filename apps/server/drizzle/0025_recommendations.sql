CREATE TABLE "recommendation_models" (
	"version" text PRIMARY KEY NOT NULL,
	"trained_at" timestamp with time zone NOT NULL,
	"metrics" jsonb NOT NULL,
	"tutors" integer NOT NULL,
	"students" integer NOT NULL,
	"interactions" integer NOT NULL,
	"popularity" jsonb NOT NULL,
	"bytes" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recommendation_settings" (
	"student_id" uuid PRIMARY KEY NOT NULL,
	"personalised" boolean DEFAULT true NOT NULL,
	"language" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tutor_profile_views" (
	"student_id" uuid NOT NULL,
	"tutor_id" uuid NOT NULL,
	"day" text NOT NULL,
	"viewed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "tutor_profile_views_student_id_tutor_id_day_pk" PRIMARY KEY("student_id","tutor_id","day")
);
--> statement-breakpoint
ALTER TABLE "recommendation_settings" ADD CONSTRAINT "recommendation_settings_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_profile_views" ADD CONSTRAINT "tutor_profile_views_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_profile_views" ADD CONSTRAINT "tutor_profile_views_tutor_id_users_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recommendation_models_trained_idx" ON "recommendation_models" USING btree ("trained_at");--> statement-breakpoint
CREATE INDEX "tutor_profile_views_viewed_idx" ON "tutor_profile_views" USING btree ("viewed_at");