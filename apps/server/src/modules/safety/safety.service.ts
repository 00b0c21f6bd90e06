import type { CreateReportBody, SafetyFlag, SafetyReport, StaffSafetyReport } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Tx } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import { screenText } from './safety.detect.rules';
import type { FlagRow, ReportRow, SafetyRepo } from './safety.repo';
import { bioRefusal, boardWarning, DAY_MS, isSevere, maskWarning, repeatReached, REVIEW_NOTICE } from './safety.rules';

/** What safety asks other modules, through their index.ts (wired in safety.install.ts). */
export interface SafetyDeps {
  repo: SafetyRepo;
  clock: Clock;
  logger: Logger;
  /** Of these users, the students under 18 (or of unknown age). */
  minors(ids: readonly string[]): Promise<Set<string>>;
  /** The session's two participants, or undefined when there is no such session. */
  participants(sessionId: string): Promise<{ studentId: string; tutorId: string } | undefined>;
  /** The session's chat as delivered, oldest first. */
  chat(sessionId: string): Promise<{ senderId: string; text: string | null; sentAt: string }[]>;
  names(ids: readonly string[]): Promise<Map<string, { displayName: string; role: string }>>;
  /** Who hears ops alerts (read before a transaction: PGlite has one connection). */
  opsStaffIds(): Promise<string[]>;
  /** Tells these staff at once (in-app and the outbox to their channels), inside the caller's transaction; returns the after-commit push. */
  alertOps(tx: Tx, staffIds: readonly string[], alert: { kind: string; text: string; data: Record<string, unknown>; dedupeKey: string }): Promise<() => void>;
  /** Writes the audit row of a staff action in its transaction. */
  audit(tx: Tx, at: Date, entry: { actor: { id: string; role: string }; action: string; object: { type: string; id: string }; reason?: string }): Promise<void>;
}

export type ReportFailure = Fail<'not_found'>;
export type BlockFailure = Fail<'not_a_student'> | Fail<'not_found'>;
export type CloseFailure = Fail<'not_found'> | Fail<'already_closed'>;

const reportView = (r: ReportRow): SafetyReport => ({ id: r.id, sessionId: r.sessionId, category: r.category as SafetyReport['category'], status: r.status, severe: r.severe, createdAt: r.createdAt.toISOString(), blocked: r.blocked });
const flagView = (f: FlagRow): SafetyFlag => ({ id: f.id, kind: f.kind, userId: f.userId, sessionId: f.sessionId, detail: f.detail, createdAt: f.createdAt.toISOString() });

export function createSafetyService(deps: SafetyDeps) {
  const { repo, clock, logger } = deps;

  /** A sender reached a repeat threshold: one flag per session or per day, visible to ops. */
  async function flagRepeats(senderId: string, sessionId: string | null, surface: string) {
    const now = clock.now();
    const counts = await repo.attemptCounts(senderId, sessionId, new Date(now.getTime() - DAY_MS));
    const reached = repeatReached(counts);
    if (!reached) return;
    const key = reached === 'session' ? `repeat_contact:session:${sessionId}:${senderId}` : `repeat_contact:day:${now.toISOString().slice(0, 10)}:${senderId}`;
    const flag = await repo.addFlag(repo.db, { kind: 'repeat_contact', userId: senderId, sessionId, dedupeKey: key, detail: { reached, ...counts, surface }, createdAt: now });
    if (flag) logger.warn({ event: 'safety_flag_raised', kind: 'repeat_contact', flagId: flag.id, userId: senderId, sessionId, reached, ...counts }, 'repeated contact attempts flagged to ops');
  }

  return {
    /** The room's chat port: masks contact details in a message when the session's student is a minor. */
    async screenChat(input: { sessionId: string; senderId: string; studentId: string; tutorId: string; text: string }) {
      const screened = screenText(input.text);
      if (!screened.matches.length) return { text: input.text, masked: [], warning: null };
      if (!(await deps.minors([input.studentId])).has(input.studentId)) {
        logger.debug({ event: 'contact_details_adult', sessionId: input.sessionId, senderId: input.senderId, categories: screened.categories }, 'contact details between adults, delivered');
        return { text: input.text, masked: [], warning: null };
      }
      return { text: screened.text, masked: screened.categories, warning: maskWarning(screened.categories) };
    },

    /** A masked message was stored: the original kept as evidence, the sender warned (by the caller), repeats flagged. */
    async chatMasked(input: { sessionId: string; senderId: string; original: string; categories: string[] }) {
      await repo.addAttempt(repo.db, { senderId: input.senderId, sessionId: input.sessionId, surface: 'chat', original: input.original, categories: input.categories, createdAt: clock.now() });
      logger.info({ event: 'contact_details_masked', surface: 'chat', sessionId: input.sessionId, senderId: input.senderId, categories: input.categories }, 'contact details masked for a minor');
      await flagRepeats(input.senderId, input.sessionId, 'chat');
    },

    /** The room's board port: text elements with contact details in a minor's session are recorded (one attempt per element) and the writer warned. */
    async screenBoard(input: { sessionId: string; senderId: string; studentId: string; tutorId: string; texts: { id: string; text: string }[] }): Promise<string | null> {
      const found = input.texts.map((t) => ({ ...t, screened: screenText(t.text) })).filter((t) => t.screened.matches.length);
      if (!found.length || !(await deps.minors([input.studentId])).has(input.studentId)) return null;
      let added = false;
      for (const t of found) {
        const isNew = await repo.upsertRefAttempt({ senderId: input.senderId, sessionId: input.sessionId, surface: 'board', ref: t.id, original: t.text, categories: t.screened.categories, createdAt: clock.now() });
        added ||= isNew;
        if (isNew) logger.info({ event: 'contact_details_on_board', sessionId: input.sessionId, senderId: input.senderId, elementId: t.id, categories: t.screened.categories }, 'contact details on the board in a minor’s session; writer warned');
      }
      if (added) await flagRepeats(input.senderId, input.sessionId, 'board');
      return boardWarning([...new Set(found.flatMap((t) => t.screened.categories))]);
    },

    /**
     * Identity's bio port: a tutor's bio with contact details is refused (every student reads it, and most are minors);
     * the attempt is kept and counts toward the same repeat flag as chat (by day: a bio has no session).
     */
    async screenBio(tutorId: string, bio: string): Promise<{ ok: true } | { ok: false; categories: string[]; message: string }> {
      const screened = screenText(bio);
      if (!screened.matches.length) return { ok: true };
      await repo.addAttempt(repo.db, { senderId: tutorId, sessionId: null, surface: 'bio', original: bio, categories: screened.categories, createdAt: clock.now() });
      logger.info({ event: 'contact_details_in_bio', tutorId, categories: screened.categories }, 'tutor bio with contact details refused');
      await flagRepeats(tutorId, null, 'bio');
      return { ok: false, categories: screened.categories, message: bioRefusal(screened.categories) };
    },

    async reviewNotice(session: { studentId: string; tutorId: string }): Promise<string | null> {
      return (await deps.minors([session.studentId])).has(session.studentId) ? REVIEW_NOTICE : null;
    },

    /**
     * One participant reports the other. The session's evidence is held until the report is closed; a severe category
     * alerts ops at once and holds the reported tutor's question alerts. A student may block the tutor with it.
     */
    async report(caller: { id: string }, body: CreateReportBody): Promise<Result<SafetyReport, ReportFailure>> {
      const people = await deps.participants(body.sessionId);
      if (!people) return fail('not_found');
      if (caller.id !== people.studentId && caller.id !== people.tutorId) return fail('not_found');
      const reportedId = caller.id === people.studentId ? people.tutorId : people.studentId;
      const severe = isSevere(body.category);
      const block = body.block && caller.id === people.studentId;
      const now = clock.now();
      const staff = severe ? await deps.opsStaffIds() : [];
      const { row, push } = await repo.transaction(async (tx) => {
        const row = await repo.insertReport(tx, { sessionId: body.sessionId, reporterId: caller.id, reportedId, category: body.category, text: body.text, source: body.source, severe, status: 'open', blocked: block, createdAt: now });
        if (block) await repo.block(tx, caller.id, reportedId, now);
        let push = () => {};
        if (severe) {
          await repo.addFlag(tx, { kind: 'severe_report', userId: reportedId, sessionId: body.sessionId, dedupeKey: `severe_report:${row.id}`, detail: { reportId: row.id, category: body.category }, createdAt: now });
          push = await deps.alertOps(tx, staff, {
            kind: 'safety.severe_report',
            text: `Severe safety report (${body.category.replace('_', ' ')}): review now. The reported user's question alerts are held until it is closed.`,
            data: { reportId: row.id, sessionId: body.sessionId },
            dedupeKey: `safety-severe:${row.id}`,
          });
        }
        return { row, push };
      });
      push();
      logger.info({ event: 'safety_report_opened', reportId: row.id, sessionId: body.sessionId, reporterId: caller.id, reportedId, category: body.category, source: body.source, severe, blocked: block }, 'safety report opened');
      if (severe) logger.warn({ event: 'safety_alerts_held', reportId: row.id, userId: reportedId }, 'question alerts held until the report is reviewed');
      return ok(reportView(row));
    },

    /** A student blocks a tutor: no question alerts for them, no bookings with them. */
    async block(caller: { id: string; role: string }, tutorId: string): Promise<Result<{ tutorId: string }, BlockFailure>> {
      if (caller.role !== 'student') return fail('not_a_student');
      const names = await deps.names([tutorId]);
      if (names.get(tutorId)?.role !== 'tutor') return fail('not_found');
      if (await repo.block(repo.db, caller.id, tutorId, clock.now())) logger.info({ event: 'tutor_blocked', studentId: caller.id, tutorId }, 'student blocked a tutor');
      return ok({ tutorId });
    },
    async unblock(caller: { id: string }, tutorId: string): Promise<{ tutorId: string }> {
      if (await repo.unblock(caller.id, tutorId)) logger.info({ event: 'tutor_unblocked', studentId: caller.id, tutorId }, 'student unblocked a tutor');
      return { tutorId };
    },
    /** The tutors this student blocked, newest first, with their names so the list can say who. */
    async blocks(studentId: string): Promise<{ tutorId: string; displayName: string; createdAt: Date }[]> {
      const rows = await repo.blocksOf(studentId);
      const names = rows.length ? await deps.names(rows.map((b) => b.tutorId)) : new Map<string, { displayName: string }>();
      return rows.map((b) => ({ ...b, displayName: names.get(b.tutorId)?.displayName ?? 'deleted user' }));
    },

    /** Help's port: tutors blocked by this student, or under a severe report's review. */
    async withheldTutors(studentId: string, tutorIds: readonly string[]): Promise<Set<string>> {
      const [blocked, held] = await Promise.all([repo.blockedAmong(studentId, tutorIds), repo.underSevereReview(tutorIds)]);
      return new Set([...blocked, ...held]);
    },
    /** Scheduling's port. */
    async blocked(studentId: string, tutorId: string): Promise<boolean> {
      return (await repo.blockedAmong(studentId, [tutorId])).has(tutorId);
    },

    // ---- ops ----
    async queue(status: 'open' | 'closed'): Promise<SafetyReport[]> {
      return (await repo.reports(status, 200)).map(reportView);
    },
    async staffReport(id: string): Promise<Result<StaffSafetyReport, Fail<'not_found'>>> {
      const r = await repo.findReport(id);
      if (!r) return fail('not_found');
      const [names, chat, attempts] = await Promise.all([deps.names([r.reporterId, r.reportedId]), deps.chat(r.sessionId), repo.attemptsInSession(r.sessionId)]);
      const person = (uid: string) => ({ id: uid, displayName: names.get(uid)?.displayName ?? 'deleted user', role: names.get(uid)?.role ?? 'unknown' });
      return ok({
        ...reportView(r),
        text: r.text,
        source: r.source,
        reporter: person(r.reporterId),
        reported: person(r.reportedId),
        sessionLink: `/session/${r.sessionId}`,
        chat: chat.slice(-100),
        contactAttempts: attempts.map((a) => ({ senderId: a.senderId, original: a.original, categories: a.categories, at: a.createdAt.toISOString() })),
        closedAt: r.closedAt?.toISOString() ?? null,
        closedBy: r.closedBy,
        resolution: r.resolution,
      });
    },
    /** Closes a report (audited): its session's hold is released, and a severe one's hold on alerts with it. */
    async closeReport(actor: { id: string; role: string }, id: string, resolution: string): Promise<Result<SafetyReport, CloseFailure>> {
      const found = await repo.findReport(id);
      if (!found) return fail('not_found');
      const now = clock.now();
      const closed = await repo.transaction(async (tx) => {
        const row = await repo.closeReport(tx, id, { closedAt: now, closedBy: actor.id, resolution });
        if (row) await deps.audit(tx, now, { actor, action: 'safety.report_closed', object: { type: 'safety_report', id }, reason: resolution });
        return row;
      });
      if (!closed) return fail('already_closed');
      logger.info({ event: 'safety_report_closed', audit: true, reportId: id, by: actor.id, sessionId: closed.sessionId }, 'safety report closed; its hold is released');
      return ok(reportView(closed));
    },
    async flags(): Promise<SafetyFlag[]> {
      return (await repo.flags(200)).map(flagView);
    },
    /** A minor's call ran past its booked (or expected) end plus the grace: flagged and ops alerted (once per session). */
    async longCall(session: { id: string; studentId: string; tutorId: string; expectedEnd: Date }): Promise<boolean> {
      const now = clock.now();
      const minutesOver = Math.round((now.getTime() - session.expectedEnd.getTime()) / 60_000);
      const staff = await deps.opsStaffIds();
      const raised = await repo.transaction(async (tx) => {
        const flag = await repo.addFlag(tx, { kind: 'long_call', userId: session.tutorId, sessionId: session.id, dedupeKey: `long_call:${session.id}`, detail: { studentId: session.studentId, expectedEnd: session.expectedEnd.toISOString(), minutesOver }, createdAt: now });
        if (!flag) return null;
        return deps.alertOps(tx, staff, { kind: 'safety.long_call', text: `A call with a student under 18 is still running ${minutesOver} minutes after its expected end.`, data: { sessionId: session.id }, dedupeKey: `safety-long-call:${session.id}` });
      });
      if (!raised) return false;
      raised();
      logger.warn({ event: 'safety_flag_raised', kind: 'long_call', sessionId: session.id, tutorId: session.tutorId, minutesOver }, 'a minor’s call ran long; ops alerted');
      return true;
    },
    /** Retention's question (#20): of these sessions, those whose chat, board and recording must be kept. */
    sessionsOnLegalHold: (sessionIds: readonly string[]) => repo.sessionsWithOpenReports(repo.db, sessionIds),
  };
}
export type SafetyService = ReturnType<typeof createSafetyService>;
