CREATE TABLE "tutor_application_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"application_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"content_type" text NOT NULL,
	"storage_key" text NOT NULL,
	"bytes" integer NOT NULL,
	"file_name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tutor_application_subjects" (
	"application_id" uuid NOT NULL,
	"subject_id" text NOT NULL,
	"level" text NOT NULL,
	"sample_answer" text DEFAULT '' NOT NULL,
	"decision" text,
	"decision_reason" text,
	CONSTRAINT "tutor_application_subjects_application_id_subject_id_level_pk" PRIMARY KEY("application_id","subject_id","level")
);
--> statement-breakpoint
CREATE TABLE "tutor_applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tutor_id" uuid NOT NULL,
	"status" text NOT NULL,
	"bio" text DEFAULT '' NOT NULL,
	"experience" text DEFAULT '' NOT NULL,
	"languages" text[] NOT NULL,
	"missing" text[] NOT NULL,
	"info_request" text,
	"reviewer_id" uuid,
	"decision_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"submitted_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "tutor_applications_tutor_id_unique" UNIQUE("tutor_id")
);
--> statement-breakpoint
ALTER TABLE "tutor_profiles" ADD COLUMN "subjects_vetted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tutor_application_documents" ADD CONSTRAINT "tutor_application_documents_application_id_tutor_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."tutor_applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_application_subjects" ADD CONSTRAINT "tutor_application_subjects_application_id_tutor_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."tutor_applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_applications" ADD CONSTRAINT "tutor_applications_tutor_id_users_id_fk" FOREIGN KEY ("tutor_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tutor_applications" ADD CONSTRAINT "tutor_applications_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tutor_application_documents_app_idx" ON "tutor_application_documents" USING btree ("application_id","seq");--> statement-breakpoint
CREATE INDEX "tutor_applications_status_idx" ON "tutor_applications" USING btree ("status","updated_at");