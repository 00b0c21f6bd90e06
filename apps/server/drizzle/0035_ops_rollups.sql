CREATE TABLE "ops_nodes" (
	"id" text PRIMARY KEY NOT NULL,
	"sockets" integer NOT NULL,
	"lag_ms" double precision NOT NULL,
	"rss_mib" double precision NOT NULL,
	"version" text NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ops_rollup_hour" (
	"bucket" timestamp with time zone NOT NULL,
	"metric" text NOT NULL,
	"dim" text DEFAULT '' NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "ops_rollup_hour_metric_bucket_dim_pk" PRIMARY KEY("metric","bucket","dim")
);
--> statement-breakpoint
CREATE TABLE "ops_rollup_minute" (
	"bucket" timestamp with time zone NOT NULL,
	"metric" text NOT NULL,
	"dim" text DEFAULT '' NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "ops_rollup_minute_metric_bucket_dim_pk" PRIMARY KEY("metric","bucket","dim")
);
--> statement-breakpoint
CREATE TABLE "ops_rollup_state" (
	"source" text PRIMARY KEY NOT NULL,
	"done_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ops_rollup_minute_bucket_idx" ON "ops_rollup_minute" USING btree ("bucket");--> statement-breakpoint
CREATE INDEX "payments_paid_idx" ON "payments" USING btree ("paid_at");--> statement-breakpoint
CREATE INDEX "provider_events_processed_idx" ON "provider_events" USING btree ("processed_at") WHERE processed_at is not null;--> statement-breakpoint
CREATE INDEX "refunds_settled_idx" ON "refunds" USING btree ("settled_at") WHERE settled_at is not null;--> statement-breakpoint
CREATE INDEX "questions_created_idx" ON "questions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "questions_claimed_idx" ON "questions" USING btree ("claimed_at") WHERE claimed_at is not null;--> statement-breakpoint
CREATE INDEX "questions_closed_idx" ON "questions" USING btree ("closed_at") WHERE closed_at is not null;--> statement-breakpoint
CREATE INDEX "questions_answered_idx" ON "questions" USING btree ("answered_at") WHERE answered_at is not null;--> statement-breakpoint
CREATE INDEX "questions_rated_idx" ON "questions" USING btree ("rated_at") WHERE rated_at is not null;--> statement-breakpoint
CREATE INDEX "call_events_trouble_idx" ON "call_events" USING btree ("at") WHERE type in ('reconnecting', 'media-failed');--> statement-breakpoint
CREATE INDEX "session_ratings_created_idx" ON "session_ratings" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "session_together_started_idx" ON "session_together" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "tutoring_sessions_started_idx" ON "tutoring_sessions" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "tutoring_sessions_ended_idx" ON "tutoring_sessions" USING btree ("ended_at") WHERE ended_at is not null;--> statement-breakpoint
CREATE INDEX "wa_messages_created_idx" ON "wa_messages" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "jobs_failed_idx" ON "jobs" USING btree ("finished_at") WHERE state = 'failed';