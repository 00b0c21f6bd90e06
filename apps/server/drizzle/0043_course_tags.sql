ALTER TABLE "class_enrolments" ADD COLUMN "course_id" uuid;--> statement-breakpoint
ALTER TABLE "questions" ADD COLUMN "course_id" uuid;--> statement-breakpoint
CREATE INDEX "class_enrolments_course_idx" ON "class_enrolments" USING btree ("course_id") WHERE course_id is not null;--> statement-breakpoint
CREATE INDEX "questions_course_idx" ON "questions" USING btree ("course_id") WHERE course_id is not null;