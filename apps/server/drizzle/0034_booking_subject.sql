ALTER TABLE "bookings" ADD COLUMN "subject_id" text;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "level" text;