ALTER TABLE "tutor_profiles" ADD COLUMN "on_probation" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tutor_profiles" ADD COLUMN "probation_changed_at" timestamp with time zone;