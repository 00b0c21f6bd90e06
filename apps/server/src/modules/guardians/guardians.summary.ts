import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import type { IdentityService } from '../identity';
import type { EmailContent } from '../notifications';
import type { GuardianControls } from './guardians.controls';
import type { GuardiansRepo } from './guardians.repo';
import { phoneDigits, summaryWeekOf } from './guardians.rules';

const WEEK_MS = 7 * 86_400_000;
/** The weekly run: one per ISO week (Monday 00:00 UTC), whoever enqueues it. */
export const GUARDIAN_WEEK_QUEUE = defineJob('guardians.weekly', z.object({ week: z.string() }));
/** One guardian's summary of one week: its dedupe key makes it once per guardian per week, however often the run repeats. */
export const GUARDIAN_SUMMARY_QUEUE = defineJob('guardians.summary', z.object({ guardianId: z.string(), week: z.string() }));

/** The Monday 00:00 UTC starting the week after `at`'s. */
const nextWeekStart = (at: Date) => new Date(new Date(`${summaryWeekOf(at)}T00:00:00Z`).getTime() + WEEK_MS);

/**
 * The weekly summary (issue #20): each guardian with a consented child gets, once a week, by WhatsApp (or by email
 * when no WhatsApp number is on record), what each child did in the past week (sessions, lessons, classes, minutes).
 * A guardian neither reaches is skipped and logged.
 */
export function createGuardianSummary(deps: { repo: GuardiansRepo; db: Db; clock: Clock; logger: Logger; identity: IdentityService; controls: GuardianControls;
  sendWhatsApp: ((waId: string, text: string, key: string, kind: string) => Promise<void>) | null;
  /** Queues an email to the guardian's own address (null when email is not configured); false when not queued. */
  sendEmail: ((userId: string, content: EmailContent, key: string) => Promise<boolean>) | null;
  publicUrl: string;
}) {
  const { repo, db, clock, logger } = deps;

  async function scheduleWeek(at: Date) {
    const start = nextWeekStart(at);
    const week = start.toISOString().slice(0, 10);
    await GUARDIAN_WEEK_QUEUE.enqueue(db, { week }, { dedupeKey: `${GUARDIAN_WEEK_QUEUE.queue}:${week}`, now: clock.now(), runAt: start });
  }

  /** Queues one summary job per guardian with a consented child, for the week ending at `week` (a Monday). */
  async function runWeek(week: string): Promise<number> {
    const guardians = [...new Set((await repo.consentedLinks()).map((l) => l.guardianId))];
    await GUARDIAN_SUMMARY_QUEUE.enqueueMany(
      db,
      guardians.map((guardianId) => ({ payload: { guardianId, week }, dedupeKey: `${GUARDIAN_SUMMARY_QUEUE.queue}:${guardianId}:${week}` })),
      { now: clock.now() },
    );
    logger.info({ event: 'guardian_summaries_queued', week, guardians: guardians.length }, 'weekly guardian summaries queued');
    return guardians.length;
  }

  /** Sends one guardian's summary of the 7 days before `week`: by WhatsApp, or by email when no WhatsApp reaches them. */
  async function sendSummary(guardianId: string, week: string): Promise<boolean> {
    const until = new Date(`${week}T00:00:00Z`);
    const since = new Date(until.getTime() - WEEK_MS);
    const number = deps.sendWhatsApp ? ((await repo.guardianNumber(guardianId)) ?? null) : null;
    if (!number && !deps.sendEmail) {
      logger.info({ event: 'guardian_summary_no_channel', guardianId, week }, 'no channel reaches this guardian');
      return false;
    }
    const links = (await repo.linksOfGuardian(guardianId)).filter((l) => l.status === 'consented');
    const children = [];
    for (const l of links) {
      const child = await deps.identity.studentFacts(l.studentId);
      const acts = (await deps.controls.activityOf(l.studentId, until)).filter((a) => a.startedAt >= since.toISOString() && a.startedAt < until.toISOString());
      const of = (k: string) => acts.filter((a) => a.kind === k).length;
      children.push({ name: child.displayName, instant: of('instant'), lessons: of('lesson'), classes: of('class'), minutes: acts.reduce((n, a) => n + (a.minutes ?? 0), 0) });
    }
    let channel: 'whatsapp' | 'email' = 'whatsapp';
    if (number && deps.sendWhatsApp) {
      const lines = children.map((k) => `${k.name}: ${k.instant} instant help, ${k.lessons} lessons, ${k.classes} classes, ${k.minutes} min with tutors.`);
      const text = `Tutorline weekly summary (week to ${week}):\n${lines.join('\n')}\nSee every session, note and rating on your guardian page.`;
      await deps.sendWhatsApp(phoneDigits(number), text, `guardian-summary:${guardianId}:${week}`, 'guardian.summary');
    } else {
      channel = 'email';
      const queued = await deps.sendEmail!(guardianId, { kind: 'guardian.summary', week, children, url: `${deps.publicUrl}/guardian` }, `guardian-summary:${week}`);
      if (!queued) {
        logger.info({ event: 'guardian_summary_no_channel', guardianId, week }, 'no channel reaches this guardian');
        return false;
      }
    }
    logger.info({ event: 'guardian_summary_sent', guardianId, week, children: links.length, channel }, 'weekly guardian summary sent');
    return true;
  }

  return {
    runWeek,
    sendSummary,
    async install(jobs: JobRunner) {
      jobs.register(GUARDIAN_WEEK_QUEUE, async ({ week }) => {
        await scheduleWeek(new Date(`${week}T00:00:00Z`));
        await pruneFinishedRuns(db, GUARDIAN_WEEK_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
        await runWeek(week);
      });
      jobs.register(GUARDIAN_SUMMARY_QUEUE, async ({ guardianId, week }) => {
        await sendSummary(guardianId, week);
      });
      await scheduleWeek(clock.now());
    },
  };
}
