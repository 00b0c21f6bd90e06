CREATE SEQUENCE "public"."classroom_hand_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "classroom_board_updates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"class_id" uuid NOT NULL,
	"update" "bytea" NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "classroom_boards" (
	"class_id" uuid PRIMARY KEY NOT NULL,
	"state" "bytea" NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "classroom_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"class_id" uuid NOT NULL,
	"user_id" uuid,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "classroom_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"class_id" uuid NOT NULL,
	"sender_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"body" text NOT NULL,
	"to_teacher" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "classroom_participants" (
	"class_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"admission" text NOT NULL,
	"audio_muted" boolean NOT NULL,
	"video_stopped" boolean NOT NULL,
	"audio_held" boolean DEFAULT false NOT NULL,
	"video_held" boolean DEFAULT false NOT NULL,
	"hand_raised_at" timestamp with time zone,
	"hand_order" bigint,
	"removed_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone NOT NULL,
	"waiting_since" timestamp with time zone,
	CONSTRAINT "classroom_participants_class_id_user_id_pk" PRIMARY KEY("class_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "classroom_poll_ballots" (
	"poll_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"cast_at" timestamp with time zone NOT NULL,
	CONSTRAINT "classroom_poll_ballots_poll_id_user_id_pk" PRIMARY KEY("poll_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "classroom_poll_votes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"poll_id" uuid NOT NULL,
	"voter_id" uuid,
	"choices" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "classroom_polls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"class_id" uuid NOT NULL,
	"created_by" uuid NOT NULL,
	"question" text NOT NULL,
	"options" jsonb NOT NULL,
	"multiple" boolean NOT NULL,
	"anonymous" boolean NOT NULL,
	"status" text NOT NULL,
	"shared" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "classroom_states" (
	"class_id" uuid PRIMARY KEY NOT NULL,
	"mics_locked" boolean DEFAULT false NOT NULL,
	"cameras_locked" boolean DEFAULT false NOT NULL,
	"chat_locked" boolean DEFAULT false NOT NULL,
	"board_locked" boolean DEFAULT false NOT NULL,
	"spotlight_user_id" uuid,
	"pen_user_id" uuid,
	"ended_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "classroom_events" ADD CONSTRAINT "classroom_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_messages" ADD CONSTRAINT "classroom_messages_sender_id_users_id_fk" FOREIGN KEY ("sender_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_participants" ADD CONSTRAINT "classroom_participants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_poll_ballots" ADD CONSTRAINT "classroom_poll_ballots_poll_id_classroom_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."classroom_polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_poll_ballots" ADD CONSTRAINT "classroom_poll_ballots_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_poll_votes" ADD CONSTRAINT "classroom_poll_votes_poll_id_classroom_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."classroom_polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_poll_votes" ADD CONSTRAINT "classroom_poll_votes_voter_id_users_id_fk" FOREIGN KEY ("voter_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_polls" ADD CONSTRAINT "classroom_polls_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_states" ADD CONSTRAINT "classroom_states_spotlight_user_id_users_id_fk" FOREIGN KEY ("spotlight_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_states" ADD CONSTRAINT "classroom_states_pen_user_id_users_id_fk" FOREIGN KEY ("pen_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "classroom_board_updates_class_idx" ON "classroom_board_updates" USING btree ("class_id","id");--> statement-breakpoint
CREATE INDEX "classroom_events_class_idx" ON "classroom_events" USING btree ("class_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "classroom_messages_client_key" ON "classroom_messages" USING btree ("class_id","sender_id","client_id");--> statement-breakpoint
CREATE INDEX "classroom_messages_class_idx" ON "classroom_messages" USING btree ("class_id","id");--> statement-breakpoint
CREATE INDEX "classroom_poll_votes_poll_idx" ON "classroom_poll_votes" USING btree ("poll_id");--> statement-breakpoint
CREATE INDEX "classroom_polls_class_idx" ON "classroom_polls" USING btree ("class_id","seq");