-- What drizzle-kit cannot express for the rest of issue #6: the wider booking statuses, one-to-five ratings,
-- and a booking's room pointing at its booking.
ALTER TABLE "bookings" DROP CONSTRAINT "bookings_status_check";
--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_status_check" CHECK ("status" IN ('held', 'confirmed', 'cancelled', 'completed', 'no_show'));
--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_rescheduled_from_fk" FOREIGN KEY ("rescheduled_from") REFERENCES "bookings"("id");
--> statement-breakpoint
ALTER TABLE "booking_reviews" ADD CONSTRAINT "booking_reviews_rating_check" CHECK ("rating" BETWEEN 1 AND 5);
--> statement-breakpoint
ALTER TABLE "tutoring_sessions" ADD CONSTRAINT "tutoring_sessions_booking_fk" FOREIGN KEY ("booking_id") REFERENCES "bookings"("id");
