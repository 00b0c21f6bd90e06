CREATE TABLE "classroom_breakout_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"breakout_id" uuid NOT NULL,
	"number" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "classroom_breakout_members" (
	"breakout_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	CONSTRAINT "classroom_breakout_members_breakout_id_user_id_pk" PRIMARY KEY("breakout_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "classroom_breakouts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"class_id" uuid NOT NULL,
	"created_by" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"visiting_group_id" uuid,
	"broadcast" text,
	"broadcast_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"closed_by" text
);
--> statement-breakpoint
ALTER TABLE "classroom_breakout_groups" ADD CONSTRAINT "classroom_breakout_groups_breakout_id_classroom_breakouts_id_fk" FOREIGN KEY ("breakout_id") REFERENCES "public"."classroom_breakouts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_breakout_members" ADD CONSTRAINT "classroom_breakout_members_breakout_id_classroom_breakouts_id_fk" FOREIGN KEY ("breakout_id") REFERENCES "public"."classroom_breakouts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_breakout_members" ADD CONSTRAINT "classroom_breakout_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_breakout_members" ADD CONSTRAINT "classroom_breakout_members_group_id_classroom_breakout_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."classroom_breakout_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_breakouts" ADD CONSTRAINT "classroom_breakouts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "classroom_breakout_groups_number_key" ON "classroom_breakout_groups" USING btree ("breakout_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "classroom_breakouts_one_open" ON "classroom_breakouts" USING btree ("class_id") WHERE closed_at is null;--> statement-breakpoint
CREATE INDEX "classroom_breakouts_class_idx" ON "classroom_breakouts" USING btree ("class_id","started_at");