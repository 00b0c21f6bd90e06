-- What drizzle-kit cannot express: no two non-cancelled bookings of one tutor overlap (issue #6).
-- No earlier migration creates btree_gist (PGlite only loads its module), so it is created here; it gives gist
-- an equality operator class for uuid. An expired hold keeps blocking until it is cancelled: the booking service
-- cancels the tutor's expired holds in the same transaction before inserting (a constraint's WHERE cannot use now()).
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_valid_interval" CHECK ("ends_at" > "starts_at");
--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_status_check" CHECK ("status" IN ('held', 'confirmed', 'cancelled'));
--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap"
  EXCLUDE USING gist ("tutor_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("status" <> 'cancelled');
