CREATE TABLE "login_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"redirect_path" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"uses" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wa_contacts" (
	"wa_id" text PRIMARY KEY NOT NULL,
	"user_id" uuid,
	"profile_name" text,
	"state" jsonb DEFAULT '{"name":"idle"}'::jsonb NOT NULL,
	"state_updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"last_inbound_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wa_inbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"event" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "wa_link_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"origin" text NOT NULL,
	"user_id" uuid,
	"wa_id" text,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wa_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"wa_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"kind" text NOT NULL,
	"ref" text,
	"body" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"provider_message_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "login_links" ADD CONSTRAINT "login_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wa_contacts" ADD CONSTRAINT "wa_contacts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wa_link_codes" ADD CONSTRAINT "wa_link_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "wa_contacts_user_key" ON "wa_contacts" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "wa_inbox_dedupe_key" ON "wa_inbox" USING btree ("dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "wa_messages_idempotency_key" ON "wa_messages" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "wa_messages_provider_id_key" ON "wa_messages" USING btree ("provider_message_id");--> statement-breakpoint
CREATE INDEX "wa_messages_failed_idx" ON "wa_messages" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "wa_messages_ref_idx" ON "wa_messages" USING btree ("kind","ref");