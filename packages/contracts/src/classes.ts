import { z } from 'zod';

/** Group classes (issue #15): one tutor, up to 30 learners, a time, a price or free. */
export const CLASS_MAX_CAPACITY = 30;
export const CLASS_MAX_WEEKS = 12;
export const classStatuses = ['scheduled', 'cancelled', 'completed', 'tutor_no_show'] as const;
export type ClassStatus = (typeof classStatuses)[number];
export const enrolmentStatuses = ['held', 'enrolled', 'left', 'refunded', 'expired'] as const;

/** POST /api/classes: the start is a wall-clock date and time in the tutor's own zone; `weeks` > 1 makes a weekly series. */
export const classCreateSchema = z.strictObject({
  subjectId: z.string().trim().min(1).max(60),
  level: z.string().trim().min(1).max(60),
  title: z.string().trim().min(3, 'must be at least 3 characters').max(120),
  description: z.string().trim().max(4000).default(''),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  time: z.string().regex(/^\d{2}:\d{2}$/, 'must be HH:MM'),
  weeks: z.int().min(1).max(CLASS_MAX_WEEKS).default(1),
  durationMinutes: z.int().min(15, 'must be at least 15 minutes').max(240, 'must be at most 4 hours'),
  capacity: z.int().min(1, 'must be at least 1').max(CLASS_MAX_CAPACITY, `must be at most ${CLASS_MAX_CAPACITY}`),
  /** 0 is a free class. */
  priceMinor: z.int().min(0).max(10_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter currency code').default('INR'),
  language: z.string().trim().min(2).max(40),
  lobby: z.boolean().default(false),
});
export type ClassCreateBody = z.input<typeof classCreateSchema>;

/** GET /api/classes: filters; times in the caller's zone (or `timeZone`). */
export const classListQuerySchema = z.strictObject({
  subjectId: z.string().max(60).optional(),
  level: z.string().max(60).optional(),
  language: z.string().max(40).optional(),
  tutorId: z.uuid('must be an id').optional(),
  /** The classes of one weekly series (a course's series link, #16). */
  seriesId: z.uuid('must be an id').optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  price: z.enum(['free', 'paid']).optional(),
  timeZone: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ClassListQuery = z.input<typeof classListQuerySchema>;

export const classViewSchema = z.object({
  id: z.string(),
  tutorId: z.string(),
  tutorName: z.string(),
  subjectId: z.string(),
  level: z.string(),
  title: z.string(),
  description: z.string(),
  language: z.string(),
  start: z.string(),
  end: z.string(),
  /** The start on the viewer's clock (their zone, named). */
  local: z.object({ date: z.string(), time: z.string(), endTime: z.string(), timeZone: z.string() }),
  durationMinutes: z.number(),
  capacity: z.number(),
  enrolled: z.number(),
  seatsLeft: z.number(),
  priceMinor: z.number(),
  currency: z.string(),
  free: z.boolean(),
  lobby: z.boolean(),
  status: z.enum(classStatuses),
  seriesId: z.string().nullable(),
  roomOpensAt: z.string(),
  /** The caller's own seat, if any ('held' while it waits for its payment), or 'teaching' for the tutor. */
  mine: z.enum(['held', 'enrolled', 'teaching']).nullable(),
  /** The caller's seat: its id (to pay for a held one: POST /api/billing/checkout with classEnrolmentId) and until when it is held. */
  seat: z.object({ id: z.string(), heldUntil: z.string().nullable() }).nullable(),
});
export type ClassView = z.infer<typeof classViewSchema>;
export const classListSchema = z.object({ classes: z.array(classViewSchema) });
export type ClassList = z.infer<typeof classListSchema>;
export const classCreatedSchema = z.object({ classes: z.array(classViewSchema) });

/** A seat: held (pay through POST /api/billing/checkout with classEnrolmentId before heldUntil) or enrolled. */
/** POST /api/classes/:id/enrol: optionally the LMS course the learner enrols from (a placed class or series item, #16). */
export const enrolBodySchema = z.strictObject({ course: z.uuid('must be a course id').optional() });
export type EnrolBody = z.infer<typeof enrolBodySchema>;

export const enrolmentViewSchema = z.object({ id: z.string(), classId: z.string(), status: z.enum(enrolmentStatuses), enrolledAt: z.string(), heldUntil: z.string().nullable(), leftAt: z.string().nullable() });
export type EnrolmentView = z.infer<typeof enrolmentViewSchema>;
export const classRosterSchema = z.object({ learners: z.array(z.object({ userId: z.string(), name: z.string(), status: z.enum(enrolmentStatuses), enrolledAt: z.string() })) });
export type ClassRoster = z.infer<typeof classRosterSchema>;

export const attendanceSchema = z.object({
  classId: z.string(),
  title: z.string(),
  start: z.string(),
  end: z.string(),
  learners: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      intervals: z.array(z.object({ joinedAt: z.string(), leftAt: z.string().nullable() })),
      minutesPresent: z.number(),
    }),
  ),
});
export type Attendance = z.infer<typeof attendanceSchema>;
