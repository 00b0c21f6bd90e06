ALTER TABLE "classroom_participants" ADD COLUMN "left_out_of_recording" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "classroom_states" ADD COLUMN "recording_id" uuid;--> statement-breakpoint
ALTER TABLE "classroom_states" ADD COLUMN "recording_since" timestamp with time zone;