CREATE TABLE "wa_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"raw_body" "bytea" NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "provider_events" ALTER COLUMN "raw_body" SET DATA TYPE bytea USING convert_to("raw_body", 'UTF8');--> statement-breakpoint
ALTER TABLE "provider_events" ADD COLUMN "body_key" text;--> statement-breakpoint
ALTER TABLE "wa_inbox" ADD COLUMN "delivery_id" bigint;--> statement-breakpoint
ALTER TABLE "wa_inbox" ADD CONSTRAINT "wa_inbox_delivery_id_wa_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."wa_deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The signed body's identity for events stored before this change (billing.provider.repo.ts computes it for new ones):
-- Stripe's event id is in its body; a Razorpay event is its type, its entities' ids and created_at. Where the header-id
-- bug already stored one body twice, only the first row gets the key.
UPDATE "provider_events" SET "body_key" = "event_id" WHERE "provider" IN ('stripe', 'fake');--> statement-breakpoint
WITH "keyed" AS (
	SELECT "event_id", "received_at",
		("payload"->>'event') || ':' ||
		coalesce((SELECT string_agg(coalesce("payload"->'payload'->c."name"->'entity'->>'id', ''), ',' ORDER BY c."ord")
			FROM jsonb_array_elements_text("payload"->'contains') WITH ORDINALITY AS c("name", "ord")), '') || ':' ||
		("payload"->>'created_at') AS "k"
	FROM "provider_events"
	WHERE "provider" = 'razorpay' AND jsonb_typeof("payload"->'contains') = 'array'
), "firsts" AS (
	SELECT "event_id", "k", row_number() OVER (PARTITION BY "k" ORDER BY "received_at", "event_id") AS "n" FROM "keyed" WHERE "k" IS NOT NULL
)
UPDATE "provider_events" AS p SET "body_key" = f."k" FROM "firsts" AS f WHERE p."provider" = 'razorpay' AND p."event_id" = f."event_id" AND f."n" = 1;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_events_body_key" ON "provider_events" USING btree ("provider","body_key");
