CREATE TABLE "failed_logins" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account" text NOT NULL,
	"ip" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"cleared_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "failed_logins_account_at_idx" ON "failed_logins" USING btree ("account","at");--> statement-breakpoint
CREATE INDEX "failed_logins_at_idx" ON "failed_logins" USING btree ("at");