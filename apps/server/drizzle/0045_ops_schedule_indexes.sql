CREATE INDEX "classes_settled_idx" ON "classes" USING btree ("settled_at") WHERE settled_at is not null;--> statement-breakpoint
CREATE INDEX "classes_cancelled_idx" ON "classes" USING btree ("cancelled_at") WHERE cancelled_at is not null;--> statement-breakpoint
CREATE INDEX "bookings_starts_idx" ON "bookings" USING btree ("starts_at");--> statement-breakpoint
CREATE INDEX "bookings_settled_idx" ON "bookings" USING btree ("settled_at") WHERE settled_at is not null;--> statement-breakpoint
CREATE INDEX "bookings_cancelled_idx" ON "bookings" USING btree ("cancelled_at") WHERE cancelled_at is not null;