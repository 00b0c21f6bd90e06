CREATE TABLE "recordings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"room_ref" text NOT NULL,
	"sfu_room" text NOT NULL,
	"owner_id" uuid NOT NULL,
	"status" text NOT NULL,
	"files" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"duration_ms" integer,
	"error" text,
	"created_at" timestamp with time zone NOT NULL,
	"stopped_at" timestamp with time zone,
	"delete_after" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "recordings_delete_after_idx" ON "recordings" USING btree ("delete_after");--> statement-breakpoint
CREATE INDEX "recordings_room_ref_idx" ON "recordings" USING btree ("room_ref");