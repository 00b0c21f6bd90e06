import type { GuardianActivity, GuardianChild, GuardianControlsBody } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { fail, ok, type Fail, type Result } from '../../platform/result';
import { instantToZoned, minutesOfDay } from '../../platform/time';
import { classesAttendedBetween } from '../classes';
import { accountsByIds, type AuthUser, type GuardianLimitRefusal, type GuardianLimits, type IdentityService } from '../identity';
import { sessionsOfStudent } from '../rooms';
import { bookingSpendOfStudent } from '../scheduling';
import type { GuardianCardCheckService } from './guardians.card-check';
import type { GuardianConsent } from './guardians.consent';
import type { GuardianSharingService } from './guardians.sharing';
import { checkLimits, clockOf, declarationText, DECLARATION_VERSION, monthStartUtc } from './guardians.rules';
import type { ControlsRow, GuardiansRepo } from './guardians.repo';

const DAY_MS = 86_400_000;
/** How far back the guardian's page lists activity. */
const ACTIVITY_DAYS = 90;

const controlsView = (c: ControlsRow | undefined) => ({
  monthlyLimitMinor: c?.monthlyLimitMinor ?? null,
  allowedFrom: c?.allowedFromMinute != null ? clockOf(c.allowedFromMinute) : null,
  allowedTo: c?.allowedToMinute != null ? clockOf(c.allowedToMinute) : null,
  recordingAllowed: c?.recordingAllowed ?? true,
});

/** What guardians do with a consented child (issue #20): see their activity, set limits and recording, and the limits port. */
export function createGuardianControls(deps: { repo: GuardiansRepo; db: Db; clock: Clock; logger: Logger; identity: IdentityService; consent: GuardianConsent; cardCheck: Pick<GuardianCardCheckService, 'view'>; sharing: Pick<GuardianSharingService, 'view'> }) {
  const { repo, db, clock, logger, identity } = deps;

  const spentThisMonth = (studentId: string, now: Date) => bookingSpendOfStudent(db, studentId, { since: monthStartUtc(now), until: new Date(now.getTime() + DAY_MS) });

  /** Sessions and lessons (from the room records) and classes the child joined, newest first. */
  async function activityOf(studentId: string, now: Date): Promise<GuardianActivity[]> {
    const since = new Date(now.getTime() - ACTIVITY_DAYS * DAY_MS);
    const [sessions, classes] = await Promise.all([sessionsOfStudent(db, studentId, since), classesAttendedBetween(db, { since, until: now, studentId })]);
    const names = new Map((await accountsByIds(db, [...sessions.map((s) => s.tutorId), ...classes.map((c) => c.tutorId)])).map((a) => [a.id, a.displayName]));
    const items: GuardianActivity[] = [
      ...sessions.map((s) => ({
        kind: s.kind === 'instant' ? ('instant' as const) : ('lesson' as const),
        id: s.id,
        title: s.kind === 'instant' ? 'Instant help' : 'Booked lesson',
        tutorName: names.get(s.tutorId) ?? 'A tutor',
        startedAt: s.startedAt.toISOString(),
        minutes: s.endedAt ? Math.max(1, Math.round((s.endedAt.getTime() - s.startedAt.getTime()) / 60_000)) : null,
        tutorNote: s.tutorNote,
        rating: s.studentStars,
      })),
      ...classes.map((c) => ({ kind: 'class' as const, id: `${c.tutorId}:${c.startsAt.toISOString()}`, title: `Class: ${c.subjectId} ${c.level}`, tutorName: names.get(c.tutorId) ?? 'A tutor', startedAt: c.startsAt.toISOString(), minutes: null, tutorNote: null, rating: null })),
    ];
    return items.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  const limits: GuardianLimits = {
    async check(studentId, act): Promise<{ ok: true } | GuardianLimitRefusal> {
      const [c] = await repo.controlsOf([studentId]);
      if (!c || (c.monthlyLimitMinor === null && c.allowedFromMinute === null)) return { ok: true };
      const facts = await identity.studentFacts(studentId);
      const zoned = instantToZoned(act.at, facts.timeZone);
      const localMinute = minutesOfDay(zoned.time);
      const spent = act.priceMinor > 0 && c.monthlyLimitMinor !== null ? await spentThisMonth(studentId, clock.now()) : 0;
      const r = checkLimits(c, { localMinute, priceMinor: act.priceMinor, spentThisMonthMinor: spent });
      if (r.ok) return r;
      const message =
        r.reason === 'outside_allowed_hours'
          ? `Your guardian allows ${act.action === 'ask' ? 'questions' : 'lessons'} only between ${clockOf(r.from)} and ${clockOf(r.to)} (${facts.timeZone}). Nothing was ${act.action === 'ask' ? 'sent' : 'booked'}.`
          : `This would go over the monthly spending limit your guardian set. Nothing was booked; ask your guardian to raise the limit.`;
      logger.info({ event: 'guardian_limit_refused', studentId, action: act.action, kind: r.reason }, 'refused by a guardian limit');
      return fail('guardian_limit', { kind: r.reason, message });
    },
  };

  return {
    limits,

    /** Every child of this guardian with the link's status, the limits, this month's spending and the activity. */
    async children(guardian: AuthUser): Promise<GuardianChild[]> {
      const links = await repo.linksOfGuardian(guardian.id);
      const now = clock.now();
      const controls = new Map((await repo.controlsOf(links.map((l) => l.studentId))).map((c) => [c.studentId, c]));
      return Promise.all(
        links.map(async (l) => {
          const f = await identity.studentFacts(l.studentId, now);
          const consented = l.status === 'consented';
          return {
            id: f.id,
            displayName: f.displayName,
            age: f.age,
            country: f.country,
            timeZone: f.timeZone,
            status: l.status,
            consentAt: f.consentAt?.toISOString() ?? null,
            spentThisMonthMinor: consented ? await spentThisMonth(f.id, now) : 0,
            controls: controlsView(controls.get(f.id)),
            declarationVersion: DECLARATION_VERSION,
            declarationText: declarationText(f.displayName)!,
            cardCheck: await deps.cardCheck.view(guardian.id, f.id, f.country),
            sharing: await deps.sharing.view(f.id, f.displayName),
            activity: consented ? await activityOf(f.id, now) : [],
          };
        }),
      );
    },

    /** Limits, recording and the consent country, set by any of the child's guardians; each change is logged. */
    async setControls(guardian: AuthUser, studentId: string, body: GuardianControlsBody): Promise<Result<GuardianChild['controls'], Fail<'not_your_child'>>> {
      if (!(await deps.consent.childOf(guardian, studentId))) return fail('not_your_child');
      const now = clock.now();
      const minute = (t: string | null) => (t === null ? null : minutesOfDay(t));
      const row = await repo.upsertControls({ studentId, monthlyLimitMinor: body.monthlyLimitMinor, allowedFromMinute: minute(body.allowedFrom), allowedToMinute: minute(body.allowedTo), recordingAllowed: body.recordingAllowed, updatedBy: guardian.id, updatedAt: now });
      await identity.setRecordingForbidden(studentId, !body.recordingAllowed);
      if (body.country) await identity.setCountry(studentId, body.country);
      logger.info(
        { event: 'guardian_controls_set', audit: true, guardianId: guardian.id, studentId, monthlyLimitMinor: row.monthlyLimitMinor, allowedFrom: body.allowedFrom, allowedTo: body.allowedTo, recordingAllowed: row.recordingAllowed, country: body.country ?? null },
        'guardian controls set',
      );
      return ok(controlsView(row));
    },

    activityOf,
  };
}
export type GuardianControls = ReturnType<typeof createGuardianControls>;
