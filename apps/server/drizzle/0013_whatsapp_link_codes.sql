CREATE TABLE "wa_link_attempts" (
	"key" text PRIMARY KEY NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"attempts" integer NOT NULL
);
--> statement-breakpoint
-- Codes were kept in the clear and never deleted; they are good for 15 minutes at most, so they are dropped rather than carried over.
DELETE FROM "wa_link_codes";--> statement-breakpoint
ALTER TABLE "wa_link_codes" DROP CONSTRAINT "wa_link_codes_user_id_users_id_fk";--> statement-breakpoint
ALTER TABLE "wa_link_codes" DROP COLUMN "code";--> statement-breakpoint
ALTER TABLE "wa_link_codes" DROP COLUMN "used_at";--> statement-breakpoint
ALTER TABLE "wa_link_codes" ALTER COLUMN "created_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "wa_link_codes" ADD COLUMN "code_hash" text PRIMARY KEY NOT NULL;--> statement-breakpoint
ALTER TABLE "wa_link_codes" ADD CONSTRAINT "wa_link_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "wa_link_codes_user_idx" ON "wa_link_codes" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "wa_link_codes_wa_idx" ON "wa_link_codes" USING btree ("wa_id");--> statement-breakpoint
CREATE INDEX "wa_link_codes_expires_idx" ON "wa_link_codes" USING btree ("expires_at");
