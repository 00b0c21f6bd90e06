CREATE TABLE "session_chat_reads" (
	"session_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"last_read_message_id" bigint NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "session_chat_reads_session_id_user_id_pk" PRIMARY KEY("session_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "session_ratings" (
	"session_id" uuid NOT NULL,
	"rater_id" uuid NOT NULL,
	"ratee_id" uuid NOT NULL,
	"rater_role" text NOT NULL,
	"stars" integer NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "session_ratings_session_id_rater_id_pk" PRIMARY KEY("session_id","rater_id"),
	CONSTRAINT "session_ratings_stars" CHECK ("session_ratings"."stars" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "checkouts" ADD COLUMN "success_url" text;--> statement-breakpoint
ALTER TABLE "checkouts" ADD COLUMN "cancel_url" text;--> statement-breakpoint
ALTER TABLE "session_chat_reads" ADD CONSTRAINT "session_chat_reads_session_id_tutoring_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."tutoring_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_chat_reads" ADD CONSTRAINT "session_chat_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_ratings" ADD CONSTRAINT "session_ratings_session_id_tutoring_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."tutoring_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_ratings" ADD CONSTRAINT "session_ratings_rater_id_users_id_fk" FOREIGN KEY ("rater_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_ratings" ADD CONSTRAINT "session_ratings_ratee_id_users_id_fk" FOREIGN KEY ("ratee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "session_ratings_ratee_idx" ON "session_ratings" USING btree ("ratee_id","created_at");