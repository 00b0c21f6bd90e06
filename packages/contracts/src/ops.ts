import { z } from 'zod';

/** The ops dashboard (/ops, #18): one summary read from rollups and small live state (decision 060). */

const count = z.number().int().min(0);
const percentiles = z.object({ count, p50: z.number().nullable(), p90: z.number().nullable(), p99: z.number().nullable() });

export const opsSummarySchema = z.object({
  at: z.string(),
  help: z.object({
    open: z.array(z.object({ id: z.string(), subjectId: z.string(), waitingSeconds: z.number(), wave: count })),
    /** Demand (open now, asked in the last hour) against supply: approved tutors online who teach it, and those of them not in a session. */
    openBySubject: z.array(z.object({ subjectId: z.string(), open: count, oldestWaitingSeconds: z.number(), askedLastHour: count, tutorsOnline: count, tutorsFree: count })),
    tutorsOnline: count,
    /** Seconds from asking to a claim: upper bounds of the rollups' histogram buckets (null when nothing was claimed). */
    claimSeconds: z.object({ hour: percentiles, day: percentiles, week: percentiles }),
    today: z.object({ asked: count, claimed: count, expired: count, cancelled: count }),
  }),
  /** Per UTC day, oldest first, the last 7 days. */
  funnel: z.array(z.object({ day: z.string(), asked: count, claimed: count, connected: count, completed: count, rated: count })),
  /** Per minute, the last 60 minutes, oldest first. */
  series: z.object({ minutes: z.array(z.string()), asked: z.array(count), claimed: z.array(count) }),
  calls: z.object({
    inProgress: z.object({ instant: count, booking: count }),
    /** Today: failures and reconnects split by 'browser:…', 'os:…', 'device:…', 'candidate:…'. */
    trouble: z.array(z.object({ dim: z.string(), failed: count, reconnects: count })),
    /** Today's sessions with the most failures and reconnects (a failure weighs three), worst first, at most 10. */
    worst: z.array(z.object({ sessionId: z.string(), kind: z.string(), startedAt: z.string(), failed: count, reconnects: count })),
    /**
     * Today's /check reports by verdict, split 'network:<path>' (direct, relay-udp, relay-tcp, blocked, untested: the best
     * way a call could go from there) and 'device:<class>'; networks first.
     */
    checks: z.array(z.object({ split: z.string(), total: count, pass: count, warn: count, fail: count, skipped: count })),
  }),
  channels: z.object({ waFailedToday: count, waTemplatesToday: count }),
  /**
   * Lessons and classes: `today` and `upcoming` count those starting this UTC day (live, one index range); the outcomes
   * count what happened today (settled, cancelled late), from the rollups. "Nobody came": a lesson nobody joined, a taught
   * class no learner joined. `days`: the last 7 UTC days, oldest first.
   */
  schedule: z.object({
    lessons: z.object({ today: count, upcoming: count, completed: count, tutorNoShows: count, studentNoShows: count, nobodyCame: count, lateCancellations: count }),
    classes: z.object({ today: count, upcoming: count, completed: count, tutorNoShows: count, nobodyCame: count, cancelled: count }),
    days: z.array(z.object({ day: z.string(), completed: count, noShows: count, nobodyCame: count, lateCancellations: count })),
  }),
  platform: z.object({
    jobs: z.object({ backlog: count, failed: count }),
    nodes: z.array(z.object({ id: z.string(), sockets: count, lagMs: z.number(), rssMiB: z.number(), version: z.string(), seenAt: z.string() })),
  }),
  /** Finance and admins only; null for ops. Minor units per currency. */
  money: z
    .object({
      today: z.array(z.object({ currency: z.string(), revenue: z.number(), refunds: z.number() })),
      month: z.array(z.object({ currency: z.string(), revenue: z.number(), refunds: z.number() })),
      webhooksRejectedToday: count,
    })
    .nullable(),
});
export type OpsSummary = z.infer<typeof opsSummarySchema>;

export const opsJobSchema = z.object({ id: z.string(), queue: z.string(), state: z.string(), attempts: count, lastError: z.string().nullable(), runAt: z.string(), finishedAt: z.string().nullable() });
export type OpsJob = z.infer<typeof opsJobSchema>;

/** The staff room the dashboard's sockets join (ops:watch); 'ops:changed' goes to it, throttled. */
export const OPS_ROOM = 'staff:ops';
export interface OpsServerEvents {
  /** Figures changed: refetch the summary (the HTTP route checks who may see money). */
  'ops:changed': (payload: { at: string }) => void;
}
export interface OpsClientEvents {
  /** Join the dashboard's room; refused for anyone without ops, finance or admin. */
  'ops:watch': (ack: (reply: { ok: true } | { ok: false; reason: 'forbidden' }) => void) => void;
}

// ---------- one tutor's quality (issue #18): GET /api/admin/tutors/:id/quality ----------

export const tutorQualityQuerySchema = z.strictObject({ days: z.coerce.number().int().min(7).max(365).default(90) });

const moneyAmounts = z.array(z.object({ currency: z.string(), amountMinor: z.number().int() }));

export const tutorQualitySchema = z.object({
  tutorId: z.string(),
  displayName: z.string(),
  approvalStatus: z.enum(['pending', 'approved', 'suspended']),
  onProbation: z.boolean(),
  from: z.string(),
  to: z.string(),
  /** Instant help: offers sent, accepted, the share accepted, and seconds from an offer to its accept. */
  offers: z.object({ offered: count, accepted: count, acceptanceRate: z.number().nullable(), acceptSecondsMedian: z.number().nullable(), acceptSecondsMean: z.number().nullable() }),
  /** Students' ratings (instant questions and booked lessons), overall and per week (Monday, UTC). */
  ratings: z.object({ count, average: z.number().nullable(), weeks: z.array(z.object({ week: z.string(), count, average: z.number() })) }),
  /** Support tickets reported about this tutor's sessions. */
  complaints: z.object({ tickets: count, open: count }),
  lessons: z.object({ booked: count, completed: count, noShows: count, lateCancellations: count, cancelledByTutor: count }),
  classes: z.object({ taught: count, noShows: count, cancelled: count }),
  sessions: z.object({ count, minutes: count }),
  /** From the ledger; null unless the caller holds finance or admin. */
  earnings: moneyAmounts.nullable(),
});
export type TutorQuality = z.infer<typeof tutorQualitySchema>;

// ---------- the list behind the lessons-and-classes tile: GET /api/ops/schedule?day=YYYY-MM-DD ----------

export const opsScheduleQuerySchema = z.strictObject({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD').optional() });

const person = z.object({ id: z.string(), displayName: z.string() });
export const opsScheduleSchema = z.object({
  day: z.string(),
  lessons: z.array(z.object({ id: z.string(), startsAt: z.string(), endsAt: z.string(), tutor: person, student: person, subjectId: z.string().nullable(), status: z.string(), outcome: z.string().nullable() })),
  classes: z.array(z.object({ id: z.string(), title: z.string(), startsAt: z.string(), endsAt: z.string(), tutor: person, status: z.string(), enrolled: count, attended: count })),
  /** Whether either list stopped at its limit. */
  truncated: z.boolean(),
});
export type OpsSchedule = z.infer<typeof opsScheduleSchema>;
